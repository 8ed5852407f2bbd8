// Machine frames as the PV MMU sees them: who owns a frame (Xen's page_get_owner), page-table
// entries as (lo, hi) words, and stores into machine memory that keep the translator coherent.
import type { Domain } from '../domain.ts';
import { PAGE } from '../domain.ts';

/** Whose frame it is, in the terms of mm.c's get_page_from_l1e:
 *  - 'domain': allocated to the domain (its RAM, and shared_info, which Xen shares with the
 *    guest writable: share_xen_page_with_guest(SHARE_rw));
 *  - 'xen': Xen's own (the M2P, which Xen shares read-only with privileged guests only; the
 *    reserved GDT page; frames the domain gave back): mapping one gives -EBUSY;
 *  - 'io': not RAM (beyond the end of machine memory, or frame 0 in the low megabyte Xen
 *    gives to dom_io): mapping needs I/O-memory permission, -EPERM. */
export type FrameOwner = 'domain' | 'xen' | 'io';

export function frameOwner(d: Domain, mfn: number): FrameOwner {
  if (!Number.isInteger(mfn) || mfn <= 0 || mfn >= d.totalFrames) return 'io';
  if (d.ownsFrame(mfn) || mfn === d.xen.sharedInfo) return 'domain';
  return 'xen';
}
/** Xen's get_page_from_mfn(mfn, d): the frame exists and belongs to the domain. */
export function ownedByDomain(d: Domain, mfn: number): boolean {
  return frameOwner(d, mfn) === 'domain';
}

/** A page-table entry: the low and high 32-bit words (high is 0 in 2-level tables). */
export interface Pte { lo: number; hi: number; }

/** Frame number an entry points to (up to 40 bits in PAE). */
export function pteMfn(lo: number, hi: number): number {
  return (hi & 0xfffff) * 0x100000 + (lo >>> 12);
}
/** Xen's get_pte_flags: low 12 bits, and bits 52..63 folded to 12..23. */
export function pteFlags(lo: number, hi: number): number {
  return (lo & 0xfff) | ((hi >>> 20) << 12);
}

export function entrySize(d: Domain): number { return d.pae ? 8 : 4; }

export function readEntry(d: Domain, pa: number): Pte {
  const v = d.cpu.view;
  return d.pae ? { lo: v.getInt32(pa, true), hi: v.getInt32(pa + 4, true) } : { lo: v.getInt32(pa, true), hi: 0 };
}

/** Store into machine memory on the hypervisor's behalf. A page holding translated code is
 *  told through the core's codeWrite hook, exactly as a guest store would tell it, so the
 *  translator drops what the store overwrote. */
export function writePhys32(d: Domain, pa: number, v: number): void {
  const c = d.cpu;
  c.view.setInt32(pa, v, true);
  if (c.codePages[pa >>> 12]) c.hooks.codeWrite?.(pa, 4);
}
export function writeEntry(d: Domain, pa: number, lo: number, hi: number): void {
  writePhys32(d, pa, lo);
  if (d.pae) writePhys32(d, pa + 4, hi);
}
/** Fill or copy a whole frame (MMUEXT_CLEAR_PAGE / MMUEXT_COPY_PAGE). */
export function writeFrame(d: Domain, mfn: number, src: Uint8Array | null): void {
  const c = d.cpu, pa = mfn * PAGE;
  if (src) c.mem.set(src, pa); else c.mem.fill(0, pa, pa + PAGE);
  if (c.codePages[mfn]) c.hooks.codeWrite?.(pa, PAGE);
}
