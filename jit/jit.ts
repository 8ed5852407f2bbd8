// The translator and its dispatch loop. Blocks are cached by (physical address, mode key);
// each physical page with code keeps its blocks so a store to it drops them all at once.
// A block returns how many instructions it retired; a fault is a thrown CpuFault with c.eip
// at the faulting instruction, and the loop hands it to the CPU's interrupt hook.
import type { Cpu } from '../src/cpu/state.ts';
import { CS, SS, DS, ES, IOPL, TF } from '../src/cpu/regs.ts';
import { FAULT, fault, GP, UD, PF_, DB } from '../src/cpu/fault.ts';
import { fetchPhys, fetchByte, rd32, wr32, rd16, wr16, rd8, wr8, isFlatData } from '../src/cpu/memory.ts';
import { protectCodePage } from '../src/cpu/paging.ts';
import { decode, UD_ROW, type Insn } from '../src/decode/decoder.ts';
import { EXEC, type Exec } from '../src/semantics/index.ts';
import { ROWS, T_PRIV, T_IOPL, T_END, type Row } from '../src/decode/rows.ts';
import { formBlock, MAX_BLOCK_INSNS } from './block.ts';
import { emitBlock, setsEip, rowSetsEip, hex } from './emit.ts';
import { newStats, bail, type JitStats } from './stats.ts';
import { blockSourceMap, sourceMapComment } from './source-map.ts';
import { INLINE_HELPERS, INLINE_HELPER_NAMES, type InlineHelpers } from './inline.ts';
import { interpretBlock, runOnce, ranOnceLastRow, ranInWasm, ranOnceBlocks, ranOnceAgain } from './interpret.ts';
import { firstRunWalker, type Walker } from './first-run-wasm.ts';
import { emitRegion, MAX_REGION_INSNS } from './region.ts';
import { PageMarks, markRange, anyMarked, marksSlab } from './code-marks.ts';
import './host-flags.ts';
import type { AccessMode } from './memory-access.ts';

export type BlockFn = (E: Exec[], I: Insn[], B: Block) => number;
/** The parameters of every block function, in BlockFn's order. */
export const BLOCK_PARAMS = ['E', 'I', 'B'] as const;
/** The constants a generated function's scope binds before its function (the source starts
 *  `const K_c = K.c, ...;`, K given to `new Function` once, and the function's first line
 *  copies them into its own constants `c`, ...: TurboFan folds a context slot read into a
 *  constant reliably only outside the function's loops; read inside a loop of a `switch` (a
 *  region), the TLB's length and data pointer were loaded and its map checked at every access,
 *  and the same loop took ~2 times as long): the CPU, its registers, the
 *  helpers, guest RAM as bytes and as a DataView, and the read and write TLB of the block's
 *  privilege level (its mode key holds the CPL, and CPL changes only through setCpl, which
 *  selects the tables). As constants of a function's one closure, TurboFan embeds them: no map
 *  check, a constant length and data pointer at every access, where a parameter was checked
 *  again at every access after any call (fnptr's region: the TLB's map and bounds and the
 *  DataView's map and length per access). With BLOCK_PARAMS these are the only free names
 *  generated code may use (tests/jit/generated-code.test.ts checks every generated function
 *  against them). */
export const BOUND_NAMES = ['c', 'r', 'H', 'm', 'v', 'rt', 'wt'] as const;
type Bound = { [K in (typeof BOUND_NAMES)[number]]: unknown };

export interface Block {
  phys: number;
  eip: number;
  mode: number;
  fn: BlockFn;
  /** The instructions: empty while the first tier's scratch block holds them (a block cached
   *  at its first run, cacheFirstRun), kept from then on (from the start with instrumentation
   *  on). */
  insns: Insn[];
  execs: Exec[];
  /** Number of instructions. */
  size: number;
  source: string;
  valid: boolean;
  /** Executions (only counted when instrumentation is on). */
  count: number;
  /** Direct successor cache, two entries (taken and fall-through): EIP, block, TLB generation. */
  succEip: number; succ: Block | null; succGen: number;
  succEip2: number; succ2: Block | null; succGen2: number;
  chainable: boolean;
  /** The block's end cannot change the state a mode key or a region assumes (segments, CPL,
   *  paging, IF): it is chainable and its last instruction is no block-ending state change. */
  keepsMode: boolean;
  /** Runs so far (counted until the block is in a region): compiled at `JitOptions.tierUp`
   *  when it runs densely (else at `sparseTierUp`), its page's region built or rebuilt at
   *  `JitOptions.regionAt`. */
  runs: number;
  /** c.icount and Jit.walkedInsns at its first counted run. */
  firstAt: number;
  firstWalked: number;
  /** Compiled to JavaScript (else still interpreted). */
  compiled: boolean;
  /** c.icount at its run regionAt/2 (compiled, outside a region): how fast it became hot. */
  halfAt: number;
  /** The E and I arrays `fn` indexes: the block's own, or its region's. */
  fE: Exec[]; fI: Insn[];
  /** The region whose function `fn` is, if any. */
  region: Region | null;
  /** Its generated code left for the dispatch loop to run an instruction whose guarded access
   *  missed (emit.ts guard) this many times; at SLOW_STEPS_UNGUARD it is compiled again
   *  without guards (`unguarded`), and so is every region it joins. */
  slowSteps: number;
  unguarded: boolean;
}

/** Hot blocks of one page compiled into one function (region.ts). */
export interface Region {
  members: Block[];
  fn: BlockFn;
  source: string;
  /** The member that was running when a fault unwound the region (set by H.rfault). */
  faultAt: number;
  /** Blocks of the page that became hot since the region was built (compiled on their own). */
  hotSince: number;
  /** Runs of compiled blocks of the region's page (not members) right after the region left. */
  missed: number;
  /** `missed` at which the region is built again with them (regrow). */
  regrowAt: number;
  /** c.icount when `missed` was last zero (built, or regrow declined). */
  missedSince: number;
  /** As Block.slowSteps, for the region's function. */
  slowSteps: number;
}

export interface Helpers extends InlineHelpers {
  ud(): never; gp0(): never;
  jt(c: Cpu, target: number): number;
  rd32: typeof rd32; wr32: typeof wr32; rd16: typeof rd16; wr16: typeof wr16; rd8: typeof rd8; wr8: typeof wr8;
  count(b: Block): void;
  countAt(b: Block, j: number): void;
  rfault(b: Block, j: number): void;
}
/** The helper names generated code may call as `H.<name>`. */
export const HELPER_NAMES: readonly string[] = ['ud', 'gp0', 'jt', 'rd32', 'wr32', 'rd16', 'wr16', 'rd8', 'wr8', 'count', 'countAt', 'rfault', ...INLINE_HELPER_NAMES] satisfies (keyof Helpers)[];
const HELPERS: Helpers = {
  ud: () => fault(UD), gp0: () => fault(GP, 0),
  jt(c, target) { if ((target >>> 0) > (c.slimit[CS] >>> 0)) fault(GP, 0); return target; },
  rd32, wr32, rd16, wr16, rd8, wr8,
  count(b) { b.count++; },
  countAt(b, j) { b.region!.members[j].count++; },
  rfault(b, j) { b.region!.faultAt = j; },
  ...INLINE_HELPERS,
};

export interface JitOptions {
  /** One instruction per block, every instruction through its semantic function. */
  singleStep: boolean;
  /** Per-block execution counters (profiling). */
  instrument: boolean;
  /** Code cache bound: number of blocks before the whole cache is flushed. */
  maxBlocks: number;
  /** Attach a source map (generated lines -> guest instructions) to every block (profiling). */
  sourceMaps: boolean;
  /** Executions a block spends interpreted (jit/interpret.ts) before it is compiled to
   *  JavaScript, when they came densely (DENSE_GAP); 0 compiles every block at once. */
  tierUp: number;
  /** Executions after which a block whose runs keep coming sparsely (DEFAULT_SPARSE_TIER_UP:
   *  more than DENSE_GAP guest instructions apart on average, and a small share of the time)
   *  is compiled all the same; at most `tierUp`: every block is compiled at `tierUp`. */
  sparseTierUp: number;
  /** Compile a page's hot blocks together into one function (region.ts); off in single-step
   *  mode and with source maps (profiles attribute host time per block function). */
  regions: boolean;
  /** Runs after which a compiled block joins its page's region (with tierUp 0: at once). */
  regionAt: number;
  /** Cache a block from its first run (else a block's first visit runs it once straight from
   *  the guest's bytes, neither formed nor cached: interpret.ts runOnce). */
  cacheFirstRun: boolean;
  /** Runs of compiled blocks of a region's page, right after the region left for them, at which
   *  the region is built again with them (Jit.regrow); doubles with every build; 0: never. */
  regrowAt: number;
  /** Run first visits in WebAssembly as far as its instruction forms go (first-run-wasm.ts),
   *  the rest of the block in JavaScript; off: all in JavaScript. */
  wasmFirstRun: boolean;
}

/** Default region threshold: a region costs V8 tens of milliseconds of optimization, worth it
 *  for loops, not for boot code (GRUB's boot to its prompt: 2.7 s with blocks alone, 7 s with
 *  every compiled block in a region, 4.1 s from 1 000 runs, 3.0 s from 5 000; later, with
 *  the region switch a jump table in V8's bytecode too: 0.81 of the time from 20 000 runs,
 *  0.74 from 50 000, blocks alone 0.78, paired; the hcfuzz test kernel 0.91 from 20 000 but
 *  1.09 from 50 000). The blocks that join are those of the page past REGION_MEMBER_RUNS (or
 *  regionAt if lower), as when regions were built from 5 000. */
export const DEFAULT_REGION_AT = 20000;
/** Runs after which a compiled block of the page joins a region being built (promote). */
const REGION_MEMBER_RUNS = 5000;

/** Default regrowAt: a region entry and exit through the dispatch loop costs ~0.2-0.3 µs;
 *  statemach's region left ~12 000 times per million instructions for blocks of its page that
 *  became hot one by one but never hot enough on their own to build again (LUKEWARM), about as
 *  much host time as its members' code. */
export const DEFAULT_REGROW_AT = 20000;

/** Default first-tier executions: compiling a block costs ~0.4 ms of emitting and V8 parsing
 *  (and ~9 ms of TurboFan on the compiler thread once it is hot), the walk ~0.2 µs an
 *  instruction, so a block pays for its compilation after some hundreds of runs. GRUB's boot to
 *  its prompt: 2.6-3.2 s at 20, 2.1-2.3 s at 200, 1.9-2.1 s at 500 (more blocks stay interpreted
 *  when code pages are rewritten often). */
export const DEFAULT_TIER_UP = 200;

/** When a block that has run `tierUp` times is compiled. Compiling costs ~1 ms of the main
 *  thread (emitting, V8's parsing and first compile) and pays back over the block's later
 *  runs, so what matters is how often it will run again. A block whose runs came at most
 *  DENSE_GAP guest instructions apart on average (a loop's) is compiled at once. So is one
 *  whose first-tier runs were at least 1/WALK_SHARE of the host time since its first run,
 *  estimated as first-tier instructions plus other instructions at 1/WALK_COST of their cost
 *  (a rare case of a hot loop: waiting for 5 000 runs made statemach 1.19 of the time, for
 *  1 000 runs statemach and sort 1.08 and 1.07). Any other block waits for `sparseTierUp`
 *  runs. GRUB's boot compiled 575 blocks at 200 runs, whose median gap was 25 000
 *  instructions and 376 of which ran fewer than 1 000 times in all; with these rules it
 *  compiles 201 and reaches its prompt in 0.88 of the time (2.0-2.3 s against 2.3-2.7, four
 *  runs each); the compute benchmarks are unchanged (0.96-1.02 in paired windows). */
export const DEFAULT_SPARSE_TIER_UP = 5000, DENSE_GAP = 2000, WALK_SHARE = 100, WALK_COST = 100;

/** Rows after which the successor may be cached: near transfers and fall-through. */
const CHAIN_SEMS = new Set(['jcc', 'jmp', 'jmpn', 'call', 'calln', 'ret', 'loop', 'loope', 'loopne', 'jecxz', 'movs', 'stos', 'lods', 'scas', 'cmps']);
const CHAIN_ROW = new Uint8Array(ROWS.length);
for (const r of ROWS) if (CHAIN_SEMS.has(r.sem)) CHAIN_ROW[r.index] = 1;
/** Whether a block ending in an instruction of the row keeps the mode key (keepsMode). */
const keepsModeRow = (r: Row): boolean => (!rowSetsEip(r) || CHAIN_ROW[r.index] === 1) && !(r.traits & T_END);
const KEEPS_MODE = Uint8Array.from(ROWS, (r) => (keepsModeRow(r) ? 1 : 0));
/** The same for an invalid encoding (Insn.ri -1, UD_ROW): a constant, not a load of the
 *  instruction's row. runOnce's last decoded instruction is one it did not run when it stopped
 *  before it (crossing the page end, read on from the next physical page, often no valid
 *  encoding); the load of its row, never made before, deoptimized firstRun in the cold
 *  benchmark's second slice. */
const KEEPS_MODE_UD = keepsModeRow(UD_ROW);

export type ExitReason = 'budget' | 'halt' | 'stop';

export class Jit {
  readonly stats: JitStats = newStats();
  readonly opts: JitOptions;
  /** physical page -> (offset | mode << 12) -> block */
  private pages = new Map<number, Map<number, Block>>();
  private blockCount = 0;
  /** physical page -> its code marks (code-marks.ts): the bytes blocks were translated from,
   *  and at a block's start offset its mode key + 1 once a block started there (firstVisit).
   *  Both go with the page when it is invalidated: rewritten code runs uncached first, as new
   *  code does. */
  private codeBytes = new Map<number, PageMarks>();
  /** Code marks of dropped pages, cleared, for the next page that gets code: new typed arrays
   *  are a zeroed allocation outside V8's heap and a finalizer for the collector, and a page
   *  rewritten a thousand times a second (the smc benchmark) made those most of lookup's
   *  time. */
  private freeMarks: PageMarks[] = [];
  /** Every block cached now, for profiles. */
  get blocks(): Block[] {
    const all: Block[] = [];
    for (const m of this.pages.values()) for (const b of m.values()) all.push(b);
    return all;
  }
  /** With instrumentation on: blocks dropped from the cache, kept so their counts still count. */
  readonly dropped: Block[] = [];
  /** physical page -> mode -> its region */
  private regions = new Map<number, Map<number, Region>>();
  private readonly useRegions: boolean;

  constructor(readonly c: Cpu, opts: Partial<JitOptions> = {}) {
    this.opts = { singleStep: false, instrument: false, maxBlocks: 65536, sourceMaps: false, regions: true, regionAt: DEFAULT_REGION_AT, cacheFirstRun: false, wasmFirstRun: true, regrowAt: DEFAULT_REGROW_AT, sparseTierUp: DEFAULT_SPARSE_TIER_UP, ...opts, tierUp: opts.tierUp ?? DEFAULT_TIER_UP };
    this.useRegions = this.opts.regions && !this.opts.singleStep && !this.opts.sourceMaps;
    this.regionHalf = this.opts.regionAt >> 1;
    c.hooks.codeWrite = (pa, len) => this.codeWrite(pa, len);
    // (Another translator's marks on this CPU are not this one's.)
    c.marksAt.fill(0);
    this.transients = this.opts.tierUp > 1 && !this.opts.instrument && !this.opts.cacheFirstRun;
    this.walker = this.transients && this.opts.wasmFirstRun ? firstRunWalker(c) : null;
    // Never valid: no block chains to it (it stands for another block on every use).
    this.transient = this.newBlock(0, 0, 0, 1, false, false);
    this.transient.valid = false;
    this.transient.fn = this.firstRun;
  }

  /** The mode a block is translated for: CPL (bits 0-1), CS.D (2), SS.B (3), CS limit 4 GiB
   *  (4: near transfers need no limit check), DS/ES/SS flat (5: base 0, limit 4 GiB, present
   *  writable expand-up data, so memory accesses through them skip the segment checks). */
  modeKey(): number {
    const c = this.c, a = c.sattr;
    let k = c.cpl | ((a[CS] >> 12) & 4) | ((a[SS] >> 11) & 8);
    if (c.slimit[CS] === -1) k |= 16;
    if (isFlatData(c, DS) && isFlatData(c, ES) && isFlatData(c, SS)) k |= 32;
    return k;
  }

  /** A store hit a code page: drop the page's blocks only if it touched translated bytes
   *  (data sharing a page with code is common and must not cost a retranslation). */
  private codeWrite(pa: number, len: number): void {
    const pp = pa >>> 12, marks = this.codeBytes.get(pp);
    if (marks && !anyMarked(marks.bits, pa & 0xfff, Math.min(4096, (pa & 0xfff) + len))) { this.stats.dataWritesToCodePages++; return; }
    this.invalidatePage(pp, 'code-write');
    this.c.smc = true;
  }

  /** Drop every block translated from page `pp`. `cause`: 'code-write' for a guest store into
   *  translated bytes, 'embedder' for a caller that changed the code behind the CPU's back. */
  invalidatePage(pp: number, cause = 'embedder'): void {
    this.recycleMarks(pp);
    const m = this.pages.get(pp);
    this.c.codePages[pp] = 0;
    this.stats.invalidations++;
    this.stats.invalidationsByCause[cause] = (this.stats.invalidationsByCause[cause] ?? 0) + 1;
    if (!m) return;
    for (const b of m.values()) { b.valid = false; if (this.opts.instrument && b.count) this.dropped.push(b); }
    this.stats.blocksInvalidated += m.size;
    this.blockCount -= m.size;
    this.pages.delete(pp);
    this.regions.delete(pp);
  }

  flushCache(): void {
    for (const pp of this.pages.keys()) this.c.codePages[pp] = 0;
    for (const [pp, marks] of this.codeBytes) { this.c.marksAt[pp] = 0; this.keepMarks(marks); }
    this.codeBytes.clear();
    for (const b of this.blocks) { b.valid = false; if (this.opts.instrument && b.count) this.dropped.push(b); }
    this.stats.blocksEvicted += this.blockCount;
    this.pages.clear(); this.blockCount = 0; this.regions.clear();
    this.stats.cacheFlushes++;
  }

  /** Allocate a slab of free code marks. Called from run() before every call of the dispatch
   *  loop while fewer than MARKS_STOCK are free, so that lookup's optimized code (marksOf
   *  inlined) does not reach this call for the first time: a call it had never made
   *  deoptimized it (the cold benchmark: at its 17th code page, in the second of its
   *  1 300-function slices, leaving lookup unoptimized until V8 compiled it again). */
  private stockMarks(): void {
    for (const m of marksSlab(this.c, MARKS_SLAB)) this.freeMarks.push(m);
  }

  /** Drop page `pp`'s code marks, keeping the array (cleared) for another page. */
  private recycleMarks(pp: number): void {
    const marks = this.codeBytes.get(pp);
    if (!marks) return;
    this.codeBytes.delete(pp);
    this.c.marksAt[pp] = 0;
    this.keepMarks(marks);
  }
  /** Marks in the CPU's translator arena are always kept (the arena is not given back). */
  private keepMarks(marks: PageMarks): void {
    if (marks.inCpu !== 0 || this.freeMarks.length < MAX_FREE_MARKS) { marks.clear(); this.freeMarks.push(marks); }
  }

  /** Find or build the block at the current EIP. Throws a fault for fetch errors. */
  private lookup(mode: number): Block | null {
    const c = this.c;
    const eip = c.eip;
    if ((eip >>> 0) > (c.slimit[CS] >>> 0)) fault(GP, 0);
    const lin = (c.sbase[CS] + eip) | 0;
    const phys = fetchPhys(c, lin);
    const pp = phys >>> 12;
    if (pp >= c.memPages) { bail(this.stats, 'fetch-outside-ram'); return null; }
    let m = this.pages.get(pp);
    const key = (phys & 0xfff) | (mode << 12);
    const b = m?.get(key);
    if (b && b.eip === eip) { this.stats.cacheHits++; return b; }
    // The same bytes reached at another EIP (a second virtual mapping, another CS base): a
    // block's EIPs are constants in its code, so it is replaced.
    if (b) {
      b.valid = false; m!.delete(key); this.blockCount--;
      this.stats.aliasReplacements++;
      if (this.opts.instrument && b.count) this.dropped.push(b);
    }
    this.stats.cacheMisses++;
    // A block not seen before runs once straight from the guest's bytes (runOnce), without
    // being formed or cached: most code that runs once (boot code, the cold benchmark) never
    // costs an instruction list, code marks, a Block or a map entry.
    if (this.transients && this.firstVisit(this.marksOf(pp).visits, phys & 0xfff, mode)) {
      const t = this.transient;
      t.phys = phys; t.eip = eip; t.mode = mode;
      this.stats.firstRuns++;
      return t;
    }
    // WALK is overwritten even when no block comes of it (an instruction crossing the page).
    this.walked = null;
    const n = formBlock(c, eip, phys, (mode & 4) !== 0, this.maxInsns, WALK);
    if (n === 0) { bail(this.stats, 'insn-crosses-page'); return null; }
    this.markTranslated(pp, n);
    this.stats.blocksCompiled++;
    if (this.blockCount >= this.opts.maxBlocks) {
      // The flush drops every page's protection and marks, this one's too: its bytes are
      // translated code all the same (tests/jit/cache-bound.test.ts).
      this.flushCache(); m = undefined;
      this.markTranslated(pp, n);
    }
    const blk = this.makeBlock(WALK, n, phys, eip, mode);
    if (this.transients) {
      // Its second run: it keeps the scratch instructions (the scratch block gets new ones).
      blk.insns = WALK.splice(0, n);
    } else this.walked = blk;
    if (!m) { m = new Map(); this.pages.set(pp, m); }
    m.set(key, blk);
    this.blockCount++;
    if (this.blockCount > this.stats.peakBlocks) this.stats.peakBlocks = this.blockCount;
    if (this.opts.tierUp <= 0) { this.compile(blk); this.promote(blk); }
    return blk;
  }

  /** The bytes of the block formed into WALK[0..n) on physical page `pp` are translated code
   *  from now on: a store to them stops the walk (c.smc) and drops whatever is cached from the
   *  page. */
  private markTranslated(pp: number, n: number): void {
    const c = this.c;
    if (!c.codePages[pp]) { c.codePages[pp] = 1; protectCodePage(c, pp); }
    const marks = this.marksOf(pp);
    // Mark the instructions' bytes, a contiguous run at a time (a block may continue through a
    // JMP within its page).
    const bits = marks.bits;
    let from = WALK[0].eip & 0xfff, to = from + WALK[0].len;
    for (let k = 1; k < n; k++) {
      const i = WALK[k], a = i.eip & 0xfff;
      if (a !== to) { markRange(bits, from, Math.min(4096, to)); from = a; }
      to = a + i.len;
    }
    markRange(bits, from, Math.min(4096, to));
  }

  /** Page `pp`'s code marks, new (cleared) if it has none. */
  private marksOf(pp: number): PageMarks {
    let marks = this.codeBytes.get(pp);
    if (!marks) {
      if (this.freeMarks.length === 0) this.stockMarks();
      marks = this.freeMarks.pop()!;
      this.codeBytes.set(pp, marks);
      this.c.marksAt[pp] = marks.inCpu;
    }
    return marks;
  }

  /** A new block of `insns[0..n)`: interpreted for its first `tierUp` runs, then compiled. It
   *  starts without instructions of its own (lookup may give it the scratch ones). */
  private makeBlock(insns: Insn[], n: number, phys: number, eip: number, mode: number): Block {
    const last = insns[n - 1];
    const chainable = !setsEip(last) || CHAIN_ROW[last.row.index] === 1;
    const blk = this.newBlock(phys, eip, mode, n, chainable, keepsMode(last));
    // Profiles show the instructions of every block they counted, including blocks dropped
    // before they were compiled.
    if (this.opts.instrument) blk.insns = this.insnsOf(blk);
    return blk;
  }

  private newBlock(phys: number, eip: number, mode: number, size: number, chainable: boolean, keepsMode: boolean): Block {
    return {
      phys, eip, mode, fn: this.firstTier, insns: NO_INSNS, execs: NO_EXECS, size, source: '', valid: true, count: 0,
      succEip: 0, succ: null, succGen: -1, succEip2: 0, succ2: null, succGen2: -1,
      chainable, keepsMode, runs: 0, firstAt: 0, firstWalked: 0, compiled: false, halfAt: 0, fE: NO_EXECS, fI: NO_INSNS, region: null, slowSteps: 0, unguarded: false,
    };
  }

  /** Whether the block at page offset `off` for `mode` is translated for the first time since
   *  its page's code marks `visits` were made, as far as one mode per offset remembers (blocks
   *  of two modes at one offset run uncached once more each time the other ran). A page's own
   *  marks are in cache already, where a table of recent translations by physical address
   *  (64 Ki entries) missed the cache on most first visits. Not with instrumentation (profiles
   *  count every run of every block), nor when blocks compile at their first or second run. */
  private firstVisit(visits: Uint8Array, off: number, mode: number): boolean {
    if (!this.transients) return false;
    if (visits[off] === mode + 1) return false;
    visits[off] = mode + 1;
    return true;
  }
  /** regionAt / 2: the run at which a block notes c.icount (halfAt). */
  private readonly regionHalf: number;
  /** The one Block object that first visits run as (runOnce: never chained, never compiled). */
  private readonly transient: Block;
  private readonly transients: boolean;
  /** The CPU's first-visit walk in WebAssembly (first-run-wasm.ts), or null. */
  private readonly walker: Walker | null;

  /** The block's instructions: its own when it keeps them, else formed again. */
  insnsOf(b: Block): Insn[] {
    if (b.insns.length) return b.insns;
    const insns: Insn[] = [];
    formBlock(this.c, b.eip, b.phys, (b.mode & 4) !== 0, this.maxInsns, insns);
    return insns;
  }

  /** A compiled block became hot (`regionAt` runs): build or rebuild its page's region with it
   *  and the page's other hot blocks, when the page has some and enough of them became hot
   *  since the last build that the rebuild is worth its compile time (rebuilds stay
   *  O(n log n) in the page's blocks); otherwise it stays compiled on its own. A block outside
   *  the region that runs on (STILL_HOT times regionAt runs) rebuilds it at once: the region
   *  leaves to the dispatch loop whenever it reaches that block (tak's loop back into the middle
   *  of a block: 84 000 region exits for 300 iterations of the recursion benchmark). */
  private promote(b: Block): void {
    if (!this.useRegions) return;
    // A block that took more than LUKEWARM guest instructions per run to become hot saves less
    // than a build costs: every build is a new function that V8 runs unoptimized until its
    // compiler thread is done with it (50-150 ms for a page's worth of blocks), and late
    // builds for such blocks came every few seconds in the sort benchmark.
    if (this.opts.tierUp > 0 && this.regionHalf > 0 && this.c.icount - b.halfAt > (b.runs - this.regionHalf) * LUKEWARM) return;
    const pp = b.phys >>> 12, lp = b.eip >>> 12;
    let rm = this.regions.get(pp);
    const r = rm?.get(b.mode);
    if (r && ((r.members[0].eip >>> 12) !== lp || (b.runs < STILL_HOT * this.opts.regionAt && ++r.hotSince < Math.max(1, r.members.length >> 2)))) return;
    // A block that stays hot outside a full region would only push other members out.
    if (r && b.runs >= STILL_HOT * this.opts.regionAt && r.members.reduce((a, x) => a + x.size, b.size) > MAX_REGION_INSNS) return;
    const hot = this.opts.tierUp <= 0 ? 0 : Math.min(this.opts.regionAt, REGION_MEMBER_RUNS);
    const cands = this.compiledOn(pp, lp, b.mode).filter((x) => x === b || (r !== undefined && x.region === r) || x.runs >= hot);
    if (cands.length < 2) return;
    // The blocks that became hot first stay members when the page has more than a region holds.
    cands.sort((x, y) => (x === b ? -1 : y === b ? 1 : (x.eip >>> 0) - (y.eip >>> 0)));
    const members = fitting(cands);
    if (members.length < 2) return;
    if (r) for (const x of r.members) if (!members.includes(x) && x.valid) { x.region = null; this.compile(x); }
    if (!rm) { rm = new Map(); this.regions.set(pp, rm); }
    rm.set(b.mode, this.compileRegion(members, lp));
  }

  /** Region `r` left for compiled blocks of its page `regrowAt` times: build it again with
   *  every compiled block of the page that fits (its members first, then the most run). Such
   *  blocks became hot after the region was built, each too rarely to build it again on its own
   *  (promote's LUKEWARM), yet together they can make most of the region's exits. Exits more
   *  than LUKEWARM guest instructions apart cost less than a build (memops regrew after 190 M
   *  instructions, an exit per ~9 000, and was slower for it). The next build waits twice as
   *  long. */
  private regrow(r: Region): void {
    const sparse = this.c.icount - r.missedSince > r.missed * LUKEWARM;
    r.missed = 0; r.missedSince = this.c.icount;
    if (sparse) return;
    r.regrowAt *= 2;
    const { phys, mode, eip } = r.members[0];
    if (!this.isCurrent(r)) return;
    const others = this.compiledOn(phys >>> 12, eip >>> 12, mode).filter((x) => x.region === null).sort((x, y) => y.runs - x.runs);
    const members = fitting([...r.members, ...others]);
    if (members.length !== r.members.length) this.rebuild(r, members);
  }

  /** Region `r` is its page's region for its mode and all its members are valid. */
  private isCurrent(r: Region): boolean {
    const { phys, mode } = r.members[0];
    return this.regions.get(phys >>> 12)?.get(mode) === r && r.members.every((x) => x.valid);
  }

  /** Replace the current region `r` by one built of `members`, keeping its regrow threshold. */
  private rebuild(r: Region, members: Block[]): void {
    const { phys, mode, eip } = r.members[0];
    const nr = this.compileRegion(members, eip >>> 12);
    nr.regrowAt = r.regrowAt;
    this.regions.get(phys >>> 12)!.set(mode, nr);
  }

  /** The valid compiled blocks of physical page `pp` at linear page `lp` for `mode`. */
  private compiledOn(pp: number, lp: number, mode: number): Block[] {
    const out: Block[] = [];
    for (const x of this.pages.get(pp)?.values() ?? []) if (x.valid && x.mode === mode && (x.eip >>> 12) === lp && x.compiled) out.push(x);
    return out;
  }

  /** The source of a generated function `head` (`function blk_...`) with `body`: the bound
   *  constants, then the function, in parentheses: V8 compiles a parenthesized function
   *  expression when it parses its outer function (its heuristic for functions called at once)
   *  instead of pre-parsing it there and parsing it again at its first call; the generated
   *  function is called right after (GRUB's boot: 0.95-0.99 of the time, paired). */
  private wrap(head: string, body: string, url: string): string {
    return `const ${BOUND_NAMES.map((n) => `K_${n} = K.${n}`).join(', ')};\nreturn (${head}(${BLOCK_PARAMS.join(', ')}) { const ${BOUND_NAMES.map((n) => `${n} = K_${n}`).join(', ')};\n${body}\n});\n//# sourceURL=${url}`;
  }

  /** The function of `source` (wrap) for code of mode key `mode`. */
  private instantiate(source: string, mode: number): BlockFn {
    const c = this.c, user = (mode & 3) === 3;
    const K: Bound = { c, r: c.regs, H: HELPERS, m: c.mem, v: c.view, rt: user ? c.tlbUR : c.tlbSR, wt: user ? c.tlbUW : c.tlbSW };
    return new Function('K', source)(K) as BlockFn;
  }

  /** Generate one function for `members` (all on linear page `lp`) and make it theirs. */
  private compileRegion(members: Block[], lp: number): Region {
    const t0 = performance.now();
    const first = members[0];
    const body = emitRegion(members.map((x) => ({ eip: x.eip, insns: x.insns, exit: !x.keepsMode, runs: x.runs })), lp << 12,
      { inline: true, countExecutions: this.opts.instrument, mode: accessMode(first.mode), guard: !members.some((x) => x.unguarded) });
    const url = `xenjit://region/${hex(first.phys & ~0xfff)}/${first.mode}/${this.stats.regionsGenerated}.js`;
    const source = this.wrap(`function rgn_${(lp >>> 0).toString(16).padStart(5, '0')}`, body, url);
    const fn = this.instantiate(source, first.mode);
    const E: Exec[] = [], I: Insn[] = [];
    for (const x of members) { E.push(...x.execs); I.push(...x.insns); }
    const region: Region = { members, fn, source, faultAt: 0, hotSince: 0, missed: 0, regrowAt: this.opts.regrowAt || Infinity, missedSince: this.c.icount, slowSteps: 0 };
    // Members are compiled blocks (promote): their own functions give way to the region's.
    for (const x of members) { x.fn = fn; x.fE = E; x.fI = I; x.region = region; x.source = ''; }
    this.stats.regionsGenerated++;
    this.stats.regionMembers += members.length;
    this.stats.compileMs += performance.now() - t0;
    return region;
  }

  /** Every block's function until it is compiled: walk it through its semantics, count the
   *  run, and compile it on its `tierUp`-th run (one function for all blocks: no closure per
   *  block). */
  private readonly firstTier: BlockFn = (_E, _I, B) => {
    const c = this.c;
    if (this.opts.instrument) B.count++;
    // The scratch instructions hold the block lookup formed last when that block did not take
    // them as its own (its first run, with cacheFirstRun). A block
    // without instructions of its own forms them once more and keeps them (its bytes are
    // unchanged: a store to them would have dropped it): code that runs once allocates nothing
    // per instruction, code that runs again is not decoded on every run.
    let I = WALK;
    if (this.walked !== B) {
      if (B.insns.length === 0) { B.insns = []; formBlock(c, B.eip, B.phys, (B.mode & 4) !== 0, this.maxInsns, B.insns); }
      I = B.insns;
    }
    // Compiled from its `tierUp`-th run on when its runs come densely or cost a noticeable
    // share of the time, else at its `sparseTierUp`-th (DEFAULT_SPARSE_TIER_UP).
    if (B.runs === 0) { B.firstAt = c.icount; B.firstWalked = this.walkedInsns; }
    const k = ++B.runs;
    if (k >= this.opts.tierUp) {
      const span = c.icount - B.firstAt, walked = this.walkedInsns - B.firstWalked;
      if (k >= this.opts.sparseTierUp || span <= k * DENSE_GAP || k * B.size * WALK_SHARE >= walked + (span - walked) / WALK_COST) {
        this.compile(B);
        // Its runs towards a region (dispatch: halfAt, promote) count from tierUp as for any
        // block compiled at tierUp; past regionAt it would never join one.
        B.runs = this.opts.tierUp;
      } else if (k === this.opts.tierUp) this.stats.sparseBlocks++;
    }
    this.stats.interpretedRuns++;
    const n = interpretBlock(c, I, B.size, HELPERS.ud, HELPERS.gp0);
    this.walkedInsns += n;
    return n;
  };
  /** The transient block's function (lookup: a block's first visit): run it once from the
   *  guest's bytes (runOnce). */
  private readonly firstRun: BlockFn = (_E, _I, B) => {
    const c = this.c;
    this.stats.interpretedRuns++;
    // The walk may go on into the blocks after this one while the dispatch loop would run them
    // without stopping: no interrupt pending (the walk's forms change nothing the loop checks
    // between blocks) and fewer than its call's budget of instructions run; not when a block
    // is an instruction (singleStep).
    const chain = c.irq || c.stopped || this.opts.singleStep ? 0 : c.loopEnd - c.icount;
    const n = runOnce(c, B.eip, B.phys, (B.mode & 4) !== 0, this.maxInsns, HELPERS.ud, HELPERS.gp0, this.walker, B.mode, chain);
    this.countWalk();
    if (n < 0) {
      // Its first instruction crosses the page end: it runs outside any block, as the dispatch
      // loop runs one at a later visit (stepOutside); a fault is the dispatch loop's to deliver.
      bail(this.stats, 'insn-crosses-page');
      this.stepCounted();
      B.keepsMode = false;
      return 0;
    }
    // Exact when runOnce ran that instruction; when it stopped before it, every instruction it
    // ran kept the mode, and the row's answer can only be false where true is right (the mode
    // key is computed again): safe, not exact.
    B.keepsMode = keepsModeOf(ranOnceLastRow());
    this.walkedInsns += n;
    return n;
  };
  /** Count what the last runOnce ran in WebAssembly (from firstRun, or from the dispatch loop
   *  when it faulted): its instructions, and the blocks after the first, first visits counted as
   *  the dispatch loop and lookup count them (blocks run again there did not look at the cache). */
  private countWalk(): void {
    const s = this.stats, more = ranOnceBlocks(), again = ranOnceAgain();
    s.wasmFirstRunInsns += ranInWasm();
    if (more + again === 0) return;
    s.interpretedRuns += more + again; s.blockRuns += more + again; s.cacheMisses += more; s.firstRuns += more;
    s.wasmChainedBlocks += more; s.wasmAgainRuns += again;
  }
  /** Instructions retired in the first tier so far. */
  private walkedInsns = 0;
  /** The block whose instructions the scratch array WALK holds. */
  private walked: Block | null = null;
  private get maxInsns(): number { return this.opts.singleStep ? 1 : MAX_BLOCK_INSNS; }

  /** Run block `at` through its semantics from the instruction at EIP (where its generated
   *  code left for a guarded access), counting what retires; a fault is delivered by the
   *  dispatch loop with the instructions before it counted. */
  private finishSlowly(at: Block): void {
    const c = this.c, I = at.insns, from = I.findIndex((x) => (x.eip | 0) === (c.eip | 0));
    if (from < 0) { c.icount += this.stepCrossing(); return; }
    c.smc = false;
    try {
      c.icount += interpretBlock(c, I, at.size, HELPERS.ud, HELPERS.gp0, from);
    } catch (e) {
      if (e === FAULT) { const k = I.findIndex((x) => (x.eip | 0) === (c.eip | 0)); if (k > from) c.icount += k - from; }
      throw e;
    }
  }

  /** The generated code of block `b` (or of its region) left SLOW_STEPS_UNGUARD times for an
   *  instruction whose guarded access missed: a TLB that keeps missing there (flushed often),
   *  a page that keeps crossing, a data page holding translated code. Compile it again with the
   *  helpers' slow paths inline instead. */
  private unguard(b: Block): void {
    bail(this.stats, 'unguard');
    const r = b.region;
    if (r === null) { b.unguarded = true; this.compile(b); return; }
    for (const x of r.members) x.unguarded = true;
    if (this.isCurrent(r)) this.rebuild(r, r.members);
  }

  /** Generate the block's JavaScript and make it the block's function. */
  private compile(blk: Block): void {
    const t0 = performance.now();
    const { phys, eip, mode } = blk;
    const insns = this.insnsOf(blk);
    const execs: Exec[] = insns.map((i) => EXEC[i.row.index] ?? EXEC_UD);
    blk.insns = insns; blk.execs = execs;
    const body = emitBlock(insns, { inline: !this.opts.singleStep, countExecutions: this.opts.instrument, mode: accessMode(mode), guard: !blk.unguarded });
    const name = `blk_${(eip >>> 0).toString(16).padStart(8, '0')}`;
    // The compile serial keeps URLs unique when the same bytes are translated again.
    const url = `xenjit://block/${hex(phys)}/${mode}/${this.stats.blocksGenerated}.js`;
    let source = this.wrap(`function ${name}`, body, url);
    if (this.opts.sourceMaps) source += '\n' + sourceMapComment(blockSourceMap(source, insns, url));
    blk.fn = this.instantiate(source, mode);
    blk.source = source;
    blk.compiled = true;
    blk.fE = blk.execs; blk.fI = blk.insns; blk.region = null;
    this.stats.blocksGenerated++;
    this.stats.compileMs += performance.now() - t0;
  }

  /** EFLAGS.TF: run one instruction outside any block, then raise the single-step #DB trap
   *  (SDM vol. 3 §17.3.1.4) with DR6.BS set. Software interrupts deliver their own event. */
  private trapStep(): void {
    const c = this.c;
    bail(this.stats, 'single-step-trap');
    let sem = '';
    try {
      sem = this.peekSem();
      c.icount += this.stepCrossing(); // counted in stats.instructions by run()
    } catch (e) {
      this.faultedOutside(e);
      return;
    }
    if (sem === 'int' || sem === 'int3' || sem === 'into' || sem === 'int1' || c.stopped) return;
    c.dr[6] |= 0x4000;
    const h = c.hooks.interrupt;
    if (!h) { c.stopped = true; c.lastFault = DB; return; }
    try { h(c, DB, -1, false); } catch (e) { if (e !== FAULT) throw e; this.deliverFault(); }
  }

  private peekSem(): string {
    const c = this.c, base = c.sbase[CS], eip = c.eip;
    return decode((k) => fetchByte(c, (base + eip + k) | 0), eip, (c.sattr[CS] & 0x4000) !== 0).row.sem;
  }

  /** Execute one instruction outside any block (it straddles a page, or TF is set). */
  private stepCrossing(): number {
    const c = this.c;
    const base = c.sbase[CS], eip = c.eip;
    const i = decode((k) => fetchByte(c, (base + eip + k) | 0), eip, (c.sattr[CS] & 0x4000) !== 0);
    if (i.invalid) fault(UD);
    if ((i.row.traits & T_PRIV) && c.cpl !== 0) fault(GP, 0);
    if ((i.row.traits & T_IOPL) && c.cpl > ((c.flags & IOPL) >> 12)) fault(GP, 0);
    EXEC[i.row.index](c, i);
    if (!setsEip(i)) c.eip = (eip + i.len) | 0;
    return 1;
  }

  /** Run until `maxInsns` more instructions retire, the CPU halts, or c.stopped is set. */
  run(maxInsns: number): ExitReason {
    const c = this.c, start = c.icount;
    this.crossed = 0;
    const end = c.icount + maxInsns;
    let r: ExitReason | null;
    do {
      while (this.freeMarks.length < MARKS_STOCK) this.stockMarks();
      const d = this.dispatch(end);
      if (d === STEP) { this.stepOutside(); r = null; } else if (d === null || typeof d === 'string') r = d;
      else { if (c.slowStep !== 0) this.leftForSlowStep(d); else this.counted(d); r = null; }
    } while (r === null);
    // Retired in blocks (including the iterations self-looping blocks commit themselves).
    this.stats.instructions += c.icount - start - this.crossed;
    return r;
  }

  /** Compiled block `b` (outside a region) reached a run that regions count: regionAt / 2
   *  (halfAt) or a promotion threshold. */
  private counted(b: Block): void {
    if (b.runs === this.regionHalf) b.halfAt = this.c.icount;
    else this.promote(b);
  }

  /** Execute the instruction at EIP outside any block (it crosses a page: lookup formed no
   *  block), delivering its fault as the dispatch loop would. Outside the dispatch loop for
   *  the same reason as `counted`: the loop, optimized before the first such instruction (or
   *  with the few executors seen by then inlined), was deoptimized there ("wrong call target"
   *  in two of eight fresh cold-benchmark runs, in its 3rd and 6th slices). */
  private stepOutside(): void {
    try {
      this.stepCounted();
    } catch (e) {
      this.faultedOutside(e);
    }
  }

  /** stepCrossing, its instruction counted as retired outside blocks (`crossed`). */
  private stepCounted(): void {
    const k = this.stepCrossing();
    this.c.icount += k; this.crossed += k;
  }

  /** Block `b`'s generated code (or its region's) left before an instruction whose guarded
   *  access missed (c.slowStep: the member, 1-based): the rest of the block runs through its
   *  semantics from that instruction on, and code that keeps leaving is compiled again without
   *  guards (unguard). */
  private leftForSlowStep(b: Block): void {
    const c = this.c;
    const at = b.region !== null ? b.region.members[c.slowStep - 1] : b;
    c.slowStep = 0; bail(this.stats, 'guarded-access');
    if (++(b.region ?? b).slowSteps === SLOW_STEPS_UNGUARD) this.unguard(b);
    try {
      this.finishSlowly(at);
    } catch (e) {
      this.faultedOutside(e);
    }
  }

  /** Deliver a CPU fault `e` raised by an instruction run outside the dispatch loop's blocks
   *  (its retired count already fixed up); anything else is rethrown. */
  private faultedOutside(e: unknown): void {
    if (e !== FAULT) throw e;
    this.stats.faults++;
    this.deliverFault();
  }

  /** Instructions of this run executed outside blocks (page-crossing instructions). */
  private crossed = 0;

  /** Run blocks until `end` (or halt or stop); null after DISPATCH_BATCH block runs: call again. */
  private dispatch(end: number): ExitReason | null | Block | typeof STEP {
    const c = this.c, s = this.stats;
    // Each call of a block or region function may retire at most CALL_BUDGET instructions.
    let callEnd = Math.min(end, c.icount + CALL_BUDGET);
    c.loopEnd = callEnd;
    let prev: Block | null = null, mode = 0;
    for (let batch = 0; c.icount < end; batch++) {
      if (batch === DISPATCH_BATCH) return null;
      if (c.icount >= callEnd) { callEnd = Math.min(end, c.icount + CALL_BUDGET); c.loopEnd = callEnd; }
      if (c.halted) return 'halt';
      if (stopRequested(c)) return 'stop';
      if (c.irq && c.hooks.interruptWindow) { c.hooks.interruptWindow(c); prev = null; if (c.halted || c.stopped) continue; }
      if (c.flags & TF) { this.trapStep(); prev = null; continue; }
      let b: Block | null = null;
      try {
        const p = prev as Block | null;
        // A block that keeps the mode ends in a near transfer or falls through past no
        // block-ending state change: the mode stands after it
        // (not after a region, which may have left through any of its members).
        if (p === null || !p.keepsMode || p.region !== null) mode = this.modeKey();
        if (p !== null && p.succ !== null && p.succEip === c.eip && p.succGen === c.tlbGen && p.succ.valid && p.succ.mode === mode) {
          b = p.succ; s.chainHits++;
        } else if (p !== null && p.succ2 !== null && p.succEip2 === c.eip && p.succGen2 === c.tlbGen && p.succ2.valid && p.succ2.mode === mode) {
          b = p.succ2; s.chainHits++;
        } else {
          b = this.lookup(mode);
          if (p !== null && b !== null && p.chainable && p.valid && (p.phys >>> 12) === (b.phys >>> 12)) {
            // Keep the most recent successor in the first slot, the previous one in the second.
            p.succEip2 = p.succEip; p.succ2 = p.succ; p.succGen2 = p.succGen;
            p.succEip = c.eip; p.succ = b; p.succGen = c.tlbGen;
          }
        }
        if (b === null) return STEP;
        // A region left for a compiled block of its page: count it (regrow).
        if (p !== null && p.region !== null && b.region === null && b.compiled && (b.phys >>> 12) === (p.phys >>> 12) && b.mode === p.mode &&
          ++p.region.missed === p.region.regrowAt) this.regrow(p.region);
        c.smc = false;
        const n = b.fn(b.fE, b.fI, b);
        c.icount += n; s.blockRuns++;
        // The code left before an instruction whose guarded access missed: run() finishes
        // the block (slowly), outside this loop as for `counted`.
        if (c.slowStep !== 0) return b;
        // A compiled block's run that matters to regions (halfAt, promote) goes back to run()
        // (counted): this loop is optimized long before the first block gets that hot, and code
        // it had never run (a property access, a call) would deoptimize it there, leaving it
        // unoptimized until V8 had compiled it again (the cold benchmark: five of its first
        // ten 1 000-function slices).
        if (b.region === null && b.compiled) {
          const k = ++b.runs;
          if (k === this.regionHalf || k === this.opts.regionAt || k === STILL_HOT * this.opts.regionAt) return b;
        }
        prev = b;
      } catch (e) {
        if (e !== FAULT) throw e;
        prev = null;
        s.faults++;
        // (runOnce counted the transient block's retired instructions itself.)
        if (b === this.transient) this.countWalk();
        else if (b !== null) {
          // A region retired its finished members itself; count the running one's.
          const at = b.region !== null ? b.region.members[b.region.faultAt] : b;
          // (A block without instructions of its own ran the first tier's scratch ones.)
          const k = (at.insns.length ? at.insns : WALK).findIndex((x) => (x.eip | 0) === (c.eip | 0));
          if (k > 0) c.icount += k;
        }
        this.deliverFault();
      }
    }
    return 'budget';
  }

  /** What the code cache holds now: blocks and the characters of their generated source. */
  cacheSize(): { blocks: number; sourceChars: number } {
    let chars = 0;
    for (const b of this.blocks) chars += b.source.length;
    for (const rm of this.regions.values()) for (const r of rm.values()) chars += r.source.length;
    return { blocks: this.blockCount, sourceChars: chars };
  }

  private deliverFault(): void {
    const c = this.c;
    const { vector, error, address } = FAULT;
    if (vector === PF_) c.cr2 = address;
    const h = c.hooks.interrupt;
    if (!h) { c.stopped = true; c.lastFault = vector; return; }
    try { h(c, vector, error, false); } catch (e) {
      if (e !== FAULT) throw e;
      // Delivery itself faulted and the hook let it escape: stop the CPU rather than loop.
      c.stopped = true; c.lastFault = FAULT.vector;
    }
  }
}

/** `cands` in order, each that still fits: a region holds at most MAX_REGION_INSNS instructions. */
function fitting(cands: Block[]): Block[] {
  const out: Block[] = [];
  let n = 0;
  for (const x of cands) if (n + x.insns.length <= MAX_REGION_INSNS) { out.push(x); n += x.insns.length; }
  return out;
}

/** Whether a block ending in `last` leaves the mode key as it found it: it ends in a near
 *  transfer (or falls through) past no block-ending state change. */
function keepsMode(last: Insn): boolean { return keepsModeOf(last.ri); }
function keepsModeOf(ri: number): boolean {
  return ri >= 0 ? KEEPS_MODE[ri] === 1 : KEEPS_MODE_UD;
}

const EXEC_UD: Exec = () => fault(UD);
const NO_INSNS: Insn[] = [], NO_EXECS: Exec[] = [];
/** Block runs per call of Jit.dispatch, and guest instructions per call of a block or region
 *  function (c.loopEnd). V8 runs without on-stack replacement (host-flags.ts), so a function
 *  gets to its optimized code only when it is called again: a new region ran a whole slice
 *  (up to a million instructions, 20-50 ms) unoptimized before it could switch, and the
 *  dispatch loop ran all of the cold benchmark's 30 000 first runs in one unoptimized call
 *  (bounding that changed no cold timing measurably). */
const DISPATCH_BATCH = 4096, CALL_BUDGET = 65536;
/** Cleared code marks kept for reuse (Jit.freeMarks): 288 KiB at most. */
const MAX_FREE_MARKS = 64;
/** Pages' code marks allocated at once (code-marks.ts marksSlab): 72 KiB. */
const MARKS_SLAB = 16;
/** Free code marks run() keeps before each call of the dispatch loop (stockMarks): enough for
 *  the new code pages of a batch of block runs (the cold benchmark: ~30 per batch). */
const MARKS_STOCK = 48;
/** Guest instructions per run (from its run regionAt/2) above which a block does not build or
 *  rebuild its page's region (promote). */
const LUKEWARM = 1000;
/** Misses of guarded accesses after which a block's or region's code is compiled again without
 *  guards (Jit.unguard): a miss costs a return to the dispatch loop and an instruction through
 *  its semantics (~1-2 us), a helper's slow path a call (~0.1 us). */
const SLOW_STEPS_UNGUARD = 64;
/** A block outside its page's region that reaches this many times `regionAt` runs rebuilds the
 *  region (promote). */
const STILL_HOT = 2;
/** What dispatch returns for an instruction to be run outside any block (Jit.stepOutside). */
const STEP = 'step';
/** The first tier's scratch block: formed into again for every walk of another block. */
const WALK: Insn[] = [];
/** What a mode key (Jit.modeKey) lets generated code assume. */
function accessMode(mode: number): AccessMode {
  return { flatData: (mode & 32) !== 0, stack32: (mode & 8) !== 0, flatCode: (mode & 16) !== 0 };
}
function stopRequested(c: Cpu): boolean { return c.stopped; }
