// The PV MMU as a plugin: page-type tracking and validation (page-types.ts, pagetables.ts),
// descriptor tables (descriptor-tables.ts), writable page tables and lazy LDT mapping
// (fault-filter.ts, ptwr.ts), and the memory hypercalls that use them.
import type { Plugin, Machine } from '../machine.ts';
import { PvMmu } from './mmu.ts';
import { installFaultFilter } from './fault-filter.ts';
import { mmuUpdate } from '../hypercalls/mmu_update.ts';
import { mmuextOp } from '../hypercalls/mmuext_op.ts';
import { updateVaMapping } from '../hypercalls/update_va_mapping.ts';
import { setGdt } from '../hypercalls/set_gdt.ts';
import { updateDescriptor } from '../hypercalls/update_descriptor.ts';
import { memoryOp } from '../hypercalls/memory_op.ts';
import { makeMulticall } from '../hypercalls/multicall.ts';

export { PvMmu, pvMmu } from './mmu.ts';

/** Install the MMU on a machine: d.ext.mmu, the hypercalls, and (once every plugin is in
 *  place, at boot) the fault filter in front of the trap bouncer. */
export function installMmu(m: Machine): PvMmu {
  const mmu = new PvMmu(m.domain);
  m.domain.ext.mmu = mmu;
  for (const h of [mmuUpdate, mmuextOp, updateVaMapping, setGdt, updateDescriptor, memoryOp]) m.hypercalls.register(h);
  if (!m.hypercalls.get(13)) m.hypercalls.register(makeMulticall(m.hypercalls));
  m.bootHooks.push((sod) => {
    mmu.adoptBootTables(sod.l3OrL2Mfn);
    installFaultFilter(m, mmu);
  });
  return mmu;
}

export const mmuPlugin: Plugin = { name: 'mmu', install: (m) => { installMmu(m); } };
