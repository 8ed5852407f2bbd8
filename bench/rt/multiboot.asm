; Multiboot target (QEMU -kernel, v86 without BIOS): entered in flat 32-bit protected mode with
; EAX = 0x2BADB002 and EBX = the multiboot information (its cmdline at +16 when flags bit 2).
; Output goes to the first serial port (0x3f8). At the end the kernel writes 0 to port 0xf4
; (QEMU's isa-debug-exit) unless the command line has the word "hlt", then it halts with
; interrupts off (v86: the harness stops the emulator when it sees BENCH-END).
bits 32
global _start, rt_write
extern bench_main
MB_MAGIC equ 0x1BADB002
MB_FLAGS equ 0
section .multiboot progbits alloc noexec nowrite align=4
        dd MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
section .text
_start:
        cli
        cld
        mov esp, stack_top
        xor edx, edx
        cmp eax, 0x2BADB002
        jne .run
        test dword [ebx], 4
        jz .run
        mov edx, [ebx + 16]
.run:   mov [cmdline], edx
        push edx
        call bench_main
        add esp, 4
        ; "hlt" anywhere in the command line: halt instead of the debug-exit port
        mov esi, [cmdline]
        test esi, esi
        jz .exit
.scan:  mov al, [esi]
        test al, al
        jz .exit
        cmp dword [esi], 0x00746c68     ; "hlt\0"
        je .halt
        cmp dword [esi], 0x20746c68     ; "hlt "
        je .halt
        inc esi
        jmp .scan
.exit:  mov dx, 0xf4
        xor eax, eax
        out dx, eax
.halt:  cli
        hlt
        jmp .halt
; rt_write(const char *s, u32 len): bytes to COM1
rt_write:
        push esi
        mov esi, [esp + 8]
        mov ecx, [esp + 12]
        mov dx, 0x3f8
        jecxz .done
.b:     lodsb
        out dx, al
        loop .b
.done:  pop esi
        ret
section .bss
align 16
cmdline: resd 1
stack:  resb 65536
stack_top:
