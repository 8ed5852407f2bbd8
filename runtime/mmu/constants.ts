// Numbers of the PV MMU interface. Hypercall ABI values come from public/xen.h and
// public/memory.h; the page-table flag masks follow xen/arch/x86/mm.c and asm-x86/page.h.

export { EPERM, ESRCH, EFAULT, EBUSY, EINVAL, ENOSYS, EACCES, EOPNOTSUPP } from '../hypercalls/errno.ts';

/** public/xen.h: domain identifiers usable as `foreigndom`. */
export const DOMID_SELF = 0x7ff0, DOMID_IO = 0x7ff1, DOMID_XEN = 0x7ff2;

/** public/xen.h: mmu_update commands (low bits of `ptr`). */
export const MMU_NORMAL_PT_UPDATE = 0, MMU_MACHPHYS_UPDATE = 1, MMU_PT_UPDATE_PRESERVE_AD = 2,
  MMU_PT_UPDATE_NO_TRANSLATE = 3;
/** public/xen.h: set in `count` by a continuation of mmu_update / mmuext_op. */
export const MMU_UPDATE_PREEMPTED = 0x80000000 | 0;

/** public/xen.h: mmuext_op commands. */
export const MMUEXT_PIN_L1_TABLE = 0, MMUEXT_PIN_L2_TABLE = 1, MMUEXT_PIN_L3_TABLE = 2,
  MMUEXT_PIN_L4_TABLE = 3, MMUEXT_UNPIN_TABLE = 4, MMUEXT_NEW_BASEPTR = 5,
  MMUEXT_TLB_FLUSH_LOCAL = 6, MMUEXT_INVLPG_LOCAL = 7, MMUEXT_TLB_FLUSH_MULTI = 8,
  MMUEXT_INVLPG_MULTI = 9, MMUEXT_TLB_FLUSH_ALL = 10, MMUEXT_INVLPG_ALL = 11,
  MMUEXT_FLUSH_CACHE = 12, MMUEXT_SET_LDT = 13, MMUEXT_NEW_USER_BASEPTR = 15,
  MMUEXT_CLEAR_PAGE = 16, MMUEXT_COPY_PAGE = 17, MMUEXT_FLUSH_CACHE_GLOBAL = 18,
  MMUEXT_MARK_SUPER = 19, MMUEXT_UNMARK_SUPER = 20;

/** public/xen.h: update_va_mapping flags. */
export const UVMF_NONE = 0, UVMF_TLB_FLUSH = 1, UVMF_INVLPG = 2, UVMF_FLUSHTYPE_MASK = 3,
  UVMF_MULTI = 0, UVMF_LOCAL = 0, UVMF_ALL = 4;

/** public/arch-x86/xen.h: the guest's GDT may use pages 0..13; page 14 is Xen's. */
export const FIRST_RESERVED_GDT_PAGE = 14, FIRST_RESERVED_GDT_ENTRY = 14 * 512;
/** Xen's GDTR limit for a PV vCPU (LAST_RESERVED_GDT_BYTE with one reserved page, x86_64). */
export const LAST_RESERVED_GDT_BYTE = 15 * 4096 - 1;

/** public/xen.h: VMASST_TYPE_writable_pagetables. */
export const VMASST_TYPE_writable_pagetables = 2;

/** Hypercall numbers (public/xen.h). */
export const HYPERVISOR_mmu_update = 1, HYPERVISOR_set_gdt = 2, HYPERVISOR_update_descriptor = 10,
  HYPERVISOR_memory_op = 12, HYPERVISOR_multicall = 13, HYPERVISOR_update_va_mapping = 14,
  HYPERVISOR_mmuext_op = 26;

// Page-table entry flags (asm-x86/page.h). In a PAE entry, bits 52..63 are "high flags";
// Xen folds them into flag bits 12..23 (get_pte_flags), and so do the masks below.
export const _PAGE_PRESENT = 0x001, _PAGE_RW = 0x002, _PAGE_USER = 0x004, _PAGE_PWT = 0x008,
  _PAGE_PCD = 0x010, _PAGE_ACCESSED = 0x020, _PAGE_DIRTY = 0x040, _PAGE_PAT = 0x080,
  _PAGE_PSE = 0x080, _PAGE_GLOBAL = 0x100, _PAGE_AVAIL = 0xe00;
/** _PAGE_AVAIL_HIGH (bits 52..62) and _PAGE_NX (bit 63) in folded flag positions. */
export const _PAGE_AVAIL_HIGH = 0x7ff << 12, _PAGE_NX = 0x800000;

/** mm.c arch_init_memory: guest-accessible bits; everything else is disallowed. _PAGE_NX is
 *  allowed only where the CPU has NX (PAE with EFER.NXE here). */
export function baseDisallowMask(pae: boolean): number {
  const ok = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_AVAIL |
    (pae ? _PAGE_AVAIL_HIGH | _PAGE_NX : 0);
  return ~ok & (pae ? 0xffffff : 0xfff);
}
/** mm.c L1_DISALLOW_MASK: the global bit is allowed on L1 entries; cache attributes (PWT, PCD,
 *  PAT) are not, for a domain without I/O capabilities (l1_disallow_mask). */
export const l1DisallowMask = (pae: boolean): number => baseDisallowMask(pae) & ~_PAGE_GLOBAL;
/** mm.c L2_DISALLOW_MASK (no PSE: PV guests get no superpages). */
export const l2DisallowMask = (pae: boolean): number => baseDisallowMask(pae);
/** PAE L3 entries: mm.c's l3_disallow_mask for a 32-bit PV domain is 0xFFFFF198 (PWT, PCD,
 *  PS, G and every high flag). This CPU walks the guest's L3 as the hardware PDPT (as 32-bit
 *  PAE Xen did), where bits 1, 2, 5 and 6 are reserved as well, so they are refused too: the
 *  union is 32-bit PAE Xen's L3_DISALLOW_MASK, 0xFFFFF1FE (only P and the AVAIL bits). */
export const L3_DISALLOW_MASK = 0xfffff1fe & 0xffffff;
/** mm.c FASTPATH_FLAG_WHITELIST: flags whose change needs no revalidation. */
export const FASTPATH_FLAG_WHITELIST = _PAGE_NX | _PAGE_AVAIL_HIGH | _PAGE_AVAIL | _PAGE_GLOBAL |
  _PAGE_DIRTY | _PAGE_ACCESSED | _PAGE_USER;
