// A write the back end acknowledged survives the emulator being killed: blk.elf in "forever"
// mode runs in a child process on a 64 MiB sparse image, writing a 64-sector region per round
// (round r at sector 64 r, each sector stamped with its round and number) and printing
// "FLUSHED r" once round r's flush is acknowledged. After some round n has been reported the
// child is SIGKILLed; reopening the image, every round up to n must be there in full.
import { describe, it, expect, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, ftruncateSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'xenjit-durable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** blk.c's pattern(): word i of sector s in round r. */
function pattern(s: number, r: number, i: number): number {
  if (i === 0) return 0x584a4b31;
  if (i === 1) return r;
  if (i === 2) return s;
  return (Math.imul(s, 2654435761 | 0) ^ (r << 20) ^ Math.imul(i, 40503)) >>> 0;
}

describe('blkif durability', () => {
  it('every write acknowledged before the reported flush is in the image after SIGKILL', { timeout: 180_000 }, async () => {
    const img = join(dir, 'disk.img');
    const fd = openSync(img, 'w');
    ftruncateSync(fd, 64 << 20);
    closeSync(fd);
    // The real command line, as a user runs it: `xenjit run blk.elf --disk IMG`.
    const child = spawn(process.execPath, [
      join(here, '..', '..', 'src', 'cli', 'xenjit.js'), 'run', join(here, '..', 'guests', 'pv', 'blk.elf'),
      '--cmdline', 'forever', '--disk', img, '--memory', '16', '--clock', 'virtual',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    const flushed = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString('latin1');
        const lines = out.split('\n').slice(0, -1);
        const last = lines.map((l) => /^FLUSHED (\d+)$/.exec(l)).filter((x) => x).map((x) => Number(x![1])).pop();
        if (last !== undefined && last >= 5) { child.kill('SIGKILL'); resolve(last); }
      });
      child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
      child.on('exit', (code, sig) => { if (sig !== 'SIGKILL') reject(new Error(`child ended (${code}) before FLUSHED 5: ${out}\n${err}`)); });
    });
    await new Promise<void>((resolve) => { if (child.exitCode !== null || child.signalCode) resolve(); else child.on('exit', () => resolve()); });
    expect(child.signalCode).toBe('SIGKILL');
    expect(out).not.toContain('FAIL');

    const image = readFileSync(img);
    const v = new DataView(image.buffer, image.byteOffset, image.byteLength);
    let bad = 0;
    for (let r = 1; r <= flushed; r++) {
      for (let j = 0; j < 64; j++) {
        const s = r * 64 + j;
        for (let i = 0; i < 128; i++) if (v.getUint32(s * 512 + i * 4, true) !== pattern(s, r, i)) { bad++; break; }
      }
    }
    expect(bad).toBe(0);
    // Region 0 was never written (round 0 does not exist): the image is not just full of data.
    expect(image.subarray(0, 64 * 512).every((x) => x === 0)).toBe(true);
  });
});
