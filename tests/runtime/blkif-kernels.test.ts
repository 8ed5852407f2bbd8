// The block-device test kernels with their disks: blk.elf (a blkif front end writing, flushing
// and reading back across a 64 MiB xvda, and refused writes on a read-only xvdb) and
// blkhostile.elf (malformed requests). Besides the guests' own verdicts, the images are
// checked from the host: what the guest wrote is in the file, nothing else changed.
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, openSync, closeSync, ftruncateSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runKernel } from '../support/pv.ts';
import { defaultPlugins } from '../../runtime/plugins.ts';
import { blkifPlugin, blkif } from '../../runtime/blkif/index.ts';
import { grantAccess } from '../../runtime/grant/access.ts';

const pv = join(dirname(fileURLToPath(import.meta.url)), '..', 'guests', 'pv');
const dir = mkdtempSync(join(tmpdir(), 'xenjit-blkk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECTORS = (64 << 20) / 512;
let n = 0;
function images(): { a: string; b: string } {
  const a = join(dir, `a${n}.img`), b = join(dir, `b${n++}.img`);
  const fd = openSync(a, 'w'); ftruncateSync(fd, 64 << 20); closeSync(fd);
  writeFileSync(b, new Uint8Array(1 << 20).fill(0x42));
  return { a, b };
}
function boot(kernel: string, o: { singleStep?: boolean; clock?: 'virtual' | 'host' } = {}) {
  const { a, b } = images();
  const r = runKernel(join(pv, kernel), {
    singleStep: o.singleStep, clock: o.clock,
    plugins: [...defaultPlugins({ clock: o.clock ?? 'virtual' }), blkifPlugin({ disks: [{ path: a, readOnly: false }, { path: b, readOnly: true }] })],
  });
  return { ...r, a, b };
}
/** blk.c's pattern(). */
function pattern(s: number, r: number, i: number): number {
  if (i === 0) return 0x584a4b31;
  if (i === 1) return r;
  if (i === 2) return s;
  return (Math.imul(s, 2654435761 | 0) ^ (r << 20) ^ Math.imul(i, 40503)) >>> 0;
}
function sectorIs(img: Buffer, s: number, r: number): boolean {
  for (let i = 0; i < 128; i++) if (img.readUInt32LE(s * 512 + i * 4) !== pattern(s, r, i)) return false;
  return true;
}

describe('block-device kernels', () => {
  for (const [singleStep, clock] of [[false, 'virtual'], [true, 'virtual'], [false, 'host']] as const) {
    it(`blk (${singleStep ? 'single-step' : 'block JIT'}, ${clock} clock)`, { timeout: 120_000 }, () => {
      const r = boot('blk.elf', { singleStep, clock });
      expect(r.output).toContain('XENJIT-TEST blk: PASS');
      expect(r.output).toContain('FLUSHED 1\n');
      expect(r.output).toContain('FLUSHED 2\n');
      expect(r.output).not.toContain('FAIL');
      expect(r.end).toBe('poweroff');
      const img = readFileSync(r.a);
      // What blk.c wrote, checked in the file: the first 88 sectors, sectors 202..205 of the
      // partial page, the middle, the end, and the indirect write at a quarter.
      const mid = SECTORS / 2, end = SECTORS - 16, ind = SECTORS / 4;
      for (let s = 0; s < 88; s++) expect(sectorIs(img, s, 1)).toBe(true);
      for (let s = 200; s < 204; s++) expect(sectorIs(img, s, 1)).toBe(true);
      for (let s = mid; s < mid + 48; s++) expect(sectorIs(img, s, 1)).toBe(true);
      for (let s = end - 5; s < SECTORS; s++) expect(sectorIs(img, s, 1)).toBe(true);
      for (let s = ind; s < ind + 24 * 8; s++) expect(sectorIs(img, s, 2)).toBe(true);
      // Nothing else was written.
      const touched = (s: number): boolean => s < 88 || (s >= 200 && s < 204) || (s >= mid && s < mid + 48) || s >= end - 5 || (s >= ind && s < ind + 192);
      let stray = 0;
      for (let s = 0; s < SECTORS; s += 1) if (!touched(s) && img.readUInt32LE(s * 512) !== 0) stray++;
      expect(stray).toBe(0);
      expect(readFileSync(r.b).every((x) => x === 0x42)).toBe(true);
      const be = blkif(r.machine.domain)!;
      expect(be.devices.map((d) => d.state)).toEqual([4, 4]);
      expect(be.devices[1].io!.stats.refused).toEqual({ 'read-only': 2 });
      expect(grantAccess(r.machine.domain, r.machine.grant).pinned).toBe(3); // the ring pages: one for xvda, two for xvdb
    });
  }
  for (const singleStep of [false, true]) {
    it(`blkhostile (${singleStep ? 'single-step' : 'block JIT'})`, { timeout: 120_000 }, () => {
      const r = boot('blkhostile.elf', { singleStep });
      expect(r.output).toContain('XENJIT-TEST blkhostile: PASS');
      expect(r.output).not.toContain('FAIL');
      expect(r.end).toBe('poweroff');
      // Only the one valid write reached the image.
      const img = readFileSync(r.a);
      expect(img.subarray(1000 * 512, 1008 * 512).every((x) => x === 0xa5)).toBe(true);
      expect(img.subarray(0, 1000 * 512).every((x) => x === 0)).toBe(true);
      expect(img.subarray(1008 * 512).every((x) => x === 0)).toBe(true);
      expect(readFileSync(r.b).every((x) => x === 0x42)).toBe(true);
      const io = blkif(r.machine.domain)!.devices[0].io!;
      expect(io.stats.broken).toBe(true);
      expect(io.stats.refused).toEqual({
        'unknown-op': 2, 'bad-segment-count': 5, 'bad-segment': 3, 'beyond-disk': 3, 'bad-gref': 7,
        'bad-indirect-op': 1, 'discard-unsupported': 1,
      });
      expect(io.stats.sectorsWritten).toBe(8);
    });
  }
});
