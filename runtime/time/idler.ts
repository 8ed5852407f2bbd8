// The run loop's Idler (run.ts). Between slices: the host clock catches up, due timers fire,
// the time record follows the calibration, and a pending unmasked upcall raises the interrupt
// line. When the vCPU is blocked: fire what is due and, until something wakes the vCPU, go to
// the next deadline - the virtual clock jumps there (the TSC moves on, retired instructions
// cannot), the host clock sleeps until then. Nothing armed and nothing to wait for is a
// deadlock (false). On the virtual clock the slices end at the next deadline, so timers fire
// at the instruction they are due; on the host clock they last about 0.1 ms of host time, so
// the guest's TSC never lags far behind the host.
import type { Idler } from '../run.ts';
import type { EventChannels } from '../events/channels.ts';
import type { TimeKeeper } from './keeper.ts';

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
/** Block the thread for `ms` milliseconds. */
function sleepMs(ms: number): void {
  if (ms > 0) Atomics.wait(sleepCell, 0, 0, ms);
}

/** On the host clock, how much host time a slice may take: the TSC only catches up with the
 *  host between slices, so this bounds how far the guest's clock lags behind. */
const HOST_SLICE_NS = 100_000;

export class TimeIdler implements Idler {
  /** Host clock: retired instructions per host ns, measured over recent slices. */
  private rate = 0;
  private lastHost = 0n;
  private lastIcount = 0;

  constructor(readonly ev: EventChannels, readonly tk: TimeKeeper) {}

  /** Host clock: follow how fast the guest runs, for slices of about HOST_SLICE_NS. */
  private measure(): void {
    const t = process.hrtime.bigint(), i = this.ev.d.cpu.icount;
    const dt = Number(t - this.lastHost), di = i - this.lastIcount;
    if (this.lastHost !== 0n && dt > 0 && di > 0) {
      const r = di / dt;
      this.rate = this.rate === 0 ? r : this.rate * 0.75 + r * 0.25;
    }
    this.lastHost = t;
    this.lastIcount = i;
  }

  tick(): void {
    const tk = this.tk;
    if (tk.clock.kind === 'host') this.measure();
    tk.clock.sync();
    tk.timers.fireDue();
    if (!this.ev.d.blocked) tk.vcpuTime.update();
    this.ev.raiseIfDeliverable();
  }

  idle(deadline: number): boolean | 'timeout' {
    const ev = this.ev, tk = this.tk, s = ev.sched;
    s.switchOut();
    for (;;) {
      tk.timers.fireDue();
      if (s.woken) {
        s.switchIn();
        ev.raiseIfDeliverable();
        // The time asleep is not the guest's speed.
        this.lastHost = 0n;
        return true;
      }
      const next = tk.timers.nextDeadline();
      if (next === null) return false;
      if (tk.clock.kind === 'virtual') {
        tk.clock.advanceTo(next);
        continue;
      }
      // Host clock: sleep until the deadline, or until the run's own time limit (then say so:
      // the vCPU stays blocked, and a later run goes on waiting).
      const left = deadline - performance.now();
      if (left <= 0) return 'timeout';
      const ns = next - tk.clock.now();
      sleepMs(Math.min(left + 1, Math.ceil(Number(ns) / 1e6)));
      tk.clock.sync();
    }
  }

  /** Virtual clock: instructions until the next timer deadline. Host clock: instructions
   *  for about HOST_SLICE_NS of host time. */
  budget(): number | undefined {
    const tk = this.tk;
    if (tk.clock.kind !== 'virtual') return this.rate > 0 ? Math.max(1000, Math.floor(this.rate * HOST_SLICE_NS)) : 10_000;
    const next = tk.timers.nextDeadline();
    return next === null ? undefined : tk.clock.instructionsUntil(next);
  }
}
