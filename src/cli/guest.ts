// One guest run as the command line describes it: the kernel image, memory, clock, command line,
// module, disks, console input and extra xenstore entries, put together into a Machine with the
// runtime's plugins. `run`, `profile` and `regress` share it, so an option means the same to all.
import { readFileSync } from 'node:fs';
import { Machine, type Plugin } from '../../runtime/machine.ts';
import { loadKernelImage, type KernelImage } from '../elf/image.ts';
import { FEATURES_SUBMAP0 } from '../../runtime/hypercalls/xen_version.ts';
import { bootImageFrom } from '../../runtime/boot-image.ts';
import { defaultPlugins } from '../../runtime/plugins.ts';
import { consoleRing } from '../../runtime/events/console-ring.ts';
import { blkifPlugin, blkif } from '../../runtime/blkif/index.ts';
import { xenstore } from '../../runtime/xenstore/index.ts';
import { EXIT_CODES, type RunEnd } from '../../runtime/run.ts';
import type { JitOptions } from '../../jit/jit.ts';

/** A disk given to the guest: a host image file, read-write unless readOnly. */
export interface DiskSpec { path: string; readOnly: boolean }

export interface GuestOptions {
  /** Domain memory in MiB (4..1024). */
  memoryMiB: number;
  cmdline?: string;
  clock?: 'host' | 'virtual';
  /** A pre-loaded module (initrd) as bytes. */
  module?: Uint8Array;
  singleStep?: boolean;
  /** Per-block execution counters (profiling). */
  instrument?: boolean;
  p2m?: 'identity' | 'shuffle';
  disks?: DiskSpec[];
  /** Bytes typed on the console, queued before the guest starts. */
  consoleInput?: string;
  /** Extra xenstore entries (paths relative to the domain's path unless absolute). */
  xenstore?: Record<string, string>;
  /** Where console output goes; collected into the result when absent. */
  onConsole?: (text: string) => void;
  /** More plugins, after the default ones. */
  plugins?: Plugin[];
  jit?: Partial<JitOptions>;
}

export interface GuestLimits { maxInstructions: number; timeoutSeconds: number; onSlice?: () => void }

export interface GuestResult {
  end: RunEnd;
  exitCode: number;
  /** Console output, when no onConsole was given. */
  output: string;
  instructions: number;
  /** Host seconds spent running the guest (not building it). */
  seconds: number;
  machine: Machine;
}

/** A user-facing problem with the options or the image: the CLI prints the message, exits 2. */
export class GuestError extends Error {}

export function readImage(file: string, what = ''): Uint8Array {
  try { return new Uint8Array(readFileSync(file)); } catch (e) {
    throw new GuestError(`cannot read ${what}${file}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
}

/** Parse `--disk FILE[,ro]` (also `,rw`). */
export function parseDisk(spec: string): DiskSpec {
  const m = /^(.*?)(?:,(ro|rw))?$/.exec(spec)!;
  if (!m[1]) throw new GuestError(`--disk needs a file name: ${JSON.stringify(spec)}`);
  return { path: m[1], readOnly: m[2] === 'ro' };
}

/** Parse `--xenstore path=value` entries. */
export function parseXenstoreEntries(specs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of specs) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new GuestError(`--xenstore wants path=value, not ${JSON.stringify(s)}`);
    out[s.slice(0, eq)] = s.slice(eq + 1);
  }
  return out;
}

/** Console input as typed on the command line: C escapes \n \r \t \\ \xHH are decoded. */
export function decodeConsoleInput(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_, e: string) => {
    if (e[0] === 'x' && e.length === 3) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ n: '\n', r: '\r', t: '\t', '\\': '\\', e: '\x1b', 0: '\0' } as Record<string, string>)[e] ?? `\\${e}`;
  });
}

/** Plugins for the options that need them (disks). */
function optionPlugins(o: GuestOptions): Plugin[] {
  return o.disks?.length ? [blkifPlugin({ disks: o.disks })] : [];
}

/** Check the image and the options, build the domain; nothing has run yet. */
export function prepareGuest(bytes: Uint8Array, o: GuestOptions, name = 'kernel'): { machine: Machine; image: KernelImage; output: () => string } {
  const memoryMiB = o.memoryMiB;
  if (!Number.isInteger(memoryMiB) || memoryMiB < 4 || memoryMiB > 1024) throw new GuestError(`memory must be an integer from 4 to 1024 (MiB), not ${memoryMiB}`);
  const clock = o.clock ?? 'virtual';
  if (clock !== 'host' && clock !== 'virtual') throw new GuestError(`clock must be host or virtual, not ${String(clock)}`);
  let img: KernelImage;
  try { img = loadKernelImage(bytes); } catch (e) { throw new GuestError(`${name}: ${(e as Error).message}`); }
  // Xen refuses a kernel that requires a feature it does not offer (libxenguest's feature check).
  const missing = (img.features.requiredMask ?? 0) & ~FEATURES_SUBMAP0;
  if (missing) throw new GuestError(`${name}: the kernel requires Xen features this hypervisor does not offer (mask 0x${(missing >>> 0).toString(16)})`);
  if (img.paeMode === 'no') throw new GuestError(`${name}: the kernel is built for non-PAE Xen (PAE_MODE "no"); xenjit boots PAE guests (x86_32p)`);
  let m: Machine;
  try {
    m = new Machine({
      memoryMiB, pae: true, p2m: o.p2m ?? 'shuffle', seed: 1,
      jit: { singleStep: !!o.singleStep, instrument: !!o.instrument, ...o.jit },
      plugins: [...defaultPlugins({ clock, xenstore: { entries: o.xenstore } }), ...optionPlugins(o), ...(o.plugins ?? [])],
    });
  } catch (e) { throw new GuestError((e as Error).message); }
  let output = '';
  m.domain.consoleOut = o.onConsole ?? ((t) => { output += t; });
  try { m.boot(bootImageFrom(img, img.loadBytes ?? bytes, o.cmdline ?? '', o.module)); } catch (e) { throw new GuestError(`cannot build the domain: ${(e as Error).message}`); }
  if (o.consoleInput) {
    const ring = consoleRing(m.domain);
    if (!ring) throw new GuestError('console input needs the console back end');
    ring.queueInput(o.consoleInput);
  }
  return { machine: m, image: img, output: () => output };
}

/** Build and run a guest to its end. */
export function runGuest(bytes: Uint8Array, o: GuestOptions, limits: GuestLimits, name = 'kernel'): GuestResult {
  const { machine: m, output } = prepareGuest(bytes, o, name);
  const t0 = performance.now();
  const end = m.run({ maxInstructions: limits.maxInstructions, timeoutSeconds: limits.timeoutSeconds, slice: 100_000, onSlice: limits.onSlice });
  const seconds = (performance.now() - t0) / 1000;
  blkif(m.domain)?.close(); // every acknowledged write is already on the file (writeSync, fsync on flush)
  return { end, exitCode: EXIT_CODES[end], output: output(), instructions: m.domain.cpu.icount, seconds, machine: m };
}

/** The toolstack's shutdown request (`xl shutdown`): write control/shutdown = poweroff; a
 *  guest that watches it powers off. */
export function requestShutdown(m: Machine, reason: 'poweroff' | 'reboot' = 'poweroff'): boolean {
  const xs = xenstore(m.domain);
  if (!xs) return false;
  xs.write(`${xs.domainPath}/control/shutdown`, reason);
  return true;
}
