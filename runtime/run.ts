// Running a domain: the translator in slices, blocking and waking, shutdown, limits. Exit
// statuses for the command line: poweroff 0; the other shutdown reasons and the emulator's own
// stops have distinct nonzero codes.
import type { Domain, ShutdownReason } from './domain.ts';

export const EXIT_CODES: Record<ShutdownReason | 'instruction-limit' | 'timeout' | 'deadlock' | 'halted', number> = {
  poweroff: 0, reboot: 10, suspend: 11, crash: 12, watchdog: 13, soft_reset: 14,
  'instruction-limit': 20, timeout: 21, deadlock: 22, halted: 23,
};
export type RunEnd = keyof typeof EXIT_CODES;

export interface RunLimits {
  maxInstructions: number;
  timeoutSeconds: number;
  /** Instructions per dispatch slice (events and timers are looked at between slices). */
  slice: number;
  /** Called between slices (e.g. the command line's SIGINT turning into a shutdown request). */
  onSlice?: () => void;
}

export interface Idler {
  /** The vCPU is blocked: advance or wait for time until an event is pending. Returns true when
   *  it woke, false if nothing can ever wake it (no timer armed, no event source), 'timeout'
   *  when the host deadline came first (the vCPU stays blocked). */
  idle(deadline: number): boolean | 'timeout';
  /** Between slices: fire due timers. */
  tick(): void;
  /** Instructions the next slice may run before a timer is due (virtual time), if known. */
  budget?(): number | undefined;
}

export function runDomain(d: Domain, limits: RunLimits, idler?: Idler): RunEnd {
  const c = d.cpu;
  const t0 = performance.now();
  const stopAt = c.icount + limits.maxInstructions;
  for (;;) {
    if (d.shutdown) return d.shutdown;
    if (c.icount >= stopAt) return 'instruction-limit';
    if ((performance.now() - t0) / 1000 > limits.timeoutSeconds) return 'timeout';
    idler?.tick();
    limits.onSlice?.();
    if (d.shutdown) return d.shutdown;
    const r = d.jit.run(Math.min(limits.slice, stopAt - c.icount, idler?.budget?.() ?? Infinity));
    if (d.shutdown) return d.shutdown;
    if (r === 'halt') {
      if (!d.blocked) return 'halted';
      const woke = idler ? idler.idle(t0 + limits.timeoutSeconds * 1000) : false;
      if (woke === 'timeout') return 'timeout';
      if (!woke) return 'deadlock';
      d.blocked = false; c.halted = false;
    } else if (r === 'stop') {
      if (d.shutdown) return d.shutdown;
      c.stopped = false;
    }
  }
}
