// The code-mark bitmap against a byte per byte model: random runs marked, random ranges tested,
// including runs and ranges that start or end on word boundaries and the page's ends.
import { describe, it, expect } from 'vitest';
import { PageMarks, markRange, anyMarked } from '../../jit/code-marks.ts';

function rng(seed: number): () => number {
  let s = seed | 0 || 1;
  return () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return s >>> 0; };
}
/** An end point, often on or next to a word boundary. */
function point(r: () => number): number {
  const k = r() % 4;
  if (k === 0) return (r() % 129) * 32;
  if (k === 1) return Math.min(4096, (r() % 128) * 32 + 31);
  return r() % 4097;
}

describe('code marks', () => {
  it('anyMarked agrees with the bytes marked, over 300 pages of random runs and 200 ranges each', () => {
    const r = rng(7);
    for (let page = 0; page < 300; page++) {
      const marks = new PageMarks(), model = new Uint8Array(4096);
      const runs = 1 + (r() % 12);
      for (let k = 0; k < runs; k++) {
        let a = point(r), e = point(r);
        if (a > e) [a, e] = [e, a];
        if (a === e) continue;
        markRange(marks.bits, a, e);
        model.fill(1, a, e);
      }
      const bitsOfModel = Array.from({ length: 4096 }, (_, k) => model[k]);
      const bitsMarked = Array.from({ length: 4096 }, (_, k) => (marks.bits[k >>> 5] >>> (k & 31)) & 1);
      expect(bitsMarked).toEqual(bitsOfModel);
      const got: boolean[] = [], want: boolean[] = [];
      for (let k = 0; k < 200; k++) {
        let a = point(r), e = point(r);
        if (a > e) [a, e] = [e, a];
        got.push(anyMarked(marks.bits, a, e)); want.push(model.subarray(a, e).includes(1));
      }
      expect(got).toEqual(want);
    }
  });

  it('a single byte at either end of a word, and the whole page', () => {
    const m = new PageMarks();
    markRange(m.bits, 31, 32); markRange(m.bits, 32, 33); markRange(m.bits, 4095, 4096);
    expect([...m.bits.slice(0, 2)]).toEqual([0x80000000, 1]);
    expect(m.bits[127]).toBe(0x80000000);
    expect(anyMarked(m.bits, 0, 31)).toBe(false);
    expect(anyMarked(m.bits, 33, 4095)).toBe(false);
    expect(anyMarked(m.bits, 4000, 4096)).toBe(true);
    m.clear();
    markRange(m.bits, 0, 4096);
    expect(m.bits.every((x) => x === 0xffffffff)).toBe(true);
    m.clear();
    expect(anyMarked(m.bits, 0, 4096)).toBe(false);
  });
});
