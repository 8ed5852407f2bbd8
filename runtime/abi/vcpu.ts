// HYPERVISOR_vcpu_op (public/vcpu.h): sub-operations, runstates, and the argument layouts.
//
// Layouts are objects of byte offsets plus `size`. On x86_32 a uint64_t is only 4-byte
// aligned, so several of these are shorter than on x86_64 (vcpu_runstate_info 44 rather
// than 48, vcpu_set_singleshot_timer 12 rather than 16).
import { nameTable, type NameTable } from './names.ts';

export const VCPUOP_initialise = 0; // vcpu.h
export const VCPUOP_up = 1; // vcpu.h
export const VCPUOP_down = 2; // vcpu.h
export const VCPUOP_is_up = 3; // vcpu.h
export const VCPUOP_get_runstate_info = 4; // vcpu.h
export const VCPUOP_register_runstate_memory_area = 5; // vcpu.h
export const VCPUOP_set_periodic_timer = 6; // vcpu.h
export const VCPUOP_stop_periodic_timer = 7; // vcpu.h
export const VCPUOP_set_singleshot_timer = 8; // vcpu.h
export const VCPUOP_stop_singleshot_timer = 9; // vcpu.h
export const VCPUOP_register_vcpu_info = 10; // vcpu.h
export const VCPUOP_send_nmi = 11; // vcpu.h
export const VCPUOP_get_physid = 12; // vcpu.h
export const VCPUOP_register_vcpu_time_memory_area = 13; // vcpu.h

/** VCPUOP_* to name ('initialise', ...). */
export const VCPUOP_NAMES: NameTable = nameTable('VCPUOP_', {
  VCPUOP_initialise, VCPUOP_up, VCPUOP_down, VCPUOP_is_up, VCPUOP_get_runstate_info,
  VCPUOP_register_runstate_memory_area, VCPUOP_set_periodic_timer, VCPUOP_stop_periodic_timer,
  VCPUOP_set_singleshot_timer, VCPUOP_stop_singleshot_timer, VCPUOP_register_vcpu_info, VCPUOP_send_nmi,
  VCPUOP_get_physid, VCPUOP_register_vcpu_time_memory_area,
});

/** struct vcpu_runstate_info (vcpu.h), x86_32: int state, then uint64_t state_entry_time at 4
 *  and uint64_t time[4] (ns spent in each RUNSTATE_*) at 12. */
export const VCPU_RUNSTATE_INFO = { size: 44, state: 0, state_entry_time: 4, time: 12 } as const;
/** Set in state_entry_time while Xen updates a registered runstate area (with
 *  VMASST_TYPE_runstate_update_flag). */
export const XEN_RUNSTATE_UPDATE = 1n << 63n; // vcpu.h
export const RUNSTATE_running = 0; // vcpu.h
export const RUNSTATE_runnable = 1; // vcpu.h
export const RUNSTATE_blocked = 2; // vcpu.h
export const RUNSTATE_offline = 3; // vcpu.h

/** struct vcpu_register_runstate_memory_area (vcpu.h): a union of a handle, a pointer and a
 *  uint64_t, so 8 bytes; a 32-bit guest's address is in the low 4. */
export const VCPU_REGISTER_RUNSTATE_MEMORY_AREA = { size: 8, addr: 0 } as const;
/** struct vcpu_set_periodic_timer (vcpu.h). */
export const VCPU_SET_PERIODIC_TIMER = { size: 8, period_ns: 0 } as const;
/** struct vcpu_set_singleshot_timer (vcpu.h), x86_32: uint64_t timeout_abs_ns, uint32_t flags,
 *  no tail padding. */
export const VCPU_SET_SINGLESHOT_TIMER = { size: 12, timeout_abs_ns: 0, flags: 8 } as const;
export const _VCPU_SSHOTTMR_future = 0; // vcpu.h
export const VCPU_SSHOTTMR_future = 1 << _VCPU_SSHOTTMR_future; // vcpu.h
/** struct vcpu_register_vcpu_info (vcpu.h). */
export const VCPU_REGISTER_VCPU_INFO = { size: 16, mfn: 0, offset: 8, rsvd: 12 } as const;
/** struct vcpu_get_physid (vcpu.h). */
export const VCPU_GET_PHYSID = { size: 8, phys_id: 0 } as const;
/** struct vcpu_register_time_memory_area (vcpu.h): like the runstate area's, 8 bytes. */
export const VCPU_REGISTER_TIME_MEMORY_AREA = { size: 8, addr: 0 } as const;
