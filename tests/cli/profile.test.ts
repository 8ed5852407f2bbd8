// `xenjit profile` on the demo kernel: the hottest block is the sieve's marking loop, and its
// execution count equals the loop's trip count, computed here independently.
import { describe, it, expect } from 'vitest';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { profileKernel, type Profile } from '../../src/cli/profile.ts';

const demo = join(dirname(fileURLToPath(import.meta.url)), '..', 'guests', 'pv', 'demo.elf');

describe('xenjit profile', () => {
  it('finds the sieve loop with its exact trip count', () => {
    const N = 100000;
    const composite = new Uint8Array(N);
    let trips = 0;
    for (let i = 2; i * i < N; i++) if (!composite[i]) for (let j = i * i; j < N; j += i) { composite[j] = 1; trips++; }
    const p = profileKernel(demo, { memory: '16', cmdline: '', clock: 'virtual', maxInstructions: '1e9', timeout: '60', top: '10' }) as Profile;
    expect(typeof p).toBe('object');
    expect(p.blocks[0].symbol).toBe('_start.mark');
    expect(p.blocks[0].executions).toBe(trips);
    expect(p.blocks[0].disassembly[0]).toMatch(/^0xc0[0-9a-f]{6}  mov BYTE PTR \[eax-0x[0-9a-f]+\],0x1$/);
    expect(p.functions[0].name).toBe('_start.mark');
    expect(p.blocks.reduce((a, b) => a + b.instructions, 0)).toBeLessThanOrEqual(p.instructions);
    expect(p.hypercalls.find((h) => h.name === 'sched_op')?.count).toBe(1);
  });
});
