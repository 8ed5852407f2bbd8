// The benchmark programs under xenjit against the real CPU: each benchmark is built as a static
// i386 Linux program and as a PV kernel from the same object files (bench/build.sh); both run
// with the same small iteration count and must print the same checksum. Skipped, with the
// reason, when gcc -m32 or nasm is missing. No timing here (`npm run bench` measures).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runXenjit } from '../../bench/runners/xenjit.ts';

const gccM32 = spawnSync('sh', ['-c', "echo 'int x;' | gcc -m32 -x c -c -o /dev/null -"], { stdio: 'ignore' }).status === 0;
const nasm = spawnSync('sh', ['-c', 'command -v nasm'], { stdio: 'ignore' }).status === 0;
const missing = [gccM32 ? '' : 'gcc-multilib', nasm ? '' : 'nasm'].filter(Boolean);
if (missing.length) console.warn(`tests/bench/checksums: skipped, needs ${missing.join(' and ')} (apt-get install -y ${missing.join(' ')})`);

// name, iteration count: branchy code, byte loads and stores, shifts and multiplies, string
// instructions, calls, indirect calls, and cold code.
const CASES: [string, number][] = [
  ['statemach', 3], ['sieve', 1], ['crc', 2], ['hash', 3], ['memops', 2], ['recursion', 2], ['fnptr', 40], ['cold', 300],
];

describe.skipIf(missing.length > 0)('benchmark checksums: xenjit vs the real CPU', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'xenjit-bench-test-'));
    const r = spawnSync('bash', ['bench/build.sh'], { env: { ...process.env, BENCH_BUILD_DIR: dir, BENCH_COLD_CHUNKS: '1024' }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bench/build.sh failed: ${r.stderr}`);
  }, 60_000);
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  for (const [name, n] of CASES) {
    it(`${name} n=${n}`, () => {
      const native = spawnSync(join(dir, `${name}.native`), [String(n)], { encoding: 'utf8' });
      expect(native.status).toBe(0);
      const want = /BENCH (\S+) n=(\d+) checksum=([0-9a-f]{8})\nBENCH-END\n/.exec(native.stdout);
      expect(want, native.stdout).not.toBeNull();
      expect(want![1]).toBe(name);
      expect(want![2]).toBe(String(n));
      const x = runXenjit(join(dir, `${name}.pv.elf`), String(n), 16);
      expect(x.end).toBe('poweroff');
      expect(x.output).toBe(native.stdout);
    }, 30_000);
  }
});
