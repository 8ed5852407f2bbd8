// Runs of PUSH r32 or POP r32 (function prologues and epilogues: push ebp; push edi; push esi;
// push ebx) through a flat 32-bit stack: one TLB lookup and one page test for the whole run
// instead of one per instruction. The run's own code, instruction by instruction, stays as the
// other branch, taken when the run's bytes are not all on one page with a TLB entry (a miss, a
// page boundary, a page without write access, a page holding translated code): that code does
// what it always did (faults at the exact instruction, the helper's store into translated
// code). The fast branch cannot fault and writes no translated code (such pages have no write
// TLB entry), so it needs no EIP until the instruction after the run, which records its own
// where it may fault (emit.ts).
import type { Insn } from '../src/decode/decoder.ts';
import type { AccessMode } from './memory-access.ts';

/** Instructions a run may hold (a run is one statement per instruction in its fast branch). */
const MAX_RUN = 8;

/** The kind of stack instruction `i` is for a run: 1 PUSH r32, 2 POP r32 (not ESP: its value
 *  moves with the run), else 0. */
function runKind(i: Insn): number {
  if (i.invalid || i.osz !== 4 || i.row.operands[0]?.kind !== 'Z' || i.zreg === 4) return 0;
  return i.row.sem === 'push' ? 1 : i.row.sem === 'pop' ? 2 : 0;
}

/** The run of two or more PUSH r32 or POP r32 that starts at `insns[k]` and ends before
 *  `end` (exclusive), and the opening of its code: `{ <test> { <fast branch> } else {`, to be
 *  followed by the run's instructions as usual and `} }`. Null when there is none or the stack
 *  is not flat and 32-bit. */
export function stackRun(insns: Insn[], k: number, end: number, mode: AccessMode): { n: number; open: string } | null {
  if (!mode.flatData || !mode.stack32) return null;
  const kind = runKind(insns[k]);
  if (kind === 0) return null;
  let n = 1;
  while (k + n < end && n < MAX_RUN && runKind(insns[k + n]) === kind) n++;
  if (n < 2) return null;
  const bytes = 4 * n, regs = insns.slice(k, k + n).map((i) => i.zreg);
  if (kind === 1) {
    // The first push goes highest: ESP - 4, the last at ESP - 4n.
    const stores = regs.map((z, j) => `v.setInt32(e | ((s & 0xfff) + ${bytes - 4 * (j + 1)}), r[${z}], true);`).join(' ');
    return { n, open: `{ const s = (r[4] - ${bytes})|0; e = wt[s >>> 12]; if (e !== 0 && (s & 0xfff) <= ${4096 - bytes}) { ${stores} r[4] = s; } else {` };
  }
  const loads = regs.map((z, j) => `r[${z}] = v.getInt32(e | ((s & 0xfff) + ${4 * j}), true);`).join(' ');
  return { n, open: `{ const s = r[4]; e = rt[s >>> 12]; if (e !== 0 && (s & 0xfff) <= ${4096 - bytes}) { ${loads} r[4] = (s + ${bytes})|0; } else {` };
}
