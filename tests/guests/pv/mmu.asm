; PV MMU test kernel: pins and unpins page tables, remaps pages with update_va_mapping and
; mmu_update, checks the errno of every rejection Xen makes (writable mapping of a page table,
; memory that is not RAM, Xen's L2 slots, the final L3 slot, double pin, unpinning what is not
; pinned, wrong-type pin), batch progress, and a direct store into an L1 table under
; VMASST_TYPE_writable_pagetables; then prints the verdict.
%include "xen.inc"
extern kputs, kputhex
global _start
xen_kernel_header "mmu"

%define P       1
%define RW      2
%define A       0x20
%define D       0x40
%define UVMF_INVLPG 2
%define DOMID_SELF 0x7ff0
%define EPERM   -1
%define EBUSY   -16
%define EINVAL  -22
%define PIN_L1  0
%define UNPIN   4
%define INVLPG_LOCAL 7
%define M2P     0xF5800000

; check that eax == %1, else fail with message %2
%macro expect 2
        cmp eax, %1
        je %%ok
        mov edx, %2
        jmp fail
%%ok:
%endmacro

; mfn of the kernel page at virtual address %1 -> eax (through the P2M list)
%macro mfn_of 1
        mov eax, %1
        sub eax, VIRT_BASE
        shr eax, 12
        mov ecx, [p2m]
        mov eax, [ecx + eax * 4]
%endmacro

; update_va_mapping(%1 va, %2 low word, 0, UVMF_INVLPG) -> eax
%macro uvm 2
        mov ebx, %1
        mov ecx, %2
        xor edx, edx
        mov esi, UVMF_INVLPG
        hypercall HC_update_va_mapping
%endmacro

; one mmuext op: cmd %1, arg1 %2 -> eax
%macro mmuext1 2
        mov dword [op + 0], %1
        mov eax, %2
        mov [op + 4], eax
        mov ebx, op
        mov ecx, 1
        xor edx, edx
        mov esi, DOMID_SELF
        hypercall HC_mmuext_op
%endmacro

section .text
_start:
        cld
        mov [start_info], esi
        mov eax, [esi + 68]                 ; mfn_list
        mov [p2m], eax
        mov eax, [esi + 60]                 ; pt_base: the L3
        mov [l3va], eax
        puts banner

        ; --- a page mapped writable cannot be pinned as a page table ---
        mfn_of pageA
        mov [mfnA], eax
        mmuext1 PIN_L1, [mfnA]
        expect EINVAL, m_pinrw

        ; --- make it read-only (and empty), then pin it as an L1 ---
        mov edi, pageA
        xor eax, eax
        mov ecx, 1024
        rep stosd
        mov eax, [mfnA]
        shl eax, 12
        or eax, P | A
        uvm pageA, eax
        expect 0, m_ro
        mmuext1 PIN_L1, [mfnA]
        expect 0, m_pin
        mmuext1 PIN_L1, [mfnA]
        expect EINVAL, m_pin2
        mmuext1 1, [mfnA]                   ; PIN_L2 of a pinned L1: wrong type
        expect EINVAL, m_pintype

        ; --- a page table cannot be mapped writable; the L3 may be mapped read-only ---
        mov esi, [l3va]
        mfn_of esi
        mov [mfnL3], eax
        shl eax, 12
        or eax, P | RW
        uvm pageB, eax
        expect EBUSY, m_ptrw
        mov eax, [mfnA]
        shl eax, 12
        or eax, P | RW
        uvm pageB, eax
        expect EBUSY, m_ptrw2

        ; --- memory that is not RAM: -EPERM ---
        uvm pageB, 0x0fff0000 | P
        expect EPERM, m_mmio

        ; --- Xen's slots of the L2 under L3 slot 3 are not the guest's ---
        mov esi, [l3va]
        mov eax, [esi + 3 * 8]              ; L3[3]
        shr eax, 12
        mov [mfnL2], eax
        shl eax, 12
        add eax, ((0xF5800000 >> 21) & 511) * 8
        mov [req + 0], eax                  ; ptr: the first Xen slot
        mov dword [req + 4], 0
        mov dword [req + 8], 0
        mov dword [req + 12], 0
        mov ebx, req
        mov ecx, 1
        mov edx, pdone
        mov esi, DOMID_SELF
        hypercall HC_mmu_update
        expect EPERM, m_xenslot

        ; --- the final L3 slot cannot change ---
        mov eax, [mfnL3]
        shl eax, 12
        add eax, 3 * 8
        mov [req + 0], eax
        mov ebx, req
        mov ecx, 1
        mov edx, pdone
        mov esi, DOMID_SELF
        hypercall HC_mmu_update
        expect EINVAL, m_l3slot

        ; --- remap: pageC shows pageD's frame, writable ---
        mfn_of pageD
        mov [mfnD], eax
        shl eax, 12
        or eax, P | RW | A | D
        uvm pageC, eax
        expect 0, m_remap
        mov dword [pageC + 100], 0x600dcafe
        cmp dword [pageD + 100], 0x600dcafe
        mov edx, m_remapread
        jne fail

        ; --- batch progress: two good requests, then a writable map of the L3 ---
        mov eax, pageC
        call l1e_maddr
        mov [req + 0], eax                  ; pageC's entry := pageD (again)
        mov dword [req + 4], 0
        mov eax, [mfnD]
        shl eax, 12
        or eax, P | RW | A | D
        mov [req + 8], eax
        mov dword [req + 12], 0
        mov eax, [req + 0]
        mov [req + 16], eax                 ; the same, once more
        mov dword [req + 20], 0
        mov eax, [req + 8]
        mov [req + 24], eax
        mov dword [req + 28], 0
        mov eax, [req + 0]
        mov [req + 32], eax                 ; pageC := the L3, writable: refused
        mov dword [req + 36], 0
        mov eax, [mfnL3]
        shl eax, 12
        or eax, P | RW
        mov [req + 40], eax
        mov dword [req + 44], 0
        mov dword [pdone], 99
        mov ebx, req
        mov ecx, 3
        mov edx, pdone
        mov esi, DOMID_SELF
        hypercall HC_mmu_update
        expect EBUSY, m_batch
        mov eax, [pdone]
        expect 2, m_pdone

        ; --- unpin, twice ---
        mmuext1 UNPIN, [mfnA]
        expect 0, m_unpin
        mmuext1 UNPIN, [mfnA]
        expect EINVAL, m_unpin2

        ; --- writable page tables: a plain store into the L1 remaps pageC to pageE ---
        mov ebx, 0                          ; VMASST_CMD_enable
        mov ecx, 2                          ; VMASST_TYPE_writable_pagetables
        hypercall HC_vm_assist
        expect 0, m_assist
        mov eax, pageC
        call l1e_maddr                      ; machine address of pageC's entry
        mov ebx, eax
        shr eax, 12
        mov eax, [M2P + eax * 4]            ; its pfn, through the read-only M2P
        shl eax, 12
        add eax, VIRT_BASE
        and ebx, 0xfff
        add ebx, eax                        ; virtual address of the entry
        mfn_of pageE
        shl eax, 12
        or eax, P | RW | A | D
        mov [ebx], eax                      ; faults, and Xen emulates it
        mmuext1 INVLPG_LOCAL, pageC
        expect 0, m_invlpg
        mov dword [pageE + 8], 0x5eed5eed
        cmp dword [pageC + 8], 0x5eed5eed
        mov edx, m_ptwr
        jne fail

        puts pass
        shutdown 0
        jmp $

fail:   push edx
        puts failmsg
        pop edx
        call kputs
        puts got
        call kputhex
        puts nl
        shutdown 3
        jmp $

; l1e_maddr: eax = virtual address -> eax = machine address of its L1 entry (PAE walk)
l1e_maddr:
        push ebx
        push ecx
        mov ebx, eax
        mov ecx, [l3va]
        shr eax, 30
        mov eax, [ecx + eax * 8]            ; L3 entry
        shr eax, 12
        mov eax, [M2P + eax * 4]            ; pfn of the L2
        shl eax, 12
        add eax, VIRT_BASE                  ; its virtual address (boot mapping)
        mov ecx, ebx
        shr ecx, 21
        and ecx, 511
        mov eax, [eax + ecx * 8]            ; L2 entry
        and eax, 0xfffff000
        mov ecx, ebx
        shr ecx, 12
        and ecx, 511
        lea eax, [eax + ecx * 8]
        pop ecx
        pop ebx
        ret

section .data
start_info: dd 0
p2m:    dd 0
l3va:   dd 0
mfnA:   dd 0
mfnD:   dd 0
mfnL2:  dd 0
mfnL3:  dd 0
pdone:  dd 0
op:     times 3 dd 0
req:    times 12 dd 0
banner: db "mmu: pins, updates, rejections, writable page tables", 10, 0
pass:   db "XENJIT-TEST mmu: PASS", 10, 0
failmsg: db "XENJIT-TEST mmu: FAIL ", 0
got:    db " eax=", 0
nl:     db 10, 0
m_pinrw: db "pin of a writable page", 0
m_ro:   db "remap read-only", 0
m_pin:  db "pin L1", 0
m_pin2: db "double pin", 0
m_pintype: db "pin with the wrong type", 0
m_ptrw: db "writable map of the L3", 0
m_ptrw2: db "writable map of a pinned L1", 0
m_mmio: db "map of non-RAM", 0
m_xenslot: db "update of a Xen L2 slot", 0
m_l3slot: db "update of L3 slot 3", 0
m_remap: db "remap", 0
m_remapread: db "remapped page content", 0
m_batch: db "batch result", 0
m_pdone: db "batch pdone", 0
m_unpin: db "unpin", 0
m_unpin2: db "unpin of an unpinned page", 0
m_assist: db "vm_assist", 0
m_invlpg: db "invlpg", 0
m_ptwr: db "writable page-table store", 0

section .bss
alignb 4096
pageA:  resb 4096
pageB:  resb 4096
pageC:  resb 4096
pageD:  resb 4096
pageE:  resb 4096
