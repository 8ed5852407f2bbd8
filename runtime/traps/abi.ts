// Constants of the trap and callback ABI of a 32-bit PV guest, with the header each comes from.

import { TRAP_INFO } from '../abi/arch-x86_32.ts';
import { CALLBACK_REGISTER, CALLBACK_UNREGISTER } from '../abi/callback.ts';
import { VCPU_INFO } from '../abi/xen.ts';

/** public/arch-x86/xen.h struct trap_info (32-bit: u8 vector, u8 flags, u16 cs, u32 address). */
export const TRAP_INFO_SIZE = TRAP_INFO.size;
/** TI_GET_DPL / TI_GET_IF (public/arch-x86/xen.h): flags bits 0-1 are the gate DPL, bit 2
 *  asks for events to be masked on entry (an "interrupt gate"). */
export const TI_DPL_MASK = 3, TI_IF = 4;

export {
  CALLBACKTYPE_event, CALLBACKTYPE_failsafe, CALLBACKTYPE_syscall, CALLBACKTYPE_sysenter_deprecated,
  CALLBACKTYPE_nmi, CALLBACKTYPE_sysenter, CALLBACKTYPE_syscall32, CALLBACKF_mask_events,
  CALLBACKOP_register, CALLBACKOP_unregister,
} from '../abi/callback.ts';
/** struct callback_register / callback_unregister sizes for a 32-bit guest. */
export const CALLBACK_REGISTER_SIZE = CALLBACK_REGISTER.size, CALLBACK_UNREGISTER_SIZE = CALLBACK_UNREGISTER.size;

export { XENNMI_register_callback, XENNMI_unregister_callback } from '../abi/nmi.ts';
export { FLAT_RING1_CS, FLAT_RING1_DS, FLAT_RING3_CS, FLAT_RING3_DS, FLAT_KERNEL_CS, FLAT_KERNEL_SS } from '../abi/arch-x86_32.ts';
export { VMASST_TYPE_architectural_iopl } from '../abi/xen.ts';

/** struct vcpu_info (public/xen.h, 32-bit layout): upcall_pending, upcall_mask, then a pad byte,
 *  evtchn_pending_sel, arch_vcpu_info { cr2, pad[5] }, vcpu_time_info. */
export const VCPU_INFO_upcall_pending = VCPU_INFO.evtchn_upcall_pending, VCPU_INFO_upcall_mask = VCPU_INFO.evtchn_upcall_mask,
  VCPU_INFO_pad0 = 2, VCPU_INFO_cr2 = VCPU_INFO.arch_cr2;

/** Trap-bounce flags (xen/arch/x86/include/asm/domain.h TBF_*). */
export const TBF_EXCEPTION = 1, TBF_EXCEPTION_ERRCODE = 2, TBF_INTERRUPT = 8, TBF_FAILSAFE = 16;

export { EPERM, ESRCH, EFAULT, EBUSY, ENODEV, EINVAL, ENOSPC, ENOSYS } from '../hypercalls/errno.ts';
