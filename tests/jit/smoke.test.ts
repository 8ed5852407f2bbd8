import { describe, it, expect } from 'vitest';
import { Cpu } from '../../src/cpu/state.ts';
import { setFlatSegments } from '../../src/cpu/flat.ts';
import { Jit } from '../../jit/jit.ts';
import { EAX, ECX, ESP } from '../../src/cpu/regs.ts';

function machine(code: number[], singleStep = false) {
  const c = new Cpu(1 << 20);
  setFlatSegments(c, 0);
  c.mem.set(code, 0x1000);
  c.eip = 0x1000; c.regs[ESP] = 0x8000;
  return { c, jit: new Jit(c, { singleStep }) };
}

describe('jit smoke', () => {
  for (const singleStep of [false, true]) {
    it(`sums 1..100 in a loop (singleStep=${singleStep})`, () => {
      // xor eax,eax; mov ecx,100; L: add eax,ecx; loop L; hlt
      const { c, jit } = machine([0x31, 0xc0, 0xb9, 100, 0, 0, 0, 0x01, 0xc8, 0xe2, 0xfc, 0xf4], singleStep);
      expect(jit.run(10000)).toBe('halt');
      expect(c.regs[EAX]).toBe(5050);
      expect(c.regs[ECX]).toBe(0);
      expect(c.icount).toBe(2 + 200 + 1);
    });
  }
});

describe('single-step trap (EFLAGS.TF)', () => {
  for (const singleStep of [false, true]) {
    it(`raises #DB after each instruction with EIP at the next one (singleStep=${singleStep})`, () => {
      // inc eax; inc eax; inc eax; hlt
      const { c, jit } = machine([0x40, 0x40, 0x40, 0xf4], singleStep);
      const seen: [number, number][] = [];
      c.hooks.interrupt = (cpu, vector) => { seen.push([vector, cpu.eip]); if (seen.length === 2) cpu.flags &= ~0x100; };
      c.flags |= 0x100;
      expect(jit.run(100)).toBe('halt');
      expect(seen).toEqual([[1, 0x1001], [1, 0x1002]]);
      expect(c.regs[EAX]).toBe(3);
      expect(c.dr[6] & 0x4000).toBe(0x4000);
      expect(c.icount).toBe(4);
    });
  }
});

describe('EIP at or above 0x80000000', () => {
  for (const singleStep of [false, true]) {
    it(`counts retired instructions exactly when a block faults there (singleStep=${singleStep})`, () => {
      // nop; nop; xor ecx,ecx; div ecx — at EIP 0x80001000 (CS base 0x80000000 wraps to linear 0x1000)
      const { c, jit } = machine([0x90, 0x90, 0x31, 0xc9, 0xf7, 0xf1], singleStep);
      c.sbase[1] = 0x80000000 | 0;
      c.eip = 0x80001000 | 0;
      const seen: number[] = [];
      c.hooks.interrupt = (cpu, vector) => { seen.push(vector, cpu.icount, cpu.eip >>> 0); cpu.stopped = true; };
      jit.run(100);
      expect(seen).toEqual([0, 3, 0x80001004]);
    });
  }
});
