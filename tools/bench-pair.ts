// `npx tsx tools/bench-pair.ts OTHER [--bench a,b,...] [--windows N] [--step M]`: the steady
// state of two xenjit trees measured side by side in one process, for A/B decisions that the
// suite's fresh-process n2 - n1 pairs are too noisy for on this kind of machine (the same
// build's n2 - n1 moves by 2x between runs, and a process's steady state by 1.5x, for reasons
// outside the process). OTHER is another checkout of xenjit (for instance
// `git worktree add /tmp/base <rev>` and `ln -s "$PWD/node_modules" /tmp/base/`); this tree is B.
// Both trees' modules are loaded into this process, each boots the same PV benchmark kernel
// (bench/build, made by bench/build.sh), and the two machines run alternating windows of M
// million guest instructions (A first in even windows, B first in odd ones), so whatever the
// host does to one window it does to its pair. Prints per benchmark the median guest MIPS of
// each over the last half of the windows and the median of the per-pair time ratios B/A
// (below 1: B is faster).
import { readFileSync, existsSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { BENCHMARKS } from '../bench/manifest.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

interface Runner { run(): number }

/** A machine of `tree` booted on benchmark `name` with a count no window sequence exhausts. */
async function machineOf(tree: string, name: string): Promise<Runner> {
  const mod = async <T>(p: string): Promise<T> => (await import(join(tree, p))) as T;
  const { Machine } = await mod<typeof import('../runtime/machine.ts')>('runtime/machine.ts');
  const { loadKernelImage } = await mod<typeof import('../src/elf/image.ts')>('src/elf/image.ts');
  const { bootImageFrom } = await mod<typeof import('../runtime/boot-image.ts')>('runtime/boot-image.ts');
  const { defaultPlugins } = await mod<typeof import('../runtime/plugins.ts')>('runtime/plugins.ts');
  const bytes = new Uint8Array(readFileSync(join(root, 'bench', 'build', `${name}.pv.elf`)));
  const img = loadKernelImage(bytes);
  const m = new Machine({ memoryMiB: 32, pae: true, p2m: 'shuffle', seed: 1, jit: {}, plugins: defaultPlugins({ clock: 'virtual' }) });
  m.boot(bootImageFrom(img, img.loadBytes ?? bytes, '100000000'));
  return {
    /** Milliseconds per million guest instructions over one window. */
    run(): number {
      const c = m.domain.cpu, i0 = c.icount, t0 = performance.now();
      const end = m.run({ maxInstructions: step, timeoutSeconds: 900, slice: 1_000_000 });
      if (end !== 'instruction-limit') throw new Error(`${tree}: ${name} ended (${end}) inside the measurement`);
      return (performance.now() - t0) / ((c.icount - i0) / 1e6);
    },
  };
}

const median = (x: number[]): number => { const s = [...x].sort((a, b) => a - b); return s[s.length >> 1]; };

const cmd = new Command('bench-pair')
  .argument('<other>', 'the A tree (another checkout); this tree is B')
  .option('--bench <names>', 'comma-separated compute benchmarks', BENCHMARKS.filter((b) => b.kind === 'compute').map((b) => b.name).join(','))
  .option('--windows <n>', 'window pairs per benchmark (the last half count)', '60')
  .option('--step <M>', 'million guest instructions per window', '5')
  .parse();
const other = resolve(cmd.args[0]);
const o = cmd.opts<{ bench: string; windows: string; step: string }>();
const step = Number(o.step) * 1e6, windows = Number(o.windows);
if (!existsSync(join(other, 'runtime', 'machine.ts'))) { console.error(`${other}: not a xenjit tree (no runtime/machine.ts)`); process.exit(2); }
if (!existsSync(join(other, 'node_modules'))) { console.error(`${other}: no node_modules (npm ci there, or ln -s ${join(root, 'node_modules')} ${other}/)`); process.exit(2); }
if (!(step > 0) || !(windows >= 2)) { console.error('--step must be positive and --windows at least 2'); process.exit(2); }

console.log(`A = ${other}, B = ${root}; ${windows} alternating windows of ${o.step} M instructions, medians over the last ${windows - (windows >> 1)}`);
console.log('benchmark     A MIPS   B MIPS   B/A time');
for (const name of o.bench.split(',')) {
  if (!existsSync(join(root, 'bench', 'build', `${name}.pv.elf`))) { console.log(`${name.padEnd(12)} missing (run bench/build.sh)`); continue; }
  const a = await machineOf(other, name), b = await machineOf(root, name);
  const ma: number[] = [], mb: number[] = [], q: number[] = [];
  for (let k = 0; k < windows; k++) {
    let ta: number, tb: number;
    if (k & 1) { tb = b.run(); ta = a.run(); } else { ta = a.run(); tb = b.run(); }
    if (k >= windows >> 1) { ma.push(1000 / ta); mb.push(1000 / tb); q.push(tb / ta); }
  }
  console.log(`${name.padEnd(12)} ${median(ma).toFixed(0).padStart(7)}  ${median(mb).toFixed(0).padStart(7)}   ${median(q).toFixed(2).padStart(8)}`);
}
