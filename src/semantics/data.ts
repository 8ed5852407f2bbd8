// Data movement and conversion (SDM vol. 2: MOV MOVZX MOVSX LEA XCHG XADD CMPXCHG CMPXCHG8B
// BSWAP CBW/CWDE CWD/CDQ XLAT LAHF SAHF SETcc CMOVcc SALC NOP).
import type { Cpu } from '../cpu/state.ts';
import type { Insn } from '../decode/decoder.ts';
import { getFlags, setStatus, testCC, getCF, sizeMask } from '../cpu/flags.ts';
import { add, sub } from './alu.ts';
import { CF, PF, AF, ZF, SF, EAX, EBX, ECX, EDX, DS } from '../cpu/regs.ts';
import { read, readForUpdate, write, size, ea, getReg, setReg, readRm } from './operands.ts';
import { rd, wr, rd8, probeSegWrite } from '../cpu/memory.ts';

export function mov(c: Cpu, i: Insn): void { write(c, i, 0, read(c, i, 1)); }
// MOVZX/MOVSX (Gv,Eb and Gv,Ew) and LEA (Gv,M) have one operand form each: the access is
// written out rather than switched on operand kinds (the first tier runs every instruction
// through these).
export function movzx(c: Cpu, i: Insn): void {
  const s = size(i, 1);
  setReg(c, i.reg, size(i, 0), readRm(c, i, s));
}
export function movsx(c: Cpu, i: Insn): void {
  const s = size(i, 1), v = readRm(c, i, s);
  setReg(c, i.reg, size(i, 0), s === 1 ? (v << 24) >> 24 : (v << 16) >> 16);
}
export function lea(c: Cpu, i: Insn): void { setReg(c, i.reg, size(i, 0), ea(c, i)); }

export function xchg(c: Cpu, i: Insn): void {
  const a = readForUpdate(c, i, 0), b = read(c, i, 1);
  write(c, i, 0, b); write(c, i, 1, a);
}
export function xadd(c: Cpu, i: Insn): void {
  const sz = size(i, 0), a = readForUpdate(c, i, 0), b = read(c, i, 1);
  const r = add(c, a, b, sz);
  // SRC <- DEST then DEST <- TEMP (SDM vol. 2 "XADD"), so with one register for both the sum
  // wins; with a memory destination store it first, since the source register may be part of
  // its address.
  if (i.mod === 3) { write(c, i, 1, a); write(c, i, 0, r); } else { write(c, i, 0, r); write(c, i, 1, a); }
}
/** CMPXCHG always writes its destination (the old value back on mismatch), SDM vol. 2. */
export function cmpxchg(c: Cpu, i: Insn): void {
  const sz = size(i, 0), d = readForUpdate(c, i, 0), acc = getReg(c, EAX, sz);
  sub(c, acc, d, sz);
  if (acc === d) write(c, i, 0, read(c, i, 1));
  else { write(c, i, 0, d); setReg(c, EAX, sz, d); }
}
export function cmpxchg8b(c: Cpu, i: Insn): void {
  const off = ea(c, i), seg = i.eaSeg;
  probeSegWrite(c, seg, off, 8);
  const lo = rd(c, seg, off, 4), hi = rd(c, seg, (off + 4) | 0, 4);
  if (lo === c.regs[EAX] && hi === c.regs[EDX]) {
    wr(c, seg, off, 4, c.regs[EBX]); wr(c, seg, (off + 4) | 0, 4, c.regs[ECX]);
    setStatus(c, ZF, ZF);
  } else {
    wr(c, seg, off, 4, lo); wr(c, seg, (off + 4) | 0, 4, hi);
    c.regs[EAX] = lo; c.regs[EDX] = hi;
    setStatus(c, ZF, 0);
  }
}
/** BSWAP with a 16-bit operand is undefined; i686 parts clear the low word. */
export function bswap(c: Cpu, i: Insn): void {
  const v = c.regs[i.zreg];
  if (i.osz === 2) { setReg(c, i.zreg, 2, 0); return; }
  c.regs[i.zreg] = ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
}
export function cwde(c: Cpu, i: Insn): void {
  if (i.osz === 2) setReg(c, EAX, 2, (c.regs[EAX] << 24) >> 24);
  else c.regs[EAX] = (c.regs[EAX] << 16) >> 16;
}
export function cdq(c: Cpu, i: Insn): void {
  if (i.osz === 2) setReg(c, EDX, 2, (c.regs[EAX] << 16) >> 31);
  else c.regs[EDX] = c.regs[EAX] >> 31;
}
export function xlat(c: Cpu, i: Insn): void {
  const off = i.asz === 2 ? (c.regs[EBX] + (c.regs[EAX] & 0xff)) & 0xffff : (c.regs[EBX] + (c.regs[EAX] & 0xff)) | 0;
  setReg(c, EAX, 1, rd8(c, i.seg >= 0 ? i.seg : DS, off));
}
/** LAHF: AH = SF:ZF:0:AF:0:PF:1:CF (SDM vol. 2 "LAHF"). */
export function lahf(c: Cpu): void { setAH(c, (getFlags(c) & 0xd5) | 2); }
function setAH(c: Cpu, v: number): void { c.regs[EAX] = (c.regs[EAX] & ~0xff00) | ((v & 0xff) << 8); }
export function sahf(c: Cpu): void {
  setStatus(c, SF | ZF | AF | PF | CF, (c.regs[EAX] >> 8) & 0xd5);
}
export function setcc(c: Cpu, i: Insn): void { write(c, i, 0, testCC(c, i.row.cc) ? 1 : 0); }
/** CMOVcc reads its source even when the condition is false (a memory fault still happens), and
 *  a 32-bit destination register is written (zero-extended) in both cases only on 64-bit CPUs:
 *  in 32-bit mode a false condition leaves the destination untouched. */
export function cmovcc(c: Cpu, i: Insn): void {
  const v = read(c, i, 1);
  if (testCC(c, i.row.cc)) write(c, i, 0, v);
}
export function salc(c: Cpu): void { setReg(c, EAX, 1, getCF(c) ? 0xff : 0); }
export function nop(): void { /* nothing */ }
/** Hint NOPs (0F 1F /0 NOP Ev, PREFETCHh): no memory access, no fault (SDM vol. 2 "NOP"). */
export function hintnop(): void { /* nothing */ }
void sizeMask;
