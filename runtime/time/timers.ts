// The vCPU's timers (xen/common/sched/core.c): the single-shot timer (set_timer_op and
// VCPUOP_set_singleshot_timer share it), the periodic timer (PV guests start with a 100 Hz
// one; it runs only while the vCPU is scheduled: stopped when it blocks, caught up when it
// runs again), and the poll timer of SCHEDOP_poll (its deadline lives in the vCPU's block
// state). The single-shot and periodic timers raise VIRQ_TIMER (send_timer_event). Timers fire
// in deadline order; one armed in the past fires at once, before the hypercall that armed it
// returns, as Xen's timer softirq does on the way back to the guest.
import type { EventChannels } from '../events/channels.ts';
import type { GuestClock } from './clock.ts';
import { VIRQ_TIMER } from '../events/abi.ts';

export const MILLISECS = (ms: number): bigint => BigInt(ms) * 1_000_000n;
/** The default ticker of a PV vCPU (arch vcpu initialisation: "100Hz ticker"). */
export const DEFAULT_PERIOD = MILLISECS(10);
/** do_set_timer_op's answer to absurd deadlines: an event in 100 ms. */
export const HUGE_TIMEOUT_DELAY = MILLISECS(100);

export class VcpuTimers {
  singleshot: bigint | null = null;
  periodicPeriod = DEFAULT_PERIOD;
  periodicLast = 0n;
  /** The periodic timer's next expiry while it is armed (the vCPU is scheduled). */
  periodicNext: bigint | null = null;
  /** Timer events sent (VIRQ_TIMER raised by a timer), for statistics and tests. */
  fired = 0;

  constructor(readonly ev: EventChannels, readonly clock: GuestClock) {}

  /** send_timer_event. */
  private sendTimerEvent(): void { this.fired++; this.ev.sendVirq(VIRQ_TIMER); }

  // ---- single-shot ------------------------------------------------------------------------
  setSingleshot(deadline: bigint): void {
    this.singleshot = deadline;
    this.fireDue();
  }
  stopSingleshot(): void { this.singleshot = null; }

  // ---- periodic ---------------------------------------------------------------------------
  /** vcpu_periodic_timer_work: an event if a period has passed since the last one, then the
   *  timer re-armed for the next period. */
  periodicWork(): void {
    if (this.periodicPeriod === 0n) return;
    const now = this.clock.now();
    let next = this.periodicLast + this.periodicPeriod;
    if (now >= next) {
      this.sendTimerEvent();
      this.periodicLast = now;
      next = now + this.periodicPeriod;
    }
    this.periodicNext = next;
  }
  /** vcpu_set_periodic_timer: stop, set the period, and (if any) do the work at once. */
  setPeriodic(period: bigint): void {
    this.periodicNext = null;
    this.periodicPeriod = period;
    if (period !== 0n) this.periodicWork();
  }
  /** Context switch out: stop_timer(&prev->periodic_timer). */
  switchOut(): void { this.periodicNext = null; }
  /** Context switch in: vcpu_periodic_timer_work(next). */
  switchIn(): void { this.periodicWork(); }

  // ---- expiry -----------------------------------------------------------------------------
  /** The earliest armed deadline (including the poll timer), or null. */
  nextDeadline(): bigint | null {
    let best: bigint | null = null;
    for (const t of [this.singleshot, this.periodicNext, this.ev.sched.pollDeadline]) {
      if (t !== null && (best === null || t < best)) best = t;
    }
    return best;
  }

  /** Run every timer whose deadline has passed, earliest first. */
  fireDue(): void {
    for (;;) {
      const now = this.clock.now();
      const s = this.singleshot, p = this.periodicNext, q = this.ev.sched.pollDeadline;
      // Earliest due first; ties in the order single-shot, periodic, poll.
      let which = -1, at = 0n;
      if (s !== null && s <= now) { which = 0; at = s; }
      if (p !== null && p <= now && (which < 0 || p < at)) { which = 1; at = p; }
      if (q !== null && q <= now && (which < 0 || q < at)) { which = 2; at = q; }
      if (which < 0) return;
      if (which === 0) { this.singleshot = null; this.sendTimerEvent(); }
      else if (which === 1) { this.periodicNext = null; this.periodicWork(); }
      else this.ev.sched.pollTimerFired();
    }
  }
}
