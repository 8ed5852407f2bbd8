// The frame of the precise-exception tests (precise.test.ts, inline-precise.test.ts): a CPL 3
// machine with 32-bit paging, five instructions of which the 3rd faults, and the checks that
// the fault is delivered at that instruction with the state of the first two.
import { describe, it, expect } from 'vitest';
import { Cpu } from '../../src/cpu/state.ts';
import { setFlatSegments } from '../../src/cpu/flat.ts';
import { getFlags, setFlagsAll } from '../../src/cpu/flags.ts';
import { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI, CF, ZF, SF, OF, AF, PF } from '../../src/cpu/regs.ts';
import { Jit } from '../../jit/jit.ts';
import { P, RW, US, FrameAllocator, Tables32, enablePaging, recordEvents, snapshot, type Event } from '../support/machine.ts';

export const u = (x: number): number => x >>> 0;
export const CODE = 0x1000;
// Pages of the fixture (32-bit paging, CPL 3, everything else in 0..4 MiB identity-mapped and
// user-writable).
export const RO = 0x00300000; //        read-only user page
export const SPLIT = 0x00302000; //     writable page followed by a not-present one at 0x303000
export const NP_STACK = 0x00304000; //  not-present page (a stack that grows into it from 0x305000)
export const NP = 0x00306000; //        not-present page

// The frame around the faulting instruction:
export const I1 = [0xbd, 0x5a, 0x5a, 0x5a, 0x5a]; // mov ebp, 0x5a5a5a5a
export const I2 = [0x01, 0xed]; //                   add ebp, ebp     -> 0xb4b4b4b4, OF SF AF PF set, CF ZF clear
export const I4 = [0xbb, 0x00, 0x00, 0x00, 0x00]; // mov ebx, 0       (must not run)
export const I5 = [0xcc]; //                         int3             (must not run)
export const FAULT_EIP = CODE + I1.length + I2.length;
export const FLAGS_AFTER_I2 = 0x2 | OF | SF | AF | PF;

/** Registers before the run; a scenario overrides some. */
export const REGS0: Record<number, number> = {
  [EAX]: 0xcafebabe | 0, [ECX]: 0x0c0c0c0c, [EDX]: 0x0d0d0d0d, [EBX]: 0x0b0b0b0b,
  [ESP]: 0x8000, [EBP]: 0, [ESI]: 0x5000, [EDI]: RO + 0x10,
};

export interface Scenario {
  name: string;
  /** The faulting (3rd) instruction. */
  insn: number[];
  regs?: Record<number, number>;
  prep?(c: Cpu): void;
  vector: number;
  error: number;
  /** For #PF. */
  cr2?: number;
  /** Registers that differ from REGS0 after the fault besides EBP (REP progress). */
  after?: Record<number, number>;
  check?(c: Cpu): void;
}

export const bytes = (c: Cpu, pa: number, n: number): number[] => Array.from(c.mem.subarray(pa, pa + n));

export function setup(singleStep: boolean) {
  const c = new Cpu(8 << 20);
  setFlatSegments(c, 3);
  const t = new Tables32(c, new FrameAllocator(c, 0x100000));
  for (let pg = 0; pg < 1024; pg++) t.map(pg << 12, pg << 12, P | RW | US);
  t.map(RO, RO, P | US);
  t.map(SPLIT + 0x1000, SPLIT + 0x1000, 0);
  t.map(NP_STACK, NP_STACK, 0);
  t.map(NP, NP, 0);
  enablePaging(c, t.cr3);
  c.view.setInt32(RO + 0x10, 0x01020304, true);
  c.mem.set([0xa1, 0xa2, 0xa3, 0xa4], SPLIT + 0xffc);
  c.mem.set([0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48], 0x5000);
  c.view.setInt32(0x8000, 0x99999999 | 0, true);
  const events = recordEvents(c);
  const jit = new Jit(c, { singleStep, tierUp: singleStep ? undefined : 0 }); // block mode: generated code from the first run
  return { c, t, jit, events };
}

export function run(s: Scenario, singleStep: boolean) {
  const m = setup(singleStep);
  const { c } = m;
  c.mem.set([...I1, ...I2, ...s.insn, ...I4, ...I5], CODE);
  for (const [r, v] of Object.entries({ ...REGS0, ...s.regs })) c.regs[+r] = v;
  setFlagsAll(c, 0x2 | CF | ZF);
  s.prep?.(c);
  c.eip = CODE;
  const exit = m.jit.run(100);
  return { ...m, exit };
}
export const ev = (events: Event[]): number[][] => events.map((e) => [e.vector, e.error, u(e.eip), u(e.cr2)]);


/** For each scenario: the fault is precise in block mode and in single-step mode, and both
 *  leave the same state and memory. */
export function preciseScenarios(scenarios: Scenario[]): void {
  for (const s of scenarios) {
    describe(s.name, () => {
      for (const singleStep of [false, true]) {
        it(`singleStep=${singleStep}`, () => {
          const { c, events, exit } = run(s, singleStep);
          expect(exit).toBe('stop');
          expect(ev(events)).toEqual([[s.vector, s.error, FAULT_EIP, s.cr2 ?? 0]]);
          expect(u(c.eip)).toBe(FAULT_EIP);
          expect(c.icount).toBe(2);
          const regs: Record<number, number> = { ...REGS0, ...s.regs, [EBP]: 0xb4b4b4b4 | 0, ...s.after };
          expect(Array.from(c.regs, u)).toEqual(Array.from({ length: 8 }, (_, r) => u(regs[r])));
          expect(u(getFlags(c))).toBe(FLAGS_AFTER_I2);
          s.check?.(c);
        });
      }
      it('block mode and single-step mode leave identical state and memory', () => {
        const a = run(s, false), b = run(s, true);
        expect(snapshot(a.c)).toEqual(snapshot(b.c));
        expect(ev(a.events)).toEqual(ev(b.events));
        expect(Buffer.compare(a.c.mem, b.c.mem)).toBe(0);
      });
    });
  }}
