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
// Transitions that need not pass the switch: round a loop of members (memberLoops), and into the
// next case where a member's direct successor is laid out after it (memberLayout).
import type { Insn } from '../src/decode/decoder.ts';
import { OSZAPC } from '../src/cpu/regs.ts';
import { emitBlock, mayFault, mayStore, setsEip, selfLoop, hex, type EmitOptions } from './emit.ts';
import { flagsLiveIn } from './liveness.ts';
import { ACCESS_PROLOGUE } from './memory-access.ts';
import { localizeChunk, withLocals } from './locals.ts';

export interface RegionMember {
  eip: number;
  insns: Insn[];
  /** Leave the region after this member. */
  exit: boolean;
  /** How often the member ran before the region was built (its layout favours hotter ones). */
  runs?: number;
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

/** Each member's direct successors that are members (indices; null when not all are known). */
function memberSuccessors(members: RegionMember[]): (number[] | null)[] {
  const index = new Map<number, number>();
  members.forEach((m, j) => index.set(m.eip | 0, j));
  return members.map((m) => {
    const s = successors(m);
    return s === null ? null : s.map((e) => index.get(e | 0)).filter((j) => j !== undefined) as number[];
  });
}

/** Most instructions one loop of members may hold, and most a region's loops may hold together:
 *  a loop's members are emitted a second time (MAX_REGION_INSNS is about V8's limits). */
export const MAX_LOOP_INSNS = 64, MAX_LOOP_COPIES = 160;

/** Loops of members, each from its head round to the member that branches back to it. Heads
 *  are the targets of the back edges of a depth-first walk over the members' direct
 *  successors; each head's loop is its shortest cycle (the innermost loop through it), and
 *  shorter loops are taken first while the copy budget lasts. A member that leaves the region
 *  or loops on itself is in no loop. */
export function memberLoops(members: RegionMember[]): number[][] {
  const n = members.length, succ = memberSuccessors(members);
  // (A cycle through a CALL is recursion, not a loop: it goes round once per call depth.)
  const eligible = members.map((m) => !m.exit && !selfLoop(m.insns) && !/^call/.test(m.insns[m.insns.length - 1].row.sem));
  // Back-edge targets.
  const state = new Uint8Array(n), heads = new Set<number>();
  const visit = (u: number): void => {
    state[u] = 1;
    for (const w of succ[u] ?? []) {
      if (state[w] === 0) visit(w);
      else if (state[w] === 1 && w !== u) heads.add(w);
    }
    state[u] = 2;
  };
  for (let j = 0; j < n; j++) if (state[j] === 0) visit(j);
  // Each head's shortest cycle through eligible members (breadth first).
  const loops: number[][] = [];
  for (const h of heads) {
    if (!eligible[h]) continue;
    const from = new Int32Array(n).fill(-1), queue = [h];
    let last = -1;
    for (let q = 0; q < queue.length && last < 0; q++) {
      const u = queue[q];
      for (const w of succ[u] ?? []) {
        if (w === h && u !== h) { last = u; break; }
        if (w !== h && from[w] < 0 && eligible[w]) { from[w] = u; queue.push(w); }
      }
    }
    if (last < 0) continue;
    const loop = [last];
    while (loop[0] !== h) loop.unshift(from[loop[0]]);
    loops.push(loop);
  }
  const size = (l: number[]): number => l.reduce((a, j) => a + members[j].insns.length, 0);
  loops.sort((x, y) => size(x) - size(y));
  let copies = 0;
  return loops.filter((l) => {
    const k = size(l);
    if (k > MAX_LOOP_INSNS || copies + k > MAX_LOOP_COPIES) return false;
    copies += k; return true;
  });
}

/** The order of the members' cases in the region's switch, and for each member the member whose
 *  case follows its own when it may go straight on into it (-1: none). A member that goes on
 *  into the next case passes neither the switch's jump table nor the loop head, where TurboFan
 *  moves every local the members share through its stack slots (recursion's region: ~20% of
 *  its samples there). A member falls into one of its direct successors: for a Jcc the
 *  backward target (a loop going round) or else the instruction after it, for a JMP or CALL
 *  its target, else the next instruction; the other successor if that one is taken. A member
 *  that leaves the region, loops on itself or heads a loop of members (its case ends in
 *  `break`) falls into none; each member is fallen into from one member at most, and chains
 *  never close into a cycle. Chains are laid out from their first member, in member order. */
export function memberLayout(members: RegionMember[], heads: ReadonlySet<number>): { order: number[]; fall: number[] } {
  const n = members.length, succ = memberSuccessors(members);
  const fall = new Array<number>(n).fill(-1), from = new Array<number>(n).fill(-1);
  // The first member of each member's chain (a chain is entered only at its first member).
  const first = members.map((_, j) => j);
  // Hotter members choose first (a CALL's target is fallen into from the call site that ran it
  // most, not from one that ran once).
  const byRuns = members.map((_, j) => j).sort((x, y) => (members[y].runs ?? 0) - (members[x].runs ?? 0) || x - y);
  for (const j of byRuns) {
    const m = members[j], s = succ[j];
    if (m.exit || heads.has(j) || selfLoop(m.insns) || s === null) continue;
    // A backward successor first (a Jcc's loop going round), then the nearest forward one (a
    // Jcc's next instruction before its target).
    const at = m.insns[m.insns.length - 1].eip | 0, back = (k: number): boolean => (members[k].eip | 0) <= at;
    const prefer = [...s].sort((x, y) => Number(back(y)) - Number(back(x)) || (members[x].eip | 0) - (members[y].eip | 0));
    for (const k of prefer) {
      if (k === j || from[k] >= 0 || k !== first[k] || first[j] === k) continue;
      fall[j] = k; from[k] = j;
      // k's chain now starts where j's does.
      for (let x = k; x >= 0; x = fall[x]) first[x] = first[j];
      break;
    }
  }
  const order: number[] = [];
  for (let j = 0; j < n; j++) if (from[j] < 0) for (let x = j; x >= 0; x = fall[x]) order.push(x);
  return { order, fall };
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

/** The spread of a region switch's cases (last - first) stays under this many times their count
 *  (emitRegion; V8's bytecode jump table needs under 3). */
export const SWITCH_SPREAD = 2.5;

/** The body of a region function (same parameters as a block's; E and I are the members'
 *  instructions concatenated in member order; B is the block the dispatch loop entered by,
 *  whose `region` the catch reports to through H.rfault). `page` is the members' linear page
 *  base. */
export function emitRegion(members: RegionMember[], page: number, opts: EmitOptions): string {
  const liveOut = regionLiveOut(members);
  const out: string[] = ['for (;;) {', localizeChunk(`switch ((c.eip - ${hex(page)}|0)|0) {`)];
  const offsets: number[] = [];
  members.reduce((o, m) => { offsets.push(o); return o + m.insns.length; }, 0);
  // A loop's head enters the loop: its members' code one after the other inside `for (;;)`,
  // so that going round does not pass through the switch.
  const loopAt = new Map<number, number[]>();
  for (const l of memberLoops(members)) loopAt.set(l[0], l);
  const { order, fall } = memberLayout(members, new Set(loopAt.keys()));
  for (const index of order) {
    const m = members[index];
    const loop = loopAt.get(index);
    out.push(`case ${(m.eip - page) | 0}: {`);
    if (loop === undefined) {
      // Going on into the next case is a member loop's chaining without the loop: the same
      // checks, then no `break`.
      const chain = fall[index] >= 0 ? members[fall[index]].eip : undefined;
      out.push(`j = ${index};`, emitBlock(m.insns, opts, { index, offset: offsets[index], exit: m.exit, liveOut: liveOut[index], chain }));
    } else {
      out.push('for (;;) {');
      loop.forEach((x, k) => {
        const chain = members[loop[(k + 1) % loop.length]].eip;
        out.push(`j = ${x};`, emitBlock(members[x].insns, opts, { index: x, offset: offsets[x], exit: false, liveOut: liveOut[x], chain }));
      });
      out.push('}', 'break;');
    }
    out.push('}');
  }
  // Offsets between the members' first and last that no member starts at get cases that leave
  // with the default, as many as make the spread of the cases (last - first) under
  // SWITCH_SPREAD times their count. Both of V8's tiers then dispatch through a table: its
  // bytecode generator emits SwitchOnSmiNoFeedback only for a spread under 3 times the count
  // of cases (V8's --switch-table-spread-threshold; at least 6 cases), and TurboFan's
  // instruction selector weighs a table of the value range against a binary search of
  // compares. With the members' offsets alone (a few in a few hundred) TurboFan chose the
  // search, and with a fifth of the range filled (as
  // before) the bytecode compared the value with every case in turn: each pass through the
  // switch of a region not yet optimized, and every exit, cost one comparison per case
  // (GRUB's boot, perf: the baseline tier's StrictEqual the busiest builtin). Not a label for
  // every offset: that made GRUB's boot 15 % slower (its regions span whole pages).
  const starts = new Set(members.map((m) => (m.eip - page) | 0));
  const lo = Math.min(...starts), hi = Math.max(...starts), gaps: string[] = [];
  for (let k = lo + 1, need = Math.max(Math.floor((hi - lo) / SWITCH_SPREAD) + 2, 6) - starts.size; k < hi && gaps.length < need; k++) if (!starts.has(k)) gaps.push(`case ${k}:`);
  // q: an interrupt request or a stop (locals.ts); le: the run's budget end.
  out.push(gaps.join(' '), localizeChunk('default: return 0;'), '}', localizeChunk('if (q || c.icount >= le) return 0;'), '}');
  return `${ACCESS_PROLOGUE}\nlet j = 0;\n${withLocals(out.join('\n'), 'H.rfault(B, j); ')}`;
}
