// Manifest validation: defaults, path resolution, and a clear message naming the case and the
// field for every kind of mistake.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseManifest, loadManifest, ManifestError, DEFAULTS } from '../../src/regress/manifest.ts';

const problems = (json: unknown): string[] => {
  try { parseManifest(json, '/suite/m.json'); } catch (e) { if (e instanceof ManifestError) return e.problems; throw e; }
  return [];
};
const one = (c: Record<string, unknown>, defaults?: unknown): string[] =>
  problems({ ...(defaults === undefined ? {} : { defaults }), cases: [{ name: 'k', image: 'k.elf', golden: 'g.txt', ...c }] });

describe('regress manifest', () => {
  it('applies defaults and resolves paths against the manifest directory', () => {
    const m = parseManifest({
      defaults: { memory: 16, limits: { seconds: 5 } },
      cases: [
        { name: 'a', image: '../img/a.elf', golden: 'golden/a.txt' },
        { name: 'b', image: '/abs/b.elf', memory: 32, clock: 'host', exit: 'crash', patterns: ['x', { regex: '^y$', flags: 'm' }], forbid: ['FAIL'],
          disks: ['d.img,ro', { path: 'e.img' }], consoleInput: 'root\n', xenstore: { 'device/x': '1' }, limits: { instructions: 10 } },
      ],
    }, '/suite/m.json');
    expect(m.name).toBe('m');
    const [a, b] = m.cases;
    expect(a).toMatchObject({ image: '/img/a.elf', golden: '/suite/golden/a.txt', goldenShown: 'golden/a.txt', memoryMiB: 16, clock: 'virtual', exit: 0, timeoutSeconds: 5, maxInstructions: DEFAULTS.maxInstructions, p2m: 'shuffle', singleStep: false });
    expect(b).toMatchObject({ image: '/abs/b.elf', memoryMiB: 32, clock: 'host', exit: 12, maxInstructions: 10, timeoutSeconds: 5, consoleInput: 'root\n', xenstore: { 'device/x': '1' } });
    expect(b.disks).toEqual([{ path: '/suite/d.img', readOnly: true }, { path: '/suite/e.img', readOnly: false }]);
    expect(b.patterns).toEqual([{ kind: 'text', text: 'x' }, { kind: 'regex', source: '^y$', flags: 'm' }]);
    expect(b.golden).toBeUndefined();
  });

  it('memory defaults to 64 MiB without a defaults block', () => {
    expect(parseManifest({ cases: [{ name: 'a', image: 'a', patterns: ['x'] }] }, 'm.json').cases[0].memoryMiB).toBe(64);
  });

  it('names the case and the field of each mistake', () => {
    expect(one({ memory: '16' })).toEqual(['cases[0] (k).memory: must be an integer from 4 to 1024 (MiB), not "16"']);
    expect(one({ memory: 2048 })[0]).toMatch(/^cases\[0\] \(k\)\.memory: must be an integer from 4 to 1024/);
    expect(one({ clock: 'wall' })).toEqual(['cases[0] (k).clock: must be one of virtual, host, not "wall"']);
    expect(one({ exit: 'explode' })[0]).toMatch(/^cases\[0\] \(k\)\.exit: must be an exit status \(0\.\.255\) or one of poweroff, reboot/);
    expect(one({ exit: 256 })[0]).toMatch(/\.exit: must be an exit status/);
    expect(one({ limits: { instructions: 0 } })).toEqual(['cases[0] (k).limits.instructions: must be an integer from 1 to 9007199254740991, not 0']);
    expect(one({ limits: { seconds: -1 } })).toEqual(['cases[0] (k).limits.seconds: must be a positive number, not -1']);
    expect(one({ limits: { minutes: 1 } })).toEqual(['cases[0] (k).limits.minutes: unknown field (known: instructions, seconds)']);
    expect(one({ patterns: [{ regex: '(' }] })[0]).toMatch(/^cases\[0\] \(k\)\.patterns\[0\]\.regex: not a valid regular expression/);
    expect(one({ patterns: [{ regex: 'x', flags: 'g' }] })).toEqual(['cases[0] (k).patterns[0].flags: only i, m and s are allowed, not "g"']);
    expect(one({ forbid: [''] })).toEqual(['cases[0] (k).forbid[0]: an empty string matches anything']);
    expect(one({ forbid: 'FAIL' })[0]).toMatch(/^cases\[0\] \(k\)\.forbid: must be a list/);
    expect(one({ disks: [',ro'] })).toEqual(['cases[0] (k).disks[0]: needs a file name: ",ro"']);
    expect(one({ disks: [{ path: 'x', readonly: true }] })[0]).toMatch(/disks\[0\]\.readonly: unknown field/);
    expect(one({ disks: [{ scratch: 0 }] })).toEqual(['cases[0] (k).disks[0].scratch: must be a size in MiB from 1 to 4096, not 0']);
    expect(one({ disks: [{ scratch: 1, fill: 256 }] })).toEqual(['cases[0] (k).disks[0].fill: must be a byte value 0..255, not 256']);
    expect(one({ disks: [{ scratch: 1, path: 'x' }] })[0]).toMatch(/disks\[0\]\.path: unknown field/);
    expect(one({ xenstore: { a: 1 } })).toEqual(['cases[0] (k).xenstore["a"]: must be a string, not 1']);
    expect(one({ consoleInput: 7 })).toEqual(['cases[0] (k).consoleInput: must be a string, not 7']);
    expect(one({ singleStep: 'yes' })).toEqual(['cases[0] (k).singleStep: must be true or false, not "yes"']);
    expect(one({ codeCache: 8 })).toEqual(['cases[0] (k).codeCache: must be an integer from 16 to 16777216 (blocks), not 8']);
    expect(one({ golden: '' })).toEqual(['cases[0] (k).golden: must be a non-empty file name']);
    expect(one({ colour: 'red' })[0]).toMatch(/^cases\[0\] \(k\)\.colour: unknown field \(known: name, image,/);
    expect(one({ image: undefined })).toEqual(['cases[0] (k).image: missing (the kernel image to boot)']);
    expect(one({ golden: undefined })[0]).toMatch(/^cases\[0\] \(k\): needs "golden" .* or "patterns"/);
    expect(one({ name: 'a b' })).toEqual(['cases[0] (a b).name: use letters, digits and _ . + - (and / between parts)']);
    expect(one({}, { memory: 3 })).toEqual(['defaults.memory: must be an integer from 4 to 1024 (MiB), not 3']);
    expect(one({}, { golden: 'x' })[0]).toMatch(/^defaults\.golden: unknown field/);
  });

  it('reports every problem at once, and whole-file problems', () => {
    const p = problems({ cases: [{ name: 'a', image: 1, patterns: ['x'] }, { name: 'a', image: 'b', patterns: ['x'] }, 'c', { image: 'x', patterns: ['y'] }], extra: 1 });
    expect(p).toEqual([
      'extra: unknown field (known: name, defaults, cases, comment)',
      'cases[0] (a).image: must be a string, not 1',
      'cases[1] (a).name: another case has this name',
      'cases[2]: must be an object, not "c"',
      'cases[3].name: missing (a name for the case)',
    ]);
    expect(problems([])).toEqual(['the manifest must be a JSON object with a "cases" list, not []']);
    expect(problems({})).toEqual(['cases: missing (a list of cases)']);
    expect(problems({ cases: {} })).toEqual(['cases: must be a list of cases, not {}']);
  });

  it('a file that is missing or not JSON is a ManifestError with the file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xenjit-manifest-'));
    writeFileSync(join(dir, 'bad.json'), '{ "cases": [ }');
    expect(() => loadManifest(join(dir, 'bad.json'))).toThrow(/bad\.json: not valid JSON/);
    expect(() => loadManifest(join(dir, 'none.json'))).toThrow(/none\.json: cannot read the manifest: ENOENT/);
    expect(() => loadManifest(join(dir, 'none.json'))).toThrow(ManifestError);
  });
});
