/* The sieve of Eratosthenes over 65536 numbers (a byte per number), once per iteration;
 * the checksum mixes the prime count with a few primes. */
#include "bench.h"
const char bench_name[] = "sieve";

#define LIMIT 65536
static u8 composite[LIMIT];

u32 bench_run(u32 n) {
  u32 sum = 0;
  for (u32 k = 0; k < n; k++) {
    for (u32 i = 0; i < LIMIT; i++) composite[i] = 0;
    u32 count = 0, last = 0;
    for (u32 i = 2; i < LIMIT; i++) {
      if (composite[i]) continue;
      count++; last = i;
      for (u32 j = i * i; j < LIMIT; j += i) composite[j] = 1;
    }
    sum = mix(mix(sum, count), last ^ k);
  }
  return sum;
}
