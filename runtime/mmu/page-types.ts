// Page-type tracking for every machine frame (xen/arch/x86/mm.c: type_info). A frame is used
// in at most one way at a time — mapped writable, or as an L1/L2/L3 page table, or as a
// segment-descriptor (GDT/LDT) page — and the type count says how many uses hold that type.
// The type can only change when the count is zero; page-table and descriptor types are
// validated when they are taken from zero, and devalidated (their own references dropped)
// when the count returns to zero. Pinning holds one extra type reference (MMUEXT_PIN_*).
import type { Domain } from '../domain.ts';
import { flushAll } from '../../src/cpu/paging.ts';
import { EINVAL } from './constants.ts';

/** PGT_* types (mm.h). The numbering follows Xen's order: page tables first. */
export const PGT_none = 0, PGT_l1_page_table = 1, PGT_l2_page_table = 2, PGT_l3_page_table = 3,
  PGT_l4_page_table = 4, PGT_seg_desc_page = 5, PGT_writable_page = 7;
export const PGT_NAMES = ['none', 'L1', 'L2', 'L3', 'L4', 'seg_desc', '?', 'writable'];

/** Flag bits kept beside the type. */
export const F_VALIDATED = 1, F_PINNED = 2, F_PAE_XEN_L2 = 4;

export const isPageTable = (t: number): boolean => t >= PGT_l1_page_table && t <= PGT_l4_page_table;

export interface TypeValidator {
  /** Validate frame `mfn` for `type` (promote_lN_table / validate_segdesc_page): 0 or an errno.
   *  On failure every reference taken along the way has been dropped again. */
  validate(mfn: number, type: number, xenL2: boolean): number;
  /** Drop the references a validated page table holds (demote_lN_table). */
  devalidate(mfn: number, type: number): void;
}

export class PageTypes {
  readonly type: Uint8Array;
  readonly count: Int32Array;
  readonly flags: Uint8Array;
  validator!: TypeValidator;

  constructor(readonly d: Domain) {
    const n = d.totalFrames;
    this.type = new Uint8Array(n);
    this.count = new Int32Array(n);
    this.flags = new Uint8Array(n);
    // shared_info is a Xen page shared writable with the guest: its type is writable for good
    // (share_xen_page_with_guest takes a type reference that is never dropped).
    const si = d.xen.sharedInfo;
    this.type[si] = PGT_writable_page; this.count[si] = 1; this.flags[si] = F_VALIDATED;
  }

  validated(mfn: number): boolean { return (this.flags[mfn] & F_VALIDATED) !== 0; }
  pinned(mfn: number): boolean { return (this.flags[mfn] & F_PINNED) !== 0; }
  /** Xen's page_lock() precondition: a validated type with a nonzero count. */
  inUse(mfn: number): boolean { return this.count[mfn] > 0 && this.validated(mfn); }

  /** _get_page_type: take a type reference, validating when the count leaves zero.
   *  `xenL2` asks for PGT_l2_page_table | PGT_pae_xen_l2. Returns 0 or -EINVAL. */
  get(mfn: number, type: number, xenL2 = false): number {
    const cnt = this.count[mfn];
    if (cnt === 0) {
      if (this.type[mfn] !== type) {
        // A type change must leave no stale translation behind: a frame about to become a
        // page table may still be writable through a cached TLB entry (mm.c flushes the
        // domain's dirty CPUs here).
        flushAll(this.d.cpu, true);
        this.type[mfn] = type;
        this.flags[mfn] &= ~(F_VALIDATED | F_PAE_XEN_L2);
      }
      if (type === PGT_writable_page) { this.flags[mfn] |= F_VALIDATED; this.count[mfn] = 1; return 0; }
      if (this.validated(mfn) && ((this.flags[mfn] & F_PAE_XEN_L2) !== 0) === xenL2) { this.count[mfn] = 1; return 0; }
      this.flags[mfn] = (this.flags[mfn] & ~(F_VALIDATED | F_PAE_XEN_L2)) | (xenL2 ? F_PAE_XEN_L2 : 0);
      this.count[mfn] = 1;
      const rc = this.validator.validate(mfn, type, xenL2);
      if (rc !== 0) {
        // validate_page failure: the frame loses its type altogether.
        this.count[mfn] = 0; this.type[mfn] = PGT_none; this.flags[mfn] = 0;
        return rc;
      }
      this.flags[mfn] |= F_VALIDATED;
      return 0;
    }
    const haveXenL2 = (this.flags[mfn] & F_PAE_XEN_L2) !== 0;
    if (this.type[mfn] !== type || haveXenL2 !== xenL2) return EINVAL;
    if (!this.validated(mfn)) return EINVAL; // a validation in progress further up (a loop)
    this.count[mfn] = cnt + 1;
    return 0;
  }

  /** _put_page_type: drop a type reference; a page table whose count reaches zero is
   *  devalidated (it keeps its type but must be validated again before its next use). */
  put(mfn: number): void {
    const cnt = this.count[mfn];
    if (cnt <= 0) throw new Error(`type count underflow on mfn 0x${mfn.toString(16)}`);
    if (cnt === 1 && isPageTable(this.type[mfn]) && this.validated(mfn)) {
      this.flags[mfn] &= ~F_VALIDATED;
      this.validator.devalidate(mfn, this.type[mfn]);
      this.flags[mfn] &= ~F_PAE_XEN_L2;
    }
    this.count[mfn] = cnt - 1;
  }
}
