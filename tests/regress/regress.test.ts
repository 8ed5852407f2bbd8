// `xenjit regress` end to end: the project's suite through the command's own code path (worker
// threads, judging, JUnit XML), and in a scratch copy a broken golden file, --update, shards,
// cases that cannot run and a malformed manifest, the last ones through the real command line.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, copyFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { regress, DEFAULT_MANIFEST } from '../../src/regress/regress.ts';
import { loadManifest } from '../../src/regress/manifest.ts';
import { parseXml, type XmlElement } from './xml.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pv = join(root, 'tests', 'guests', 'pv');
const scratch = (): string => mkdtempSync(join(tmpdir(), 'xenjit-regress-'));

function capture(): { io: { out: (s: string) => void; err: (s: string) => void }; text: () => string } {
  let text = '';
  return { io: { out: (s) => { text += s; }, err: (s) => { text += s; } }, text: () => text };
}

function testcases(xml: string): { suite: XmlElement; cases: XmlElement[] } {
  const doc = parseXml(xml);
  expect(doc.name).toBe('testsuites');
  const suite = doc.children[0];
  const cases = suite.children.filter((c) => c.name === 'testcase');
  expect(Number(doc.attrs.tests)).toBe(cases.length);
  expect(Number(suite.attrs.tests)).toBe(cases.length);
  expect(Number(suite.attrs.failures)).toBe(cases.filter((c) => c.children.some((x) => x.name === 'failure')).length);
  expect(Number(suite.attrs.errors)).toBe(cases.filter((c) => c.children.some((x) => x.name === 'error')).length);
  return { suite, cases };
}

/** The real command line, as CI runs it. */
function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'src', 'cli', 'xenjit.js'), 'regress', ...args], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A scratch suite of small kernels with golden files copied from the project's suite. */
function smallSuite(dir: string, extra: unknown[] = []): string {
  for (const k of ['hello', 'smc', 'traps']) copyFileSync(join(root, 'tests', 'regress', 'golden', `${k}.txt`), join(dir, `${k}.txt`));
  const file = join(dir, 'suite.json');
  writeFileSync(file, JSON.stringify({
    name: 'small', defaults: { memory: 16 },
    cases: [...['hello', 'smc', 'traps'].map((k) => ({ name: k, image: join(pv, `${k}.elf`), golden: `${k}.txt` })), ...extra],
  }, null, 2));
  return file;
}

describe('xenjit regress', () => {
  it('the project suite passes, with a summary and valid JUnit XML', { timeout: 900_000 }, async () => {
    const dir = scratch();
    const junit = join(dir, 'out', 'junit.xml');
    const c = capture();
    const r = await regress(DEFAULT_MANIFEST, { jobs: 2, junit }, c.io);
    const names = loadManifest(DEFAULT_MANIFEST).cases.map((k) => k.name);
    expect(c.text()).not.toContain('=== FAIL');
    expect(r.outcomes.map((o) => [o.run.name, o.judgement.verdict])).toEqual(names.map((n) => [n, 'pass']));
    expect(r.status).toBe(0);
    expect(c.text()).toMatch(/^case +result +exit +instructions +seconds +MIPS$/m);
    expect(c.text()).toMatch(new RegExp(`^${names.length} cases: ${names.length} passed, 0 failed, 0 errors; `, 'm'));
    const { suite, cases } = testcases(readFileSync(junit, 'utf8'));
    expect(suite.attrs.name).toBe('xenjit');
    expect(cases.map((k) => k.attrs.name)).toEqual(names);
    expect(suite.attrs.failures).toBe('0');
    const hello = cases.find((k) => k.attrs.name === 'hello')!;
    expect(hello.children.find((x) => x.name === 'system-out')!.text).toBe(readFileSync(join(root, 'tests', 'regress', 'golden', 'hello.txt'), 'latin1'));
  });

  it('a broken golden file shows a readable diff and a nonzero exit', { timeout: 300_000 }, () => {
    const dir = scratch();
    const file = smallSuite(dir);
    writeFileSync(join(dir, 'hello.txt'), readFileSync(join(dir, 'hello.txt'), 'latin1').replace('XENJIT-TEST hello: PASS', 'XENJIT-TEST hello: BROKEN'));
    const r = cli(file, '--jobs', '2', '--junit', join(dir, 'junit.xml'));
    expect(r.status).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines).toContain('=== FAIL hello');
    expect(lines).toContain('  console output differs from hello.txt');
    expect(lines).toContain('--- hello.txt (expected)');
    expect(lines).toContain('-XENJIT-TEST hello: BROKEN');
    expect(lines).toContain('+XENJIT-TEST hello: PASS');
    expect(lines.indexOf('-XENJIT-TEST hello: BROKEN')).toBeLessThan(lines.indexOf('+XENJIT-TEST hello: PASS'));
    expect(lines).toContain(' xen_version: 00040011'); // context
    expect(r.stdout).toMatch(/^hello +FAIL +0 \(poweroff\) +468 /m);
    expect(r.stdout).toMatch(/^3 cases: 2 passed, 1 failed, 0 errors; /m);
    const { cases } = testcases(readFileSync(join(dir, 'junit.xml'), 'utf8'));
    const failure = cases.find((k) => k.attrs.name === 'hello')!.children.find((x) => x.name === 'failure')!;
    expect(failure.attrs.message).toBe('console output differs from hello.txt');
    expect(failure.text).toContain('-XENJIT-TEST hello: BROKEN\n+XENJIT-TEST hello: PASS');
  });

  it('--update rewrites golden files that only differ, never those of cases failing otherwise', { timeout: 300_000 }, async () => {
    const dir = scratch();
    const file = smallSuite(dir, [{ name: 'wrong-exit', image: join(pv, 'hello.elf'), exit: 'crash', golden: 'wrong.txt' }]);
    writeFileSync(join(dir, 'hello.txt'), 'stale\n');
    writeFileSync(join(dir, 'wrong.txt'), 'stale\n');
    const c = capture();
    const r = await regress(file, { jobs: 1, update: true }, c.io);
    expect(r.status).toBe(1);
    expect(r.outcomes.map((o) => o.judgement.verdict)).toEqual(['updated', 'pass', 'pass', 'fail']);
    expect(readFileSync(join(dir, 'hello.txt'), 'latin1')).toBe(readFileSync(join(root, 'tests', 'regress', 'golden', 'hello.txt'), 'latin1'));
    expect(readFileSync(join(dir, 'wrong.txt'), 'latin1')).toBe('stale\n');
    expect(c.text()).toContain('golden file hello.txt rewritten from this run');
    expect(c.text()).toContain('golden file wrong.txt not updated: the case fails for another reason');
    expect(c.text()).toContain('exit status 0 (poweroff), expected 12 (crash)');
    const again = await regress(file, { jobs: 1, filter: '^hello$' }, capture().io);
    expect(again.status).toBe(0);
  });

  it('shards split the suite, --filter narrows it, and cases that cannot run are errors', { timeout: 300_000 }, async () => {
    const dir = scratch();
    const file = smallSuite(dir, [
      { name: 'no-image', image: 'missing.elf', patterns: ['x'] },
      { name: 'no-disk', image: join(pv, 'hello.elf'), disks: ['missing.img,ro'], patterns: ['x'] },
    ]);
    const ran: string[][] = [];
    for (const shard of ['1/2', '2/2']) {
      const junit = join(dir, `junit-${shard.replace('/', 'of')}.xml`);
      const r = await regress(file, { jobs: 2, shard, junit }, capture().io);
      ran.push(testcases(readFileSync(junit, 'utf8')).cases.map((k) => k.attrs.name));
      expect(r.status).toBe(1); // each shard holds one of the two broken cases
    }
    // sorted: hello no-disk no-image smc traps
    expect(ran).toEqual([['hello', 'traps', 'no-image'], ['smc', 'no-disk']]);
    const c = capture();
    const r = await regress(file, { jobs: 2, filter: '^no-' }, c.io);
    expect(r.outcomes.map((o) => [o.run.name, o.judgement.verdict])).toEqual([['no-image', 'error'], ['no-disk', 'error']]);
    expect(c.text()).toMatch(/=== ERROR no-image\n {2}cannot read .*missing\.elf: ENOENT/);
    expect(c.text()).toMatch(/=== ERROR no-disk\n {2}\S/);
    expect((await regress(file, { filter: 'nothing' }, c.io)).status).toBe(2);
  });

  it('a malformed manifest or bad options give a clear message and exit status 2', { timeout: 120_000 }, () => {
    const dir = scratch();
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ cases: [{ name: 'x', image: 'x.elf', memory: 'lots', patterns: ['x'] }] }));
    const r = cli(join(dir, 'bad.json'), '--shard', '3/2');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`xenjit regress: ${join(dir, 'bad.json')}: cases[0] (x).memory: must be an integer from 4 to 1024 (MiB), not "lots"\n`);
    expect(r.stdout).toBe('');
  });

  it('a JUnit file that cannot be written is exit status 2 with the reason', { timeout: 120_000 }, async () => {
    const dir = scratch();
    const file = smallSuite(dir);
    const c = capture();
    const r = await regress(file, { jobs: 1, filter: '^smc$', junit: join(file, 'sub', 'junit.xml') }, c.io);
    expect(r.status).toBe(2);
    expect(c.text()).toContain(`xenjit regress: cannot write ${join(file, 'sub', 'junit.xml')}: ENOTDIR`);
  });
});
