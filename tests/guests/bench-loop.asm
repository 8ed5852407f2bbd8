; CPU-bound benchmark guest for the bare core (flat 32-bit, CPL 0, loaded at 0x1000).
; EBX = outer iterations (set by the harness). Each iteration: a CRC-32 (bitwise) over 256
; bytes, an insertion sort of 64 dwords, and a branchy state machine. EAX = checksum at HLT.
bits 32
org 0x1000
BUF equ 0x10000
ARR equ 0x20000

start:  xor ebp, ebp                 ; checksum
        ; fill BUF with a pattern
        mov edi, BUF
        mov ecx, 256
        mov eax, 0x12345678
.fill:  mov [edi], al
        imul eax, eax, 1103515245
        add eax, 12345
        inc edi
        loop .fill
.iter:  ; --- CRC-32 over BUF ---
        mov esi, BUF
        mov ecx, 256
        mov eax, 0xffffffff
.crcb:  xor al, [esi]
        mov edx, 8
.crcbit:shr eax, 1
        jnc .nox
        xor eax, 0xedb88320
.nox:   dec edx
        jnz .crcbit
        inc esi
        dec ecx
        jnz .crcb
        not eax
        add ebp, eax
        ; --- fill ARR with 64 pseudo-random dwords, insertion sort ---
        mov edi, ARR
        mov ecx, 64
        mov eax, ebp
.af:    imul eax, eax, 69069
        inc eax
        mov [edi], eax
        add edi, 4
        loop .af
        mov ecx, 1
.is:    mov eax, [ARR+ecx*4]
        mov edx, ecx
.isl:   test edx, edx
        jz .isput
        mov esi, [ARR+edx*4-4]
        cmp esi, eax
        jbe .isput
        mov [ARR+edx*4], esi
        dec edx
        jmp .isl
.isput: mov [ARR+edx*4], eax
        inc ecx
        cmp ecx, 64
        jb .is
        add ebp, [ARR+32*4]
        ; --- state machine over BUF bytes ---
        mov esi, BUF
        mov ecx, 256
        xor edx, edx                 ; state
.sm:    movzx eax, byte [esi]
        cmp edx, 1
        je .s1
        cmp edx, 2
        je .s2
        test al, 1
        jz .s0n
        mov edx, 1
        jmp .smn
.s0n:   add ebp, eax
        jmp .smn
.s1:    cmp al, 0x80
        jb .s1n
        mov edx, 2
        jmp .smn
.s1n:   sub ebp, eax
        xor edx, edx
        jmp .smn
.s2:    xor ebp, eax
        rol ebp, 3
        xor edx, edx
.smn:   inc esi
        dec ecx
        jnz .sm
        dec ebx
        jnz .iter
        mov eax, ebp
        hlt
