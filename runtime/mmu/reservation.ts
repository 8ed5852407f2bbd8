// The domain's memory reservation (xen/common/memory.c increase_reservation,
// decrease_reservation, populate_physmap, guest_remove_page, as Xen answers an unprivileged PV
// guest): the domain starts with all the frames it may have (tot_pages == max_pages); frames
// it gives back can be taken again, nothing more.
import type { PvMmu } from './mmu.ts';
import { PAGE } from '../domain.ts';
import { writeFrame } from './frames.ts';

/** The largest extent order a domU may use (CONFIG_DOMU_MAX_ORDER on x86). */
export const DOMU_MAX_ORDER = 9;
export const INVALID_M2P_ENTRY = -1;

/** Take 2^order contiguous, aligned frames the domain gave back, or -1 (alloc_domheap_pages
 *  failing because tot_pages + 2^order > max_pages, or no such run). */
export function allocExtent(mmu: PvMmu, order: number): number {
  const n = 1 << order;
  if (mmu.totPages + n > mmu.maxPages) return -1;
  const free = new Set(mmu.released);
  // A frame given back while still referenced (mapped, or a page table in use) stays out of
  // reach until its last reference goes, as a freed Xen page does.
  const idle = (x: number): boolean => free.has(x) && mmu.types.count[x] === 0;
  for (const f of mmu.released) {
    if (f & (n - 1)) continue;
    let ok = idle(f);
    for (let j = 1; j < n && ok; j++) ok = idle(f + j);
    if (!ok) continue;
    for (let j = 0; j < n; j++) {
      const k = mmu.released.indexOf(f + j);
      mmu.released.splice(k, 1);
      mmu.d.owned[f + j] = 1;
      mmu.d.setM2p(f + j, INVALID_M2P_ENTRY);
      // Fresh memory carries nothing of its past use.
      writeFrame(mmu.d, f + j, null);
    }
    mmu.totPages += n;
    return f;
  }
  return -1;
}

/** guest_remove_page for a PV guest (gmfn is a machine frame): false when the frame is not
 *  the domain's. A pinned table is unpinned; the frame leaves the P2M/M2P. */
export function removePage(mmu: PvMmu, mfn: number): boolean {
  const d = mmu.d;
  if (!Number.isInteger(mfn) || !d.ownsFrame(mfn)) return false;
  if (mmu.types.pinned(mfn)) mmu.unpin(mfn);
  d.owned[mfn] = 0;
  const pfn = d.pfnOf(mfn);
  if (pfn >= 0 && pfn < d.nrPages && d.p2m[pfn] === mfn) d.p2m[pfn] = -1;
  d.setM2p(mfn, INVALID_M2P_ENTRY);
  mmu.totPages--;
  mmu.released.push(mfn);
  return true;
}

/** The runtime's P2M follows a populated frame (a PV guest keeps its own P2M; this is the
 *  runtime's copy, used by tools and tests). */
export function notePopulated(mmu: PvMmu, gpfn: number, mfn: number): void {
  const d = mmu.d;
  if (gpfn >= 0 && gpfn < d.nrPages) d.p2m[gpfn] = mfn;
  d.setM2p(mfn, gpfn);
}
void PAGE;
