// Decoded instruction -> Intel-syntax text, as binutils objdump prints it (`objdump -d -M intel`,
// 32-bit code, runs of blanks between mnemonic and operands shown as one space).
//
// Everything comes from the row: mnemonic (mn16/mn32 by operand size), operand kinds and size
// codes (table.ts legend). Prefixes that the instruction does not use are printed by name before
// the mnemonic, as objdump does (lock/rep first, then segment, data16, addr16).
import { type Insn, UD_ROW } from './decoder.ts';
import { opSize, T_REP, T_JUMP, type Operand } from './rows.ts';
import { REG8_NAMES, REG16_NAMES, REG32_NAMES, SREG_NAMES, EBX, ESP, ESI, EDI, ES, DS } from '../cpu/regs.ts';

const hex = (v: number): string => '0x' + (v >>> 0).toString(16);
const signedHex = (v: number): string => (v < 0 ? '-' + hex(-v) : '+' + hex(v));

function reg(n: number, bytes: number): string {
  return bytes === 1 ? REG8_NAMES[n] : bytes === 2 ? REG16_NAMES[n] : REG32_NAMES[n];
}

/** Width in bytes of size code `s` at operand size osz: rows.ts's opSize, except that
 *  codes objdump prints without a PTR size (M without a size; 's', the 6-byte pseudo-descriptor)
 *  give 0. */
function width(s: string, osz: number): number {
  return s === '' || s === 's' ? 0 : opSize(s, osz);
}

// Presentation facts the table legend has no item for yet, keyed by the row's semantic name.
/** E operands that name a full register (operand size) but a word in memory (r16/r32/m16). */
const REG_V_MEM_W = new Set(['movsr', 'sldt', 'str', 'smsw', 'lar', 'lsl']);
/** Mnemonic pair (mn16/mn32) chosen by the address size: the count register is CX or ECX. */
const ASZ_MNEMONIC = new Set(['jecxz']);
/** A byte operand at DS:[eBX+AL], printed as objdump does: BYTE PTR ds:[ebx]. */
const IMPLICIT_XLAT = new Set(['xlat']);
/** Instructions that an F3 prefix turns into another name (REP NOP is PAUSE). */
const F3_MNEMONIC = new Map([['nop', 'pause']]);

/** Mnemonic of the generic x87 rows, which carry no operand detail yet. */
const X87_PLACEHOLDER = 'fpu';

const PTR: Record<number, string> = { 1: 'BYTE PTR ', 2: 'WORD PTR ', 4: 'DWORD PTR ', 6: 'FWORD PTR ', 8: 'QWORD PTR ' };

/** Size codes whose width follows the operand-size attribute (so 0x66 is consumed). */
const OSZ_SIZES = new Set(['v', 'z', 'p', 'a', 'bs']);

class Printer {
  segUsed = false;
  oszUsed = false;
  aszUsed = false;
  /** The segment override that applies to memory operands (-1 when none, or taken as NOTRACK). */
  readonly seg: number;
  /** A DS prefix on an indirect near branch is the CET NOTRACK hint to objdump. */
  readonly notrack: boolean;
  constructor(readonly i: Insn) {
    const row = i.row;
    this.notrack = i.seg === DS && (row.traits & T_JUMP) !== 0 && row.operands.some((o) => o.kind === 'E');
    this.seg = this.notrack ? -1 : i.seg;
  }

  /** The segment prefix text for a memory operand whose default segment is DS (or SS). */
  private segPrefix(): string {
    if (this.seg < 0) return '';
    this.segUsed = true;
    return SREG_NAMES[this.seg] + ':';
  }

  /** A ModRM memory operand: [base+index*scale+disp] in the instruction's address size. */
  private modrmMem(): string {
    const i = this.i;
    this.aszUsed = true;
    const seg = this.segPrefix();
    const parts: string[] = [];
    let disp = '';
    if (i.asz === 2) {
      if (i.base < 0) return (seg || 'ds:') + hex(i.disp & 0xffff);
      parts.push(REG16_NAMES[i.base]);
      if (i.index >= 0) parts.push(REG16_NAMES[i.index]);
      if (i.mod !== 0) disp = signedHex((i.disp << 16) >> 16);
    } else {
      const sib = i.rm === 4;
      if (i.base < 0 && !sib) return (seg || 'ds:') + hex(i.disp);
      if (i.base >= 0) parts.push(REG32_NAMES[i.base]);
      // objdump names an absent SIB index "eiz" unless the SIB only selects ESP as the base.
      if (i.index >= 0) parts.push(`${REG32_NAMES[i.index]}*${1 << i.scale}`);
      else if (sib && (i.base !== ESP || i.scale !== 0)) parts.push(`eiz*${1 << i.scale}`);
      if (i.mod !== 0 || i.base < 0) disp = signedHex(i.disp | 0);
    }
    return `${seg}[${parts.join('+')}${disp}]`;
  }

  /** Implicit memory operand at seg:[eR]: the segment is overridable unless it is fixed (ES). */
  private implicitMem(r: number, fixedSeg: number): string {
    this.aszUsed = true;
    const seg = fixedSeg >= 0 ? SREG_NAMES[fixedSeg] + ':' : this.segPrefix() || 'ds:';
    return `${seg}[${this.i.asz === 2 ? REG16_NAMES[r] : REG32_NAMES[r]}]`;
  }

  operand(op: Operand, immIndex: number): string {
    const i = this.i, osz = i.osz;
    let size = op.size;
    if (op.kind === 'E' && REG_V_MEM_W.has(i.row.sem)) size = i.mod === 3 ? 'v' : 'w';
    if (OSZ_SIZES.has(size)) this.oszUsed = true;
    const w = width(size, osz);
    switch (op.kind) {
      case 'fixed': return this.fixed(op.fixed!);
      case 'G': return reg(i.reg, w);
      case 'Z': return reg(i.zreg, w);
      case 'R': return reg(i.rm, w);
      case 'S': return SREG_NAMES[i.reg] ?? '?';
      case 'C': return `cr${i.reg}`;
      case 'D': return `dr${i.reg}`;
      case 'E': case 'M': {
        if (i.mod === 3) return reg(i.rm, w);
        // A memory operand without a size code: a byte address when it stands alone (INVLPG m,
        // PREFETCHh m8), no size at all as LEA's source.
        const bytes = w || (size === '' && i.row.operands.length === 1 ? 1 : 0);
        return (PTR[bytes] ?? '') + this.modrmMem();
      }
      case 'X': return PTR[w] + this.implicitMem(ESI, -1);
      case 'Y': return PTR[w] + this.implicitMem(EDI, ES);
      // objdump takes the moffs width from the address size without counting 0x67 as used.
      case 'O': return (this.segPrefix() || 'ds:') + hex(i.imm);
      case 'I': {
        const v = immIndex === 0 ? i.imm : i.imm2;
        const bytes = size === 'bs' ? osz : w;
        return hex(bytes === 4 ? v : v & ((1 << (bytes * 8)) - 1));
      }
      case 'J': {
        // With a 16-bit displacement the target wraps within the low 64 KiB.
        const target = i.eip + i.len + i.imm;
        return hex(size !== 'b' && osz === 2 ? target & 0xffff : target);
      }
      case 'A': return `${hex(i.imm2)}:${hex(i.imm)}`;
    }
    throw new Error(`no text for operand ${op.kind}${op.size} of ${i.row.text}`);
  }

  /** Generic x87 rows: escape byte and ModRM reg digit, then st(i) or the memory operand. */
  private x87Placeholder(): string {
    const i = this.i;
    const esc = i.row.bytes[0].toString(16);
    return `fpu ${esc}/${i.reg} ${i.mod === 3 ? `st(${i.rm})` : this.modrmMem()}`;
  }

  private fixed(f: string): string {
    if (f === 'eAX') { this.oszUsed = true; return this.i.osz === 2 ? 'ax' : 'eax'; }
    return f.toLowerCase();
  }

  text(): string {
    const i = this.i, row = i.row;
    if (row.mn32 === X87_PLACEHOLDER) return this.x87Placeholder();
    // An undefined opcode is "(bad)" after all of its prefixes.
    const undef = row === UD_ROW;
    let immIndex = 0;
    const ops = undef ? [] : row.operands.map((op) => {
      const s = this.operand(op, immIndex);
      if ('IJO'.includes(op.kind)) immIndex++;
      return s;
    });
    if (IMPLICIT_XLAT.has(row.sem)) ops.push('BYTE PTR ' + this.implicitMem(EBX, -1));
    let mnemonic = undef ? '(bad)' : i.mnemonic;
    if (undef) { /* no prefix is used */ } else if (ASZ_MNEMONIC.has(row.sem)) {
      mnemonic = i.asz === 2 ? row.mn16 : row.mn32;
      this.aszUsed = true;
    } else if (row.mn16 !== row.mn32) this.oszUsed = true;
    const pre: string[] = [];
    if (i.lock) pre.push('lock');
    if (i.rep === 0xf3 && F3_MNEMONIC.has(row.sem)) mnemonic = F3_MNEMONIC.get(row.sem)!;
    else if (i.rep === 0xf3) pre.push(row.traits & T_REP ? 'rep' : 'repz');
    else if (i.rep === 0xf2) pre.push('repnz');
    if (this.notrack) pre.push('notrack');
    else if (i.seg >= 0 && !this.segUsed) pre.push(SREG_NAMES[i.seg]);
    if (i.osz === 2 && !this.oszUsed) pre.push('data16');
    if (i.asz === 2 && !this.aszUsed) pre.push('addr16');
    const head = [...pre, mnemonic].join(' ');
    return ops.length ? `${head} ${ops.join(',')}` : head;
  }
}

/** The instruction as objdump's Intel syntax prints it (32-bit code). */
export function disassemble(i: Insn): string {
  return new Printer(i).text();
}
