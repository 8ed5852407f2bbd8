// HYPERVISOR_callback_op (compat_callback_op, xen/arch/x86/pv/callback.c) for a 32-bit guest.
// CALLBACKOP_register takes struct callback_register {u16 type; u16 flags; {u32 cs; u32 eip}}:
// event, failsafe (CALLBACKF_mask_events masks events on entry), syscall32 and sysenter are
// recorded, nmi installs trap_ctxt[2] with Xen's flat kernel CS and events masked; other types
// (syscall is 64-bit only, the old sysenter number 3) answer -ENOSYS. CALLBACKOP_unregister
// refuses every type but nmi with -EINVAL. Unknown commands are -EINVAL (the compat handler's
// default, unlike the native -ENOSYS).
import { __HYPERVISOR_callback_op } from '../abi/hypercalls.ts';
import type { Hypercall } from './table.ts';
import { copyFromGuest } from '../guest-memory.ts';
import { trapState, fixupGuestSelector, type PvTrapState } from '../traps/state.ts';
import {
  CALLBACKOP_register, CALLBACKOP_unregister, CALLBACK_REGISTER_SIZE, CALLBACK_UNREGISTER_SIZE,
  CALLBACKTYPE_event, CALLBACKTYPE_failsafe, CALLBACKTYPE_syscall32, CALLBACKTYPE_sysenter, CALLBACKTYPE_nmi,
  CALLBACKF_mask_events, FLAT_KERNEL_CS, TI_IF, EFAULT, EINVAL, ENOSYS,
} from '../traps/abi.ts';

const TRAP_nmi = 2;

/** register_guest_nmi_callback: vector 2 with FLAT_COMPAT_KERNEL_CS and TI_SET_IF. */
export function registerNmiCallback(t: PvTrapState, address: number): number {
  const ti = t.trapCtxt[TRAP_nmi];
  ti.cs = FLAT_KERNEL_CS; ti.address = address | 0; ti.flags = TI_IF;
  return 0;
}
export function unregisterNmiCallback(t: PvTrapState): void {
  const ti = t.trapCtxt[TRAP_nmi];
  ti.cs = 0; ti.address = 0; ti.flags = 0;
}

export const callbackOp: Hypercall = {
  nr: __HYPERVISOR_callback_op, name: 'callback_op', args: ['c', 'p'], subops: { 0: 'register', 1: 'unregister' },
  handler(d, [cmd, arg]) {
    const t = trapState(d);
    switch (cmd) {
      case CALLBACKOP_register: {
        const b = copyFromGuest(d, arg, CALLBACK_REGISTER_SIZE);
        if (!b) return EFAULT;
        const v = new DataView(b.buffer);
        const type = v.getUint16(0, true), flags = v.getUint16(2, true);
        const cs = fixupGuestSelector(v.getUint32(4, true)), eip = v.getUint32(8, true) | 0;
        const mask = (flags & CALLBACKF_mask_events) !== 0;
        switch (type) {
          case CALLBACKTYPE_event: t.eventCallback = { cs, eip }; return 0;
          case CALLBACKTYPE_failsafe: t.failsafeCallback = { cs, eip }; t.failsafeDisablesEvents = mask; return 0;
          case CALLBACKTYPE_syscall32: t.syscall32Callback = { cs, eip }; t.syscall32DisablesEvents = mask; return 0;
          case CALLBACKTYPE_sysenter: t.sysenterCallback = { cs, eip }; t.sysenterDisablesEvents = mask; return 0;
          case CALLBACKTYPE_nmi: return registerNmiCallback(t, eip);
          default: return ENOSYS;
        }
      }
      case CALLBACKOP_unregister: {
        const b = copyFromGuest(d, arg, CALLBACK_UNREGISTER_SIZE);
        if (!b) return EFAULT;
        const type = b[0] | (b[1] << 8);
        switch (type) {
          case CALLBACKTYPE_event: case CALLBACKTYPE_failsafe: case CALLBACKTYPE_syscall32: case CALLBACKTYPE_sysenter:
            return EINVAL;
          case CALLBACKTYPE_nmi: unregisterNmiCallback(t); return 0;
          default: return ENOSYS;
        }
      }
      default: return EINVAL;
    }
  },
};
