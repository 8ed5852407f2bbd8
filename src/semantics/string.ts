// String instructions (SDM vol. 2 MOVS CMPS SCAS LODS STOS INS OUTS, and "REP/REPE/REPZ/
// REPNE/REPNZ"). The address size picks SI/DI/CX or ESI/EDI/ECX; DF picks the direction. A
// repeated instruction does at most REP_CHUNK iterations per execution and then leaves EIP
// on itself, as an interrupted REP does on a real CPU, so the dispatch loop keeps control.
import type { Cpu } from '../cpu/state.ts';
import type { Insn } from '../decode/decoder.ts';
import { DF, ESI, EDI, ECX, EAX, EDX, ES, DS } from '../cpu/regs.ts';
import { rd, wr, isFlatData } from '../cpu/memory.ts';
import { translate, ACC_U, ACC_W } from '../cpu/paging.ts';
import { sub } from './alu.ts';
import { getZF } from '../cpu/flags.ts';
import { FAULT } from '../cpu/fault.ts';
import { getReg, setReg, size } from './operands.ts';
import { ioRead, ioWrite, checkIo } from './io.ts';

export const REP_CHUNK = 4096;

function step(c: Cpu, sz: number): number { return c.flags & DF ? -sz : sz; }
function idx(c: Cpu, i: Insn, r: number): number { return i.asz === 2 ? c.regs[r] & 0xffff : c.regs[r]; }
function adv(c: Cpu, i: Insn, r: number, d: number): void {
  if (i.asz === 2) c.regs[r] = (c.regs[r] & ~0xffff) | ((c.regs[r] + d) & 0xffff); else c.regs[r] = c.regs[r] + d;
}
const srcSeg = (i: Insn): number => (i.seg >= 0 ? i.seg : DS);

/** One iteration of each string operation; returns false to stop a REPE/REPNE loop. */
type Body = (c: Cpu, i: Insn, sz: number) => void;
const bodies: Record<string, Body> = {
  movs(c, i, sz) {
    const v = rd(c, srcSeg(i), idx(c, i, ESI), sz);
    wr(c, ES, idx(c, i, EDI), sz, v);
    const d = step(c, sz); adv(c, i, ESI, d); adv(c, i, EDI, d);
  },
  cmps(c, i, sz) {
    // The ES:[eDI] operand is read first: a fault on both reports the destination's address,
    // as the oracle CPU does.
    const b = rd(c, ES, idx(c, i, EDI), sz), a = rd(c, srcSeg(i), idx(c, i, ESI), sz);
    sub(c, a, b, sz);
    const d = step(c, sz); adv(c, i, ESI, d); adv(c, i, EDI, d);
  },
  scas(c, i, sz) {
    const b = rd(c, ES, idx(c, i, EDI), sz);
    sub(c, getReg(c, EAX, sz), b, sz);
    adv(c, i, EDI, step(c, sz));
  },
  lods(c, i, sz) {
    setReg(c, EAX, sz, rd(c, srcSeg(i), idx(c, i, ESI), sz));
    adv(c, i, ESI, step(c, sz));
  },
  stos(c, i, sz) {
    wr(c, ES, idx(c, i, EDI), sz, getReg(c, EAX, sz));
    adv(c, i, EDI, step(c, sz));
  },
  ins(c, i, sz) {
    const port = c.regs[EDX] & 0xffff;
    // The destination is checked before the port is read (SDM vol. 2 "INS").
    const off = idx(c, i, EDI);
    rd(c, ES, off, sz);
    wr(c, ES, off, sz, ioRead(c, port, sz));
    adv(c, i, EDI, step(c, sz));
  },
  outs(c, i, sz) {
    const port = c.regs[EDX] & 0xffff;
    ioWrite(c, port, sz, rd(c, srcSeg(i), idx(c, i, ESI), sz));
    adv(c, i, ESI, step(c, sz));
  },
};

/**
 * REP MOVS/STOS, 32-bit addresses, DF = 0, flat segments: the elements up to the end of the
 * current source and destination pages at once, after translating both pages (in the element
 * loop's order: source read, then destination write, so the first fault is the same and
 * nothing has moved when it is raised). Returns the elements done; 0 sends the caller to the
 * element loop (an element straddling a page, overlapping MOVS ranges, a page that is not RAM).
 */
function bulk(c: Cpu, movs: boolean, esi: number, edi: number, sz: number, seg: number, eax: number, max: number): number {
  if (!isFlatData(c, ES) || (movs && !isFlatData(c, seg))) return 0;
  let n = Math.min(max, ((4096 - (edi & 0xfff)) / sz) | 0);
  if (movs) n = Math.min(n, ((4096 - (esi & 0xfff)) / sz) | 0);
  if (n <= 0) return 0;
  const u = c.cpl === 3 ? ACC_U : 0, len = n * sz, mem = c.mem;
  const sp = movs ? translate(c, esi, u) : 0;
  const dp = translate(c, edi, u | ACC_W);
  if (dp < 0 || dp + len > mem.length || (movs && (sp < 0 || sp + len > mem.length || Math.abs(dp - sp) < len))) return 0;
  // (copyWithin and fill are calls into the runtime: a loop is faster for a few bytes.)
  if (movs) { if (len > 64) mem.copyWithin(dp, sp, sp + len); else for (let k = 0; k < len; k++) mem[dp + k] = mem[sp + k]; }
  else if (sz === 1) { const v = eax & 0xff; if (len > 64) mem.fill(v, dp, dp + len); else for (let k = 0; k < len; k++) mem[dp + k] = v; }
  else for (let a = dp, e = dp + len; a < e; a += sz) { if (sz === 4) c.view.setInt32(a, eax, true); else c.view.setUint16(a, eax, true); }
  if (c.codePages[dp >>> 12]) c.hooks.codeWrite?.(dp, len);
  return n;
}

/**
 * One execution of REP MOVS (movs) or REP STOS with a 32-bit address size, on register values
 * given (ECX, ESI, EDI, EAX; DF as `down`; `seg` the source segment): at most REP_CHUNK
 * elements, by page runs where bulk() can and element by element otherwise. Returns the
 * elements done, k; when an element faults after k > 0 were done, -k - 1, with the fault left
 * in FAULT for the caller to raise once the registers show the progress (a fault at the first
 * element is thrown as it is). Touches no register: the generated code calls it with registers
 * held in locals.
 */
export function repMove(c: Cpu, movs: boolean, ecx: number, esi: number, edi: number, sz: number, down: boolean, seg: number, eax: number): number {
  const max = Math.min(ecx >>> 0, REP_CHUNK), d = down ? -sz : sz;
  let k = 0;
  try {
    while (k < max) {
      if (!down) {
        const n = bulk(c, movs, esi, edi, sz, seg, eax, max - k);
        if (n > 0) { k += n; esi = (esi + n * sz) | 0; edi = (edi + n * sz) | 0; continue; }
      }
      if (movs) wr(c, ES, edi, sz, rd(c, seg, esi, sz)); else wr(c, ES, edi, sz, eax);
      esi = (esi + d) | 0; edi = (edi + d) | 0; k++;
    }
  } catch (e) {
    if (e !== FAULT || k === 0) throw e;
    return -k - 1;
  }
  return k;
}

function stringOp(name: string): (c: Cpu, i: Insn) => void {
  const body = bodies[name];
  const moveOp = name === 'movs' || name === 'stos';
  const isIo = name === 'ins' || name === 'outs';
  const cond = name === 'cmps' || name === 'scas';
  return (c: Cpu, i: Insn): void => {
    const sz = size(i, name === 'outs' ? 1 : 0);
    if (isIo) checkIo(c, c.regs[EDX] & 0xffff, sz);
    const nextEip = (i.eip + i.len) | 0;
    if (!i.rep) { body(c, i, sz); c.eip = nextEip; return; }
    if (moveOp && i.asz === 4) {
      const down = (c.flags & DF) !== 0;
      let k = repMove(c, name === 'movs', c.regs[ECX], c.regs[ESI], c.regs[EDI], sz, down, srcSeg(i), c.regs[EAX]);
      const faulted = k < 0;
      if (faulted) k = -k - 1;
      const d = down ? -k * sz : k * sz;
      c.regs[ECX] = c.regs[ECX] - k;
      if (name === 'movs') c.regs[ESI] = c.regs[ESI] + d;
      c.regs[EDI] = c.regs[EDI] + d;
      if (faulted) throw FAULT;
      c.eip = c.regs[ECX] === 0 ? nextEip : i.eip;
      return;
    }
    for (let n = 0; n < REP_CHUNK; n++) {
      if (idx(c, i, ECX) === 0) { c.eip = nextEip; return; }
      body(c, i, sz);
      adv(c, i, ECX, -1);
      // REPE stops when ZF=0, REPNE when ZF=1; plain REP on CMPS/SCAS acts as REPE.
      if (cond && getZF(c) !== (i.rep === 0xf3)) { c.eip = nextEip; return; }
    }
    c.eip = idx(c, i, ECX) === 0 ? nextEip : i.eip;
  };
}

export const movs = stringOp('movs'), cmps = stringOp('cmps'), scas = stringOp('scas'),
  lods = stringOp('lods'), stos = stringOp('stos'), ins = stringOp('ins'), outs = stringOp('outs');
