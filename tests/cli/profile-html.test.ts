// The HTML report of `xenjit profile --html`, checked in headless Chromium: the DOM after the
// page's script ran has the flame graph's frames, the widest guest function is the sieve loop
// and it heads the hot block table; a screenshot renders. Without Chromium the browser checks
// are skipped (with a message); the report's static content is checked either way.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync, readFileSync, mkdtempSync, rmSync, existsSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { profileKernel, type Profile } from '../../src/cli/profile.ts';
import { htmlReport, flameTree } from '../../src/profile/html.ts';

const demo = join(dirname(fileURLToPath(import.meta.url)), '..', 'guests', 'pv', 'demo.elf');

function findChromium(): string | null {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try { return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || null; } catch { /* next */ }
  }
  return null;
}
const chromium = findChromium();
if (!chromium) console.warn('profile-html.test.ts: no chromium on PATH, skipping the headless-browser checks (.ci/run installs it)');

describe('xenjit profile --html', () => {
  let p: Profile, dir: string, file: string;
  beforeAll(() => {
    p = profileKernel(demo, { memory: '16', cmdline: '', clock: 'virtual', maxInstructions: '1e9', timeout: '60', top: '10', sampleInterval: '100' }) as Profile;
    dir = mkdtempSync(join(tmpdir(), 'xenjit-html-'));
    file = join(dir, 'report.html');
    writeFileSync(file, htmlReport(p));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is self-contained and escapes guest text', () => {
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(/);
    const evil = { ...p, kernel: '<img src=x onerror=alert(1)>', blocks: p.blocks.map((b, k) => k ? b : { ...b, symbol: '</script><b>x' }) };
    const h2 = htmlReport(evil);
    expect(h2).not.toContain('<img src=x');
    expect(h2).not.toContain('</script><b>');
    // The flame graph's tree: functions sum to the root, blocks to their function.
    const t = flameTree(p);
    expect(t.children[0].name).toBe('_start.mark');
    expect(t.children.reduce((a, f) => a + f.value, 0)).toBe(t.value);
    for (const f of t.children) expect(f.children.reduce((a, b) => a + b.value, 0)).toBe(f.value);
  });

  it.skipIf(!chromium)('renders in headless Chromium: flame graph frames, the sieve loop on top of the table', () => {
    const dom = execFileSync(chromium!, ['--headless', '--no-sandbox', '--disable-gpu', '--dump-dom', pathToFileURL(file).href],
      { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] });
    const flame = /<svg id="flame"[^>]*>([\s\S]*?)<\/svg>/.exec(dom)?.[1] ?? '';
    const names = [...flame.matchAll(/<rect [^>]*data-name="([^"]*)"/g)].map((m) => m[1]);
    // all, then at least the sieve function and its block.
    expect(names.length).toBeGreaterThanOrEqual(3);
    expect(names[0]).toBe('all guest instructions');
    expect(names).toContain('_start.mark');
    expect(names).toContain('0xc000211c _start.mark');
    const firstRow = /<table id="blocks">[\s\S]*?<tbody>\s*<tr>([\s\S]*?)<\/tr>/.exec(dom)?.[1] ?? '';
    expect(firstRow).toContain('_start.mark');
    expect(firstRow).toContain('0xc000211c');
  });

  it.skipIf(!chromium)('takes a screenshot', () => {
    const png = join(dir, 'report.png');
    execFileSync(chromium!, ['--headless', '--no-sandbox', '--disable-gpu', `--screenshot=${png}`, '--window-size=1280,900', pathToFileURL(file).href],
      { timeout: 60_000, stdio: 'ignore' });
    expect(existsSync(png)).toBe(true);
    const b = readFileSync(png);
    expect(b.subarray(1, 4).toString('latin1')).toBe('PNG');
    // IHDR: width and height of the window.
    expect([b.readUInt32BE(16), b.readUInt32BE(20)]).toEqual([1280, 900]);
    expect(statSync(png).size).toBeGreaterThan(20_000);
  });
});
