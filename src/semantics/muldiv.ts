// MUL, IMUL (one-, two- and three-operand forms), DIV, IDIV (SDM vol. 2). Division by zero
// and quotients that do not fit raise #DE before anything is written.
import type { Cpu } from '../cpu/state.ts';
import type { Insn } from '../decode/decoder.ts';
import { setStatus, PARITY, sizeMask, signBit } from '../cpu/flags.ts';
import { CF, OF, SF, ZF, PF, AF, EAX, EDX } from '../cpu/regs.ts';
import { getReg, setReg, read, write, size } from './operands.ts';
import { raiseDE } from '../cpu/fault.ts';

const sext = (v: number, sz: number): number => (sz === 4 ? v | 0 : sz === 2 ? (v << 16) >> 16 : (v << 24) >> 24);

/** SF ZF AF PF are undefined after multiplies; we set SF/ZF/PF from the low result, AF 0. */
function mulFlags(c: Cpu, lo: number, sz: number, overflow: boolean): void {
  const r = lo & sizeMask(sz);
  setStatus(c, CF | OF | SF | ZF | PF | AF, (overflow ? CF | OF : 0) | PARITY[r & 0xff] | (r === 0 ? ZF : 0) | (r & signBit(sz) ? SF : 0));
}

export function mul(c: Cpu, i: Insn): void {
  const sz = size(i, 0), src = read(c, i, 0) & sizeMask(sz);
  if (sz === 1) {
    const r = (c.regs[EAX] & 0xff) * src;
    setReg(c, EAX, 2, r); mulFlags(c, r, 1, (r & 0xff00) !== 0);
  } else if (sz === 2) {
    const r = (c.regs[EAX] & 0xffff) * src;
    setReg(c, EAX, 2, r); setReg(c, EDX, 2, r >>> 16); mulFlags(c, r, 2, (r >>> 16) !== 0);
  } else {
    const r = BigInt(c.regs[EAX] >>> 0) * BigInt(src >>> 0);
    const lo = Number(r & 0xffffffffn) | 0, hi = Number(r >> 32n) | 0;
    c.regs[EAX] = lo; c.regs[EDX] = hi; mulFlags(c, lo, 4, hi !== 0);
  }
}

/** One-operand IMUL: EDX:EAX = EAX * src, signed. */
export function imul1(c: Cpu, i: Insn): void {
  const sz = size(i, 0), src = sext(read(c, i, 0), sz);
  if (sz === 1) {
    const r = sext(c.regs[EAX], 1) * src;
    setReg(c, EAX, 2, r); mulFlags(c, r, 1, r !== sext(r, 1));
  } else if (sz === 2) {
    const r = sext(c.regs[EAX], 2) * src;
    setReg(c, EAX, 2, r); setReg(c, EDX, 2, r >> 16); mulFlags(c, r, 2, r !== sext(r, 2));
  } else {
    const r = BigInt(c.regs[EAX] | 0) * BigInt(src);
    const lo = Number(BigInt.asIntN(32, r)), hi = Number(BigInt.asIntN(32, r >> 32n));
    c.regs[EAX] = lo; c.regs[EDX] = hi; mulFlags(c, lo, 4, BigInt(lo) !== r);
  }
}

/** Truncating signed multiply used by the two- and three-operand forms. */
export function imulTrunc(c: Cpu, a: number, b: number, sz: number): number {
  a = sext(a, sz); b = sext(b, sz);
  let lo: number, over: boolean;
  if (sz === 4) {
    lo = Math.imul(a, b);
    const full = a * b; // exact when |full| < 2^53; otherwise it surely overflowed
    over = Math.abs(full) >= 2 ** 53 ? true : full !== lo;
  } else {
    const full = a * b;
    lo = sext(full, sz);
    over = full !== lo;
  }
  mulFlags(c, lo, sz, over);
  return lo & sizeMask(sz);
}
/** IMUL Gv,Ev and IMUL Gv,Ev,Iz/Ibs. */
export function imul2(c: Cpu, i: Insn): void {
  const sz = size(i, 0);
  write(c, i, 0, imulTrunc(c, read(c, i, 0), read(c, i, 1), sz));
}
export function imul(c: Cpu, i: Insn): void {
  const sz = size(i, 0);
  write(c, i, 0, imulTrunc(c, read(c, i, 1), read(c, i, 2), sz));
}

export function div(c: Cpu, i: Insn): void {
  const sz = size(i, 0), d = read(c, i, 0) & sizeMask(sz);
  if (d === 0) raiseDE();
  if (sz === 1) {
    const n = c.regs[EAX] & 0xffff, q = Math.floor(n / d);
    if (q > 0xff) raiseDE();
    setReg(c, EAX, 2, ((n % d) << 8) | q);
  } else if (sz === 2) {
    const n = ((c.regs[EDX] & 0xffff) * 65536) + (c.regs[EAX] & 0xffff), q = Math.floor(n / d);
    if (q > 0xffff) raiseDE();
    setReg(c, EAX, 2, q); setReg(c, EDX, 2, n % d);
  } else {
    const n = (BigInt(c.regs[EDX] >>> 0) << 32n) | BigInt(c.regs[EAX] >>> 0), dd = BigInt(d >>> 0);
    const q = n / dd;
    if (q > 0xffffffffn) raiseDE();
    c.regs[EAX] = Number(q) | 0; c.regs[EDX] = Number(n % dd) | 0;
  }
}

export function idiv(c: Cpu, i: Insn): void {
  const sz = size(i, 0), d = sext(read(c, i, 0), sz);
  if (d === 0) raiseDE();
  if (sz === 1) {
    const n = sext(c.regs[EAX], 2), q = Math.trunc(n / d);
    if (q > 127 || q < -128) raiseDE();
    setReg(c, EAX, 2, ((n % d) & 0xff) << 8 | (q & 0xff));
  } else if (sz === 2) {
    const n = ((c.regs[EDX] << 16) | (c.regs[EAX] & 0xffff)), q = Math.trunc(n / d);
    if (q > 32767 || q < -32768) raiseDE();
    setReg(c, EAX, 2, q); setReg(c, EDX, 2, n % d);
  } else {
    const n = (BigInt(c.regs[EDX]) << 32n) | BigInt(c.regs[EAX] >>> 0), dd = BigInt(d);
    const q = n / dd;
    if (q > 0x7fffffffn || q < -0x80000000n) raiseDE();
    c.regs[EAX] = Number(q) | 0; c.regs[EDX] = Number(n % dd) | 0;
  }
}
void getReg;
