// Integer arithmetic and logic (SDM vol. 2: ADD ADC SUB SBB AND OR XOR CMP TEST INC DEC NEG
// NOT). Each compute function takes operand values and size, records the flags lazily and
// returns the result; the JIT calls the same functions.
import type { Cpu } from '../cpu/state.ts';
import { L_ADD, L_ADC, L_SUB, L_SBB, L_LOGIC, getCF, materialize, sizeMask } from '../cpu/flags.ts';
import { OSZAPC, CF } from '../cpu/regs.ts';

export function add(c: Cpu, a: number, b: number, sz: number): number {
  const r = (a + b) & sizeMask(sz);
  c.lop = L_ADD; c.la = a; c.lb = b; c.lres = r; c.lsz = sz; c.lmask = OSZAPC; return r;
}
export function adc(c: Cpu, a: number, b: number, sz: number): number {
  const cin = getCF(c);
  const r = (a + b + cin) & sizeMask(sz);
  c.lop = L_ADC; c.la = a; c.lb = b; c.lcin = cin; c.lres = r; c.lsz = sz; c.lmask = OSZAPC; return r;
}
export function sub(c: Cpu, a: number, b: number, sz: number): number {
  const r = (a - b) & sizeMask(sz);
  c.lop = L_SUB; c.la = a; c.lb = b; c.lres = r; c.lsz = sz; c.lmask = OSZAPC; return r;
}
export function sbb(c: Cpu, a: number, b: number, sz: number): number {
  const cin = getCF(c);
  const r = (a - b - cin) & sizeMask(sz);
  c.lop = L_SBB; c.la = a; c.lb = b; c.lcin = cin; c.lres = r; c.lsz = sz; c.lmask = OSZAPC; return r;
}
function logic(c: Cpu, r: number, sz: number): number {
  c.lop = L_LOGIC; c.lres = r; c.lsz = sz; c.lmask = OSZAPC; return r;
}
export const and = (c: Cpu, a: number, b: number, sz: number): number => logic(c, a & b & sizeMask(sz), sz);
export const or = (c: Cpu, a: number, b: number, sz: number): number => logic(c, (a | b) & sizeMask(sz), sz);
export const xor = (c: Cpu, a: number, b: number, sz: number): number => logic(c, (a ^ b) & sizeMask(sz), sz);

/** INC/DEC keep CF (SDM vol. 2 "INC": "The CF flag is not affected"). */
export function inc(c: Cpu, a: number, sz: number): number {
  materialize(c, CF);
  const r = (a + 1) & sizeMask(sz);
  c.lop = L_ADD; c.la = a; c.lb = 1; c.lres = r; c.lsz = sz; c.lmask = OSZAPC & ~CF; return r;
}
export function dec(c: Cpu, a: number, sz: number): number {
  materialize(c, CF);
  const r = (a - 1) & sizeMask(sz);
  c.lop = L_SUB; c.la = a; c.lb = 1; c.lres = r; c.lsz = sz; c.lmask = OSZAPC & ~CF; return r;
}
/** NEG is 0 - a: CF = (a != 0) follows from the SUB formula. */
export const neg = (c: Cpu, a: number, sz: number): number => sub(c, 0, a, sz);
export const not = (_c: Cpu, a: number, sz: number): number => ~a & sizeMask(sz);

/** The binary ALU functions by mnemonic (CMP is SUB, TEST is AND, without write-back). */
export const BINOPS: Record<string, (c: Cpu, a: number, b: number, sz: number) => number> = {
  add, adc, sub, sbb, and, or, xor, cmp: sub, test: and,
};
export const UNOPS: Record<string, (c: Cpu, a: number, sz: number) => number> = { inc, dec, neg, not };
