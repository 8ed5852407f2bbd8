// HYPERVISOR_iret (compat_iret, xen/arch/x86/pv/iret.c): return from a bounce frame when the
// guest cannot use IRET itself (to change the event mask atomically, or from an NMI). The
// hypercall page's iret entry pushes EAX and enters with the frame at ESP:
//
//   ESP+0  EAX      restored (it is the hypercall's return value)
//   ESP+4  EIP
//   ESP+8  CS       low 16 bits used
//   ESP+12 EFLAGS   IF is the new upcall mask's inverse; IOPL is dropped (taken as the
//                   virtual IOPL only with VMASST architectural_iopl)
//   ESP+16 ESP      }  only when returning to ring 2 or 3
//   ESP+20 SS       }
//
// To ring 1 the stack is popped (ESP+16, same SS). A return to ring 0 crashes the domain, as
// does a frame that cannot be read. EFLAGS.VM cannot be honoured: Xen turns it into a #GP for
// the guest kernel, moving the virtual-8086 frame onto the kernel stack. The frame is then
// loaded as Xen's exit path does; if the processor refuses CS or SS, the failsafe callback is
// entered with that state (return-to-guest.ts). VGCF_in_syscall exists only in the 64-bit
// frame; a 32-bit guest has no equivalent.
import { __HYPERVISOR_iret } from '../abi/hypercalls.ts';
import type { Hypercall } from './table.ts';
import { readGuest32, writeGuest32 } from '../guest-memory.ts';
import { ESP, SS, IF, IOPL, VM, RF, NT, TF } from '../../src/cpu/regs.ts';
import { GP } from '../../src/cpu/fault.ts';
import { trapState } from '../traps/state.ts';
import { resumeGuest } from '../traps/bounce.ts';
import { hex } from '../traps/return-to-guest.ts';
import { TI_IF } from '../traps/abi.ts';

export const iret: Hypercall = {
  nr: __HYPERVISOR_iret, name: 'iret', args: [],
  handler(d) {
    const t = trapState(d), c = d.cpu;
    const esp = c.regs[ESP];
    const word = (k: number): number | null => readGuest32(d, (esp + 4 * k) | 0);
    const crash = (what: string): number => { d.crash(`iret: ${what} (frame at ${hex(esp)})`); return 0; };
    const eax = word(0), eip = word(1), csWord = word(2), eflagsIn = word(3);
    if (eax === null) return crash('fault reading EAX from the guest stack');
    if (eip === null || csWord === null) return crash('fault reading CS:EIP from the guest stack');
    if (eflagsIn === null) return crash('fault reading EFLAGS from the guest stack');
    let cs = csWord & 0xffff, eflags = eflagsIn;
    if (t.architecturalIopl) t.iopl = eflags & IOPL;
    let newFlags = (eflags & ~IOPL) | IF;
    let newEip = eip, newEsp: number, newSs = c.sel[SS] & 0xffff;
    if (eflags & VM) {
      // Virtual-8086 mode is unavailable: a #GP for the kernel, reported on the first
      // virtual-8086 instruction, with the nine-word frame (EIP CS EFLAGS ESP SS ES DS FS GS)
      // moved below the kernel stack top and an error code of 0 under it.
      const ksp = (t.kernelSp - 40) | 0;
      const frame: number[] = [];
      for (let k = 1; k < 10; k++) { const w = word(k); if (w === null) return crash('fault copying the virtual-8086 frame'); frame.push(w); }
      for (let k = 1; k < 10; k++) if (!writeGuest32(d, (ksp + 4 * k) | 0, frame[k - 1])) return crash('fault copying the virtual-8086 frame');
      newEsp = ksp;
      newSs = t.kernelSs;
      const ti = t.trapCtxt[GP];
      if (ti.flags & TI_IF) eflags &= ~IF;
      newFlags &= ~(VM | RF | NT | TF);
      if (!writeGuest32(d, ksp, 0)) return crash('fault writing the #GP error code');
      newEip = ti.address;
      cs = ti.cs & 0xffff;
    } else if ((cs & 3) === 0) {
      return crash(`return to ring 0 (CS ${hex(cs)})`);
    } else if ((cs & 3) === 1) {
      newEsp = (esp + 16) | 0;
    } else {
      const ss = word(5), sp = word(4);
      if (ss === null || sp === null) return crash('fault reading SS:ESP from the guest stack');
      newSs = ss & 0xffff;
      newEsp = sp;
    }
    t.upcallMask = eflags & IF ? 0 : 1;
    resumeGuest(t, { eip: newEip, cs, eflags: newFlags, esp: newEsp, ss: newSs });
    // Events the guest just unmasked are delivered on the way out (compat_test_all_events).
    if (!d.shutdown && t.upcallMask === 0 && d.ext.events?.deliverable()) c.irq = true;
    return eax;
  },
};
