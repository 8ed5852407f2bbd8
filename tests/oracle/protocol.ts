// The oracle runner's wire format (PROTOCOL.md beside this file), shared by the recorder and
// the replaying test. All fields are little-endian u32.
export const CODE_BASE = 0x10000000, DATA_BASE = 0x20000000, RO_BASE = 0x20003000, STACK_BASE = 0x30000000;
export const WINDOW = 0x20000f80, WINDOW_LEN = 256;
export const V_DONE = 0xffffffff, V_SYSCALL = 0xfffffffe, V_TIMEOUT = 0xfffffffd, V_BAD = 0xfffffffc;

export interface OracleCase {
  flags: number;
  /** eax ecx edx ebx esp ebp esi edi */
  regs: number[];
  eflags: number;
  seed: number;
  codeOffset: number;
  /** ds es fs gs */
  sels: number[];
  code: number[];
}
export interface OracleResult {
  vector: number; error: number; address: number;
  regs: number[]; eip: number; eflags: number;
  /** cs ds es fs gs ss */
  sels: number[];
  /** [address, byte] pairs in ascending address order */
  diff: [number, number][];
}
export interface OracleHeader { sels: number[]; ldt: Uint8Array; }

const MAGIC_C = 0x434f4a58, MAGIC_R = 0x524f4a58, MAGIC_H = 0x484f4a58;

export function encodeCase(c: OracleCase): Buffer {
  const padded = (c.code.length + 3) & ~3;
  const b = Buffer.alloc(72 + padded);
  const w = [MAGIC_C, c.flags, ...c.regs, c.eflags, c.seed, c.codeOffset, ...c.sels, c.code.length];
  w.forEach((v, k) => b.writeUInt32LE(v >>> 0, k * 4));
  Buffer.from(c.code).copy(b, 72);
  return b;
}
export function decodeCase(b: Buffer, off: number): [OracleCase, number] {
  const u = (k: number): number => b.readUInt32LE(off + k * 4);
  if (u(0) !== MAGIC_C) throw new Error(`bad case magic at ${off}`);
  const len = u(17);
  const code = [...b.subarray(off + 72, off + 72 + len)];
  return [{ flags: u(1), regs: [u(2), u(3), u(4), u(5), u(6), u(7), u(8), u(9)], eflags: u(10), seed: u(11), codeOffset: u(12), sels: [u(13), u(14), u(15), u(16)], code }, off + 72 + ((len + 3) & ~3)];
}
export function encodeResult(r: OracleResult): Buffer {
  const b = Buffer.alloc(84 + r.diff.length * 8);
  const w = [MAGIC_R, r.vector, r.error, r.address, ...r.regs, r.eip, r.eflags, ...r.sels, r.diff.length];
  w.forEach((v, k) => b.writeUInt32LE(v >>> 0, k * 4));
  r.diff.forEach(([a, v], k) => { b.writeUInt32LE(a >>> 0, 84 + k * 8); b.writeUInt32LE(v, 88 + k * 8); });
  return b;
}
export function decodeResult(b: Buffer, off: number): [OracleResult, number] | null {
  if (off + 84 > b.length) return null;
  const u = (k: number): number => b.readUInt32LE(off + k * 4);
  if (u(0) !== MAGIC_R) throw new Error(`bad result magic at ${off}`);
  const n = u(20);
  if (off + 84 + n * 8 > b.length) return null;
  const diff: [number, number][] = [];
  for (let k = 0; k < n; k++) diff.push([b.readUInt32LE(off + 84 + k * 8), b.readUInt32LE(off + 88 + k * 8)]);
  return [{ vector: u(1), error: u(2), address: u(3), regs: [u(4), u(5), u(6), u(7), u(8), u(9), u(10), u(11)], eip: u(12), eflags: u(13), sels: [u(14), u(15), u(16), u(17), u(18), u(19)], diff }, off + 84 + n * 8];
}
export function decodeHeader(b: Buffer): [OracleHeader, number] {
  if (b.readUInt32LE(0) !== MAGIC_H) throw new Error('bad header magic');
  const sels = [0, 1, 2, 3, 4, 5].map((k) => b.readUInt32LE(8 + k * 4));
  const n = b.readUInt32LE(32);
  return [{ sels, ldt: new Uint8Array(b.subarray(36, 36 + n * 8)) }, 36 + n * 8];
}

/** The seeded window content (PROTOCOL.md "Seeded window"). */
export function seededWindow(seed: number): Uint8Array {
  const out = new Uint8Array(WINDOW_LEN);
  let x = seed >>> 0 || 1;
  for (let k = 0; k < WINDOW_LEN; k += 4) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[k] = x & 0xff; out[k + 1] = (x >>> 8) & 0xff; out[k + 2] = (x >>> 16) & 0xff; out[k + 3] = x >>> 24;
  }
  return out;
}
