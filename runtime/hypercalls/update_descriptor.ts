// HYPERVISOR_update_descriptor (public/xen.h; compat form: machine address and descriptor as
// 32-bit halves; xen/arch/x86/pv/descriptor-tables.c do_update_descriptor): one descriptor,
// checked like every GDT/LDT entry, stored into a descriptor page or an ordinary frame.
import type { Hypercall } from './table.ts';
import { pvMmu } from '../mmu/mmu.ts';
import { ENOSYS, HYPERVISOR_update_descriptor } from '../mmu/constants.ts';

export const updateDescriptor: Hypercall = {
  nr: HYPERVISOR_update_descriptor, name: 'update_descriptor', args: ['u', 'u', 'u', 'u'],
  handler(d, [paLo, paHi, lo, hi]) {
    const mmu = pvMmu(d);
    if (!mmu) return ENOSYS;
    return mmu.desc.updateDescriptor(paLo, paHi, lo, hi);
  },
};
