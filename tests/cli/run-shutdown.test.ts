// `xenjit run` and the host side of a shutdown: SIGINT writes control/shutdown = poweroff as
// `xl shutdown` does (a guest watching it powers off, status 0), a second SIGINT stops a guest
// that does not listen. The real command line, as a user runs it.
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const GRUB = '/usr/lib/grub-xen/grub-i386-xen.bin';

/** Run `xenjit run ARGS`; send SIGINT once `ready` shows on stdout (and again `again` ms later). */
function runAndInterrupt(args: string[], ready: string, again?: number): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'src', 'cli', 'xenjit.js'), 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '', sent = false;
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString('latin1');
      if (!sent && out.includes(ready)) {
        sent = true;
        child.kill('SIGINT');
        if (again !== undefined) setTimeout(() => child.kill('SIGINT'), again);
      }
    });
    child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('xenjit run: shutdown from the host side', () => {
  it('SIGINT writes control/shutdown = poweroff; the guest watching it powers off with status 0', { timeout: 120_000 }, async () => {
    const r = await runAndInterrupt([join(root, 'tests', 'guests', 'pv', 'xenstore.elf'), '--cmdline', 'wait-shutdown', '--clock', 'host', '--memory', '16'], 'tell the host we are ready');
    expect(r.err).toContain('writing control/shutdown = poweroff');
    expect(r.out).toContain('xenstore: control/shutdown = poweroff');
    expect(r.out).toContain('XENJIT-TEST xenstore: PASS');
    expect(r.code).toBe(0);
  });
  it.skipIf(!existsSync(GRUB))('a second SIGINT stops a guest that does not watch control/shutdown (GRUB at its prompt): crash status 12', { timeout: 240_000 }, async () => {
    const r = await runAndInterrupt([GRUB, '--clock', 'host', '--memory', '64'], 'grub>', 500);
    expect(r.err).toContain('writing control/shutdown = poweroff');
    expect(r.err).toContain('stopped from the command line');
    expect(r.code).toBe(12);
  });
});
