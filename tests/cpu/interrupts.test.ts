import { describe, it, expect, beforeEach } from 'vitest';
import { createHash } from 'node:crypto';
import { Cpu, ATTR_DB } from '../../src/cpu/state.ts';
import { CS, SS, DS, ES, FS, GS, ESP, IF, TF, NT, VM, IOPL, CR0_PG } from '../../src/cpu/regs.ts';
import { FAULT, GP, NP, PF_ } from '../../src/cpu/fault.ts';
import { getFlags, setFlagsAll } from '../../src/cpu/flags.ts';
import { loadSegment, setCpl, unsupportedTaskSwitches } from '../../src/cpu/descriptors.ts';
import { flushAll } from '../../src/cpu/paging.ts';
import { deliverIdt, deliver, installIdtDelivery, TripleFault } from '../../src/cpu/interrupts.ts';
import { segDesc, enter, exec } from '../support/descriptors.ts';

// Hand-built machine: GDT at 0x1000, IDT at 0x2000, TSS at 0x3000; ring-0 stack top 0x9000,
// ring-1 stack top 0xa000, ring-3 stack top 0xb000.
const GDT = 0x1000, IDT = 0x2000, TSS = 0x3000;
const K_CS = 0x08, K_DS = 0x10, R1_CS = 0x18, R1_DS = 0x20, U_CS = 0x28, U_DS = 0x30, TSS_SEL = 0x38,
  NP_CS = 0x40, CONF_CS = 0x48, SMALL_DS = 0x50;

function gateDesc(sel: number, off: number, type: number, dpl: number, p = 1): [number, number] {
  return [((off & 0xffff) | (sel << 16)) | 0, ((off & 0xffff0000) | (p << 15) | (dpl << 13) | (type << 8)) | 0];
}
function put(c: Cpu, at: number, d: [number, number]): void {
  c.view.setInt32(at, d[0], true);
  c.view.setInt32(at + 4, d[1], true);
}
const setGate = (c: Cpu, v: number, d: [number, number]): void => put(c, IDT + v * 8, d);
const INT32 = 0xe, TRAP32 = 0xf, INT16 = 0x6;

function machine(): Cpu {
  const c = new Cpu(1 << 20);
  c.cr0 |= 1;
  c.gdtBase = GDT; c.gdtLimit = 11 * 8 - 1;
  c.idtBase = IDT; c.idtLimit = 256 * 8 - 1;
  const flat = 0xfffff;
  put(c, GDT + K_CS, segDesc(0, flat, 0xa, 0, { g: 1 }));
  put(c, GDT + K_DS, segDesc(0, flat, 0x2, 0, { g: 1 }));
  put(c, GDT + R1_CS, segDesc(0, flat, 0xa, 1, { g: 1 }));
  put(c, GDT + R1_DS, segDesc(0, flat, 0x2, 1, { g: 1 }));
  put(c, GDT + U_CS, segDesc(0, flat, 0xa, 3, { g: 1 }));
  put(c, GDT + U_DS, segDesc(0, flat, 0x2, 3, { g: 1 }));
  put(c, GDT + TSS_SEL, segDesc(TSS, 0x67, 0xb, 0, { s: 0, db: 0 }));
  put(c, GDT + NP_CS, segDesc(0, flat, 0xa, 0, { g: 1, p: 0 }));
  put(c, GDT + CONF_CS, segDesc(0, flat, 0xe, 0, { g: 1 }));
  put(c, GDT + SMALL_DS, segDesc(0, 0xfff, 0x2, 1));
  c.view.setInt32(TSS + 4, 0x9000, true); c.view.setInt32(TSS + 8, K_DS, true);
  c.view.setInt32(TSS + 12, 0xa000, true); c.view.setInt32(TSS + 16, R1_DS | 1, true);
  c.trSel = TSS_SEL; c.trBase = TSS; c.trLimit = 0x67; c.trAttr = 0x8b;
  setGate(c, 0x80, gateDesc(R1_CS | 1, 0x7000, TRAP32, 3));
  setGate(c, 0x81, gateDesc(K_CS, 0x7100, INT32, 0));
  setGate(c, 0x82, gateDesc(K_CS, 0x7200, INT32, 3, 0));
  setGate(c, 3, gateDesc(K_CS, 0x7300, TRAP32, 3));
  setGate(c, 8, gateDesc(CONF_CS, 0x8800, INT32, 0));
  setGate(c, 11, gateDesc(K_CS, 0x8b00, INT32, 0));
  setGate(c, 13, gateDesc(K_CS, 0x8d00, INT32, 0));
  setGate(c, 14, gateDesc(K_CS, 0x8e00, INT32, 0));
  setGate(c, 0x20, gateDesc(K_CS, 0x12345, INT16, 0));
  setGate(c, 0x40, gateDesc(K_CS, 0x4000, INT32, 0));
  setGate(c, 0x41, gateDesc(NP_CS, 0x4100, INT32, 0));
  setGate(c, 0x42, gateDesc(K_CS, 0x4200, 0xc, 0)); // a call gate is no IDT gate
  setGate(c, 0x43, gateDesc(TSS_SEL, 0, 0x5, 3)); // task gate
  installIdtDelivery(c);
  enter(c, 0, K_CS, K_DS);
  for (const s of [DS, ES, FS, GS]) loadSegment(c, s, K_DS);
  c.regs[ESP] = 0x8000;
  c.eip = 0x100;
  return c;
}
const rd32 = (c: Cpu, a: number): number => c.view.getInt32(a, true);
const words = (c: Cpu, at: number, n: number): number[] => Array.from({ length: n }, (_, k) => rd32(c, at + 4 * k));

/** Architectural state; memory as a digest (page walks may set accessed bits: `withMem` false). */
function snap(c: Cpu, withMem: boolean): unknown {
  return {
    r: [...c.regs], eip: c.eip, f: getFlags(c), sel: [...c.sel], b: [...c.sbase], l: [...c.slimit], a: [...c.sattr], cpl: c.cpl,
    mem: withMem ? createHash('sha1').update(c.mem).digest('hex') : '',
  };
}
function expectFault(c: Cpu, fn: () => void, vector: number, error: number, withMem = true): void {
  const s = snap(c, withMem);
  let caught: unknown = null;
  try { fn(); } catch (e) { caught = e; }
  expect(caught).toBe(FAULT);
  expect([FAULT.vector, FAULT.error]).toEqual([vector, error]);
  expect(snap(c, withMem)).toEqual(s);
}

let c: Cpu;
beforeEach(() => { c = machine(); unsupportedTaskSwitches.count = 0; });

describe('protected-mode delivery', () => {
  it('INT 0x80 from ring 3 through a DPL-3 trap gate into ring 1, stack from SS1:ESP1', () => {
    enter(c, 3, U_CS, U_DS);
    c.regs[ESP] = 0xb000;
    setFlagsAll(c, 0x202 | TF | NT);
    exec(c, [0xcd, 0x80]);
    expect(c.cpl).toBe(1);
    expect(c.rtlb).toBe(c.tlbSR);
    expect([c.sel[CS], c.eip, c.sel[SS], c.regs[ESP]]).toEqual([R1_CS | 1, 0x7000, R1_DS | 1, 0xa000 - 20]);
    expect(words(c, 0xa000 - 20, 5)).toEqual([0x102, U_CS | 3, 0x202 | TF | NT, 0xb000, U_DS | 3]);
    // A trap gate leaves IF alone; TF and NT are cleared.
    expect(getFlags(c)).toBe(0x202);
    expect(c.view.getUint8(GDT + R1_CS + 5) & 1).toBe(1);
  });
  it('an external interrupt through an interrupt gate clears IF and switches to SS0:ESP0', () => {
    enter(c, 3, U_CS, U_DS);
    c.regs[ESP] = 0xb000;
    setFlagsAll(c, 0x202);
    c.eip = 0x345;
    c.halted = true;
    deliverIdt(c, 0x40, -1, false);
    expect([c.cpl, c.sel[CS], c.eip, c.sel[SS], c.regs[ESP]]).toEqual([0, K_CS, 0x4000, K_DS, 0x9000 - 20]);
    expect(words(c, 0x9000 - 20, 5)).toEqual([0x345, U_CS | 3, 0x202, 0xb000, U_DS | 3]);
    expect(getFlags(c) & IF).toBe(0);
    expect(c.halted).toBe(false);
  });
  it('an exception with an error code at the same privilege uses the current stack', () => {
    c.eip = 0x555;
    setFlagsAll(c, 0x246);
    deliverIdt(c, 13, 0x1234, false);
    expect([c.cpl, c.eip, c.regs[ESP]]).toEqual([0, 0x8d00, 0x8000 - 16]);
    expect(words(c, 0x8000 - 16, 4)).toEqual([0x1234, 0x555, K_CS, 0x246]);
  });
  it('a 16-bit interrupt gate pushes words and uses the low word of the offset', () => {
    c.eip = 0x10077;
    setFlagsAll(c, 0x10202);
    deliverIdt(c, 0x20, -1, false);
    expect([c.eip, c.regs[ESP]]).toEqual([0x2345, 0x8000 - 6]);
    expect([0, 1, 2].map((k) => c.view.getUint16(0x8000 - 6 + 2 * k, true))).toEqual([0x0077, K_CS, 0x0202]);
  });
  it('INT n through a gate with DPL < CPL: #GP(vector*8+2), EIP back at the INT', () => {
    enter(c, 3, U_CS, U_DS);
    c.regs[ESP] = 0xb000;
    expectFault(c, () => exec(c, [0xcd, 0x81]), GP, 0x81 * 8 + 2);
    expect(c.eip).toBe(0x100);
  });
  it('not-present gate: #NP(vector*8+2), plus EXT for an external event', () => {
    expectFault(c, () => exec(c, [0xcd, 0x82]), NP, 0x82 * 8 + 2);
    expectFault(c, () => deliver(c, 0x82, -1, false), NP, 0x82 * 8 + 3);
  });
  it('gate beyond the IDT limit or of a wrong type: #GP(vector*8+2+EXT)', () => {
    c.idtLimit = 0x80 * 8 + 7;
    expectFault(c, () => exec(c, [0xcd, 0x81]), GP, 0x81 * 8 + 2);
    c.idtLimit = 256 * 8 - 1;
    expectFault(c, () => deliver(c, 0x42, -1, false), GP, 0x42 * 8 + 3);
  });
  it('handler code segment not present: #NP(sel + EXT)', () => {
    expectFault(c, () => deliver(c, 0x41, -1, false), NP, NP_CS | 1);
  });
  it('task gates are not supported: #GP(TSS sel), counted', () => {
    expectFault(c, () => exec(c, [0xcd, 0x43]), GP, TSS_SEL);
    expect(unsupportedTaskSwitches.count).toBe(1);
  });
  it('inner stack outside its segment: #SS(SS sel + EXT)', () => {
    enter(c, 3, U_CS, U_DS);
    c.view.setInt32(TSS + 12, 0x8, true); c.view.setInt32(TSS + 16, SMALL_DS | 1, true);
    expectFault(c, () => deliver(c, 0x80, -1, false), 12, SMALL_DS | 1);
  });
  it('from virtual-8086 mode to ring 0: data segments pushed and nulled', () => {
    setFlagsAll(c, 0x202 | VM | IOPL);
    setCpl(c, 3);
    for (const [s, v] of [[CS, 0x1000], [SS, 0x2000], [DS, 0x3000], [ES, 0x4000], [FS, 0x5000], [GS, 0x6000]]) loadSegment(c, s, v);
    c.regs[ESP] = 0xffe; c.eip = 0x22;
    deliverIdt(c, 0x40, -1, false);
    expect([c.cpl, getFlags(c) & (VM | IF), c.regs[ESP], c.eip]).toEqual([0, 0, 0x9000 - 36, 0x4000]);
    expect(words(c, 0x9000 - 36, 9)).toEqual([0x22, 0x1000, 0x202 | VM | IOPL, 0xffe, 0x2000, 0x4000, 0x3000, 0x5000, 0x6000]);
    expect([c.sel[DS], c.sel[ES], c.sel[FS], c.sel[GS], c.sattr[DS]]).toEqual([0, 0, 0, 0, 0]);
  });
  it('INT n in virtual-8086 mode with IOPL < 3: #GP(0)', () => {
    setFlagsAll(c, 0x202 | VM);
    setCpl(c, 3);
    loadSegment(c, CS, 0x1000); loadSegment(c, SS, 0x2000);
    c.sattr[CS] &= ~ATTR_DB;
    expectFault(c, () => exec(c, [0xcd, 0x40]), GP, 0);
  });
});

describe('double fault and shutdown (SDM vol. 3 table 6-5)', () => {
  it('a contributory fault while delivering a contributory one becomes #DF(0)', () => {
    setGate(c, 13, gateDesc(K_CS, 0x8d00, INT32, 0, 0));
    c.eip = 0x777;
    deliverIdt(c, 13, 0x10, false);
    expect([c.sel[CS], c.eip, c.regs[ESP]]).toEqual([CONF_CS, 0x8800, 0x8000 - 16]);
    expect(words(c, 0x8000 - 16, 4)).toEqual([0, 0x777, K_CS, 0x2]);
  });
  it('a contributory fault while delivering a benign event is delivered on its own', () => {
    c.eip = 0x777;
    deliverIdt(c, 0x41, -1, false);
    expect([c.eip, c.regs[ESP]]).toEqual([0x8b00, 0x8000 - 16]);
    expect(words(c, 0x8000 - 16, 2)).toEqual([NP_CS | 1, 0x777]);
  });
  it('a contributory fault while delivering #PF becomes #DF', () => {
    setGate(c, 14, gateDesc(K_CS, 0x8e00, INT32, 0, 0));
    deliverIdt(c, 14, 2, false);
    expect(c.eip).toBe(0x8800);
  });
  it('a page fault during delivery: delivered on its own with CR2, #DF when it hits #PF delivery', () => {
    // Identity paging for the first MiB with the ring-1 stack page (0x9000) not present.
    const PD = 0x10000, PT = 0x11000;
    c.view.setInt32(PD, PT | 7, true);
    for (let p = 0; p < 256; p++) c.view.setInt32(PT + 4 * p, (p << 12) | 7, true);
    c.view.setInt32(PT + 4 * 9, 0, true);
    c.cr3 = PD; c.cr0 |= CR0_PG;
    enter(c, 3, U_CS, U_DS);
    c.regs[ESP] = 0xb000;
    c.eip = 0x100;
    // INT n: the fault is the instruction's.
    expectFault(c, () => exec(c, [0xcd, 0x80]), PF_, 2, false);
    expect(FAULT.address).toBe(0x9ffc);
    // External event: #PF delivered serially, to ring 0 (stack page 8 is present).
    deliverIdt(c, 0x80, -1, false);
    expect(c.cr2).toBe(0x9ffc);
    expect([c.cpl, c.eip, c.regs[ESP]]).toEqual([0, 0x8e00, 0x9000 - 24]);
    expect(words(c, 0x9000 - 24, 6)).toEqual([2, 0x100, U_CS | 3, 0x2, 0xb000, U_DS | 3]);
    // With the ring-0 stack gone too, the #PF delivery faults with #PF: #DF, which goes
    // through the conforming gate onto the ring-3 stack.
    c.view.setInt32(PT + 4 * 8, 0, true);
    flushAll(c, true);
    enter(c, 3, U_CS, U_DS);
    c.regs[ESP] = 0xb000; c.eip = 0x100;
    deliverIdt(c, 0x80, -1, false);
    expect([c.cpl, c.sel[CS], c.eip, c.regs[ESP]]).toEqual([3, CONF_CS | 3, 0x8800, 0xb000 - 16]);
    expect(words(c, 0xb000 - 16, 4)).toEqual([0, 0x100, U_CS | 3, 0x2]);
  });
  it('a fault while delivering #DF shuts down: TripleFault', () => {
    setGate(c, 13, gateDesc(K_CS, 0x8d00, INT32, 0, 0));
    setGate(c, 8, gateDesc(K_CS, 0x8800, INT32, 0, 0));
    let err: unknown = null;
    try { deliverIdt(c, 13, 0, false); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(TripleFault);
    expect((err as Error).name).toBe('TripleFault');
    expect((err as TripleFault).second).toBe(NP);
  });
});

describe('real-address mode', () => {
  it('INT n through the IVT pushes FLAGS, CS, IP and clears IF and TF', () => {
    c.cr0 &= ~1;
    c.idtBase = 0; c.idtLimit = 0x3ff;
    c.view.setUint16(0x10 * 4, 0x5678, true); c.view.setUint16(0x10 * 4 + 2, 0x1234, true);
    loadSegment(c, CS, 0x100); loadSegment(c, SS, 0);
    c.sattr[CS] &= ~ATTR_DB; c.sattr[SS] &= ~ATTR_DB;
    c.slimit[CS] = 0xffff; c.slimit[SS] = 0xffff;
    c.regs[ESP] = 0x1000;
    setFlagsAll(c, 0x202 | TF);
    exec(c, [0xcd, 0x10], 0x20);
    expect([c.sel[CS], c.sbase[CS], c.eip, c.regs[ESP]]).toEqual([0x1234, 0x12340, 0x5678, 0x1000 - 6]);
    expect([0, 1, 2].map((k) => c.view.getUint16(0x1000 - 6 + 2 * k, true))).toEqual([0x22, 0x100, 0x302]);
    expect(getFlags(c) & (IF | TF)).toBe(0);
    exec(c, [0xcf], 0x5678); // IRET back
    expect([c.sel[CS], c.eip, c.regs[ESP], getFlags(c)]).toEqual([0x100, 0x22, 0x1000, 0x302]);
  });
});
