/* Call-heavy code: naive Fibonacci and Takeuchi's function, recursive, per iteration. */
#include "bench.h"
const char bench_name[] = "recursion";

__attribute__((noinline)) static u32 fib(u32 x) { return x < 2 ? x : fib(x - 1) + fib(x - 2); }
__attribute__((noinline)) static int tak(int x, int y, int z) {
  return y < x ? tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y)) : z;
}

u32 bench_run(u32 n) {
  u32 sum = 0;
  for (u32 k = 0; k < n; k++) {
    sum = mix(sum, fib(18 + (k & 1)));
    sum = mix(sum, (u32)tak(12 + (k & 3), 6, 2));
  }
  return sum;
}
