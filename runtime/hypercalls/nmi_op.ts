// HYPERVISOR_nmi_op (compat_nmi_op, xen/arch/x86/pv/callback.c): the older way to register
// the NMI callback, struct xennmi_callback {u32 handler_address; u32 pad}. A domU never
// receives an NMI, but the registration is recorded as Xen records it.
import { __HYPERVISOR_nmi_op } from '../abi/hypercalls.ts';
import type { Hypercall } from './table.ts';
import { readGuest32 } from '../guest-memory.ts';
import { trapState } from '../traps/state.ts';
import { registerNmiCallback, unregisterNmiCallback } from './callback_op.ts';
import { XENNMI_register_callback, XENNMI_unregister_callback, EFAULT, ENOSYS } from '../traps/abi.ts';

export const nmiOp: Hypercall = {
  nr: __HYPERVISOR_nmi_op, name: 'nmi_op', args: ['c', 'p'], subops: { 0: 'register_callback', 1: 'unregister_callback' },
  handler(d, [cmd, arg]) {
    const t = trapState(d);
    switch (cmd) {
      case XENNMI_register_callback: {
        const handler = readGuest32(d, arg);
        if (handler === null || readGuest32(d, (arg + 4) | 0) === null) return EFAULT;
        return registerNmiCallback(t, handler);
      }
      case XENNMI_unregister_callback: unregisterNmiCallback(t); return 0;
      default: return ENOSYS;
    }
  },
};
