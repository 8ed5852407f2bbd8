; Self-modifying code under the PV runtime: (1) a loop that rewrites the immediate of an
; instruction a few bytes ahead in the same block, (2) a routine copied into a data page,
; called, rewritten there and called again.
%include "xen.inc"
extern kputs
global _start
xen_kernel_header "smc"

section .text
_start:
        cld
        ; (1) sum of the patched immediates 1..10 through `add ebx, imm32`
        xor ebx, ebx
        mov ecx, 1
.loop:  mov [.patch + 2], ecx            ; rewrite the imm32 of the add below (81 c3 imm32)
.patch: add ebx, 0x11111111
        inc ecx
        cmp ecx, 11
        jne .loop
        cmp ebx, 55
        jne fail
        ; (2) copy `mov eax, imm32; ret` into a data page, call it, rewrite, call again
        mov edi, codebuf
        mov byte [edi], 0xb8
        mov dword [edi + 1], 0x1234
        mov byte [edi + 5], 0xc3
        call codebuf
        cmp eax, 0x1234
        jne fail
        mov dword [codebuf + 1], 0x5678
        call codebuf
        cmp eax, 0x5678
        jne fail
        puts pass
        shutdown 0
        jmp $
fail:   puts failmsg
        shutdown 3
        jmp $

section .data
pass:   db "XENJIT-TEST smc: PASS", 10, 0
failmsg: db "XENJIT-TEST smc: FAIL", 10, 0
        align 4096
codebuf: times 64 db 0xcc
