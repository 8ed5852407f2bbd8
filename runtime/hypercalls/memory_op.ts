// HYPERVISOR_memory_op (public/memory.h; xen/common/memory.c do_memory_op, the compat
// translation of xen/common/compat/memory.c, and xen/arch/x86/x86_64/compat/mm.c): the
// reservation operations (which answer with the number of extents done, never an errno),
// reservation sizes, the M2P's place, the memory map, the highest machine frame.
import type { Hypercall } from './table.ts';
import type { Domain } from '../domain.ts';
import { PAGE } from '../domain.ts';
import { MACH2PHYS_VIRT_END_PAE, MACH2PHYS_VIRT_END_NONPAE } from '../abi/arch-x86_32.ts';
import { copyFromGuest, copyToGuest, readGuest32, writeGuest32 } from '../guest-memory.ts';
import { pvMmu, type PvMmu } from '../mmu/mmu.ts';
import { arrayOkay } from '../mmu/guest-handles.ts';
import { allocExtent, removePage, notePopulated, DOMU_MAX_ORDER } from '../mmu/reservation.ts';
import { DOMID_SELF, EFAULT, ENOSYS, EPERM, ESRCH, HYPERVISOR_memory_op } from '../mmu/constants.ts';

export const XENMEM_increase_reservation = 0, XENMEM_decrease_reservation = 1,
  XENMEM_maximum_ram_page = 2, XENMEM_current_reservation = 3, XENMEM_maximum_reservation = 4,
  XENMEM_machphys_mfn_list = 5, XENMEM_populate_physmap = 6, XENMEM_memory_map = 9,
  XENMEM_machine_memory_map = 10, XENMEM_machphys_mapping = 12;
/** public/memory.h: the sub-op is in the low bits of cmd, the extent to resume at above. */
const MEMOP_EXTENT_SHIFT = 6, MEMOP_CMD_MASK = (1 << MEMOP_EXTENT_SHIFT) - 1;
const E820_RAM = 1;

/** Sub-ops another subsystem implements (e.g. grant tables' XENMEM_* additions). */
export const memoryOpExtensions = new Map<number, (d: Domain, arg: number, startExtent: number) => number>();

/** increase/decrease_reservation and populate_physmap: the count of extents done. */
function reservationOp(d: Domain, mmu: PvMmu, op: number, arg: number, start: number): number {
  const r = copyFromGuest(d, arg, 20);
  if (!r) return start;
  const v = new DataView(r.buffer);
  const list = v.getInt32(0, true), nr = v.getInt32(4, true) >>> 0, order = v.getInt32(8, true) >>> 0;
  const domid = v.getUint16(16, true);
  if (nr > (0xffffffff >>> MEMOP_EXTENT_SHIFT) || start >= nr) return start;
  // Only DOMID_SELF names this domain (its number is not known to the runtime).
  if (domid !== DOMID_SELF) return start;
  let i = start;
  if (op === XENMEM_increase_reservation) {
    if (list !== 0 && !arrayOkay(d, list + start * 4, nr - start, 4)) return start;
    if (order > DOMU_MAX_ORDER) return start;
    for (; i < nr; i++) {
      const mfn = allocExtent(mmu, order);
      if (mfn < 0) break;
      if (list !== 0 && !writeGuest32(d, (list + i * 4) | 0, mfn)) break;
    }
  } else if (op === XENMEM_populate_physmap) {
    if (!arrayOkay(d, list + start * 4, nr - start, 4) || order > DOMU_MAX_ORDER) return start;
    for (; i < nr; i++) {
      const gpfn = readGuest32(d, (list + i * 4) | 0);
      if (gpfn === null) break;
      const mfn = allocExtent(mmu, order);
      if (mfn < 0) break;
      for (let j = 0; j < 1 << order; j++) notePopulated(mmu, (gpfn >>> 0) + j, mfn + j);
      if (!writeGuest32(d, (list + i * 4) | 0, mfn)) break;
    }
  } else {
    if (!arrayOkay(d, list + start * 4, nr - start, 4) || order > DOMU_MAX_ORDER) return start;
    outer: for (; i < nr; i++) {
      const gmfn = readGuest32(d, (list + i * 4) | 0);
      if (gmfn === null) break;
      for (let j = 0; j < 1 << order; j++) if (!removePage(mmu, (gmfn >>> 0) + j)) break outer;
    }
  }
  return i;
}

export const memoryOp: Hypercall = {
  nr: HYPERVISOR_memory_op, name: 'memory_op', args: ['c', 'p'],
  subops: {
    0: 'increase_reservation', 1: 'decrease_reservation', 2: 'maximum_ram_page', 3: 'current_reservation',
    4: 'maximum_reservation', 5: 'machphys_mfn_list', 6: 'populate_physmap', 9: 'memory_map',
    10: 'machine_memory_map', 12: 'machphys_mapping',
  },
  handler(d, [cmd, arg]) {
    const op = cmd & MEMOP_CMD_MASK, start = cmd >>> MEMOP_EXTENT_SHIFT;
    const mmu = pvMmu(d);
    const ext = memoryOpExtensions.get(op);
    if (ext) return ext(d, arg, start);
    if (!mmu) return ENOSYS;
    switch (op) {
      case XENMEM_increase_reservation: case XENMEM_decrease_reservation: case XENMEM_populate_physmap:
        return reservationOp(d, mmu, op, arg, start);
      case XENMEM_maximum_ram_page:
        // max_page: one past the highest machine frame.
        return d.totalFrames;
      case XENMEM_current_reservation: case XENMEM_maximum_reservation: {
        const b = copyFromGuest(d, arg, 2);
        if (!b) return EFAULT;
        if ((b[0] | (b[1] << 8)) !== DOMID_SELF) return ESRCH;
        return op === XENMEM_current_reservation ? mmu.totPages : mmu.maxPages;
      }
      case XENMEM_machphys_mapping: {
        // Where the guest finds the read-only M2P (struct xen_machphys_mapping, 32-bit).
        const start0 = d.m2pStart >>> 0;
        const end = d.pae ? MACH2PHYS_VIRT_END_PAE : MACH2PHYS_VIRT_END_NONPAE;
        const out = new Uint8Array(12), v = new DataView(out.buffer);
        v.setUint32(0, start0, true); v.setUint32(4, end >>> 0, true);
        v.setUint32(8, ((end - start0) >>> 2) - 1, true);
        return copyToGuest(d, arg, out) ? 0 : EFAULT;
      }
      case XENMEM_memory_map: {
        // struct xen_memory_map {nr_entries; buffer}: the domain's e820, one RAM range.
        const m = copyFromGuest(d, arg, 8);
        if (!m) return EFAULT;
        const mv = new DataView(m.buffer);
        const n = Math.min(mv.getUint32(0, true), 1), buf = mv.getInt32(4, true);
        if (n === 1) {
          const e = new Uint8Array(20), ev = new DataView(e.buffer);
          ev.setUint32(0, 0, true); ev.setUint32(4, 0, true);
          const size = mmu.maxPages * PAGE;
          ev.setUint32(8, size >>> 0, true); ev.setUint32(12, Math.floor(size / 2 ** 32), true);
          ev.setUint32(16, E820_RAM, true);
          if (!copyToGuest(d, buf, e)) return EFAULT;
        }
        return writeGuest32(d, arg, n) ? 0 : EFAULT;
      }
      // The host's memory map is for the hardware domain only.
      case XENMEM_machine_memory_map: return EPERM;
      default: return ENOSYS;
    }
  },
};
