// Runstate accounting (vcpu_runstate_change / vcpu_runstate_get in xen/common/sched/core.c):
// the vCPU is running, or blocked from SCHEDOP_block/poll until it wakes (it is never
// runnable-but-waiting here: it has a physical CPU to itself). The guest may register an area
// (VCPUOP_register_runstate_memory_area) that Xen rewrites at every context switch; a 32-bit
// guest gets the compat layout (int state, u64 state_entry_time, u64 time[4], 44 bytes).
import type { Domain } from '../domain.ts';
import type { GuestClock } from './clock.ts';
import { copyToGuest } from '../guest-memory.ts';
import { RUNSTATE_running, RUNSTATE_INFO_SIZE } from '../events/abi.ts';

export interface RunstateInfo { state: number; stateEntryTime: bigint; time: bigint[] }

export class Runstate {
  state = RUNSTATE_running;
  entry = 0n;
  readonly time = [0n, 0n, 0n, 0n];
  /** Guest virtual address of the registered area, or null. */
  area: number | null = null;

  constructor(readonly d: Domain, readonly clock: GuestClock) {}

  /** The vCPU starts running at `now` (first schedule). */
  start(now: bigint): void { this.state = RUNSTATE_running; this.entry = now; }

  /** vcpu_runstate_change, then the guest's copy is rewritten (update_runstate_area). */
  change(newState: number, now: bigint): void {
    if (this.state === newState) return;
    const delta = now - this.entry;
    if (delta > 0n) { this.time[this.state] += delta; this.entry = now; }
    this.state = newState;
    this.writeArea();
  }

  /** vcpu_runstate_get: the current state's time includes the time spent in it so far. */
  get(now: bigint): RunstateInfo {
    const time = this.time.slice();
    const delta = now - this.entry;
    if (delta > 0n) time[this.state] += delta;
    return { state: this.state, stateEntryTime: this.entry, time };
  }

  /** The compat vcpu_runstate_info. */
  static encode(r: RunstateInfo): Uint8Array {
    const b = new Uint8Array(RUNSTATE_INFO_SIZE), v = new DataView(b.buffer);
    v.setInt32(0, r.state, true);
    v.setBigUint64(4, r.stateEntryTime, true);
    for (let k = 0; k < 4; k++) v.setBigUint64(12 + k * 8, r.time[k], true);
    return b;
  }

  /** __copy_to_guest of the running vCPU's own record (not vcpu_runstate_get's: the current
   *  state's accumulated time is as of its entry); a failed copy is ignored, as in Xen. */
  writeArea(): void {
    if (this.area === null) return;
    copyToGuest(this.d, this.area, Runstate.encode({ state: this.state, stateEntryTime: this.entry, time: this.time }));
  }
}
