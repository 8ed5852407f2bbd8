// Event channels, time and the PV console as one plugin: d.ext.events (EventChannels),
// d.ext.time (TimeKeeper), the run loop's idler, the upcall on the CPU's interrupt line, the
// console ring back end, and the hypercalls event_channel_op (and its old form), set_timer_op
// and vcpu_op. At start of day, as the toolstack leaves a domU: every legacy vcpu_info in
// shared_info has its upcall masked (libxenguest's shared_info setup), the store and console
// ports are allocated unbound for dom0 and bound by xenstored and xenconsoled, the wall clock
// is set and the vCPU is scheduled for the first time.
import type { Plugin, Machine } from '../machine.ts';
import { PAGE } from '../domain.ts';
import { EventChannels, ECS_UNBOUND, eventChannels } from './channels.ts';
import { installUpcall } from './upcall.ts';
import { ConsoleRing, setConsoleRing, consoleRing } from './console-ring.ts';
import { TimeKeeper, timeKeeper } from '../time/keeper.ts';
import { TimeIdler } from '../time/idler.ts';
import type { ClockKind } from '../time/clock.ts';
import { eventChannelOp, eventChannelOpCompat } from '../hypercalls/event_channel_op.ts';
import { setTimerOp } from '../hypercalls/set_timer_op.ts';
import { vcpuOp } from '../hypercalls/vcpu_op.ts';
import { XEN_LEGACY_MAX_VCPUS, VCPU_INFO_SIZE, VCPU_INFO_upcall_mask, DOM0 } from './abi.ts';

export { EventChannels, eventChannels, ConsoleRing, consoleRing, TimeKeeper, timeKeeper };

export interface EventsPluginOptions { clock: ClockKind }

/** Allocate guest port `port` unbound for dom0, as the toolstack's alloc_unbound does for the
 *  store and console channels before the domain runs. */
function allocUnboundForDom0(ev: EventChannels, port: number): void {
  if (ev.allocatePort(port) !== 0) throw new Error(`event channel ${port} is not free at start of day`);
  ev.state[port] = ECS_UNBOUND;
  ev.remoteDom[port] = DOM0;
}

export function eventsPlugin(opts: EventsPluginOptions): Plugin {
  return {
    name: 'events',
    install(m: Machine): void {
      const d = m.domain;
      const ev = new EventChannels(d);
      const tk = new TimeKeeper(d, ev, opts.clock);
      const ring = new ConsoleRing(d, ev);
      d.ext.events = ev;
      d.ext.time = tk;
      setConsoleRing(d, ring);
      for (const h of [eventChannelOp, eventChannelOpCompat, setTimerOp, vcpuOp]) m.hypercalls.register(h);
      m.idler = new TimeIdler(ev, tk);
      installUpcall(m, ev);
      m.bootHooks.push((sod) => {
        const si = d.xen.sharedInfo * PAGE;
        for (let k = 0; k < XEN_LEGACY_MAX_VCPUS; k++) d.cpu.mem[si + k * VCPU_INFO_SIZE + VCPU_INFO_upcall_mask] = 1;
        // libxl allocates the store port first, then the console's.
        allocUnboundForDom0(ev, m.storeEvtchn);
        allocUnboundForDom0(ev, m.consoleEvtchn);
        const store = ev.dom0.bindInterdomain(m.storeEvtchn);
        if (typeof store === 'number') throw new Error(`store channel: error ${store}`);
        const rc = ring.attach(sod.consoleMfn, m.consoleEvtchn);
        if (rc !== 0) throw new Error(`console channel: error ${rc}`);
        tk.boot();
      });
    },
  };
}
