; Entry stub for PV test kernels written in C: the Xen notes, the hypercall page, a stack
; switch is not needed (Xen gives one); calls kmain(start_info) and powers off if it returns.
%include "xen.inc"
extern kmain
global _start
xen_kernel_header "c"
section .text
_start:
        cld
        push esi
        call kmain
        add esp, 4
        shutdown 0
        jmp $
