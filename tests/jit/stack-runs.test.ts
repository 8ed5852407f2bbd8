// Runs of PUSH r32 / POP r32 (jit/stack-runs.ts) take one TLB lookup for the whole run when it
// lies on one page with a TLB entry, and otherwise run instruction by instruction. Either way the
// result is single-step's: the same registers, memory, fault at the same instruction (with the
// pushes before it done), the same stop when a push rewrites translated code.
import { describe, it, expect } from 'vitest';
import { ECX, EDX, EBX, ESP, ESI, EDI } from '../../src/cpu/regs.ts';
import { snapshot } from '../support/machine.ts';
import { u, CODE, SPLIT, NP_STACK, setup, ev } from './precise-frame.ts';

// mov ebp, 0x5a5a5a5a; mov [esp-4], eax (its miss fills the stack page's TLB entry, so the
// pushes after it can take the one-lookup branch); push eax; push ebx; push ecx; push edx;
// add ebp, ebp; pop esi; pop edi; pop ecx; pop ebx; int3
const CODE_BYTES = [0xbd, 0x5a, 0x5a, 0x5a, 0x5a, 0x89, 0x44, 0x24, 0xfc, 0x50, 0x53, 0x51, 0x52, 0x01, 0xed, 0x5e, 0x5f, 0x59, 0x5b, 0xcc];
const THIRD_PUSH = CODE + 11;

function runAt(esp: number, singleStep: boolean, code = CODE_BYTES) {
  const m = setup(singleStep);
  const { c } = m;
  c.mem.set(code, CODE);
  const regs = [0x11111111, 0x22222222, 0x33333333, 0x44444444, esp, 0, 0x66666666, 0x77777777];
  regs.forEach((v, r) => { c.regs[r] = v; });
  c.eip = CODE;
  m.jit.run(100);
  return m;
}

function sameAsSingleStep(esp: number, code = CODE_BYTES) {
  const a = runAt(esp, false, code), b = runAt(esp, true, code);
  expect(snapshot(a.c)).toEqual(snapshot(b.c));
  expect(ev(a.events)).toEqual(ev(b.events));
  expect(Buffer.compare(a.c.mem, b.c.mem)).toBe(0);
  return a;
}

describe('runs of pushes and pops', () => {
  it('within one page: the fused form, and the values where single-step puts them', () => {
    const a = sameAsSingleStep(0x8000);
    // (Guarded accesses leave the first block: its page's blocks form a region at once.)
    const src = a.jit.blocks.map((b) => b.region?.source ?? b.source).join('\n');
    expect(src).toMatch(/const s = \(r4 - 16\)\|0; e = wt\[s >>> 12\]; if \(e !== 0 && \(s & 0xfff\) <= 4080\)/);
    expect(src).toMatch(/const s = r4; e = rt\[s >>> 12\]; if \(e !== 0 && \(s & 0xfff\) <= 4080\)/);
    const c = a.c;
    // Pushed EAX EBX ECX EDX (EAX highest), popped into ESI EDI ECX EBX: ESI = EDX, EDI = ECX, ECX = EBX, EBX = EAX.
    expect([c.regs[ESI], c.regs[EDI], c.regs[ECX], c.regs[EBX]].map(u)).toEqual([0x33333333, 0x22222222, 0x44444444, 0x11111111]);
    expect(u(c.regs[ESP])).toBe(0x8000);
    expect(ev(a.events).map((e) => e[2])).toEqual([CODE + CODE_BYTES.length]); // the int3 trap
  });
  it('across a page boundary between present pages', () => { sameAsSingleStep(0x8008); });
  it('a push that reaches a not-present page faults there, with the pushes before it done', () => {
    // 0x305000 is present, NP_STACK (0x304000) is not: the third push faults.
    const a = sameAsSingleStep(NP_STACK + 0x1008);
    expect(ev(a.events)).toEqual([[14, 6, THIRD_PUSH, NP_STACK + 0xffc]]);
    expect(u(a.c.regs[ESP])).toBe(NP_STACK + 0x1000);
    expect(a.c.icount).toBe(4);
  });
  it('a pop that reaches a not-present page faults there, with the pops before it done', () => {
    // Push 4, then pop from SPLIT + 0xff8: 0x302ff8 and 0x302ffc are present, 0x303000 is not.
    const code = [0xbc, ...[0xf8, 0x2f, 0x30, 0x00], 0x5e, 0x5f, 0x59, 0x5b, 0xcc]; // mov esp, SPLIT+0xff8; pop esi; pop edi; pop ecx; pop ebx; int3
    const a = sameAsSingleStep(0x8000, code);
    expect(ev(a.events)).toEqual([[14, 4, CODE + 7, SPLIT + 0x1000]]);
    expect(u(a.c.regs[ESP])).toBe(SPLIT + 0x1000);
    expect(a.c.icount).toBe(3);
  });
  it('pushes that rewrite the code that follows them stop where single-step stops', () => {
    // ESP just past the pushes' own bytes: they overwrite `add ebp, ebp` and the pops.
    sameAsSingleStep(CODE + 0x10);
  });
  it('PUSH ESP and POP ESP are not part of a run', () => {
    // mov [esp-4], eax; push eax; push esp; push ebx; pop ecx; pop esp; pop edx; int3
    const a = sameAsSingleStep(0x8000, [0x89, 0x44, 0x24, 0xfc, 0x50, 0x54, 0x53, 0x59, 0x5c, 0x5a, 0xcc]);
    expect(u(a.c.regs[ECX])).toBe(0x44444444); // EBX
    expect(u(a.c.regs[EDX])).toBe(0x11111111); // EAX, popped from the ESP that POP ESP loaded
  });
});
