// The architectural state of one i686 processor (SDM vol. 3 ch. 2) plus the software
// caches that stand for hardware ones (segment descriptor caches, TLB).
import { CS, DS, ES, FS, GS, SS, FLAGS_FIXED1 } from './regs.ts';

/** Segment descriptor cache entry; attr holds descriptor bits 40..55 (type, S, DPL, P, AVL, L, D/B, G). */
export const ATTR_P = 0x80, ATTR_S = 0x10, ATTR_DB = 0x4000, ATTR_G = 0x8000;
export const attrDpl = (attr: number): number => (attr >> 5) & 3;

/** How events leave the CPU core: the embedder decides what an exception or interrupt does. */
export interface CpuHooks {
  /** Deliver exception/interrupt `vector` (error -1: none). `soft` marks INT n/INT3/INTO (their
   *  EIP is the next instruction and the gate DPL is checked). Return normally to continue. */
  interrupt?(c: Cpu, vector: number, error: number, soft: boolean): void;
  ioRead?(port: number, size: number): number;
  ioWrite?(port: number, size: number, value: number): void;
  /** CPUID leaf/subleaf: fill c.regs EAX..EDX. */
  cpuid?(c: Cpu, leaf: number, sub: number): boolean;
  /** Called at an instruction boundary between blocks while c.irq is set (an interrupt line:
   *  the embedder delivers whatever is pending, e.g. an event upcall, and clears c.irq). */
  interruptWindow?(c: Cpu): void;
  /** Called after a store of `len` bytes at physical `pa` in a page that holds translated code. */
  codeWrite?(pa: number, len: number): void;
}

export const TLB_CAPACITY = 8192;
/** The CPU's WebAssembly memory (Cpu.memory), so that WebAssembly code can address its state
 *  in place: the general registers at 0, the segment registers and their caches at SEG_OFFSET,
 *  what the translator's WebAssembly keeps next to them (jit/first-run-wasm.ts) below 64 KiB,
 *  the six TLB tables from TLB_OFFSET, RAM from RAM_OFFSET; after RAM (and 64 bytes), the
 *  per-page marksAt table and the translator's arena (arenaAt). */
export const SEG_OFFSET = 576, TLB_OFFSET = 65536, RAM_OFFSET = TLB_OFFSET + 6 * 4 * (1 << 20);
/** Bytes of the translator's arena: room in the CPU's memory for its per-page code marks
 *  (jit/code-marks.ts), which its WebAssembly reads; reserved address space, backed by the host
 *  only where it is written. */
export const TRANSLATOR_ARENA_BYTES = 18 << 20;

export class Cpu {
  /** EAX..EDI, at the start of `memory` (WebAssembly code reads and writes them in place). */
  readonly regs: Int32Array;
  eip = 0;

  // EFLAGS: `flags` holds every bit except those in `lmask`, which are computed on demand from
  // the lazy record (lop, la, lb, lres, lsz, lcin) of the last flag-setting operation.
  flags = FLAGS_FIXED1;
  lop = 0; la = 0; lb = 0; lres = 0; lsz = 4; lcin = 0; lmask = 0;

  // Segment registers and their hidden descriptor caches (SDM vol. 3 §3.4.3).
  readonly sel: Int32Array;
  readonly sbase: Int32Array;
  /** Effective limit: the highest valid offset (already scaled by G). Unsigned in an int. */
  readonly slimit: Int32Array;
  readonly sattr: Int32Array;
  cpl = 0;

  gdtBase = 0; gdtLimit = 0xffff; idtBase = 0; idtLimit = 0x3ff;
  ldtSel = 0; ldtBase = 0; ldtLimit = 0; ldtAttr = 0;
  trSel = 0; trBase = 0; trLimit = 0; trAttr = 0;

  cr0 = 0x10; cr2 = 0; cr3 = 0; cr4 = 0; efer = 0;
  readonly dr = new Int32Array(8);
  sysenterCs = 0; sysenterEsp = 0; sysenterEip = 0;
  /** Time-stamp counter base (RDTSC adds retired instructions). */
  tsc = 0n;
  /** Retired instruction count, maintained by the executor. */
  icount = 0;
  halted = false;
  /** Interrupt request line, checked by the dispatch loop between blocks. */
  irq = false;
  /** A linear window at the top of the address space mapped by the embedder, not by the page
   *  tables (a hypervisor's own area, SDM-neutral): from windowStart up, one entry per 4 KiB
   *  page, physical page + 1 (0: not present), with windowFlags bit 0 writable, bit 1 user. */
  windowStart = 0;
  windowPages: Int32Array | null = null;
  windowFlags: Uint8Array | null = null;
  /** PAE: walk the four PDPTEs as long-mode L3 entries (R/W, U/S, A, D not reserved), as a
   *  64-bit hypervisor runs a 32-bit PAE guest's L3. */
  paeL3LongMode = false;
  /** The retired-instruction count at which the translator's current run ends; a block that
   *  loops on itself inside its generated code stops iterating there. */
  loopEnd = 0;
  /** Set by an embedder's hook to make the dispatch loop return. */
  stopped = false;
  /** Vector of a fault that had no interrupt hook to go to (then stopped is set). */
  lastFault = -1;
  /** Set when a store hit a page holding translated code; the running block stops after it. */
  smc = false;
  /** Set (1) by generated code that left before the instruction at EIP because its guarded
   *  memory access needs the full check (a TLB miss, a page crossing, a page holding translated
   *  code): the dispatch loop runs that instruction through its semantics. */
  slowStep = 0;

  /** The memory RAM and the registers live in, so that WebAssembly code can address them; null
   *  when the host would not give one (then they are in a plain ArrayBuffer). */
  readonly memory: WebAssembly.Memory | null;
  readonly mem: Uint8Array;
  readonly view: DataView;
  readonly memPages: number;
  /** Per physical page: 1 when some translated block was formed from it. */
  readonly codePages: Uint8Array;
  /** Per physical page: where in `memory` the translator keeps the page's code marks, 0 for
   *  none there (jit/code-marks.ts). */
  readonly marksAt: Int32Array;
  /** Where in `memory` the translator's arena starts; its size is TRANSLATOR_ARENA_BYTES (a CPU
   *  without `memory` has none). */
  readonly arenaAt: number;

  // Software TLB (SDM vol. 3 §4.10): per access kind, Int32Array indexed by linear page number
  // holding the physical page's address (0 = no entry; physical page 0 is never entered, so an
  // access's physical address is entry | offset). Supervisor/user x read/write/fetch.
  readonly tlbSR: Int32Array; readonly tlbSW: Int32Array;
  readonly tlbUR: Int32Array; readonly tlbUW: Int32Array;
  readonly tlbSX: Int32Array; readonly tlbUX: Int32Array;
  /** The tables for the current privilege level (CPL 3 = user accesses). */
  rtlb: Int32Array; wtlb: Int32Array; xtlb: Int32Array;
  /** Linear pages with an entry, for cheap flushes; bit 31 of an element marks a global page. */
  readonly tlbFilled = new Int32Array(TLB_CAPACITY);
  tlbCount = 0;
  /** 1 for a linear page in tlbFilled: each is listed once, however often its entries are
   *  dropped (protectCodePage) and filled again. */
  readonly tlbListed = new Uint8Array(1 << 20);
  /** Bumped whenever translations may have changed (flush, CR0/CR3/CR4 write). */
  tlbGen = 0;

  hooks: CpuHooks = {};

  constructor(memBytes: number) {
    if (memBytes <= 0 || memBytes % 4096 !== 0 || memBytes > 0x80000000) throw new RangeError(`memory size ${memBytes} must be a positive multiple of 4096 up to 2 GiB`);
    // 64 bytes past RAM's end, so that a decode reading ahead of RAM's last byte stays inside.
    const ramPages = memBytes >>> 12, marksAtAt = RAM_OFFSET + memBytes + 64;
    const arenaAt = (marksAtAt + 4 * ramPages + 4095) & ~4095;
    let memory: WebAssembly.Memory | null = null, buffer: ArrayBuffer;
    try {
      const pages = Math.ceil((arenaAt + TRANSLATOR_ARENA_BYTES) / 65536);
      memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
      buffer = memory.buffer;
    } catch {
      // No arena: only the translator's WebAssembly reads marks there (code-marks.ts marksSlab).
      buffer = new ArrayBuffer(arenaAt);
    }
    this.memory = memory;
    this.regs = new Int32Array(buffer, 0, 8);
    const seg = (k: number): Int32Array => new Int32Array(buffer, SEG_OFFSET + k * 32, 6);
    this.sel = seg(0); this.sbase = seg(1); this.slimit = seg(2); this.sattr = seg(3);
    const tlb = (k: number): Int32Array => new Int32Array(buffer, TLB_OFFSET + k * 4 * (1 << 20), 1 << 20);
    this.tlbSR = tlb(0); this.tlbSW = tlb(1); this.tlbUR = tlb(2); this.tlbUW = tlb(3); this.tlbSX = tlb(4); this.tlbUX = tlb(5);
    this.mem = new Uint8Array(buffer, RAM_OFFSET, memBytes);
    this.view = new DataView(buffer, RAM_OFFSET, memBytes);
    this.memPages = memBytes >>> 12;
    this.codePages = new Uint8Array(this.memPages);
    this.marksAt = new Int32Array(buffer, marksAtAt, ramPages);
    this.arenaAt = arenaAt;
    this.rtlb = this.tlbSR; this.wtlb = this.tlbSW; this.xtlb = this.tlbSX;
    for (const s of [ES, CS, SS, DS, FS, GS]) { this.slimit[s] = 0xffff; this.sattr[s] = ATTR_P | ATTR_S | 0x3; }
    this.sattr[CS] = ATTR_P | ATTR_S | 0xb;
  }
}
