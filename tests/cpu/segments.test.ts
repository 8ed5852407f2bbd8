import { describe, it, expect, beforeEach } from 'vitest';
import { Cpu, ATTR_DB } from '../../src/cpu/state.ts';
import { CS, SS, DS, ES, FS, GS, EAX, ECX, EDX, EBX, ESP, ZF, IF, TF, IOPL, NT, VM, RF } from '../../src/cpu/regs.ts';
import { FAULT, GP, NP, SS_, TS, UD } from '../../src/cpu/fault.ts';
import { getFlags, setFlagsAll } from '../../src/cpu/flags.ts';
import { rd } from '../../src/cpu/memory.ts';
import { decodeBytes, type Insn } from '../../src/decode/decoder.ts';
import { EXEC } from '../../src/semantics/index.ts';
import { loadSegment, unsupportedTaskSwitches } from '../../src/cpu/descriptors.ts';
import { segDesc, enter, exec } from '../support/descriptors.ts';

// A hand-built protected-mode machine: GDT at 0x1000, TSS at 0x3000, LDT at 0x4000.
const GDT = 0x1000, TSS = 0x3000, LDT = 0x4000;
const K_CS = 0x08, K_DS = 0x10, R1_CS = 0x18, R1_DS = 0x20, U_CS = 0x28, U_DS = 0x30, TSS_SEL = 0x38,
  LDT_SEL = 0x40, GATE_R0 = 0x48, NP_DS = 0x50, XO_CS = 0x58, CONF_CS = 0x60, RO_DS = 0x68, TASK_GATE = 0x70,
  NP_DS3 = 0x78, GATE_R1 = 0x80, SMALL_CS = 0x88, INTGATE_IN_GDT = 0x90, GATE_R0_16 = 0x98, NP_CS = 0xa0,
  NP_GATE = 0xa8, GATE_R0_LOWDPL = 0xb0, SMALL_DS = 0xb8;
const GDT_ENTRIES = 24;

function gateDesc(sel: number, off: number, type: number, dpl: number, params = 0, p = 1): [number, number] {
  return [((off & 0xffff) | (sel << 16)) | 0, ((off & 0xffff0000) | (p << 15) | (dpl << 13) | (type << 8) | params) | 0];
}
function put(c: Cpu, table: number, sel: number, d: [number, number]): void {
  c.view.setInt32(table + (sel & ~7), d[0], true);
  c.view.setInt32(table + (sel & ~7) + 4, d[1], true);
}

function machine(): Cpu {
  const c = new Cpu(1 << 20);
  c.cr0 |= 1;
  c.gdtBase = GDT; c.gdtLimit = GDT_ENTRIES * 8 - 1;
  const flat = 0xfffff;
  put(c, GDT, K_CS, segDesc(0, flat, 0xa, 0, { g: 1 }));
  put(c, GDT, K_DS, segDesc(0, flat, 0x2, 0, { g: 1 }));
  put(c, GDT, R1_CS, segDesc(0, flat, 0xa, 1, { g: 1 }));
  put(c, GDT, R1_DS, segDesc(0, flat, 0x2, 1, { g: 1 }));
  put(c, GDT, U_CS, segDesc(0, flat, 0xa, 3, { g: 1 }));
  put(c, GDT, U_DS, segDesc(0, flat, 0x2, 3, { g: 1 }));
  put(c, GDT, TSS_SEL, segDesc(TSS, 0x67, 0x9, 0, { s: 0, db: 0 }));
  put(c, GDT, LDT_SEL, segDesc(LDT, 0x17, 0x2, 0, { s: 0, db: 0 }));
  put(c, GDT, GATE_R0, gateDesc(K_CS, 0x5000, 0xc, 3, 2));
  put(c, GDT, NP_DS, segDesc(0, flat, 0x2, 0, { g: 1, p: 0 }));
  put(c, GDT, XO_CS, segDesc(0, flat, 0x8, 0, { g: 1 }));
  put(c, GDT, CONF_CS, segDesc(0, flat, 0xe, 0, { g: 1 }));
  put(c, GDT, RO_DS, segDesc(0, flat, 0x0, 0, { g: 1 }));
  put(c, GDT, TASK_GATE, gateDesc(TSS_SEL, 0, 0x5, 3));
  put(c, GDT, NP_DS3, segDesc(0, flat, 0x2, 3, { g: 1, p: 0 }));
  put(c, GDT, GATE_R1, gateDesc(R1_CS, 0x6000, 0xc, 3, 0));
  put(c, GDT, SMALL_CS, segDesc(0x20000, 0xfff, 0xa, 0));
  put(c, GDT, INTGATE_IN_GDT, gateDesc(K_CS, 0x100, 0xe, 3));
  put(c, GDT, GATE_R0_16, gateDesc(K_CS, 0x15000, 0x4, 3, 1));
  put(c, GDT, NP_CS, segDesc(0, flat, 0xa, 0, { g: 1, p: 0 }));
  put(c, GDT, NP_GATE, gateDesc(K_CS, 0x5000, 0xc, 3, 0, 0));
  put(c, GDT, GATE_R0_LOWDPL, gateDesc(K_CS, 0x5000, 0xc, 0, 0));
  put(c, GDT, SMALL_DS, segDesc(0, 0xfff, 0x2, 0));
  // LDT: entry 0 ring-3 data at base 0x50000, entry 1 ring-0 data, entry 2 ring-3 code.
  put(c, LDT, 0x00, segDesc(0x50000, 0xffff, 0x2, 3));
  put(c, LDT, 0x08, segDesc(0, 0xfffff, 0x2, 0, { g: 1 }));
  put(c, LDT, 0x10, segDesc(0, 0xfffff, 0xa, 3, { g: 1 }));
  // TSS: ESP0/SS0, ESP1/SS1, ESP2/SS2.
  c.view.setInt32(TSS + 4, 0x9000, true); c.view.setInt32(TSS + 8, K_DS, true);
  c.view.setInt32(TSS + 12, 0xa000, true); c.view.setInt32(TSS + 16, R1_DS | 1, true);
  c.trSel = TSS_SEL; c.trBase = TSS; c.trLimit = 0x67; c.trAttr = 0x8b;
  enter(c, 0, K_CS, K_DS | 0);
  for (const s of [DS, ES, FS, GS]) loadSegment(c, s, K_DS);
  c.regs[ESP] = 0x9000;
  c.eip = 0x100;
  return c;
}



/**
 * Far JMP/CALL ptr16:16/32 (EA/9A): the instruction bytes go through the decoder, and the
 * offset, selector and length are then set from the test's own values so that these tests
 * check the transfer semantics alone.
 */
function execAp(c: Cpu, op: 0xea | 0x9a, sel: number, off: number, eip = 0x100, o16 = false): Insn {
  const d32 = (c.sattr[CS] & ATTR_DB) !== 0, osz = d32 !== o16 ? 4 : 2;
  const bytes = [...(o16 ? [0x66] : []), op];
  for (let k = 0; k < osz; k++) bytes.push((off >>> (8 * k)) & 0xff);
  bytes.push(sel & 0xff, sel >> 8);
  const i = decodeBytes(bytes, eip, d32);
  i.imm = osz === 2 ? off & 0xffff : off; i.imm2 = sel; i.len = bytes.length;
  c.eip = i.eip;
  EXEC[i.row.index](c, i);
  return i;
}

interface Snap { regs: number[]; eip: number; flags: number; sel: number[]; sbase: number[]; slimit: number[]; sattr: number[]; cpl: number; mem: Uint8Array; tr: number[]; ldt: number[] }
function snap(c: Cpu): Snap {
  return {
    regs: [...c.regs], eip: c.eip, flags: getFlags(c), sel: [...c.sel], sbase: [...c.sbase], slimit: [...c.slimit],
    sattr: [...c.sattr], cpl: c.cpl, mem: c.mem.slice(), tr: [c.trSel, c.trBase, c.trLimit, c.trAttr],
    ldt: [c.ldtSel, c.ldtBase, c.ldtLimit, c.ldtAttr],
  };
}
function expectUnchanged(c: Cpu, s: Snap): void {
  const now = snap(c);
  const { mem, ...rest } = now;
  const { mem: mem0, ...rest0 } = s;
  expect(rest).toEqual(rest0);
  expect(Buffer.compare(Buffer.from(mem), Buffer.from(mem0))).toBe(0);
}
/** Run fn, expect it to raise exactly vector(error), and expect no visible state change. */
function expectFault(c: Cpu, fn: () => void, vector: number, error: number, precise = true): void {
  const s = snap(c);
  let caught: unknown = null;
  try { fn(); } catch (e) { caught = e; }
  expect(caught).toBe(FAULT);
  expect([FAULT.vector, FAULT.error]).toEqual([vector, error]);
  if (precise) expectUnchanged(c, s);
}

const rd32 = (c: Cpu, a: number): number => c.view.getInt32(a, true);
const wr32 = (c: Cpu, a: number, v: number): void => c.view.setInt32(a, v, true);

let c: Cpu;
beforeEach(() => { c = machine(); unsupportedTaskSwitches.count = 0; });

describe('loadSegment: DS/ES/FS/GS', () => {
  it('loads a data segment, fills the cache and sets the accessed bit', () => {
    expect(c.view.getUint8(GDT + 0x30 + 5) & 1).toBe(0);
    loadSegment(c, ES, U_DS | 3);
    expect(c.sel[ES]).toBe(0x33);
    expect(c.sbase[ES]).toBe(0);
    expect(c.slimit[ES]).toBe(-1);
    expect(c.sattr[ES]).toBe(0xcff3);
    expect(c.view.getUint8(GDT + 0x30 + 5)).toBe(0xf3);
  });
  it('a null selector loads an unusable register; using it is #GP(0)', () => {
    loadSegment(c, DS, 3);
    expect(c.sel[DS]).toBe(3);
    expect(c.sattr[DS]).toBe(0);
    expectFault(c, () => rd(c, DS, 0, 4), GP, 0);
  });
  it('index beyond the GDT limit: #GP(sel & ~3)', () => {
    expectFault(c, () => loadSegment(c, DS, 0x403), GP, 0x400);
    expectFault(c, () => loadSegment(c, FS, GDT_ENTRIES * 8), GP, GDT_ENTRIES * 8);
  });
  it('an LDT selector with no LDT loaded: #GP(sel & ~3)', () => {
    expectFault(c, () => loadSegment(c, DS, 0x07), GP, 0x04);
  });
  it('LDT selectors use the LDT once LLDT ran; beyond its limit is #GP', () => {
    exec(c, [0x0f, 0x00, 0xd0]); // lldt ax
    c.regs[EAX] = LDT_SEL;
    exec(c, [0x0f, 0x00, 0xd0]);
    expect([c.ldtSel, c.ldtBase, c.ldtLimit]).toEqual([LDT_SEL, LDT, 0x17]);
    loadSegment(c, GS, 0x07);
    expect(c.sbase[GS]).toBe(0x50000);
    expect(c.slimit[GS]).toBe(0xffff);
    expectFault(c, () => loadSegment(c, GS, 0x1f), GP, 0x1c);
  });
  it('system descriptor: #GP(sel)', () => {
    expectFault(c, () => loadSegment(c, DS, TSS_SEL), GP, TSS_SEL);
    expectFault(c, () => loadSegment(c, DS, GATE_R0 | 3), GP, GATE_R0);
  });
  it('execute-only code: #GP(sel); readable code is accepted', () => {
    expectFault(c, () => loadSegment(c, DS, XO_CS), GP, XO_CS);
    loadSegment(c, DS, K_CS);
    expect(c.sattr[DS] & 0x1f).toBe(0x1b);
  });
  it('DPL < CPL: #GP(sel)', () => {
    enter(c, 3, U_CS, U_DS);
    expectFault(c, () => loadSegment(c, DS, K_DS | 3), GP, K_DS);
    expectFault(c, () => loadSegment(c, DS, R1_DS | 3), GP, R1_DS);
  });
  it('RPL > DPL: #GP(sel)', () => {
    expectFault(c, () => loadSegment(c, DS, K_DS | 3), GP, K_DS);
    expectFault(c, () => loadSegment(c, ES, R1_DS | 2), GP, R1_DS);
  });
  it('conforming readable code skips the privilege checks', () => {
    enter(c, 3, U_CS, U_DS);
    loadSegment(c, DS, CONF_CS | 3);
    expect(c.sel[DS]).toBe(0x63);
  });
  it('not present: #NP(sel), after the privilege checks', () => {
    expectFault(c, () => loadSegment(c, DS, NP_DS), NP, NP_DS);
    enter(c, 3, U_CS, U_DS);
    expectFault(c, () => loadSegment(c, DS, NP_DS | 3), GP, NP_DS);
    expectFault(c, () => loadSegment(c, FS, NP_DS3 | 3), NP, NP_DS3);
  });
});

describe('loadSegment: SS', () => {
  it('null: #GP(0)', () => {
    expectFault(c, () => loadSegment(c, SS, 0), GP, 0);
    expectFault(c, () => loadSegment(c, SS, 3), GP, 0);
  });
  it('beyond the table: #GP(sel)', () => expectFault(c, () => loadSegment(c, SS, 0x1000), GP, 0x1000));
  it('RPL != CPL: #GP(sel)', () => expectFault(c, () => loadSegment(c, SS, K_DS | 1), GP, K_DS));
  it('DPL != CPL: #GP(sel)', () => {
    expectFault(c, () => loadSegment(c, SS, R1_DS), GP, R1_DS);
    enter(c, 1, R1_CS, R1_DS);
    expectFault(c, () => loadSegment(c, SS, U_DS | 1), GP, U_DS);
  });
  it('not writable data: #GP(sel)', () => {
    expectFault(c, () => loadSegment(c, SS, RO_DS), GP, RO_DS);
    expectFault(c, () => loadSegment(c, SS, K_CS), GP, K_CS);
    expectFault(c, () => loadSegment(c, SS, TSS_SEL), GP, TSS_SEL);
  });
  it('not present: #SS(sel)', () => {
    expectFault(c, () => loadSegment(c, SS, NP_DS), SS_, NP_DS);
  });
  it('valid: loaded', () => {
    enter(c, 3, U_CS, U_DS);
    loadSegment(c, SS, 0x33);
    expect(c.sel[SS]).toBe(0x33);
    expect(c.sattr[SS] & 0xff).toBe(0xf3);
  });
});

describe('MOV Sreg, POP Sreg, LxS', () => {
  it('MOV to CS and to Sreg 6 are #UD', () => {
    expectFault(c, () => exec(c, [0x8e, 0xc8]), UD, -1);
    expectFault(c, () => exec(c, [0x8e, 0xf0]), UD, -1);
  });
  it('MOV DS,AX loads; MOV EBX,DS zero-extends; MOV [mem],ES writes 16 bits', () => {
    c.regs[EAX] = 0x12340000 | U_DS | 3;
    enter(c, 3, U_CS, U_DS);
    exec(c, [0x8e, 0xd8]); // mov ds,ax
    expect(c.sel[DS]).toBe(0x33);
    c.regs[EBX] = -1;
    exec(c, [0x8c, 0xdb]); // mov ebx,ds
    expect(c.regs[EBX]).toBe(0x33);
    c.regs[EBX] = 0x12345678;
    exec(c, [0x66, 0x8c, 0xdb]); // mov bx,ds
    expect(c.regs[EBX]).toBe(0x12340033);
    wr32(c, 0x800, -1);
    exec(c, [0x8c, 0x05, 0x00, 0x08, 0x00, 0x00]); // mov [0x800],es
    expect(rd32(c, 0x800)).toBe(0xffff0010 | 0);
  });
  it('MOV SS with a bad selector faults with nothing changed', () => {
    c.regs[EAX] = R1_DS;
    expectFault(c, () => exec(c, [0x8e, 0xd0]), GP, R1_DS);
  });
  it('POP DS loads and moves ESP; a failing POP SS leaves ESP alone', () => {
    c.regs[ESP] = 0x8ff8;
    wr32(c, 0x8ff8, U_DS | 3);
    wr32(c, 0x8ffc, NP_DS);
    enter(c, 3, U_CS, U_DS);
    exec(c, [0x1f]); // pop ds
    expect(c.sel[DS]).toBe(0x33);
    expect(c.regs[ESP]).toBe(0x8ffc);
    expectFault(c, () => exec(c, [0x17]), GP, NP_DS); // pop ss: RPL 0 != CPL 3
    expectFault(c, () => exec(c, [0x0f, 0xa9]), GP, NP_DS); // pop gs: CPL 3 > DPL 0
  });
  it('LDS/LSS: offset then selector; the register changes only if the load succeeds', () => {
    wr32(c, 0x800, 0x11223344); c.view.setUint16(0x804, U_DS | 3, true);
    wr32(c, 0x810, 0x55667788); c.view.setUint16(0x814, R1_DS, true);
    exec(c, [0xc5, 0x1d, 0x00, 0x08, 0x00, 0x00]); // lds ebx,[0x800]
    expect(c.regs[EBX]).toBe(0x11223344);
    expect(c.sel[DS]).toBe(0x33);
    loadSegment(c, DS, K_DS);
    c.regs[ECX] = 0x0badf00d;
    expectFault(c, () => exec(c, [0x0f, 0xb2, 0x0d, 0x10, 0x08, 0x00, 0x00]), GP, R1_DS); // lss ecx,[0x810]
    c.view.setUint16(0x810, 0x7000, true); c.view.setUint16(0x812, K_DS, true);
    exec(c, [0x66, 0x0f, 0xb2, 0x0d, 0x10, 0x08, 0x00, 0x00]); // lss cx,[0x810] (16-bit offset)
    expect(c.regs[ECX]).toBe(0x0bad7000);
    expect(c.sel[SS]).toBe(K_DS);
  });
});

describe('far JMP', () => {
  it('to a code segment at the same privilege', () => {
    execAp(c, 0xea, 0x08, 0x1234);
    expect(c.eip).toBe(0x1234);
    expect(c.sel[CS]).toBe(0x08);
    expect(c.view.getUint8(GDT + 8 + 5)).toBe(0x9b); // accessed
  });
  it('precise state after a faulting far JMP (offset beyond the limit: #GP(0))', () => {
    expectFault(c, () => execAp(c, 0xea, SMALL_CS, 0x2000), GP, 0);
    expect(c.view.getUint8(GDT + SMALL_CS + 5) & 1).toBe(0);
    execAp(c, 0xea, SMALL_CS, 0xfff);
    expect([c.eip, c.sbase[CS], c.slimit[CS]]).toEqual([0xfff, 0x20000, 0xfff]);
  });
  it('privilege and type checks', () => {
    expectFault(c, () => execAp(c, 0xea, 0, 0x0), GP, 0); // null
    expectFault(c, () => execAp(c, 0xea, K_DS, 0x0), GP, K_DS); // data
    expectFault(c, () => execAp(c, 0xea, R1_CS, 0x0), GP, R1_CS); // DPL != CPL
    expectFault(c, () => execAp(c, 0xea, K_CS | 1, 0x0), GP, K_CS); // RPL > CPL
    expectFault(c, () => execAp(c, 0xea, NP_CS, 0x0), NP, NP_CS);
    expectFault(c, () => execAp(c, 0xea, 0x800, 0), GP, 0x800); // beyond the GDT
    enter(c, 3, U_CS, U_DS);
    execAp(c, 0xea, CONF_CS | 3, 0x100); // conforming: CPL stays 3
    expect([c.sel[CS], c.cpl, c.eip]).toEqual([CONF_CS | 3, 3, 0x100]);
  });
  it('through a call gate keeps the privilege; to a more privileged segment is #GP(code sel)', () => {
    expectFault(c, () => execAp(c, 0xea, GATE_R1, 0x0), GP, R1_CS);
    execAp(c, 0xea, GATE_R0, 0x9999); // offset comes from the gate
    expect([c.eip, c.sel[CS]]).toEqual([0x5000, 0x08]);
  });
  it('to a task gate or TSS: #GP(sel), counted as unsupported', () => {
    wr32(c, 0x800, 0); c.view.setUint16(0x804, TASK_GATE, true);
    expectFault(c, () => exec(c, [0xff, 0x2d, 0x00, 0x08, 0x00, 0x00]), GP, TASK_GATE); // jmp far [0x800]
    expectFault(c, () => execAp(c, 0xea, TSS_SEL, 0x0), GP, TSS_SEL);
    expect(unsupportedTaskSwitches.count).toBe(2);
  });
  it('16-bit operand size truncates the offset', () => {
    execAp(c, 0xea, 0x08, 0x1234, 0x100, true);
    expect(c.eip).toBe(0x1234);
  });
});

describe('far CALL and RET', () => {
  it('through a call gate to ring 0 from ring 3: stack switch and parameter copy', () => {
    enter(c, 3, U_CS, U_DS);
    c.regs[ESP] = 0xb000 - 8;
    wr32(c, 0xaff8, 0x11111111); wr32(c, 0xaffc, 0x22222222);
    const i = execAp(c, 0x9a, GATE_R0 | 3, 0x0, 0x200);
    expect(c.cpl).toBe(0);
    expect([c.sel[CS], c.eip]).toEqual([K_CS, 0x5000]);
    expect([c.sel[SS], c.regs[ESP]]).toEqual([K_DS, 0x9000 - 24]);
    expect(c.rtlb).toBe(c.tlbSR);
    const st = [0, 1, 2, 3, 4, 5].map((k) => rd32(c, 0x9000 - 24 + 4 * k));
    expect(st).toEqual([0x200 + i.len, U_CS | 3, 0x11111111, 0x22222222, 0xaff8, U_DS | 3]);
    // And back: RETF 8 releases the parameters on both stacks.
    loadSegment(c, DS, K_DS);
    loadSegment(c, ES, U_DS | 3);
    loadSegment(c, FS, CONF_CS);
    exec(c, [0xca, 0x08, 0x00], 0x5000);
    expect(c.cpl).toBe(3);
    expect(c.rtlb).toBe(c.tlbUR);
    expect([c.sel[CS], c.eip, c.sel[SS], c.regs[ESP]]).toEqual([U_CS | 3, 0x207, U_DS | 3, 0xb000]);
    // DS held a DPL-0 data segment: nulled. ES (DPL 3) and FS (conforming code) stay.
    expect([c.sel[DS], c.sattr[DS]]).toEqual([0, 0]);
    expect(c.sel[ES]).toBe(0x33);
    expect(c.sel[FS]).toBe(CONF_CS);
  });
  it('a 16-bit call gate pushes words and copies word parameters', () => {
    enter(c, 3, U_CS, U_DS);
    c.regs[ESP] = 0xb000 - 2;
    c.view.setUint16(0xaffe, 0xbeef, true);
    execAp(c, 0x9a, GATE_R0_16 | 3, 0x0, 0x300);
    expect([c.eip, c.regs[ESP]]).toEqual([0x5000, 0x9000 - 10]);
    const w = [0, 1, 2, 3, 4].map((k) => c.view.getUint16(0x9000 - 10 + 2 * k, true));
    expect(w).toEqual([0x307, U_CS | 3, 0xbeef, 0xaffe, U_DS | 3]);
  });
  it('same-privilege far call and return', () => {
    c.regs[ESP] = 0x8000;
    execAp(c, 0x9a, CONF_CS, 0x6000, 0x400);
    expect([c.sel[CS], c.eip, c.regs[ESP]]).toEqual([CONF_CS, 0x6000, 0x7ff8]);
    expect([rd32(c, 0x7ff8), rd32(c, 0x7ffc)]).toEqual([0x407, K_CS]);
    exec(c, [0xcb], 0x6000);
    expect([c.sel[CS], c.eip, c.regs[ESP]]).toEqual([K_CS, 0x407, 0x8000]);
  });
  it('a direct far call beyond the target limit stores CS:EIP, then raises #GP(0) with ESP unchanged', () => {
    c.regs[ESP] = 0x8000;
    wr32(c, 0x7ff8, 0); wr32(c, 0x7ffc, -1);
    const before = snap(c);
    let caught: unknown = null;
    try { execAp(c, 0x9a, SMALL_CS, 0x1000, 0x100); } catch (e) { caught = e; }
    expect(caught).toBe(FAULT);
    expect([FAULT.vector, FAULT.error]).toEqual([GP, 0]);
    const { mem: _m, ...now } = snap(c);
    const { mem: _m0, ...was } = before;
    expect(now).toEqual(was);
    expect([rd32(c, 0x7ff8), rd32(c, 0x7ffc)]).toEqual([0x107, K_CS]);
    expect(c.view.getUint8(GDT + SMALL_CS + 5) & 1).toBe(0);
  });
  it('call gate checks: gate DPL, not-present gate, missing inner stack', () => {
    enter(c, 3, U_CS, U_DS);
    c.regs[ESP] = 0xb000;
    expectFault(c, () => execAp(c, 0x9a, GATE_R0_LOWDPL | 3, 0x0), GP, GATE_R0_LOWDPL);
    expectFault(c, () => execAp(c, 0x9a, NP_GATE | 3, 0x0), NP, NP_GATE);
    wr32(c, TSS + 8, 0); // SS0 null
    expectFault(c, () => execAp(c, 0x9a, GATE_R0 | 3, 0x0), TS, 0);
    wr32(c, TSS + 8, R1_DS); // DPL 1 stack for ring 0
    expectFault(c, () => execAp(c, 0x9a, GATE_R0 | 3, 0x0), TS, R1_DS);
    wr32(c, TSS + 8, NP_DS);
    expectFault(c, () => execAp(c, 0x9a, GATE_R0 | 3, 0x0), SS_, NP_DS);
    wr32(c, TSS + 8, SMALL_DS); wr32(c, TSS + 4, 0x10); // room for 4 of the 6 dwords
    expectFault(c, () => execAp(c, 0x9a, GATE_R0 | 3, 0x0), SS_, SMALL_DS);
    c.trLimit = 0x7; // ESP0/SS0 outside the TSS
    expectFault(c, () => execAp(c, 0x9a, GATE_R0 | 3, 0x0), TS, TSS_SEL);
  });
  it('RETF checks: RPL < CPL, null SS, bad SS for the outer level', () => {
    enter(c, 1, R1_CS, R1_DS);
    c.regs[ESP] = 0x7000;
    wr32(c, 0x7000, 0x1000); wr32(c, 0x7004, K_CS);
    expectFault(c, () => exec(c, [0xcb]), GP, K_CS); // RPL 0 < CPL 1
    wr32(c, 0x7004, U_CS | 3); wr32(c, 0x7008, 0xb000); wr32(c, 0x700c, 0);
    expectFault(c, () => exec(c, [0xcb]), GP, 0);
    wr32(c, 0x700c, K_DS | 3);
    expectFault(c, () => exec(c, [0xcb]), GP, K_DS);
    wr32(c, 0x700c, NP_DS3 | 3);
    expectFault(c, () => exec(c, [0xcb]), SS_, NP_DS3);
    wr32(c, 0x7004, NP_CS);
    expectFault(c, () => exec(c, [0xcb]), GP, NP_CS); // RPL 0 < CPL 1 before the present check
  });
});

describe('IRET', () => {
  it('from ring 1 to ring 3 (the PV kernel return path)', () => {
    enter(c, 1, R1_CS, R1_DS);
    loadSegment(c, DS, R1_DS | 1);
    loadSegment(c, ES, U_DS | 3);
    setFlagsAll(c, 0x202);
    c.regs[ESP] = 0xa000 - 20;
    const f = [0x1234, U_CS | 3, 0x38d5, 0xbff0, U_DS | 3];
    f.forEach((v, k) => wr32(c, 0xa000 - 20 + 4 * k, v));
    exec(c, [0xcf], 0x7000);
    expect(c.cpl).toBe(3);
    expect(c.rtlb).toBe(c.tlbUR);
    expect([c.sel[CS], c.eip, c.sel[SS], c.regs[ESP]]).toEqual([0x2b, 0x1234, 0x33, 0xbff0]);
    // CPL 1 > IOPL 0: IF and IOPL keep their values; the status flags come from the stack.
    expect(getFlags(c)).toBe(0xad7);
    expect([c.sel[DS], c.sattr[DS]]).toEqual([0, 0]);
    expect(c.sel[ES]).toBe(0x33);
  });
  it('at CPL 0 IF and IOPL are restored; same-privilege return', () => {
    c.regs[ESP] = 0x8000;
    [0x4444, K_CS, 0x3000 | TF].forEach((v, k) => wr32(c, 0x8000 + 4 * k, v));
    setFlagsAll(c, 0x202);
    exec(c, [0xcf]);
    expect([c.eip, c.regs[ESP], getFlags(c)]).toEqual([0x4444, 0x800c, 0x3102]);
  });
  it('IRET with NT set is an unsupported task return: #GP(0)', () => {
    setFlagsAll(c, 0x2 | NT);
    expectFault(c, () => exec(c, [0xcf]), GP, 0);
    expect(unsupportedTaskSwitches.count).toBe(1);
  });
  it('IRET to a more privileged level is #GP(sel)', () => {
    enter(c, 3, U_CS, U_DS);
    c.regs[ESP] = 0xb000;
    [0x4444, K_CS, 0x202].forEach((v, k) => wr32(c, 0xb000 + 4 * k, v));
    expectFault(c, () => exec(c, [0xcf]), GP, K_CS);
  });
  it('IRETD from CPL 0 with VM set enters virtual-8086 mode', () => {
    c.regs[ESP] = 0x8000;
    [0x0123, 0x2000, 0x20202 | IOPL, 0x0ffe, 0x3000, 0x4000, 0x5000, 0x6000, 0x7000].forEach((v, k) => wr32(c, 0x8000 + 4 * k, v));
    exec(c, [0xcf]);
    expect(c.cpl).toBe(3);
    expect(getFlags(c) & (VM | IOPL | IF)).toBe(VM | IOPL | IF);
    expect([c.sbase[CS], c.sbase[SS], c.sbase[ES], c.sbase[DS], c.sbase[FS], c.sbase[GS]]).toEqual([0x20000, 0x30000, 0x40000, 0x50000, 0x60000, 0x70000]);
    expect([c.eip, c.regs[ESP]]).toEqual([0x123, 0xffe]);
  });
});

describe('LAR, LSL, VERR, VERW', () => {
  const lar = (sel: number): boolean => { c.regs[EAX] = sel; c.regs[EBX] = 0x5a5a5a5a; exec(c, [0x0f, 0x02, 0xd8]); return (getFlags(c) & ZF) !== 0; };
  const lsl = (sel: number): boolean => { c.regs[EAX] = sel; c.regs[EBX] = 0x5a5a5a5a; exec(c, [0x0f, 0x03, 0xd8]); return (getFlags(c) & ZF) !== 0; };
  const verr = (sel: number): boolean => { c.regs[EAX] = sel; exec(c, [0x0f, 0x00, 0xe0]); return (getFlags(c) & ZF) !== 0; };
  const verw = (sel: number): boolean => { c.regs[EAX] = sel; exec(c, [0x0f, 0x00, 0xe8]); return (getFlags(c) & ZF) !== 0; };
  beforeEach(() => enter(c, 3, U_CS, U_DS));

  it('valid selectors', () => {
    expect(lar(U_DS | 3)).toBe(true);
    expect(c.regs[EBX]).toBe(0x00cff200);
    expect(lsl(U_DS | 3)).toBe(true);
    expect(c.regs[EBX]).toBe(-1);
    expect(lar(CONF_CS | 3)).toBe(true); // conforming: no privilege check
    expect(c.regs[EBX]).toBe(0x00cf9e00);
    expect(lar(GATE_R0 | 3)).toBe(true); // DPL-3 call gate has access rights
    expect(c.regs[EBX]).toBe(0x0000ec00);
    expect(lsl(GATE_R0 | 3)).toBe(false); // but no limit
    expect(c.regs[EBX]).toBe(0x5a5a5a5a);
    expect(verr(U_DS | 3)).toBe(true);
    expect(verw(U_DS | 3)).toBe(true);
    expect(verr(U_CS | 3)).toBe(true);
    expect(verw(U_CS | 3)).toBe(false);
    expect(verr(CONF_CS | 3)).toBe(true);
  });
  it('16-bit LAR and LSL', () => {
    enter(c, 0, K_CS, K_DS);
    c.regs[EAX] = SMALL_DS; c.regs[EBX] = 0x12345678;
    exec(c, [0x66, 0x0f, 0x03, 0xd8]);
    expect(c.regs[EBX]).toBe(0x12340fff);
    exec(c, [0x66, 0x0f, 0x02, 0xd8]);
    expect(c.regs[EBX]).toBe(0x12349200);
    c.regs[EAX] = TSS_SEL;
    exec(c, [0x0f, 0x03, 0xd8]);
    expect(c.regs[EBX]).toBe(0x67);
  });
  it('invalid selectors: null, beyond the table, unsupported type', () => {
    for (const s of [0, 3, 0x403, 0x07]) {
      expect(lar(s)).toBe(false); expect(c.regs[EBX]).toBe(0x5a5a5a5a);
      expect(lsl(s)).toBe(false);
      expect(verr(s)).toBe(false);
      expect(verw(s)).toBe(false);
    }
    expect(lar(INTGATE_IN_GDT | 3)).toBe(false);
    expect(lsl(INTGATE_IN_GDT | 3)).toBe(false);
  });
  it('inaccessible selectors: DPL < CPL or DPL < RPL', () => {
    expect(lar(K_DS | 3)).toBe(false);
    expect(lsl(K_DS)).toBe(false);
    expect(verr(R1_DS | 1)).toBe(false);
    expect(verw(K_DS)).toBe(false);
    expect(verr(XO_CS)).toBe(false);
    enter(c, 0, K_CS, K_DS);
    expect(lar(K_DS)).toBe(true);
    expect(lar(K_DS | 1)).toBe(false); // RPL 1 > DPL 0
    expect(verw(RO_DS)).toBe(false);
    expect(verr(RO_DS)).toBe(true);
    expect(verr(XO_CS)).toBe(false);
    expect(verr(NP_DS)).toBe(true); // presence is not checked
  });
  it('only a bad memory operand faults', () => {
    enter(c, 0, K_CS, K_DS);
    loadSegment(c, DS, SMALL_DS);
    expectFault(c, () => exec(c, [0x0f, 0x00, 0x25, 0x00, 0x10, 0x00, 0x00]), GP, 0); // verr [0x1000]
  });
  it('#UD in real mode', () => {
    c.cr0 &= ~1;
    expectFault(c, () => exec(c, [0x0f, 0x02, 0xd8]), UD, -1);
  });
});

describe('ARPL, LLDT, LTR, SLDT, STR', () => {
  it('ARPL raises the RPL and sets ZF', () => {
    c.regs[EAX] = 0x1230; c.regs[EBX] = 0x0002;
    exec(c, [0x63, 0xd8]); // arpl ax,bx
    expect([c.regs[EAX], getFlags(c) & ZF]).toEqual([0x1232, ZF]);
    c.regs[EBX] = 1;
    exec(c, [0x63, 0xd8]);
    expect([c.regs[EAX], getFlags(c) & ZF]).toEqual([0x1232, 0]);
  });
  it('ARPL to memory stores 16 bits only when the RPL changes', () => {
    wr32(c, 0x900, 0x55551230);
    c.regs[EBX] = 3;
    exec(c, [0x63, 0x1d, 0x00, 0x09, 0x00, 0x00]); // arpl [0x900],bx
    expect([rd32(c, 0x900), getFlags(c) & ZF]).toEqual([0x55551233, ZF]);
    loadSegment(c, DS, RO_DS); // a read-only segment: no store, no fault
    exec(c, [0x63, 0x1d, 0x00, 0x09, 0x00, 0x00]);
    expect([rd32(c, 0x900), getFlags(c) & ZF]).toEqual([0x55551233, 0]);
    wr32(c, 0x900, 0x55551230);
    expectFault(c, () => exec(c, [0x63, 0x1d, 0x00, 0x09, 0x00, 0x00]), GP, 0);
  });
  it('LLDT checks', () => {
    c.regs[EAX] = K_DS;
    expectFault(c, () => exec(c, [0x0f, 0x00, 0xd0]), GP, K_DS);
    c.regs[EAX] = 0x44;
    expectFault(c, () => exec(c, [0x0f, 0x00, 0xd0]), GP, 0x44);
    enter(c, 3, U_CS, U_DS);
    c.regs[EAX] = LDT_SEL;
    expectFault(c, () => exec(c, [0x0f, 0x00, 0xd0]), GP, 0);
  });
  it('LTR marks the TSS busy; loading a busy TSS is #GP(sel)', () => {
    c.regs[EAX] = TSS_SEL;
    exec(c, [0x0f, 0x00, 0xd8]);
    expect([c.trSel, c.trBase, c.trLimit, c.trAttr & 0xff]).toEqual([TSS_SEL, TSS, 0x67, 0x8b]);
    expect(c.view.getUint8(GDT + TSS_SEL + 5)).toBe(0x8b);
    expectFault(c, () => exec(c, [0x0f, 0x00, 0xd8]), GP, TSS_SEL);
    c.regs[EAX] = 0;
    expectFault(c, () => exec(c, [0x0f, 0x00, 0xd8]), GP, 0);
  });
  it('SLDT/STR zero-extend into a 32-bit register and store 16 bits to memory', () => {
    c.regs[EBX] = -1;
    exec(c, [0x0f, 0x00, 0xcb]); // str ebx
    expect(c.regs[EBX]).toBe(TSS_SEL);
    wr32(c, 0x900, -1);
    c.ldtSel = LDT_SEL;
    exec(c, [0x0f, 0x00, 0x05, 0x00, 0x09, 0x00, 0x00]); // sldt [0x900]
    expect(rd32(c, 0x900)).toBe(0xffff0000 | LDT_SEL);
  });
});

describe('SYSENTER / SYSEXIT', () => {
  it('round trip with flat segments derived from SYSENTER_CS', () => {
    c.sysenterCs = K_CS; c.sysenterEsp = 0x9800; c.sysenterEip = 0xc0001000 | 0;
    enter(c, 3, U_CS, U_DS);
    setFlagsAll(c, 0x202 | RF);
    exec(c, [0x0f, 0x34]);
    expect([c.cpl, c.sel[CS], c.sel[SS], c.regs[ESP], c.eip]).toEqual([0, 0x08, 0x10, 0x9800, 0xc0001000 | 0]);
    expect([c.sattr[CS] & 0xffff, c.sattr[SS] & 0xffff, c.slimit[CS]]).toEqual([0xcf9b, 0xcf93, -1]);
    expect(getFlags(c) & (IF | RF)).toBe(0);
    c.regs[ECX] = 0xbf00; c.regs[EDX] = 0x8048000;
    exec(c, [0x0f, 0x35]);
    expect([c.cpl, c.sel[CS], c.sel[SS], c.regs[ESP], c.eip]).toEqual([3, 0x1b, 0x23, 0xbf00, 0x8048000]);
    expect(c.sattr[CS] & 0xff).toBe(0xfb);
    expect(c.rtlb).toBe(c.tlbUR);
  });
  it('#GP(0) when SYSENTER_CS is null, SYSEXIT above CPL 0', () => {
    c.sysenterCs = 3;
    expectFault(c, () => exec(c, [0x0f, 0x34]), GP, 0);
    c.sysenterCs = K_CS;
    enter(c, 1, R1_CS, R1_DS);
    expectFault(c, () => exec(c, [0x0f, 0x35]), GP, 0);
  });
});

describe('real mode', () => {
  it('segment loads, far jump, far call and return compute base = sel * 16', () => {
    c.cr0 &= ~1;
    loadSegment(c, DS, 0x1234);
    expect([c.sel[DS], c.sbase[DS]]).toEqual([0x1234, 0x12340]);
    loadSegment(c, SS, 0);
    c.slimit[SS] = 0xffff; c.sattr[SS] &= ~ATTR_DB;
    c.regs[ESP] = 0x1000;
    c.slimit[CS] = 0xffff;
    c.sattr[CS] &= ~ATTR_DB;
    execAp(c, 0x9a, 0x2000, 0x5678, 0x10); // call 0x2000:0x5678
    expect([c.sel[CS], c.sbase[CS], c.eip, c.regs[ESP]]).toEqual([0x2000, 0x20000, 0x5678, 0xffc]);
    expect([c.view.getUint16(0xffc, true), c.view.getUint16(0xffe, true)]).toEqual([0x15, K_CS]);
    exec(c, [0xcb], 0x5678);
    expect([c.sel[CS], c.eip, c.regs[ESP]]).toEqual([K_CS, 0x15, 0x1000]);
  });
});
