// The vCPU's GDT and LDT as Xen gives them to a PV guest (xen/arch/x86/pv/descriptor-tables.c
// and the LDT fault path of xen/arch/x86/pv/mm.c): GDT frames are typed as descriptor pages
// and mapped into the per-vCPU GDT area of the hypervisor window; unused guest GDT pages show
// a zero page, so their selectors are null descriptors. The LDT is mapped lazily: the first
// access to an LDT page faults, the runtime finds the guest's mapping of ldt_base + offset,
// types that frame as a descriptor page and maps it into the LDT area.
import type { PvMmu } from './mmu.ts';
import { GDT_VIRT, LDT_VIRT, LDT_PAGES, PAGE } from '../domain.ts';
import { flushAll } from '../../src/cpu/paging.ts';
import { EINVAL, FIRST_RESERVED_GDT_PAGE, FIRST_RESERVED_GDT_ENTRY, LAST_RESERVED_GDT_BYTE, _PAGE_PRESENT } from './constants.ts';
import { ownedByDomain, pteMfn, writePhys32 } from './frames.ts';
import { PGT_seg_desc_page, PGT_writable_page } from './page-types.ts';
import { checkDescriptor } from './check-descriptor.ts';

/** The frame shown for GDT pages the guest has not set: frame 0, which holds only zeros
 *  (Xen's zero_page). */
const ZERO_FRAME = 0;

export class DescriptorTables {
  /** Frames of the guest GDT (each holding a descriptor-page type reference). */
  gdtFrames: number[] = [];
  gdtEnts = 0;
  /** MMUEXT_SET_LDT state: guest linear base and number of entries. */
  ldtBase = 0;
  ldtEnts = 0;
  /** Frames mapped into the LDT area (-1: not yet), each with a descriptor-page reference. */
  readonly ldtMapped = new Int32Array(LDT_PAGES).fill(-1);

  constructor(readonly mmu: PvMmu) {}

  /** pv_destroy_gdt: drop the GDT frames and show zero pages instead. */
  private destroyGdt(): void {
    const m = this.mmu;
    for (const f of this.gdtFrames) m.types.put(f);
    this.gdtFrames = [];
    this.gdtEnts = 0;
    for (let k = 0; k < FIRST_RESERVED_GDT_PAGE; k++) m.d.mapGdtPage(k, ZERO_FRAME);
  }
  /** The start-of-day GDT: no guest entries, Xen's reserved page, Xen's GDTR limit. */
  resetGdt(): void {
    this.destroyGdt();
    const c = this.mmu.d.cpu;
    c.gdtBase = GDT_VIRT | 0;
    c.gdtLimit = LAST_RESERVED_GDT_BYTE;
  }

  /** pv_set_gdt with frames already copied in. */
  setGdt(frames: number[], entries: number): number {
    const m = this.mmu;
    if (entries > FIRST_RESERVED_GDT_ENTRY) return EINVAL;
    const n = Math.ceil(entries / 512);
    const taken: number[] = [];
    for (let i = 0; i < n; i++) {
      const f = frames[i];
      if (!ownedByDomain(m.d, f) || m.types.get(f, PGT_seg_desc_page) !== 0) {
        for (const t of taken) m.types.put(t);
        return EINVAL;
      }
      taken.push(f);
    }
    this.destroyGdt();
    this.gdtFrames = taken;
    this.gdtEnts = entries;
    for (let i = 0; i < n; i++) m.d.mapGdtPage(i, taken[i]);
    const c = m.d.cpu;
    c.gdtBase = GDT_VIRT | 0;
    c.gdtLimit = LAST_RESERVED_GDT_BYTE;
    flushAll(c, true);
    return 0;
  }

  /** do_update_descriptor: one checked 8-byte store into a frame that is either a
   *  descriptor page or may be written (not a page table). */
  updateDescriptor(paLo: number, paHi: number, lo: number, hi: number): number {
    const m = this.mmu, d = m.d;
    if (paLo & 7) return EINVAL;
    const desc = checkDescriptor(lo, hi, d.hvStart);
    if (!desc) return EINVAL;
    const mfn = (paHi >>> 0) * 0x100000 + (paLo >>> 12);
    if (!ownedByDomain(d, mfn)) return EINVAL;
    const type = m.types.type[mfn] === PGT_seg_desc_page ? PGT_seg_desc_page : PGT_writable_page;
    if (m.types.get(mfn, type) !== 0) return EINVAL;
    const pa = mfn * PAGE + (paLo & 0xfff);
    writePhys32(d, pa, desc.a);
    writePhys32(d, pa + 4, desc.b);
    m.types.put(mfn);
    return 0;
  }

  /** MMUEXT_SET_LDT. */
  setLdt(ptr: number, ents: number): number {
    ents >>>= 0;
    const base = ents ? ptr >>> 0 : 0;
    if ((base & (PAGE - 1)) !== 0 || ents > 8192) return EINVAL;
    if (ents !== this.ldtEnts || base !== this.ldtBase) {
      if (this.destroyLdt()) flushAll(this.mmu.d.cpu, true);
      this.ldtBase = base;
      this.ldtEnts = ents;
      this.loadLdt();
    }
    return 0;
  }
  /** load_LDT: the LDTR covers the LDT area with the guest's number of entries. */
  private loadLdt(): void {
    const c = this.mmu.d.cpu;
    c.ldtBase = this.ldtEnts ? LDT_VIRT | 0 : 0;
    c.ldtLimit = this.ldtEnts ? this.ldtEnts * 8 - 1 : 0;
    c.ldtAttr = this.ldtEnts ? 0x82 : 0;
  }

  /** pv_destroy_ldt: unmap the LDT area and drop its type references. True when something
   *  was mapped (a TLB flush is then needed). */
  destroyLdt(): boolean {
    const m = this.mmu;
    let dropped = false;
    for (let k = 0; k < LDT_PAGES; k++) {
      const f = this.ldtMapped[k];
      if (f < 0) continue;
      m.d.mapLdtPage(k, -1);
      m.types.put(f);
      this.ldtMapped[k] = -1;
      dropped = true;
    }
    return dropped;
  }

  /** pv_map_ldt_shadow_page: a fault at `offset` into the LDT area. True when the page is
   *  now mapped; false when the guest's own mapping is missing or unfit (the fault then goes
   *  to the guest, at ldt_base + offset). */
  mapLdtShadowPage(offset: number): boolean {
    const m = this.mmu, d = m.d;
    if ((offset >>> 3) >= this.ldtEnts) return false;
    const k = offset >>> 12;
    if (this.ldtMapped[k] >= 0) return true;
    const e = m.guestL1e((this.ldtBase + (offset & ~0xfff)) | 0);
    if (!e || !(e.lo & _PAGE_PRESENT)) return false;
    const mfn = pteMfn(e.lo, e.hi);
    if (!ownedByDomain(d, mfn) || m.types.get(mfn, PGT_seg_desc_page) !== 0) return false;
    this.ldtMapped[k] = mfn;
    d.mapLdtPage(k, mfn);
    return true;
  }
}
