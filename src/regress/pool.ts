// Running cases in parallel: `jobs` worker threads, each taking the next case when it is done
// with one. A worker that dies (out of memory, an uncaught error) or stops answering (a hang
// inside the emulator, past the case's own host timeout plus a grace period) costs only its
// current case, which is reported as an error; a fresh worker takes over the rest.
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RegressCase } from './manifest.ts';
import { PROJECT_ROOT } from '../project-root.ts';
import type { CaseRun } from './expect.ts';

// The checkout's worker.js (plain JavaScript: it starts the worker's side from the compiled tree
// or from the sources, src/cli/compiled.js), also when this module runs from the compiled tree,
// which has no copy of it.
const WORKER_URL = pathToFileURL(join(PROJECT_ROOT, 'src', 'regress', 'worker.js'));
/** Host seconds beyond a case's own timeout before its worker is stopped. */
const GRACE_SECONDS = 60;

export async function runPool(cases: readonly RegressCase[], jobs: number, onResult?: (r: CaseRun) => void): Promise<CaseRun[]> {
  const results: CaseRun[] = new Array(cases.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    let worker: Worker | undefined;
    while (next < cases.length) {
      const k = next++;
      const c = cases[k];
      // Without a list of its own the worker would inherit the process's loader flags and
      // register tsx twice; worker.js registers it when it takes the sources.
      worker ??= new Worker(WORKER_URL, { execArgv: [] });
      const w = worker;
      const r = await new Promise<CaseRun>((done) => {
        const failed = (why: string): void => {
          cleanup(); worker = undefined;
          void w.terminate();
          done({ name: c.name, error: why, output: '', instructions: 0, seconds: 0 });
        };
        const onMessage = (m: CaseRun): void => { cleanup(); done(m); };
        const onError = (e: Error): void => failed(`the worker running this case failed: ${e?.stack ?? e}`);
        const onExit = (code: number): void => failed(`the worker running this case exited (status ${code})`);
        const timer = setTimeout(() => failed(`no result after ${c.timeoutSeconds + GRACE_SECONDS} s of host time; the worker was stopped`),
          (c.timeoutSeconds + GRACE_SECONDS) * 1000);
        const cleanup = (): void => { clearTimeout(timer); w.off('message', onMessage); w.off('error', onError); w.off('exit', onExit); };
        w.on('message', onMessage); w.on('error', onError); w.on('exit', onExit);
        w.postMessage(c);
      });
      results[k] = r;
      onResult?.(r);
    }
    if (worker) await worker.terminate();
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, cases.length)) }, lane));
  return results;
}
