// Regions: the hot blocks of one code page (same physical page, linear page and mode) compiled
// into one function, `for (;;) switch (EIP - page) { case <block>: ... }`, so a loop that spans
// several blocks runs inside one JavaScript function that V8 optimizes as a loop, instead of
// returning to the dispatch loop at every block end (QEMU chains translated blocks directly,
// v86 compiles a hot page into one WebAssembly function with a dispatch switch; this is the
// latter). Each member retires its own instructions into c.icount, so the region itself returns
// 0; it goes on to the member at the new EIP while that is one of its members, no interrupt is
// requested, the CPU is not stopped and the run's budget is not used up, and returns to the
// dispatch loop otherwise. A member whose last instruction may change the state the members
// were translated under (far transfers, software interrupts, mode changes: not a near jump,
// call or return) always returns. A fault unwinds through the region's catch, which records
// the member that was running so the dispatch loop can count its retired instructions.
import type { Insn } from '../src/decode/decoder.ts';
import { OSZAPC } from '../src/cpu/regs.ts';
import { emitBlock, mayFault, mayStore, setsEip, hex, type EmitOptions } from './emit.ts';
import { flagsLiveIn } from './liveness.ts';
import { ACCESS_PROLOGUE } from './memory-access.ts';
import { localizeChunk, withLocals } from './locals.ts';

export interface RegionMember {
  eip: number;
  insns: Insn[];
  /** Leave the region after this member. */
  exit: boolean;
}

/** Most guest instructions one region holds: V8 optimizes no function whose bytecode exceeds
 *  ~60 KB, and generated code is ~20-40 bytes of bytecode per instruction. */
export const MAX_REGION_INSNS = 400;

/** The direct successors of a member (EIPs), or null when they are not all known. */
export function successors(m: RegionMember): number[] | null {
  const last = m.insns[m.insns.length - 1], next = (last.eip + last.len) | 0;
  if (m.exit) return null;
  if (!setsEip(last)) return [next];
  const direct = last.osz === 4 && last.row.operands[0]?.kind === 'J';
  if (!direct) return null;
  const target = (next + last.imm) | 0;
  switch (last.row.sem) {
    case 'jcc': return [target, next];
    case 'jmp': case 'call': return [target];
    default: return null;
  }
}

/** Status flags live after each member: the union of what its successors in the region may
 *  read first; all of them when a successor is outside the region or not known. A fixed
 *  point from "nothing live", which only grows. */
export function regionLiveOut(members: RegionMember[]): number[] {
  const index = new Map<number, number>();
  members.forEach((m, j) => index.set(m.eip | 0, j));
  const succ = members.map((m) => {
    const s = successors(m);
    if (s === null) return null;
    const js = s.map((e) => index.get(e | 0));
    return js.every((j) => j !== undefined) ? (js as number[]) : null;
  });
  const liveIn = members.map(() => 0), liveOut = members.map(() => 0);
  for (let changed = true; changed;) {
    changed = false;
    for (let j = members.length - 1; j >= 0; j--) {
      const s = succ[j];
      liveOut[j] = s === null ? OSZAPC : s.reduce((a, k) => a | liveIn[k], 0);
      const li = flagsLiveIn(members[j].insns, mayFault, mayStore, liveOut[j]);
      if (li !== liveIn[j]) { liveIn[j] = li; changed = true; }
    }
  }
  return liveOut;
}

/** The body of a region function (same parameters as a block's; E and I are the members'
 *  instructions concatenated in member order; B is the block the dispatch loop entered by,
 *  whose `region` the catch reports to through H.rfault). `page` is the members' linear page
 *  base. */
export function emitRegion(members: RegionMember[], page: number, opts: EmitOptions): string {
  const liveOut = regionLiveOut(members);
  const out: string[] = ['for (;;) {', localizeChunk(`switch ((c.eip - ${hex(page)}|0)|0) {`)];
  let offset = 0;
  members.forEach((m, index) => {
    const body = emitBlock(m.insns, opts, { index, offset, exit: m.exit, liveOut: liveOut[index] });
    out.push(`case ${(m.eip - page) | 0}: {`, `j = ${index};`, body, '}');
    offset += m.insns.length;
  });
  // q: an interrupt request or a stop (locals.ts); le: the run's budget end.
  out.push(localizeChunk('default: return 0;'), '}', localizeChunk('if (q || c.icount >= le) return 0;'), '}');
  return `${ACCESS_PROLOGUE}\nlet j = 0;\n${withLocals(out.join('\n'), 'H.rfault(B, j); ')}`;
}
