/* Kernel-like (PV only): a hypercall-heavy loop, as a kernel's time and memory paths make
 * them: per iteration xen_version(XENVER_version), xen_version(XENVER_extraversion) into a
 * buffer, and update_va_mapping rewriting one page's entry (same frame, flags toggled). */
#include "bench.h"
#include "pvlib.h"
const char bench_name[] = "hypercall";
extern struct start_info *start_info;
static u8 scratch[4096] __attribute__((aligned(4096)));

u32 bench_run(u32 n) {
  u32 *p2m = (u32 *)start_info->mfn_list;
  u32 va = (u32)scratch, mfn = p2m[(va - 0xC0000000u) >> 12], sum = 0;
  char extra[16];
  for (u32 k = 0; k < n; k++) {
    sum = mix(sum, (u32)hcall(17, 0, 0, 0, 0, 0));
    sum = mix(sum, (u32)hcall(17, 1, (u32)extra, 0, 0, 0) + (u8)extra[0]);
    u32 pte = (mfn << 12) | 0x1 | 0x2 | 0x20 | ((k & 1) ? 0x40 : 0);
    long r = hcall(14, va, pte, 0, 2 /* UVMF_INVLPG */, 0);
    if (r != 0) { put_str("hypercall: update_va_mapping failed\n"); return 0; }
    scratch[k & 4095] = (u8)k;
  }
  return sum;
}
