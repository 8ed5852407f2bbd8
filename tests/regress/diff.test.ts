// The unified diff: minimal edit scripts (checked against an LCS computed by dynamic
// programming), and diff -u's format (hunk headers, context, merging, missing newlines).
import { describe, it, expect } from 'vitest';
import { diffLines, unifiedDiff } from '../../src/regress/diff.ts';

function lcs(a: string[], b: string[]): number {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) t[i][j] = a[i] === b[j] ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
  return t[0][0];
}

describe('regress diff', () => {
  it('edit scripts rebuild both sides and are minimal', () => {
    let seed = 12345;
    const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    for (let t = 0; t < 500; t++) {
      const gen = (): string[] => Array.from({ length: rnd(15) }, () => 'abcd'[rnd(4)]);
      const a = gen(), b = gen();
      const ops = diffLines(a, b);
      expect(ops.filter((o) => o.op !== '+').map((o) => o.line)).toEqual(a);
      expect(ops.filter((o) => o.op !== '-').map((o) => o.line)).toEqual(b);
      expect(ops.filter((o) => o.op === ' ').length).toBe(lcs(a, b));
    }
  });

  it('formats hunks as diff -u does', () => {
    const a = 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n';
    const b = 'a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\n';
    expect(unifiedDiff(a, b, 'expected', 'actual')).toBe([
      '--- expected', '+++ actual',
      '@@ -1,5 +1,5 @@', ' a', '-b', '+B', ' c', ' d', ' e',
      '@@ -11,3 +11,4 @@', ' k', ' l', ' m', '+n',
    ].join('\n'));
  });

  it('merges changes whose context touches into one hunk', () => {
    const a = '1\n2\n3\n4\n5\n6\n7\n8\n9\n';
    const b = '1\nX\n3\n4\n5\n6\n7\nY\n9\n';
    const d = unifiedDiff(a, b, 'e', 'a').split('\n');
    expect(d.filter((l) => l.startsWith('@@'))).toEqual(['@@ -1,9 +1,9 @@']);
  });

  it('shows empty sides, missing final newlines and control characters', () => {
    expect(unifiedDiff('', 'one\n', 'e', 'a')).toBe('--- e\n+++ a\n@@ -0,0 +1 @@\n+one');
    expect(unifiedDiff('x\n', 'x', 'e', 'a')).toBe('--- e\n+++ a\n@@ -1 +1 @@\n-x\n+x\n\\ No newline at end of file');
    expect(unifiedDiff('ok\r\n', 'ok\n', 'e', 'a')).toBe('--- e\n+++ a\n@@ -1 +1 @@\n-ok\\x0d\n+ok');
    expect(unifiedDiff('caf\xc3\xa9\n', 'cafe\x1b[0m\n', 'e', 'a')).toBe('--- e\n+++ a\n@@ -1 +1 @@\n-café\n+cafe\\x1b[0m');
    expect(unifiedDiff('same\n', 'same\n', 'e', 'a')).toBe('');
  });

  it('stays bounded on huge, completely different outputs and cuts long diffs', () => {
    const a = Array.from({ length: 5000 }, (_, k) => `a${k}`).join('\n') + '\n';
    const b = Array.from({ length: 5000 }, (_, k) => `b${k}`).join('\n') + '\n';
    const ops = diffLines(a.split('\n'), b.split('\n'));
    expect(ops.filter((o) => o.op === '-').length).toBe(5000);
    const d = unifiedDiff(a, b, 'e', 'a', { maxLines: 50 }).split('\n');
    expect(d.length).toBe(51);
    expect(d[50]).toBe('... (9953 more diff lines)');
  });
});
