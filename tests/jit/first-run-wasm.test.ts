// The WebAssembly walk of first visits (jit/first-run-wasm.ts) against the JavaScript walk it
// stands in for (interpret.ts runOnce without it): random pages of instructions, of its forms
// and of others it stops before, from random register and lazy-flag states, must leave the
// same registers, EIP, flags and lazy record, the same instruction count and last row, and the
// same fault, and the walk must have run most of the instructions of its forms.
import { describe, it, expect } from 'vitest';
import { Cpu } from '../../src/cpu/state.ts';
import { setFlatSegments } from '../../src/cpu/flat.ts';
import { CS, DS, SS } from '../../src/cpu/regs.ts';
import { FAULT } from '../../src/cpu/fault.ts';
import { flushPage } from '../../src/cpu/paging.ts';
import { runOnce, ranOnceLastRow, ranInWasm } from '../../jit/interpret.ts';
import { Jit } from '../../jit/jit.ts';
import { firstRunModule, firstRunWalker } from '../../jit/first-run-wasm.ts';

const PAGE = 0x3000;
let seed = 0x12345679;
const rnd = (n: number): number => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) % n; };
const r32 = (): number => (rnd(4) === 0 ? [0, 1, -1, 0x7fffffff, -0x80000000, 0x80, 0xff][rnd(7)] : (rnd(0x10000) << 16) | rnd(0x10000));
const le = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const modrm3 = (reg: number): number => 0xc0 | (reg << 3) | rnd(8);
/** A memory ModRM operand (every 32-bit form: SIB, no base, displacements) after `reg`. */
function modrmMem(reg: number): number[] {
  const mod = rnd(3), rm = rnd(8), out = [(mod << 6) | (reg << 3) | rm];
  if (rm === 4) { const sib = rnd(256); out.push(sib); if ((sib & 7) === 5 && mod === 0) out.push(...le(0x8000 + rnd(0x70000))); }
  else if (rm === 5 && mod === 0) out.push(...le(0x8000 + rnd(0x70000)));
  if (mod === 1) out.push(rnd(256)); else if (mod === 2) out.push(...le(rnd(2) ? rnd(0x1000) : r32()));
  return out;
}

/** One instruction (bytes) of the walk's forms or of others; jumps get their displacement later. */
function instruction(): { bytes: number[]; rel?: 1 | 4 } {
  if (rnd(3) === 0) return memoryInstruction();
  switch (rnd(22)) {
    case 0: return { bytes: [[0x01, 0x03, 0x09, 0x0b, 0x21, 0x23, 0x29, 0x2b, 0x31, 0x33, 0x39, 0x3b, 0x85][rnd(13)], modrm3(rnd(8))] };
    case 1: return { bytes: [[0x05, 0x0d, 0x25, 0x2d, 0x35, 0x3d, 0xa9][rnd(7)], ...le(r32())] };
    case 2: return { bytes: [0x81, modrm3(rnd(8)), ...le(r32())] };
    case 3: return { bytes: [0x83, modrm3(rnd(8)), rnd(256)] };
    case 4: return { bytes: [0xf7, modrm3(rnd(2)), ...le(r32())] };
    case 5: return { bytes: [[0x89, 0x8b][rnd(2)], modrm3(rnd(8))] };
    case 6: return { bytes: [0xb8 + rnd(8), ...le(r32())] };
    case 7: return { bytes: [0xc7, modrm3(0), ...le(r32())] };
    case 8: { // LEA with every memory form: SIB, no base, displacements
      const mod = rnd(3), rm = rnd(8), out = [0x8d, (mod << 6) | (rnd(8) << 3) | rm];
      if (rm === 4) { const sib = rnd(256); out.push(sib); if ((sib & 7) === 5 && mod === 0) out.push(...le(r32())); }
      else if (rm === 5 && mod === 0) out.push(...le(r32()));
      if (mod === 1) out.push(rnd(256)); else if (mod === 2) out.push(...le(r32()));
      return { bytes: out };
    }
    case 9: return { bytes: [0xc1, modrm3(rnd(8)), [0, 1, 31, 32, 33, rnd(256)][rnd(6)]] };
    case 10: return { bytes: [0xd1, modrm3(rnd(8))] };
    case 11: return { bytes: [0x69, modrm3(rnd(8)), ...le(r32())] };
    case 12: return { bytes: [0x6b, modrm3(rnd(8)), rnd(256)] };
    case 13: return { bytes: [0x0f, 0xaf, modrm3(rnd(8))] };
    case 14: return { bytes: [(rnd(2) ? 0x40 : 0x48) + rnd(8)] };
    case 15: return { bytes: [0x90] };
    case 16: return { bytes: [0x70 + rnd(16)], rel: 1 };
    case 17: return { bytes: [0x0f, 0x80 + rnd(16)], rel: 4 };
    case 18: return rnd(2) ? { bytes: [0xeb], rel: 1 } : { bytes: [0xe9], rel: 4 };
    // Register forms it does not run (a tenth of them): ADC/SBB, NEG, shifts by CL, RCL/RCR,
    // BSWAP, a prefix.
    case 19: if (rnd(3)) return { bytes: [0x90] };
      return { bytes: [[0x11, 0x13, 0x19, 0x1b][rnd(4)], modrm3(rnd(8))] };
    case 20: if (rnd(3)) return { bytes: [0x40 + rnd(8)] };
      return { bytes: [[[0xf7, modrm3(3)], [0xd3, modrm3(rnd(8))], [0xd1, modrm3(2 + rnd(2))], [0x0f, 0xc8 + rnd(8)]][rnd(4)]].flat() };
    default: return rnd(3) ? { bytes: [0x8b, modrm3(rnd(8))] } : { bytes: [0x66, 0x01, modrm3(rnd(8))] };
  }
}

/** A register or memory ModRM operand after `reg`. */
const rmAny = (reg: number): number[] => (rnd(2) ? [modrm3(reg)] : modrmMem(reg));

/** An instruction of the walk's byte, extension and indirect forms. */
function sizedInstruction(): { bytes: number[]; rel?: 1 | 4 } {
  switch (rnd(11)) {
    case 0: return { bytes: [[0x00, 0x02, 0x08, 0x0a, 0x20, 0x22, 0x28, 0x2a, 0x30, 0x32, 0x38, 0x3a, 0x84, 0x88, 0x8a][rnd(15)], ...rmAny(rnd(8))] };
    case 1: { const opc = [0x80, 0xc6, 0xf6][rnd(3)]; return { bytes: [opc, ...rmAny(opc === 0x80 ? rnd(8) : opc === 0xf6 ? rnd(2) : 0), rnd(256)] }; }
    case 2: return { bytes: [[0x04, 0x0c, 0x24, 0x2c, 0x34, 0x3c, 0xa8][rnd(7)], rnd(256)] };
    case 3: return { bytes: [0xb0 + rnd(8), rnd(256)] };
    case 4: return { bytes: [[0xfe, 0xff][rnd(2)], ...rmAny(rnd(2))] };
    case 5: return { bytes: [0x0f, [0xb6, 0xb7, 0xbe, 0xbf][rnd(4)], ...rmAny(rnd(8))] };
    case 6: return { bytes: [0xff, ...rmAny([2, 4, 6][rnd(3)])] };
    case 7: return { bytes: [0xc9] };
    case 8: return { bytes: [0xa0 + rnd(4), ...le(rnd(4) ? 0x8000 + rnd(0x70000) : r32())] };
    case 9: return [
      { bytes: [0x0f, 0x90 + rnd(16), ...rmAny(0)] }, { bytes: [0x0f, 0x40 + rnd(16), ...rmAny(rnd(8))] }, { bytes: [0x99] },
      { bytes: [[0xf6, 0xf7][rnd(2)], ...rmAny(2 + rnd(2))] }, { bytes: [[0x86, 0x87][rnd(2)], ...rmAny(rnd(8))] }, { bytes: [0x91 + rnd(7)] },
    ][rnd(6)];
    default: return { bytes: [0x66, 0x89, modrm3(rnd(8))] };
  }
}

/** An instruction of the walk's memory and stack forms. */
function memoryInstruction(): { bytes: number[]; rel?: 1 | 4 } {
  if (rnd(2) === 0) return sizedInstruction();
  switch (rnd(12)) {
    case 0: return { bytes: [[0x01, 0x03, 0x09, 0x0b, 0x21, 0x23, 0x29, 0x2b, 0x31, 0x33, 0x39, 0x3b, 0x85][rnd(13)], ...modrmMem(rnd(8))] };
    case 1: return { bytes: [0x81, ...modrmMem(rnd(8)), ...le(r32())] };
    case 2: return { bytes: [0x83, ...modrmMem(rnd(8)), rnd(256)] };
    case 3: return { bytes: [[0x89, 0x8b][rnd(2)], ...modrmMem(rnd(8))] };
    case 4: return { bytes: [0xc7, ...modrmMem(0), ...le(r32())] };
    case 5: return rnd(2) ? { bytes: [0x69, ...modrmMem(rnd(8)), ...le(r32())] } : { bytes: [0x0f, 0xaf, ...modrmMem(rnd(8))] };
    case 6: return { bytes: [0x50 + rnd(8)] };
    case 7: return { bytes: [0x58 + rnd(8)] };
    case 8: return rnd(2) ? { bytes: [0x68, ...le(r32())] } : { bytes: [0x6a, rnd(256)] };
    case 9: return { bytes: [0xe8], rel: 4 };
    case 10: return rnd(2) ? { bytes: [0xc3] } : { bytes: [0xc2, rnd(256), rnd(2) ? 0 : rnd(256)] };
    // A shift of memory: no form of the walk's.
    default: return { bytes: [0xc1, ...modrmMem(4), 3] };
  }
}

/** A page of instructions whose jumps land on instruction starts of the page (or just past
 *  its end, where a crossing instruction waits); returns the page and the starts. */
function page(): { bytes: Uint8Array; starts: number[] } {
  const insns: { bytes: number[]; rel?: 1 | 4 }[] = [];
  let len = 0;
  while (len < 4000) { const i = instruction(); insns.push(i); len += i.bytes.length + (i.rel ?? 0); }
  const starts: number[] = [];
  let at = 4096 - len - 2;
  for (const i of insns) { starts.push(at); at += i.bytes.length + (i.rel ?? 0); }
  const bytes = new Uint8Array(4096 + 16);
  for (let k = 0; k < insns.length; k++) {
    const i = insns[k], s = starts[k];
    bytes.set(i.bytes, s);
    if (i.rel) {
      const end = s + i.bytes.length + i.rel;
      // Mostly near, now and then backwards into a loop or to another page.
      const target = rnd(20) === 0 ? end + 0x2000 : starts[Math.max(0, Math.min(insns.length - 1, k + rnd(12) - 5))];
      const d = target - end;
      if (i.rel === 1 && (d < -128 || d > 127)) bytes.set([0x90, 0x90], s); // too far for rel8: NOPs
      else bytes.set(i.rel === 1 ? [d & 0xff] : le(d), s + i.bytes.length);
    }
  }
  // A MOV r32, imm32 that crosses the page end.
  bytes.set([0xb8, 1, 2], 4094);
  return { bytes, starts };
}

const CPUS = [new Cpu(1 << 20), new Cpu(1 << 20)];
for (const c of CPUS) setFlatSegments(c, 0);
// Both RAMs the same random bytes, so that a load from the wrong address shows.
{ const junk = Uint8Array.from({ length: 1 << 20 }, () => rnd(256)); for (const c of CPUS) c.mem.set(junk); }
function cpuWith(k: number, bytes: Uint8Array, state: number[], csLimit: number): Cpu {
  const c = CPUS[k];
  c.mem.set(bytes.subarray(0, 4096 + 16), PAGE);
  c.eip = 0; c.icount = 0;
  for (let k = 0; k < 8; k++) c.regs[k] = state[k];
  c.flags = (state[8] & 0x8d5) | 2; c.lmask = state[9] & 0x8d5; c.lop = 1 + (state[10] & 7) % 7;
  c.la = state[11]; c.lb = state[12]; c.lres = state[13]; c.lsz = [1, 2, 4][(state[14] >>> 0) % 3]; c.lcin = state[15] & 1;
  c.slimit[CS] = csLimit;
  // DS and SS apart now and then, so that an access through the wrong one shows.
  c.sbase[DS] = state[14] & 0x10 ? 0x4000 : 0; c.sbase[SS] = state[14] & 0x20 ? -0x2000 : 0;
  return c;
}
const snapshot = (c: Cpu) => ({ regs: [...c.regs], eip: c.eip, flags: c.flags, lmask: c.lmask, lop: c.lop, la: c.la, lb: c.lb, lres: c.lres, lsz: c.lsz, lcin: c.lcin, icount: c.icount });

function walk(c: Cpu, off: number, wasm: boolean) {
  const never = (): never => { throw FAULT; };
  let n: number | string, row = -2;
  try { n = runOnce(c, 0x40000000 + off, PAGE + off, true, 64, never, never, wasm ? firstRunWalker(c) : null); row = ranOnceLastRow(); } catch (e) { if (e !== FAULT) throw e; n = 'fault'; }
  return { n, row, inWasm: ranInWasm(), state: snapshot(c) };
}

describe('first visits in WebAssembly', () => {
  it('encodes a module WebAssembly accepts', () => {
    expect(WebAssembly.validate(firstRunModule())).toBe(true);
  });

  it('leaves what the JavaScript walk leaves, over random pages and states', () => {
    let total = 0, inWasm = 0, stops = 0, blocks = 0;
    for (let p = 0; p < 60; p++) {
      const { bytes, starts } = page();
      for (let b = 0; b < 40; b++) {
        const off = rnd(8) === 0 ? 4094 : starts[rnd(starts.length)];
        // Registers mostly addresses in RAM (base and index registers, the stack), some any value.
        const state = Array.from({ length: 16 }, (_, k) => (k < 8 && rnd(4) !== 0 ? 0x10000 + rnd(0xe0000) : r32()));
        if (rnd(8) !== 0) state[4] = 0x80000 + 4 * rnd(0x8000);
        const csLimit = rnd(4) === 0 ? 0x40000000 + rnd(4096) : -1;
        const a = walk(cpuWith(0, bytes, state, csLimit), off, true);
        const j = walk(cpuWith(1, bytes, state, csLimit), off, false);
        expect({ ...a, inWasm: 0 }, `page ${p} offset ${off}`).toEqual({ ...j, inWasm: 0 });
        expect(j.inWasm).toBe(0);
        blocks++;
        if (b % 8 === 7) expect(Buffer.compare(CPUS[0].mem, CPUS[1].mem), 'RAM').toBe(0);
        if (typeof a.n === 'number' && a.n > 0) { total += a.n; inWasm += a.inWasm; if (a.inWasm < a.n) stops++; }
      }
    }
    // The walk ran a good share of the instructions (~0.32: blocks stop at a tenth of the
    // instructions, at jumps past a CS limit and at the page end), and stopped in many blocks.
    expect(blocks).toBe(2400);
    expect(inWasm / total).toBeGreaterThan(0.25);
    expect(stops).toBeGreaterThan(100);
  });

  it('runs the block in JavaScript on a CPU the host gave no WebAssembly memory', () => {
    const Memory = WebAssembly.Memory;
    let c: Cpu;
    try {
      (WebAssembly as { Memory: unknown }).Memory = function () { throw new RangeError('no memory'); };
      c = new Cpu(1 << 20);
    } finally {
      (WebAssembly as { Memory: unknown }).Memory = Memory;
    }
    expect(c.memory).toBeNull();
    setFlatSegments(c, 0);
    c.mem.set([0x05, 1, 0, 0, 0, 0x40, 0xeb, 0xfe], PAGE); // add eax, 1; inc eax; jmp $
    c.regs[0] = 5;
    const never = (): never => { throw FAULT; };
    expect(firstRunWalker(c)).toBeNull();
    expect(runOnce(c, 0x40000000, PAGE, true, 64, never, never, firstRunWalker(c))).toBe(3);
    expect(ranInWasm()).toBe(0);
    expect(c.regs[0]).toBe(7);
    expect(c.eip).toBe(0x40000006);
  });

  it('is the JIT\'s first-visit path unless wasmFirstRun is off, with the same result', () => {
    // A loop over 200 distinct straight-line blocks of register and stack forms, each reached
    // once per pass by a CALL: first visits, then the first tier and compiled code.
    const code: number[] = [];
    for (let k = 0; k < 200; k++) code.push(0x05, ...le(k * 7 + 1), 0x31, 0xc8, 0x53, 0x5b, 0xc1, 0xc0, 3, 0xc3); // add eax; xor eax,ecx; push ebx; pop ebx; rol eax,3; ret
    const outcome = (wasmFirstRun: boolean) => {
      const c = new Cpu(1 << 20);
      setFlatSegments(c, 0);
      c.mem.set(code, 0x10000);
      // mov esi, blocks; mov edi, 200; L: call esi; add esi, 13; dec edi; jnz L; hlt
      const d = [0xbe, ...le(0x10000), 0xbf, ...le(200), 0xff, 0xd6, 0x83, 0xc6, 13, 0x4f, 0x75, 0xf8, 0xf4];
      c.mem.set(d, 0x8000);
      c.eip = 0x8000; c.regs[4] = 0x7000; c.regs[1] = 0x1234567;
      const jit = new Jit(c, { wasmFirstRun });
      expect(jit.run(1_000_000)).toBe('halt');
      return { eax: c.regs[0], icount: c.icount, inWasm: jit.stats.wasmFirstRunInsns };
    };
    const on = outcome(true), off = outcome(false);
    expect(off.inWasm).toBe(0);
    expect(on.inWasm).toBeGreaterThan(1000);
    expect({ ...on, inWasm: 0 }).toEqual({ ...off, inWasm: 0 });
  });
  it('goes on into the blocks after a first visit as the dispatch loop would run them', () => {
    // 120 functions of a few blocks each over three pages (some blocks crossing into the next
    // page, some stopping the walk: BSWAP, a 16-bit operand, OUT), called from a loop that
    // also runs a hot inner loop, three rounds; run in slices of random budgets. OUT raises
    // the interrupt line, and the interrupt window leaves it raised every other time (a
    // masked event): the dispatch loop then calls the window at every block boundary, which
    // the walk must not run past. Budgets, interrupt windows, registers and RAM must be the
    // same with the walk as without it.
    const TABLE = 0x6000, NF = 120, CODE = 0x10000;
    const code: number[] = [], table: number[] = [];
    let fs = 0x5eed;
    const fr = (n: number): number => { fs ^= fs << 13; fs ^= fs >>> 17; fs ^= fs << 5; return (fs >>> 0) % n; };
    for (let k = 0; k < NF; k++) {
      table.push(CODE + code.length);
      const blocks = 2 + fr(3);
      for (let b = 0; b < blocks; b++) {
        for (let j = 0; j < 2 + fr(4); j++) {
          switch (fr(9)) {
            case 0: code.push(0x05, ...le(fr(0x10000) * 0x10001)); break; // add eax, imm
            case 1: code.push(0x31, 0xc0 | (fr(4) << 3) | fr(4)); break; // xor among eax..ebx
            case 2: code.push(0x8d, 0x44, 0x80 | (fr(4) << 3), fr(128)); break; // lea eax, [eax + r*4 + d]
            case 3: code.push(0x53, 0x01, 0xd8 | fr(4), 0x5b); break; // push ebx; add r, ebx; pop ebx
            case 4: code.push(0xc1, 0xc0 | fr(4), 1 + fr(31)); break; // rol r, n
            case 5: code.push(0x53, 0x89, 0x04 | (fr(4) << 3), 0x24, 0x8b, 0x0c, 0x24, 0x5b); break; // push ebx; mov [esp], r; mov ecx, [esp]; pop ebx
            case 6: code.push(...(fr(3) ? [0x90] : [0x0f, 0xc8 | fr(4)])); break; // nop, bswap
            case 7: code.push(...(fr(3) ? [0x43] : [0x66, 0x01, 0xc0 | fr(4)])); break; // inc ebx, a 16-bit add
            default: code.push(...(fr(4) ? [0x4a] : [0xe6, 0x80])); // dec edx, out 0x80, al
          }
        }
        // test al, bit; jz over one instruction (the next block or the one after)
        if (b < blocks - 1) code.push(0xa8, 1 << fr(8), 0x74, 1, 0x41); // inc ecx
      }
      code.push(0xc3);
      // Now and then a gap, so that functions start near page ends and cross them.
      if (fr(6) === 0) for (let g = fr(300); g > 0; g--) code.push(0xcc);
    }
    expect(code.length).toBeGreaterThan(2 * 4096);
    const outcome = (wasmFirstRun: boolean, csLimit = -1) => {
      const c = new Cpu(1 << 20);
      setFlatSegments(c, 0);
      c.slimit[CS] = csLimit;
      c.mem.set(code, CODE);
      for (let k = 0; k < NF; k++) c.mem.set(le(table[k]), TABLE + 4 * k);
      // mov edi, 3; R: xor esi, esi; F: call [esi*4 + TABLE]; inc esi; cmp esi, NF; jb F;
      // mov ecx, 40; L: add eax, ecx; rol eax, 1; dec ecx; jnz L; dec edi; jnz R; hlt
      const d = [0xbf, ...le(3), 0x31, 0xf6, 0xff, 0x14, 0xb5, ...le(TABLE), 0x46, 0x83, 0xfe, NF, 0x72, 0xf3,
        0xb9, ...le(40), 0x01, 0xc8, 0xd1, 0xc0, 0x49, 0x75, 0xf9, 0x4f, 0x75, 0xe2, 0xf4];
      c.mem.set(d, 0x8000);
      c.eip = 0x8000; c.regs[4] = 0x7000; c.regs[0] = 0x1234567;
      const log: number[][] = [];
      let lower = false;
      c.hooks.ioWrite = () => { c.irq = true; };
      // The window also drops a code page's TLB entries: the walk must not go on into a block
      // whose page it cannot fetch from without a page walk.
      c.hooks.interruptWindow = () => { log.push([c.icount, c.eip]); flushPage(c, CODE + 0x1000 * (log.length % 3)); if ((lower = !lower)) c.irq = false; };
      const jit = new Jit(c, { wasmFirstRun });
      let bs = 77, end = '';
      for (let k = 0; k < 10_000; k++) {
        bs = (bs * 1103515245 + 12345) >>> 0;
        const r = jit.run(1 + (bs >>> 8) % 400);
        log.push([c.icount, c.eip, ...c.regs]);
        if (r !== 'budget') { end = r; break; }
      }
      return { end, fault: c.lastFault, log, ram: Buffer.from(c.mem).toString('base64'), firstRuns: jit.stats.firstRuns, insns: jit.stats.instructions,
        chained: jit.stats.wasmChainedBlocks, again: jit.stats.wasmAgainRuns, windows: log.length };
    };
    const on = outcome(true), off = outcome(false);
    expect(off.end).toBe('halt');
    expect(off.log[off.log.length - 1][0]).toBeGreaterThan(5000);
    expect(off.windows).toBeGreaterThan(150);
    expect([off.chained, off.again]).toEqual([0, 0]);
    expect(on.chained).toBeGreaterThan(100);
    expect(on.again).toBeGreaterThan(100);
    expect({ ...on, chained: 0, again: 0 }).toEqual({ ...off, chained: 0, again: 0 });
    // A CS limit within the functions: the first block past it faults (#GP) where the
    // dispatch loop would look it up, not in the walk.
    for (let k = 0; k < 8; k++) {
      const limit = CODE + 0x800 + fr(0x1800), a = outcome(true, limit), b = outcome(false, limit);
      expect([a.end, a.fault]).toEqual(['stop', 13]);
      expect({ ...a, chained: 0, again: 0 }, `CS limit ${limit.toString(16)}`).toEqual({ ...b, chained: 0, again: 0 });
    }
  });
});
