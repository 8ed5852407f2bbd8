// What the event-channel, time and console code uses of the 32-bit PV ABI, taken from
// runtime/abi (checked there against the installed headers) under the short names used here,
// plus the few values that are Xen's implementation or the toolstack's choice rather than ABI.
import {
  EVTCHNOP_bind_interdomain, EVTCHNOP_bind_virq, EVTCHNOP_bind_pirq, EVTCHNOP_close, EVTCHNOP_send,
  EVTCHNOP_status, EVTCHNOP_alloc_unbound, EVTCHNOP_bind_ipi, EVTCHNOP_bind_vcpu, EVTCHNOP_unmask,
  EVTCHNOP_reset, EVTCHNOP_init_control, EVTCHNOP_expand_array, EVTCHNOP_set_priority, EVTCHNOP_reset_cont,
  EVTCHN_ALLOC_UNBOUND, EVTCHN_BIND_INTERDOMAIN, EVTCHN_BIND_VIRQ, EVTCHN_BIND_PIRQ, EVTCHN_BIND_IPI,
  EVTCHN_CLOSE, EVTCHN_SEND, EVTCHN_STATUS, EVTCHN_BIND_VCPU, EVTCHN_UNMASK, EVTCHN_RESET,
  EVTCHN_INIT_CONTROL, EVTCHN_EXPAND_ARRAY, EVTCHN_SET_PRIORITY, EVTCHN_OP,
} from '../abi/event_channel.ts';
import { SHARED_INFO, VCPU_INFO, VCPU_TIME_INFO } from '../abi/xen.ts';
import { SCHED_POLL } from '../abi/sched.ts';
import {
  VCPU_RUNSTATE_INFO, VCPU_SET_SINGLESHOT_TIMER, VCPU_SET_PERIODIC_TIMER, VCPU_REGISTER_VCPU_INFO,
} from '../abi/vcpu.ts';
import { VCPU_GUEST_CONTEXT } from '../abi/arch-x86_32.ts';
import { XENCONS_INTERFACE } from '../abi/console.ts';

export {
  EVTCHNOP_bind_interdomain, EVTCHNOP_bind_virq, EVTCHNOP_bind_pirq, EVTCHNOP_close, EVTCHNOP_send,
  EVTCHNOP_status, EVTCHNOP_alloc_unbound, EVTCHNOP_bind_ipi, EVTCHNOP_bind_vcpu, EVTCHNOP_unmask,
  EVTCHNOP_reset, EVTCHNOP_init_control, EVTCHNOP_expand_array, EVTCHNOP_set_priority, EVTCHNOP_reset_cont,
  EVTCHNOP_NAMES, EVTCHNSTAT_closed, EVTCHNSTAT_unbound, EVTCHNSTAT_interdomain, EVTCHNSTAT_pirq,
  EVTCHNSTAT_virq, EVTCHNSTAT_ipi, EVTCHN_2L_NR_CHANNELS,
} from '../abi/event_channel.ts';
export {
  VIRQ_TIMER, VIRQ_DEBUG, VIRQ_CONSOLE, VIRQ_DOM_EXC, VIRQ_TBUF, VIRQ_DEBUGGER, VIRQ_XENOPROF,
  VIRQ_CON_RING, VIRQ_PCPU_STATE, VIRQ_MEM_EVENT, VIRQ_ARGO, VIRQ_ENOMEM, VIRQ_XENPMU, VIRQ_ARCH_0,
  NR_VIRQS, DOMID_SELF, DOMID_FIRST_RESERVED, BITS_PER_EVTCHN_WORD, XEN_PVCLOCK_TSC_STABLE_BIT,
} from '../abi/xen.ts';
export { XEN_LEGACY_MAX_VCPUS } from '../abi/arch-x86_32.ts';
export {
  VCPUOP_initialise, VCPUOP_up, VCPUOP_down, VCPUOP_is_up, VCPUOP_get_runstate_info,
  VCPUOP_register_runstate_memory_area, VCPUOP_set_periodic_timer, VCPUOP_stop_periodic_timer,
  VCPUOP_set_singleshot_timer, VCPUOP_stop_singleshot_timer, VCPUOP_register_vcpu_info, VCPUOP_send_nmi,
  VCPUOP_get_physid, VCPUOP_register_vcpu_time_memory_area, VCPUOP_NAMES, VCPU_SSHOTTMR_future,
  RUNSTATE_running, RUNSTATE_runnable, RUNSTATE_blocked, RUNSTATE_offline,
} from '../abi/vcpu.ts';
export { XENCONS_IN_SIZE, XENCONS_OUT_SIZE } from '../abi/console.ts';

/** Size of each EVTCHNOP's argument structure (what copy_from_guest reads). */
export const EVTCHNOP_ARG_SIZE: Readonly<Record<number, number>> = {
  [EVTCHNOP_bind_interdomain]: EVTCHN_BIND_INTERDOMAIN.size, [EVTCHNOP_bind_virq]: EVTCHN_BIND_VIRQ.size,
  [EVTCHNOP_bind_pirq]: EVTCHN_BIND_PIRQ.size, [EVTCHNOP_close]: EVTCHN_CLOSE.size,
  [EVTCHNOP_send]: EVTCHN_SEND.size, [EVTCHNOP_status]: EVTCHN_STATUS.size,
  [EVTCHNOP_alloc_unbound]: EVTCHN_ALLOC_UNBOUND.size, [EVTCHNOP_bind_ipi]: EVTCHN_BIND_IPI.size,
  [EVTCHNOP_bind_vcpu]: EVTCHN_BIND_VCPU.size, [EVTCHNOP_unmask]: EVTCHN_UNMASK.size,
  [EVTCHNOP_reset]: EVTCHN_RESET.size, [EVTCHNOP_init_control]: EVTCHN_INIT_CONTROL.size,
  [EVTCHNOP_expand_array]: EVTCHN_EXPAND_ARRAY.size, [EVTCHNOP_set_priority]: EVTCHN_SET_PRIORITY.size,
  [EVTCHNOP_reset_cont]: EVTCHN_RESET.size,
};
/** struct evtchn_op (the old hypercall's argument): the command, then the union. */
export const EVTCHN_OP_SIZE = EVTCHN_OP.size, EVTCHN_OP_UNION = EVTCHN_OP.u;

/** The number this domain has: the toolstack gives the first guest domain 1. */
export const DOMAIN_ID = 1;
/** The control domain, where the console and store back ends live. */
export const DOM0 = 0;
/** Ports are allocated in buckets of PAGE_SIZE / sizeof(struct evtchn) (64 bytes, cache-line
 *  aligned, in xen/include/xen/sched.h): a port beyond the allocated buckets is not valid
 *  (-EINVAL), one inside them is merely closed. */
export const EVTCHNS_PER_BUCKET = 64;
/** The toolstack's default max_event_channels (libxl: 1023), which bounds the port number. */
export const MAX_EVTCHN_PORT = 1023;
/** d->nr_pirqs of a domU: nr_irqs_gsi (24 on a one-IO-APIC host) + extra_domU_pirqs (32). */
export const NR_PIRQS = 24 + 32;
/** do_poll's "fairly arbitrary limit" on the number of ports. */
export const SCHED_POLL_MAX_PORTS = 128;

/** struct shared_info offsets (32-bit layout). */
export const VCPU_INFO_SIZE = VCPU_INFO.size;
export const SHINFO_evtchn_pending = SHARED_INFO.evtchn_pending, SHINFO_evtchn_mask = SHARED_INFO.evtchn_mask,
  SHINFO_wc_version = SHARED_INFO.wc_version, SHINFO_wc_sec = SHARED_INFO.wc_sec, SHINFO_wc_nsec = SHARED_INFO.wc_nsec,
  SHINFO_arch_wc_sec_hi = SHARED_INFO.arch_wc_sec_hi;
/** struct vcpu_info offsets. */
export const VCPU_INFO_upcall_pending = VCPU_INFO.evtchn_upcall_pending, VCPU_INFO_upcall_mask = VCPU_INFO.evtchn_upcall_mask,
  VCPU_INFO_pending_sel = VCPU_INFO.evtchn_pending_sel, VCPU_INFO_time = VCPU_INFO.time;
/** struct vcpu_time_info offsets. */
export const VCPU_TIME_version = VCPU_TIME_INFO.version, VCPU_TIME_tsc_timestamp = VCPU_TIME_INFO.tsc_timestamp,
  VCPU_TIME_system_time = VCPU_TIME_INFO.system_time, VCPU_TIME_tsc_to_system_mul = VCPU_TIME_INFO.tsc_to_system_mul,
  VCPU_TIME_tsc_shift = VCPU_TIME_INFO.tsc_shift, VCPU_TIME_flags = VCPU_TIME_INFO.flags, VCPU_TIME_SIZE = VCPU_TIME_INFO.size;
/** struct sched_poll offsets. */
export const SCHED_POLL_ports = SCHED_POLL.ports, SCHED_POLL_nr_ports = SCHED_POLL.nr_ports, SCHED_POLL_timeout = SCHED_POLL.timeout;
/** Sizes of the vcpu_op structures a 32-bit guest passes. */
export const RUNSTATE_INFO_SIZE = VCPU_RUNSTATE_INFO.size, VCPU_GUEST_CONTEXT_SIZE = VCPU_GUEST_CONTEXT.size,
  SINGLESHOT_SIZE = VCPU_SET_SINGLESHOT_TIMER.size, PERIODIC_SIZE = VCPU_SET_PERIODIC_TIMER.size,
  REGISTER_VCPU_INFO_SIZE = VCPU_REGISTER_VCPU_INFO.size;
/** struct xencons_interface offsets. */
export const XENCONS_in = XENCONS_INTERFACE.in, XENCONS_out = XENCONS_INTERFACE.out,
  XENCONS_in_cons = XENCONS_INTERFACE.in_cons, XENCONS_in_prod = XENCONS_INTERFACE.in_prod,
  XENCONS_out_cons = XENCONS_INTERFACE.out_cons, XENCONS_out_prod = XENCONS_INTERFACE.out_prod;

export { EPERM, ENOENT, ESRCH, EFAULT, EBUSY, EEXIST, EINVAL, ENOSPC, ENOSYS, ETIME, EOPNOTSUPP } from '../hypercalls/errno.ts';
