// Segment descriptors and the protected-mode rules for loading segment registers and for far
// control transfers (SDM vol. 3 §3.4–3.5 descriptors, §5.4–5.6 privilege checks on segment
// loads, §5.8 far transfers and call gates; vol. 2 MOV, JMP, CALL, RET, IRET pseudocode).
//
// Every operation here follows one discipline so that a fault leaves no visible change: read
// and check everything first (descriptor reads, stack reads, segment limits, page probes of
// every store), and only then commit registers, descriptor caches and stack stores. The one
// exception is the accessed bit of a descriptor, which the processor itself sets as part of
// the load and does not undo.
import type { Cpu } from './state.ts';
import { ATTR_P, ATTR_S, ATTR_DB, ATTR_G } from './state.ts';
import { CS, SS, DS, ES, FS, GS, ESP, VM, IF, IOPL, NT, RF, AC, ID, VIF, VIP, OSZAPC, TF, DF, CR0_PE, FLAGS_FIXED1 } from './regs.ts';
import { readLin, writeLin, probeWrite, rd } from './memory.ts';
import { ACC_U, selectTlb } from './paging.ts';
import { fault, GP, NP, SS_, TS } from './fault.ts';
import { getFlags, setFlagsAll } from './flags.ts';

// Descriptor type field (bits 8..11 of the high dword, SDM vol. 3 §3.4.5.1 and table 3-2).
export const TY_ACCESSED = 1, TY_RW = 2, TY_EC = 4, TY_CODE = 8;
export const SYS_TSS16 = 1, SYS_LDT = 2, SYS_TSS16_BUSY = 3, SYS_CALLGATE16 = 4, SYS_TASKGATE = 5,
  SYS_INTGATE16 = 6, SYS_TRAPGATE16 = 7, SYS_TSS32 = 9, SYS_TSS32_BUSY = 0xb, SYS_CALLGATE32 = 0xc,
  SYS_INTGATE32 = 0xe, SYS_TRAPGATE32 = 0xf;

/** The 8 bytes of a descriptor as two little-endian dwords, plus where they came from. */
export class Descriptor {
  /** The selector that named it (as given, RPL included). */
  sel = 0;
  /** Linear address of the descriptor in its table. */
  addr = 0;
  lo = 0;
  hi = 0;
  /** Descriptor bits 40..55, the form the descriptor caches keep (Cpu.sattr). */
  get attr(): number { return (this.hi >>> 8) & 0xffff; }
  get type(): number { return (this.hi >>> 8) & 0xf; }
  /** S flag clear: a system descriptor (TSS, LDT, gate). */
  get system(): boolean { return (this.hi & 0x1000) === 0; }
  get code(): boolean { return (this.hi & 0x1800) === 0x1800; }
  get data(): boolean { return (this.hi & 0x1800) === 0x1000; }
  get conforming(): boolean { return (this.hi & 0x1c00) === 0x1c00; }
  get readable(): boolean { return this.data || (this.hi & 0x200) !== 0; }
  get writableData(): boolean { return (this.hi & 0x1a00) === 0x1200; }
  get dpl(): number { return (this.hi >>> 13) & 3; }
  get present(): boolean { return (this.hi & 0x8000) !== 0; }
  get base(): number { return ((this.lo >>> 16) | ((this.hi & 0xff) << 16) | (this.hi & 0xff000000)) | 0; }
  /** The effective limit: the highest valid offset, scaled by G (SDM vol. 3 §3.4.5). */
  get limit(): number {
    const raw = (this.lo & 0xffff) | (this.hi & 0xf0000);
    return this.hi & 0x800000 ? ((raw << 12) | 0xfff) : raw;
  }
  // Gate fields (SDM vol. 3 figure 5-8 call gate, figure 6-2 IDT gates).
  get gateSel(): number { return this.lo >>> 16; }
  /** A 32-bit gate's offset is split over both dwords; a 16-bit gate uses only the low word. */
  get gateOffset(): number { return this.hi & 0x800 ? ((this.lo & 0xffff) | (this.hi & 0xffff0000)) : this.lo & 0xffff; }
  get gateParams(): number { return this.hi & 0x1f; }
  get gate32(): boolean { return (this.hi & 0x800) !== 0; }
}

/**
 * Hardware task switching (through a task gate, a TSS descriptor in a far JMP/CALL, or IRET
 * with NT=1) is not supported: Xen PV guests never use it. Each attempt raises #GP with the
 * selector involved and is counted here so that an embedder can report it.
 */
export const unsupportedTaskSwitches = { count: 0 };
export function taskSwitchUnsupported(error: number): never {
  unsupportedTaskSwitches.count++;
  return fault(GP, error);
}

/** The single place CPL changes: the software TLB tables follow the privilege (paging.ts). */
export function setCpl(c: Cpu, cpl: number): void {
  c.cpl = cpl;
  selectTlb(c);
}

/** CR0.PE clear or EFLAGS.VM set: segment registers hold paragraph numbers, no descriptors. */
export function realLike(c: Cpu): boolean {
  return !(c.cr0 & CR0_PE) || (c.flags & VM) !== 0;
}

/**
 * Read the descriptor named by `sel` from the GDT or LDT (TI bit). The reads are implicit
 * supervisor accesses (SDM vol. 3 §4.6), so they work at any CPL. A selector whose index lies
 * beyond the table limit raises `vector` with the selector's index and TI as error code plus
 * `ext` (SDM vol. 3 §6.13). A null LDT has limit 0, so every LDT selector fails then.
 * Returns null instead of faulting when `vector` is -1 (LAR, LSL, VERR, VERW).
 */
export function readDescriptor(c: Cpu, sel: number, d: Descriptor, vector: number, ext = 0): Descriptor | null {
  const idx = sel & 0xfff8;
  const local = (sel & 4) !== 0;
  const tbase = local ? c.ldtBase : c.gdtBase, tlimit = local ? c.ldtLimit : c.gdtLimit;
  if ((idx | 7) >>> 0 > tlimit >>> 0) {
    if (vector < 0) return null;
    fault(vector, (sel & 0xfffc) | ext);
  }
  d.sel = sel & 0xffff;
  d.addr = (tbase + idx) | 0;
  d.lo = readLin(c, d.addr, 4, 0);
  d.hi = readLin(c, (d.addr + 4) | 0, 4, 0);
  return d;
}
/** readDescriptor that always faults on a bad index (the common case). */
export function fetchDescriptor(c: Cpu, sel: number, d: Descriptor, vector = GP, ext = 0): Descriptor {
  return readDescriptor(c, sel, d, vector, ext)!;
}

/** Set the accessed bit of a code or data descriptor in memory (SDM vol. 3 §3.4.5.1): a
 *  one-byte supervisor store, skipped when the bit is already set. */
export function setAccessed(c: Cpu, d: Descriptor): void {
  if (d.hi & 0x100) return;
  d.hi |= 0x100;
  writeLin(c, (d.addr + 5) | 0, 1, (d.hi >>> 8) & 0xff, 0);
}

/** Fill segment register `sreg` and its hidden cache from a descriptor. */
export function loadCache(c: Cpu, sreg: number, sel: number, d: Descriptor): void {
  c.sel[sreg] = sel & 0xffff;
  c.sbase[sreg] = d.base;
  c.slimit[sreg] = d.limit;
  c.sattr[sreg] = d.attr;
}
/** A null selector in DS/ES/FS/GS: the register is unusable (P clear), so any access through
 *  it raises #GP(0) in linear() (SDM vol. 3 §5.4.1). */
export function loadNull(c: Cpu, sreg: number, sel: number): void {
  c.sel[sreg] = sel & 0xffff;
  c.sbase[sreg] = 0;
  c.slimit[sreg] = 0;
  c.sattr[sreg] = 0;
}

/**
 * Segment load in real-address or virtual-8086 mode: base = selector * 16. Real mode keeps the
 * limit and the size bits (the "big real mode" behaviour of P6 parts) and makes the segment a
 * present read/write one at DPL 0; virtual-8086 mode forces a 64 KiB DPL-3 segment
 * (SDM vol. 3 §20.1.1, §20.2.1). CS gets the same read/write data type: neither mode has
 * protection checks, so stores through a CS override work (the reset state of CS is likewise
 * "present, R/W, accessed", SDM vol. 3 table 9-1).
 */
export function loadRealSegment(c: Cpu, sreg: number, sel: number): void {
  sel &= 0xffff;
  c.sel[sreg] = sel;
  c.sbase[sreg] = sel << 4;
  if (c.flags & VM) {
    c.slimit[sreg] = 0xffff;
    c.sattr[sreg] = ATTR_P | ATTR_S | (3 << 5) | TY_RW | TY_ACCESSED;
  } else {
    c.sattr[sreg] = (c.sattr[sreg] & (ATTR_DB | ATTR_G | 0xf00)) | ATTR_P | ATTR_S | TY_RW | TY_ACCESSED;
  }
}

const scratch = new Descriptor();

/**
 * Load a data or stack segment register (MOV, POP, LDS/LES/LFS/LGS/LSS) with every check of
 * SDM vol. 3 §5.4.1 and §5.6 and the MOV pseudocode of vol. 2:
 *  SS: null -> #GP(0); index beyond the table -> #GP(sel); RPL != CPL, not a writable data
 *      segment, or DPL != CPL -> #GP(sel); not present -> #SS(sel).
 *  DS/ES/FS/GS: null -> loaded and unusable; index beyond the table -> #GP(sel); system
 *      descriptor or execute-only code -> #GP(sel); data or non-conforming code with
 *      RPL > DPL or CPL > DPL -> #GP(sel); not present -> #NP(sel).
 * (Error codes carry the selector with its RPL bits cleared.) CS is never loaded this way:
 * MOV to CS is #UD and far transfers use the functions below.
 * Loading SS also inhibits interrupts and debug traps until the next instruction completes
 * (SDM vol. 2 MOV); that shadow is the dispatch loop's business.
 */
export function loadSegment(c: Cpu, sreg: number, sel: number): void {
  sel &= 0xffff;
  if (realLike(c)) { loadRealSegment(c, sreg, sel); return; }
  if (sreg === CS) throw new Error('loadSegment cannot load CS; far transfers do');
  const err = sel & 0xfffc, rpl = sel & 3;
  if (sreg === SS) {
    if (err === 0) fault(GP, 0);
    const d = fetchDescriptor(c, sel, scratch);
    if (rpl !== c.cpl || !d.writableData || d.dpl !== c.cpl) fault(GP, err);
    if (!d.present) fault(SS_, err);
    setAccessed(c, d);
    loadCache(c, SS, sel, d);
    return;
  }
  if (err === 0) { loadNull(c, sreg, sel); return; }
  const d = fetchDescriptor(c, sel, scratch);
  if (d.system || !d.readable) fault(GP, err);
  if (!d.conforming && (rpl > d.dpl || c.cpl > d.dpl)) fault(GP, err);
  if (!d.present) fault(NP, err);
  setAccessed(c, d);
  loadCache(c, sreg, sel, d);
}

// ---------------------------------------------------------------------------------------
// Stack frames built before they are committed.

/** Does an access of `size` bytes at `off` fit a segment with this limit and attr? The same
 *  rules as linear() (SDM vol. 3 §5.3), for stacks that are not loaded yet. */
export function fitsSegment(limit: number, attr: number, off: number, size: number): boolean {
  const lim = limit >>> 0, o = off >>> 0, last = o + size - 1;
  if ((attr & (TY_CODE | TY_EC)) === TY_EC) {
    const top = attr & ATTR_DB ? 0xffffffff : 0xffff;
    return o > lim && last <= top;
  }
  return last <= lim || lim === 0xffffffff;
}

/**
 * A sequence of pushes onto a stack (the current one or one about to be loaded). plan() does the
 * segment-limit checks, probe() the paging checks, commit() the stores, in that order, so that
 * the caller can put its own checks between them in the order the SDM lists them.
 */
export class StackFrame {
  private offs: number[] = [];
  private vals: number[] = [];
  /** The final stack pointer (ESP with SP replaced for a 16-bit stack). */
  sp = 0;
  constructor(private c: Cpu, private base: number, private limit: number, private attr: number,
    sp: number, private size: number, private acc: number) { this.sp = sp; }

  static current(c: Cpu, size: number): StackFrame {
    return new StackFrame(c, c.sbase[SS], c.slimit[SS], c.sattr[SS], c.regs[ESP], size, c.cpl === 3 ? ACC_U : 0);
  }

  push(v: number): this { this.vals.push(v); return this; }

  /** Segment-limit checks of every slot; a slot outside raises fault(vector, error). */
  plan(vector: number, error: number): this {
    const b32 = (this.attr & ATTR_DB) !== 0, sz = this.size;
    let s = this.sp;
    for (let k = 0; k < this.vals.length; k++) {
      s = b32 ? (s - sz) | 0 : (s - sz) & 0xffff;
      if (!fitsSegment(this.limit, this.attr, s, sz)) fault(vector, error);
      this.offs.push(s);
    }
    this.sp = b32 ? s : (this.sp & ~0xffff) | s;
    return this;
  }
  probe(): this {
    for (const o of this.offs) probeWrite(this.c, (this.base + o) | 0, this.size, this.acc);
    return this;
  }
  commit(): void {
    for (let k = 0; k < this.offs.length; k++) writeLin(this.c, (this.base + this.offs[k]) | 0, this.size, this.vals[k], this.acc);
  }
}

/** Stack address size of the current SS. */
const stack32 = (c: Cpu): boolean => (c.sattr[SS] & ATTR_DB) !== 0;
/** Read the stack slot `at` bytes above the stack pointer (current SS; #SS(0) outside it). */
function stackRead(c: Cpu, at: number, sz: number): number {
  const off = stack32(c) ? (c.regs[ESP] + at) | 0 : (c.regs[ESP] + at) & 0xffff;
  return rd(c, SS, off, sz);
}
/** ESP moved up by `delta` in the current stack's address size. */
function stackRelease(c: Cpu, delta: number): void {
  if (stack32(c)) c.regs[ESP] = (c.regs[ESP] + delta) | 0;
  else c.regs[ESP] = (c.regs[ESP] & ~0xffff) | ((c.regs[ESP] + delta) & 0xffff);
}

/**
 * The inner stack for privilege `dpl` from the current TSS (SDM vol. 3 §7.2.1 figures 7-2 and
 * 7-11): ESPn/SSn of a 32-bit TSS, SPn/SSn of a 16-bit one. Outside the TSS limit:
 * #TS(TSS selector + ext).
 */
export function tssStack(c: Cpu, dpl: number, ext: number): { ss: number; esp: number } {
  const t = c.trAttr & 0xf;
  const err = (c.trSel & 0xfffc) | ext;
  if (t === SYS_TSS16 || t === SYS_TSS16_BUSY) {
    const off = 2 + dpl * 4;
    if (off + 3 > c.trLimit >>> 0) fault(TS, err);
    return { esp: readLin(c, (c.trBase + off) | 0, 2, 0), ss: readLin(c, (c.trBase + off + 2) | 0, 2, 0) };
  }
  const off = 4 + dpl * 8;
  if (off + 7 > c.trLimit >>> 0) fault(TS, err);
  return { esp: readLin(c, (c.trBase + off) | 0, 4, 0), ss: readLin(c, (c.trBase + off + 4) | 0, 2, 0) };
}

/**
 * Validate the stack segment taken from the TSS for a switch to privilege `cpl` (SDM vol. 2
 * CALL "more privilege" and INT n "inter-privilege"): null -> #TS(ext); index beyond the table,
 * RPL != cpl, DPL != cpl or not a writable data segment -> #TS(sel + ext); not present ->
 * #SS(sel + ext).
 */
export function checkInnerStack(c: Cpu, ss: number, cpl: number, d: Descriptor, ext: number): Descriptor {
  const err = (ss & 0xfffc) | ext;
  if ((ss & 0xfffc) === 0) fault(TS, ext);
  fetchDescriptor(c, ss, d, TS, ext);
  if ((ss & 3) !== cpl || d.dpl !== cpl || !d.writableData) fault(TS, err);
  if (!d.present) fault(SS_, err);
  return d;
}

/**
 * DS, ES, FS and GS after a return to an outer privilege level (SDM vol. 2 RET and IRET,
 * vol. 3 §5.8.6): a register that holds a data or non-conforming code segment more privileged
 * than the new CPL is loaded with a null selector so the outer level cannot use it.
 */
export function nullInaccessibleSegments(c: Cpu): void {
  for (const s of [ES, DS, FS, GS]) {
    const a = c.sattr[s];
    if (!(a & ATTR_P)) continue;
    const conformingCode = (a & (ATTR_S | TY_CODE | TY_EC)) === (ATTR_S | TY_CODE | TY_EC);
    if (!conformingCode && ((a >> 5) & 3) < c.cpl) loadNull(c, s, 0);
  }
}

// ---------------------------------------------------------------------------------------
// Far JMP, CALL, RET and IRET.

/** Checks for a direct far JMP/CALL to a code segment (SDM vol. 3 §5.8.1, figure 5-6):
 *  conforming needs DPL <= CPL; non-conforming needs RPL <= CPL and DPL == CPL. */
function checkDirectCode(c: Cpu, d: Descriptor, sel: number): void {
  const err = sel & 0xfffc;
  if (d.conforming) { if (d.dpl > c.cpl) fault(GP, err); }
  else if ((sel & 3) > c.cpl || d.dpl !== c.cpl) fault(GP, err);
  if (!d.present) fault(NP, err);
}

/** The code segment a call gate names (SDM vol. 3 §5.8.4): null -> #GP(0); index beyond the
 *  table or not code -> #GP(sel); not present -> #NP(sel). The DPL rule is the caller's. */
function gateTarget(c: Cpu, gate: Descriptor, d: Descriptor): Descriptor {
  const sel = gate.gateSel, err = sel & 0xfffc;
  if (err === 0) fault(GP, 0);
  fetchDescriptor(c, sel, d);
  if (!d.code) fault(GP, err);
  return d;
}

/** Checks a call gate itself: DPL >= CPL and DPL >= RPL, present (SDM vol. 3 §5.8.4). */
function checkCallGate(c: Cpu, g: Descriptor, sel: number): void {
  const err = sel & 0xfffc;
  if (g.dpl < c.cpl || (sel & 3) > g.dpl) fault(GP, err);
  if (!g.present) fault(NP, err);
}

/** Far JMP (SDM vol. 2 JMP): to a code segment directly or through a call gate. */
export function farJump(c: Cpu, sel: number, off: number, osz: number): void {
  sel &= 0xffff;
  if (osz === 2) off &= 0xffff;
  if (realLike(c)) {
    if (off >>> 0 > c.slimit[CS] >>> 0) fault(GP, 0);
    loadRealSegment(c, CS, sel);
    c.eip = off | 0;
    return;
  }
  const err = sel & 0xfffc;
  if (err === 0) fault(GP, 0);
  const d = fetchDescriptor(c, sel, new Descriptor());
  if (!d.system) {
    if (!d.code) fault(GP, err);
    checkDirectCode(c, d, sel);
    if (off >>> 0 > d.limit >>> 0) fault(GP, 0);
    setAccessed(c, d);
    loadCache(c, CS, err | c.cpl, d);
    c.eip = off | 0;
    return;
  }
  switch (d.type) {
    case SYS_CALLGATE16: case SYS_CALLGATE32: {
      checkCallGate(c, d, sel);
      const cd = gateTarget(c, d, new Descriptor());
      const cerr = cd.sel & 0xfffc;
      // A JMP through a gate never changes privilege: conforming DPL <= CPL, else DPL == CPL.
      if (cd.conforming ? cd.dpl > c.cpl : cd.dpl !== c.cpl) fault(GP, cerr);
      if (!cd.present) fault(NP, cerr);
      const target = d.gateOffset;
      if (target >>> 0 > cd.limit >>> 0) fault(GP, 0);
      setAccessed(c, cd);
      loadCache(c, CS, cerr | c.cpl, cd);
      c.eip = target | 0;
      return;
    }
    case SYS_TASKGATE: case SYS_TSS16: case SYS_TSS32:
      return taskSwitchUnsupported(err);
    default:
      fault(GP, err);
  }
}

/** Far CALL (SDM vol. 2 CALL): same privilege directly or through a gate, or to an inner
 *  privilege through a call gate with the stack switch from the TSS and parameter copy. */
export function farCall(c: Cpu, sel: number, off: number, osz: number, retEip: number): void {
  sel &= 0xffff;
  if (osz === 2) { off &= 0xffff; retEip &= 0xffff; }
  if (realLike(c)) {
    if (off >>> 0 > c.slimit[CS] >>> 0) fault(GP, 0);
    const f = StackFrame.current(c, osz).push(c.sel[CS]).push(retEip).plan(SS_, 0).probe();
    f.commit();
    c.regs[ESP] = f.sp;
    loadRealSegment(c, CS, sel);
    c.eip = off | 0;
    return;
  }
  const err = sel & 0xfffc;
  if (err === 0) fault(GP, 0);
  const d = fetchDescriptor(c, sel, new Descriptor());
  if (!d.system) {
    if (!d.code) fault(GP, err);
    checkDirectCode(c, d, sel);
    // The SDM lists the target-limit check before the pushes, but the processor stores the
    // return address first: a far CALL whose offset is beyond the new CS limit raises #GP(0)
    // with ESP unchanged and CS:EIP already written below it (observed on the reference CPU).
    const f = StackFrame.current(c, osz).push(c.sel[CS]).push(retEip).plan(SS_, 0).probe();
    f.commit();
    if (off >>> 0 > d.limit >>> 0) fault(GP, 0);
    setAccessed(c, d);
    c.regs[ESP] = f.sp;
    loadCache(c, CS, err | c.cpl, d);
    c.eip = off | 0;
    return;
  }
  switch (d.type) {
    case SYS_CALLGATE16: case SYS_CALLGATE32: break;
    case SYS_TASKGATE: case SYS_TSS16: case SYS_TSS32: return taskSwitchUnsupported(err);
    default: fault(GP, err);
  }
  checkCallGate(c, d, sel);
  const cd = gateTarget(c, d, new Descriptor());
  const cerr = cd.sel & 0xfffc;
  if (cd.dpl > c.cpl) fault(GP, cerr);
  if (!cd.present) fault(NP, cerr);
  // The gate, not the instruction, sets the size of everything pushed (SDM vol. 3 §5.8.5).
  const gs = d.gate32 ? 4 : 2;
  const target = d.gateOffset;
  const ret = gs === 2 ? retEip & 0xffff : retEip;
  if (!cd.conforming && cd.dpl < c.cpl) {
    // More privilege: switch to the stack for the new CPL from the TSS and copy the gate's
    // parameter count of gate-size words from the caller's stack (SDM vol. 3 §5.8.5, fig. 5-13).
    const ncpl = cd.dpl;
    const { ss, esp } = tssStack(c, ncpl, 0);
    const sd = checkInnerStack(c, ss, ncpl, new Descriptor(), 0);
    const n = d.gateParams;
    const params: number[] = [];
    for (let k = 0; k < n; k++) params.push(stackRead(c, k * gs, gs));
    const f = new StackFrame(c, sd.base, sd.limit, sd.attr, esp, gs, ncpl === 3 ? ACC_U : 0);
    f.push(c.sel[SS]).push(c.regs[ESP]);
    for (let k = n - 1; k >= 0; k--) f.push(params[k]);
    f.push(c.sel[CS]).push(ret).plan(SS_, ss & 0xfffc);
    if (target >>> 0 > cd.limit >>> 0) fault(GP, 0);
    f.probe();
    setAccessed(c, cd);
    setAccessed(c, sd);
    f.commit();
    setCpl(c, ncpl);
    loadCache(c, SS, ss, sd);
    c.regs[ESP] = f.sp;
    loadCache(c, CS, cerr | ncpl, cd);
    c.eip = target | 0;
    return;
  }
  const f = StackFrame.current(c, gs).push(c.sel[CS]).push(ret).plan(SS_, 0);
  if (target >>> 0 > cd.limit >>> 0) fault(GP, 0);
  f.probe();
  setAccessed(c, cd);
  f.commit();
  c.regs[ESP] = f.sp;
  loadCache(c, CS, cerr | c.cpl, cd);
  c.eip = target | 0;
}

/** Checks on the code segment popped by a far RET or IRET (SDM vol. 2 RET, IRET):
 *  null -> #GP(0); beyond the table, not code, RPL < CPL, conforming with DPL > RPL or
 *  non-conforming with DPL != RPL -> #GP(sel); not present -> #NP(sel). */
function checkReturnCode(c: Cpu, sel: number, d: Descriptor): Descriptor {
  const err = sel & 0xfffc, rpl = sel & 3;
  if (err === 0) fault(GP, 0);
  fetchDescriptor(c, sel, d);
  if (!d.code || rpl < c.cpl) fault(GP, err);
  if (d.conforming ? d.dpl > rpl : d.dpl !== rpl) fault(GP, err);
  if (!d.present) fault(NP, err);
  return d;
}
/** Checks on the stack segment popped by a return to an outer level: null -> #GP(0); beyond
 *  the table, RPL != new CPL, not writable data or DPL != new CPL -> #GP(sel); not present ->
 *  #SS(sel). */
function checkReturnStack(c: Cpu, sel: number, rpl: number, d: Descriptor): Descriptor {
  const err = sel & 0xfffc;
  if (err === 0) fault(GP, 0);
  fetchDescriptor(c, sel, d);
  if ((sel & 3) !== rpl || !d.writableData || d.dpl !== rpl) fault(GP, err);
  if (!d.present) fault(SS_, err);
  return d;
}

/** Load ESP after a return to an outer level: the popped value, plus the RET immediate, in the
 *  new stack's address size. */
function setReturnEsp(c: Cpu, esp: number): void {
  if (c.sattr[SS] & ATTR_DB) c.regs[ESP] = esp | 0;
  else c.regs[ESP] = (c.regs[ESP] & ~0xffff) | (esp & 0xffff);
}

/** Far RET [imm16] (SDM vol. 2 RET): same privilege, or to an outer level popping SS:ESP. */
export function farReturn(c: Cpu, osz: number, imm: number): void {
  const sz = osz;
  let eip = stackRead(c, 0, sz);
  const csSel = stackRead(c, sz, sz) & 0xffff;
  if (sz === 2) eip &= 0xffff;
  if (realLike(c)) {
    if (eip >>> 0 > c.slimit[CS] >>> 0) fault(GP, 0);
    loadRealSegment(c, CS, csSel);
    c.eip = eip;
    stackRelease(c, 2 * sz + imm);
    return;
  }
  const cd = checkReturnCode(c, csSel, new Descriptor());
  const rpl = csSel & 3;
  if (rpl === c.cpl) {
    if (eip >>> 0 > cd.limit >>> 0) fault(GP, 0);
    setAccessed(c, cd);
    loadCache(c, CS, csSel, cd);
    c.eip = eip;
    stackRelease(c, 2 * sz + imm);
    return;
  }
  // Outer privilege: the caller's SS:ESP sit above the parameters the immediate releases.
  let esp = stackRead(c, 2 * sz + imm, sz);
  if (sz === 2) esp &= 0xffff;
  const ssSel = stackRead(c, 3 * sz + imm, sz) & 0xffff;
  const sd = checkReturnStack(c, ssSel, rpl, new Descriptor());
  if (eip >>> 0 > cd.limit >>> 0) fault(GP, 0);
  setAccessed(c, cd);
  setAccessed(c, sd);
  setCpl(c, rpl);
  loadCache(c, CS, csSel, cd);
  loadCache(c, SS, ssSel, sd);
  setReturnEsp(c, esp + imm);
  c.eip = eip;
  nullInaccessibleSegments(c);
}

/**
 * The EFLAGS bits IRET may change (SDM vol. 2 IRET): status, TF, DF, NT always; RF, AC, ID
 * with a 32-bit operand size; IF when CPL <= IOPL; IOPL, VIF and VIP at CPL 0. The 16-bit form
 * changes only the low word. VM is handled by the return-to-virtual-8086 path.
 */
export function iretFlagMask(c: Cpu, osz: number): number {
  let m = OSZAPC | TF | DF | NT | RF | AC | ID;
  const iopl = (c.flags & IOPL) >> 12;
  if (c.cpl <= iopl) m |= IF;
  if (c.cpl === 0) m |= IOPL | VIF | VIP;
  return osz === 2 ? m & 0xffff : m;
}
function setFlagsMasked(c: Cpu, v: number, mask: number): void {
  setFlagsAll(c, (getFlags(c) & ~mask) | (v & mask) | FLAGS_FIXED1);
}

/** IRET/IRETD (SDM vol. 2 IRET; vol. 3 §6.12.1): real mode, virtual-8086 mode (IOPL 3 only),
 *  same privilege, outer privilege, and from CPL 0 back to virtual-8086 mode. */
export function interruptReturn(c: Cpu, osz: number): void {
  const sz = osz;
  if (!(c.cr0 & CR0_PE) || (c.flags & VM)) {
    // In virtual-8086 mode IRET is IOPL-sensitive and cannot change IOPL.
    const v86 = (c.flags & VM) !== 0;
    if (v86 && (c.flags & IOPL) !== IOPL) fault(GP, 0);
    let eip = stackRead(c, 0, sz);
    const csSel = stackRead(c, sz, sz) & 0xffff;
    const fl = stackRead(c, 2 * sz, sz);
    if (sz === 2) eip &= 0xffff;
    if (eip >>> 0 > c.slimit[CS] >>> 0) fault(GP, 0);
    let mask = sz === 2 ? 0xffff : ~(VM | VIF | VIP);
    if (v86) mask &= ~IOPL;
    loadRealSegment(c, CS, csSel);
    c.eip = eip;
    stackRelease(c, 3 * sz);
    setFlagsMasked(c, fl, mask & (OSZAPC | TF | IF | DF | IOPL | NT | RF | AC | ID | VIF | VIP | VM));
    return;
  }
  if (c.flags & NT) return taskSwitchUnsupported(0);
  let eip = stackRead(c, 0, sz);
  const csSel = stackRead(c, sz, sz) & 0xffff;
  const fl = stackRead(c, 2 * sz, sz);
  if (sz === 2) eip &= 0xffff;
  if (sz === 4 && (fl & VM) && c.cpl === 0) { returnToV86(c, eip, csSel, fl); return; }
  const cd = checkReturnCode(c, csSel, new Descriptor());
  const rpl = csSel & 3;
  const mask = iretFlagMask(c, sz);
  if (rpl === c.cpl) {
    if (eip >>> 0 > cd.limit >>> 0) fault(GP, 0);
    setAccessed(c, cd);
    loadCache(c, CS, csSel, cd);
    c.eip = eip;
    stackRelease(c, 3 * sz);
    setFlagsMasked(c, fl, mask);
    return;
  }
  let esp = stackRead(c, 3 * sz, sz);
  if (sz === 2) esp &= 0xffff;
  const ssSel = stackRead(c, 4 * sz, sz) & 0xffff;
  const sd = checkReturnStack(c, ssSel, rpl, new Descriptor());
  if (eip >>> 0 > cd.limit >>> 0) fault(GP, 0);
  setAccessed(c, cd);
  setAccessed(c, sd);
  // The flag mask is that of the privilege IRET executes at, before CPL changes.
  setFlagsMasked(c, fl, mask);
  setCpl(c, rpl);
  loadCache(c, CS, csSel, cd);
  loadCache(c, SS, ssSel, sd);
  setReturnEsp(c, esp);
  c.eip = eip;
  nullInaccessibleSegments(c);
}

/** IRETD from CPL 0 with VM set in the popped EFLAGS: pop ESP, SS, ES, DS, FS, GS as well and
 *  enter virtual-8086 mode at CPL 3 (SDM vol. 2 IRET "RETURN-TO-VIRTUAL-8086-MODE"). */
function returnToV86(c: Cpu, eip: number, csSel: number, fl: number): void {
  const vals: number[] = [];
  for (let k = 3; k < 9; k++) vals.push(stackRead(c, k * 4, 4));
  if (eip >>> 0 > 0xffff) fault(GP, 0);
  const [esp, ss, es, ds, fs, gs] = vals;
  setFlagsAll(c, (fl & (OSZAPC | TF | IF | DF | IOPL | NT | RF | AC | ID | VIF | VIP)) | VM | FLAGS_FIXED1);
  setCpl(c, 3);
  loadRealSegment(c, CS, csSel);
  loadRealSegment(c, SS, ss);
  loadRealSegment(c, ES, es);
  loadRealSegment(c, DS, ds);
  loadRealSegment(c, FS, fs);
  loadRealSegment(c, GS, gs);
  c.regs[ESP] = esp;
  c.eip = eip & 0xffff;
}

/** Flat 4 GiB descriptor cache (SYSENTER/SYSEXIT, SDM vol. 2): base 0, G and D/B set. */
export function loadFlat(c: Cpu, sreg: number, sel: number, dpl: number, type: number): void {
  c.sel[sreg] = sel & 0xffff;
  c.sbase[sreg] = 0;
  c.slimit[sreg] = -1;
  c.sattr[sreg] = ATTR_P | ATTR_S | ATTR_DB | ATTR_G | 0xf00 | (dpl << 5) | type;
}
