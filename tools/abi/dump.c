/* Prints, as JSON, every constant, offset and size that runtime/abi/ encodes, computed by
 * the compiler from Xen's public headers as a 32-bit x86 guest sees them (gcc -m32, the
 * latest interface version). tools/gen-abi-fixture.sh builds it and writes the output to
 * tests/abi/fixture.json; each top-level key names a file of runtime/abi/. */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <errno.h> /* xs_wire.h only declares its error table when EINVAL is known */

#include <xen/xen.h>
/* EVTCHNOP_reset_cont is reserved for the hypervisor's own continuations: the header only
 * shows it to Xen itself. Nothing else in event_channel.h depends on __XEN__. */
#define __XEN__
#include <xen/event_channel.h>
#undef __XEN__
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/physdev.h>
#include <xen/memory.h>
#include <xen/callback.h>
#include <xen/grant_table.h>
#include <xen/version.h>
#include <xen/features.h>
#include <xen/elfnote.h>
#include <xen/nmi.h>
#include <xen/arch-x86/xen-mca.h>
#include <xen/io/console.h>
#include <xen/io/xs_wire.h>
#include <xen/io/ring.h>
#include <xen/io/blkif.h>
#include <xen/io/protocols.h>

#include "emit.h"

#ifndef __i386__
#error "build with gcc -m32: the layouts are those of the x86_32 ABI"
#endif

void dump_memory_tools_only(void); /* dump-tools.c */

static void hypercalls(void)
{
    abi_section("hypercalls");
    K(__HYPERVISOR_set_trap_table);
    K(__HYPERVISOR_mmu_update);
    K(__HYPERVISOR_set_gdt);
    K(__HYPERVISOR_stack_switch);
    K(__HYPERVISOR_set_callbacks);
    K(__HYPERVISOR_fpu_taskswitch);
    K(__HYPERVISOR_sched_op_compat);
    K(__HYPERVISOR_platform_op);
    K(__HYPERVISOR_set_debugreg);
    K(__HYPERVISOR_get_debugreg);
    K(__HYPERVISOR_update_descriptor);
    K(__HYPERVISOR_memory_op);
    K(__HYPERVISOR_multicall);
    K(__HYPERVISOR_update_va_mapping);
    K(__HYPERVISOR_set_timer_op);
    K(__HYPERVISOR_event_channel_op_compat);
    K(__HYPERVISOR_xen_version);
    K(__HYPERVISOR_console_io);
    K(__HYPERVISOR_physdev_op_compat);
    K(__HYPERVISOR_grant_table_op);
    K(__HYPERVISOR_vm_assist);
    K(__HYPERVISOR_update_va_mapping_otherdomain);
    K(__HYPERVISOR_iret);
    K(__HYPERVISOR_vcpu_op);
    K(__HYPERVISOR_set_segment_base);
    K(__HYPERVISOR_mmuext_op);
    K(__HYPERVISOR_xsm_op);
    K(__HYPERVISOR_nmi_op);
    K(__HYPERVISOR_sched_op);
    K(__HYPERVISOR_callback_op);
    K(__HYPERVISOR_xenoprof_op);
    K(__HYPERVISOR_event_channel_op);
    K(__HYPERVISOR_physdev_op);
    K(__HYPERVISOR_hvm_op);
    K(__HYPERVISOR_sysctl);
    K(__HYPERVISOR_domctl);
    K(__HYPERVISOR_kexec_op);
    K(__HYPERVISOR_tmem_op);
    K(__HYPERVISOR_argo_op);
    K(__HYPERVISOR_xenpmu_op);
    K(__HYPERVISOR_dm_op);
    K(__HYPERVISOR_hypfs_op);
    K(__HYPERVISOR_arch_0);
    K(__HYPERVISOR_arch_1);
    K(__HYPERVISOR_arch_2);
    K(__HYPERVISOR_arch_3);
    K(__HYPERVISOR_arch_4);
    K(__HYPERVISOR_arch_5);
    K(__HYPERVISOR_arch_6);
    K(__HYPERVISOR_arch_7);
    K(__HYPERVISOR_mca);
}

static void errnos(void)
{
    abi_section("errno");
    /* errno.h is an X-macro list when XEN_ERRNO is defined; __XEN__ adds the two values
     * that only the hypervisor uses internally (EINTR, ERESTART). */
#define __XEN__
#define XEN_ERRNO(name, value) abi_num(#name, value);
#include <xen/errno.h>
#undef __XEN__
}

static void trap_info(void)
{
    L("TRAP_INFO", struct trap_info);
    F(vector); F(flags); F(cs); F(address);
    LEND();
}

static void shutdown_reasons(void)
{
    K(SHUTDOWN_poweroff);
    K(SHUTDOWN_reboot);
    K(SHUTDOWN_suspend);
    K(SHUTDOWN_crash);
    K(SHUTDOWN_watchdog);
    K(SHUTDOWN_soft_reset);
    K(SHUTDOWN_MAX);
}

static void xen(void)
{
    abi_section("xen");
    K(__XEN_LATEST_INTERFACE_VERSION__);
    K(MMU_NORMAL_PT_UPDATE);
    K(MMU_MACHPHYS_UPDATE);
    K(MMU_PT_UPDATE_PRESERVE_AD);
    K(MMU_PT_UPDATE_NO_TRANSLATE);
    L("MMU_UPDATE", struct mmu_update);
    F(ptr); F(val);
    LEND();

    K(MMUEXT_PIN_L1_TABLE);
    K(MMUEXT_PIN_L2_TABLE);
    K(MMUEXT_PIN_L3_TABLE);
    K(MMUEXT_PIN_L4_TABLE);
    K(MMUEXT_UNPIN_TABLE);
    K(MMUEXT_NEW_BASEPTR);
    K(MMUEXT_TLB_FLUSH_LOCAL);
    K(MMUEXT_INVLPG_LOCAL);
    K(MMUEXT_TLB_FLUSH_MULTI);
    K(MMUEXT_INVLPG_MULTI);
    K(MMUEXT_TLB_FLUSH_ALL);
    K(MMUEXT_INVLPG_ALL);
    K(MMUEXT_FLUSH_CACHE);
    K(MMUEXT_SET_LDT);
    K(MMUEXT_NEW_USER_BASEPTR);
    K(MMUEXT_CLEAR_PAGE);
    K(MMUEXT_COPY_PAGE);
    K(MMUEXT_FLUSH_CACHE_GLOBAL);
    K(MMUEXT_MARK_SUPER);
    K(MMUEXT_UNMARK_SUPER);
    L("MMUEXT_OP", struct mmuext_op);
    F(cmd); F(arg1);
    FA("arg1_mfn", arg1.mfn);
    FA("arg1_linear_addr", arg1.linear_addr);
    F(arg2);
    FA("arg2_nr_ents", arg2.nr_ents);
    FA("arg2_vcpumask", arg2.vcpumask);
    FA("arg2_src_mfn", arg2.src_mfn);
    LEND();

    K(UVMF_NONE);
    K(UVMF_TLB_FLUSH);
    K(UVMF_INVLPG);
    K(UVMF_FLUSHTYPE_MASK);
    K(UVMF_MULTI);
    K(UVMF_LOCAL);
    K(UVMF_ALL);

    K(CONSOLEIO_write);
    K(CONSOLEIO_read);

    K(VMASST_CMD_enable);
    K(VMASST_CMD_disable);
    K(VMASST_TYPE_4gb_segments);
    K(VMASST_TYPE_4gb_segments_notify);
    K(VMASST_TYPE_writable_pagetables);
    K(VMASST_TYPE_pae_extended_cr3);
    K(VMASST_TYPE_architectural_iopl);
    K(VMASST_TYPE_runstate_update_flag);
    K(VMASST_TYPE_m2p_strict);

    K(DOMID_FIRST_RESERVED);
    K(DOMID_SELF);
    K(DOMID_IO);
    K(DOMID_XEN);
    K(DOMID_COW);
    K(DOMID_INVALID);
    K(DOMID_IDLE);
    K(DOMID_MASK);

    L("MULTICALL_ENTRY", struct multicall_entry);
    F(op); F(result); F(args);
    LEND();

    K(VIRQ_TIMER);
    K(VIRQ_DEBUG);
    K(VIRQ_CONSOLE);
    K(VIRQ_DOM_EXC);
    K(VIRQ_TBUF);
    K(VIRQ_DEBUGGER);
    K(VIRQ_XENOPROF);
    K(VIRQ_CON_RING);
    K(VIRQ_PCPU_STATE);
    K(VIRQ_MEM_EVENT);
    K(VIRQ_ARGO);
    K(VIRQ_ENOMEM);
    K(VIRQ_XENPMU);
    K(VIRQ_ARCH_0);
    K(VIRQ_ARCH_1);
    K(VIRQ_ARCH_2);
    K(VIRQ_ARCH_3);
    K(VIRQ_ARCH_4);
    K(VIRQ_ARCH_5);
    K(VIRQ_ARCH_6);
    K(VIRQ_ARCH_7);
    K(VIRQ_MCA);
    K(NR_VIRQS);

    /* The legacy name only exists for interface versions before 4.4; it is the 2-level
     * channel count. */
    KAS("NR_EVENT_CHANNELS", EVTCHN_2L_NR_CHANNELS);
    /* Long called MAX_VIRT_CPUS; the headers now say XEN_LEGACY_MAX_VCPUS. */
    KAS("MAX_VIRT_CPUS", XEN_LEGACY_MAX_VCPUS);

    L("VCPU_TIME_INFO", struct vcpu_time_info);
    F(version); F(pad0); F(tsc_timestamp); F(system_time); F(tsc_to_system_mul); F(tsc_shift);
    F(flags); F(pad1);
    LEND();
    K(XEN_PVCLOCK_TSC_STABLE_BIT);
    K(XEN_PVCLOCK_GUEST_STOPPED);

    L("VCPU_INFO", struct vcpu_info);
    F(evtchn_upcall_pending); F(evtchn_upcall_mask); F(evtchn_pending_sel); F(arch);
    FA("arch_cr2", arch.cr2);
    F(time);
    FA("time_version", time.version);
    FA("time_tsc_timestamp", time.tsc_timestamp);
    FA("time_system_time", time.system_time);
    FA("time_tsc_to_system_mul", time.tsc_to_system_mul);
    FA("time_tsc_shift", time.tsc_shift);
    FA("time_flags", time.flags);
    LEND();

    L("SHARED_INFO", struct shared_info);
    F(vcpu_info); F(evtchn_pending); F(evtchn_mask); F(wc_version); F(wc_sec); F(wc_nsec); F(arch);
    FA("arch_max_pfn", arch.max_pfn);
    FA("arch_pfn_to_mfn_frame_list_list", arch.pfn_to_mfn_frame_list_list);
    FA("arch_nmi_reason", arch.nmi_reason);
    FA("arch_p2m_cr3", arch.p2m_cr3);
    FA("arch_p2m_vaddr", arch.p2m_vaddr);
    FA("arch_p2m_generation", arch.p2m_generation);
    FA("arch_wc_sec_hi", arch.wc_sec_hi);
    LEND();
    /* Bits in each word of the 2-level pending and mask bitmaps (and in evtchn_pending_sel). */
    KAS("BITS_PER_EVTCHN_WORD", sizeof(xen_ulong_t) * 8);

    L("START_INFO", struct start_info);
    F(magic); F(nr_pages); F(shared_info); F(flags); F(store_mfn); F(store_evtchn); F(console);
    FA("console_domU_mfn", console.domU.mfn);
    FA("console_domU_evtchn", console.domU.evtchn);
    FA("console_dom0_info_off", console.dom0.info_off);
    FA("console_dom0_info_size", console.dom0.info_size);
    F(pt_base); F(nr_pt_frames); F(mfn_list); F(mod_start); F(mod_len); F(cmd_line);
    F(first_p2m_pfn); F(nr_p2m_frames);
    LEND();
    KAS("START_INFO_MAGIC_LEN", sizeof(((struct start_info *)0)->magic));
    K(MAX_GUEST_CMDLINE);
    K(SIF_PRIVILEGED);
    K(SIF_INITDOMAIN);
    K(SIF_MULTIBOOT_MOD);
    K(SIF_MOD_START_PFN);
    K(SIF_VIRT_P2M_4TOOLS);
    K(SIF_PM_MASK);

    trap_info();
    shutdown_reasons();
}

static long long ti_get_dpl(unsigned flags) { struct trap_info t = { .flags = flags }; return TI_GET_DPL(&t); }
static long long ti_get_if(unsigned flags) { struct trap_info t = { .flags = flags }; return TI_GET_IF(&t); }

static void arch_x86_32(void)
{
    abi_section("arch-x86_32");
    K(FLAT_RING1_CS);
    K(FLAT_RING1_DS);
    K(FLAT_RING1_SS);
    K(FLAT_RING3_CS);
    K(FLAT_RING3_DS);
    K(FLAT_RING3_SS);
    K(FLAT_KERNEL_CS);
    K(FLAT_KERNEL_DS);
    K(FLAT_KERNEL_SS);
    K(FLAT_USER_CS);
    K(FLAT_USER_DS);
    K(FLAT_USER_SS);

    K(__HYPERVISOR_VIRT_START_PAE);
    K(__MACH2PHYS_VIRT_START_PAE);
    K(__MACH2PHYS_VIRT_END_PAE);
    K(HYPERVISOR_VIRT_START_PAE);
    K(MACH2PHYS_VIRT_START_PAE);
    K(MACH2PHYS_VIRT_END_PAE);
    K(__HYPERVISOR_VIRT_START_NONPAE);
    K(__MACH2PHYS_VIRT_START_NONPAE);
    K(__MACH2PHYS_VIRT_END_NONPAE);
    K(HYPERVISOR_VIRT_START_NONPAE);
    K(MACH2PHYS_VIRT_START_NONPAE);
    K(MACH2PHYS_VIRT_END_NONPAE);
    K(__HYPERVISOR_VIRT_START);
    K(__MACH2PHYS_VIRT_START);
    K(__MACH2PHYS_VIRT_END);
    K(HYPERVISOR_VIRT_START);
    K(MACH2PHYS_VIRT_START);
    K(MACH2PHYS_VIRT_END);
    K(MACH2PHYS_NR_ENTRIES);

    K(FIRST_RESERVED_GDT_PAGE);
    K(FIRST_RESERVED_GDT_BYTE);
    K(FIRST_RESERVED_GDT_ENTRY);
    K(XEN_LEGACY_MAX_VCPUS);

    trap_info();
    {
        abi_samples("TI_GET_DPL");
        for (unsigned f = 0; f < 16; f++) { long long a[1] = { f }; abi_sample(1, a, ti_get_dpl(f)); }
        abi_close();
        abi_samples("TI_GET_IF");
        for (unsigned f = 0; f < 16; f++) { long long a[1] = { f }; abi_sample(1, a, ti_get_if(f)); }
        abi_close();
        abi_samples("TI_SET_DPL");
        for (unsigned f = 0; f < 8; f++)
            for (unsigned dpl = 0; dpl < 4; dpl++) {
                struct trap_info t = { .flags = f };
                long long a[2] = { f, dpl };
                TI_SET_DPL(&t, dpl);
                abi_sample(2, a, t.flags);
            }
        abi_close();
        abi_samples("TI_SET_IF");
        for (unsigned f = 0; f < 8; f++)
            for (unsigned on = 0; on < 3; on++) {
                struct trap_info t = { .flags = f };
                long long a[2] = { f, on };
                TI_SET_IF(&t, on);
                abi_sample(2, a, t.flags);
            }
        abi_close();
    }

    L("CPU_USER_REGS", struct cpu_user_regs);
    F(ebx); F(ecx); F(edx); F(esi); F(edi); F(ebp); F(eax); F(error_code); F(entry_vector);
    F(eip); F(cs); F(saved_upcall_mask); F(_pad0); F(eflags); F(esp); F(ss); F(_pad1);
    F(es); F(_pad2); F(ds); F(_pad3); F(fs); F(_pad4); F(gs); F(_pad5);
    LEND();

    L("VCPU_GUEST_CONTEXT", struct vcpu_guest_context);
    F(fpu_ctxt); F(flags); F(user_regs); F(trap_ctxt); F(ldt_base); F(ldt_ents); F(gdt_frames);
    F(gdt_ents); F(kernel_ss); F(kernel_sp); F(ctrlreg); F(debugreg); F(event_callback_cs);
    F(event_callback_eip); F(failsafe_callback_cs); F(failsafe_callback_eip); F(vm_assist);
    LEND();
    K(VGCF_I387_VALID);
    K(VGCF_IN_KERNEL);
    K(_VGCF_i387_valid);
    K(VGCF_i387_valid);
    K(_VGCF_in_kernel);
    K(VGCF_in_kernel);
    K(_VGCF_failsafe_disables_events);
    K(VGCF_failsafe_disables_events);
    K(_VGCF_syscall_disables_events);
    K(VGCF_syscall_disables_events);
    K(_VGCF_online);
    K(VGCF_online);

    L("ARCH_VCPU_INFO", struct arch_vcpu_info);
    F(cr2); F(pad);
    LEND();
    L("ARCH_SHARED_INFO", struct arch_shared_info);
    F(max_pfn); F(pfn_to_mfn_frame_list_list); F(nmi_reason); F(p2m_cr3); F(p2m_vaddr);
    F(p2m_generation); F(wc_sec_hi);
    LEND();
    L("XEN_CALLBACK", struct xen_callback);
    F(cs); F(eip);
    LEND();

    SAMPLES1("xen_pfn_to_cr3", x, xen_pfn_to_cr3(x));
    SAMPLES1("xen_cr3_to_pfn", x, xen_cr3_to_pfn(x));

    abi_str("XEN_EMULATE_PREFIX", XEN_EMULATE_PREFIX);
    K(XEN_CPUID_NO_SUBLEAF);
    K(XEN_HVM_DEBUGCONS_IOPORT);
}

static void event_channel(void)
{
    abi_section("event_channel");
    K(EVTCHNOP_bind_interdomain);
    K(EVTCHNOP_bind_virq);
    K(EVTCHNOP_bind_pirq);
    K(EVTCHNOP_close);
    K(EVTCHNOP_send);
    K(EVTCHNOP_status);
    K(EVTCHNOP_alloc_unbound);
    K(EVTCHNOP_bind_ipi);
    K(EVTCHNOP_bind_vcpu);
    K(EVTCHNOP_unmask);
    K(EVTCHNOP_reset);
    K(EVTCHNOP_init_control);
    K(EVTCHNOP_expand_array);
    K(EVTCHNOP_set_priority);
    K(EVTCHNOP_reset_cont);

    L("EVTCHN_ALLOC_UNBOUND", struct evtchn_alloc_unbound);
    F(dom); F(remote_dom); F(port);
    LEND();
    L("EVTCHN_BIND_INTERDOMAIN", struct evtchn_bind_interdomain);
    F(remote_dom); F(remote_port); F(local_port);
    LEND();
    L("EVTCHN_BIND_VIRQ", struct evtchn_bind_virq);
    F(virq); F(vcpu); F(port);
    LEND();
    L("EVTCHN_BIND_PIRQ", struct evtchn_bind_pirq);
    F(pirq); F(flags); F(port);
    LEND();
    K(BIND_PIRQ__WILL_SHARE);
    L("EVTCHN_BIND_IPI", struct evtchn_bind_ipi);
    F(vcpu); F(port);
    LEND();
    L("EVTCHN_CLOSE", struct evtchn_close);
    F(port);
    LEND();
    L("EVTCHN_SEND", struct evtchn_send);
    F(port);
    LEND();
    L("EVTCHN_STATUS", struct evtchn_status);
    F(dom); F(port); F(status); F(vcpu); F(u);
    FA("u_unbound_dom", u.unbound.dom);
    FA("u_interdomain_dom", u.interdomain.dom);
    FA("u_interdomain_port", u.interdomain.port);
    FA("u_pirq", u.pirq);
    FA("u_virq", u.virq);
    LEND();
    K(EVTCHNSTAT_closed);
    K(EVTCHNSTAT_unbound);
    K(EVTCHNSTAT_interdomain);
    K(EVTCHNSTAT_pirq);
    K(EVTCHNSTAT_virq);
    K(EVTCHNSTAT_ipi);
    L("EVTCHN_BIND_VCPU", struct evtchn_bind_vcpu);
    F(port); F(vcpu);
    LEND();
    L("EVTCHN_UNMASK", struct evtchn_unmask);
    F(port);
    LEND();
    L("EVTCHN_RESET", struct evtchn_reset);
    F(dom);
    LEND();
    L("EVTCHN_INIT_CONTROL", struct evtchn_init_control);
    F(control_gfn); F(offset); F(vcpu); F(link_bits); F(_pad);
    LEND();
    L("EVTCHN_EXPAND_ARRAY", struct evtchn_expand_array);
    F(array_gfn);
    LEND();
    L("EVTCHN_SET_PRIORITY", struct evtchn_set_priority);
    F(port); F(priority);
    LEND();
    L("EVTCHN_OP", struct evtchn_op);
    F(cmd); F(u);
    LEND();

    K(EVTCHN_2L_NR_CHANNELS);
    K(EVTCHN_FIFO_PRIORITY_MAX);
    K(EVTCHN_FIFO_PRIORITY_DEFAULT);
    K(EVTCHN_FIFO_PRIORITY_MIN);
    K(EVTCHN_FIFO_MAX_QUEUES);
    K(EVTCHN_FIFO_PENDING);
    K(EVTCHN_FIFO_MASKED);
    K(EVTCHN_FIFO_LINKED);
    K(EVTCHN_FIFO_BUSY);
    K(EVTCHN_FIFO_LINK_BITS);
    K(EVTCHN_FIFO_LINK_MASK);
    K(EVTCHN_FIFO_NR_CHANNELS);
    L("EVTCHN_FIFO_CONTROL_BLOCK", struct evtchn_fifo_control_block);
    F(ready); F(_rsvd); F(head);
    LEND();
}

static void sched(void)
{
    abi_section("sched");
    K(SCHEDOP_yield);
    K(SCHEDOP_block);
    K(SCHEDOP_shutdown);
    K(SCHEDOP_poll);
    K(SCHEDOP_remote_shutdown);
    K(SCHEDOP_shutdown_code);
    K(SCHEDOP_watchdog);
    K(SCHEDOP_pin_override);
    L("SCHED_SHUTDOWN", struct sched_shutdown);
    F(reason);
    LEND();
    L("SCHED_POLL", struct sched_poll);
    F(ports); F(nr_ports); F(timeout);
    LEND();
    L("SCHED_REMOTE_SHUTDOWN", struct sched_remote_shutdown);
    F(domain_id); F(reason);
    LEND();
    L("SCHED_WATCHDOG", struct sched_watchdog);
    F(id); F(timeout);
    LEND();
    L("SCHED_PIN_OVERRIDE", struct sched_pin_override);
    F(pcpu);
    LEND();
    shutdown_reasons();
}

static void vcpu(void)
{
    abi_section("vcpu");
    K(VCPUOP_initialise);
    K(VCPUOP_up);
    K(VCPUOP_down);
    K(VCPUOP_is_up);
    K(VCPUOP_get_runstate_info);
    K(VCPUOP_register_runstate_memory_area);
    K(VCPUOP_set_periodic_timer);
    K(VCPUOP_stop_periodic_timer);
    K(VCPUOP_set_singleshot_timer);
    K(VCPUOP_stop_singleshot_timer);
    K(VCPUOP_register_vcpu_info);
    K(VCPUOP_send_nmi);
    K(VCPUOP_get_physid);
    K(VCPUOP_register_vcpu_time_memory_area);

    L("VCPU_RUNSTATE_INFO", struct vcpu_runstate_info);
    F(state); F(state_entry_time); F(time);
    LEND();
    abi_big("XEN_RUNSTATE_UPDATE", XEN_RUNSTATE_UPDATE);
    K(RUNSTATE_running);
    K(RUNSTATE_runnable);
    K(RUNSTATE_blocked);
    K(RUNSTATE_offline);
    L("VCPU_REGISTER_RUNSTATE_MEMORY_AREA", struct vcpu_register_runstate_memory_area);
    F(addr);
    LEND();
    L("VCPU_SET_PERIODIC_TIMER", struct vcpu_set_periodic_timer);
    F(period_ns);
    LEND();
    L("VCPU_SET_SINGLESHOT_TIMER", struct vcpu_set_singleshot_timer);
    F(timeout_abs_ns); F(flags);
    LEND();
    K(_VCPU_SSHOTTMR_future);
    K(VCPU_SSHOTTMR_future);
    L("VCPU_REGISTER_VCPU_INFO", struct vcpu_register_vcpu_info);
    F(mfn); F(offset); F(rsvd);
    LEND();
    L("VCPU_GET_PHYSID", struct vcpu_get_physid);
    F(phys_id);
    LEND();
    L("VCPU_REGISTER_TIME_MEMORY_AREA", struct vcpu_register_time_memory_area);
    F(addr);
    LEND();
}

static void memory(void)
{
    abi_section("memory");
    K(XENMEM_increase_reservation);
    K(XENMEM_decrease_reservation);
    K(XENMEM_maximum_ram_page);
    K(XENMEM_current_reservation);
    K(XENMEM_maximum_reservation);
    K(XENMEM_machphys_mfn_list);
    K(XENMEM_populate_physmap);
    K(XENMEM_add_to_physmap);
    K(XENMEM_memory_map);
    K(XENMEM_machine_memory_map);
    K(XENMEM_exchange);
    K(XENMEM_machphys_mapping);
    K(XENMEM_set_memory_map);
    K(XENMEM_maximum_gpfn);
    K(XENMEM_remove_from_physmap);
    K(XENMEM_set_pod_target);
    K(XENMEM_get_pod_target);
    K(XENMEM_add_to_physmap_batch);
    K(XENMEM_machphys_compat_mfn_list);
    K(XENMEM_get_vnumainfo);
    K(XENMEM_acquire_resource);
    dump_memory_tools_only();

    SAMPLES1("XENMEMF_address_bits", x, XENMEMF_address_bits(x));
    SAMPLES1("XENMEMF_get_address_bits", x, XENMEMF_get_address_bits(x));
    SAMPLES1("XENMEMF_node", x, (uint32_t)XENMEMF_node(x));
    SAMPLES1("XENMEMF_get_node", x, XENMEMF_get_node(x));
    SAMPLES1("XENMEMF_exact_node", x, (uint32_t)XENMEMF_exact_node(x));
    K(XENMEMF_populate_on_demand);
    K(XENMEMF_exact_node_request);
    K(XENMEMF_vnode);

    L("XEN_MEMORY_RESERVATION", struct xen_memory_reservation);
    F(extent_start); F(nr_extents); F(extent_order); F(mem_flags); F(domid);
    LEND();
    L("XEN_MEMORY_EXCHANGE", struct xen_memory_exchange);
    F(in); F(out); F(nr_exchanged);
    LEND();
    L("XEN_MEMORY_DOMAIN", struct xen_memory_domain);
    F(domid);
    LEND();
    L("XEN_MACHPHYS_MFN_LIST", struct xen_machphys_mfn_list);
    F(max_extents); F(extent_start); F(nr_extents);
    LEND();
    L("XEN_MACHPHYS_MAPPING", struct xen_machphys_mapping);
    F(v_start); F(v_end); F(max_mfn);
    LEND();
    K(XENMAPSPACE_shared_info);
    K(XENMAPSPACE_grant_table);
    K(XENMAPSPACE_gmfn);
    K(XENMAPSPACE_gmfn_range);
    K(XENMAPSPACE_gmfn_foreign);
    K(XENMAPSPACE_dev_mmio);
    K(XENMAPIDX_grant_table_status);
    L("XEN_ADD_TO_PHYSMAP", struct xen_add_to_physmap);
    F(domid); FA("size_", size); F(space); F(idx); F(gpfn);
    LEND();
    L("XEN_ADD_TO_PHYSMAP_BATCH", struct xen_add_to_physmap_batch);
    F(domid); F(space); FA("size_", size); F(u);
    FA("u_foreign_domid", u.foreign_domid);
    F(idxs); F(gpfns); F(errs);
    LEND();
    L("XEN_REMOVE_FROM_PHYSMAP", struct xen_remove_from_physmap);
    F(domid); F(gpfn);
    LEND();
    L("XEN_MEMORY_MAP", struct xen_memory_map);
    F(nr_entries); F(buffer);
    LEND();
    L("XEN_FOREIGN_MEMORY_MAP", struct xen_foreign_memory_map);
    F(domid); F(map);
    FA("map_nr_entries", map.nr_entries);
    FA("map_buffer", map.buffer);
    LEND();
    L("XEN_POD_TARGET", struct xen_pod_target);
    F(target_pages); F(tot_pages); F(pod_cache_pages); F(pod_entries); F(domid);
    LEND();
    L("XEN_MEM_ACQUIRE_RESOURCE", struct xen_mem_acquire_resource);
    F(domid); F(type); F(id); F(nr_frames); F(pad); F(frame); F(frame_list);
    LEND();
    K(XENMEM_resource_ioreq_server);
    K(XENMEM_resource_grant_table);
    K(XENMEM_resource_vmtrace_buf);
    K(XENMEM_resource_grant_table_id_shared);
    K(XENMEM_resource_grant_table_id_status);
    K(XENMEM_resource_ioreq_server_frame_bufioreq);
    SAMPLES1("XENMEM_resource_ioreq_server_frame_ioreq", x, (uint32_t)XENMEM_resource_ioreq_server_frame_ioreq(x));
    L("XEN_VMEMRANGE", struct xen_vmemrange);
    F(start); F(end); F(flags); F(nid);
    LEND();
    L("XEN_VNUMA_TOPOLOGY_INFO", struct xen_vnuma_topology_info);
    F(domid); F(pad); F(nr_vnodes); F(nr_vcpus); F(nr_vmemranges); F(vdistance);
    F(vcpu_to_vnode); F(vmemrange);
    LEND();
}

static void callback(void)
{
    abi_section("callback");
    K(CALLBACKTYPE_event);
    K(CALLBACKTYPE_failsafe);
    K(CALLBACKTYPE_syscall);
    K(CALLBACKTYPE_sysenter_deprecated);
    K(CALLBACKTYPE_nmi);
    K(CALLBACKTYPE_sysenter);
    K(CALLBACKTYPE_syscall32);
    K(_CALLBACKF_mask_events);
    K(CALLBACKF_mask_events);
    K(CALLBACKOP_register);
    K(CALLBACKOP_unregister);
    L("CALLBACK_REGISTER", struct callback_register);
    F(type); F(flags); F(address);
    FA("address_cs", address.cs);
    FA("address_eip", address.eip);
    LEND();
    L("CALLBACK_UNREGISTER", struct callback_unregister);
    F(type); F(_unused);
    LEND();
}

static void grant_table(void)
{
    abi_section("grant_table");
    K(GNTTABOP_map_grant_ref);
    K(GNTTABOP_unmap_grant_ref);
    K(GNTTABOP_setup_table);
    K(GNTTABOP_dump_table);
    K(GNTTABOP_transfer);
    K(GNTTABOP_copy);
    K(GNTTABOP_query_size);
    K(GNTTABOP_unmap_and_replace);
    K(GNTTABOP_set_version);
    K(GNTTABOP_get_status_frames);
    K(GNTTABOP_get_version);
    K(GNTTABOP_swap_grant_ref);
    K(GNTTABOP_cache_flush);

    L("GRANT_ENTRY_V1", struct grant_entry_v1);
    F(flags); F(domid); F(frame);
    LEND();
    K(GNTTAB_NR_RESERVED_ENTRIES);
    K(GNTTAB_RESERVED_CONSOLE);
    K(GNTTAB_RESERVED_XENSTORE);
    K(GTF_invalid);
    K(GTF_permit_access);
    K(GTF_accept_transfer);
    K(GTF_transitive);
    K(GTF_type_mask);
    K(_GTF_readonly);
    K(GTF_readonly);
    K(_GTF_reading);
    K(GTF_reading);
    K(_GTF_writing);
    K(GTF_writing);
    K(_GTF_PWT);
    K(GTF_PWT);
    K(_GTF_PCD);
    K(GTF_PCD);
    K(_GTF_PAT);
    K(GTF_PAT);
    K(_GTF_sub_page);
    K(GTF_sub_page);
    K(_GTF_transfer_committed);
    K(GTF_transfer_committed);
    K(_GTF_transfer_completed);
    K(GTF_transfer_completed);

    L("GRANT_ENTRY_HEADER", struct grant_entry_header);
    F(flags); F(domid);
    LEND();
    L("GRANT_ENTRY_V2", union grant_entry_v2);
    F(hdr);
    FA("full_page_pad0", full_page.pad0);
    FA("full_page_frame", full_page.frame);
    FA("sub_page_page_off", sub_page.page_off);
    FA("sub_page_length", sub_page.length);
    FA("sub_page_frame", sub_page.frame);
    FA("transitive_trans_domid", transitive.trans_domid);
    FA("transitive_pad0", transitive.pad0);
    FA("transitive_gref", transitive.gref);
    LEND();
    KAS("GRANT_STATUS_SIZE", sizeof(grant_status_t));

    L("GNTTAB_MAP_GRANT_REF", struct gnttab_map_grant_ref);
    F(host_addr); F(flags); F(ref); F(dom); F(status); F(handle); F(dev_bus_addr);
    LEND();
    L("GNTTAB_UNMAP_GRANT_REF", struct gnttab_unmap_grant_ref);
    F(host_addr); F(dev_bus_addr); F(handle); F(status);
    LEND();
    L("GNTTAB_SETUP_TABLE", struct gnttab_setup_table);
    F(dom); F(nr_frames); F(status); F(frame_list);
    LEND();
    L("GNTTAB_DUMP_TABLE", struct gnttab_dump_table);
    F(dom); F(status);
    LEND();
    L("GNTTAB_TRANSFER", struct gnttab_transfer);
    F(mfn); F(domid); F(ref); F(status);
    LEND();
    K(_GNTCOPY_source_gref);
    K(GNTCOPY_source_gref);
    K(_GNTCOPY_dest_gref);
    K(GNTCOPY_dest_gref);
    L("GNTTAB_COPY_PTR", struct gnttab_copy_ptr);
    F(u); FA("u_ref", u.ref); FA("u_gmfn", u.gmfn); F(domid); F(offset);
    LEND();
    L("GNTTAB_COPY", struct gnttab_copy);
    F(source); F(dest); F(len); F(flags); F(status);
    LEND();
    L("GNTTAB_QUERY_SIZE", struct gnttab_query_size);
    F(dom); F(nr_frames); F(max_nr_frames); F(status);
    LEND();
    L("GNTTAB_UNMAP_AND_REPLACE", struct gnttab_unmap_and_replace);
    F(host_addr); F(new_addr); F(handle); F(status);
    LEND();
    L("GNTTAB_SET_VERSION", struct gnttab_set_version);
    F(version);
    LEND();
    L("GNTTAB_GET_STATUS_FRAMES", struct gnttab_get_status_frames);
    F(nr_frames); F(dom); F(status); F(frame_list);
    LEND();
    L("GNTTAB_GET_VERSION", struct gnttab_get_version);
    F(dom); F(pad); F(version);
    LEND();
    L("GNTTAB_SWAP_GRANT_REF", struct gnttab_swap_grant_ref);
    F(ref_a); F(ref_b); F(status);
    LEND();
    L("GNTTAB_CACHE_FLUSH", struct gnttab_cache_flush);
    F(a); FA("a_dev_bus_addr", a.dev_bus_addr); FA("a_ref", a.ref); F(offset); F(length); F(op);
    LEND();
    K(GNTTAB_CACHE_CLEAN);
    K(GNTTAB_CACHE_INVAL);
    K(GNTTAB_CACHE_SOURCE_GREF);

    K(_GNTMAP_device_map);
    K(GNTMAP_device_map);
    K(_GNTMAP_host_map);
    K(GNTMAP_host_map);
    K(_GNTMAP_readonly);
    K(GNTMAP_readonly);
    K(_GNTMAP_application_map);
    K(GNTMAP_application_map);
    K(_GNTMAP_contains_pte);
    K(GNTMAP_contains_pte);
    K(_GNTMAP_guest_avail0);
    K(GNTMAP_guest_avail_mask);

    K(GNTST_okay);
    K(GNTST_general_error);
    K(GNTST_bad_domain);
    K(GNTST_bad_gntref);
    K(GNTST_bad_handle);
    K(GNTST_bad_virt_addr);
    K(GNTST_bad_dev_addr);
    K(GNTST_no_device_space);
    K(GNTST_permission_denied);
    K(GNTST_bad_page);
    K(GNTST_bad_copy_arg);
    K(GNTST_address_too_big);
    K(GNTST_eagain);
    K(GNTST_no_space);
}

static void physdev(void)
{
    abi_section("physdev");
    K(PHYSDEVOP_IRQ_UNMASK_NOTIFY);
    K(PHYSDEVOP_irq_status_query);
    K(PHYSDEVOP_set_iopl);
    K(PHYSDEVOP_set_iobitmap);
    K(PHYSDEVOP_apic_read);
    K(PHYSDEVOP_apic_write);
    K(PHYSDEVOP_alloc_irq_vector);
    K(PHYSDEVOP_free_irq_vector);
    K(PHYSDEVOP_eoi);
    K(PHYSDEVOP_map_pirq);
    K(PHYSDEVOP_unmap_pirq);
    K(PHYSDEVOP_manage_pci_add);
    K(PHYSDEVOP_manage_pci_remove);
    K(PHYSDEVOP_pirq_eoi_gmfn_v1);
    K(PHYSDEVOP_restore_msi);
    K(PHYSDEVOP_manage_pci_add_ext);
    K(PHYSDEVOP_setup_gsi);
    K(PHYSDEVOP_get_free_pirq);
    K(PHYSDEVOP_pci_mmcfg_reserved);
    K(PHYSDEVOP_pci_device_add);
    K(PHYSDEVOP_pci_device_remove);
    K(PHYSDEVOP_restore_msi_ext);
    K(PHYSDEVOP_pirq_eoi_gmfn_v2);
    K(PHYSDEVOP_dbgp_op);
    K(PHYSDEVOP_prepare_msix);
    K(PHYSDEVOP_release_msix);
    K(PHYSDEVOP_pirq_eoi_gmfn);

    L("PHYSDEV_EOI", struct physdev_eoi);
    F(irq);
    LEND();
    L("PHYSDEV_PIRQ_EOI_GMFN", struct physdev_pirq_eoi_gmfn);
    F(gmfn);
    LEND();
    L("PHYSDEV_IRQ_STATUS_QUERY", struct physdev_irq_status_query);
    F(irq); F(flags);
    LEND();
    K(_XENIRQSTAT_needs_eoi);
    K(XENIRQSTAT_needs_eoi);
    K(_XENIRQSTAT_shared);
    K(XENIRQSTAT_shared);
    L("PHYSDEV_SET_IOPL", struct physdev_set_iopl);
    F(iopl);
    LEND();
    L("PHYSDEV_SET_IOBITMAP", struct physdev_set_iobitmap);
    F(bitmap); F(nr_ports);
    LEND();
    L("PHYSDEV_APIC", struct physdev_apic);
    F(apic_physbase); F(reg); F(value);
    LEND();
    L("PHYSDEV_IRQ", struct physdev_irq);
    F(irq); F(vector);
    LEND();
    K(MAP_PIRQ_TYPE_MSI);
    K(MAP_PIRQ_TYPE_GSI);
    K(MAP_PIRQ_TYPE_UNKNOWN);
    K(MAP_PIRQ_TYPE_MSI_SEG);
    K(MAP_PIRQ_TYPE_MULTI_MSI);
    L("PHYSDEV_MAP_PIRQ", struct physdev_map_pirq);
    F(domid); F(type); F(index); F(pirq); F(bus); F(devfn); F(entry_nr); F(table_base);
    LEND();
    L("PHYSDEV_UNMAP_PIRQ", struct physdev_unmap_pirq);
    F(domid); F(pirq);
    LEND();
    L("PHYSDEV_MANAGE_PCI", struct physdev_manage_pci);
    F(bus); F(devfn);
    LEND();
    L("PHYSDEV_RESTORE_MSI", struct physdev_restore_msi);
    F(bus); F(devfn);
    LEND();
    L("PHYSDEV_MANAGE_PCI_EXT", struct physdev_manage_pci_ext);
    F(bus); F(devfn); F(is_extfn); F(is_virtfn); F(physfn);
    FA("physfn_bus", physfn.bus);
    FA("physfn_devfn", physfn.devfn);
    LEND();
    L("PHYSDEV_OP", struct physdev_op);
    F(cmd); F(u);
    LEND();
    L("PHYSDEV_SETUP_GSI", struct physdev_setup_gsi);
    F(gsi); F(triggering); F(polarity);
    LEND();
    L("PHYSDEV_GET_FREE_PIRQ", struct physdev_get_free_pirq);
    F(type); F(pirq);
    LEND();
    K(XEN_PCI_MMCFG_RESERVED);
    L("PHYSDEV_PCI_MMCFG_RESERVED", struct physdev_pci_mmcfg_reserved);
    F(address); F(segment); F(start_bus); F(end_bus); F(flags);
    LEND();
    K(XEN_PCI_DEV_EXTFN);
    K(XEN_PCI_DEV_VIRTFN);
    K(XEN_PCI_DEV_PXM);
    L("PHYSDEV_PCI_DEVICE_ADD", struct physdev_pci_device_add);
    F(seg); F(bus); F(devfn); F(flags); F(physfn);
    FA("physfn_bus", physfn.bus);
    FA("physfn_devfn", physfn.devfn);
    F(optarr);
    LEND();
    L("PHYSDEV_PCI_DEVICE", struct physdev_pci_device);
    F(seg); F(bus); F(devfn);
    LEND();
    K(PHYSDEVOP_DBGP_RESET_PREPARE);
    K(PHYSDEVOP_DBGP_RESET_DONE);
    K(PHYSDEVOP_DBGP_BUS_UNKNOWN);
    K(PHYSDEVOP_DBGP_BUS_PCI);
    L("PHYSDEV_DBGP_OP", struct physdev_dbgp_op);
    F(op); F(bus); F(u);
    LEND();
}

static void xen_version(void)
{
    abi_section("xen_version");
    K(XENVER_version);
    K(XENVER_extraversion);
    K(XENVER_compile_info);
    K(XENVER_capabilities);
    K(XENVER_changeset);
    K(XENVER_platform_parameters);
    K(XENVER_get_features);
    K(XENVER_pagesize);
    K(XENVER_guest_handle);
    K(XENVER_commandline);
    K(XENVER_build_id);

    K(XEN_EXTRAVERSION_LEN);
    L("XEN_COMPILE_INFO", struct xen_compile_info);
    F(compiler); F(compile_by); F(compile_domain); F(compile_date);
    LEND();
    K(XEN_CAPABILITIES_INFO_LEN);
    K(XEN_CHANGESET_INFO_LEN);
    L("XEN_PLATFORM_PARAMETERS", struct xen_platform_parameters);
    F(virt_start);
    LEND();
    L("XEN_FEATURE_INFO", struct xen_feature_info);
    F(submap_idx); F(submap);
    LEND();
    L("XEN_BUILD_ID", struct xen_build_id);
    F(len); F(buf);
    LEND();
    /* What each sub-op copies to its argument. */
    abi_object("XENVER_ARG_SIZE");
    abi_field("extraversion", sizeof(xen_extraversion_t));
    abi_field("compile_info", sizeof(xen_compile_info_t));
    abi_field("capabilities", sizeof(xen_capabilities_info_t));
    abi_field("changeset", sizeof(xen_changeset_info_t));
    abi_field("platform_parameters", sizeof(xen_platform_parameters_t));
    abi_field("get_features", sizeof(xen_feature_info_t));
    abi_field("guest_handle", sizeof(xen_domain_handle_t));
    abi_field("commandline", sizeof(xen_commandline_t));
    abi_close();

    K(XENFEAT_writable_page_tables);
    K(XENFEAT_writable_descriptor_tables);
    K(XENFEAT_auto_translated_physmap);
    K(XENFEAT_supervisor_mode_kernel);
    K(XENFEAT_pae_pgdir_above_4gb);
    K(XENFEAT_mmu_pt_update_preserve_ad);
    K(XENFEAT_highmem_assist);
    K(XENFEAT_gnttab_map_avail_bits);
    K(XENFEAT_hvm_callback_vector);
    K(XENFEAT_hvm_safe_pvclock);
    K(XENFEAT_hvm_pirqs);
    K(XENFEAT_dom0);
    K(XENFEAT_memory_op_vnode_supported);
    K(XENFEAT_ARM_SMCCC_supported);
    K(XENFEAT_linux_rsdp_unrestricted);
    K(XENFEAT_not_direct_mapped);
    K(XENFEAT_direct_mapped);
    K(XENFEAT_NR_SUBMAPS);
}

static void elfnote(void)
{
    abi_section("elfnote");
    K(XEN_ELFNOTE_INFO);
    K(XEN_ELFNOTE_ENTRY);
    K(XEN_ELFNOTE_HYPERCALL_PAGE);
    K(XEN_ELFNOTE_VIRT_BASE);
    K(XEN_ELFNOTE_PADDR_OFFSET);
    K(XEN_ELFNOTE_XEN_VERSION);
    K(XEN_ELFNOTE_GUEST_OS);
    K(XEN_ELFNOTE_GUEST_VERSION);
    K(XEN_ELFNOTE_LOADER);
    K(XEN_ELFNOTE_PAE_MODE);
    K(XEN_ELFNOTE_FEATURES);
    K(XEN_ELFNOTE_BSD_SYMTAB);
    K(XEN_ELFNOTE_HV_START_LOW);
    K(XEN_ELFNOTE_L1_MFN_VALID);
    K(XEN_ELFNOTE_SUSPEND_CANCEL);
    K(XEN_ELFNOTE_INIT_P2M);
    K(XEN_ELFNOTE_MOD_START_PFN);
    K(XEN_ELFNOTE_SUPPORTED_FEATURES);
    K(XEN_ELFNOTE_PHYS32_ENTRY);
    K(XEN_ELFNOTE_MAX);
    K(XEN_ELFNOTE_CRASH_INFO);
    K(XEN_ELFNOTE_CRASH_REGS);
    K(XEN_ELFNOTE_DUMPCORE_NONE);
    K(XEN_ELFNOTE_DUMPCORE_HEADER);
    K(XEN_ELFNOTE_DUMPCORE_XEN_VERSION);
    K(XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION);
}

static void nmi(void)
{
    abi_section("nmi");
    K(_XEN_NMIREASON_io_error);
    K(XEN_NMIREASON_io_error);
    K(_XEN_NMIREASON_pci_serr);
    K(XEN_NMIREASON_pci_serr);
    K(_XEN_NMIREASON_unknown);
    K(XEN_NMIREASON_unknown);
    K(XENNMI_register_callback);
    K(XENNMI_unregister_callback);
    L("XENNMI_CALLBACK", struct xennmi_callback);
    F(handler_address); F(pad);
    LEND();
}

static void console(void)
{
    struct xencons_interface intf;
    abi_section("console");
    L("XENCONS_INTERFACE", struct xencons_interface);
    F(in); F(out); F(in_cons); F(in_prod); F(out_cons); F(out_prod);
    LEND();
    KAS("XENCONS_IN_SIZE", sizeof(intf.in));
    KAS("XENCONS_OUT_SIZE", sizeof(intf.out));
    abi_samples("MASK_XENCONS_IDX");
    for (int i = 0; i < abi_nr_sample_values; i++) {
        unsigned long x = abi_sample_values[i];
        long long a[2] = { (long long)x, sizeof(intf.in) };
        abi_sample(2, a, MASK_XENCONS_IDX(x, intf.in));
        a[1] = sizeof(intf.out);
        abi_sample(2, a, MASK_XENCONS_IDX(x, intf.out));
    }
    abi_close();
}

static void xs_wire(void)
{
    abi_section("xs_wire");
    K(XS_CONTROL);
    K(XS_DEBUG);
    K(XS_DIRECTORY);
    K(XS_READ);
    K(XS_GET_PERMS);
    K(XS_WATCH);
    K(XS_UNWATCH);
    K(XS_TRANSACTION_START);
    K(XS_TRANSACTION_END);
    K(XS_INTRODUCE);
    K(XS_RELEASE);
    K(XS_GET_DOMAIN_PATH);
    K(XS_WRITE);
    K(XS_MKDIR);
    K(XS_RM);
    K(XS_SET_PERMS);
    K(XS_WATCH_EVENT);
    K(XS_ERROR);
    K(XS_IS_DOMAIN_INTRODUCED);
    K(XS_RESUME);
    K(XS_SET_TARGET);
    K(XS_RESET_WATCHES);
    K(XS_DIRECTORY_PART);
    K(XS_TYPE_COUNT);
    K(XS_INVALID);
    abi_str("XS_WRITE_NONE", XS_WRITE_NONE);
    abi_str("XS_WRITE_CREATE", XS_WRITE_CREATE);
    abi_str("XS_WRITE_CREATE_EXCL", XS_WRITE_CREATE_EXCL);
    abi_list("XSD_ERRORS");
    for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
        abi_item_pair(xsd_errors[i].errnum, xsd_errors[i].errstring);
    abi_close();
    L("XSD_SOCKMSG", struct xsd_sockmsg);
    F(type); F(req_id); F(tx_id); F(len);
    LEND();
    K(XS_WATCH_PATH);
    K(XS_WATCH_TOKEN);
    K(XENSTORE_RING_SIZE);
    SAMPLES1("MASK_XENSTORE_IDX", x, MASK_XENSTORE_IDX(x));
    L("XENSTORE_DOMAIN_INTERFACE", struct xenstore_domain_interface);
    F(req); F(rsp); F(req_cons); F(req_prod); F(rsp_cons); F(rsp_prod); F(server_features);
    F(connection); F(error);
    LEND();
    K(XENSTORE_PAYLOAD_MAX);
    K(XENSTORE_ABS_PATH_MAX);
    K(XENSTORE_REL_PATH_MAX);
    K(XENSTORE_SERVER_FEATURE_RECONNECTION);
    K(XENSTORE_SERVER_FEATURE_ERROR);
    K(XENSTORE_CONNECTED);
    K(XENSTORE_RECONNECT);
    K(XENSTORE_ERROR_NONE);
    K(XENSTORE_ERROR_COMM);
    K(XENSTORE_ERROR_RINGIDX);
    K(XENSTORE_ERROR_PROTO);
}

static void blkif(void)
{
    abi_section("blkif");
    K(BLKIF_OP_READ);
    K(BLKIF_OP_WRITE);
    K(BLKIF_OP_WRITE_BARRIER);
    K(BLKIF_OP_FLUSH_DISKCACHE);
    K(BLKIF_OP_RESERVED_1);
    K(BLKIF_OP_DISCARD);
    K(BLKIF_OP_INDIRECT);
    K(BLKIF_MAX_SEGMENTS_PER_REQUEST);
    K(BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST);
    L("BLKIF_REQUEST_SEGMENT", struct blkif_request_segment);
    F(gref); F(first_sect); F(last_sect);
    LEND();
    L("BLKIF_REQUEST", struct blkif_request);
    F(operation); F(nr_segments); F(handle); F(id); F(sector_number); F(seg);
    LEND();
    L("BLKIF_REQUEST_DISCARD", struct blkif_request_discard);
    F(operation); F(flag); F(handle); F(id); F(sector_number); F(nr_sectors);
    LEND();
    K(BLKIF_DISCARD_SECURE);
    L("BLKIF_REQUEST_INDIRECT", struct blkif_request_indirect);
    F(operation); F(indirect_op); F(nr_segments); F(id); F(sector_number); F(handle);
    F(indirect_grefs); F(pad);
    LEND();
    L("BLKIF_RESPONSE", struct blkif_response);
    F(id); F(operation); F(status);
    LEND();
    K(BLKIF_RSP_EOPNOTSUPP);
    K(BLKIF_RSP_ERROR);
    K(BLKIF_RSP_OKAY);
    L("BLKIF_SRING_ENTRY", union blkif_sring_entry);
    F(req); F(rsp);
    LEND();
    KAS("BLKIF_RING_SIZE", __CONST_RING_SIZE(blkif, 4096));
    K(VDISK_CDROM);
    K(VDISK_REMOVABLE);
    K(VDISK_READONLY);
    abi_str("XEN_IO_PROTO_ABI_X86_32", XEN_IO_PROTO_ABI_X86_32);
    abi_str("XEN_IO_PROTO_ABI_X86_64", XEN_IO_PROTO_ABI_X86_64);
    abi_str("XEN_IO_PROTO_ABI_ARM", XEN_IO_PROTO_ABI_ARM);
    abi_str("XEN_IO_PROTO_ABI_NATIVE", XEN_IO_PROTO_ABI_NATIVE);
}

/* Rings of assorted entry sizes, to check the ring-size computation against the macro. */
#define SAMPLE_RING(n) \
    struct ring##n##_entry { unsigned char b[n]; }; \
    DEFINE_RING_TYPES(ring##n, struct ring##n##_entry, struct ring##n##_entry)
SAMPLE_RING(1);
SAMPLE_RING(8);
SAMPLE_RING(12);
SAMPLE_RING(36);
SAMPLE_RING(64);
SAMPLE_RING(108);
SAMPLE_RING(112);
SAMPLE_RING(1000);
SAMPLE_RING(2016);
SAMPLE_RING(4032);

static void ring(void)
{
    abi_section("ring");
    /* The shared ring's header; its size is where the entries start. */
    do { typedef struct blkif_sring abi_layout_t_;
    abi_object("SRING");
    abi_field("size", offsetof(struct blkif_sring, ring));
    F(req_prod); F(req_event); F(rsp_prod); F(rsp_event); F(pvt);
    FA("pvt_netif_smartpoll_active", pvt.netif.smartpoll_active);
    FA("pvt_tapif_user_msg", pvt.tapif_user.msg);
    F(__pad); F(ring);
    LEND();
    K(XEN_PAGE_SHIFT);
    SAMPLES1("__RD32", x, __RD32(x));
    abi_samples("XEN_FLEX_RING_SIZE");
    for (unsigned order = 0; order < 20; order++) {
        long long a[1] = { order };
        abi_sample(1, a, XEN_FLEX_RING_SIZE(order));
    }
    abi_close();
    abi_samples("__CONST_RING_SIZE");
#define RING_SAMPLE(n, bytes) do { \
        long long a[2] = { sizeof(union ring##n##_sring_entry), bytes }; \
        abi_sample(2, a, __CONST_RING_SIZE(ring##n, bytes)); \
    } while (0)
#define RING_SAMPLES(bytes) \
    RING_SAMPLE(1, bytes); RING_SAMPLE(8, bytes); RING_SAMPLE(12, bytes); RING_SAMPLE(36, bytes); \
    RING_SAMPLE(64, bytes); RING_SAMPLE(108, bytes); RING_SAMPLE(112, bytes); \
    RING_SAMPLE(1000, bytes); RING_SAMPLE(2016, bytes); RING_SAMPLE(4032, bytes)
    RING_SAMPLES(4096);
    RING_SAMPLES(8192);
    RING_SAMPLES(65536);
    abi_close();
}

int main(void)
{
    abi_begin();
    hypercalls();
    errnos();
    xen();
    arch_x86_32();
    event_channel();
    sched();
    vcpu();
    memory();
    callback();
    grant_table();
    physdev();
    xen_version();
    elfnote();
    nmi();
    console();
    xs_wire();
    blkif();
    ring();
    abi_finish();
    return 0;
}
