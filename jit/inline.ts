// Inline emitters: straight-line JavaScript for the most frequent rows, used in block mode.
// Single-step mode runs the same rows through their semantic functions, and the oracle suite
// runs both, which is the differential test of each emitter against its semantics.
import type { Insn } from '../src/decode/decoder.ts';
import { opSize } from '../src/decode/rows.ts';
import type { Cpu } from '../src/cpu/state.ts';
import { linear, probeWrite, readLin, rd32, wr32 } from '../src/cpu/memory.ts';
import { ACC_U } from '../src/cpu/paging.ts';
import { CS, SS, DS, ES, ESP, EBP } from '../src/cpu/regs.ts';
import { fault, GP } from '../src/cpu/fault.ts';
import { pushValue, popValue, peek, setSp, spAdd } from '../src/semantics/stack.ts';
import { shift } from '../src/semantics/shift.ts';
import { cfOf, ccOf, L_ADD, L_SUB, L_LOGIC, L_MUL } from '../src/cpu/flags.ts';
import { repMove } from '../src/semantics/string.ts';
import { FAULT } from '../src/cpu/fault.ts';
import { loadExpr, loadForUpdateExpr, storeStmt, storeAfterUpdateStmt, jumpTarget, physOf, type AccessMode } from './memory-access.ts';

const STACK32 = 0x4000; // SS.B (ATTR_DB)

/** Helpers for the emitters below (generated code calls them as `H.<name>`; jit.ts merges them
 *  into its helper object). The stack helpers take the flat path for a 32-bit stack (SS.B = 1)
 *  and otherwise the semantic functions' path; each store happens before ESP moves, so a
 *  fault leaves ESP as it was. */
export const INLINE_HELPERS = {
  push32(c: Cpu, v: number): void {
    if (c.sattr[SS] & STACK32) { const s = (c.regs[ESP] - 4) | 0; wr32(c, SS, s, v); c.regs[ESP] = s; } else pushValue(c, v, 4);
  },
  pop32(c: Cpu): number {
    if (!(c.sattr[SS] & STACK32)) return popValue(c, 4);
    const v = rd32(c, SS, c.regs[ESP]);
    c.regs[ESP] = (c.regs[ESP] + 4) | 0;
    return v;
  },
  /** RET / RET imm16 with a 32-bit operand size: the target, checked against the CS limit
   *  before ESP moves. */
  ret32(c: Cpu, n: number): number {
    const t = peek(c, 4);
    if ((t >>> 0) > (c.slimit[CS] >>> 0)) fault(GP, 0);
    setSp(c, spAdd(c, 4 + n));
    return t;
  },
  leave32(c: Cpu): void {
    const s32 = (c.sattr[SS] & STACK32) !== 0, sp = s32 ? c.regs[EBP] : c.regs[EBP] & 0xffff;
    const v = rd32(c, SS, sp);
    setSp(c, s32 ? (sp + 4) | 0 : (sp + 4) & 0xffff);
    c.regs[EBP] = v;
  },
  /** Read for update: the destination is checked for writing first (#PF with W set), as the
   *  semantics' readForUpdate does; the write that follows cannot fault. */
  ru32(c: Cpu, seg: number, off: number): number {
    const l = linear(c, seg, off, 4, true), e = c.wtlb[l >>> 12];
    if (e !== 0 && (l & 0xfff) <= 0xffc) return c.view.getInt32(e | (l & 0xfff), true);
    const u = c.cpl === 3 ? ACC_U : 0;
    probeWrite(c, l, 4, u);
    return readLin(c, l, 4, u);
  },
  ru8(c: Cpu, seg: number, off: number): number {
    const l = linear(c, seg, off, 1, true), e = c.wtlb[l >>> 12];
    if (e !== 0) return c.mem[e | (l & 0xfff)];
    const u = c.cpl === 3 ? ACC_U : 0;
    probeWrite(c, l, 1, u);
    return readLin(c, l, 1, u);
  },
  /** Shifts/rotates by CL or of memory with their flags, straight to the semantics' compute
   *  function (the operands are decoded at translation time). */
  shf: shift,
  /** The high 32 bits of the unsigned product a * b, exact from 16-bit partial products. */
  mulHi,
  /** The low 32 bits of a product (V8 compiles a call to it into one multiply instruction). */
  imul: Math.imul,
  /** The lazy-flag record's CF and condition codes from the record's fields (the generated code
   *  keeps the record in locals: locals.ts). */
  cfOf, ccOf,
  /** REP MOVS/STOS on register values (string.ts), and the raise of a fault it left pending. */
  repMove,
  refault(): never { throw FAULT; },
};

/** The high 32 bits of the unsigned 64-bit product x * y, from four 16 x 16-bit products. Each
 *  of them fits in 32 unsigned bits, so Math.imul gives it exactly and everything stays in
 *  32-bit integer operations (doubles and floors before). */
function mulHi(x: number, y: number): number {
  const al = x & 0xffff, ah = x >>> 16, bl = y & 0xffff, bh = y >>> 16;
  const lh = Math.imul(al, bh) >>> 0, hl = Math.imul(ah, bl) >>> 0;
  const mid = (Math.imul(al, bl) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (Math.imul(ah, bh) + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) | 0;
}

/** The lazy record's fields as arguments (for H.cfOf / H.ccOf). */
const RECORD = 'c.lop, c.la, c.lb, c.lres, c.lsz, c.lcin';
/** CF of the lazy record (flags.ts cfOf): a logic record (TEST/AND/OR/XOR: CF = 0, the usual
 *  one in a pointer-chasing loop whose counter is INCed) and a 32-bit ADD or SUB/CMP record
 *  (the usual one before a loop counter's INC or an ADC/SBB chain) are decided inline, the
 *  rest through the helper. */
const RECORD_CF = `(c.lop === ${L_LOGIC} ? 0 : c.lsz !== 4 ? H.cfOf(${RECORD}) : ` +
  `c.lop === ${L_SUB} ? +((c.la >>> 0) < (c.lb >>> 0)) : c.lop === ${L_ADD} ? +((c.lres >>> 0) < (c.la >>> 0)) : H.cfOf(${RECORD}))`;
/** CF now, from the concrete flags or the lazy record. */
const CF_NOW = `((c.lmask & 1) !== 0 ? ${RECORD_CF} : c.flags & 1)`;
/** INC/DEC: CF made concrete (materialize(c, CF)) before the record changes. */
const KEEP_CF = `if ((c.lmask & 1) !== 0) c.flags = (c.flags & ~1) | ${RECORD_CF};`;
/** Status flags set concretely except S Z P, which derive from the result (L_RES): what a
 *  helper that sets all six (shifts, multiplies) leaves, with AF 0. `cfof` is CF | OF<<11. */
const resultFlags = (t: string, sz: number, cfof: string): string =>
  `c.flags = (c.flags & ~0x811) | (${cfof}); c.lop = 6; c.lres = ${t}; c.lsz = ${sz}; c.lmask = 0xc4;`;
export type InlineHelpers = typeof INLINE_HELPERS;
export const INLINE_HELPER_NAMES = Object.keys(INLINE_HELPERS) as (keyof InlineHelpers)[];

/** What the emitter knows about the surrounding block. */
export interface EmitContext {
  /** Status flags that may be read after this instruction (liveness.ts). */
  flagsLive: number;
  /** The flag-setting operation the previous instruction recorded inline, if any. */
  prevFlags: { kind: 'sub' | 'logic' | 'arith'; size: number } | null;
  /** Set by an emitter that recorded flags inline, for the next instruction. */
  nextPrevFlags?: { kind: 'sub' | 'logic' | 'arith'; size: number } | null;
  /** What the block's mode key guarantees (memory-access.ts). */
  mode: AccessMode;
  /** Set by an emitter whose code cannot fault although the row may (a near jump when CS's
   *  limit is 4 GiB): then EIP need not be recorded before it. */
  noFault?: boolean;
  /** Set by the Jcc/JMP emitters: the condition (null: always), the target and the next EIP,
   *  for a block that loops on itself to branch directly. */
  branch?: { cond: string | null; taken: number; next: number };
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

/** Whether the effective address is a multiple of `sz` whatever the registers hold: no base,
 *  an index scaled by a multiple of `sz` (or none) and a displacement that is one; through a
 *  flat segment such an access cannot cross a page (compiled C's array and global accesses). */
const alignedEa = (i: Insn, sz: number): boolean =>
  i.base < 0 && (i.index < 0 || (1 << i.scale) % sz === 0) && i.disp % sz === 0;

/** Register-or-memory read for 32-bit E operands. */
function eRead(i: Insn, ctx: EmitContext): string | null {
  if (i.mod === 3) return reg32(i.rm);
  const e = eaExpr(i);
  return e ? loadExpr(ctx.mode, 4, i.eaSeg, e, alignedEa(i, 4), e) : null;
}

/** Byte register n (AL CL DL BL AH CH DH BH) as a 0..255 expression, and its assignment. */
const byteReg = (n: number): string => (n < 4 ? `(r[${n}] & 0xff)` : `((r[${n - 4}] >> 8) & 0xff)`);
const setByteReg = (n: number, v: string): string =>
  n < 4 ? `r[${n}] = (r[${n}] & ~0xff) | ((${v}) & 0xff);` : `r[${n - 4}] = (r[${n - 4}] & ~0xff00) | (((${v}) & 0xff) << 8);`;

/** E operand of `sz` bytes (1, 2, 4) as a zero-extended value, or null. */
function eReadSized(i: Insn, sz: number, ctx: EmitContext): string | null {
  if (i.mod === 3) return sz === 1 ? byteReg(i.rm) : sz === 2 ? `(r[${i.rm}] & 0xffff)` : reg32(i.rm);
  const e = eaExpr(i);
  return e ? loadExpr(ctx.mode, sz, i.eaSeg, e, alignedEa(i, sz), e) : null;
}

/** 8-bit ALU operations whose destination is a register or that write nothing (CMP, TEST).
 *  Flags are recorded as the semantic functions record them (operands 0..255, masked result). */
function alu8(i: Insn, ctx: EmitContext): string | null {
  const ops = i.row.operands, name = i.row.sem;
  if (ops.length !== 2) return null;
  const wb = name !== 'cmp' && name !== 'test';
  let dst: string, set: ((v: string) => string) | null = null;
  const k0 = ops[0].kind, k1 = ops[1].kind;
  if (k0 === 'E' && ops[0].size === 'b') {
    if (i.mod === 3) { dst = byteReg(i.rm); const rm = i.rm; set = (v) => setByteReg(rm, v); }
    else if (wb) return null;
    else { const e = eReadSized(i, 1, ctx); if (!e) return null; dst = e; }
  } else if (k0 === 'G' && ops[0].size === 'b') { dst = byteReg(i.reg); const g = i.reg; set = (v) => setByteReg(g, v); }
  else if (k0 === 'fixed' && ops[0].fixed === 'AL') { dst = byteReg(0); set = (v) => setByteReg(0, v); }
  else return null;
  let src: string;
  if (k1 === 'G' && ops[1].size === 'b') src = byteReg(i.reg);
  else if (k1 === 'I' && (ops[1].size === 'b' || ops[1].size === 'bs')) src = String(i.imm & 0xff);
  else if (k1 === 'E' && ops[1].size === 'b') { const e = eReadSized(i, 1, ctx); if (!e) return null; src = e; }
  else return null;
  const keep = (ctx.flagsLive & 0x8d5) !== 0;
  const sym = name in LAZY ? LAZY[name][1] : LOGIC[name];
  if (!sym) return null;
  // With dead flags a CMP/TEST still performs its memory load (it may fault or set an accessed bit).
  if (!keep) return wb ? set!(`${dst} ${sym} ${src}`) : i.mod !== 3 ? `${k0 === 'E' ? dst : src};` : '';
  if (name in LAZY) {
    const op = LAZY[name][0];
    ctx.nextPrevFlags = op === 3 ? { kind: 'sub', size: 1 } : { kind: 'arith', size: 1 };
    return `{ const a = ${dst}, b = ${src}; const t = (a ${sym} b) & 0xff; c.lop = ${op}; c.la = a; c.lb = b; c.lres = t; c.lsz = 1; c.lmask = 0x8d5;${wb ? ` ${set!('t')}` : ''} }`;
  }
  ctx.nextPrevFlags = { kind: 'logic', size: 1 };
  return `{ const t = (${dst} ${sym} ${src}) & 0xff; c.lop = 5; c.lres = t; c.lsz = 1; c.lmask = 0x8d5;${wb ? ` ${set!('t')}` : ''} }`;
}

/** Shifts and rotates of a 32-bit register whose flags are dead (they are never recorded);
 *  RCL/RCR read CF and stay with their semantics. */
function shift32(i: Insn, ctx: EmitContext): string | null {
  if (ctx.flagsLive & 0x8d5) return null;
  const ops = i.row.operands;
  if (i.osz !== 4 || i.mod !== 3 || ops[0].kind !== 'E' || ops[0].size !== 'v') return null;
  const op = i.reg, x = reg32(i.rm);
  if (op === 2 || op === 3) return null;
  let n: string;
  if (ops[1].kind === 'I') n = String(i.imm & 31);
  else if (ops[1].kind === 'fixed' && ops[1].fixed === '1') n = '1';
  else if (ops[1].kind === 'fixed' && ops[1].fixed === 'CL') n = 'n';
  else return null;
  if (n === '0') return '';
  const body = op === 0 ? `${x} = (${x} << ${n}) | (${x} >>> (32 - ${n}));`
    : op === 1 ? `${x} = (${x} >>> ${n}) | (${x} << (32 - ${n}));`
    : op === 5 ? `${x} = ${x} >>> ${n};`
    : op === 7 ? `${x} = ${x} >> ${n};`
    : `${x} = ${x} << ${n};`;
  return n === 'n' ? `{ const n = r[1] & 31; if (n !== 0) ${body} }` : body;
}

/** Shifts and rotates of a 32-bit or byte register or memory operand with their flags
 *  (H.shf is the semantics' compute function; a memory destination is read for update). */
function shiftAny(i: Insn, ctx: EmitContext): string | null {
  const fast = shift32(i, ctx);
  if (fast !== null) return fast;
  const ops = i.row.operands;
  if (ops[0].kind !== 'E') return null;
  const sz = ops[0].size === 'b' ? 1 : i.osz;
  if (sz !== 1 && sz !== 4) return null;
  let n: string;
  if (ops[1].kind === 'I') n = String(i.imm & 0xff);
  else if (ops[1].kind === 'fixed' && ops[1].fixed === '1') n = '1';
  else if (ops[1].kind === 'fixed' && ops[1].fixed === 'CL') n = '(r[1] & 0xff)';
  else return null;
  const loc = dstLoc(i, sz, ctx);
  if (!loc) return null;
  const k = ops[1].kind === 'I' ? i.imm & 31 : ops[1].kind === 'fixed' && ops[1].fixed === '1' ? 1 : -1;
  if (sz === 4 && k > 0) {
    const body = shiftImm32(i.reg, String(k));
    if (body) return `{ ${loc.pre}const a = ${loc.rd}; ${body} ${loc.wr('t')} }`;
  }
  // By CL: a count of 1..31 as by a constant; 0 changes no flag and writes the operand back
  // unchanged (a memory operand is still written, as the semantics write it).
  if (sz === 4 && k < 0) {
    const body = shiftImm32(i.reg, 'n');
    if (body) return `{ ${loc.pre}const a = ${loc.rd}, n = r[1] & 31; let u = a; if (n !== 0) { ${body} u = t; } ${loc.wr('u')} }`;
  }
  return `{ ${loc.pre}const t = H.shf(c, ${i.reg}, ${loc.rd}, ${n}, ${sz}); ${loc.wr('t')} }`;
}

/** A 32-bit shift or rotate of `a` by a count `k` of 1..31 (a constant, or a local) into `t`,
 *  with the flags exactly as shift.ts sets them (SHL/SHR/SAR: CF, OF, AF 0, S Z P of the result;
 *  ROL/ROR: CF, OF). */
function shiftImm32(op: number, k: string): string | null {
  // A constant's 32 - k and k - 1 written as numbers, a local's as expressions.
  const kc = /^[0-9]+$/.test(k) ? Number(k) : -1;
  const inv = kc >= 0 ? String(32 - kc) : `(32 - ${k})`, less = kc >= 0 ? String(kc - 1) : `(${k} - 1)`;
  switch (op) {
    case 0: return `const t = (a << ${k}) | (a >>> ${inv}), f = t & 1; ${CF_OF('f', '(t >>> 31) ^ f')}`;
    case 1: return `const t = (a >>> ${k}) | (a << ${inv}), f = t >>> 31; ${CF_OF('f', 'f ^ ((t >>> 30) & 1)')}`;
    case 4: case 6: return `const t = a << ${k}, f = (a >>> ${inv}) & 1; ${resultFlags('t', 4, `f | (((t >>> 31) ^ f) << 11)`)}`;
    case 5: return `const t = (a >>> ${k})|0; ${resultFlags('t', 4, `((a >>> ${less}) & 1) | ((a >>> 31) << 11)`)}`;
    case 7: return `const t = a >> ${k}; ${resultFlags('t', 4, `(a >> ${less}) & 1`)}`;
    default: return null;
  }
}
/** CF and OF set concretely, the other status flags as they are. */
const CF_OF = (cf: string, of: string): string => `c.flags = (c.flags & ~0x801) | (${cf}) | ((${of}) << 11); c.lmask &= ~0x801;`;

/** IMUL Gv,Ev / Gv,Ev,Iz / Gv,Ev,Ibs with 32-bit operands. */
function imul32(i: Insn, ctx: EmitContext): string | null {
  const ops = i.row.operands;
  if (i.osz !== 4 || ops[0].kind !== 'G') return null;
  const src = eRead(i, ctx);
  if (!src) return null;
  // The low 32 bits of the product (Math.imul). With live flags the operands and the result go
  // into the lazy record (L_MUL: CF and OF are whether the product fits), computed only if read:
  // a live record is usually live only because a later instruction may fault.
  const live = (ctx.flagsLive & 0x8d5) !== 0;
  const mul = (a: string, b: string): string =>
    `{ const a = ${a}, b = ${b}, t = H.imul(a, b); ${live ? `c.lop = ${L_MUL}; c.la = a; c.lb = b; c.lres = t; c.lsz = 4; c.lmask = 0x8d5; ` : ''}r[${i.reg}] = t; }`;
  if (ops.length === 2 && ops[1].kind === 'E') return mul(`r[${i.reg}]`, src);
  if (ops.length === 3 && ops[1].kind === 'E' && ops[2].kind === 'I') return mul(src, `${i.imm | 0}`);
  return null;
}

/** MOVZX/MOVSX into a 32-bit register. */
function movx(i: Insn, signed: boolean, ctx: EmitContext): string | null {
  const ops = i.row.operands;
  if (i.osz !== 4 || ops[0].kind !== 'G' || ops[1].kind !== 'E') return null;
  const sz = opSize(ops[1].size, i.osz);
  if (sz !== 1 && sz !== 2) return null;
  const v = eReadSized(i, sz, ctx);
  if (!v) return null;
  const sh = sz === 1 ? 24 : 16;
  return signed ? `r[${i.reg}] = (${v} << ${sh}) >> ${sh};` : `r[${i.reg}] = ${v};`;
}

/** MOV of bytes: Eb,Ib  Gb,Eb  Eb,Gb  Zb,Ib. */
function mov8(i: Insn, ctx: EmitContext): string | null {
  const ops = i.row.operands, k0 = ops[0].kind, k1 = ops[1].kind;
  if (ops[0].size !== 'b' || ops[1].size !== 'b') return null;
  if (k0 === 'Z' && k1 === 'I') return setByteReg(i.zreg, String(i.imm & 0xff));
  if (k0 === 'G' && k1 === 'E') { const v = eReadSized(i, 1, ctx); return v ? setByteReg(i.reg, v) : null; }
  if (k0 === 'E' && (k1 === 'G' || k1 === 'I')) {
    const v = k1 === 'G' ? byteReg(i.reg) : String(i.imm & 0xff);
    if (i.mod === 3) return setByteReg(i.rm, v);
    const e = eaExpr(i);
    return e ? storeStmt(ctx.mode, 1, i.eaSeg, e, v, false, e) : null;
  }
  return null;
}

const LAZY: Record<string, [number, string]> = {
  add: [1, '+'], sub: [3, '-'], cmp: [3, '-'],
};
const LOGIC: Record<string, string> = { and: '&', or: '|', xor: '^', test: '&' };

/** Where an ALU destination lives: a register (32-bit or byte) or memory read for update
 *  (H.ru32/H.ru8 check it for writing first, so the write after cannot fault). */
function dstLoc(i: Insn, sz: number, ctx: EmitContext): { pre: string; rd: string; wr: (t: string) => string } | null {
  const op = i.row.operands[0];
  if (op.kind === 'E' && i.mod !== 3) {
    const e = eaExpr(i);
    if (!e) return null;
    const s = i.eaSeg, aligned = alignedEa(i, sz);
    return { pre: `const o = ${e}; `, rd: loadForUpdateExpr(ctx.mode, sz, s, 'o', aligned, e), wr: (t) => storeAfterUpdateStmt(ctx.mode, sz, s, 'o', t, aligned) };
  }
  let n: number;
  if (op.kind === 'E') n = i.rm;
  else if (op.kind === 'G') n = i.reg;
  else if (op.kind === 'Z') n = i.zreg;
  else if (op.kind === 'fixed' && (op.fixed === 'AL' || op.fixed === 'eAX')) n = 0;
  else return null;
  return sz === 1 ? { pre: '', rd: byteReg(n), wr: (t) => setByteReg(n, t) } : { pre: '', rd: reg32(n), wr: (t) => `r[${n}] = ${t};` };
}

/** Operand size of a row's first operand: 1 or 4 (null for 16-bit). */
function aluSize(i: Insn): number | null {
  const op = i.row.operands[0];
  if (op.size === 'b' || (op.kind === 'fixed' && op.fixed === 'AL')) return 1;
  return i.osz === 4 ? 4 : null;
}

/** Binary ALU ops with write-back to memory (read-modify-write), and ADC/SBB in every form.
 *  Flags are recorded as alu.ts records them; ADC/SBB take CF before anything changes. */
function aluRmw(i: Insn, ctx: EmitContext): string | null {
  const ops = i.row.operands, name = i.row.sem;
  if (ops.length !== 2 || name === 'cmp' || name === 'test') return null;
  const sz = aluSize(i);
  if (sz === null) return null;
  const loc = dstLoc(i, sz, ctx);
  if (!loc) return null;
  const k1 = ops[1].kind;
  let src: string | null;
  if (k1 === 'G') src = sz === 1 ? byteReg(i.reg) : reg32(i.reg);
  else if (k1 === 'I') src = sz === 1 ? String(i.imm & 0xff) : hex(i.imm) + '|0';
  else if (k1 === 'E' && ops[0].kind !== 'E') src = eReadSized(i, sz, ctx);
  else return null;
  if (!src) return null;
  const m = (x: string): string => (sz === 1 ? `(${x}) & 0xff` : `(${x})|0`);
  const keep = (ctx.flagsLive & 0x8d5) !== 0;
  let pre = '', t: string, fl: string;
  const rec = `c.lres = t; c.lsz = ${sz}; c.lmask = 0x8d5;`;
  switch (name) {
    case 'add': t = m('a + b'); fl = `c.lop = 1; c.la = a; c.lb = b; ${rec}`; break;
    case 'sub': t = m('a - b'); fl = `c.lop = 3; c.la = a; c.lb = b; ${rec}`; break;
    case 'adc': pre = ` const ci = ${CF_NOW};`; t = m('a + b + ci'); fl = `c.lop = 2; c.la = a; c.lb = b; c.lcin = ci; ${rec}`; break;
    case 'sbb': pre = ` const ci = ${CF_NOW};`; t = m('a - b - ci'); fl = `c.lop = 4; c.la = a; c.lb = b; c.lcin = ci; ${rec}`; break;
    case 'and': case 'or': case 'xor': t = m(`a ${LOGIC[name]} b`); fl = `c.lop = 5; ${rec}`; break;
    default: return null;
  }
  if (keep) ctx.nextPrevFlags = name === 'sub' ? { kind: 'sub', size: sz } : name in LOGIC ? { kind: 'logic', size: sz } : { kind: 'arith', size: sz };
  return `{ ${loc.pre}const a = ${loc.rd}, b = ${src};${pre} const t = ${t}; ${loc.wr('t')}${keep ? ' ' + fl : ''} }`;
}

/** INC/DEC/NEG/NOT of a register or memory, 32-bit or byte. INC/DEC keep CF, so it is made
 *  concrete before the lazy record (when any flag is live); NOT writes no flags. */
function unop(i: Insn, ctx: EmitContext): string | null {
  const name = i.row.sem, op = i.row.operands[0];
  if (op.kind !== 'E' && op.kind !== 'Z') return null;
  const sz = aluSize(i);
  if (sz === null) return null;
  const loc = dstLoc(i, sz, ctx);
  if (!loc) return null;
  const m = (x: string): string => (sz === 1 ? `(${x}) & 0xff` : `(${x})|0`);
  let t: string, fl: string;
  switch (name) {
    // INC/DEC keep CF: made concrete first (flags.ts materialize).
    case 'inc': t = m('a + 1'); fl = `${KEEP_CF} c.lop = 1; c.la = a; c.lb = 1; c.lres = t; c.lsz = ${sz}; c.lmask = 0x8d4;`; break;
    case 'dec': t = m('a - 1'); fl = `${KEEP_CF} c.lop = 3; c.la = a; c.lb = 1; c.lres = t; c.lsz = ${sz}; c.lmask = 0x8d4;`; break;
    case 'neg': t = m('0 - a'); fl = `c.lop = 3; c.la = 0; c.lb = a; c.lres = t; c.lsz = ${sz}; c.lmask = 0x8d5;`; break;
    case 'not': t = m('~a'); fl = ''; break;
    default: return null;
  }
  const keep = (ctx.flagsLive & 0x8d5) !== 0 && fl !== '';
  if (keep && name === 'neg') ctx.nextPrevFlags = { kind: 'sub', size: sz };
  if (keep && (name === 'inc' || name === 'dec')) ctx.nextPrevFlags = { kind: 'arith', size: sz };
  return `{ ${loc.pre}const a = ${loc.rd}, t = ${t}; ${loc.wr('t')}${keep ? ' ' + fl : ''} }`;
}

/** ALU op on 32-bit operands where the destination is a register, or CMP/TEST of memory. */
function alu(i: Insn, ctx: EmitContext): string | null {
  const ops = i.row.operands;
  const nm = i.row.sem;
  if (nm === 'adc' || nm === 'sbb' || (ops[0].kind === 'E' && i.mod !== 3 && nm !== 'cmp' && nm !== 'test')) return aluRmw(i, ctx);
  if (ops[0].size === 'b' || (ops[0].kind === 'fixed' && ops[0].fixed === 'AL')) return alu8(i, ctx);
  if (i.osz !== 4) return null;
  if (ops[1] && ops[1].size === 'b') return null;
  let dst: string, src: string;
  const k0 = ops[0].kind, k1 = ops[1].kind;
  if (k0 === 'E' && i.mod === 3) dst = reg32(i.rm);
  else if (k0 === 'G') dst = reg32(i.reg);
  else if (k0 === 'fixed' && ops[0].fixed === 'eAX') dst = reg32(0);
  else if (k0 === 'E' && (nm === 'cmp' || nm === 'test')) { const e = eRead(i, ctx); if (!e) return null; dst = e; }
  else return null;
  if (k1 === 'G') src = reg32(i.reg);
  else if (k1 === 'I') src = hex(i.imm) + '|0';
  else if (k1 === 'E') { const e = eRead(i, ctx); if (!e) return null; src = e; }
  else return null;
  const name = i.row.sem;
  const wb = name !== 'cmp' && name !== 'test';
  // Dead flags (overwritten before any read or fault) are not recorded at all.
  const keep = (ctx.flagsLive & 0x8d5) !== 0;
  // A CMP/TEST with dead flags still performs its load (it may fault or set an accessed bit).
  const deadLoad = i.mod !== 3 && (k0 === 'E' || k1 === 'E') ? `${k0 === 'E' ? dst : src};` : '';
  if (name in LAZY) {
    const [op, sym] = LAZY[name];
    if (!keep) return wb ? `${dst} = (${dst} ${sym} ${src})|0;` : deadLoad;
    ctx.nextPrevFlags = op === 3 ? { kind: 'sub', size: 4 } : { kind: 'arith', size: 4 };
    return `{ const a = ${dst}, b = ${src}; const t = (a ${sym} b)|0; c.lop = ${op}; c.la = a; c.lb = b; c.lres = t; c.lsz = 4; c.lmask = 0x8d5;${wb ? ` ${dst} = t;` : ''} }`;
  }
  if (name in LOGIC) {
    if (!keep) return wb ? `${dst} = (${dst} ${LOGIC[name]} ${src})|0;` : deadLoad;
    ctx.nextPrevFlags = { kind: 'logic', size: 4 };
    return `{ const t = (${dst} ${LOGIC[name]} ${src})|0; c.lop = 5; c.lres = t; c.lsz = 4; c.lmask = 0x8d5;${wb ? ` ${dst} = t;` : ''} }`;
  }
  return null;
}

/** PUSH r32 / imm / r/m32 with a 32-bit operand size (the value is read before ESP moves:
 *  PUSH ESP pushes the old ESP, PUSH [ESP+d] addresses with the old ESP). */
function push(i: Insn, ctx: EmitContext): string | null {
  const op = i.row.operands[0];
  if (i.osz !== 4) return null;
  let v: string | null;
  if (op.kind === 'Z') v = reg32(i.zreg);
  else if (op.kind === 'I') v = hex(i.imm) + '|0';
  else if (op.kind === 'E') v = eRead(i, ctx);
  else return null;
  if (!v) return null;
  return flatStack(ctx) ? `{ const w = ${v}; ${pushStmt(ctx, 'w')} }` : `H.push32(c, ${v});`;
}

/** A flat 32-bit stack (SS flat, SS.B set): pushes and pops are inline memory accesses. */
const flatStack = (ctx: EmitContext): boolean => ctx.mode.flatData && ctx.mode.stack32;
/** Push `w` (a name): the store first, so a fault leaves ESP as it was. */
const pushStmt = (ctx: EmitContext, w: string): string => `const s = (r[4] - 4)|0; ${storeStmt(ctx.mode, 4, SS, 's', w, false, '(r[4] - 4)|0')} r[4] = s;`;

/** Direct and indirect near CALL with a 32-bit operand size: the target is checked against
 *  the CS limit before the push, and EIP changes only after the push succeeded. */
function call(i: Insn, ctx: EmitContext): string | null {
  if (i.osz !== 4) return null;
  const next = (i.eip + i.len) | 0;
  let t: string | null;
  if (i.row.sem === 'call') t = `${hex(next + i.imm)}|0`;
  else t = eRead(i, ctx);
  if (!t) return null;
  if (flatStack(ctx)) return `{ const t = ${jumpTarget(ctx.mode, t)}; ${pushStmt(ctx, `${hex(next)}|0`)} c.eip = t; }`;
  return `{ const t = ${jumpTarget(ctx.mode, t)}; H.push32(c, ${hex(next)}|0); c.eip = t; }`;
}

/** REP MOVS / REP STOS with a 32-bit address size: one execution (at most REP_CHUNK elements)
 *  through string.ts's repMove on the registers; the instruction stays at its own EIP while
 *  ECX is not 0; a fault after some elements is raised once the registers show them. Through
 *  flat segments, a short forward run (libc's memcpy/memset of a few dozen bytes: the helper's
 *  page-run machinery costs more than the copy) first goes element by element through the
 *  TLB's fast path, in the element loop's order; the first element that misses a TLB entry,
 *  crosses a page or stores to a code page (which has no write entry) leaves the rest to the
 *  helper with the registers up to date. */
function repString(i: Insn, ctx: EmitContext): string | null {
  if (!i.rep || i.asz !== 4) return null;
  const movs = i.row.sem === 'movs', sz = i.row.operands[0].size === 'b' ? 1 : i.osz;
  const seg = i.seg >= 0 ? i.seg : DS, next = (i.eip + i.len) | 0;
  const helper = `{ let k = H.repMove(c, ${movs}, r[1], r[6], r[7], ${sz}, (c.flags & 0x400) !== 0, ${seg}, r[0]); const f = k < 0; if (f) k = -k - 1; ` +
    `const d = (c.flags & 0x400) !== 0 ? -k * ${sz} : k * ${sz}; r[1] = (r[1] - k)|0; ${movs ? 'r[6] = (r[6] + d)|0; ' : ''}r[7] = (r[7] + d)|0; ` +
    `if (f) H.refault(); c.eip = r[1] !== 0 ? ${hex(i.eip)}|0 : ${hex(next)}|0; }`;
  if (!ctx.mode.flatData || (movs && seg !== DS && seg !== ES && seg !== SS)) return helper;
  const fits = (x: string): string => (sz === 1 ? '' : ` || (${x} & 0xfff) > ${hex(4096 - sz)}`);
  const load = sz === 1 ? `m[${physOf('es', 's')}]` : `v.${sz === 2 ? 'getUint16' : 'getInt32'}(${physOf('es', 's')}, true)`;
  const value = movs ? load : 'r[0]';
  const store = sz === 1 ? `m[${physOf('ed', 'd')}] = ${value};` : `v.${sz === 2 ? 'setUint16' : 'setInt32'}(${physOf('ed', 'd')}, ${value}, true);`;
  const miss = movs ? `(es = rt[s >>> 12]) === 0${fits('s')} || ` : '';
  return `{ const cnt = r[1] >>> 0; if (cnt <= ${SHORT_REP} && (c.flags & 0x400) === 0) { let k = 0, s = r[6], d = r[7], es = 0, ed = 0; ` +
    `for (; k < cnt; k++) { if (${miss}(ed = wt[d >>> 12]) === 0${fits('d')}) break; ${store} ${movs ? `s = (s + ${sz})|0; ` : ''}d = (d + ${sz})|0; } ` +
    `r[1] = (r[1] - k)|0; ${movs ? 'r[6] = s; ' : ''}r[7] = d; } ` +
    `if (r[1] !== 0) ${helper} else c.eip = ${hex(next)}|0; }`;
}
/** Elements a REP MOVS/STOS may have for the inline element loop. */
const SHORT_REP = 32;

export const INLINE: Record<string, Emitter> = {
  push, call, calln: call, movs: repString, stos: repString,
  nop() { return ''; },
  mul(i, ctx) {
    if (i.osz !== 4 || i.row.operands[0].size !== 'v') return null;
    const v = eRead(i, ctx);
    if (!v) return null;
    return `{ const a = r[0], b = ${v}, t = H.imul(a, b), h = H.mulHi(a, b); r[0] = t; r[2] = h; ${resultFlags('t', 4, 'h !== 0 ? 0x801 : 0')} }`;
  },
  pop(i, ctx) {
    if (i.osz !== 4 || i.row.operands[0].kind !== 'Z') return null;
    // POP ESP: ESP is incremented, then the popped value written to it.
    if (flatStack(ctx)) return `{ const s = r[4], w = ${loadExpr(ctx.mode, 4, SS, 's', false, 'r[4]')}; r[4] = (s + 4)|0; r[${i.zreg}] = w; }`;
    return `r[${i.zreg}] = H.pop32(c);`;
  },
  ret(i, ctx) {
    if (i.osz !== 4) return null;
    const n = i.row.operands.length ? i.imm & 0xffff : 0;
    if (!flatStack(ctx)) return `c.eip = H.ret32(c, ${n});`;
    // The target is checked against CS's limit before ESP moves (#GP(0)).
    const check = ctx.mode.flatCode ? '' : ' if ((t >>> 0) > (c.slimit[1] >>> 0)) H.gp0();';
    return `{ const s = r[4], t = ${loadExpr(ctx.mode, 4, SS, 's', false, 'r[4]')};${check} r[4] = (s + ${4 + n})|0; c.eip = t; }`;
  },
  leave(i, ctx) {
    if (i.osz !== 4) return null;
    if (flatStack(ctx)) return `{ const s = r[5], w = ${loadExpr(ctx.mode, 4, SS, 's', false, 'r[5]')}; r[4] = (s + 4)|0; r[5] = w; }`;
    return 'H.leave32(c);';
  },
  add: alu, adc: alu, sub: alu, sbb: alu, cmp: alu, and: alu, or: alu, xor: alu, test: alu,
  mov(i, ctx) {
    const ops = i.row.operands;
    if (ops[0].size === 'b' && ops[1].size === 'b') return mov8(i, ctx);
    if (i.osz !== 4) return null;
    if (ops[0].size === 'b' || ops[1].size === 'b' || ops[0].kind === 'S' || ops[1].kind === 'S' || ops[0].kind === 'O' || ops[1].kind === 'O') return null;
    const k0 = ops[0].kind, k1 = ops[1].kind;
    if (k0 === 'Z' && k1 === 'I') return `r[${i.zreg}] = ${hex(i.imm)}|0;`;
    if (k0 === 'G' && k1 === 'E') { const e = eRead(i, ctx); return e ? `r[${i.reg}] = ${e};` : null; }
    if (k0 === 'E' && k1 === 'G') {
      if (i.mod === 3) return `r[${i.rm}] = r[${i.reg}];`;
      const e = eaExpr(i);
      return e ? storeStmt(ctx.mode, 4, i.eaSeg, e, `r[${i.reg}]`, alignedEa(i, 4), e) : null;
    }
    if (k0 === 'E' && k1 === 'I') {
      if (i.mod === 3) return `r[${i.rm}] = ${hex(i.imm)}|0;`;
      const e = eaExpr(i);
      return e ? storeStmt(ctx.mode, 4, i.eaSeg, e, `${hex(i.imm)}|0`, alignedEa(i, 4), e) : null;
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
    const cond = fusedCondition(i.row.cc, ctx.prevFlags) ?? `H.ccOf(${i.row.cc}, c.flags, c.lmask, ${RECORD})`;
    ctx.noFault = ctx.mode.flatCode;
    if (ctx.mode.flatCode) ctx.branch = { cond, taken: target, next };
    return `c.eip = ${cond} ? ${jumpTarget(ctx.mode, `${hex(target)}|0`)} : ${hex(next)}|0;`;
  },
  movzx(i, ctx) { return movx(i, false, ctx); },
  movsx(i, ctx) { return movx(i, true, ctx); },
  shift: shiftAny,
  imul: imul32,
  imul2: imul32,
  inc: unop, dec: unop, neg: unop, not: unop,
  jmp(i, ctx) {
    if (i.osz !== 4) return null;
    const target = (i.eip + i.len + i.imm) | 0;
    ctx.noFault = ctx.mode.flatCode;
    if (ctx.mode.flatCode) ctx.branch = { cond: null, taken: target, next: (i.eip + i.len) | 0 };
    return `c.eip = ${jumpTarget(ctx.mode, `${hex(target)}|0`)};`;
  },
};

/** Compare+branch fusion: the condition straight from the operands the previous instruction
 *  recorded (SUB/CMP: la, lb; logic ops: lres), for the conditions with a one-line form. */
function fusedCondition(cc: number, prev: EmitContext['prevFlags']): string | null {
  if (!prev || (prev.size !== 4 && prev.size !== 1)) return null;
  const neg = (cc & 1) !== 0;
  let e: string | null = null;
  if (prev.kind === 'arith') {
    // ADD/ADC/SBB/INC/DEC: ZF and SF straight from the (masked) result.
    switch (cc >> 1) {
      case 2: e = 'c.lres === 0'; break;
      case 4: e = prev.size === 1 ? '(c.lres & 0x80) !== 0' : 'c.lres < 0'; break;
    }
  } else if (prev.size === 1) {
    // Byte operands are recorded as 0..255 and the result masked: unsigned forms only.
    if (prev.kind === 'sub') {
      switch (cc >> 1) {
        case 1: e = 'c.la < c.lb'; break;
        case 2: e = 'c.lres === 0'; break;
        case 3: e = 'c.la <= c.lb'; break;
      }
    } else {
      switch (cc >> 1) {
        case 0: case 1: e = 'false'; break;
        case 2: case 3: e = 'c.lres === 0'; break;
      }
    }
  } else if (prev.kind === 'sub') {
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
