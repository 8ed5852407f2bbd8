// The traps subsystem as a plugin: the trap bouncer (bounce frames, INT n, privileged-operation
// and forced-CPUID emulation), the event upcall for the events subsystem (d.ext.traps), the PV
// CPUID policy and port model on the CPU's hooks, and the hypercalls that set it all up:
// set_trap_table, stack_switch, set_callbacks, fpu_taskswitch, iret, nmi_op, callback_op,
// physdev_op and physdev_op_compat.
import type { Plugin, Machine } from '../machine.ts';
import type { TrapApi } from '../domain.ts';
import { SS, ESP } from '../../src/cpu/regs.ts';
import { trapState, fixupGuestSelector, type PvTrapState } from './state.ts';
import { PvBouncer, bounceCurrent } from './bounce.ts';
import { pvCpuid } from './cpuid.ts';
import { guestIoRead, guestIoWrite } from './io.ts';
import { TBF_INTERRUPT } from './abi.ts';
import { setHypervisorFaultFixup } from './return-to-guest.ts';
import { pvMmu } from '../mmu/mmu.ts';
import { mmuFixupFault } from '../mmu/fault-filter.ts';
import { PF_ } from '../../src/cpu/fault.ts';
import { setTrapTable } from '../hypercalls/set_trap_table.ts';
import { stackSwitch } from '../hypercalls/stack_switch.ts';
import { setCallbacks } from '../hypercalls/set_callbacks.ts';
import { fpuTaskswitch } from '../hypercalls/fpu_taskswitch.ts';
import { iret } from '../hypercalls/iret.ts';
import { nmiOp } from '../hypercalls/nmi_op.ts';
import { callbackOp } from '../hypercalls/callback_op.ts';
import { physdevOpHypercall, physdevOpCompat } from '../hypercalls/physdev_op.ts';

export { trapState, PvBouncer };
export type { PvTrapState };

/** TrapApi for the events subsystem. */
class PvTrapApi implements TrapApi {
  constructor(readonly t: PvTrapState) {}
  /** The event upcall (compat_test_guest_events -> compat_process_guest_events): a bounce
   *  into the event callback with TBF_INTERRUPT, which saves and then sets the upcall mask.
   *  Xen enters it only while an upcall is pending and unmasked; that check is the caller's.
   *  With no callback registered Xen would crash the domain on the null selector; here the
   *  caller is told instead. */
  deliverEventUpcall(): boolean {
    const t = this.t, cb = t.eventCallback;
    if ((cb.cs & 0xfffc) === 0 || t.d.shutdown) return false;
    bounceCurrent(t, { flags: TBF_INTERRUPT, errorCode: 0, cs: cb.cs, eip: cb.eip });
    return true;
  }
}

export const trapsPlugin: Plugin = {
  name: 'traps',
  install(m: Machine): void {
    const d = m.domain, c = d.cpu;
    const t = trapState(d);
    m.bouncer = new PvBouncer(d);
    d.ext.traps = new PvTrapApi(t);
    c.hooks.cpuid = (cpu) => { pvCpuid(t, cpu.regs); return true; };
    // The processor reaches the port hooks only through priv-op emulation (a PV guest runs
    // with IOPL 0), after the virtual IOPL or bitmap allowed the access.
    c.hooks.ioRead = (port, size) => guestIoRead(t, port, size);
    c.hooks.ioWrite = (port, size, value) => guestIoWrite(t, port, size, value);
    for (const h of [setTrapTable, stackSwitch, setCallbacks, fpuTaskswitch, iret, nmiOp, callbackOp, physdevOpHypercall, physdevOpCompat]) {
      m.hypercalls.register(h);
    }
    // The toolstack starts the vCPU with its kernel stack at the initial SS:ESP and the debug
    // registers at their architectural defaults (kernel_ss, kernel_sp, debugreg[6..7] in the
    // vcpu_guest_context libxenguest builds).
    m.bootHooks.push(() => {
      t.kernelSs = fixupGuestSelector(c.sel[SS]);
      t.kernelSp = c.regs[ESP];
      c.dr[6] = 0xffff0ff0 | 0;
      c.dr[7] = 0x400;
      // Xen's own descriptor reads (return to the guest, bounce stacks) may touch an LDT page
      // not yet mapped into its area: the MMU maps it and the read is retried.
      const mmu = pvMmu(d);
      if (mmu) {
        setHypervisorFaultFixup(c, (address, error) => {
          const saved = c.cr2;
          c.cr2 = address;
          if (mmuFixupFault(mmu, PF_, error, false)) return true;
          c.cr2 = saved;
          return false;
        });
      }
    });
  },
};

/** The bouncer of a machine with the traps plugin (for other subsystems' fault fix-ups:
 *  push a FaultFilter onto its `filters`). */
export function pvBouncer(m: Machine): PvBouncer | undefined {
  return m.bouncer instanceof PvBouncer ? m.bouncer : undefined;
}
