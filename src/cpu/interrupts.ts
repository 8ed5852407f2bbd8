// Interrupt and exception delivery (SDM vol. 3 ch. 6): the real-address-mode interrupt vector
// table (§20.1.4), protected-mode interrupt and trap gates in the IDT with the stack switch
// from the TSS (§6.10–6.12, vol. 2 INT n pseudocode), interrupts out of virtual-8086 mode
// (§20.3.1.1), and the double-fault escalation rules of §6.15 (table 6-5).
//
// Delivery is precise like the instructions in descriptors.ts: gate, code segment, stack
// segment and every stack store are checked before anything is committed, so a fault during
// delivery leaves the interrupted state intact for the next exception to be delivered from.
import type { Cpu } from './state.ts';
import { CS, SS, DS, ES, FS, GS, ESP, IF, TF, NT, RF, VM, AC, IOPL, CR0_PE } from './regs.ts';
import { fault, FAULT, GP, NP, SS_, DF_, PF_, BP } from './fault.ts';
import { readLin } from './memory.ts';
import { ACC_U } from './paging.ts';
import { getFlags, setFlagsAll } from './flags.ts';
import {
  Descriptor, StackFrame, fetchDescriptor, setAccessed, loadCache, loadNull, loadRealSegment, setCpl,
  tssStack, checkInnerStack, taskSwitchUnsupported,
  SYS_TASKGATE, SYS_INTGATE16, SYS_TRAPGATE16, SYS_INTGATE32, SYS_TRAPGATE32,
} from './descriptors.ts';

/** The processor shut down: an exception occurred while it was delivering a double fault
 *  (SDM vol. 3 §6.15, interrupt 8). A host error: the guest cannot continue. */
export class TripleFault extends Error {
  constructor(readonly first: number, readonly second: number) {
    super(`triple fault: exception ${second} while delivering a double fault (after exception ${first})`);
    this.name = 'TripleFault';
  }
}

// Exception classes of SDM vol. 3 table 6-4.
const BENIGN = 0, CONTRIBUTORY = 1, PAGE_FAULT = 2, DOUBLE_FAULT = 3;
function classOf(vector: number): number {
  switch (vector) {
    case 0: case 10: case 11: case 12: case 13: return CONTRIBUTORY;
    case PF_: return PAGE_FAULT;
    case DF_: return DOUBLE_FAULT;
    default: return BENIGN;
  }
}

/**
 * The interrupt hook: deliver `vector` (error -1: no error code). Software interrupts (INT n,
 * INT3, INTO: `soft`) check the gate DPL and fault as the instruction itself would, so their
 * faults propagate to the caller (control.ts softInterrupt). Exceptions and external
 * interrupts handle a fault raised during their own delivery here, per table 6-5: serially
 * when either is benign or a contributory exception faults with a page fault, as #DF when two
 * contributory exceptions or a page fault and a page fault or contributory exception meet,
 * and by shutting down (TripleFault) when delivering #DF faults.
 */
export function deliverIdt(c: Cpu, vector: number, error: number, soft: boolean): void {
  if (soft) { deliver(c, vector, error, true); return; }
  let v = vector, e = error;
  for (;;) {
    try { deliver(c, v, e, false); return; } catch (x) {
      if (x !== FAULT) throw x;
      const second = FAULT.vector, first = classOf(v), cls = classOf(second);
      if (first === DOUBLE_FAULT) throw new TripleFault(v, second);
      if ((first === CONTRIBUTORY && cls === CONTRIBUTORY) || (first === PAGE_FAULT && cls !== BENIGN)) {
        v = DF_; e = 0;
        continue;
      }
      if (second === PF_) c.cr2 = FAULT.address;
      v = second; e = FAULT.error;
    }
  }
}

/** Make deliverIdt the CPU's interrupt hook. */
export function installIdtDelivery(c: Cpu): void {
  c.hooks.interrupt = deliverIdt;
}

/** One delivery attempt; throws the CpuFault of anything that goes wrong. */
export function deliver(c: Cpu, vector: number, error: number, soft: boolean): void {
  if (!(c.cr0 & CR0_PE)) { deliverReal(c, vector); return; }
  deliverProtected(c, vector, error, soft);
  c.halted = false;
}

/** Real-address mode: the IVT holds 4-byte far pointers; FLAGS, CS and IP are pushed as words
 *  and IF, TF, AC are cleared (SDM vol. 2 INT n "REAL-ADDRESS-MODE", vol. 3 §20.1.4). */
function deliverReal(c: Cpu, vector: number): void {
  const at = vector * 4;
  if (at + 3 > c.idtLimit >>> 0) fault(GP, 0);
  const ip = readLin(c, (c.idtBase + at) | 0, 2, 0);
  const seg = readLin(c, (c.idtBase + at + 2) | 0, 2, 0);
  const flags = getFlags(c);
  const f = StackFrame.current(c, 2).push(flags).push(c.sel[CS]).push(c.eip).plan(SS_, 0).probe();
  f.commit();
  c.regs[ESP] = f.sp;
  setFlagsAll(c, flags & ~(IF | TF | AC));
  loadRealSegment(c, CS, seg);
  c.eip = ip;
  c.halted = false;
}

const scratchGate = new Descriptor();

/**
 * Protected mode (SDM vol. 3 §6.12.1, vol. 2 INT n): error codes that name the IDT entry are
 * vector*8 + 2 + EXT, those naming a selector are selector + EXT, where EXT is 1 unless the
 * event is a software interrupt (§6.13).
 */
function deliverProtected(c: Cpu, vector: number, error: number, soft: boolean): void {
  const ext = soft ? 0 : 1;
  const idtErr = vector * 8 + 2 + ext;
  const vm = (c.flags & VM) !== 0;
  // INT n in virtual-8086 mode is IOPL-sensitive (no VME here); the one-byte INT3 is not, and
  // it is the only software #BP this hook sees in practice (SDM vol. 3 §20.3.1).
  if (soft && vm && (c.flags & IOPL) !== IOPL && vector !== BP) fault(GP, 0);
  if (vector * 8 + 7 > c.idtLimit >>> 0) fault(GP, idtErr);
  const g = scratchGate;
  g.sel = 0; g.addr = (c.idtBase + vector * 8) | 0;
  g.lo = readLin(c, g.addr, 4, 0);
  g.hi = readLin(c, (g.addr + 4) | 0, 4, 0);
  const type = (g.hi >>> 8) & 0x1f; // S and type: gates are system descriptors
  if (type !== SYS_TASKGATE && type !== SYS_INTGATE16 && type !== SYS_TRAPGATE16 && type !== SYS_INTGATE32 && type !== SYS_TRAPGATE32) fault(GP, idtErr);
  // Only software interrupts are subject to the gate's DPL (§6.12.1.1).
  if (soft && g.dpl < c.cpl) fault(GP, vector * 8 + 2);
  if (!g.present) fault(NP, idtErr);
  if (type === SYS_TASKGATE) return taskSwitchUnsupported((g.gateSel & 0xfffc) | ext);

  const gateLo = g.lo, gateHi = g.hi;
  const gate32 = (gateHi & 0x800) !== 0, interruptGate = (type & 1) === 0;
  const target = gate32 ? (gateLo & 0xffff) | (gateHi & 0xffff0000) : gateLo & 0xffff;
  const csel = gateLo >>> 16, cerr = (csel & 0xfffc) | ext;
  if ((csel & 0xfffc) === 0) fault(GP, ext);
  const cd = fetchDescriptor(c, csel, new Descriptor(), GP, ext);
  if (!cd.code || cd.dpl > c.cpl) fault(GP, cerr);
  if (!cd.present) fault(NP, cerr);

  const gs = gate32 ? 4 : 2;
  const flags = getFlags(c);
  const eip = gs === 2 ? c.eip & 0xffff : c.eip;
  const hasError = !soft && error >= 0;
  let ncpl = c.cpl;
  let frame: StackFrame;
  let sd: Descriptor | null = null, ss = 0;
  if (!cd.conforming && cd.dpl < c.cpl) {
    // Inter-privilege: the handler's stack comes from the TSS. Out of virtual-8086 mode the
    // handler must be at CPL 0, and the data segment registers are saved and nulled.
    if (vm && cd.dpl !== 0) fault(GP, cerr);
    ncpl = cd.dpl;
    const st = tssStack(c, ncpl, ext);
    ss = st.ss;
    sd = checkInnerStack(c, ss, ncpl, new Descriptor(), ext);
    frame = new StackFrame(c, sd.base, sd.limit, sd.attr, st.esp, gs, ncpl === 3 ? ACC_U : 0);
    if (vm) frame.push(c.sel[GS]).push(c.sel[FS]).push(c.sel[DS]).push(c.sel[ES]);
    frame.push(c.sel[SS]).push(c.regs[ESP]);
    frame.push(flags).push(c.sel[CS]).push(eip);
    if (hasError) frame.push(error);
    frame.plan(SS_, (ss & 0xfffc) | ext);
  } else if (cd.conforming || cd.dpl === c.cpl) {
    // Same privilege on the current stack; virtual-8086 mode cannot stay at its own level.
    if (vm) fault(GP, cerr);
    frame = StackFrame.current(c, gs).push(flags).push(c.sel[CS]).push(eip);
    if (hasError) frame.push(error);
    frame.plan(SS_, ext);
  } else {
    return fault(GP, cerr);
  }
  if (target >>> 0 > cd.limit >>> 0) fault(GP, ext);
  frame.probe();

  setAccessed(c, cd);
  if (sd) setAccessed(c, sd);
  frame.commit();
  if (sd) {
    setCpl(c, ncpl);
    loadCache(c, SS, ss, sd);
    if (vm) for (const s of [GS, FS, DS, ES]) loadNull(c, s, 0);
  }
  c.regs[ESP] = frame.sp;
  loadCache(c, CS, (csel & 0xfffc) | ncpl, cd);
  c.eip = target | 0;
  // TF, NT, RF and VM are cleared; an interrupt gate also clears IF (§6.12.1.3).
  setFlagsAll(c, flags & ~(TF | NT | RF | VM | (interruptGate ? IF : 0)));
}
