; k-syscall: ksys_run(n) enters ring 3 and returns when the user program's exit call arrives.
%include "xen.inc"
%include "pt.inc"
extern start_info, put_str, hypercall_page
global ksys_run
%define SYS_mix  1
%define SYS_exit 2
section .text
ksys_run:
        push ebp
        push ebx
        push esi
        push edi
        mov [saved_esp], esp
        mov eax, [esp + 20]
        mov [count], eax
        mov esi, [start_info]
        mov eax, [esi + 68]
        mov [p2m], eax
        mov ebx, KERNEL_DS
        mov ecx, kstack_top
        hypercall HC_stack_switch
        check eax, 0, m_setup
        mov ebx, trap_table
        hypercall HC_set_trap_table
        check eax, 0, m_setup
        mfn_of user_code
        uvm user_code, P | US | A
        check eax, 0, m_setup
        mfn_of ustack
        uvm ustack, P | RW | US | A | D
        check eax, 0, m_setup
        mov eax, [count]                    ; the count, on top of the user stack
        mov [ustack_top - 4], eax
        push USER_DS
        push ustack_top - 4
        push 0x202
        push USER_CS
        push user_main
        jmp hypercall_page + HC_iret * 32

; int 0x80: EAX = call, EBX ECX arguments, result in EAX
syscall:
        push ds
        mov dx, KERNEL_DS
        mov ds, dx
        cmp eax, SYS_exit
        je .exit
        imul eax, ebx, 31                   ; SYS_mix: (ebx * 31 + ecx) ^ calls
        add eax, ecx
        inc dword [calls]
        xor eax, [calls]
        pop ds
        jmp hypercall_page + HC_iret * 32
.exit:  mov es, dx
        mov esp, [saved_esp]                ; back into ksys_run's frame, in ring 1
        mov eax, [calls]
        cmp eax, [count]
        jne .bad
        mov eax, ebx
        pop edi
        pop esi
        pop ebx
        pop ebp
        ret
.bad:   mov edx, m_count
fail:   push edx
        call put_str
        shutdown 3
        jmp $

section .utext progbits alloc exec nowrite align=4096
user_code:
user_main:
        mov ax, USER_DS
        mov ds, ax
        mov es, ax
        mov edi, [esp]
        xor ebx, ebx
        xor ecx, ecx
        test edi, edi
        jz .done
.loop:  mov eax, SYS_mix
        int 0x80
        mov ebx, eax
        inc ecx
        cmp ecx, edi
        jne .loop
.done:  mov eax, SYS_exit
        int 0x80
        jmp $
        align 4096, db 0xcc

section .data
trap_table:
        db 0x80, 3
        dw KERNEL_CS
        dd syscall
        dd 0, 0
p2m:    dd 0
calls:  dd 0
count:  dd 0
saved_esp: dd 0
m_setup: db "k-syscall: setup failed", 10, 0
m_count: db "k-syscall: wrong number of system calls", 10, 0
section .ubss nobits alloc noexec write align=4096
ustack: resb 4096
ustack_top:
kstack: resb 4096
kstack_top:
