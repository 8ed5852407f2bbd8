// HYPERVISOR_mmu_update (public/xen.h; xen/arch/x86/mm.c do_mmu_update): a batch of
// (ptr, val) requests. The low bits of ptr select the command: a checked store into a page
// table (MMU_NORMAL_PT_UPDATE, MMU_PT_UPDATE_PRESERVE_AD, MMU_PT_UPDATE_NO_TRANSLATE, which
// is the same thing for a PV guest), or an M2P entry (MMU_MACHPHYS_UPDATE). The batch stops at
// the first failing request; *pdone gets the number of requests completed before it.
import type { Hypercall } from './table.ts';
import type { Domain } from '../domain.ts';
import { PAGE } from '../domain.ts';
import { copyFromGuest, writeGuest32 } from '../guest-memory.ts';
import { pvMmu, type PvMmu } from '../mmu/mmu.ts';
import { startBatch, pageOwnerCheck } from '../mmu/guest-handles.ts';
import { ownedByDomain, writeEntry } from '../mmu/frames.ts';
import {
  EFAULT, EINVAL, ENOSYS, ESRCH, MMU_NORMAL_PT_UPDATE, MMU_MACHPHYS_UPDATE, MMU_PT_UPDATE_PRESERVE_AD,
  MMU_PT_UPDATE_NO_TRANSLATE, HYPERVISOR_mmu_update,
} from '../mmu/constants.ts';
import { PGT_l1_page_table, PGT_l2_page_table, PGT_l3_page_table, PGT_writable_page } from '../mmu/page-types.ts';

/** One MMU_NORMAL_PT_UPDATE-family request: entry at machine address `ptr` := val. */
function ptUpdate(d: Domain, mmu: PvMmu, ptrLo: number, ptrHi: number, lo: number, hi: number, cmd: number): number {
  const mfn = (ptrHi >>> 0) * 0x100000 + (ptrLo >>> 12);
  if (!ownedByDomain(d, mfn)) return EINVAL;
  const pa = mfn * PAGE + (ptrLo & 0xfff & ~(mmu.tables.esize - 1));
  const ad = cmd === MMU_PT_UPDATE_PRESERVE_AD;
  const t = mmu.types;
  if (t.inUse(mfn)) {
    switch (t.type[mfn]) {
      case PGT_l1_page_table: return mmu.tables.modL1(pa, lo, hi, ad);
      case PGT_l2_page_table: return mmu.tables.modL2(pa, lo, hi, ad);
      case PGT_l3_page_table: return mmu.tables.modL3(pa, lo, hi, ad);
      case PGT_writable_page: writeEntry(d, pa, lo, hi); return 0;
      default: return EINVAL; // a descriptor page in use
    }
  }
  // Not in use as anything: a plain store, once the frame may be writable.
  if (t.get(mfn, PGT_writable_page) !== 0) return EINVAL;
  writeEntry(d, pa, lo, hi);
  t.put(mfn);
  return 0;
}

export const mmuUpdate: Hypercall = {
  nr: HYPERVISOR_mmu_update, name: 'mmu_update', args: ['p', 'u', 'p', 'u'],
  handler(d, [ureqs, count, pdone, foreigndom]) {
    const mmu = pvMmu(d);
    if (!mmu) return ENOSYS;
    const batch = startBatch(d, ureqs, count, pdone, 16);
    if (typeof batch === 'number') return batch;
    count = batch.count;
    let done = batch.done;
    // The page-table owner (bits 16..31 of foreigndom, plus one) must be this domain, whose
    // id the guest does not know; any number there names another domain.
    if ((foreigndom >>> 16) !== 0) return ESRCH;
    let rc = pageOwnerCheck(foreigndom);
    let i = 0;
    if (rc === 0) {
      for (; i < count; i++) {
        const req = copyFromGuest(d, (ureqs + i * 16) | 0, 16);
        if (!req) { rc = EFAULT; break; }
        const v = new DataView(req.buffer);
        const ptrLo = v.getInt32(0, true), ptrHi = v.getInt32(4, true);
        const valLo = v.getInt32(8, true), valHi = v.getInt32(12, true);
        const cmd = ptrLo & (mmu.tables.esize - 1);
        switch (cmd) {
          case MMU_NORMAL_PT_UPDATE: case MMU_PT_UPDATE_PRESERVE_AD: case MMU_PT_UPDATE_NO_TRANSLATE:
            rc = ptUpdate(d, mmu, ptrLo - cmd, ptrHi, valLo, d.pae ? valHi : 0, cmd);
            break;
          case MMU_MACHPHYS_UPDATE: {
            // The M2P entry of a frame of the domain; the compat M2P holds 32-bit entries.
            const mfn = (ptrHi >>> 0) * 0x100000 + (ptrLo >>> 12);
            if (!ownedByDomain(d, mfn)) { rc = EINVAL; break; }
            d.setM2p(mfn, valLo);
            rc = 0;
            break;
          }
          default: rc = ENOSYS;
        }
        if (rc !== 0) break;
      }
    }
    // Add the work done to *pdone (a failed copy-out is ignored, as in Xen).
    if (pdone !== 0) writeGuest32(d, pdone, done + i);
    return rc;
  },
};
