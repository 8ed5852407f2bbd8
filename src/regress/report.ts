// What `xenjit regress` prints: for each case that did not pass, what is wrong and the diff
// against its golden file (or the last lines of its output); then a summary table and a totals
// line, so the verdict is the last thing on the screen.
import type { CaseRun, Judgement } from './expect.ts';
import { exitName } from './expect.ts';

export interface Outcome { run: CaseRun; judgement: Judgement; note?: string }

const RESULT: Record<Judgement['verdict'], string> = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', updated: 'UPDATED' };

export function failureBlock(o: Outcome): string {
  const j = o.judgement;
  const lines = [`=== ${RESULT[j.verdict]} ${o.run.name}`, ...j.problems.map((p) => `  ${p}`)];
  if (o.note) lines.push(`  ${o.note}`);
  if (j.diff) lines.push(j.diff);
  else if (j.detail && j.verdict !== 'updated') lines.push(j.detail); // a new golden file: its content is the output
  return lines.join('\n');
}

export const mips = (r: CaseRun): string => (r.seconds > 0 && r.instructions > 0 ? (r.instructions / r.seconds / 1e6).toFixed(2) : '-');

export function summaryTable(outcomes: readonly Outcome[]): string {
  const head = ['case', 'result', 'exit', 'instructions', 'seconds', 'MIPS'];
  const rows = outcomes.map(({ run: r, judgement: j }) => [
    r.name, RESULT[j.verdict], r.exitCode === undefined ? '-' : exitName(r.exitCode),
    String(r.instructions), r.seconds.toFixed(3), mips(r),
  ]);
  const width = head.map((h, k) => Math.max(h.length, ...rows.map((row) => row[k].length)));
  const right = [false, false, false, true, true, true];
  const fmt = (row: string[]): string => row.map((s, k) => (right[k] ? s.padStart(width[k]) : s.padEnd(width[k]))).join('  ').trimEnd();
  return [fmt(head), fmt(width.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n');
}

export function totalsLine(outcomes: readonly Outcome[], wallSeconds: number, jobs: number, extra: string): string {
  const n = (v: Judgement['verdict']): number => outcomes.filter((o) => o.judgement.verdict === v).length;
  const parts = [`${n('pass')} passed`, `${n('fail')} failed`, `${n('error')} errors`];
  if (n('updated')) parts.push(`${n('updated')} golden files updated`);
  const guest = outcomes.reduce((a, o) => a + o.run.instructions, 0);
  return `${outcomes.length} cases${extra}: ${parts.join(', ')}; ${wallSeconds.toFixed(2)} s wall with ${jobs} job${jobs === 1 ? '' : 's'}, ${guest} guest instructions`;
}
