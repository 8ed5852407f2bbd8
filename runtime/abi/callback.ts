// HYPERVISOR_callback_op (public/callback.h): callback types, flags and argument layouts.
//
// Layouts are objects of byte offsets plus `size`.
import { nameTable, type NameTable } from './names.ts';

export const CALLBACKTYPE_event = 0; // callback.h
export const CALLBACKTYPE_failsafe = 1; // callback.h
export const CALLBACKTYPE_syscall = 2; // callback.h (x86_64 only)
export const CALLBACKTYPE_sysenter_deprecated = 3; // callback.h
export const CALLBACKTYPE_nmi = 4; // callback.h
export const CALLBACKTYPE_sysenter = 5; // callback.h
export const CALLBACKTYPE_syscall32 = 7; // callback.h (x86_64 only)

/** CALLBACKTYPE_* to name ('event', ...). */
export const CALLBACKTYPE_NAMES: NameTable = nameTable('CALLBACKTYPE_', {
  CALLBACKTYPE_event, CALLBACKTYPE_failsafe, CALLBACKTYPE_syscall, CALLBACKTYPE_sysenter_deprecated,
  CALLBACKTYPE_nmi, CALLBACKTYPE_sysenter, CALLBACKTYPE_syscall32,
});

export const _CALLBACKF_mask_events = 0; // callback.h
/** Mask events (set evtchn_upcall_mask) on entry to the callback. */
export const CALLBACKF_mask_events = 1 << _CALLBACKF_mask_events; // callback.h

export const CALLBACKOP_register = 0; // callback.h
export const CALLBACKOP_unregister = 1; // callback.h

/** struct callback_register (callback.h), x86_32: the address is an xen_callback CS:EIP. */
export const CALLBACK_REGISTER = { size: 12, type: 0, flags: 2, address: 4, address_cs: 4, address_eip: 8 } as const;
/** struct callback_unregister (callback.h). */
export const CALLBACK_UNREGISTER = { size: 4, type: 0, _unused: 2 } as const;
