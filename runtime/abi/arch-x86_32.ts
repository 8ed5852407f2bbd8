// The x86_32 part of the PV ABI (public/arch-x86/xen-x86_32.h and arch-x86/xen.h): Xen's flat
// segments, the hypervisor hole, the reserved GDT pages, trap_info and its flags, the register
// frame, vcpu_guest_context, and the arch parts of shared_info and vcpu_info.
//
// Layouts are objects of byte offsets plus `size`, as in xen.ts.

// Flat 4GB segments in Xen's reserved GDT entries (selector = entry * 8 + RPL; the entries are
// FIRST_RESERVED_GDT_ENTRY + 3 to + 6).
export const FLAT_RING1_CS = 0xe019; // arch-x86/xen-x86_32.h (entry 7171, RPL 1)
export const FLAT_RING1_DS = 0xe021; // arch-x86/xen-x86_32.h (entry 7172, RPL 1)
export const FLAT_RING1_SS = 0xe021; // arch-x86/xen-x86_32.h
export const FLAT_RING3_CS = 0xe02b; // arch-x86/xen-x86_32.h (entry 7173, RPL 3)
export const FLAT_RING3_DS = 0xe033; // arch-x86/xen-x86_32.h (entry 7174, RPL 3)
export const FLAT_RING3_SS = 0xe033; // arch-x86/xen-x86_32.h
export const FLAT_KERNEL_CS = FLAT_RING1_CS; // arch-x86/xen-x86_32.h
export const FLAT_KERNEL_DS = FLAT_RING1_DS; // arch-x86/xen-x86_32.h
export const FLAT_KERNEL_SS = FLAT_RING1_SS; // arch-x86/xen-x86_32.h
export const FLAT_USER_CS = FLAT_RING3_CS; // arch-x86/xen-x86_32.h
export const FLAT_USER_DS = FLAT_RING3_DS; // arch-x86/xen-x86_32.h
export const FLAT_USER_SS = FLAT_RING3_SS; // arch-x86/xen-x86_32.h

// Where the hypervisor and the machine-to-phys table sit in a 32-bit guest's address space. A
// PAE guest may ask for a lower start (XEN_ELFNOTE_HV_START_LOW); these are the defaults.
export const __HYPERVISOR_VIRT_START_PAE = 0xf5800000; // arch-x86/xen-x86_32.h
export const __MACH2PHYS_VIRT_START_PAE = 0xf5800000; // arch-x86/xen-x86_32.h
export const __MACH2PHYS_VIRT_END_PAE = 0xf6800000; // arch-x86/xen-x86_32.h
export const HYPERVISOR_VIRT_START_PAE = __HYPERVISOR_VIRT_START_PAE; // arch-x86/xen-x86_32.h
export const MACH2PHYS_VIRT_START_PAE = __MACH2PHYS_VIRT_START_PAE; // arch-x86/xen-x86_32.h
export const MACH2PHYS_VIRT_END_PAE = __MACH2PHYS_VIRT_END_PAE; // arch-x86/xen-x86_32.h
export const __HYPERVISOR_VIRT_START_NONPAE = 0xfc000000; // arch-x86/xen-x86_32.h
export const __MACH2PHYS_VIRT_START_NONPAE = 0xfc000000; // arch-x86/xen-x86_32.h
export const __MACH2PHYS_VIRT_END_NONPAE = 0xfc400000; // arch-x86/xen-x86_32.h
export const HYPERVISOR_VIRT_START_NONPAE = __HYPERVISOR_VIRT_START_NONPAE; // arch-x86/xen-x86_32.h
export const MACH2PHYS_VIRT_START_NONPAE = __MACH2PHYS_VIRT_START_NONPAE; // arch-x86/xen-x86_32.h
export const MACH2PHYS_VIRT_END_NONPAE = __MACH2PHYS_VIRT_END_NONPAE; // arch-x86/xen-x86_32.h
export const __HYPERVISOR_VIRT_START = __HYPERVISOR_VIRT_START_PAE; // arch-x86/xen-x86_32.h
export const __MACH2PHYS_VIRT_START = __MACH2PHYS_VIRT_START_PAE; // arch-x86/xen-x86_32.h
export const __MACH2PHYS_VIRT_END = __MACH2PHYS_VIRT_END_PAE; // arch-x86/xen-x86_32.h
export const HYPERVISOR_VIRT_START = __HYPERVISOR_VIRT_START; // arch-x86/xen-x86_32.h
export const MACH2PHYS_VIRT_START = __MACH2PHYS_VIRT_START; // arch-x86/xen-x86_32.h
export const MACH2PHYS_VIRT_END = __MACH2PHYS_VIRT_END; // arch-x86/xen-x86_32.h
/** Entries (4 bytes each) of the machine-to-phys table. */
export const MACH2PHYS_NR_ENTRIES = (MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >>> 2; // arch-x86/xen-x86_32.h

// The guest may not use GDT pages from this one on: Xen's own descriptors live there.
export const FIRST_RESERVED_GDT_PAGE = 14; // arch-x86/xen.h
export const FIRST_RESERVED_GDT_BYTE = FIRST_RESERVED_GDT_PAGE * 4096; // arch-x86/xen.h
export const FIRST_RESERVED_GDT_ENTRY = FIRST_RESERVED_GDT_BYTE / 8; // arch-x86/xen.h

/** vcpu_info slots in shared_info. */
export const XEN_LEGACY_MAX_VCPUS = 32; // arch-x86/xen.h

/** struct trap_info (arch-x86/xen.h): one virtual IDT entry given to set_trap_table. flags
 *  holds the DPL in bits 0-1 and, in bit 2, "mask events on entry" (an interrupt gate). */
export const TRAP_INFO = { size: 8, vector: 0, flags: 1, cs: 2, address: 4 } as const;

// The TI_* macros (arch-x86/xen.h) take a trap_info; these take and return its flags byte.
/** The gate's DPL. */
export function TI_GET_DPL(flags: number): number { return flags & 3; }
/** Non-zero (4) when the gate masks events on entry. */
export function TI_GET_IF(flags: number): number { return flags & 4; }
/** flags with dpl ORed in, as the macro does (it does not clear the old DPL). */
export function TI_SET_DPL(flags: number, dpl: number): number { return flags | dpl; }
/** flags with bit 2 set when `on` is non-zero, as the macro does (it never clears it). */
export function TI_SET_IF(flags: number, on: number): number { return flags | ((on ? 1 : 0) << 2); }

/** struct cpu_user_regs (arch-x86/xen-x86_32.h): the register frame of vcpu_guest_context.
 *  error_code and entry_vector are Xen-private; saved_upcall_mask is the event mask saved with
 *  the frame (EFLAGS.IF reads as its inverse). Segment registers are 16 bits plus padding. */
export const CPU_USER_REGS = {
  size: 68, ebx: 0, ecx: 4, edx: 8, esi: 12, edi: 16, ebp: 20, eax: 24, error_code: 28,
  entry_vector: 30, eip: 32, cs: 36, saved_upcall_mask: 38, _pad0: 39, eflags: 40, esp: 44,
  ss: 48, _pad1: 50, es: 52, _pad2: 54, ds: 56, _pad3: 58, fs: 60, _pad4: 62, gs: 64, _pad5: 66,
} as const;

/** struct vcpu_guest_context (arch-x86/xen.h), x86_32 layout: what VCPUOP_initialise takes.
 *  trap_ctxt is 256 trap_info, gdt_frames 16 frames, ctrlreg and debugreg 8 registers each. */
export const VCPU_GUEST_CONTEXT = {
  size: 2800, fpu_ctxt: 0, flags: 512, user_regs: 516, trap_ctxt: 584, ldt_base: 2632,
  ldt_ents: 2636, gdt_frames: 2640, gdt_ents: 2704, kernel_ss: 2708, kernel_sp: 2712,
  ctrlreg: 2716, debugreg: 2748, event_callback_cs: 2780, event_callback_eip: 2784,
  failsafe_callback_cs: 2788, failsafe_callback_eip: 2792, vm_assist: 2796,
} as const;
export const VGCF_I387_VALID = 1 << 0; // arch-x86/xen.h
export const VGCF_IN_KERNEL = 1 << 2; // arch-x86/xen.h
export const _VGCF_i387_valid = 0; // arch-x86/xen.h
export const VGCF_i387_valid = 1 << _VGCF_i387_valid; // arch-x86/xen.h
export const _VGCF_in_kernel = 2; // arch-x86/xen.h
export const VGCF_in_kernel = 1 << _VGCF_in_kernel; // arch-x86/xen.h
export const _VGCF_failsafe_disables_events = 3; // arch-x86/xen.h
export const VGCF_failsafe_disables_events = 1 << _VGCF_failsafe_disables_events; // arch-x86/xen.h
export const _VGCF_syscall_disables_events = 4; // arch-x86/xen.h
export const VGCF_syscall_disables_events = 1 << _VGCF_syscall_disables_events; // arch-x86/xen.h
export const _VGCF_online = 5; // arch-x86/xen.h
export const VGCF_online = 1 << _VGCF_online; // arch-x86/xen.h

/** struct arch_vcpu_info (arch-x86/xen-x86_32.h): cr2, then padding to make vcpu_info 64. */
export const ARCH_VCPU_INFO = { size: 24, cr2: 0, pad: 4 } as const;

/** struct arch_shared_info (arch-x86/xen.h), x86_32: wc_sec_hi is only here on i386. */
export const ARCH_SHARED_INFO = {
  size: 28, max_pfn: 0, pfn_to_mfn_frame_list_list: 4, nmi_reason: 8, p2m_cr3: 12, p2m_vaddr: 16,
  p2m_generation: 20, wc_sec_hi: 24,
} as const;

/** struct xen_callback (arch-x86/xen-x86_32.h): a 32-bit callback is a CS:EIP pair. */
export const XEN_CALLBACK = { size: 8, cs: 0, eip: 4 } as const;

/** The frame HYPERVISOR_iret pops off the guest stack, from ESP up: the guest pushed EAX (the
 *  hypercall clobbers it) on top of an ordinary iret frame. esp and ss are only read when the
 *  frame returns to ring 2 or 3; a frame returning to ring 1 is 16 bytes. No public header has
 *  a struct for the 32-bit frame (x86_64 has struct iret_context): these are the words Xen's
 *  compat_iret reads. */
export const IRET_FRAME = { size: 24, eax: 0, eip: 4, cs: 8, eflags: 12, esp: 16, ss: 20 } as const;

/** xen_pfn_to_cr3 (arch-x86/xen-x86_32.h): a PAE guest's CR3 holds a frame number rotated left
 *  by 12, so frames above 4GB fit. */
export function xen_pfn_to_cr3(pfn: number): number {
  return ((pfn << 12) | (pfn >>> 20)) >>> 0;
}
/** xen_cr3_to_pfn (arch-x86/xen-x86_32.h): the inverse rotation. */
export function xen_cr3_to_pfn(cr3: number): number {
  return ((cr3 >>> 12) | (cr3 << 20)) >>> 0;
}

/** The forced-emulation prefix (ud2; .ascii "xen") before an instruction Xen should emulate
 *  for a PV guest, e.g. XEN_CPUID. */
export const XEN_EMULATE_PREFIX = [0x0f, 0x0b, 0x78, 0x65, 0x6e] as const; // arch-x86/xen.h
export const XEN_CPUID_NO_SUBLEAF = 0xffffffff; // arch-x86/xen.h
/** The port of Xen's debug console for HVM guests (writes are printed by the hypervisor). */
export const XEN_HVM_DEBUGCONS_IOPORT = 0xe9; // arch-x86/xen.h
