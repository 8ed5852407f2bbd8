// Running one case: the same guest session as `xenjit run` (src/cli/guest.ts), with the case's
// options, console output collected (capped, so a guest printing in a loop cannot exhaust
// memory). Never throws: problems become the run's `error`.
import type { RegressCase } from './manifest.ts';
import type { CaseRun } from './expect.ts';
import { mkdtempSync, openSync, ftruncateSync, writeSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGuest, readImage, GuestError, type GuestOptions, type DiskSpec } from '../cli/guest.ts';
import type { DiskEntry } from './manifest.ts';

/** Make the case's scratch disks in a fresh directory (removed by the caller). */
function scratchDisks(disks: DiskEntry[], dir: () => string): DiskSpec[] {
  return disks.map((d, k) => {
    if (!d.scratch) return { path: d.path, readOnly: d.readOnly };
    const path = join(dir(), `disk${k}.img`);
    const fd = openSync(path, 'w');
    try {
      const size = d.scratch.sizeMiB << 20;
      if (d.scratch.fill === 0) ftruncateSync(fd, size);
      else { const mib = new Uint8Array(1 << 20).fill(d.scratch.fill); for (let off = 0; off < size; off += mib.length) writeSync(fd, mib, 0, mib.length, off); }
    } finally { closeSync(fd); }
    return { path, readOnly: d.readOnly };
  });
}

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
  let tmp: string | undefined;
  try {
    const o: GuestOptions = {
      memoryMiB: c.memoryMiB, cmdline: c.cmdline, clock: c.clock, p2m: c.p2m, singleStep: c.singleStep,
      jit: c.codeCache === undefined ? undefined : { maxBlocks: c.codeCache },
      module: c.module === undefined ? undefined : readImage(c.module, 'module '),
      disks: scratchDisks(c.disks, () => (tmp ??= mkdtempSync(join(tmpdir(), 'xenjit-regress-disk-')))), consoleInput: c.consoleInput, xenstore: c.xenstore, onConsole,
    };
    const r = runGuest(readImage(c.image), o, { maxInstructions: c.maxInstructions, timeoutSeconds: c.timeoutSeconds }, c.image);
    return {
      name: c.name, end: r.end, exitCode: r.exitCode, crashReason: r.machine.domain.crashReason || undefined,
      output, instructions: r.instructions, seconds: r.seconds,
    };
  } catch (e) {
    const error = e instanceof GuestError ? e.message : `internal error: ${(e as Error)?.stack ?? String(e)}`;
    return { name: c.name, error, output, instructions: 0, seconds: (performance.now() - t0) / 1000 };
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}
