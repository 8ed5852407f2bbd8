// A code page's marks: which of its bytes some block was translated from (a store to any of
// them drops the page's blocks; a store to its other bytes is data sharing the page), as a
// bitmap, and per block start offset the mode key + 1 of the last block formed there (the
// translator's first-visit test). Marking a block's bytes is a few word operations per
// contiguous run; a byte per byte cost ~6% of the cold benchmark's time.
import { type Cpu, TRANSLATOR_ARENA_BYTES } from '../src/cpu/state.ts';

export class PageMarks {
  /** Bit b of word w: byte w * 32 + b holds translated code. */
  readonly bits: Uint32Array;
  /** At a block start offset: the mode key + 1 of the block last formed there, else 0. */
  readonly visits: Uint8Array;
  /** Where `visits` starts in the CPU's memory when the marks are in its translator arena (the
   *  first-visit walk reads and sets them there: first-run-wasm.ts), else 0. */
  readonly inCpu: number;
  constructor(buf = new ArrayBuffer(MARKS_BYTES), at = 0, inCpu = false) {
    this.visits = new Uint8Array(buf, at, 4096);
    this.bits = new Uint32Array(buf, at + 4096, 128);
    this.inCpu = inCpu ? at : 0;
  }
  clear(): void { this.visits.fill(0); this.bits.fill(0); }
}

/** Bytes of one page's marks. */
const MARKS_BYTES = 4096 + 512;

/** How much of each CPU's translator arena (state.ts Cpu.arenaAt) slabs have taken. */
const arenaUsed = new WeakMap<Cpu, number>();

/** Marks for `count` pages in one buffer: in the CPU's translator arena while it has room (a
 *  CPU without WebAssembly memory has no walk to read them there), else a new buffer, a zeroed
 *  allocation outside V8's heap (and external memory that paces its collector); one per code
 *  page was 3% of the cold benchmark's time in a warmed process. */
export function marksSlab(c: Cpu, count: number): PageMarks[] {
  const used = arenaUsed.get(c) ?? 0, bytes = count * MARKS_BYTES;
  if (c.memory !== null && used + bytes <= TRANSLATOR_ARENA_BYTES) {
    arenaUsed.set(c, used + bytes);
    const buf = c.memory.buffer, at = c.arenaAt + used;
    return Array.from({ length: count }, (_, k) => new PageMarks(buf, at + k * MARKS_BYTES, true));
  }
  const buf = new ArrayBuffer(bytes);
  return Array.from({ length: count }, (_, k) => new PageMarks(buf, k * MARKS_BYTES));
}

/** Mark bytes [a, e) of the page (0 <= a < e <= 4096) as translated code. */
export function markRange(bits: Uint32Array, a: number, e: number): void {
  let w = a >>> 5;
  const last = (e - 1) >>> 5;
  const lo = -1 << (a & 31), hi = -1 >>> (31 - ((e - 1) & 31));
  if (w === last) { bits[w] |= lo & hi; return; }
  bits[w] |= lo;
  for (w++; w < last; w++) bits[w] = -1;
  bits[last] |= hi;
}

/** Whether any byte of [a, e) of the page (0 <= a, e <= 4096) is marked. */
export function anyMarked(bits: Uint32Array, a: number, e: number): boolean {
  if (e <= a) return false;
  let w = a >>> 5;
  const last = (e - 1) >>> 5;
  const lo = -1 << (a & 31), hi = -1 >>> (31 - ((e - 1) & 31));
  if (w === last) return (bits[w] & lo & hi) !== 0;
  if ((bits[w] & lo) !== 0) return true;
  for (w++; w < last; w++) if (bits[w] !== 0) return true;
  return (bits[last] & hi) !== 0;
}
