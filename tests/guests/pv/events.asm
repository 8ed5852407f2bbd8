; PV events test kernel: binds VIRQ_TIMER, an IPI and a loopback interdomain channel, checks
; Xen's errors for a few bad requests, waits with SCHEDOP_poll (on a pending port, on the timer,
; until a timeout), then takes event upcalls through its event callback: woken from
; SCHEDOP_block by the timer, on a send to itself by IPI and through the loopback channel, and
; on unmasking a port that became pending while masked.
%include "xen.inc"
%include "evtchn.inc"
extern kputs, kputhex
global _start
xen_kernel_header "events"

%define KERNEL_CS 0xe019

; bind/alloc helpers: evop words, then the op; the port result at evop + %2
%macro op3 4
        mov eax, %2
        mov [evop], eax
        mov eax, %3
        mov [evop + 4], eax
        mov eax, %4
        mov [evop + 8], eax
        evtchn_op %1
%endmacro

; cmp byte %1, %2 or fail with %3
%macro checkb 3
        cmp byte %1, %2
        je %%ok
        mov edx, %3
        jmp fail
%%ok:
%endmacro

section .text
_start:
        cld
        mov [start_info], esi
        puts banner

        ; shared_info at `shinfo`
        mov eax, [esi + START_shared_info]
        shr eax, 12
        map_mfn shinfo
        check eax, 0, m_map
        checkb [shinfo + SI_upcall_mask], 1, m_mask0

        ; the event callback (and a failsafe that must never run)
        mov ebx, KERNEL_CS
        mov ecx, evt_callback
        mov edx, KERNEL_CS
        mov esi, failsafe
        hypercall HC_set_callbacks
        check eax, 0, m_cb
        ; no 100 Hz ticker: only the timers set here raise VIRQ_TIMER
        mov ebx, VCPUOP_stop_periodic_timer
        xor ecx, ecx
        xor edx, edx
        hypercall HC_vcpu_op
        check eax, 0, m_periodic

        ; ---- binding ----
        op3 EVTCHNOP_bind_virq, VIRQ_TIMER, 0, 0
        check eax, 0, m_virq
        mov eax, [evop + 8]
        mov [p_timer], eax
        op3 EVTCHNOP_bind_virq, VIRQ_TIMER, 0, 0
        check eax, -17, m_eexist                    ; -EEXIST
        op3 EVTCHNOP_bind_ipi, 0, 0, 0
        check eax, 0, m_ipi
        mov eax, [evop + 4]
        mov [p_ipi], eax
        op3 EVTCHNOP_bind_ipi, 1, 0, 0
        check eax, -2, m_enoent                     ; -ENOENT: no vCPU 1
        op3 EVTCHNOP_alloc_unbound, DOMID_SELF | (DOMID_SELF << 16), 0, 0
        check eax, 0, m_unbound
        mov eax, [evop + 4]
        mov [p_a], eax
        op3 EVTCHNOP_bind_interdomain, DOMID_SELF, [p_a], 0
        check eax, 0, m_inter
        mov eax, [evop + 8]
        mov [p_b], eax
        ; the new local end is pending (Xen's "lost notification" fix-up)
        mov eax, [p_b]
        bt [shinfo + SI_evtchn_pending], eax
        jnc .nob
        jmp .bok
.nob:   mov edx, m_bpend
        jmp fail
.bok:   op3 EVTCHNOP_status, DOMID_SELF, [p_a], 0
        check eax, 0, m_status
        check [evop + 8], EVTCHNSTAT_interdomain, m_status
        mov eax, [p_b]
        check [evop + 20], eax, m_status
        op3 EVTCHNOP_close, 0, 0, 0
        check eax, -22, m_einval                    ; port 0 is reserved
        op3 EVTCHNOP_send, [p_timer], 0, 0
        check eax, -22, m_einval                    ; no sending on a VIRQ

        call clear_events

        ; ---- SCHEDOP_poll (events stay masked) ----
        ; a pending port: returns at once
        op3 EVTCHNOP_send, [p_ipi], 0, 0
        check eax, 0, m_send
        mov eax, [p_ipi]
        mov [ports], eax
        mov ebx, 0                                  ; no timeout
        mov ecx, 0
        call poll1
        check eax, 0, m_poll1
        call clear_events
        ; the timer port, woken by the timer
        timer_in 1000000
        check eax, 0, m_timer
        mov eax, [p_timer]
        mov [ports], eax
        mov ebx, 0
        mov ecx, 0
        call poll1
        check eax, 0, m_poll2
        mov eax, [p_timer]
        bt [shinfo + SI_evtchn_pending], eax
        jc .tp
        mov edx, m_poll2p
        jmp fail
.tp:    call after_deadline
        call clear_events
        ; a port nobody sends on: woken by the poll timeout
        call get_time
        add eax, 500000
        adc edx, 0
        mov [deadline], eax
        mov [deadline + 4], edx
        mov eax, [p_ipi]
        mov [ports], eax
        mov ebx, [deadline]
        mov ecx, [deadline + 4]
        call poll1
        check eax, 0, m_poll3
        call after_deadline
        mov eax, [p_ipi]
        bt [shinfo + SI_evtchn_pending], eax
        jnc .np
        mov edx, m_poll3p
        jmp fail
.np:
        ; ---- upcalls ----
        ; SCHEDOP_block unmasks events and sleeps until the timer's upcall
        call clear_events
        timer_in 2000000
        mov ebx, SCHEDOP_block
        xor ecx, ecx
        hypercall HC_sched_op
        check eax, 0, m_block
        mov eax, [p_timer]
        check [hits + eax * 4], 1, m_uptimer
        call after_deadline
        checkb [shinfo + SI_upcall_mask], 0, m_unmasked

        ; an IPI to itself: the upcall comes as the send returns
        op3 EVTCHNOP_send, [p_ipi], 0, 0
        check eax, 0, m_send
        mov eax, [p_ipi]
        check [hits + eax * 4], 1, m_upipi
        ; the loopback channel: a send on one end raises the other
        op3 EVTCHNOP_send, [p_a], 0, 0
        mov eax, [p_b]
        check [hits + eax * 4], 1, m_uploop
        op3 EVTCHNOP_send, [p_b], 0, 0
        mov eax, [p_a]
        check [hits + eax * 4], 1, m_uploop

        ; a masked port: pending but no upcall, until EVTCHNOP_unmask
        mov eax, [p_ipi]
        lock bts [shinfo + SI_evtchn_mask], eax
        op3 EVTCHNOP_send, [p_ipi], 0, 0
        mov eax, [p_ipi]
        check [hits + eax * 4], 1, m_masked
        bt [shinfo + SI_evtchn_pending], eax
        jc .mp
        mov edx, m_maskp
        jmp fail
.mp:    op3 EVTCHNOP_unmask, [p_ipi], 0, 0
        check eax, 0, m_unmask
        mov eax, [p_ipi]
        check [hits + eax * 4], 2, m_unmasked2

        ; closing: the loopback's other end is unbound again
        op3 EVTCHNOP_close, [p_b], 0, 0
        check eax, 0, m_close
        op3 EVTCHNOP_status, DOMID_SELF, [p_a], 0
        check [evop + 8], 1, m_close                 ; EVTCHNSTAT_unbound
        check dword [failsafe_hit], 0, m_failsafe

        puts pass
        shutdown 0
        jmp $

; SCHEDOP_poll on [ports] (one port) with timeout ecx:ebx -> eax
poll1:  mov dword [poll], ports
        mov dword [poll + 4], 1
        mov [poll + 8], ebx
        mov [poll + 12], ecx
        mov ebx, SCHEDOP_poll
        mov ecx, poll
        hypercall HC_sched_op
        ret

; fail unless system time has reached [deadline]
after_deadline:
        call get_time
        cmp edx, [deadline + 4]
        ja .ok
        jb .bad
        cmp eax, [deadline]
        jae .ok
.bad:   mov edx, m_early
        jmp fail
.ok:    ret

; forget every pending event (events are masked while this runs)
clear_events:
        mov edi, shinfo + SI_evtchn_pending
        xor eax, eax
        mov ecx, 32
        rep stosd
        mov dword [shinfo + SI_pending_sel], 0
        mov byte [shinfo + SI_upcall_pending], 0
        ret

; The event callback (entered with events masked, frame EIP, CS|mask<<16, EFLAGS): scan
; the selector and the pending words, count each unmasked pending port, then return through
; the iret hypercall, which restores the upcall mask from the frame's EFLAGS.IF.
evt_callback:
        pusha
        mov byte [shinfo + SI_upcall_pending], 0
.sel:   xor eax, eax
        xchg eax, [shinfo + SI_pending_sel]
        test eax, eax
        jz .done
.word:  bsf ecx, eax
        jz .sel
        btr eax, ecx
        mov ebx, [shinfo + SI_evtchn_pending + ecx * 4]
        mov edx, [shinfo + SI_evtchn_mask + ecx * 4]
        not edx
        and ebx, edx
.port:  bsf edx, ebx
        jz .word
        btr ebx, edx
        mov esi, ecx
        shl esi, 5
        add esi, edx
        lock btr [shinfo + SI_evtchn_pending], esi
        cmp esi, 64
        jae .port
        inc dword [hits + esi * 4]
        jmp .port
.done:  popa
        jmp hypercall_page + HC_iret * 32

failsafe:
        mov dword [failsafe_hit], 1
        mov edx, m_failsafe
        jmp fail

fail:   push edx
        puts failmsg
        pop edx
        call kputs
        puts nl
        shutdown 3
        jmp $

define_get_time

section .data
start_info: dd 0
p_timer: dd 0
p_ipi:  dd 0
p_a:    dd 0
p_b:    dd 0
failsafe_hit: dd 0
deadline: dd 0, 0
evop:   times 8 dd 0
poll:   times 4 dd 0
ports:  dd 0
hits:   times 64 dd 0
banner: db "events: event channels, poll, timers, upcalls", 10, 0
pass:   db "XENJIT-TEST events: PASS", 10, 0
failmsg: db "XENJIT-TEST events: FAIL ", 0
nl:     db 10, 0
m_map:  db "map shared_info", 0
m_mask0: db "upcall not masked at start", 0
m_cb:   db "set_callbacks", 0
m_periodic: db "stop_periodic_timer", 0
m_virq: db "bind_virq", 0
m_eexist: db "bind_virq twice", 0
m_ipi:  db "bind_ipi", 0
m_enoent: db "bind_ipi vcpu 1", 0
m_unbound: db "alloc_unbound", 0
m_inter: db "bind_interdomain", 0
m_bpend: db "new interdomain port not pending", 0
m_status: db "status", 0
m_einval: db "expected -EINVAL", 0
m_send: db "send", 0
m_poll1: db "poll on a pending port", 0
m_timer: db "set_timer_op", 0
m_poll2: db "poll on the timer", 0
m_poll2p: db "timer port not pending after poll", 0
m_poll3: db "poll timeout", 0
m_poll3p: db "port pending after poll timeout", 0
m_early: db "woken before the deadline", 0
m_block: db "block", 0
m_uptimer: db "no timer upcall", 0
m_unmasked: db "events still masked after block", 0
m_upipi: db "no IPI upcall", 0
m_uploop: db "no loopback upcall", 0
m_masked: db "upcall for a masked port", 0
m_maskp: db "masked port not pending", 0
m_unmask: db "unmask", 0
m_unmasked2: db "no upcall on unmask", 0
m_close: db "close", 0
m_failsafe: db "failsafe callback", 0

section .bss
alignb 4096
shinfo: resb 4096
