// JavaScript source for a block. Every row works through its semantic function (generic
// path: `X3(c, I3)` with the decoded instruction as a closure constant); rows with an inline
// emitter below get straight-line code instead. The source contains only identifiers chosen
// here and numbers decoded from guest bytes, never guest text.
import type { Insn } from '../src/decode/decoder.ts';
import type { Row } from '../src/decode/rows.ts';
import { T_JUMP, T_PRIV, T_IOPL, T_REP, T_REPCC, T_NOWB, T_X87 } from '../src/decode/rows.ts';
import { INLINE, type EmitContext } from './inline.ts';
import { NO_FAULT_WITHOUT_MEMORY } from '../src/semantics/index.ts';
import { flagLiveness } from './liveness.ts';
import { OSZAPC } from '../src/cpu/regs.ts';
import { ACCESS_PROLOGUE, type AccessMode, type AccessGuard } from './memory-access.ts';
import { localizeChunk, touchesState, withLocals } from './locals.ts';
import { stackRun } from './stack-runs.ts';

export interface EmitOptions {
  /** Use inline emitters where a row has one (false: every instruction via its semantics). */
  inline: boolean;
  /** Count executions of this block into stats (profiling instrumentation). */
  countExecutions: boolean;
  /** What the block's mode key guarantees; without it nothing is assumed. */
  mode?: AccessMode;
  /** Guard each instruction's only flat access (memory-access.ts AccessGuard): a miss leaves
   *  the function before the instruction with c.slowStep set, for the dispatch loop to run the
   *  instruction through its semantics. */
  guard?: boolean;
}

/** Assume nothing about segments. */
export const NO_MODE: AccessMode = { flatData: false, stack32: false, flatCode: false };

/** Rows whose semantics set EIP themselves (transfers, string instructions). */
export function setsEip(i: Insn): boolean { return rowSetsEip(i.row); }
export function rowSetsEip(r: Row): boolean {
  return (r.traits & (T_JUMP | T_REP | T_REPCC)) !== 0 || r.sem === 'hlt';
}
/** Could executing this instruction raise an exception? Then EIP is recorded before it. */
export function mayFault(i: Insn): boolean {
  const r = i.row;
  if (i.invalid || i.lock || (r.traits & (T_PRIV | T_IOPL))) return true;
  // LEA computes an address and accesses nothing.
  if (r.sem === 'lea') return false;
  if (r.modrm && i.mod !== 3) return true;
  return (rowFacts(r) & ROW_MAY_FAULT) !== 0;
}
/** Could executing this instruction store to memory? Then a code-page store must stop the block. */
export function mayStore(i: Insn): boolean {
  const r = i.row;
  if (r.traits & T_JUMP) return !NON_STORING_TRANSFERS.has(r.sem);
  if (r.traits & (T_REP | T_REPCC)) return true;
  // A memory operand is written only as the destination (the first operand, without nowb);
  // as a source (G,E forms, CMP/TEST/BT, LEA's address) it is only read.
  if (r.modrm && i.mod !== 3 && r.sem !== 'lea' && r.sem !== 'hintnop') {
    const k0 = r.operands[0]?.kind;
    if ((r.traits & T_X87) || ((k0 === 'E' || k0 === 'M') && !(r.traits & T_NOWB))) return true;
  }
  return (rowFacts(r) & ROW_STORES) !== 0;
}

/** Control transfers that write no memory (near and conditional jumps, near RET, LOOP/JECXZ). */
const NON_STORING_TRANSFERS = new Set(['jcc', 'jmp', 'jmpn', 'ret', 'loop', 'loope', 'loopne', 'jecxz']);

// What mayFault and mayStore need of a row regardless of its ModRM, computed once per row
// (block formation asks for every instruction it translates).
const ROW_MAY_FAULT = 1, ROW_STORES = 2;
const STORING_SEMS = new Set(['push', 'pusha', 'pushaw', 'pushf', 'pushfw', 'enter', 'call', 'calln', 'callf', 'cmpxchg8b']);
const facts = new WeakMap<Row, number>();
function rowFacts(r: Row): number {
  let f = facts.get(r);
  if (f === undefined) {
    const kinds = r.operands.map((o) => o.kind);
    f = (kinds.some((k) => k === 'O' || k === 'X' || k === 'Y' || k === 'S') || !NO_FAULT_WITHOUT_MEMORY.has(r.sem) ? ROW_MAY_FAULT : 0) |
      (kinds.some((k) => k === 'O' || k === 'Y') || STORING_SEMS.has(r.sem) ? ROW_STORES : 0);
    facts.set(r, f);
  }
  return f;
}

export const hex = (n: number): string => '0x' + (n >>> 0).toString(16);

/** A block whose last instruction is a direct 32-bit JMP/Jcc that goes back to its first
 *  (taken or falling through): it iterates inside its function for as long as the dispatch
 *  loop would run it again (it branched back, no interrupt request, no stop, budget left),
 *  adding each finished iteration to c.icount itself so that a fault in a later one is counted
 *  exactly. */
export function selfLoop(insns: Insn[]): boolean {
  const last = insns[insns.length - 1], start = insns[0].eip | 0;
  if (last.osz !== 4 || (last.row.sem !== 'jcc' && last.row.sem !== 'jmp') || last.row.operands[0]?.kind !== 'J') return false;
  return ((last.eip + last.len + last.imm) | 0) === start || (last.row.sem === 'jcc' && ((last.eip + last.len) | 0) === start);
}

/** How a block's code sits in a region function (region.ts): one case of its switch. */
export interface MemberShape {
  /** The member's index in the region (execution counters, fault accounting). */
  index: number;
  /** Where the member's instructions start in the region's E and I arrays. */
  offset: number;
  /** Leave the region after this member (its last instruction may change state the region's
   *  members were translated under) instead of going on to the member at the new EIP. */
  exit: boolean;
  /** Status flags that may be read after the member's last instruction. */
  liveOut: number;
  /** The EIP of the member whose code follows this one's: in a loop of members (region.ts),
   *  the next one round the loop; outside loops, the member of the next case of the switch
   *  (memberLayout). Going there, the member goes straight on (after the checks the region's
   *  loop makes between members); going anywhere else, it leaves the loop or the switch
   *  (`break`) for the region's switch. */
  chain?: number;
}

/** Emit the body of a block function (parameters jit.ts BLOCK_PARAMS, the BOUND_NAMES
 *  constants in scope); returns the JS source text. As a
 *  region member the code retires its instructions into c.icount itself and ends with `break`
 *  (on to the region's loop) or `return 0` (back to the dispatch loop); the region function
 *  adds the locals' declarations (locals.ts) around all of its members. */
export function emitBlock(insns: Insn[], opts: EmitOptions, member?: MemberShape): string {
  const out: string[] = [];
  const locals = opts.inline;
  const emit = (code: string): void => { out.push(locals ? localizeChunk(code) : code); };
  // A block that branches back to its start iterates inside its function (a region member
  // inside its case) while it would run again anyway: q is "an interrupt is requested or the
  // CPU stopped" and le the run's instruction budget end (locals.ts).
  const loop = opts.inline && !member?.exit && selfLoop(insns);
  const start = insns[0].eip | 0, len = insns.length;
  if (loop) out.push('for (;;) {');
  const o = member?.offset ?? 0;
  if (opts.countExecutions) out.push(member ? `H.countAt(B, ${member.index});` : 'H.count(B);');
  const live = flagLiveness(insns, mayFault, mayStore, member?.liveOut);
  const guard: AccessGuard | null = opts.inline && opts.guard ? { exit: '', code: null, accesses: 0 } : null;
  const ctx: EmitContext = { flagsLive: 0, prevFlags: null, mode: guard ? { ...(opts.mode ?? NO_MODE), guard } : opts.mode ?? NO_MODE };
  let smc = 'c.smc';
  // The last instruction of a run of pushes or pops that is open (stack-runs.ts), or -1.
  let runEnd = -1;
  for (let k = 0; k < insns.length; k++) {
    const i = insns[k];
    if (opts.inline && runEnd < 0) {
      const run = stackRun(insns, k, insns.length - 1, ctx.mode);
      if (run) { emit(run.open); runEnd = k + run.n - 1; }
    }
    const next = (i.eip + i.len) | 0;
    const t = i.row.traits;
    const code: string[] = [];
    out.push(`// ${hex(i.eip)}`);
    ctx.flagsLive = live[k];
    ctx.noFault = false;
    ctx.branch = undefined;
    if (guard) {
      guard.code = null; guard.accesses = 0;
      // Before the instruction: the k before it retired, EIP at it, c.slowStep the member's
      // index + 1 (1 for a block of its own).
      guard.exit = member ? `{ c.eip = ${hex(i.eip)}|0; c.icount += ${k}; c.slowStep = ${member.index + 1}; return 0; }` : `{ c.eip = ${hex(i.eip)}|0; c.slowStep = 1; return ${k}; }`;
    }
    let inl = opts.inline && !i.invalid ? INLINE[i.row.sem]?.(i, ctx) : undefined;
    // A guard only for an instruction's only access, in code that keeps to the locals.
    if (guard && guard.code !== null && (guard.accesses > 1 || !inl || touchesState(inl))) {
      ctx.mode.guard = null; ctx.noFault = false; ctx.branch = undefined; ctx.nextPrevFlags = null;
      inl = INLINE[i.row.sem]?.(i, ctx);
      ctx.mode.guard = guard; guard.code = null;
    }
    // The record the next Jcc may fuse with: this instruction's, or the previous one's when this
    // one (inline) writes no status flag.
    ctx.prevFlags = !inl ? null : ctx.nextPrevFlags ?? ((i.row.fwrite & OSZAPC) === 0 && !(i.row.fundef & OSZAPC) ? ctx.prevFlags : null);
    ctx.nextPrevFlags = null;
    // EIP is exact at every instruction that can fault and before every semantic function;
    // elsewhere it is set at the block's end.
    const generic = inl === undefined || inl === null;
    if (generic || (mayFault(i) && !ctx.noFault)) code.push(`c.eip = ${hex(i.eip)}|0;`);
    if (i.invalid) { code.push('H.ud();'); emit(code.join('\n')); break; }
    if (t & T_PRIV) code.push('if (c.cpl !== 0) H.gp0();');
    if (t & T_IOPL) code.push('if (c.cpl > ((c.flags >> 12) & 3)) H.gp0();');
    const last = k === insns.length - 1;
    // The self-loop's and the member loop's closing branch is emitted below.
    const closing = (loop || member?.chain !== undefined) && last && ctx.branch !== undefined;
    if (guard?.code) code.push(guard.code);
    if (closing) { /* below */ } else if (inl !== undefined && inl !== null) code.push(inl);
    else code.push(`E[${k + o}](c, I[${k + o}]);`);
    if (last && !setsEip(i)) code.push(`c.eip = ${hex(next)}|0;`);
    // An inline instruction whose every store is memory-access.ts's storeStmt notes a store
    // into translated code in the local `sm`; anything else may set c.smc.
    smc = inl !== undefined && inl !== null && !touchesState(inl) && !inl.includes('H.repMove') ? 'sm' : 'c.smc';
    // (A JMP the block continues through stores nothing: no check after it.)
    if (!last && mayStore(i) && !(t & T_JUMP)) {
      code.push(member ? `if (${smc}) { c.eip = ${hex(next)}|0; c.icount += ${k + 1}; return 0; }` : `if (${smc}) { c.eip = ${hex(next)}|0; return ${k + 1}; }`);
    }
    emit(code.join('\n'));
    if (k === runEnd) { emit('} }'); runEnd = -1; }
  }
  const br = loop ? ctx.branch : undefined;
  if (loop) {
    // Leave the loop where the branch does not go back to the start, then where q or the
    // budget says the dispatch loop would stop.
    const exit = member ? 'break;' : `return ${len};`;
    if (br) {
      const stay = br.cond === null ? 'true' : (br.taken | 0) === start ? `(${br.cond})` : `!(${br.cond})`;
      const other = (br.taken | 0) === start ? br.next : br.taken;
      if (stay !== 'true') emit(`if (!${stay}) { c.eip = ${hex(other)}|0;${member ? ` c.icount += ${len};` : ''} ${exit} }`);
      emit(`c.eip = ${hex(start)}|0;`);
    } else emit(`if (c.eip !== ${hex(start)}|0) { ${member ? `c.icount += ${len}; ` : ''}${exit} }`);
    emit(member ? `c.icount += ${len}; if (q || c.icount >= le) break;` : `if (q || c.icount + ${len} >= le) return ${len}; c.icount += ${len};`);
    out.push('}');
    if (member) emit('break;');
  } else if (member?.chain !== undefined) {
    // In a loop of members: on to the next one where the branch goes there, else out to the
    // region's switch (`break` leaves the loop; the code after the loop leaves the switch).
    const to = member.chain | 0, b = ctx.branch;
    emit(`c.icount += ${len};`);
    if (mayStore(insns[len - 1])) emit(`if (${smc}) return 0;`);
    if (b === undefined) emit(`if (c.eip !== ${hex(to)}|0) break;`);
    else if (b.cond === null) emit((b.taken | 0) === to ? `c.eip = ${hex(to)}|0;` : `c.eip = ${hex(b.taken)}|0; break;`);
    else {
      const stay = (b.taken | 0) === to ? `(${b.cond})` : `!(${b.cond})`;
      emit(`if (!${stay}) { c.eip = ${hex((b.taken | 0) === to ? b.next : b.taken)}|0; break; }`);
      emit(`c.eip = ${hex(to)}|0;`);
    }
    emit('if (q || c.icount >= le) break;');
  } else if (member) {
    emit(`c.icount += ${len};`);
    // The last instruction stored into translated code (a CALL's push, a REP MOVS): the other
    // members may be stale, so back to the dispatch loop.
    if (!member.exit && mayStore(insns[len - 1])) emit(`if (${smc}) return 0;`);
    emit(member.exit ? 'return 0;' : 'break;');
  } else emit(`return ${len};`);
  const body = out.join('\n');
  if (member) return body;
  return `${ACCESS_PROLOGUE}\n${locals ? withLocals(body) : body}`;
}
