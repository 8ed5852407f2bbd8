// The core of Xen's guest interface (public/xen.h) as a 32-bit x86 PV guest sees it: page-table
// updates, the MMU extended commands, vm_assist, console_io, domain ids, VIRQs, multicalls,
// and the layouts of start_info, shared_info, vcpu_info and vcpu_time_info.
//
// Layouts are objects of byte offsets plus `size`; members of nested structures and unions are
// flattened with `_` (console_domU_mfn is start_info.console.domU.mfn). On x86_32 a uint64_t
// member is only 4-byte aligned, and unsigned long, xen_pfn_t, xen_ulong_t and guest handles
// are all 4 bytes.
import { nameTable, type NameTable } from './names.ts';
import { EVTCHN_2L_NR_CHANNELS } from './event_channel.ts';
import { XEN_LEGACY_MAX_VCPUS } from './arch-x86_32.ts';

export { TRAP_INFO } from './arch-x86_32.ts';
export {
  SHUTDOWN_poweroff, SHUTDOWN_reboot, SHUTDOWN_suspend, SHUTDOWN_crash, SHUTDOWN_watchdog,
  SHUTDOWN_soft_reset, SHUTDOWN_MAX, SHUTDOWN_NAMES,
} from './sched.ts';

export const __XEN_LATEST_INTERFACE_VERSION__ = 0x00040e00; // xen-compat.h

// HYPERVISOR_mmu_update: the command is in the low 2 bits of mmu_update.ptr.
export const MMU_NORMAL_PT_UPDATE = 0; // xen.h
export const MMU_MACHPHYS_UPDATE = 1; // xen.h
export const MMU_PT_UPDATE_PRESERVE_AD = 2; // xen.h
export const MMU_PT_UPDATE_NO_TRANSLATE = 3; // xen.h

/** struct mmu_update (xen.h): two uint64_t, ptr (machine address | command) and val. */
export const MMU_UPDATE = { size: 16, ptr: 0, val: 8 } as const;

export const MMUEXT_PIN_L1_TABLE = 0; // xen.h
export const MMUEXT_PIN_L2_TABLE = 1; // xen.h
export const MMUEXT_PIN_L3_TABLE = 2; // xen.h
export const MMUEXT_PIN_L4_TABLE = 3; // xen.h
export const MMUEXT_UNPIN_TABLE = 4; // xen.h
export const MMUEXT_NEW_BASEPTR = 5; // xen.h
export const MMUEXT_TLB_FLUSH_LOCAL = 6; // xen.h
export const MMUEXT_INVLPG_LOCAL = 7; // xen.h
export const MMUEXT_TLB_FLUSH_MULTI = 8; // xen.h
export const MMUEXT_INVLPG_MULTI = 9; // xen.h
export const MMUEXT_TLB_FLUSH_ALL = 10; // xen.h
export const MMUEXT_INVLPG_ALL = 11; // xen.h
export const MMUEXT_FLUSH_CACHE = 12; // xen.h
export const MMUEXT_SET_LDT = 13; // xen.h
export const MMUEXT_NEW_USER_BASEPTR = 15; // xen.h (x86_64 only)
export const MMUEXT_CLEAR_PAGE = 16; // xen.h
export const MMUEXT_COPY_PAGE = 17; // xen.h
export const MMUEXT_FLUSH_CACHE_GLOBAL = 18; // xen.h
export const MMUEXT_MARK_SUPER = 19; // xen.h
export const MMUEXT_UNMARK_SUPER = 20; // xen.h

/** MMUEXT_* command to name ('PIN_L1_TABLE', ...). */
export const MMUEXT_NAMES: NameTable = nameTable('MMUEXT_', {
  MMUEXT_PIN_L1_TABLE, MMUEXT_PIN_L2_TABLE, MMUEXT_PIN_L3_TABLE, MMUEXT_PIN_L4_TABLE, MMUEXT_UNPIN_TABLE,
  MMUEXT_NEW_BASEPTR, MMUEXT_TLB_FLUSH_LOCAL, MMUEXT_INVLPG_LOCAL, MMUEXT_TLB_FLUSH_MULTI,
  MMUEXT_INVLPG_MULTI, MMUEXT_TLB_FLUSH_ALL, MMUEXT_INVLPG_ALL, MMUEXT_FLUSH_CACHE, MMUEXT_SET_LDT,
  MMUEXT_NEW_USER_BASEPTR, MMUEXT_CLEAR_PAGE, MMUEXT_COPY_PAGE, MMUEXT_FLUSH_CACHE_GLOBAL,
  MMUEXT_MARK_SUPER, MMUEXT_UNMARK_SUPER,
});

/** struct mmuext_op (xen.h): cmd, then two 4-byte unions. arg1 is an mfn or a linear address;
 *  arg2 is nr_ents (SET_LDT), a vcpumask handle (the _MULTI flushes) or src_mfn (COPY_PAGE). */
export const MMUEXT_OP = {
  size: 12, cmd: 0, arg1: 4, arg1_mfn: 4, arg1_linear_addr: 4,
  arg2: 8, arg2_nr_ents: 8, arg2_vcpumask: 8, arg2_src_mfn: 8,
} as const;

// update_va_mapping flags: a flush type in bits 0-1, then in bits 2+ UVMF_ALL, UVMF_LOCAL, or
// (UVMF_MULTI) a pointer to a vCPU bitmap.
export const UVMF_NONE = 0; // xen.h
export const UVMF_TLB_FLUSH = 1; // xen.h
export const UVMF_INVLPG = 2; // xen.h
export const UVMF_FLUSHTYPE_MASK = 3; // xen.h
export const UVMF_MULTI = 0; // xen.h
export const UVMF_LOCAL = 0; // xen.h
export const UVMF_ALL = 4; // xen.h

export const CONSOLEIO_write = 0; // xen.h
export const CONSOLEIO_read = 1; // xen.h

export const VMASST_CMD_enable = 0; // xen.h
export const VMASST_CMD_disable = 1; // xen.h
export const VMASST_TYPE_4gb_segments = 0; // xen.h
export const VMASST_TYPE_4gb_segments_notify = 1; // xen.h
export const VMASST_TYPE_writable_pagetables = 2; // xen.h
export const VMASST_TYPE_pae_extended_cr3 = 3; // xen.h
export const VMASST_TYPE_architectural_iopl = 4; // xen.h
export const VMASST_TYPE_runstate_update_flag = 5; // xen.h
export const VMASST_TYPE_m2p_strict = 32; // xen.h (x86_64 only)

export const DOMID_FIRST_RESERVED = 0x7ff0; // xen.h
export const DOMID_SELF = 0x7ff0; // xen.h
export const DOMID_IO = 0x7ff1; // xen.h
export const DOMID_XEN = 0x7ff2; // xen.h
export const DOMID_COW = 0x7ff3; // xen.h
export const DOMID_INVALID = 0x7ff4; // xen.h
export const DOMID_IDLE = 0x7fff; // xen.h
export const DOMID_MASK = 0x7fff; // xen.h

/** struct multicall_entry (xen.h): op, result and six arguments, all xen_ulong_t. */
export const MULTICALL_ENTRY = { size: 32, op: 0, result: 4, args: 8 } as const;

export const VIRQ_TIMER = 0; // xen.h (per vCPU)
export const VIRQ_DEBUG = 1; // xen.h (per vCPU)
export const VIRQ_CONSOLE = 2; // xen.h
export const VIRQ_DOM_EXC = 3; // xen.h
export const VIRQ_TBUF = 4; // xen.h
export const VIRQ_DEBUGGER = 6; // xen.h
export const VIRQ_XENOPROF = 7; // xen.h (per vCPU)
export const VIRQ_CON_RING = 8; // xen.h
export const VIRQ_PCPU_STATE = 9; // xen.h
export const VIRQ_MEM_EVENT = 10; // xen.h
export const VIRQ_ARGO = 11; // xen.h
export const VIRQ_ENOMEM = 12; // xen.h
export const VIRQ_XENPMU = 13; // xen.h (per vCPU)
export const VIRQ_ARCH_0 = 16; // xen.h
export const VIRQ_ARCH_1 = 17; // xen.h
export const VIRQ_ARCH_2 = 18; // xen.h
export const VIRQ_ARCH_3 = 19; // xen.h
export const VIRQ_ARCH_4 = 20; // xen.h
export const VIRQ_ARCH_5 = 21; // xen.h
export const VIRQ_ARCH_6 = 22; // xen.h
export const VIRQ_ARCH_7 = 23; // xen.h
export const VIRQ_MCA = VIRQ_ARCH_0; // arch-x86/xen-mca.h
export const NR_VIRQS = 24; // xen.h

/** VIRQ number to name ('TIMER', ...); on x86 ARCH_0 is 'MCA'. */
export const VIRQ_NAMES: NameTable = nameTable('VIRQ_', {
  VIRQ_TIMER, VIRQ_DEBUG, VIRQ_CONSOLE, VIRQ_DOM_EXC, VIRQ_TBUF, VIRQ_DEBUGGER, VIRQ_XENOPROF,
  VIRQ_CON_RING, VIRQ_PCPU_STATE, VIRQ_MEM_EVENT, VIRQ_ARGO, VIRQ_ENOMEM, VIRQ_XENPMU, VIRQ_MCA,
  VIRQ_ARCH_0, VIRQ_ARCH_1, VIRQ_ARCH_2, VIRQ_ARCH_3, VIRQ_ARCH_4, VIRQ_ARCH_5, VIRQ_ARCH_6, VIRQ_ARCH_7,
});

/** Event channels of the 2-level ABI with 32-bit words (32 x 32): xen.h's legacy name for
 *  EVTCHN_2L_NR_CHANNELS (event_channel.h). */
export const NR_EVENT_CHANNELS = EVTCHN_2L_NR_CHANNELS;
/** vcpu_info slots in shared_info: the old name of XEN_LEGACY_MAX_VCPUS (arch-x86/xen.h). */
export const MAX_VIRT_CPUS = XEN_LEGACY_MAX_VCPUS;
/** Bits in each xen_ulong_t word of the pending and mask bitmaps and of evtchn_pending_sel
 *  (xen.h: each bitmap is sizeof(xen_ulong_t) * 8 words of that many bits). */
export const BITS_PER_EVTCHN_WORD = 32;

/** struct vcpu_time_info (xen.h). pad0 keeps the uint64_t members at 8-aligned offsets, so the
 *  layout is the same on x86_32 and x86_64, but on x86_32 the structure itself is only 4-byte
 *  aligned: one a guest places itself (VCPUOP_register_vcpu_time_memory_area) may have them
 *  straddle an 8-byte boundary. tsc_shift is signed. */
export const VCPU_TIME_INFO = {
  size: 32, version: 0, pad0: 4, tsc_timestamp: 8, system_time: 16, tsc_to_system_mul: 24,
  tsc_shift: 28, flags: 29, pad1: 30,
} as const;
export const XEN_PVCLOCK_TSC_STABLE_BIT = 1 << 0; // xen.h
export const XEN_PVCLOCK_GUEST_STOPPED = 1 << 1; // xen.h

/** struct vcpu_info (xen.h): 64 bytes, with arch_vcpu_info (cr2 and padding) at 8 and the
 *  vcpu_time_info at 32. evtchn_pending_sel is one 32-bit word. */
export const VCPU_INFO = {
  size: 64, evtchn_upcall_pending: 0, evtchn_upcall_mask: 1, evtchn_pending_sel: 4,
  arch: 8, arch_cr2: 8,
  time: 32, time_version: 32, time_tsc_timestamp: 40, time_system_time: 48,
  time_tsc_to_system_mul: 56, time_tsc_shift: 60, time_flags: 61,
} as const;

/** struct shared_info (xen.h) for a 32-bit guest: 32 vcpu_info slots, the 2-level pending and
 *  mask bitmaps (32 words each), the wallclock, then arch_shared_info. wc_sec_hi, which 64-bit
 *  guests have right after wc_nsec, is at the end of arch_shared_info on x86_32. */
export const SHARED_INFO = {
  size: 2344, vcpu_info: 0, evtchn_pending: 2048, evtchn_mask: 2176,
  wc_version: 2304, wc_sec: 2308, wc_nsec: 2312,
  arch: 2316, arch_max_pfn: 2316, arch_pfn_to_mfn_frame_list_list: 2320, arch_nmi_reason: 2324,
  arch_p2m_cr3: 2328, arch_p2m_vaddr: 2332, arch_p2m_generation: 2336, arch_wc_sec_hi: 2340,
} as const;

/** struct start_info (xen.h), 32-bit layout. console is a union: domU.{mfn, evtchn} for a
 *  guest, dom0.{info_off, info_size} for the initial domain. */
export const START_INFO = {
  size: 1112, magic: 0, nr_pages: 32, shared_info: 36, flags: 40, store_mfn: 44, store_evtchn: 48,
  console: 52, console_domU_mfn: 52, console_domU_evtchn: 56, console_dom0_info_off: 52,
  console_dom0_info_size: 56,
  pt_base: 60, nr_pt_frames: 64, mfn_list: 68, mod_start: 72, mod_len: 76, cmd_line: 80,
  first_p2m_pfn: 1104, nr_p2m_frames: 1108,
} as const;
/** Bytes of start_info.magic (xen.h: char magic[32]). */
export const START_INFO_MAGIC_LEN = 32;
export const MAX_GUEST_CMDLINE = 1024; // xen.h

// start_info.magic is "xen-<version>-<platform>"; the headers give no values. These are the
// strings Xen's domain builder writes for 32-bit guests, the same as the guest types in the
// XENVER_capabilities string.
/** start_info.magic for a 32-bit PAE guest. */
export const START_INFO_MAGIC_X86_32P = 'xen-3.0-x86_32p';
/** start_info.magic for a 32-bit guest with 2-level page tables. */
export const START_INFO_MAGIC_X86_32 = 'xen-3.0-x86_32';

export const SIF_PRIVILEGED = 1 << 0; // xen.h
export const SIF_INITDOMAIN = 1 << 1; // xen.h
export const SIF_MULTIBOOT_MOD = 1 << 2; // xen.h
export const SIF_MOD_START_PFN = 1 << 3; // xen.h
export const SIF_VIRT_P2M_4TOOLS = 1 << 4; // xen.h
export const SIF_PM_MASK = 0xff << 8; // xen.h
