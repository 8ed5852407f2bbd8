// Precise exceptions: when the 3rd of 5 instructions faults, the guest sees EIP of the faulting
// instruction, registers and EFLAGS as the 2nd instruction left them, memory without any part of
// the faulting instruction's stores, and c.icount = 2 (only retired instructions). Every case
// runs in block mode and single-step mode; both must produce identical state and memory.
import { describe, it, expect } from 'vitest';
import { Cpu } from '../../src/cpu/state.ts';
import { setFlatSegments } from '../../src/cpu/flat.ts';
import { getFlags, setFlagsAll } from '../../src/cpu/flags.ts';
import { flushPage } from '../../src/cpu/paging.ts';
import { rd32, wr32 } from '../../src/cpu/memory.ts';
import { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI, CF, ZF, SF, OF, AF, PF, CR0_TS } from '../../src/cpu/regs.ts';
import { DE, BR, UD, NM, GP, PF_ } from '../../src/cpu/fault.ts';
import { Jit } from '../../jit/jit.ts';
import { P, RW, US, recordEvents } from '../support/machine.ts';
import { u, CODE, RO, SPLIT, NP_STACK, NP, I1, I2, I4, I5, FAULT_EIP, bytes, setup, ev, preciseScenarios, type Scenario } from './precise-frame.ts';

/** Fill the TLB entries of the source (0x5000) and of the destination page before SPLIT's end. */
const warmTlb = (c: Cpu): void => { rd32(c, 3, 0x5000); wr32(c, 0, SPLIT + 0xf00, 0); };

const SCENARIOS: Scenario[] = [
  {
    name: '#PF on a store to a read-only page', insn: [0x89, 0x07], // mov [edi], eax
    vector: PF_, error: 7, cr2: RO + 0x10,
    check: (c) => expect(u(c.view.getInt32(RO + 0x10, true))).toBe(0x01020304),
  },
  {
    name: '#PF on a page-crossing store whose second page is not present: the first page is untouched',
    insn: [0x89, 0x07], regs: { [EDI]: SPLIT + 0xffe }, // mov [edi], eax
    vector: PF_, error: 6, cr2: SPLIT + 0x1000,
    check: (c) => expect(bytes(c, SPLIT + 0xffc, 4)).toEqual([0xa1, 0xa2, 0xa3, 0xa4]),
  },
  {
    name: '#PF on a push to a not-present stack page: ESP unchanged', insn: [0x50], // push eax
    regs: { [ESP]: NP_STACK + 0x1000 },
    vector: PF_, error: 6, cr2: NP_STACK + 0xffc,
  },
  {
    name: '#PF on a push that crosses into a not-present page: ESP and the first page unchanged', insn: [0x50], // push eax
    regs: { [ESP]: SPLIT + 0x1002 },
    vector: PF_, error: 6, cr2: SPLIT + 0x1000,
    check: (c) => expect(bytes(c, SPLIT + 0xffc, 4)).toEqual([0xa1, 0xa2, 0xa3, 0xa4]),
  },
  {
    name: '#PF on a call whose return-address push faults: EIP at the call, ESP unchanged', insn: [0xe8, 0, 0, 0, 0], // call $+5
    regs: { [ESP]: NP_STACK + 0x1000 },
    vector: PF_, error: 6, cr2: NP_STACK + 0xffc,
  },
  {
    name: '#PF on read-modify-write add [mem], eax to a read-only page: flags and memory unchanged', insn: [0x01, 0x07], // add [edi], eax
    vector: PF_, error: 7, cr2: RO + 0x10,
    check: (c) => expect(u(c.view.getInt32(RO + 0x10, true))).toBe(0x01020304),
  },
  {
    name: '#PF on inc dword [mem] to a read-only page', insn: [0xff, 0x07], // inc dword [edi]
    vector: PF_, error: 7, cr2: RO + 0x10,
  },
  {
    name: '#PF on shl dword [mem], 1 to a read-only page', insn: [0xd1, 0x27], // shl dword [edi], 1
    vector: PF_, error: 7, cr2: RO + 0x10,
  },
  {
    name: '#PF on xchg [mem], eax to a read-only page: EAX unchanged', insn: [0x87, 0x07], // xchg [edi], eax
    vector: PF_, error: 7, cr2: RO + 0x10,
  },
  {
    name: '#PF on cmpxchg [mem], ecx to a read-only page (compare fails): EAX and flags unchanged', insn: [0x0f, 0xb1, 0x0f], // cmpxchg [edi], ecx
    vector: PF_, error: 7, cr2: RO + 0x10,
  },
  {
    name: '#PF on xadd [mem], ecx to a read-only page: ECX unchanged', insn: [0x0f, 0xc1, 0x0f], // xadd [edi], ecx
    vector: PF_, error: 7, cr2: RO + 0x10,
  },
  {
    name: '#PF on cmpxchg8b across into a not-present page: EDX:EAX unchanged', insn: [0x0f, 0xc7, 0x0f], // cmpxchg8b [edi]
    regs: { [EDI]: SPLIT + 0xffc },
    vector: PF_, error: 6, cr2: SPLIT + 0x1000,
    check: (c) => expect(bytes(c, SPLIT + 0xffc, 4)).toEqual([0xa1, 0xa2, 0xa3, 0xa4]),
  },
  {
    name: '#PF on pop dword [mem] to a read-only page: ESP unchanged', insn: [0x8f, 0x07], // pop dword [edi]
    vector: PF_, error: 7, cr2: RO + 0x10,
  },
  {
    name: '#PF on movsd to a read-only page: ESI and EDI unchanged', insn: [0xa5], // movsd
    vector: PF_, error: 7, cr2: RO + 0x10,
  },
  {
    name: '#PF in rep movsb at a page boundary: the completed iterations stay, EIP at the REP instruction',
    insn: [0xf3, 0xa4], regs: { [ECX]: 8, [EDI]: SPLIT + 0xffc }, // rep movsb
    vector: PF_, error: 6, cr2: SPLIT + 0x1000,
    after: { [ECX]: 4, [ESI]: 0x5004, [EDI]: SPLIT + 0x1000 },
    check: (c) => expect(bytes(c, SPLIT + 0xffc, 4)).toEqual([0x41, 0x42, 0x43, 0x44]),
  },
  {
    // A short run goes element by element inline (through the TLB entries the prep fills); the
    // element that reaches the not-present page leaves the rest to the helper, which faults.
    name: '#PF in rep movsd at a page boundary after two elements: the completed elements stay',
    insn: [0xf3, 0xa5], regs: { [ECX]: 4, [EDI]: SPLIT + 0xff8 }, // rep movsd
    prep: warmTlb,
    vector: PF_, error: 6, cr2: SPLIT + 0x1000,
    after: { [ECX]: 2, [ESI]: 0x5008, [EDI]: SPLIT + 0x1000 },
    check: (c) => expect(bytes(c, SPLIT + 0xff8, 8)).toEqual([0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48]),
  },
  {
    name: '#PF in rep stosw across a page boundary: the element that straddles it faults',
    insn: [0x66, 0xf3, 0xab], regs: { [ECX]: 5, [EDI]: SPLIT + 0xffb }, // rep stosw
    prep: warmTlb,
    vector: PF_, error: 6, cr2: SPLIT + 0x1000,
    after: { [ECX]: 3, [EDI]: SPLIT + 0xfff },
    check: (c) => expect(bytes(c, SPLIT + 0xffb, 5)).toEqual([0xbe, 0xba, 0xbe, 0xba, 0xa4]),
  },
  {
    name: '#PF on an inline ALU load from a not-present page: EAX unchanged', insn: [0x03, 0x06], // add eax, [esi]
    regs: { [ESI]: NP + 4 },
    vector: PF_, error: 4, cr2: NP + 4,
  },
  {
    name: '#PF on a page-crossing load: CR2 is the start of the second page', insn: [0x8b, 0x06], // mov eax, [esi]
    regs: { [ESI]: SPLIT + 0xffd },
    vector: PF_, error: 4, cr2: SPLIT + 0x1000,
  },
  {
    name: '#DE on div by zero: EAX, EDX unchanged', insn: [0xf7, 0xf7], // div edi
    regs: { [EDI]: 0, [EDX]: 9 },
    vector: DE, error: -1,
  },
  {
    name: '#DE on a quotient that does not fit', insn: [0xf7, 0xf7], // div edi
    regs: { [EDI]: 2, [EDX]: 5 },
    vector: DE, error: -1,
  },
  {
    name: '#GP(0) on a store through CS', insn: [0x2e, 0x89, 0x07], // mov [cs:edi], eax
    vector: GP, error: 0,
  },
  {
    name: '#GP(0) on a privileged instruction at CPL 3', insn: [0x0f, 0x20, 0xc0], // mov eax, cr0
    vector: GP, error: 0,
  },
  {
    name: '#GP(0) on CLI at CPL 3 with IOPL 0', insn: [0xfa], // cli
    vector: GP, error: 0,
  },
  { name: '#UD on ud2', insn: [0x0f, 0x0b], vector: UD, error: -1 },
  { name: '#UD on FF /7', insn: [0xff, 0xff], vector: UD, error: -1 },
  { name: '#UD on LOCK with a register destination', insn: [0xf0, 0x01, 0xc0], vector: UD, error: -1 }, // lock add eax, eax
  {
    name: '#NM on an x87 instruction with CR0.TS set', insn: [0xd8, 0xc0], // fadd st0, st0
    prep: (c) => { c.cr0 |= CR0_TS; },
    vector: NM, error: -1,
  },
  {
    name: '#BR on bound with the index out of range', insn: [0x62, 0x06], // bound eax, [esi]
    prep: (c) => { c.view.setInt32(0x5000, 0, true); c.view.setInt32(0x5004, 10, true); },
    vector: BR, error: -1,
  },
];

describe('precise exceptions in the middle of a block', () => {
  preciseScenarios(SCENARIOS);

});

describe('precise flags across instructions that do not write them', () => {
  for (const singleStep of [false, true]) {
    it(`flags of an ADD survive a MOV before a faulting store (singleStep=${singleStep})`, () => {
      const { c, events, jit } = setup(singleStep);
      c.mem.set([
        0x01, 0xed, //                   add ebp, ebp     (0x80000001 * 2: CF OF set, result 2)
        0xbb, 0x07, 0x00, 0x00, 0x00, // mov ebx, 7
        0x89, 0x07, //                   mov [edi], eax   (#PF)
        0xcc, //                         int3
      ], CODE);
      c.regs[EBP] = 0x80000001 | 0; c.regs[EDI] = RO; c.eip = CODE;
      setFlagsAll(c, 0x2 | ZF | SF);
      jit.run(100);
      expect(ev(events)).toEqual([[PF_, 7, CODE + 7, RO]]);
      expect(c.regs[EBP]).toBe(2);
      expect(c.regs[EBX]).toBe(7);
      expect(u(getFlags(c))).toBe(0x2 | CF | OF);
      expect(c.icount).toBe(2);
    });

    it(`INC keeps the CF of the ADD before it when the next instruction faults (singleStep=${singleStep})`, () => {
      const { c, events, jit } = setup(singleStep);
      c.mem.set([
        0x01, 0xed, //  add ebp, ebp   (CF=1)
        0x43, //        inc ebx        (0x7fffffff -> 0x80000000: OF SF AF PF, CF kept)
        0xf7, 0xf7, //  div edi        (#DE)
        0xcc, //        int3
      ], CODE);
      c.regs[EBP] = 0x80000001 | 0; c.regs[EBX] = 0x7fffffff; c.regs[EDI] = 0; c.eip = CODE;
      setFlagsAll(c, 0x2);
      jit.run(100);
      expect(ev(events)).toEqual([[DE, -1, CODE + 3, 0]]);
      expect(u(c.regs[EBX])).toBe(0x80000000);
      expect(u(getFlags(c))).toBe(0x2 | CF | OF | SF | AF | PF);
      expect(c.icount).toBe(2);
    });
  }
});

describe('instructions whose only result is dead still make their memory access', () => {
  for (const singleStep of [false, true]) {
    it(`cmp eax, [mem] on a not-present page faults even when the next instruction overwrites the flags (singleStep=${singleStep})`, () => {
      const { c, jit, events } = setup(singleStep);
      c.mem.set([
        0x3b, 0x06, //  cmp eax, [esi]   (#PF: its flags are dead, its load is not)
        0x29, 0xdb, //  sub ebx, ebx
        0xcc, //        int3
      ], CODE);
      c.regs[ESI] = NP + 0x40; c.regs[EBX] = 3; c.eip = CODE;
      jit.run(100);
      expect(ev(events)).toEqual([[PF_, 4, CODE, NP + 0x40]]);
      expect(c.regs[EBX]).toBe(3);
      expect(c.icount).toBe(0);
    });

    it(`a dead cmp eax, [mem] sets the accessed bit of the page it reads (singleStep=${singleStep})`, () => {
      const { c, t, jit } = setup(singleStep);
      c.mem.set([0x3b, 0x06, 0x29, 0xdb, 0xcc], CODE); // cmp eax, [esi] ; sub ebx, ebx ; int3
      c.regs[ESI] = 0x00307000; c.eip = CODE;
      expect(t.pte(0x00307000) & 0x20).toBe(0);
      jit.run(100);
      expect(c.regs[EBX]).toBe(0);
      expect(t.pte(0x00307000)).toBe(0x00307000 | P | RW | US | 0x20);
    });
  }
});

describe('icount after a fault and a resumed run', () => {
  for (const singleStep of [false, true]) {
    it(`counts each retired instruction once (singleStep=${singleStep})`, () => {
      const { c, t, jit, events } = setup(singleStep);
      c.mem.set([...I1, ...I2, 0x89, 0x07, ...I4, ...I5], CODE); // ... mov [edi], eax ...
      c.regs[EDI] = RO + 0x20; c.regs[EAX] = 0x13572468; c.regs[EBX] = 5; c.eip = CODE;
      expect(jit.run(100)).toBe('stop');
      expect(ev(events)).toEqual([[PF_, 7, FAULT_EIP, RO + 0x20]]);
      expect([c.icount, jit.stats.instructions, jit.stats.faults]).toEqual([2, 2, 1]);
      // The handler makes the page writable and returns to the faulting store.
      t.setPte(RO, RO | P | RW | US);
      flushPage(c, RO);
      c.stopped = false; events.length = 0;
      expect(jit.run(100)).toBe('stop');
      expect(ev(events)).toEqual([[3, -1, FAULT_EIP + 2 + 5 + 1, RO + 0x20]]);
      expect(c.view.getInt32(RO + 0x20, true)).toBe(0x13572468);
      expect(c.regs[EBX]).toBe(0);
      expect([c.icount, jit.stats.instructions]).toEqual([5, 5]);
    });

    it(`a budget stops between instructions and the next run continues exactly (singleStep=${singleStep})`, () => {
      const { c, jit } = setup(singleStep);
      // mov ecx, 10 ; L: add eax, ecx ; loop L ; int3
      c.mem.set([0xb9, 0x0a, 0x00, 0x00, 0x00, 0x01, 0xc8, 0xe2, 0xfc, 0xcc], CODE);
      c.regs[EAX] = 0; c.eip = CODE;
      let runs = 0;
      while (!c.stopped && runs < 100) { jit.run(3); runs++; }
      expect(c.regs[EAX]).toBe(55);
      expect(c.icount).toBe(1 + 20 + 1);
    });
  }
});

describe('the time-stamp counter counts retired instructions', () => {
  for (const singleStep of [false, true]) {
    it(`RDTSC in the middle of a block reads tsc + retired instructions (singleStep=${singleStep})`, () => {
      const { c, jit, events } = setup(singleStep);
      c.mem.set([
        0x90, 0x90, //  nop ; nop
        0x0f, 0x31, //  rdtsc          (2 retired before it)
        0x89, 0xc3, //  mov ebx, eax
        0x90, //        nop
        0x0f, 0x31, //  rdtsc          (5 retired before it)
        0xcc, //        int3
      ], CODE);
      c.tsc = 1000n; c.eip = CODE;
      jit.run(100);
      expect(ev(events)).toEqual([[3, -1, CODE + 10, 0]]);
      expect([c.regs[EBX], c.regs[EAX], c.regs[EDX]]).toEqual([1002, 1005, 0]);
      expect(c.icount).toBe(7);
    });

    it(`WRMSR to the TSC after other instructions of the same block (singleStep=${singleStep})`, () => {
      const c = new Cpu(1 << 20);
      setFlatSegments(c, 0);
      const events = recordEvents(c);
      const jit = new Jit(c, { singleStep });
      c.mem.set([
        0xb9, 0x10, 0x00, 0x00, 0x00, // mov ecx, 0x10   (IA32_TIME_STAMP_COUNTER)
        0x31, 0xd2, //                   xor edx, edx
        0xb8, 0x64, 0x00, 0x00, 0x00, // mov eax, 100
        0x0f, 0x30, //                   wrmsr            (TSC = 100 here, after 3 retired)
        0x90, //                         nop
        0x0f, 0x31, //                   rdtsc            (2 retired since: 102)
        0xcc, //                         int3
      ], CODE);
      c.eip = CODE; c.regs[ESP] = 0x8000;
      jit.run(100);
      expect(ev(events)).toEqual([[3, -1, CODE + 18, 0]]);
      expect([c.regs[EAX], c.regs[EDX]]).toEqual([102, 0]);
    });
  }
});

describe('multi-store system instructions', () => {
  for (const singleStep of [false, true]) {
    // SGDT stores the limit, then the base: when the base part faults, nothing may have been
    // written (the instruction does not retire): all six bytes are checked first.
    it(`sgdt across into a not-present page writes nothing (singleStep=${singleStep})`, () => {
      const { c, jit, events } = setup(singleStep);
      c.mem.set([0x0f, 0x01, 0x07, 0xcc], CODE); // sgdt [edi] ; int3
      c.regs[EDI] = SPLIT + 0xffc; c.eip = CODE;
      c.gdtLimit = 0x1234; c.gdtBase = 0x00056789;
      jit.run(10);
      expect(ev(events)).toEqual([[PF_, 6, CODE, SPLIT + 0x1000]]);
      expect(bytes(c, SPLIT + 0xffc, 4)).toEqual([0xa1, 0xa2, 0xa3, 0xa4]);
    });
  }
});
