// Test-case generator driven by the opcode table: for every integer row (and each operand
// size it has), random and edge-value cases with register and memory operands, both address
// sizes, flags in, counts 0/1/31/32 for shifts, zero and overflowing divides. Memory operands
// are aimed at the oracle layout (tests/oracle/PROTOCOL.md): mostly the seeded window, some
// page-crossing, read-only and not-present addresses.
import { ROWS, T_X87, T_NORACLE, T_LOCK, T_NOWB, T_REP, T_REPCC, type Row } from '../../src/decode/rows.ts';
import { decodeBytes } from '../../src/decode/decoder.ts';
import { CODE_BASE, DATA_BASE, RO_BASE, STACK_BASE, WINDOW, WINDOW_LEN, seededWindow, type OracleCase } from '../../tests/oracle/protocol.ts';

export class Rng {
  constructor(private s: number) { if (!s) this.s = 1; }
  u32(): number { let x = this.s; x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; this.s = x; return x; }
  int(n: number): number { return this.u32() % n; }
  pick<T>(a: readonly T[]): T { return a[this.int(a.length)]; }
  chance(p: number): boolean { return this.u32() / 4294967296 < p; }
}

const EDGE = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0xfffffffe];
const COUNTS = [0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 255];
/** Selectors the harness models: null, LDT entries (and one past the LDT), Linux GDT user/kernel. */
export const SELECTORS = [0, 3, 0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x47, 0x04, 0x0c, 0x23, 0x2b, 0x33, 0x18, 0x10, 0x28, 0x29, 0x2a, 0x20, 0x21, 0x1b];
/** Code selectors for far transfers; never 0x33, which would switch the host to 64-bit mode. */
const FAR_SELECTORS = [0x23, 0x23, 0x23, 0x1f, 0x3f, 0x37, 0x2b, 0, 0x47, 0x10, 0x08, 0x2f, 0x20];
const STACK_TOP = STACK_BASE + 0x800;

/** push imm of operand size osz (68 iz, with 66 for 16 bits). */
function pushImm(v: number, osz: number): number[] { return osz === 2 ? [0x66, 0x68, v & 0xff, (v >> 8) & 0xff] : [0x68, ...le(v, 4)]; }
/** Transfer targets land on the int3 padding of the code pages (the snippet sits below 0x200):
 *  running into the snippet's own bytes would execute arbitrary code whose undefined flags
 *  cannot be masked. */
function codeTarget(r: Rng): number { return CODE_BASE + 0x400 + r.int(0x1c00); }
function farTarget(r: Rng, _codeOffset: number): number { return codeTarget(r); }

function value(r: Rng): number {
  const k = r.int(4);
  if (k === 0) return r.pick(EDGE) >>> 0;
  if (k === 1) return r.int(256);
  return r.u32();
}

/** Does a row's first operand name a register size by operand size? */
function hasV(row: Row): boolean {
  return row.mn16 !== row.mn32 || row.operands.some((o) => o.size === 'v' || o.size === 'z' || o.size === 'p' || o.size === 'a' || o.fixed === 'eAX');
}

/** One oracle form: a row at an operand size. */
export interface Form { row: Row; osz: number; }
export function oracleForms(): Form[] {
  const forms: Form[] = [];
  for (const row of ROWS) {
    if (row.traits & (T_X87 | T_NORACLE)) continue;
    forms.push({ row, osz: 4 });
    if (hasV(row)) forms.push({ row, osz: 2 });
  }
  return forms;
}
export const formKey = (row: Row, osz: number): string => `${row.text.split('|')[0].trim().replace(/\s+/g, ' ')} ${row.mn32}${hasV(row) ? (osz === 2 ? ' o16' : ' o32') : ''}`;

interface Mem { bytes: number[]; mod: number; rm: number; }

/** Choose an address for a memory operand of `size` bytes. Returns a linear offset. */
function target(r: Rng, size: number, a16: boolean): number {
  const p = r.u32() / 4294967296;
  const base = a16 ? 0 : DATA_BASE;
  if (p < 0.82) return base + (WINDOW - DATA_BASE) + r.int(WINDOW_LEN - Math.min(size, 8) + 1);
  if (p < 0.86) return base + 0x2000 - 1 - r.int(Math.max(1, size - 1)); // crosses into the guard page
  if (p < 0.90) return a16 ? 0x3000 + r.int(0x100) : RO_BASE + r.int(0x100);
  if (p < 0.93) return base + 0x1000 - 1 - r.int(Math.max(1, size - 1)); // crosses between data pages
  if (p < 0.96) return a16 ? 0x2000 + r.int(0x80) : DATA_BASE + 0x2000 + r.int(0x80);
  return base + r.int(0x2000 - size);
}

/** Build ModRM (mod != 3) + SIB + displacement hitting `t`, adjusting registers. */
function memOperand(r: Rng, regs: number[], t: number, a16: boolean, reg: number): Mem | null {
  if (a16) {
    const rm = r.int(8);
    const mod = rm === 6 && r.chance(0.3) ? 0 : r.int(3);
    if (mod === 0 && rm === 6) return { bytes: [t & 0xff, (t >> 8) & 0xff], mod: 0, rm: 6 };
    const pairs: [number, number][] = [[3, 6], [3, 7], [5, 6], [5, 7], [6, -1], [7, -1], [5, -1], [3, -1]];
    const [b, x] = pairs[rm];
    const disp = mod === 0 ? 0 : mod === 1 ? (r.int(256) << 24) >> 24 : r.int(0x10000);
    let rest = t - disp;
    if (x >= 0) { const xv = r.int(0x100); regs[x] = (regs[x] & ~0xffff) | xv; rest -= xv; }
    if (b === reg && x === -1) { /* value fixed by address; fine */ }
    regs[b] = (regs[b] & ~0xffff) | (rest & 0xffff);
    const bytes = mod === 0 ? [] : mod === 1 ? [disp & 0xff] : [disp & 0xff, (disp >> 8) & 0xff];
    return { bytes, mod, rm };
  }
  const kind = r.int(4);
  if (kind === 0) {
    const d = t >>> 0;
    return { bytes: [d & 0xff, (d >> 8) & 0xff, (d >> 16) & 0xff, d >>> 24], mod: 0, rm: 5 };
  }
  const mod = r.int(3);
  const disp = mod === 0 ? 0 : mod === 1 ? (r.int(256) << 24) >> 24 : (r.chance(0.5) ? r.int(0x2000) - 0x1000 : r.u32() | 0);
  const dispBytes = mod === 0 ? [] : mod === 1 ? [disp & 0xff] : [disp & 0xff, (disp >> 8) & 0xff, (disp >> 16) & 0xff, disp >>> 24];
  if (kind === 1) {
    let rm = r.int(8);
    if (rm === 4) rm = 3;
    if (rm === 5 && mod === 0) rm = 6;
    regs[rm] = (t - disp) | 0;
    return { bytes: dispBytes, mod, rm };
  }
  // SIB
  const scale = r.int(4);
  let index = r.int(8);
  let base = r.int(8);
  if (base === 5 && mod === 0) {
    // no base: disp32 + index*scale
    if (index === 4) index = 6;
    const iv = r.int(64);
    regs[index] = iv;
    const d = (t - (iv << scale)) | 0;
    return { bytes: [(scale << 6) | (index << 3) | 5, d & 0xff, (d >> 8) & 0xff, (d >> 16) & 0xff, d >>> 24], mod: 0, rm: 4 };
  }
  if (index === base && index !== 4) index = 4; // [base] with no index
  if (index !== 4) {
    const iv = r.chance(0.2) ? -r.int(64) : r.int(64);
    regs[index] = iv;
    regs[base] = (t - disp - (iv << scale)) | 0;
  } else regs[base] = (t - disp) | 0;
  return { bytes: [(scale << 6) | (index << 3) | base, ...dispBytes], mod, rm: 4 };
}

function le(v: number, n: number): number[] { const o: number[] = []; for (let k = 0; k < n; k++) o.push((v >>> (k * 8)) & 0xff); return o; }

/** Generate one case for a form; may return null when a combination is impossible. */
export function genCase(form: Form, r: Rng): OracleCase | null {
  const { row, osz } = form;
  const regs = Array.from({ length: 8 }, () => value(r));
  regs[4] = (STACK_TOP - r.int(16) * 4) >>> 0;
  if (r.chance(0.1)) regs[4] = (WINDOW + r.int(WINDOW_LEN - 8)) >>> 0;
  const seed = r.u32() || 1;
  let eflags = r.u32() & 0x8d5;
  if (r.chance(0.2)) eflags |= 0x400;
  const memOk = row.modrm && row.modReq !== 2;
  const regOk = row.modrm && row.modReq !== 1;
  const isMem = memOk && (!regOk || r.chance(0.55));
  const sem = row.sem;
  const str = (row.traits & (T_REP | T_REPCC)) !== 0;
  const a16 = (isMem || str || ['xlat', 'loop', 'loope', 'loopne', 'jecxz'].includes(sem) || row.operands.some((o) => o.kind === 'O')) && r.chance(0.25);
  let flags = 0;
  const sels = [0x2b, 0x2b, 0, 0x63];
  if (a16) { flags |= 1; sels[0] = 0x07; sels[1] = 0x07; }

  const pre: number[] = [];
  if (osz === 2) pre.push(0x66);
  if (a16) pre.push(0x67);
  if (isMem && r.chance(0.1)) pre.push(r.pick([0x3e, 0x26, 0x36]));
  if (str && r.chance(0.6)) pre.push(row.traits & T_REPCC ? r.pick([0xf2, 0xf3]) : 0xf3);
  if (isMem && (row.traits & T_LOCK) && !(row.traits & T_NOWB) && r.chance(0.2)) pre.push(0xf0);
  if (!isMem && (row.traits & T_LOCK) && r.chance(0.02)) pre.push(0xf0); // #UD

  const op = row.bytes.slice();
  if (row.plusr) op[op.length - 1] += r.int(8);
  let modrm: number[] = [];
  let reg = row.ext >= 0 ? row.ext : r.int(8);
  if (sem === 'movsr') reg = r.chance(0.9) ? r.pick([0, 2, 3, 4, 5]) : r.pick([1, 6, 7]);
  const opSizeBytes = row.operands[0]?.size === 'b' ? 1 : osz;
  let memSize = opSizeBytes;
  if (row.operands.some((o) => o.size === 'q')) memSize = 8;
  if (row.operands.some((o) => o.size === 'p' || o.size === 'a')) memSize = osz * 2 + 2;
  if (row.modrm) {
    if (isMem) {
      const t = target(r, memSize, a16);
      const m = memOperand(r, regs, t, a16, reg);
      if (!m) return null;
      modrm = [(m.mod << 6) | (reg << 3) | m.rm, ...m.bytes];
    } else modrm = [0xc0 | (reg << 3) | (row.rmReq >= 0 ? row.rmReq : r.int(8))];
  }
  // Immediates and other operands.
  const imm: number[] = [];
  for (const o of row.operands) {
    if (o.kind === 'I') {
      const n = o.size === 'v' || o.size === 'z' ? osz : o.size === 'w' ? 2 : o.size === 'd' ? 4 : 1;
      let v = row.sem === 'shift' || row.sem === 'shiftd' ? r.pick(COUNTS) : value(r);
      if (sem === 'enter') v = imm.length === 0 ? r.int(64) : r.pick([0, 1, 2, 3, 31]);
      if (sem === 'aam' || sem === 'aad') v = r.pick([10, 0, 16, 7, r.int(256)]);
      // RETF imm16: a large release makes the order of the stack and CS checks vendor-specific.
      if (sem === 'retf') v = r.int(0x40) * 2;
      if (sem === 'int') { v = r.pick([3, 4, r.int(256), r.int(32)]); if (v === 0x80) v = 0x81; }
      imm.push(...le(v, n));
    } else if (o.kind === 'J') {
      const n = o.size === 'b' ? 1 : osz;
      // rel32 targets stay within +-128 KiB: beyond the layout the host's own mappings differ.
      // Mostly forward onto the int3 padding past the snippet, sometimes anywhere near.
      const v = n === 1 ? (r.chance(0.85) ? 20 + r.int(108) : r.int(256)) : n === 2 ? r.int(0x10000) : (r.chance(0.8) ? 0x300 + r.int(0xc00) : r.int(0x40000) - 0x20000);
      imm.push(...le(v, n));
    } else if (o.kind === 'A') {
      imm.push(...le(farTarget(r, 0x100), osz), ...le(r.pick(FAR_SELECTORS), 2));
    } else if (o.kind === 'O') {
      imm.push(...le(target(r, opSizeBytes, a16), a16 ? 2 : 4));
    }
  }
  // Operand-specific register set-up.
  const setup: number[] = [];
  const win = seededWindow(seed);
  if (row.operands.some((o) => o.fixed === 'CL')) regs[1] = (regs[1] & ~0xff) | r.pick(COUNTS);
  if (str) {
    const si = target(r, opSizeBytes, a16), di = target(r, opSizeBytes, a16);
    regs[6] = a16 ? (regs[6] & ~0xffff) | si : si; regs[7] = a16 ? (regs[7] & ~0xffff) | di : di;
    if (r.chance(0.3)) { regs[6] = a16 ? 0x100 : DATA_BASE + 0x100; regs[7] = a16 ? 0x180 : DATA_BASE + 0x180; }
    const cnt = r.pick([0, 1, 2, 3, 5, 8, 16]);
    regs[1] = a16 ? (regs[1] & ~0xffff) | cnt : cnt;
  }
  if (sem === 'xlat') regs[3] = a16 ? (regs[3] & ~0xffff) | (WINDOW - DATA_BASE) : WINDOW;
  if (sem === 'div' || sem === 'idiv') {
    if (r.chance(0.6)) regs[2] = sem === 'idiv' ? (regs[0] >> 31) >>> 0 : r.int(4);
  }
  if (sem === 'cmpxchg8b' && r.chance(0.5)) { /* EDX:EAX = memory: filled below once the address is known */ }
  if (sem === 'leave') regs[5] = r.chance(0.7) ? STACK_TOP + r.int(8) * 4 : WINDOW + r.int(64);
  if (sem === 'enter') regs[5] = STACK_TOP + 0x100;
  if (sem === 'bound' && r.chance(0.5)) regs[reg] = r.int(16);
  if (['loop', 'loope', 'loopne', 'jecxz'].includes(sem)) regs[1] = r.pick([0, 1, 2, 0x10000, 0x10001, value(r)]);
  if (sem === 'ret' && r.chance(0.7)) setup.push(0x68, ...le(codeTarget(r), 4));
  if ((sem === 'jmpn' || sem === 'calln') && !isMem) regs[modrm[0] & 7] = codeTarget(r);
  if (sem === 'popf' || sem === 'popfw') setup.push(0x68, ...le(r.u32() & ~0x40100 & 0xffffff, 4));
  if (sem === 'pop' && row.operands[0].kind === 'fixed') setup.push(0x68, ...le(r.pick(SELECTORS), 4));
  if (sem === 'movsr' && row.bytes[0] === 0x8e && !isMem) regs[modrm[0] & 7] = (regs[modrm[0] & 7] & ~0xffff) | r.pick(SELECTORS);
  if (['lar', 'lsl', 'verr', 'verw', 'arpl'].includes(sem) && !isMem) regs[modrm[0] & 7] = (regs[modrm[0] & 7] & ~0xffff) | r.pick(SELECTORS);
  if (sem === 'lseg' && r.chance(0.8)) {
    // Store a modelled selector after the offset: mov word ds:[ea+osz], sel.
    const i = decodeBytes([...pre, ...op, ...modrm, ...imm], CODE_BASE);
    if (i.seg < 0 || i.seg === 3) {
      let a = i.disp + (i.base >= 0 ? regs[i.base] : 0) + (i.index >= 0 ? regs[i.index] << i.scale : 0);
      a = i.asz === 2 ? a & 0xffff : a | 0;
      const at = (a + osz) | 0;
      const seg16 = i.eaSeg === 2 ? [0x3e] : [];
      if (i.eaSeg === 2 && a16) { /* SS-based 16-bit forms address low memory; leave as is */ } else setup.push(0x66, 0xc7, 0x05, ...le(at, 4), ...le(r.pick(SELECTORS), 2));
      void seg16;
    }
  }
  if (sem === 'retf') { setup.push(...pushImm(r.pick(FAR_SELECTORS), osz), ...pushImm(farTarget(r, 0x100), osz)); }
  if (sem === 'iret') {
    const fl = (r.u32() & 0x8d5) | 0x202;
    setup.push(...pushImm(fl, osz), ...pushImm(r.pick(FAR_SELECTORS), osz), ...pushImm(farTarget(r, 0x100), osz));
  }
  if ((sem === 'callf' || sem === 'jmpf') && isMem && r.chance(0.8)) {
    const i = decodeBytes([...pre, ...op, ...modrm, ...imm], CODE_BASE);
    if ((i.seg < 0 || i.seg === 3) && !(i.eaSeg === 2 && a16)) {
      let a = i.disp + (i.base >= 0 ? regs[i.base] : 0) + (i.index >= 0 ? regs[i.index] << i.scale : 0);
      a = i.asz === 2 ? a & 0xffff : a | 0;
      const off = farTarget(r, 0x100);
      setup.push(...(osz === 2 ? [0x66, 0xc7, 0x05, ...le(a, 4), ...le(off, 2)] : [0xc7, 0x05, ...le(a, 4), ...le(off, 4)]));
      setup.push(0x66, 0xc7, 0x05, ...le((a + osz) | 0, 4), ...le(r.pick(FAR_SELECTORS), 2));
    }
  }
  const code = [...setup, ...pre, ...op, ...modrm, ...imm];
  if (code.length - setup.length > 15) return null;
  void win;
  return { flags: flags | (setup.length << 8), regs: regs.map((x) => x >>> 0), eflags, seed, codeOffset: 0x100 + r.int(0x40), sels, code };
}

/** Multi-instruction cases for block mode: 2..6 register-form instructions with fully
 *  defined results (no undefined flags), so lazy-flag and register-caching bugs show. */
export function genSequence(r: Rng, forms: Form[]): OracleCase | null {
  const simple = forms.filter((f) => f.row.fundef === 0 && f.row.sem !== 'shift' && f.row.sem !== 'shiftd' && !(f.row.traits & (T_REP | T_REPCC)) && !/^(j|call|ret|loop|int|into|bound|ud2|undefined|push|pop|enter|leave|jecxz|movsr|lseg|lar|lsl|verr|verw|arpl|xlat|pusha|popa|pushaw|popaw|popf|popfw|pushf|pushfw|cmpxchg8b)/.test(f.row.sem));
  const n = 2 + r.int(5);
  const parts: number[][] = [];
  let base: OracleCase | null = null;
  for (let k = 0, tries = 0; k < n && tries < 100; k++, tries++) {
    const f = r.pick(simple);
    const c = genCase(f, r);
    if (!c || c.flags) return null;
    // Register-only forms only: memory addresses depend on registers the earlier instructions change.
    const i = decodeBytes(c.code, 0);
    if (i.isMem || i.row.operands.some((o) => o.kind === 'O' || o.kind === 'X' || o.kind === 'Y')) { k--; continue; }
    parts.push(c.code);
    if (!base) base = c;
  }
  if (!base) return null;
  // Half the sequences end in a Jcc, often right after a 32-bit CMP/SUB/TEST/AND, so block
  // mode's compare+branch fusion meets the real CPU; the target is the int3 padding after the
  // code or the completion int3 itself.
  if (r.chance(0.5)) {
    if (r.chance(0.6)) parts.push([r.pick([0x39, 0x3b, 0x29, 0x2b, 0x85, 0x21, 0x31, 0x09]), 0xc0 | r.int(64)]);
    parts.push([0x70 + r.int(16), r.int(12)]);
  }
  return { ...base, code: parts.flat() };
}
