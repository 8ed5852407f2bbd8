// `npm run bench`: the bare core on a CPU-bound guest loop (tests/guests/bench-loop.asm),
// block JIT vs single-step, measured side by side in one run (interleaved rounds; the best
// round of each counts). Prints guest MIPS, the ratio, and the JIT counters; then the cost of
// profiling (instrumentation, sampling) on the same loop.
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBare, bareMachine, type BareRun } from '../src/cli/bare.ts';
import { formatStats } from '../src/cli/stats.ts';
import { EAX, EBX } from '../src/cpu/regs.ts';
import type { JitOptions } from '../jit/jit.ts';
import { Sampler } from '../src/profile/sampler.ts';

const here = dirname(fileURLToPath(import.meta.url));
const image = readFileSync(join(here, '..', 'tests', 'guests', 'bench-loop.bin'));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const configs = [
  { name: 'block JIT', iters: 400, opts: { singleStep: false } },
  { name: 'single-step', iters: 40, opts: { singleStep: true } },
];

const best = new Map<string, BareRun & { mips: number }>();
for (let round = 0; round < ROUNDS; round++) {
  for (const cfg of configs) {
    const r = runBare(image, 4e9, cfg.opts, (c) => { c.regs[EBX] = cfg.iters; });
    if (r.exit !== 'halt') throw new Error(`${cfg.name}: guest did not halt (${r.exit})`);
    const mips = r.cpu.icount / r.seconds / 1e6;
    const prev = best.get(cfg.name);
    if (!prev || mips > prev.mips) best.set(cfg.name, { ...r, mips });
  }
}
console.log(`bare core, guest loop (CRC-32, insertion sort, state machine); best of ${ROUNDS} interleaved rounds`);
console.log('engine        iterations  instructions   seconds   guest MIPS   checksum');
for (const cfg of configs) {
  const r = best.get(cfg.name)!;
  console.log(`${cfg.name.padEnd(13)} ${String(cfg.iters).padStart(10)} ${String(r.cpu.icount).padStart(13)} ${r.seconds.toFixed(3).padStart(9)} ${r.mips.toFixed(2).padStart(12)}   0x${(r.cpu.regs[EAX] >>> 0).toString(16)}`);
}
const b = best.get('block JIT')!, s = best.get('single-step')!;
console.log(`block JIT / single-step: ${(b.mips / s.mips).toFixed(2)}x`);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
for (const cfg of configs) console.log(`\n${cfg.name} counters:\n${formatStats(best.get(cfg.name)!.jit.stats)}`);

// Profiling overhead: the same guest loop plain, with per-block execution counters (what
// `xenjit profile` compiles), and counters plus host-time sampling (node:inspector's profiler
// at the profile command's default interval, 100 us), interleaved rounds (order rotating), best
// round of each. Measured in process CPU time (all threads, so the sampler's own thread counts):
// on a busy machine wall time mostly measures the scheduler, and a thread woken by the
// sampler's signals every 100 us gets scheduled more often, which looks like a speed-up.
const profileConfigs: { name: string; opts: Partial<JitOptions>; sample: boolean }[] = [
  { name: 'plain', opts: {}, sample: false },
  { name: 'instrumented', opts: { instrument: true }, sample: false },
  { name: 'instr+sampling', opts: { instrument: true }, sample: true },
];
const PROFILE_ITERS = 400;
const profBest = new Map<string, { cpu: number; wall: number }>();
for (let round = 0; round < ROUNDS; round++) {
  // The order rotates each round, so no configuration always runs first or last.
  for (let k = 0; k < profileConfigs.length; k++) {
    const cfg = profileConfigs[(k + round) % profileConfigs.length];
    const { cpu, jit } = bareMachine(image, 4 << 20, cfg.opts);
    cpu.regs[EBX] = PROFILE_ITERS;
    const sampler = cfg.sample ? new Sampler() : null;
    sampler?.start(100);
    const u0 = process.cpuUsage(), t0 = performance.now();
    const end = jit.run(4e9);
    const u = process.cpuUsage(u0), wall = (performance.now() - t0) / 1000;
    sampler?.stop();
    if (end !== 'halt') throw new Error(`${cfg.name}: guest did not halt (${end})`);
    const mips = { cpu: cpu.icount / ((u.user + u.system) / 1e6) / 1e6, wall: cpu.icount / wall / 1e6 };
    const prev = profBest.get(cfg.name);
    profBest.set(cfg.name, { cpu: Math.max(prev?.cpu ?? 0, mips.cpu), wall: Math.max(prev?.wall ?? 0, mips.wall) });
  }
}
console.log(`\nprofiling overhead, same guest loop (${PROFILE_ITERS} iterations); best of ${ROUNDS} interleaved rounds`);
console.log('configuration    MIPS (CPU time)  cost vs plain   MIPS (wall)  cost vs plain');
const plain = profBest.get('plain')!;
for (const cfg of profileConfigs) {
  const b = profBest.get(cfg.name)!;
  console.log(`${cfg.name.padEnd(15)} ${b.cpu.toFixed(2).padStart(16)} ${(plain.cpu / b.cpu).toFixed(2).padStart(13)}x ${b.wall.toFixed(2).padStart(12)} ${(plain.wall / b.wall).toFixed(2).padStart(13)}x`);
}
