// `xenjit run <kernel>`: boot a PV kernel, console on the terminal, exit status from the guest's
// shutdown; on a crash, a register dump and the last hypercalls.
import { readFileSync } from 'node:fs';
import { Machine } from '../../runtime/machine.ts';
import { loadKernelImage } from '../elf/image.ts';
import { describeImage } from '../elf/describe.ts';
import { bootImageFrom } from '../../runtime/boot-image.ts';
import { attachTty } from './console-tty.ts';
import { consoleRing } from '../../runtime/events/console-ring.ts';
import { GuestError, prepareGuest, requestShutdown, readImage, parseDisk, parseXenstoreEntries, decodeConsoleInput, type GuestOptions } from './guest.ts';
import { EXIT_CODES, type RunEnd } from '../../runtime/run.ts';
import { getFlags } from '../cpu/flags.ts';
import { REG32_NAMES, SREG_NAMES } from '../cpu/regs.ts';
import { formatStats } from './stats.ts';

export interface RunCliOptions {
  memory: string; cmdline: string; module?: string; clock: string; maxInstructions: string;
  timeout: string; trace: string[]; singleStep?: boolean; p2m: string; stats?: boolean;
  disk?: string[]; consoleInput?: string; xenstore?: string[]; codeCache?: string; tierUp?: string; sparseTierUp?: string; regionAt?: string; regrowAt?: string;
  /** false with --no-wasm-first-run. */
  wasmFirstRun?: boolean;
}

/** An optional integer option in [lo, hi] as a JIT option (absent: the default). */
function intOption<K extends 'maxBlocks' | 'tierUp' | 'sparseTierUp' | 'regionAt' | 'regrowAt'>(flag: string, v: string | undefined, lo: number, hi: number, key: K): Partial<Record<K, number>> {
  if (v === undefined) return {};
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi) throw new GuestError(`${flag} must be an integer from ${lo} to ${hi}, not ${v}`);
  return { [key]: n } as Partial<Record<K, number>>;
}

/** The guest options a `run`-style command line gives (shared by run and profile). */
export function guestOptionsFrom(o: { memory: string; cmdline: string; module?: string; clock: string; singleStep?: boolean; p2m?: string; disk?: string[]; consoleInput?: string; xenstore?: string[]; codeCache?: string; tierUp?: string; sparseTierUp?: string; regionAt?: string; regrowAt?: string; wasmFirstRun?: boolean }): GuestOptions {
  const memoryMiB = Number(o.memory);
  if (!Number.isInteger(memoryMiB) || memoryMiB < 4 || memoryMiB > 1024) throw new GuestError(`--memory must be an integer from 4 to 1024 (MiB), not ${o.memory}`);
  if (o.clock !== 'host' && o.clock !== 'virtual') throw new GuestError(`--clock must be host or virtual, not ${o.clock}`);
  return {
    memoryMiB, cmdline: o.cmdline, clock: o.clock, singleStep: !!o.singleStep,
    p2m: o.p2m === 'identity' ? 'identity' : 'shuffle',
    module: o.module ? readImage(o.module, 'module ') : undefined,
    disks: (o.disk ?? []).map(parseDisk),
    consoleInput: o.consoleInput === undefined ? undefined : decodeConsoleInput(o.consoleInput),
    xenstore: parseXenstoreEntries(o.xenstore ?? []),
    jit: { ...intOption('--code-cache', o.codeCache, 16, 1 << 24, 'maxBlocks'), ...intOption('--tier-up', o.tierUp, 0, 1 << 30, 'tierUp'), ...intOption('--sparse-tier-up', o.sparseTierUp, 0, 1 << 30, 'sparseTierUp'), ...intOption('--region-at', o.regionAt, 1, 1 << 30, 'regionAt'), ...intOption('--regrow-at', o.regrowAt, 0, 1 << 30, 'regrowAt'), ...(o.wasmFirstRun === false ? { wasmFirstRun: false } : {}) },
  };
}

export async function runCommand(file: string, o: RunCliOptions): Promise<number> {
  let m: Machine;
  try {
    const bytes = readImage(file);
    const go = guestOptionsFrom(o);
    go.onConsole = (t) => process.stdout.write(t);
    m = prepareGuest(bytes, go, file).machine;
  } catch (e) {
    if (e instanceof GuestError) return fail(e.message);
    throw e;
  }
  const recent: string[] = [];
  const traceCalls = o.trace.includes('hypercalls');
  m.hypercalls.trace = (line) => { recent.push(line); if (recent.length > 16) recent.shift(); if (traceCalls) process.stderr.write(`[hypercall] ${line}\n`); };
  // SIGINT (or Ctrl-] on an attached terminal) asks the guest to power off through xenstore,
  // as `xl shutdown` does; a second one stops the emulator.
  let interrupts = 0;
  const onSigint = (): void => { interrupts++; };
  process.on('SIGINT', onSigint);
  const ring = consoleRing(m.domain);
  const tty = ring && o.consoleInput === undefined ? attachTty(ring, onSigint) : undefined;
  if (tty) process.stderr.write('[xenjit: console attached; Ctrl-] asks the guest to power off, twice stops]\r\n');
  let asked = 0;
  const onSlice = (): void => {
    if (interrupts > asked) {
      asked = interrupts;
      if (asked === 1) { process.stderr.write('\r\n[xenjit: writing control/shutdown = poweroff; again to stop]\r\n'); requestShutdown(m); }
      else m.domain.crash('stopped from the command line');
    }
  };
  const t0 = performance.now();
  let end: RunEnd;
  try {
    end = await runInChunks(m, Number(o.maxInstructions), Number(o.timeout), o.clock === 'host', onSlice);
  } finally {
    process.off('SIGINT', onSigint);
    tty?.detach();
  }
  const secs = (performance.now() - t0) / 1000;
  const d = m.domain, c = d.cpu;
  const code = EXIT_CODES[end];
  process.stderr.write(`\n[xenjit: ${end}${d.crashReason ? `: ${d.crashReason}` : ''}; ${c.icount} instructions in ${secs.toFixed(3)} s; exit status ${code}]\n`);
  if (end !== 'poweroff') {
    process.stderr.write(dumpRegisters(m) + '\n');
    process.stderr.write(`last hypercalls:\n${recent.map((l) => `  ${l}`).join('\n') || '  (none)'}\n`);
  }
  if (o.stats) process.stderr.write(formatStats(d.jit.stats) + '\n');
  return code;
}

/** Virtual clock: instructions per run before the event loop gets a turn (signals and typed
 *  input are delivered there); boundaries depend only on the instruction count, so a
 *  virtual-clock run stays reproducible. */
const CHUNK_INSTRUCTIONS = 2_000_000;
/** Host clock: host time per run. */
const CHUNK_SECONDS = 0.05;

/** Run the guest in chunks, letting Node's event loop run in between. On the host clock a
 *  blocked vCPU that nothing armed can wake waits (as a domain under Xen does) for the host
 *  side: a typed key, SIGINT's shutdown request, or the run's time limit. */
async function runInChunks(m: Machine, maxInstructions: number, timeoutSeconds: number, host: boolean, onSlice: () => void): Promise<RunEnd> {
  const c = m.domain.cpu, start = c.icount, deadline = performance.now() + timeoutSeconds * 1000;
  for (;;) {
    const left = maxInstructions - (c.icount - start);
    const secsLeft = Math.max(0, (deadline - performance.now()) / 1000);
    const end = m.run({
      maxInstructions: host ? left : Math.min(left, CHUNK_INSTRUCTIONS),
      timeoutSeconds: host ? Math.min(secsLeft, CHUNK_SECONDS) : secsLeft, slice: 100_000, onSlice,
    });
    const outOfTime = performance.now() >= deadline, outOfInsns = c.icount - start >= maxInstructions;
    if (end === 'instruction-limit' && !outOfInsns) { await turn(); continue; }
    if (host && (end === 'timeout' || end === 'deadlock') && !outOfTime) {
      onSlice();
      if (m.domain.shutdown) return m.domain.shutdown;
      await turn(end === 'deadlock' ? 20 : 0);
      continue;
    }
    return end;
  }
}

/** Give the event loop a turn (and wait `ms` when there is nothing to run). */
const turn = (ms = 0): Promise<void> => new Promise((r) => (ms ? setTimeout(r, ms) : setImmediate(r)));

export function dumpRegisters(m: Machine): string {
  const c = m.domain.cpu;
  const h = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');
  const regs = REG32_NAMES.map((n, k) => `${n}=${h(c.regs[k])}`).join(' ');
  const segs = SREG_NAMES.map((n, k) => `${n}=${(c.sel[k] & 0xffff).toString(16).padStart(4, '0')}`).join(' ');
  return `eip=${h(c.eip)} eflags=${h(getFlags(c))} cpl=${c.cpl}\n${regs}\n${segs} cr2=${h(c.cr2)} cr3=${h(c.cr3)}`;
}

function fail(msg: string): number { process.stderr.write(`xenjit: ${msg}\n`); return 2; }

/** `xenjit info`: the image's notes and the start-of-day layout. */
export function infoCommand(file: string, memoryMiB: number): number {
  let bytes: Uint8Array;
  try { bytes = new Uint8Array(readFileSync(file)); } catch (e) { return fail(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`); }
  let img;
  try { img = loadKernelImage(bytes); } catch (e) { return fail(`${file}: ${(e as Error).message}`); }
  const h = (v: number | undefined): string => (v === undefined ? '-' : '0x' + (v >>> 0).toString(16));
  const lines = [`${file}:`, describeImage(img)];
  try {
    const m = new Machine({ memoryMiB, pae: true, p2m: 'shuffle', seed: 1, jit: {}, plugins: [] });
    const sod = m.boot(bootImageFrom(img, img.loadBytes ?? bytes, ''));
    lines.push(`start of day with ${memoryMiB} MiB (${m.domain.nrPages} pages):`,
      `  P2M list ${h(sod.mfnList)}, start_info ${h(sod.startInfo)} (ESI), xenstore mfn ${h(sod.storeMfn)}, console mfn ${h(sod.consoleMfn)}`,
      `  page tables ${h(sod.ptBase)} (${sod.nrPtFrames} frames, CR3 mfn ${h(sod.l3OrL2Mfn)}), stack top ${h(sod.stackTop)} (ESP), mapped to ${h(sod.end)}`);
  } catch (e) { lines.push(`  cannot lay it out in ${memoryMiB} MiB: ${(e as Error).message}`); }
  console.log(lines.join('\n'));
  return 0;
}
