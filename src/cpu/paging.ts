// Linear -> physical translation (SDM vol. 3 ch. 4): 32-bit paging with 4 MiB pages (§4.3) and
// PAE paging with 2 MiB pages and XD (§4.4), accessed/dirty bits (§4.8), page-fault error codes
// (§4.7), and the software TLB with its flush rules (§4.10).
import type { Cpu } from './state.ts';
import { TLB_CAPACITY } from './state.ts';
import { CR0_PG, CR0_WP, CR4_PAE, CR4_PSE, CR4_PGE, EFER_NXE } from './regs.ts';
import { fault, PF_ } from './fault.ts';

/** Access kinds: bit 0 write, bit 1 user (CPL 3 data or fetch), bit 2 instruction fetch. */
export const ACC_W = 1, ACC_U = 2, ACC_X = 4;
/** Page-fault error code bits (SDM vol. 3 §4.7). */
export const PFEC_P = 1, PFEC_W = 2, PFEC_U = 4, PFEC_RSVD = 8, PFEC_ID = 16;

const PTE_P = 1, PTE_W = 2, PTE_U = 4, PTE_A = 0x20, PTE_D = 0x40, PTE_PS = 0x80, PTE_G = 0x100;
/** The simulated MAXPHYADDR: 36 bits, as on i686 parts with PAE. */
const PAE_HIGH_RSVD = 0xfffffff0 | 0; // bits 63:36 of an entry as seen in its high dword

/** Result of a walk, before it goes into the TLB. */
let walkGlobal = false;

function rd32(c: Cpu, pa: number): number {
  return pa >= 0 && pa + 4 <= c.mem.length ? c.view.getInt32(pa, true) : -1;
}
function wr32(c: Cpu, pa: number, v: number): void {
  if (pa >= 0 && pa + 4 <= c.mem.length) c.view.setInt32(pa, v, true);
}
function pfault(c: Cpu, lin: number, acc: number, present: boolean, rsvd: boolean, fetchBit: boolean): never {
  let e = (present ? PFEC_P : 0) | (acc & ACC_W ? PFEC_W : 0) | (acc & ACC_U ? PFEC_U : 0);
  if (rsvd) e |= PFEC_RSVD | PFEC_P;
  if (fetchBit) e |= PFEC_ID;
  return fault(PF_, e, lin);
}

/** Check the combined rights of a translation against an access (SDM vol. 3 §4.6). */
function allowed(c: Cpu, acc: number, w: boolean, u: boolean, nx: boolean): boolean {
  if (acc & ACC_U) { if (!u) return false; if ((acc & ACC_W) && !w) return false; }
  else if ((acc & ACC_W) && !w && (c.cr0 & CR0_WP)) return false;
  if ((acc & ACC_X) && nx) return false;
  return true;
}

/** Walk the page tables for `lin`; returns the physical page number (may exceed RAM). Sets A
 *  (and D on writes) only when the access is allowed, as the SDM's §4.8 walk does. */
export function walk(c: Cpu, lin: number, acc: number): number {
  walkGlobal = false;
  if (!(c.cr0 & CR0_PG)) return lin >>> 12;
  if (c.windowPages !== null && (lin >>> 0) >= (c.windowStart >>> 0)) return walkWindow(c, lin, acc);
  const pge = (c.cr4 & CR4_PGE) !== 0;
  if (!(c.cr4 & CR4_PAE)) {
    const pdeA = (c.cr3 & ~0xfff) + ((lin >>> 22) << 2);
    const pde = rd32(c, pdeA);
    if (!(pde & PTE_P)) pfault(c, lin, acc, false, false, false);
    if ((pde & PTE_PS) && (c.cr4 & CR4_PSE)) {
      // Without PSE-36 (CPUID.1:EDX[17] clear) bits 21:13 of a 4 MiB PDE are reserved (SDM vol. 3 table 4-4).
      if (pde & 0x3fe000) pfault(c, lin, acc, true, true, false);
      if (!allowed(c, acc, (pde & PTE_W) !== 0, (pde & PTE_U) !== 0, false)) pfault(c, lin, acc, true, false, false);
      const nv = pde | PTE_A | (acc & ACC_W ? PTE_D : 0);
      if (nv !== pde) wr32(c, pdeA, nv);
      walkGlobal = pge && (pde & PTE_G) !== 0;
      return ((pde >>> 12) & ~0x3ff) | ((lin >>> 12) & 0x3ff);
    }
    const pteA = (pde & ~0xfff) + (((lin >>> 12) & 0x3ff) << 2);
    const pte = rd32(c, pteA);
    if (!(pte & PTE_P)) pfault(c, lin, acc, false, false, false);
    if (!allowed(c, acc, (pde & pte & PTE_W) !== 0, (pde & pte & PTE_U) !== 0, false)) pfault(c, lin, acc, true, false, false);
    if (!(pde & PTE_A)) wr32(c, pdeA, pde | PTE_A);
    const nv = pte | PTE_A | (acc & ACC_W ? PTE_D : 0);
    if (nv !== pte) wr32(c, pteA, nv);
    walkGlobal = pge && (pte & PTE_G) !== 0;
    return pte >>> 12;
  }
  // PAE: 4 PDPTEs at CR3[31:5], then 512-entry directories and tables of 64-bit entries.
  const nxe = (c.efer & EFER_NXE) !== 0;
  const fetchBit = nxe && (acc & ACC_X) !== 0;
  const highRsvd = nxe ? PAE_HIGH_RSVD & 0x7fffffff : PAE_HIGH_RSVD;
  const pdpteA = (c.cr3 & ~0x1f) + ((lin >>> 30) << 3);
  const pdpte = rd32(c, pdpteA), pdpteHi = rd32(c, pdpteA + 4);
  if (!(pdpte & PTE_P)) pfault(c, lin, acc, false, false, fetchBit);
  // PDPTE bits 2:1 and 8:5 are reserved, and so is XD (SDM vol. 3 table 4-8). An embedder that
  // runs the table as a long-mode L3 (a 64-bit hypervisor's 32-bit PAE guest) allows R/W, U/S,
  // A and D there (SDM table 4-17); its own validation keeps them set.
  if ((pdpte & (c.paeL3LongMode ? 0x180 : 0x1e6)) || (pdpteHi & PAE_HIGH_RSVD)) pfault(c, lin, acc, true, true, fetchBit);
  const pdeA = (pdpte & ~0xfff) + (((lin >>> 21) & 0x1ff) << 3);
  if (pdpteHi & 0xf) return walkBeyond(c, lin, acc, fetchBit);
  const pde = rd32(c, pdeA), pdeHi = rd32(c, pdeA + 4);
  if (!(pde & PTE_P)) pfault(c, lin, acc, false, false, fetchBit);
  if (pdeHi & highRsvd) pfault(c, lin, acc, true, true, fetchBit);
  const pdeNx = nxe && pdeHi < 0;
  if (pde & PTE_PS) {
    if (pde & 0x1fe000) pfault(c, lin, acc, true, true, fetchBit);
    if (!allowed(c, acc, (pde & PTE_W) !== 0, (pde & PTE_U) !== 0, pdeNx)) pfault(c, lin, acc, true, false, fetchBit);
    const nv = pde | PTE_A | (acc & ACC_W ? PTE_D : 0);
    if (nv !== pde) wr32(c, pdeA, nv);
    walkGlobal = pge && (pde & PTE_G) !== 0;
    return ((pdeHi & 0xf) << 20) | ((pde >>> 12) & ~0x1ff) | ((lin >>> 12) & 0x1ff);
  }
  if (pdeHi & 0xf) return walkBeyond(c, lin, acc, fetchBit);
  const pteA = (pde & ~0xfff) + (((lin >>> 12) & 0x1ff) << 3);
  const pte = rd32(c, pteA), pteHi = rd32(c, pteA + 4);
  if (!(pte & PTE_P)) pfault(c, lin, acc, false, false, fetchBit);
  if (pteHi & highRsvd) pfault(c, lin, acc, true, true, fetchBit);
  const nx = pdeNx || (nxe && pteHi < 0);
  if (!allowed(c, acc, (pde & pte & PTE_W) !== 0, (pde & pte & PTE_U) !== 0, nx)) pfault(c, lin, acc, true, false, fetchBit);
  if (!(pde & PTE_A)) wr32(c, pdeA, pde | PTE_A);
  const nv = pte | PTE_A | (acc & ACC_W ? PTE_D : 0);
  if (nv !== pte) wr32(c, pteA, nv);
  walkGlobal = pge && (pte & PTE_G) !== 0;
  return ((pteHi & 0xf) << 20) | (pte >>> 12);
}

/** The embedder's window: fixed translations, no accessed/dirty bits, never executable. */
function walkWindow(c: Cpu, lin: number, acc: number): number {
  const idx = ((lin >>> 0) - (c.windowStart >>> 0)) >>> 12;
  const e = idx < c.windowPages!.length ? c.windowPages![idx] : 0;
  const nxe = (c.cr4 & CR4_PAE) !== 0 && (c.efer & EFER_NXE) !== 0;
  if (e === 0) pfault(c, lin, acc, false, false, nxe && (acc & ACC_X) !== 0);
  const f = c.windowFlags![idx];
  if (!allowed(c, acc, (f & 1) !== 0, (f & 2) !== 0, (acc & ACC_X) !== 0)) pfault(c, lin, acc, true, false, nxe && (acc & ACC_X) !== 0);
  return e - 1;
}

/** A table above 4 GiB physical: this machine has no memory there, so reads see all-ones entries. */
function walkBeyond(c: Cpu, lin: number, acc: number, fetchBit: boolean): never {
  return pfault(c, lin, acc, true, true, fetchBit);
}

function tableFor(c: Cpu, acc: number): Int32Array {
  if (acc & ACC_X) return acc & ACC_U ? c.tlbUX : c.tlbSX;
  if (acc & ACC_W) return acc & ACC_U ? c.tlbUW : c.tlbSW;
  return acc & ACC_U ? c.tlbUR : c.tlbSR;
}

/** Translate with the TLB; on a miss walk and fill. Returns the physical address. Writes to
 *  pages holding translated code are never cached so that they always reach codeWrite. */
export function translate(c: Cpu, lin: number, acc: number): number {
  const t = tableFor(c, acc), vp = lin >>> 12;
  const e = t[vp];
  if (e !== 0) return e | (lin & 0xfff);
  const pp = walk(c, lin, acc);
  // A PAE frame at or above 4 GiB must not wrap onto low RAM: return an address that is no RAM.
  if (pp > 0xfffff) return (0x80000000 | (lin & 0xfff)) | 0;
  // Pages beyond RAM and written code pages stay out of the TLB: only the slow path handles them.
  if (pp < c.memPages && !((acc & ACC_W) && c.codePages[pp])) fill(c, t, vp, pp);
  return (pp << 12) | (lin & 0xfff);
}

function fill(c: Cpu, t: Int32Array, vp: number, pp: number): void {
  // An entry is the page's physical address, 0 for none: physical page 0 is never cached (its
  // accesses take the walk every time, which only costs time).
  if (pp === 0) return;
  // A page is listed once: a write entry that protectCodePage drops and a store fills again
  // (code patched and run again, the smc benchmark) listed it again every time, and
  // protectCodePage's walk of the list grew with it (~2 500 entries a call).
  if (c.tlbListed[vp] === 0) {
    if (c.tlbCount >= TLB_CAPACITY) flushAll(c, true);
    c.tlbListed[vp] = 1;
    c.tlbFilled[c.tlbCount++] = walkGlobal ? vp | 0x80000000 : vp;
  }
  t[vp] = pp << 12;
}

function clearAt(c: Cpu, vp: number): void {
  c.tlbSR[vp] = 0; c.tlbSW[vp] = 0; c.tlbUR[vp] = 0; c.tlbUW[vp] = 0; c.tlbSX[vp] = 0; c.tlbUX[vp] = 0;
}

/** Drop every entry (keepGlobal false) or every non-global one (a CR3 load, SDM §4.10.4.1). */
export function flushAll(c: Cpu, includeGlobal: boolean): void {
  c.tlbGen++;
  let kept = 0;
  const list = c.tlbFilled;
  for (let i = 0; i < c.tlbCount; i++) {
    const e = list[i];
    if (e < 0 && !includeGlobal) { list[kept++] = e; continue; }
    clearAt(c, e & 0xfffff);
    c.tlbListed[e & 0xfffff] = 0;
  }
  c.tlbCount = kept;
}

/** INVLPG: drop the entries for one linear page, global or not (SDM §4.10.4.1). */
export function flushPage(c: Cpu, lin: number): void {
  c.tlbGen++;
  const vp = lin >>> 12;
  clearAt(c, vp);
  c.tlbListed[vp] = 0;
  const list = c.tlbFilled;
  let k = 0;
  for (let i = 0; i < c.tlbCount; i++) if ((list[i] & 0xfffff) !== vp) list[k++] = list[i];
  c.tlbCount = k;
}

/** A physical page now holds translated code: remove cached write translations to it. */
export function protectCodePage(c: Cpu, pp: number): void {
  const list = c.tlbFilled;
  for (let i = 0; i < c.tlbCount; i++) {
    const vp = list[i] & 0xfffff;
    if (c.tlbSW[vp] === pp << 12) c.tlbSW[vp] = 0;
    if (c.tlbUW[vp] === pp << 12) c.tlbUW[vp] = 0;
  }
}

/** Point the current-privilege TLB tables at user or supervisor ones. */
export function selectTlb(c: Cpu): void {
  const u = c.cpl === 3;
  c.rtlb = u ? c.tlbUR : c.tlbSR; c.wtlb = u ? c.tlbUW : c.tlbSW; c.xtlb = u ? c.tlbUX : c.tlbSX;
}

/** MOV to CR0/CR3/CR4: which TLB flush each implies (SDM vol. 3 §4.10.4.1). */
export function writeCr3(c: Cpu, v: number): void { c.cr3 = v; flushAll(c, false); }
export function writeCr0(c: Cpu, v: number): void {
  const changed = (c.cr0 ^ v);
  c.cr0 = v;
  if (changed & (CR0_PG | CR0_WP | 1)) flushAll(c, true);
}
export function writeCr4(c: Cpu, v: number): void {
  const changed = c.cr4 ^ v;
  c.cr4 = v;
  if (changed & (CR4_PGE | CR4_PAE | CR4_PSE)) flushAll(c, true);
}
