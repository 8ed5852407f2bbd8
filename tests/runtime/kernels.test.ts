// Every PV test kernel under the full runtime, in block and single-step mode, with the
// virtual and the host clock: each prints its verdict line and powers off.
import { describe, it, expect } from 'vitest';
import { readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runKernel } from '../support/pv.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'guests', 'pv');
// The block-device kernels need disk images: tests/runtime/blkif-kernels.test.ts runs them.
const kernels = readdirSync(dir).filter((f) => f.endsWith('.elf') && !f.startsWith('blk')).sort();

describe('PV test kernels', () => {
  it('exist', () => { expect(kernels.length).toBeGreaterThanOrEqual(2); });
  for (const k of kernels) {
    const name = k.replace(/\.elf$/, '');
    for (const singleStep of [false, true]) {
      for (const clock of ['virtual', 'host'] as const) {
        it(`${name} (${singleStep ? 'single-step' : 'block JIT'}, ${clock} clock)`, { timeout: 120_000 }, () => {
          const r = runKernel(join(dir, k), { singleStep, clock });
          if (name === 'demo') expect(r.output).toContain('primes below 100000: 9592');
          else expect(r.output).toContain(`XENJIT-TEST ${name}: PASS`);
          expect(r.output).not.toContain('FAIL');
          expect(r.end).toBe('poweroff');
        });
      }
    }
  }
  for (const k of ['demo.elf', 'time.elf', 'events.elf']) {
    it(`virtual clock runs of ${k} are reproducible to the instruction`, () => {
      const a = runKernel(join(dir, k), { clock: 'virtual' });
      const b = runKernel(join(dir, k), { clock: 'virtual' });
      expect(a.end).toBe('poweroff');
      expect(b.output).toBe(a.output);
      expect(b.machine.domain.cpu.icount).toBe(a.machine.domain.cpu.icount);
    });
  }
});
