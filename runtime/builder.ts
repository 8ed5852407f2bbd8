// The domain builder: lays out the start of day exactly as public/xen.h describes it for a PV
// guest (kernel, optional module, P2M list, start_info, xenstore page, console page, bootstrap
// page tables mapped read-only, bootstrap stack, then at least 512 KiB of padding up to a 4 MiB
// boundary), writes the hypercall page, and sets the vCPU registers as Xen does (EIP = entry,
// ESI = start_info, ESP = top of the bootstrap stack, flat ring-1 selectors).
import { Domain, PAGE } from './domain.ts';
import { setCpl, loadSegment } from '../src/cpu/descriptors.ts';
import { ESI, ESP, CS, SS, DS, ES, FS, GS, CR0_PE, CR0_PG, CR0_WP, CR0_ET, CR4_PAE, CR4_PSE, IF, FLAGS_FIXED1, EFER_NXE } from '../src/cpu/regs.ts';
import { setFlagsAll } from '../src/cpu/flags.ts';
import { flushAll } from '../src/cpu/paging.ts';
import { FLAT_RING1_CS, FLAT_RING1_DS, FLAT_RING3_CS, FLAT_RING3_DS } from './abi/arch-x86_32.ts';
import { START_INFO, MAX_GUEST_CMDLINE, START_INFO_MAGIC_X86_32P, START_INFO_MAGIC_X86_32 } from './abi/xen.ts';

/** What the builder needs from a kernel image (src/elf gives it). */
export interface BootImage {
  entry: number;
  virtBase: number;
  /** Loadable pieces at their virtual addresses; memsz beyond data is zero-filled. */
  segments: { vaddr: number; data: Uint8Array; memsz: number }[];
  /** Virtual address of the hypercall page, when the image asks for one. */
  hypercallPage?: number;
  /** Bytes of the pre-loaded module (initrd), if any. */
  module?: Uint8Array;
  cmdline: string;
}

export interface StartOfDay {
  startInfo: number; storeMfn: number; consoleMfn: number; ptBase: number; nrPtFrames: number;
  mfnList: number; stackTop: number; end: number; l3OrL2Mfn: number;
}

const P = 1, RW = 2, US = 4, A = 0x20, D = 0x40;

/** Build the domain's initial memory and vCPU state. Event channels for the store and the
 *  console are given by the caller (it owns the event-channel table). */
export function buildDomain(d: Domain, img: BootImage, evtchn: { store: number; console: number }): StartOfDay {
  const c = d.cpu, v = c.view;
  const base = img.virtBase >>> 0;
  const pfnOfVa = (va: number): number => ((va >>> 0) - base) >>> 12;
  const pageUp = (x: number): number => Math.ceil(x / PAGE) * PAGE;
  let kend = base;
  for (const s of img.segments) {
    if ((s.vaddr >>> 0) < base) throw new RangeError(`segment at 0x${(s.vaddr >>> 0).toString(16)} is below VIRT_BASE 0x${base.toString(16)}`);
    kend = Math.max(kend, (s.vaddr >>> 0) + s.memsz);
  }
  let va = pageUp(kend);
  const modStart = img.module ? va : 0;
  if (img.module) va += pageUp(img.module.length);
  const mfnList = va; va += pageUp(d.nrPages * 4);
  const startInfo = va; va += PAGE;
  const store = va; va += PAGE;
  const consolePage = va; va += PAGE;
  // Page tables: enough to map [base, end) where end covers them, the stack and 512 KiB of
  // padding, rounded to 4 MiB (xen.h start-of-day rules 2, 8, 9).
  const ptStart = va;
  let nrPt = 0, end = 0;
  for (let guess = 1; guess < 4096; guess++) {
    const e = Math.ceil((ptStart + guess * PAGE + PAGE + 512 * 1024 - base) / (4 << 20)) * (4 << 20) + base;
    // PAE: Xen requires an L2 in the fourth L3 slot (its private mappings live there; mm.c
    // create_pae_xen_mappings refuses an L3 without it), so libxenguest adds an empty one when
    // the image does not reach 0xC0000000 (e.g. GRUB, loaded at 0).
    const slot3 = ((e - 1) >>> 30) >= 3 ? 0 : 1;
    const need = d.pae
      ? 1 + countSpan(base, e, 1 << 30) + countSpan(base, e, 2 << 20) + slot3
      : 1 + countSpan(base, e, 4 << 20);
    if (need <= guess) { nrPt = need; end = e; break; }
  }
  const stackPage = ptStart + nrPt * PAGE;
  const lastPfn = pfnOfVa(end - 1);
  if (lastPfn >= d.nrPages) throw new RangeError(`the boot image needs ${lastPfn + 1} pages but the domain has ${d.nrPages}`);
  const mfn = (va2: number): number => d.mfnOf(pfnOfVa(va2));
  const maddr = (va2: number): number => mfn(va2) * PAGE + ((va2 >>> 0) & 0xfff);

  // Kernel segments and module, a page-sized piece at a time (the frames are not contiguous):
  // byte by byte, a 9 MiB image took 0.3 s to build.
  const copyIn = (va2: number, bytes: Uint8Array, len: number): void => {
    for (let off = 0; off < len;) {
      const n = Math.min(len - off, PAGE - (((va2 + off) >>> 0) & 0xfff)), at = maddr(va2 + off);
      if (off < bytes.length) {
        const k = Math.min(n, bytes.length - off);
        c.mem.set(bytes.subarray(off, off + k), at);
        if (k < n) c.mem.fill(0, at + k, at + n);
      } else c.mem.fill(0, at, at + n);
      off += n;
    }
  };
  for (const s of img.segments) copyIn(s.vaddr, s.data, s.memsz);
  if (img.module) copyIn(modStart, img.module, img.module.length);
  // P2M list.
  for (let p = 0; p < d.nrPages; p++) v.setInt32(maddr(mfnList + p * 4), d.p2m[p], true);

  // Page tables: first table page is the top level (L3 for PAE, L2 otherwise).
  const ptPage = (k: number): number => mfn(ptStart + k * PAGE) * PAGE;
  let next = 1;
  const isPt = (va2: number): boolean => va2 >= ptStart && va2 < stackPage;
  if (d.pae) {
    const l3 = ptPage(0);
    const l2For = new Map<number, number>();
    const l1For = new Map<number, number>();
    for (let a = base; a < end; a += PAGE) {
      const i3 = a >>> 30, i2 = (a >>> 21) & 0x1ff, i1 = (a >>> 12) & 0x1ff;
      if (!l2For.has(i3)) { const pa = ptPage(next++); l2For.set(i3, pa); v.setInt32(l3 + i3 * 8, pa | P, true); }
      const l2 = l2For.get(i3)!;
      const k2 = (a >>> 21);
      if (!l1For.has(k2)) { const pa = ptPage(next++); l1For.set(k2, pa); v.setInt32(l2 + i2 * 8, pa | P | RW | US | A | D, true); }
      const l1 = l1For.get(k2)!;
      v.setInt32(l1 + i1 * 8, (mfn(a) * PAGE) | P | (isPt(a) ? 0 : RW) | A | (isPt(a) ? 0 : D), true);
    }
    if (!l2For.has(3)) v.setInt32(l3 + 3 * 8, ptPage(next++) | P, true);
  } else {
    const l2 = ptPage(0);
    const l1For = new Map<number, number>();
    for (let a = base; a < end; a += PAGE) {
      const i2 = a >>> 22, i1 = (a >>> 12) & 0x3ff;
      if (!l1For.has(i2)) { const pa = ptPage(next++); l1For.set(i2, pa); v.setInt32(l2 + i2 * 4, pa | P | RW | US | A | D, true); }
      v.setInt32(l1For.get(i2)! + i1 * 4, (mfn(a) * PAGE) | P | (isPt(a) ? 0 : RW) | A | (isPt(a) ? 0 : D), true);
    }
  }

  // start_info.
  const si = maddr(startInfo);
  const magic = d.pae ? START_INFO_MAGIC_X86_32P : START_INFO_MAGIC_X86_32;
  for (let k = 0; k < magic.length; k++) c.mem[si + START_INFO.magic + k] = magic.charCodeAt(k);
  v.setInt32(si + START_INFO.nr_pages, d.nrPages, true);
  v.setInt32(si + START_INFO.shared_info, d.xen.sharedInfo * PAGE, true);
  v.setInt32(si + START_INFO.flags, 0, true);
  v.setInt32(si + START_INFO.store_mfn, mfn(store), true);
  v.setInt32(si + START_INFO.store_evtchn, evtchn.store, true);
  v.setInt32(si + START_INFO.console_domU_mfn, mfn(consolePage), true);
  v.setInt32(si + START_INFO.console_domU_evtchn, evtchn.console, true);
  v.setInt32(si + START_INFO.pt_base, ptStart, true);
  v.setInt32(si + START_INFO.nr_pt_frames, nrPt, true);
  v.setInt32(si + START_INFO.mfn_list, mfnList, true);
  v.setInt32(si + START_INFO.mod_start, img.module ? modStart : 0, true);
  v.setInt32(si + START_INFO.mod_len, img.module ? img.module.length : 0, true);
  const cmd = new TextEncoder().encode(img.cmdline).subarray(0, MAX_GUEST_CMDLINE - 1);
  c.mem.set(cmd, si + START_INFO.cmd_line);
  v.setInt32(si + START_INFO.first_p2m_pfn, pfnOfVa(mfnList), true);
  v.setInt32(si + START_INFO.nr_p2m_frames, pageUp(d.nrPages * 4) / PAGE, true);

  if (img.hypercallPage !== undefined) writeHypercallPage(d, maddr(img.hypercallPage));
  writeReservedGdt(d);

  // vCPU: paging on with the bootstrap tables, ring 1, flat Xen selectors.
  c.cr4 = (d.pae ? CR4_PAE : 0) | CR4_PSE;
  c.efer = d.pae ? EFER_NXE : 0;
  c.cr3 = mfn(ptStart) * PAGE;
  c.cr0 = CR0_PE | CR0_PG | CR0_WP | CR0_ET;
  flushAll(c, true);
  setCpl(c, 1);
  for (const s of [SS, DS, ES, FS, GS]) loadSegment(c, s, FLAT_RING1_DS);
  loadCs(d, FLAT_RING1_CS);
  c.eip = img.entry | 0;
  c.regs.fill(0);
  c.regs[ESI] = startInfo | 0;
  c.regs[ESP] = (stackPage + PAGE) | 0;
  setFlagsAll(c, IF | FLAGS_FIXED1);
  return { startInfo, storeMfn: mfn(store), consoleMfn: mfn(consolePage), ptBase: ptStart, nrPtFrames: nrPt, mfnList, stackTop: stackPage + PAGE, end, l3OrL2Mfn: mfn(ptStart) };
}

function countSpan(lo: number, hi: number, span: number): number {
  return Math.floor((hi - 1) / span) - Math.floor(lo / span) + 1;
}

/** Load CS's cache from the GDT directly (there is no instruction that would do it at start). */
function loadCs(d: Domain, sel: number): void {
  const c = d.cpu;
  const off = d.xen.gdtReserved * PAGE + (sel & 0xff8 & 0xfff);
  const lo = c.view.getInt32(off, true), hi = c.view.getInt32(off + 4, true);
  c.sel[CS] = sel;
  c.sbase[CS] = ((lo >>> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000)) | 0;
  c.slimit[CS] = hi & 0x800000 ? (((lo & 0xffff) | (hi & 0xf0000)) << 12) | 0xfff : (lo & 0xffff) | (hi & 0xf0000);
  c.sattr[CS] = (hi >>> 8) & 0xf0ff;
}

/** Page 14 of the GDT: Xen's flat 4 GiB segments for rings 1 and 3 (the FLAT_RING* selectors
 *  of public/arch-x86/xen-x86_32.h, as a 64-bit Xen gives 32-bit guests: the hypervisor area
 *  is protected by paging, not by segment limits), accessed bit preset so loads never write. */
export function writeReservedGdt(d: Domain): void {
  const v = d.cpu.view, page = d.xen.gdtReserved * PAGE;
  const limitPages = 0xfffff;
  const desc = (off: number, type: number, dpl: number): void => {
    const lo = (limitPages & 0xffff);
    const hi = (limitPages & 0xf0000) | 0x00c00000 | 0x8000 | (dpl << 13) | 0x1000 | (type << 8);
    v.setInt32(page + off, lo, true); v.setInt32(page + off + 4, hi, true);
  };
  desc(FLAT_RING1_CS & 0xff8 & 0xfff, 0xb, 1);
  desc(FLAT_RING1_DS & 0xff8 & 0xfff, 0x3, 1);
  desc(FLAT_RING3_CS & 0xff8 & 0xfff, 0xb, 3);
  desc(FLAT_RING3_DS & 0xff8 & 0xfff, 0x3, 3);
}

/** The 32-bit hypercall page (Xen's hypercall_page_initialise_ring1_kernel): 32 bytes per
 *  call, `mov $nr, %eax; int $0x82; ret`; the iret entry pushes EAX first and does not return. */
export function writeHypercallPage(d: Domain, pa: number): void {
  const m = d.cpu.mem;
  m.fill(0xcc, pa, pa + PAGE);
  for (let nr = 0; nr < PAGE / 32; nr++) {
    const p = pa + nr * 32;
    if (nr === 23) { m.set([0x50, 0xb8, 23, 0, 0, 0, 0xcd, 0x82], p); continue; }
    m.set([0xb8, nr, 0, 0, 0, 0xcd, 0x82, 0xc3], p);
  }
}
