// Bytes -> decoded instruction, driven by the opcode table (rows.ts). Prefix rules: SDM vol. 2
// §2.1.1 (at most 15 bytes in all, §2.3.11: longer gives #GP(0)); ModRM/SIB: tables 2-1..2-3.
import { OPCODE_MAP, T_LOCK, T_NP, type Row, type Operand } from './rows.ts';
import { fault, GP } from '../cpu/fault.ts';
import { DS, SS, EBP, ESP } from '../cpu/regs.ts';

export const MAX_INSN_LEN = 15;

export class Insn {
  row!: Row;
  /** Offset of the first byte within CS (the EIP of the instruction). */
  eip = 0;
  len = 0;
  /** Operand size in bytes for 'v' operands (2 or 4) and address size (2 or 4). */
  osz = 4;
  asz = 4;
  /** Segment override (ES..GS) or -1. */
  seg = -1;
  /** 0, 0xF2 (REPNE) or 0xF3 (REP/REPE). */
  rep = 0;
  lock = false;
  mod = 0; reg = 0; rm = 0;
  /** Effective address: base register or -1, index register or -1, scale shift, displacement. */
  base = -1; index = -1; scale = 0; disp = 0;
  /** Segment the memory operand uses (override or the default from the base register). */
  eaSeg = DS;
  /** First and second immediates (ENTER has two; far pointers keep the selector in imm2). */
  imm = 0; imm2 = 0;
  /** Set when the bytes are no valid instruction: executing it raises #UD. */
  invalid = false;
  /** The register number for +r rows. */
  zreg = 0;

  get isMem(): boolean { return this.row.modrm && this.mod !== 3; }
  /** Mnemonic for this operand size. */
  get mnemonic(): string { return this.osz === 2 ? this.row.mn16 : this.row.mn32; }
}

/** A row standing for undefined opcodes (they raise #UD when executed, SDM vol. 2 §2.1.1). */
export const UD_ROW: Row = {
  index: -1, bytes: [], ext: -1, modrm: false, plusr: false, modReq: 0, rmReq: -1, cc: -1, mn16: '(bad)', mn32: '(bad)',
  operands: [], fread: 0, fwrite: 0, fundef: 0, traits: 16, sem: 'undefined', text: '(undefined)',
};

/** Size in bytes of an operand of size code `s` for operand size osz. */
export function opSize(s: string, osz: number): number {
  switch (s) {
    case 'b': case 'bs': return 1;
    case 'w': return 2;
    case 'd': return 4;
    case 'q': return 8;
    case 'v': case 'z': return osz;
    case 'p': return osz + 2;
    case 'a': return osz * 2;
    case 's': return 6;
    default: return osz;
  }
}

function immBytes(op: Operand, osz: number, asz: number): number {
  switch (op.kind) {
    case 'I': return op.size === 'v' || op.size === 'z' ? osz : op.size === 'w' ? 2 : op.size === 'd' ? 4 : 1;
    case 'J': return op.size === 'b' ? 1 : osz;
    case 'O': return asz;
    case 'A': return osz; // then the 16-bit selector, read separately
    default: return 0;
  }
}

/**
 * Decode one instruction. `fetch(i)` returns byte i of the instruction (it may throw a page
 * fault for the byte it is asked for). d32: CS.D (default operand and address size 32).
 */
// The byte source of the instruction being decoded and the position in it. Module state rather
// than a closure per call: decoding is not re-entered, and the hot paths (block formation)
// should not allocate a function per instruction.
let curFetch: (i: number) => number = () => 0;
let curPos = 0;
function next(): number {
  if (curPos >= MAX_INSN_LEN) fault(GP, 0);
  return curFetch(curPos++);
}

export function decode(fetch: (i: number) => number, eip: number, d32: boolean, out: Insn = new Insn()): Insn {
  curFetch = fetch; curPos = 0;
  out.eip = eip; out.seg = -1; out.rep = 0; out.lock = false; out.invalid = false;
  out.base = -1; out.index = -1; out.scale = 0; out.disp = 0; out.imm = 0; out.imm2 = 0;
  out.mod = 0; out.reg = 0; out.rm = 0; out.zreg = 0;
  let o32 = d32, a32 = d32;
  let b: number;
  for (;;) {
    b = next();
    switch (b) {
      case 0x26: out.seg = 0; continue;
      case 0x2e: out.seg = 1; continue;
      case 0x36: out.seg = 2; continue;
      case 0x3e: out.seg = 3; continue;
      case 0x64: out.seg = 4; continue;
      case 0x65: out.seg = 5; continue;
      case 0x66: o32 = !d32; continue;
      case 0x67: a32 = !d32; continue;
      case 0xf0: out.lock = true; continue;
      case 0xf2: case 0xf3: out.rep = b; continue;
    }
    break;
  }
  let key = b;
  if (b === 0x0f) { b = next(); key = 256 + b; }
  out.osz = o32 ? 4 : 2; out.asz = a32 ? 4 : 2;
  let slot = OPCODE_MAP[key];
  let row: Row | undefined;
  if (Array.isArray(slot) || (slot !== undefined && slot.modrm)) {
    const m = next();
    out.mod = m >> 6; out.reg = (m >> 3) & 7; out.rm = m & 7;
    row = Array.isArray(slot) ? slot[out.reg * 2 + (out.mod === 3 ? 1 : 0)] : slot;
    if (row) decodeModRM(out, a32);
    else if (out.mod !== 3) decodeModRM(out, a32); // consume the bytes an undefined form would have
  } else row = slot;
  if (!row) { out.row = UD_ROW; out.invalid = true; out.len = curPos; return out; }
  out.row = row;
  if (row.plusr) out.zreg = b & 7;
  // A form that names one full ModRM byte: the other register forms are undefined.
  if (row.rmReq >= 0 && out.rm !== row.rmReq) { out.row = UD_ROW; out.invalid = true; out.len = curPos; return out; }
  if ((row.traits & T_NP) && (out.rep || o32 !== d32)) out.invalid = true;
  // LOCK is only valid on lockable rows with a memory destination (SDM vol. 2 "LOCK").
  if (out.lock && (!(row.traits & T_LOCK) || out.mod === 3 || !row.modrm)) out.invalid = true;
  // Only CR0 CR2 CR3 CR4 exist; other CRn encodings are #UD before any privilege check.
  const ops = row.operands;
  let hasCreg = false, sIdx = -1;
  for (let k = 0; k < ops.length; k++) {
    if (ops[k].kind === 'C') hasCreg = true;
    else if (ops[k].kind === 'S' && sIdx < 0) sIdx = k;
  }
  if (hasCreg && (out.reg === 1 || out.reg > 4)) out.invalid = true;
  // Sreg encodings 6 and 7 do not exist, and CS cannot be the destination of MOV (#UD).
  if (sIdx >= 0 && (out.reg > 5 || (sIdx === 0 && out.reg === 1))) out.invalid = true;
  let first = true;
  for (let q = 0; q < ops.length; q++) {
    const op = ops[q];
    const n = immBytes(op, out.osz, out.asz);
    if (n === 0) continue;
    let v = 0;
    for (let k = 0; k < n; k++) v |= next() << (k * 8);
    if (op.kind === 'A') { out.imm = out.osz === 2 ? v & 0xffff : v; out.imm2 = next() | (next() << 8); continue; }
    if (n === 1 && (op.kind === 'J' || op.size === 'bs')) v = (v << 24) >> 24;
    else if (n === 2 && op.kind === 'J') v = (v << 16) >> 16;
    else if (n === 2) v &= 0xffff;
    if (first) { out.imm = v; first = false; } else out.imm2 = v;
  }
  out.len = curPos;
  return out;
}

function decodeModRM(out: Insn, a32: boolean): void {
  const mod = out.mod, rm = out.rm;
  if (mod === 3) return;
  let seg = DS;
  if (!a32) {
    // 16-bit forms: SDM vol. 2 table 2-1. BP-based forms default to SS.
    const bases = [3, 3, 5, 5, 6, 7, 5, 3];
    const idx = [6, 7, 6, 7, -1, -1, -1, -1];
    if (mod === 0 && rm === 6) { out.disp = next() | (next() << 8); }
    else {
      out.base = bases[rm]; out.index = idx[rm];
      if (rm === 2 || rm === 3 || rm === 6) seg = SS;
      if (mod === 1) out.disp = (next() << 24) >> 24;
      else if (mod === 2) out.disp = next() | (next() << 8);
    }
  } else {
    let base = rm;
    if (rm === 4) {
      const sib = next();
      out.scale = sib >> 6;
      const ix = (sib >> 3) & 7;
      out.index = ix === 4 ? -1 : ix;
      base = sib & 7;
      if (base === 5 && mod === 0) { base = -1; out.disp = next() | (next() << 8) | (next() << 16) | (next() << 24); }
    } else if (rm === 5 && mod === 0) {
      base = -1; out.disp = next() | (next() << 8) | (next() << 16) | (next() << 24);
    }
    out.base = base;
    if (base === ESP || base === EBP) seg = SS;
    if (mod === 1) out.disp = (next() << 24) >> 24;
    else if (mod === 2) out.disp = next() | (next() << 8) | (next() << 16) | (next() << 24);
  }
  out.eaSeg = out.seg >= 0 ? out.seg : seg;
}

/** Decode from a byte array (tests, disassembler). */
export function decodeBytes(bytes: ArrayLike<number>, eip = 0, d32 = true): Insn {
  return decode((k) => (k < bytes.length ? bytes[k] : 0), eip, d32);
}
