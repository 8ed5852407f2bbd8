// The forced-emulation prefix (xen/arch/x86/pv/emul-inv-op.c): a #UD on the bytes
// `ud2; .ascii "xen"; cpuid` (0f 0b 78 65 6e 0f a2) is Xen's signal to run CPUID with the
// domain's PV policy and continue after it, from kernel or user mode (this domain never
// enables CPUID faulting, so the user-mode #GP variant does not arise). Any other #UD is the
// guest's own. Reading the bytes may fault: the guest then gets #PF at the first byte that
// could not be read, with error code 0 (user bit from the mode).
import { CS } from '../../src/cpu/regs.ts';
import { readLin } from '../../src/cpu/memory.ts';
import { FAULT, PF_ } from '../../src/cpu/fault.ts';
import type { PvTrapState } from './state.ts';
import { injectHwException, instructionDone } from './bounce.ts';
import { pvCpuid } from './cpuid.ts';

const SIGNATURE = [0x0f, 0x0b, 0x78, 0x65, 0x6e];
const CPUID = [0x0f, 0xa2];

/** Read `want` bytes at linear `lin` with Xen's (supervisor) privilege; on a fault, the
 *  address of the byte that failed. */
function readBytes(t: PvTrapState, lin: number, want: number): number[] | { failedAt: number } {
  const out: number[] = [];
  for (let k = 0; k < want; k++) {
    const a = (lin + k) | 0;
    try {
      if ((a >>> 0) >= (t.d.hvStart >>> 0)) return { failedAt: a };
      out.push(readLin(t.d.cpu, a, 1, 0));
    } catch (e) { if (e !== FAULT) throw e; return { failedAt: a }; }
  }
  return out;
}

/** Returns true when the #UD was Xen's to handle (emulated, or turned into a #PF). */
export function emulateForcedInvalidOp(t: PvTrapState): boolean {
  const c = t.d.cpu;
  const lin = (c.sbase[CS] + c.eip) | 0;
  const sig = readBytes(t, lin, SIGNATURE.length);
  if (!Array.isArray(sig)) { injectHwException(t, PF_, 0, sig.failedAt); return true; }
  if (sig.some((b, k) => b !== SIGNATURE[k])) return false;
  const insn = readBytes(t, (lin + SIGNATURE.length) | 0, CPUID.length);
  if (!Array.isArray(insn)) { injectHwException(t, PF_, 0, insn.failedAt); return true; }
  if (insn.some((b, k) => b !== CPUID[k])) return false;
  pvCpuid(t, c.regs);
  instructionDone(t, (c.eip + SIGNATURE.length + CPUID.length) | 0);
  return true;
}
