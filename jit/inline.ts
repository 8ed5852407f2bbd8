// Inline emitters: straight-line JavaScript for the most frequent rows, used in block mode.
// Single-step mode runs the same rows through their semantic functions, and the oracle suite
// runs both, which is the differential test of each emitter against its semantics.
import type { Insn } from '../src/decode/decoder.ts';

/** What the emitter knows about the surrounding block. */
export interface EmitContext {
  /** Status flags that may be read after this instruction (liveness.ts). */
  flagsLive: number;
  /** The flag-setting operation the previous instruction recorded inline, if any. */
  prevFlags: { kind: 'sub' | 'logic'; size: number } | null;
  /** Set by an emitter that recorded flags inline, for the next instruction. */
  nextPrevFlags?: { kind: 'sub' | 'logic'; size: number } | null;
}
type Emitter = (i: Insn, ctx: EmitContext) => string | null;

const hex = (n: number): string => '0x' + (n >>> 0).toString(16);

/** 32-bit register source expression. */
const reg32 = (n: number): string => `r[${n}]`;

/** Effective-address expression for a 32-bit address size, or null. */
function eaExpr(i: Insn): string | null {
  if (i.asz !== 4) return null;
  const parts: string[] = [];
  if (i.base >= 0) parts.push(`r[${i.base}]`);
  if (i.index >= 0) parts.push(i.scale ? `(r[${i.index}] << ${i.scale})` : `r[${i.index}]`);
  if (i.disp !== 0 || parts.length === 0) parts.push(hex(i.disp) + '|0');
  return parts.length === 1 ? `(${parts[0]})|0` : `(${parts.join(' + ')})|0`;
}

/** Register-or-memory read/write for 32-bit E operands (memory through H.rd32/H.wr32). */
function eRead(i: Insn): string | null {
  if (i.mod === 3) return reg32(i.rm);
  const e = eaExpr(i);
  return e ? `H.rd32(c, ${i.eaSeg}, ${e})` : null;
}

const LAZY: Record<string, [number, string]> = {
  add: [1, '+'], sub: [3, '-'], cmp: [3, '-'],
};
const LOGIC: Record<string, string> = { and: '&', or: '|', xor: '^', test: '&' };

/** ALU op on 32-bit operands where the destination is a register. */
function alu(i: Insn, ctx: EmitContext): string | null {
  if (i.osz !== 4) return null;
  const ops = i.row.operands;
  if (ops[0].size === 'b' || (ops[1] && ops[1].size === 'b')) return null;
  let dst: string, src: string;
  const k0 = ops[0].kind, k1 = ops[1].kind;
  if (k0 === 'E' && i.mod === 3) dst = reg32(i.rm);
  else if (k0 === 'G') dst = reg32(i.reg);
  else if (k0 === 'fixed' && ops[0].fixed === 'eAX') dst = reg32(0);
  else return null;
  if (k1 === 'G') src = reg32(i.reg);
  else if (k1 === 'I') src = hex(i.imm) + '|0';
  else if (k1 === 'E') { const e = eRead(i); if (!e) return null; src = e; }
  else return null;
  const name = i.row.sem;
  const wb = name !== 'cmp' && name !== 'test';
  // Dead flags (overwritten before any read or fault) are not recorded at all.
  const keep = (ctx.flagsLive & 0x8d5) !== 0;
  // A CMP/TEST with dead flags still performs its load (it may fault or set an accessed bit).
  const deadLoad = k1 === 'E' && i.mod !== 3 ? `${src};` : '';
  if (name in LAZY) {
    const [op, sym] = LAZY[name];
    if (!keep) return wb ? `${dst} = (${dst} ${sym} ${src})|0;` : deadLoad;
    ctx.nextPrevFlags = op === 3 ? { kind: 'sub', size: 4 } : null;
    return `{ const a = ${dst}, b = ${src}; const t = (a ${sym} b)|0; c.lop = ${op}; c.la = a; c.lb = b; c.lres = t; c.lsz = 4; c.lmask = 0x8d5;${wb ? ` ${dst} = t;` : ''} }`;
  }
  if (name in LOGIC) {
    if (!keep) return wb ? `${dst} = (${dst} ${LOGIC[name]} ${src})|0;` : deadLoad;
    ctx.nextPrevFlags = { kind: 'logic', size: 4 };
    return `{ const t = (${dst} ${LOGIC[name]} ${src})|0; c.lop = 5; c.lres = t; c.lsz = 4; c.lmask = 0x8d5;${wb ? ` ${dst} = t;` : ''} }`;
  }
  return null;
}

export const INLINE: Record<string, Emitter> = {
  add: alu, sub: alu, cmp: alu, and: alu, or: alu, xor: alu, test: alu,
  mov(i) {
    if (i.osz !== 4) return null;
    const ops = i.row.operands;
    if (ops[0].size === 'b' || ops[1].size === 'b' || ops[0].kind === 'S' || ops[1].kind === 'S' || ops[0].kind === 'O' || ops[1].kind === 'O') return null;
    const k0 = ops[0].kind, k1 = ops[1].kind;
    if (k0 === 'Z' && k1 === 'I') return `r[${i.zreg}] = ${hex(i.imm)}|0;`;
    if (k0 === 'G' && k1 === 'E') { const e = eRead(i); return e ? `r[${i.reg}] = ${e};` : null; }
    if (k0 === 'E' && k1 === 'G') {
      if (i.mod === 3) return `r[${i.rm}] = r[${i.reg}];`;
      const e = eaExpr(i);
      return e ? `H.wr32(c, ${i.eaSeg}, ${e}, r[${i.reg}]);` : null;
    }
    if (k0 === 'E' && k1 === 'I') {
      if (i.mod === 3) return `r[${i.rm}] = ${hex(i.imm)}|0;`;
      const e = eaExpr(i);
      return e ? `H.wr32(c, ${i.eaSeg}, ${e}, ${hex(i.imm)}|0);` : null;
    }
    return null;
  },
  lea(i) {
    if (i.osz !== 4) return null;
    const e = eaExpr(i);
    return e ? `r[${i.reg}] = ${e};` : null;
  },
  jcc(i, ctx) {
    if (i.osz !== 4) return null;
    const next = (i.eip + i.len) | 0, target = (next + i.imm) | 0;
    const cond = fusedCondition(i.row.cc, ctx.prevFlags) ?? `H.cc(c, ${i.row.cc})`;
    return `c.eip = ${cond} ? H.jt(c, ${hex(target)}|0) : ${hex(next)}|0;`;
  },
  inc(i, ctx) { return incdec(i, ctx, 1); },
  dec(i, ctx) { return incdec(i, ctx, -1); },
  jmp(i) {
    if (i.osz !== 4) return null;
    const target = (i.eip + i.len + i.imm) | 0;
    return `c.eip = H.jt(c, ${hex(target)}|0);`;
  },
};

/** Compare+branch fusion: the condition straight from the operands the previous instruction
 *  recorded (SUB/CMP: la, lb; logic ops: lres), for the conditions with a one-line form. */
function fusedCondition(cc: number, prev: EmitContext['prevFlags']): string | null {
  if (!prev || prev.size !== 4) return null;
  const neg = (cc & 1) !== 0;
  let e: string | null = null;
  if (prev.kind === 'sub') {
    switch (cc >> 1) {
      case 1: e = '(c.la >>> 0) < (c.lb >>> 0)'; break;
      case 2: e = 'c.lres === 0'; break;
      case 3: e = '(c.la >>> 0) <= (c.lb >>> 0)'; break;
      case 4: e = 'c.lres < 0'; break;
      case 6: e = 'c.la < c.lb'; break;
      case 7: e = 'c.la <= c.lb'; break;
    }
  } else {
    // CF = OF = 0 after logic operations.
    switch (cc >> 1) {
      case 0: case 1: e = 'false'; break;
      case 2: case 3: e = 'c.lres === 0'; break;
      case 4: case 6: e = 'c.lres < 0'; break;
      case 7: e = 'c.lres <= 0'; break;
    }
  }
  return e === null ? null : neg ? `!(${e})` : `(${e})`;
}

/** INC/DEC of a 32-bit register: CF is kept, so it is made concrete before the lazy record
 *  (when any flag is live). */
function incdec(i: Insn, ctx: EmitContext, d: number): string | null {
  if (i.osz !== 4) return null;
  const op = i.row.operands[0];
  let reg: number;
  if (op.kind === 'Z') reg = i.zreg; else if (op.kind === 'E' && i.mod === 3 && op.size === 'v') reg = i.rm; else return null;
  if (!(ctx.flagsLive & 0x8d5)) return `r[${reg}] = (r[${reg}] + ${d})|0;`;
  return `{ H.keepCF(c); const a = r[${reg}], t = (a + ${d})|0; c.lop = ${d > 0 ? 1 : 3}; c.la = a; c.lb = 1; c.lres = t; c.lsz = 4; c.lmask = 0x8d4; r[${reg}] = t; }`;
}
