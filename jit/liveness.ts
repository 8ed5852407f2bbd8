// Status-flag liveness inside a block, from the table's flag facts: an inline emitter may skip
// recording flags that a later instruction overwrites before anything reads them. A flag is
// live wherever a fault could happen (the guest must see exact flags in its handler), at the
// block's end, before instructions that may leave flags unchanged (shifts by a count that
// may be 0), and after an instruction that may store: a store into translated code ends the
// block there, and the code that runs next may be new.
import type { Insn } from '../src/decode/decoder.ts';
import { OSZAPC } from '../src/cpu/regs.ts';
import { T_REP, T_REPCC } from '../src/decode/rows.ts';

/** Flags that may leave an instruction unchanged even though the row writes them. */
const CONDITIONAL_WRITERS = new Set(['shift', 'shiftd']);
/** Rows whose undefined flags (SDM: AND/OR/XOR/TEST leave AF undefined) the semantics and the
 *  inline emitters nonetheless both set, from the same lazy record (alu.ts: AF = 0): they kill
 *  every status flag, so an INC before them need not make CF concrete. */
const DEFINES_UNDEFINED = new Set(['and', 'or', 'xor', 'test']);

/** liveAfter[k]: status flags that may be read after instruction k; `liveOut`: those that may
 *  be read after the block (all of them unless the caller knows its successors). */
export function flagLiveness(insns: Insn[], mayFault: (i: Insn) => boolean, mayStore: (i: Insn) => boolean = () => false, liveOut = OSZAPC): number[] {
  return walkBack(insns, mayFault, mayStore, liveOut).live;
}

/** Status flags that may be read before the block's first instruction, given `liveOut`. */
export function flagsLiveIn(insns: Insn[], mayFault: (i: Insn) => boolean, mayStore: (i: Insn) => boolean, liveOut: number): number {
  return walkBack(insns, mayFault, mayStore, liveOut).liveIn;
}

function walkBack(insns: Insn[], mayFault: (i: Insn) => boolean, mayStore: (i: Insn) => boolean, liveOut: number): { live: number[]; liveIn: number } {
  const live = new Array<number>(insns.length);
  let l = liveOut;
  for (let k = insns.length - 1; k >= 0; k--) {
    const i = insns[k], row = i.row;
    if (mayStore(i)) l = OSZAPC;
    live[k] = l;
    const conditional = CONDITIONAL_WRITERS.has(row.sem) || (row.traits & (T_REP | T_REPCC)) !== 0;
    const kill = conditional ? 0 : (row.fwrite | (DEFINES_UNDEFINED.has(row.sem) ? row.fundef : 0)) & OSZAPC;
    let read = row.fread & OSZAPC;
    if (mayFault(i)) read = OSZAPC;
    l = (l & ~kill) | read;
  }
  return { live, liveIn: l };
}
