// The control and debug registers a PV guest kernel reads and writes through Xen's emulation
// (read_cr/write_cr in xen/arch/x86/pv/emul-priv-op.c, do_fpu_taskswitch and set_debugreg in
// pv/misc-hypercalls.c, x86emul_read_dr in arch/x86/x86_emulate.c).
//   CR0  reads the real CR0 (TS is the guest's); writes may change TS only (fpu_taskswitch),
//        anything else is #GP.
//   CR2  the address of the last #PF Xen delivered (or what the guest wrote).
//   CR3  the machine address of the current top-level table (compat_pfn_to_cr3 of the
//        frame; a PV guest's gmfn is the mfn); a write installs a new one via the MMU
//        (new_guest_cr3), and fails with #GP when the frame is refused or no MMU is present.
//   CR4  the bits Xen lets a PV guest see (PAE MCE OSFXSR OSXMMEXCPT, from the real CR4)
//        plus those it controls (TSD, DE; FSGSBASE and OSXSAVE are outside the policy);
//        writes never fault, other bits are dropped.
import type { MmuApi } from '../domain.ts';
import { CR0_TS, CR4_TSD, CR4_DE, CR4_PAE, CR4_MCE, CR4_OSFXSR, CR4_OSXMMEXCPT } from '../../src/cpu/regs.ts';
import { writeCr0, writeCr4 } from '../../src/cpu/paging.ts';
import type { PvTrapState } from './state.ts';

const PV_CR4_GUEST_MASK = CR4_TSD | CR4_DE;
const PV_CR4_GUEST_VISIBLE_MASK = CR4_PAE | CR4_MCE | CR4_OSFXSR | CR4_OSXMMEXCPT;

/** The page-table base switch, when the MMU plugin provides it (MMUEXT_NEW_BASEPTR's
 *  new_guest_cr3: 0 or a negative errno). */
type BaseptrMmu = MmuApi & { newBaseptr?: (mfn: number) => number };

/** do_fpu_taskswitch: set or clear CR0.TS (the guest's and the real one, which are one here). */
export function fpuTaskswitch(t: PvTrapState, set: boolean): void {
  const c = t.d.cpu;
  writeCr0(c, set ? c.cr0 | CR0_TS : c.cr0 & ~CR0_TS);
}

/** compat_pfn_to_cr3 / compat_cr3_to_pfn (public/arch-x86/xen-x86_32.h). */
export const pfnToCr3 = (pfn: number): number => ((pfn << 12) | (pfn >>> 20)) | 0;
export const cr3ToPfn = (cr3: number): number => ((cr3 >>> 12) | (cr3 << 20)) >>> 0;

export function guestCr4(t: PvTrapState): number {
  return (t.d.cpu.cr4 & PV_CR4_GUEST_VISIBLE_MASK) | (t.guestCr4 & PV_CR4_GUEST_MASK);
}

/** MOV from CRn; null for registers that do not exist (#UD). */
export function readCr(t: PvTrapState, n: number): number | null {
  const c = t.d.cpu;
  switch (n) {
    case 0: return c.cr0;
    case 2: return t.ctrlreg2;
    case 3: return pfnToCr3(c.cr3 >>> 12);
    case 4: return guestCr4(t);
  }
  return null;
}

/** MOV to CRn; false when Xen refuses the write (#GP). */
export function writeCr(t: PvTrapState, n: number, v: number): boolean {
  const d = t.d, c = d.cpu;
  switch (n) {
    case 0:
      if ((v ^ c.cr0) & ~CR0_TS) return false;
      fpuTaskswitch(t, (v & CR0_TS) !== 0);
      return true;
    case 2:
      t.ctrlreg2 = v | 0;
      t.setVcpuInfoCr2(v);
      return true;
    case 3: {
      const mfn = cr3ToPfn(v);
      if (!d.ownsFrame(mfn)) return false;
      const mmu = d.ext.mmu as BaseptrMmu | undefined;
      if (!mmu || typeof mmu.newBaseptr !== 'function') return false;
      return mmu.newBaseptr(mfn) === 0;
    }
    case 4:
      // pv_fixup_guest_cr4, then pv_make_cr4: TSD and DE reach the real CR4.
      t.guestCr4 = v & PV_CR4_GUEST_MASK;
      writeCr4(c, (c.cr4 & ~PV_CR4_GUEST_MASK) | t.guestCr4);
      return true;
  }
  return false;
}

/** Debug-register results: -19 (ENODEV: #UD), -1 (EPERM: #GP), else the value / 0. */
export const DR_ENODEV = -19, DR_EPERM = -1;
const DR6_DEFAULT = 0xffff0ff0 | 0, DR7_DEFAULT = 0x400;
const DR7_GD = 1 << 13, DR7_ACTIVE = 0xff, DR_IO = 2;

/** x86emul_read_dr for a PV vCPU. */
export function readDr(t: PvTrapState, n: number): number | typeof DR_ENODEV {
  const c = t.d.cpu, de = (t.guestCr4 & CR4_DE) !== 0;
  switch (n) {
    case 0: case 1: case 2: case 3: return c.dr[n];
    case 4: if (de) return DR_ENODEV; return c.dr[6] | 0;
    case 6: return c.dr[6] | 0;
    case 5: if (de) return DR_ENODEV; return (c.dr[7] | t.dr7Emul) | 0;
    case 7: return (c.dr[7] | t.dr7Emul) | 0;
  }
  return DR_ENODEV;
}

/** set_debugreg: breakpoints must lie below the hypervisor area; DR6/DR7 keep their fixed
 *  bits; DR7.GD is refused, as are I/O breakpoints without CR4.DE. */
export function writeDr(t: PvTrapState, n: number, v: number): number {
  const d = t.d, c = d.cpu, de = (t.guestCr4 & CR4_DE) !== 0;
  switch (n) {
    case 0: case 1: case 2: case 3:
      if ((v >>> 0) >= (d.hvStart >>> 0)) return DR_EPERM;
      c.dr[n] = v;
      return 0;
    case 4: case 6:
      if (n === 4 && de) return DR_ENODEV;
      c.dr[6] = (v & 0x0000e00f) | DR6_DEFAULT;
      return 0;
    case 5: case 7: {
      if (n === 5 && de) return DR_ENODEV;
      v = (v & 0xffff23ff) | DR7_DEFAULT;
      if (v & DR7_GD) return DR_EPERM;
      let io = 0;
      if (v & DR7_ACTIVE) {
        for (let k = 0; k < 4; k++) {
          if (((v >>> (16 + k * 4)) & 3) === DR_IO) {
            if (!de) return DR_EPERM;
            io |= v & (3 << (k * 2));
          }
        }
      }
      t.dr7Emul = io;
      c.dr[7] = v & ~io;
      return 0;
    }
  }
  return DR_ENODEV;
}
