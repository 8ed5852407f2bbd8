// A block's first visit runs it once straight from the guest's bytes (jit/interpret.ts runOnce)
// instead of forming and caching it. The oracle is block formation and the first tier's walk
// (`cacheFirstRun`: every first run formed, cached and walked): whatever the code, both must end
// in the same state after the same instructions, and the dispatch loop must see the same block
// boundaries (its interrupt windows), including where a block follows a JMP, meets an RDTSC,
// reaches its page's end, an instruction crossing the page, a fault or an instruction too long
// to decode.
import { describe, it, expect } from 'vitest';
import { bareMachine, LOAD_ADDRESS } from '../../src/cli/bare.ts';
import { getFlags } from '../../src/cpu/flags.ts';
import { EBP, ESI } from '../../src/cpu/regs.ts';

const le = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const DATA = 0x9000;

/** A random program: `mov ebp, passes`, then a body of random instructions with forward jumps
 *  over the next few, `dec ebp; jnz body`, then one way to stop. The body spans pages, so some
 *  blocks end at a page end and some instruction may cross one. */
function program(seed: number, passes: number): Uint8Array {
  let s = seed >>> 0 || 1;
  const rnd = (n: number) => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s % n; };
  const imm = () => le((rnd(0x10000) << 16) | rnd(0x10000));
  const plain: (() => number[])[] = [
    () => [0x05, ...imm()], //                                add eax, imm32
    () => [0x35, ...imm()], //                                xor eax, imm32
    () => [0xc1, 0xc0, 1 + rnd(31)], //                       rol eax, k
    () => [0x8d, 0x84, 0x80, ...imm()], //                    lea eax, [eax + eax*4 + disp32]
    () => [0x69, 0xc0, ...imm()], //                          imul eax, eax, imm32
    () => [0x89, 0xc1, 0xc1, 0xe9, 1 + rnd(15), 0x31, 0xc8], // mov ecx, eax; shr ecx, k; xor eax, ecx
    () => [0x42], //                                          inc edx
    () => [0xa3, ...le(DATA + 4 * rnd(64))], //               mov [DATA + k], eax
    () => [0x01, 0x05, ...le(DATA + 4 * rnd(64))], //         add [DATA + k], eax
    () => [0x0f, 0x31, 0x01, 0xc6], //                        rdtsc; add esi, eax (a count reader starts a block)
    () => [0x50, 0x5b], //                                    push eax; pop ebx
    () => Array(rnd(6)).fill(0x90), //                        NOPs (move the page boundary around)
  ];
  const body: number[][] = [];
  const n = 200 + rnd(600);
  for (let k = 0; k < n; k++) body.push(plain[rnd(plain.length)]());
  // Forward jumps over the next 1-3 instructions: JZ/JNC (blocks end), JMP short or near
  // (block formation follows a JMP on its page).
  const code: number[] = [];
  for (let k = 0, free = 0; k < body.length; k++) {
    if (k >= free && rnd(5) === 0) {
      free = k + 1 + rnd(3);
      const over = body.slice(k, free).reduce((a, x) => a + x.length, 0);
      const j = rnd(4);
      if (j < 3) code.push(...[[0x74, over], [0x73, over], [0xeb, over]][j]);
      else code.push(0xe9, ...le(over));
    }
    code.push(...body[k]);
  }
  const start = 5; // the body's offset in the image
  const back = start - (start + code.length + 1 + 6);
  const stops = [[0xf4], [0x0f, 0x0b], [0x31, 0xc9, 0xf7, 0xf1], [...Array(15).fill(0x66), 0x90]]; // hlt, ud2, div by 0, 16 bytes
  return new Uint8Array([0xbd, ...le(passes), ...code, 0x4d, 0x0f, 0x85, ...le(back), ...stops[rnd(stops.length)]]);
}

/** Run `image` to its end; the EIP and count at every interrupt window (block boundary). */
function run(image: Uint8Array, cacheFirstRun: boolean, eipAt?: number, budget = 1_000_000) {
  const { cpu, jit } = bareMachine(image, 1 << 20, { cacheFirstRun });
  if (eipAt !== undefined) cpu.eip = eipAt;
  const windows: number[] = [];
  cpu.irq = true;
  cpu.hooks.interruptWindow = (c) => { windows.push(c.eip, c.icount); };
  jit.run(budget);
  return {
    state: { regs: [...cpu.regs], eip: cpu.eip, flags: getFlags(cpu), icount: cpu.icount, halted: cpu.halted, fault: cpu.stopped ? cpu.lastFault : -1, data: [...cpu.mem.subarray(DATA, DATA + 256)] },
    windows, stats: jit.stats, blocks: jit.blocks.length,
  };
}

describe('a block run once from the guest bytes (runOnce)', () => {
  it('ends in the same state after the same blocks as formation and the first tier, for random programs', () => {
    for (let seed = 1; seed <= 120; seed++) {
      const img = program(seed * 7919, 1 + (seed % 3));
      const once = run(img, false), formed = run(img, true);
      expect({ seed, ...once.state }).toEqual({ seed, ...formed.state });
      expect(once.windows).toEqual(formed.windows);
      expect({ seed, eip: once.state.eip, icount: once.state.icount, end: once.state.halted || once.state.fault >= 0 }).toMatchObject({ seed, end: true });
      // Run once, nothing is cached: a block is formed at its second visit only.
      expect(once.stats.firstRuns).toBeGreaterThan(0);
      if (seed % 3 === 0) expect(once.blocks).toBe(0);
    }
  });

  it('counts the instructions before a fault and leaves EIP at the faulting one', () => {
    // inc esi; inc esi; inc esi; ud2
    const img = new Uint8Array([0x46, 0x46, 0x46, 0x0f, 0x0b]);
    const once = run(img, false), formed = run(img, true);
    expect([once.state.fault, once.state.icount, once.state.eip, once.state.regs[ESI]]).toEqual([6, 3, LOAD_ADDRESS + 3, 3]);
    expect(once.state).toEqual(formed.state);
  });

  it('ends a block before an instruction too long to decode, which faults (#GP) as the first of the next', () => {
    const img = new Uint8Array([0x46, 0x46, ...Array(15).fill(0x66), 0x90]);
    const once = run(img, false);
    expect([once.state.fault, once.state.icount, once.state.eip]).toEqual([13, 2, LOAD_ADDRESS + 2]);
    expect(once.windows).toEqual([LOAD_ADDRESS, 0, LOAD_ADDRESS + 2, 2]);
    expect(once.state).toEqual(run(img, true).state);
  });

  it('runs an instruction crossing the page end outside any block, and what follows it', () => {
    // At 0x1ffd: inc esi; mov eax, 0x12345678 (crosses into 0x2000); inc esi; hlt.
    const img = new Uint8Array(0x1000 + 16);
    img.set([0x46, 0xb8, 0x78, 0x56, 0x34, 0x12, 0x46, 0xf4], 0xffd);
    const once = run(img, false, 0x1ffd), formed = run(img, true, 0x1ffd);
    expect([once.state.regs[0], once.state.regs[ESI], once.state.icount, once.state.halted]).toEqual([0x12345678, 2, 4, true]);
    expect(once.state).toEqual(formed.state);
    expect(once.windows).toEqual(formed.windows);
    expect(once.stats.bailouts['insn-crosses-page']).toBe(1);
  });

  it('ends a block that followed a JMP where it falls into an instruction it already ran', () => {
    // 0x1000: inc esi; inc esi; 0x1002: jmp 0x1000. From 0x1002 a block is the JMP, the two INCs
    // and no more (the JMP again is where it started): 3 instructions per visit, forever.
    const img = new Uint8Array([0x46, 0x46, 0xeb, 0xfc]);
    const once = run(img, false, LOAD_ADDRESS + 2, 30), formed = run(img, true, LOAD_ADDRESS + 2, 30);
    expect(once.windows.slice(0, 6)).toEqual([LOAD_ADDRESS + 2, 0, LOAD_ADDRESS + 2, 3, LOAD_ADDRESS + 2, 6]);
    expect(once.windows).toEqual(formed.windows);
    expect(once.state).toEqual(formed.state);
  });

  it('decodes an instruction its own block rewrote after the store, as the CPU does', () => {
    // mov byte [0x100a], 0x05 rewrites the immediate of the next instruction (mov esi, 1 at 0x1007)
    // before it runs; then dec ebp; hlt.
    const img = new Uint8Array([0xc6, 0x05, ...le(LOAD_ADDRESS + 8), 0x05, 0xbe, 0x01, 0x00, 0x00, 0x00, 0x4d, 0xf4]);
    const once = run(img, false), formed = run(img, true);
    expect(once.state.regs[ESI]).toBe(5);
    expect(once.state.regs[EBP]).toBe(-1);
    expect(once.state).toEqual(formed.state);
  });
});
