// Bytes -> decoded instruction, driven by the opcode table (rows.ts). Prefix rules: SDM vol. 2
// §2.1.1 (at most 15 bytes in all, §2.3.11: longer gives #GP(0)); ModRM/SIB: tables 2-1..2-3.
import { makeRow, OPCODE_MAP, ROWS, T_LOCK, T_NP, type Row, type Operand } from './rows.ts';
import { fault, GP } from '../cpu/fault.ts';
import { DS, SS, EBP, ESP } from '../cpu/regs.ts';

export const MAX_INSN_LEN = 15;

export class Insn {
  row!: Row;
  /** row.index (-1 for UD_ROW): the per-row tables of block formation and the first tier are
   *  indexed by it without loading the row object (perf: that load, a cache miss for most
   *  instructions, was a tenth of block lookup's samples). */
  ri = -1;
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
export const UD_ROW: Row = makeRow({
  index: -1, bytes: [], ext: -1, modrm: false, plusr: false, modReq: 0, rmReq: -1, cc: -1, mn16: '(bad)', mn32: '(bad)',
  operands: [], fread: 0, fwrite: 0, fundef: 0, traits: 16, sem: 'undefined', text: '(undefined)', kinds: [], sizes: [], immAt: -1,
});

// Per row, what decoding needs beyond the row itself, computed once from the operands (a
// string switch per operand per decode cost more than the rest of decoding):
// IMM_PLAN[row] holds the first immediate's kind in bits 0-3 and the second's in bits 4-7;
// REG_CHECK[row] says which ModRM.reg values are undefined encodings.
export const IM_NONE = 0, IM_B = 1, IM_BS = 2, IM_W = 3, IM_D = 4, IM_V = 5, IM_REL = 6, IM_MOFFS = 7, IM_FAR = 8;
const RC_CREG = 1, RC_SREG = 2, RC_SREG_DST = 4;
function immKind(op: Operand): number {
  switch (op.kind) {
    case 'I': return op.size === 'v' || op.size === 'z' ? IM_V : op.size === 'w' ? IM_W : op.size === 'd' ? IM_D : op.size === 'bs' ? IM_BS : IM_B;
    case 'J': return op.size === 'b' ? IM_BS : IM_REL;
    case 'O': return IM_MOFFS;
    case 'A': return IM_FAR; // the offset (operand size), then the 16-bit selector
    default: return IM_NONE;
  }
}
export const IMM_PLAN = new Uint8Array(ROWS.length);
const REG_CHECK = new Uint8Array(ROWS.length);
for (const r of ROWS) {
  let plan = 0, shift = 0, check = 0, sSeen = false;
  r.operands.forEach((op, k) => {
    const kind = immKind(op);
    if (kind !== IM_NONE) { plan |= kind << shift; shift += 4; }
    if (op.kind === 'C') check |= RC_CREG;
    else if (op.kind === 'S' && !sSeen) { sSeen = true; check |= k === 0 ? RC_SREG | RC_SREG_DST : RC_SREG; }
  });
  if (shift > 8) throw new Error(`more than two immediates in ${r.text}`);
  IMM_PLAN[r.index] = plan; REG_CHECK[r.index] = check;
}

// OPCODE_MAP as numbers: SLOT_ROW[key * 16 + j] is the row index (-1: undefined) for opcode key
// (j = 0 for a plain row; reg * 2 + (mod == 3) for a ModRM-extended opcode, SLOT_GROUP[key] 1),
// and the row facts decoding tests as byte arrays. Decoding read them from the row objects, and
// loading a row object's map (for the Array.isArray test) and fields missed the cache on most
// instructions: the opcodes of real code are spread over hundreds of rows (perf: a tenth of
// decodeInsn's samples on that one load).
export const SLOT_ROW = new Int16Array(512 * 16).fill(-1);
export const SLOT_GROUP = new Uint8Array(512);
/** The legacy prefix bytes (SDM vol. 2 §2.1.1): most instructions have none, and one load and a
 *  branch that is nearly always taken decide that, where the switch on the byte compared it
 *  with the prefixes first (decoding alone 0.96-0.97 of the time). */
export const PREFIX = new Uint8Array(256);
for (const x of [0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3]) PREFIX[x] = 1;
export const R_MODRM = new Uint8Array(ROWS.length), R_PLUSR = new Uint8Array(ROWS.length);
const R_RMREQ = new Int8Array(ROWS.length);
/** Each row's traits (rows.ts T_*), by row index. */
export const R_TRAITS = new Int32Array(ROWS.length);
for (let key = 0; key < 512; key++) {
  const slot = OPCODE_MAP[key];
  if (slot === undefined) continue;
  if (Array.isArray(slot)) {
    SLOT_GROUP[key] = 1;
    for (let j = 0; j < 16; j++) SLOT_ROW[key * 16 + j] = slot[j]?.index ?? -1;
  } else SLOT_ROW[key * 16] = slot.index;
}
for (const r of ROWS) {
  if (ROWS[r.index] !== r) throw new Error(`row ${r.text} is not at its index`);
  R_MODRM[r.index] = r.modrm ? 1 : 0; R_PLUSR[r.index] = r.plusr ? 1 : 0;
  R_RMREQ[r.index] = r.rmReq; R_TRAITS[r.index] = r.traits;
}

// Decoding reads the instruction's bytes straight from a byte array, `m[b + k]` for its k-th
// byte, with the position in a local: decodeInsn reads at most WINDOW bytes from `b` and the
// callers make them readable, so no read is checked for the instruction's limits. The limits
// are checked once on the length: past 15 bytes #GP(0) (SDM vol. 2 §2.3.11), past the end of
// block formation's page `decodedPastEnd()`, past the bytes a fetch function has given so far
// (decode) one more byte fetched and the instruction decoded again. Reading ahead of what the
// instruction needs decides nothing: byte k is read only when bytes 0..k-1 ask for it, so the
// length says which bytes the CPU reads. (The reader kept its position and source in module
// variables, and their loads and stores, with the source's map and bounds checked at every
// byte, were a third of the decoder's time: 42 -> 28 ns an instruction in a warmed loop.)
/** Bytes decodeInsn may read from its start: 15 of prefixes at most (the prefix loop stops
 *  there), then opcode escape and opcode, ModRM, SIB, a 4-byte displacement and 6 bytes of
 *  immediates. */
const WINDOW = 32;
/** A copy of the bytes for decoding near the end of an array and for fetched bytes; bytes not
 *  given read as NOP. */
const SCRATCH = new Uint8Array(WINDOW);
var beyond = false;

/**
 * Decode one instruction. `fetch(i)` returns byte i of the instruction (it may throw a page
 * fault for the byte it is asked for); bytes are fetched in order and only as far as the
 * instruction reaches, as the CPU fetches them. d32: CS.D (default operand and address size 32).
 */
export function decode(fetch: (i: number) => number, eip: number, d32: boolean, out: Insn = new Insn()): Insn {
  SCRATCH.fill(0x90);
  let have = 0;
  for (;;) {
    decodeInsn(SCRATCH, 0, eip, d32, out);
    if (out.len <= have) return out;
    // It reads byte `have`, which it has not been given (0..have-1 decided that it does).
    if (have === MAX_INSN_LEN) fault(GP, 0);
    SCRATCH[have] = fetch(have);
    have++;
  }
}

/** Decode from `mem[start..end)`; bytes past `end` do not count as the instruction's and make
 *  `decodedPastEnd()` true (block formation: an instruction that crosses its page). */
export function decodeIn(mem: Uint8Array, start: number, end: number, eip: number, d32: boolean, out: Insn = new Insn()): Insn {
  if (start + WINDOW <= mem.length) decodeInsn(mem, start, eip, d32, out);
  else {
    SCRATCH.fill(0x90);
    SCRATCH.set(mem.subarray(start, Math.min(end, mem.length, start + WINDOW)));
    decodeInsn(SCRATCH, 0, eip, d32, out);
  }
  beyond = out.len > end - start;
  if (!beyond && out.len > MAX_INSN_LEN) fault(GP, 0);
  return out;
}

/** Whether the last decodeIn read past its end. */
export function decodedPastEnd(): boolean { return beyond; }

/** Length of an immediate of kind `kind` (IM_*). */
function immLength(kind: number, osz: number, asz: number): number {
  switch (kind) {
    case IM_B: case IM_BS: return 1;
    case IM_W: return 2;
    case IM_D: return 4;
    case IM_MOFFS: return asz;
    default: return osz; // IM_V, IM_REL, IM_FAR (the offset; the selector follows)
  }
}
/** The immediate of kind `kind` at m[a..]. */
function immValue(m: Uint8Array, a: number, kind: number, osz: number, asz: number): number {
  switch (kind) {
    case IM_B: return m[a];
    case IM_BS: return (m[a] << 24) >> 24;
    case IM_W: return m[a] | (m[a + 1] << 8);
    case IM_D: return le32(m, a);
    case IM_REL: return osz === 2 ? ((m[a] | (m[a + 1] << 8)) << 16) >> 16 : le32(m, a);
    case IM_MOFFS: return asz === 2 ? m[a] | (m[a + 1] << 8) : le32(m, a);
    default: return osz === 2 ? m[a] | (m[a + 1] << 8) : le32(m, a); // IM_V, IM_FAR
  }
}
function le32(m: Uint8Array, a: number): number {
  return m[a] | (m[a + 1] << 8) | (m[a + 2] << 16) | (m[a + 3] << 24);
}

/** Decode the instruction at m[b..] (WINDOW bytes readable) into `out`; out.len may exceed 15
 *  (the callers check it). */
function decodeInsn(m: Uint8Array, b: number, eip: number, d32: boolean, out: Insn): Insn {
  out.eip = eip; out.seg = -1; out.rep = 0; out.lock = false; out.invalid = false;
  out.base = -1; out.index = -1; out.scale = 0; out.disp = 0; out.imm = 0; out.imm2 = 0;
  out.mod = 0; out.reg = 0; out.rm = 0; out.zreg = 0; out.eaSeg = DS;
  let o32 = d32, a32 = d32;
  let p = 0, op = 0;
  for (;;) {
    op = m[b + p++];
    if (p > MAX_INSN_LEN) { out.row = UD_ROW; out.ri = -1; out.invalid = true; out.len = p; return out; }
    if (PREFIX[op] === 0) break;
    switch (op) {
      case 0x26: out.seg = 0; continue;
      case 0x2e: out.seg = 1; continue;
      case 0x36: out.seg = 2; continue;
      case 0x3e: out.seg = 3; continue;
      case 0x64: out.seg = 4; continue;
      case 0x65: out.seg = 5; continue;
      case 0x66: o32 = !d32; continue;
      case 0x67: a32 = !d32; continue;
      case 0xf0: out.lock = true; continue;
      case 0xf2: case 0xf3: out.rep = op; continue;
    }
    break;
  }
  let key = op;
  if (op === 0x0f) { op = m[b + p++]; key = 256 + op; }
  const osz = o32 ? 4 : 2, asz = a32 ? 4 : 2;
  out.osz = osz; out.asz = asz;
  let ri: number;
  if (SLOT_GROUP[key] !== 0) {
    const x = m[b + p++];
    const mod = x >> 6, reg = (x >> 3) & 7;
    out.mod = mod; out.reg = reg; out.rm = x & 7;
    ri = SLOT_ROW[key * 16 + reg * 2 + (mod === 3 ? 1 : 0)];
    if (mod !== 3) p += decodeModRM(out, m, b + p, a32); // an undefined form still consumes its bytes
  } else {
    ri = SLOT_ROW[key * 16];
    if (ri >= 0 && R_MODRM[ri] !== 0) {
      const x = m[b + p++];
      out.mod = x >> 6; out.reg = (x >> 3) & 7; out.rm = x & 7;
      if (out.mod !== 3) p += decodeModRM(out, m, b + p, a32);
    }
  }
  if (ri < 0) { out.row = UD_ROW; out.ri = -1; out.invalid = true; out.len = p; return out; }
  out.row = ROWS[ri]; out.ri = ri;
  const t = R_TRAITS[ri];
  if (R_PLUSR[ri] !== 0) out.zreg = op & 7;
  // A form that names one full ModRM byte: the other register forms are undefined.
  const rmReq = R_RMREQ[ri];
  if (rmReq >= 0 && out.rm !== rmReq) { out.row = UD_ROW; out.ri = -1; out.invalid = true; out.len = p; return out; }
  if ((t & T_NP) && (out.rep || o32 !== d32)) out.invalid = true;
  // LOCK is only valid on lockable rows with a memory destination (SDM vol. 2 "LOCK").
  if (out.lock && (!(t & T_LOCK) || out.mod === 3 || R_MODRM[ri] === 0)) out.invalid = true;
  const check = REG_CHECK[ri];
  if (check !== 0) {
    const reg = out.reg;
    // Only CR0 CR2 CR3 CR4 exist; other CRn encodings are #UD before any privilege check.
    if ((check & RC_CREG) && (reg === 1 || reg > 4)) out.invalid = true;
    // Sreg encodings 6 and 7 do not exist, and CS cannot be the destination of MOV (#UD).
    if ((check & RC_SREG) && (reg > 5 || ((check & RC_SREG_DST) && reg === 1))) out.invalid = true;
  }
  const plan = IMM_PLAN[ri];
  if (plan !== 0) {
    const k1 = plan & 15;
    out.imm = immValue(m, b + p, k1, osz, asz); p += immLength(k1, osz, asz);
    if (plan > 15) { const k2 = plan >> 4; out.imm2 = immValue(m, b + p, k2, osz, asz); p += immLength(k2, osz, asz); }
    else if (k1 === IM_FAR) { out.imm2 = m[b + p] | (m[b + p + 1] << 8); p += 2; }
  }
  out.len = p;
  return out;
}

/** The memory form of ModRM (mod != 3) at m[a..] after the ModRM byte: SIB and displacement
 *  into `out`; returns the bytes it took. */
function decodeModRM(out: Insn, m: Uint8Array, a: number, a32: boolean): number {
  const mod = out.mod, rm = out.rm;
  let seg = DS, p = 0;
  if (!a32) {
    // 16-bit forms: SDM vol. 2 table 2-1. BP-based forms default to SS.
    if (mod === 0 && rm === 6) { out.disp = m[a] | (m[a + 1] << 8); p = 2; }
    else {
      out.base = BASE16[rm]; out.index = INDEX16[rm];
      if (rm === 2 || rm === 3 || rm === 6) seg = SS;
      if (mod === 1) { out.disp = (m[a] << 24) >> 24; p = 1; }
      else if (mod === 2) { out.disp = m[a] | (m[a + 1] << 8); p = 2; }
    }
  } else {
    let base = rm;
    if (rm === 4) {
      const sib = m[a + p++];
      out.scale = sib >> 6;
      const ix = (sib >> 3) & 7;
      out.index = ix === 4 ? -1 : ix;
      base = sib & 7;
      if (base === 5 && mod === 0) { base = -1; out.disp = le32(m, a + p); p += 4; }
    } else if (rm === 5 && mod === 0) {
      base = -1; out.disp = le32(m, a + p); p += 4;
    }
    out.base = base;
    if (base === ESP || base === EBP) seg = SS;
    if (mod === 1) { out.disp = (m[a + p] << 24) >> 24; p += 1; }
    else if (mod === 2) { out.disp = le32(m, a + p); p += 4; }
  }
  out.eaSeg = out.seg >= 0 ? out.seg : seg;
  return p;
}
const BASE16 = Int8Array.of(3, 3, 5, 5, 6, 7, 5, 3);
const INDEX16 = Int8Array.of(6, 7, 6, 7, -1, -1, -1, -1);

/** Decode from a byte array (tests, disassembler). */
export function decodeBytes(bytes: ArrayLike<number>, eip = 0, d32 = true): Insn {
  return decode((k) => (k < bytes.length ? bytes[k] : 0), eip, d32);
}
