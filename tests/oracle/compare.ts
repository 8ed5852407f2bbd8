// Compare an emulator result with the real CPU's, ignoring what the SDM leaves undefined.
import { decodeBytes } from '../../src/decode/decoder.ts';
import { undefinedFor } from '../../src/semantics/undefined.ts';
import { CODE_BASE, V_DONE, type OracleCase, type OracleResult } from './protocol.ts';
import { REG32_NAMES } from '../../src/cpu/regs.ts';

/** EFLAGS bits compared: status, TF IF DF, IOPL NT AC ID; RF is excluded (the host reports the
 *  value the CPU pushed on the exception, which depends on the fault class, not the state). */
const FLAGS_COMPARED = 0x00247fd5;

/** The first instruction of the case (the one the case is about). */
export function caseInsn(k: OracleCase) {
  const at = (k.flags >> 8) & 0xff;
  return decodeBytes(k.code.slice(at), CODE_BASE + k.codeOffset + at);
}

export function compare(k: OracleCase, want: OracleResult, got: OracleResult): string[] {
  const diffs: string[] = [];
  const i = caseInsn(k);
  const cl = k.regs[1] & 0xff;
  const count = i.row.operands.some((o) => o.fixed === 'CL') ? cl : i.row.operands.some((o) => o.fixed === '1') ? 1 : i.imm & 0xff;
  // Undefined parts only matter when that instruction completed (and it is the whole case).
  const u = want.vector === V_DONE || want.vector === 3 ? undefinedFor(i, count) : { flags: 0, dest: false };
  if (want.vector !== got.vector) diffs.push(`vector ${fmt(want.vector)} != ${fmt(got.vector)}`);
  if (want.vector === got.vector && want.error !== got.error) diffs.push(`error ${fmt(want.error)} != ${fmt(got.error)}`);
  if (want.address !== got.address) diffs.push(`cr2 ${fmt(want.address)} != ${fmt(got.address)}`);
  const destReg = u.dest && i.mod === 3 ? i.rm : -1;
  for (let r = 0; r < 8; r++) {
    if (r === destReg) continue;
    if (want.regs[r] !== got.regs[r]) diffs.push(`${REG32_NAMES[r]} ${fmt(want.regs[r])} != ${fmt(got.regs[r])}`);
  }
  if (want.eip !== got.eip) diffs.push(`eip ${fmt(want.eip)} != ${fmt(got.eip)}`);
  const fm = FLAGS_COMPARED & ~u.flags;
  if ((want.eflags & fm) !== (got.eflags & fm)) diffs.push(`eflags ${fmt(want.eflags & fm)} != ${fmt(got.eflags & fm)} (mask ${fmt(fm)})`);
  const names = ['cs', 'ds', 'es', 'fs', 'gs', 'ss'];
  for (let s = 0; s < 6; s++) if (want.sels[s] !== got.sels[s]) diffs.push(`${names[s]} ${fmt(want.sels[s])} != ${fmt(got.sels[s])}`);
  if (!(u.dest && i.mod !== 3)) {
    const a = want.diff.map(([x, v]) => `${fmt(x)}=${v.toString(16)}`).join(' ');
    const b = got.diff.map(([x, v]) => `${fmt(x)}=${v.toString(16)}`).join(' ');
    if (a !== b) diffs.push(`memory [${a}] != [${b}]`);
  }
  return diffs;
}
const fmt = (v: number): string => '0x' + (v >>> 0).toString(16);
