// Bit test and scan (SDM vol. 2 "BT", "BTS", "BTR", "BTC", "BSF", "BSR"). With a register bit
// offset and a memory operand, the offset is signed and selects a word/dword anywhere relative
// to the effective address (SDM vol. 2 "BT" bit-string addressing).
import type { Cpu } from '../cpu/state.ts';
import type { Insn } from '../decode/decoder.ts';
import { setStatus, materialize } from '../cpu/flags.ts';
import { CF, ZF, OSZAPC } from '../cpu/regs.ts';
import { read, write, size, getReg, setReg, ea } from './operands.ts';
import { rd, wr, probeSegWrite } from '../cpu/memory.ts';

function bitop(c: Cpu, i: Insn, kind: number): void {
  const sz = size(i, 0), bits = sz * 8;
  const srcIsReg = i.row.operands[1].kind === 'G';
  let off = read(c, i, 1);
  if (i.mod === 3 || !srcIsReg) {
    off &= bits - 1;
    const v = i.mod === 3 ? getReg(c, i.rm, sz) : kind === 0 ? rd(c, i.eaSeg, ea(c, i), sz) : (probeSegWrite(c, i.eaSeg, ea(c, i), sz), rd(c, i.eaSeg, ea(c, i), sz));
    finish(c, i, kind, v, off, sz, i.mod === 3 ? -1 : ea(c, i));
    return;
  }
  // Memory bit string: signed offset; address = EA + (offset >> log2(bits)) * size.
  const signed = sz === 2 ? (off << 16) >> 16 : off | 0;
  const delta = Math.floor(signed / bits) * sz;
  let addr = ea(c, i) + delta;
  addr = i.asz === 2 ? addr & 0xffff : addr | 0;
  const bit = ((signed % bits) + bits) % bits;
  if (kind !== 0) probeSegWrite(c, i.eaSeg, addr, sz);
  finish(c, i, kind, rd(c, i.eaSeg, addr, sz), bit, sz, addr);
}

function finish(c: Cpu, i: Insn, kind: number, v: number, bit: number, sz: number, addr: number): void {
  const cf = (v >>> bit) & 1;
  let r = v;
  if (kind === 1) r = v | (1 << bit); else if (kind === 2) r = v & ~(1 << bit); else if (kind === 3) r = v ^ (1 << bit);
  if (kind !== 0) { if (addr < 0 && i.mod === 3) setReg(c, i.rm, sz, r); else wr(c, i.eaSeg, addr, sz, r); }
  // Only CF is defined; the others are undefined and an i686 keeps them, so keep them.
  setStatus(c, CF, cf ? CF : 0);
}

export const bt = (c: Cpu, i: Insn): void => bitop(c, i, 0);
export const bts = (c: Cpu, i: Insn): void => bitop(c, i, 1);
export const btr = (c: Cpu, i: Insn): void => bitop(c, i, 2);
export const btc = (c: Cpu, i: Insn): void => bitop(c, i, 3);

/** BSF/BSR: ZF=1 and the destination unchanged when the source is 0 (the documented
 *  behaviour of every i686; the SDM calls the destination undefined). */
export function bsf(c: Cpu, i: Insn): void {
  const sz = size(i, 0), v = read(c, i, 1) & (sz === 4 ? -1 : 0xffff);
  materialize(c, OSZAPC);
  if (v === 0) { setStatus(c, ZF, ZF); return; }
  write(c, i, 0, 31 - Math.clz32(v & -v));
  setStatus(c, ZF, 0);
}
export function bsr(c: Cpu, i: Insn): void {
  const sz = size(i, 0), v = read(c, i, 1) & (sz === 4 ? -1 : 0xffff);
  materialize(c, OSZAPC);
  if (v === 0) { setStatus(c, ZF, ZF); return; }
  write(c, i, 0, 31 - Math.clz32(v));
  setStatus(c, ZF, 0);
}
