; PV target (xenjit): the Xen notes and hypercall page of tests/guests/pv/xen.inc; the kernel
; switches to its own 64 KiB stack, runs bench_main with start_info's cmd_line, and shuts down
; (SCHEDOP_shutdown, poweroff). Output through console_io.
%include "xen.inc"
global _start, rt_write, start_info
extern bench_main
xen_kernel_header "bench"
section .text
_start:
        cld
        mov [start_info], esi
        mov esp, stack_top
        lea eax, [esi + 80]         ; start_info.cmd_line
        push eax
        call bench_main
        add esp, 4
        shutdown 0
        jmp $
; rt_write(const char *s, u32 len)
rt_write:
        push ebx
        push esi
        push edi
        xor ebx, ebx                ; CONSOLEIO_write
        mov ecx, [esp + 20]
        mov edx, [esp + 16]
        hypercall HC_console_io
        pop edi
        pop esi
        pop ebx
        ret
section .bss
align 16
start_info: resd 1
stack:  resb 65536
stack_top:
