// RDMSR/WRMSR from a PV guest kernel (read_msr/write_msr in xen/arch/x86/pv/emul-priv-op.c
// and guest_rdmsr/guest_wrmsr in xen/arch/x86/msr.c, as of Xen 4.15 and later where an MSR
// Xen does not know raises #GP instead of reading the host's). What this domain can read:
//   IA32_TSC (0x10)             the time-stamp counter
//   IA32_MISC_ENABLE (0x1a0)    the host value (0 on this core) with BTS and PEBS
//                               unavailable and xTPR disabled (guest_misc_enable)
//   IA32_PERF_CAPABILITIES (0x345)  0, "no extra capabilities"
//   EFER (0xc0000080)           NXE only: LME, LMA (and outside AMD, SCE) hidden from a
//                               32-bit guest
// Writes: MISC_ENABLE is accepted and ignored whatever the value (Xen only logs a change),
// EFER accepted when it leaves the value unchanged (Linux writes it back), the Xen MSR
// 0x40000000 installs a hypercall page; everything else, and every other read, is #GP(0).
// Vendor-specific MSRs (AMD P-states, Intel PLATFORM_INFO, ...) do not apply: this core
// identifies as neither vendor.
import { PAGE } from '../domain.ts';
import { MSR_EFER, MSR_TSC, EFER_NXE } from '../../src/cpu/regs.ts';
import { writeHypercallPage } from '../builder.ts';
import type { PvTrapState } from './state.ts';
import { XEN_HYPERCALL_MSR } from './cpuid.ts';

export const MSR_IA32_MISC_ENABLE = 0x1a0, MSR_IA32_PERF_CAPABILITIES = 0x345;
const MISC_ENABLE_BTS_UNAVAIL = 1 << 11, MISC_ENABLE_PEBS_UNAVAIL = 1 << 12, MISC_ENABLE_XTPR_DISABLE = 1 << 23;
const HOST_MISC_ENABLE = 0n;

function guestMiscEnable(): bigint {
  return HOST_MISC_ENABLE | BigInt(MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL | MISC_ENABLE_XTPR_DISABLE);
}
/** guest_efer for a 32-bit PV domain. */
function guestEfer(t: PvTrapState): bigint { return BigInt(t.d.cpu.efer & EFER_NXE); }

/** The value of MSR `idx`, or null for #GP. */
export function readMsr(t: PvTrapState, idx: number): bigint | null {
  const c = t.d.cpu;
  switch (idx >>> 0) {
    case MSR_TSC: return (c.tsc + BigInt(c.icount)) & 0xffffffffffffffffn;
    case MSR_IA32_MISC_ENABLE: return guestMiscEnable();
    case MSR_IA32_PERF_CAPABILITIES: return 0n;
    case MSR_EFER >>> 0: return guestEfer(t);
  }
  return null;
}

/** Write MSR `idx`; false for #GP. */
export function writeMsr(t: PvTrapState, idx: number, value: bigint): boolean {
  switch (idx >>> 0) {
    case MSR_IA32_MISC_ENABLE: return true;
    case MSR_EFER >>> 0: return value === guestEfer(t);
    case XEN_HYPERCALL_MSR: {
      // guest_wrmsr_xen: bits 0-11 are the page index (one page only), the rest the frame.
      const d = t.d;
      if ((value & 0xfffn) !== 0n) return false;
      const mfn = Number(value >> 12n);
      if (!d.ownsFrame(mfn)) return false;
      writeHypercallPage(d, mfn * PAGE);
      d.cpu.hooks.codeWrite?.(mfn * PAGE, PAGE);
      return true;
    }
  }
  return false;
}
