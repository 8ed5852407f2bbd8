// Guarded accesses (jit/memory-access.ts AccessGuard): an instruction's only flat access is
// tested before the instruction, and a miss leaves the generated code for the dispatch loop,
// which runs the rest of the block through its semantics. A block or region that keeps missing
// is compiled again with the helpers' slow paths inline. Either way the result is single-step's.
import { describe, it, expect } from 'vitest';
import { EAX, ECX, ESI } from '../../src/cpu/regs.ts';
import { snapshot } from '../support/machine.ts';
import { CODE, RO, setup, ev } from './precise-frame.ts';

// L: mov eax, [esi] ; add [esi+4], eax ; add esi, 0x1000 ; dec ecx ; jnz L ; int3
// Every iteration reads and updates a page it has not touched: its TLB entries miss.
const WALK = [0x8b, 0x06, 0x01, 0x46, 0x04, 0x81, 0xc6, 0x00, 0x10, 0x00, 0x00, 0x49, 0x75, 0xf2, 0xcc];
const START = 0x00200000; // (the page tables are at 0x100000)

function walk(singleStep: boolean, pages: number, start = START) {
  const m = setup(singleStep);
  const { c } = m;
  c.mem.set(WALK, CODE);
  for (let p = 0; p < pages; p++) if (start + (p << 12) !== RO) c.view.setInt32(start + (p << 12), 0x1000 + p, true);
  c.regs[ESI] = start; c.regs[ECX] = pages; c.regs[EAX] = 0; c.eip = CODE;
  m.jit.run(10_000);
  return m;
}

/** The source of every compiled function holding the block at `eip`. */
const sourcesAt = (m: ReturnType<typeof setup>, eip: number): string =>
  m.jit.blocks.filter((b) => b.valid && b.eip === eip && b.compiled).map((b) => b.region?.source ?? b.source).join('\n');

describe('guarded accesses', () => {
  it('leave the code at the instruction whose access misses; the rest of the block runs slowly with the same result', () => {
    const a = walk(false, 10), b = walk(true, 10);
    expect(snapshot(a.c)).toEqual(snapshot(b.c));
    expect(ev(a.events)).toEqual(ev(b.events));
    expect(Buffer.compare(a.c.mem, b.c.mem)).toBe(0);
    expect(a.c.view.getInt32(START + 4, true)).toBe(0x1000);
    // The read's guard and the update's (a write-TLB test, then the bare load and store).
    const src = sourcesAt(a, CODE);
    expect(src).toMatch(/e = rt\[l >>> 12\]; if \(e === 0 \|\| \(l & 0xfff\) > 0xffc\) \{[^}]*c\.slowStep = \d+;/);
    expect(src).toMatch(/e = wt\[l >>> 12\]; if \(e === 0 \|\| \(l & 0xfff\) > 0xffc\)/);
    expect(src).toMatch(/v\.setInt32\(e \| \(l & 0xfff\), t, true\);/);
    // Each new page misses at the load (the update's write entry is filled by the slow run).
    expect(a.jit.stats.bailouts['guarded-access']).toBe(10);
    expect(a.jit.stats.instructions).toBe(b.jit.stats.instructions);
    expect(a.c.icount).toBe(b.c.icount);
  });

  it('are compiled away where they keep missing (64 times): the helper paths take over', () => {
    const a = walk(false, 100), b = walk(true, 100);
    expect(snapshot(a.c)).toEqual(snapshot(b.c));
    expect(Buffer.compare(a.c.mem, b.c.mem)).toBe(0);
    expect(a.c.regs[ECX]).toBe(0);
    expect(a.jit.stats.bailouts['guarded-access']).toBe(64);
    expect(a.jit.stats.bailouts.unguard).toBe(1);
    const src = sourcesAt(a, CODE);
    expect(src).not.toMatch(/slowStep/);
    expect(src).toMatch(/H\.rd32\(c, 3, l\)/);
  });

  it('a fault in the slow run is delivered at its instruction, each instruction counted once', () => {
    // The walk reaches the read-only page on its 11th page: the update faults in the slow run
    // after its load (a miss) left the code.
    const a = walk(false, 11, RO - 0xa000), b = walk(true, 11, RO - 0xa000);
    expect(a.jit.stats.bailouts['guarded-access']).toBe(11);
    expect(ev(a.events)).toEqual(ev(b.events));
    expect(ev(a.events)[0].slice(0, 3)).toEqual([14, 7, CODE + 2]);
    expect(snapshot(a.c)).toEqual(snapshot(b.c));
    expect(a.c.icount).toBe(b.c.icount);
  });
});
