// Near control transfers and software interrupts (SDM vol. 2 JMP Jcc CALL RET LOOP JCXZ INT
// INTO INT3 BOUND UD2). Targets beyond the CS limit give #GP(0) at the transfer itself; with
// a 16-bit operand size EIP is truncated to 16 bits.
import type { Cpu } from '../cpu/state.ts';
import type { Insn } from '../decode/decoder.ts';
import { testCC, getZF, getOF } from '../cpu/flags.ts';
import { CS, ECX } from '../cpu/regs.ts';
import { read, size, ea } from './operands.ts';
import { pushValue, peek, setSp, spAdd } from './stack.ts';
import { rd } from '../cpu/memory.ts';
import { fault, GP, BR, UD, BP, OFV, DB, FAULT } from '../cpu/fault.ts';
import { T_X87 } from '../decode/rows.ts';
import { CR0_EM, CR0_TS } from '../cpu/regs.ts';
import { NM } from '../cpu/fault.ts';

export function jumpTo(c: Cpu, target: number, osz: number): void {
  if (osz === 2) target &= 0xffff;
  if ((target >>> 0) > (c.slimit[CS] >>> 0)) fault(GP, 0);
  c.eip = target | 0;
}
const next = (i: Insn): number => (i.eip + i.len) | 0;

export function jmp(c: Cpu, i: Insn): void { jumpTo(c, next(i) + i.imm, i.osz); }
export function jmpn(c: Cpu, i: Insn): void { jumpTo(c, read(c, i, 0), i.osz); }
export function jcc(c: Cpu, i: Insn): void {
  if (testCC(c, i.row.cc)) jumpTo(c, next(i) + i.imm, i.osz); else c.eip = next(i);
}
export function call(c: Cpu, i: Insn): void {
  const target = i.osz === 2 ? (next(i) + i.imm) & 0xffff : (next(i) + i.imm) | 0;
  if ((target >>> 0) > (c.slimit[CS] >>> 0)) fault(GP, 0);
  pushValue(c, next(i), i.osz);
  c.eip = target;
}
export function calln(c: Cpu, i: Insn): void {
  let target = read(c, i, 0);
  if (i.osz === 2) target &= 0xffff;
  if ((target >>> 0) > (c.slimit[CS] >>> 0)) fault(GP, 0);
  pushValue(c, next(i), i.osz);
  c.eip = target;
}
export function ret(c: Cpu, i: Insn): void {
  let target = peek(c, i.osz);
  if (i.osz === 2) target &= 0xffff;
  if ((target >>> 0) > (c.slimit[CS] >>> 0)) fault(GP, 0);
  setSp(c, spAdd(c, i.osz + (i.row.operands.length ? i.imm & 0xffff : 0)));
  c.eip = target;
}

/** The count register for LOOP/JCXZ is CX or ECX by address size. */
function count(c: Cpu, i: Insn): number { return i.asz === 2 ? c.regs[ECX] & 0xffff : c.regs[ECX]; }
function decCount(c: Cpu, i: Insn): number {
  if (i.asz === 2) { const v = (c.regs[ECX] - 1) & 0xffff; c.regs[ECX] = (c.regs[ECX] & ~0xffff) | v; return v; }
  return (c.regs[ECX] = c.regs[ECX] - 1);
}
function loopTo(c: Cpu, i: Insn, taken: boolean, oldEcx: number): void {
  if (!taken) { c.eip = next(i); return; }
  try { jumpTo(c, next(i) + i.imm, i.osz); } catch (e) { if (e === FAULT) c.regs[ECX] = oldEcx; throw e; }
}
export function loop(c: Cpu, i: Insn): void { const o = c.regs[ECX]; loopTo(c, i, decCount(c, i) !== 0, o); }
export function loope(c: Cpu, i: Insn): void { const o = c.regs[ECX]; loopTo(c, i, decCount(c, i) !== 0 && getZF(c), o); }
export function loopne(c: Cpu, i: Insn): void { const o = c.regs[ECX]; loopTo(c, i, decCount(c, i) !== 0 && !getZF(c), o); }
export function jecxz(c: Cpu, i: Insn): void { loopTo(c, i, count(c, i) === 0, c.regs[ECX]); }

/** Deliver a software interrupt with EIP at the next instruction; if delivery faults, the
 *  fault belongs to the INT instruction itself. */
export function softInterrupt(c: Cpu, i: Insn, vector: number): void {
  c.eip = next(i);
  const h = c.hooks.interrupt;
  if (!h) throw new Error(`no interrupt hook for vector ${vector}`);
  try { h(c, vector, -1, true); } catch (e) { if (e === FAULT) c.eip = i.eip; throw e; }
}
export function int3(c: Cpu, i: Insn): void { softInterrupt(c, i, BP); }
export function int(c: Cpu, i: Insn): void { softInterrupt(c, i, i.imm & 0xff); }
export function into(c: Cpu, i: Insn): void { if (getOF(c)) softInterrupt(c, i, OFV); else c.eip = next(i); }
/** INT1 (ICEBP, F1) raises #DB as a trap, not subject to the gate DPL check. */
export function int1(c: Cpu, i: Insn): void {
  c.eip = next(i);
  const h = c.hooks.interrupt;
  if (!h) throw new Error('no interrupt hook');
  try { h(c, DB, -1, false); } catch (e) { if (e === FAULT) c.eip = i.eip; throw e; }
}

export function bound(c: Cpu, i: Insn): void {
  const sz = size(i, 0), off = ea(c, i);
  const lo = rd(c, i.eaSeg, off, sz), hi = rd(c, i.eaSeg, i.asz === 2 ? (off + sz) & 0xffff : (off + sz) | 0, sz);
  const v = read(c, i, 0);
  const sx = (x: number): number => (sz === 2 ? (x << 16) >> 16 : x | 0);
  if (sx(v) < sx(lo) || sx(v) > sx(hi)) fault(BR);
}
export function ud2(): void { fault(UD); }
export function undefined_(): void { fault(UD); }
/** x87 escapes: #NM when CR0.EM or CR0.TS is set (SDM vol. 3 §2.5); the x87 unit itself is
 *  not implemented yet, so otherwise #UD (reported as an unimplemented instruction). */
export function fpu(c: Cpu, i: Insn): void {
  if (c.cr0 & (CR0_EM | CR0_TS)) fault(NM);
  void i; void T_X87;
  fault(UD);
}
export function fwait(c: Cpu): void {
  // WAIT/FWAIT faults with #NM only when both MP and TS are set (SDM vol. 3 table 2-2).
  if ((c.cr0 & 2) && (c.cr0 & CR0_TS)) fault(NM);
}
