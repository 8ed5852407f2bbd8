// Self-modifying code: stores into translated code are detected (per physical page, per byte),
// the stale blocks are dropped, a block that stores into itself stops right after the store,
// and the next instruction executed is the new one. Checked in block mode and single-step mode
// with exact results and JIT counters (blocks cached from their first run, so that the counters
// count every block), and with exact results in the default block mode (a block translated for
// the first time runs once uncached).
import { describe, it, expect } from 'vitest';
import { Cpu } from '../../src/cpu/state.ts';
import { setFlatSegments } from '../../src/cpu/flat.ts';
import { EAX, EBX, ECX, EDX, ESI, EDI, ESP } from '../../src/cpu/regs.ts';
import { Jit } from '../../jit/jit.ts';
import { machine, P, RW, US, FrameAllocator, Tables32, enablePaging, recordEvents } from '../support/machine.ts';

const MODES = [
  { singleStep: false, cacheFirstRun: true, exact: true, name: 'singleStep=false' },
  { singleStep: true, cacheFirstRun: true, exact: true, name: 'singleStep=true' },
  { singleStep: false, cacheFirstRun: false, exact: false, name: 'first runs uncached' },
];
const u = (x: number): number => x >>> 0;
const rd32 = (c: Cpu, pa: number): number => u(c.view.getInt32(pa, true));

function flat(code: number[], mode: { singleStep: boolean; cacheFirstRun: boolean }, at = 0x1000) {
  const m = machine({ mem: 1 << 20, eip: at, esp: 0x8000, ...mode });
  m.c.mem.set(code, at);
  return m;
}

describe('self-modifying code', () => {
  for (const mode of MODES) {
    const { singleStep, exact } = mode;
    const m = `(${mode.name})`;
    /** The JIT counters' expectations, which count cached blocks. */
    const counters = (check: () => void): void => { if (exact) check(); };

    it(`a loop patches the immediate of the instruction right after its store; the patched value is used every iteration ${m}`, () => {
      const { c, jit, events } = flat([
        0x31, 0xdb, //                         1000: xor ebx, ebx
        0xb9, 0x03, 0x00, 0x00, 0x00, //       1002: mov ecx, 3
        0xc1, 0xe3, 0x04, //                   1007: L: shl ebx, 4
        0x88, 0x0d, 0x12, 0x10, 0x00, 0x00, // 100a: mov [0x1012], cl   (imm8 of the next instruction)
        0x83, 0xc3, 0x00, //                   1010: add ebx, 0
        0xe2, 0xf2, //                         1013: loop L
        0xf4, //                               1015: hlt
      ], mode);
      expect(jit.run(1000)).toBe('halt');
      expect(events).toEqual([]);
      // One hex digit per iteration, in order: each ADD ran with the value stored just before
      // it (stale translations give 0x33 or 0, a one-iteration lag 0x032).
      expect(c.regs[EBX]).toBe(0x321);
      expect(c.regs[ECX]).toBe(0);
      expect(c.mem[0x1012]).toBe(1);
      expect(c.icount).toBe(15);
      expect(u(c.eip)).toBe(0x1016);
      const s = jit.stats;
      if (!exact) { /* counters count cached blocks */ } else if (!singleStep) {
        // Block 1000 [xor mov shl store add loop] is cut after the store; then blocks 1010 [add
        // loop] and 1007 [shl store add loop] are rebuilt and dropped (2 per later store); then 1015.
        expect([s.invalidations, s.blocksInvalidated, s.blocksCompiled, s.dataWritesToCodePages, s.blockRuns]).toEqual([3, 5, 7, 0, 7]);
      } else {
        // One instruction per block: the first store hits a byte not yet translated (plain data
        // write), the second drops the 6 blocks built so far, the third the 4 rebuilt ones.
        expect([s.invalidations, s.blocksInvalidated, s.blocksCompiled, s.dataWritesToCodePages, s.blockRuns]).toEqual([2, 10, 13, 1, 15]);
      }
      expect(s.instructions).toBe(15);
    });

    it(`a store into a later instruction of the same block: the block stops after the store and the new instruction runs ${m}`, () => {
      const { c, jit } = flat([
        0xc6, 0x05, 0x0c, 0x10, 0x00, 0x00, 0x40, // 1000: mov byte [0x100c], 0x40   (nop -> inc eax)
        0xb8, 0x01, 0x00, 0x00, 0x00, //             1007: mov eax, 1
        0x90, //                                     100c: nop
        0x89, 0xc3, //                               100d: mov ebx, eax
        0xf4, //                                     100f: hlt
      ], mode);
      expect(jit.run(100)).toBe('halt');
      expect(c.regs[EAX]).toBe(2);
      expect(c.regs[EBX]).toBe(2);
      expect(c.icount).toBe(5);
      const s = jit.stats;
      if (!exact) { /* counters count cached blocks */ } else if (!singleStep) {
        // The first block retires only the store; the second starts at 1007 with the new INC.
        expect([s.blockRuns, s.blocksCompiled, s.invalidations, s.blocksInvalidated, s.instructions]).toEqual([2, 2, 1, 1, 5]);
      } else {
        // The patched byte was not translated yet: no invalidation is needed.
        expect([s.blockRuns, s.blocksCompiled, s.invalidations, s.blocksInvalidated, s.dataWritesToCodePages]).toEqual([5, 5, 0, 0, 1]);
      }
    });

    it(`a routine on another page is rewritten between two calls: the new version runs ${m}`, () => {
      const { c, jit } = flat([
        0xe8, 0xfb, 0x0f, 0x00, 0x00, //                         1000: call 0x2000
        0x89, 0xc3, //                                           1005: mov ebx, eax
        0xc7, 0x05, 0x01, 0x20, 0x00, 0x00, 0x22, 0x22, 0x22, 0x22, // 1007: mov dword [0x2001], 0x22222222
        0xe8, 0xea, 0x0f, 0x00, 0x00, //                         1011: call 0x2000
        0x89, 0xc1, //                                           1016: mov ecx, eax
        0xc6, 0x05, 0x00, 0x20, 0x00, 0x00, 0xc3, //             1018: mov byte [0x2000], 0xc3
        0xb8, 0x05, 0x00, 0x00, 0x00, //                         101f: mov eax, 5
        0xe8, 0xd7, 0x0f, 0x00, 0x00, //                         1024: call 0x2000
        0x89, 0xc2, //                                           1029: mov edx, eax
        0xf4, //                                                 102b: hlt
      ], mode);
      // 2000: mov eax, 0x11111111 ; ret
      c.mem.set([0xb8, 0x11, 0x11, 0x11, 0x11, 0xc3], 0x2000);
      expect(jit.run(1000)).toBe('halt');
      expect(u(c.regs[EBX])).toBe(0x11111111);
      expect(u(c.regs[ECX])).toBe(0x22222222);
      expect(c.regs[EDX]).toBe(5);
      expect(c.regs[ESP]).toBe(0x8000);
      expect(c.icount).toBe(15);
      // Each rewrite drops the routine's page: one block [mov ret], or two one-instruction blocks.
      counters(() => expect([jit.stats.invalidations, jit.stats.blocksInvalidated]).toEqual(singleStep ? [2, 4] : [2, 2]));
    });

    it(`stores to data bytes that share a page with code do not invalidate anything ${m}`, () => {
      const { c, jit } = flat([
        0xb9, 0x05, 0x00, 0x00, 0x00, //      1000: mov ecx, 5
        0x89, 0x0d, 0x00, 0x18, 0x00, 0x00, // 1005: L: mov [0x1800], ecx
        0xe2, 0xf8, //                        100b: loop L
        0xf4, //                              100d: hlt
      ], mode);
      expect(jit.run(100)).toBe('halt');
      expect(rd32(c, 0x1800)).toBe(1);
      expect(c.icount).toBe(12);
      counters(() => expect([jit.stats.invalidations, jit.stats.blocksInvalidated, jit.stats.dataWritesToCodePages]).toEqual([0, 0, 5]));
      counters(() => expect(jit.stats.blocksCompiled).toBe(singleStep ? 4 : 3));
    });

    it(`code rewritten through a second virtual mapping of the same frame is seen when executed through the first ${m}`, () => {
      // 32-bit paging, 0..4 MiB identity-mapped; X = 0x400000 and Y = 0x401000 both map frame 0x200000.
      const c = new Cpu(8 << 20);
      setFlatSegments(c, 0);
      const t = new Tables32(c, new FrameAllocator(c, 0x100000));
      for (let pg = 0; pg < 1024; pg++) t.map(pg << 12, pg << 12, P | RW | US);
      const X = 0x00400000, Y = 0x00401000, FRAME = 0x00200000;
      t.map(X, FRAME, P | RW);
      t.map(Y, FRAME, P | RW);
      enablePaging(c, t.cr3);
      const events = recordEvents(c);
      const jit = new Jit(c, { singleStep, cacheFirstRun: mode.cacheFirstRun });
      // FRAME: mov eax, 0 ; ret
      c.mem.set([0xb8, 0x00, 0x00, 0x00, 0x00, 0xc3], FRAME);
      c.mem.set([
        0xc7, 0x47, 0x01, 0x11, 0x11, 0x11, 0x11, // 1000: mov dword [edi+1], 0x11111111   (Y's write translation is cached now)
        0xff, 0xd6, //                             1007: call esi                        (the frame becomes code)
        0x89, 0xc3, //                             1009: mov ebx, eax
        0xc7, 0x47, 0x01, 0x22, 0x22, 0x22, 0x22, // 100b: mov dword [edi+1], 0x22222222
        0xff, 0xd6, //                             1012: call esi
        0x89, 0xc1, //                             1014: mov ecx, eax
        0xf4, //                                   1016: hlt
      ], 0x1000);
      c.eip = 0x1000; c.regs[ESP] = 0x8000; c.regs[ESI] = X; c.regs[EDI] = Y;
      expect(jit.run(1000)).toBe('halt');
      expect(events).toEqual([]);
      expect(u(c.regs[EBX])).toBe(0x11111111);
      expect(u(c.regs[ECX])).toBe(0x22222222);
      expect(rd32(c, FRAME + 1)).toBe(0x22222222);
      expect(c.icount).toBe(11);
      counters(() => expect([jit.stats.invalidations, jit.stats.blocksInvalidated]).toEqual(singleStep ? [1, 2] : [1, 1]));
    });

    it(`an embedder that rewrites code behind the CPU's back calls invalidatePage, and the new code runs ${m}`, () => {
      const { c, jit } = flat([0xb8, 0x01, 0x00, 0x00, 0x00, 0xf4], mode); // mov eax, 1 ; hlt
      expect(jit.run(10)).toBe('halt');
      expect(c.regs[EAX]).toBe(1);
      c.mem.set([0xb8, 0x02, 0x00, 0x00, 0x00, 0xf4], 0x1000); // mov eax, 2 ; hlt
      c.halted = false; c.eip = 0x1000;
      jit.invalidatePage(1);
      expect(jit.run(10)).toBe('halt');
      expect(c.regs[EAX]).toBe(2);
      counters(() => expect([jit.stats.invalidations, jit.stats.blocksInvalidated]).toEqual(singleStep ? [1, 2] : [1, 1]));
    });
  }
});

describe('the same code reached at different addresses', () => {
  for (const mode of MODES) {
    const { singleStep, exact } = mode;
    const m = `(${mode.name})`;
    /** The JIT counters' expectations, which count cached blocks. */
    const counters = (check: () => void): void => { if (exact) check(); };

    it(`one frame mapped at two virtual addresses: each call sees its own EIP ${m}`, () => {
      const c = new Cpu(8 << 20);
      setFlatSegments(c, 0);
      const t = new Tables32(c, new FrameAllocator(c, 0x100000));
      for (let pg = 0; pg < 1024; pg++) t.map(pg << 12, pg << 12, P | RW | US);
      const X = 0x00400000, Y = 0x00401000, FRAME = 0x00200000;
      t.map(X, FRAME, P | RW);
      t.map(Y, FRAME, P | RW);
      enablePaging(c, t.cr3);
      const events = recordEvents(c);
      const jit = new Jit(c, { singleStep, cacheFirstRun: mode.cacheFirstRun });
      // FRAME: call $+5 ; pop eax ; jmp short +1 ; int3 ; ret   -> EAX = its own address + 5
      c.mem.set([0xe8, 0x00, 0x00, 0x00, 0x00, 0x58, 0xeb, 0x01, 0xcc, 0xc3], FRAME);
      c.mem.set([
        0xff, 0xd6, // 1000: call esi   (X)
        0x89, 0xc3, // 1002: mov ebx, eax
        0xff, 0xd7, // 1004: call edi   (Y)
        0x89, 0xc1, // 1006: mov ecx, eax
        0xff, 0xd6, // 1008: call esi   (X again)
        0x89, 0xc2, // 100a: mov edx, eax
        0xf4, //       100c: hlt
      ], 0x1000);
      c.eip = 0x1000; c.regs[ESP] = 0x8000; c.regs[ESI] = X; c.regs[EDI] = Y;
      expect(jit.run(1000)).toBe('halt');
      expect(events).toEqual([]);
      expect([u(c.regs[EBX]), u(c.regs[ECX]), u(c.regs[EDX])]).toEqual([X + 5, Y + 5, X + 5]);
      expect(c.regs[ESP]).toBe(0x8000);
      expect(c.icount).toBe(7 + 3 * 4);
    });

    it(`one physical page run under two CS bases: EIPs are offsets in each segment ${m}`, () => {
      const { c, jit, events } = flat([0xe8, 0x00, 0x00, 0x00, 0x00, 0x58, 0xcc], mode, 0x3000); // call $+5 ; pop eax ; int3
      expect(jit.run(100)).toBe('stop');
      expect(c.regs[EAX]).toBe(0x3005);
      expect(events.map((e) => u(e.eip))).toEqual([0x3007]);
      // The same bytes as offset 0 of a code segment based at 0x3000.
      c.sbase[1] = 0x3000; c.eip = 0; c.stopped = false; c.regs[ESP] = 0x8000;
      expect(jit.run(100)).toBe('stop');
      expect(c.regs[EAX]).toBe(5);
      expect(events.map((e) => u(e.eip))).toEqual([0x3007, 7]);
    });

    it(`a page that gets code after another page's code was dropped starts without marks: a data store to it is data ${m}`, () => {
      const { c, jit, events } = flat([], mode);
      c.mem.set([0xb8, 0x00, 0x30, 0x00, 0x00, 0xff, 0xe0], 0x1000); //      mov eax, 0x3000; jmp eax
      c.mem.set([
        0xc6, 0x05, 0x00, 0x10, 0x00, 0x00, 0xb8, //                          3000: mov byte [0x1000], 0xb8 (its own value)
        0xb8, 0x00, 0x58, 0x00, 0x00, 0xff, 0xe0, //                          3007: mov eax, 0x5800; jmp eax
      ], 0x3000);
      // Offset 3 was code on the dropped page 0x1000; on page 0x5000 it is data.
      c.mem.set([0xc6, 0x05, 0x03, 0x50, 0x00, 0x00, 0x11, 0xf4], 0x5800); // mov byte [0x5003], 0x11; hlt
      expect(jit.run(100)).toBe('halt');
      expect(events).toEqual([]);
      expect(c.mem[0x5003]).toBe(0x11);
      expect(u(c.eip)).toBe(0x5808);
      // Page 0x1000 is dropped once (the store into its translated first byte); the store into
      // page 0x5000 touches no translated byte, whatever page its marks array served before.
      // Code run once uncached is not translated code: nothing to drop, no code page.
      expect([jit.stats.invalidations, jit.stats.dataWritesToCodePages]).toEqual(mode.cacheFirstRun ? [1, 1] : [0, 0]);
    });
  }
});
