// HYPERVISOR_mmuext_op (public/xen.h; xen/arch/x86/mm.c do_mmuext_op and
// x86_64/compat/mm.c compat_mmuext_op): pinning and unpinning page tables, the page-table
// base, TLB flushes, the LDT, and clearing/copying frames. The batch stops at the first
// failing operation; *pdone gets the number completed before it.
import type { Hypercall } from './table.ts';
import type { Domain } from '../domain.ts';
import { PAGE } from '../domain.ts';
import { copyFromGuest, readGuest32, writeGuest32 } from '../guest-memory.ts';
import { pvMmu, type PvMmu } from '../mmu/mmu.ts';
import { startBatch, pageOwnerCheck } from '../mmu/guest-handles.ts';
import { ownedByDomain, writeFrame } from '../mmu/frames.ts';
import {
  EACCES, EFAULT, EINVAL, ENOSYS, EOPNOTSUPP, HYPERVISOR_mmuext_op,
  MMUEXT_PIN_L1_TABLE, MMUEXT_PIN_L2_TABLE, MMUEXT_PIN_L3_TABLE, MMUEXT_PIN_L4_TABLE,
  MMUEXT_UNPIN_TABLE, MMUEXT_NEW_BASEPTR, MMUEXT_TLB_FLUSH_LOCAL, MMUEXT_INVLPG_LOCAL,
  MMUEXT_TLB_FLUSH_MULTI, MMUEXT_INVLPG_MULTI, MMUEXT_TLB_FLUSH_ALL, MMUEXT_INVLPG_ALL,
  MMUEXT_FLUSH_CACHE, MMUEXT_SET_LDT, MMUEXT_NEW_USER_BASEPTR, MMUEXT_CLEAR_PAGE,
  MMUEXT_COPY_PAGE, MMUEXT_FLUSH_CACHE_GLOBAL, MMUEXT_MARK_SUPER, MMUEXT_UNMARK_SUPER,
} from '../mmu/constants.ts';
import { PGT_l1_page_table, PGT_l2_page_table, PGT_l3_page_table, PGT_writable_page } from '../mmu/page-types.ts';

export const MMUEXT_NAMES: Record<number, string> = {
  0: 'pin_l1', 1: 'pin_l2', 2: 'pin_l3', 3: 'pin_l4', 4: 'unpin', 5: 'new_baseptr', 6: 'tlb_flush_local',
  7: 'invlpg_local', 8: 'tlb_flush_multi', 9: 'invlpg_multi', 10: 'tlb_flush_all', 11: 'invlpg_all',
  12: 'flush_cache', 13: 'set_ldt', 15: 'new_user_baseptr', 16: 'clear_page', 17: 'copy_page',
  18: 'flush_cache_global', 19: 'mark_super', 20: 'unmark_super',
};

/** vcpumask_to_pcpumask for a one-vCPU domain: the first 32-bit word of the mask decides;
 *  null when it cannot be read. */
function vcpuMask(d: Domain, ptr: number): number | null {
  return readGuest32(d, ptr);
}

/** One operation: 0 or an errno. */
export function mmuextOne(d: Domain, mmu: PvMmu, cmd: number, arg1: number, arg2: number): number {
  switch (cmd) {
    case MMUEXT_PIN_L1_TABLE: return mmu.pin(arg1 >>> 0, PGT_l1_page_table);
    case MMUEXT_PIN_L2_TABLE: return mmu.pin(arg1 >>> 0, PGT_l2_page_table);
    // Pinning a level the guest's paging does not have is ignored (as is L4 for a 32-bit
    // guest on 64-bit Xen).
    case MMUEXT_PIN_L3_TABLE: return d.pae ? mmu.pin(arg1 >>> 0, PGT_l3_page_table) : 0;
    case MMUEXT_PIN_L4_TABLE: return 0;
    case MMUEXT_UNPIN_TABLE: return mmu.unpin(arg1 >>> 0);
    case MMUEXT_NEW_BASEPTR: return mmu.newBaseptr(arg1 >>> 0);
    // compat_mmuext_op refuses the user base pointer of 64-bit guests.
    case MMUEXT_NEW_USER_BASEPTR: return EINVAL;
    case MMUEXT_TLB_FLUSH_LOCAL: case MMUEXT_TLB_FLUSH_ALL: mmu.flushLocal(); return 0;
    case MMUEXT_INVLPG_LOCAL: case MMUEXT_INVLPG_ALL: mmu.invlpg(arg1); return 0;
    case MMUEXT_TLB_FLUSH_MULTI: case MMUEXT_INVLPG_MULTI: {
      const mask = vcpuMask(d, arg2);
      if (mask === null) return EINVAL;
      if (mask & 1) { if (cmd === MMUEXT_TLB_FLUSH_MULTI) mmu.flushLocal(); else mmu.invlpg(arg1); }
      return 0;
    }
    // A domain without I/O resources may not flush caches.
    case MMUEXT_FLUSH_CACHE: return EACCES;
    case MMUEXT_FLUSH_CACHE_GLOBAL: return EINVAL;
    case MMUEXT_SET_LDT: return mmu.desc.setLdt(arg1, arg2);
    case MMUEXT_CLEAR_PAGE: {
      const mfn = arg1 >>> 0;
      if (!ownedByDomain(d, mfn) || mmu.types.get(mfn, PGT_writable_page) !== 0) return EINVAL;
      writeFrame(d, mfn, null);
      mmu.types.put(mfn);
      return 0;
    }
    case MMUEXT_COPY_PAGE: {
      const dst = arg1 >>> 0, src = arg2 >>> 0;
      if (!ownedByDomain(d, src)) return EINVAL;
      if (!ownedByDomain(d, dst) || mmu.types.get(dst, PGT_writable_page) !== 0) return EINVAL;
      writeFrame(d, dst, d.cpu.mem.slice(src * PAGE, src * PAGE + PAGE));
      mmu.types.put(dst);
      return 0;
    }
    case MMUEXT_MARK_SUPER: case MMUEXT_UNMARK_SUPER: return EOPNOTSUPP;
    default: return ENOSYS;
  }
}

export const mmuextOp: Hypercall = {
  nr: HYPERVISOR_mmuext_op, name: 'mmuext_op', args: ['p', 'u', 'p', 'u'],
  handler(d, [uops, count, pdone, foreigndom]) {
    const mmu = pvMmu(d);
    if (!mmu) return ENOSYS;
    const batch = startBatch(d, uops, count, pdone, 12);
    if (typeof batch === 'number') return batch;
    count = batch.count;
    let done = batch.done;
    const owner = pageOwnerCheck(foreigndom);
    if (owner !== 0) return owner;
    let rc = 0, i = 0;
    for (; i < count; i++) {
      const op = copyFromGuest(d, (uops + i * 12) | 0, 12);
      if (!op) { rc = EFAULT; break; }
      const v = new DataView(op.buffer);
      rc = mmuextOne(d, mmu, v.getInt32(0, true) >>> 0, v.getInt32(4, true), v.getInt32(8, true));
      if (rc !== 0) break;
    }
    if (pdone !== 0) writeGuest32(d, pdone, done + i);
    return rc;
  },
};
