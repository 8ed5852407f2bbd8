// HYPERVISOR_set_callbacks (compat_set_callbacks, xen/arch/x86/pv/callback.c): the event
// upcall and failsafe entry points of a 32-bit guest as selector:offset pairs. It always
// succeeds; the failsafe callback so registered does not mask events.
import { __HYPERVISOR_set_callbacks } from '../abi/hypercalls.ts';
import type { Hypercall } from './table.ts';
import { trapState, fixupGuestSelector } from '../traps/state.ts';

export const setCallbacks: Hypercall = {
  nr: __HYPERVISOR_set_callbacks, name: 'set_callbacks', args: ['u', 'u', 'u', 'u'],
  handler(d, [eventCs, eventEip, failsafeCs, failsafeEip]) {
    const t = trapState(d);
    t.eventCallback = { cs: fixupGuestSelector(eventCs), eip: eventEip | 0 };
    t.failsafeCallback = { cs: fixupGuestSelector(failsafeCs), eip: failsafeEip | 0 };
    t.failsafeDisablesEvents = false;
    return 0;
  },
};
