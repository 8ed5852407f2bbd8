/* Memory-heavy integer matrix multiply: 64x64 by 64x64 (ikj order, 48 KiB of matrices), the
 * result folded into the left operand each iteration. */
#include "bench.h"
const char bench_name[] = "matmul";

#define D 64
static u32 A[D][D], B[D][D], C[D][D];

u32 bench_run(u32 n) {
  u32 s = 77;
  for (int i = 0; i < D; i++)
    for (int j = 0; j < D; j++) { A[i][j] = xorshift(&s) & 0xff; B[i][j] = xorshift(&s) & 0xff; }
  u32 sum = 0;
  for (u32 k = 0; k < n; k++) {
    for (int i = 0; i < D; i++) for (int j = 0; j < D; j++) C[i][j] = 0;
    for (int i = 0; i < D; i++)
      for (int x = 0; x < D; x++) {
        u32 a = A[i][x];
        for (int j = 0; j < D; j++) C[i][j] += a * B[x][j];
      }
    for (int i = 0; i < D; i++) {
      sum = mix(sum, C[i][i]);
      A[i][(i + k) % D] = C[i][(i * 7) % D] & 0xff;
    }
  }
  return sum;
}
