// Going back to the guest the way Xen's exit path does (compat_restore_all_guest in
// xen/arch/x86/x86_64/compat/entry.S): EFLAGS gets IF forced on and IOPL, NT and VM cleared,
// then IRETQ from ring 0 loads CS:EIP and SS:ESP. The processor checks both descriptors; if
// IRETQ faults, Xen's fixup enters the guest's failsafe callback with the state it could not
// load (compat_failsafe_callback), and if even that cannot be entered the domain crashes.
import type { Cpu } from '../../src/cpu/state.ts';
import { CS, SS, ESP, IF, IOPL, NT, VM, FLAGS_FIXED1, FLAGS_WRITABLE } from '../../src/cpu/regs.ts';
import { Descriptor, readDescriptor, loadCache, setCpl, nullInaccessibleSegments } from '../../src/cpu/descriptors.ts';
import { setFlagsAll } from '../../src/cpu/flags.ts';
import { translate } from '../../src/cpu/paging.ts';
import { FAULT, PF_ } from '../../src/cpu/fault.ts';

/** The part of struct cpu_user_regs that a return to the guest loads. */
export interface GuestRegs { eip: number; cs: number; eflags: number; esp: number; ss: number }

/** Why IRETQ would fault, or null when the frame is loadable. */
export type FrameFault = string | null;

const csDesc = new Descriptor(), ssDesc = new Descriptor();

/** Xen's own page-fault fix-ups for its accesses to the descriptor tables (the LDT is
 *  mapped into its area on first use: handle_ldt_mapping_fault). Given the faulting linear
 *  address and error code, true when the access may be retried. */
export type HypervisorFaultFixup = (address: number, error: number) => boolean;
const fixups = new WeakMap<Cpu, HypervisorFaultFixup>();
/** Set by the traps plugin once the other subsystems are in place. */
export function setHypervisorFaultFixup(c: Cpu, f: HypervisorFaultFixup): void { fixups.set(c, f); }

/** Read a descriptor as the processor does during IRET (supervisor access, GDT or LDT by TI);
 *  null when the selector is beyond its table or reading it faults for good. */
export function fetchDescriptor(c: Cpu, sel: number, out: Descriptor): Descriptor | null {
  const fixup = fixups.get(c);
  for (let attempt = 0; attempt < 2; attempt++) {
    try { return readDescriptor(c, sel, out, -1); } catch (e) {
      if (e !== FAULT) throw e;
      if (FAULT.vector !== PF_ || !fixup || !fixup(FAULT.address, FAULT.error)) return null;
    }
  }
  return null;
}
const fetch = fetchDescriptor;

/** The checks IRET makes returning from ring 0 to the ring in CS.RPL (SDM vol. 2 IRET,
 *  "return to outer privilege level", and vol. 3 §5.8.6), without changing anything. */
export function checkGuestFrame(c: Cpu, r: GuestRegs): FrameFault {
  const cs = r.cs & 0xffff, ss = r.ss & 0xffff, rpl = cs & 3;
  if ((cs & 0xfffc) === 0) return `null code selector ${hex(cs)}`;
  if (rpl === 0) return `code selector ${hex(cs)} has RPL 0`;
  const cd = fetch(c, cs, csDesc);
  if (!cd) return `code selector ${hex(cs)} is outside its descriptor table`;
  if (!cd.code) return `selector ${hex(cs)} is not a code segment`;
  if (cd.conforming ? cd.dpl > rpl : cd.dpl !== rpl) return `code segment ${hex(cs)} has DPL ${cd.dpl} for RPL ${rpl}`;
  if (!cd.present) return `code segment ${hex(cs)} is not present`;
  if ((r.eip >>> 0) > (cd.limit >>> 0)) return `EIP ${hex(r.eip)} is beyond the limit of ${hex(cs)}`;
  if ((ss & 0xfffc) === 0) return `null stack selector ${hex(ss)}`;
  if ((ss & 3) !== rpl) return `stack selector ${hex(ss)} RPL differs from ${hex(cs)}`;
  const sd = fetch(c, ss, ssDesc);
  if (!sd) return `stack selector ${hex(ss)} is outside its descriptor table`;
  if (!sd.writableData || sd.dpl !== rpl) return `selector ${hex(ss)} is not a writable data segment at DPL ${rpl}`;
  if (!sd.present) return `stack segment ${hex(ss)} is not present`;
  return null;
}

/** Set a descriptor's accessed bit the way the processor does, through its physical address
 *  (Xen's own mapping of the descriptor tables is writable; the guest's is not). */
function markAccessed(c: Cpu, d: Descriptor): void {
  if (d.hi & 0x100) return;
  d.hi |= 0x100;
  try { const pa = translate(c, (d.addr + 5) | 0, 0); if (pa >= 0 && pa < c.mem.length) c.mem[pa] |= 1; } catch (e) { if (e !== FAULT) throw e; }
}

/** checkGuestFrame, and when it accepts the frame, load it: CPL from CS.RPL, CS, SS, EIP,
 *  ESP, EFLAGS as the exit path leaves them, and data segments the new ring may not use
 *  nulled (IRET). The load uses the descriptors the check read (nothing runs in between, so
 *  they are what the tables hold): a system call's bounce and iret read four descriptors where
 *  checking and loading separately read eight. */
export function enterGuestFrame(c: Cpu, r: GuestRegs): FrameFault {
  const bad = checkGuestFrame(c, r);
  if (bad !== null) return bad;
  const cs = r.cs & 0xffff, ss = r.ss & 0xffff, cd = csDesc, sd = ssDesc;
  markAccessed(c, cd); markAccessed(c, sd);
  setCpl(c, cs & 3);
  loadCache(c, CS, cs, cd);
  loadCache(c, SS, ss, sd);
  c.eip = r.eip | 0;
  c.regs[ESP] = r.esp | 0;
  setFlagsAll(c, exitFlags(r.eflags));
  nullInaccessibleSegments(c);
  return null;
}

/** EFLAGS as compat_restore_all_guest hands them to IRETQ. */
export function exitFlags(eflags: number): number {
  return ((eflags & FLAGS_WRITABLE & ~(IOPL | NT | VM)) | IF | FLAGS_FIXED1) | 0;
}

export function hex(v: number): string { return '0x' + (v >>> 0).toString(16); }
