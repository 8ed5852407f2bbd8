// Hypercall numbers of the x86_32 PV ABI: the index a guest puts in EAX (or the 32-byte slot of
// the hypercall page it calls).
import { nameTable, nameOf } from './names.ts';

export const __HYPERVISOR_set_trap_table = 0; // xen.h
export const __HYPERVISOR_mmu_update = 1; // xen.h
export const __HYPERVISOR_set_gdt = 2; // xen.h
export const __HYPERVISOR_stack_switch = 3; // xen.h
export const __HYPERVISOR_set_callbacks = 4; // xen.h
export const __HYPERVISOR_fpu_taskswitch = 5; // xen.h
export const __HYPERVISOR_sched_op_compat = 6; // xen.h (the pre-3.0.2 sched_op)
export const __HYPERVISOR_platform_op = 7; // xen.h
export const __HYPERVISOR_set_debugreg = 8; // xen.h
export const __HYPERVISOR_get_debugreg = 9; // xen.h
export const __HYPERVISOR_update_descriptor = 10; // xen.h
export const __HYPERVISOR_memory_op = 12; // xen.h
export const __HYPERVISOR_multicall = 13; // xen.h
export const __HYPERVISOR_update_va_mapping = 14; // xen.h
export const __HYPERVISOR_set_timer_op = 15; // xen.h
export const __HYPERVISOR_event_channel_op_compat = 16; // xen.h (takes struct evtchn_op)
export const __HYPERVISOR_xen_version = 17; // xen.h
export const __HYPERVISOR_console_io = 18; // xen.h
export const __HYPERVISOR_physdev_op_compat = 19; // xen.h (takes struct physdev_op)
export const __HYPERVISOR_grant_table_op = 20; // xen.h
export const __HYPERVISOR_vm_assist = 21; // xen.h
export const __HYPERVISOR_update_va_mapping_otherdomain = 22; // xen.h
export const __HYPERVISOR_iret = 23; // xen.h (x86 only)
export const __HYPERVISOR_vcpu_op = 24; // xen.h
export const __HYPERVISOR_set_segment_base = 25; // xen.h (x86_64 only)
export const __HYPERVISOR_mmuext_op = 26; // xen.h
export const __HYPERVISOR_xsm_op = 27; // xen.h
export const __HYPERVISOR_nmi_op = 28; // xen.h
export const __HYPERVISOR_sched_op = 29; // xen.h
export const __HYPERVISOR_callback_op = 30; // xen.h
export const __HYPERVISOR_xenoprof_op = 31; // xen.h
export const __HYPERVISOR_event_channel_op = 32; // xen.h
export const __HYPERVISOR_physdev_op = 33; // xen.h
export const __HYPERVISOR_hvm_op = 34; // xen.h
export const __HYPERVISOR_sysctl = 35; // xen.h
export const __HYPERVISOR_domctl = 36; // xen.h
export const __HYPERVISOR_kexec_op = 37; // xen.h
export const __HYPERVISOR_tmem_op = 38; // xen.h
export const __HYPERVISOR_argo_op = 39; // xen.h
export const __HYPERVISOR_xenpmu_op = 40; // xen.h
export const __HYPERVISOR_dm_op = 41; // xen.h
export const __HYPERVISOR_hypfs_op = 42; // xen.h
export const __HYPERVISOR_arch_0 = 48; // xen.h
export const __HYPERVISOR_arch_1 = 49; // xen.h
export const __HYPERVISOR_arch_2 = 50; // xen.h
export const __HYPERVISOR_arch_3 = 51; // xen.h
export const __HYPERVISOR_arch_4 = 52; // xen.h
export const __HYPERVISOR_arch_5 = 53; // xen.h
export const __HYPERVISOR_arch_6 = 54; // xen.h
export const __HYPERVISOR_arch_7 = 55; // xen.h
export const __HYPERVISOR_mca = __HYPERVISOR_arch_0; // arch-x86/xen-mca.h

/** Hypercall number to name ('set_trap_table', ...); on x86 arch_0 is 'mca'. */
export const HYPERCALL_NAMES = nameTable('__HYPERVISOR_', {
  __HYPERVISOR_set_trap_table, __HYPERVISOR_mmu_update, __HYPERVISOR_set_gdt, __HYPERVISOR_stack_switch,
  __HYPERVISOR_set_callbacks, __HYPERVISOR_fpu_taskswitch, __HYPERVISOR_sched_op_compat,
  __HYPERVISOR_platform_op, __HYPERVISOR_set_debugreg, __HYPERVISOR_get_debugreg,
  __HYPERVISOR_update_descriptor, __HYPERVISOR_memory_op, __HYPERVISOR_multicall,
  __HYPERVISOR_update_va_mapping, __HYPERVISOR_set_timer_op, __HYPERVISOR_event_channel_op_compat,
  __HYPERVISOR_xen_version, __HYPERVISOR_console_io, __HYPERVISOR_physdev_op_compat,
  __HYPERVISOR_grant_table_op, __HYPERVISOR_vm_assist, __HYPERVISOR_update_va_mapping_otherdomain,
  __HYPERVISOR_iret, __HYPERVISOR_vcpu_op, __HYPERVISOR_set_segment_base, __HYPERVISOR_mmuext_op,
  __HYPERVISOR_xsm_op, __HYPERVISOR_nmi_op, __HYPERVISOR_sched_op, __HYPERVISOR_callback_op,
  __HYPERVISOR_xenoprof_op, __HYPERVISOR_event_channel_op, __HYPERVISOR_physdev_op, __HYPERVISOR_hvm_op,
  __HYPERVISOR_sysctl, __HYPERVISOR_domctl, __HYPERVISOR_kexec_op, __HYPERVISOR_tmem_op,
  __HYPERVISOR_argo_op, __HYPERVISOR_xenpmu_op, __HYPERVISOR_dm_op, __HYPERVISOR_hypfs_op,
  __HYPERVISOR_mca, __HYPERVISOR_arch_0, __HYPERVISOR_arch_1, __HYPERVISOR_arch_2, __HYPERVISOR_arch_3,
  __HYPERVISOR_arch_4, __HYPERVISOR_arch_5, __HYPERVISOR_arch_6, __HYPERVISOR_arch_7,
});

/** A hypercall's name, or its number when it has none. */
export function hypercallName(op: number): string {
  return nameOf(HYPERCALL_NAMES, op);
}
