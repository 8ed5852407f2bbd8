// Copies to and from guest virtual addresses (runtime/guest-memory.ts), as Xen's
// copy_{to,from}_guest make them: through the guest's page tables, every page checked before a
// byte is written, and a store into a page holding translated code told to the translator as a
// guest store would tell it.
import { describe, it, expect } from 'vitest';
import { fixture } from './mmu-fixture.ts';
import { copyToGuest, copyFromGuest } from '../../runtime/guest-memory.ts';
import { PAGE } from '../../runtime/domain.ts';

const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed * 17 + 1) & 0xff);

describe('copyToGuest', () => {
  it('writes across pages into the frames the page tables name (shuffled, not adjacent)', () => {
    const f = fixture(), c = f.d.cpu;
    const va = f.va(1) + PAGE - 100, data = bytes(PAGE + 300, 1);
    const frames = [f.mfnOfVa(va), f.mfnOfVa(va + 200), f.mfnOfVa(va + PAGE + 200)];
    expect(new Set(frames).size).toBe(3);
    expect(frames[1]).not.toBe(frames[0] + 1);
    expect(copyToGuest(f.d, va, data)).toBe(true);
    expect([...copyFromGuest(f.d, va, data.length)!]).toEqual([...data]);
    // Physically: the first 100 bytes at the end of the first frame, the next page whole, the
    // last 200 at the start of the third frame.
    expect([...c.mem.subarray(frames[0] * PAGE + PAGE - 100, frames[0] * PAGE + PAGE)]).toEqual([...data.subarray(0, 100)]);
    expect([...c.mem.subarray(frames[1] * PAGE, frames[1] * PAGE + PAGE)]).toEqual([...data.subarray(100, 100 + PAGE)]);
    expect([...c.mem.subarray(frames[2] * PAGE, frames[2] * PAGE + 200)]).toEqual([...data.subarray(100 + PAGE)]);
  });

  it('writes nothing when a page of the range cannot be written (no half answer)', () => {
    const f = fixture();
    // The first page past the mapped scratch pages.
    let k = 1;
    while (copyToGuest(f.d, f.va(k), new Uint8Array(1))) k++;
    const va = f.va(k) - 64, before = copyFromGuest(f.d, va, 64)!;
    expect(copyToGuest(f.d, va, bytes(128, 2))).toBe(false);
    expect([...copyFromGuest(f.d, va, 64)!]).toEqual([...before]);
  });

  it('tells the translator of every byte it stores into a page holding translated code', () => {
    const f = fixture(), c = f.d.cpu;
    const va = f.va(2) + PAGE - 40, data = bytes(120, 3);
    const pa0 = f.mfnOfVa(va) * PAGE + PAGE - 40, pa1 = f.mfnOfVa(va + PAGE) * PAGE;
    c.codePages[pa1 >>> 12] = 1; // only the second page holds code
    const told: number[] = [];
    const translator = c.hooks.codeWrite;
    c.hooks.codeWrite = (pa, len) => { for (let i = 0; i < len; i++) told.push(pa + i); translator?.(pa, len); };
    expect(copyToGuest(f.d, va, data)).toBe(true);
    expect(told).toEqual(Array.from({ length: 80 }, (_, i) => pa1 + i));
    expect([...c.mem.subarray(pa0, pa0 + 40)]).toEqual([...data.subarray(0, 40)]);
  });

  it('drops a translated block whose bytes it overwrites, as a guest store would', () => {
    // The fixture's kernel: `jmp $` at its entry, run until the block is formed and cached.
    const f = fixture(), jit = f.d.jit;
    f.m.run({ maxInstructions: 1000, timeoutSeconds: 10, slice: 1000 });
    expect(jit.cacheSize().blocks).toBeGreaterThan(0);
    const dropped = jit.stats.invalidations;
    expect(copyToGuest(f.d, 0xc0000000, Uint8Array.of(0xeb, 0xfe))).toBe(true);
    expect(jit.stats.invalidations).toBe(dropped + 1);
    expect(jit.cacheSize().blocks).toBe(0);
  });
});
