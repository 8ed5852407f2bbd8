; PV ring-3 test kernel: a tiny operating system. The kernel drops to a user program in ring 3
; with the iret hypercall; the program makes int 0x80 system calls (write, add, count, exit)
; that the kernel handles on its stack_switch stack and returns from with the iret hypercall,
; checking that the call's result arrives in EAX and the other registers survive. An int 0x82
; from ring 3 (the hypercall gate is DPL 1) reaches the kernel as #GP(0x82*8+2), which the
; kernel turns into a "signal": the program resumes after the INT with EAX = 0xdead. At exit
; the kernel prints the verdict.
%include "xen.inc"
extern kputs, kputhex
global _start
xen_kernel_header "ring3"

%include "pt.inc"
%define SYS_write 1
%define SYS_add   2
%define SYS_count 3
%define SYS_exit  4
%define LOOPS     100

section .text
_start:
        cld
        mov [start_info], esi
        mov eax, [esi + 68]
        mov [p2m], eax
        puts banner

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

        ; into the user program
        push USER_DS
        push ustack_top
        push 0x202
        push USER_CS
        push user_main
        jmp hypercall_page + HC_iret * 32

; ---- int 0x80: EAX = call number, EBX ECX arguments, result in EAX ----
syscall:
        push ds
        push es
        push ebx
        push ecx
        push edx
        push esi
        push edi
        push ebp
        mov dx, KERNEL_DS
        mov ds, dx
        mov es, dx
        inc dword [calls]
        ; the frame Xen built: EIP CS EFLAGS ESP SS above our 8 pushes
        mov edx, [esp + 8 * 4 + 4]
        cmp edx, USER_CS
        jne bad_frame
        cmp eax, SYS_write
        je .write
        cmp eax, SYS_add
        je .add
        cmp eax, SYS_count
        je .count
        cmp eax, SYS_exit
        je sys_exit
        mov eax, -38
        jmp .ret
.write: mov edx, ebx                        ; console_io(write, len, buf) from the user buffer
        mov ebx, 0
        mov esi, ecx
        hypercall HC_console_io
        mov eax, esi
        jmp .ret
.add:   lea eax, [ebx + ecx]
        jmp .ret
.count: inc dword [counter]
        mov eax, [counter]
.ret:   pop ebp
        pop edi
        pop esi
        pop edx
        pop ecx
        pop ebx
        pop es
        pop ds
        jmp hypercall_page + HC_iret * 32

sys_exit:
        check ebx, 0, m_exit
        check [counter], LOOPS, m_count
        check [signals], 1, m_signal
        mov eax, [calls]
        check eax, LOOPS + 3, m_calls
        puts pass
        shutdown 0
        jmp $

; ---- #GP: a user int 0x82 becomes a signal; anything else is fatal ----
gp:     push ds
        push eax
        mov ax, KERNEL_DS
        mov ds, ax
        mov eax, [esp + 8]                  ; error code
        cmp eax, 0x82 * 8 + 2
        jne bad_gp
        mov eax, [esp + 16]                 ; CS
        cmp eax, USER_CS
        jne bad_gp
        inc dword [signals]
        add dword [esp + 12], 2             ; resume after the INT
        pop eax
        pop ds
        add esp, 4                          ; drop the error code
        mov eax, 0xdead
        jmp hypercall_page + HC_iret * 32

bad_gp: mov edx, m_gp
        jmp fail
bad_frame:
        mov edx, m_frame
fail:   mov ax, KERNEL_DS
        mov ds, ax
        mov es, ax
        push edx
        puts failmsg
        pop edx
        call kputs
        puts nl
        shutdown 3
        jmp $

; ---- the user program: its own page, user and read-only ----
align 4096
user_code:
user_main:
        mov ax, USER_DS
        mov ds, ax
        mov es, ax
        mov eax, SYS_write
        mov ebx, hello
        mov ecx, hello_len
        int 0x80
        cmp eax, hello_len
        jne user_bad
        mov esi, 0x12345678
        mov edi, 0x9abcdef0
        mov ebp, 0x0badf00d
        mov edx, 0x55aa55aa
        mov eax, SYS_add
        mov ebx, 20
        mov ecx, 22
        int 0x80
        cmp eax, 42
        jne user_bad
        cmp ebx, 20
        jne user_bad
        cmp ecx, 22
        jne user_bad
        cmp edx, 0x55aa55aa
        jne user_bad
        cmp esi, 0x12345678
        jne user_bad
        cmp edi, 0x9abcdef0
        jne user_bad
        cmp ebp, 0x0badf00d
        jne user_bad
        mov edi, LOOPS
.loop:  mov eax, SYS_count
        int 0x80
        dec edi
        jnz .loop
        cmp eax, LOOPS
        jne user_bad
        ; the hypercall gate is not for ring 3
        mov eax, 29
        int 0x82
        cmp eax, 0xdead
        jne user_bad
        mov eax, SYS_exit
        xor ebx, ebx
        int 0x80
        jmp $
user_bad:
        mov eax, SYS_exit
        mov ebx, 1
        int 0x80
        jmp $
hello:  db "hello from ring 3", 10
hello_len equ $ - hello
align 4096

section .data
trap_table:
        db 13, 0
        dw KERNEL_CS
        dd gp
        db 0x80, 3
        dw KERNEL_CS
        dd syscall
        dd 0, 0
start_info: dd 0
p2m:    dd 0
calls:  dd 0
counter: dd 0
signals: dd 0
banner: db "ring3: a user program making system calls", 10, 0
pass:   db "XENJIT-TEST ring3: PASS", 10, 0
failmsg: db "XENJIT-TEST ring3: FAIL ", 0
nl:     db 10, 0
m_setup: db "setup", 0
m_exit: db "the user program reported an error", 0
m_count: db "system call count", 0
m_signal: db "int 0x82 from ring 3 was not a #GP", 0
m_calls: db "number of system calls", 0
m_gp:   db "unexpected #GP", 0
m_frame: db "system call frame CS", 0

section .bss
alignb 4096
ustack: resb 4096
ustack_top:
kstack: resb 4096
kstack_top:
