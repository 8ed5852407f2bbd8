/* Hash loops: FNV-1a over bytes and a multiply-rotate (murmur3-style) mix over words of an
 * 8 KiB buffer, per iteration. */
#include "bench.h"
const char bench_name[] = "hash";

#define WORDS 2048
static u32 buf[WORDS];

static inline u32 rotl(u32 x, int r) { return (x << r) | (x >> (32 - r)); }

u32 bench_run(u32 n) {
  u32 s = 0xC0FFEE;
  for (u32 i = 0; i < WORDS; i++) buf[i] = xorshift(&s);
  u32 sum = 0;
  for (u32 k = 0; k < n; k++) {
    const u8 *p = (const u8 *)buf;
    u32 f = 0x811C9DC5u ^ k;
    for (u32 i = 0; i < WORDS * 4; i++) { f ^= p[i]; f *= 0x01000193u; }
    u32 h = k;
    for (u32 i = 0; i < WORDS; i++) {
      u32 x = buf[i] * 0xCC9E2D51u;
      x = rotl(x, 15) * 0x1B873593u;
      h ^= x; h = rotl(h, 13) * 5 + 0xE6546B64u;
    }
    h ^= h >> 16; h *= 0x85EBCA6Bu; h ^= h >> 13;
    sum = mix(mix(sum, f), h);
  }
  return sum;
}
