// Page faults the hypervisor handles itself before a guest sees them (Xen's fixup_page_fault
// for a PV guest): faults in the LDT area map the guest's LDT page on demand, and, with
// VMASST_TYPE_writable_pagetables, kernel stores into read-only L1 tables are emulated
// (ptwr.ts). Every other exception goes to the trap bouncer unchanged.
import type { Machine } from '../machine.ts';
import type { TrapBouncer } from '../traps.ts';
import { LDT_VIRT, LDT_PAGES, PAGE } from '../domain.ts';
import { PF_ } from '../../src/cpu/fault.ts';
import { PFEC_P, PFEC_W, PFEC_U, PFEC_RSVD, PFEC_ID } from '../../src/cpu/paging.ts';
import { VMASST_TYPE_writable_pagetables } from './constants.ts';
import { ptwrEmulate } from './ptwr.ts';
import type { PvMmu } from './mmu.ts';

/** Handle a fault the MMU owns. True: handled, the instruction is retried or was emulated. */
export function mmuFixupFault(mmu: PvMmu, vector: number, error: number, soft: boolean): boolean {
  if (vector !== PF_ || soft) return false;
  const c = mmu.d.cpu, addr = c.cr2 >>> 0;
  const ldtLo = LDT_VIRT >>> 0, ldtHi = ldtLo + LDT_PAGES * PAGE;
  if (addr >= ldtLo && addr < ldtHi) {
    const off = addr - ldtLo;
    if (mmu.desc.mapLdtShadowPage(off)) return true;
    // handle_ldt_mapping_fault: the guest gets the fault at its own LDT address.
    if ((off >>> 3) < mmu.desc.ldtEnts) c.cr2 = (mmu.desc.ldtBase + off) | 0;
    return false;
  }
  if ((mmu.d.vmAssist & (1 << VMASST_TYPE_writable_pagetables)) &&
      (error & (PFEC_P | PFEC_W | PFEC_U | PFEC_RSVD | PFEC_ID)) === (PFEC_P | PFEC_W) &&
      addr < mmu.d.hvStart >>> 0) {
    return ptwrEmulate(mmu, addr);
  }
  return false;
}

const WRAPPED = Symbol('mmu fault filter');

/** Put the MMU's fault handling in front of the machine's trap bouncer (idempotent). */
export function installFaultFilter(m: Machine, mmu: PvMmu): void {
  const inner = m.bouncer as (TrapBouncer & { [WRAPPED]?: boolean }) | undefined;
  if (inner?.[WRAPPED]) return;
  const outer: TrapBouncer & { [WRAPPED]: boolean } = {
    [WRAPPED]: true,
    bounce(vector, error, soft) {
      if (mmuFixupFault(mmu, vector, error, soft)) return true;
      return inner ? inner.bounce(vector, error, soft) : false;
    },
  };
  m.bouncer = outer;
}
