/* Kernel-like (PV only): self-modifying code, as a kernel patching itself (alternatives,
 * static keys). Each iteration rewrites the immediate of an instruction in a small function
 * and calls it, so the translated block holding it is invalid at every call. */
#include "bench.h"
const char bench_name[] = "smc";
u32 smc_target(u32 x);
extern u8 smc_imm[];
u32 bench_run(u32 n) {
  u32 sum = 0;
  for (u32 k = 0; k < n; k++) {
    u32 v = k * 0x9E3779B9u;
    smc_imm[0] = v; smc_imm[1] = v >> 8; smc_imm[2] = v >> 16; smc_imm[3] = v >> 24;
    sum = mix(sum, smc_target(k));
  }
  return sum;
}
