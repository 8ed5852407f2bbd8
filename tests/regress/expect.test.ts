// Judging a finished run: exit status, golden file, patterns in order, forbidden patterns, and
// whether --update may accept the output.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseManifest, type RegressCase } from '../../src/regress/manifest.ts';
import { judge, type CaseRun } from '../../src/regress/expect.ts';

const dir = mkdtempSync(join(tmpdir(), 'xenjit-judge-'));
writeFileSync(join(dir, 'g.txt'), 'boot\nok\n');
const kase = (c: Record<string, unknown>): RegressCase => parseManifest({ cases: [{ name: 'k', image: 'k.elf', ...c }] }, join(dir, 'm.json')).cases[0];
const run = (output: string, exitCode = 0): CaseRun => ({ name: 'k', end: exitCode === 0 ? 'poweroff' : 'crash', exitCode, output, instructions: 10, seconds: 0.1, crashReason: exitCode ? 'bad trap' : undefined });

describe('regress judging', () => {
  it('passes on the exact golden output and the right exit status', () => {
    expect(judge(kase({ golden: 'g.txt' }), run('boot\nok\n'))).toMatchObject({ verdict: 'pass', problems: [] });
  });

  it('a golden mismatch alone is a diff that --update may accept', () => {
    const j = judge(kase({ golden: 'g.txt' }), run('boot\nKO\n'));
    expect(j.verdict).toBe('fail');
    expect(j.goldenOnly).toBe(true);
    expect(j.problems).toEqual(['console output differs from g.txt']);
    expect(j.diff!.split('\n')).toEqual(['--- g.txt (expected)', '+++ k console output (actual)', '@@ -1,2 +1,2 @@', ' boot', '-ok', '+KO']);
  });

  it('a missing golden file fails with a hint, and may be created', () => {
    const j = judge(kase({ golden: 'none.txt' }), run('x\n'));
    expect(j).toMatchObject({ verdict: 'fail', goldenOnly: true, problems: ['golden file none.txt does not exist (--update creates it from this run)'] });
  });

  it('a wrong exit status is reported with the crash reason and blocks --update', () => {
    const j = judge(kase({ golden: 'g.txt' }), run('boot\n', 12));
    expect(j.verdict).toBe('fail');
    expect(j.goldenOnly).toBe(false);
    expect(j.problems[0]).toBe('exit status 12 (crash): bad trap, expected 0 (poweroff)');
    expect(j.diff).toContain('-ok');
    expect(judge(kase({ golden: 'g.txt', exit: 'crash' }), run('boot\nok\n', 12)).verdict).toBe('pass');
  });

  it('patterns must appear in order; forbidden ones must not appear', () => {
    const c = kase({ patterns: ['boot', { regex: '^ok \\d+$', flags: 'm' }, 'done'], forbid: ['FAIL', { regex: 'panic', flags: 'i' }] });
    expect(judge(c, run('boot\nok 12\ndone\n')).verdict).toBe('pass');
    const order = judge(c, run('done\nboot\nok 12\n'));
    expect(order.problems).toEqual(['pattern "done" not found after line 3 (where the previous pattern matched)']);
    expect(order.detail).toContain('last lines of the console output:\ndone\nboot\nok 12');
    expect(judge(c, run('nothing\n')).problems).toEqual(['pattern "boot" not found in the output']);
    const forbidden = judge(c, run('boot\nok 1\nKernel PANIC here\x07\ndone\n'));
    expect(forbidden.problems).toEqual(['forbidden pattern /panic/i found on line 3: Kernel PANIC here\\x07']);
    expect(forbidden.goldenOnly).toBe(false);
  });

  it('a run that could not start is an error', () => {
    const j = judge(kase({ golden: 'g.txt' }), { name: 'k', error: '--disk: the block back end is not available yet', output: '', instructions: 0, seconds: 0 });
    expect(j).toMatchObject({ verdict: 'error', problems: ['--disk: the block back end is not available yet'], goldenOnly: false });
  });
});
