// HYPERVISOR_xen_version (public/version.h): sub-operations and what each writes, and the
// XENFEAT_* feature bits (features.h) that XENVER_get_features reports.
//
// Layouts are objects of byte offsets plus `size`.
import { nameTable, type NameTable } from './names.ts';

export const XENVER_version = 0; // version.h (returns major << 16 | minor)
export const XENVER_extraversion = 1; // version.h
export const XENVER_compile_info = 2; // version.h
export const XENVER_capabilities = 3; // version.h
export const XENVER_changeset = 4; // version.h
export const XENVER_platform_parameters = 5; // version.h
export const XENVER_get_features = 6; // version.h
export const XENVER_pagesize = 7; // version.h (returns the page size)
export const XENVER_guest_handle = 8; // version.h
export const XENVER_commandline = 9; // version.h
export const XENVER_build_id = 10; // version.h

/** XENVER_* to name ('version', ...). */
export const XENVER_NAMES: NameTable = nameTable('XENVER_', {
  XENVER_version, XENVER_extraversion, XENVER_compile_info, XENVER_capabilities, XENVER_changeset,
  XENVER_platform_parameters, XENVER_get_features, XENVER_pagesize, XENVER_guest_handle,
  XENVER_commandline, XENVER_build_id,
});

/** sizeof(xen_extraversion_t) (version.h). */
export const XEN_EXTRAVERSION_LEN = 16;
/** struct xen_compile_info (version.h): four NUL-padded strings. */
export const XEN_COMPILE_INFO = { size: 144, compiler: 0, compile_by: 64, compile_domain: 80, compile_date: 112 } as const;
/** sizeof(xen_capabilities_info_t) (version.h). */
export const XEN_CAPABILITIES_INFO_LEN = 1024;
/** sizeof(xen_changeset_info_t) (version.h). */
export const XEN_CHANGESET_INFO_LEN = 64;
/** struct xen_platform_parameters (version.h), x86_32: virt_start is 4 bytes. */
export const XEN_PLATFORM_PARAMETERS = { size: 4, virt_start: 0 } as const;
/** struct xen_feature_info (version.h). */
export const XEN_FEATURE_INFO = { size: 8, submap_idx: 0, submap: 4 } as const;
/** struct xen_build_id (version.h): len (in: room, out: used), then the bytes. */
export const XEN_BUILD_ID = { size: 4, len: 0, buf: 4 } as const;

/** Bytes each sub-operation writes at its argument: the sizes of xen_extraversion_t,
 *  xen_compile_info_t, xen_capabilities_info_t, xen_changeset_info_t,
 *  xen_platform_parameters_t, xen_feature_info_t, xen_domain_handle_t and xen_commandline_t
 *  (version.h, xen.h). XENVER_version and XENVER_pagesize write nothing. */
export const XENVER_ARG_SIZE = {
  extraversion: 16, compile_info: 144, capabilities: 1024, changeset: 64, platform_parameters: 4,
  get_features: 8, guest_handle: 16, commandline: 1024,
} as const;

export const XENFEAT_writable_page_tables = 0; // features.h
export const XENFEAT_writable_descriptor_tables = 1; // features.h
export const XENFEAT_auto_translated_physmap = 2; // features.h
export const XENFEAT_supervisor_mode_kernel = 3; // features.h
export const XENFEAT_pae_pgdir_above_4gb = 4; // features.h
export const XENFEAT_mmu_pt_update_preserve_ad = 5; // features.h
export const XENFEAT_highmem_assist = 6; // features.h
export const XENFEAT_gnttab_map_avail_bits = 7; // features.h
export const XENFEAT_hvm_callback_vector = 8; // features.h
export const XENFEAT_hvm_safe_pvclock = 9; // features.h
export const XENFEAT_hvm_pirqs = 10; // features.h
export const XENFEAT_dom0 = 11; // features.h
// 12 was XENFEAT_grant_map_identity: the header keeps it only in a comment, as deprecated.
export const XENFEAT_memory_op_vnode_supported = 13; // features.h
export const XENFEAT_ARM_SMCCC_supported = 14; // features.h
export const XENFEAT_linux_rsdp_unrestricted = 15; // features.h
export const XENFEAT_not_direct_mapped = 16; // features.h
export const XENFEAT_direct_mapped = 17; // features.h
/** 32-bit submaps of XENFEAT_* bits (XENVER_get_features' submap_idx < this). */
export const XENFEAT_NR_SUBMAPS = 1; // features.h

/** XENFEAT_* bit number to name ('writable_page_tables', ...). */
export const XENFEAT_NAMES: NameTable = nameTable('XENFEAT_', {
  XENFEAT_writable_page_tables, XENFEAT_writable_descriptor_tables, XENFEAT_auto_translated_physmap,
  XENFEAT_supervisor_mode_kernel, XENFEAT_pae_pgdir_above_4gb, XENFEAT_mmu_pt_update_preserve_ad,
  XENFEAT_highmem_assist, XENFEAT_gnttab_map_avail_bits, XENFEAT_hvm_callback_vector,
  XENFEAT_hvm_safe_pvclock, XENFEAT_hvm_pirqs, XENFEAT_dom0, XENFEAT_memory_op_vnode_supported,
  XENFEAT_ARM_SMCCC_supported, XENFEAT_linux_rsdp_unrestricted, XENFEAT_not_direct_mapped,
  XENFEAT_direct_mapped,
});
