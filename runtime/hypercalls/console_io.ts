// HYPERVISOR_console_io (public/xen.h CONSOLEIO_*): an unprivileged domain may write to the
// hypervisor console (Xen builds with guest console output allowed, as debug builds and
// `guest_loglvl` permit) and reads return nothing.
import { __HYPERVISOR_console_io } from '../abi/hypercalls.ts';
import type { Hypercall } from './table.ts';
import { copyFromGuest } from '../guest-memory.ts';

import { CONSOLEIO_write, CONSOLEIO_read } from '../abi/xen.ts';
import { EFAULT, EINVAL, ENOSYS } from './errno.ts';
/** Xen copies at most this much per call and reports how much it took (it loops in chunks). */
const MAX_WRITE = 1 << 20;

export const consoleIo: Hypercall = {
  nr: __HYPERVISOR_console_io, name: 'console_io', args: ['c', 'd', 'p'], subops: { 0: 'write', 1: 'read' },
  handler(d, [cmd, count, buf]) {
    switch (cmd) {
      case CONSOLEIO_write: {
        if (count < 0) return EINVAL;
        const n = Math.min(count, MAX_WRITE);
        const bytes = copyFromGuest(d, buf, n);
        if (!bytes) return EFAULT;
        d.consoleOut(Buffer.from(bytes).toString('latin1'));
        return 0;
      }
      case CONSOLEIO_read:
        // The hypervisor console's input belongs to dom0; a domU reads nothing.
        return 0;
      default:
        return ENOSYS;
    }
  },
};
