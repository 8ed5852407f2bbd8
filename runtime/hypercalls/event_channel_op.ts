// HYPERVISOR_event_channel_op (public/event_channel.h; do_event_channel_op in
// xen/common/event_channel.c) and the old single-argument form,
// HYPERVISOR_event_channel_op_compat (do_event_channel_op_compat: a struct evtchn_op
// holding the command, for the commands that existed then). Each sub-op copies its structure
// in (-EFAULT), acts (runtime/events/channels.ts), and copies the whole structure back for
// the ops that return something (-EFAULT then, with the op done: "cleaning up here would be a
// mess"). The FIFO ABI is not offered: EVTCHNOP_init_control answers as a Xen without it.
import { __HYPERVISOR_event_channel_op, __HYPERVISOR_event_channel_op_compat } from '../abi/hypercalls.ts';
import type { Hypercall } from './table.ts';
import type { Domain } from '../domain.ts';
import { copyFromGuest, copyToGuest } from '../guest-memory.ts';
import { eventChannels, type EventChannels } from '../events/channels.ts';
import {
  EVTCHNOP_NAMES, EVTCHNOP_ARG_SIZE, EVTCHN_OP_SIZE, EVTCHN_OP_UNION,
  EVTCHNOP_bind_interdomain, EVTCHNOP_bind_virq, EVTCHNOP_bind_pirq, EVTCHNOP_close, EVTCHNOP_send,
  EVTCHNOP_status, EVTCHNOP_alloc_unbound, EVTCHNOP_bind_ipi, EVTCHNOP_bind_vcpu, EVTCHNOP_unmask,
  EVTCHNOP_reset, EVTCHNOP_reset_cont, EVTCHNOP_init_control, EVTCHNOP_expand_array, EVTCHNOP_set_priority,
  EFAULT, ENOSYS, EOPNOTSUPP,
} from '../events/abi.ts';

/** One EVTCHNOP_* with its argument at guest address `arg`. */
export function evtchnOp(d: Domain, ev: EventChannels, cmd: number, arg: number): number {
  const size = EVTCHNOP_ARG_SIZE[cmd];
  if (size === undefined) return ENOSYS;
  const b = copyFromGuest(d, arg, size);
  if (!b) return EFAULT;
  const v = new DataView(b.buffer);
  const u16 = (o: number): number => v.getUint16(o, true), u32 = (o: number): number => v.getUint32(o, true);
  /** A result written into the structure and copied back. */
  const reply = (rc: number, off: number): number => {
    if (rc < 0) return rc;
    v.setUint32(off, rc, true);
    return copyToGuest(d, arg, b) ? 0 : EFAULT;
  };
  switch (cmd) {
    case EVTCHNOP_alloc_unbound: // { domid_t dom, remote_dom; evtchn_port_t port }
      return reply(ev.allocUnbound(u16(0), u16(2)), 4);
    case EVTCHNOP_bind_interdomain: // { domid_t remote_dom; port remote_port; port local_port }
      return reply(ev.bindInterdomain(u16(0), u32(4)), 8);
    case EVTCHNOP_bind_virq: // { u32 virq, vcpu; port }
      return reply(ev.bindVirq(u32(0), v.getInt32(4, true)), 8);
    case EVTCHNOP_bind_ipi: // { u32 vcpu; port }
      return reply(ev.bindIpi(u32(0)), 4);
    case EVTCHNOP_bind_pirq: // { u32 pirq, flags; port }
      return reply(ev.bindPirq(u32(0)), 8);
    case EVTCHNOP_close:
      return ev.close(u32(0));
    case EVTCHNOP_send:
      return ev.send(u32(0));
    case EVTCHNOP_status: { // { domid_t dom; port; u32 status, vcpu; union u }
      const st = ev.status(u16(0), u32(4));
      if (typeof st === 'number') return st;
      v.setUint32(8, st.status, true);
      v.setUint32(12, st.vcpu, true);
      if (st.value !== undefined) v.setUint32(16, st.value, true);
      else if (st.dom !== undefined) {
        v.setUint16(16, st.dom, true);
        if (st.port !== undefined) v.setUint32(20, st.port, true);
      }
      return copyToGuest(d, arg, b) ? 0 : EFAULT;
    }
    case EVTCHNOP_bind_vcpu: // { port; u32 vcpu }
      return ev.bindVcpu(u32(0), u32(4));
    case EVTCHNOP_unmask:
      return ev.unmask(u32(0));
    case EVTCHNOP_reset:
    case EVTCHNOP_reset_cont: // { domid_t dom }
      return ev.reset(u16(0), cmd === EVTCHNOP_reset_cont);
    case EVTCHNOP_init_control:
      return ENOSYS;
    case EVTCHNOP_expand_array:
      // evtchn_fifo_expand_array without a FIFO control block.
      return EOPNOTSUPP;
    case EVTCHNOP_set_priority: // { port; u32 priority }
      return ev.setPriority(u32(0));
    default:
      return ENOSYS;
  }
}

export const eventChannelOp: Hypercall = {
  nr: __HYPERVISOR_event_channel_op, name: 'event_channel_op', args: ['c', 'p'], subops: EVTCHNOP_NAMES,
  handler(d, [cmd, arg]) {
    const ev = eventChannels(d);
    if (!ev) return ENOSYS;
    return evtchnOp(d, ev, cmd, arg);
  },
};

/** Commands the old hypercall passes on; anything newer is -ENOSYS there. */
const COMPAT_CMDS = new Set([
  EVTCHNOP_bind_interdomain, EVTCHNOP_bind_virq, EVTCHNOP_bind_pirq, EVTCHNOP_close, EVTCHNOP_send,
  EVTCHNOP_status, EVTCHNOP_alloc_unbound, EVTCHNOP_bind_ipi, EVTCHNOP_bind_vcpu, EVTCHNOP_unmask,
]);

export const eventChannelOpCompat: Hypercall = {
  nr: __HYPERVISOR_event_channel_op_compat, name: 'event_channel_op_compat', args: ['p'],
  handler(d, [arg]) {
    const ev = eventChannels(d);
    if (!ev) return ENOSYS;
    // The whole struct evtchn_op is copied first, whatever the command.
    const op = copyFromGuest(d, arg, EVTCHN_OP_SIZE);
    if (!op) return EFAULT;
    const cmd = new DataView(op.buffer).getUint32(0, true);
    if (!COMPAT_CMDS.has(cmd)) return ENOSYS;
    return evtchnOp(d, ev, cmd, (arg + EVTCHN_OP_UNION) | 0);
  },
};
