; Library routines linked into every PV test kernel.
%include "xen.inc"
global kputs, kputhex
extern hypercall_page
section .text
; kputs: print NUL-terminated string at edx
kputs:  push eax
        push esi
        mov esi, edx
        xor ecx, ecx
.len:   cmp byte [esi + ecx], 0
        je .go
        inc ecx
        jmp .len
.go:    mov ebx, 0                           ; CONSOLEIO_write
        call hypercall_page + HC_console_io * 32
        pop esi
        pop eax
        ret
; kputhex: print eax as 8 hex digits
kputhex:
        pusha
        sub esp, 12
        mov edi, esp
        mov ecx, 8
.d:     rol eax, 4
        mov ebx, eax
        and ebx, 15
        mov bl, [hexdigits + ebx]
        mov [edi], bl
        inc edi
        loop .d
        mov byte [edi], 0
        mov edx, esp
        call kputs
        add esp, 12
        popa
        ret
section .rodata
hexdigits: db "0123456789abcdef"
