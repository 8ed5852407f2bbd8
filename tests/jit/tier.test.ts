// The first tier: blocks run through their semantics until they have run `tierUp` times, then
// as generated JavaScript. Whatever the threshold, a guest ends in the same state after the
// same instructions; the counters say which tier ran.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBare } from '../../src/cli/bare.ts';
import { runKernel } from '../support/pv.ts';
import { defaultPlugins } from '../../runtime/plugins.ts';

const here = dirname(fileURLToPath(import.meta.url));
const demoBin = readFileSync(join(here, '..', 'guests', 'demo.bin'));

describe('first tier (interpreted) then compiled blocks', () => {
  it('gives the same guest state and counts at every threshold (bare demo guest)', () => {
    // (sparseTierUp 0: every block is compiled at tierUp however sparsely it runs; the
    // density rule has its own test below.)
    const runs = [0, 1, 2, 7, 20, 1_000_000].map((tierUp) => ({ tierUp, r: runBare(demoBin, 100_000_000, { tierUp, sparseTierUp: 0 }) }));
    const ref = runs[0].r;
    expect(ref.exit).toBe('halt');
    for (const { tierUp, r } of runs) {
      expect([tierUp, r.output, r.cpu.icount, [...r.cpu.regs], r.cpu.eip]).toEqual([tierUp, ref.output, ref.cpu.icount, [...ref.cpu.regs], ref.cpu.eip]);
      const s = r.jit.stats;
      // Block runs differ (a compiled self-looping block iterates inside one run); retired
      // instructions do not.
      expect(s.instructions).toBe(ref.jit.stats.instructions);
      if (tierUp === 0) expect([s.interpretedRuns, s.blocksGenerated]).toEqual([0, s.blocksCompiled]);
      // Every block runs interpreted until its tierUp-th run (that run included), then compiled.
      // (A block translated for the first time runs once uncached: firstRuns; blocks the
      // first-visit walk ran again between first visits, from their bytes: wasmAgainRuns.)
      else expect(s.interpretedRuns).toBe(s.firstRuns + s.wasmAgainRuns + [...r.jit.blocks].reduce((a, b) => a + Math.min(b.runs, tierUp), 0));
      if (tierUp === 1_000_000) expect(s.blocksGenerated).toBe(0);
    }
  });
  it('PV kernels pass with the default threshold and with none (events, time, traps, smc)', () => {
    for (const k of ['events', 'time', 'traps', 'smc']) {
      const outs = [0, undefined].map((tierUp) => {
        const r = runKernel(join(here, '..', 'guests', 'pv', `${k}.elf`), { plugins: defaultPlugins({ clock: 'virtual' }), jit: { tierUp } });
        return { out: r.output, end: r.end, n: r.machine.domain.cpu.icount };
      });
      expect(outs[0].end).toBe('poweroff');
      expect(outs[0].out).toContain('PASS');
      expect(outs[1]).toEqual(outs[0]);
    }
  });
});

describe('blocks that run sparsely', () => {
  // mov ebx, 450; X: add eax, 1; mov ecx, N; L: dec ecx; jnz L; dec ebx; jnz X; hlt. X and the
  // block at 0x1010 run once per 2N + 4 instructions, the loop L every 2.
  const program = async (inner: number, opts: { sparseTierUp: number }) => {
    const { Cpu } = await import('../../src/cpu/state.ts');
    const { setFlatSegments } = await import('../../src/cpu/flat.ts');
    const { Jit } = await import('../../jit/jit.ts');
    const { EAX, EBX, ECX, ESP } = await import('../../src/cpu/regs.ts');
    const c = new Cpu(1 << 20);
    setFlatSegments(c, 0);
    c.mem.set([
      0xbb, 0xc2, 0x01, 0x00, 0x00, //                              1000: mov ebx, 450
      0x83, 0xc0, 0x01, //                                          1005: X: add eax, 1
      0xb9, inner & 0xff, (inner >> 8) & 0xff, 0x00, 0x00, //       1008: mov ecx, inner
      0x49, 0x75, 0xfd, //                                          100d: L: dec ecx; jnz L
      0x4b, 0x75, 0xf2, //                                          1010: dec ebx; jnz X
      0xf4, //                                                      1013: hlt
    ], 0x1000);
    c.eip = 0x1000; c.regs[ESP] = 0x8000;
    const jit = new Jit(c, { tierUp: 200, ...opts });
    expect(jit.run(100_000_000)).toBe('halt');
    expect([c.regs[EAX], c.regs[EBX], c.regs[ECX], c.icount]).toEqual([450, 0, 0, 1 + 450 * (2 * inner + 4) + 1]);
    return { s: jit.stats, compiled: new Map(jit.blocks.map((b) => [b.eip, b.compiled])) };
  };

  it('stay in the first tier until sparseTierUp when they are a small share of the time; the guest sees no difference', async () => {
    // 60 004 instructions apart: X's and 0x1010's first-tier runs are well under 1/100 of the
    // (estimated) time, so they wait for sparseTierUp (400 here) runs; the loop does not wait.
    const sparse = await program(30000, { sparseTierUp: 400 }), plain = await program(30000, { sparseTierUp: 0 });
    expect(sparse.s.sparseBlocks).toBe(2);
    expect(plain.s.sparseBlocks).toBe(0);
    expect(sparse.s.interpretedRuns - plain.s.interpretedRuns).toBe(2 * 200);
    for (const eip of [0x1005, 0x100d, 0x1010]) expect([eip, sparse.compiled.get(eip)]).toEqual([eip, true]);
    expect(sparse.s.blocksGenerated).toBe(plain.s.blocksGenerated);
  });

  it('are compiled at tierUp when their first-tier runs are a noticeable share of the time', async () => {
    // 3 004 instructions apart (more than DENSE_GAP) but a few per cent of the time.
    const r = await program(1500, { sparseTierUp: 400 }), plain = await program(1500, { sparseTierUp: 0 });
    expect(r.s.sparseBlocks).toBe(0);
    expect(r.s.interpretedRuns).toBe(plain.s.interpretedRuns);
  });
});

describe('first tier scratch block', () => {
  it('an instruction crossing a page between two runs of an interpreted block does not clobber it', async () => {
    const { Cpu } = await import('../../src/cpu/state.ts');
    const { setFlatSegments } = await import('../../src/cpu/flat.ts');
    const { Jit } = await import('../../jit/jit.ts');
    const { EAX, ECX, ESP } = await import('../../src/cpu/regs.ts');
    const c = new Cpu(1 << 20);
    setFlatSegments(c, 0);
    // 0x1ff9: mov ecx, 5; 0x1ffe: mov edx, 0x12345678 (crosses into 0x2000: run outside blocks);
    // 0x2003: add eax, 3; dec ecx; jnz 0x1ffe; hlt. The loop block at 0x2003 is the one the
    // first tier formed last whenever the crossing instruction (which forms nothing) runs.
    c.mem.set([0xb9, 5, 0, 0, 0, 0xba, 0x78, 0x56, 0x34, 0x12, 0x83, 0xc0, 0x03, 0x49, 0x75, 0xf5, 0xf4], 0x1ff9);
    c.eip = 0x1ff9; c.regs[ESP] = 0x8000;
    const jit = new Jit(c, { tierUp: 1000 });
    expect(jit.run(10_000)).toBe('halt');
    expect([c.regs[EAX], c.regs[ECX], c.regs[2]]).toEqual([15, 0, 0x12345678]);
    expect(c.icount).toBe(1 + 5 * 4 + 1);
  });
});
