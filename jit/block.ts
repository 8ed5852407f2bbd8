// Block formation: decode guest instructions from one physical page until an instruction the
// table marks as ending a block (jump, end), a repeated string instruction, the page end or the
// length cap. A block never crosses a 4 KiB page, so invalidation is per page. Formation is a
// function of the page's bytes, the start and CS.D only, so the first tier can form a block
// again instead of keeping its instructions (jit.ts).
import type { Cpu } from '../src/cpu/state.ts';
import { decodeIn, decodedPastEnd, Insn } from '../src/decode/decoder.ts';
import { ROWS, T_JUMP, T_END, T_REP, T_REPCC, T_PRIV, T_IO } from '../src/decode/rows.ts';
import { FAULT } from '../src/cpu/fault.ts';

export const MAX_BLOCK_INSNS = 64;
/** Per row, what decides where a block ends (block formation, and runOnce in interpret.ts):
 *  E_COUNT_READER the result depends on the retired-instruction count (system.ts: TSC = tsc +
 *  icount), so the row starts a block of its own; E_ENDS a jump, a block-ending state change,
 *  a privileged or I/O instruction ends the block after it; E_REP a string instruction ends it
 *  when repeated; E_DIRECT_JMP a direct JMP (rel8/rel16/rel32), which block formation may
 *  follow. One table, so that the walk that runs as it decodes loads one byte per instruction. */
export const E_COUNT_READER = 1, E_ENDS = 2, E_REP = 4, E_DIRECT_JMP = 8;
export const END_FACTS = new Uint8Array(ROWS.length);
for (const r of ROWS) {
  END_FACTS[r.index] = (r.sem === 'rdtsc' || r.sem === 'rdmsr' || r.sem === 'wrmsr' ? E_COUNT_READER : 0) |
    (r.traits & (T_JUMP | T_END | T_PRIV | T_IO) ? E_ENDS : 0) | (r.traits & (T_REP | T_REPCC) ? E_REP : 0) |
    (r.sem === 'jmp' && r.operands[0]?.kind === 'J' ? E_DIRECT_JMP : 0);
}

/** The target of a direct 32-bit JMP (end facts `e`) that block formation may continue at, if
 *  it is on the block's linear page (so on its physical page), else -1. The target must also
 *  not be in the block yet (an EIP appears once in a block; fault accounting relies on it):
 *  the caller asks. */
export function followedJump(insn: Insn, e: number, start: number): number {
  if ((e & E_DIRECT_JMP) === 0 || insn.osz !== 4 || insn.invalid) return -1;
  const to = (insn.eip + insn.len + insn.imm) | 0;
  return (to >>> 12) === (start >>> 12) ? to : -1;
}

/** Whether the block ends after `insn` (end facts `e`): a jump, a block-ending state change, a
 *  privileged or I/O instruction, a repeated string instruction, an invalid encoding. */
export function endsAfter(insn: Insn, e: number): boolean {
  return insn.invalid || (e & E_ENDS) !== 0 || ((e & E_REP) !== 0 && insn.rep !== 0);
}

function findEip(insns: Insn[], n: number, eip: number): number {
  for (let k = 0; k < n; k++) if ((insns[k].eip | 0) === eip) return k;
  return -1;
}

/** Decode the block that starts at `eip` (linear page known to map to physical `phys`) into
 *  `out[0..n)` and return n. Instruction objects already in `out` are decoded into again (the
 *  first tier's scratch block); `out` is extended with new ones as needed. n = 0: the first
 *  instruction crosses the page end. */
export function formBlock(c: Cpu, eip: number, phys: number, d32: boolean, maxInsns: number, out: Insn[]): number {
  const pageEnd = (phys & ~0xfff) + 4096;
  let pa = phys, ip = eip, n = 0;
  let followed = false;
  while (n < maxInsns) {
    let insn: Insn;
    try {
      // Bytes past the page end read as NOP and mark the instruction as crossing it.
      insn = decodeIn(c.mem, pa, pageEnd, ip, d32, n < out.length ? out[n] : new Insn());
    } catch (e) {
      // Too long (#GP): let it fault when it is reached, as the first instruction of a block.
      if (e !== FAULT || n === 0) throw e;
      break;
    }
    if (decodedPastEnd()) break;
    // RDTSC and the TSC MSR read c.icount, which a block adds to only when it ends: they start
    // a block of their own so that the count is exact (as in single-step mode).
    const e = insn.ri >= 0 ? END_FACTS[insn.ri] : E_ENDS;
    if (n > 0 && (e & E_COUNT_READER)) break;
    if (n === out.length) out.push(insn);
    n++;
    pa += insn.len; ip = (ip + insn.len) | 0;
    // A direct JMP to an instruction on the same page that is not in the block yet: the block
    // goes on there (a superblock), so loops tested at the top become one block.
    const to = followedJump(insn, e, eip);
    if (to !== -1 && n < maxInsns && findEip(out, n, to) < 0) { pa = (phys & ~0xfff) + (to & 0xfff); ip = to; followed = true; continue; }
    if (endsAfter(insn, e)) break;
    if (pa >= pageEnd) break;
    // After a followed JMP the code may fall into instructions the block already has: end
    // there (an EIP appears once in a block; fault accounting relies on it).
    if (followed && findEip(out, n, ip) >= 0) break;
  }
  return n;
}
