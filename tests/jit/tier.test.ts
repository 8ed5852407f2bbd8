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
    const runs = [0, 1, 2, 7, 20, 1_000_000].map((tierUp) => ({ tierUp, r: runBare(demoBin, 100_000_000, { tierUp }) }));
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
      else expect(s.interpretedRuns).toBe([...r.jit.blocks].reduce((a, b) => a + Math.min(b.runs, tierUp), 0));
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
