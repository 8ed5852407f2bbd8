// Builds tests/decode/disasm-fixture.json.gz: for every non-x87 row of the opcode table, a set
// of encodings (register and memory forms, SIB, disp8/disp32, 16-bit addressing, operand-size,
// segment, LOCK and REP prefixes, several immediates), each disassembled by binutils objdump
// (`objdump -D -b binary -m i386 -M intel`). Usage: npx tsx tools/gen-disasm-fixture.ts
//
// Every encoding sits at its own 32-byte slot, the gaps filled with INT3 (CC) bytes rather than
// NOPs, so an instruction whose length objdump sees differently cannot hide the following ones:
// objdump resynchronises on the one-byte CCs before the next slot. A case is kept only when
// objdump lists an instruction at the slot's address whose length equals our decoder's (and the
// encoded length); the others go to the fixture's `excluded` list with the reason, as do
// encodings objdump reads with the meaning a later processor gives a prefix, and the run prints
// them all.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ROWS, T_X87, T_NP, T_LOCK, T_REP, T_REPCC, type Row, type Operand } from '../src/decode/rows.ts';
import { decodeBytes, UD_ROW, type Insn } from '../src/decode/decoder.ts';

const SLOT = 32;
const FILL = 0xcc;
const here = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(here, '..', 'tests', 'decode', 'disasm-fixture.json.gz');

type Bytes = number[];
interface Form {
  /** The ModRM byte and what follows it (SIB, displacement). */
  modrm: Bytes;
  mem: boolean;
  /** Needs the 0x67 prefix (16-bit addressing forms). */
  a16: boolean;
}

const le = (v: number, n: number): Bytes => Array.from({ length: n }, (_, k) => (v >>> (k * 8)) & 0xff);
const modrm = (mod: number, reg: number, rm: number): number => (mod << 6) | (reg << 3) | rm;
const sib = (scale: number, index: number, base: number): number => (scale << 6) | (index << 3) | base;

/** ModRM forms for a given reg field; modReq (Row.modReq) limits them to register or memory forms. */
function forms(reg: number, modReq: number): Form[] {
  const f: Form[] = [];
  if (modReq !== 1) {
    for (const rm of [0, 3, 5, 6]) f.push({ modrm: [modrm(3, reg, rm)], mem: false, a16: false });
  }
  if (modReq !== 2) {
    const m32: Bytes[] = [
      [modrm(0, reg, 0)],                                      // [eax]
      [modrm(0, reg, 7)],                                      // [edi]
      [modrm(0, reg, 5), ...le(0x12345678, 4)],                // ds:0x12345678
      [modrm(1, reg, 4), sib(2, 1, 3), 0x10],                  // [ebx+ecx*4+0x10]
      [modrm(1, reg, 6), 0xf0],                                // [esi-0x10]
      [modrm(1, reg, 5), 0x7f],                                // [ebp+0x7f]
      [modrm(2, reg, 5), ...le(0x12345678, 4)],                // [ebp+0x12345678]
      [modrm(2, reg, 2), ...le(0xfffffe00, 4)],                // [edx-0x200]
      [modrm(0, reg, 4), sib(0, 4, 4)],                        // [esp]
      [modrm(1, reg, 4), sib(0, 4, 4), 0x08],                  // [esp+0x8]
      [modrm(0, reg, 4), sib(3, 1, 5), ...le(0x1000, 4)],      // [ecx*8+0x1000]
      [modrm(0, reg, 4), sib(0, 4, 5), ...le(0x1000, 4)],      // SIB without base or index
      [modrm(0, reg, 4), sib(0, 4, 0)],                        // SIB without index
      [modrm(1, reg, 4), sib(1, 4, 4), 0x08],                  // SIB index 4 with a scale
      [modrm(2, reg, 4), sib(0, 6, 5), ...le(0x80, 4)],        // [ebp+esi*1+0x80]
      [modrm(0, reg, 4), sib(1, 7, 2)],                        // [edx+edi*2]
    ];
    for (const b of m32) f.push({ modrm: b, mem: true, a16: false });
    const m16: Bytes[] = [
      ...[0, 1, 2, 3, 4, 5, 7].map((rm) => [modrm(0, reg, rm)]),
      [modrm(0, reg, 6), ...le(0x1234, 2)],                    // ds:0x1234
      [modrm(1, reg, 0), 0x04],                                // [bx+si+0x4]
      [modrm(1, reg, 6), 0xfc],                                // [bp-0x4]
      [modrm(2, reg, 7), ...le(0x1234, 2)],                    // [bx+0x1234]
      [modrm(2, reg, 2), ...le(0xfedc, 2)],                    // [bp+si-0x124]
      [modrm(0, reg, 6), ...le(0xfedc, 2)],                    // ds:0xfedc
    ];
    for (const b of m16) f.push({ modrm: b, mem: true, a16: true });
  }
  return f;
}

/** The bytes after the opcode and ModRM for the row's immediates, variant k. */
function immediates(ops: readonly Operand[], osz: number, asz: number, k: number): Bytes {
  const out: Bytes = [];
  for (const op of ops) {
    switch (op.kind) {
      case 'I': {
        const n = op.size === 'v' || op.size === 'z' ? osz : op.size === 'w' ? 2 : op.size === 'd' ? 4 : 1;
        const vals: Record<number, number[]> = { 1: [0x05, 0xfb, 0x80, 0x7f], 2: [0x1234, 0xfedc, 0x8000, 0x10], 4: [0x12345678, 0xfedcba98, 0x80000000, 0x10] };
        out.push(...le(vals[n][k % 4], n));
        break;
      }
      case 'J': {
        const n = op.size === 'b' ? 1 : osz;
        const vals: Record<number, number[]> = { 1: [0x10, 0xf0, 0x7f, 0x80], 2: [0x1234, 0xfedc, 0x10, 0x8000], 4: [0x100, 0xffffff00, 0x12345678, 0x80000000] };
        out.push(...le(vals[n][k % 4], n));
        break;
      }
      case 'O': out.push(...le([0x12345678, 0xfedcba98, 0x1234, 0x10][k % 4], asz)); break;
      case 'A': out.push(...le([0x12345678, 0x89abcdef, 0x1234, 0][k % 4], osz), ...le([0x1234, 0xfedc, 0x10, 0][k % 4], 2)); break;
    }
  }
  return out;
}

/** All encodings for one row. */
function encodings(r: Row): Bytes[] {
  const out: Bytes[] = [];
  const opc = r.bytes;
  const regChoices = (): number[] => {
    if (r.ext >= 0) return [r.ext];
    const g = r.operands.find((o) => 'GSCD'.includes(o.kind));
    if (!g) return [0];
    if (g.kind === 'S') return [0, 1, 2, 3, 4, 5, 6, 7];
    if (g.kind === 'C' || g.kind === 'D') return [0, 1, 2, 3, 4, 5, 6, 7];
    return [0, 2, 4, 7];
  };
  const opcodes: Bytes[] = r.plusr
    ? [0, 1, 2, 3, 4, 5, 6, 7].map((z) => [...opc.slice(0, -1), opc[opc.length - 1] + z])
    : [opc];
  const withImm = (pre: Bytes, body: Bytes, osz: number, asz: number, variants: number): void => {
    for (let k = 0; k < variants; k++) out.push([...pre, ...body, ...immediates(r.operands, osz, asz, k)]);
  };
  const hasImm = r.operands.some((o) => 'IJOA'.includes(o.kind));
  const nImm = hasImm ? 4 : 1;
  const segs = [0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65];
  const lockable = (r.traits & T_LOCK) !== 0;
  const stringOp = (r.traits & (T_REP | T_REPCC)) !== 0;
  if (r.modrm) {
    for (const reg of regChoices()) {
      const fs = forms(reg, r.modReq);
      // The first register form and the first memory form get every prefix and immediate.
      const primary = new Set([fs[0], fs.find((x) => x.mem)]);
      for (const f of fs) {
        for (const o of opcodes) {
          const pre = f.a16 ? [0x67] : [];
          const body = [...o, ...f.modrm];
          const asz = f.a16 ? 2 : 4;
          const n = primary.has(f) ? nImm : 1;
          withImm(pre, body, 4, asz, n);
          if (usesOsz(r) || primary.has(f)) withImm([...pre, 0x66], body, 2, asz, n);
          if (f.mem && (primary.has(f) || f.modrm[0] === modrm(1, reg, 5))) {
            for (const s of segs) withImm([s, ...pre], body, 4, asz, 1);
          }
          if (!f.mem && primary.has(f)) withImm([0x26], body, 4, asz, 1);
          if (primary.has(f)) for (const rp of [0xf3, 0xf2]) withImm([rp, ...pre], body, 4, asz, 1);
          if (lockable && (primary.has(f) || f.a16)) {
            withImm([0xf0, ...pre], body, 4, asz, 1);
            withImm([0xf0, 0x64, 0x66, ...pre], body, 2, asz, 1);
          }
        }
      }
    }
  } else {
    for (const o of opcodes) {
      withImm([], o, 4, 4, nImm);
      withImm([0x66], o, 2, 4, nImm);
      withImm([0x67], o, 4, 2, nImm);
      withImm([0x66, 0x67], o, 2, 2, 1);
      for (const s of o === opcodes[0] ? segs : [0x26]) withImm([s], o, 4, 4, 1);
      if (!stringOp) for (const rp of [0xf3, 0xf2]) withImm([rp], o, 4, 4, 1);
      if (stringOp) {
        for (const rp of [0xf3, 0xf2]) {
          withImm([rp], o, 4, 4, 1);
          withImm([rp, 0x66], o, 2, 4, 1);
          withImm([rp, 0x67], o, 4, 2, 1);
          withImm([rp, 0x64, 0x66, 0x67], o, 2, 2, 1);
          withImm([rp, 0x26], o, 4, 4, 1);
        }
      }
    }
  }
  return out;
}

/** Opcodes no row covers: objdump should call them (bad) too, where i686 has nothing there. */
function undefinedEncodings(): Bytes[] {
  const out: Bytes[] = [];
  for (let b = 0; b < 512; b++) {
    const opc = b < 256 ? [b] : [0x0f, b - 256];
    if (b < 256 && [0x0f, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3].includes(b)) continue;
    for (const m of [0x00, 0x08, 0x30, 0x38, 0xc0, 0xc8, 0xf0, 0xf8]) {
      const bytes = [...opc, m, 0, 0, 0, 0, 0, 0, 0, 0, 0];
      const i = decodeBytes(bytes, 0);
      if (i.row !== UD_ROW) continue;
      out.push(bytes.slice(0, i.len));
      // Prefixes an undefined opcode leaves unused (one ModRM value is enough).
      if (m === 0x00) for (const p of [0x66, 0x67, 0x26, 0x64, 0xf0, 0xf2, 0xf3]) out.push([p, ...bytes.slice(0, i.len)]);
    }
  }
  return out;
}

interface Listed { addr: number; len: number; text: string; hex: string }

function objdump(bin: Uint8Array): Map<number, Listed> {
  const dir = mkdtempSync(path.join(tmpdir(), 'disasm-'));
  try {
    const file = path.join(dir, 'code.bin');
    writeFileSync(file, bin);
    const txt = execFileSync('objdump', ['-D', '-z', '-b', 'binary', '-m', 'i386', '-M', 'intel', '--insn-width=16', file],
      { encoding: 'utf8', maxBuffer: 1 << 30 });
    const map = new Map<number, Listed>();
    for (const line of txt.split('\n')) {
      const m = /^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*\t(.*)$/.exec(line);
      if (!m) continue;
      const addr = parseInt(m[1], 16);
      const hex = m[2].trim();
      map.set(addr, { addr, len: hex.split(/\s+/).length, text: m[3].replace(/\s+/g, ' ').trim(), hex });
    }
    return map;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const hexOf = (b: Bytes): string => b.map((x) => x.toString(16).padStart(2, '0')).join('');

/** Does the row have an operand (or mnemonic pair) that follows the operand-size attribute? */
const usesOsz = (r: Row): boolean =>
  r.mn16 !== r.mn32 || r.operands.some((o) => ['v', 'z', 'p', 'a', 'bs'].includes(o.size) || o.fixed === 'eAX');

const PREFIX_NAMES: Record<number, string> = {
  0x26: 'es', 0x2e: 'cs', 0x36: 'ss', 0x3e: 'ds', 0x64: 'fs', 0x65: 'gs', 0x66: 'data16', 0x67: 'addr16',
  0xf0: 'lock', 0xf2: 'repnz', 0xf3: 'repz',
};
/** objdump's names for the prefixes at the start of an encoding. */
function prefixNames(bytes: Bytes): string[] {
  const out: string[] = [];
  for (const b of bytes) {
    if (!(b in PREFIX_NAMES)) break;
    out.push(PREFIX_NAMES[b]);
  }
  return out;
}

/** objdump words for what a prefix means to later processors; an i686 ignores those prefixes. */
const LATER_EXTENSIONS: [RegExp, string][] = [
  [/^(\S+ )*bnd /, 'MPX BND'],
  [/^(\S+ )*(xacquire|xrelease) /, 'HLE XACQUIRE/XRELEASE'],
  [/^(\S+ )*(tzcnt|lzcnt) /, 'BMI TZCNT/LZCNT'],
  [/^(\S+ )*wbnoinvd$/, 'WBNOINVD'],
];

/** Encodings where the table deliberately says something else than objdump. */
const DIVERGENT: { when: (i: Insn) => boolean; why: string }[] = [
  {
    when: (i) => i.row.sem === 'bswap' && i.osz === 2,
    why: 'table: BSWAP has a 32-bit operand only (SDM: 16-bit form undefined); objdump prints a 16-bit register',
  },
  {
    when: (i) => i.invalid && (i.row.traits & T_NP) !== 0,
    why: 'table: an NP form (LFENCE/MFENCE/SFENCE) with a 66/F2/F3 prefix is #UD on i686; objdump decodes a later extension (TPAUSE, UMWAIT, INCSSPD...)',
  },
];

function main(): void {
  const cases: { bytes: Bytes; row: Row | undefined; zreg: number }[] = [];
  const seen = new Set<string>();
  const add = (bytes: Bytes, row: Row | undefined): void => {
    const h = hexOf(bytes);
    if (seen.has(h)) return;
    seen.add(h);
    // The register a +r row's opcode byte names (the byte after any prefixes and 0F).
    let k = 0;
    while ([0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3].includes(bytes[k])) k++;
    if (bytes[k] === 0x0f) k++;
    cases.push({ bytes, row, zreg: bytes[k] & 7 });
  };
  for (const r of ROWS) {
    if (r.traits & T_X87) continue;
    for (const b of encodings(r)) add(b, r);
  }
  for (const b of undefinedEncodings()) add(b, undefined);

  const bin = new Uint8Array(cases.length * SLOT).fill(FILL);
  cases.forEach((c, k) => bin.set(c.bytes, k * SLOT));
  const listed = objdump(bin);

  const kept: [string, number, string][] = [];
  const excluded: [string, number, string, string][] = [];
  const count: Record<string, number> = {};
  let beyondTable = 0;
  const exclude = (c: (typeof cases)[number], addr: number, text: string, why: string): void => {
    excluded.push([hexOf(c.bytes), addr, text, why]);
    count[why] = (count[why] ?? 0) + 1;
  };
  cases.forEach((c, k) => {
    const addr = k * SLOT;
    const ours = decodeBytes(c.bytes, addr);
    const theirs = listed.get(addr);
    if (!theirs) { exclude(c, addr, '', 'objdump lists no instruction at the slot'); return; }
    const undef = ours.row === UD_ROW;
    if (undef && (!/(^| )\(bad\)$/.test(theirs.text) || theirs.len !== ours.len)) { beyondTable++; return; }
    // objdump takes prefixes before an opcode of a later extension (SSE) as part of the opcode.
    if (undef && !prefixNames(c.bytes).every((p) => theirs.text.split(' ').includes(p))) { beyondTable++; return; }
    if (!undef && /(^| )\(bad\)$/.test(theirs.text)) { exclude(c, addr, theirs.text, 'objdump prints (bad): it has no such instruction or prefix form'); return; }
    if (theirs.len !== ours.len || ours.len !== c.bytes.length) {
      exclude(c, addr, `${theirs.hex}: ${theirs.text}`, `length: decoder ${ours.len}, objdump ${theirs.len}, encoded ${c.bytes.length}`);
      return;
    }
    if (c.row?.plusr && ours.zreg !== c.zreg) { exclude(c, addr, theirs.text, 'decoder: +r register is not the opcode byte\'s'); return; }
    const later = LATER_EXTENSIONS.find(([re]) => re.test(theirs.text));
    if (later) { exclude(c, addr, theirs.text, `objdump reads the prefix as ${later[1]}, after i686`); return; }
    const why = DIVERGENT.find((d) => d.when(ours))?.why;
    if (why) { exclude(c, addr, theirs.text, why); return; }
    kept.push([hexOf(c.bytes), addr, theirs.text]);
  });

  writeFileSync(OUT, gzipSync(JSON.stringify({
    about: 'objdump -D -b binary -m i386 -M intel (binutils 2.40), one instruction per entry: ' +
      'cases [hex bytes, address, text]; excluded [hex bytes, address, objdump text, reason]',
    cases: kept,
    excluded,
  }), { level: 9 }));
  console.log(`${cases.length} encodings: ${kept.length} kept, ${excluded.length} excluded, ` +
    `${beyondTable} encodings of opcodes the table leaves undefined that objdump reads as something else`);
  for (const [why, n] of Object.entries(count)) console.log(`  ${n}\t${why}`);
  for (const [h, a, t, why] of excluded) console.log(`  ${h} @${a.toString(16)}: ${t} [${why}]`);
}

main();
