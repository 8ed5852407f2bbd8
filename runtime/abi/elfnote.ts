// The types of the ELF notes (name "Xen") a PV kernel image carries (public/elfnote.h).
import { nameTable, type NameTable } from './names.ts';

export const XEN_ELFNOTE_INFO = 0; // elfnote.h
export const XEN_ELFNOTE_ENTRY = 1; // elfnote.h
export const XEN_ELFNOTE_HYPERCALL_PAGE = 2; // elfnote.h
export const XEN_ELFNOTE_VIRT_BASE = 3; // elfnote.h
export const XEN_ELFNOTE_PADDR_OFFSET = 4; // elfnote.h
export const XEN_ELFNOTE_XEN_VERSION = 5; // elfnote.h
export const XEN_ELFNOTE_GUEST_OS = 6; // elfnote.h
export const XEN_ELFNOTE_GUEST_VERSION = 7; // elfnote.h
export const XEN_ELFNOTE_LOADER = 8; // elfnote.h
export const XEN_ELFNOTE_PAE_MODE = 9; // elfnote.h
export const XEN_ELFNOTE_FEATURES = 10; // elfnote.h
export const XEN_ELFNOTE_BSD_SYMTAB = 11; // elfnote.h
export const XEN_ELFNOTE_HV_START_LOW = 12; // elfnote.h
export const XEN_ELFNOTE_L1_MFN_VALID = 13; // elfnote.h
export const XEN_ELFNOTE_SUSPEND_CANCEL = 14; // elfnote.h
export const XEN_ELFNOTE_INIT_P2M = 15; // elfnote.h
export const XEN_ELFNOTE_MOD_START_PFN = 16; // elfnote.h
export const XEN_ELFNOTE_SUPPORTED_FEATURES = 17; // elfnote.h
export const XEN_ELFNOTE_PHYS32_ENTRY = 18; // elfnote.h
/** The highest note type of the loader's set. */
export const XEN_ELFNOTE_MAX = XEN_ELFNOTE_PHYS32_ENTRY; // elfnote.h
export const XEN_ELFNOTE_CRASH_INFO = 0x1000001; // elfnote.h (crash dumps)
export const XEN_ELFNOTE_CRASH_REGS = 0x1000002; // elfnote.h (crash dumps)
export const XEN_ELFNOTE_DUMPCORE_NONE = 0x2000000; // elfnote.h (core files)
export const XEN_ELFNOTE_DUMPCORE_HEADER = 0x2000001; // elfnote.h (core files)
export const XEN_ELFNOTE_DUMPCORE_XEN_VERSION = 0x2000002; // elfnote.h (core files)
export const XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION = 0x2000003; // elfnote.h (core files)

/** XEN_ELFNOTE_* type to name ('ENTRY', ...). */
export const XEN_ELFNOTE_NAMES: NameTable = nameTable('XEN_ELFNOTE_', {
  XEN_ELFNOTE_INFO, XEN_ELFNOTE_ENTRY, XEN_ELFNOTE_HYPERCALL_PAGE, XEN_ELFNOTE_VIRT_BASE,
  XEN_ELFNOTE_PADDR_OFFSET, XEN_ELFNOTE_XEN_VERSION, XEN_ELFNOTE_GUEST_OS, XEN_ELFNOTE_GUEST_VERSION,
  XEN_ELFNOTE_LOADER, XEN_ELFNOTE_PAE_MODE, XEN_ELFNOTE_FEATURES, XEN_ELFNOTE_BSD_SYMTAB,
  XEN_ELFNOTE_HV_START_LOW, XEN_ELFNOTE_L1_MFN_VALID, XEN_ELFNOTE_SUSPEND_CANCEL, XEN_ELFNOTE_INIT_P2M,
  XEN_ELFNOTE_MOD_START_PFN, XEN_ELFNOTE_SUPPORTED_FEATURES, XEN_ELFNOTE_PHYS32_ENTRY,
  XEN_ELFNOTE_CRASH_INFO, XEN_ELFNOTE_CRASH_REGS, XEN_ELFNOTE_DUMPCORE_NONE, XEN_ELFNOTE_DUMPCORE_HEADER,
  XEN_ELFNOTE_DUMPCORE_XEN_VERSION, XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION,
});
