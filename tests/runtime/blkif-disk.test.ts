// Disk images (runtime/blkif/disk.ts): opening errors, read-only refusal, positional I/O on a
// real file, and fsync on flush through an injected fs layer.
import { describe, it, expect, afterAll } from 'vitest';
import * as fs from 'node:fs';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskImage, hostFs, type DiskFs } from '../../runtime/blkif/disk.ts';

const dir = mkdtempSync(join(tmpdir(), 'xenjit-disk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function image(name: string, bytes: number): string {
  const p = join(dir, name);
  writeFileSync(p, new Uint8Array(bytes));
  return p;
}

describe('disk images', () => {
  it('a missing or unusable image is an Error naming the file and the reason', () => {
    expect(() => DiskImage.open(join(dir, 'nope.img'), false)).toThrow(`cannot open disk image ${join(dir, 'nope.img')}: ENOENT`);
    expect(() => DiskImage.open(dir, true)).toThrow(`cannot open disk image ${dir}: EISDIR`);
  });
  it('reads and writes whole sectors at their position, and refuses beyond the end', () => {
    const p = image('rw.img', 8 * 512 + 100);
    const d = DiskImage.open(p, false);
    expect(d.sectors).toBe(8);
    d.write(2, new Uint8Array(1024).fill(0xab));
    const back = new Uint8Array(512 * 3);
    d.read(1, back);
    expect(back.subarray(0, 512).every((x) => x === 0)).toBe(true);
    expect(back.subarray(512).every((x) => x === 0xab)).toBe(true);
    expect(() => d.write(7, new Uint8Array(1024))).toThrow(RangeError);
    expect(() => d.read(-1, new Uint8Array(512))).toThrow(RangeError);
    expect(() => d.read(0, new Uint8Array(100))).toThrow(RangeError);
    d.close();
    const file = readFileSync(p);
    expect(file.length).toBe(8 * 512 + 100);
    expect(file.subarray(1024, 2048).every((x) => x === 0xab)).toBe(true);
    expect(file.subarray(2048).every((x) => x === 0)).toBe(true);
  });
  it('a read-only image refuses writes and never opens the file for writing', () => {
    const p = image('ro.img', 4096);
    const flags: string[] = [];
    const spy: DiskFs = { ...hostFs, openSync: (path, f) => { flags.push(f); return fs.openSync(path, f); } };
    const d = DiskImage.open(p, true, spy);
    expect(flags).toEqual(['r']);
    expect(() => d.write(0, new Uint8Array(512).fill(1))).toThrow(/read-only/);
    d.close();
    expect(readFileSync(p).every((x) => x === 0)).toBe(true);
  });
  it('flush is an fsync of the image, after the writes before it', () => {
    const p = image('sync.img', 4096);
    const log: string[] = [];
    const spy: DiskFs = {
      ...hostFs,
      writeSync: (fd, b, o, l, pos) => { log.push(`write ${pos}`); return fs.writeSync(fd, b, o, l, pos); },
      fsyncSync: (fd) => { log.push('fsync'); fs.fsyncSync(fd); },
    };
    const d = DiskImage.open(p, false, spy);
    d.write(1, new Uint8Array(512));
    d.flush();
    expect(log).toEqual(['write 512', 'fsync']);
    expect(d.stats.flushes).toBe(1);
    d.close();
  });
  it('a short write is completed, not silently dropped', () => {
    const p = image('short.img', 4096);
    const spy: DiskFs = { ...hostFs, writeSync: (fd, b, o, l, pos) => fs.writeSync(fd, b, o, Math.min(l, 100), pos) };
    const d = DiskImage.open(p, false, spy);
    d.write(0, new Uint8Array(1024).fill(7));
    d.close();
    expect(readFileSync(p).subarray(0, 1024).every((x) => x === 7)).toBe(true);
  });
});
