// JavaScript source for a block. Every row works through its semantic function (generic
// path: `X3(c, I3)` with the decoded instruction as a closure constant); rows with an inline
// emitter below get straight-line code instead. The source contains only identifiers chosen
// here and numbers decoded from guest bytes, never guest text.
import type { Insn } from '../src/decode/decoder.ts';
import { T_JUMP, T_PRIV, T_IOPL, T_REP, T_REPCC } from '../src/decode/rows.ts';
import { INLINE, type EmitContext } from './inline.ts';
import { NO_FAULT_WITHOUT_MEMORY } from '../src/semantics/index.ts';
import { flagLiveness } from './liveness.ts';

export interface EmitOptions {
  /** Use inline emitters where a row has one (false: every instruction via its semantics). */
  inline: boolean;
  /** Count executions of this block into stats (profiling instrumentation). */
  countExecutions: boolean;
}

/** Rows whose semantics set EIP themselves (transfers, string instructions). */
export function setsEip(i: Insn): boolean {
  return (i.row.traits & (T_JUMP | T_REP | T_REPCC)) !== 0 || i.row.sem === 'hlt';
}
/** Could executing this instruction raise an exception? Then EIP is recorded before it. */
export function mayFault(i: Insn): boolean {
  const r = i.row;
  if (i.invalid || i.lock || (r.traits & (T_PRIV | T_IOPL))) return true;
  if (r.modrm && i.mod !== 3) return true;
  if (r.operands.some((o) => o.kind === 'O' || o.kind === 'X' || o.kind === 'Y' || o.kind === 'S')) return true;
  return !NO_FAULT_WITHOUT_MEMORY.has(r.sem);
}
/** Could executing this instruction store to memory? Then a code-page store must stop the block. */
export function mayStore(i: Insn): boolean {
  const r = i.row;
  if (r.traits & (T_JUMP | T_REP | T_REPCC)) return true;
  if (r.modrm && i.mod !== 3) return true;
  if (r.operands.some((o) => o.kind === 'O' || o.kind === 'Y')) return true;
  return /^(push|pusha|pushaw|pushf|pushfw|enter|call|calln|callf|cmpxchg8b)$/.test(r.sem);
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

/** Emit the body of `function (c, r, m, v, E, I, H)`; returns the JS source text. */
export function emitBlock(insns: Insn[], opts: EmitOptions): string {
  const out: string[] = [];
  const loop = opts.inline && selfLoop(insns);
  if (loop) out.push('for (;;) {');
  if (opts.countExecutions) out.push('H.count(B);');
  const live = flagLiveness(insns, mayFault, mayStore);
  const ctx: EmitContext = { flagsLive: 0, prevFlags: null };
  for (let k = 0; k < insns.length; k++) {
    const i = insns[k];
    const next = (i.eip + i.len) | 0;
    const t = i.row.traits;
    out.push(`// ${hex(i.eip)}`);
    // EIP is exact at every instruction that can fault; elsewhere it is set at the block's end.
    if (!opts.inline || mayFault(i) || setsEip(i)) out.push(`c.eip = ${hex(i.eip)}|0;`);
    if (i.invalid) { out.push('H.ud();'); break; }
    if (t & T_PRIV) out.push('if (c.cpl !== 0) H.gp0();');
    if (t & T_IOPL) out.push('if (c.cpl > ((c.flags >> 12) & 3)) H.gp0();');
    ctx.flagsLive = live[k];
    const inl = opts.inline ? INLINE[i.row.sem]?.(i, ctx) : undefined;
    ctx.prevFlags = inl ? ctx.nextPrevFlags ?? null : null;
    ctx.nextPrevFlags = null;
    if (inl !== undefined && inl !== null) out.push(inl);
    else out.push(`E[${k}](c, I[${k}]);`);
    const last = k === insns.length - 1;
    if (last && !setsEip(i)) out.push(`c.eip = ${hex(next)}|0;`);
    // (A JMP the block continues through stores nothing: no check after it.)
    if (!last && mayStore(i) && !(t & T_JUMP)) out.push(`if (c.smc) { c.eip = ${hex(next)}|0; return ${k + 1}; }`);
  }
  if (loop) {
    out.push(`if (c.eip !== ${hex(insns[0].eip)}|0 || c.irq || c.stopped || c.icount + ${insns.length} >= c.loopEnd) return ${insns.length};`);
    out.push(`c.icount += ${insns.length};`);
    out.push('}');
  } else out.push(`return ${insns.length};`);
  return out.join('\n');
}
