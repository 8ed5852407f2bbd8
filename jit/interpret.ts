// The first tier: a block runs through its instructions' semantic functions, exactly as the
// generated code's generic path does (EIP stored before each instruction, privilege checks,
// a store into a code page ends the block), until it has run often enough to be worth
// compiling. Code that runs once or a few times (boot code, GRUB's module loaders, the cold
// benchmark) then costs a decode and a walk, not a JavaScript compilation (~0.1-0.2 ms a block).
import type { Cpu } from '../src/cpu/state.ts';
import { Insn } from '../src/decode/decoder.ts';
import { ROWS, T_PRIV, T_IOPL, T_JUMP } from '../src/decode/rows.ts';
import { EXEC } from '../src/semantics/index.ts';
import { setsEip, mayStore } from './emit.ts';

// Per row, what the walk needs besides the instruction (computed once: the walk asks for every
// instruction it runs): W_SETS_EIP the row sets EIP itself; W_STORES_REG/W_STORES_MEM it may
// store with a register / memory ModRM operand (then a store into a code page ends the block);
// W_PRIV CPL 0 only; W_IOPL CPL <= IOPL only.
const W_SETS_EIP = 1, W_STORES_REG = 2, W_STORES_MEM = 4, W_PRIV = 8, W_IOPL = 16;
const WALK_FACTS = new Uint8Array(ROWS.length);
{
  const probe = new Insn();
  for (const r of ROWS) {
    probe.row = r;
    probe.mod = 3; const sr = mayStore(probe);
    probe.mod = 0; const sm = mayStore(probe);
    WALK_FACTS[r.index] = (setsEip(probe) ? W_SETS_EIP : 0) | (sr && !(r.traits & T_JUMP) ? W_STORES_REG : 0) |
      (sm && !(r.traits & T_JUMP) ? W_STORES_MEM : 0) | (r.traits & T_PRIV ? W_PRIV : 0) | (r.traits & T_IOPL ? W_IOPL : 0);
  }
}

/** Run `I[from..n)` through their semantics; returns how many retired. Faults leave EIP at the
 *  faulting instruction, as the generated code does. */
export function interpretBlock(c: Cpu, I: Insn[], n: number, ud: () => never, gp0: () => never, from = 0): number {
  for (let k = from; k < n; k++) {
    const i = I[k];
    c.eip = i.eip | 0;
    if (i.invalid) ud();
    const ri = i.ri, f = WALK_FACTS[ri];
    if ((f & W_PRIV) && c.cpl !== 0) gp0();
    if ((f & W_IOPL) && c.cpl > ((c.flags >> 12) & 3)) gp0();
    const e = EXEC[ri];
    if (e === undefined) ud();
    e(c, i);
    if (k === n - 1) { if (!(f & W_SETS_EIP)) c.eip = (i.eip + i.len) | 0; }
    else if ((f & (i.mod === 3 ? W_STORES_REG : W_STORES_MEM)) && c.smc) { c.eip = (i.eip + i.len) | 0; return k + 1 - from; }
  }
  return n - from;
}
