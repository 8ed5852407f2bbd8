// Bounce frames: how Xen enters a 32-bit PV guest's trap handlers and callbacks
// (compat_create_bounce_frame in xen/arch/x86/x86_64/compat/entry.S, pv_inject_event in
// xen/arch/x86/pv/traps.c). The frame Xen writes, from the lowest address up:
//
//   [DS ES FS GS]           only for the failsafe callback (TBF_FAILSAFE)
//   [error code]            only for exceptions that have one (TBF_EXCEPTION_ERRCODE)
//   EIP
//   CS | saved_upcall_mask << 16 | (vcpu_info byte 2) << 24
//   EFLAGS with IF = !saved_upcall_mask (and the virtual IOPL under architectural_iopl)
//   [ESP SS]                only when the guest was not in ring 1 (CS.RPL bit 1 set)
//
// From ring 1 the frame goes on the current SS:ESP; otherwise on the kernel stack given to
// stack_switch. TBF_INTERRUPT (trap flag TI_IF, the event upcall, a masking failsafe) sets the
// upcall mask. The new context is the handler's CS:EIP on that stack with TF, NT, RF and VM
// cleared. A fault while writing the frame, or a null handler selector, crashes the domain.
import type { Domain } from '../domain.ts';
import type { TrapBouncer } from '../traps.ts';
import { CS, SS, DS, ES, FS, GS, ESP, IF, IOPL, TF, NT, RF, VM, CR0_TS } from '../../src/cpu/regs.ts';
import { getFlags } from '../../src/cpu/flags.ts';
import { Descriptor } from '../../src/cpu/descriptors.ts';
import { writeLin } from '../../src/cpu/memory.ts';
import { writeCr0 } from '../../src/cpu/paging.ts';
import { FAULT, fault, hasErrorCode, VECTOR_NAMES, GP, UD, NM, PF_, BP, OFV, DB } from '../../src/cpu/fault.ts';
import { PvTrapState, trapState } from './state.ts';
import { TBF_EXCEPTION, TBF_EXCEPTION_ERRCODE, TBF_INTERRUPT, TBF_FAILSAFE, TI_IF, TI_DPL_MASK, VCPU_INFO_pad0 } from './abi.ts';
import { enterGuestFrame, exitFlags, fetchDescriptor, hex, type GuestRegs } from './return-to-guest.ts';
import { emulateForcedInvalidOp } from './inv-op.ts';
import { emulatePrivilegedOp } from './priv-op.ts';

/** struct trap_bounce. */
export interface TrapBounce { flags: number; errorCode: number; cs: number; eip: number }

/** The guest state an exception or event interrupts. */
export function currentRegs(d: Domain): GuestRegs {
  const c = d.cpu;
  return { eip: c.eip, cs: c.sel[CS], eflags: getFlags(c), esp: c.regs[ESP], ss: c.sel[SS] };
}

const stackDesc = new Descriptor();

/** Base of the segment Xen addresses the guest stack through (it loads the selector into %fs
 *  in 64-bit mode: no limit or type checks on the stores, a null selector has base 0). Null
 *  when loading the selector itself would fault. */
function stackBase(d: Domain, sel: number): number | null {
  const c = d.cpu;
  sel &= 0xffff;
  if ((sel & 0xfffc) === 0) return 0;
  const desc = fetchDescriptor(c, sel, stackDesc);
  if (!desc || desc.system || !desc.present || (desc.code && !desc.readable)) return null;
  return desc.base >>> 0;
}

/**
 * compat_create_bounce_frame: write the frame for `tb` below the guest state `r` and return
 * the state to resume in (the handler), or null after crashing the domain.
 */
export function createBounceFrame(t: PvTrapState, tb: TrapBounce, r: GuestRegs): GuestRegs | null {
  const d = t.d, c = d.cpu;
  const fromKernel = (r.cs & 2) === 0;
  const ss = fromKernel ? r.ss & 0xffff : t.kernelSs;
  let esp = fromKernel ? r.esp | 0 : t.kernelSp | 0;
  const base = stackBase(d, ss);
  if (base === null) {
    d.crash(`cannot create a bounce frame: stack selector ${hex(ss)} does not load${fromKernel ? '' : ' (kernel stack from stack_switch)'}`);
    return null;
  }
  const words: number[] = [];      // [offset, value] pairs, stored in Xen's order
  const put = (off: number, v: number): void => { words.push(off | 0, v | 0); };
  if (!fromKernel) {
    esp = (esp - 8) | 0;
    put(esp, r.esp);
    put(esp + 4, r.ss & 0xffff);
  }
  esp = (esp - 12) | 0;
  const saved = t.upcallMask;
  const pad = c.mem[d.vcpuInfoMaddr + VCPU_INFO_pad0];
  if (tb.flags & TBF_INTERRUPT) t.upcallMask = saved | 1;
  put(esp + 4, (r.cs & 0xffff) | (saved << 16) | (pad << 24));
  let eflags = (r.eflags & ~(IF | IOPL)) | (saved === 0 ? IF : 0);
  if (t.architecturalIopl) eflags |= t.iopl;
  put(esp + 8, eflags);
  put(esp, r.eip);
  if (tb.flags & TBF_EXCEPTION_ERRCODE) {
    esp = (esp - 4) | 0;
    put(esp, tb.errorCode);
  }
  if (tb.flags & TBF_FAILSAFE) {
    esp = (esp - 16) | 0;
    put(esp + 12, c.sel[GS] & 0xffff);
    put(esp + 8, c.sel[FS] & 0xffff);
    put(esp + 4, c.sel[ES] & 0xffff);
    put(esp, c.sel[DS] & 0xffff);
  }
  for (let k = 0; k < words.length; k += 2) {
    const lin = base + (words[k] >>> 0);
    try {
      if (lin > 0xfffffffc) fault(PF_, 2, lin | 0);
      writeLin(c, lin | 0, 4, words[k + 1], 0);
    } catch (e) {
      if (e !== FAULT) throw e;
      d.crash(`fault while writing the bounce frame at ${hex(lin)} (stack ${hex(ss)}:${hex(esp)}) for handler ${hex(tb.cs)}:${hex(tb.eip)}`);
      return null;
    }
  }
  if ((tb.cs & 0xfffc) === 0) {
    d.crash(`bounce to a null code selector ${hex(tb.cs)} (eip ${hex(tb.eip)})`);
    return null;
  }
  return { eip: tb.eip, cs: tb.cs, eflags: r.eflags & ~(VM | RF | NT | TF), esp, ss };
}

/** Resume the guest in state `r` (the IRETQ at the end of Xen's exit path); when the
 *  processor would refuse the frame, enter the failsafe callback with that state. */
export function resumeGuest(t: PvTrapState, r: GuestRegs, inFailsafe = false): void {
  const d = t.d, c = d.cpu;
  const bad = enterGuestFrame(c, r);
  if (bad === null) return;
  const fs = t.failsafeCallback;
  if (inFailsafe || (fs.cs & 0xfffc) === 0) {
    d.crash(inFailsafe
      ? `the failsafe callback ${hex(fs.cs)}:${hex(fs.eip)} cannot be entered: ${bad}`
      : `returning to the guest at ${hex(r.cs)}:${hex(r.eip)} failed (${bad}) and no failsafe callback is registered`);
    return;
  }
  const tb: TrapBounce = { flags: TBF_FAILSAFE | (t.failsafeDisablesEvents ? TBF_INTERRUPT : 0), errorCode: 0, cs: fs.cs, eip: fs.eip };
  // The exit path had already stored its EFLAGS (IOPL, NT, VM clear; IF set) when IRETQ
  // faulted: that is what the failsafe frame shows.
  const next = createBounceFrame(t, tb, { ...r, eflags: exitFlags(r.eflags) });
  if (next) resumeGuest(t, next, true);
}

/** Bounce `tb` from the current guest state and resume in the handler. */
export function bounceCurrent(t: PvTrapState, tb: TrapBounce): void {
  const next = createBounceFrame(t, tb, currentRegs(t.d));
  if (next) resumeGuest(t, next);
}

function trapName(vector: number): string { return VECTOR_NAMES[vector] ?? `vector ${vector}`; }

/** pv_inject_event for a hardware exception: the handler from trap_ctxt, the error code when
 *  the vector has one, #PF's address in CR2 shadow and vcpu_info, its error code's user bit
 *  set from the guest mode. A vector without a handler crashes the domain. */
export function injectHwException(t: PvTrapState, vector: number, error: number, cr2 = 0): void {
  const d = t.d, c = d.cpu;
  const ti = t.trapCtxt[vector & 0xff];
  const tb: TrapBounce = { flags: TBF_EXCEPTION, errorCode: 0, cs: ti.cs, eip: ti.address };
  if (vector === PF_) {
    t.ctrlreg2 = cr2 | 0;
    t.setVcpuInfoCr2(cr2);
    error = (error & ~4) | (t.kernelMode ? 0 : 4);
  }
  if (hasErrorCode(vector)) { tb.flags |= TBF_EXCEPTION_ERRCODE; tb.errorCode = error | 0; }
  if (ti.flags & TI_IF) tb.flags |= TBF_INTERRUPT;
  if ((tb.cs & 0xfffc) === 0) {
    const ec = hasErrorCode(vector) ? `, ec=${(error & 0xffff).toString(16).padStart(4, '0')}` : '';
    const addr = vector === PF_ ? ` address ${hex(cr2)}` : '';
    d.crash(`unhandled ${trapName(vector)} fault/trap [#${vector}${ec}]${addr} at ${hex(c.sel[CS])}:${hex(c.eip)}: no handler in the trap table`);
    return;
  }
  bounceCurrent(t, tb);
}

/** pv_inject_sw_interrupt: INT n that reached the guest's handler (EIP already past it). */
export function injectSwInterrupt(t: PvTrapState, vector: number): void {
  const ti = t.trapCtxt[vector & 0xff];
  if ((ti.cs & 0xfffc) === 0) {
    const c = t.d.cpu;
    t.d.crash(`unhandled software interrupt ${hex(vector)} at ${hex(c.sel[CS])}:${hex(c.eip)}: no handler in the trap table`);
    return;
  }
  bounceCurrent(t, { flags: TBF_EXCEPTION | (ti.flags & TI_IF ? TBF_INTERRUPT : 0), errorCode: 0, cs: ti.cs, eip: ti.address });
}

/** permit_softint: INT n reaches the guest handler when its DPL admits the guest's mode
 *  (ring 1 counts as kernel, DPL >= 1; anything else needs DPL 3). */
export function permitSoftint(t: PvTrapState, vector: number): boolean {
  return (t.trapCtxt[vector & 0xff].flags & TI_DPL_MASK) >= (t.kernelMode ? 1 : 3);
}

/** A fix-up for a guest fault that must run before the fault is bounced (Xen's
 *  fixup_page_fault and friends: writable page tables, LDT shadow mappings). Returns true
 *  when it handled the fault. */
export type FaultFilter = (vector: number, error: number) => boolean;

/**
 * The trap bouncer (runtime/traps.ts routes every exception and INT n here): Xen's handling
 * of guest traps on a 64-bit hypervisor for a 32-bit PV guest (xen/arch/x86/traps.c
 * do_trap, do_int3, do_general_protection, do_invalid_op, do_device_not_available,
 * do_page_fault; the DPL-3 gates for vectors 3, 4 and 0x80 in Xen's own IDT).
 */
export class PvBouncer implements TrapBouncer {
  readonly t: PvTrapState;
  readonly filters: FaultFilter[] = [];
  constructor(readonly d: Domain) { this.t = trapState(d); }

  bounce(vector: number, error: number, soft: boolean): boolean {
    const d = this.d, t = this.t, c = d.cpu;
    if (d.shutdown) { c.stopped = true; return true; }
    if (soft) { this.softInterrupt(vector); return true; }
    for (const f of this.filters) if (f(vector, error)) return true;
    switch (vector) {
      case GP: this.generalProtection(error); return true;
      case UD: if (emulateForcedInvalidOp(t)) return true; break;
      case NM:
        // do_device_not_available: the lazy FPU switch clears CR0.TS, and the guest sees #NM
        // only when its virtual TS was set, which Xen clears as it delivers the trap.
        if (c.cr0 & CR0_TS) { writeCr0(c, c.cr0 & ~CR0_TS); break; }
        return true;
      case PF_: injectHwException(t, PF_, error, c.cr2); return true;
    }
    injectHwException(t, vector, error);
    return true;
  }

  /** INT n, INT3 and INTO from the guest (EIP is past the instruction). Xen's IDT has DPL-3
   *  gates for 3, 4 and 0x80, which reach the guest's handler whatever DPL the guest gave
   *  them; any other vector is a #GP(vector*8+2) that do_general_protection turns into the
   *  guest's handler when permit_softint allows it. */
  private softInterrupt(vector: number): void {
    const t = this.t;
    if (vector === BP) { injectSwInterrupt(t, BP); return; }
    if (vector === OFV) { injectHwException(t, OFV, -1); return; }
    if (vector === 0x80 && (t.trapCtxt[0x80].cs & 0xfffc) !== 0) { injectSwInterrupt(t, 0x80); return; }
    if (permitSoftint(t, vector)) { injectSwInterrupt(t, vector); return; }
    // The instruction faults: the CPU core puts EIP back on it and delivers the #GP here.
    fault(GP, vector * 8 + 2);
  }

  /** do_general_protection for a PV guest. */
  private generalProtection(error: number): void {
    const t = this.t, c = this.d.cpu;
    if (error & 2) {
      // An INT n through a gate of too high a privilege (also int $0x82 from ring 3).
      const vector = (error >>> 3) & 0xff;
      if (permitSoftint(t, vector)) { c.eip = (c.eip + 2) | 0; injectSwInterrupt(t, vector); return; }
    } else if (error === 0 && emulatePrivilegedOp(t)) {
      return;
    }
    // A non-zero selector error code comes from a call gate (Xen forces guest call gates to
    // DPL 0 and emulates the far CALL/JMP, pv_emulate_gate_op); gates are not emulated here,
    // so those #GPs reach the guest as they are.
    injectHwException(t, GP, error);
  }
}

/** Singled-stepped emulation: after an instruction Xen completed for the guest with EFLAGS.TF
 *  set, the guest gets the #DB trap (pv_emul_instruction_done). */
export function instructionDone(t: PvTrapState, nextEip: number): void {
  const c = t.d.cpu;
  c.eip = nextEip | 0;
  c.flags &= ~RF;
  if (c.flags & TF) {
    c.dr[6] |= 0x4000 | 0xffff0ff0;
    injectHwException(t, DB, -1);
  }
}
