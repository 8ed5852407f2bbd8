// Regions (jit/region.ts): a page's hot blocks in one function. What must hold is what holds for
// blocks run one by one: the same state after the same instructions, and translated code that a
// store replaced never runs again, also when the store is the last instruction of a member and
// the region's next member would otherwise run on.
import { describe, it, expect } from 'vitest';
import { bareMachine } from '../../src/cli/bare.ts';
import { EDX, ESI, ECX } from '../../src/cpu/regs.ts';
import { decode, type Insn } from '../../src/decode/decoder.ts';
import { memberLoops, memberLayout, emitRegion, MAX_LOOP_INSNS, type RegionMember } from '../../jit/region.ts';

// At 0x1000 (the bare machine's load address), four rounds of: call B (at 0x1040: INC EDX;
// RET), then REP STOSB of one byte 0x46 (INC ESI) at 0x1030 + 8*ECX: 0x1050, 0x1048 and 0x1038
// are bytes next to the code, the third round's 0x1040 is B's first byte. So B runs as INC EDX
// three times and as INC ESI once: EDX = 3, ESI = 1 if the rewritten B is retranslated.
const CODE = [
  0xb9, 0x04, 0x00, 0x00, 0x00, //       1000 mov ecx, 4
  0xe8, 0x36, 0x00, 0x00, 0x00, //       1005 call 0x1040
  0x51, //                               100a push ecx
  0x8d, 0x3c, 0xcd, 0x30, 0x10, 0x00, 0x00, // 100b lea edi, [ecx*8 + 0x1030]
  0xb0, 0x46, //                         1012 mov al, 0x46
  0xb9, 0x01, 0x00, 0x00, 0x00, //       1014 mov ecx, 1
  0xf3, 0xaa, //                         1019 rep stosb
  0x59, //                               101b pop ecx
  0x49, //                               101c dec ecx
  0x75, 0xe6, //                         101d jnz 0x1005
  0xf4, //                               101f hlt
];

function image(): Uint8Array {
  const img = new Uint8Array(0x50);
  img.set(CODE, 0);
  img.set([0x42, 0xc3], 0x40); // 1040 inc edx; ret
  return img;
}

describe('regions', () => {
  for (const [name, opts] of [['regions', { tierUp: 0 }], ['blocks one by one', { tierUp: 0, regions: false }], ['single-step', { singleStep: true }]] as const) {
    it(`a member's closing store into translated code ends the region (${name})`, () => {
      const { cpu, jit } = bareMachine(image(), 1 << 20, opts);
      jit.run(10_000);
      expect(cpu.halted).toBe(true);
      expect(cpu.regs[EDX]).toBe(3);
      expect(cpu.regs[ESI]).toBe(1);
      expect(cpu.regs[ECX]).toBe(0);
      // 3 + 4 rounds of 9 instructions + the final hlt; B is 2 instructions.
      expect(cpu.icount).toBe(1 + 4 * 9 + 4 * 2 + 1);
      if (name === 'regions') {
        expect(jit.stats.regionsGenerated).toBeGreaterThan(0);
        expect(jit.stats.invalidationsByCause['code-write']).toBe(1);
      }
    });
  }
});

// A loop of two members with a branch inside (region.ts memberLoops): at 0x100c, ECX counts
// down from 100; odd ECX takes the path through 0x1013 (which adds EAX into EDX), even ECX the
// shorter one through 0x1016. The region runs the head's shortest cycle (0x100c, 0x1016) inside
// one JS loop and leaves it for the switch on every odd round.
const LOOP = [
  0xb9, 0x64, 0x00, 0x00, 0x00, //       1000 mov ecx, 100
  0x31, 0xc0, //                         1005 xor eax, eax
  0xba, 0x00, 0x00, 0x00, 0x00, //       1007 mov edx, 0
  0x01, 0xc8, //                         100c add eax, ecx
  0xf6, 0xc1, 0x01, //                   100e test cl, 1
  0x74, 0x03, //                         1011 jz 0x1016
  0x01, 0xc2, //                         1013 add edx, eax
  0x90, //                               1015 nop
  0x49, //                               1016 dec ecx
  0x75, 0xf3, //                         1017 jnz 0x100c
  0xf4, //                               1019 hlt
];

// How many interrupt windows the dispatch loop offers while `code` runs to its HLT with an
// interrupt requested and held off (the hook takes none).
function interruptWindows(code: number[], opts: Record<string, unknown>): number {
  const { cpu, jit } = bareMachine(new Uint8Array(code), 1 << 20, opts);
  let n = 0;
  cpu.irq = true;
  cpu.hooks.interruptWindow = () => { n++; };
  jit.run(100_000);
  expect(cpu.halted).toBe(true);
  return n;
}

describe('loops of members', () => {
  const state = (opts: Record<string, unknown>, budget: number, start = 0) => {
    const { cpu, jit } = bareMachine(new Uint8Array(LOOP), 1 << 20, opts);
    cpu.icount = start;
    jit.run(budget);
    return { regs: [...cpu.regs], eip: cpu.eip, icount: cpu.icount, flags: cpu.flags, halted: cpu.halted, jit };
  };
  it('the region runs its loop in one JS loop and stops where blocks run one by one stop', () => {
    const done = state({ tierUp: 0 }, 100_000);
    expect(done.halted).toBe(true);
    // EAX = 100 + 99 + ... + 1; EDX sums EAX after each odd ECX.
    let eax = 0, edx = 0;
    for (let ecx = 100; ecx > 0; ecx--) { eax += ecx; if (ecx & 1) edx += eax; }
    expect(done.regs.slice(0, 3)).toEqual([eax, 0, edx]);
    const src = [...(done.jit as any).regions.values()].flatMap((rm: Map<number, { source: string }>) => [...rm.values()].map((r) => r.source)).join('\n');
    expect(src).toMatch(/case \d+: \{\nfor \(;;\) \{/);
    expect(state({ singleStep: true }, 100_000)).toMatchObject({ regs: done.regs, eip: done.eip, icount: done.icount });
    // Budgets end inside the loop: the region checks the budget after every member, as the
    // dispatch loop does after every block.
    for (let budget = 5; budget < 700; budget += 13) {
      const a = state({ tierUp: 0 }, budget), b = state({ tierUp: 0, regions: false }, budget);
      expect({ budget, regs: a.regs, eip: a.eip, icount: a.icount }).toEqual({ budget, regs: b.regs, eip: b.eip, icount: b.icount });
    }
  });
  it('with an interrupt requested (and held off) a loop returns to the dispatch loop after every member or iteration', () => {
    // The dispatch loop offers the interrupt window before every block it runs; compiled loops
    // must not run on past a block while an interrupt waits, or its delivery would wait for the
    // call's whole budget.
    const regions = interruptWindows(LOOP, { tierUp: 0 }), blocks = interruptWindows(LOOP, { tierUp: 0, regions: false });
    expect(regions).toBeGreaterThan(150);
    expect(regions).toBe(blocks);
  });
  it('entered at an offset no member starts at, a region changes nothing and returns 0', () => {
    // The switch has cases for some such offsets (so that it compiles to a jump table): they
    // must leave as the default does, never run a member.
    const { cpu, jit } = bareMachine(new Uint8Array(LOOP), 1 << 20, { tierUp: 0 });
    jit.run(100_000);
    const rs = [...(jit as any).regions.values()].flatMap((rm: Map<number, unknown>) => [...rm.values()]) as { fn: (...a: unknown[]) => number; source: string; members: unknown[] }[];
    expect(rs.length).toBe(1);
    const r = rs[0];
    expect(r.source).toMatch(/case 1: case 2: /);
    for (const at of [0x1001, 0x1002, 0x100d, 0x1014, 0x1020]) {
      cpu.eip = at;
      const regs = [...cpu.regs], icount = cpu.icount, flags = cpu.flags;
      expect(r.fn([], [], r.members[0]), `entered at ${at.toString(16)}`).toBe(0);
      expect({ eip: cpu.eip, regs: [...cpu.regs], icount: cpu.icount, flags: cpu.flags }).toEqual({ eip: at, regs, icount, flags });
    }
  });
  it('counts exactly across 2^31 and beyond', () => {
    for (const start of [2 ** 31 - 37, 2 ** 32 + 5, 2 ** 40 + 3]) {
      for (let budget = 5; budget < 700; budget += 61) {
        const a = state({ tierUp: 0 }, budget, start), b = state({ tierUp: 0, regions: false }, budget, start), z = state({ tierUp: 0 }, budget);
        expect({ start, budget, regs: a.regs, eip: a.eip, icount: a.icount - start }).toEqual({ start, budget, regs: b.regs, eip: b.eip, icount: b.icount - start });
        expect(a.icount - start).toBe(z.icount);
      }
    }
  });
});

// A region member: the instructions decoded from `bytes` at `eip`.
function member(eip: number, bytes: number[], exit = false): RegionMember {
  const insns: Insn[] = [];
  for (let at = 0; at < bytes.length;) {
    const i = decode((k) => bytes[at + k], eip + at, true);
    insns.push(i); at += i.len;
  }
  return { eip, insns, exit };
}

// memberLoops on members formed from real bytes: which cycles become JS loops.
describe('memberLoops', () => {
  // 0x1000: dec ecx; jz 0x1010 -> 0x1003: jmp 0x1008 -> 0x1008: nop; jmp 0x1000 (a cycle of
  // three members), and 0x1010: 3 x nop; jmp 0x1000 (a cycle of two through the same head).
  const ring = [
    member(0x1000, [0x49, 0x74, 0x0d]),
    member(0x1003, [0xeb, 0x03]),
    member(0x1008, [0x90, 0xeb, 0xf5]),
    member(0x1010, [0x90, 0x90, 0x90, 0xeb, 0xeb]),
  ];
  it("takes each back edge target's shortest cycle, head first", () => {
    expect(memberLoops(ring)).toEqual([[0, 3]]);
  });
  it('takes no cycle through a member that leaves the region or ends in a CALL', () => {
    // 0x1010 leaves the region: the cycle through 0x1003 and 0x1008 is the head's loop.
    expect(memberLoops(ring.map((m, j) => (j === 3 ? { ...m, exit: true } : m)))).toEqual([[0, 1, 2]]);
    // 0x1000: call 0x1005 -> 0x1005: dec ecx; jnz 0x1000: recursion, not a loop.
    expect(memberLoops([member(0x1000, [0xe8, 0x00, 0x00, 0x00, 0x00]), member(0x1005, [0x49, 0x75, 0xf8])])).toEqual([]);
  });
  it('keeps a loop within MAX_LOOP_INSNS', () => {
    // 0x1003: k nops, then jmp 0x1000: a cycle of the head and this member.
    const body = (k: number): RegionMember => member(0x1003, [...new Array(k).fill(0x90), 0xeb, (0x1000 - (0x1003 + k + 2)) & 0xff]);
    expect(memberLoops([ring[0], body(10)])).toEqual([[0, 1]]);
    expect(memberLoops([ring[0], body(MAX_LOOP_INSNS)])).toEqual([]);
  });
});

// Members that go straight on into the next case (region.ts memberLayout): a CALL at 0x100c
// to 0x1020, whose forward JZ skips 0x1027 on odd ECX, and the return point 0x1011 whose JNZ
// goes back to the CALL. No cycle is a loop of members (it passes a CALL and a RET), so every
// transition goes through the switch unless a member falls into the next case: 0x1011 into
// 0x100c, 0x100c into 0x1020, 0x1020 into 0x1027 (RET has no known successor). The block at
// 0x1000 (which also ends in the CALL) runs once, too few times to be a member.
const CALLS = [
  0xb9, 0xe8, 0x03, 0x00, 0x00, //       1000 mov ecx, 1000
  0x31, 0xc0, //                         1005 xor eax, eax
  0xba, 0x00, 0x00, 0x00, 0x00, //       1007 mov edx, 0
  0xe8, 0x0f, 0x00, 0x00, 0x00, //       100c call 0x1020
  0x49, //                               1011 dec ecx
  0x75, 0xf8, //                         1012 jnz 0x100c
  0xf4, //                               1014 hlt
  ...new Array(11).fill(0x90), //        1015 nops
  0x01, 0xc8, //                         1020 add eax, ecx
  0xf6, 0xc1, 0x01, //                   1022 test cl, 1
  0x74, 0x03, //                         1025 jz 0x102a
  0x01, 0xc2, //                         1027 add edx, eax
  0x90, //                               1029 nop
  0xc3, //                               102a ret
];

describe('members that go on into the next case', () => {
  // Blocks compiled at their second run, the region built when one of them has run 64 times.
  const FALL = { tierUp: 2, regionAt: 64 };
  const state = (opts: Record<string, unknown>, budget: number) => {
    const { cpu, jit } = bareMachine(new Uint8Array(CALLS), 1 << 20, opts);
    jit.run(budget);
    return { regs: [...cpu.regs], eip: cpu.eip, icount: cpu.icount, flags: cpu.flags, halted: cpu.halted, jit };
  };
  const sources = (jit: unknown): string => [...(jit as any).regions.values()].flatMap((rm: Map<number, { source: string }>) => [...rm.values()].map((r) => r.source)).join('\n');
  it('lays out chains of members: a call into its target, a forward Jcc into the next instruction, a backward one into its target', () => {
    const done = state(FALL, 100_000);
    expect(done.halted).toBe(true);
    let eax = 0, edx = 0;
    for (let ecx = 1000; ecx > 0; ecx--) { eax += ecx; if (ecx & 1) edx += eax; }
    expect(done.regs.slice(0, 3)).toEqual([eax, 0, edx]);
    expect(state({ singleStep: true }, 100_000)).toMatchObject({ regs: done.regs, eip: done.eip, icount: done.icount });
    // The cases 0x11, 0x0c, 0x20, 0x27 follow each other, each but the last without a break
    // at its end (it ends in the budget check and goes on).
    const src = sources(done.jit);
    const at = (o: number): number => src.indexOf(`case ${o}: {`);
    expect([at(0x11), at(0x0c), at(0x20), at(0x27)].every((x) => x >= 0)).toBe(true);
    expect(at(0x11) < at(0x0c) && at(0x0c) < at(0x20) && at(0x20) < at(0x27)).toBe(true);
    for (const [a, b] of [[0x11, 0x0c], [0x0c, 0x20], [0x20, 0x27]]) {
      expect(src.slice(at(a), at(b)).trimEnd(), `case ${a} into ${b}`).toMatch(/if \(bu <= 0\) break;\n\}$/);
    }
  });
  it('stops where blocks run one by one stop, at every budget and with an interrupt held off', { timeout: 30_000 }, () => {
    for (let budget = 3; budget < 2500; budget += 23) {
      const a = state(FALL, budget), b = state({ ...FALL, regions: false }, budget);
      expect({ budget, regs: a.regs, eip: a.eip, icount: a.icount, flags: a.flags }).toEqual({ budget, regs: b.regs, eip: b.eip, icount: b.icount, flags: b.flags });
    }
    const regions = interruptWindows(CALLS, FALL);
    expect(regions).toBeGreaterThan(1000);
    expect(regions).toBe(interruptWindows(CALLS, { ...FALL, regions: false }));
  });
});

describe('memberLayout', () => {
  // 0x1000: call 0x1010 -> 0x1005: dec ecx; jnz 0x1000 -> 0x1008: ret; 0x1010: jmp 0x1000.
  const ms = [
    member(0x1000, [0xe8, 0x0b, 0x00, 0x00, 0x00]),
    member(0x1005, [0x49, 0x75, 0xf8]),
    member(0x1008, [0xc3]),
    member(0x1010, [0xeb, 0xee]),
  ];
  const check = (members: RegionMember[], heads: Set<number>) => {
    const { order, fall } = memberLayout(members, heads);
    // Every member once; a member falls only into the one laid out after it.
    expect([...order].sort()).toEqual(members.map((_, j) => j));
    fall.forEach((k, j) => { if (k >= 0) expect(order[order.indexOf(j) + 1]).toBe(k); });
    return fall;
  };
  it('falls into one successor each, never twice into one member, never round a cycle', () => {
    // 0x1000 into 0x1010 (the call's target); 0x1005 into 0x1000 (backward JNZ); 0x1010's JMP
    // back to 0x1000 would close the chain 0x1005 0x1000 0x1010 into a cycle.
    expect(check(ms, new Set())).toEqual([3, 0, -1, -1]);
  });
  it('lets no member that leaves, loops on itself or heads a loop go on', () => {
    expect(check(ms.map((m, j) => (j === 1 ? { ...m, exit: true } : m)), new Set())).toEqual([3, -1, -1, -1]);
    expect(check(ms, new Set([0]))).toEqual([-1, 0, -1, -1]);
    // 0x1005: dec ecx; jnz 0x1005 loops on itself.
    expect(check([ms[0], member(0x1005, [0x49, 0x75, 0xfd]), ms[2], ms[3]], new Set())).toEqual([3, -1, -1, -1]);
  });
});

// Regrowing (Jit.regrow). At 0x1007 a loop of 40 000 rounds of 13 instructions whose every
// 64th round also runs one of four blocks at 0x1040-0x104c (ADD EDX, EAX), each every 256th
// round. They become compiled long after the region of the loop's blocks was built, and each of
// them runs once per 3 300 guest instructions, too rarely to build the region again on its own
// (promote's lukewarm rule); together the region leaves for them once per ~830 instructions,
// and regrowAt such exits build it again with them.
const FOUR = [
  0xb9, 0x40, 0x9c, 0x00, 0x00, //       1000 mov ecx, 40000
  0x31, 0xc0, //                         1005 xor eax, eax
  0x40, //                               1007 inc eax
  0x89, 0xc3, //                         1008 mov ebx, eax
  0x81, 0xe3, 0xff, 0x00, 0x00, 0x00, // 100a and ebx, 0xff
  0x83, 0xfb, 0x40, //                   1010 cmp ebx, 0x40
  0x74, 0x2b, //                         1013 je 0x1040
  0x81, 0xfb, 0x80, 0x00, 0x00, 0x00, // 1015 cmp ebx, 0x80
  0x74, 0x27, //                         101b je 0x1044
  0x81, 0xfb, 0xc0, 0x00, 0x00, 0x00, // 101d cmp ebx, 0xc0
  0x74, 0x23, //                         1023 je 0x1048
  0x85, 0xdb, //                         1025 test ebx, ebx
  0x74, 0x23, //                         1027 je 0x104c
  0x49, //                               1029 dec ecx
  0x75, 0xdb, //                         102a jnz 0x1007
  0xf4, //                               102c hlt
];
// The same loop shape with one such block (at 0x1020, every 512th round of 5 instructions):
// the region leaves for it once per 2 560 instructions, which costs less than a build.
const ONE = [
  0xb9, 0x20, 0x4e, 0x00, 0x00, //       1000 mov ecx, 20000
  0x31, 0xc0, //                         1005 xor eax, eax
  0x40, //                               1007 inc eax
  0xa9, 0xff, 0x01, 0x00, 0x00, //       1008 test eax, 0x1ff
  0x74, 0x11, //                         100d jz 0x1020
  0x49, //                               100f dec ecx
  0x75, 0xf5, //                         1010 jnz 0x1007
  0xf4, //                               1012 hlt
];

describe('regrowing a region', () => {
  const run = (code: number[], rare: [number, number[]][], opts: Record<string, unknown>) => {
    const img = new Uint8Array(0x60);
    img.set(code, 0);
    for (const [at, bytes] of rare) img.set(bytes, at - 0x1000);
    const { cpu, jit } = bareMachine(img, 1 << 20, opts);
    jit.run(2_000_000);
    const members = rare.map(([at]) => jit.blocks.find((b) => b.eip === at)?.region != null);
    return { jit, members, state: { regs: [...cpu.regs], eip: cpu.eip, icount: cpu.icount, flags: cpu.flags, halted: cpu.halted } };
  };
  const opts = { tierUp: 2, regionAt: 40, regrowAt: 4 };
  // 0x1040 + 4k: add edx, eax; jmp 0x1029
  const four: [number, number[]][] = [0, 1, 2, 3].map((k) => [0x1040 + 4 * k, [0x01, 0xc2, 0xeb, 0xe5 - 4 * k]]);
  it('builds the region again with compiled blocks of its page it keeps leaving for', () => {
    const grown = run(FOUR, four, opts);
    expect(grown.members).toEqual([true, true, true, true]);
    let eax = 0, edx = 0;
    for (let k = 0; k < 40000; k++) { eax++; if ([0x40, 0x80, 0xc0, 0].includes(eax & 0xff)) edx += eax; }
    expect(grown.state.regs.slice(0, 4)).toEqual([eax, 0, edx, eax & 0xff]);
    expect(grown.state).toEqual(run(FOUR, four, { singleStep: true }).state);
    // Without regrowing the blocks stay outside: the exits are what builds them in.
    const kept = run(FOUR, four, { ...opts, regrowAt: 0 });
    expect(kept.members).toEqual([false, false, false, false]);
    expect(kept.state).toEqual(grown.state);
    expect(grown.jit.stats.regionsGenerated).toBe(kept.jit.stats.regionsGenerated + 1);
  });
  it('leaves a region alone whose exits to its page are rarer than a build is worth', () => {
    const sparse = run(ONE, [[0x1020, [0x01, 0xc2, 0xeb, 0xeb]]], opts); // 1020 add edx, eax; jmp 0x100f
    expect(sparse.members).toEqual([false]);
    expect(sparse.state).toEqual(run(ONE, [[0x1020, [0x01, 0xc2, 0xeb, 0xeb]]], { singleStep: true }).state);
  });
});

// The region's switch on the page offset: V8's bytecode generator compiles a switch to a jump
// table (SwitchOnSmiNoFeedback) only when the spread of its cases (last - first) is under
// three times their count (--switch-table-spread-threshold) and at least 6; otherwise a region
// not yet optimized compares the offset with every case in turn, at every pass and exit.
describe('the region switch', () => {
  const cases = (src: string): number[] => [...src.matchAll(/case (\d+):/g)].map((m) => Number(m[1]));
  it('has cases dense enough for a jump table in both of V8\'s tiers, each offset once', () => {
    // ret at a few offsets spread over the page: members that each leave the region.
    for (const offsets of [[0x10, 0x20], [0x10, 0x800, 0xff0], [0, 0x13, 0x14, 0x400, 0x401, 0xfff], [0x100, 0x107]]) {
      const src = emitRegion(offsets.map((o) => member(0x5000 + o, [0xc3], true)), 0x5000, { inline: true, countExecutions: false });
      const k = cases(src), lo = Math.min(...k), hi = Math.max(...k);
      expect(new Set(k).size, `${offsets}`).toBe(k.length);
      expect([lo, hi]).toEqual([offsets[0], offsets[offsets.length - 1]]);
      for (const o of offsets) expect(k).toContain(o);
      expect(hi - lo, `${offsets}: ${k.length} cases`).toBeLessThan(3 * k.length);
      expect(k.length).toBeGreaterThanOrEqual(Math.min(6, hi - lo + 1));
    }
  });
});
