; smc: smc_target(x) = ((x + IMM) * 3) ^ x, where IMM is the immediate that smc.c rewrites.
bits 32
global smc_target, smc_imm
section .text
smc_target:
        mov ecx, [esp + 4]
        db 0xb8                             ; mov eax, imm32
smc_imm:
        dd 0
        add eax, ecx
        lea eax, [eax + eax * 2]
        xor eax, ecx
        ret
