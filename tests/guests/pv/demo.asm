; The embedded demo guest that `npm start` boots: a small PV kernel that introduces itself,
; asks the hypervisor who it is (xen_version, capabilities), reads its start_info, counts
; the primes below 100000 with a sieve in its own memory, and powers off.
%include "xen.inc"
extern kputs, kputhex
global _start
xen_kernel_header "demo"

%define N 100000

section .text
_start:
        cld
        mov [start_info], esi
        puts banner
        ; Xen version
        mov ebx, 0                          ; XENVER_version
        xor ecx, ecx
        hypercall HC_xen_version
        push eax
        puts s_ver
        pop eax
        push eax
        shr eax, 16
        call putdec
        puts s_dot
        pop eax
        and eax, 0xffff
        call putdec
        ; capabilities string
        mov ebx, 3                          ; XENVER_capabilities
        mov ecx, caps
        hypercall HC_xen_version
        puts s_caps
        puts caps
        puts s_nl
        ; start_info: pages and the magic
        puts s_mem
        mov esi, [start_info]
        mov eax, [esi + 32]                 ; nr_pages
        shr eax, 8                          ; pages -> MiB
        call putdec
        puts s_mib
        puts s_magic
        mov edx, [start_info]
        call kputs
        puts s_nl
        ; sieve
        mov edi, sieve
        mov ecx, N
        xor eax, eax
        rep stosb
        mov ebx, 2
.outer: mov eax, ebx
        imul eax, ebx
        cmp eax, N
        jae .count
        cmp byte [sieve + ebx], 0
        jne .next
.mark:  mov byte [sieve + eax], 1
        add eax, ebx
        cmp eax, N
        jb .mark
.next:  inc ebx
        jmp .outer
.count: xor eax, eax
        mov ebx, 2
.cl:    cmp byte [sieve + ebx], 0
        jne .cn
        inc eax
.cn:    inc ebx
        cmp ebx, N
        jb .cl
        push eax
        puts s_primes
        pop eax
        call putdec
        puts s_nl
        puts s_bye
        shutdown 0
        jmp $

; print eax in decimal
putdec: pusha
        mov edi, decbuf + 11
        mov byte [edi], 0
        mov ebx, 10
.d:     xor edx, edx
        div ebx
        add dl, '0'
        dec edi
        mov [edi], dl
        test eax, eax
        jnz .d
        mov edx, edi
        call kputs
        popa
        ret

section .data
start_info: dd 0
banner: db "xenjit demo: a 32-bit PV kernel running on the xenjit hypervisor", 10, 0
s_ver:  db "hypervisor: Xen ", 0
s_dot:  db ".", 0
s_caps: db ", capabilities: ", 0
s_mem:  db "domain memory: ", 0
s_mib:  db " MiB", 10, 0
s_magic: db "start_info magic: ", 0
s_primes: db "primes below 100000: ", 0
s_bye:  db "powering off", 10, 0
s_nl:   db 10, 0
decbuf: times 12 db 0
caps:   times 1024 db 0

section .bss
sieve:  resb N
