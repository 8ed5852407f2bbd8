// Splitting a suite across CI machines: `--shard i/n` (1-based) takes every n-th case of the
// suite sorted by name, starting with the i-th, so the n shards are disjoint, cover the suite,
// and do not depend on the manifest's order or on which machine computes them.
export interface Shard { index: number; count: number }

export function parseShard(spec: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  if (!m) throw new Error(`--shard wants i/n (e.g. 2/4), not ${JSON.stringify(spec)}`);
  const index = Number(m[1]), count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) throw new Error(`--shard ${spec}: i must be from 1 to n, and n at least 1`);
  return { index, count };
}

/** The cases of shard `s`, in the order they were given. */
export function selectShard<T extends { name: string }>(cases: readonly T[], s: Shard): T[] {
  const sorted = cases.map((c) => c.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const mine = new Set(sorted.filter((_, k) => k % s.count === s.index - 1));
  return cases.filter((c) => mine.has(c.name));
}
