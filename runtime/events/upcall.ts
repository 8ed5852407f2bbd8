// When the event upcall happens. Xen checks on every return to a PV guest (the exit path's
// test_guest_events) whether evtchn_upcall_pending is set and evtchn_upcall_mask clear, and if
// so enters the guest's event callback with events masked. Here a pending, unmasked upcall
// raises the CPU's interrupt line (c.irq); the core calls interruptWindow at the next
// instruction boundary between blocks, which hands over to the traps subsystem's
// deliverEventUpcall. The returns to the guest that matter are covered: after every hypercall
// (the guest may have unmasked in memory and then made any hypercall, as Linux's
// xen_force_evtchn_callback does, or returned through HYPERVISOR_iret), after a wake-up, and
// between slices (Xen's timer interrupts).
import type { Machine } from '../machine.ts';
import type { EventChannels } from './channels.ts';

export function installUpcall(m: Machine, ev: EventChannels): void {
  const d = m.domain, c = d.cpu;
  c.hooks.interruptWindow = (cpu) => {
    cpu.irq = false;
    if (d.shutdown || !ev.deliverable()) return;
    d.ext.traps?.deliverEventUpcall();
  };
  // Every hypercall returns through the same check. The table's dispatch is wrapped on this
  // instance only; a handler that blocked the vCPU is switched out here.
  const table = m.hypercalls;
  const dispatch = table.dispatch.bind(table);
  table.dispatch = (dom) => {
    dispatch(dom);
    if (d.blocked) ev.sched.switchOut();
    ev.raiseIfDeliverable();
  };
}
