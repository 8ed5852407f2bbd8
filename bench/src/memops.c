/* memcpy/memset (rep movs/stos, as libc uses them) at 16 B, 256 B, 4 KiB and 64 KiB, each
 * size moving about 96 KiB per iteration. */
#include "bench.h"
const char bench_name[] = "memops";

#define BIG 65536
static u8 src[BIG + 64], dst[BIG + 64];

static u32 run_size(u32 size, u32 k) {
  u32 reps = (96 * 1024) / size, h = 0;
  for (u32 r = 0; r < reps; r++) {
    u32 off = (r * 4 + k) & 31;
    if (r & 1) memset(dst + off, (int)(r + k), size);
    else memcpy(dst + off, src + ((off * 3) & 31), size);
    h += dst[off + size / 2] + dst[off + size - 1];
  }
  return h;
}

u32 bench_run(u32 n) {
  u32 s = 99;
  for (u32 i = 0; i < sizeof src; i++) src[i] = xorshift(&s);
  u32 sum = 0;
  for (u32 k = 0; k < n; k++) {
    sum = mix(sum, run_size(16, k));
    sum = mix(sum, run_size(256, k));
    sum = mix(sum, run_size(4096, k));
    sum = mix(sum, run_size(BIG, k));
  }
  return sum;
}
