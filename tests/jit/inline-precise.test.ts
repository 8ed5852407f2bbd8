// Precise exceptions of the inline stack and read-modify-write emitters (inline.ts): the same
// frame as precise.test.ts (the 3rd of 5 instructions faults), with the forms those emitters
// handle. A read-modify-write checks its destination for writing before it reads, so a
// not-present destination gives a write #PF error code; a stack access that faults leaves
// ESP, the destination register and EIP as they were.
import { describe, it, expect } from 'vitest';
import type { Cpu } from '../../src/cpu/state.ts';
import { rd32, wr32 } from '../../src/cpu/memory.ts';
import { getFlags, setFlagsAll } from '../../src/cpu/flags.ts';
import { EAX, EBX, ECX, ESP, EBP, ESI, EDI, CF, ZF, SF, OF } from '../../src/cpu/regs.ts';
import { GP, PF_ } from '../../src/cpu/fault.ts';
import { u, CODE, RO, SPLIT, NP_STACK, NP, bytes, setup, ev, preciseScenarios, type Scenario } from './precise-frame.ts';
import { INLINE_HELPERS } from '../../jit/inline.ts';

/** Fill the read and write TLB entries of SPLIT's first (present) page. */
const warmSplit = (c: Cpu): void => { rd32(c, 3, SPLIT + 0xf00); wr32(c, 0, SPLIT + 0xf00, 0); };
const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

const SCENARIOS: Scenario[] = [
  { name: 'pop eax from a not-present page: EAX and ESP unchanged', insn: [0x58], regs: { [ESP]: NP_STACK + 0x10 }, vector: PF_, error: 4, cr2: NP_STACK + 0x10 },
  { name: 'pop esp from a not-present page', insn: [0x5c], regs: { [ESP]: NP_STACK + 0x10 }, vector: PF_, error: 4, cr2: NP_STACK + 0x10 },
  { name: 'pop eax across into a not-present page', insn: [0x58], regs: { [ESP]: SPLIT + 0xffe }, vector: PF_, error: 4, cr2: SPLIT + 0x1000 },
  { name: 'ret from a not-present page: ESP unchanged', insn: [0xc3], regs: { [ESP]: NP_STACK + 0x10 }, vector: PF_, error: 4, cr2: NP_STACK + 0x10 },
  { name: 'ret 8 from a not-present page', insn: [0xc2, 0x08, 0x00], regs: { [ESP]: NP_STACK + 0x10 }, vector: PF_, error: 4, cr2: NP_STACK + 0x10 },
  {
    name: 'ret to a target beyond the CS limit: #GP(0), ESP unchanged', insn: [0xc3], regs: { [ESP]: 0x6000 },
    prep: (c) => { c.view.setInt32(0x6000, 0x123456, true); c.slimit[1] = 0xfffff; }, vector: GP, error: 0,
  },
  { name: 'push imm32 to a not-present stack page', insn: [0x68, 1, 2, 3, 4], regs: { [ESP]: NP_STACK + 0x1000 }, vector: PF_, error: 6, cr2: NP_STACK + 0xffc },
  { name: 'push imm8 to a not-present stack page', insn: [0x6a, 0xff], regs: { [ESP]: NP_STACK + 0x1000 }, vector: PF_, error: 6, cr2: NP_STACK + 0xffc },
  { name: 'push dword [esi] to a not-present stack page', insn: [0xff, 0x36], regs: { [ESP]: NP_STACK + 0x1000 }, vector: PF_, error: 6, cr2: NP_STACK + 0xffc },
  { name: 'push dword [esi] from a not-present page', insn: [0xff, 0x36], regs: { [ESI]: NP + 8 }, vector: PF_, error: 4, cr2: NP + 8 },
  { name: 'call eax whose push faults: EIP at the call, ESP unchanged', insn: [0xff, 0xd0], regs: { [EAX]: CODE, [ESP]: NP_STACK + 0x1000 }, vector: PF_, error: 6, cr2: NP_STACK + 0xffc },
  { name: 'call [esi] from a not-present page', insn: [0xff, 0x16], regs: { [ESI]: NP + 8 }, vector: PF_, error: 4, cr2: NP + 8 },
  { name: 'or dword [esi], 0x10 on a not-present page: a write fault', insn: [0x83, 0x0e, 0x10], regs: { [ESI]: NP + 4 }, vector: PF_, error: 6, cr2: NP + 4 },
  { name: 'add [esi], eax on a not-present page: a write fault', insn: [0x01, 0x06], regs: { [ESI]: NP + 4 }, vector: PF_, error: 6, cr2: NP + 4 },
  { name: 'inc dword [esi] on a not-present page: a write fault', insn: [0xff, 0x06], regs: { [ESI]: NP + 4 }, vector: PF_, error: 6, cr2: NP + 4 },
  { name: 'add byte [esi], al on a not-present page: a write fault', insn: [0x00, 0x06], regs: { [ESI]: NP + 4 }, vector: PF_, error: 6, cr2: NP + 4 },
  {
    name: 'adc dword [edi], 5 to a read-only page: memory and flags unchanged', insn: [0x83, 0x17, 0x05],
    vector: PF_, error: 7, cr2: RO + 0x10, check: (c) => expect(u(c.view.getInt32(RO + 0x10, true))).toBe(0x01020304),
  },
  { name: 'sbb [edi], ecx to a read-only page', insn: [0x19, 0x0f], vector: PF_, error: 7, cr2: RO + 0x10 },
  { name: 'xor dword [edi], 0x12345678 to a read-only page', insn: [0x81, 0x37, 0x78, 0x56, 0x34, 0x12], vector: PF_, error: 7, cr2: RO + 0x10 },
  { name: 'not dword [edi] to a read-only page', insn: [0xf7, 0x17], vector: PF_, error: 7, cr2: RO + 0x10 },
  { name: 'neg dword [edi] to a read-only page', insn: [0xf7, 0x1f], vector: PF_, error: 7, cr2: RO + 0x10 },
  { name: 'dec byte [edi] to a read-only page', insn: [0xfe, 0x0f], vector: PF_, error: 7, cr2: RO + 0x10 },
  { name: 'sub byte [edi], 1 to a read-only page', insn: [0x80, 0x2f, 0x01], vector: PF_, error: 7, cr2: RO + 0x10 },
  { name: 'neg byte [edi] to a read-only page', insn: [0xf6, 0x1f], vector: PF_, error: 7, cr2: RO + 0x10 },
  // Only an address that is a multiple of the size whatever the registers hold (no base, an
  // index scaled by a multiple of the size) may skip the page-crossing test: with the first
  // page's TLB entries warm, the fast path would otherwise read or write past the page.
  { name: 'mov eax, [ecx*2 + disp] across into a not-present page (index scaled by 2)', insn: [0x8b, 0x04, 0x4d, ...le32(SPLIT + 0xffc)], regs: { [ECX]: 1 }, prep: warmSplit, vector: PF_, error: 4, cr2: SPLIT + 0x1000 },
  { name: 'mov eax, [esi + 0xffc] across into a not-present page (a base register)', insn: [0x8b, 0x86, ...le32(0xffc)], regs: { [ESI]: SPLIT + 2 }, prep: warmSplit, vector: PF_, error: 4, cr2: SPLIT + 0x1000 },
  { name: 'mov [esi + 0xffc], eax across into a not-present page (a base register)', insn: [0x89, 0x86, ...le32(0xffc)], regs: { [ESI]: SPLIT + 2 }, prep: warmSplit, vector: PF_, error: 6, cr2: SPLIT + 0x1000 },
  {
    name: 'and dword [edi], eax across into a not-present page: the first page unchanged', insn: [0x21, 0x07], regs: { [EDI]: SPLIT + 0xffe },
    vector: PF_, error: 6, cr2: SPLIT + 0x1000, check: (c) => expect(bytes(c, SPLIT + 0xffc, 4)).toEqual([0xa1, 0xa2, 0xa3, 0xa4]),
  },
];

describe('inline stack and read-modify-write emitters: precise exceptions', () => {
  preciseScenarios(SCENARIOS);

  for (const singleStep of [false, true]) {
    it(`leave with EBP in a not-present page: EBP and ESP unchanged (singleStep=${singleStep})`, () => {
      const { c, events, jit } = setup(singleStep);
      c.mem.set([0x89, 0xdd, 0xc9, 0xcc], CODE); // mov ebp, ebx ; leave ; int3
      c.regs[EBX] = NP + 0x20; c.regs[ESP] = 0x8000; c.eip = CODE;
      jit.run(100);
      expect(ev(events)).toEqual([[PF_, 4, CODE + 2, NP + 0x20]]);
      expect(u(c.regs[EBP])).toBe(NP + 0x20);
      expect(c.regs[ESP]).toBe(0x8000);
      expect(c.icount).toBe(1);
    });
    it(`a read-modify-write that rewrites the next instruction keeps its flags (singleStep=${singleStep})`, () => {
      const { c, events, jit } = setup(singleStep);
      c.mem.set([
        0x80, 0x06, 0x60, // add byte [esi], 0x60   (0x29 -> 0x89: OF SF set)
        0x29, 0xc0, //       sub eax, eax           (becomes mov eax, eax, which writes no flags)
        0xcc, //             int3
      ], CODE);
      c.regs[ESI] = CODE + 3; c.regs[EAX] = 7; c.eip = CODE;
      setFlagsAll(c, 0x2 | ZF | CF);
      jit.run(100);
      expect(ev(events).map((e) => [e[0], e[2]])).toEqual([[3, CODE + 6]]);
      expect(c.mem[CODE + 3]).toBe(0x89);
      expect(c.regs[EAX]).toBe(7);
      expect(u(getFlags(c))).toBe(0x2 | OF | SF);
    });
    // INC and DEC keep CF, which the record before them may hold lazily: each kind of record
    // (a logic one's CF is 0 whatever CF was before it) with CF set and clear.
    const keepCf: [string, number[], number, number, number][] = [
      ['test eax, eax', [0x85, 0xc0], 5, 7, 0],
      ['cmp eax, ebx (borrow)', [0x39, 0xd8], 1, 2, CF],
      ['cmp eax, ebx', [0x39, 0xd8], 2, 1, 0],
      ['add eax, ebx (carry)', [0x01, 0xd8], -1, 2, CF],
      ['imul eax, ebx (overflow)', [0x0f, 0xaf, 0xc3], 0x10000, 0x10000, CF],
      ['imul eax, ebx', [0x0f, 0xaf, 0xc3], 3, 4, 0],
    ];
    for (const [what, insn, a, b, cf] of keepCf) for (const op of [[0x41], [0x49]]) {
      it(`${op[0] === 0x41 ? 'inc' : 'dec'} ecx after ${what} keeps CF = ${cf} (singleStep=${singleStep})`, () => {
        const { c, jit } = setup(singleStep);
        c.mem.set([0xf9, ...insn, ...op, 0xcc], CODE); // stc ; insn ; inc/dec ecx ; int3
        c.regs[EAX] = a; c.regs[EBX] = b; c.regs[ECX] = 9; c.eip = CODE;
        jit.run(100);
        expect(c.regs[ECX]).toBe(op[0] === 0x41 ? 10 : 8);
        expect(getFlags(c) & CF).toBe(cf);
      });
    }
    it(`push, call, ret, leave and pop round trip (singleStep=${singleStep})`, () => {
      const { c, events, jit } = setup(singleStep);
      c.mem.set([
        0x55, //                         push ebp
        0x89, 0xe5, //                   mov ebp, esp
        0x6a, 0xfe, //                   push -2
        0xe8, 0x03, 0x00, 0x00, 0x00, // call +3
        0x5b, //                         pop ebx
        0xc9, //                         leave
        0xcc, //                         int3
        0x58, //                         (callee) pop eax       (the return address)
        0x50, //                         push eax
        0xc2, 0x00, 0x00, //             ret 0
      ], CODE);
      c.regs[ESP] = 0x8000; c.regs[EBP] = 0x1234; c.eip = CODE;
      jit.run(100);
      expect(ev(events).map((e) => [e[0], e[2]])).toEqual([[3, CODE + 13]]);
      expect(u(c.regs[EAX])).toBe(CODE + 10);
      expect(c.regs[EBX]).toBe(-2);
      expect(c.regs[EBP]).toBe(0x1234);
      expect(c.regs[ESP]).toBe(0x8000);
    });
  }
});

describe('MUL high word helper (H.mulHi)', () => {
  // The generated code's one-operand MUL takes EDX from this helper; BigInt is the oracle.
  const ref = (x: number, y: number): number => Number((BigInt(x >>> 0) * BigInt(y >>> 0)) >> 32n) | 0;
  it('equals the high 32 bits of the unsigned 64-bit product', () => {
    const edge = [0, 1, 2, -1, -2, 0x7fffffff, -0x80000000, 0xffff, 0x10000, 0x1ffff, 0xcccccccd | 0, 0xaaaaaaab | 0, 0x80008000 | 0, 0xffff0000 | 0];
    for (const a of edge) for (const b of edge) expect(INLINE_HELPERS.mulHi(a, b), `${a} * ${b}`).toBe(ref(a, b));
    let s = 0x2545f491, bad = 0;
    const rnd = (): number => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return s | 0; };
    for (let k = 0; k < 200_000; k++) { const a = rnd(), b = rnd(); if (INLINE_HELPERS.mulHi(a, b) !== ref(a, b)) bad++; }
    expect(bad).toBe(0);
  });
});
