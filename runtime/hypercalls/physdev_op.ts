// HYPERVISOR_physdev_op (do_physdev_op, xen/arch/x86/physdev.c, compiled for compat guests)
// as an unprivileged PV domU without passed-through devices sees it:
//   set_iopl          the virtual IOPL port I/O emulation checks (iopl > 3: -EINVAL)
//   set_iobitmap      the guest's I/O permission bitmap (nr_ports > 65536 or a bitmap that
//                     reaches the hypervisor area: -EINVAL)
//   get_free_pirq     allocates a pirq number (GSI type from 16 up below nr_irqs_gsi, others
//                     from the top down), -ENOSPC when none is left
//   eoi               0 for an allocated pirq, else -EINVAL
//   irq_status_query  XENIRQSTAT_needs_eoi for any pirq in range, -EINVAL outside
//   pirq_eoi_gmfn     registers a writable frame once (-EBUSY after), -EINVAL for a bad frame
//   IRQ_UNMASK_NOTIFY 0
//   map_pirq/unmap_pirq  -EPERM for this domain or dom0 (XSM_DM_PRIV), -ESRCH for any other
//   apic_read/write, alloc_irq_vector, manage_pci_*, pci_device_*, prepare/release_msix,
//   setup_gsi, pci_mmcfg_reserved, dbgp_op  -EPERM (XSM_PRIV; argument validation first
//                     where Xen does it first); restore_msi(_ext): -ENODEV (no such device)
//   anything else     -ENOSYS
// Every argument is copied in first (-EFAULT) where Xen copies first.
// HYPERVISOR_physdev_op_compat (19) takes struct physdev_op {u32 cmd; union u} instead.
import { __HYPERVISOR_physdev_op, __HYPERVISOR_physdev_op_compat } from '../abi/hypercalls.ts';
import type { Hypercall } from './table.ts';
import type { Domain } from '../domain.ts';
import { copyFromGuest, copyToGuest } from '../guest-memory.ts';
import { trapState } from '../traps/state.ts';
import { EFAULT, EINVAL, EPERM, ESRCH, EBUSY, ENODEV, ENOSPC, ENOSYS } from '../traps/abi.ts';

export const PHYSDEVOP = {
  IRQ_UNMASK_NOTIFY: 4, irq_status_query: 5, set_iopl: 6, set_iobitmap: 7, apic_read: 8, apic_write: 9,
  alloc_irq_vector: 10, free_irq_vector: 11, eoi: 12, map_pirq: 13, unmap_pirq: 14, manage_pci_add: 15,
  manage_pci_remove: 16, pirq_eoi_gmfn_v1: 17, restore_msi: 19, manage_pci_add_ext: 20, setup_gsi: 21,
  get_free_pirq: 23, pci_mmcfg_reserved: 24, pci_device_add: 25, pci_device_remove: 26, restore_msi_ext: 27,
  pirq_eoi_gmfn_v2: 28, dbgp_op: 29, prepare_msix: 30, release_msix: 31,
} as const;
const MAP_PIRQ_TYPE_GSI = 1, MAP_PIRQ_TYPE_MULTI_MSI = 4;
const XENIRQSTAT_needs_eoi = 1;
import { DOMID_SELF } from '../abi/xen.ts';
/** IOBMP_BYTES: the bitmap covers 65536 ports. */
const IOBMP_BYTES = 8192;
/** The host the domain believes it runs on: one IO-APIC with 24 pins (nr_irqs_gsi), and
 *  Xen's default extra_domU_pirqs of 32 (d->nr_pirqs = nr_irqs_gsi + extra). */
export const NR_IRQS_GSI = 24, NR_PIRQS = NR_IRQS_GSI + 32;

const SIZES: Record<number, number> = {
  [PHYSDEVOP.eoi]: 4, [PHYSDEVOP.pirq_eoi_gmfn_v1]: 4, [PHYSDEVOP.pirq_eoi_gmfn_v2]: 4, [PHYSDEVOP.irq_status_query]: 8,
  [PHYSDEVOP.set_iopl]: 4, [PHYSDEVOP.set_iobitmap]: 8, [PHYSDEVOP.apic_read]: 12, [PHYSDEVOP.apic_write]: 12,
  [PHYSDEVOP.alloc_irq_vector]: 8, [PHYSDEVOP.map_pirq]: 36, [PHYSDEVOP.unmap_pirq]: 8, [PHYSDEVOP.manage_pci_add]: 2,
  [PHYSDEVOP.manage_pci_remove]: 2, [PHYSDEVOP.manage_pci_add_ext]: 16, [PHYSDEVOP.restore_msi]: 2,
  [PHYSDEVOP.setup_gsi]: 8, [PHYSDEVOP.get_free_pirq]: 8, [PHYSDEVOP.pci_device_add]: 12,
  [PHYSDEVOP.pci_device_remove]: 4, [PHYSDEVOP.restore_msi_ext]: 4, [PHYSDEVOP.prepare_msix]: 4, [PHYSDEVOP.release_msix]: 4,
};

/** Does a domain id name a domain that exists: this one, or dom0 (always there)? */
const exists = (domid: number): boolean => domid === DOMID_SELF || domid === 0;

export function physdevOp(d: Domain, cmd: number, arg: number): number {
  const t = trapState(d);
  // Sub-ops Xen refuses before reading the argument.
  if (cmd === PHYSDEVOP.pci_mmcfg_reserved || cmd === PHYSDEVOP.dbgp_op) return EPERM;
  const size = SIZES[cmd];
  if (size === undefined) return cmd === PHYSDEVOP.IRQ_UNMASK_NOTIFY ? 0 : ENOSYS;
  const b = copyFromGuest(d, arg, size);
  if (!b) return EFAULT;
  const v = new DataView(b.buffer);
  const u32 = (off: number): number => v.getUint32(off, true);
  const i32 = (off: number): number => v.getInt32(off, true);
  switch (cmd) {
    case PHYSDEVOP.set_iopl:
      if (u32(0) > 3) return EINVAL;
      t.iopl = u32(0) << 12;
      return 0;
    case PHYSDEVOP.set_iobitmap: {
      const bitmap = u32(0), nrPorts = u32(4);
      if (bitmap + IOBMP_BYTES > (d.hvStart >>> 0) || nrPorts > 65536) return EINVAL;
      t.iobmp = bitmap | 0;
      t.iobmpLimit = nrPorts;
      return 0;
    }
    case PHYSDEVOP.eoi:
      if (u32(0) >= NR_PIRQS || !t.allocatedPirqs.has(u32(0))) return EINVAL;
      return 0;
    case PHYSDEVOP.irq_status_query: {
      const irq = i32(0);
      if (irq < 0 || irq >= NR_PIRQS) return EINVAL;
      v.setUint32(4, XENIRQSTAT_needs_eoi, true);
      return copyToGuest(d, arg, b) ? 0 : EFAULT;
    }
    case PHYSDEVOP.pirq_eoi_gmfn_v1: case PHYSDEVOP.pirq_eoi_gmfn_v2: {
      const gmfn = u32(0);
      if (!d.ownsFrame(gmfn)) return EINVAL;
      if (t.pirqEoiMapMfn !== 0) return EBUSY;
      t.pirqEoiMapMfn = gmfn;
      if (cmd === PHYSDEVOP.pirq_eoi_gmfn_v1) t.pirqAutoUnmask = true;
      return 0;
    }
    case PHYSDEVOP.get_free_pirq: {
      const pirq = getFreePirq(t.allocatedPirqs, i32(0));
      if (pirq < 0) return pirq;
      t.allocatedPirqs.add(pirq);
      v.setUint32(4, pirq, true);
      return copyToGuest(d, arg, b) ? 0 : EFAULT;
    }
    case PHYSDEVOP.map_pirq: {
      if (i32(4) === MAP_PIRQ_TYPE_MULTI_MSI && (u32(28) !== 0 || u32(32) !== 0)) return EINVAL;
      const rc = exists(v.getUint16(0, true)) ? EPERM : ESRCH;
      return copyToGuest(d, arg, b) ? rc : EFAULT;
    }
    case PHYSDEVOP.unmap_pirq:
      return exists(v.getUint16(0, true)) ? EPERM : ESRCH;
    case PHYSDEVOP.manage_pci_add_ext:
      if (u32(4) > 1 || u32(8) > 1) return EINVAL;
      return EPERM;
    case PHYSDEVOP.setup_gsi:
      if (i32(0) < 0 || i32(0) >= NR_IRQS_GSI) return EINVAL;
      return EPERM;
    case PHYSDEVOP.pci_device_add:
      // XEN_PCI_DEV_PXM: the proximity word after the structure is read too.
      if ((u32(4) & 4) && !copyFromGuest(d, (arg + 12) | 0, 4)) return EFAULT;
      return EPERM;
    case PHYSDEVOP.restore_msi: case PHYSDEVOP.restore_msi_ext:
      return ENODEV;
    default:
      // apic_read/write, alloc_irq_vector, manage_pci_add/remove, pci_device_remove,
      // prepare/release_msix: privileged.
      return EPERM;
  }
}

/** get_free_pirq (xen/arch/x86/irq.c). */
function getFreePirq(used: Set<number>, type: number): number {
  if (type === MAP_PIRQ_TYPE_GSI) {
    for (let i = 16; i < NR_IRQS_GSI; i++) if (!used.has(i)) return i;
  }
  for (let i = NR_PIRQS - 1; i >= NR_IRQS_GSI; i--) if (!used.has(i)) return i;
  return ENOSPC;
}

const SUBOPS = Object.fromEntries(Object.entries(PHYSDEVOP).map(([k, n]) => [n, k]));

export const physdevOpHypercall: Hypercall = {
  nr: __HYPERVISOR_physdev_op, name: 'physdev_op', args: ['c', 'p'], subops: SUBOPS,
  handler(d, [cmd, arg]) { return physdevOp(d, cmd, arg); },
};

/** The pre-3.2 interface: struct physdev_op {u32 cmd; union {...} u} (16 bytes), the sub-op
 *  working on the union in place. */
export const physdevOpCompat: Hypercall = {
  nr: __HYPERVISOR_physdev_op_compat, name: 'physdev_op_compat', args: ['p'],
  handler(d, [uop]) {
    const b = copyFromGuest(d, uop, 16);
    if (!b) return EFAULT;
    return physdevOp(d, new DataView(b.buffer).getUint32(0, true), (uop + 4) | 0);
  },
};
