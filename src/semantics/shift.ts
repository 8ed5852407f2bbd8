// Shifts and rotates (SDM vol. 2 "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR", "SHLD", "SHRD").
// The count is masked to 5 bits; a masked count of 0 changes no flags. Flags are computed
// eagerly here: CF/OF depend on bits that the lazy record does not keep.
import type { Cpu } from '../cpu/state.ts';
import { getCF, getFlags, setFlagsAll, PARITY, sizeMask, signBit } from '../cpu/flags.ts';
import { CF, OF, SF, ZF, PF, AF } from '../cpu/regs.ts';

function szpFlags(r: number, sz: number): number {
  return PARITY[r & 0xff] | (r === 0 ? ZF : 0) | (r & signBit(sz) ? SF : 0);
}
function put(c: Cpu, mask: number, v: number): void {
  setFlagsAll(c, (getFlags(c) & ~mask) | (v & mask));
}

export function shift(c: Cpu, op: number, a: number, count: number, sz: number): number {
  const bits = sz * 8, m = sizeMask(sz), sb = signBit(sz);
  count &= 31;
  if (count === 0) return a & m;
  a &= m;
  // Each case leaves the result, CF, OF and which flags it writes; the flags are stored once
  // after the switch (a store per case made V8's optimizing compiler inline the lazy-flags
  // evaluation seven times over: this was the costliest function it compiled on the first-run
  // path).
  let r: number, cf: number, of: number, written = CF | OF;
  switch (op) {
    case 0: { // ROL
      const n = count % bits;
      r = n === 0 ? a : ((a << n) | (a >>> (bits - n))) & m;
      cf = r & 1;
      of = ((r & sb) ? 1 : 0) ^ cf;
      break;
    }
    case 1: { // ROR
      const n = count % bits;
      r = n === 0 ? a : ((a >>> n) | (a << (bits - n))) & m;
      cf = (r & sb) ? 1 : 0;
      of = cf ^ ((r & (sb >>> 1)) ? 1 : 0);
      break;
    }
    case 2: { // RCL: rotate through CF, a (bits+1)-bit rotation
      const n = count % (bits + 1);
      cf = getCF(c);
      r = a;
      for (let k = 0; k < n; k++) { const out = (r & sb) ? 1 : 0; r = ((r << 1) | cf) & m; cf = out; }
      of = ((r & sb) ? 1 : 0) ^ cf;
      break;
    }
    case 3: { // RCR
      const n = count % (bits + 1);
      cf = getCF(c);
      r = a;
      // OF for RCR is computed before the rotation (MSB xor CF) for a count of 1.
      of = ((r & sb) ? 1 : 0) ^ cf;
      for (let k = 0; k < n; k++) { const out = r & 1; r = ((r >>> 1) | (cf ? sb : 0)) & m; cf = out; }
      break;
    }
    case 4: case 6: { // SHL/SAL
      r = count >= 32 ? 0 : (a << count) & m;
      cf = count <= bits ? (a >>> (bits - count)) & 1 : 0;
      of = ((r & sb) ? 1 : 0) ^ cf;
      written = CF | OF | SF | ZF | PF | AF;
      break;
    }
    case 5: { // SHR
      r = a >>> count;
      if (count >= bits) r = 0;
      cf = count <= bits ? (a >>> (count - 1)) & 1 : 0;
      of = (a & sb) ? 1 : 0;
      written = CF | OF | SF | ZF | PF | AF;
      break;
    }
    default: { // SAR
      const s = sz === 4 ? a | 0 : (a << (32 - bits)) >> (32 - bits);
      const n = count >= bits ? bits - 1 : count;
      r = (s >> n) & m;
      cf = (s >> (count >= bits ? bits - 1 : count - 1)) & 1;
      of = 0;
      written = CF | OF | SF | ZF | PF | AF;
      break;
    }
  }
  put(c, written, (cf ? CF : 0) | (of ? OF : 0) | (written & ZF ? szpFlags(r, sz) : 0));
  return r;
}

/** SHLD/SHRD: shift `a` by count, filling from `b`. Counts above the operand size leave the
 *  result and flags undefined (16-bit only); we shift through the concatenation as Intel does. */
export function shiftDouble(c: Cpu, left: boolean, a: number, b: number, count: number, sz: number): number {
  const bits = sz * 8, m = sizeMask(sz), sb = signBit(sz);
  count &= 31;
  if (count === 0) return a & m;
  a &= m; b &= m;
  let r: number, cf: number;
  if (sz === 4) {
    if (left) { r = (a << count) | (b >>> (32 - count)); cf = (a >>> (32 - count)) & 1; }
    else { r = (a >>> count) | (b << (32 - count)); cf = (a >>> (count - 1)) & 1; }
  } else {
    // 16-bit: treat as a 48-bit value a:b:a (left) or b:a? use a 32-bit pair then rotate in b.
    const pairL = (a << 16) | b; // for SHLD
    if (left) {
      const wide = (BigInt(pairL >>> 0) << 16n) | BigInt(a);
      const sh = wide << BigInt(count);
      r = Number((sh >> 32n) & 0xffffn);
      cf = Number((sh >> 48n) & 1n);
    } else {
      const wide = (BigInt(a) << 32n) | (BigInt(b) << 16n) | BigInt(a);
      const sh = wide >> BigInt(count);
      r = Number(sh & 0xffffn);
      cf = Number((wide >> BigInt(count - 1)) & 1n);
    }
  }
  r &= m;
  const of = ((r ^ a) & sb) ? 1 : 0;
  put(c, CF | OF | SF | ZF | PF | AF, (cf ? CF : 0) | (of ? OF : 0) | szpFlags(r, sz));
  void bits;
  return r;
}
