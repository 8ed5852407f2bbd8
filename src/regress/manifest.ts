// The regression manifest: a JSON file listing kernel images with their options and what each
// run must produce. Validated by hand, field by field, so a mistake is reported with the case's
// name and the field's path instead of surfacing later as a confusing run failure. Paths in the
// manifest are relative to the manifest's own directory.
import { readFileSync } from 'node:fs';
import { dirname, resolve, basename } from 'node:path';
import { EXIT_CODES, type RunEnd } from '../../runtime/run.ts';

/** Something a console output must (patterns) or must not (forbid) contain. */
export type Pattern = { kind: 'text'; text: string } | { kind: 'regex'; source: string; flags: string };

/** A disk: an image file, or a scratch image made fresh for each run (`scratch` MiB, every
 *  byte `fill`) and deleted after, for guests that write. */
export interface DiskEntry { path: string; readOnly: boolean; scratch?: { sizeMiB: number; fill: number } }

/** One case with every default applied and every path absolute. */
export interface RegressCase {
  name: string;
  image: string;
  memoryMiB: number;
  cmdline: string;
  module?: string;
  clock: 'virtual' | 'host';
  p2m: 'shuffle' | 'identity';
  singleStep: boolean;
  /** The JIT's code cache bound in blocks (`xenjit run --code-cache`); undefined: its default. */
  codeCache?: number;
  disks: DiskEntry[];
  /** Bytes typed on the console before the guest starts (the JSON string as is). */
  consoleInput?: string;
  xenstore: Record<string, string>;
  /** Expected exit status (the numbers of runtime/run.ts EXIT_CODES). */
  exit: number;
  golden?: string;
  /** The golden path as written in the manifest, for messages. */
  goldenShown?: string;
  patterns: Pattern[];
  forbid: Pattern[];
  maxInstructions: number;
  timeoutSeconds: number;
}

export interface Manifest {
  /** The suite's name (JUnit testsuite name). */
  name: string;
  path: string;
  cases: RegressCase[];
}

/** A manifest that cannot be used; `problems` lists every field at fault. */
export class ManifestError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file}: ${problems.length === 1 ? problems[0] : `${problems.length} problems:\n  ${problems.join('\n  ')}`}`);
  }
}

export const DEFAULTS = { memoryMiB: 64, clock: 'virtual', maxInstructions: 2_000_000_000, timeoutSeconds: 600, exit: 0 } as const;

const CASE_FIELDS = ['name', 'image', 'memory', 'cmdline', 'module', 'clock', 'p2m', 'singleStep', 'codeCache', 'disks', 'consoleInput', 'xenstore', 'exit', 'golden', 'patterns', 'forbid', 'limits', 'comment'];
const DEFAULT_FIELDS = ['memory', 'cmdline', 'clock', 'p2m', 'singleStep', 'codeCache', 'exit', 'limits', 'comment'];
const TOP_FIELDS = ['name', 'defaults', 'cases', 'comment'];
/** Case names become JUnit names, --filter targets and file names in messages: keep them plain. */
const NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*(\/[A-Za-z0-9_][A-Za-z0-9_.+-]*)*$/;

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: Json): string => { const s = JSON.stringify(v); return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + '...' : s; };

/** Collects problems; `at` is the field path shown in the message. */
class Checker {
  problems: string[] = [];
  fail(at: string, msg: string): undefined { this.problems.push(`${at}: ${msg}`); return undefined; }
  unknown(o: Record<string, Json>, known: string[], at: string): void {
    for (const k of Object.keys(o)) if (!known.includes(k)) this.fail(`${at}${at ? '.' : ''}${k}`, `unknown field (known: ${known.join(', ')})`);
  }
  string(v: Json, at: string): string | undefined {
    return typeof v === 'string' ? v : this.fail(at, `must be a string, not ${show(v)}`);
  }
  path(v: Json, at: string, base: string): string | undefined {
    const s = this.string(v, at);
    if (s === undefined) return undefined;
    if (!s) return this.fail(at, 'must be a non-empty file name');
    return resolve(base, s);
  }
  int(v: Json, at: string, lo: number, hi: number, unit = ''): number | undefined {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) return this.fail(at, `must be an integer from ${lo} to ${hi}${unit}, not ${show(v)}`);
    return v;
  }
  positive(v: Json, at: string): number | undefined {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) return this.fail(at, `must be a positive number, not ${show(v)}`);
    return v;
  }
  oneOf<T extends string>(v: Json, at: string, values: readonly T[]): T | undefined {
    return values.includes(v as T) ? (v as T) : this.fail(at, `must be one of ${values.join(', ')}, not ${show(v)}`);
  }
  bool(v: Json, at: string): boolean | undefined {
    return typeof v === 'boolean' ? v : this.fail(at, `must be true or false, not ${show(v)}`);
  }
  exit(v: Json, at: string): number | undefined {
    if (typeof v === 'string' && v in EXIT_CODES) return EXIT_CODES[v as RunEnd];
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 255) return v;
    return this.fail(at, `must be an exit status (0..255) or one of ${Object.keys(EXIT_CODES).join(', ')}, not ${show(v)}`);
  }
  patterns(v: Json, at: string): Pattern[] | undefined {
    if (!Array.isArray(v)) return this.fail(at, `must be a list of strings or {"regex": ..., "flags": ...} objects, not ${show(v)}`);
    const out: Pattern[] = [];
    v.forEach((p, k) => {
      const pat = `${at}[${k}]`;
      if (typeof p === 'string') { if (p) out.push({ kind: 'text', text: p }); else this.fail(pat, 'an empty string matches anything'); return; }
      if (!isObject(p)) { this.fail(pat, `must be a string or {"regex": ..., "flags": ...}, not ${show(p)}`); return; }
      this.unknown(p, ['regex', 'flags'], pat);
      const source = this.string(p.regex, `${pat}.regex`);
      const flags = p.flags === undefined ? '' : this.string(p.flags, `${pat}.flags`);
      if (source === undefined || flags === undefined) return;
      if (!/^[ims]*$/.test(flags)) { this.fail(`${pat}.flags`, `only i, m and s are allowed, not ${show(flags)}`); return; }
      try { new RegExp(source, flags); } catch (e) { this.fail(`${pat}.regex`, `not a valid regular expression: ${(e as Error).message}`); return; }
      out.push({ kind: 'regex', source, flags });
    });
    return out;
  }
  disks(v: Json, at: string, base: string): DiskEntry[] | undefined {
    if (!Array.isArray(v)) return this.fail(at, `must be a list of "file[,ro]" strings, {"path": ..., "readOnly": ...} or {"scratch": MiB, "fill": byte, "readOnly": ...} objects, not ${show(v)}`);
    const out: DiskEntry[] = [];
    v.forEach((d, k) => {
      const dat = `${at}[${k}]`;
      if (typeof d === 'string') {
        const m = /^(.*?)(?:,(ro|rw))?$/.exec(d)!;
        if (!m[1]) { this.fail(dat, `needs a file name: ${show(d)}`); return; }
        out.push({ path: resolve(base, m[1]), readOnly: m[2] === 'ro' });
      } else if (isObject(d) && d.scratch !== undefined) {
        this.unknown(d, ['scratch', 'fill', 'readOnly'], dat);
        const size = d.scratch, fill = d.fill === undefined ? 0 : d.fill;
        if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > 4096) { this.fail(`${dat}.scratch`, `must be a size in MiB from 1 to 4096, not ${show(size)}`); return; }
        if (typeof fill !== 'number' || !Number.isInteger(fill) || fill < 0 || fill > 255) { this.fail(`${dat}.fill`, `must be a byte value 0..255, not ${show(fill)}`); return; }
        const readOnly = d.readOnly === undefined ? false : this.bool(d.readOnly, `${dat}.readOnly`);
        if (readOnly !== undefined) out.push({ path: '', readOnly, scratch: { sizeMiB: size, fill } });
      } else if (isObject(d)) {
        this.unknown(d, ['path', 'readOnly'], dat);
        const path = this.path(d.path, `${dat}.path`, base);
        const readOnly = d.readOnly === undefined ? false : this.bool(d.readOnly, `${dat}.readOnly`);
        if (path !== undefined && readOnly !== undefined) out.push({ path, readOnly });
      } else this.fail(dat, `must be "file[,ro]" or {"path": ..., "readOnly": ...}, not ${show(d)}`);
    });
    return out;
  }
  xenstore(v: Json, at: string): Record<string, string> | undefined {
    if (!isObject(v)) return this.fail(at, `must be an object of path: value strings, not ${show(v)}`);
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(v)) {
      if (!k) { this.fail(at, 'an entry has an empty path'); continue; }
      const s = this.string(val, `${at}[${JSON.stringify(k)}]`);
      if (s !== undefined) out[k] = s;
    }
    return out;
  }
}

/** Settings a case inherits from the manifest's `defaults`. */
interface Inherited {
  memoryMiB: number; cmdline: string; clock: 'virtual' | 'host'; p2m: 'shuffle' | 'identity';
  singleStep: boolean; codeCache?: number; exit: number; maxInstructions: number; timeoutSeconds: number;
}

function limits(ck: Checker, v: Json, at: string, into: { maxInstructions: number; timeoutSeconds: number }): void {
  if (!isObject(v)) { ck.fail(at, `must be an object {"instructions": ..., "seconds": ...}, not ${show(v)}`); return; }
  ck.unknown(v, ['instructions', 'seconds'], at);
  if (v.instructions !== undefined) { const n = ck.int(v.instructions, `${at}.instructions`, 1, Number.MAX_SAFE_INTEGER); if (n !== undefined) into.maxInstructions = n; }
  if (v.seconds !== undefined) { const s = ck.positive(v.seconds, `${at}.seconds`); if (s !== undefined) into.timeoutSeconds = s; }
}

/** Options shared by `defaults` and cases; writes what is present and valid into `into`. */
function options(ck: Checker, o: Record<string, Json>, at: string, into: Inherited): void {
  const p = (f: string): string => `${at}.${f}`;
  if (o.memory !== undefined) { const v = ck.int(o.memory, p('memory'), 4, 1024, ' (MiB)'); if (v !== undefined) into.memoryMiB = v; }
  if (o.cmdline !== undefined) { const v = ck.string(o.cmdline, p('cmdline')); if (v !== undefined) into.cmdline = v; }
  if (o.clock !== undefined) { const v = ck.oneOf(o.clock, p('clock'), ['virtual', 'host'] as const); if (v) into.clock = v; }
  if (o.p2m !== undefined) { const v = ck.oneOf(o.p2m, p('p2m'), ['shuffle', 'identity'] as const); if (v) into.p2m = v; }
  if (o.singleStep !== undefined) { const v = ck.bool(o.singleStep, p('singleStep')); if (v !== undefined) into.singleStep = v; }
  if (o.codeCache !== undefined) { const v = ck.int(o.codeCache, p('codeCache'), 16, 1 << 24, ' (blocks)'); if (v !== undefined) into.codeCache = v; }
  if (o.exit !== undefined) { const v = ck.exit(o.exit, p('exit')); if (v !== undefined) into.exit = v; }
  if (o.limits !== undefined) limits(ck, o.limits, p('limits'), into);
  if (o.comment !== undefined) ck.string(o.comment, p('comment'));
}

/** Validate a parsed manifest; `file` is its path (relative paths inside are resolved against its directory). */
export function parseManifest(json: Json, file: string): Manifest {
  const ck = new Checker();
  const base = dirname(resolve(file));
  if (!isObject(json)) throw new ManifestError(file, [`the manifest must be a JSON object with a "cases" list, not ${show(json)}`]);
  ck.unknown(json, TOP_FIELDS, '');
  const name = json.name === undefined ? basename(file).replace(/\.json$/i, '') : ck.string(json.name, 'name') ?? 'regress';
  const inherited: Inherited = {
    memoryMiB: DEFAULTS.memoryMiB, cmdline: '', clock: DEFAULTS.clock, p2m: 'shuffle', singleStep: false,
    exit: DEFAULTS.exit, maxInstructions: DEFAULTS.maxInstructions, timeoutSeconds: DEFAULTS.timeoutSeconds,
  };
  if (json.defaults !== undefined) {
    if (!isObject(json.defaults)) ck.fail('defaults', `must be an object, not ${show(json.defaults)}`);
    else { ck.unknown(json.defaults, DEFAULT_FIELDS, 'defaults'); options(ck, json.defaults, 'defaults', inherited); }
  }
  if (!Array.isArray(json.cases)) {
    ck.fail('cases', json.cases === undefined ? 'missing (a list of cases)' : `must be a list of cases, not ${show(json.cases)}`);
    throw new ManifestError(file, ck.problems);
  }
  const cases: RegressCase[] = [];
  const seen = new Set<string>();
  json.cases.forEach((c, k) => {
    let at = `cases[${k}]`;
    if (!isObject(c)) { ck.fail(at, `must be an object, not ${show(c)}`); return; }
    const before = ck.problems.length;
    const caseName = c.name === undefined ? ck.fail(`${at}.name`, 'missing (a name for the case)') : ck.string(c.name, `${at}.name`);
    if (caseName !== undefined) {
      at = `${at} (${caseName})`;
      if (!NAME_RE.test(caseName)) ck.fail(`${at}.name`, 'use letters, digits and _ . + - (and / between parts)');
      else if (seen.has(caseName)) ck.fail(`${at}.name`, 'another case has this name');
      seen.add(caseName);
    }
    ck.unknown(c, CASE_FIELDS, at);
    const o: Inherited = { ...inherited };
    options(ck, c, at, o);
    const image = c.image === undefined ? ck.fail(`${at}.image`, 'missing (the kernel image to boot)') : ck.path(c.image, `${at}.image`, base);
    const module = c.module === undefined ? undefined : ck.path(c.module, `${at}.module`, base);
    const disks = c.disks === undefined ? [] : ck.disks(c.disks, `${at}.disks`, base);
    const consoleInput = c.consoleInput === undefined ? undefined : ck.string(c.consoleInput, `${at}.consoleInput`);
    const xenstore = c.xenstore === undefined ? {} : ck.xenstore(c.xenstore, `${at}.xenstore`);
    const golden = c.golden === undefined ? undefined : ck.path(c.golden, `${at}.golden`, base);
    const patterns = c.patterns === undefined ? [] : ck.patterns(c.patterns, `${at}.patterns`);
    const forbid = c.forbid === undefined ? [] : ck.patterns(c.forbid, `${at}.forbid`);
    if (c.golden === undefined && c.patterns === undefined) ck.fail(at, 'needs "golden" (a file with the exact expected output) or "patterns" (text that must appear in order)');
    if (ck.problems.length !== before || caseName === undefined || image === undefined || !disks || !xenstore || !patterns || !forbid) return;
    cases.push({
      name: caseName, image, ...o, module, disks, consoleInput, xenstore, golden,
      goldenShown: golden === undefined ? undefined : String(c.golden), patterns, forbid,
    });
  });
  if (ck.problems.length) throw new ManifestError(file, ck.problems);
  return { name, path: resolve(file), cases };
}

/** Read and validate a manifest file. */
export function loadManifest(file: string): Manifest {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) {
    throw new ManifestError(file, [`cannot read the manifest: ${(e as NodeJS.ErrnoException).code ?? e}`]);
  }
  let json: Json;
  try { json = JSON.parse(text); } catch (e) { throw new ManifestError(file, [`not valid JSON: ${(e as Error).message}`]); }
  return parseManifest(json, file);
}
