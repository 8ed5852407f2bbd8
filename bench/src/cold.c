/* Cold code, like a boot: thousands of distinct small functions (bench/gen-cold.mjs, a few
 * basic blocks each), the first n of them called once each in order. Every call runs code
 * that has never run before, so this measures translation, not execution. */
#include "bench.h"
const char bench_name[] = "cold";

typedef u32 (*chunk_fn)(u32) __attribute__((regparm(1)));
extern const chunk_fn cold_table[];
extern const u32 cold_count;

u32 bench_run(u32 n) {
  /* More than were built (bench/build.sh, BENCH_COLD_CHUNKS): say so rather than time fewer. */
  if (n > cold_count) { put_str("BENCH-ERROR cold: n is more than the functions built\n"); n = cold_count; }
  u32 v = 0x1234567;
  for (u32 i = 0; i < n; i++) v = cold_table[i](v);
  return v;
}
