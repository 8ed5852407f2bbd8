/* Target-independent support: string routines (the x86 string instructions, as a libc would
 * use them), console formatting, and bench_main: parse the iteration count from the command
 * line, run the benchmark, print "BENCH <name> n=<n> checksum=<hex>" and "BENCH-END". */
#include "bench.h"

void *memcpy(void *d, const void *s, u32 n) {
  void *r = d; u32 a = n >> 2, b = n & 3;
  __asm__ volatile("rep movsl\n\tmov %3, %%ecx\n\trep movsb" : "+D"(d), "+S"(s), "+c"(a) : "r"(b) : "memory");
  return r;
}
void *memmove(void *d, const void *s, u32 n) {
  if ((u32)d <= (u32)s || (u32)d >= (u32)s + n) return memcpy(d, s, n);
  u8 *dd = (u8 *)d + n - 1; const u8 *ss = (const u8 *)s + n - 1;
  __asm__ volatile("std\n\trep movsb\n\tcld" : "+D"(dd), "+S"(ss), "+c"(n) : : "memory");
  return d;
}
void *memset(void *d, int c, u32 n) {
  void *r = d; u32 v = (u8)c * 0x01010101u, a = n >> 2, b = n & 3;
  __asm__ volatile("rep stosl\n\tmov %2, %%ecx\n\trep stosb" : "+D"(d), "+c"(a) : "r"(b), "a"(v) : "memory");
  return r;
}

void put_str(const char *s) { u32 n = 0; while (s[n]) n++; rt_write(s, n); }
void put_hex(u32 v) {
  char b[8];
  for (int i = 0; i < 8; i++) b[i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 15];
  rt_write(b, 8);
}
void put_dec(u32 v) {
  char b[12]; int i = 12;
  do { b[--i] = '0' + v % 10; v /= 10; } while (v);
  rt_write(b + i, 12 - i);
}

/* The first all-digit word of the command line (QEMU puts the kernel's file name first). */
static u32 parse_count(const char *s) {
  while (s && *s) {
    while (*s == ' ') s++;
    const char *w = s; u32 v = 0; int digits = 1;
    while (*s && *s != ' ') { if (*s < '0' || *s > '9') digits = 0; else v = v * 10 + (*s - '0'); s++; }
    if (digits && s > w) return v;
  }
  return 1;
}

int bench_main(const char *cmdline) {
  u32 n = parse_count(cmdline);
  u32 sum = bench_run(n);
  put_str("BENCH "); put_str(bench_name); put_str(" n="); put_dec(n);
  put_str(" checksum="); put_hex(sum); put_str("\nBENCH-END\n");
  return 0;
}
