// Parses the opcode table text (table.ts) into Row objects and indexes them for the decoder.
import { TABLE_TEXT } from './table.ts';
import { OF, SF, ZF, AF, PF, CF, DF, IF, TF, OSZAPC } from '../cpu/regs.ts';

export const T_LOCK = 1, T_REP = 2, T_REPCC = 4, T_NOWB = 8, T_JUMP = 16, T_COND = 32, T_END = 64,
  T_PRIV = 128, T_IOPL = 256, T_IO = 512, T_X87 = 1024, T_NORACLE = 2048, T_UNDOC = 4096, T_NP = 8192;
const TRAITS: Record<string, number> = {
  lock: T_LOCK, rep: T_REP, repcc: T_REPCC, nowb: T_NOWB, jump: T_JUMP, cond: T_COND, end: T_END,
  priv: T_PRIV, iopl: T_IOPL, io: T_IO, x87: T_X87, noracle: T_NORACLE, undoc: T_UNDOC, np: T_NP,
};
/** Condition-code suffixes in tttn order (SDM vol. 2 appendix B.1.4.7), as objdump names them. */
export const CC_NAMES = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];

/** An operand: kind letter(s) and size code, or a fixed register. */
export interface Operand {
  /** E G M R S C D I J O A X Y Z, or 'fixed' */
  kind: string;
  /** b w d v z p a q s bs; '' for fixed and M */
  size: string;
  /** For fixed operands: 'AL' 'CL' 'DX' 'eAX' 'AX' '1' or a segment register name. */
  fixed?: string;
}

export interface Row {
  index: number;
  /** The opcode bytes; the last one is the base for +r and cc rows. */
  bytes: number[];
  /** ModRM reg digit for /0../7 rows, else -1. */
  ext: number;
  modrm: boolean;
  plusr: boolean;
  /** 0 any ModRM.mod, 1 memory only, 2 register only. */
  modReq: number;
  /** A required ModRM.rm for register-only rows that name one full ModRM byte (MFENCE is
   *  0F AE F0), else -1. */
  rmReq: number;
  /** Condition code for Jcc/SETcc/CMOVcc rows, else -1. */
  cc: number;
  mn16: string;
  mn32: string;
  operands: Operand[];
  /** Status/control flags read, written (defined), left undefined. */
  fread: number;
  fwrite: number;
  fundef: number;
  traits: number;
  /** Semantic function name. */
  sem: string;
  /** The row's text, for diagnostics. */
  text: string;
  /** Per operand, its kind as a number (OK_*), for the semantics' operand access. */
  kinds: number[];
  /** Per operand, its size in bytes, or SZ_OSZ / SZ_FAR / SZ_PAIR for sizes that follow the
   *  operand size (v z, p, a). */
  sizes: number[];
  /** The operand that holds the first immediate (I or J), or -1. */
  immAt: number;
}

/** Operand kinds as numbers: the generic operand access switches on them per instruction. */
export const OK_E = 1, OK_G = 2, OK_Z = 3, OK_I = 4, OK_O = 5, OK_AL = 6, OK_CL = 7, OK_DX = 8, OK_AX = 9,
  OK_EAX = 10, OK_ONE = 11, OK_OTHER = 12;
export const SZ_OSZ = 0, SZ_FAR = -1, SZ_PAIR = -2;
const FIXED_KIND: Record<string, number> = { AL: OK_AL, CL: OK_CL, DX: OK_DX, AX: OK_AX, eAX: OK_EAX, '1': OK_ONE };
function kindCode(o: Operand): number {
  if (o.kind === 'fixed') return FIXED_KIND[o.fixed!] ?? OK_OTHER;
  return o.kind === 'E' ? OK_E : o.kind === 'G' ? OK_G : o.kind === 'Z' ? OK_Z : o.kind === 'I' ? OK_I : o.kind === 'O' ? OK_O : OK_OTHER;
}
/** An operand's size code (`sizes`); fixed segment registers are 2. */
function sizeCode(o: Operand): number {
  if (o.kind === 'fixed') return o.fixed === 'AL' || o.fixed === 'CL' || o.fixed === '1' ? 1 : o.fixed === 'eAX' ? SZ_OSZ : 2;
  return sizeCodeOf(o.size);
}
/** Size in bytes of the size code `code` (sizeCodeOf, `sizes`) at operand size osz. */
export function sizeBytes(code: number, osz: number): number {
  return code > 0 ? code : code === SZ_OSZ ? osz : code === SZ_FAR ? osz + 2 : osz * 2;
}
/** Size in bytes of an operand of size letter(s) `s` for operand size osz. */
export function opSize(s: string, osz: number): number {
  return sizeBytes(sizeCodeOf(s), osz);
}
/** The size code of size letter(s) `s` (SDM vol. 2 §A.2.2): bytes, or SZ_OSZ / SZ_FAR /
 *  SZ_PAIR for sizes that follow the operand size (v z and none, p, a). */
function sizeCodeOf(s: string): number {
  switch (s) {
    case 'b': case 'bs': return 1;
    case 'w': return 2;
    case 'd': return 4;
    case 'q': return 8;
    case 's': return 6;
    case 'p': return SZ_FAR;
    case 'a': return SZ_PAIR;
    default: return SZ_OSZ;
  }
}
/** The numeric operand facts of a row with these operands. */
export function operandFacts(operands: Operand[]): Pick<Row, 'kinds' | 'sizes' | 'immAt'> {
  return { kinds: operands.map(kindCode), sizes: operands.map(sizeCode), immAt: operands.findIndex((o) => o.kind === 'I' || o.kind === 'J') };
}

const FLAG_LETTERS: Record<string, number> = { O: OF, S: SF, Z: ZF, A: AF, P: PF, C: CF, D: DF, I: IF, T: TF, F: -1 };
function parseFlags(s: string): number {
  if (s === 'OSZAPC') return OSZAPC;
  let m = 0;
  for (const ch of s) {
    const b = FLAG_LETTERS[ch];
    if (b === undefined) throw new Error(`bad flag letter ${ch}`);
    m |= b;
  }
  return m;
}

const FIXED = new Set(['AL', 'CL', 'DX', 'eAX', 'AX', '1', 'ES', 'CS', 'SS', 'DS', 'FS', 'GS']);
function parseOperand(s: string): Operand {
  if (FIXED.has(s)) return { kind: 'fixed', size: '', fixed: s };
  const kind = s[0], size = s.slice(1);
  if (!'EGMRSCDIJOAXYZ'.includes(kind)) throw new Error(`bad operand ${s}`);
  return { kind, size };
}

/** `r` as an object of the one shape every row has: property loads on rows (decoder, block
 *  formation, semantics) stay monomorphic. Rows built by object spread each got a hidden
 *  class of their own (393 for 404 rows), which made every such load megamorphic. */
export function makeRow(r: Row): Row {
  return {
    index: r.index, bytes: r.bytes, ext: r.ext, modrm: r.modrm, plusr: r.plusr, modReq: r.modReq, rmReq: r.rmReq, cc: r.cc,
    mn16: r.mn16, mn32: r.mn32, operands: r.operands, fread: r.fread, fwrite: r.fwrite, fundef: r.fundef, traits: r.traits,
    sem: r.sem, text: r.text, kinds: r.kinds, sizes: r.sizes, immAt: r.immAt,
  };
}

function parseRows(text: string): Row[] {
  const rows: Row[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const [op, mn, ops, fl, tr, sem] = line.split('|').map((x) => x.trim());
    const toks = op.split(/\s+/);
    const bytes: number[] = [];
    let ext = -1, modrm = false, plusr = false, modReq = 0, rmReq = -1, hasCC = false;
    for (const t of toks) {
      if (/^[0-9A-F]{2}$/.test(t)) bytes.push(parseInt(t, 16));
      else if (t === '/r') modrm = true;
      else if (/^\/[0-7]$/.test(t)) { modrm = true; ext = +t[1]; }
      else if (t === '+r') plusr = true;
      else if (t === 'mem') modReq = 1;
      else if (t === 'reg') modReq = 2;
      else if (/^rm[0-7]$/.test(t)) rmReq = +t[2];
      else if (t === 'cc') hasCC = true;
      else throw new Error(`bad opcode token ${t} in ${line}`);
    }
    const [n16, n32] = mn.includes('/') ? mn.split('/') : [mn, mn];
    const operands = ops && ops !== '-' ? ops.split(',').map(parseOperand) : [];
    let fread = 0, fwrite = 0, fundef = 0;
    for (const f of (fl ?? '').split(/\s+/).filter(Boolean)) {
      const [k, v] = f.split(':');
      const m = parseFlags(v);
      if (k === 'r') fread |= m; else if (k === 'w') fwrite |= m; else if (k === 'u') fundef |= m; else throw new Error(`bad flags ${f}`);
    }
    let traits = 0;
    for (const t of (tr ?? '').split(/\s+/).filter(Boolean)) {
      if (!(t in TRAITS)) throw new Error(`bad trait ${t}`);
      traits |= TRAITS[t];
    }
    const base: Omit<Row, 'index'> = {
      bytes, ext, modrm, plusr, modReq, rmReq, cc: -1, mn16: n16, mn32: n32, operands,
      fread, fwrite, fundef, traits, sem: sem || n32, text: line.trim(), ...operandFacts(operands),
    };
    if (hasCC) {
      for (let cc = 0; cc < 16; cc++) {
        const b = bytes.slice(); b[b.length - 1] += cc;
        rows.push(makeRow({ ...base, bytes: b, cc, mn16: n16 + CC_NAMES[cc], mn32: n32 + CC_NAMES[cc], sem: (sem || n32) + 'cc', index: rows.length }));
      }
    } else rows.push(makeRow({ ...base, index: rows.length }));
  }
  return rows;
}

export const ROWS: readonly Row[] = parseRows(TABLE_TEXT);

/** Decoder index: for each opcode (0..255 one-byte, 256..511 after 0F) either a Row, or for
 *  ModRM-extended opcodes 16 slots [reg*2 + (mod==3 ? 1 : 0)]. */
export type Slot = Row | (Row | undefined)[] | undefined;
export const OPCODE_MAP: Slot[] = new Array(512);

// Rows naming a single opcode go in first; a +r row then fills the free slots of its eight
// (90 is NOP and not XCHG eAX,eAX; 91..97 are XCHG).
for (const r of [...ROWS.filter((x) => !x.plusr), ...ROWS.filter((x) => x.plusr)]) {
  const key = r.bytes.length === 1 ? r.bytes[0] : 256 + r.bytes[1];
  const n = r.plusr ? 8 : 1;
  for (let k = 0; k < n; k++) {
    if (r.ext < 0 && r.modReq === 0) {
      if (OPCODE_MAP[key + k]) { if (r.plusr) continue; throw new Error(`duplicate row for ${r.text}`); }
      OPCODE_MAP[key + k] = r;
      continue;
    }
    let slot = OPCODE_MAP[key + k];
    if (slot === undefined) slot = OPCODE_MAP[key + k] = new Array(16);
    if (!Array.isArray(slot)) throw new Error(`mixed row kinds at ${r.text}`);
    for (let reg = 0; reg < 8; reg++) {
      if (r.ext >= 0 && reg !== r.ext) continue;
      for (let m = 0; m < 2; m++) {
        if ((r.modReq === 1 && m === 1) || (r.modReq === 2 && m === 0)) continue;
        slot[reg * 2 + m] = r;
      }
    }
  }
}
