// HYPERVISOR_sched_op (public/sched.h): yield, block, poll, shutdown (every reason),
// shutdown_code. Blocking is the runtime's idle path (run.ts): the vCPU halts until an event.
import { __HYPERVISOR_sched_op } from '../abi/hypercalls.ts';
import type { Hypercall } from './table.ts';
import type { ShutdownReason } from '../domain.ts';
import { copyFromGuest, readGuest32 } from '../guest-memory.ts';

import {
  SCHEDOP_yield, SCHEDOP_block, SCHEDOP_shutdown, SCHEDOP_poll, SCHEDOP_remote_shutdown, SCHEDOP_shutdown_code,
  SCHEDOP_watchdog, SCHEDOP_pin_override, SCHEDOP_NAMES,
} from '../abi/sched.ts';
export const SHUTDOWN_REASONS: ShutdownReason[] = ['poweroff', 'reboot', 'suspend', 'crash', 'watchdog', 'soft_reset'];
import { EFAULT, EINVAL, ENOSYS, EPERM } from './errno.ts';

export const schedOp: Hypercall = {
  nr: __HYPERVISOR_sched_op, name: 'sched_op', args: ['c', 'p'],
  subops: SCHEDOP_NAMES,
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
