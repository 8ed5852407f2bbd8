// --shard i/n: disjoint shards that cover the suite, decided by sorted name, not manifest order.
import { describe, it, expect } from 'vitest';
import { parseShard, selectShard } from '../../src/regress/shard.ts';

const cases = ['hello', 'demo', 'b/x', 'time', 'a', 'smc', 'mmu'].map((name) => ({ name }));

describe('regress shards', () => {
  it('split the suite into disjoint parts that cover it, by sorted name', () => {
    for (let n = 1; n <= 9; n++) {
      const parts = Array.from({ length: n }, (_, k) => selectShard(cases, { index: k + 1, count: n }).map((c) => c.name));
      expect(parts.flat().sort()).toEqual(cases.map((c) => c.name).sort());
    }
    // sorted: a b/x demo hello mmu smc time
    expect(selectShard(cases, { index: 1, count: 3 }).map((c) => c.name)).toEqual(['hello', 'time', 'a']);
    expect(selectShard(cases, { index: 2, count: 3 }).map((c) => c.name)).toEqual(['b/x', 'mmu']);
    expect(selectShard(cases, { index: 3, count: 3 }).map((c) => c.name)).toEqual(['demo', 'smc']);
  });

  it('do not depend on the manifest order', () => {
    const reversed = [...cases].reverse();
    expect(selectShard(reversed, { index: 2, count: 3 }).map((c) => c.name).sort()).toEqual(['b/x', 'mmu']);
  });

  it('parse i/n and refuse nonsense', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 1/1 ')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/4', '5/4', '1/0', '2', 'a/b', '1/2/3', '-1/2', '']) expect(() => parseShard(bad)).toThrow(/--shard/);
  });
});
