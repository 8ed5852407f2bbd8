// HYPERVISOR_event_channel_op (public/event_channel.h): sub-operations, their argument
// layouts, channel status values, and the constants of the 2-level and FIFO ABIs.
//
// Layouts are objects of byte offsets plus `size`; union members are flattened with `_`.
// Ports are uint32_t, domain ids uint16_t.
import { nameTable, type NameTable } from './names.ts';

export const EVTCHNOP_bind_interdomain = 0; // event_channel.h
export const EVTCHNOP_bind_virq = 1; // event_channel.h
export const EVTCHNOP_bind_pirq = 2; // event_channel.h
export const EVTCHNOP_close = 3; // event_channel.h
export const EVTCHNOP_send = 4; // event_channel.h
export const EVTCHNOP_status = 5; // event_channel.h
export const EVTCHNOP_alloc_unbound = 6; // event_channel.h
export const EVTCHNOP_bind_ipi = 7; // event_channel.h
export const EVTCHNOP_bind_vcpu = 8; // event_channel.h
export const EVTCHNOP_unmask = 9; // event_channel.h
export const EVTCHNOP_reset = 10; // event_channel.h
export const EVTCHNOP_init_control = 11; // event_channel.h
export const EVTCHNOP_expand_array = 12; // event_channel.h
export const EVTCHNOP_set_priority = 13; // event_channel.h
/** The continuation of a preempted EVTCHNOP_reset: the header shows it only to Xen itself. */
export const EVTCHNOP_reset_cont = 14; // event_channel.h

/** EVTCHNOP_* to name ('bind_interdomain', ...). */
export const EVTCHNOP_NAMES: NameTable = nameTable('EVTCHNOP_', {
  EVTCHNOP_bind_interdomain, EVTCHNOP_bind_virq, EVTCHNOP_bind_pirq, EVTCHNOP_close, EVTCHNOP_send,
  EVTCHNOP_status, EVTCHNOP_alloc_unbound, EVTCHNOP_bind_ipi, EVTCHNOP_bind_vcpu, EVTCHNOP_unmask,
  EVTCHNOP_reset, EVTCHNOP_init_control, EVTCHNOP_expand_array, EVTCHNOP_set_priority,
  EVTCHNOP_reset_cont,
});

/** struct evtchn_alloc_unbound (event_channel.h). */
export const EVTCHN_ALLOC_UNBOUND = { size: 8, dom: 0, remote_dom: 2, port: 4 } as const;
/** struct evtchn_bind_interdomain (event_channel.h). */
export const EVTCHN_BIND_INTERDOMAIN = { size: 12, remote_dom: 0, remote_port: 4, local_port: 8 } as const;
/** struct evtchn_bind_virq (event_channel.h). */
export const EVTCHN_BIND_VIRQ = { size: 12, virq: 0, vcpu: 4, port: 8 } as const;
/** struct evtchn_bind_pirq (event_channel.h). */
export const EVTCHN_BIND_PIRQ = { size: 12, pirq: 0, flags: 4, port: 8 } as const;
export const BIND_PIRQ__WILL_SHARE = 1; // event_channel.h
/** struct evtchn_bind_ipi (event_channel.h). */
export const EVTCHN_BIND_IPI = { size: 8, vcpu: 0, port: 4 } as const;
/** struct evtchn_close (event_channel.h). */
export const EVTCHN_CLOSE = { size: 4, port: 0 } as const;
/** struct evtchn_send (event_channel.h). */
export const EVTCHN_SEND = { size: 4, port: 0 } as const;
/** struct evtchn_status (event_channel.h): u depends on status (unbound.dom, interdomain.{dom,
 *  port}, pirq or virq). */
export const EVTCHN_STATUS = {
  size: 24, dom: 0, port: 4, status: 8, vcpu: 12,
  u: 16, u_unbound_dom: 16, u_interdomain_dom: 16, u_interdomain_port: 20, u_pirq: 16, u_virq: 16,
} as const;
export const EVTCHNSTAT_closed = 0; // event_channel.h
export const EVTCHNSTAT_unbound = 1; // event_channel.h
export const EVTCHNSTAT_interdomain = 2; // event_channel.h
export const EVTCHNSTAT_pirq = 3; // event_channel.h
export const EVTCHNSTAT_virq = 4; // event_channel.h
export const EVTCHNSTAT_ipi = 5; // event_channel.h

/** EVTCHNSTAT_* to name ('closed', ...). */
export const EVTCHNSTAT_NAMES: NameTable = nameTable('EVTCHNSTAT_', {
  EVTCHNSTAT_closed, EVTCHNSTAT_unbound, EVTCHNSTAT_interdomain, EVTCHNSTAT_pirq, EVTCHNSTAT_virq,
  EVTCHNSTAT_ipi,
});

/** struct evtchn_bind_vcpu (event_channel.h). */
export const EVTCHN_BIND_VCPU = { size: 8, port: 0, vcpu: 4 } as const;
/** struct evtchn_unmask (event_channel.h). */
export const EVTCHN_UNMASK = { size: 4, port: 0 } as const;
/** struct evtchn_reset (event_channel.h). */
export const EVTCHN_RESET = { size: 2, dom: 0 } as const;
/** struct evtchn_init_control (event_channel.h): the FIFO ABI's control block. */
export const EVTCHN_INIT_CONTROL = { size: 24, control_gfn: 0, offset: 8, vcpu: 12, link_bits: 16, _pad: 17 } as const;
/** struct evtchn_expand_array (event_channel.h). */
export const EVTCHN_EXPAND_ARRAY = { size: 8, array_gfn: 0 } as const;
/** struct evtchn_set_priority (event_channel.h). */
export const EVTCHN_SET_PRIORITY = { size: 8, port: 0, priority: 4 } as const;
/** struct evtchn_op (event_channel.h): what __HYPERVISOR_event_channel_op_compat takes, cmd and
 *  a union of the first ten sub-operations' arguments (the largest, evtchn_status, is 24). */
export const EVTCHN_OP = { size: 28, cmd: 0, u: 4 } as const;

/** Channels of the 2-level ABI: sizeof(xen_ulong_t)^2 * 64, so 1024 for 32-bit guests. */
export const EVTCHN_2L_NR_CHANNELS = 1024; // event_channel.h

export const EVTCHN_FIFO_PRIORITY_MAX = 0; // event_channel.h
export const EVTCHN_FIFO_PRIORITY_DEFAULT = 7; // event_channel.h
export const EVTCHN_FIFO_PRIORITY_MIN = 15; // event_channel.h
export const EVTCHN_FIFO_MAX_QUEUES = EVTCHN_FIFO_PRIORITY_MIN + 1; // event_channel.h
export const EVTCHN_FIFO_PENDING = 31; // event_channel.h
export const EVTCHN_FIFO_MASKED = 30; // event_channel.h
export const EVTCHN_FIFO_LINKED = 29; // event_channel.h
export const EVTCHN_FIFO_BUSY = 28; // event_channel.h
export const EVTCHN_FIFO_LINK_BITS = 17; // event_channel.h
export const EVTCHN_FIFO_LINK_MASK = (1 << EVTCHN_FIFO_LINK_BITS) - 1; // event_channel.h
export const EVTCHN_FIFO_NR_CHANNELS = 1 << EVTCHN_FIFO_LINK_BITS; // event_channel.h
/** struct evtchn_fifo_control_block (event_channel.h): head is one uint32_t per queue. */
export const EVTCHN_FIFO_CONTROL_BLOCK = { size: 72, ready: 0, _rsvd: 4, head: 8 } as const;
