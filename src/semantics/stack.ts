// Stack operations (SDM vol. 1 §6.2, vol. 2 PUSH POP PUSHA POPA PUSHF POPF ENTER LEAVE).
// The stack address size is SS.B; each store happens before ESP moves, so a fault leaves
// ESP as it was.
import type { Cpu } from '../cpu/state.ts';
import { ATTR_DB } from '../cpu/state.ts';
import type { Insn } from '../decode/decoder.ts';
import { getFlags, setFlagsAll } from '../cpu/flags.ts';
import { SS, ESP, EBP, OSZAPC, TF, DF, NT, AC, ID, IF, IOPL, RF, VM, VIF, VIP, FLAGS_FIXED1 } from '../cpu/regs.ts';
import { rd, wr, linear, probeWrite } from '../cpu/memory.ts';
import { ACC_U } from '../cpu/paging.ts';
import { read, write, size, setReg, getReg, ea } from './operands.ts';
import { FAULT } from '../cpu/fault.ts';
import { loadSegment } from '../cpu/descriptors.ts';

const stack32 = (c: Cpu): boolean => (c.sattr[SS] & ATTR_DB) !== 0;
/** ESP after moving by delta, in the stack's address size. */
export function spAdd(c: Cpu, delta: number): number {
  return stack32(c) ? (c.regs[ESP] + delta) | 0 : (c.regs[ESP] + delta) & 0xffff;
}
export function setSp(c: Cpu, v: number): void {
  if (stack32(c)) c.regs[ESP] = v; else setReg(c, ESP, 2, v);
}
export function pushValue(c: Cpu, v: number, sz: number): void {
  const sp = spAdd(c, -sz);
  wr(c, SS, sp, sz, v);
  setSp(c, sp);
}
/** Read the value at the top of the stack without popping it. */
export function peek(c: Cpu, sz: number, at = 0): number {
  return rd(c, SS, spAdd(c, at), sz);
}
export function popValue(c: Cpu, sz: number): number {
  const v = rd(c, SS, spAdd(c, 0), sz);
  setSp(c, spAdd(c, sz));
  return v;
}
/** Check that `bytes` bytes below the stack pointer can be written. */
export function probeStack(c: Cpu, bytes: number): void {
  const lo = spAdd(c, -bytes);
  probeWrite(c, linear(c, SS, lo, bytes, true), bytes, c.cpl === 3 ? ACC_U : 0);
}

export function push(c: Cpu, i: Insn): void {
  const op = i.row.operands[0];
  if (op.kind === 'fixed') {
    // PUSH Sreg with a 32-bit operand size: the SDM allows a zero-extended dword or a 16-bit
    // store; we store the zero-extended dword, as the AMD parts our oracle runs on do.
    const sreg = ['ES', 'CS', 'SS', 'DS', 'FS', 'GS'].indexOf(op.fixed!);
    pushValue(c, c.sel[sreg] & 0xffff, i.osz);
    return;
  }
  const v = op.kind === 'I' ? i.imm : read(c, i, 0);
  pushValue(c, v, i.osz);
}

export function pop(c: Cpu, i: Insn): void {
  const sz = i.osz;
  const v = rd(c, SS, spAdd(c, 0), sz);
  const op = i.row.operands[0];
  if (op.kind === 'Z') { setSp(c, spAdd(c, sz)); setReg(c, i.zreg, sz, v); return; }
  if (op.kind === 'fixed') {
    // POP Sreg (SDM vol. 2 "POP"): the selector goes through the protected-mode checks of
    // loadSegment; ESP moves in the old stack's address size (it matters for POP SS) and
    // stays put when the load faults.
    const sreg = ['ES', 'CS', 'SS', 'DS', 'FS', 'GS'].indexOf(op.fixed!);
    const old = c.regs[ESP];
    setSp(c, spAdd(c, sz));
    try { loadSegment(c, sreg, v & 0xffff); } catch (e) { if (e === FAULT) c.regs[ESP] = old; throw e; }
    return;
  }
  // POP Ev computes its address after ESP is incremented (SDM vol. 2 "POP").
  const old = c.regs[ESP];
  setSp(c, spAdd(c, sz));
  try { write(c, i, 0, v); } catch (e) { if (e === FAULT) c.regs[ESP] = old; throw e; }
}

export function pusha(c: Cpu, i: Insn): void {
  const sz = i.osz;
  probeStack(c, 8 * sz);
  const temp = c.regs[ESP];
  for (let r = 0; r < 8; r++) pushValue(c, r === ESP ? temp : c.regs[r], sz);
}
export function popa(c: Cpu, i: Insn): void {
  const sz = i.osz;
  const vals: number[] = [];
  for (let k = 0; k < 8; k++) vals.push(peek(c, sz, k * sz));
  for (let r = 7, k = 0; r >= 0; r--, k++) if (r !== ESP) setReg(c, r, sz, vals[k]);
  setSp(c, spAdd(c, 8 * sz));
}

export function pushf(c: Cpu, i: Insn): void {
  // The image has VM and RF cleared (SDM vol. 2 "PUSHF").
  pushValue(c, getFlags(c) & ~(VM | RF), i.osz);
}
/** Which EFLAGS bits POPF may change at the current privilege (SDM vol. 2 "POPF" table). */
export function popfMask(c: Cpu, osz: number): number {
  let m = OSZAPC | TF | DF | NT | AC | ID;
  const iopl = (c.flags & IOPL) >> 12;
  if (c.cpl === 0) m |= IOPL;
  if (c.cpl <= iopl) m |= IF;
  return osz === 2 ? m & 0xffff : m;
}
export function popf(c: Cpu, i: Insn): void {
  const v = peek(c, i.osz);
  const m = popfMask(c, i.osz);
  setSp(c, spAdd(c, i.osz));
  setFlagsAll(c, ((getFlags(c) & ~m) | (v & m) | FLAGS_FIXED1) & ~(RF | 0));
  void VIF; void VIP;
}

export function enter(c: Cpu, i: Insn): void {
  const sz = i.osz, alloc = i.imm & 0xffff, level = i.imm2 & 31;
  // Read the display entries first, then check the whole region it will store, so that
  // nothing is written when any part faults.
  const disp: number[] = [];
  let bp = c.regs[EBP];
  for (let k = 1; k < level; k++) {
    bp = stack32(c) ? (bp - sz) | 0 : (bp - sz) & 0xffff;
    disp.push(rd(c, SS, bp, sz));
  }
  const stored = sz * (1 + (level > 0 ? level : 0));
  probeStack(c, stored);
  pushValue(c, getReg(c, EBP, sz), sz);
  const frame = spAdd(c, 0);
  for (const v of disp) pushValue(c, v, sz);
  if (level > 0) pushValue(c, frame, sz);
  setReg(c, EBP, sz, frame);
  setSp(c, spAdd(c, -alloc));
}
export function leave(c: Cpu, i: Insn): void {
  const sp = stack32(c) ? c.regs[EBP] : c.regs[EBP] & 0xffff;
  const v = rd(c, SS, sp, i.osz);
  setSp(c, stack32(c) ? (sp + i.osz) | 0 : (sp + i.osz) & 0xffff);
  setReg(c, EBP, i.osz, v);
}
void size; void ea; void IF;
