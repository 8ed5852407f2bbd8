; PV console test kernel: everything it prints goes through the console ring named in
; start_info (console.domU mfn and event channel), not console_io: bytes into `out` at
; out_prod, out_prod advanced, the console port notified; the back end must consume them
; (out_cons catches up) and notify back. More than a ring's worth of text checks the wrap
; and, with a line longer than the ring, waiting for room. No input is queued, so `in` stays
; empty.
%include "xen.inc"
%include "evtchn.inc"
extern kputhex
global _start
xen_kernel_header "console"

section .text
_start:
        cld
        mov [start_info], esi
        mov eax, [esi + START_shared_info]
        shr eax, 12
        map_mfn shinfo
        test eax, eax
        jnz early_fail
        mov esi, [start_info]
        mov eax, [esi + START_console_evtchn]
        mov [port], eax
        mov eax, [esi + START_console_mfn]
        map_mfn ring
        test eax, eax
        jnz early_fail

        mov edx, banner
        call cputs
        ; the back end answered the notification
        mov eax, [port]
        lock btr [shinfo + SI_evtchn_pending], eax
        jc .notified
        mov edx, m_nonotify
        jmp fail
.notified:
        ; 40 lines of 79 bytes: 3160 bytes, more than the 2048-byte ring
        mov dword [count], 40
.line:  mov edx, line
        call cputs
        dec dword [count]
        jnz .line
        ; one string longer than the ring: the writer must wait for room mid-string
        mov edx, long_line
        call cputs
        mov eax, [ring + CONS_out_prod]
        cmp eax, [ring + CONS_out_cons]
        je .drained
        mov edx, m_drain
        jmp fail
.drained:
        cmp eax, 40 * line_len + banner_len + long_len
        je .count_ok
        mov edx, m_count
        jmp fail
.count_ok:
        mov eax, [ring + CONS_in_prod]
        cmp eax, [ring + CONS_in_cons]
        je .noinput
        mov edx, m_input
        jmp fail
.noinput:
        mov edx, pass
        call cputs
        shutdown 0
        jmp $

; cputs: write the NUL-terminated string at edx through the ring, waiting for room
cputs:  pusha
        mov esi, edx
.next:  movzx eax, byte [esi]
        test eax, eax
        jz .flush
        mov ecx, [ring + CONS_out_prod]
        mov ebx, ecx
        sub ebx, [ring + CONS_out_cons]
        cmp ebx, 2048
        jb .room
        call notify                                 ; full: let the back end drain it
        jmp .next
.room:  mov edi, ecx
        and edi, 2047
        mov [ring + CONS_out + edi], al
        inc ecx
        mov [ring + CONS_out_prod], ecx             ; (a write barrier on real hardware)
        inc esi
        jmp .next
.flush: call notify
        popa
        ret

; EVTCHNOP_send on the console port
notify: pusha
        mov eax, [port]
        mov [evop], eax
        evtchn_op EVTCHNOP_send
        test eax, eax
        jz .ok
        mov edx, m_send
        jmp fail
.ok:    popa
        ret

; failures go out through console_io: the ring may be what is broken
fail:   push edx
        puts failmsg
        pop edx
        call kputs_io
        puts nl
        shutdown 3
        jmp $
early_fail:
        mov edx, m_map
        jmp fail

; kputs through console_io (lib.asm's kputs), under another name to avoid confusion
extern kputs
kputs_io:
        jmp kputs

section .data
start_info: dd 0
port:   dd 0
count:  dd 0
evop:   dd 0, 0
banner: db "console: output through the PV console ring", 10, 0
banner_len equ $ - banner - 1
line:   db "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ<>()[]{}+-*/=!?.", 10, 0
line_len equ $ - line - 1
long_line: times 2100 db '='
        db 10, 0
long_len equ $ - long_line - 1
pass:   db "XENJIT-TEST console: PASS", 10, 0
failmsg: db "XENJIT-TEST console: FAIL ", 0
nl:     db 10, 0
m_map:  db "map shared_info or the console page", 0
m_nonotify: db "no notification back from the console", 0
m_drain: db "output left in the ring", 0
m_count: db "wrong number of bytes through the ring", 0
m_input: db "unexpected input", 0
m_send: db "send on the console port", 0

section .bss
alignb 4096
shinfo: resb 4096
ring:   resb 4096
