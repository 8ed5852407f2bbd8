// How the decoder reads an instruction's bytes: through a fetch function (the CPU's own fetch,
// which may fault) it asks for byte k only when bytes 0..k-1 call for it, in order, and never
// past 15 (#GP(0), SDM vol. 2 §2.3.11); from a byte array (block formation) it gives the same
// instruction, near the array's end too, and says when the instruction runs past its end.
import { describe, it, expect } from 'vitest';
import { decode, decodeIn, decodedPastEnd, decodeBytes, Insn } from '../../src/decode/decoder.ts';
import { FAULT, fault, GP, PF_ } from '../../src/cpu/fault.ts';

/** xorshift32: the same byte sequences on every run. */
function bytesFrom(seed: number, n: number): number[] {
  let s = seed | 0 || 1;
  const out: number[] = [];
  for (let k = 0; k < n; k++) { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; out.push(s & 0xff); }
  return out;
}
/** Random instructions, biased towards prefixes, 0F escapes and memory forms. */
function sample(seed: number): number[] {
  const b = bytesFrom(seed, 24);
  const pre = [0x66, 0x67, 0xf3, 0xf2, 0x2e, 0x64, 0xf0, 0x0f];
  for (let k = 0; k < (b[20] & 3); k++) b[k] = pre[b[21 + (k % 3)] & 7];
  return b;
}

const fieldsOf = (i: Insn) => ({ len: i.len, ri: i.ri, invalid: i.invalid, osz: i.osz, asz: i.asz, seg: i.seg, rep: i.rep, lock: i.lock, mod: i.mod, reg: i.reg, rm: i.rm, base: i.base, index: i.index, scale: i.scale, disp: i.disp, imm: i.imm, imm2: i.imm2, eaSeg: i.eaSeg, zreg: i.zreg });

describe('decoding through a fetch function', () => {
  it('asks for bytes 0..len-1 in order and no other (4 000 random instructions, both code sizes)', () => {
    let checked = 0;
    for (let seed = 1; seed <= 2000; seed++) for (const d32 of [true, false]) {
      const b = sample(seed), asked: number[] = [];
      let i: Insn;
      try { i = decode((k) => { asked.push(k); return b[k]; }, 0x1000, d32); } catch (e) {
        if (e !== FAULT) throw e;
        // Only a 16th byte raises #GP, and it is never fetched.
        expect(FAULT.vector).toBe(GP);
        expect(asked).toEqual([...Array(15).keys()]);
        continue;
      }
      expect(asked).toEqual([...Array(i.len).keys()]);
      checked++;
    }
    expect(checked).toBeGreaterThan(3900);
  });

  it('a fault fetching byte k is raised exactly when the instruction reaches byte k', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const b = sample(seed);
      const len = decodeBytes(b, 0).len;
      for (let k = 0; k < 15; k++) {
        const fetch = (j: number): number => (j >= k ? fault(PF_, 0x10, 0x2000 + j) : b[j]);
        if (len > k) {
          expect(() => decode(fetch, 0, true)).toThrow();
          expect([FAULT.vector, FAULT.address]).toEqual([PF_, 0x2000 + k]);
        } else expect(decode(fetch, 0, true).len).toBe(len);
      }
    }
  });

  it('15 bytes decode; a 16th raises #GP(0) without being fetched, even where it would fault', () => {
    const ok = [...Array(14).fill(0x66), 0x90];
    expect(decode((k) => ok[k], 0, true).len).toBe(15);
    const long = Array(15).fill(0x66);
    const fetch = (k: number): number => (k < 15 ? long[k] : fault(PF_, 0, k));
    expect(() => decode(fetch, 0, true)).toThrow();
    expect(FAULT.vector).toBe(GP);
  });
});

describe('decoding from a byte array', () => {
  it('gives what the fetch path gives, in the middle of the array and at its end', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const b = sample(seed);
      let ref: Insn;
      try { ref = decodeBytes(b, 0x40); } catch { continue; }
      // In the middle of a page: the same instruction, not past the end.
      const mem = new Uint8Array(8192).fill(0xcc);
      mem.set(b, 100);
      const mid = decodeIn(mem, 100, 4096, 0x40, true);
      expect(decodedPastEnd()).toBe(false);
      expect(fieldsOf(mid)).toEqual(fieldsOf(ref));
      // At the end of the array (fewer readable bytes than the decoder's window).
      const tail = new Uint8Array(64).fill(0xcc);
      tail.set(b.slice(0, ref.len), 64 - ref.len);
      const end = decodeIn(tail, 64 - ref.len, 64, 0x40, true);
      expect(decodedPastEnd()).toBe(false);
      expect(fieldsOf(end)).toEqual(fieldsOf(ref));
      // Cut one byte short by the end of its page: past the end, whatever follows the page.
      if (ref.len > 1) {
        const page = new Uint8Array(8192);
        page.set(b, 4096 - ref.len + 1);
        decodeIn(page, 4096 - ref.len + 1, 4096, 0, true);
        expect(decodedPastEnd()).toBe(true);
        decodeIn(tail, 64 - ref.len, 63, 0, true);
        expect(decodedPastEnd()).toBe(true);
      }
    }
  });

  it('an instruction of 16 bytes raises #GP(0) unless it runs past the end first', () => {
    const mem = new Uint8Array(8192).fill(0x66);
    expect(() => decodeIn(mem, 0, 4096, 0, true)).toThrow();
    expect(FAULT.vector).toBe(GP);
    decodeIn(mem, 4090, 4096, 0, true);
    expect(decodedPastEnd()).toBe(true);
  });
});
