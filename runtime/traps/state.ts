// What Xen keeps per PV vCPU for traps and callbacks (struct pv_vcpu in
// xen/arch/x86/include/asm/domain.h): the virtual IDT (trap_ctxt), the event, failsafe,
// syscall32 and sysenter callbacks, the guest kernel stack for ring-3 entries, the virtual
// IOPL and I/O bitmap, the guest-visible control-register shadows, and the few platform
// registers Xen emulates for an unprivileged domain's port I/O. One instance per domain (one
// vCPU), found with trapState(d).
import type { Domain } from '../domain.ts';
import { VCPU_INFO_upcall_mask, VCPU_INFO_upcall_pending, VCPU_INFO_cr2, VMASST_TYPE_architectural_iopl } from './abi.ts';

/** One virtual IDT entry (struct trap_info without its vector, which is the index). */
export interface TrapInfo { flags: number; cs: number; address: number }
export interface Callback { cs: number; eip: number }

export class PvTrapState {
  /** trap_ctxt[256]: all-zero (no handler) until set_trap_table. */
  readonly trapCtxt: TrapInfo[] = Array.from({ length: 256 }, () => ({ flags: 0, cs: 0, address: 0 }));
  eventCallback: Callback = { cs: 0, eip: 0 };
  failsafeCallback: Callback = { cs: 0, eip: 0 };
  /** _VGCF_failsafe_disables_events. */
  failsafeDisablesEvents = false;
  /** Registered but never entered: this CPU has no SYSCALL, and SYSENTER from the guest goes
   *  through the #GP path as Xen does when no sysenter callback is set. */
  syscall32Callback: Callback = { cs: 0, eip: 0 };
  syscall32DisablesEvents = false;
  sysenterCallback: Callback = { cs: 0, eip: 0 };
  sysenterDisablesEvents = false;
  /** Guest kernel stack for entries from ring 3 (stack_switch; at start of day the toolstack
   *  sets it to the initial SS:ESP). */
  kernelSs = 0;
  kernelSp = 0;
  /** Virtual IOPL in EFLAGS position (bits 12-13), as pv_vcpu.iopl. */
  iopl = 0;
  /** PHYSDEVOP_set_iobitmap: guest virtual address of the bitmap and number of ports it covers. */
  iobmp = 0;
  iobmpLimit = 0;
  /** pv_vcpu.ctrlreg[2]: what MOV from CR2 returns (the last #PF address Xen reported). */
  ctrlreg2 = 0;
  /** Guest-controlled CR4 bits (PV_CR4_GUEST_MASK: TSD, DE; FSGSBASE and OSXSAVE are outside
   *  this domain's CPUID policy). */
  guestCr4 = 0;
  /** I/O breakpoints enabled in DR7 (pv_vcpu.dr7_emul). */
  dr7Emul = 0;
  /** domain.arch.cmos_idx and pci_cf8: the only port state Xen keeps for an unprivileged PV
   *  domain (guest_io_read/write in pv/emul-priv-op.c). */
  cmosIdx = 0;
  pciCf8 = 0;
  /** PHYSDEVOP_get_free_pirq allocations and the pirq EOI map frame (PHYSDEVOP_pirq_eoi_gmfn). */
  readonly allocatedPirqs = new Set<number>();
  pirqEoiMapMfn = 0;
  pirqAutoUnmask = false;

  constructor(readonly d: Domain) {}

  // ---- vcpu_info fields Xen reads and writes -----------------------------------------------
  get upcallMask(): number { return this.d.cpu.mem[this.d.vcpuInfoMaddr + VCPU_INFO_upcall_mask]; }
  set upcallMask(v: number) { this.d.cpu.mem[this.d.vcpuInfoMaddr + VCPU_INFO_upcall_mask] = v; }
  get upcallPending(): number { return this.d.cpu.mem[this.d.vcpuInfoMaddr + VCPU_INFO_upcall_pending]; }
  /** arch_set_cr2: vcpu_info.arch.cr2. */
  setVcpuInfoCr2(v: number): void { this.d.cpu.view.setUint32(this.d.vcpuInfoMaddr + VCPU_INFO_cr2, v >>> 0, true); }

  /** VM_ASSIST(d, architectural_iopl). */
  get architecturalIopl(): boolean { return (this.d.vmAssist & (1 << VMASST_TYPE_architectural_iopl)) !== 0; }
  /** guest_kernel_mode for a 32-bit guest: ring 1 (and not virtual-8086 mode). */
  get kernelMode(): boolean { return (this.d.cpu.sel[1] & 3) === 1 && (this.d.cpu.flags & 0x20000) === 0; }
}

const states = new WeakMap<Domain, PvTrapState>();
/** The domain's trap state (created on first use). */
export function trapState(d: Domain): PvTrapState {
  let s = states.get(d);
  if (!s) { s = new PvTrapState(d); states.set(d, s); }
  return s;
}

/** fixup_guest_code_selector / fixup_guest_stack_selector: a selector with an RPL below the
 *  guest kernel's ring 1 gets RPL 1. */
export function fixupGuestSelector(sel: number): number {
  sel &= 0xffff;
  return (sel & 3) >= 1 ? sel : (sel & ~3) | 1;
}
