// Inline emitters: straight-line JavaScript for the most frequent rows, used in block mode.
// Single-step mode runs the same rows through their semantic functions, and the oracle suite
// runs both, which is the differential test of each emitter against its semantics.
import type { Insn } from '../src/decode/decoder.ts';

type Emitter = (i: Insn, k: number) => string | null;

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
function alu(i: Insn): string | null {
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
  if (name in LAZY) {
    const [op, sym] = LAZY[name];
    return `{ const a = ${dst}, b = ${src}; const t = (a ${sym} b)|0; c.lop = ${op}; c.la = a; c.lb = b; c.lres = t; c.lsz = 4; c.lmask = 0x8d5;${wb ? ` ${dst} = t;` : ''} }`;
  }
  if (name in LOGIC) {
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
  jcc(i) {
    if (i.osz !== 4) return null;
    const next = (i.eip + i.len) | 0, target = (next + i.imm) | 0;
    return `c.eip = H.cc(c, ${i.row.cc}) ? H.jt(c, ${hex(target)}|0) : ${hex(next)}|0;`;
  },
  jmp(i) {
    if (i.osz !== 4) return null;
    const target = (i.eip + i.len + i.imm) | 0;
    return `c.eip = H.jt(c, ${hex(target)}|0);`;
  },
};
