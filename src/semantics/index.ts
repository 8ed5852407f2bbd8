// Semantics dispatch: one executor per table row, found by the row's semantic name. Generic
// families (binary ALU ops, unary ops, shifts) get their operand loads and write-back here;
// the rest are whole-instruction functions.
import type { Cpu } from '../cpu/state.ts';
import type { Insn } from '../decode/decoder.ts';
import { ROWS, T_NOWB, type Row } from '../decode/rows.ts';
import { BINOPS, UNOPS } from './alu.ts';
import { shift, shiftDouble } from './shift.ts';
import { read, readForUpdate, write, size } from './operands.ts';
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

function binop(fn: (c: Cpu, a: number, b: number, sz: number) => number, writeBack: boolean): Exec {
  if (!writeBack) return (c, i) => { fn(c, read(c, i, 0), read(c, i, 1), size(i, 0)); };
  return (c, i) => {
    const a = readForUpdate(c, i, 0);
    write(c, i, 0, fn(c, a, read(c, i, 1), size(i, 0)));
  };
}
function unop(fn: (c: Cpu, a: number, sz: number) => number): Exec {
  return (c, i) => { write(c, i, 0, fn(c, readForUpdate(c, i, 0), size(i, 0))); };
}
const shiftExec: Exec = (c, i) => {
  const a = readForUpdate(c, i, 0);
  write(c, i, 0, shift(c, i.reg, a, read(c, i, 1), size(i, 0)));
};
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
  if (name in BINOPS) return binop(BINOPS[name], !(row.traits & T_NOWB));
  if (name in UNOPS) return unop(UNOPS[name]);
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
