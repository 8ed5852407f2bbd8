// The WebAssembly encoder (jit/wasm-encode.ts) against the format's definition: LEB128 numbers
// as the specification defines them, and modules that V8 validates and runs with the values
// the expressions say.
import { describe, it, expect } from 'vitest';
import { uleb, sleb, encodeModule, I32, i32, get, set, add, sub, mul, shl, switchOf, load, store, seq, ltS, if_, ret } from '../../jit/wasm-encode.ts';

describe('wasm-encode', () => {
  it('encodes LEB128 numbers', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(uleb(0xffffffff)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-65)).toEqual([0xbf, 0x7f]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(-0x80000000)).toEqual([0x80, 0x80, 0x80, 0x80, 0x78]);
  });

  it('builds a module whose switch, memory and branches do what they say', () => {
    // f(k, x): arm k of [x + 1, x * 3, x << 4, store x at 16 and load it back minus 7]; -1 for k < 0.
    const k = 0, x = 1, r = 2;
    const body = seq(
      if_(ltS(get(k), i32(0)), ret(i32(-1))),
      switchOf(get(k), [0, 1, 2, 3], 3, [
        () => set(r, add(get(x), i32(1))),
        () => set(r, mul(get(x), i32(3))),
        () => set(r, shl(get(x), i32(4))),
        () => seq(store(i32(16), get(x)), set(r, sub(load(i32(16)), i32(7)))),
      ]),
      get(r),
    );
    const bytes = encodeModule([{ params: [I32, I32], results: [I32], locals: [I32], body, export: 'f' }], 1);
    expect(WebAssembly.validate(bytes)).toBe(true);
    const memory = new WebAssembly.Memory({ initial: 1 });
    const f = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports.f as (k: number, x: number) => number;
    for (const v of [0, 5, -9, 0x7fffffff]) {
      expect(f(0, v)).toBe((v + 1) | 0);
      expect(f(1, v)).toBe(Math.imul(v, 3));
      expect(f(2, v)).toBe(v << 4);
      expect(f(3, v)).toBe((v - 7) | 0);
      expect(f(9, v)).toBe((v - 7) | 0); // past the table: the last arm
      expect(f(-1, v)).toBe(-1);
    }
    expect(new Int32Array(memory.buffer)[4]).toBe(0x7fffffff);
  });
});
