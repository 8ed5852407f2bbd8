// Lazy status flags. An operation records what it did (op, operands, result, size) instead of
// computing CF PF AF ZF SF OF; the flags are derived only when something reads them. Bits in
// c.lmask are lazy; the rest of c.flags is authoritative. Formulas: SDM vol. 1 §3.4.3.1 and the
// per-instruction "Flags Affected" sections of vol. 2.
import type { Cpu } from './state.ts';
import { CF, PF, AF, ZF, SF, OF, OSZAPC } from './regs.ts';

export const L_ADD = 1, L_ADC = 2, L_SUB = 3, L_SBB = 4, L_LOGIC = 5, L_RES = 6;
/** A truncating signed multiply (two- and three-operand IMUL) of la by lb: CF = OF = the
 *  product does not fit the size, AF = 0, S Z P from the result (muldiv.ts's mulFlags). */
export const L_MUL = 7;

/** IMUL's overflow: the sign-extended operands' product is not the sign-extended result. As a
 *  double a product that fits is exact; one that does not differs from the result by a nonzero
 *  multiple of 2^(8sz), far more than rounding it to a double (at most 2^9) can make up. */
const mulOverflows = (la: number, lb: number, lres: number, sz: number): boolean => {
  const s = 32 - sz * 8;
  return ((la << s) >> s) * ((lb << s) >> s) !== (lres << s) >> s;
};

/** PF: even parity of the low byte. */
export const PARITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) { let p = 1; for (let b = i; b; b >>= 1) p ^= b & 1; PARITY[i] = p ? PF : 0; }

export const sizeMask = (sz: number): number => (sz === 4 ? -1 : (1 << (sz * 8)) - 1);
export const signBit = (sz: number): number => 1 << (sz * 8 - 1);

/** Compute all six status flags from the lazy record. */
export function lazyStatus(c: Cpu): number {
  return statusOf(c.lop, c.la, c.lb, c.lres, c.lsz, c.lcin);
}

/** The six status flags of a lazy record given field by field (lazyStatus's computation; the
 *  generated code keeps the record in locals and calls this with them). */
export function statusOf(op: number, la: number, lb: number, lres: number, sz: number, cin: number): number {
  const m = sizeMask(sz) >>> 0, sb = signBit(sz);
  const r = lres & m, a = la & m, b = lb & m;
  let f = PARITY[r & 0xff] | (r === 0 ? ZF : 0) | (r & sb ? SF : 0);
  switch (op) {
    case L_ADD:
      f |= ((r >>> 0) < (a >>> 0) ? CF : 0) | ((a ^ b ^ r) & AF) | (((a ^ r) & (b ^ r) & sb) ? OF : 0);
      break;
    case L_ADC:
      f |= ((cin ? (r >>> 0) <= (a >>> 0) : (r >>> 0) < (a >>> 0)) ? CF : 0) | ((a ^ b ^ r) & AF) | (((a ^ r) & (b ^ r) & sb) ? OF : 0);
      break;
    case L_SUB:
      f |= ((a >>> 0) < (b >>> 0) ? CF : 0) | ((a ^ b ^ r) & AF) | (((a ^ b) & (a ^ r) & sb) ? OF : 0);
      break;
    case L_SBB:
      f |= ((cin ? (a >>> 0) <= (b >>> 0) : (a >>> 0) < (b >>> 0)) ? CF : 0) | ((a ^ b ^ r) & AF) | (((a ^ b) & (a ^ r) & sb) ? OF : 0);
      break;
    case L_MUL:
      if (mulOverflows(la, lb, lres, sz)) f |= CF | OF;
      break;
    // L_LOGIC: CF = OF = 0; AF is undefined and an i686 leaves it 0. L_RES: only S Z P derive.
  }
  return f;
}

/** CF of a lazy record given field by field (getCF's lazy case). */
export function cfOf(op: number, la: number, lb: number, lres: number, sz: number, cin: number): number {
  const m = sizeMask(sz) >>> 0;
  const a = (la & m) >>> 0, b = (lb & m) >>> 0, r = (lres & m) >>> 0;
  switch (op) {
    case L_ADD: return r < a ? 1 : 0;
    case L_ADC: return (cin ? r <= a : r < a) ? 1 : 0;
    case L_SUB: return a < b ? 1 : 0;
    case L_SBB: return (cin ? a <= b : a < b) ? 1 : 0;
    case L_MUL: return mulOverflows(la, lb, lres, sz) ? 1 : 0;
    default: return 0;
  }
}

/** Condition code `cc` (testCC's) from flags, lmask and the lazy record given field by field. */
export function ccOf(cc: number, flags: number, lmask: number, op: number, la: number, lb: number, lres: number, sz: number, cin: number): boolean {
  const f = lmask === 0 ? flags : (flags & ~lmask) | (statusOf(op, la, lb, lres, sz, cin) & lmask);
  let t: boolean;
  switch (cc >> 1) {
    case 0: t = (f & OF) !== 0; break;
    case 1: t = (f & CF) !== 0; break;
    case 2: t = (f & ZF) !== 0; break;
    case 3: t = (f & (CF | ZF)) !== 0; break;
    case 4: t = (f & SF) !== 0; break;
    case 5: t = (f & PF) !== 0; break;
    case 6: t = ((f & SF) !== 0) !== ((f & OF) !== 0); break;
    default: t = (f & ZF) !== 0 || ((f & SF) !== 0) !== ((f & OF) !== 0); break;
  }
  return (cc & 1) ? !t : t;
}

export function getFlags(c: Cpu): number {
  const m = c.lmask;
  return m === 0 ? c.flags : (c.flags & ~m) | (lazyStatus(c) & m);
}
/** Replace every flag bit (including the status ones) with `v`. */
export function setFlagsAll(c: Cpu, v: number): void { c.flags = v; c.lmask = 0; }
/** Make the given status flags concrete so a partial update can keep them. */
export function materialize(c: Cpu, keep: number): void {
  const m = c.lmask & keep;
  if (m) { c.flags = (c.flags & ~m) | (lazyStatus(c) & m); c.lmask &= ~m; }
}
export function setStatus(c: Cpu, mask: number, values: number): void {
  materialize(c, OSZAPC & ~mask);
  c.lmask &= ~mask;
  c.flags = (c.flags & ~mask) | (values & mask);
}

export function getCF(c: Cpu): number {
  return c.lmask & CF ? cfOf(c.lop, c.la, c.lb, c.lres, c.lsz, c.lcin) : c.flags & CF;
}
export function getZF(c: Cpu): boolean {
  return c.lmask & ZF ? (c.lres & sizeMask(c.lsz)) === 0 : (c.flags & ZF) !== 0;
}
export function getSF(c: Cpu): boolean {
  return c.lmask & SF ? (c.lres & signBit(c.lsz)) !== 0 : (c.flags & SF) !== 0;
}
export function getOF(c: Cpu): boolean {
  return c.lmask & OF ? (lazyStatus(c) & OF) !== 0 : (c.flags & OF) !== 0;
}
export function getPF(c: Cpu): boolean {
  return c.lmask & PF ? PARITY[c.lres & 0xff] !== 0 : (c.flags & PF) !== 0;
}

/** Condition codes tttn (SDM vol. 1 appendix B): O NO B AE E NE BE A S NS P NP L GE LE G.
 *  E/NE read ZF alone; the others evaluate the lazy record once (ccOf), where a getter per
 *  flag made V8's optimizing compiler inline the record's evaluation four times into every
 *  caller (jcc, setcc, cmovcc). */
export function testCC(c: Cpu, cc: number): boolean {
  if ((cc >> 1) === 2) return getZF(c) !== ((cc & 1) !== 0);
  return ccOf(cc, c.flags, c.lmask, c.lop, c.la, c.lb, c.lres, c.lsz, c.lcin);
}

/** Record helpers used by semantics and by generated code. Return the result for chaining. */
export function flagsAdd(c: Cpu, a: number, b: number, r: number, sz: number): number {
  c.lop = L_ADD; c.la = a; c.lb = b; c.lres = r; c.lsz = sz; c.lmask = OSZAPC; return r;
}
export function flagsSub(c: Cpu, a: number, b: number, r: number, sz: number): number {
  c.lop = L_SUB; c.la = a; c.lb = b; c.lres = r; c.lsz = sz; c.lmask = OSZAPC; return r;
}
export function flagsLogic(c: Cpu, r: number, sz: number): number {
  c.lop = L_LOGIC; c.lres = r; c.lsz = sz; c.lmask = OSZAPC; return r;
}
