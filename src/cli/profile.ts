// `xenjit profile <kernel>`: run a PV kernel with per-block execution counters and report where
// the guest spent its instructions (hot blocks with symbols and disassembly, the same by guest
// function), what the translator did (its counters), and the hypercalls by name.
import { readFileSync, writeFileSync } from 'node:fs';
import { Machine } from '../../runtime/machine.ts';
import { loadKernelImage } from '../elf/image.ts';
import { symbolAt, type ElfSymbol } from '../elf/elf32.ts';
import { bootImageFrom } from '../../runtime/boot-image.ts';
import { defaultPlugins } from '../../runtime/plugins.ts';
import { EXIT_CODES } from '../../runtime/run.ts';
import { disassemble } from '../decode/disasm.ts';
import { formatStats } from './stats.ts';
import type { Block } from '../../jit/jit.ts';

export interface ProfileOptions { memory: string; cmdline: string; clock: string; maxInstructions: string; timeout: string; top: string; json?: string; }

export interface BlockProfile { eip: number; symbol: string; executions: number; instructions: number; share: number; disassembly: string[]; }
export interface FunctionProfile { name: string; instructions: number; share: number; blocks: number; }
export interface Profile {
  kernel: string; end: string; instructions: number; seconds: number;
  blocks: BlockProfile[]; functions: FunctionProfile[];
  jit: Record<string, unknown>;
  hypercalls: { name: string; count: number; ms: number }[];
}

const hex = (v: number): string => '0x' + (v >>> 0).toString(16).padStart(8, '0');
function symName(symbols: readonly ElfSymbol[], eip: number): string {
  const s = symbolAt(symbols, eip);
  return s ? (s.offset ? `${s.symbol.name}+0x${s.offset.toString(16)}` : s.symbol.name) : '?';
}

export function profileKernel(file: string, o: ProfileOptions): Profile | string {
  let bytes: Uint8Array;
  try { bytes = new Uint8Array(readFileSync(file)); } catch (e) { return `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`; }
  let img;
  try { img = loadKernelImage(bytes); } catch (e) { return `${file}: ${(e as Error).message}`; }
  if (o.clock !== 'host' && o.clock !== 'virtual') return `--clock must be host or virtual, not ${o.clock}`;
  const m = new Machine({ memoryMiB: Number(o.memory), pae: true, p2m: 'shuffle', seed: 1, jit: { instrument: true }, plugins: defaultPlugins({ clock: o.clock }) });
  m.domain.consoleOut = (t) => process.stdout.write(t);
  m.boot(bootImageFrom(img, img.loadBytes, o.cmdline));
  const t0 = performance.now();
  const end = m.run({ maxInstructions: Number(o.maxInstructions), timeoutSeconds: Number(o.timeout), slice: 100_000 });
  const seconds = (performance.now() - t0) / 1000;
  const jit = m.domain.jit;
  // Merge blocks that were retranslated at the same address (self-modifying code, flushes).
  const byEip = new Map<number, { execs: number; insns: number; block: Block }>();
  for (const b of [...jit.dropped, ...jit.blocks]) {
    if (!b.count) continue;
    const e = byEip.get(b.eip) ?? { execs: 0, insns: 0, block: b };
    e.execs += b.count; e.insns += b.count * b.insns.length; e.block = b;
    byEip.set(b.eip, e);
  }
  const total = [...byEip.values()].reduce((a, e) => a + e.insns, 0) || 1;
  const top = Number(o.top);
  const blocks = [...byEip.values()].sort((a, b) => b.insns - a.insns).map((e) => ({
    eip: e.block.eip >>> 0, symbol: symName(img.symbols, e.block.eip), executions: e.execs, instructions: e.insns, share: e.insns / total,
    disassembly: e.block.insns.map((i) => `${hex(i.eip)}  ${disassemble(i)}`),
  }));
  const funcs = new Map<string, FunctionProfile>();
  for (const b of blocks) {
    const name = symbolAt(img.symbols, b.eip)?.symbol.name ?? '?';
    const f = funcs.get(name) ?? { name, instructions: 0, share: 0, blocks: 0 };
    f.instructions += b.instructions; f.blocks++; f.share = f.instructions / total;
    funcs.set(name, f);
  }
  const hypercalls = [...m.hypercalls.counts].map(([name, count]) => ({ name, count, ms: m.hypercalls.ms.get(name) ?? 0 })).sort((a, b) => b.count - a.count);
  return {
    kernel: file, end: `${end} (exit status ${EXIT_CODES[end]})`, instructions: m.domain.cpu.icount, seconds,
    blocks: blocks.slice(0, Math.max(top, 50)), functions: [...funcs.values()].sort((a, b) => b.instructions - a.instructions),
    jit: { ...jit.stats }, hypercalls,
  };
}

export function profileCommand(file: string, o: ProfileOptions): number {
  const p = profileKernel(file, o);
  if (typeof p === 'string') { process.stderr.write(`xenjit: ${p}\n`); return 2; }
  const top = Number(o.top);
  const pct = (x: number): string => (100 * x).toFixed(1).padStart(5) + '%';
  const out: string[] = [];
  out.push('', `profile of ${p.kernel}: ${p.end}, ${p.instructions} guest instructions in ${p.seconds.toFixed(3)} s`, '');
  out.push('hottest blocks (exact counts from block instrumentation)');
  out.push('  share    executions  instructions  address     symbol');
  for (const b of p.blocks.slice(0, top)) out.push(`  ${pct(b.share)} ${String(b.executions).padStart(12)} ${String(b.instructions).padStart(13)}  ${hex(b.eip)}  ${b.symbol}`);
  out.push('', 'by guest function');
  for (const f of p.functions.slice(0, top)) out.push(`  ${pct(f.share)} ${String(f.instructions).padStart(13)}  ${f.name} (${f.blocks} blocks)`);
  for (const b of p.blocks.slice(0, Math.min(3, top))) { out.push('', `block ${hex(b.eip)} ${b.symbol}, ${b.executions} executions:`); out.push(...b.disassembly.map((l) => '  ' + l)); }
  out.push('', 'hypercalls');
  for (const h of p.hypercalls) out.push(`  ${String(h.count).padStart(9)}  ${h.ms.toFixed(2).padStart(9)} ms  ${h.name}`);
  out.push('', 'translator', ...formatStats(p.jit as never).split('\n').map((l) => '  ' + l));
  process.stderr.write(out.join('\n') + '\n');
  if (o.json) writeFileSync(o.json, JSON.stringify(p, null, 2));
  return 0;
}
