// `xenjit regress`: load the manifest, pick the cases (shard, filter), run them in worker
// threads, judge them, optionally accept new golden files, report, write JUnit XML. Returns the
// exit status: 0 all passed, 1 a case failed, 2 the manifest or the options are unusable.
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, relative, join } from 'node:path';
import { loadManifest, ManifestError, type RegressCase } from './manifest.ts';
import { parseShard, selectShard, type Shard } from './shard.ts';
import { runPool } from './pool.ts';
import { judge, exitName, type CaseRun } from './expect.ts';
import { writeGolden, ensureDir } from './text.ts';
import { failureBlock, summaryTable, totalsLine, type Outcome } from './report.ts';
import { junitXml, type JUnitCase } from './junit.ts';
import { PROJECT_ROOT } from '../project-root.ts';

/** The project's own suite, found from the checkout (project-root.ts) so the command works from
 *  any directory. */
export const DEFAULT_MANIFEST = relative(process.cwd(), join(PROJECT_ROOT, 'tests', 'regress', 'suite.json'));

export interface RegressOptions {
  jobs?: number;
  filter?: string;
  shard?: string;
  update?: boolean;
  junit?: string;
}

/** Where the command writes: the report, and per-case progress lines (optional). */
export interface RegressIo { out: (s: string) => void; err: (s: string) => void; progress?: (s: string) => void }

export interface RegressSummary { status: number; outcomes: Outcome[] }

export async function regress(manifestPath: string, o: RegressOptions, io: RegressIo): Promise<RegressSummary> {
  const usage = (msg: string): RegressSummary => { io.err(`xenjit regress: ${msg}\n`); return { status: 2, outcomes: [] }; };
  let cases: RegressCase[], suiteName: string;
  try { ({ cases, name: suiteName } = loadManifest(manifestPath)); } catch (e) {
    if (e instanceof ManifestError) return usage(e.message);
    throw e;
  }
  const jobs = o.jobs ?? availableParallelism();
  if (!Number.isInteger(jobs) || jobs < 1) return usage(`--jobs must be a positive integer, not ${o.jobs}`);
  let shard: Shard | undefined;
  if (o.shard !== undefined) { try { shard = parseShard(o.shard); } catch (e) { return usage((e as Error).message); } }
  let filter: RegExp | undefined;
  if (o.filter !== undefined) {
    try { filter = new RegExp(o.filter); } catch (e) { return usage(`--filter: ${(e as Error).message}`); }
    if (!cases.some((c) => filter!.test(c.name))) return usage(`--filter ${o.filter} matches no case of ${manifestPath}`);
  }
  // The shard is taken from the whole suite, so a case stays on its machine whatever the filter.
  let selected = shard ? selectShard(cases, shard) : cases;
  if (filter) selected = selected.filter((c) => filter!.test(c.name));
  const extra = shard ? ` (shard ${shard.index}/${shard.count} of ${cases.length})` : '';

  const t0 = performance.now();
  let done = 0;
  const runs = await runPool(selected, jobs, (r) => {
    done++;
    io.progress?.(`[${done}/${selected.length}] ${r.name}: ${r.error ? 'error' : `${r.end}, ${r.instructions} instructions, ${r.seconds.toFixed(2)} s`}\n`);
  });
  const wall = (performance.now() - t0) / 1000;

  const outcomes: Outcome[] = selected.map((c, k) => {
    const run = runs[k];
    const judgement = judge(c, run);
    const out: Outcome = { run, judgement };
    if (o.update && judgement.verdict === 'fail') {
      if (judgement.goldenOnly && c.golden) {
        try {
          writeGolden(c.golden, run.output);
          judgement.verdict = 'updated';
          out.note = `golden file ${c.goldenShown} rewritten from this run`;
        } catch (e) { out.note = `cannot write golden file ${c.goldenShown}: ${(e as NodeJS.ErrnoException).code ?? e}`; }
      } else if (c.golden) out.note = `golden file ${c.goldenShown} not updated: the case fails for another reason`;
    }
    return out;
  });

  const notPassing = outcomes.filter((x) => x.judgement.verdict !== 'pass');
  for (const x of notPassing) io.out(failureBlock(x) + '\n\n');
  io.out(summaryTable(outcomes) + '\n');
  io.out(totalsLine(outcomes, wall, Math.min(jobs, Math.max(1, selected.length)), extra) + '\n');

  if (o.junit) {
    const xml = junitXml({ name: suiteName, seconds: wall, timestamp: new Date().toISOString().replace(/\.\d+Z$/, ''), cases: outcomes.map((x) => junitCase(suiteName, x)) });
    try { ensureDir(dirname(o.junit)); writeFileSync(o.junit, xml); } catch (e) {
      return { ...usage(`cannot write ${o.junit}: ${(e as NodeJS.ErrnoException).code ?? e}`), outcomes };
    }
    io.out(`JUnit XML: ${relative(process.cwd(), o.junit) || o.junit}\n`);
  }
  const failed = outcomes.some((x) => x.judgement.verdict === 'fail' || x.judgement.verdict === 'error');
  return { status: failed ? 1 : 0, outcomes };
}

function junitCase(suite: string, x: Outcome): JUnitCase {
  const r: CaseRun = x.run, j = x.judgement;
  const jc: JUnitCase = { name: r.name, classname: suite, seconds: r.seconds, output: r.output };
  if (r.exitCode !== undefined) jc.properties = { end: r.end ?? '', exit: exitName(r.exitCode), instructions: String(r.instructions) };
  if (j.verdict === 'fail' || j.verdict === 'error') {
    jc.failure = {
      kind: j.verdict === 'error' ? 'error' : 'failure',
      message: j.problems.join('; '),
      body: [...j.problems, j.diff ?? j.detail ?? ''].filter((s) => s !== '').join('\n'),
    };
  }
  return jc;
}
