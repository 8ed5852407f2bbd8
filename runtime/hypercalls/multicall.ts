// HYPERVISOR_multicall (public/xen.h; xen/common/multicall.c and the compat entry of
// xen/arch/x86/pv/hypercall.c): run a list of hypercalls, each entry {op, result, args[6]}
// (32 bytes for a 32-bit guest). Every call's result goes into its entry and the list goes
// on whatever an entry returned; only a failure to read or write the list itself stops it
// with -EFAULT. A multicall inside a multicall is refused (-EINVAL).
import type { Hypercall, HypercallTable } from './table.ts';
import { copyFromGuest, writeGuest32 } from '../guest-memory.ts';
import { arrayOkay } from '../mmu/guest-handles.ts';
import { EFAULT, EINVAL, ENOSYS, HYPERVISOR_multicall } from '../mmu/constants.ts';

const ENTRY = 32;

export function makeMulticall(table: HypercallTable): Hypercall {
  let inMulticall = false;
  return {
    nr: HYPERVISOR_multicall, name: 'multicall', args: ['p', 'u'],
    handler(d, [list, nr]) {
      if (inMulticall) return EINVAL;
      nr >>>= 0;
      if (!arrayOkay(d, list, nr, ENTRY)) return EFAULT;
      inMulticall = true;
      try {
        for (let i = 0; i < nr; i++) {
          const at = (list + i * ENTRY) | 0;
          const e = copyFromGuest(d, at, ENTRY);
          if (!e) return EFAULT;
          const v = new DataView(e.buffer);
          const op = v.getUint32(0, true);
          const args = [8, 12, 16, 20, 24, 28].map((o) => v.getInt32(o, true));
          const h = table.get(op);
          const result = h ? h.handler(d, args) : ENOSYS;
          table.counted(op);
          if (!writeGuest32(d, at + 4, result | 0)) return EFAULT;
          // A call that shut the domain down or left kernel mode ends the list (mc_exit).
          if (d.shutdown || d.cpu.cpl === 3) break;
        }
        return 0;
      } finally {
        inMulticall = false;
      }
    },
  };
}
