// The domain's time subsystem: the clock, the published time records, the vCPU's timers and
// runstate, put together and driven by the vCPU's context switches (block and wake-up). It is
// the domain's TimeApi (d.ext.time).
import type { Domain, TimeApi } from '../domain.ts';
import type { EventChannels } from '../events/channels.ts';
import { GuestClock, type ClockKind } from './clock.ts';
import { VcpuTime } from './vcpu-time.ts';
import { VcpuTimers } from './timers.ts';
import { Runstate } from './runstate.ts';
import { RUNSTATE_running, RUNSTATE_blocked } from '../events/abi.ts';

export class TimeKeeper implements TimeApi {
  readonly clock: GuestClock;
  readonly vcpuTime: VcpuTime;
  readonly timers: VcpuTimers;
  readonly runstate: Runstate;

  constructor(readonly d: Domain, readonly ev: EventChannels, kind: ClockKind) {
    this.clock = new GuestClock(d.cpu, kind);
    this.vcpuTime = new VcpuTime(d, this.clock);
    this.timers = new VcpuTimers(ev, this.clock);
    this.runstate = new Runstate(d, this.clock);
    ev.sched.onSwitchOut.push(() => this.switchOut());
    ev.sched.onSwitchIn.push(() => this.switchIn());
  }

  /** Xen's NOW(). */
  now(): bigint { return this.clock.now(); }

  /** The domain starts: the wall clock is set, and the vCPU is scheduled for the first time
   *  (runstate running, time record written, periodic timer started). */
  boot(): void {
    const now = this.clock.now();
    this.vcpuTime.writeWallclock();
    this.runstate.start(now);
    this.vcpuTime.update(true);
    this.timers.switchIn();
  }

  /** The vCPU blocked: the scheduler switches to idle. */
  private switchOut(): void {
    this.runstate.change(RUNSTATE_blocked, this.clock.now());
    this.timers.switchOut();
  }
  /** The vCPU woke and is scheduled again. */
  private switchIn(): void {
    this.runstate.change(RUNSTATE_running, this.clock.now());
    this.vcpuTime.update();
    this.timers.switchIn();
  }
}

/** The domain's time keeper, when the events plugin is installed. */
export function timeKeeper(d: Domain): TimeKeeper | undefined {
  const t = d.ext.time;
  return t instanceof TimeKeeper ? t : undefined;
}
