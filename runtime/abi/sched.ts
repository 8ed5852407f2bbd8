// HYPERVISOR_sched_op (public/sched.h): sub-operations, their argument layouts, and the
// shutdown reasons.
//
// Layouts are objects of byte offsets plus `size`.
import { nameTable, type NameTable } from './names.ts';

export const SCHEDOP_yield = 0; // sched.h
export const SCHEDOP_block = 1; // sched.h
export const SCHEDOP_shutdown = 2; // sched.h
export const SCHEDOP_poll = 3; // sched.h
export const SCHEDOP_remote_shutdown = 4; // sched.h
export const SCHEDOP_shutdown_code = 5; // sched.h
export const SCHEDOP_watchdog = 6; // sched.h
export const SCHEDOP_pin_override = 7; // sched.h

/** SCHEDOP_* to name ('yield', ...). */
export const SCHEDOP_NAMES: NameTable = nameTable('SCHEDOP_', {
  SCHEDOP_yield, SCHEDOP_block, SCHEDOP_shutdown, SCHEDOP_poll, SCHEDOP_remote_shutdown,
  SCHEDOP_shutdown_code, SCHEDOP_watchdog, SCHEDOP_pin_override,
});

/** struct sched_shutdown (sched.h). */
export const SCHED_SHUTDOWN = { size: 4, reason: 0 } as const;
/** struct sched_poll (sched.h), x86_32: a 4-byte handle to the ports, their number, then a
 *  uint64_t timeout (absolute system time, 0 for none) at 8. */
export const SCHED_POLL = { size: 16, ports: 0, nr_ports: 4, timeout: 8 } as const;
/** struct sched_remote_shutdown (sched.h). */
export const SCHED_REMOTE_SHUTDOWN = { size: 8, domain_id: 0, reason: 4 } as const;
/** struct sched_watchdog (sched.h). */
export const SCHED_WATCHDOG = { size: 8, id: 0, timeout: 4 } as const;
/** struct sched_pin_override (sched.h). */
export const SCHED_PIN_OVERRIDE = { size: 4, pcpu: 0 } as const;

export const SHUTDOWN_poweroff = 0; // sched.h
export const SHUTDOWN_reboot = 1; // sched.h
export const SHUTDOWN_suspend = 2; // sched.h
export const SHUTDOWN_crash = 3; // sched.h
export const SHUTDOWN_watchdog = 4; // sched.h
export const SHUTDOWN_soft_reset = 5; // sched.h
export const SHUTDOWN_MAX = 5; // sched.h

/** SHUTDOWN_* reason to name ('poweroff', ...). */
export const SHUTDOWN_NAMES: NameTable = nameTable('SHUTDOWN_', {
  SHUTDOWN_poweroff, SHUTDOWN_reboot, SHUTDOWN_suspend, SHUTDOWN_crash, SHUTDOWN_watchdog,
  SHUTDOWN_soft_reset,
});
