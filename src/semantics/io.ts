// Port I/O (SDM vol. 1 §19.5): IN/OUT need CPL <= IOPL, or every bit for the accessed ports
// clear in the TSS I/O permission bitmap; otherwise #GP(0).
import type { Cpu } from '../cpu/state.ts';
import type { Insn } from '../decode/decoder.ts';
import { IOPL, EAX, EDX } from '../cpu/regs.ts';
import { readLin } from '../cpu/memory.ts';
import { fault, GP } from '../cpu/fault.ts';
import { setReg, size, getReg } from './operands.ts';

export function checkIo(c: Cpu, port: number, sz: number): void {
  if (!(c.cr0 & 1) || c.cpl <= ((c.flags & IOPL) >> 12)) return;
  // 32-bit TSS only (type 9/11): the bitmap base is the word at offset 0x66.
  const type = c.trAttr & 0xf;
  if (type !== 9 && type !== 11) fault(GP, 0);
  const lim = c.trLimit >>> 0;
  if (lim < 0x67) fault(GP, 0);
  const base = readLin(c, (c.trBase + 0x66) | 0, 2, 0);
  const byte = base + (port >>> 3);
  if (byte + 1 > lim) fault(GP, 0);
  const bits = readLin(c, (c.trBase + byte) | 0, 2, 0);
  const mask = ((1 << sz) - 1) << (port & 7);
  if (bits & mask) fault(GP, 0);
}
export function ioRead(c: Cpu, port: number, sz: number): number {
  const v = c.hooks.ioRead ? c.hooks.ioRead(port, sz) : -1;
  return sz === 4 ? v : v & ((1 << (sz * 8)) - 1);
}
export function ioWrite(c: Cpu, port: number, sz: number, v: number): void { c.hooks.ioWrite?.(port, sz, v); }

function port(c: Cpu, i: Insn): number {
  return i.row.operands.some((o) => o.fixed === 'DX') ? c.regs[EDX] & 0xffff : i.imm & 0xff;
}
export function in_(c: Cpu, i: Insn): void {
  const sz = size(i, 0), p = port(c, i);
  checkIo(c, p, sz);
  setReg(c, EAX, sz, ioRead(c, p, sz));
}
export function out(c: Cpu, i: Insn): void {
  const sz = size(i, 1), p = port(c, i);
  checkIo(c, p, sz);
  ioWrite(c, p, sz, getReg(c, EAX, sz));
}
