// The recorded oracle suite: load the committed vectors and replay them in the emulator,
// in single-step and block mode, comparing with what the real CPU did.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeCase, decodeResult, decodeHeader, type OracleCase, type OracleResult, type OracleHeader } from './protocol.ts';
import { OracleMachine, type Mode } from './machine.ts';
import { compare, caseInsn } from './compare.ts';

export const VECTOR_DIR = join(dirname(fileURLToPath(import.meta.url)), 'vectors');
export const VECTOR_MAGIC = 0x564f4a58; // 'XJOV'

export interface Recorded { group: string; cases: OracleCase[]; results: OracleResult[]; }

export function loadHeader(dir = VECTOR_DIR): OracleHeader {
  return decodeHeader(readFileSync(join(dir, 'header.bin')))[0];
}
export function loadGroups(dir = VECTOR_DIR): Recorded[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.bin.gz')).sort().map((f) => {
    const b = gunzipSync(readFileSync(join(dir, f)));
    if (b.readUInt32LE(0) !== VECTOR_MAGIC) throw new Error(`${f}: bad magic`);
    const n = b.readUInt32LE(4);
    let off = 8;
    const cases: OracleCase[] = [], results: OracleResult[] = [];
    for (let k = 0; k < n; k++) {
      const [c, o1] = decodeCase(b, off);
      const r = decodeResult(b, o1);
      if (!r) throw new Error(`${f}: truncated`);
      cases.push(c); results.push(r[0]); off = r[1];
    }
    return { group: f.replace('.bin.gz', ''), cases, results };
  });
}

export interface Mismatch { group: string; index: number; mode: Mode; form: string; bytes: string; diffs: string[]; }
export interface ReplayReport { cases: number; forms: Map<string, number>; mismatches: Mismatch[]; }

export function formOf(k: OracleCase): string {
  const i = caseInsn(k);
  return `${i.row.index}:${i.row.operands.some((o) => o.size === 'v' || o.size === 'z') || i.row.mn16 !== i.row.mn32 ? i.osz : 0}`;
}

export function replay(groups: Recorded[], header: OracleHeader, modes: Mode[] = ['step', 'block'], filter?: (k: OracleCase) => boolean): ReplayReport {
  const machines = modes.map((m) => new OracleMachine(header, m));
  const report: ReplayReport = { cases: 0, forms: new Map(), mismatches: [] };
  for (const g of groups) {
    for (let n = 0; n < g.cases.length; n++) {
      const k = g.cases[n];
      if (filter && !filter(k)) continue;
      report.cases++;
      const form = formOf(k);
      if (g.group !== 'seq') report.forms.set(form, (report.forms.get(form) ?? 0) + 1);
      for (const m of machines) {
        let diffs: string[];
        try { diffs = compare(k, g.results[n], m.run(k)); } catch (e) { diffs = [`host exception: ${(e as Error).stack ?? e}`]; }
        if (diffs.length) report.mismatches.push({ group: g.group, index: n, mode: m.mode, form, bytes: Buffer.from(k.code).toString('hex'), diffs });
      }
    }
  }
  return report;
}
