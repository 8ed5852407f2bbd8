// `xenjit run <kernel>`: boot a PV kernel, console on the terminal, exit status from the guest's
// shutdown; on a crash, a register dump and the last hypercalls.
import { readFileSync } from 'node:fs';
import { Machine } from '../../runtime/machine.ts';
import { loadKernelImage } from '../elf/image.ts';
import { describeImage } from '../elf/describe.ts';
import { FEATURES_SUBMAP0 } from '../../runtime/hypercalls/xen_version.ts';
import { bootImageFrom } from '../../runtime/boot-image.ts';
import { defaultPlugins } from '../../runtime/plugins.ts';
import { EXIT_CODES } from '../../runtime/run.ts';
import { getFlags } from '../cpu/flags.ts';
import { REG32_NAMES, SREG_NAMES } from '../cpu/regs.ts';
import { formatStats } from './stats.ts';

export interface RunCliOptions {
  memory: string; cmdline: string; module?: string; clock: string; maxInstructions: string;
  timeout: string; trace: string[]; singleStep?: boolean; p2m: string; stats?: boolean;
}

export function runCommand(file: string, o: RunCliOptions): number {
  let bytes: Uint8Array;
  try { bytes = new Uint8Array(readFileSync(file)); } catch (e) { return fail(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`); }
  let module: Uint8Array | undefined;
  if (o.module) { try { module = new Uint8Array(readFileSync(o.module)); } catch (e) { return fail(`cannot read module ${o.module}: ${(e as NodeJS.ErrnoException).code ?? e}`); } }
  if (o.clock !== 'host' && o.clock !== 'virtual') return fail(`--clock must be host or virtual, not ${o.clock}`);
  const memoryMiB = Number(o.memory);
  if (!Number.isInteger(memoryMiB) || memoryMiB < 4 || memoryMiB > 1024) return fail(`--memory must be an integer from 4 to 1024 (MiB), not ${o.memory}`);
  let img;
  try { img = loadKernelImage(bytes); } catch (e) { return fail(`${file}: ${(e as Error).message}`); }
  // Xen refuses a kernel that requires a feature it does not offer (libxenguest's feature check).
  const missing = (img.features.requiredMask ?? 0) & ~FEATURES_SUBMAP0;
  if (missing) return fail(`${file}: the kernel requires Xen features this hypervisor does not offer (mask 0x${(missing >>> 0).toString(16)})`);
  if (img.paeMode === 'no') return fail(`${file}: the kernel is built for non-PAE Xen (PAE_MODE "no"); xenjit boots PAE guests (x86_32p)`);
  let m: Machine;
  try {
    m = new Machine({ memoryMiB, pae: true, p2m: o.p2m === 'identity' ? 'identity' : 'shuffle', seed: 1, jit: { singleStep: !!o.singleStep }, plugins: defaultPlugins({ clock: o.clock }) });
  } catch (e) { return fail((e as Error).message); }
  const recent: string[] = [];
  const traceCalls = o.trace.includes('hypercalls');
  m.hypercalls.trace = (line) => { recent.push(line); if (recent.length > 16) recent.shift(); if (traceCalls) process.stderr.write(`[hypercall] ${line}\n`); };
  m.domain.consoleOut = (t) => process.stdout.write(t);
  try { m.boot(bootImageFrom(img, img.loadBytes ?? bytes, o.cmdline, module)); } catch (e) { return fail(`cannot build the domain: ${(e as Error).message}`); }
  const t0 = performance.now();
  const end = m.run({ maxInstructions: Number(o.maxInstructions), timeoutSeconds: Number(o.timeout), slice: 100_000 });
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
