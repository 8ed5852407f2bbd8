; PV time test kernel: vcpu_time_info (even version, a sane TSC scale, a stamp not ahead of
; RDTSC), the wall clock (even version, a plausible date), system time read with the pvclock
; formula (monotonic over many reads, and never short of the deadline Xen woke it at), the
; runstate accounting of time spent blocked, the single-shot timer with a past deadline, and
; the periodic timer ticking while the vCPU runs.
%include "xen.inc"
%include "evtchn.inc"
extern kputs, kputhex
global _start
xen_kernel_header "time"

; 64-bit unsigned compare of edx:eax with [%1]; jump to %2 if edx:eax < [%1]
%macro jbelow64 2
        cmp edx, [%1 + 4]
        jb %2
        ja %%no
        cmp eax, [%1]
        jb %2
%%no:
%endmacro

section .text
_start:
        cld
        mov [start_info], esi
        puts banner
        mov eax, [esi + START_shared_info]
        shr eax, 12
        map_mfn shinfo
        check eax, 0, m_map
        mov ebx, VCPUOP_stop_periodic_timer
        xor ecx, ecx
        xor edx, edx
        hypercall HC_vcpu_op
        check eax, 0, m_vcpuop
        mov ebx, VCPUOP_is_up
        xor ecx, ecx
        xor edx, edx
        hypercall HC_vcpu_op
        check eax, 1, m_vcpuop
        mov ebx, VCPUOP_is_up
        mov ecx, 1
        xor edx, edx
        hypercall HC_vcpu_op
        check eax, -2, m_vcpuop                      ; -ENOENT: one vCPU

        ; ---- the published records ----
        mov eax, [shinfo + SI_time + VT_version]
        call even_nonzero
        ; Xen's scales have tsc_to_system_mul in [2^31, 2^32): the frequency
        ; ((10^9 << 32) / mul) >> shift is then computable; it must be at least 100 MHz
        mov ecx, [shinfo + SI_time + VT_mul]
        cmp ecx, 0x80000000
        jae .m1
        mov edx, m_scale
        jmp fail
.m1:    mov edx, 1000000000
        xor eax, eax
        div ecx
        movsx ecx, byte [shinfo + SI_time + VT_shift]
        test ecx, ecx
        js .neg
        shr eax, cl
        jmp .f
.neg:   neg ecx
        shl eax, cl
.f:     mov [tsc_hz], eax
        cmp eax, 100000000
        jae .wc
        mov edx, m_scale
        jmp fail
.wc:    mov eax, [shinfo + SI_wc_version]
        call even_nonzero
.w2:    cmp dword [shinfo + SI_wc_sec], 1577836800  ; 2020-01-01 or later
        jae .w3
        mov edx, m_wall
        jmp fail
.w3:    cmp dword [shinfo + SI_wc_nsec], 1000000000
        jb .w4
        mov edx, m_wall
        jmp fail
.w4:    ; the stamp is not ahead of the TSC
        rdtsc
        cmp edx, [shinfo + SI_time + VT_tsc + 4]
        ja .s1
        jb .s0
        cmp eax, [shinfo + SI_time + VT_tsc]
        jae .s1
.s0:    mov edx, m_stamp
        jmp fail
.s1:
        ; ---- system time: monotonic ----
        call get_time
        mov [prev], eax
        mov [prev + 4], edx
        mov dword [count], 5000
.mono:  call get_time
        jbelow64 prev, .back
        mov [prev], eax
        mov [prev + 4], edx
        dec dword [count]
        jnz .mono
        jmp .wall
.back:  mov edx, m_mono
        jmp fail
.wall:  ; wall clock now = wc + system time: between 2020 and 2100
        call get_time
        mov ecx, 1000000000
        div ecx                                     ; eax = whole seconds of system time
        add eax, [shinfo + SI_wc_sec]
        cmp eax, 1577836800
        jb .badw
        cmp eax, 4102444800
        jb .rs
.badw:  mov edx, m_wall
        jmp fail

.rs:    ; ---- time blocked and running is accounted ----
        ; Xen's NOW() moves at least 5 ms between two runstate reads around a 5 ms wait, and
        ; all of it is accounted (running + blocked); the blocked part is at most that.
        call runstate
        check [rs_state], 0, m_rs                    ; RUNSTATE_running
        call rs_total
        mov [total0], eax
        mov [total0 + 4], edx
        mov eax, [rs_blocked]
        mov [blocked0], eax
        mov eax, [rs_blocked + 4]
        mov [blocked0 + 4], eax
        mov dword [evop], VIRQ_TIMER
        mov dword [evop + 4], 0
        mov ebx, EVTCHNOP_bind_virq
        mov ecx, evop
        hypercall HC_event_channel_op
        check eax, 0, m_virq
        mov eax, [evop + 8]
        mov [p_timer], eax
        timer_in 5000000
        call poll_timer
        call get_time
        jbelow64 deadline, .early
        call runstate
        check [rs_state], 0, m_rs
        call rs_total
        sub eax, [total0]
        sbb edx, [total0 + 4]
        mov [total0], eax
        mov [total0 + 4], edx
        test edx, edx
        jnz .rs1
        cmp eax, 5000000
        jae .rs1
        mov edx, m_rstot
        jmp fail
.early: mov edx, m_early
        jmp fail
.rs1:   mov eax, [rs_blocked]
        mov edx, [rs_blocked + 4]
        sub eax, [blocked0]
        sbb edx, [blocked0 + 4]
        jb .rsbad
        jbelow64 total0, .rs2
        cmp eax, [total0]
        jne .rsbad
        cmp edx, [total0 + 4]
        je .rs2
.rsbad: mov edx, m_rsblk
        jmp fail
.rs2:
        ; ---- a single-shot deadline in the past: the event comes at once ----
        call clear_timer
        call get_time
        sub eax, 1000
        sbb edx, 0
        mov [sshot], eax
        mov [sshot + 4], edx
        mov dword [sshot + 8], 1                    ; VCPU_SSHOTTMR_future: ignored
        mov ebx, VCPUOP_set_singleshot_timer
        xor ecx, ecx
        mov edx, sshot
        hypercall HC_vcpu_op
        check eax, 0, m_sshot
        mov eax, [p_timer]
        bt [shinfo + SI_evtchn_pending], eax
        jc .pt
        mov edx, m_sshotp
        jmp fail
.pt:
        ; ---- the periodic timer ticks while the vCPU runs ----
        call clear_timer
        mov dword [period], 1000000
        mov dword [period + 4], 0
        mov ebx, VCPUOP_set_periodic_timer
        xor ecx, ecx
        mov edx, period
        hypercall HC_vcpu_op
        check eax, 0, m_periodic
        mov dword [period], 999999                  ; below 1 ms: -EINVAL
        mov ebx, VCPUOP_set_periodic_timer
        xor ecx, ecx
        mov edx, period
        hypercall HC_vcpu_op
        check eax, -22, m_periodic
        ; setting it found a period gone since the boot tick and ticked at once; the next
        ; tick must come from the timer while this loop runs
        call clear_timer
        call get_time
        add eax, 100000000                          ; give up after 100 ms
        adc edx, 0
        mov [deadline], eax
        mov [deadline + 4], edx
.spin:  mov eax, [p_timer]
        bt [shinfo + SI_evtchn_pending], eax
        jc .ticked
        call get_time
        jbelow64 deadline, .spin
        mov edx, m_noperiodic
        jmp fail
.ticked:
        mov ebx, VCPUOP_stop_periodic_timer
        xor ecx, ecx
        xor edx, edx
        hypercall HC_vcpu_op

        puts pass
        shutdown 0
        jmp $

; SCHEDOP_poll on the timer port, no timeout
poll_timer:
        mov eax, [p_timer]
        mov [ports], eax
        mov dword [poll], ports
        mov dword [poll + 4], 1
        mov dword [poll + 8], 0
        mov dword [poll + 12], 0
        mov ebx, SCHEDOP_poll
        mov ecx, poll
        hypercall HC_sched_op
        check eax, 0, m_poll
        ret

; fail unless eax (a version) is even and not 0
even_nonzero:
        test eax, 1
        jz .even
        mov edx, m_odd
        jmp fail
.even:  test eax, eax
        jnz .ok
        mov edx, m_ver0
        jmp fail
.ok:    ret

clear_timer:
        mov eax, [p_timer]
        lock btr [shinfo + SI_evtchn_pending], eax
        mov dword [shinfo + SI_pending_sel], 0
        mov byte [shinfo + SI_upcall_pending], 0
        ret

; running + runnable + blocked + offline -> edx:eax
rs_total:
        mov eax, [rs_running]
        mov edx, [rs_running + 4]
        add eax, [rs_runnable]
        adc edx, [rs_runnable + 4]
        add eax, [rs_blocked]
        adc edx, [rs_blocked + 4]
        add eax, [rs_offline]
        adc edx, [rs_offline + 4]
        ret

; VCPUOP_get_runstate_info into rs_*
runstate:
        mov ebx, VCPUOP_get_runstate_info
        xor ecx, ecx
        mov edx, rs_state
        hypercall HC_vcpu_op
        check eax, 0, m_rs
        ret

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
count:  dd 0
tsc_hz: dd 0
prev:   dd 0, 0
deadline: dd 0, 0
blocked0: dd 0, 0
total0: dd 0, 0
sshot:  dd 0, 0, 0
period: dd 0, 0
evop:   times 8 dd 0
poll:   times 4 dd 0
ports:  dd 0
; struct vcpu_runstate_info (32-bit): state, state_entry_time, time[4]
rs_state: dd 0
rs_entry: dd 0, 0
rs_running: dd 0, 0
rs_runnable: dd 0, 0
rs_blocked: dd 0, 0
rs_offline: dd 0, 0
banner: db "time: pvclock, wall clock, timers, runstate", 10, 0
pass:   db "XENJIT-TEST time: PASS", 10, 0
failmsg: db "XENJIT-TEST time: FAIL ", 0
nl:     db 10, 0
m_map:  db "map shared_info", 0
m_vcpuop: db "vcpu_op", 0
m_odd:  db "odd version", 0
m_ver0: db "version 0: never published", 0
m_scale: db "TSC scale", 0
m_wall: db "wall clock", 0
m_stamp: db "time stamp ahead of the TSC", 0
m_mono: db "system time went backwards", 0
m_rs:   db "runstate", 0
m_rsblk: db "blocked time beyond the time that passed", 0
m_rstot: db "less than 5 ms accounted around a 5 ms wait", 0
m_virq: db "bind_virq", 0
m_poll: db "poll", 0
m_early: db "woken before the deadline", 0
m_sshot: db "set_singleshot_timer", 0
m_sshotp: db "no timer event for a past deadline", 0
m_periodic: db "set_periodic_timer", 0
m_noperiodic: db "no periodic tick", 0

section .bss
alignb 4096
shinfo: resb 4096
