// Constants of the trap and callback ABI of a 32-bit PV guest, with the header each comes from.

/** public/arch-x86/xen.h struct trap_info (32-bit: u8 vector, u8 flags, u16 cs, u32 address). */
export const TRAP_INFO_SIZE = 8;
/** TI_GET_DPL / TI_GET_IF (public/arch-x86/xen.h): flags bits 0-1 are the gate DPL, bit 2
 *  asks for events to be masked on entry (an "interrupt gate"). */
export const TI_DPL_MASK = 3, TI_IF = 4;

/** public/callback.h */
export const CALLBACKTYPE_event = 0, CALLBACKTYPE_failsafe = 1, CALLBACKTYPE_syscall = 2,
  CALLBACKTYPE_sysenter_deprecated = 3, CALLBACKTYPE_nmi = 4, CALLBACKTYPE_sysenter = 5,
  CALLBACKTYPE_syscall32 = 7;
export const CALLBACKF_mask_events = 1;
export const CALLBACKOP_register = 0, CALLBACKOP_unregister = 1;
/** struct callback_register for a 32-bit guest: u16 type, u16 flags, xen_callback_t {cs, eip}. */
export const CALLBACK_REGISTER_SIZE = 12;
/** struct callback_unregister: u16 type, u16 _unused. */
export const CALLBACK_UNREGISTER_SIZE = 4;

/** public/nmi.h */
export const XENNMI_register_callback = 0, XENNMI_unregister_callback = 1;

/** public/arch-x86/xen-x86_32.h */
export const FLAT_RING1_CS = 0xe019, FLAT_RING1_DS = 0xe021, FLAT_RING3_CS = 0xe02b, FLAT_RING3_DS = 0xe033;
export const FLAT_KERNEL_CS = FLAT_RING1_CS, FLAT_KERNEL_SS = FLAT_RING1_DS;

/** public/xen.h VMASST_TYPE_architectural_iopl. */
export const VMASST_TYPE_architectural_iopl = 4;

/** struct vcpu_info (public/xen.h, 32-bit layout): upcall_pending, upcall_mask, then a pad byte,
 *  evtchn_pending_sel, arch_vcpu_info { cr2, pad[5] }, vcpu_time_info. */
export const VCPU_INFO_upcall_pending = 0, VCPU_INFO_upcall_mask = 1, VCPU_INFO_pad0 = 2, VCPU_INFO_cr2 = 8;

/** Trap-bounce flags (xen/arch/x86/include/asm/domain.h TBF_*). */
export const TBF_EXCEPTION = 1, TBF_EXCEPTION_ERRCODE = 2, TBF_INTERRUPT = 8, TBF_FAILSAFE = 16;

export { EPERM, ESRCH, EFAULT, EBUSY, ENODEV, EINVAL, ENOSPC, ENOSYS } from '../hypercalls/errno.ts';
