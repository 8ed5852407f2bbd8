// Numbers of the PV MMU interface. Hypercall ABI values are re-exported from abi/; the
// page-table flag masks follow xen/arch/x86/mm.c and asm-x86/page.h.

export { EPERM, ESRCH, EFAULT, EBUSY, EINVAL, ENOSYS, EACCES, EOPNOTSUPP } from '../hypercalls/errno.ts';

export {
  DOMID_SELF, DOMID_IO, DOMID_XEN,
  MMU_NORMAL_PT_UPDATE, MMU_MACHPHYS_UPDATE, MMU_PT_UPDATE_PRESERVE_AD, MMU_PT_UPDATE_NO_TRANSLATE,
  MMUEXT_PIN_L1_TABLE, MMUEXT_PIN_L2_TABLE, MMUEXT_PIN_L3_TABLE, MMUEXT_PIN_L4_TABLE, MMUEXT_UNPIN_TABLE,
  MMUEXT_NEW_BASEPTR, MMUEXT_TLB_FLUSH_LOCAL, MMUEXT_INVLPG_LOCAL, MMUEXT_TLB_FLUSH_MULTI, MMUEXT_INVLPG_MULTI,
  MMUEXT_TLB_FLUSH_ALL, MMUEXT_INVLPG_ALL, MMUEXT_FLUSH_CACHE, MMUEXT_SET_LDT, MMUEXT_NEW_USER_BASEPTR,
  MMUEXT_CLEAR_PAGE, MMUEXT_COPY_PAGE, MMUEXT_FLUSH_CACHE_GLOBAL, MMUEXT_MARK_SUPER, MMUEXT_UNMARK_SUPER,
  UVMF_NONE, UVMF_TLB_FLUSH, UVMF_INVLPG, UVMF_FLUSHTYPE_MASK, UVMF_MULTI, UVMF_LOCAL, UVMF_ALL,
  VMASST_TYPE_writable_pagetables,
} from '../abi/xen.ts';
export { FIRST_RESERVED_GDT_PAGE, FIRST_RESERVED_GDT_ENTRY } from '../abi/arch-x86_32.ts';
export {
  __HYPERVISOR_mmu_update as HYPERVISOR_mmu_update, __HYPERVISOR_set_gdt as HYPERVISOR_set_gdt,
  __HYPERVISOR_update_descriptor as HYPERVISOR_update_descriptor, __HYPERVISOR_memory_op as HYPERVISOR_memory_op,
  __HYPERVISOR_multicall as HYPERVISOR_multicall, __HYPERVISOR_update_va_mapping as HYPERVISOR_update_va_mapping,
  __HYPERVISOR_mmuext_op as HYPERVISOR_mmuext_op,
} from '../abi/hypercalls.ts';

/** public/xen.h: set in `count` by a continuation of mmu_update / mmuext_op. */
export const MMU_UPDATE_PREEMPTED = 0x80000000 | 0;

/** Xen's GDTR limit for a PV vCPU (LAST_RESERVED_GDT_BYTE with one reserved page, x86_64). */
export const LAST_RESERVED_GDT_BYTE = 15 * 4096 - 1;

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
/** PAE L3 entries: mm.c's l3_disallow_mask for a 32-bit PV domain, 0xFFFFF198 (PWT, PCD, PS,
 *  G and every high flag). Xen on x86-64 runs the guest's L3 as a long-mode L3, so RW, USER,
 *  ACCESSED and DIRTY are allowed there (the CPU's `paeL3LongMode` walks it the same way). */
export const L3_DISALLOW_MASK = 0xfffff198 & 0xffffff;
/** adjust_guest_l3e (pv/mm.h): a present L3 entry of a 32-bit domain gets USER and RW set when
 *  it is validated; unadjust_guest_l3e takes USER, RW and ACCESSED away again when the entry
 *  is released (a failed promotion, or the table losing its type). */
export const L3_ADJUST_FLAGS = _PAGE_USER | _PAGE_RW;
export const L3_UNADJUST_FLAGS = _PAGE_USER | _PAGE_RW | _PAGE_ACCESSED;
/** mm.c FASTPATH_FLAG_WHITELIST: flags whose change needs no revalidation. */
export const FASTPATH_FLAG_WHITELIST = _PAGE_NX | _PAGE_AVAIL_HIGH | _PAGE_AVAIL | _PAGE_GLOBAL |
  _PAGE_DIRTY | _PAGE_ACCESSED | _PAGE_USER;
