// The PV MMU of one domain: frame types (page-types.ts), page-table validation
// (pagetables.ts), the vCPU's page-table base, its GDT and LDT (descriptor-tables.ts), and the
// domain's memory reservation. Hypercall handlers (runtime/hypercalls/mmu_update.ts and
// friends) reach it through d.ext.mmu.
import type { Domain, MmuApi } from '../domain.ts';
import { PAGE } from '../domain.ts';
import { flushAll, flushPage } from '../../src/cpu/paging.ts';
import { EINVAL, _PAGE_PRESENT, _PAGE_PSE } from './constants.ts';
import { ownedByDomain, pteMfn, readEntry, type Pte } from './frames.ts';
import {
  PageTypes, PGT_l1_page_table, PGT_l2_page_table, PGT_l3_page_table, F_PINNED,
} from './page-types.ts';
import { PageTables } from './pagetables.ts';
import { DescriptorTables } from './descriptor-tables.ts';

export class PvMmu implements MmuApi {
  readonly types: PageTypes;
  readonly tables: PageTables;
  readonly desc: DescriptorTables;
  /** The frame installed as the vCPU's page-table base (it holds a type reference), or 0. */
  baseMfn = 0;
  /** Reservation: frames the domain holds now, the most it may hold, and frames it gave back
   *  (Xen's heap, here: only this domain ever gets them again). */
  totPages: number;
  readonly maxPages: number;
  readonly released: number[] = [];

  constructor(readonly d: Domain) {
    this.types = new PageTypes(d);
    this.tables = new PageTables(d, this.types);
    this.desc = new DescriptorTables(this);
    this.totPages = d.nrPages;
    this.maxPages = d.nrPages;
  }

  /** The type of the top-level table: L3 with PAE, L2 in the 2-level format. */
  get rootType(): number { return this.d.pae ? PGT_l3_page_table : PGT_l2_page_table; }

  /** What Xen's domain builder leaves behind: the boot tables validated and typed, the top
   *  level pinned and installed as the base, the GDT pages the guest has not set mapped to
   *  a zero page. Any later change goes through validation. */
  adoptBootTables(topMfn: number): void {
    const rc = this.types.get(topMfn, this.rootType);
    if (rc !== 0) throw new Error(`the boot page tables do not validate (error ${rc})`);
    this.types.flags[topMfn] |= F_PINNED;
    if (this.types.get(topMfn, this.rootType) !== 0) throw new Error('boot page tables: no base reference');
    this.baseMfn = topMfn;
    this.d.cpu.cr3 = topMfn * PAGE;
    flushAll(this.d.cpu, true);
    this.desc.resetGdt();
  }

  // ---- pinning and the base pointer (mmuext_op) ------------------------------------------

  /** MMUEXT_PIN_Ln_TABLE: take the type (validating it) and set the pin flag. */
  pin(mfn: number, type: number): number {
    if (!ownedByDomain(this.d, mfn)) return EINVAL;
    const rc = this.types.get(mfn, type);
    if (rc !== 0) return rc;
    if (this.types.pinned(mfn)) { this.types.put(mfn); return EINVAL; }
    this.types.flags[mfn] |= F_PINNED;
    return 0;
  }
  /** MMUEXT_UNPIN_TABLE. */
  unpin(mfn: number): number {
    if (!ownedByDomain(this.d, mfn)) return EINVAL;
    if (!this.types.pinned(mfn)) return EINVAL;
    this.types.flags[mfn] &= ~F_PINNED;
    this.types.put(mfn);
    return 0;
  }
  /** MMUEXT_NEW_BASEPTR (new_guest_cr3): the new top level must validate as such; the LDT
   *  shadow mappings are dropped and the whole TLB is flushed (write_ptbase). */
  newBaseptr(mfn: number): number {
    if (mfn !== this.baseMfn) {
      if (!ownedByDomain(this.d, mfn)) return EINVAL;
      const rc = this.types.get(mfn, this.rootType);
      if (rc !== 0) return rc;
      const old = this.baseMfn;
      this.baseMfn = mfn;
      if (old) this.types.put(old);
    }
    this.desc.destroyLdt();
    const c = this.d.cpu;
    c.cr3 = mfn * PAGE;
    flushAll(c, true);
    return 0;
  }

  // ---- finding the guest's L1 entry for a linear address ---------------------------------

  /** Machine address of the L1 entry that maps `va` in the current tables, or -1 (no L2
   *  entry, a superpage, or the hypervisor area). Xen's map_guest_l1e. */
  l1eAddr(va: number): number {
    const d = this.d, c = d.cpu;
    va >>>= 0;
    if (va >= d.hvStart >>> 0) return -1;
    const top = Math.floor((c.cr3 >>> 0) / PAGE) * PAGE;
    let l2e: Pte;
    if (d.pae) {
      const l3e = readEntry(d, top + (va >>> 30) * 8);
      if (!(l3e.lo & _PAGE_PRESENT)) return -1;
      const l2 = pteMfn(l3e.lo, l3e.hi);
      if (l2 >= d.totalFrames) return -1;
      l2e = readEntry(d, l2 * PAGE + ((va >>> 21) & 511) * 8);
    } else {
      l2e = readEntry(d, top + (va >>> 22) * 4);
    }
    if (!(l2e.lo & _PAGE_PRESENT) || (l2e.lo & _PAGE_PSE)) return -1;
    const l1 = pteMfn(l2e.lo, l2e.hi);
    if (l1 >= d.totalFrames) return -1;
    return d.pae ? l1 * PAGE + ((va >>> 12) & 511) * 8 : l1 * PAGE + ((va >>> 12) & 1023) * 4;
  }

  /** The guest kernel's L1 entry for `va` (guest_get_eff_kern_l1e), or null. */
  guestL1e(va: number): Pte | null {
    const pa = this.l1eAddr(va);
    return pa < 0 ? null : readEntry(this.d, pa);
  }

  /** update_va_mapping: validated update of the L1 entry for `va`. */
  updateVaMapping(va: number, lo: number, hi: number): number {
    const pa = this.l1eAddr(va);
    if (pa < 0) return EINVAL;
    const l1 = Math.floor(pa / PAGE);
    if (!ownedByDomain(this.d, l1) || !this.types.inUse(l1) || this.types.type[l1] !== PGT_l1_page_table) return EINVAL;
    return this.tables.modL1(pa, lo, hi, false);
  }

  flushLocal(): void { flushAll(this.d.cpu, true); }
  invlpg(va: number): void { flushPage(this.d.cpu, va); }
}

/** The domain's PV MMU, when the mmu plugin is installed. */
export function pvMmu(d: Domain): PvMmu | undefined {
  const m = d.ext.mmu;
  return m instanceof PvMmu ? m : undefined;
}
