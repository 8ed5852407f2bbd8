; The embedded demo guest: a bare-metal i686 program (flat 32-bit protected mode, CPL 0,
; loaded at 0x1000). It sieves the primes below 50000, prints how many there are and the
; last few through the debug console port 0xE9, and halts.
bits 32
org 0x1000
N equ 50000
SIEVE equ 0x100000

start:
        mov esi, banner
        call puts
        ; clear the sieve
        mov edi, SIEVE
        mov ecx, N
        xor eax, eax
        rep stosb
        ; mark composites
        mov ebx, 2
.outer: mov eax, ebx
        imul eax, ebx
        cmp eax, N
        jae .count
        cmp byte [SIEVE+ebx], 0
        jne .next
.mark:  mov byte [SIEVE+eax], 1
        add eax, ebx
        cmp eax, N
        jb .mark
.next:  inc ebx
        jmp .outer
.count: xor edx, edx            ; count
        mov ebx, 2
.cl:    cmp byte [SIEVE+ebx], 0
        jne .cn
        inc edx
        mov [last], ebx
.cn:    inc ebx
        cmp ebx, N
        jb .cl
        mov esi, msg1
        call puts
        mov eax, edx
        call putdec
        mov esi, msg2
        call puts
        mov eax, [last]
        call putdec
        mov al, 10
        out 0xe9, al
        hlt

; print the NUL-terminated string at esi
puts:   lodsb
        test al, al
        jz .done
        out 0xe9, al
        jmp puts
.done:  ret

; print eax in decimal
putdec: push ebx
        push ecx
        push edx
        mov ebx, 10
        xor ecx, ecx
.div:   xor edx, edx
        div ebx
        push edx
        inc ecx
        test eax, eax
        jnz .div
.out:   pop eax
        add al, '0'
        out 0xe9, al
        loop .out
        pop edx
        pop ecx
        pop ebx
        ret

banner: db "xenjit demo guest: sieve of Eratosthenes below 50000", 10, 0
msg1:   db "primes found: ", 0
msg2:   db ", largest: ", 0
last:   dd 0
