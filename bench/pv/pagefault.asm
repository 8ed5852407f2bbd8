; pagefault: kpf_run(n) returns a checksum of the faults' error codes and addresses.
%include "xen.inc"
%include "pt.inc"
extern start_info, put_str, hypercall_page
global kpf_run
section .text
kpf_run:
        push ebp
        push ebx
        push esi
        push edi
        mov esi, [start_info]
        mov eax, [esi + 68]
        mov [p2m], eax
        mov ebx, trap_table
        hypercall HC_set_trap_table
        check eax, 0, m_setup
        mfn_of victim
        shl eax, 12
        or eax, P | RW | A | D
        mov [victim_pte], eax
        mov edi, [esp + 20]                 ; n
        xor ebp, ebp                        ; checksum
.loop:  test edi, edi
        jz .done
        mov ebx, victim                     ; unmap
        xor ecx, ecx
        xor edx, edx
        mov esi, UVMF_INVLPG
        hypercall HC_update_va_mapping
        check eax, 0, m_unmap
        mov [victim + 4], edi               ; faults, then retried after the handler maps it
        imul ebp, ebp, 31
        add ebp, [victim + 4]
        dec edi
        jmp .loop
.done:  mov eax, [faults]
        cmp eax, [esp + 20]
        jne .bad
        mov eax, ebp
        xor eax, [codes]
        pop edi
        pop esi
        pop ebx
        pop ebp
        ret
.bad:   mov edx, m_count
fail:   push edx
        call put_str
        shutdown 3
        jmp $

; #PF from ring 1: frame = error code, EIP, CS, EFLAGS
pf:     push eax
        push ebx
        push ecx
        push edx
        push esi
        inc dword [faults]
        mov eax, [esp + 20]                 ; error code
        add [codes], eax
        mov ebx, victim
        mov ecx, [victim_pte]
        xor edx, edx
        mov esi, UVMF_INVLPG
        hypercall HC_update_va_mapping
        check eax, 0, m_map
        pop esi
        pop edx
        pop ecx
        pop ebx
        pop eax
        add esp, 4                          ; the error code
        jmp hypercall_page + HC_iret * 32

section .data
trap_table:
        db 14, 1
        dw KERNEL_CS
        dd pf
        dd 0, 0
p2m:    dd 0
faults: dd 0
codes:  dd 0
victim_pte: dd 0
m_setup: db "pagefault: setup failed", 10, 0
m_unmap: db "pagefault: unmap failed", 10, 0
m_map:  db "pagefault: map failed", 10, 0
m_count: db "pagefault: wrong number of faults", 10, 0
section .ubss nobits alloc noexec write align=4096
victim: resb 4096
