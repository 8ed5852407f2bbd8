// `xenjit regress [manifest]`: the command line's side of src/regress (option parsing only).
import { regress, DEFAULT_MANIFEST, type RegressOptions } from '../regress/regress.ts';

export interface RegressCliOptions { jobs?: string; filter?: string; shard?: string; update?: boolean; junit?: string }

export async function regressCommand(manifest: string | undefined, o: RegressCliOptions): Promise<number> {
  const opts: RegressOptions = { filter: o.filter, shard: o.shard, update: !!o.update, junit: o.junit };
  if (o.jobs !== undefined) {
    if (!/^\d+$/.test(o.jobs) || Number(o.jobs) < 1) { process.stderr.write(`xenjit regress: --jobs must be a positive integer, not ${o.jobs}\n`); return 2; }
    opts.jobs = Number(o.jobs);
  }
  const r = await regress(manifest ?? DEFAULT_MANIFEST, opts, {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    progress: process.stderr.isTTY ? (s) => process.stderr.write(s) : undefined,
  });
  return r.status;
}
