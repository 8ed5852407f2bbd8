// Constants and structure offsets of the event-channel, time and console ABI of a 32-bit PV
// guest, each with the header it comes from (public/xen.h, event_channel.h, vcpu.h, sched.h,
// io/console.h; offsets are those of the i386 layout, checked with gcc -m32 against the
// installed headers).

/** public/event_channel.h: EVTCHNOP_* sub-operations. */
export const EVTCHNOP_bind_interdomain = 0, EVTCHNOP_bind_virq = 1, EVTCHNOP_bind_pirq = 2,
  EVTCHNOP_close = 3, EVTCHNOP_send = 4, EVTCHNOP_status = 5, EVTCHNOP_alloc_unbound = 6,
  EVTCHNOP_bind_ipi = 7, EVTCHNOP_bind_vcpu = 8, EVTCHNOP_unmask = 9, EVTCHNOP_reset = 10,
  EVTCHNOP_init_control = 11, EVTCHNOP_expand_array = 12, EVTCHNOP_set_priority = 13,
  EVTCHNOP_reset_cont = 14;
export const EVTCHNOP_NAMES: Record<number, string> = {
  0: 'bind_interdomain', 1: 'bind_virq', 2: 'bind_pirq', 3: 'close', 4: 'send', 5: 'status',
  6: 'alloc_unbound', 7: 'bind_ipi', 8: 'bind_vcpu', 9: 'unmask', 10: 'reset', 11: 'init_control',
  12: 'expand_array', 13: 'set_priority', 14: 'reset_cont',
};
/** Size of each sub-operation's argument structure (what copy_from_guest reads). */
export const EVTCHNOP_ARG_SIZE: Record<number, number> = {
  0: 12, 1: 12, 2: 12, 3: 4, 4: 4, 5: 24, 6: 8, 7: 8, 8: 8, 9: 4, 10: 2, 11: 24, 12: 8, 13: 8, 14: 2,
};
/** struct evtchn_op (the old hypercall's argument): u32 cmd, then the largest member (24). */
export const EVTCHN_OP_SIZE = 28, EVTCHN_OP_UNION = 4;

/** public/event_channel.h: EVTCHNSTAT_*. */
export const EVTCHNSTAT_closed = 0, EVTCHNSTAT_unbound = 1, EVTCHNSTAT_interdomain = 2,
  EVTCHNSTAT_pirq = 3, EVTCHNSTAT_virq = 4, EVTCHNSTAT_ipi = 5;

/** public/xen.h: VIRQ_* and NR_VIRQS. */
export const VIRQ_TIMER = 0, VIRQ_DEBUG = 1, VIRQ_CONSOLE = 2, VIRQ_DOM_EXC = 3, VIRQ_TBUF = 4,
  VIRQ_DEBUGGER = 6, VIRQ_XENOPROF = 7, VIRQ_CON_RING = 8, VIRQ_PCPU_STATE = 9, VIRQ_MEM_EVENT = 10,
  VIRQ_ARGO = 11, VIRQ_ENOMEM = 12, VIRQ_XENPMU = 13, VIRQ_ARCH_0 = 16, NR_VIRQS = 24;

/** public/xen.h: domain identifiers. */
export const DOMID_SELF = 0x7ff0, DOMID_FIRST_RESERVED = 0x7ff0;
/** The number this domain has: the toolstack gives the first guest domain 1. */
export const DOMAIN_ID = 1;
/** The control domain, where the console and store back ends live. */
export const DOM0 = 0;

/** The 2-level ABI for a guest with a 32-bit shared_info: 32-bit words, 32 x 32 ports. */
export const BITS_PER_EVTCHN_WORD = 32, EVTCHN_2L_NR_CHANNELS = 1024;
/** Ports are allocated in buckets of PAGE_SIZE / sizeof(struct evtchn) (64 bytes, cache-line
 *  aligned): a port beyond the allocated buckets is not valid (-EINVAL), one inside is closed. */
export const EVTCHNS_PER_BUCKET = 64;
/** The toolstack's default max_event_channels (libxl: 1023), which bounds the port number. */
export const MAX_EVTCHN_PORT = 1023;
/** d->nr_pirqs of a domU: nr_irqs_gsi (24 on a one-IO-APIC host) + extra_domU_pirqs (32). */
export const NR_PIRQS = 24 + 32;

/** struct shared_info (32-bit layout). */
export const XEN_LEGACY_MAX_VCPUS = 32, VCPU_INFO_SIZE = 64;
export const SHINFO_evtchn_pending = 2048, SHINFO_evtchn_mask = 2176, SHINFO_wc_version = 2304,
  SHINFO_wc_sec = 2308, SHINFO_wc_nsec = 2312, SHINFO_arch_wc_sec_hi = 2340;
/** struct vcpu_info (32-bit layout). */
export const VCPU_INFO_upcall_pending = 0, VCPU_INFO_upcall_mask = 1, VCPU_INFO_pending_sel = 4,
  VCPU_INFO_time = 32;
/** struct vcpu_time_info. */
export const VCPU_TIME_version = 0, VCPU_TIME_tsc_timestamp = 8, VCPU_TIME_system_time = 16,
  VCPU_TIME_tsc_to_system_mul = 24, VCPU_TIME_tsc_shift = 28, VCPU_TIME_flags = 29, VCPU_TIME_SIZE = 32;
export const XEN_PVCLOCK_TSC_STABLE_BIT = 1;

/** public/sched.h struct sched_poll (32-bit): ports handle, nr_ports, u64 timeout. */
export const SCHED_POLL_ports = 0, SCHED_POLL_nr_ports = 4, SCHED_POLL_timeout = 8;
/** do_poll's "fairly arbitrary limit". */
export const SCHED_POLL_MAX_PORTS = 128;

/** public/vcpu.h. */
export const VCPUOP_initialise = 0, VCPUOP_up = 1, VCPUOP_down = 2, VCPUOP_is_up = 3,
  VCPUOP_get_runstate_info = 4, VCPUOP_register_runstate_memory_area = 5,
  VCPUOP_set_periodic_timer = 6, VCPUOP_stop_periodic_timer = 7, VCPUOP_set_singleshot_timer = 8,
  VCPUOP_stop_singleshot_timer = 9, VCPUOP_register_vcpu_info = 10, VCPUOP_send_nmi = 11,
  VCPUOP_get_physid = 12, VCPUOP_register_vcpu_time_memory_area = 13;
export const VCPUOP_NAMES: Record<number, string> = {
  0: 'initialise', 1: 'up', 2: 'down', 3: 'is_up', 4: 'get_runstate_info', 5: 'register_runstate_memory_area',
  6: 'set_periodic_timer', 7: 'stop_periodic_timer', 8: 'set_singleshot_timer', 9: 'stop_singleshot_timer',
  10: 'register_vcpu_info', 11: 'send_nmi', 12: 'get_physid', 13: 'register_vcpu_time_memory_area',
};
export const VCPU_SSHOTTMR_future = 1;
export const RUNSTATE_running = 0, RUNSTATE_runnable = 1, RUNSTATE_blocked = 2, RUNSTATE_offline = 3;
/** struct vcpu_runstate_info (32-bit): int state, u64 state_entry_time, u64 time[4]. */
export const RUNSTATE_INFO_SIZE = 44;
/** struct vcpu_guest_context as a 32-bit guest passes it to VCPUOP_initialise. */
export const VCPU_GUEST_CONTEXT_SIZE = 2800;
/** struct vcpu_set_singleshot_timer (32-bit: u64 timeout_abs_ns, u32 flags) and friends. */
export const SINGLESHOT_SIZE = 12, PERIODIC_SIZE = 8, REGISTER_VCPU_INFO_SIZE = 16;

/** public/io/console.h struct xencons_interface. */
export const XENCONS_in = 0, XENCONS_IN_SIZE = 1024, XENCONS_out = 1024, XENCONS_OUT_SIZE = 2048,
  XENCONS_in_cons = 3072, XENCONS_in_prod = 3076, XENCONS_out_cons = 3080, XENCONS_out_prod = 3084;

/** Xen errno values (public/errno.h), negated as hypercalls return them. */
export const EPERM = -1, ENOENT = -2, ESRCH = -3, EFAULT = -14, EBUSY = -16, EEXIST = -17,
  EINVAL = -22, ENOSPC = -28, ENOSYS = -38, ETIME = -62, EOPNOTSUPP = -95;
