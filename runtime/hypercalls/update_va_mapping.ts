// HYPERVISOR_update_va_mapping (public/xen.h; xen/arch/x86/mm.c __do_update_va_mapping, in its
// compat form: va, the new entry as two 32-bit halves, flags): a validated update of the L1
// entry that maps va in the current page tables, then the TLB flush the flags ask for. Without
// a flush flag the guest must flush itself, as on Xen.
import type { Hypercall } from './table.ts';
import { readGuest32 } from '../guest-memory.ts';
import { pvMmu } from '../mmu/mmu.ts';
import {
  EFAULT, ENOSYS, HYPERVISOR_update_va_mapping, UVMF_FLUSHTYPE_MASK, UVMF_TLB_FLUSH, UVMF_INVLPG,
  UVMF_LOCAL, UVMF_ALL,
} from '../mmu/constants.ts';

export const updateVaMapping: Hypercall = {
  nr: HYPERVISOR_update_va_mapping, name: 'update_va_mapping', args: ['u', 'u', 'u', 'u'],
  handler(d, [va, lo, hi, flags]) {
    const mmu = pvMmu(d);
    if (!mmu) return ENOSYS;
    const rc = mmu.updateVaMapping(va, lo, d.pae ? hi : 0);
    // Any error means the entry did not change: no flush.
    if (rc !== 0) return rc;
    const type = flags & UVMF_FLUSHTYPE_MASK, target = flags & ~UVMF_FLUSHTYPE_MASK;
    if (type !== UVMF_TLB_FLUSH && type !== UVMF_INVLPG) return 0;
    let flush = true, result = 0;
    if (target !== UVMF_LOCAL && target !== UVMF_ALL) {
      // A pointer to a vCPU bitmap; this domain has vCPU 0 only.
      const mask = readGuest32(d, target);
      if (mask === null) { result = EFAULT; flush = false; } else flush = (mask & 1) !== 0;
    }
    if (flush) { if (type === UVMF_TLB_FLUSH) mmu.flushLocal(); else mmu.invlpg(va); }
    return result;
  },
};
