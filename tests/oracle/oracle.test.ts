// The recorded real-CPU suite: every integer form of the opcode table, replayed in
// single-step mode and in block mode, must match what the host CPU did.
import { describe, it, expect } from 'vitest';
import { loadGroups, loadHeader, replay } from './suite.ts';
import { oracleForms, formKey } from '../../tools/oracle/generate.ts';
import { caseInsn } from './compare.ts';

const groups = loadGroups();
const header = loadHeader();

describe('oracle: real CPU vectors', () => {
  it('cover every oracle-comparable form of the table with at least 200 cases', () => {
    const counts = new Map<string, number>();
    for (const g of groups) if (g.group !== 'seq') for (const k of g.cases) {
      const i = caseInsn(k);
      const key = formKey(i.row, i.osz);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const missing = oracleForms().map((f) => formKey(f.row, f.osz)).filter((k) => (counts.get(k) ?? 0) < 200);
    expect(missing).toEqual([]);
  });

  for (const mode of ['step', 'block'] as const) {
    it(`match in ${mode} mode`, { timeout: 600_000 }, () => {
      const rep = replay(groups, header, [mode]);
      const shown = rep.mismatches.slice(0, 20).map((m) => `${m.group}#${m.index} ${m.bytes}: ${m.diffs.join('; ')}`);
      expect(shown).toEqual([]);
      expect(rep.mismatches.length).toBe(0);
      expect(rep.cases).toBeGreaterThan(50_000);
    });
  }
});
