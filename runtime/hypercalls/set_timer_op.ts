// HYPERVISOR_set_timer_op (do_set_timer_op in xen/common/sched/core.c, through
// compat_set_timer_op for a 32-bit guest: the s64 deadline arrives as EBX = low half,
// ECX = high half). 0 stops the single-shot timer; a negative deadline or one more than 2^50 ns
// (about 13 days) ahead is Linux's jiffies wrap-around, answered with an event in 100 ms;
// anything else arms the timer, firing at once if already past. Always 0.
import { __HYPERVISOR_set_timer_op } from '../abi/hypercalls.ts';
import type { Hypercall } from './table.ts';
import { timeKeeper } from '../time/keeper.ts';
import { HUGE_TIMEOUT_DELAY } from '../time/timers.ts';
import { ENOSYS } from '../events/abi.ts';

export const setTimerOp: Hypercall = {
  nr: __HYPERVISOR_set_timer_op, name: 'set_timer_op', args: ['u', 'u'],
  handler(d, [lo, hi]) {
    const tk = timeKeeper(d);
    if (!tk) return ENOSYS;
    const timeout = BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
    const t = tk.timers;
    if (timeout === 0n) {
      t.stopSingleshot();
      return 0;
    }
    const now = tk.clock.now();
    const offset = timeout - now;
    if (timeout < 0n || (offset > 0n && (offset >> 50n) !== 0n)) t.setSingleshot(now + HUGE_TIMEOUT_DELAY);
    else t.setSingleshot(timeout);
    return 0;
  },
};
