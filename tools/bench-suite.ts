// `npm run bench` (second part): the benchmark suite of bench/, side by side with the real CPU,
// QEMU (TCG) and v86. Every benchmark runs at two iteration counts on every engine, engines
// interleaved, several rounds; per engine and count the median time counts, and the rate is
// (n2 - n1) / (t2 - t1), so start-up (process, emulator, boot, first translation of hot code)
// cancels. Checksums must agree across engines at each count. Missing peers are reported, not
// failures. Options: --quick (one round), --rounds N, --only a,b, --engines a,b, --max-blocks N.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, readdirSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { BENCHMARKS, ENGINES, enginesOf, imageOf, countsFor, SCALE, type BenchDef, type Engine } from '../bench/manifest.ts';
import type { XenjitRun } from '../bench/runners/xenjit.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, 'bench'), buildDir = join(benchDir, 'build');
const TIME = '/usr/bin/time';

interface Options { rounds: number; only?: string[]; engines: Engine[]; maxBlocks?: number; nativeReps: number }
function parseArgs(argv: string[]): Options {
  const o: Options = { rounds: 3, engines: [...ENGINES], nativeReps: 3 };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k], v = (): string => { const x = argv[++k]; if (x === undefined) throw new Error(`${a} needs a value`); return x; };
    if (a === '--quick') { o.rounds = 1; o.nativeReps = 3; }
    else if (a === '--rounds') o.rounds = Math.max(1, Number(v()));
    else if (a === '--only') o.only = v().split(',');
    else if (a === '--engines') o.engines = v().split(',') as Engine[];
    else if (a === '--max-blocks') o.maxBlocks = Number(v());
    else if (a === '--help' || a === '-h') {
      console.log('usage: tsx tools/bench-suite.ts [--quick] [--rounds N] [--only NAME[,NAME]] [--engines native,qemu,v86,xenjit] [--max-blocks N]');
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// Tools, peers and the build

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const v86Path = join(benchDir, '.peers', 'node_modules', 'v86', 'build', 'libv86.mjs');
function toolchainOk(): boolean {
  return has('nasm') && has('ld') && spawnSync('sh', ['-c', "echo 'int x;' | gcc -m32 -x c -c -o /dev/null -"], { stdio: 'ignore' }).status === 0;
}
const peerMissing: Partial<Record<Engine, string>> = {};
function checkPeers(): void {
  if (!has('qemu-system-i386')) peerMissing.qemu = 'missing (apt-get install qemu-system-x86)';
  else delete peerMissing.qemu;
  if (!existsSync(v86Path)) peerMissing.v86 = 'missing (npm install --prefix bench/.peers v86, or bash bench/setup.sh)';
  else delete peerMissing.v86;
}

function newestSource(): number {
  let t = 0;
  const walk = (d: string): void => {
    for (const f of readdirSync(d, { withFileTypes: true })) {
      if (f.name === 'build' || f.name === '.peers' || f.name === 'runners' || f.name === 'README.md') continue;
      const p = join(d, f.name);
      if (f.isDirectory()) walk(p); else t = Math.max(t, statSync(p).mtimeMs);
    }
  };
  walk(benchDir);
  return t;
}

function ensureBuilt(): boolean {
  const stamp = join(buildDir, '.stamp');
  const fresh = existsSync(stamp) && statSync(stamp).mtimeMs >= newestSource() &&
    BENCHMARKS.every((b) => enginesOf(b).every((e) => existsSync(join(buildDir, imageOf(b, e)))));
  if (fresh) return true;
  if (!toolchainOk()) {
    console.log('bench: the build needs gcc with 32-bit support, nasm and GNU ld: apt-get install -y gcc-multilib nasm binutils');
    return false;
  }
  console.log('bench: building bench/build (bench/build.sh)');
  const r = spawnSync('bash', [join(benchDir, 'build.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) { console.log('bench: bench/build.sh failed'); return false; }
  writeFileSync(stamp, '');
  return true;
}

// ---------------------------------------------------------------------------------------------
// One run on one engine

interface RunResult {
  ok: boolean; error?: string; checksum?: string; seconds: number; rssKiB?: number;
  xenjit?: XenjitRun;
}

const BENCH_LINE = /BENCH (\S+) n=(\d+) checksum=([0-9a-f]{8})/;
function parseOutput(out: string, n: number): { checksum?: string; error?: string } {
  const bad = /BENCH-ERROR (.*)/.exec(out);
  if (bad) return { error: bad[1] };
  const m = BENCH_LINE.exec(out);
  if (!m) return { error: `no BENCH line in output: ${JSON.stringify(out.slice(-200))}` };
  if (Number(m[2]) !== n) return { error: `ran n=${m[2]}, asked for ${n}` };
  return { checksum: m[3] };
}

const tmp = mkdtempSync(join(tmpdir(), 'xenjit-bench-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

/** Spawn a process, timed from the outside, peak RSS through /usr/bin/time when present. */
function timedSpawn(cmd: string, args: string[], timeoutMs: number): { status: number | null; stdout: string; stderr: string; seconds: number; rssKiB?: number } {
  const rssFile = join(tmp, 'rss');
  const useTime = existsSync(TIME);
  const [c, a] = useTime ? [TIME, ['-f', '%M', '-o', rssFile, cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(c, a, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  let rssKiB: number | undefined;
  if (useTime && existsSync(rssFile)) { rssKiB = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()); rmSync(rssFile); }
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', seconds, rssKiB };
}

function runOnce(b: BenchDef, e: Engine, n: number, o: Options): RunResult {
  const image = join(buildDir, imageOf(b, e));
  if (e === 'native') {
    const r = timedSpawn(image, [String(n)], 120_000);
    const p = parseOutput(r.stdout, n);
    return { ok: r.status === 0 && !p.error, error: p.error ?? (r.status !== 0 ? `exit ${r.status}` : undefined), checksum: p.checksum, seconds: r.seconds, rssKiB: r.rssKiB };
  }
  if (e === 'qemu') {
    const r = timedSpawn('qemu-system-i386', ['-kernel', image, '-append', String(n), '-display', 'none', '-serial', 'stdio',
      '-monitor', 'none', '-no-reboot', '-m', '64', '-device', 'isa-debug-exit,iobase=0xf4,iosize=4', '-accel', 'tcg'], 600_000);
    const p = parseOutput(r.stdout, n);
    // isa-debug-exit: status = (value << 1) | 1, the kernel writes 0.
    const ok = r.status === 1 && !p.error;
    return { ok, error: p.error ?? (ok ? undefined : `exit ${r.status} ${r.stderr.slice(0, 200)}`), checksum: p.checksum, seconds: r.seconds, rssKiB: r.rssKiB };
  }
  const [script, extra] = e === 'v86'
    ? [[join(benchDir, 'runners', 'v86.mjs')], []]
    : [['--import', 'tsx', join(benchDir, 'runners', 'xenjit.ts')], o.maxBlocks ? ['--max-blocks', String(o.maxBlocks)] : []];
  const r = spawnSync(process.execPath, [...script, image, String(n), ...extra], { cwd: root, encoding: 'utf8', timeout: 900_000, maxBuffer: 1 << 26 });
  let j: { status?: string; end?: string; output: string; seconds: number; maxRSSKiB: number };
  try { j = JSON.parse((r.stdout ?? '').trim().split('\n').pop() ?? ''); } catch {
    return { ok: false, error: `runner failed (status ${r.status}): ${(r.stderr ?? '').slice(-300)}`, seconds: NaN };
  }
  const p = parseOutput(j.output, n);
  const bad = e === 'v86' ? (j.status !== 'ok' ? j.status : undefined) : (j.end !== 'poweroff' ? j.end : undefined);
  return {
    ok: !bad && !p.error, error: p.error ?? bad, checksum: p.checksum, seconds: j.seconds, rssKiB: j.maxRSSKiB,
    xenjit: e === 'xenjit' ? (j as unknown as XenjitRun) : undefined,
  };
}

// ---------------------------------------------------------------------------------------------
// Measurement

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); const k = s.length >> 1; return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2; };

interface Cell {
  engine: Engine; missing?: string; errors: string[];
  /** Timed runs at countsFor(engine); checksums: the unscaled counts (compared across engines). */
  times: [number[], number[]]; rss: number[]; checksums: [Set<string>, Set<string>];
  last?: [XenjitRun | undefined, XenjitRun | undefined];
  /** "n:checksum" of timed runs at scaled counts (native and QEMU must agree there too). */
  scaledSums?: Set<string>;
}
interface Measured { def: BenchDef; cells: Map<Engine, Cell> }

function measure(o: Options): Measured[] {
  const defs = BENCHMARKS.filter((b) => !o.only || o.only.includes(b.name));
  if (o.only) for (const n of o.only) if (!BENCHMARKS.some((b) => b.name === n)) console.log(`bench: no benchmark named ${n}`);
  const res: Measured[] = defs.map((def) => ({ def, cells: new Map() }));
  for (const m of res) {
    for (const e of enginesOf(m.def)) {
      if (!o.engines.includes(e)) continue;
      m.cells.set(e, { engine: e, missing: peerMissing[e], errors: [], times: [[], []], rss: [], checksums: [new Set(), new Set()], last: [undefined, undefined] });
    }
  }
  // The checksum runs at the common counts (the timed runs below reuse them where unscaled).
  for (const m of res) {
    for (const cell of m.cells.values()) {
      const scaled = countsFor(m.def, cell.engine);
      if (cell.missing || (scaled[0] === m.def.counts[0] && scaled[1] === m.def.counts[1])) continue;
      for (const k of [0, 1] as const) {
        const r = runOnce(m.def, cell.engine, m.def.counts[k], o);
        if (!r.ok) { cell.errors.push(`n=${m.def.counts[k]}: ${r.error}`); break; }
        cell.checksums[k].add(r.checksum!);
      }
    }
  }
  for (let round = 0; round < o.rounds; round++) {
    for (const m of res) {
      const line: string[] = [];
      for (const cell of m.cells.values()) {
        if (cell.missing || cell.errors.length) continue;
        const reps = cell.engine === 'native' ? o.nativeReps : 1;
        for (let rep = 0; rep < reps; rep++) {
          for (const k of [0, 1] as const) {
            const counts = countsFor(m.def, cell.engine), n = counts[k];
            const r = runOnce(m.def, cell.engine, n, o);
            if (!r.ok) { cell.errors.push(`n=${n}: ${r.error}`); break; }
            cell.times[k].push(r.seconds);
            if (n === m.def.counts[k]) cell.checksums[k].add(r.checksum!);
            else (cell.scaledSums ??= new Set()).add(`${n}:${r.checksum}`);
            if (k === 1 && r.rssKiB) cell.rss.push(r.rssKiB);
            if (r.xenjit) cell.last![k] = r.xenjit;
          }
          if (cell.errors.length) break;
        }
        line.push(`${cell.engine} ${cell.errors.length ? 'FAILED' : median(cell.times[1]).toFixed(3) + 's'}`);
      }
      console.log(`  round ${round + 1}/${o.rounds} ${m.def.name.padEnd(10)} ${line.join('  ')}`);
    }
  }
  return res;
}

/** Iterations per second from the two counts' median times. */
function rate(m: Measured, e: Engine): number | undefined {
  const c = m.cells.get(e);
  if (!c || c.missing || c.errors.length || !c.times[0].length || !c.times[1].length) return undefined;
  const dt = median(c.times[1]) - median(c.times[0]), n = countsFor(m.def, e);
  return dt > 0 ? (n[1] - n[0]) / dt : undefined;
}

// ---------------------------------------------------------------------------------------------
// Report

const fmtRate = (r: number | undefined): string => r === undefined ? '-' : r >= 1e4 ? r.toExponential(2) : r >= 100 ? r.toFixed(0) : r.toFixed(1);
const fmtX = (r: number | undefined): string => r === undefined || !Number.isFinite(r) ? '-' : r >= 100 ? r.toFixed(0) + 'x' : r.toFixed(2) + 'x';
const geomean = (xs: number[]): number | undefined => xs.length ? Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length) : undefined;
const pad = (s: string, n: number): string => s.padStart(n);
function table(head: string[], rows: string[][]): string {
  const w = head.map((h, k) => Math.max(h.length, ...rows.map((r) => (r[k] ?? '').length)));
  const f = (r: string[]): string => r.map((x, k) => (k === 0 ? x.padEnd(w[k]) : pad(x, w[k]))).join('  ');
  return [f(head), ...rows.map(f)].join('\n');
}

function report(res: Measured[], o: Options): number {
  let status = 0;
  const engines = o.engines;
  console.log(`\nbench suite: ${o.rounds} round(s), engines interleaved; iterations/s = (n2 - n1) / (median t(n2) - median t(n1))`);
  for (const e of engines) if (peerMissing[e]) console.log(`  ${e}: ${peerMissing[e]}`);

  // Checksums: every engine, both counts.
  for (const m of res) {
    for (const k of [0, 1] as const) {
      const all = new Map<string, Engine[]>();
      for (const c of m.cells.values()) for (const s of c.checksums[k]) all.set(s, [...(all.get(s) ?? []), c.engine]);
      if (all.size > 1) {
        status = 1;
        console.log(`  CHECKSUM MISMATCH ${m.def.name} n=${m.def.counts[k]}: ${[...all].map(([s, es]) => `${es.join('+')}=${s}`).join(' ')}`);
      }
    }
    const scaled = new Map<string, string>();
    for (const c of m.cells.values()) for (const x of c.scaledSums ?? []) {
      const [n, sum] = x.split(':'), prev = scaled.get(n);
      if (prev !== undefined && prev !== sum) { status = 1; console.log(`  CHECKSUM MISMATCH ${m.def.name} n=${n} (scaled runs): ${prev} vs ${sum} on ${c.engine}`); }
      scaled.set(n, sum);
    }
    for (const c of m.cells.values()) if (c.errors.length) { status = 1; console.log(`  FAILED ${m.def.name} on ${c.engine}: ${c.errors[0]}`); }
  }

  const compute = res.filter((m) => m.def.kind === 'compute');
  const head = ['benchmark', 'n1/n2', ...engines.map((e) => `${e} it/s`), 'xenjit/native', 'qemu/native', 'v86/native', 'xenjit vs qemu', 'xenjit vs v86'];
  const slow = (m: Measured, e: Engine): number | undefined => { const n = rate(m, 'native'), x = rate(m, e); return n && x ? n / x : undefined; };
  const vs = (m: Measured, e: Engine): number | undefined => { const p = rate(m, e), x = rate(m, 'xenjit'); return p && x ? x / p : undefined; };
  const rows = compute.map((m) => [
    m.def.name, `${m.def.counts[0]}/${m.def.counts[1]}`,
    ...engines.map((e) => { const c = m.cells.get(e); return !c ? 'n/a' : c.missing ? 'missing' : c.errors.length ? 'FAILED' : fmtRate(rate(m, e)); }),
    fmtX(slow(m, 'xenjit')), fmtX(slow(m, 'qemu')), fmtX(slow(m, 'v86')), fmtX(vs(m, 'qemu')), fmtX(vs(m, 'v86')),
  ]);
  const gm = (f: (m: Measured) => number | undefined): string => {
    const xs = compute.map(f).filter((x): x is number => x !== undefined);
    return !xs.length ? '-' : fmtX(geomean(xs)) + (xs.length < compute.length ? ` (${xs.length} of ${compute.length})` : '');
  };
  rows.push(['geomean (compute)', '', ...engines.map(() => ''), gm((m) => slow(m, 'xenjit')), gm((m) => slow(m, 'qemu')), gm((m) => slow(m, 'v86')), gm((m) => vs(m, 'qemu')), gm((m) => vs(m, 'v86'))]);
  console.log('\nthroughput (slowdown = native rate / engine rate; "xenjit vs X" = xenjit rate / X rate, above 1 is faster)');
  console.log(`timed counts are n1/n2 times ${ENGINES.map((e) => `${SCALE[e]} (${e})`).join(', ')}; checksums compared at n1/n2 on every engine`);
  console.log(table(head, rows));
  const behindV86 = compute.filter((m) => { const r = vs(m, 'v86'); return r !== undefined && r < 1; }).map((m) => m.def.name);
  if (rate(compute[0] ?? res[0], 'v86') !== undefined) console.log(`compute benchmarks where xenjit is slower than v86: ${behindV86.join(', ') || 'none'}`);

  // Kernel-like benchmarks: PV only.
  const kern = res.filter((m) => m.def.kind === 'kernel');
  if (kern.length) {
    console.log('\nkernel-like (PV kernels, xenjit only)');
    console.log(table(['benchmark', 'n1/n2', 'xenjit it/s', 'us per iteration', 'what'], kern.map((m) => {
      const r = rate(m, 'xenjit'), c = m.cells.get('xenjit');
      return [m.def.name, m.def.counts.join('/'), !c ? 'n/a' : c.errors.length ? 'FAILED' : fmtRate(r), r ? (1e6 / r).toFixed(2) : '-', m.def.what];
    })));
  }

  // Cold code: cost per distinct chunk (and per distinct block run for xenjit).
  for (const m of res.filter((x) => x.def.kind === 'cold')) {
    const [a, b] = m.cells.get('xenjit')?.last ?? [];
    // Distinct blocks run: first visits (run once unformed) and blocks formed at a later visit.
    const blocksOf = (r: NonNullable<typeof a>) => r.stats.blocksCompiled + r.stats.firstRuns;
    const blocksPer = a && b ? (blocksOf(b) - blocksOf(a)) / (m.def.counts[1] - m.def.counts[0]) : undefined;
    console.log(`\ncold code (${m.def.name}: n distinct functions run once each, n = ${m.def.counts.join(' and ')}${m.def.image ? `, program ${m.def.image}` : ''})`);
    const crow = engines.map((e) => {
      const r = rate(m, e), c = m.cells.get(e);
      const per = r ? 1e6 / r : undefined;
      return [e, c?.missing ? 'missing' : c?.errors.length ? 'FAILED' : per === undefined ? '-' : per.toFixed(2),
        e === 'xenjit' && per && blocksPer ? (per / blocksPer).toFixed(2) : '', e === 'xenjit' && blocksPer ? blocksPer.toFixed(2) : ''];
    });
    console.log(table(['engine', 'us per function', 'us per block', 'blocks per function'], crow));
    const x = rate(m, 'xenjit'), v = rate(m, 'v86');
    if (x && v) console.log(`xenjit vs v86 on cold code: ${fmtX(x / v)} (${x >= v ? 'no worse than v86' : 'worse than v86'})`);
  }

  // xenjit's JIT counters (the n2 run) and the code cache.
  const jrows = res.filter((m) => m.cells.get('xenjit')?.last?.[1]).map((m) => {
    const j = m.cells.get('xenjit')!.last![1]!, s = j.stats;
    const bail = Object.values(s.bailouts).reduce((x, y) => x + y, 0);
    return [m.def.name, (s.instructions / Math.max(1, s.blockRuns)).toFixed(2),
      (100 * s.compileMs / (j.seconds * 1000)).toFixed(1) + '%', String(s.blocksCompiled), String(s.cacheMisses),
      (100 * s.chainHits / Math.max(1, s.blockRuns)).toFixed(1) + '%', String(bail), String(s.invalidations),
      String(s.faults), `${s.peakBlocks ?? j.cache.blocks}/${j.cache.maxBlocks}`, String(s.cacheFlushes), String(s.blocksEvicted ?? 0),
      (j.instructions / j.seconds / 1e6).toFixed(1)];
  });
  if (jrows.length) {
    console.log('\nxenjit JIT counters (n2 run; compile share of guest run time; chained = block entries through the successor cache)');
    console.log(table(['benchmark', 'insns/entry', 'compile', 'compiled', 'misses', 'chained', 'bail-outs', 'invalidations', 'faults', 'peak blocks/bound', 'flushes', 'evicted', 'MIPS'], jrows));
    const bails = new Map<string, number>();
    for (const m of res) { const j = m.cells.get('xenjit')?.last?.[1]; if (j) for (const [k, v] of Object.entries(j.stats.bailouts)) bails.set(k, (bails.get(k) ?? 0) + v); }
    if (bails.size) console.log(`bail-outs by reason: ${[...bails].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }

  // Peak RSS per engine (median over the n2 runs).
  const rrows = res.map((m) => [m.def.name, ...engines.map((e) => { const c = m.cells.get(e); return c && c.rss.length ? (median(c.rss) / 1024).toFixed(1) : '-'; })]);
  console.log(`\npeak RSS, MiB (n2 run; native and qemu through ${TIME}${existsSync(TIME) ? '' : ' (missing: apt-get install time)'}, v86 and xenjit from their runner process)`);
  console.log(table(['benchmark', ...engines], rrows));
  return status;
}

// ---------------------------------------------------------------------------------------------

const o = parseArgs(process.argv.slice(2));
checkPeers();
if ((!toolchainOk() || peerMissing.qemu || peerMissing.v86 || !existsSync(TIME)) && !process.env.BENCH_NO_SETUP) {
  spawnSync('bash', [join(benchDir, 'setup.sh')], { stdio: 'inherit' });
  checkPeers();
}
if (!ensureBuilt()) { console.log('bench: suite skipped (no build)'); process.exit(0); }
console.log(`bench suite: ${BENCHMARKS.filter((b) => !o.only || o.only.includes(b.name)).length} benchmarks, engines ${o.engines.join(', ')}, ${o.rounds} round(s)`);
const results = measure(o);
process.exitCode = report(results, o);
