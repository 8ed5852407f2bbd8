// `npx tsx tools/boot-time.ts IMAGE [--until TEXT] [--clock virtual|host] [--memory MiB] [--disk F]
// [--tier-up N] [--sparse-tier-up N] [--region-at N | --no-regions]`:
// how long a guest takes to print TEXT (default "grub> ", GRUB's prompt): guest instructions,
// host seconds (build and run separately) and the translator's counters at that moment.
import { Command } from 'commander';
import { readImage, prepareGuest, parseDisk, GuestError } from '../src/cli/guest.ts';
import { formatStats } from '../src/cli/stats.ts';

const cmd = new Command('boot-time')
  .argument('<image>')
  .option('--until <text>', 'stop when the console shows this', 'grub> ')
  .option('--clock <kind>', 'virtual or host', 'virtual')
  .option('--memory <MiB>', 'domain memory', '64')
  .option('--disk <file[,ro]>', 'a disk', (v: string, p: string[]) => [...p, v], [] as string[])
  .option('--max <n>', 'give up after this many instructions', '2000000000')
  .option('--region-at <n>', 'runs after which a compiled block joins its page\'s region')
  .option('--no-regions', 'compile blocks one by one only')
  .option('--tier-up <n>', 'runs a block is interpreted before it is compiled')
  .option('--sparse-tier-up <n>', 'runs after which a sparsely running block is compiled')
  .parse();
const o = cmd.opts<{ until: string; clock: 'virtual' | 'host'; memory: string; disk: string[]; max: string; regionAt?: string; regions: boolean; tierUp?: string; sparseTierUp?: string }>();
const file = cmd.args[0];

try {
  const t0 = performance.now();
  let out = '';
  const { machine: m } = prepareGuest(readImage(file), {
    memoryMiB: Number(o.memory), clock: o.clock, disks: o.disk.map(parseDisk), onConsole: (t) => { out += t; },
    jit: { regions: o.regions, ...(o.regionAt ? { regionAt: Number(o.regionAt) } : {}), ...(o.tierUp !== undefined ? { tierUp: Number(o.tierUp) } : {}), ...(o.sparseTierUp !== undefined ? { sparseTierUp: Number(o.sparseTierUp) } : {}) },
  }, file);
  const t1 = performance.now();
  const c = m.domain.cpu, max = Number(o.max);
  let end = '';
  while (!out.includes(o.until)) {
    end = m.run({ maxInstructions: 100_000, timeoutSeconds: 600, slice: 100_000 });
    if (end !== 'instruction-limit' || c.icount >= max) break;
  }
  const t2 = performance.now();
  const reached = out.includes(o.until);
  console.log(`${file} (${o.clock} clock, ${o.memory} MiB): ${reached ? `"${o.until.trim()}" after` : `not reached (${end}) after`} ${c.icount} instructions; build ${(t1 - t0).toFixed(0)} ms, run ${(t2 - t1).toFixed(0)} ms (${(c.icount / ((t2 - t1) / 1000) / 1e6).toFixed(2)} guest MIPS)`);
  console.log(formatStats(m.domain.jit.stats));
  process.exitCode = reached ? 0 : 1;
} catch (e) {
  if (e instanceof GuestError) { console.error(`boot-time: ${e.message}`); process.exitCode = 2; } else throw e;
}
