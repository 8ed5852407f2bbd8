// What the SDM leaves undefined beyond a row's static u: flags: the rules that depend on
// operand values (shift counts, operand sizes). Used when comparing against real CPUs, whose
// undefined results differ between vendors and generations.
import type { Insn } from '../decode/decoder.ts';
import { OF, CF, AF, OSZAPC } from '../cpu/regs.ts';
import { opSize } from '../decode/rows.ts';

export interface Undefined {
  /** Flags whose value is undefined for this execution. */
  flags: number;
  /** The destination operand's value is undefined. */
  dest: boolean;
}

/** `count` is the raw count operand (CL or imm8) when the row is a shift, else ignored. */
export function undefinedFor(i: Insn, count: number): Undefined {
  const row = i.row;
  let flags = row.fundef, dest = false;
  const sem = row.sem;
  if (sem === 'shift' || sem === 'shiftd') {
    const bits = opSize(row.operands[0].size, i.osz) * 8;
    const n = count & 31;
    if (n === 0) return { flags: 0, dest: false };
    if (n !== 1) flags |= OF;
    const op = i.reg;
    if (sem === 'shift') {
      // SHL/SHR/SAL/SAR: CF undefined when the count is at least the operand size.
      if (op >= 4 && n >= bits) flags |= CF;
      if (op >= 4) flags |= AF;
    } else {
      flags |= AF;
      if (n > bits) { flags |= OSZAPC; dest = true; }
    }
  }
  return { flags, dest };
}
