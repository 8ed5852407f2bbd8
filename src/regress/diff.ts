// A unified diff of two texts by lines (Myers' O(ND) algorithm), formatted as `diff -u` does:
// ---/+++ headers, @@ hunks with context lines, "\ No newline at end of file" where it applies.
// Lines are shown through `printable`, so control characters are visible.
import { printable } from './text.ts';

export type Op = { op: ' ' | '-' | '+'; line: string };

/** Beyond this many differing lines the middle is reported as one replacement: the edit script
 *  is still correct, only not minimal, and time and memory stay bounded for runaway outputs. */
const MAX_EDIT_DISTANCE = 2000;

/** The edit script turning `a` into `b`. */
export function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const A = a.slice(pre, a.length - suf), B = b.slice(pre, b.length - suf);
  const middle = myers(A, B) ?? [...A.map((line): Op => ({ op: '-', line })), ...B.map((line): Op => ({ op: '+', line }))];
  return [
    ...a.slice(0, pre).map((line): Op => ({ op: ' ', line })),
    ...middle,
    ...a.slice(a.length - suf).map((line): Op => ({ op: ' ', line })),
  ];
}

/** Myers' greedy shortest edit script; null when the distance exceeds MAX_EDIT_DISTANCE. */
function myers(a: readonly string[], b: readonly string[]): Op[] | null {
  const n = a.length, m = b.length, max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice(off - d - 1, off + d + 2)); // V as it was before step d, only the live window
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) { x++; y++; }
      v[off + k] = x;
      if (x >= n && y >= m) { found = d; break; }
    }
  }
  if (found < 0) return null;
  // Walk back from (n, m) through the saved V of each step.
  const ops: Op[] = [];
  let x = n, y = m;
  for (let d = found; d > 0; d--) {
    const pv = trace[d], at = (k: number): number => pv[k + d + 1]; // pv covers k = -d-1 .. d+1
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const pk = down ? k + 1 : k - 1;
    const px = at(pk), py = px - pk;
    while (x > px && y > py) { ops.push({ op: ' ', line: a[x - 1] }); x--; y--; }
    if (down) { ops.push({ op: '+', line: b[y - 1] }); y--; } else { ops.push({ op: '-', line: a[x - 1] }); x--; }
  }
  while (x > 0 && y > 0) { ops.push({ op: ' ', line: a[x - 1] }); x--; y--; }
  return ops.reverse();
}

function splitLines(s: string): { lines: string[]; missingNewline: boolean } {
  if (s === '') return { lines: [], missingNewline: false };
  const lines = s.split('\n');
  const missingNewline = lines[lines.length - 1] !== '';
  if (!missingNewline) lines.pop();
  return { lines, missingNewline };
}

export interface UnifiedOptions { context?: number; maxLines?: number }

/** `diff -u` of two texts; '' when they are equal. */
export function unifiedDiff(expected: string, actual: string, fromName: string, toName: string, o: UnifiedOptions = {}): string {
  if (expected === actual) return '';
  const ctx = o.context ?? 3;
  const A = splitLines(expected), B = splitLines(actual);
  // A last line without its newline differs from the same line with one: mark it so.
  const NL = '\u0000no-newline';
  const a = A.lines.map((l, i) => (A.missingNewline && i === A.lines.length - 1 ? l + NL : l));
  const b = B.lines.map((l, i) => (B.missingNewline && i === B.lines.length - 1 ? l + NL : l));
  const ops = diffLines(a, b);
  const out = [`--- ${fromName}`, `+++ ${toName}`];
  // Positions of changes, grouped into hunks that share context.
  const changed = ops.map((o, i) => (o.op !== ' ' ? i : -1)).filter((i) => i >= 0);
  let h = 0;
  while (h < changed.length) {
    let end = h;
    while (end + 1 < changed.length && changed[end + 1] - changed[end] <= 2 * ctx + 1) end++;
    const from = Math.max(0, changed[h] - ctx), to = Math.min(ops.length, changed[end] + ctx + 1);
    // Line numbers at `from`: count the lines of each side before it.
    let aStart = 1, bStart = 1;
    for (let i = 0; i < from; i++) { if (ops[i].op !== '+') aStart++; if (ops[i].op !== '-') bStart++; }
    let aLen = 0, bLen = 0;
    const body: string[] = [];
    for (let i = from; i < to; i++) {
      const { op, line } = ops[i];
      if (op !== '+') aLen++;
      if (op !== '-') bLen++;
      const bare = line.endsWith(NL) ? line.slice(0, -NL.length) : line;
      body.push(op + printable(bare));
      if (bare !== line) body.push('\\ No newline at end of file');
    }
    const range = (start: number, len: number): string => `${len === 0 ? start - 1 : start}${len === 1 ? '' : `,${len}`}`;
    out.push(`@@ -${range(aStart, aLen)} +${range(bStart, bLen)} @@`, ...body);
    h = end + 1;
  }
  const max = o.maxLines ?? Infinity;
  if (out.length > max) return [...out.slice(0, max), `... (${out.length - max} more diff lines)`].join('\n');
  return out.join('\n');
}
