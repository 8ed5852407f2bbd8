// The events, time and console PV test kernels under the full runtime, beyond their verdict
// lines (kernels.test.ts runs each in every mode): virtual-clock runs are identical to the
// instruction and the TSC, the console kernel's text all came through the ring, intact.
import { describe, it, expect } from 'vitest';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runKernel } from '../support/pv.ts';
import { timeKeeper } from '../../runtime/time/keeper.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'guests', 'pv');

describe('event and time kernels', () => {
  for (const name of ['events', 'time']) {
    it(`${name}: two virtual-clock runs are identical`, () => {
      const a = runKernel(join(dir, `${name}.elf`), { clock: 'virtual' });
      const b = runKernel(join(dir, `${name}.elf`), { clock: 'virtual' });
      expect(a.output).toContain(`XENJIT-TEST ${name}: PASS`);
      expect(b.output).toBe(a.output);
      const da = a.machine.domain, db = b.machine.domain;
      expect(db.cpu.icount).toBe(da.cpu.icount);
      expect(db.cpu.tsc).toBe(da.cpu.tsc);
      expect(timeKeeper(db)!.timers.fired).toBe(timeKeeper(da)!.timers.fired);
    });
  }
  it('time: the virtual clock moved by the waits, not by host time', () => {
    const r = runKernel(join(dir, 'time.elf'), { clock: 'virtual' });
    const tk = timeKeeper(r.machine.domain)!;
    // The 5 ms wait jumped the clock; the periodic tick was waited for by running.
    const jumped = tk.now() - 1_000_000_000n - BigInt(r.machine.domain.cpu.icount);
    expect(jumped).toBeGreaterThanOrEqual(5_000_000n - 300_000n);
    expect(jumped).toBeLessThanOrEqual(5_000_000n);
  });
  it('console: everything came through the ring, none through console_io', () => {
    const r = runKernel(join(dir, 'console.elf'), { clock: 'virtual' });
    expect(r.end).toBe('poweroff');
    const line = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ<>()[]{}+-*/=!?.\n';
    expect(r.output).toBe(`console: output through the PV console ring\n${line.repeat(40)}${'='.repeat(2100)}\nXENJIT-TEST console: PASS\n`);
    expect(r.machine.hypercalls.counts.get('console_io') ?? 0).toBe(0);
    // Hypercalls are counted on every run and timed only for profiles (src/cli/profile.ts).
    expect(r.machine.hypercalls.counts.size).toBeGreaterThan(0);
    expect(r.machine.hypercalls.ms.size).toBe(0);
  });
});
