// Random machine code: snippets from a fixed-seed PRNG (uniform bytes, and bytes biased to
// prefixes and the 0F escape) run at CPL 0 and CPL 3, with paging off and on, in block mode and
// single-step mode. Whatever the bytes do, jit.run must not throw a host exception, and both
// modes must reach the same architectural state. Then exact checks of the decoder's limits: an
// instruction longer than 15 bytes raises #GP(0), undefined opcodes raise #UD.
import { describe, it, expect } from 'vitest';
import { Cpu } from '../../src/cpu/state.ts';
import { setFlatSegments } from '../../src/cpu/flat.ts';
import { setFlagsAll } from '../../src/cpu/flags.ts';
import { flushAll } from '../../src/cpu/paging.ts';
import { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI, CF, CR0_ET, CR0_PE } from '../../src/cpu/regs.ts';
import { GP, UD } from '../../src/cpu/fault.ts';
import { Jit, type ExitReason } from '../../jit/jit.ts';
import { P, RW, US, FrameAllocator, Tables32, enablePaging, recordEvents, snapshot, hexBytes, prng, type Event } from '../support/machine.ts';

const MEM = 1 << 18;
const CODE = 0x10000;
const TABLES = 0x3e000;
const BUDGET = 64;

/** A reusable machine per (CPL, paging) configuration: building a Cpu costs its TLB arrays, so
 *  each run resets the state instead. The page tables (identity map of all RAM, user-writable)
 *  live in the pristine memory image restored before every run. */
class Bench {
  readonly c = new Cpu(MEM);
  readonly pristine: Uint8Array;
  private readonly cr3: number;
  constructor(readonly cpl: number, readonly paging: boolean) {
    const t = new Tables32(this.c, new FrameAllocator(this.c, TABLES));
    for (let pg = 0; pg < MEM >>> 12; pg++) t.map(pg << 12, pg << 12, P | RW | US);
    this.cr3 = t.cr3;
    this.pristine = this.c.mem.slice();
  }

  /** `ptrsToCode`: ESI and EDI point into the code page, so that stores rewrite code. */
  reset(code: ArrayLike<number>, ptrsToCode = false): void {
    const c = this.c;
    c.mem.set(this.pristine);
    c.mem.set(code, CODE);
    // Whatever follows the snippet traps (int3), unless the snippet jumps elsewhere.
    c.mem.fill(0xcc, CODE + code.length, CODE + code.length + 64);
    c.regs.set([0x2000, 0x10, 0x3000, 0x4000, 0x9000, 0x9100, ptrsToCode ? CODE : 0x5000, ptrsToCode ? CODE + 0x20 : 0x6000]);
    c.eip = CODE;
    setFlagsAll(c, 0x2);
    c.cr0 = CR0_ET | CR0_PE; c.cr2 = 0; c.cr3 = 0; c.cr4 = 0; c.efer = 0;
    flushAll(c, true);
    c.gdtBase = 0; c.gdtLimit = 0xffff; c.idtBase = 0; c.idtLimit = 0x3ff;
    c.ldtSel = 0; c.ldtBase = 0; c.ldtLimit = 0; c.ldtAttr = 0;
    c.trSel = 0; c.trBase = 0; c.trLimit = 0; c.trAttr = 0;
    c.dr.fill(0); c.sysenterCs = 0; c.sysenterEsp = 0; c.sysenterEip = 0; c.tsc = 0n;
    c.icount = 0; c.halted = false; c.stopped = false; c.lastFault = -1; c.smc = false;
    c.codePages.fill(0);
    c.hooks = {};
    setFlatSegments(c, this.cpl);
    if (this.paging) enablePaging(c, this.cr3);
  }

  /** Run the snippet; returns the outcome (or the host exception). */
  run(code: ArrayLike<number>, singleStep: boolean, budget = BUDGET, ptrsToCode = false): Outcome {
    this.reset(code, ptrsToCode);
    const c = this.c;
    const events = recordEvents(c);
    const jit = new Jit(c, { singleStep, tierUp: singleStep ? undefined : 0 }); // block mode: generated code from the first run
    let exit: ExitReason | 'threw';
    let error: unknown = null;
    try { exit = jit.run(budget); } catch (e) { exit = 'threw'; error = e; }
    return {
      exit, error, events: events.slice(), state: snapshot(c),
      system: [c.cpl, c.cr0 >>> 0, c.cr3 >>> 0, c.cr4 >>> 0, c.efer, ...c.sel, ...c.sbase, ...c.slimit, ...c.sattr, c.gdtBase, c.gdtLimit, c.idtBase, c.idtLimit],
      mem: c.mem.slice(),
      invalidations: jit.stats.invalidations,
    };
  }
}

interface Outcome {
  exit: ExitReason | 'threw';
  error: unknown;
  events: Event[];
  state: ReturnType<typeof snapshot>;
  system: number[];
  mem: Uint8Array;
  invalidations: number;
}

const PREFIXES = [0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65];

function snippets(seed: number, uniform: number, biased: number): number[][] {
  const rnd = prng(seed);
  const byte = (): number => Math.floor(rnd() * 256);
  const out: number[][] = [];
  for (let k = 0; k < uniform; k++) {
    const n = 1 + Math.floor(rnd() * 32);
    out.push(Array.from({ length: n }, byte));
  }
  for (let k = 0; k < biased; k++) {
    const s: number[] = [];
    const np = Math.floor(rnd() * 5);
    for (let j = 0; j < np; j++) s.push(PREFIXES[Math.floor(rnd() * PREFIXES.length)]);
    if (rnd() < 0.6) s.push(0x0f);
    const n = 1 + Math.floor(rnd() * 12);
    for (let j = 0; j < n; j++) s.push(byte());
    out.push(s);
  }
  return out;
}

/** Snippets of 4-16 valid instructions from the frequent families (ALU, MOV, INC/DEC, shifts,
 *  compare and branch, SETcc/CMOVcc, multiply/divide, stack, flag instructions): what the inline
 *  emitters, flag liveness and compare+branch fusion see, with register and [esi+d8] operands. */
function structured(seed: number, count: number): number[][] {
  const rnd = prng(seed);
  const pick = (n: number): number => Math.floor(rnd() * n);
  const reg = (): number => [EAX, ECX, EDX, EBX, EBP, ESI, EDI][pick(7)];
  const imm32 = (): number[] => [pick(256), pick(256), pick(256), pick(256)];
  const special = (): number[] => [[0, 0, 0, 0], [0xff, 0xff, 0xff, 0xff], [0xff, 0xff, 0xff, 0x7f], [0, 0, 0, 0x80], [1, 0, 0, 0]][pick(5)];
  const gens: (() => number[])[] = [
    () => [(pick(8) << 3) | 1, 0xc0 | (reg() << 3) | reg()], //            alu r32, r32
    () => [(pick(8) << 3) | 3, 0x46 | (reg() << 3), pick(0x80)], //        alu r32, [esi+d8]
    () => [(pick(8) << 3) | 1, 0x46 | (reg() << 3), pick(0x80)], //        alu [esi+d8], r32
    () => [(pick(8) << 3) | 0, 0xc0 | (pick(8) << 3) | pick(8)], //        alu r8, r8
    () => [0x83, 0xc0 | (pick(8) << 3) | reg(), pick(256)], //             alu r32, imm8
    () => [0x81, 0xc0 | (pick(8) << 3) | reg(), ...(rnd() < 0.5 ? special() : imm32())], // alu r32, imm32
    () => [0x66, (pick(8) << 3) | 1, 0xc0 | (reg() << 3) | reg()], //      alu r16, r16
    () => [0xb8 | reg(), ...(rnd() < 0.5 ? special() : imm32())], //      mov r32, imm32
    () => [0x89, 0xc0 | (reg() << 3) | reg()], //                         mov r32, r32
    () => [0x8b, 0x46 | (reg() << 3), pick(0x80)], //                     mov r32, [esi+d8]
    () => [0x89, 0x46 | (reg() << 3), pick(0x80)], //                     mov [esi+d8], r32
    () => [0x40 | reg()], //                                              inc r32
    () => [0x48 | reg()], //                                              dec r32
    () => [0xff, 0x46 | (pick(2) << 3), pick(0x80)], //                   inc/dec dword [esi+d8]
    () => [0x39, 0xc0 | (reg() << 3) | reg(), 0x70 | pick(16), pick(7)], // cmp r32, r32 ; jcc +0..6
    () => [0x85, 0xc0 | (reg() << 3) | reg(), 0x70 | pick(16), pick(7)], // test r32, r32 ; jcc +0..6
    () => [0x83, 0xf8 | reg(), pick(256), 0x0f, 0x80 | pick(16), pick(7), 0, 0, 0], // cmp r32, imm8 ; jcc rel32
    () => [0xc1, 0xc0 | (pick(8) << 3) | reg(), pick(34)], //             shift r32, imm8
    () => [0xd3, 0xc0 | (pick(8) << 3) | reg()], //                       shift r32, cl
    () => [0x0f, 0xa4 + pick(2) * 8, 0xc0 | (reg() << 3) | reg(), pick(34)], // shld/shrd r32, r32, imm8
    () => [0x0f, 0x90 | pick(16), 0xc0 | pick(8)], //                     setcc r8
    () => [0x0f, 0x40 | pick(16), 0xc0 | (reg() << 3) | reg()], //        cmovcc r32, r32
    () => [0x8d, 0x44 | (reg() << 3), (pick(4) << 6) | (reg() << 3) | reg(), pick(256)], // lea r32, [b+i*s+d8]
    () => [0x50 | reg(), 0x58 | reg()], //                                push r32 ; pop r32
    () => [0xf7, 0xc0 | ((2 + pick(4)) << 3) | reg()], //                 not/neg/mul/imul r32
    () => [0xf7, 0xc0 | ((6 + pick(2)) << 3) | reg()], //                 div/idiv r32
    () => [0x0f, 0xaf, 0xc0 | (reg() << 3) | reg()], //                   imul r32, r32
    () => [0x0f, 0xa3 + pick(4) * 8, 0xc0 | (reg() << 3) | reg()], //     bt/bts/btr/btc r32, r32
    () => [0x0f, 0xbc + pick(2), 0xc0 | (reg() << 3) | reg()], //         bsf/bsr r32, r32
    () => [0x87, 0xc0 | (reg() << 3) | reg()], //                         xchg r32, r32
    () => [0x0f, 0xb6 + pick(2) * 8, 0xc0 | (reg() << 3) | pick(8)], //   movzx/movsx r32, r8
    () => [[0xf8, 0xf9, 0xf5, 0x9e, 0x9f, 0x9c, 0x99, 0x98, 0x27, 0x2f, 0x37, 0x3f][pick(12)]], // clc stc cmc sahf lahf pushf cdq cwde daa das aaa aas
    () => [0x0f, 0xc0 + pick(2), 0xc0 | (reg() << 3) | reg()], //         xadd r, r
    () => [0x0f, 0xb1, 0xc0 | (reg() << 3) | reg()], //                   cmpxchg r32, r32
  ];
  const out: number[][] = [];
  for (let k = 0; k < count; k++) {
    const s: number[] = [];
    for (let n = 4 + pick(13); n > 0; n--) s.push(...gens[pick(gens.length)]());
    out.push(s);
  }
  return out;
}

const CONFIGS = [[0, false], [0, true], [3, false], [3, true]] as const;
const describeOutcome = (o: Outcome): string =>
  `exit=${o.exit} icount=${o.state.icount} eip=${o.state.eip.toString(16)} events=${JSON.stringify(o.events.map((e) => [e.vector, e.error, e.eip >>> 0]))}`;

describe('random code', () => {
  it('never throws a host exception, and block mode and single-step mode agree', () => {
    const benches = CONFIGS.map(([cpl, paging]) => new Bench(cpl, paging));
    const all = [...snippets(0x5eed1234, 3000, 1000), ...structured(0x5eed5678, 1000), ...structured(0x5eed9abc, 500)];
    const smcFrom = all.length - 500; // these run with ESI/EDI pointing into their own code
    const threw: string[] = [];
    const diverged: string[] = [];
    const exits: Record<string, number> = {};
    let smcInvalidations = 0;
    for (let n = 0; n < all.length * benches.length; n++) {
      const k = n >> 2, code = all[k];
      const bench = benches[n & 3];
      const tag = `#${k} cpl=${bench.cpl} paging=${bench.paging}${k >= smcFrom ? ' esi=edi-0x20=code' : ''} bytes=[${hexBytes(code)}]`;
      const smc = k >= smcFrom;
      const blk = bench.run(code, false, BUDGET, smc);
      // Blocks run to their end, so block mode may pass the budget; single-step gets exactly
      // as many instructions as block mode retired, plus the one that faulted (or trapped) when
      // block mode ended on a delivered event.
      const one = bench.run(code, true, blk.exit === 'budget' ? blk.state.icount + (blk.state.stopped ? 1 : 0) : BUDGET, smc);
      for (const [mode, o] of [['block', blk], ['single-step', one]] as const) {
        if (o.exit === 'threw') threw.push(`${tag} ${mode}: ${(o.error as Error)?.stack ?? String(o.error)}`);
      }
      exits[`${blk.exit}`] = (exits[`${blk.exit}`] ?? 0) + 1;
      if (smc) smcInvalidations += blk.invalidations;
      if (blk.exit === 'threw' || one.exit === 'threw') continue;
      const same = JSON.stringify([blk.state, blk.events, blk.system]) === JSON.stringify([one.state, one.events, one.system]) &&
        Buffer.compare(blk.mem, one.mem) === 0;
      if (!same) diverged.push(`${tag}\n  block:       ${describeOutcome(blk)} ${JSON.stringify(blk.state.regs)}\n  single-step: ${describeOutcome(one)} ${JSON.stringify(one.state.regs)}`);
    }
    expect(threw.slice(0, 5), `${threw.length} snippets threw`).toEqual([]);
    expect(diverged.slice(0, 5), `${diverged.length} snippets diverged`).toEqual([]);
    // The corpus exercises every way out: traps and faults, halts (CPL 0), and budget exhaustion.
    expect(exits.stop).toBeGreaterThan(8000);
    expect(exits.halt).toBeGreaterThan(40);
    expect(exits.budget).toBeGreaterThan(40);
    expect(smcInvalidations).toBeGreaterThan(100);
  }, 60_000);
});

describe('decoder limits through the JIT', () => {
  const benches = CONFIGS.map(([cpl, paging]) => new Bench(cpl, paging));
  const ev = (o: Outcome): number[][] => o.events.map((e) => [e.vector, e.error, (e.eip >>> 0) - CODE]);

  for (const bench of benches) {
    for (const singleStep of [false, true]) {
      const name = `cpl=${bench.cpl} paging=${bench.paging} singleStep=${singleStep}`;

      it(`an instruction of 16 bytes raises #GP(0) at its first byte; 15 bytes are fine (${name})`, () => {
        const long = [...Array(15).fill(0x66), 0x90]; // 15 x o16 prefix + nop
        const o = bench.run(long, singleStep);
        expect(ev(o)).toEqual([[GP, 0, 0]]);
        expect(o.state.icount).toBe(0);
        const ok = [...Array(14).fill(0x66), 0x90]; // 14 prefixes + nop = 15 bytes, then int3
        const o2 = bench.run(ok, singleStep);
        expect(ev(o2)).toEqual([[3, -1, 16]]);
        expect(o2.state.icount).toBe(2);
        // After a complete instruction in the same block: EIP at the long one, one retired.
        const o3 = bench.run([0x90, ...Array(16).fill(0x3e), 0x90], singleStep); // nop ; 16 x ds + nop
        expect(ev(o3)).toEqual([[GP, 0, 1]]);
        expect(o3.state.icount).toBe(1);
        // Long prefix runs that are eventually valid count prefixes too: lock, rep, segment.
        const o4 = bench.run([0xf3, 0x2e, 0x3e, 0x26, 0x36, 0x64, 0x65, 0x66, 0x67, 0xf2, 0x2e, 0x3e, 0x26, 0x36, 0x64, 0xa4], singleStep);
        expect(ev(o4)).toEqual([[GP, 0, 0]]);
      });

      const UNDEFINED: [string, number[]][] = [
        ['0F 0B (ud2)', [0x0f, 0x0b]],
        ['0F FF', [0x0f, 0xff]],
        ['FF /7 (register form)', [0xff, 0xff]],
        ['FF /7 (memory form)', [0xff, 0x3e]],
        ['FE /2', [0xfe, 0xd0]],
        ['8F /1', [0x8f, 0xc8]],
        ['C6 /1', [0xc6, 0xc8, 0x00]],
        ['0F 0A', [0x0f, 0x0a]],
        ['0F A6', [0x0f, 0xa6]],
        ['lea with a register operand (8D C0)', [0x8d, 0xc0]],
        ['les with a register operand (C4 C0)', [0xc4, 0xc0]],
        ['invlpg with a register operand (0F 01 F8)', [0x0f, 0x01, 0xf8]],
        ['0F 01 /5', [0x0f, 0x01, 0xe8]],
        ['mov to CS (8E C8)', [0x8e, 0xc8]],
        ['mov from CR1 (0F 20 C8), before any privilege check', [0x0f, 0x20, 0xc8]],
        ['lock nop', [0xf0, 0x90]],
        ['lock mov [eax], eax (not lockable)', [0xf0, 0x89, 0x00]],
      ];
      for (const [what, code] of UNDEFINED) {
        it(`#UD for ${what} (${name})`, () => {
          const o = bench.run(code, singleStep);
          expect(ev(o)).toEqual([[UD, -1, 0]]);
          expect(o.state.icount).toBe(0);
          expect(o.state.regs).toEqual([0x2000, 0x10, 0x3000, 0x4000, 0x9000, 0x9100, 0x5000, 0x6000]);
        });
      }

      it(`D6 is SALC, not #UD: AL = CF ? 0xFF : 0 (${name})`, () => {
        const o = bench.run([0xf9, 0xd6, 0xf8, 0x88, 0xc3, 0xd6], singleStep); // stc ; salc ; clc ; mov bl, al ; salc ; int3
        expect(ev(o)).toEqual([[3, -1, 7]]);
        expect(o.state.regs[EBX] & 0xff).toBe(0xff);
        expect(o.state.regs[EAX]).toBe(0x2000);
        expect(o.state.eflags & CF).toBe(0);
      });
    }
  }
});

void ECX; void EDX; void ESP; void EBP; void ESI; void EDI;
