// HYPERVISOR_sched_op (public/sched.h): yield, block, poll, shutdown (every reason),
// shutdown_code. Blocking is the runtime's idle path (run.ts): the vCPU halts until an event.
import type { Hypercall } from './table.ts';
import type { ShutdownReason } from '../domain.ts';
import { copyFromGuest, readGuest32 } from '../guest-memory.ts';

export const SCHEDOP_yield = 0, SCHEDOP_block = 1, SCHEDOP_shutdown = 2, SCHEDOP_poll = 3,
  SCHEDOP_remote_shutdown = 4, SCHEDOP_shutdown_code = 5, SCHEDOP_watchdog = 6, SCHEDOP_pin_override = 7;
export const SHUTDOWN_REASONS: ShutdownReason[] = ['poweroff', 'reboot', 'suspend', 'crash', 'watchdog', 'soft_reset'];
import { EFAULT, EINVAL, ENOSYS, EPERM } from './errno.ts';

export const schedOp: Hypercall = {
  nr: 29, name: 'sched_op', args: ['c', 'p'],
  subops: { 0: 'yield', 1: 'block', 2: 'shutdown', 3: 'poll', 4: 'remote_shutdown', 5: 'shutdown_code', 6: 'watchdog', 7: 'pin_override' },
  handler(d, [cmd, arg]) {
    switch (cmd) {
      case SCHEDOP_yield: return 0;
      case SCHEDOP_block: d.block(); return 0;
      case SCHEDOP_shutdown: {
        const reason = readGuest32(d, arg);
        if (reason === null) return EFAULT;
        // Xen's domain_shutdown accepts any reason number; unknown ones still shut down
        // (as a crash, SHUTDOWN_crash being the catch-all in the toolstack).
        d.shutdown = SHUTDOWN_REASONS[reason] ?? 'crash';
        d.shutdownCode = reason;
        d.cpu.stopped = true;
        return 0;
      }
      case SCHEDOP_shutdown_code: {
        const reason = readGuest32(d, arg);
        if (reason === null) return EFAULT;
        d.shutdownCode = reason;
        return 0;
      }
      case SCHEDOP_poll: {
        const poll = copyFromGuest(d, arg, 16);
        if (!poll) return EFAULT;
        return d.poll(poll);
      }
      case SCHEDOP_remote_shutdown: return EPERM;
      case SCHEDOP_watchdog: return ENOSYS;
      case SCHEDOP_pin_override: return EPERM;
      default: return ENOSYS;
    }
  },
};
void EINVAL;
