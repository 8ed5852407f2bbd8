; Native target: a static i386 Linux program without libc. argv[1] is the command line;
; output through write(1), exit through exit_group (int 0x80).
bits 32
global _start, rt_write
extern bench_main
section .text
_start:
        mov eax, [esp]              ; argc
        xor edx, edx
        cmp eax, 2
        jb .run
        mov edx, [esp + 8]          ; argv[1]
.run:   and esp, -16
        sub esp, 12
        push edx
        call bench_main
        mov ebx, eax
        mov eax, 252                ; exit_group
        int 0x80
        hlt
; rt_write(const char *s, u32 len)
rt_write:
        push ebx
        mov eax, 4                  ; write
        mov ebx, 1
        mov ecx, [esp + 8]
        mov edx, [esp + 12]
        int 0x80
        pop ebx
        ret
