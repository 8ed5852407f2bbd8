// Generic operand access: effective addresses (SDM vol. 2 §2.1.5), register views of every
// size, and reading/writing an instruction's n-th operand as its table row describes it.
// Semantic functions compute; this file loads and stores.
import type { Cpu } from '../cpu/state.ts';
import type { Insn } from '../decode/decoder.ts';
import { OK_E, OK_G, OK_Z, OK_I, OK_O, OK_AL, OK_CL, OK_DX, OK_AX, OK_EAX, OK_ONE, sizeBytes } from '../decode/rows.ts';
import { rd, wr, probeSegWrite } from '../cpu/memory.ts';
import { DS, EAX, ECX, EDX } from '../cpu/regs.ts';

export function ea(c: Cpu, i: Insn): number {
  let a = i.disp;
  if (i.base >= 0) a += c.regs[i.base];
  if (i.index >= 0) a += c.regs[i.index] << i.scale;
  return i.asz === 2 ? a & 0xffff : a | 0;
}

export function getReg(c: Cpu, r: number, sz: number): number {
  if (sz === 4) return c.regs[r];
  if (sz === 2) return c.regs[r] & 0xffff;
  return r < 4 ? c.regs[r] & 0xff : (c.regs[r - 4] >> 8) & 0xff;
}
export function setReg(c: Cpu, r: number, sz: number, v: number): void {
  if (sz === 4) c.regs[r] = v;
  else if (sz === 2) c.regs[r] = (c.regs[r] & ~0xffff) | (v & 0xffff);
  else if (r < 4) c.regs[r] = (c.regs[r] & ~0xff) | (v & 0xff);
  else c.regs[r - 4] = (c.regs[r - 4] & ~0xff00) | ((v & 0xff) << 8);
}

/** The r/m operand (ModRM register or memory) at size `sz`. */
export function readRm(c: Cpu, i: Insn, sz: number): number {
  return i.mod === 3 ? getReg(c, i.rm, sz) : rd(c, i.eaSeg, ea(c, i), sz);
}

/** Size in bytes of operand n. */
export function size(i: Insn, n: number): number {
  return sizeBytes(i.row.sizes[n], i.osz);
}

export function isMemOperand(i: Insn, n: number): boolean {
  const k = i.row.operands[n].kind;
  return ((k === 'E' || k === 'M') && i.mod !== 3) || k === 'O';
}

/** Segment and offset of memory operand n (E/M/O kinds). */
export function memSeg(i: Insn, n: number): number {
  return i.row.kinds[n] === OK_O ? (i.seg >= 0 ? i.seg : DS) : i.eaSeg;
}
export function memOff(c: Cpu, i: Insn, n: number): number {
  return i.row.kinds[n] === OK_O ? i.imm : ea(c, i);
}

// The operand kinds as numbers (rows.ts OK_*): these run for every instruction of the first
// tier and of generated code's generic path.
export function read(c: Cpu, i: Insn, n: number): number {
  const r = i.row;
  switch (r.kinds[n]) {
    case OK_E: return readRm(c, i, size(i, n));
    case OK_G: return getReg(c, i.reg, size(i, n));
    case OK_Z: return getReg(c, i.zreg, size(i, n));
    case OK_I: return n === r.immAt ? i.imm : i.imm2;
    case OK_O: return rd(c, i.seg >= 0 ? i.seg : DS, i.imm, size(i, n));
    case OK_AL: return c.regs[EAX] & 0xff;
    case OK_CL: return c.regs[ECX] & 0xff;
    case OK_DX: return c.regs[EDX] & 0xffff;
    case OK_AX: return c.regs[EAX] & 0xffff;
    case OK_EAX: return getReg(c, EAX, i.osz);
    case OK_ONE: return 1;
  }
  throw new Error(`read of operand kind ${r.operands[n].kind} in ${r.text}`);
}

/** Read operand n that will be written back afterwards: a memory destination is checked for
 *  writability first, so a fault leaves nothing changed (SDM vol. 3 §6.5 fault precision). */
export function readForUpdate(c: Cpu, i: Insn, n: number): number {
  const k = i.row.kinds[n];
  if ((k === OK_E && i.mod !== 3) || k === OK_O) probeSegWrite(c, memSeg(i, n), memOff(c, i, n), size(i, n));
  return read(c, i, n);
}

export function write(c: Cpu, i: Insn, n: number, v: number): void {
  const r = i.row;
  switch (r.kinds[n]) {
    case OK_E: if (i.mod === 3) setReg(c, i.rm, size(i, n), v); else wr(c, i.eaSeg, ea(c, i), size(i, n), v); return;
    case OK_G: setReg(c, i.reg, size(i, n), v); return;
    case OK_Z: setReg(c, i.zreg, size(i, n), v); return;
    case OK_O: wr(c, i.seg >= 0 ? i.seg : DS, i.imm, size(i, n), v); return;
    case OK_AL: setReg(c, EAX, 1, v); return;
    case OK_AX: setReg(c, EAX, 2, v); return;
    case OK_EAX: setReg(c, EAX, i.osz, v); return;
  }
  throw new Error(`write of operand kind ${r.operands[n].kind} in ${r.text}`);
}
