// Validation of page-table pages and of single entry updates, after xen/arch/x86/mm.c:
// get_page_from_l{1,2,3}e / put_page_from_l{1,2,3}e, promote_l{1,2,3}_table /
// demote_l{1,2,3}_table and mod_l{1,2,3}_entry. Every present entry of a validated table
// holds a reference: an L1 entry mapping a frame writable holds a writable type reference on
// it, an L2 entry a type reference on its L1, an L3 entry one on its L2. That is what keeps a
// page table from ever being writable by the guest.
import type { Domain } from '../domain.ts';
import { PAGE } from '../domain.ts';
import {
  EINVAL, EPERM, EBUSY, _PAGE_PRESENT, _PAGE_RW, _PAGE_ACCESSED, _PAGE_DIRTY, _PAGE_PSE,
  l1DisallowMask, l2DisallowMask, L3_DISALLOW_MASK, L3_ADJUST_FLAGS, L3_UNADJUST_FLAGS, FASTPATH_FLAG_WHITELIST,
} from './constants.ts';
import { frameOwner, ownedByDomain, pteMfn, pteFlags, readEntry, writeEntry, writePhys32, type Pte } from './frames.ts';
import {
  PageTypes, PGT_l1_page_table, PGT_l2_page_table, PGT_l3_page_table, PGT_seg_desc_page,
  PGT_writable_page, F_PAE_XEN_L2, type TypeValidator,
} from './page-types.ts';
import { checkDescriptor } from './check-descriptor.ts';

/** INVALID_MFN as an L1 entry can carry it (PADDR_MASK >> PAGE_SHIFT): -EINVAL, not -EPERM. */
const INVALID_MFN = 0xffffffffff;

export class PageTables implements TypeValidator {
  readonly pae: boolean;
  readonly esize: number;
  readonly entries: number;
  private readonly l1Mask: number;
  private readonly l2Mask: number;

  constructor(readonly d: Domain, readonly types: PageTypes) {
    this.pae = d.pae;
    this.esize = d.pae ? 8 : 4;
    this.entries = PAGE / this.esize;
    this.l1Mask = l1DisallowMask(d.pae);
    this.l2Mask = l2DisallowMask(d.pae);
    types.validator = this;
  }

  /** is_guest_l2_slot: in a PAE L2 that holds Xen's mappings (the one under L3 slot 3), the
   *  slots from HYPERVISOR_VIRT_START up are Xen's; in a 2-level L2 every slot from
   *  HYPERVISOR_VIRT_START up is. */
  isGuestL2Slot(slot: number, xenL2: boolean): boolean {
    if (this.pae) return !xenL2 || slot < ((this.d.hvStart >>> 21) & 511);
    return slot < (this.d.hvStart >>> 22);
  }

  // ---- single entries ------------------------------------------------------------------

  /** get_page_from_l1e for a present entry: 0 or an errno. */
  getL1e(lo: number, hi: number): number {
    const f = pteFlags(lo, hi);
    if (f & this.l1Mask) return EINVAL;
    const mfn = pteMfn(lo, hi);
    const owner = frameOwner(this.d, mfn);
    // Not RAM: only a domain with I/O-memory permission may map it (a domU has none).
    if (owner === 'io') return mfn === INVALID_MFN ? EINVAL : EPERM;
    // Another owner's frame (Xen's): "could not pin".
    if (owner === 'xen') return EBUSY;
    // A writable mapping needs the writable type, which a page table or descriptor page
    // in use cannot take.
    if ((f & _PAGE_RW) && this.types.get(mfn, PGT_writable_page) !== 0) return EBUSY;
    return 0;
  }
  putL1e(lo: number, hi: number): void {
    if (!(lo & _PAGE_PRESENT) || !(lo & _PAGE_RW)) return;
    const mfn = pteMfn(lo, hi), t = this.types;
    if (mfn < this.d.totalFrames && t.type[mfn] === PGT_writable_page && t.count[mfn] > 0) t.put(mfn);
  }

  /** get_page_from_l2e for a present entry in L2 frame `l2mfn`. */
  getL2e(lo: number, hi: number, l2mfn: number): number {
    const f = pteFlags(lo, hi);
    // No superpages for PV guests: _PAGE_PSE is in the disallow mask.
    if (f & this.l2Mask) return EINVAL;
    const mfn = pteMfn(lo, hi);
    if (!ownedByDomain(this.d, mfn)) return EINVAL;
    const rc = this.types.get(mfn, PGT_l1_page_table);
    if (rc !== EINVAL) return rc;
    // get_l2_linear_pagetable: an L2 may map itself, or another validated L2, read-only.
    if (f & _PAGE_RW) return EINVAL;
    if (mfn === l2mfn) return 0;
    const t = this.types;
    if (t.type[mfn] === PGT_l2_page_table && t.inUse(mfn)) { t.count[mfn]++; return 0; }
    return EINVAL;
  }
  putL2e(lo: number, hi: number, l2mfn: number): void {
    if (!(lo & _PAGE_PRESENT)) return;
    const mfn = pteMfn(lo, hi);
    if (mfn === l2mfn || mfn >= this.d.totalFrames || this.types.count[mfn] === 0) return;
    this.types.put(mfn);
  }

  /** get_page_from_l3e for a present entry (slots 0..2; slot 3 is checked by promoteL3). */
  getL3e(lo: number, hi: number): number {
    if (pteFlags(lo, hi) & L3_DISALLOW_MASK) return EINVAL;
    const mfn = pteMfn(lo, hi);
    if (!ownedByDomain(this.d, mfn)) return EINVAL;
    return this.types.get(mfn, PGT_l2_page_table);
  }
  putL3e(lo: number, hi: number, l3mfn: number): void {
    if (!(lo & _PAGE_PRESENT)) return;
    const mfn = pteMfn(lo, hi);
    if (mfn === l3mfn || mfn >= this.d.totalFrames || this.types.count[mfn] === 0) return;
    this.types.put(mfn);
  }

  // ---- whole tables (TypeValidator) -----------------------------------------------------

  validate(mfn: number, type: number, xenL2: boolean): number {
    switch (type) {
      case PGT_l1_page_table: return this.promoteL1(mfn);
      case PGT_l2_page_table: return this.promoteL2(mfn, xenL2);
      case PGT_l3_page_table: return this.pae ? this.promoteL3(mfn) : EINVAL;
      case PGT_seg_desc_page: return this.validateSegDesc(mfn);
      default: return EINVAL;
    }
  }
  devalidate(mfn: number, type: number): void {
    const base = mfn * PAGE;
    if (type === PGT_l1_page_table) {
      for (let i = 0; i < this.entries; i++) { const e = readEntry(this.d, base + i * this.esize); this.putL1e(e.lo, e.hi); }
    } else if (type === PGT_l2_page_table) {
      const xenL2 = (this.types.flags[mfn] & F_PAE_XEN_L2) !== 0;
      for (let i = 0; i < this.entries; i++) {
        if (!this.isGuestL2Slot(i, xenL2)) continue;
        const e = readEntry(this.d, base + i * this.esize); this.putL2e(e.lo, e.hi, mfn);
      }
    } else if (type === PGT_l3_page_table) {
      for (let i = 0; i < 4; i++) {
        const e = readEntry(this.d, base + i * 8);
        this.putL3e(e.lo, e.hi, mfn);
        this.unadjustL3e(base + i * 8, e.lo, e.hi);
      }
    }
  }

  private promoteL1(mfn: number): number {
    const base = mfn * PAGE;
    for (let i = 0; i < this.entries; i++) {
      const e = readEntry(this.d, base + i * this.esize);
      if (!(e.lo & _PAGE_PRESENT)) continue;
      const rc = this.getL1e(e.lo, e.hi);
      if (rc !== 0) {
        while (i-- > 0) { const o = readEntry(this.d, base + i * this.esize); this.putL1e(o.lo, o.hi); }
        return rc;
      }
    }
    return 0;
  }

  private promoteL2(mfn: number, xenL2: boolean): number {
    const base = mfn * PAGE;
    for (let i = 0; i < this.entries; i++) {
      if (!this.isGuestL2Slot(i, xenL2)) {
        // Xen fills these slots with its own mappings (init_xen_pae_l2_slots); here the
        // hypervisor area is the CPU's window, so they are cleared: whatever the guest left
        // there must not become reachable through a linear (L2-as-L1) mapping.
        const e = readEntry(this.d, base + i * this.esize);
        if (e.lo !== 0 || e.hi !== 0) writeEntry(this.d, base + i * this.esize, 0, 0);
        continue;
      }
      const e = readEntry(this.d, base + i * this.esize);
      if (!(e.lo & _PAGE_PRESENT)) continue;
      const rc = this.getL2e(e.lo, e.hi, mfn);
      if (rc !== 0) {
        while (i-- > 0) {
          if (!this.isGuestL2Slot(i, xenL2)) continue;
          const o = readEntry(this.d, base + i * this.esize); this.putL2e(o.lo, o.hi, mfn);
        }
        return rc;
      }
    }
    return 0;
  }

  /** adjust_guest_l3e on the entry at machine address `pa`. */
  private adjustL3e(pa: number): void {
    const e = readEntry(this.d, pa);
    if ((e.lo & _PAGE_PRESENT) && (e.lo & L3_ADJUST_FLAGS) !== L3_ADJUST_FLAGS) writeEntry(this.d, pa, e.lo | L3_ADJUST_FLAGS, e.hi);
  }
  /** unadjust_guest_l3e on the entry at `pa` (whose value is lo/hi). */
  private unadjustL3e(pa: number, lo: number, hi: number): void {
    if ((lo & _PAGE_PRESENT) && (lo & L3_UNADJUST_FLAGS)) writeEntry(this.d, pa, lo & ~L3_UNADJUST_FLAGS, hi);
  }

  /** promote_l3_table for a 32-bit PAE guest: only the first four entries mean anything, the
   *  rest are cleared; slot 3 must be present and its L2 gets Xen's mappings, so that L2 may
   *  not be used anywhere else (its type is L2 + pae_xen_l2 and its count must be 1). */
  private promoteL3(mfn: number): number {
    const base = mfn * PAGE, d = this.d;
    for (let i = 4; i < 512; i++) {
      const e = readEntry(d, base + i * 8);
      if (e.lo !== 0 || e.hi !== 0) writeEntry(d, base + i * 8, 0, 0);
    }
    let i = 0, rc = 0;
    for (; i < 4; i++) {
      const e = readEntry(d, base + i * 8);
      if (i === 3) {
        const l2 = pteMfn(e.lo, e.hi);
        if (!(e.lo & _PAGE_PRESENT) || (pteFlags(e.lo, e.hi) & L3_DISALLOW_MASK) || !ownedByDomain(d, l2)) { rc = EINVAL; break; }
        rc = this.types.get(l2, PGT_l2_page_table, true);
        if (rc !== 0) break;
        if (this.types.count[l2] !== 1) { this.types.put(l2); rc = EINVAL; break; }
        this.adjustL3e(base + i * 8);
        continue;
      }
      if (!(e.lo & _PAGE_PRESENT)) continue;
      rc = this.getL3e(e.lo, e.hi);
      if (rc !== 0) break;
      this.adjustL3e(base + i * 8);
    }
    if (rc !== 0) {
      while (i-- > 0) { const o = readEntry(d, base + i * 8); this.putL3e(o.lo, o.hi, mfn); this.unadjustL3e(base + i * 8, o.lo, o.hi); }
    }
    return rc;
  }

  /** validate_segdesc_page: all 512 descriptors must pass check_descriptor; the fixed-up
   *  forms are written back as Xen writes them back. */
  private validateSegDesc(mfn: number): number {
    const base = mfn * PAGE, v = this.d.cpu.view;
    for (let i = 0; i < 512; i++) {
      const a = v.getInt32(base + i * 8, true), b = v.getInt32(base + i * 8 + 4, true);
      const r = checkDescriptor(a, b, this.d.hvStart);
      if (!r) return EINVAL;
      if (r.a !== a) writePhys32(this.d, base + i * 8, r.a);
      if (r.b !== b) writePhys32(this.d, base + i * 8 + 4, r.b);
    }
    return 0;
  }

  // ---- updates of one entry (mod_lN_entry) ----------------------------------------------

  /** l?e_has_changed(old, new, ~FASTPATH_FLAG_WHITELIST): a different frame, or a change of a
   *  flag outside the whitelist, needs the full check. */
  private changed(o: Pte, lo: number, hi: number): boolean {
    if (((o.lo ^ lo) & ~0xfff) || ((o.hi ^ hi) & 0xfffff)) return true;
    return ((pteFlags(o.lo, o.hi) ^ pteFlags(lo, hi)) & ~FASTPATH_FLAG_WHITELIST & 0xffffff) !== 0;
  }
  /** UPDATE_ENTRY, with MMU_PT_UPDATE_PRESERVE_AD ORing in the A/D bits the entry has now. */
  private store(pa: number, lo: number, hi: number, preserveAd: boolean): void {
    if (preserveAd) lo |= this.d.cpu.view.getInt32(pa, true) & (_PAGE_ACCESSED | _PAGE_DIRTY);
    writeEntry(this.d, pa, lo, hi);
  }

  modL1(pa: number, lo: number, hi: number, preserveAd: boolean): number {
    const o = readEntry(this.d, pa);
    if (lo & _PAGE_PRESENT) {
      if (pteFlags(lo, hi) & this.l1Mask) return EINVAL;
      if (!this.changed(o, lo, hi)) { this.store(pa, lo, hi, preserveAd); return 0; }
      const rc = this.getL1e(lo, hi);
      if (rc !== 0) return rc;
    }
    this.store(pa, lo, hi, preserveAd);
    this.putL1e(o.lo, o.hi);
    return 0;
  }

  modL2(pa: number, lo: number, hi: number, preserveAd: boolean): number {
    const l2mfn = Math.floor(pa / PAGE), slot = (pa & 0xfff) / this.esize;
    if (!this.isGuestL2Slot(slot, (this.types.flags[l2mfn] & F_PAE_XEN_L2) !== 0)) return EPERM;
    const o = readEntry(this.d, pa);
    if (lo & _PAGE_PRESENT) {
      if (pteFlags(lo, hi) & this.l2Mask) return EINVAL;
      if (!this.changed(o, lo, hi)) { this.store(pa, lo, hi, preserveAd); return 0; }
      const rc = this.getL2e(lo, hi, l2mfn);
      if (rc !== 0) return rc;
    }
    this.store(pa, lo, hi, preserveAd);
    this.putL2e(o.lo, o.hi, l2mfn);
    return 0;
  }

  modL3(pa: number, lo: number, hi: number, preserveAd: boolean): number {
    const l3mfn = Math.floor(pa / PAGE), slot = (pa & 0xfff) / 8;
    // The final L3 slot holds Xen's mappings: a 32-bit guest may not change it.
    if (slot >= 3) return EINVAL;
    const o = readEntry(this.d, pa);
    if (lo & _PAGE_PRESENT) {
      if (pteFlags(lo, hi) & L3_DISALLOW_MASK) return EINVAL;
      lo |= L3_ADJUST_FLAGS; // mod_l3_entry adjusts the new entry before comparing and storing
      if (!this.changed(o, lo, hi)) { this.store(pa, lo, hi, preserveAd); return 0; }
      const rc = this.getL3e(lo, hi);
      if (rc !== 0) return rc;
    }
    this.store(pa, lo, hi, preserveAd);
    this.putL3e(o.lo, o.hi, l3mfn);
    return 0;
  }
}
void _PAGE_PSE;
