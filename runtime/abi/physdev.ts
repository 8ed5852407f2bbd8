// HYPERVISOR_physdev_op (public/physdev.h): sub-operations and argument layouts. Most are for
// a domain with real devices; a PV domU uses set_iopl, set_iobitmap and irq_status_query.
//
// Layouts are objects of byte offsets plus `size`; members of nested structures are flattened
// with `_`.
import { nameTable, type NameTable } from './names.ts';

export const PHYSDEVOP_IRQ_UNMASK_NOTIFY = 4; // physdev.h (obsolete)
export const PHYSDEVOP_irq_status_query = 5; // physdev.h
export const PHYSDEVOP_set_iopl = 6; // physdev.h
export const PHYSDEVOP_set_iobitmap = 7; // physdev.h
export const PHYSDEVOP_apic_read = 8; // physdev.h
export const PHYSDEVOP_apic_write = 9; // physdev.h
export const PHYSDEVOP_alloc_irq_vector = 10; // physdev.h
export const PHYSDEVOP_free_irq_vector = 11; // physdev.h
export const PHYSDEVOP_eoi = 12; // physdev.h
export const PHYSDEVOP_map_pirq = 13; // physdev.h
export const PHYSDEVOP_unmap_pirq = 14; // physdev.h
export const PHYSDEVOP_manage_pci_add = 15; // physdev.h
export const PHYSDEVOP_manage_pci_remove = 16; // physdev.h
export const PHYSDEVOP_pirq_eoi_gmfn_v1 = 17; // physdev.h
export const PHYSDEVOP_restore_msi = 19; // physdev.h
export const PHYSDEVOP_manage_pci_add_ext = 20; // physdev.h
export const PHYSDEVOP_setup_gsi = 21; // physdev.h
export const PHYSDEVOP_get_free_pirq = 23; // physdev.h
export const PHYSDEVOP_pci_mmcfg_reserved = 24; // physdev.h
export const PHYSDEVOP_pci_device_add = 25; // physdev.h
export const PHYSDEVOP_pci_device_remove = 26; // physdev.h
export const PHYSDEVOP_restore_msi_ext = 27; // physdev.h
export const PHYSDEVOP_pirq_eoi_gmfn_v2 = 28; // physdev.h
export const PHYSDEVOP_dbgp_op = 29; // physdev.h
export const PHYSDEVOP_prepare_msix = 30; // physdev.h
export const PHYSDEVOP_release_msix = 31; // physdev.h
/** The current name of pirq_eoi_gmfn (v2 since interface 4.2). */
export const PHYSDEVOP_pirq_eoi_gmfn = PHYSDEVOP_pirq_eoi_gmfn_v2; // physdev.h

/** PHYSDEVOP_* to name ('set_iopl', ...). */
export const PHYSDEVOP_NAMES: NameTable = nameTable('PHYSDEVOP_', {
  PHYSDEVOP_IRQ_UNMASK_NOTIFY, PHYSDEVOP_irq_status_query, PHYSDEVOP_set_iopl, PHYSDEVOP_set_iobitmap,
  PHYSDEVOP_apic_read, PHYSDEVOP_apic_write, PHYSDEVOP_alloc_irq_vector, PHYSDEVOP_free_irq_vector,
  PHYSDEVOP_eoi, PHYSDEVOP_map_pirq, PHYSDEVOP_unmap_pirq, PHYSDEVOP_manage_pci_add,
  PHYSDEVOP_manage_pci_remove, PHYSDEVOP_pirq_eoi_gmfn_v1, PHYSDEVOP_restore_msi,
  PHYSDEVOP_manage_pci_add_ext, PHYSDEVOP_setup_gsi, PHYSDEVOP_get_free_pirq,
  PHYSDEVOP_pci_mmcfg_reserved, PHYSDEVOP_pci_device_add, PHYSDEVOP_pci_device_remove,
  PHYSDEVOP_restore_msi_ext, PHYSDEVOP_pirq_eoi_gmfn_v2, PHYSDEVOP_dbgp_op, PHYSDEVOP_prepare_msix,
  PHYSDEVOP_release_msix,
});

/** struct physdev_eoi (physdev.h). */
export const PHYSDEV_EOI = { size: 4, irq: 0 } as const;
/** struct physdev_pirq_eoi_gmfn (physdev.h), x86_32. */
export const PHYSDEV_PIRQ_EOI_GMFN = { size: 4, gmfn: 0 } as const;
/** struct physdev_irq_status_query (physdev.h). */
export const PHYSDEV_IRQ_STATUS_QUERY = { size: 8, irq: 0, flags: 4 } as const;
export const _XENIRQSTAT_needs_eoi = 0; // physdev.h
export const XENIRQSTAT_needs_eoi = 1 << _XENIRQSTAT_needs_eoi; // physdev.h
export const _XENIRQSTAT_shared = 1; // physdev.h
export const XENIRQSTAT_shared = 1 << _XENIRQSTAT_shared; // physdev.h
/** struct physdev_set_iopl (physdev.h): the virtual IOPL, 0-3. */
export const PHYSDEV_SET_IOPL = { size: 4, iopl: 0 } as const;
/** struct physdev_set_iobitmap (physdev.h), x86_32: a 4-byte handle to the bitmap. */
export const PHYSDEV_SET_IOBITMAP = { size: 8, bitmap: 0, nr_ports: 4 } as const;
/** struct physdev_apic (physdev.h), x86_32. */
export const PHYSDEV_APIC = { size: 12, apic_physbase: 0, reg: 4, value: 8 } as const;
/** struct physdev_irq (physdev.h). */
export const PHYSDEV_IRQ = { size: 8, irq: 0, vector: 4 } as const;
export const MAP_PIRQ_TYPE_MSI = 0x0; // physdev.h
export const MAP_PIRQ_TYPE_GSI = 0x1; // physdev.h
export const MAP_PIRQ_TYPE_UNKNOWN = 0x2; // physdev.h
export const MAP_PIRQ_TYPE_MSI_SEG = 0x3; // physdev.h
export const MAP_PIRQ_TYPE_MULTI_MSI = 0x4; // physdev.h
/** struct physdev_map_pirq (physdev.h), x86_32: table_base (uint64_t) at 28, size 36. */
export const PHYSDEV_MAP_PIRQ = {
  size: 36, domid: 0, type: 4, index: 8, pirq: 12, bus: 16, devfn: 20, entry_nr: 24, table_base: 28,
} as const;
/** struct physdev_unmap_pirq (physdev.h). */
export const PHYSDEV_UNMAP_PIRQ = { size: 8, domid: 0, pirq: 4 } as const;
/** struct physdev_manage_pci (physdev.h). */
export const PHYSDEV_MANAGE_PCI = { size: 2, bus: 0, devfn: 1 } as const;
/** struct physdev_restore_msi (physdev.h). */
export const PHYSDEV_RESTORE_MSI = { size: 2, bus: 0, devfn: 1 } as const;
/** struct physdev_manage_pci_ext (physdev.h). */
export const PHYSDEV_MANAGE_PCI_EXT = {
  size: 16, bus: 0, devfn: 1, is_extfn: 4, is_virtfn: 8, physfn: 12, physfn_bus: 12, physfn_devfn: 13,
} as const;
/** struct physdev_op (physdev.h): what __HYPERVISOR_physdev_op_compat takes, cmd and a union
 *  of the arguments of irq_status_query, set_iopl, set_iobitmap, apic_read/write and the irq
 *  vector operations. */
export const PHYSDEV_OP = { size: 16, cmd: 0, u: 4 } as const;
/** struct physdev_setup_gsi (physdev.h). */
export const PHYSDEV_SETUP_GSI = { size: 8, gsi: 0, triggering: 4, polarity: 5 } as const;
/** struct physdev_get_free_pirq (physdev.h). */
export const PHYSDEV_GET_FREE_PIRQ = { size: 8, type: 0, pirq: 4 } as const;
export const XEN_PCI_MMCFG_RESERVED = 0x1; // physdev.h
/** struct physdev_pci_mmcfg_reserved (physdev.h). */
export const PHYSDEV_PCI_MMCFG_RESERVED = {
  size: 16, address: 0, segment: 8, start_bus: 10, end_bus: 11, flags: 12,
} as const;
export const XEN_PCI_DEV_EXTFN = 0x1; // physdev.h
export const XEN_PCI_DEV_VIRTFN = 0x2; // physdev.h
export const XEN_PCI_DEV_PXM = 0x4; // physdev.h
/** struct physdev_pci_device_add (physdev.h): optarr is a flexible array at the end. */
export const PHYSDEV_PCI_DEVICE_ADD = {
  size: 12, seg: 0, bus: 2, devfn: 3, flags: 4, physfn: 8, physfn_bus: 8, physfn_devfn: 9, optarr: 12,
} as const;
/** struct physdev_pci_device (physdev.h). */
export const PHYSDEV_PCI_DEVICE = { size: 4, seg: 0, bus: 2, devfn: 3 } as const;
export const PHYSDEVOP_DBGP_RESET_PREPARE = 1; // physdev.h
export const PHYSDEVOP_DBGP_RESET_DONE = 2; // physdev.h
export const PHYSDEVOP_DBGP_BUS_UNKNOWN = 0; // physdev.h
export const PHYSDEVOP_DBGP_BUS_PCI = 1; // physdev.h
/** struct physdev_dbgp_op (physdev.h). */
export const PHYSDEV_DBGP_OP = { size: 6, op: 0, bus: 1, u: 2 } as const;
