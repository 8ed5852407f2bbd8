// The blocked state of the vCPU as xen/common/sched/core.c keeps it: _VPF_blocked (here
// d.blocked, with the halted CPU), the domain's poll_mask bit and v->poll_evtchn for
// SCHEDOP_poll, the poll timer, and vcpu_unblock. The run loop (run.ts) clears d.blocked when
// the idler reports a wake-up; this object records that one happened.
import type { Domain } from '../domain.ts';

export class VcpuSched {
  /** This vCPU's bit in d->poll_mask: it is blocked in SCHEDOP_poll. */
  polling = false;
  /** v->poll_evtchn: > 0 a single port is polled, < 0 several may be, 0 none. */
  pollEvtchn = 0;
  /** v->poll_timer: absolute system time in ns, or null when not armed. Like Xen's, it stays
   *  armed after an early wake-up and may end a later poll. */
  pollDeadline: bigint | null = null;
  /** vcpu_unblock ran while the vCPU was blocked: the idler lets it run again. */
  woken = false;
  /** The blocked state has been entered (runstate and timers switched out). */
  switchedOut = false;
  /** Context-switch hooks (the time subsystem: runstate, periodic timer, vcpu_time_info). */
  onSwitchOut: (() => void)[] = [];
  onSwitchIn: (() => void)[] = [];

  constructor(readonly d: Domain) {}

  /** vcpu_unblock: a blocked vCPU becomes runnable; a poll in progress ends. */
  unblock(): void {
    if (!this.d.blocked || this.woken) return;
    if (this.pollEvtchn !== 0) {
      this.pollEvtchn = 0;
      this.polling = false;
    }
    this.woken = true;
  }

  /** evtchn_check_pollers: `port` became pending; wake a vCPU polling for it (or for any). */
  checkPollers(port: number): void {
    if (!this.polling) return;
    if (this.pollEvtchn <= 0 || this.pollEvtchn === port) {
      this.polling = false;
      this.pollEvtchn = 0;
      this.unblock();
    }
  }

  /** poll_timer_fn: the poll timeout ends the poll if it is still in progress. */
  pollTimerFired(): void {
    this.pollDeadline = null;
    if (this.polling) {
      this.polling = false;
      this.unblock();
    }
  }

  /** The vCPU has just blocked (schedule() picks the idle vCPU): switch it out once. */
  switchOut(): void {
    if (this.switchedOut) return;
    this.switchedOut = true;
    this.woken = false;
    for (const f of this.onSwitchOut) f();
  }

  /** The vCPU runs again after a wake-up (context switch back in). */
  switchIn(): void {
    if (!this.switchedOut) return;
    this.switchedOut = false;
    this.woken = false;
    this.polling = false;
    this.pollEvtchn = 0;
    for (const f of this.onSwitchIn) f();
  }
}
