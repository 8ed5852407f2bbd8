// The first visit of a block in WebAssembly. A block's first run (interpret.ts runOnce)
// decodes and runs an instruction at a time; in JavaScript that path runs in V8's lower tiers
// until its optimizing compiler has compiled it, which on a two-core host takes the first
// several thousand blocks of a fresh process (docs/architecture.md, "Cold code and V8's own
// warm-up"). This module is the same walk compiled for V8's WebAssembly baseline compiler at
// start-up: it decodes with the decoder's own tables (decoder.ts: opcode map, ModRM and
// immediate facts, block-ending facts) and runs the instruction forms listed below, with the
// semantics of src/semantics (the lazy flag record included) written out in WebAssembly; memory
// goes through the segment checks and the TLB as memory.ts's fast path does. At the first
// instruction it does not run (another form, a prefix, a page crossing, a jump past the CS
// limit, an access that would fault, miss the TLB or cross a page) it stops before it, having
// changed nothing for it, and runOnce goes on from there in JavaScript: the instructions, the
// block's end and every fault are what the JavaScript walk gives (tests/jit/first-run-wasm.test.ts
// runs both). Where a block ends, the walk may go on into the next (runFn's chain: first
// visits, and the blocks begun before between them) without returning to the dispatch loop.
//
// Forms (32-bit operand and address size, no prefix; r/m a register or memory; 8 and 32 bits
// where two sizes are listed):
//   ADD OR ADC SBB AND SUB XOR CMP TEST  r/m,r  r,r/m  r/m,imm  AL/EAX,imm   INC DEC r/m  r32
//   MOV r/m,r  r,r/m  r,imm  r/m,imm  AL/EAX,moffs  moffs,AL/EAX;  LEA r32,m
//   MOVZX MOVSX r32,r/m8|r/m16;  IMUL r32,r/m32(,imm);  ROL ROR SHL SHR SAR r32 by imm8 or 1
//   NOT NEG XCHG r/m(,r);  XCHG EAX,r32;  SETcc r/m8;  CMOVcc r32,r/m32;  CDQ
//   Jcc, JMP rel8/rel32, JMP r/m32;  NOP;  on a 32-bit stack: PUSH r32/imm/r/m32, POP r32,
//   CALL rel32 and r/m32, RET (imm16), LEAVE
import { type Cpu, RAM_OFFSET, SEG_OFFSET, ATTR_P, ATTR_DB } from '../src/cpu/state.ts';
import { CS, SS, DS, ESP, EBP, CF, PF, AF, ZF, SF, OF, OSZAPC } from '../src/cpu/regs.ts';
import { L_ADD, L_ADC, L_SUB, L_SBB, L_LOGIC, L_MUL } from '../src/cpu/flags.ts';
import { ROWS, OK_E, OK_G, OK_I, OK_Z, OK_EAX, OK_AL, OK_ONE, SZ_OSZ, T_NOWB, type Row } from '../src/decode/rows.ts';
import { SLOT_ROW, SLOT_GROUP, PREFIX, R_MODRM, IMM_PLAN, IM_B, IM_BS, IM_W, IM_D, IM_V, IM_REL, IM_MOFFS } from '../src/decode/decoder.ts';
import { END_FACTS, E_DIRECT_JMP, E_ENDS, MAX_BLOCK_INSNS } from './block.ts';
import {
  type Code, I32, I64, encodeModule, i32, get, set, eqz, eq, ne, ltU, leU, gtU, geU, add, sub, and, or, xor, shl, shrS, shrU,
  rotl, rotr, load, load8U, load16U, load16S, store, store8, block, loop, if_, ifI32, br, brIf, ret, call, seq, select,
  i64Mul, i64Ne, i64ExtendS, i32Wrap, popcnt, switchOf,
} from './wasm-encode.ts';

// The CPU's memory (state.ts Cpu.memory): registers at 0, the walk's state, the EIPs it ran,
// the segment caches at SEG_OFFSET, the walk's tables, the TLB tables, RAM from RAM_OFFSET.
const S_REGS = 0, S_FLAGS = 32, S_LMASK = 36, S_LOP = 40, S_LA = 44, S_LB = 48, S_LRES = 52, S_LSZ = 56, S_LCIN = 60;
const S_EIP = 64, S_CSLIM = 68, S_STATUS = 72, S_IP = 76, S_OFF = 80, S_FOLLOWED = 84, S_LASTRI = 88, S_RTLB = 92, S_WTLB = 96;
// Going on into the next block (runFn): the fetch TLB, the mode key + 1, the per-page marks
// table (state.ts marksAt) and RAM's pages; out: first visits begun after the first, the
// instructions of the blocks before the one it stopped in, that block's EIP and address, blocks
// begun before that it ran again.
const S_XTLB = 100, S_MODE1 = 104, S_MARKSAT = 108, S_MEMPAGES = 112, S_BLOCKS = 116, S_PRIOR = 120,
  S_BEIP = 124, S_BPHYS = 128, S_AGAIN = 132;
/** Blocks begun before (not first visits) the walk runs one after another before it leaves them
 *  to the dispatch loop (runFn's chain). */
const AGAIN_BETWEEN_FIRST_VISITS = 32;
const EIPS = 256;
// By opcode key (the byte, 256 + the byte after 0F): SLOT_ROW (16 slots), KEY_PREFIX | KEY_GROUP
// (T_KEY); by row, one word of its facts (T_ROW: ROW_* fields), read once per instruction.
const T_SLOT_ROW = 1024, T_KEY = 17408, T_ROW = 17920;
const KEY_PREFIX = 1, KEY_GROUP = 2;
const ROW_FORM = 0, ROW_AUX = 6, ROW_SIZE = 11, ROW_IMK = 14, ROW_MODRM = 1 << 17, ROW_MEMOK = 1 << 18, ROW_END = 24;
const SEG_BASE = SEG_OFFSET + 32, SEG_LIMIT = SEG_OFFSET + 64, SEG_ATTR = SEG_OFFSET + 96;
if (T_ROW + 4 * 1024 > 65536 || EIPS + 4 * MAX_BLOCK_INSNS > SEG_OFFSET || SEG_OFFSET + 128 > T_SLOT_ROW) throw new Error('first-run layout overlaps');

// Forms, by row (FORM), with a per-row operand (AUX): the ALU operation and write-back, the
// shift count's source, the condition code.
const F_BIN_EG = 1, F_BIN_GE = 2, F_BIN_EI = 3, F_BIN_AI = 4, F_MOV_EG = 5, F_MOV_GE = 6, F_MOV_ZI = 7, F_MOV_EI = 8,
  F_LEA = 9, F_SHIFT = 10, F_IMUL3 = 11, F_IMUL2 = 12, F_INC = 13, F_DEC = 14, F_JCC = 15, F_JMP = 16, F_NOP = 17,
  F_PUSH_Z = 18, F_PUSH_I = 19, F_POP_Z = 20, F_CALL = 21, F_RET = 22, F_UNOP_E = 23, F_MOVX = 24, F_CALLN = 25,
  F_JMPN = 26, F_PUSH_E = 27, F_LEAVE = 28, F_MOV_AO = 29, F_MOV_OA = 30, F_SETCC = 31, F_CMOV = 32, F_CDQ = 33,
  F_NOTNEG = 34, F_XCHG_EG = 35, F_XCHG_Z = 36;
/** The forms that take a memory ModRM operand as well (through the TLB). */
const MEM_FORMS = [F_BIN_EG, F_BIN_GE, F_BIN_EI, F_MOV_EG, F_MOV_GE, F_MOV_EI, F_LEA, F_IMUL3, F_IMUL2, F_UNOP_E, F_MOVX,
  F_CALLN, F_JMPN, F_PUSH_E, F_SETCC, F_CMOV, F_NOTNEG, F_XCHG_EG];
const OP_ADD = 0, OP_OR = 1, OP_ADC = 2, OP_SBB = 3, OP_AND = 4, OP_SUB = 5, OP_XOR = 6, OP_CMP = 7, OP_TEST = 8;
const BIN_OPS: Record<string, number> = { add: OP_ADD, or: OP_OR, adc: OP_ADC, sbb: OP_SBB, and: OP_AND, sub: OP_SUB, xor: OP_XOR, cmp: OP_CMP, test: OP_TEST };
/** Immediate kinds the walk decodes (ROW_IMK): none, a byte, a sign-extended byte, 32 bits. */
const K_NONE = 0, K_U8 = 1, K_S8 = 2, K_U16 = 3, K_32 = 4;

/** The form of a row this module runs, with its operand and operand size, or [0, 0, 0]. */
function formOf(r: Row): [number, number, number] {
  const k = r.kinds, sz = r.sizes;
  // The operands' size, 4 (the operand size) or 1, all the same but for immediates (an
  // immediate's own size is how it is encoded: it is decoded extended to 32 bits); 0: other.
  const sizes = new Set(sz.filter((_, j) => k[j] !== OK_I).map((s) => (s === SZ_OSZ ? 4 : s)));
  const size = sizes.size === 1 ? [...sizes][0] : sizes.size === 0 ? 4 : 0;
  const s4 = size === 4 ? 4 : 0, s14 = size === 4 || size === 1 ? size : 0;
  const same = (...want: number[]): boolean => k.length === want.length && want.every((w, j) => k[j] === w);
  const none: [number, number, number] = [0, 0, 0];
  if (r.sem in BIN_OPS) {
    const op = BIN_OPS[r.sem] | (r.traits & T_NOWB ? 0 : 16);
    if (!s14) return none;
    if (same(OK_E, OK_G)) return [F_BIN_EG, op, s14];
    if (same(OK_G, OK_E)) return [F_BIN_GE, op, s14];
    if (same(OK_E, OK_I)) return [F_BIN_EI, op, s14];
    if (same(OK_EAX, OK_I) || same(OK_AL, OK_I)) return [F_BIN_AI, op, s14];
    return none;
  }
  switch (r.sem) {
    case 'mov': {
      if (!s14) return none;
      const f = same(OK_E, OK_G) ? F_MOV_EG : same(OK_G, OK_E) ? F_MOV_GE : same(OK_Z, OK_I) ? F_MOV_ZI : same(OK_E, OK_I) ? F_MOV_EI
        : r.operands.length === 2 && r.operands[1].kind === 'O' && (k[0] === OK_EAX || k[0] === OK_AL) ? F_MOV_AO
        : r.operands.length === 2 && r.operands[0].kind === 'O' && (k[1] === OK_EAX || k[1] === OK_AL) ? F_MOV_OA : 0;
      return f ? [f, 0, s14] : none;
    }
    case 'lea': return sz[0] === SZ_OSZ ? [F_LEA, 0, 4] : none;
    case 'shift':
      // RCL and RCR (ext 2, 3) rotate through CF: left to JavaScript.
      if (sz[0] !== SZ_OSZ || r.ext === 2 || r.ext === 3 || k[0] !== OK_E) return none;
      return k[1] === OK_I ? [F_SHIFT, 0, 4] : k[1] === OK_ONE ? [F_SHIFT, 1, 4] : none;
    case 'imul': return s4 && same(OK_G, OK_E, OK_I) ? [F_IMUL3, 0, 4] : none;
    case 'imul2': return s4 && same(OK_G, OK_E) ? [F_IMUL2, 0, 4] : none;
    case 'inc': return s4 && same(OK_Z) ? [F_INC, 0, 4] : s14 && same(OK_E) ? [F_UNOP_E, 0, s14] : none;
    case 'dec': return s4 && same(OK_Z) ? [F_DEC, 0, 4] : s14 && same(OK_E) ? [F_UNOP_E, 1, s14] : none;
    case 'movzx': case 'movsx':
      // Gv, Eb or Ew: the source's size from the row, the destination 32 bits.
      return sz[0] === SZ_OSZ && (sz[1] === 1 || sz[1] === 2) && same(OK_G, OK_E) ? [F_MOVX, sz[1] | (r.sem === 'movsx' ? 16 : 0), 4] : none;
    case 'jcc': return [F_JCC, r.cc, 4];
    case 'jmp': return r.immAt === 0 && (END_FACTS[r.index] & E_DIRECT_JMP) !== 0 ? [F_JMP, 0, 4] : none;
    case 'jmpn': return s4 && same(OK_E) ? [F_JMPN, 0, 4] : none;
    case 'push': return same(OK_Z) && s4 ? [F_PUSH_Z, 0, 4] : same(OK_I) ? [F_PUSH_I, 0, 4] : same(OK_E) && s4 ? [F_PUSH_E, 0, 4] : none;
    case 'pop': return same(OK_Z) && s4 ? [F_POP_Z, 0, 4] : none;
    case 'call': return r.immAt === 0 && r.operands[0].kind === 'J' ? [F_CALL, 0, 4] : none;
    case 'calln': return s4 && same(OK_E) ? [F_CALLN, 0, 4] : none;
    case 'ret': return [F_RET, 0, 4];
    case 'leave': return [F_LEAVE, 0, 4];
    case 'setcc': return same(OK_E) && size === 1 ? [F_SETCC, r.cc, 1] : none;
    case 'cmovcc': return s4 && same(OK_G, OK_E) ? [F_CMOV, r.cc, 4] : none;
    case 'cdq': return [F_CDQ, 0, 4];
    case 'not': return s14 && same(OK_E) ? [F_NOTNEG, 0, s14] : none;
    case 'neg': return s14 && same(OK_E) ? [F_NOTNEG, 1, s14] : none;
    case 'xchg': return s14 && same(OK_E, OK_G) ? [F_XCHG_EG, 0, s14] : s4 && same(OK_Z, OK_EAX) ? [F_XCHG_Z, 0, 4] : none;
    case 'nop': return r.operands.length === 0 ? [F_NOP, 0, 4] : none;
  }
  return none;
}
function immKindOf(plan: number): number {
  if (plan > 15) return -1;
  switch (plan) {
    case 0: return K_NONE;
    case IM_B: return K_U8;
    case IM_BS: return K_S8;
    case IM_W: return K_U16;
    case IM_D: case IM_V: case IM_REL: case IM_MOFFS: return K_32;
    default: return -1;
  }
}

// Locals of `run` (parameters 0-3: the first instruction's physical address, its EIP, the cap
// on a block's instructions, the instructions the walk may run before it may begin another
// block: 0, none).
const P_PHYS = 0, P_EIP = 1, P_MAX = 2, P_CHAIN = 3;
let nextLocal = 4;
const L = (): number => nextLocal++;
const n = L(), ip = L(), pa = L(), followed = L(), op = L(), key = L(), ri = L(), form = L(), x = L(), mod = L(), reg = L(),
  rm = L(), p = L(), base = L(), index = L(), disp = L(), imm = L(), len = L(), a = L(), b = L(), r = L(), end = L(),
  to = L(), aux = L(), cf = L(), of = L(), cnt = L(), written = L(), t = L(), scale = L(), pb = L(), eaddr = L(), seg = L(),
  pr = L(), pw = L(), sp = L(), v = L(), osz = L(), rw = L(), prior = L(), blocks = L(), beip = L(), bphys = L(), vis = L(), was = L(),
  again = L(), since = L(), rerun = L();
const RUN_I32_LOCALS = nextLocal - 4;
const prod = nextLocal++; // i64

const reg32 = (k: Code): Code => load(add(shl(k, i32(2)), i32(S_REGS)));
const setReg32 = (k: Code, v: Code): Code => store(add(shl(k, i32(2)), i32(S_REGS)), v);
/** Bytes of the block's page (`pb`: where it starts in memory) by page offset; a decode may
 *  read past the page end (the length then says it crosses it). */
const byteAt = (off: Code): Code => load8U(add(off, get(pb)));
const at = (addr: number): Code => load(i32(addr));
const put = (addr: number, v: Code): Code => store(i32(addr), v);
const le32At = (off: Code): Code => load(add(off, get(pb)));
/** Fetch the next byte of the instruction (at p) and advance p. */
const nextByte = (into: number): Code => seq(set(into, byteAt(get(p))), set(p, add(get(p), i32(1))));

// Function indices (`run` is 0).
const FN_STATUS = 1, FN_CC = 2, FN_RAN_AT = 3, FN_PHYS = 4;

/** statusOf (flags.ts) over the record in memory: the six status flags. */
function statusFn(): Code {
  const m = 0, sb = 1, rr = 2, aa = 3, bb = 4, f = 5, lop = 6, sz = 7, s = 8;
  const cfAdd = (le: boolean): Code => (le ? leU(get(rr), get(aa)) : ltU(get(rr), get(aa)));
  const cfSub = (le: boolean): Code => (le ? leU(get(aa), get(bb)) : ltU(get(aa), get(bb)));
  const afOf = (isSub: boolean): Code => or(and(xor(xor(get(aa), get(bb)), get(rr)), i32(AF)),
    select(i32(OF), i32(0), and(and(isSub ? xor(get(aa), get(bb)) : xor(get(aa), get(rr)), isSub ? xor(get(aa), get(rr)) : xor(get(bb), get(rr))), get(sb))));
  const cfFlag = (cond: Code): Code => select(i32(CF), i32(0), cond);
  const addTo = (v: Code): Code => set(f, or(get(f), v));
  const sx = (v: Code): Code => shrS(shl(v, get(s)), get(s));
  return seq(
    set(sz, at(S_LSZ)), set(lop, at(S_LOP)),
    set(m, select(i32(-1), sub(shl(i32(1), shl(get(sz), i32(3))), i32(1)), eq(get(sz), i32(4)))),
    set(sb, shl(i32(1), sub(shl(get(sz), i32(3)), i32(1)))),
    set(rr, and(at(S_LRES), get(m))), set(aa, and(at(S_LA), get(m))), set(bb, and(at(S_LB), get(m))),
    set(f, or(or(select(i32(0), i32(PF), and(popcnt(and(get(rr), i32(0xff))), i32(1))), select(i32(ZF), i32(0), eqz(get(rr)))),
      select(i32(SF), i32(0), and(get(rr), get(sb))))),
    // By kind: L_ADD 1, L_ADC 2, L_SUB 3, L_SBB 4, L_MUL 7; L_LOGIC, L_RES: S Z P only.
    switchOf(get(lop), [5, 0, 1, 2, 3, 5, 5, 4], 5, [
      () => addTo(or(cfFlag(cfAdd(false)), afOf(false))),
      () => addTo(or(cfFlag(ifI32(at(S_LCIN), cfAdd(true), cfAdd(false))), afOf(false))),
      () => addTo(or(cfFlag(cfSub(false)), afOf(true))),
      () => addTo(or(cfFlag(ifI32(at(S_LCIN), cfSub(true), cfSub(false))), afOf(true))),
      () => seq(set(s, sub(i32(32), shl(get(sz), i32(3)))),
        if_(i64Ne(i64Mul(i64ExtendS(sx(at(S_LA))), i64ExtendS(sx(at(S_LB)))), i64ExtendS(sx(at(S_LRES)))), addTo(i32(CF | OF)))),
      () => [],
    ]),
    get(f),
  );
}
if (L_ADD !== 1 || L_ADC !== 2 || L_SUB !== 3 || L_SBB !== 4 || L_LOGIC !== 5 || L_MUL !== 7) throw new Error('lazy flag kinds moved');

/** getFlags (flags.ts): EFLAGS with the lazy status bits evaluated. */
const flagsNow = (): Code => ifI32(eqz(at(S_LMASK)), at(S_FLAGS),
  or(and(at(S_FLAGS), xor(at(S_LMASK), i32(-1))), and(call(FN_STATUS), at(S_LMASK))));
/** getCF's lazy case: CF from the record (its other status bits cost nothing more). */
const lazyCF = (): Code => and(call(FN_STATUS), i32(CF));

/** ccOf (flags.ts): condition `cc` (param 0) from flags, lmask and the record. */
function ccFn(): Code {
  const cc = 0, f = 1, tt = 2;
  const bit = (mask: number): Code => ne(and(get(f), i32(mask)), i32(0));
  const sXorO = (): Code => ne(bit(SF), bit(OF));
  return seq(
    set(f, flagsNow()),
    switchOf(shrU(get(cc), i32(1)), [0, 1, 2, 3, 4, 5, 6], 7, [
      () => set(tt, bit(OF)),
      () => set(tt, bit(CF)),
      () => set(tt, bit(ZF)),
      () => set(tt, ne(and(get(f), i32(CF | ZF)), i32(0))),
      () => set(tt, bit(SF)),
      () => set(tt, bit(PF)),
      () => set(tt, sXorO()),
      () => set(tt, or(bit(ZF), sXorO())),
    ]),
    xor(get(tt), and(get(cc), i32(1))),
  );
}

/** Where in memory an access of `size` (param 3) bytes at `off` (param 1) in segment `seg`
 *  (param 0) goes, for a write when param 2 is set (memory.ts rd/wr's fast path: the segment checks of linear(),
 *  then a TLB hit within one page), or 0 where JavaScript would go further: a segment fault, a
 *  TLB miss, a page crossing, an expand-down segment. A write entry is never made for a page
 *  holding translated code (paging.ts), so a store through one needs no code check. */
function physFn(): Code {
  const sg = 0, off = 1, w = 2, size = 3, attr = 4, lim = 5, l = 6, e = 7;
  const segField = (base: number): Code => load(add(shl(get(sg), i32(2)), i32(base)));
  return seq(
    set(attr, segField(SEG_ATTR)),
    if_(eqz(and(get(attr), i32(ATTR_P))), ret(i32(0))),
    // Code (bit 3): never written, read only if readable (bit 1); data: written only if writable.
    if_(and(get(attr), i32(8)), if_(or(get(w), eqz(and(get(attr), i32(2)))), ret(i32(0))),
      if_(and(get(w), eqz(and(get(attr), i32(2)))), ret(i32(0)))),
    if_(eq(and(get(attr), i32(0xc)), i32(4)), ret(i32(0))),
    set(lim, segField(SEG_LIMIT)),
    if_(ne(get(lim), i32(-1)), if_(or(gtU(get(off), get(lim)), ltU(sub(get(lim), get(off)), sub(get(size), i32(1)))), ret(i32(0)))),
    set(l, add(segField(SEG_BASE), get(off))),
    if_(gtU(and(get(l), i32(0xfff)), sub(i32(0x1000), get(size))), ret(i32(0))),
    set(e, load(add(ifI32(get(w), at(S_WTLB), at(S_RTLB)), shl(shrU(get(l), i32(12)), i32(2))))),
    if_(eqz(get(e)), ret(i32(0))),
    add(or(get(e), and(get(l), i32(0xfff))), i32(RAM_OFFSET)),
  );
}

/** Whether EIP (param 1) is among the first n (param 0) EIPs run in this block. */
function ranAtFn(): Code {
  const nn = 0, e = 1, k = 2;
  return seq(
    set(k, i32(0)),
    block(loop(
      brIf(1, geU(get(k), get(nn))),
      if_(eq(load(add(shl(get(k), i32(2)), i32(EIPS))), get(e)), ret(i32(1))),
      set(k, add(get(k), i32(1))), br(0))),
    i32(0),
  );
}

/** The walk. Returns the instructions run; S_STATUS 0: the block ended (S_EIP is the next EIP),
 *  1: it stopped before the instruction at S_IP (page offset S_OFF) without running it. */
function runFn(): Code {
  // Block structure: $stop (outermost) > $ended > $loop > $next > [instruction] ; br depths are
  // written relative to where they are used.
  const decodeMem = seq(
    // 32-bit ModRM memory forms (SDM vol. 2 table 2-2, 2-3): base, index, displacement.
    set(base, get(rm)), set(index, i32(-1)), set(disp, i32(0)), set(scale, i32(0)),
    if_(eq(get(rm), i32(4)), seq(
      nextByte(x),
      set(scale, shrU(get(x), i32(6))),
      set(index, and(shrU(get(x), i32(3)), i32(7))),
      if_(eq(get(index), i32(4)), set(index, i32(-1))),
      set(base, and(get(x), i32(7))),
      if_(and(eq(get(base), i32(5)), eqz(get(mod))), seq(set(base, i32(-1)), set(disp, le32At(get(p))), set(p, add(get(p), i32(4))))),
    ), if_(and(eq(get(rm), i32(5)), eqz(get(mod))), seq(set(base, i32(-1)), set(disp, le32At(get(p))), set(p, add(get(p), i32(4)))))),
    if_(eq(get(mod), i32(1)), seq(set(disp, shrS(shl(byteAt(get(p)), i32(24)), i32(24))), set(p, add(get(p), i32(1))))),
    if_(eq(get(mod), i32(2)), seq(set(disp, le32At(get(p))), set(p, add(get(p), i32(4))))),
  );
  const modrm = seq(
    nextByte(x),
    set(mod, shrU(get(x), i32(6))), set(reg, and(shrU(get(x), i32(3)), i32(7))), set(rm, and(get(x), i32(7))),
  );
  // Depths inside the instruction body (within $next): $next 0, $loop 1, $ended 2, $stop 3.
  const STOP = 3;
  const decode = seq(
    set(p, get(pa)), set(mod, i32(3)), set(imm, i32(0)),
    nextByte(op),
    set(t, load8U(add(get(op), i32(T_KEY)))),
    brIf(STOP, and(get(t), i32(KEY_PREFIX))),
    set(key, get(op)),
    if_(eq(get(op), i32(0x0f)), seq(nextByte(op), set(key, add(get(op), i32(256))), set(t, load8U(add(get(key), i32(T_KEY)))))),
    if_(and(get(t), i32(KEY_GROUP)),
      seq(modrm, set(ri, load16S(add(shl(add(add(shl(get(key), i32(4)), shl(get(reg), i32(1))), eq(get(mod), i32(3))), i32(1)), i32(T_SLOT_ROW))))),
      set(ri, load16S(add(shl(shl(get(key), i32(4)), i32(1)), i32(T_SLOT_ROW))))),
    brIf(STOP, geU(get(ri), i32(ROWS.length))), // also ri < 0
    set(rw, load(add(shl(get(ri), i32(2)), i32(T_ROW)))),
    if_(and(eqz(and(get(t), i32(KEY_GROUP))), ne(and(get(rw), i32(ROW_MODRM)), i32(0))), modrm),
    set(form, and(shrU(get(rw), i32(ROW_FORM)), i32(63))),
    brIf(STOP, eqz(get(form))),
    if_(ne(get(mod), i32(3)), seq(
      brIf(STOP + 1, eqz(and(get(rw), i32(ROW_MEMOK)))),
      decodeMem,
      // The effective address and its segment: SS for an EBP or ESP base, else DS (no prefix).
      set(eaddr, add(add(get(disp), ifI32(geU(get(base), i32(0x80000000)), i32(0), reg32(get(base)))),
        ifI32(geU(get(index), i32(0x80000000)), i32(0), shl(reg32(get(index)), get(scale))))),
      set(seg, select(i32(SS), i32(DS), or(eq(get(base), i32(4)), eq(get(base), i32(5))))))),
    brIf(STOP, and(eq(get(form), i32(F_LEA)), eq(get(mod), i32(3)))),
    set(aux, and(shrU(get(rw), i32(ROW_AUX)), i32(31))), set(osz, and(shrU(get(rw), i32(ROW_SIZE)), i32(7))),
    // The immediate.
    set(t, and(shrU(get(rw), i32(ROW_IMK)), i32(7))),
    if_(eq(get(t), i32(K_U8)), seq(set(imm, byteAt(get(p))), set(p, add(get(p), i32(1))))),
    if_(eq(get(t), i32(K_S8)), seq(set(imm, shrS(shl(byteAt(get(p)), i32(24)), i32(24))), set(p, add(get(p), i32(1))))),
    if_(eq(get(t), i32(K_U16)), seq(set(imm, load16U(add(get(p), get(pb)))), set(p, add(get(p), i32(2))))),
    if_(eq(get(t), i32(K_32)), seq(set(imm, le32At(get(p))), set(p, add(get(p), i32(4))))),
    set(len, sub(get(p), get(pa))),
    // An instruction that crosses the page end: JavaScript's (runOnce ends the block there).
    brIf(STOP, gtU(get(p), i32(4096))),
  );
  /** The result at a byte operand size (alu.ts masks with sizeMask). */
  const byteResult = if_(eq(get(osz), i32(1)), set(r, and(get(r), i32(0xff))));
  // Lazy records (alu.ts): ADD/SUB keep both operands; the logic operations only the result,
  // masked to the operand size.
  const record = (lop: number, lmask: number, withOperands: boolean): Code => seq(
    byteResult, put(S_LOP, i32(lop)), ...(withOperands ? [put(S_LA, get(a)), put(S_LB, get(b))] : []),
    put(S_LRES, get(r)), put(S_LSZ, get(osz)), put(S_LMASK, i32(lmask)));
  /** getFlags with the status bits `mask` replaced by `v` (shift.ts put; muldiv.ts mulFlags). */
  const eager = (mask: Code, v: Code): Code => seq(
    set(t, flagsNow()),
    put(S_FLAGS, or(and(get(t), xor(mask, i32(-1))), and(v, mask))), put(S_LMASK, i32(0)));
  const szp = (v: Code): Code => or(or(select(i32(0), i32(PF), and(popcnt(and(v, i32(0xff))), i32(1))), select(i32(ZF), i32(0), eqz(v))),
    select(i32(SF), i32(0), ltU(i32(0x7fffffff), v)));
  // CF made concrete before INC/DEC (flags.ts materialize(c, CF)).
  const keepCF = if_(and(at(S_LMASK), i32(CF)), seq(
    put(S_FLAGS, or(and(at(S_FLAGS), i32(~CF)), lazyCF())),
    put(S_LMASK, and(at(S_LMASK), i32(~CF)))));
  const carryIn = ifI32(and(at(S_LMASK), i32(CF)), lazyCF(), and(at(S_FLAGS), i32(CF)));
  const alu = seq(
    // a and b set by the form; aux: operation | 16 for write-back.
    switchOf(and(get(aux), i32(15)), [0, 1, 7, 8, 2, 3, 4, 5, 6], 6, [
      () => seq(set(r, add(get(a), get(b))), record(L_ADD, OSZAPC, true)),
      () => seq(set(r, or(get(a), get(b))), record(L_LOGIC, OSZAPC, false)),
      () => seq(set(r, and(get(a), get(b))), record(L_LOGIC, OSZAPC, false)),
      () => seq(set(r, sub(get(a), get(b))), record(L_SUB, OSZAPC, true)),
      () => seq(set(r, xor(get(a), get(b))), record(L_LOGIC, OSZAPC, false)),
      () => seq(set(r, sub(get(a), get(b))), record(L_SUB, OSZAPC, true)), // cmp
      () => seq(set(r, and(get(a), get(b))), record(L_LOGIC, OSZAPC, false)), // test
      // ADC, SBB (alu.ts): CF in from the flags or the record (getCF), kept in the record.
      () => seq(set(cf, carryIn), set(r, add(add(get(a), get(b)), get(cf))), record(L_ADC, OSZAPC, true), put(S_LCIN, get(cf))),
      () => seq(set(cf, carryIn), set(r, sub(sub(get(a), get(b)), get(cf))), record(L_SBB, OSZAPC, true), put(S_LCIN, get(cf))),
    ]),
  );
  const writesBack = and(get(aux), i32(16));
  const shift = seq(
    // shift.ts shift() at size 4: count masked to 5 bits, no flags for 0.
    set(cnt, and(ifI32(get(aux), i32(1), get(imm)), i32(31))),
    if_(get(cnt), seq(
      set(a, reg32(get(rm))), set(written, i32(OSZAPC)),
      // By ModRM.reg: ROL ROR (RCL RCR have no form) SHL SHR SHL SAR.
      switchOf(get(reg), [0, 1, 4, 4, 2, 3, 2, 4], 4, [
        () => seq(set(r, rotl(get(a), get(cnt))), set(cf, and(get(r), i32(1))), set(of, xor(shrU(get(r), i32(31)), get(cf))),
          set(written, i32(CF | OF))),
        () => seq(set(r, rotr(get(a), get(cnt))), set(cf, shrU(get(r), i32(31))), set(of, xor(get(cf), and(shrU(get(r), i32(30)), i32(1)))),
          set(written, i32(CF | OF))),
        () => seq(set(r, shl(get(a), get(cnt))), set(cf, and(shrU(get(a), sub(i32(32), get(cnt))), i32(1))), set(of, xor(shrU(get(r), i32(31)), get(cf)))),
        () => seq(set(r, shrU(get(a), get(cnt))), set(cf, and(shrU(get(a), sub(get(cnt), i32(1))), i32(1))), set(of, shrU(get(a), i32(31)))),
        () => seq(set(r, shrS(get(a), get(cnt))), set(cf, and(shrS(get(a), sub(get(cnt), i32(1))), i32(1))), set(of, i32(0))),
      ]),
      eager(get(written), or(or(select(i32(CF), i32(0), get(cf)), select(i32(OF), i32(0), get(of))),
        select(szp(get(r)), i32(0), and(get(written), i32(ZF))))),
      setReg32(get(rm), get(r)))),
  );
  const imul = seq(
    // muldiv.ts imulTrunc at size 4: the low half, CF = OF = the product does not fit.
    set(prod, i64Mul(i64ExtendS(get(a)), i64ExtendS(get(b)))),
    set(r, i32Wrap(get(prod))),
    eager(i32(OSZAPC), or(select(i32(CF | OF), i32(0), i64Ne(get(prod), i64ExtendS(get(r)))), szp(get(r)))),
    setReg32(get(reg), get(r)),
  );
  const zreg = and(get(op), i32(7));
  /** A relative transfer's target: the next instruction's EIP plus the immediate. */
  const relTarget = (): Code => add(add(get(ip), get(len)), get(imm));
  // A jump to t (control.ts jumpTo): past the CS limit it faults, so JavaScript runs it; `out`
  // is the number of constructs between here and $next's inside.
  const jumpTo = (out: number): Code => seq(brIf(STOP + out, gtU(get(t), at(S_CSLIM))), set(to, get(t)));
  // General registers at the operand size (operands.ts getReg/setReg): 1 is AL..BH (4-7 the
  // second byte of EAX..EBX), 4 the whole register.
  const regAddr = (k: Code): Code => add(shl(and(k, i32(3)), i32(2)), i32(S_REGS));
  const byteShift = (k: Code): Code => shl(shrU(k, i32(2)), i32(3));
  const getR = (k: Code): Code => ifI32(eq(get(osz), i32(4)), reg32(k), and(shrU(load(regAddr(k)), byteShift(k)), i32(0xff)));
  const setR = (k: Code, val: Code): Code => if_(eq(get(osz), i32(4)), setReg32(k, val),
    store(regAddr(k), or(and(load(regAddr(k)), xor(shl(i32(0xff), byteShift(k)), i32(-1))), shl(and(val, i32(0xff)), byteShift(k)))));
  const loadSized = (addr: Code): Code => ifI32(eq(get(osz), i32(4)), load(addr), load8U(addr));
  const storeSized = (addr: Code, val: Code): Code => if_(eq(get(osz), i32(4)), store(addr, val), store8(addr, val));
  // The r/m operand read (pr: its address) or the destination checked for writing (pw), with
  // `out` constructs between here and $next's inside; stops where JavaScript would go further.
  const readE = (out: number, into: number): Code => if_(ne(get(mod), i32(3)), seq(
    set(pr, call(FN_PHYS, get(seg), get(eaddr), i32(0), get(osz))), brIf(STOP + out + 1, eqz(get(pr))), set(into, loadSized(get(pr)))),
  set(into, getR(get(rm))));
  const checkWrite = (out: number): Code => seq(set(pw, call(FN_PHYS, get(seg), get(eaddr), i32(1), get(osz))), brIf(STOP + out, eqz(get(pw))));
  /** A stack slot at `at` (SS, 32-bit stack only) into pr or pw. */
  const stackSlot = (out: number, at: Code, write: boolean): Code => seq(
    brIf(STOP + out, eqz(and(load(i32(SEG_ATTR + SS * 4)), i32(ATTR_DB)))),
    set(write ? pw : pr, call(FN_PHYS, i32(SS), at, i32(write ? 1 : 0), i32(4))), brIf(STOP + out, eqz(get(write ? pw : pr))));
  const esp = reg32(i32(ESP));
  /** PUSH of `val` (stack.ts pushValue): stored below ESP, then ESP moves. */
  const push = (out: number, val: Code): Code => seq(set(sp, sub(esp, i32(4))), stackSlot(out, get(sp), true), store(get(pw), val), setReg32(i32(ESP), get(sp)));
  const arms: ((out: number) => Code)[] = [];
  // An r/m destination read, changed and written back (semantics/index.ts binop, unop): for
  // memory both the write and the read must go through (JavaScript probes the write first).
  const readModifyE = (out: number, writes: Code): Code => if_(ne(get(mod), i32(3)), seq(
    set(pr, call(FN_PHYS, get(seg), get(eaddr), i32(0), get(osz))), brIf(STOP + out + 1, eqz(get(pr))),
    if_(writes, checkWrite(out + 2)),
    set(a, loadSized(get(pr)))),
  set(a, getR(get(rm))));
  /** r/m written with `val` (a local), checked for writing first when it is memory. */
  const writeCheckedE = (out: number, val: Code): Code => if_(ne(get(mod), i32(3)), seq(checkWrite(out + 1), storeSized(get(pw), val)), setR(get(rm), val));
  const writeE = (writes: Code): Code => if_(writes, if_(eq(get(mod), i32(3)), setR(get(rm), get(r)), storeSized(get(pw), get(r))));
  const binE = (out: number, src: Code): Code => seq(readModifyE(out, writesBack), set(b, src), alu, writeE(writesBack));
  arms[F_BIN_EG - 1] = (out) => binE(out, getR(get(reg)));
  arms[F_BIN_GE - 1] = (out) => seq(set(a, getR(get(reg))), readE(out, b), alu, if_(writesBack, setR(get(reg), get(r))));
  arms[F_BIN_EI - 1] = (out) => binE(out, get(imm));
  arms[F_BIN_AI - 1] = () => seq(set(a, getR(i32(0))), set(b, get(imm)), alu, if_(writesBack, setR(i32(0), get(r))));
  arms[F_MOV_EG - 1] = (out) => if_(ne(get(mod), i32(3)), seq(checkWrite(out + 1), storeSized(get(pw), getR(get(reg)))), setR(get(rm), getR(get(reg))));
  arms[F_MOV_GE - 1] = (out) => seq(readE(out, v), setR(get(reg), get(v)));
  arms[F_MOV_ZI - 1] = () => setR(zreg, get(imm));
  arms[F_MOV_EI - 1] = (out) => if_(ne(get(mod), i32(3)), seq(checkWrite(out + 1), storeSized(get(pw), get(imm))), setR(get(rm), get(imm)));
  // MOV AL/EAX, moffs and back: DS:imm32 (no prefix).
  arms[F_MOV_AO - 1] = (out) => seq(set(pr, call(FN_PHYS, i32(DS), get(imm), i32(0), get(osz))), brIf(STOP + out, eqz(get(pr))), setR(i32(0), loadSized(get(pr))));
  arms[F_MOV_OA - 1] = (out) => seq(set(pw, call(FN_PHYS, i32(DS), get(imm), i32(1), get(osz))), brIf(STOP + out, eqz(get(pw))), storeSized(get(pw), getR(i32(0))));
  // INC/DEC r/m (alu.ts inc, dec): CF made concrete first, then the record without CF.
  arms[F_UNOP_E - 1] = (out) => seq(readModifyE(out, i32(1)), keepCF, set(b, i32(1)),
    if_(get(aux), seq(set(r, sub(get(a), i32(1))), record(L_SUB, OSZAPC & ~CF, true)), seq(set(r, add(get(a), i32(1))), record(L_ADD, OSZAPC & ~CF, true))),
    writeE(i32(1)));
  // MOVZX/MOVSX r32, r/m8 or r/m16 (data.ts): the source at its own size.
  arms[F_MOVX - 1] = (out) => seq(
    set(osz, and(get(aux), i32(3))),
    if_(ne(get(mod), i32(3)), seq(
      set(pr, call(FN_PHYS, get(seg), get(eaddr), i32(0), get(osz))), brIf(STOP + out + 1, eqz(get(pr))),
      set(v, ifI32(eq(get(osz), i32(1)), load8U(get(pr)), load16U(get(pr))))),
    set(v, ifI32(eq(get(osz), i32(1)), getR(get(rm)), and(reg32(get(rm)), i32(0xffff))))),
    if_(and(get(aux), i32(16)), set(v, ifI32(eq(get(osz), i32(1)), shrS(shl(get(v), i32(24)), i32(24)), shrS(shl(get(v), i32(16)), i32(16))))),
    setReg32(get(reg), get(v)));
  arms[F_LEA - 1] = () => setReg32(get(reg), get(eaddr));
  arms[F_SHIFT - 1] = () => shift;
  arms[F_IMUL3 - 1] = (out) => seq(readE(out, a), set(b, get(imm)), imul);
  arms[F_IMUL2 - 1] = (out) => seq(set(a, reg32(get(reg))), readE(out, b), imul);
  arms[F_INC - 1] = () => seq(keepCF, set(a, reg32(zreg)), set(b, i32(1)), set(r, add(get(a), i32(1))), record(L_ADD, OSZAPC & ~CF, true), setReg32(zreg, get(r)));
  arms[F_DEC - 1] = () => seq(keepCF, set(a, reg32(zreg)), set(b, i32(1)), set(r, sub(get(a), i32(1))), record(L_SUB, OSZAPC & ~CF, true), setReg32(zreg, get(r)));
  arms[F_JCC - 1] = (out) => seq(set(t, relTarget()), if_(call(FN_CC, get(aux)), jumpTo(out + 1)));
  arms[F_JMP - 1] = (out) => seq(set(t, relTarget()), jumpTo(out));
  arms[F_NOP - 1] = () => [];
  // PUSH/POP (stack.ts): the store or load before ESP moves; POP ESP leaves the value popped.
  arms[F_PUSH_Z - 1] = (out) => seq(set(v, reg32(zreg)), push(out, get(v)));
  arms[F_PUSH_I - 1] = (out) => push(out, get(imm));
  arms[F_POP_Z - 1] = (out) => seq(stackSlot(out, esp, false), set(v, load(get(pr))), setReg32(i32(ESP), add(esp, i32(4))), setReg32(zreg, get(v)));
  // CALL rel32 and r/m32, RET (control.ts call, calln, ret): the target checked against the CS
  // limit, then the stack.
  const callT = (out: number): Code => seq(brIf(STOP + out, gtU(get(t), at(S_CSLIM))), push(out, add(get(ip), get(len))), set(to, get(t)));
  arms[F_CALL - 1] = (out) => seq(set(t, relTarget()), callT(out));
  // JMP r/m32, PUSH r/m32 (control.ts jmpn, stack.ts push): the operand read first.
  arms[F_CALLN - 1] = (out) => seq(readE(out, t), callT(out));
  arms[F_JMPN - 1] = (out) => seq(readE(out, t), jumpTo(out));
  arms[F_PUSH_E - 1] = (out) => seq(readE(out, v), push(out, get(v)));
  // SETcc r/m8, CMOVcc r32,r/m32 (data.ts: CMOVcc reads its source whatever the condition).
  arms[F_SETCC - 1] = (out) => seq(set(r, call(FN_CC, get(aux))), writeCheckedE(out, get(r)));
  arms[F_CMOV - 1] = (out) => seq(readE(out, v), if_(call(FN_CC, get(aux)), setReg32(get(reg), get(v))));
  // CDQ (data.ts cdq): EDX the sign of EAX.
  arms[F_CDQ - 1] = () => setReg32(i32(2), shrS(reg32(i32(0)), i32(31)));
  // NOT (no flags) and NEG (alu.ts: SUB from 0) of r/m.
  arms[F_NOTNEG - 1] = (out) => seq(readModifyE(out, i32(1)),
    if_(get(aux), seq(set(b, get(a)), set(a, i32(0)), set(r, sub(i32(0), get(b))), record(L_SUB, OSZAPC, true)), seq(set(r, xor(get(a), i32(-1))), byteResult)),
    writeE(i32(1)));
  // XCHG r/m,r (data.ts xchg: the r/m operand probed for writing and read, then both written).
  arms[F_XCHG_EG - 1] = (out) => seq(readModifyE(out, i32(1)), set(r, getR(get(reg))), writeE(i32(1)), setR(get(reg), get(a)));
  arms[F_XCHG_Z - 1] = () => seq(set(v, reg32(zreg)), setReg32(zreg, reg32(i32(0))), setReg32(i32(0), get(v)));
  // LEAVE (stack.ts leave): ESP from EBP, EBP popped.
  arms[F_LEAVE - 1] = (out) => seq(set(sp, reg32(i32(EBP))), stackSlot(out, get(sp), false), set(v, load(get(pr))),
    setReg32(i32(ESP), add(get(sp), i32(4))), setReg32(i32(EBP), get(v)));
  arms[F_RET - 1] = (out) => seq(stackSlot(out, esp, false), set(t, load(get(pr))), brIf(STOP + out, gtU(get(t), at(S_CSLIM))),
    setReg32(i32(ESP), add(esp, add(i32(4), get(imm)))), set(to, get(t)));
  const execute = seq(
    set(to, add(get(ip), get(len))),
    switchOf(sub(get(form), i32(1)), arms.map((_, k) => k), F_NOP - 1, arms),
    put(S_EIP, get(to)),
  );
  // The block's end after an instruction (block.ts formBlock, interpret.ts runOnce).
  const after = seq(
    store(add(shl(get(n), i32(2)), i32(EIPS)), get(ip)),
    set(n, add(get(n), i32(1))),
    put(S_LASTRI, get(ri)),
    set(end, shrU(get(rw), i32(ROW_END))),
    // followedJump: a direct JMP to the block's linear page, not run yet in this block.
    if_(and(get(end), i32(E_DIRECT_JMP)), seq(
      set(to, relTarget()),
      if_(and(eq(shrU(get(to), i32(12)), shrU(get(beip), i32(12))), and(ltU(get(n), get(P_MAX)), eqz(call(FN_RAN_AT, get(n), get(to))))), seq(
        set(pa, and(get(to), i32(0xfff))), set(ip, get(to)), set(followed, i32(1)), br(1 + 1))))), // continue $loop
    brIf(1, and(get(end), i32(E_ENDS))),
    set(pa, add(get(pa), get(len))), set(ip, add(get(ip), get(len))),
    brIf(1, geU(get(pa), i32(4096))),
    // (WebAssembly's `and` evaluates both operands: the search only once a JMP was followed.)
    if_(get(followed), brIf(2, call(FN_RAN_AT, get(n), get(ip)))),
  );
  // The next block, when the walk may go on into it: its EIP within the CS limit, its linear
  // page in the fetch TLB, its physical page in RAM with code marks in the CPU's memory
  // (marksAt). A block not begun at its offset in this mode before is a first visit (jit.ts
  // firstVisit: the walk marks it); one begun before the walk runs too, from its bytes as the
  // first tier would (its cached translation, if any, is of the same bytes: a store into them
  // would have dropped it, and no write TLB entry is made for a page with translated code),
  // up to AGAIN_BETWEEN_FIRST_VISITS of them after the last first visit: code that runs new
  // code among old (a loop calling new functions) stays here, code that loops in old code goes
  // back to the dispatch loop to be counted and compiled. The dispatch loop's checks between
  // blocks are the caller's (jit.ts firstRun gives no P_CHAIN when an interrupt is pending):
  // the walk's forms change neither the mode, nor TF or IF, nor anything the runtime watches.
  // Depths: $stop 0, $chain 1, $done 2.
  const DONE = 2;
  const chain = seq(
    set(prior, add(get(prior), get(n))),
    brIf(DONE, geU(get(prior), get(P_CHAIN))),
    set(t, at(S_EIP)),
    brIf(DONE, gtU(get(t), at(S_CSLIM))),
    set(x, add(load(i32(SEG_BASE + CS * 4)), get(t))),
    set(a, load(add(at(S_XTLB), shl(shrU(get(x), i32(12)), i32(2))))),
    brIf(DONE, eqz(get(a))),
    set(x, or(get(a), and(get(x), i32(0xfff)))),
    set(key, shrU(get(x), i32(12))),
    brIf(DONE, geU(get(key), at(S_MEMPAGES))),
    set(vis, load(add(shl(get(key), i32(2)), at(S_MARKSAT)))),
    brIf(DONE, eqz(get(vis))),
    set(vis, add(get(vis), and(get(x), i32(0xfff)))),
    set(was, load8U(get(vis))),
    set(rerun, eq(get(was), at(S_MODE1))),
    if_(get(rerun), seq(
      brIf(DONE + 1, geU(get(since), i32(AGAIN_BETWEEN_FIRST_VISITS))),
      set(since, add(get(since), i32(1))), set(again, add(get(again), i32(1)))),
    seq(store8(get(vis), at(S_MODE1)), set(since, i32(0)), set(blocks, add(get(blocks), i32(1))))),
    set(beip, get(t)), set(bphys, get(x)),
    br(1), // $chain
  );
  const undo = if_(get(rerun), set(again, sub(get(again), i32(1))),
    seq(store8(get(vis), get(was)), set(blocks, sub(get(blocks), i32(1)))));
  return seq(
    set(prior, i32(0)), set(blocks, i32(0)), set(again, i32(0)), set(since, i32(0)), set(rerun, i32(0)), set(beip, get(P_EIP)), set(bphys, get(P_PHYS)),
    block( // $done: the last block begun ended
      loop( // $chain: a block from its first instruction
        set(n, i32(0)), set(ip, get(beip)), set(pa, and(get(bphys), i32(0xfff))), set(followed, i32(0)),
        set(pb, add(and(get(bphys), i32(~0xfff)), i32(RAM_OFFSET))),
        block( // $stop
          block( // $ended
            loop( // $loop
              brIf(1, geU(get(n), get(P_MAX))),
              block( // $next: the instruction
                decode,
                execute,
              ),
              after,
              br(0),
            ),
          ),
          chain,
        ),
        // Stopped before the first instruction of a block it went on into: as if it had not
        // (nothing of that block ran; the dispatch loop looks it up).
        if_(and(eqz(get(n)), ne(add(get(blocks), get(again)), i32(0))), seq(undo, br(2))),
        put(S_STATUS, i32(1)), put(S_IP, get(ip)), put(S_OFF, get(pa)), put(S_FOLLOWED, get(followed)),
        put(S_BLOCKS, get(blocks)), put(S_AGAIN, get(again)), put(S_PRIOR, get(prior)), put(S_BEIP, get(beip)), put(S_BPHYS, get(bphys)),
        ret(add(get(prior), get(n))),
      ),
    ),
    put(S_STATUS, i32(0)), put(S_BLOCKS, get(blocks)), put(S_AGAIN, get(again)),
    get(prior),
  );
}
// E_REP needs a REP prefix and E_COUNT_READER rows have no form here: neither can end a block
// this walk runs (it stops at every prefix and every row without a form).

function buildTables(mem: Uint8Array): void {
  if (ROWS.length > 1024) throw new Error('first-run tables: more than 1024 rows');
  new Int16Array(mem.buffer, T_SLOT_ROW, SLOT_ROW.length).set(SLOT_ROW);
  for (let key = 0; key < 512; key++) mem[T_KEY + key] = (key < 256 && PREFIX[key] ? KEY_PREFIX : 0) | (SLOT_GROUP[key] ? KEY_GROUP : 0);
  const words = new Int32Array(mem.buffer, T_ROW, ROWS.length);
  for (const row of ROWS) {
    const [f, x, size] = formOf(row);
    const k = immKindOf(IMM_PLAN[row.index]), form = k < 0 ? 0 : f;
    if (x > 31 || size > 7 || END_FACTS[row.index] > 255) throw new Error('first-run tables: a row fact does not fit');
    words[row.index] = (form << ROW_FORM) | (x << ROW_AUX) | (size << ROW_SIZE) | ((k < 0 ? 0 : k) << ROW_IMK) |
      (R_MODRM[row.index] ? ROW_MODRM : 0) | (MEM_FORMS.includes(form) ? ROW_MEMOK : 0) | (END_FACTS[row.index] << ROW_END);
  }
}

/** The module's bytes. */
export function firstRunModule(): Uint8Array<ArrayBuffer> {
  return encodeModule([
    { params: [I32, I32, I32, I32], results: [I32], locals: [...Array(RUN_I32_LOCALS).fill(I32), I64], body: runFn(), export: 'run' },
    { params: [], results: [I32], locals: Array(9).fill(I32), body: statusFn() },
    { params: [I32], results: [I32], locals: [I32, I32], body: ccFn() },
    { params: [I32, I32], results: [I32], locals: [I32], body: ranAtFn() },
    { params: [I32, I32, I32, I32], results: [I32], locals: [I32, I32, I32, I32], body: physFn() },
  ], 1);
}

let module: WebAssembly.Module | null = null;
/** A CPU's instance of the walk. */
export interface Walker { run: (phys: number, eip: number, max: number, chain: number) => number; s: Int32Array }
/** Each CPU's instance of the module over its memory, made at its first walk. */
const walkers = new WeakMap<Cpu, Walker | null>();
/** The CPU's walk (made at the first call: the module is compiled once per process), null when
 *  the CPU has no WebAssembly memory. */
export function firstRunWalker(c: Cpu): Walker | null {
  let w = walkers.get(c);
  if (w !== undefined) return w;
  w = null;
  if (c.memory) {
    module ??= new WebAssembly.Module(firstRunModule());
    buildTables(new Uint8Array(c.memory.buffer, 0, RAM_OFFSET));
    const inst = new WebAssembly.Instance(module, { env: { memory: c.memory } });
    w = { run: inst.exports.run as Walker['run'], s: new Int32Array(c.memory.buffer, 0, (EIPS >> 2) + MAX_BLOCK_INSNS) };
    w.s[S_MARKSAT >> 2] = c.marksAt.byteOffset; w.s[S_MEMPAGES >> 2] = c.memPages;
  }
  walkers.set(c, w);
  return w;
}

/** What the last walk left: whether it stopped before an instruction, and where (`ip`, page
 *  offset `off`, in the block that starts at `eip`, physical `phys`, after `prior` instructions
 *  of the blocks before it); the first visits it began after the first block (`blocks`) and
 *  the blocks begun before that it ran again (`again`). */
export const walkStop = { stopped: false, ip: 0, off: 0, followed: false, lastRow: -1, blocks: 0, again: 0, prior: 0, eip: 0, phys: 0 };

/** Run the block at `eip` (its first byte at physical `phys`) from its first instruction as
 *  far as this module's forms go, with the CPU's walk `w`, and on into the blocks after it
 *  (mode `mode`; runFn's chain) while fewer than `chain` instructions have run (0: the one
 *  block only). Returns the instructions run (the CPU's state is theirs); walkStop says whether
 *  the last block begun ended or where the walk stopped in it, and when it stopped, `eips` gets
 *  the EIPs it ran in that block. */
export function walkFirstRun(w: Walker, c: Cpu, eip: number, phys: number, maxInsns: number, eips: Int32Array, mode = 0, chain = 0): number {
  const s = w.s;
  s[S_XTLB >> 2] = c.xtlb.byteOffset; s[S_MODE1 >> 2] = mode + 1;
  s[S_FLAGS >> 2] = c.flags; s[S_LMASK >> 2] = c.lmask; s[S_LOP >> 2] = c.lop; s[S_LA >> 2] = c.la; s[S_LB >> 2] = c.lb;
  s[S_LRES >> 2] = c.lres; s[S_LSZ >> 2] = c.lsz; s[S_LCIN >> 2] = c.lcin; s[S_CSLIM >> 2] = c.slimit[CS];
  s[S_RTLB >> 2] = c.rtlb.byteOffset; s[S_WTLB >> 2] = c.wtlb.byteOffset;
  const k = w.run(phys, eip, maxInsns, chain);
  const st = walkStop;
  st.stopped = s[S_STATUS >> 2] !== 0;
  st.blocks = s[S_BLOCKS >> 2]; st.again = s[S_AGAIN >> 2];
  if (k > 0) {
    c.flags = s[S_FLAGS >> 2]; c.lmask = s[S_LMASK >> 2]; c.lop = s[S_LOP >> 2]; c.la = s[S_LA >> 2]; c.lb = s[S_LB >> 2];
    c.lres = s[S_LRES >> 2]; c.lsz = s[S_LSZ >> 2]; c.lcin = s[S_LCIN >> 2];
    c.eip = s[S_EIP >> 2];
    st.lastRow = s[S_LASTRI >> 2];
  }
  if (st.stopped) {
    st.ip = s[S_IP >> 2]; st.off = s[S_OFF >> 2]; st.followed = s[S_FOLLOWED >> 2] !== 0;
    const prior = st.prior = s[S_PRIOR >> 2];
    st.eip = s[S_BEIP >> 2]; st.phys = s[S_BPHYS >> 2];
    for (let j = 0; j < k - prior; j++) eips[j] = s[(EIPS >> 2) + j];
  }
  return k;
}
