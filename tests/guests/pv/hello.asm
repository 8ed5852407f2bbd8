; The first PV test kernel: hypercall page, console_io, xen_version, clean poweroff.
%include "xen.inc"
extern kputs, kputhex
global _start
xen_kernel_header "hello"

section .text
_start:
        cld
        mov [start_info], esi
        puts banner
        ; start_info magic must begin "xen-3.0-x86_32"
        mov esi, [start_info]
        cmp dword [esi], "xen-"
        jne fail
        ; xen_version(XENVER_version) must report 3.0 or later
        mov ebx, 0
        xor ecx, ecx
        hypercall HC_xen_version
        cmp eax, 0x30000
        jb fail
        puts ver
        call kputhex
        puts nl
        ; an unknown hypercall answers -ENOSYS
        mov eax, 60
        int 0x82
        cmp eax, -38
        jne fail
        puts pass
        shutdown 0
        jmp $
fail:   puts failmsg
        shutdown 3
        jmp $

section .data
start_info: dd 0
banner: db "hello from a PV kernel", 10, 0
ver:    db "xen_version: ", 0
nl:     db 10, 0
pass:   db "XENJIT-TEST hello: PASS", 10, 0
failmsg: db "XENJIT-TEST hello: FAIL", 10, 0
