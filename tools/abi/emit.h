/* A small JSON writer for the ABI dump: one object per TypeScript module of runtime/abi,
 * each holding numbers, strings, layouts (objects of offsets plus a size), lists, and
 * samples of function-like macros as [[args...], result] pairs. */
#ifndef ABI_EMIT_H
#define ABI_EMIT_H

#include <stddef.h>

void abi_begin(void);
void abi_finish(void);
void abi_section(const char *module);
void abi_num(const char *key, long long value);
void abi_big(const char *key, unsigned long long value); /* written as a decimal string */
void abi_str(const char *key, const char *value);
void abi_object(const char *key);                          /* then abi_field()..., abi_close() */
void abi_layout(const char *key, unsigned long size);      /* an object starting with "size" */
void abi_field(const char *key, unsigned long long value);
void abi_list(const char *key);                            /* then abi_item_*()..., abi_close() */
void abi_item_pair(long long errnum, const char *name);    /* [number, "name"] */
void abi_samples(const char *key);                         /* then abi_sample()..., abi_close() */
void abi_sample(int nargs, const long long *args, long long result);
void abi_close(void);

/* A constant under its own name, or under another key. */
#define K(name) abi_num(#name, (long long)(name))
#define KAS(key, expr) abi_num(key, (long long)(expr))
/* A layout: L(key, type) opens it with sizeof(type); F() names a member, FA() gives the key. */
#define L(key, type) do { typedef type abi_layout_t_; abi_layout(key, sizeof(type))
#define F(member) abi_field(#member, offsetof(abi_layout_t_, member))
#define FA(key, member) abi_field(key, offsetof(abi_layout_t_, member))
#define LEND() abi_close(); } while (0)

/* Sample arguments for function-like macros: 32-bit values with interesting bit patterns. */
extern const unsigned long abi_sample_values[];
extern const int abi_nr_sample_values;
#define SAMPLES1(key, x, expr) do { \
    abi_samples(key); \
    for (int i_ = 0; i_ < abi_nr_sample_values; i_++) { \
        unsigned long x = abi_sample_values[i_]; \
        long long a_[1] = { (long long)x }; \
        abi_sample(1, a_, (long long)(expr)); \
    } \
    abi_close(); \
} while (0)

#endif
