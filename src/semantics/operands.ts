// Generic operand access: effective addresses (SDM vol. 2 §2.1.5), register views of every
// size, and reading/writing an instruction's n-th operand as its table row describes it.
// Semantic functions compute; this file loads and stores.
import type { Cpu } from '../cpu/state.ts';
import type { Insn } from '../decode/decoder.ts';
import { opSize } from '../decode/decoder.ts';
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

/** Size in bytes of operand n. */
export function size(i: Insn, n: number): number {
  const op = i.row.operands[n];
  if (op.kind === 'fixed') {
    switch (op.fixed) {
      case 'AL': case 'CL': case '1': return 1;
      case 'AX': case 'DX': return 2;
      case 'eAX': return i.osz;
      default: return 2;
    }
  }
  return opSize(op.size, i.osz);
}

export function isMemOperand(i: Insn, n: number): boolean {
  const k = i.row.operands[n].kind;
  return ((k === 'E' || k === 'M') && i.mod !== 3) || k === 'O';
}

/** Segment and offset of memory operand n (E/M/O kinds). */
export function memSeg(i: Insn, n: number): number {
  return i.row.operands[n].kind === 'O' ? (i.seg >= 0 ? i.seg : DS) : i.eaSeg;
}
export function memOff(c: Cpu, i: Insn, n: number): number {
  return i.row.operands[n].kind === 'O' ? i.imm : ea(c, i);
}

export function read(c: Cpu, i: Insn, n: number): number {
  const op = i.row.operands[n];
  const sz = size(i, n);
  switch (op.kind) {
    case 'E': return i.mod === 3 ? getReg(c, i.rm, sz) : rd(c, i.eaSeg, ea(c, i), sz);
    case 'G': return getReg(c, i.reg, sz);
    case 'Z': return getReg(c, i.zreg, sz);
    case 'I': return n === firstImm(i) ? i.imm : i.imm2;
    case 'O': return rd(c, i.seg >= 0 ? i.seg : DS, i.imm, sz);
    case 'fixed':
      switch (op.fixed) {
        case 'AL': return c.regs[EAX] & 0xff;
        case 'CL': return c.regs[ECX] & 0xff;
        case 'DX': return c.regs[EDX] & 0xffff;
        case 'AX': return c.regs[EAX] & 0xffff;
        case 'eAX': return getReg(c, EAX, i.osz);
        case '1': return 1;
      }
  }
  throw new Error(`read of operand kind ${op.kind} in ${i.row.text}`);
}

/** Read operand n that will be written back afterwards: a memory destination is checked for
 *  writability first, so a fault leaves nothing changed (SDM vol. 3 §6.5 fault precision). */
export function readForUpdate(c: Cpu, i: Insn, n: number): number {
  const op = i.row.operands[n];
  if ((op.kind === 'E' && i.mod !== 3) || op.kind === 'O') probeSegWrite(c, memSeg(i, n), memOff(c, i, n), size(i, n));
  return read(c, i, n);
}

export function write(c: Cpu, i: Insn, n: number, v: number): void {
  const op = i.row.operands[n];
  const sz = size(i, n);
  switch (op.kind) {
    case 'E': if (i.mod === 3) setReg(c, i.rm, sz, v); else wr(c, i.eaSeg, ea(c, i), sz, v); return;
    case 'G': setReg(c, i.reg, sz, v); return;
    case 'Z': setReg(c, i.zreg, sz, v); return;
    case 'O': wr(c, i.seg >= 0 ? i.seg : DS, i.imm, sz, v); return;
    case 'fixed':
      switch (op.fixed) {
        case 'AL': setReg(c, EAX, 1, v); return;
        case 'AX': setReg(c, EAX, 2, v); return;
        case 'eAX': setReg(c, EAX, i.osz, v); return;
      }
  }
  throw new Error(`write of operand kind ${op.kind} in ${i.row.text}`);
}

function firstImm(i: Insn): number {
  const ops = i.row.operands;
  for (let k = 0; k < ops.length; k++) if (ops[k].kind === 'I' || ops[k].kind === 'J') return k;
  return -1;
}
