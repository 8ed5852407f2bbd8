// Running one case: the same guest session as `xenjit run` (src/cli/guest.ts), with the case's
// options, console output collected (capped, so a guest printing in a loop cannot exhaust
// memory). Never throws: problems become the run's `error`.
import type { RegressCase } from './manifest.ts';
import type { CaseRun } from './expect.ts';
import { runGuest, readImage, GuestError, type GuestOptions } from '../cli/guest.ts';

export const MAX_OUTPUT = 8 << 20;

export function runCase(c: RegressCase): CaseRun {
  let output = '';
  let truncated = false;
  const onConsole = (t: string): void => {
    if (truncated) return;
    if (output.length + t.length > MAX_OUTPUT) {
      output += t.slice(0, MAX_OUTPUT - output.length) + `\n[xenjit regress: console output cut at ${MAX_OUTPUT} bytes]\n`;
      truncated = true;
    } else output += t;
  };
  const t0 = performance.now();
  try {
    const o: GuestOptions = {
      memoryMiB: c.memoryMiB, cmdline: c.cmdline, clock: c.clock, p2m: c.p2m, singleStep: c.singleStep,
      module: c.module === undefined ? undefined : readImage(c.module, 'module '),
      disks: c.disks, consoleInput: c.consoleInput, xenstore: c.xenstore, onConsole,
    };
    const r = runGuest(readImage(c.image), o, { maxInstructions: c.maxInstructions, timeoutSeconds: c.timeoutSeconds }, c.image);
    return {
      name: c.name, end: r.end, exitCode: r.exitCode, crashReason: r.machine.domain.crashReason || undefined,
      output, instructions: r.instructions, seconds: r.seconds,
    };
  } catch (e) {
    const error = e instanceof GuestError ? e.message : `internal error: ${(e as Error)?.stack ?? String(e)}`;
    return { name: c.name, error, output, instructions: 0, seconds: (performance.now() - t0) / 1000 };
  }
}
