// The first tier: a block runs through its instructions' semantic functions, exactly as the
// generated code's generic path does (EIP stored before each instruction, privilege checks,
// a store into a code page ends the block), until it has run often enough to be worth
// compiling. Code that runs once or a few times (boot code, GRUB's module loaders, the cold
// benchmark) then costs a decode and a walk, not a JavaScript compilation (~0.1-0.2 ms a block);
// a block's first visit is not even formed (runOnce: decoded and run an instruction at a time).
import type { Cpu } from '../src/cpu/state.ts';
import { Insn, decodeIn, decodedPastEnd } from '../src/decode/decoder.ts';
import { ROWS, T_PRIV, T_IOPL, T_JUMP } from '../src/decode/rows.ts';
import { FAULT } from '../src/cpu/fault.ts';
import { EXEC } from '../src/semantics/index.ts';
import { setsEip, mayStore } from './emit.ts';
import { END_FACTS, E_COUNT_READER, E_ENDS, followedJump, endsAfter, MAX_BLOCK_INSNS } from './block.ts';
import { walkFirstRun, walkStop, type Walker } from './first-run-wasm.ts';

// Per row, what the walk needs besides the instruction (computed once: the walk asks for every
// instruction it runs): W_SETS_EIP the row sets EIP itself; W_STORES_REG/W_STORES_MEM it may
// store with a register / memory ModRM operand (then a store into a code page ends the block);
// W_PRIV CPL 0 only; W_IOPL CPL <= IOPL only.
const W_SETS_EIP = 1, W_STORES_REG = 2, W_STORES_MEM = 4, W_PRIV = 8, W_IOPL = 16;
const WALK_FACTS = new Uint8Array(ROWS.length);
{
  const probe = new Insn();
  for (const r of ROWS) {
    probe.row = r;
    probe.mod = 3; const sr = mayStore(probe);
    probe.mod = 0; const sm = mayStore(probe);
    WALK_FACTS[r.index] = (setsEip(probe) ? W_SETS_EIP : 0) | (sr && !(r.traits & T_JUMP) ? W_STORES_REG : 0) |
      (sm && !(r.traits & T_JUMP) ? W_STORES_MEM : 0) | (r.traits & T_PRIV ? W_PRIV : 0) | (r.traits & T_IOPL ? W_IOPL : 0);
  }
}

/** Run `I[from..n)` through their semantics; returns how many retired. Faults leave EIP at the
 *  faulting instruction, as the generated code does. */
export function interpretBlock(c: Cpu, I: Insn[], n: number, ud: () => never, gp0: () => never, from = 0): number {
  for (let k = from; k < n; k++) {
    const i = I[k];
    c.eip = i.eip | 0;
    const f = execute(c, i, ud, gp0);
    if (k === n - 1) { if (!(f & W_SETS_EIP)) c.eip = (i.eip + i.len) | 0; }
    else if ((f & (i.mod === 3 ? W_STORES_REG : W_STORES_MEM)) && c.smc) { c.eip = (i.eip + i.len) | 0; return k + 1 - from; }
  }
  return n - from;
}

/** Run instruction `i` (EIP at it) through its semantics after the checks the generated code
 *  makes: #UD for an invalid encoding or a row without semantics, #GP(0) for a privileged row
 *  above CPL 0 or an I/O row above IOPL. Returns the row's walk facts. */
function execute(c: Cpu, i: Insn, ud: () => never, gp0: () => never): number {
  if (i.invalid) ud();
  const ri = i.ri, f = WALK_FACTS[ri];
  if ((f & W_PRIV) && c.cpl !== 0) gp0();
  if ((f & W_IOPL) && c.cpl > ((c.flags >> 12) & 3)) gp0();
  const e = EXEC[ri];
  if (e === undefined) ud();
  e(c, i);
  return f;
}

/** runOnce's instruction, decoded into again for every instruction it runs. */
const ONCE = new Insn();
/** The EIPs runOnce has run in its block so far (block formation's followed-JMP rule). */
const ONCE_EIPS = new Int32Array(MAX_BLOCK_INSNS);
/** Whether the last runOnce's block ended in the WebAssembly walk, how many instructions the
 *  walk ran, and how many blocks it began after the first. */
let walkEnded = false, walked = 0, walkedOn = 0, walkedAgain = 0;

/** The row of the instruction the last runOnce decoded last: the last it ran, or the one it
 *  stopped before without running it (page end, a count reader, an instruction too long to
 *  decode), after instructions that all keep the mode (the block would have ended at one that
 *  did not). */
export function ranOnceLastRow(): number { return walkEnded ? walkStop.lastRow : ONCE.ri; }
/** Instructions the last runOnce ran in WebAssembly. */
export function ranInWasm(): number { return walked; }
/** First visits the last runOnce's walk went on into after its first block. */
export function ranOnceBlocks(): number { return walkedOn; }
/** Blocks begun before that the last runOnce's walk ran again between first visits. */
export function ranOnceAgain(): number { return walkedAgain; }

/** Run the block that starts at `eip` (its linear page maps to physical `phys`) once, without
 *  forming it: each instruction is decoded from the page and run before the next is decoded,
 *  and the block ends where block formation (block.ts) would end it, so a block runs the same
 *  instructions between two visits of the dispatch loop (its interrupt windows) whether it
 *  runs once or is cached. Code that runs once (boot code, the cold benchmark) costs no
 *  instruction list and no code marks: nothing is kept of it, so a store into its bytes has
 *  nothing to drop, and an instruction that rewrites a later one of its own block is decoded
 *  after the store, as the CPU fetches it (SDM vol. 3 §11.6). Returns the instructions
 *  retired; -1: the first instruction crosses the page end (nothing ran). A fault leaves EIP
 *  at the faulting instruction with the instructions before it counted in c.icount; an
 *  instruction too long to decode after the first ends the block before it (it faults when it
 *  is reached, as the first of a block). */
export function runOnce(c: Cpu, eip: number, phys: number, d32: boolean, maxInsns: number, ud: () => never, gp0: () => never,
  wasm: Walker | null = null, mode = 0, chain = 0): number {
  const i = ONCE;
  let pageBase = phys & ~0xfff, pa = phys, ip = eip, n = 0, followed = false, decoding = false, prior = 0;
  walkEnded = false; walked = 0; walkedOn = 0; walkedAgain = 0;
  if (wasm !== null && d32) {
    // As far as its forms go, the walk runs the block in WebAssembly, and with `chain` the
    // blocks after it (mode `mode`) while fewer than `chain` instructions have run
    // (first-run-wasm.ts); from the instruction it stopped before (not run), the loop below
    // goes on in the block it stopped in as if it had run that block's instructions itself.
    n = walked = walkFirstRun(wasm, c, eip, phys, maxInsns, ONCE_EIPS, mode, chain);
    walkedOn = walkStop.blocks; walkedAgain = walkStop.again;
    if (!walkStop.stopped) { walkEnded = true; return n; }
    prior = walkStop.prior; n -= prior; eip = walkStop.eip; pageBase = walkStop.phys & ~0xfff;
    ip = walkStop.ip; pa = pageBase + walkStop.off; followed = walkStop.followed;
  }
  const pageEnd = pageBase + 4096;
  try {
    while (n < maxInsns) {
      decoding = true;
      decodeIn(c.mem, pa, pageEnd, ip, d32, i);
      decoding = false;
      // (n || -1, not a comparison: a compare its optimized code had never made deoptimized
      // runOnce at the first block that ended at a page-crossing instruction.)
      if (decodedPastEnd()) return (prior + n) || -1;
      const end = i.ri >= 0 ? END_FACTS[i.ri] : E_ENDS;
      if (n > 0 && (end & E_COUNT_READER)) break;
      c.eip = ip;
      const f = execute(c, i, ud, gp0);
      ONCE_EIPS[n++] = ip;
      const len = i.len;
      if (!(f & W_SETS_EIP)) c.eip = (ip + len) | 0;
      const to = followedJump(i, end, eip);
      if (to !== -1 && n < maxInsns && !ranAt(n, to)) { pa = pageBase + (to & 0xfff); ip = to; followed = true; continue; }
      if (endsAfter(i, end)) break;
      pa += len; ip = (ip + len) | 0;
      if (pa >= pageEnd) break;
      if (followed && ranAt(n, ip)) break;
    }
  } catch (e) {
    if (e !== FAULT) throw e;
    if (decoding && n > 0) return prior + n;
    c.icount += prior + n;
    throw e;
  }
  return prior + n;
}

function ranAt(n: number, eip: number): boolean {
  for (let k = 0; k < n; k++) if (ONCE_EIPS[k] === eip) return true;
  return false;
}
