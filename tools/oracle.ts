// `npm run oracle`: replay the recorded real-CPU vectors in both JIT modes and print
// `oracle: <cases> cases, <forms> forms, <mismatches> mismatches` last.
// `npm run oracle -- --record`: generate cases from the opcode table, run them on this host's
// CPU with tests/oracle/runner-i386, and rewrite tests/oracle/vectors/.
import { spawn } from 'node:child_process';
import { writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { Command } from 'commander';
import { encodeCase, encodeResult, decodeResult, decodeHeader, V_TIMEOUT, V_SYSCALL, V_BAD, type OracleCase, type OracleResult } from '../tests/oracle/protocol.ts';
import { VECTOR_DIR, VECTOR_MAGIC, loadGroups, loadHeader, replay } from '../tests/oracle/suite.ts';
import { oracleForms, genCase, genSequence, Rng, formKey } from './oracle/generate.ts';
import { ROWS } from '../src/decode/rows.ts';
import { caseInsn } from '../tests/oracle/compare.ts';

const RUNNER = join(VECTOR_DIR, '..', 'runner-i386');

async function runNative(cases: OracleCase[]): Promise<{ header: Buffer; results: OracleResult[] }> {
  const p = spawn(RUNNER, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const chunks: Buffer[] = [];
  p.stdout.on('data', (d: Buffer) => chunks.push(d));
  const done = new Promise<number>((res) => p.on('close', (code) => res(code ?? -1)));
  for (const k of cases) p.stdin.write(encodeCase(k));
  p.stdin.end();
  const code = await done;
  if (code !== 0) throw new Error(`runner exited with ${code}`);
  const out = Buffer.concat(chunks);
  const [, off0] = decodeHeader(out);
  const results: OracleResult[] = [];
  let off = off0;
  for (;;) { const r = decodeResult(out, off); if (!r) break; results.push(r[0]); off = r[1]; }
  if (results.length !== cases.length) throw new Error(`runner answered ${results.length} of ${cases.length} cases`);
  return { header: out.subarray(0, off0), results };
}

function groupOf(k: OracleCase): string {
  const i = caseInsn(k);
  const b = i.row.bytes;
  return b.length === 1 ? `op${(b[0] >> 4).toString(16)}x` : `0f${(b[1] >> 4).toString(16)}x`;
}

async function record(perForm: number, sequences: number, seed: number): Promise<void> {
  const r = new Rng(seed);
  const forms = oracleForms();
  const cases: OracleCase[] = [];
  const want = Math.ceil(perForm * 1.25);
  for (const f of forms) {
    let made = 0;
    for (let t = 0; made < want && t < want * 20; t++) { const k = genCase(f, r); if (k) { cases.push(k); made++; } }
  }
  const seqs: OracleCase[] = [];
  while (seqs.length < sequences) { const k = genSequence(r, forms); if (k) seqs.push(k); }
  console.log(`running ${cases.length + seqs.length} cases natively (${forms.length} forms)`);
  const { header, results } = await runNative([...cases, ...seqs]);
  const groups = new Map<string, Buffer[]>();
  const perFormKept = new Map<string, number>();
  let dropped = 0;
  [...cases, ...seqs].forEach((k, n) => {
    const res = results[n];
    if (res.vector === V_TIMEOUT || res.vector === V_SYSCALL || res.vector === V_BAD) { dropped++; return; }
    const isSeq = n >= cases.length;
    const i = caseInsn(k);
    const key = formKey(i.row, i.osz);
    if (!isSeq) {
      const kept = perFormKept.get(key) ?? 0;
      if (kept >= perForm) return;
      perFormKept.set(key, kept + 1);
    }
    const g = isSeq ? 'seq' : groupOf(k);
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(Buffer.concat([encodeCase(k), encodeResult(res)]));
  });
  rmSync(VECTOR_DIR, { recursive: true, force: true });
  mkdirSync(VECTOR_DIR, { recursive: true });
  writeFileSync(join(VECTOR_DIR, 'header.bin'), header);
  let total = 0;
  for (const [g, bufs] of groups) {
    const head = Buffer.alloc(8); head.writeUInt32LE(VECTOR_MAGIC, 0); head.writeUInt32LE(bufs.length, 4);
    const gz = gzipSync(Buffer.concat([head, ...bufs]), { level: 9 });
    writeFileSync(join(VECTOR_DIR, `${g}.bin.gz`), gz);
    total += bufs.length;
    console.log(`${g}: ${bufs.length} cases, ${(gz.length / 1024).toFixed(0)} KiB`);
  }
  const short = [...perFormKept].filter(([, n]) => n < perForm);
  console.log(`recorded ${total} cases; dropped ${dropped} (timeouts, system calls, bad set-ups)`);
  for (const [k, n] of short) console.log(`  form ${k}: only ${n} cases`);
}

function check(modes: ('step' | 'block')[], only?: string, verbose = 10): number {
  const header = loadHeader();
  const groups = loadGroups();
  const filter = only ? (k: OracleCase) => caseInsn(k).row.sem === only || caseInsn(k).row.mn32 === only : undefined;
  const t0 = performance.now();
  const rep = replay(groups, header, modes, filter);
  const secs = (performance.now() - t0) / 1000;
  const byForm = new Map<string, number>();
  for (const m of rep.mismatches) byForm.set(`${m.form} ${m.mode}`, (byForm.get(`${m.form} ${m.mode}`) ?? 0) + 1);
  const shown = new Map<string, number>();
  for (const m of rep.mismatches) {
    const key = `${m.form} ${m.mode}`;
    const s = shown.get(key) ?? 0;
    if (s >= verbose) continue;
    shown.set(key, s + 1);
    const row = ROWS[+m.form.split(':')[0]];
    console.log(`MISMATCH ${m.mode} ${m.group}#${m.index} ${row?.text ?? m.form} bytes=${m.bytes}: ${m.diffs.join('; ')}`);
  }
  for (const [k, n] of byForm) { const row = ROWS[+k.split(':')[0]]; console.log(`  ${n} mismatches: ${row?.text} [${k}]`); }
  const integerRows = ROWS.filter((r) => !(r.traits & 1024)).length;
  const rowsCovered = new Set([...rep.forms.keys()].map((f) => f.split(':')[0])).size;
  const thin = [...rep.forms].filter(([, n]) => n < 200).length;
  console.log(`replayed in ${secs.toFixed(1)} s; rows covered ${rowsCovered} of ${integerRows} integer rows; forms with < 200 cases: ${thin}; modes: ${modes.join(', ')}`);
  console.log(`oracle: ${rep.cases} cases, ${rep.forms.size} forms, ${rep.mismatches.length} mismatches`);
  return rep.mismatches.length ? 1 : 0;
}

const program = new Command('oracle')
  .option('--record', 'regenerate the vectors against this host CPU (needs x86 Linux that runs i386 programs)')
  .option('--per-form <n>', 'cases per form when recording', '200')
  .option('--sequences <n>', 'multi-instruction block cases when recording', '20000')
  .option('--seed <n>', 'generator seed', '12345')
  .option('--mode <m>', 'step, block or both', 'both')
  .option('--only <mnemonic>', 'replay only rows with this semantic name or mnemonic')
  .option('--show <n>', 'mismatches shown per form', '5');
const o = program.parse().opts();
if (o.record) await record(+o.perForm, +o.sequences, +o.seed);
const modes = o.mode === 'both' ? ['step', 'block'] as const : [o.mode as 'step' | 'block'];
process.exitCode = check([...modes], o.only, +o.show);
