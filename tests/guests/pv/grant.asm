; Grant tables, version 1: query_size, setup_table (with its per-operation errors), mapping a
; grant frame into the kernel and writing an entry, set_version/get_version.
%include "xen.inc"
extern kputs, kputhex
global _start
xen_kernel_header "grant"

%define GNTTABOP_setup_table 2
%define GNTTABOP_query_size  6
%define GNTTABOP_set_version 8
%define GNTTABOP_get_version 10
%define DOMID_SELF 0x7ff0


section .text
_start:
        cld
        ; query_size: no frames yet, 32 at most
        mov word [qs], DOMID_SELF
        mov ebx, GNTTABOP_query_size
        mov ecx, qs
        mov edx, 1
        hypercall HC_grant_table_op
        test eax, eax
        jnz fail
        cmp dword [qs + 4], 0
        jne fail
        cmp dword [qs + 8], 32
        jne fail
        cmp word [qs + 12], 0
        jne fail
        ; setup_table with too many frames: per-op status GNTST_general_error (-1)
        mov word [st], DOMID_SELF
        mov dword [st + 4], 33
        mov dword [st + 12], frames
        mov ebx, GNTTABOP_setup_table
        mov ecx, st
        mov edx, 1
        hypercall HC_grant_table_op
        test eax, eax
        jnz fail
        cmp word [st + 8], -1
        jne fail
        ; another domain: GNTST_permission_denied (-8)
        mov word [st], 5
        mov dword [st + 4], 1
        mov ebx, GNTTABOP_setup_table
        mov ecx, st
        mov edx, 1
        hypercall HC_grant_table_op
        cmp word [st + 8], -8
        jne fail
        ; one frame for ourselves
        mov word [st], DOMID_SELF
        mov dword [st + 4], 1
        mov ebx, GNTTABOP_setup_table
        mov ecx, st
        mov edx, 1
        hypercall HC_grant_table_op
        test eax, eax
        jnz fail
        cmp word [st + 8], 0
        jne fail
        ; map the frame over our own page `window` (writable) and write grant entry 3
        mov eax, [frames]
        shl eax, 12
        or eax, 0x63                          ; present, writable, accessed, dirty
        mov ebx, window
        mov ecx, eax
        xor edx, edx
        mov esi, 2                            ; UVMF_INVLPG
        hypercall HC_update_va_mapping
        test eax, eax
        jnz fail
        mov dword [window + 3 * 8 + 4], 0x1234
        cmp dword [window + 3 * 8 + 4], 0x1234
        jne fail
        ; version 2 is not offered; version 1 is
        mov dword [ver], 2
        mov ebx, GNTTABOP_set_version
        mov ecx, ver
        mov edx, 1
        hypercall HC_grant_table_op
        cmp eax, -38
        jne fail
        cmp dword [ver], 1
        jne fail
        mov word [gv], DOMID_SELF
        mov ebx, GNTTABOP_get_version
        mov ecx, gv
        mov edx, 1
        hypercall HC_grant_table_op
        test eax, eax
        jnz fail
        cmp dword [gv + 4], 1
        jne fail
        puts pass
        shutdown 0
        jmp $
fail:   puts failmsg
        shutdown 3
        jmp $

section .data
qs:     times 16 db 0
st:     times 16 db 0
ver:    dd 0
gv:     times 8 db 0
frames: times 64 dd 0
pass:   db "XENJIT-TEST grant: PASS", 10, 0
failmsg: db "XENJIT-TEST grant: FAIL", 10, 0
        align 4096
window: times 4096 db 0
