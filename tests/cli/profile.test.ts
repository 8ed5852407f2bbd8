// `xenjit profile` on the demo kernel: the hottest block and the hottest function are the
// sieve's marking loop, and their counts equal the loop's trip count, computed here
// independently. Host-time samples are all accounted for (categories, blocks, instructions).
import { describe, it, expect, beforeAll } from 'vitest';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { profileKernel, profileRun, formatProfile, type Profile } from '../../src/cli/profile.ts';
import { CATEGORIES } from '../../src/profile/host-time.ts';

const demo = join(dirname(fileURLToPath(import.meta.url)), '..', 'guests', 'pv', 'demo.elf');
const OPTS = { memory: '16', cmdline: '', clock: 'virtual', maxInstructions: '1e9', timeout: '60', top: '10' };

/** The sieve of demo.asm: how many times `.mark` runs. */
function sieveTrips(N = 100000): number {
  const composite = new Uint8Array(N);
  let trips = 0;
  for (let i = 2; i * i < N; i++) if (!composite[i]) for (let j = i * i; j < N; j += i) { composite[j] = 1; trips++; }
  return trips;
}

describe('xenjit profile', () => {
  let p: Profile;
  beforeAll(() => {
    const r = profileRun(demo, { ...OPTS, sampleInterval: '50' });
    if (typeof r === 'string') throw new Error(r);
    p = r.profile;
  });

  it('finds the sieve loop as the top block and top function with its exact trip count', () => {
    const trips = sieveTrips();
    expect(p.blocks[0].symbol).toBe('_start.mark');
    expect(p.blocks[0].executions).toBe(trips);
    expect(p.blocks[0].instructions).toBe(4 * trips);
    expect(p.blocks[0].disassembly[0]).toMatch(/^0xc0[0-9a-f]{6}  mov BYTE PTR \[eax-0x[0-9a-f]+\],0x1$/);
    expect(p.functions[0]).toMatchObject({ name: '_start.mark', instructions: 4 * trips, blocks: 1 });
    expect(p.functions[0].share).toBeCloseTo(p.blocks[0].share, 12);
    expect(p.blocks.reduce((a, b) => a + b.instructions, 0)).toBeLessThanOrEqual(p.instructions);
    expect(p.hypercalls.find((h) => h.name === 'sched_op')?.count).toBe(1);
    // A profile times hypercalls (a plain run does not: events-kernels.test.ts).
    expect(p.hypercalls.reduce((a, h) => a + h.ms, 0)).toBeGreaterThan(0);
  });

  it('accounts for every host sample: categories sum to one, block and instruction samples within them', () => {
    const h = p.host!;
    expect(h.samples).toBeGreaterThan(0);
    expect(CATEGORIES.reduce((a, c) => a + h.shares[c], 0)).toBeCloseTo(1, 9);
    expect(h.ratio.translated + h.ratio.compilation + h.ratio.runtime).toBeCloseTo(1, 9);
    const self = p.blocks.reduce((a, b) => a + b.hostSelf, 0);
    expect(self).toBeLessThanOrEqual(h.shares.translated + 1e-9);
    for (const b of p.blocks) {
      expect(b.hostTotal).toBeGreaterThanOrEqual(b.hostSelf - 1e-9);
      expect(b.instructionSamples).toHaveLength(b.disassembly.length);
      // Line ticks split the block's self samples by line (V8 puts some on no line of the block).
      const perInsn = b.instructionSamples.reduce((x, y) => x + y, 0);
      expect(Number.isInteger(perInsn) && perInsn >= 0).toBe(true);
      expect(perInsn).toBeLessThanOrEqual(Math.round(b.hostSelf * h.samples));
    }
  });

  it('reports the translator counters and what was delivered to the guest', () => {
    const s = p.jit as Record<string, unknown>;
    expect(s.blocksCompiled).toBe(p.cache.blocks);
    expect(s.peakBlocks).toBe(p.cache.blocks);
    expect(s.blocksEvicted).toBe(0);
    expect(p.cache.sourceChars).toBeGreaterThan(0);
    expect(p.guestEvents).toEqual({ exceptions: {}, softInterrupts: {}, eventUpcalls: 0 });
    const text = formatProfile(p, 5);
    expect(text).toContain('translated : compilation : rest');
    expect(text).toContain('_start.mark');
  });

  it('counts the guest\'s exceptions and software interrupts (traps.elf raises them on purpose)', () => {
    const q = profileKernel(join(dirname(demo), 'traps.elf'), { ...OPTS, sample: false }) as Profile;
    expect(q.end).toMatch(/^poweroff/);
    const ev = q.guestEvents;
    // traps.asm: div by zero at ring 1 (twice: events unmasked and masked) and ring 3; ud2 at ring 1
    // (twice) and ring 3; int 0x90 at ring 1 and 3; int 0x80 at ring 3.
    expect([ev.exceptions['#DE'], ev.exceptions['#UD']]).toEqual([3, 3]);
    expect(ev.softInterrupts).toEqual({ 'int 0x90': 2, 'int 0x80': 1 });
    // At least hlt at ring 1, cli and int 0x82 at ring 3; at least the unmapped read.
    expect(ev.exceptions['#GP']).toBeGreaterThanOrEqual(3);
    expect(ev.exceptions['#PF']).toBeGreaterThanOrEqual(1);
  });

  it('runs without sampling, and refuses a .cpuprofile without it', () => {
    const q = profileKernel(demo, { ...OPTS, sample: false }) as Profile;
    expect(q.host).toBeNull();
    expect(q.blocks[0].executions).toBe(sieveTrips());
    expect(profileKernel(demo, { ...OPTS, sample: false, cpuprofile: '/dev/null' })).toMatch(/needs sampling/);
  });
});
