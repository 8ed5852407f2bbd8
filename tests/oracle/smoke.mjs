#!/usr/bin/env node
// Smoke test for the oracle runner (see PROTOCOL.md): encodes a few cases,
// runs tests/oracle/runner-i386 on them, prints the decoded results and
// checks the expected outcome of each.
//
//   node tests/oracle/smoke.mjs            run the cases
//   node tests/oracle/smoke.mjs --bench N  also time N trivial cases
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const RUNNER = path.join(here, 'runner-i386');

const MAGIC_CASE = 0x434f4a58; // "XJOC"
const MAGIC_HEADER = 0x484f4a58; // "XJOH"
const MAGIC_RESULT = 0x524f4a58; // "XJOR"
const VECTOR_NAMES = {
  0xffffffff: 'done', 0xfffffffe: 'other', 0xfffffffd: 'timeout', 0xfffffffc: 'bad-case',
  0: '#DE', 1: '#DB', 3: '#BP', 4: '#OF', 5: '#BR', 6: '#UD', 7: '#NM',
  11: '#NP', 12: '#SS', 13: '#GP', 14: '#PF', 16: '#MF', 17: '#AC', 19: '#XM',
};
const GPRS = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
const SEGS = ['cs', 'ds', 'es', 'fs', 'gs', 'ss'];

function encodeCase(c) {
  const code = Buffer.from(c.code);
  const padded = (code.length + 3) & ~3;
  const buf = Buffer.alloc(18 * 4 + padded);
  const words = [
    MAGIC_CASE, c.loadSegs ? 1 : 0,
    ...GPRS.map((r) => c[r] ?? (r === 'esp' ? 0x30000800 : 0)),
    c.eflags ?? 0, c.seed ?? 1, c.codeOffset ?? 0x100,
    c.ds ?? 0, c.es ?? 0, c.fs ?? 0, c.gs ?? 0, code.length,
  ];
  words.forEach((w, i) => buf.writeUInt32LE(w >>> 0, i * 4));
  code.copy(buf, 18 * 4);
  return buf;
}

// Incremental decoder for the runner's output stream.
class Decoder {
  constructor() { this.buf = Buffer.alloc(0); this.header = null; this.results = []; }
  push(chunk) {
    this.buf = Buffer.concat([this.buf, chunk]);
    let off = 0;
    const u32 = (o) => this.buf.readUInt32LE(o);
    for (;;) {
      const avail = this.buf.length - off;
      if (!this.header) {
        if (avail < 36) break;
        if (u32(off) !== MAGIC_HEADER) throw new Error('bad header magic');
        const count = u32(off + 32);
        if (avail < 36 + count * 8) break;
        const sel = (i) => u32(off + 8 + 4 * i);
        this.header = {
          version: u32(off + 4),
          ...Object.fromEntries(SEGS.map((s, i) => [s, sel(i)])),
          ldt: Array.from({ length: count }, (_, i) =>
            this.buf.subarray(off + 36 + 8 * i, off + 44 + 8 * i).toString('hex')),
        };
        off += 36 + count * 8;
        continue;
      }
      if (avail < 84) break;
      if (u32(off) !== MAGIC_RESULT) throw new Error('bad result magic');
      const n = u32(off + 80);
      if (avail < 84 + 8 * n) break;
      const w = (i) => u32(off + 4 * i);
      const r = { vector: w(1), err: w(2), addr: w(3) };
      GPRS.forEach((g, i) => { r[g] = w(4 + i); });
      r.eip = w(12);
      r.eflags = w(13);
      SEGS.forEach((s, i) => { r[s] = w(14 + i); });
      r.mem = [];
      for (let i = 0; i < n; i++) r.mem.push([w(21 + 2 * i), w(22 + 2 * i)]);
      this.results.push(r);
      off += 84 + 8 * n;
    }
    this.buf = this.buf.subarray(off);
  }
}

function runRunner(cases) {
  return new Promise((resolve, reject) => {
    const child = spawn(RUNNER, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    const dec = new Decoder();
    child.stdout.on('data', (d) => dec.push(d));
    child.on('error', reject);
    child.on('close', (code, sig) => {
      if (code !== 0) reject(new Error(`runner exited with ${code ?? sig}`));
      else resolve(dec);
    });
    child.stdin.end(Buffer.concat(cases.map(encodeCase)));
  });
}

const hex = (v) => '0x' + (v >>> 0).toString(16).padStart(8, '0');

// Expected initial DATA byte (PROTOCOL.md: xorshift32 window).
function seedByte(seed, addr) {
  const off = addr - 0x20000f80;
  if (off < 0 || off >= 256) return 0;
  let x = seed >>> 0 || 1;
  let word = 0;
  for (let i = 0; i <= off >> 2; i++) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    word = x;
  }
  return (word >>> (8 * (off & 3))) & 0xff;
}
const seedDword = (seed, a) =>
  (seedByte(seed, a) | (seedByte(seed, a + 1) << 8) | (seedByte(seed, a + 2) << 16) |
    (seedByte(seed, a + 3) << 24)) >>> 0;

const CODE = 0x10000100;
const ARITH = 0x8d5; // CF PF AF ZF SF OF

const cases = [
  {
    name: 'add eax,ebx (overflow into sign)',
    c: { code: [0x01, 0xd8], eax: 0x7fffffff, ebx: 1, eflags: 0x1 },
    // 0x7fffffff + 1: OF=1 SF=1 AF=1 PF=1 (low byte 0x00 has even parity), CF=0 ZF=0
    expect: { vector: 0xffffffff, eax: 0x80000000, eip: CODE + 3, flags: 0x894 },
  },
  {
    name: 'mov eax,[0x20000ffe] across the page boundary',
    c: { code: [0xa1, 0xfe, 0x0f, 0x00, 0x20], seed: 0x1234 },
    expect: { vector: 0xffffffff, eax: seedDword(0x1234, 0x20000ffe) },
  },
  {
    name: 'mov [0x20003010],eax: write to the read-only page',
    c: { code: [0xa3, 0x10, 0x30, 0x00, 0x20] },
    expect: { vector: 14, err: 7, addr: 0x20003010, eip: CODE },
  },
  {
    name: 'mov eax,[0x20003041]: read of the read-only page',
    c: { code: [0xa1, 0x41, 0x30, 0x00, 0x20] },
    expect: { vector: 0xffffffff, eax: 0x44434241 },
  },
  {
    name: 'mov eax,[0x20002000]: read of the guard page',
    c: { code: [0xa1, 0x00, 0x20, 0x00, 0x20] },
    expect: { vector: 14, err: 4, addr: 0x20002000 },
  },
  {
    name: 'div ecx with ecx=0',
    c: { code: [0xf7, 0xf1], eax: 5 },
    expect: { vector: 0, err: 0, eip: CODE },
  },
  { name: 'ud2', c: { code: [0x0f, 0x0b] }, expect: { vector: 6, eip: CODE } },
  { name: 'cli', c: { code: [0xfa] }, expect: { vector: 13, err: 0, eip: CODE } },
  {
    name: 'inc eax; int3; inc eax (int3 in the middle)',
    c: { code: [0x40, 0xcc, 0x40], eax: 1 },
    expect: { vector: 3, eax: 2, eip: CODE + 2 },
  },
  {
    name: 'mov eax,[bx] (67 8b 07) with DS=0x07 (16-bit LDT data)',
    c: { code: [0x67, 0x8b, 0x07], ebx: 0xffff0ffc, loadSegs: true, ds: 0x07, es: 0x0f, seed: 77 },
    expect: { vector: 0xffffffff, eax: seedDword(77, 0x20000ffc), ds: 0x07, es: 0x0f },
  },
  {
    name: 'mov ds,ax with ax=0x47 (beyond the LDT limit)',
    c: { code: [0x8e, 0xd8], eax: 0x47 },
    expect: { vector: 13, err: 0x44, eip: CODE },
  },
  {
    name: 'mov ds,ax with ax=0x2f (not present)',
    c: { code: [0x8e, 0xd8], eax: 0x2f },
    expect: { vector: 11, err: 0x2c, eip: CODE },
  },
  {
    name: 'mov eax,[0x10] with DS=0x27 (expand-down, offset below limit)',
    c: { code: [0xa1, 0x10, 0, 0, 0], loadSegs: true, ds: 0x27, es: 0x0f },
    expect: { vector: 13, err: 0 },
  },
  {
    name: 'push eax; pushfd (memory diff on the stack)',
    c: { code: [0x50, 0x9c], eax: 0xaabbccdd, eflags: 0x401 },
    expect: { vector: 0xffffffff, esp: 0x30000800 - 8, memCount: 6 }, // zero bytes are no change
  },
  {
    name: 'mov eax,0x12345678 at code offset 0xffd (crosses into the 2nd code page)',
    c: { code: [0xb8, 0x78, 0x56, 0x34, 0x12], codeOffset: 0xffd },
    expect: { vector: 0xffffffff, eax: 0x12345678, eip: 0x10001003 },
  },
  { name: 'jmp $ (infinite loop)', c: { code: [0xeb, 0xfe] }, expect: { vector: 0xfffffffd } },
  {
    name: 'int 0x80 (system call)',
    c: { code: [0xcd, 0x80], eax: 20 /* getpid */ },
    expect: { vector: 0xfffffffe, eax: 20 },
  },
  { name: 'int 0x81', c: { code: [0xcd, 0x81] }, expect: { vector: 13, err: 0x81 * 8 + 2 } },
  { name: 'into with OF=1', c: { code: [0xce], eflags: 0x800 }, expect: { vector: 4, eip: CODE + 1 } },
  {
    name: 'mov ds,ax with ax=0x0f; mov [0x2000],al (beyond limit 0x1fff)',
    c: { code: [0x8e, 0xd8, 0xa2, 0x00, 0x20, 0x00, 0x00], eax: 0x0f },
    expect: { vector: 13, err: 0, ds: 0x0f, eip: CODE + 2 },
  },
  {
    name: 'bad initial DS=0x2f rejected before the snippet',
    c: { code: [0x90], loadSegs: true, ds: 0x2f },
    expect: { vector: 0xfffffffc },
  },
];

function describe(r) {
  const v = VECTOR_NAMES[r.vector] ?? String(r.vector);
  const regs = GPRS.map((g) => `${g}=${hex(r[g])}`).join(' ');
  const segs = SEGS.map((s) => `${s}=${r[s].toString(16)}`).join(' ');
  const mem = r.mem.map(([a, b]) => `${a.toString(16)}:${b.toString(16).padStart(2, '0')}`).join(' ');
  return `  ${v} err=${hex(r.err)} addr=${hex(r.addr)} eip=${hex(r.eip)} eflags=${hex(r.eflags)}\n` +
    `  ${regs}\n  ${segs}\n  mem[${r.mem.length}] ${mem}`;
}

function check(r, e) {
  const bad = [];
  for (const [k, want] of Object.entries(e)) {
    let got;
    if (k === 'flags') got = r.eflags & ARITH;
    else if (k === 'memCount') got = r.mem.length;
    else got = r[k];
    if (got >>> 0 !== want >>> 0) bad.push(`${k}: got ${hex(got)}, want ${hex(want)}`);
  }
  return bad;
}

const dec = await runRunner(cases.map((t) => t.c));
const h = dec.header;
console.log(`header: version ${h.version} ` +
  SEGS.map((s) => `${s}=${h[s].toString(16)}`).join(' '));
h.ldt.forEach((d, i) => console.log(`  ldt[${i}] sel ${hex(i * 8 + 7)} bytes ${d}`));

let failures = 0;
cases.forEach((t, i) => {
  const r = dec.results[i];
  const bad = r ? check(r, t.expect) : ['missing result'];
  failures += bad.length ? 1 : 0;
  console.log(`${bad.length ? 'FAIL' : 'ok  '} ${t.name}`);
  if (r) console.log(describe(r));
  for (const b of bad) console.log(`  !! ${b}`);
});

const benchAt = process.argv.indexOf('--bench');
if (benchAt >= 0) {
  const n = Number(process.argv[benchAt + 1] ?? 100000);
  const many = Array.from({ length: n }, (_, i) => ({
    code: [0x01, 0xd8, 0x89, 0x06], eax: i, ebx: i * 7, esi: 0x20000000 + (i & 0xffc), seed: i,
  }));
  const t0 = process.hrtime.bigint();
  const d = await runRunner(many);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const okCount = d.results.filter((r) => r.vector === 0xffffffff).length;
  console.log(`bench: ${n} cases in ${ms.toFixed(0)} ms = ${Math.round(n / (ms / 1000))} cases/s, ` +
    `${okCount} completed`);
  if (okCount !== n) failures++;
}

console.log(failures ? `${failures} failure(s)` : 'all ok');
process.exit(failures ? 1 : 0);
