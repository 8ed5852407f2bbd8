// Segment-loading and protection instructions (SDM vol. 2: MOV Sreg, LDS/LES/LFS/LGS/LSS, far
// CALL/JMP/RET, IRET, LAR, LSL, VERR, VERW, ARPL, LLDT, LTR, SLDT, STR, SYSENTER, SYSEXIT).
// The protection rules themselves live in cpu/descriptors.ts. Each instruction reads and
// checks everything before it changes anything, so a fault leaves no visible effect.
import type { Cpu } from '../cpu/state.ts';
import type { Insn } from '../decode/decoder.ts';
import { fault, UD, GP, NP } from '../cpu/fault.ts';
import { CS, SS, ES, DS, FS, GS, ESP, ECX, EDX, ZF, VM, IF, RF, CR0_PE } from '../cpu/regs.ts';
import { setStatus, getFlags, setFlagsAll } from '../cpu/flags.ts';
import { rd, wr, writeLin } from '../cpu/memory.ts';
import { read, write, ea, setReg } from './operands.ts';
import {
  Descriptor, readDescriptor, fetchDescriptor, loadSegment, farJump, farCall, farReturn, interruptReturn,
  setCpl, loadFlat, realLike, SYS_LDT, SYS_TSS16, SYS_TSS32, SYS_TSS16_BUSY, SYS_TSS32_BUSY,
  SYS_CALLGATE16, SYS_CALLGATE32, SYS_TASKGATE,
} from '../cpu/descriptors.ts';

export { loadSegment } from '../cpu/descriptors.ts';

const next = (i: Insn): number => (i.eip + i.len) | 0;

/**
 * MOV Sreg,Ew (8E) and MOV Ev,Sreg (8C). Loading CS with MOV is #UD, as are the Sreg encodings
 * 6 and 7. A store to memory writes 16 bits; to a 32-bit register the selector is
 * zero-extended (P6 family and later). MOV to SS also holds off interrupts for one
 * instruction (the dispatch loop's concern).
 */
export function movsr(c: Cpu, i: Insn): void {
  const sreg = i.reg;
  if (sreg > GS) fault(UD);
  if (i.row.bytes[0] === 0x8e) {
    if (sreg === CS) fault(UD);
    loadSegment(c, sreg, read(c, i, 1) & 0xffff);
    return;
  }
  storeSelector(c, i, c.sel[sreg]);
}

/** Store a selector to Ev: 16 bits to memory, zero-extended to a 32-bit register. */
function storeSelector(c: Cpu, i: Insn, v: number): void {
  v &= 0xffff;
  if (i.mod === 3) setReg(c, i.rm, i.osz, v);
  else wr(c, i.eaSeg, ea(c, i), 2, v);
}

/** Offset and selector of a far pointer operand m16:16 / m16:32 (offset first). */
function farPointer(c: Cpu, i: Insn): [number, number] {
  const off = ea(c, i);
  const o = rd(c, i.eaSeg, off, i.osz);
  const sel = rd(c, i.eaSeg, i.asz === 2 ? (off + i.osz) & 0xffff : (off + i.osz) | 0, 2);
  return [o, sel];
}

/** LDS/LES/LFS/LGS/LSS Gv,Mp: the segment load comes first; the register is written only
 *  when it succeeded. */
export function lseg(c: Cpu, i: Insn): void {
  const b = i.row.bytes;
  const sreg = b[0] === 0xc4 ? ES : b[0] === 0xc5 ? DS : b[1] === 0xb2 ? SS : b[1] === 0xb4 ? FS : GS;
  const [off, sel] = farPointer(c, i);
  loadSegment(c, sreg, sel);
  setReg(c, i.reg, i.osz, off);
}

/** CALL ptr16:16/32 (9A) and CALL m16:16/32 (FF /3). */
export function callf(c: Cpu, i: Insn): void {
  const [off, sel] = i.row.operands[0].kind === 'A' ? [i.imm, i.imm2] : farPointer(c, i);
  farCall(c, sel, off, i.osz, next(i));
}
/** JMP ptr16:16/32 (EA) and JMP m16:16/32 (FF /5). */
export function jmpf(c: Cpu, i: Insn): void {
  const [off, sel] = i.row.operands[0].kind === 'A' ? [i.imm, i.imm2] : farPointer(c, i);
  farJump(c, sel, off, i.osz);
}
/** RETF and RETF imm16 (CB, CA). */
export function retf(c: Cpu, i: Insn): void {
  farReturn(c, i.osz, i.row.operands.length ? i.imm & 0xffff : 0);
}
/** IRET/IRETD (CF). With NT set it would be a task return, which is not supported (#GP(0),
 *  counted in descriptors.ts). */
export function iret(c: Cpu, i: Insn): void {
  interruptReturn(c, i.osz);
}

/** LAR, LSL, VERR, VERW and the descriptor-table instructions exist in protected mode only. */
function protectedOnly(c: Cpu): void {
  if (realLike(c)) fault(UD);
}

/**
 * The descriptor LAR/LSL/VERR/VERW look at, or null when the selector fails: null, index
 * beyond the table, or a DPL below CPL or RPL for anything but conforming code (SDM vol. 2
 * LAR). These instructions report a bad selector in ZF and never fault for it.
 */
function visibleDescriptor(c: Cpu, sel: number): Descriptor | null {
  if ((sel & 0xfffc) === 0) return null;
  const d = readDescriptor(c, sel, new Descriptor(), -1);
  if (d === null) return null;
  if (!d.conforming && (d.dpl < c.cpl || d.dpl < (sel & 3))) return null;
  return d;
}
const setZF = (c: Cpu, ok: boolean): void => setStatus(c, ZF, ok ? ZF : 0);

/** LAR: system types that have access rights to report (SDM vol. 2 LAR table). */
const LAR_SYSTEM = new Set([SYS_TSS16, SYS_LDT, SYS_TSS16_BUSY, SYS_CALLGATE16, SYS_TASKGATE, SYS_TSS32, SYS_TSS32_BUSY, SYS_CALLGATE32]);
/** LSL: system types that have a limit (TSS and LDT). */
const LSL_SYSTEM = new Set([SYS_TSS16, SYS_LDT, SYS_TSS16_BUSY, SYS_TSS32, SYS_TSS32_BUSY]);

/** LAR Gv,Ew: access rights = high dword masked to bits 8..23 (bits 16..19 are the limit's
 *  top nibble, "undefined" per the SDM; this core reports them as stored), 8..15 for a 16-bit
 *  operand. */
export function lar(c: Cpu, i: Insn): void {
  protectedOnly(c);
  const sel = read(c, i, 1) & 0xffff;
  const d = visibleDescriptor(c, sel);
  const ok = d !== null && (!d.system || LAR_SYSTEM.has(d.type));
  if (ok) write(c, i, 0, i.osz === 2 ? d!.hi & 0xff00 : d!.hi & 0x00ffff00);
  setZF(c, ok);
}
/** LSL Gv,Ew: the byte-granular limit (scaled by G); its low word for a 16-bit operand. */
export function lsl(c: Cpu, i: Insn): void {
  protectedOnly(c);
  const sel = read(c, i, 1) & 0xffff;
  const d = visibleDescriptor(c, sel);
  const ok = d !== null && (!d.system || LSL_SYSTEM.has(d.type));
  if (ok) write(c, i, 0, i.osz === 2 ? d!.limit & 0xffff : d!.limit);
  setZF(c, ok);
}
/** VERR Ew: ZF=1 when the segment is readable at CPL and RPL (conforming readable code always). */
export function verr(c: Cpu, i: Insn): void {
  protectedOnly(c);
  const d = visibleDescriptor(c, read(c, i, 0) & 0xffff);
  setZF(c, d !== null && !d.system && d.readable);
}
/** VERW Ew: ZF=1 when the segment is a writable data segment accessible at CPL and RPL. */
export function verw(c: Cpu, i: Insn): void {
  protectedOnly(c);
  const d = visibleDescriptor(c, read(c, i, 0) & 0xffff);
  setZF(c, d !== null && d.writableData);
}

/** ARPL Ew,Gw: raise the destination's RPL to the source's; ZF tells whether it changed. A
 *  memory destination is read, and written only when the RPL changes (a read-only page
 *  faults only then, as on the reference CPU); the store happens before ZF is set. */
export function arpl(c: Cpu, i: Insn): void {
  protectedOnly(c);
  const dst = read(c, i, 0) & 0xffff, src = read(c, i, 1);
  if ((dst & 3) < (src & 3)) {
    write(c, i, 0, (dst & ~3) | (src & 3));
    setZF(c, true);
  } else setZF(c, false);
}

/** LLDT Ew (SDM vol. 2 LLDT): a null selector leaves LDTR unusable; otherwise a present LDT
 *  descriptor from the GDT (TI=1, other types -> #GP(sel); not present -> #NP(sel)). */
export function lldt(c: Cpu, i: Insn): void {
  protectedOnly(c);
  if (c.cpl !== 0) fault(GP, 0);
  const sel = read(c, i, 0) & 0xffff, err = sel & 0xfffc;
  if (err === 0) { c.ldtSel = sel; c.ldtBase = 0; c.ldtLimit = 0; c.ldtAttr = 0; return; }
  if (sel & 4) fault(GP, err);
  const d = fetchDescriptor(c, sel, new Descriptor());
  if (!d.system || d.type !== SYS_LDT) fault(GP, err);
  if (!d.present) fault(NP, err);
  c.ldtSel = sel; c.ldtBase = d.base; c.ldtLimit = d.limit; c.ldtAttr = d.attr;
}

/** LTR Ew (SDM vol. 2 LTR): an available TSS from the GDT, which is then marked busy in memory
 *  and in TR. Null -> #GP(0); TI=1 or not an available TSS -> #GP(sel); not present -> #NP(sel). */
export function ltr(c: Cpu, i: Insn): void {
  protectedOnly(c);
  if (c.cpl !== 0) fault(GP, 0);
  const sel = read(c, i, 0) & 0xffff, err = sel & 0xfffc;
  if (err === 0) fault(GP, 0);
  if (sel & 4) fault(GP, err);
  const d = fetchDescriptor(c, sel, new Descriptor());
  if (!d.system || (d.type !== SYS_TSS16 && d.type !== SYS_TSS32)) fault(GP, err);
  if (!d.present) fault(NP, err);
  d.hi |= 0x200; // busy
  writeLin(c, (d.addr + 5) | 0, 1, (d.hi >>> 8) & 0xff, 0);
  c.trSel = sel; c.trBase = d.base; c.trLimit = d.limit; c.trAttr = d.attr;
}

/** SLDT Ev / STR Ev: the selector, 16 bits to memory, zero-extended to a 32-bit register. */
export function sldt(c: Cpu, i: Insn): void { protectedOnly(c); storeSelector(c, i, c.ldtSel); }
export function str(c: Cpu, i: Insn): void { protectedOnly(c); storeSelector(c, i, c.trSel); }

/**
 * SYSENTER (SDM vol. 2): to CPL 0 with flat CS = SYSENTER_CS & ~3 and SS = that + 8, ESP and
 * EIP from the MSRs; VM, IF and RF cleared. #GP(0) in real mode or when SYSENTER_CS is null.
 * The descriptors are not read: the caches get fixed flat values.
 */
export function sysenter(c: Cpu, _i: Insn): void {
  if (!(c.cr0 & CR0_PE) || (c.sysenterCs & 0xfffc) === 0) fault(GP, 0);
  const cs = c.sysenterCs & 0xfffc;
  setFlagsAll(c, getFlags(c) & ~(VM | IF | RF));
  setCpl(c, 0);
  loadFlat(c, CS, cs, 0, 0xb);
  loadFlat(c, SS, cs + 8, 0, 0x3);
  c.regs[ESP] = c.sysenterEsp;
  c.eip = c.sysenterEip;
}
/**
 * SYSEXIT (SDM vol. 2): to CPL 3 with flat CS = (SYSENTER_CS + 16) | 3 and SS = (SYSENTER_CS +
 * 24) | 3, ESP = ECX, EIP = EDX. #GP(0) in real mode, above CPL 0 or with SYSENTER_CS null.
 */
export function sysexit(c: Cpu, _i: Insn): void {
  if (!(c.cr0 & CR0_PE) || (c.flags & VM) || c.cpl !== 0 || (c.sysenterCs & 0xfffc) === 0) fault(GP, 0);
  const cs = c.sysenterCs & 0xffff;
  setCpl(c, 3);
  loadFlat(c, CS, ((cs + 16) | 3) & 0xffff, 3, 0xb);
  loadFlat(c, SS, ((cs + 24) | 3) & 0xffff, 3, 0x3);
  c.regs[ESP] = c.regs[ECX];
  c.eip = c.regs[EDX];
}
