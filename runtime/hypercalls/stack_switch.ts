// HYPERVISOR_stack_switch (do_stack_switch, xen/arch/x86/pv/misc-hypercalls.c): the guest
// kernel stack Xen switches to when a trap or event interrupts ring 3. Not validated here: a
// bad stack makes the next bounce frame fault, which crashes the domain.
import { __HYPERVISOR_stack_switch } from '../abi/hypercalls.ts';
import type { Hypercall } from './table.ts';
import { trapState, fixupGuestSelector } from '../traps/state.ts';

export const stackSwitch: Hypercall = {
  nr: __HYPERVISOR_stack_switch, name: 'stack_switch', args: ['u', 'u'],
  handler(d, [ss, esp]) {
    const t = trapState(d);
    t.kernelSs = fixupGuestSelector(ss);
    t.kernelSp = esp | 0;
    return 0;
  },
};
