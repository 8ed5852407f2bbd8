// Runs one PV benchmark kernel under xenjit in this process with a fresh Machine and prints one
// JSON line: console output, how the run ended, guest run time (Machine.run only: not Node's
// start-up, module loading or the domain build), retired instructions, the JIT counters, the
// code cache at the end, and this process's peak RSS.
// Usage: node --import tsx bench/runners/xenjit.ts KERNEL COUNT [--memory MiB] [--max-blocks N]
import { readFileSync } from 'node:fs';
import { Machine } from '../../runtime/machine.ts';
import { loadKernelImage } from '../../src/elf/image.ts';
import { bootImageFrom } from '../../runtime/boot-image.ts';
import { defaultPlugins } from '../../runtime/plugins.ts';

export interface XenjitRun {
  end: string; output: string; seconds: number; instructions: number;
  stats: import('../../jit/stats.ts').JitStats;
  cache: { blocks: number; maxBlocks: number; sourceKiB: number };
  maxRSSKiB: number;
}

export function runXenjit(file: string, count: string, memoryMiB = 32, maxBlocks?: number): XenjitRun {
  const bytes = new Uint8Array(readFileSync(file));
  const img = loadKernelImage(bytes);
  const m = new Machine({
    memoryMiB, pae: true, p2m: 'shuffle', seed: 1,
    jit: maxBlocks ? { maxBlocks } : {},
    plugins: defaultPlugins({ clock: 'virtual' }),
  });
  let output = '';
  m.domain.consoleOut = (t) => { output += t; };
  m.boot(bootImageFrom(img, img.loadBytes ?? bytes, count));
  const t0 = performance.now();
  const end = m.run({ maxInstructions: 1e12, timeoutSeconds: 900, slice: 1_000_000 });
  const seconds = (performance.now() - t0) / 1000;
  const jit = m.domain.jit;
  const cached = jit.cacheSize();
  return {
    end, output, seconds, instructions: m.domain.cpu.icount, stats: jit.stats,
    cache: { blocks: cached.blocks, maxBlocks: jit.opts.maxBlocks, sourceKiB: Math.round(cached.sourceChars / 1024) },
    maxRSSKiB: process.resourceUsage().maxRSS,
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').slice(-2).join('/'))) {
  const args = process.argv.slice(2);
  const opt = (name: string): number | undefined => {
    const k = args.indexOf(name);
    if (k < 0) return undefined;
    const v = Number(args.splice(k, 2)[1]);
    return Number.isFinite(v) ? v : undefined;
  };
  const memory = opt('--memory') ?? 32, maxBlocks = opt('--max-blocks');
  const [file, count] = args;
  process.stdout.write(JSON.stringify(runXenjit(file, count ?? '1', memory, maxBlocks)) + '\n');
}
