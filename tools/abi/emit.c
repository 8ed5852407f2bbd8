#include <stdio.h>
#include <stdlib.h>
#include "emit.h"

const unsigned long abi_sample_values[] = {
    0, 1, 2, 3, 4, 7, 8, 0xff, 0x100, 0x1ff, 0x3ff, 0x400, 0x401, 0x7ff, 0x800, 0xfff, 0x1000,
    0x12345, 0xfffff, 0x100000, 0x123456, 0x7fffffff, 0x80000000, 0xfffff000, 0xffffffff,
};
const int abi_nr_sample_values = sizeof(abi_sample_values) / sizeof(abi_sample_values[0]);

static int sections, keys, items;
static enum { TOP, OBJECT, LIST } nested = TOP;

static void key(const char *k)
{
    if (nested != TOP) { fprintf(stderr, "dump: '%s' inside an open object\n", k); exit(1); }
    printf("%s\n    \"%s\": ", keys++ ? "," : "", k);
}

static void str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') putchar('\\');
        putchar(*s);
    }
    putchar('"');
}

void abi_begin(void) { printf("{"); }

void abi_section(const char *module)
{
    if (sections) printf("\n  },");
    printf("\n  \"%s\": {", module);
    sections++;
    keys = 0;
}

void abi_finish(void)
{
    if (nested != TOP) { fprintf(stderr, "dump: unclosed object at the end\n"); exit(1); }
    printf("\n  }\n}\n");
}

void abi_num(const char *k, long long v) { key(k); printf("%lld", v); }
void abi_big(const char *k, unsigned long long v) { key(k); printf("\"%llu\"", v); }
void abi_str(const char *k, const char *v) { key(k); str(v); }

void abi_object(const char *k) { key(k); printf("{"); nested = OBJECT; items = 0; }

void abi_layout(const char *k, unsigned long size)
{
    abi_object(k);
    abi_field("size", size);
}

void abi_field(const char *k, unsigned long long v)
{
    if (nested != OBJECT) { fprintf(stderr, "dump: field '%s' outside an object\n", k); exit(1); }
    printf("%s\"%s\": %llu", items++ ? ", " : " ", k, v);
}

void abi_list(const char *k) { key(k); printf("["); nested = LIST; items = 0; }

void abi_item_pair(long long n, const char *name)
{
    printf("%s[%lld, ", items++ ? ", " : "", n);
    str(name);
    printf("]");
}

void abi_samples(const char *k) { abi_list(k); }

void abi_sample(int nargs, const long long *args, long long result)
{
    printf("%s[[", items++ ? ", " : "");
    for (int i = 0; i < nargs; i++) printf("%s%lld", i ? ", " : "", args[i]);
    printf("], %lld]", result);
}

void abi_close(void)
{
    printf(nested == OBJECT ? " }" : "]");
    nested = TOP;
}
