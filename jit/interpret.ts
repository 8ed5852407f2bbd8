// The first tier: a block runs through its instructions' semantic functions, exactly as the
// generated code's generic path does (EIP stored before each instruction, privilege checks,
// a store into a code page ends the block), until it has run often enough to be worth
// compiling. Code that runs once or a few times (boot code, GRUB's module loaders, the cold
// benchmark) then costs a decode and a walk, not a JavaScript compilation (~0.1-0.2 ms a block).
import type { Cpu } from '../src/cpu/state.ts';
import type { Insn } from '../src/decode/decoder.ts';
import { T_PRIV, T_IOPL, T_JUMP } from '../src/decode/rows.ts';
import type { Exec } from '../src/semantics/index.ts';
import { setsEip, mayStore } from './emit.ts';

/** Per instruction of a block, what the walk needs besides the instruction itself. */
export interface InterpPlan {
  /** Bit 0: store EIP after (next instruction's EIP) because the instruction does not set it
   *  and is the last; bit 1: may store (check c.smc after it); bit 2: privileged; bit 3: IOPL. */
  flags: Uint8Array;
}

export function planOf(insns: Insn[]): InterpPlan {
  const flags = new Uint8Array(insns.length);
  for (let k = 0; k < insns.length; k++) {
    const i = insns[k], last = k === insns.length - 1;
    flags[k] = (last && !setsEip(i) ? 1 : 0) | (!last && mayStore(i) && !(i.row.traits & T_JUMP) ? 2 : 0) |
      (i.row.traits & T_PRIV ? 4 : 0) | (i.row.traits & T_IOPL ? 8 : 0);
  }
  return { flags };
}

/** Run a block's instructions through their semantics; returns how many retired. Faults leave
 *  EIP at the faulting instruction, as the generated code does. */
export function interpretBlock(c: Cpu, E: Exec[], I: Insn[], plan: InterpPlan, ud: () => never, gp0: () => never): number {
  const n = I.length, f = plan.flags;
  for (let k = 0; k < n; k++) {
    const i = I[k], fk = f[k];
    c.eip = i.eip | 0;
    if (i.invalid) ud();
    if ((fk & 4) && c.cpl !== 0) gp0();
    if ((fk & 8) && c.cpl > ((c.flags >> 12) & 3)) gp0();
    E[k](c, i);
    if (fk & 1) c.eip = (i.eip + i.len) | 0;
    else if ((fk & 2) && c.smc) { c.eip = (i.eip + i.len) | 0; return k + 1; }
  }
  return n;
}
