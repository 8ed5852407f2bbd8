// Judging one finished run against its case: exit status, golden file, patterns in order,
// forbidden patterns. Every check is made (not just the first failing one), so a report shows
// all that is wrong; `goldenOnly` tells --update whether accepting the output would fix the case.
import { existsSync } from 'node:fs';
import type { Pattern, RegressCase } from './manifest.ts';
import { readGolden, printable, tail } from './text.ts';
import { unifiedDiff } from './diff.ts';
import { EXIT_CODES } from '../../runtime/run.ts';

/** What a worker reports for one case. */
export interface CaseRun {
  name: string;
  /** Set when the guest could not be run at all (bad image, unsupported option, internal error). */
  error?: string;
  end?: string;
  exitCode?: number;
  crashReason?: string;
  output: string;
  instructions: number;
  seconds: number;
}

export type Verdict = 'pass' | 'fail' | 'error' | 'updated';

export interface Judgement {
  verdict: Verdict;
  /** One line per failed check. */
  problems: string[];
  /** Unified diff against the golden file, when it differs. */
  diff?: string;
  /** True when the golden file is the only thing that does not match (or is missing). */
  goldenOnly: boolean;
  /** Further detail for the report (tail of the output, etc.). */
  detail?: string;
}

const CODE_NAMES = new Map(Object.entries(EXIT_CODES).map(([k, v]) => [v, k]));
export const exitName = (code: number): string => `${code}${CODE_NAMES.has(code) ? ` (${CODE_NAMES.get(code)})` : ''}`;

export function describePattern(p: Pattern): string {
  return p.kind === 'text' ? JSON.stringify(p.text) : `/${p.source}/${p.flags}`;
}

/** Where `p` first matches in `s` at or after `from`: [start, end], or null. */
function find(s: string, p: Pattern, from: number): [number, number] | null {
  if (p.kind === 'text') { const i = s.indexOf(p.text, from); return i < 0 ? null : [i, i + p.text.length]; }
  const re = new RegExp(p.source, p.flags + 'g');
  re.lastIndex = from;
  const m = re.exec(s);
  return m ? [m.index, m.index + m[0].length] : null;
}

const lineAt = (s: string, i: number): number => s.slice(0, i).split('\n').length;

export function judge(c: RegressCase, r: CaseRun, diffLines = 400): Judgement {
  if (r.error !== undefined) return { verdict: 'error', problems: [r.error], goldenOnly: false };
  const problems: string[] = [];
  let goldenProblem = false;
  let diff: string | undefined;
  if (r.exitCode !== c.exit) {
    problems.push(`exit status ${exitName(r.exitCode ?? -1)}${r.crashReason ? `: ${r.crashReason}` : ''}, expected ${exitName(c.exit)}`);
  }
  if (c.golden !== undefined) {
    if (!existsSync(c.golden)) {
      problems.push(`golden file ${c.goldenShown} does not exist (--update creates it from this run)`);
      goldenProblem = true;
    } else {
      let expected: string | undefined;
      try { expected = readGolden(c.golden); } catch (e) { problems.push(`cannot read golden file ${c.goldenShown}: ${(e as NodeJS.ErrnoException).code ?? e}`); }
      if (expected !== undefined && expected !== r.output) {
        problems.push(`console output differs from ${c.goldenShown}`);
        diff = unifiedDiff(expected, r.output, `${c.goldenShown} (expected)`, `${c.name} console output (actual)`, { maxLines: diffLines });
        goldenProblem = true;
      }
    }
  }
  let at = 0;
  for (const p of c.patterns) {
    const m = find(r.output, p, at);
    if (!m) {
      const where = at === 0 ? 'in the output' : `after line ${lineAt(r.output, at)} (where the previous pattern matched)`;
      problems.push(`pattern ${describePattern(p)} not found ${where}`);
      break; // the later patterns' positions mean nothing without this one
    }
    at = m[1];
  }
  for (const p of c.forbid) {
    const m = find(r.output, p, 0);
    if (m) {
      const line = r.output.slice(r.output.lastIndexOf('\n', m[0] - 1) + 1).split('\n')[0];
      problems.push(`forbidden pattern ${describePattern(p)} found on line ${lineAt(r.output, m[0])}: ${printable(line)}`);
    }
  }
  const goldenOnly = goldenProblem && problems.length === 1;
  const detail = problems.length && !diff ? `last lines of the console output:\n${tail(r.output, 20) || '(no output)'}` : undefined;
  return { verdict: problems.length ? 'fail' : 'pass', problems, diff, goldenOnly, detail };
}
