// The compiled tree (tools/build-js.ts) and the choice of tree (src/cli/compiled.js): the
// launcher and the regression workers take the compiled tree only while no source is newer than
// its build, and the command line run from it behaves as from the sources; the profiler
// attributes host frames of either tree to the same source files.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, utimesSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
// @ts-expect-error: plain JavaScript (it runs before tsx), no declarations
import { compiledTree, COMPILED_DIR as LAUNCHER_DIR } from '../../src/cli/compiled.js';
import { PROJECT_ROOT, COMPILED_DIR, sourceOf } from '../../src/project-root.ts';

const entryOf = compiledTree as (root: string) => string | null;

/** A checkout-shaped directory: sources and a build made at `builtAt`, files dated `at`. */
function fixture(builtAt: number | null, at: number): string {
  const root = mkdtempSync(join(tmpdir(), 'xenjit-tree-'));
  for (const d of ['src/cli', 'jit', 'runtime/hypercalls']) mkdirSync(join(root, d), { recursive: true });
  for (const f of ['tsconfig.json', 'package.json', 'src/cli/main.ts', 'jit/jit.ts', 'runtime/hypercalls/x.ts', 'src/cli/notes.md']) {
    writeFileSync(join(root, f), '');
    utimesSync(join(root, f), at / 1000, at / 1000);
  }
  if (builtAt !== null) {
    mkdirSync(join(root, COMPILED_DIR), { recursive: true });
    writeFileSync(join(root, COMPILED_DIR, 'build.json'), JSON.stringify({ builtAt }));
  }
  return root;
}
function touch(root: string, f: string, at: number): void { utimesSync(join(root, f), at / 1000, at / 1000); }

describe('the choice of tree', () => {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  it('names the same directory as project-root.ts', () => {
    expect(LAUNCHER_DIR).toBe(COMPILED_DIR);
  });
  it('takes the compiled tree when every source is older than the build', () => {
    const root = fixture(t0 + 1000, t0);
    try { expect(entryOf(root)).toBe(join(root, COMPILED_DIR)); } finally { rmSync(root, { recursive: true }); }
  });
  it('takes the sources without a build', () => {
    const root = fixture(null, t0);
    try { expect(entryOf(root)).toBeNull(); } finally { rmSync(root, { recursive: true }); }
  });
  for (const f of ['src/cli/main.ts', 'jit/jit.ts', 'runtime/hypercalls/x.ts', 'tsconfig.json', 'package.json']) {
    it(`takes the sources when ${f} is newer than the build`, () => {
      const root = fixture(t0 + 1000, t0);
      try { touch(root, f, t0 + 2000); expect(entryOf(root)).toBeNull(); } finally { rmSync(root, { recursive: true }); }
    });
  }
  it('does not look at files the build does not compile', () => {
    const root = fixture(t0 + 1000, t0);
    try { touch(root, 'src/cli/notes.md', t0 + 2000); expect(entryOf(root)).not.toBeNull(); } finally { rmSync(root, { recursive: true }); }
  });
  it('takes the sources when the build record is unreadable', () => {
    const root = fixture(t0 + 1000, t0);
    try { writeFileSync(join(root, COMPILED_DIR, 'build.json'), '{"builtAt":"soon"}'); expect(entryOf(root)).toBeNull(); } finally { rmSync(root, { recursive: true }); }
  });
});

describe('host frames of either tree', () => {
  it('are our source files by their .ts names', () => {
    const rootUrl = pathToFileURL(PROJECT_ROOT).href;
    expect(sourceOf(`${rootUrl}/jit/jit.ts`)).toBe('jit/jit.ts');
    expect(sourceOf(`${pathToFileURL(join(PROJECT_ROOT, COMPILED_DIR)).href}/jit/jit.js`)).toBe('jit/jit.ts');
    expect(sourceOf(`${pathToFileURL(join(PROJECT_ROOT, COMPILED_DIR)).href}/src/cpu/memory.js`)).toBe('src/cpu/memory.ts');
    expect(sourceOf('node:internal/modules/esm/loader')).toBeNull();
    expect(sourceOf('xenjit://block/0x1000/61/0.js')).toBeNull();
  });
});

describe('the command line from the compiled tree', () => {
  it('runs the demo kernel as from the sources', () => {
    if (entryOf(PROJECT_ROOT) === null) {
      const b = spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'tools', 'build-js.ts')], { encoding: 'utf8' });
      expect(b.status, b.stderr).toBe(0);
    }
    expect(entryOf(PROJECT_ROOT)).not.toBeNull();
    // `xenjit ARGS` from the compiled tree, or from the sources.
    const xenjit = (sources: boolean, ...args: string[]) => spawnSync(process.execPath, [join(PROJECT_ROOT, 'src', 'cli', 'xenjit.js'), ...args],
      { encoding: 'utf8', env: { ...process.env, XENJIT_SOURCES: sources ? '1' : '' } });
    const run = (sources: boolean) => xenjit(sources, 'run', join(PROJECT_ROOT, 'tests', 'guests', 'pv', 'demo.elf'), '--clock', 'virtual', '--memory', '16', '--stats');
    const version = (sources: boolean) => xenjit(sources, '--version').stdout.trim();
    expect(version(false)).toBe('0.1.0 (compiled tree)');
    expect(version(true)).toBe('0.1.0 (TypeScript sources)');
    const a = run(false), b = run(true);
    expect(a.status).toBe(0);
    expect(b.status).toBe(0);
    // Host seconds and milliseconds differ from run to run; everything else is the same.
    const exact = (s: string) => s.replace(/\d+(\.\d+)? (s|ms)\b/g, 'T');
    expect(exact(a.stdout)).toBe(exact(b.stdout));
    expect(a.stdout).toContain('primes below 100000: 9592');
    expect(exact(a.stderr)).toBe(exact(b.stderr));
    // The regression workers start their side the same way (src/regress/worker.js).
    const regress = (sources: boolean) => xenjit(sources, 'regress', '--jobs', '1', '--filter', '^(demo|console)$');
    for (const r of [regress(false), regress(true)]) {
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain('2 cases: 2 passed, 0 failed, 0 errors');
    }
  }, 180_000);
});
