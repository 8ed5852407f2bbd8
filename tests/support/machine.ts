// Shared test fixtures: a flat protected-mode machine with a recording interrupt hook, page
// table builders for 32-bit paging and PAE paging, and a snapshot of the architectural state
// for comparing runs.
import { Cpu } from '../../src/cpu/state.ts';
import { setFlatSegments } from '../../src/cpu/flat.ts';
import { getFlags } from '../../src/cpu/flags.ts';
import { writeCr0, writeCr3, writeCr4 } from '../../src/cpu/paging.ts';
import { CR0_PG, CR0_WP, CR4_PAE, CR4_PSE, CR4_PGE, EFER_NXE, ESP } from '../../src/cpu/regs.ts';
import { Jit } from '../../jit/jit.ts';
import { FAULT } from '../../src/cpu/fault.ts';

/** Page-table entry bits (SDM vol. 3 §4.3, §4.4). */
export const P = 0x1, RW = 0x2, US = 0x4, PWT = 0x8, PCD = 0x10, A = 0x20, D = 0x40, PS = 0x80, G = 0x100;
/** XD (bit 63) as seen in the high dword of a PAE entry. */
export const XD_HI = 0x80000000 | 0;

/** One exception or interrupt as the hook saw it. */
export interface Event { vector: number; error: number; eip: number; cr2: number; soft: boolean }

/** Install an interrupt hook that records every event and stops the dispatch loop. */
export function recordEvents(c: Cpu): Event[] {
  const events: Event[] = [];
  c.hooks.interrupt = (cpu, vector, error, soft) => {
    events.push({ vector, error, eip: cpu.eip, cr2: cpu.cr2, soft });
    cpu.stopped = true;
  };
  return events;
}

export interface Machine { c: Cpu; jit: Jit; events: Event[] }

/** A CPU with flat segments at `cpl`, a JIT and a recording hook. */
export function machine(opts: { mem?: number; cpl?: number; singleStep?: boolean; eip?: number; esp?: number; cacheFirstRun?: boolean } = {}): Machine {
  const c = new Cpu(opts.mem ?? 1 << 22);
  setFlatSegments(c, opts.cpl ?? 0);
  c.eip = opts.eip ?? 0;
  c.regs[ESP] = opts.esp ?? 0;
  const jit = new Jit(c, { singleStep: opts.singleStep ?? false, cacheFirstRun: opts.cacheFirstRun ?? false });
  return { c, jit, events: recordEvents(c) };
}

/** Bump allocator of zeroed 4 KiB physical frames, for page tables. */
export class FrameAllocator {
  constructor(private readonly c: Cpu, private next: number) {}
  alloc(): number {
    const pa = this.next;
    this.next += 0x1000;
    this.c.mem.fill(0, pa, pa + 0x1000);
    return pa;
  }
}

const u32 = (x: number): number => x >>> 0;

/** 32-bit paging (two levels of 1024 four-byte entries). Tables come from `frames`. */
export class Tables32 {
  readonly cr3: number;
  constructor(readonly c: Cpu, readonly frames: FrameAllocator) { this.cr3 = frames.alloc(); }
  pdeAddr(lin: number): number { return this.cr3 + ((lin >>> 22) << 2); }
  pde(lin: number): number { return u32(this.c.view.getInt32(this.pdeAddr(lin), true)); }
  setPde(lin: number, v: number): void { this.c.view.setInt32(this.pdeAddr(lin), v, true); }
  /** Address of the PTE for `lin` (the PDE must point to a table). */
  pteAddr(lin: number): number { return (this.pde(lin) & ~0xfff) + (((lin >>> 12) & 0x3ff) << 2); }
  pte(lin: number): number { return u32(this.c.view.getInt32(this.pteAddr(lin), true)); }
  setPte(lin: number, v: number): void { this.c.view.setInt32(this.pteAddr(lin), v, true); }
  /** Map one 4 KiB page; the PDE gets `pdeFlags` (default P|RW|US) when it is created. */
  map(lin: number, phys: number, flags: number, pdeFlags = P | RW | US): void {
    if (!(this.pde(lin) & P) || (this.pde(lin) & PS)) this.setPde(lin, this.frames.alloc() | pdeFlags);
    this.setPte(lin, (phys & ~0xfff) | flags);
  }
  /** Map one 4 MiB page (needs CR4.PSE). */
  map4M(lin: number, phys: number, flags: number): void { this.setPde(lin, (phys & 0xffc00000) | flags | PS); }
}

/** PAE paging: 4 PDPTEs, then 512-entry directories and tables of eight-byte entries. */
export class TablesPae {
  readonly cr3: number;
  constructor(readonly c: Cpu, readonly frames: FrameAllocator) {
    // The PDPT needs 32-byte alignment only; a whole frame keeps things simple.
    this.cr3 = frames.alloc();
  }
  private lo(pa: number): number { return u32(this.c.view.getInt32(pa, true)); }
  private hi(pa: number): number { return u32(this.c.view.getInt32(pa + 4, true)); }
  private set(pa: number, lo: number, hi: number): void { this.c.view.setInt32(pa, lo, true); this.c.view.setInt32(pa + 4, hi, true); }
  pdpteAddr(lin: number): number { return this.cr3 + ((lin >>> 30) << 3); }
  pdpte(lin: number): number { return this.lo(this.pdpteAddr(lin)); }
  setPdpte(lin: number, lo: number, hi = 0): void { this.set(this.pdpteAddr(lin), lo, hi); }
  pdeAddr(lin: number): number { return (this.pdpte(lin) & ~0xfff) + (((lin >>> 21) & 0x1ff) << 3); }
  pde(lin: number): number { return this.lo(this.pdeAddr(lin)); }
  pdeHi(lin: number): number { return this.hi(this.pdeAddr(lin)); }
  setPde(lin: number, lo: number, hi = 0): void { this.set(this.pdeAddr(lin), lo, hi); }
  pteAddr(lin: number): number { return (this.pde(lin) & ~0xfff) + (((lin >>> 12) & 0x1ff) << 3); }
  pte(lin: number): number { return this.lo(this.pteAddr(lin)); }
  pteHi(lin: number): number { return this.hi(this.pteAddr(lin)); }
  setPte(lin: number, lo: number, hi = 0): void { this.set(this.pteAddr(lin), lo, hi); }
  private ensurePdpte(lin: number): void {
    if (!(this.pdpte(lin) & P)) this.setPdpte(lin, this.frames.alloc() | P);
  }
  /** Map one 4 KiB page; `hi` is the entry's high dword (XD, physical bits 35:32). */
  map(lin: number, phys: number, flags: number, hi = 0, pdeFlags = P | RW | US, pdeHi = 0): void {
    this.ensurePdpte(lin);
    if (!(this.pde(lin) & P) || (this.pde(lin) & PS)) this.setPde(lin, this.frames.alloc() | pdeFlags, pdeHi);
    this.setPte(lin, (phys & ~0xfff) | flags, hi);
  }
  /** Map one 2 MiB page. */
  map2M(lin: number, phys: number, flags: number, hi = 0): void {
    this.ensurePdpte(lin);
    this.setPde(lin, (phys & 0xffe00000) | flags | PS, hi);
  }
}

/** Turn paging on with the given tables and options (the writes a guest's MOV CRn would do). */
export function enablePaging(c: Cpu, cr3: number, o: { pae?: boolean; pse?: boolean; pge?: boolean; wp?: boolean; nxe?: boolean } = {}): void {
  c.efer = o.nxe ? EFER_NXE : 0;
  writeCr4(c, (o.pae ? CR4_PAE : 0) | (o.pse ? CR4_PSE : 0) | (o.pge ? CR4_PGE : 0));
  writeCr3(c, cr3);
  const cr0 = c.cr0 | CR0_PG;
  writeCr0(c, o.wp ? cr0 | CR0_WP : cr0 & ~CR0_WP);
}

/** Architectural state a guest can observe (without memory). */
export interface Snapshot {
  regs: number[]; eip: number; eflags: number; icount: number; cr2: number; halted: boolean; stopped: boolean;
}
export function snapshot(c: Cpu): Snapshot {
  return {
    regs: Array.from(c.regs, u32), eip: u32(c.eip), eflags: u32(getFlags(c)), icount: c.icount,
    cr2: u32(c.cr2), halted: c.halted, stopped: c.stopped,
  };
}

/** Hex dump of bytes, for failure messages. */
export const hexBytes = (b: ArrayLike<number>): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

/** Deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Run `fn` and return the exception it raised (a copy of the CpuFault), or null. */
export function faultOf(fn: () => unknown): { vector: number; error: number; address: number } | null {
  try { fn(); } catch (e) {
    if (e !== FAULT) throw e;
    return { vector: FAULT.vector, error: FAULT.error, address: FAULT.address >>> 0 };
  }
  return null;
}
