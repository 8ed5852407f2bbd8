// Semantics dispatch: one executor per table row, found by the row's semantic name. Generic
// families (binary ALU ops, unary ops, shifts) get their operand loads and write-back here;
// the rest are whole-instruction functions.
import type { Cpu } from '../cpu/state.ts';
import type { Insn } from '../decode/decoder.ts';
import { ROWS, T_NOWB, type Row } from '../decode/rows.ts';
import { BINOPS, UNOPS } from './alu.ts';
import { shift, shiftDouble } from './shift.ts';
import { read, readForUpdate, write, size, ea, getReg, setReg, readRm } from './operands.ts';
import { rd, wr, probeSegWrite } from '../cpu/memory.ts';
import { OK_E, OK_G, OK_I, OK_Z, OK_AL, OK_EAX, OK_CL, OK_ONE } from '../decode/rows.ts';
import { EAX, ECX } from '../cpu/regs.ts';
import * as data from './data.ts';
import * as stack from './stack.ts';
import * as control from './control.ts';
import * as str from './string.ts';
import * as io from './io.ts';
import * as muldiv from './muldiv.ts';
import * as bcd from './bcd.ts';
import * as bit from './bit.ts';
import * as flagops from './flagops.ts';
import * as system from './system.ts';
import * as seg from './segments.ts';

export type Exec = (c: Cpu, i: Insn) => void;

type BinFn = (c: Cpu, a: number, b: number, sz: number) => number;
function binop(fn: BinFn, writeBack: boolean, row: Row): Exec {
  return binopByKinds(fn, writeBack, row) ?? binopGeneric(fn, writeBack);
}
// The common operand forms (r/m,reg  reg,r/m  r/m,imm), with the operand access written out:
// the first tier runs every instruction through these, and the generic access decides the
// operand kinds at run time and computes a memory operand's address three times. Same order
// of accesses as the generic path: the destination's writability is probed before the read.
function binopByKinds(fn: BinFn, writeBack: boolean, row: Row): Exec | null {
  const [k0, k1] = row.kinds;
  if (row.kinds.length !== 2 || (k1 !== OK_I && row.sizes[0] !== row.sizes[1])) return null;
  if (k0 === OK_E && (k1 === OK_G || k1 === OK_I)) {
    const fromReg = k1 === OK_G;
    return (c, i) => {
      const sz = size(i, 0), b = fromReg ? getReg(c, i.reg, sz) : i.imm;
      if (i.mod === 3) { const r = fn(c, getReg(c, i.rm, sz), b, sz); if (writeBack) setReg(c, i.rm, sz, r); return; }
      const off = ea(c, i), seg = i.eaSeg;
      if (writeBack) { probeSegWrite(c, seg, off, sz); wr(c, seg, off, sz, fn(c, rd(c, seg, off, sz), b, sz)); } else fn(c, rd(c, seg, off, sz), b, sz);
    };
  }
  if (k0 === OK_G && k1 === OK_E) {
    return (c, i) => {
      const sz = size(i, 0), a = getReg(c, i.reg, sz);
      const r = fn(c, a, readRm(c, i, sz), sz);
      if (writeBack) setReg(c, i.reg, sz, r);
    };
  }
  // The accumulator forms (AL or eAX with an immediate: `add eax, imm32` is the short encoding
  // assemblers and compilers choose): the register operand is AL or (E)AX at the row's size.
  if ((k0 === OK_AL || k0 === OK_EAX) && k1 === OK_I) {
    return (c, i) => {
      const sz = size(i, 0), r = fn(c, getReg(c, EAX, sz), i.imm, sz);
      if (writeBack) setReg(c, EAX, sz, r);
    };
  }
  return null;
}
/** MOV between a register and a register or memory, or from an immediate (same order of
 *  accesses as the generic path). */
function movByKinds(row: Row): Exec | null {
  const [k0, k1] = row.kinds;
  if (row.sem !== 'mov' || row.kinds.length !== 2 || (k1 !== OK_I && row.sizes[0] !== row.sizes[1])) return null;
  if (k0 === OK_E && (k1 === OK_G || k1 === OK_I)) {
    const fromReg = k1 === OK_G;
    return (c, i) => {
      const sz = size(i, 0), v = fromReg ? getReg(c, i.reg, sz) : i.imm;
      if (i.mod === 3) setReg(c, i.rm, sz, v); else wr(c, i.eaSeg, ea(c, i), sz, v);
    };
  }
  if (k0 === OK_G && k1 === OK_E) return (c, i) => { const sz = size(i, 0); setReg(c, i.reg, sz, readRm(c, i, sz)); };
  if (k0 === OK_Z && k1 === OK_I) return (c, i) => { setReg(c, i.zreg, size(i, 0), i.imm); };
  return null;
}
/** IMUL Gv,Ev,I (three operands) and IMUL Gv,Ev (0F AF) with the r/m operand's read written
 *  out (compilers' multiplications by constants and of two values). */
function imulByKinds(row: Row): Exec | null {
  const [k0, k1, k2] = row.kinds;
  if (k0 !== OK_G || k1 !== OK_E || row.sizes[0] !== row.sizes[1]) return null;
  if (row.sem === 'imul' && row.kinds.length === 3 && k2 === OK_I && row.immAt === 2) {
    return (c, i) => {
      const sz = size(i, 0);
      setReg(c, i.reg, sz, muldiv.imulTrunc(c, readRm(c, i, sz), i.imm, sz));
    };
  }
  if (row.sem === 'imul2' && row.kinds.length === 2) {
    return (c, i) => {
      const sz = size(i, 0);
      setReg(c, i.reg, sz, muldiv.imulTrunc(c, getReg(c, i.reg, sz), readRm(c, i, sz), sz));
    };
  }
  return null;
}
/** PUSH of a register (+r) or an immediate, and POP into a register (+r): the common stack
 *  forms, without the operand-kind tests of stack.ts's push and pop (which keep the segment
 *  register and r/m forms). Same order: PUSH reads its operand before ESP moves (PUSH ESP
 *  pushes the old value); POP reads the top of the stack, then moves ESP, then writes. */
function stackByKinds(row: Row): Exec | null {
  if (row.kinds.length !== 1) return null;
  const k = row.kinds[0];
  if (row.sem === 'push' && k === OK_Z) return (c, i) => { stack.pushValue(c, getReg(c, i.zreg, i.osz), i.osz); };
  if (row.sem === 'push' && k === OK_I) return (c, i) => { stack.pushValue(c, i.imm, i.osz); };
  if (row.sem === 'pop' && k === OK_Z) {
    return (c, i) => {
      const sz = i.osz, v = stack.peek(c, sz);
      stack.setSp(c, stack.spAdd(c, sz));
      setReg(c, i.zreg, sz, v);
    };
  }
  return null;
}
function binopGeneric(fn: BinFn, writeBack: boolean): Exec {
  if (!writeBack) return (c, i) => { fn(c, read(c, i, 0), read(c, i, 1), size(i, 0)); };
  return (c, i) => {
    const a = readForUpdate(c, i, 0);
    write(c, i, 0, fn(c, a, read(c, i, 1), size(i, 0)));
  };
}
type UnFn = (c: Cpu, a: number, sz: number) => number;
function unop(fn: UnFn, row: Row): Exec {
  return unopByKinds(fn, row) ?? ((c, i) => { write(c, i, 0, fn(c, readForUpdate(c, i, 0), size(i, 0))); });
}
/** INC/DEC/NEG/NOT of a register (+r) or r/m with the operand access written out, in the
 *  generic path's order (a memory destination probed for writing before it is read). */
function unopByKinds(fn: UnFn, row: Row): Exec | null {
  if (row.kinds.length !== 1) return null;
  if (row.kinds[0] === OK_Z) return (c, i) => { const sz = size(i, 0); setReg(c, i.zreg, sz, fn(c, getReg(c, i.zreg, sz), sz)); };
  if (row.kinds[0] !== OK_E) return null;
  return (c, i) => {
    const sz = size(i, 0);
    if (i.mod === 3) { setReg(c, i.rm, sz, fn(c, getReg(c, i.rm, sz), sz)); return; }
    const off = ea(c, i), seg = i.eaSeg;
    probeSegWrite(c, seg, off, sz);
    wr(c, seg, off, sz, fn(c, rd(c, seg, off, sz), sz));
  };
}
const shiftExec: Exec = (c, i) => {
  const a = readForUpdate(c, i, 0);
  write(c, i, 0, shift(c, i.reg, a, read(c, i, 1), size(i, 0)));
};
/** A shift or rotate of r/m by an immediate, by CL or by 1 (every shift row), with the operand
 *  access written out as binopByKinds does: the destination's writability probed before the
 *  read, as readForUpdate does. */
function shiftByKinds(row: Row): Exec {
  const [k0, k1] = row.kinds;
  if (row.kinds.length !== 2 || k0 !== OK_E || (k1 !== OK_I && k1 !== OK_CL && k1 !== OK_ONE) || (k1 === OK_I && row.immAt !== 1)) return shiftExec;
  return (c, i) => {
    const sz = size(i, 0), n = k1 === OK_I ? i.imm : k1 === OK_CL ? c.regs[ECX] & 0xff : 1;
    if (i.mod === 3) { setReg(c, i.rm, sz, shift(c, i.reg, getReg(c, i.rm, sz), n, sz)); return; }
    const off = ea(c, i), seg = i.eaSeg;
    probeSegWrite(c, seg, off, sz);
    wr(c, seg, off, sz, shift(c, i.reg, rd(c, seg, off, sz), n, sz));
  };
}
const shiftdExec: Exec = (c, i) => {
  const a = readForUpdate(c, i, 0);
  const left = (i.row.bytes[1] & 0xf8) === 0xa0;
  write(c, i, 0, shiftDouble(c, left, a, read(c, i, 1), read(c, i, 2), size(i, 0)));
};

const NAMED: Record<string, Exec> = {
  ...(data as unknown as Record<string, Exec>),
  ...(stack as unknown as Record<string, Exec>),
  ...(control as unknown as Record<string, Exec>),
  ...(muldiv as unknown as Record<string, Exec>),
  ...(bcd as unknown as Record<string, Exec>),
  ...(bit as unknown as Record<string, Exec>),
  ...(flagops as unknown as Record<string, Exec>),
  ...(system as unknown as Record<string, Exec>),
  ...(seg as unknown as Record<string, Exec>),
  movs: str.movs, cmps: str.cmps, scas: str.scas, lods: str.lods, stos: str.stos, ins: str.ins, outs: str.outs,
  in: io.in_, out: io.out, undefined: control.undefined_,
  shift: shiftExec, shiftd: shiftdExec,
  cbw: data.cwde, cwde: data.cwde, cwd: data.cdq, cdq: data.cdq, jcxz: control.jecxz,
  pushaw: stack.pusha, popaw: stack.popa, pushfw: stack.pushf, popfw: stack.popf, iretw: seg.iret,
};

export function execFor(row: Row): Exec {
  const name = row.sem;
  if (name in BINOPS) return binop(BINOPS[name], !(row.traits & T_NOWB), row);
  const m = movByKinds(row);
  if (m) return m;
  if (name in UNOPS) return unop(UNOPS[name], row);
  if (name === 'shift') return shiftByKinds(row);
  const im = imulByKinds(row) ?? stackByKinds(row);
  if (im) return im;
  const f = NAMED[name];
  if (typeof f !== 'function') throw new Error(`no semantics for ${name} (${row.text})`);
  return f;
}

/** Executors indexed by row index; built once, checked complete at load time. */
export const EXEC: Exec[] = ROWS.map(execFor);

/** Semantics that raise no exception when none of their operands is in memory: the JIT need
 *  not record EIP before them (precise state only matters where a fault can happen). */
export const NO_FAULT_WITHOUT_MEMORY = new Set([
  'add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp', 'test', 'inc', 'dec', 'neg', 'not',
  'mov', 'movzx', 'movsx', 'lea', 'xchg', 'xadd', 'cmpxchg', 'shift', 'shiftd', 'setcc', 'cmovcc',
  'bswap', 'cwde', 'cdq', 'lahf', 'sahf', 'nop', 'hintnop', 'clc', 'stc', 'cmc', 'cld', 'std',
  'bt', 'bts', 'btr', 'btc', 'bsf', 'bsr', 'imul', 'imul2', 'imul1', 'mul', 'daa', 'das', 'aaa',
  'aas', 'aad', 'salc', 'fwait_never',
]);
