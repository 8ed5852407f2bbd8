// Block formation: decode guest instructions from one physical page until an instruction the
// table marks as ending a block (jump, end), a repeated string instruction, the page end or the
// length cap. A block never crosses a 4 KiB page, so invalidation is per page.
import type { Cpu } from '../src/cpu/state.ts';
import { decode, Insn, MAX_INSN_LEN } from '../src/decode/decoder.ts';
import { T_JUMP, T_END, T_REP, T_REPCC, T_PRIV, T_IO } from '../src/decode/rows.ts';
import { FAULT } from '../src/cpu/fault.ts';

export const MAX_BLOCK_INSNS = 64;
/** Rows whose result depends on the retired-instruction count (system.ts: TSC = tsc + icount). */
const COUNT_READERS = new Set(['rdtsc', 'rdmsr', 'wrmsr']);

export interface BlockSource {
  insns: Insn[];
  /** True when formation stopped because the next instruction crosses the page end. */
  crossesPage: boolean;
}

// The bytes block formation decodes from: one reader for every instruction (no closure per
// instruction). Bytes past the page end read as NOP and set `beyond`.
let rdMem: Uint8Array = new Uint8Array(0), rdStart = 0, rdEnd = 0, rdBeyond = false;
function readCodeByte(k: number): number {
  const a = rdStart + k;
  if (a >= rdEnd) { rdBeyond = true; return 0x90; }
  return rdMem[a];
}

/** The target of a direct 32-bit JMP that block formation may continue at: on the block's
 *  linear page (so on its physical page) and not already in the block. */
export function followedJump(insn: Insn, start: number, insns: Insn[]): number | null {
  if (insn.row.sem !== 'jmp' || insn.osz !== 4 || insn.invalid || insn.row.operands[0]?.kind !== 'J') return null;
  const to = (insn.eip + insn.len + insn.imm) | 0;
  if ((to >>> 12) !== (start >>> 12)) return null;
  for (const i of insns) if ((i.eip | 0) === to) return null;
  return to;
}

/** Decode the block that starts at `eip` (linear page known to map to physical `phys`). */
export function formBlock(c: Cpu, eip: number, phys: number, d32: boolean, maxInsns: number): BlockSource {
  const insns: Insn[] = [];
  const pageEnd = (phys & ~0xfff) + 4096;
  let pa = phys, ip = eip;
  let crossesPage = false, followed = false;
  while (insns.length < maxInsns) {
    rdMem = c.mem; rdStart = pa; rdEnd = pageEnd; rdBeyond = false;
    let insn: Insn;
    try {
      insn = decode(readCodeByte, ip, d32);
    } catch (e) {
      // Too long (#GP): let it fault when it is reached, as the first instruction of a block.
      if (e !== FAULT || insns.length === 0) throw e;
      break;
    }
    if (rdBeyond) { crossesPage = true; break; }
    // RDTSC and the TSC MSR read c.icount, which a block adds to only when it ends: they start
    // a block of their own so that the count is exact (as in single-step mode).
    if (insns.length > 0 && COUNT_READERS.has(insn.row.sem)) break;
    insns.push(insn);
    pa += insn.len; ip = (ip + insn.len) | 0;
    const t = insn.row.traits;
    // A direct JMP to an instruction on the same page that is not in the block yet: the block
    // goes on there (a superblock), so loops tested at the top become one block.
    const to = followedJump(insn, eip, insns);
    if (to !== null && insns.length < maxInsns) { pa = (phys & ~0xfff) + (to & 0xfff); ip = to; followed = true; continue; }
    if (insn.invalid || (t & (T_JUMP | T_END | T_PRIV | T_IO)) || ((t & (T_REP | T_REPCC)) && insn.rep)) break;
    if (pa >= pageEnd) break;
    // After a followed JMP the code may fall into instructions the block already has: end
    // there (an EIP appears once in a block; fault accounting relies on it).
    if (followed && insns.some((x) => (x.eip | 0) === ip)) break;
  }
  void MAX_INSN_LEN;
  return { insns, crossesPage };
}
