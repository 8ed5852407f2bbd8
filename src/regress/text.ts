// Guest console output is bytes, carried as a latin1 string (one char per byte). Golden files
// hold those bytes exactly; what is shown to people (diffs, JUnit) is made readable: UTF-8 is
// decoded where it is valid, and control characters become visible escapes so a stray \r or
// escape sequence shows up in a diff instead of garbling the terminal.
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';

export function readGolden(file: string): string { return readFileSync(file).toString('latin1'); }

/** mkdir -p one level at a time: Node's recursive mkdir spins forever where mkdir answers
 *  ENOENT for a child of an existing directory (e.g. under /proc). */
export function ensureDir(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) ensureDir(parent);
  mkdirSync(dir);
}

export function writeGolden(file: string, bytes: string): void {
  ensureDir(dirname(file));
  writeFileSync(file, Buffer.from(bytes, 'latin1'));
}

/** A latin1 byte string as UTF-8 text when it is valid UTF-8, else as is. */
export function bytesToText(s: string): string {
  if (!/[\x80-\xff]/.test(s)) return s;
  try { return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(s, 'latin1')); } catch { return s; }
}

/** One line (no newline) made printable: control characters and DEL as \xHH, tabs kept. */
export function printable(line: string): string {
  return bytesToText(line).replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The last `n` lines of an output, printable, for failure messages. */
export function tail(output: string, n: number): string {
  const lines = output.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const shown = lines.slice(-n).map(printable);
  return (lines.length > n ? [`... (${lines.length - n} earlier lines)`, ...shown] : shown).join('\n');
}
