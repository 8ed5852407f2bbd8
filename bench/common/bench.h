/* Shared by every benchmark and every target runtime (freestanding, gcc -m32, no floating point).
 * A benchmark defines bench_run(n): do n iterations of its work and return a checksum that
 * depends on all of it. The runtime of each target (rt/) calls bench_main with the command line. */
#ifndef BENCH_H
#define BENCH_H
typedef unsigned int u32;
typedef int s32;
typedef unsigned short u16;
typedef unsigned char u8;

/* The benchmark's one entry point and its name (as printed). */
u32 bench_run(u32 n);
extern const char bench_name[];

/* Provided by the target runtime: write bytes to the console. */
void rt_write(const char *s, u32 len);

/* common/lib.c */
void *memcpy(void *d, const void *s, u32 n);
void *memset(void *d, int c, u32 n);
void *memmove(void *d, const void *s, u32 n);
int bench_main(const char *cmdline);
void put_str(const char *s);
void put_hex(u32 v);
void put_dec(u32 v);

/* A small deterministic generator (xorshift32); never returns 0 for a nonzero state. */
static inline u32 xorshift(u32 *s) { u32 x = *s; x ^= x << 13; x ^= x >> 17; x ^= x << 5; return *s = x; }
/* Mix a value into a running checksum. */
static inline u32 mix(u32 h, u32 v) { h ^= v; h *= 0x01000193u; return h ^ (h >> 15); }
#endif
