// SCHEDOP_poll (do_poll in xen/common/sched/core.c, reached through compat_poll for a 32-bit
// guest): block until one of the listed ports is pending, an upcall is due, or the absolute
// timeout passes. The checks and their order are Xen's: more than 128 ports is -EINVAL; the
// vCPU is marked blocked and polling first; a deliverable upcall returns 0 at once; each port is
// read (-EFAULT) and checked (-EINVAL for a port that is not valid or not bound); a pending one
// returns 0. Otherwise the vCPU stays blocked and the hypercall returns 0 when it runs again.
import type { EventChannels } from './channels.ts';
import { readGuest32 } from '../guest-memory.ts';
import { SCHED_POLL_ports, SCHED_POLL_nr_ports, SCHED_POLL_timeout, SCHED_POLL_MAX_PORTS, EINVAL, EFAULT } from './abi.ts';

export function doPoll(ev: EventChannels, arg: Uint8Array): number {
  const v = new DataView(arg.buffer, arg.byteOffset, arg.byteLength);
  const ports = v.getUint32(SCHED_POLL_ports, true);
  const nr = v.getUint32(SCHED_POLL_nr_ports, true);
  // s_time_t: a timeout with bit 63 set is in the past.
  const timeout = v.getBigInt64(SCHED_POLL_timeout, true);
  if (nr > SCHED_POLL_MAX_PORTS) return EINVAL;
  // guest_handle_okay: a 32-bit guest's handle, widened, is always an acceptable address; a
  // bad one shows up when the ports are read.
  const d = ev.d, s = ev.sched;
  d.blocked = true;
  s.pollEvtchn = -1;
  s.polling = true;

  const out = (rc: number): number => {
    s.pollEvtchn = 0;
    s.polling = false;
    d.blocked = false;
    return rc;
  };
  if (ev.deliverable()) return out(0);
  let port = 0;
  for (let i = 0; i < nr; i++) {
    const p = readGuest32(d, (ports + i * 4) | 0);
    if (p === null) return out(EFAULT);
    port = p >>> 0;
    // evtchn_port_poll: -EINVAL unless valid and bound, else whether it is pending.
    if (!ev.portValid(port) || !ev.usable(port)) return out(EINVAL);
    if (ev.bits.isPending(port)) return out(0);
  }
  if (nr === 1) s.pollEvtchn = port;
  if (timeout !== 0n) s.pollDeadline = timeout;
  d.cpu.halted = true;
  return 0;
}
