// `xenjit profile <kernel>`: run a PV kernel with per-block execution counters and report where
// the guest spent its instructions (hot blocks with symbols and disassembly, the same by guest
// function), where the host spent its time (sampled: translated code, CPU core, runtime,
// dispatch, compilation), what the translator did (its counters), the hypercalls by name,
// the guest's exceptions and the event upcalls. Optionally writes JSON, a V8 .cpuprofile whose blocks
// map to guest instructions, and a self-contained HTML report.
import { readFileSync, writeFileSync } from 'node:fs';
import { Machine } from '../../runtime/machine.ts';
import { loadKernelImage } from '../elf/image.ts';
import { symbolAt, type ElfSymbol } from '../elf/elf32.ts';
import { bootImageFrom } from '../../runtime/boot-image.ts';
import { defaultPlugins } from '../../runtime/plugins.ts';
import { EXIT_CODES, type RunEnd } from '../../runtime/run.ts';
import { disassemble } from '../decode/disasm.ts';
import { formatStats } from './stats.ts';
import type { Block } from '../../jit/jit.ts';
import { Sampler, type CpuProfile } from '../profile/sampler.ts';
import { attributeHostTime, CATEGORIES, type Category, type HostTime } from '../profile/host-time.ts';
import { countGuestEvents, type GuestEvents } from '../profile/guest-events.ts';
import { cpuProfileWithMaps, type CpuProfileWithMaps } from '../profile/cpuprofile.ts';
import { htmlReport } from '../profile/html.ts';

export interface ProfileOptions {
  memory: string; cmdline: string; clock: string; maxInstructions: string; timeout: string; top: string; json?: string;
  /** Host-time sampling (on unless false). */
  sample?: boolean;
  /** Sampling interval in microseconds. */
  sampleInterval?: string;
  cpuprofile?: string;
  html?: string;
}

export interface BlockProfile {
  eip: number; symbol: string; executions: number; instructions: number; share: number; disassembly: string[];
  /** Share of host samples with this block's own code on top, and with it innermost on the stack. */
  hostSelf: number; hostTotal: number;
  /** Host samples per instruction (own code only). */
  instructionSamples: number[];
}
export interface FunctionProfile { name: string; instructions: number; share: number; blocks: number; hostSelf: number; hostTotal: number; }
export interface HostProfile {
  samples: number; intervalUs: number; ms: number;
  /** Share of samples per category (sums to 1). */
  shares: Record<Category, number>;
  /** The three-way split: translated code, compilation, and everything else (core, runtime, dispatch, GC). */
  ratio: { translated: number; compilation: number; runtime: number };
}
export interface Profile {
  kernel: string; end: string; instructions: number; seconds: number;
  blocks: BlockProfile[]; functions: FunctionProfile[];
  jit: Record<string, unknown>;
  cache: { blocks: number; sourceChars: number };
  hypercalls: { name: string; count: number; ms: number }[];
  guestEvents: GuestEvents;
  host: HostProfile | null;
}
export interface ProfileRun { profile: Profile; cpuprofile: CpuProfileWithMaps | null; }

const hex = (v: number): string => '0x' + (v >>> 0).toString(16).padStart(8, '0');
function symName(symbols: readonly ElfSymbol[], eip: number): string {
  const s = symbolAt(symbols, eip);
  return s ? (s.offset ? `${s.symbol.name}+0x${s.offset.toString(16)}` : s.symbol.name) : '?';
}

export function profileKernel(file: string, o: ProfileOptions): Profile | string {
  const r = profileRun(file, o);
  return typeof r === 'string' ? r : r.profile;
}

export function profileRun(file: string, o: ProfileOptions): ProfileRun | string {
  let bytes: Uint8Array;
  try { bytes = new Uint8Array(readFileSync(file)); } catch (e) { return `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`; }
  let img;
  try { img = loadKernelImage(bytes); } catch (e) { return `${file}: ${(e as Error).message}`; }
  if (o.clock !== 'host' && o.clock !== 'virtual') return `--clock must be host or virtual, not ${o.clock}`;
  const sample = o.sample !== false;
  const intervalUs = Number(o.sampleInterval ?? 100);
  if (sample && !(intervalUs >= 1)) return `--sample-interval must be at least 1 (microseconds), not ${o.sampleInterval}`;
  if (o.cpuprofile && !sample) return '--cpuprofile needs sampling (drop --no-sample)';
  const m = new Machine({
    memoryMiB: Number(o.memory), pae: true, p2m: 'shuffle', seed: 1,
    jit: { instrument: true, sourceMaps: !!o.cpuprofile }, plugins: defaultPlugins({ clock: o.clock }),
  });
  m.domain.consoleOut = (t) => process.stdout.write(t);
  m.hypercalls.timing = true;
  m.boot(bootImageFrom(img, img.loadBytes, o.cmdline));
  const guestEvents = countGuestEvents(m);
  const sampler = sample ? new Sampler() : null;
  sampler?.start(intervalUs);
  const t0 = performance.now();
  let v8: CpuProfile | null = null;
  let end: RunEnd;
  try {
    end = m.run({ maxInstructions: Number(o.maxInstructions), timeoutSeconds: Number(o.timeout), slice: 100_000 });
  } finally {
    v8 = sampler?.stop() ?? null;
  }
  const seconds = (performance.now() - t0) / 1000;
  const jit = m.domain.jit;
  const all = [...jit.dropped, ...jit.blocks];
  const host = v8 ? attributeHostTime(v8, all, intervalUs) : null;

  // Merge blocks that were retranslated at the same address (self-modifying code, flushes).
  interface Merged { execs: number; insns: number; block: Block; self: number; total: number; perInsn: number[] }
  const byEip = new Map<number, Merged>();
  for (const b of all) {
    if (!b.count) continue;
    const e = byEip.get(b.eip) ?? { execs: 0, insns: 0, block: b, self: 0, total: 0, perInsn: [] };
    e.execs += b.count; e.insns += b.count * b.insns.length; e.block = b;
    const h = host?.byBlock.get(b);
    if (h) { e.self += h.self; e.total += h.total; if (h.perInstruction.length === b.insns.length) e.perInsn = addInto(e.perInsn, h.perInstruction); }
    byEip.set(b.eip, e);
  }
  const total = [...byEip.values()].reduce((a, e) => a + e.insns, 0) || 1;
  const samples = host?.samples || 1;
  const top = Number(o.top);
  const blocks: BlockProfile[] = [...byEip.values()].sort((a, b) => b.insns - a.insns).map((e) => ({
    eip: e.block.eip >>> 0, symbol: symName(img.symbols, e.block.eip), executions: e.execs, instructions: e.insns, share: e.insns / total,
    disassembly: e.block.insns.map((i) => `${hex(i.eip)}  ${disassemble(i)}`),
    hostSelf: e.self / samples, hostTotal: e.total / samples,
    instructionSamples: e.perInsn.length ? e.perInsn : e.block.insns.map(() => 0),
  }));
  const funcs = new Map<string, FunctionProfile>();
  for (const b of blocks) {
    const name = symbolAt(img.symbols, b.eip)?.symbol.name ?? '?';
    const f = funcs.get(name) ?? { name, instructions: 0, share: 0, blocks: 0, hostSelf: 0, hostTotal: 0 };
    f.instructions += b.instructions; f.blocks++; f.share = f.instructions / total;
    f.hostSelf += b.hostSelf; f.hostTotal += b.hostTotal;
    funcs.set(name, f);
  }
  const hypercalls = [...m.hypercalls.counts].map(([name, count]) => ({ name, count, ms: m.hypercalls.ms.get(name) ?? 0 })).sort((a, b) => b.count - a.count);
  const profile: Profile = {
    kernel: file, end: `${end} (exit status ${EXIT_CODES[end]})`, instructions: m.domain.cpu.icount, seconds,
    blocks: blocks.slice(0, Math.max(top, 50)), functions: [...funcs.values()].sort((a, b) => b.instructions - a.instructions),
    jit: { ...jit.stats }, cache: jit.cacheSize(), hypercalls, guestEvents, host: host && hostProfile(host),
  };
  return { profile, cpuprofile: v8 && o.cpuprofile ? cpuProfileWithMaps(v8, all) : null };
}

function addInto(a: number[], b: number[]): number[] {
  return b.map((x, k) => x + (a[k] ?? 0));
}

function hostProfile(h: HostTime): HostProfile {
  const n = h.samples || 1;
  const shares = Object.fromEntries(CATEGORIES.map((c) => [c, h.byCategory[c] / n])) as Record<Category, number>;
  return {
    samples: h.samples, intervalUs: h.intervalUs, ms: h.ms, shares,
    ratio: { translated: shares.translated, compilation: shares.compilation, runtime: 1 - shares.translated - shares.compilation },
  };
}

export function formatProfile(p: Profile, top: number): string {
  const pct = (x: number): string => (100 * x).toFixed(1).padStart(5) + '%';
  const out: string[] = [];
  out.push('', `profile of ${p.kernel}: ${p.end}, ${p.instructions} guest instructions in ${p.seconds.toFixed(3)} s`, '');
  out.push('hottest blocks (executions exact, from block instrumentation; host = share of sampled host time in the block\'s own code)');
  out.push('  share    executions  instructions    host  address     symbol');
  for (const b of p.blocks.slice(0, top)) out.push(`  ${pct(b.share)} ${String(b.executions).padStart(12)} ${String(b.instructions).padStart(13)}  ${p.host ? pct(b.hostSelf) : '     -'}  ${hex(b.eip)}  ${b.symbol}`);
  out.push('', 'by guest function');
  for (const f of p.functions.slice(0, top)) out.push(`  ${pct(f.share)} ${String(f.instructions).padStart(13)}  ${p.host ? pct(f.hostSelf) : '     -'}  ${f.name} (${f.blocks} blocks)`);
  for (const b of p.blocks.slice(0, Math.min(3, top))) {
    out.push('', `block ${hex(b.eip)} ${b.symbol}, ${b.executions} executions${p.host ? ' (host samples per instruction on the left, from V8 line ticks; samples V8 puts on no line are not shown)' : ''}:`);
    out.push(...b.disassembly.map((l, k) => (p.host ? String(b.instructionSamples[k]).padStart(7) + '  ' : '  ') + l));
  }
  if (p.host) {
    const h = p.host;
    out.push('', `host time: ${h.samples} samples every ${h.intervalUs} us over ${h.ms.toFixed(1)} ms`);
    out.push('  ' + CATEGORIES.map((c) => `${c} ${pct(h.shares[c]).trim()}`).join(', '));
    out.push(`  translated : compilation : rest = ${pct(h.ratio.translated).trim()} : ${pct(h.ratio.compilation).trim()} : ${pct(h.ratio.runtime).trim()}`);
  }
  out.push('', 'hypercalls');
  for (const h of p.hypercalls) out.push(`  ${String(h.count).padStart(9)}  ${h.ms.toFixed(2).padStart(9)} ms  ${h.name}`);
  const ev = p.guestEvents;
  const list = (r: Record<string, number>): string => Object.entries(r).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  out.push('', `guest exceptions (bounced to the guest or emulated): ${list(ev.exceptions)}; software interrupts: ${list(ev.softInterrupts)}; event upcalls delivered: ${ev.eventUpcalls}`);
  const s = p.jit as unknown as Parameters<typeof formatStats>[0];
  out.push('', 'translator', ...formatStats(s).split('\n').map((l) => '  ' + l));
  out.push(`  code cache now ${p.cache.blocks} blocks (${(p.cache.sourceChars / 1024).toFixed(1)} KiB of source), peak ${s.peakBlocks}, evicted ${s.blocksEvicted}, alias replacements ${s.aliasReplacements}`);
  out.push(`  invalidations by cause: ${list(s.invalidationsByCause)}`);
  return out.join('\n') + '\n';
}

export function profileCommand(file: string, o: ProfileOptions): number {
  const r = profileRun(file, o);
  if (typeof r === 'string') { process.stderr.write(`xenjit: ${r}\n`); return 2; }
  const p = r.profile;
  process.stderr.write(formatProfile(p, Number(o.top)));
  if (o.json) writeFileSync(o.json, JSON.stringify(p, null, 2));
  if (o.cpuprofile && r.cpuprofile) writeFileSync(o.cpuprofile, JSON.stringify(r.cpuprofile));
  if (o.html) writeFileSync(o.html, htmlReport(p));
  return 0;
}
