; PV traps test kernel: a trap table with #DE #UD #GP #PF and int 0x80 handlers; faults from
; ring 1 and from ring 3 (reached with the iret hypercall) with their bounce frames checked:
; EIP, CS with the saved upcall mask in bits 16-23, EFLAGS.IF from the mask, error codes,
; SS:ESP for ring 3, CR2 in vcpu_info and through MOV from CR2, TI_IF masking events,
; INT n to a DPL-0 entry as #GP(n*8+2), and CPUID through the forced-emulation prefix.
%include "xen.inc"
extern kputs, kputhex
global _start
xen_kernel_header "traps"

%include "pt.inc"

; continue at %1 with the current kernel stack after the next trap
%macro arm 1
        mov [kesp], esp
        mov dword [resume], %1
        mov dword [got_vec], -1
%endmacro

; enter user code at %1 with the user stack, through the iret hypercall
%macro to_user 1
        push USER_DS
        push ustack_top
        push 0x202
        push USER_CS
        push %1
        jmp hypercall_page + HC_iret * 32
%endmacro

; a trap handler: vector %1, error code pushed (%2 = 1) or not
%macro handler 2
h_%1:   push ds
        push eax
        mov ax, KERNEL_DS
        mov ds, ax
        mov dword [got_vec], %1
%if %2
        mov eax, [esp + 8]
        mov [got_err], eax
        lea eax, [esp + 12]
%else
        mov dword [got_err], -1
        lea eax, [esp + 8]
%endif
        jmp record
%endmacro

section .text
_start:
        cld
        mov [start_info], esi
        mov eax, [esi + 68]                 ; mfn_list
        mov [p2m], eax
        puts banner

        ; map shared_info to read vcpu_info (mask at +1, arch.cr2 at +8)
        mov esi, [start_info]
        mov eax, [esi + 36]
        shr eax, 12
        uvm shinfo, P | RW | A | D
        check eax, 0, m_map
        mov byte [shinfo + 1], 0

        ; the kernel stack for traps from ring 3, and the trap table
        mov ebx, KERNEL_DS
        mov ecx, kstack_top
        hypercall HC_stack_switch
        check eax, 0, m_stack
        mov ebx, trap_table
        hypercall HC_set_trap_table
        check eax, 0, m_table

        ; user pages: code read-only, stack writable
        mfn_of user_code
        uvm user_code, P | US | A
        check eax, 0, m_map
        mfn_of ustack
        uvm ustack, P | RW | US | A | D
        check eax, 0, m_map

        ; ---- ring 1 ----
        ; #DE: no error code, EFLAGS.IF set while events are unmasked
        arm k_de_done
        xor ecx, ecx
k_de:   div ecx
        jmp nofault
k_de_done:
        check [got_vec], 0, m_de
        check [got_err], -1, m_de
        check [got_eip], k_de, m_de_eip
        check [got_cs], KERNEL_CS, m_de_cs
        mov eax, [got_eflags]
        and eax, 0x200
        check eax, 0x200, m_de_if

        ; with events masked: IF clear in the frame, the mask saved in CS bits 16-23
        mov byte [shinfo + 1], 1
        arm k_de2_done
        xor ecx, ecx
        div ecx
        jmp nofault
k_de2_done:
        check [got_cs], KERNEL_CS | 0x10000, m_mask_cs
        mov eax, [got_eflags]
        and eax, 0x200
        check eax, 0, m_mask_if

        ; #UD through an entry with TI_IF: events masked on entry
        arm k_ud_done
k_ud:   ud2
        jmp nofault
k_ud_done:
        check [got_vec], 6, m_ud
        check [got_eip], k_ud, m_ud
        check [got_mask], 1, m_ud_mask

        ; #GP(0) on HLT, #GP(0x90*8+2) on INT 0x90 (no DPL-1 entry)
        arm k_gp_done
k_gp:   hlt
        jmp nofault
k_gp_done:
        check [got_vec], 13, m_gp
        check [got_err], 0, m_gp
        check [got_eip], k_gp, m_gp
        arm k_int_done
k_int:  int 0x90
        jmp nofault
k_int_done:
        check [got_vec], 13, m_int
        check [got_err], 0x90 * 8 + 2, m_int
        check [got_eip], k_int, m_int

        ; #PF reading an unmapped page: error 0, CR2 in vcpu_info and MOV from CR2
        arm k_pf_done
k_pf:   mov eax, [0x3000]
        jmp nofault
k_pf_done:
        check [got_vec], 14, m_pf
        check [got_err], 0, m_pf_err
        check [got_eip], k_pf, m_pf
        check [got_cr2], 0x3000, m_pf_cr2
        mov eax, cr2
        check eax, 0x3000, m_cr2

        ; CPUID through the forced-emulation prefix: Xen's signature
        mov eax, 0x40000000
        ud2
        db "xen"
        cpuid
        check ebx, 0x566e6558, m_cpuid
        check edx, 0x4d4d566e, m_cpuid

        ; ---- ring 3 ----
        arm u_de_done
        to_user u_de
u_de_done:
        check [got_vec], 0, m_ude
        check [got_eip], u_de_at, m_ude
        check [got_cs], USER_CS, m_ude_cs
        check [got_uesp], ustack_top, m_ude_sp
        check [got_uss], USER_DS, m_ude_sp

        arm u_ud_done
        to_user u_ud
u_ud_done:
        check [got_vec], 6, m_uud
        check [got_eip], u_ud, m_uud

        arm u_gp_done
        to_user u_gp
u_gp_done:
        check [got_vec], 13, m_ugp
        check [got_err], 0, m_ugp
        check [got_eip], u_gp, m_ugp

        arm u_pf_done
        to_user u_pf
u_pf_done:
        check [got_vec], 14, m_upf
        check [got_err], 4, m_upf_err
        check [got_eip], u_pf_at, m_upf
        check [got_cr2], 0x4000, m_upf_cr2

        arm u_pfw_done
        to_user u_pfw
u_pfw_done:
        check [got_vec], 14, m_upfw
        check [got_err], 7, m_upfw
        check [got_cr2], probe, m_upfw

        arm u_int_done
        to_user u_int
u_int_done:
        check [got_vec], 13, m_uint
        check [got_err], 0x90 * 8 + 2, m_uint
        check [got_eip], u_int, m_uint

        arm u_hc_done
        to_user u_hc
u_hc_done:
        check [got_vec], 13, m_uhc
        check [got_err], 0x82 * 8 + 2, m_uhc

        arm u_sys_done
        to_user u_sys
u_sys_done:
        check [got_vec], 0x80, m_usys
        check [got_eip], u_sys_after, m_usys
        check [got_err], -1, m_usys

        puts pass
        shutdown 0
        jmp $

nofault:
        mov edx, m_nofault
fail:   push edx
        puts failmsg
        pop edx
        call kputs
        puts got
        mov eax, [got_vec]
        call kputhex
        puts sep
        mov eax, [got_err]
        call kputhex
        puts sep
        mov eax, [got_eip]
        call kputhex
        puts nl
        shutdown 3
        jmp $

; record the frame (eax points at its EIP slot) and continue at [resume] on the kernel stack
record: push ebx
        mov ebx, [eax]
        mov [got_eip], ebx
        mov ebx, [eax + 4]
        mov [got_cs], ebx
        mov ebx, [eax + 8]
        mov [got_eflags], ebx
        mov ebx, [shinfo + 8]
        mov [got_cr2], ebx
        movzx ebx, byte [shinfo + 1]
        mov [got_mask], ebx
        mov ebx, [eax + 4]
        and ebx, 3
        cmp ebx, 3
        jne .kernel
        mov ebx, [eax + 12]
        mov [got_uesp], ebx
        mov ebx, [eax + 16]
        mov [got_uss], ebx
.kernel:
        mov byte [shinfo + 1], 0
        mov esp, [kesp]
        jmp [resume]

        handler 0, 0
        handler 6, 0
        handler 13, 1
        handler 14, 1
        handler 0x80, 0

; ---- user code: its own page, mapped user and read-only ----
align 4096
user_code:
u_de:   xor ecx, ecx
u_de_at: div ecx
        jmp $
u_ud:   ud2
        jmp $
u_gp:   cli
        jmp $
u_pf:   mov ax, USER_DS
        mov ds, ax
u_pf_at: mov eax, [0x4000]
        jmp $
u_pfw:  mov ax, USER_DS
        mov ds, ax
        mov [probe], eax
        jmp $
u_int:  int 0x90
        jmp $
u_hc:   int 0x82
        jmp $
u_sys:  mov eax, 41
        int 0x80
u_sys_after:
        jmp $
align 4096

section .data
trap_table:
        db 0, 0
        dw KERNEL_CS
        dd h_0
        db 6, 4                             ; TI_IF: mask events on entry
        dw KERNEL_CS
        dd h_6
        db 13, 0
        dw KERNEL_CS
        dd h_13
        db 14, 0
        dw KERNEL_CS
        dd h_14
        db 0x80, 3                          ; DPL 3: system calls from ring 3
        dw KERNEL_CS
        dd h_0x80
        dd 0, 0
start_info: dd 0
p2m:    dd 0
kesp:   dd 0
resume: dd 0
got_vec: dd 0
got_err: dd 0
got_eip: dd 0
got_cs: dd 0
got_eflags: dd 0
got_cr2: dd 0
got_mask: dd 0
got_uesp: dd 0
got_uss: dd 0
probe:  dd 0
banner: db "traps: bounce frames from ring 1 and ring 3", 10, 0
pass:   db "XENJIT-TEST traps: PASS", 10, 0
failmsg: db "XENJIT-TEST traps: FAIL ", 0
got:    db " vec/err/eip=", 0
sep:    db "/", 0
nl:     db 10, 0
m_map:  db "update_va_mapping", 0
m_stack: db "stack_switch", 0
m_table: db "set_trap_table", 0
m_nofault: db "no fault", 0
m_de:   db "ring-1 #DE", 0
m_de_eip: db "ring-1 #DE eip", 0
m_de_cs: db "ring-1 #DE cs", 0
m_de_if: db "ring-1 #DE eflags.IF", 0
m_mask_cs: db "masked: saved mask in cs", 0
m_mask_if: db "masked: eflags.IF", 0
m_ud:   db "ring-1 #UD", 0
m_ud_mask: db "TI_IF did not mask events", 0
m_gp:   db "ring-1 #GP on hlt", 0
m_int:  db "ring-1 int 0x90", 0
m_pf:   db "ring-1 #PF", 0
m_pf_err: db "ring-1 #PF error code", 0
m_pf_cr2: db "ring-1 #PF cr2 in vcpu_info", 0
m_cr2:  db "mov from cr2", 0
m_cpuid: db "forced cpuid signature", 0
m_ude:  db "ring-3 #DE", 0
m_ude_cs: db "ring-3 #DE cs", 0
m_ude_sp: db "ring-3 #DE ss:esp", 0
m_uud:  db "ring-3 #UD", 0
m_ugp:  db "ring-3 #GP on cli", 0
m_upf:  db "ring-3 #PF", 0
m_upf_err: db "ring-3 #PF error code", 0
m_upf_cr2: db "ring-3 #PF cr2", 0
m_upfw: db "ring-3 write to a kernel page", 0
m_uint: db "ring-3 int 0x90", 0
m_uhc:  db "ring-3 int 0x82", 0
m_usys: db "ring-3 int 0x80", 0

section .bss
alignb 4096
shinfo: resb 4096
ustack: resb 4096
ustack_top:
kstack: resb 4096
kstack_top:
