// The code cache bound (JitOptions.maxBlocks, `--max-blocks`): when the cache is full the next
// block to be cached flushes it, and the block cached right after the flush is translated code
// like any other: a store into it is caught (here, a store into a later instruction of the
// same block, which must stop the block and run the new instruction).
import { describe, it, expect } from 'vitest';
import { Cpu } from '../../src/cpu/state.ts';
import { setFlatSegments } from '../../src/cpu/flat.ts';
import { EAX, EBX, ESP } from '../../src/cpu/regs.ts';
import { Jit } from '../../jit/jit.ts';

function run(maxBlocks: number, cacheFirstRun: boolean) {
  const c = new Cpu(1 << 20);
  setFlatSegments(c, 0);
  c.eip = 0x1000; c.regs[ESP] = 0x8000;
  c.mem.set([
    0x31, 0xc0, //                               1000: xor eax, eax
    0x74, 0x00, //                               1002: jz 1004 (ends the first block)
    0xc6, 0x05, 0x10, 0x10, 0x00, 0x00, 0x40, // 1004: mov byte [0x1010], 0x40   (nop -> inc eax)
    0xb8, 0x01, 0x00, 0x00, 0x00, //             100b: mov eax, 1
    0x90, //                                     1010: nop
    0x89, 0xc3, //                               1011: mov ebx, eax
    0xf4, //                                     1013: hlt
  ], 0x1000);
  const jit = new Jit(c, { maxBlocks, cacheFirstRun, tierUp: 0 });
  expect(jit.run(100)).toBe('halt');
  return { c, jit };
}

describe('code cache bound', () => {
  for (const cacheFirstRun of [true, false]) {
    it(`a store into the block cached right after a flush is caught (cacheFirstRun=${cacheFirstRun})`, () => {
      const { c, jit } = run(1, cacheFirstRun);
      expect(jit.stats.cacheFlushes).toBeGreaterThan(0);
      expect(c.regs[EAX]).toBe(2);
      expect(c.regs[EBX]).toBe(2);
      expect(c.icount).toBe(7);
    });
  }
  it('the same program without a flush', () => {
    const { c, jit } = run(65536, true);
    expect(jit.stats.cacheFlushes).toBe(0);
    expect([c.regs[EAX], c.regs[EBX], c.icount]).toEqual([2, 2, 7]);
  });
});
