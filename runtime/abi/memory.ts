// HYPERVISOR_memory_op (public/memory.h): sub-operations, XENMEMF_* flags, map spaces and the
// argument layouts, plus the e820 entry that XENMEM_memory_map returns.
//
// Layouts are objects of byte offsets plus `size`. On x86_32 xen_pfn_t, xen_ulong_t and guest
// handles are 4 bytes and a uint64_t is 4-byte aligned. A member that C calls `size` is
// `size_` here, since `size` is the structure's own size.
import { nameTable, type NameTable } from './names.ts';

export const XENMEM_increase_reservation = 0; // memory.h
export const XENMEM_decrease_reservation = 1; // memory.h
export const XENMEM_maximum_ram_page = 2; // memory.h
export const XENMEM_current_reservation = 3; // memory.h
export const XENMEM_maximum_reservation = 4; // memory.h
export const XENMEM_machphys_mfn_list = 5; // memory.h
export const XENMEM_populate_physmap = 6; // memory.h
export const XENMEM_add_to_physmap = 7; // memory.h
export const XENMEM_memory_map = 9; // memory.h
export const XENMEM_machine_memory_map = 10; // memory.h
export const XENMEM_exchange = 11; // memory.h
export const XENMEM_machphys_mapping = 12; // memory.h
export const XENMEM_set_memory_map = 13; // memory.h
export const XENMEM_maximum_gpfn = 14; // memory.h
export const XENMEM_remove_from_physmap = 15; // memory.h
export const XENMEM_set_pod_target = 16; // memory.h
export const XENMEM_get_pod_target = 17; // memory.h
export const XENMEM_get_sharing_freed_pages = 18; // memory.h (toolstack only)
export const XENMEM_get_sharing_shared_pages = 19; // memory.h (toolstack only)
export const XENMEM_paging_op = 20; // memory.h (toolstack only)
export const XENMEM_access_op = 21; // memory.h (toolstack only)
export const XENMEM_sharing_op = 22; // memory.h (toolstack only)
export const XENMEM_add_to_physmap_batch = 23; // memory.h
export const XENMEM_claim_pages = 24; // memory.h (toolstack only)
export const XENMEM_machphys_compat_mfn_list = 25; // memory.h
export const XENMEM_get_vnumainfo = 26; // memory.h
export const XENMEM_reserved_device_memory_map = 27; // memory.h (toolstack only)
export const XENMEM_acquire_resource = 28; // memory.h

/** XENMEM_* sub-operation to name ('increase_reservation', ...). */
export const XENMEM_NAMES: NameTable = nameTable('XENMEM_', {
  XENMEM_increase_reservation, XENMEM_decrease_reservation, XENMEM_maximum_ram_page,
  XENMEM_current_reservation, XENMEM_maximum_reservation, XENMEM_machphys_mfn_list,
  XENMEM_populate_physmap, XENMEM_add_to_physmap, XENMEM_memory_map, XENMEM_machine_memory_map,
  XENMEM_exchange, XENMEM_machphys_mapping, XENMEM_set_memory_map, XENMEM_maximum_gpfn,
  XENMEM_remove_from_physmap, XENMEM_set_pod_target, XENMEM_get_pod_target,
  XENMEM_get_sharing_freed_pages, XENMEM_get_sharing_shared_pages, XENMEM_paging_op, XENMEM_access_op,
  XENMEM_sharing_op, XENMEM_add_to_physmap_batch, XENMEM_claim_pages, XENMEM_machphys_compat_mfn_list,
  XENMEM_get_vnumainfo, XENMEM_reserved_device_memory_map, XENMEM_acquire_resource,
});

// xen_memory_reservation.mem_flags: address bits in 0-7, node + 1 in 8-15, flags above. These
// follow the macros (arithmetic on 32-bit unsigned values).
/** XENMEMF_address_bits (memory.h). */
export function XENMEMF_address_bits(x: number): number { return x >>> 0; }
/** XENMEMF_get_address_bits (memory.h). */
export function XENMEMF_get_address_bits(x: number): number { return x & 0xff; }
/** XENMEMF_node (memory.h). */
export function XENMEMF_node(x: number): number { return ((x + 1) << 8) >>> 0; }
/** XENMEMF_get_node (memory.h). */
export function XENMEMF_get_node(x: number): number { return ((x >>> 8) - 1) & 0xff; }
/** XENMEMF_exact_node (memory.h). */
export function XENMEMF_exact_node(n: number): number { return (XENMEMF_node(n) | XENMEMF_exact_node_request) >>> 0; }
export const XENMEMF_populate_on_demand = 1 << 16; // memory.h
export const XENMEMF_exact_node_request = 1 << 17; // memory.h
export const XENMEMF_vnode = 1 << 18; // memory.h

/** struct xen_memory_reservation (memory.h), x86_32. */
export const XEN_MEMORY_RESERVATION = {
  size: 20, extent_start: 0, nr_extents: 4, extent_order: 8, mem_flags: 12, domid: 16,
} as const;
/** struct xen_memory_exchange (memory.h): two reservations, then nr_exchanged. */
export const XEN_MEMORY_EXCHANGE = { size: 44, in: 0, out: 20, nr_exchanged: 40 } as const;
/** struct xen_memory_domain (memory.h). */
export const XEN_MEMORY_DOMAIN = { size: 2, domid: 0 } as const;
/** struct xen_machphys_mfn_list (memory.h). */
export const XEN_MACHPHYS_MFN_LIST = { size: 12, max_extents: 0, extent_start: 4, nr_extents: 8 } as const;
/** struct xen_machphys_mapping (memory.h): where the machine-to-phys table is mapped. */
export const XEN_MACHPHYS_MAPPING = { size: 12, v_start: 0, v_end: 4, max_mfn: 8 } as const;

export const XENMAPSPACE_shared_info = 0; // memory.h
export const XENMAPSPACE_grant_table = 1; // memory.h
export const XENMAPSPACE_gmfn = 2; // memory.h
export const XENMAPSPACE_gmfn_range = 3; // memory.h
export const XENMAPSPACE_gmfn_foreign = 4; // memory.h
export const XENMAPSPACE_dev_mmio = 5; // memory.h (Arm only)
/** In xen_add_to_physmap.idx with XENMAPSPACE_grant_table: a status frame, not a shared one. */
export const XENMAPIDX_grant_table_status = 0x80000000; // memory.h

/** struct xen_add_to_physmap (memory.h), x86_32; size_ is C's `size` (pages for gmfn_range). */
export const XEN_ADD_TO_PHYSMAP = { size: 16, domid: 0, size_: 2, space: 4, idx: 8, gpfn: 12 } as const;
/** struct xen_add_to_physmap_batch (memory.h), x86_32; size_ is C's `size`. */
export const XEN_ADD_TO_PHYSMAP_BATCH = {
  size: 20, domid: 0, space: 2, size_: 4, u: 6, u_foreign_domid: 6, idxs: 8, gpfns: 12, errs: 16,
} as const;
/** struct xen_remove_from_physmap (memory.h). */
export const XEN_REMOVE_FROM_PHYSMAP = { size: 8, domid: 0, gpfn: 4 } as const;
/** struct xen_memory_map (memory.h): nr_entries (in: room, out: used) and a handle to the
 *  buffer of E820_ENTRY records. */
export const XEN_MEMORY_MAP = { size: 8, nr_entries: 0, buffer: 4 } as const;
/** struct xen_foreign_memory_map (memory.h). */
export const XEN_FOREIGN_MEMORY_MAP = { size: 12, domid: 0, map: 4, map_nr_entries: 4, map_buffer: 8 } as const;
/** struct xen_pod_target (memory.h), x86_32: 36 bytes (40 on x86_64). */
export const XEN_POD_TARGET = {
  size: 36, target_pages: 0, tot_pages: 8, pod_cache_pages: 16, pod_entries: 24, domid: 32,
} as const;
/** struct xen_mem_acquire_resource (memory.h), x86_32: 28 bytes (32 on x86_64). */
export const XEN_MEM_ACQUIRE_RESOURCE = {
  size: 28, domid: 0, type: 2, id: 4, nr_frames: 8, pad: 12, frame: 16, frame_list: 24,
} as const;
export const XENMEM_resource_ioreq_server = 0; // memory.h
export const XENMEM_resource_grant_table = 1; // memory.h
export const XENMEM_resource_vmtrace_buf = 2; // memory.h
export const XENMEM_resource_grant_table_id_shared = 0; // memory.h
export const XENMEM_resource_grant_table_id_status = 1; // memory.h
export const XENMEM_resource_ioreq_server_frame_bufioreq = 0; // memory.h
/** XENMEM_resource_ioreq_server_frame_ioreq (memory.h). */
export function XENMEM_resource_ioreq_server_frame_ioreq(n: number): number { return (1 + n) >>> 0; }
/** struct xen_vmemrange (memory.h). */
export const XEN_VMEMRANGE = { size: 24, start: 0, end: 8, flags: 16, nid: 20 } as const;
/** struct xen_vnuma_topology_info (memory.h): the three handles are padded to 8 bytes. */
export const XEN_VNUMA_TOPOLOGY_INFO = {
  size: 40, domid: 0, pad: 2, nr_vnodes: 4, nr_vcpus: 8, nr_vmemranges: 12, vdistance: 16,
  vcpu_to_vnode: 24, vmemrange: 32,
} as const;

// The records of XENMEM_memory_map and XENMEM_machine_memory_map are BIOS e820 entries. No
// public header defines them; this is Xen's packed struct e820entry (asm/e820.h).
/** struct e820entry: uint64_t addr, uint64_t size (here size_), uint32_t type; packed. */
export const E820_ENTRY = { size: 20, addr: 0, size_: 8, type: 16 } as const;
export const E820_RAM = 1;
export const E820_RESERVED = 2;
export const E820_ACPI = 3;
export const E820_NVS = 4;
export const E820_UNUSABLE = 5;
