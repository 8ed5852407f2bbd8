// HYPERVISOR_grant_table_op (public/grant_table.h): sub-operations, grant entries and their
// flags, the argument layouts, mapping flags and status codes.
//
// Layouts are objects of byte offsets plus `size`; members of nested structures and unions are
// flattened with `_`. On x86_32 a uint64_t is 4-byte aligned and xen_pfn_t and guest handles
// are 4 bytes, so gnttab_copy is 24 bytes (40 on x86_64) and gnttab_transfer 16 (24).
import { nameTable, type NameTable } from './names.ts';

export const GNTTABOP_map_grant_ref = 0; // grant_table.h
export const GNTTABOP_unmap_grant_ref = 1; // grant_table.h
export const GNTTABOP_setup_table = 2; // grant_table.h
export const GNTTABOP_dump_table = 3; // grant_table.h
export const GNTTABOP_transfer = 4; // grant_table.h
export const GNTTABOP_copy = 5; // grant_table.h
export const GNTTABOP_query_size = 6; // grant_table.h
export const GNTTABOP_unmap_and_replace = 7; // grant_table.h
export const GNTTABOP_set_version = 8; // grant_table.h
export const GNTTABOP_get_status_frames = 9; // grant_table.h
export const GNTTABOP_get_version = 10; // grant_table.h
export const GNTTABOP_swap_grant_ref = 11; // grant_table.h
export const GNTTABOP_cache_flush = 12; // grant_table.h

/** GNTTABOP_* to name ('map_grant_ref', ...). */
export const GNTTABOP_NAMES: NameTable = nameTable('GNTTABOP_', {
  GNTTABOP_map_grant_ref, GNTTABOP_unmap_grant_ref, GNTTABOP_setup_table, GNTTABOP_dump_table,
  GNTTABOP_transfer, GNTTABOP_copy, GNTTABOP_query_size, GNTTABOP_unmap_and_replace,
  GNTTABOP_set_version, GNTTABOP_get_status_frames, GNTTABOP_get_version, GNTTABOP_swap_grant_ref,
  GNTTABOP_cache_flush,
});

/** struct grant_entry_v1 (grant_table.h): 512 per page. */
export const GRANT_ENTRY_V1 = { size: 8, flags: 0, domid: 2, frame: 4 } as const;
export const GNTTAB_NR_RESERVED_ENTRIES = 8; // grant_table.h
export const GNTTAB_RESERVED_CONSOLE = 0; // grant_table.h
export const GNTTAB_RESERVED_XENSTORE = 1; // grant_table.h

// grant entry flags: a type in bits 0-1, then per-type flags.
export const GTF_invalid = 0 << 0; // grant_table.h
export const GTF_permit_access = 1 << 0; // grant_table.h
export const GTF_accept_transfer = 2 << 0; // grant_table.h
export const GTF_transitive = 3 << 0; // grant_table.h
export const GTF_type_mask = 3 << 0; // grant_table.h
export const _GTF_readonly = 2; // grant_table.h
export const GTF_readonly = 1 << _GTF_readonly; // grant_table.h
export const _GTF_reading = 3; // grant_table.h
export const GTF_reading = 1 << _GTF_reading; // grant_table.h
export const _GTF_writing = 4; // grant_table.h
export const GTF_writing = 1 << _GTF_writing; // grant_table.h
export const _GTF_PWT = 5; // grant_table.h
export const GTF_PWT = 1 << _GTF_PWT; // grant_table.h
export const _GTF_PCD = 6; // grant_table.h
export const GTF_PCD = 1 << _GTF_PCD; // grant_table.h
export const _GTF_PAT = 7; // grant_table.h
export const GTF_PAT = 1 << _GTF_PAT; // grant_table.h
export const _GTF_sub_page = 8; // grant_table.h
export const GTF_sub_page = 1 << _GTF_sub_page; // grant_table.h
export const _GTF_transfer_committed = 2; // grant_table.h
export const GTF_transfer_committed = 1 << _GTF_transfer_committed; // grant_table.h
export const _GTF_transfer_completed = 3; // grant_table.h
export const GTF_transfer_completed = 1 << _GTF_transfer_completed; // grant_table.h

/** struct grant_entry_header (grant_table.h): the first 4 bytes of a v2 entry. */
export const GRANT_ENTRY_HEADER = { size: 4, flags: 0, domid: 2 } as const;
/** union grant_entry_v2 (grant_table.h): 16 bytes, its variants flattened. */
export const GRANT_ENTRY_V2 = {
  size: 16, hdr: 0, full_page_pad0: 4, full_page_frame: 8,
  sub_page_page_off: 4, sub_page_length: 6, sub_page_frame: 8,
  transitive_trans_domid: 4, transitive_pad0: 6, transitive_gref: 8,
} as const;
/** Bytes of a v2 status entry (grant_status_t, uint16_t). */
export const GRANT_STATUS_SIZE = 2;

/** struct gnttab_map_grant_ref (grant_table.h). */
export const GNTTAB_MAP_GRANT_REF = {
  size: 32, host_addr: 0, flags: 8, ref: 12, dom: 16, status: 18, handle: 20, dev_bus_addr: 24,
} as const;
/** struct gnttab_unmap_grant_ref (grant_table.h). */
export const GNTTAB_UNMAP_GRANT_REF = { size: 24, host_addr: 0, dev_bus_addr: 8, handle: 16, status: 20 } as const;
/** struct gnttab_setup_table (grant_table.h), x86_32: frame_list is a 4-byte handle to
 *  xen_pfn_t (4-byte) entries. */
export const GNTTAB_SETUP_TABLE = { size: 16, dom: 0, nr_frames: 4, status: 8, frame_list: 12 } as const;
/** struct gnttab_dump_table (grant_table.h). */
export const GNTTAB_DUMP_TABLE = { size: 4, dom: 0, status: 2 } as const;
/** struct gnttab_transfer (grant_table.h), x86_32. */
export const GNTTAB_TRANSFER = { size: 16, mfn: 0, domid: 4, ref: 8, status: 12 } as const;
export const _GNTCOPY_source_gref = 0; // grant_table.h
export const GNTCOPY_source_gref = 1 << _GNTCOPY_source_gref; // grant_table.h
export const _GNTCOPY_dest_gref = 1; // grant_table.h
export const GNTCOPY_dest_gref = 1 << _GNTCOPY_dest_gref; // grant_table.h
/** struct gnttab_copy_ptr (grant_table.h), x86_32: u is a grant ref or a 4-byte gmfn. */
export const GNTTAB_COPY_PTR = { size: 8, u: 0, u_ref: 0, u_gmfn: 0, domid: 4, offset: 6 } as const;
/** struct gnttab_copy (grant_table.h), x86_32: source and dest are GNTTAB_COPY_PTR. */
export const GNTTAB_COPY = { size: 24, source: 0, dest: 8, len: 16, flags: 18, status: 20 } as const;
/** struct gnttab_query_size (grant_table.h). */
export const GNTTAB_QUERY_SIZE = { size: 16, dom: 0, nr_frames: 4, max_nr_frames: 8, status: 12 } as const;
/** struct gnttab_unmap_and_replace (grant_table.h). */
export const GNTTAB_UNMAP_AND_REPLACE = { size: 24, host_addr: 0, new_addr: 8, handle: 16, status: 20 } as const;
/** struct gnttab_set_version (grant_table.h). */
export const GNTTAB_SET_VERSION = { size: 4, version: 0 } as const;
/** struct gnttab_get_status_frames (grant_table.h), x86_32: frame_list is a 4-byte handle to
 *  uint64_t entries. */
export const GNTTAB_GET_STATUS_FRAMES = { size: 12, nr_frames: 0, dom: 4, status: 6, frame_list: 8 } as const;
/** struct gnttab_get_version (grant_table.h). */
export const GNTTAB_GET_VERSION = { size: 8, dom: 0, pad: 2, version: 4 } as const;
/** struct gnttab_swap_grant_ref (grant_table.h). */
export const GNTTAB_SWAP_GRANT_REF = { size: 12, ref_a: 0, ref_b: 4, status: 8 } as const;
/** struct gnttab_cache_flush (grant_table.h). */
export const GNTTAB_CACHE_FLUSH = {
  size: 16, a: 0, a_dev_bus_addr: 0, a_ref: 0, offset: 8, length: 10, op: 12,
} as const;
export const GNTTAB_CACHE_CLEAN = 1 << 0; // grant_table.h
export const GNTTAB_CACHE_INVAL = 1 << 1; // grant_table.h
export const GNTTAB_CACHE_SOURCE_GREF = 0x80000000; // grant_table.h (1u << 31)

export const _GNTMAP_device_map = 0; // grant_table.h
export const GNTMAP_device_map = 1 << _GNTMAP_device_map; // grant_table.h
export const _GNTMAP_host_map = 1; // grant_table.h
export const GNTMAP_host_map = 1 << _GNTMAP_host_map; // grant_table.h
export const _GNTMAP_readonly = 2; // grant_table.h
export const GNTMAP_readonly = 1 << _GNTMAP_readonly; // grant_table.h
export const _GNTMAP_application_map = 3; // grant_table.h
export const GNTMAP_application_map = 1 << _GNTMAP_application_map; // grant_table.h
export const _GNTMAP_contains_pte = 4; // grant_table.h
export const GNTMAP_contains_pte = 1 << _GNTMAP_contains_pte; // grant_table.h
export const _GNTMAP_guest_avail0 = 16; // grant_table.h
export const GNTMAP_guest_avail_mask = 0xffff0000; // grant_table.h

// Status codes in the status members (int16_t).
export const GNTST_okay = 0; // grant_table.h
export const GNTST_general_error = -1; // grant_table.h
export const GNTST_bad_domain = -2; // grant_table.h
export const GNTST_bad_gntref = -3; // grant_table.h
export const GNTST_bad_handle = -4; // grant_table.h
export const GNTST_bad_virt_addr = -5; // grant_table.h
export const GNTST_bad_dev_addr = -6; // grant_table.h
export const GNTST_no_device_space = -7; // grant_table.h
export const GNTST_permission_denied = -8; // grant_table.h
export const GNTST_bad_page = -9; // grant_table.h
export const GNTST_bad_copy_arg = -10; // grant_table.h
export const GNTST_address_too_big = -11; // grant_table.h
export const GNTST_eagain = -12; // grant_table.h
export const GNTST_no_space = -13; // grant_table.h

/** GNTST_* status to name ('okay', 'general_error', ...). */
export const GNTST_NAMES: NameTable = nameTable('GNTST_', {
  GNTST_okay, GNTST_general_error, GNTST_bad_domain, GNTST_bad_gntref, GNTST_bad_handle,
  GNTST_bad_virt_addr, GNTST_bad_dev_addr, GNTST_no_device_space, GNTST_permission_denied,
  GNTST_bad_page, GNTST_bad_copy_arg, GNTST_address_too_big, GNTST_eagain, GNTST_no_space,
});
