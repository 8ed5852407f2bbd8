// HYPERVISOR_fpu_taskswitch (do_fpu_taskswitch, xen/arch/x86/pv/misc-hypercalls.c): set
// (non-zero argument) or clear CR0.TS, the PV form of CLTS/STTS.
import { __HYPERVISOR_fpu_taskswitch } from '../abi/hypercalls.ts';
import type { Hypercall } from './table.ts';
import { trapState } from '../traps/state.ts';
import { fpuTaskswitch as taskswitch } from '../traps/ctrl-regs.ts';

export const fpuTaskswitch: Hypercall = {
  nr: __HYPERVISOR_fpu_taskswitch, name: 'fpu_taskswitch', args: ['d'],
  handler(d, [set]) {
    taskswitch(trapState(d), set !== 0);
    return 0;
  },
};
