// HYPERVISOR_set_gdt (public/xen.h; xen/arch/x86/pv/descriptor-tables.c compat_set_gdt): the
// guest's GDT, as a list of frames holding `entries` descriptors. Each frame must be the
// domain's and must validate as a descriptor page; entries reach at most up to Xen's
// reserved page (FIRST_RESERVED_GDT_ENTRY).
import type { Hypercall } from './table.ts';
import { readGuest32 } from '../guest-memory.ts';
import { pvMmu } from '../mmu/mmu.ts';
import { arrayOkay } from '../mmu/guest-handles.ts';
import { EFAULT, EINVAL, ENOSYS, FIRST_RESERVED_GDT_ENTRY, HYPERVISOR_set_gdt } from '../mmu/constants.ts';

export const setGdt: Hypercall = {
  nr: HYPERVISOR_set_gdt, name: 'set_gdt', args: ['p', 'u'],
  handler(d, [frameList, entries]) {
    const mmu = pvMmu(d);
    if (!mmu) return ENOSYS;
    entries >>>= 0;
    if (entries > FIRST_RESERVED_GDT_ENTRY) return EINVAL;
    const n = Math.ceil(entries / 512);
    if (!arrayOkay(d, frameList, n, 4)) return EFAULT;
    const frames: number[] = [];
    for (let i = 0; i < n; i++) {
      const f = readGuest32(d, (frameList + i * 4) | 0);
      if (f === null) return EFAULT;
      frames.push(f >>> 0);
    }
    return mmu.desc.setGdt(frames, entries);
  },
};
