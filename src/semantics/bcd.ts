// Decimal adjust instructions (SDM vol. 2 "DAA", "DAS", "AAA", "AAS", "AAM", "AAD"), with the
// algorithms exactly as the SDM's Operation sections give them.
import type { Cpu } from '../cpu/state.ts';
import type { Insn } from '../decode/decoder.ts';
import { getFlags, setFlagsAll, PARITY } from '../cpu/flags.ts';
import { CF, AF, OF, SF, ZF, PF, EAX } from '../cpu/regs.ts';
import { setReg } from './operands.ts';
import { raiseDE } from '../cpu/fault.ts';

function szp(r: number): number { return PARITY[r & 0xff] | ((r & 0xff) === 0 ? ZF : 0) | (r & 0x80 ? SF : 0); }

export function daa(c: Cpu): void {
  let f = getFlags(c);
  const oldAL = c.regs[EAX] & 0xff, oldCF = f & CF;
  let al = oldAL;
  f &= ~CF;
  if ((al & 0xf) > 9 || (f & AF)) { al = (al + 6) & 0xff; f |= AF; if (oldCF || oldAL > 0xf9) f |= CF; } else f &= ~AF;
  if (oldAL > 0x99 || oldCF) { al = (al + 0x60) & 0xff; f |= CF; } else f &= ~CF;
  setReg(c, EAX, 1, al);
  // OF is undefined; an i686 leaves it as the last ALU step would: cleared here.
  setFlagsAll(c, (f & ~(SF | ZF | PF | OF)) | szp(al));
}
export function das(c: Cpu): void {
  let f = getFlags(c);
  const oldAL = c.regs[EAX] & 0xff, oldCF = f & CF;
  let al = oldAL;
  f &= ~CF;
  if ((al & 0xf) > 9 || (f & AF)) { al = (al - 6) & 0xff; f |= AF; if (oldCF || oldAL < 6) f |= CF; } else f &= ~AF;
  if (oldAL > 0x99 || oldCF) { al = (al - 0x60) & 0xff; f |= CF; }
  setReg(c, EAX, 1, al);
  setFlagsAll(c, (f & ~(SF | ZF | PF | OF)) | szp(al));
}
export function aaa(c: Cpu): void {
  let f = getFlags(c);
  let ax = c.regs[EAX] & 0xffff;
  if ((ax & 0xf) > 9 || (f & AF)) { ax = (ax + 0x106) & 0xffff; f |= AF | CF; } else f &= ~(AF | CF);
  setReg(c, EAX, 2, ax & 0xff0f);
  setFlagsAll(c, f);
}
export function aas(c: Cpu): void {
  let f = getFlags(c);
  let ax = c.regs[EAX] & 0xffff;
  // AX - 6 borrows from AH before AH is decremented (SDM vol. 2 "AAS" Operation).
  if ((ax & 0xf) > 9 || (f & AF)) { ax = (ax - 6 - 0x100) & 0xffff; f |= AF | CF; } else f &= ~(AF | CF);
  setReg(c, EAX, 2, ax & 0xff0f);
  setFlagsAll(c, f);
}
export function aam(c: Cpu, i: Insn): void {
  const base = i.imm & 0xff;
  if (base === 0) raiseDE();
  const al = c.regs[EAX] & 0xff;
  const r = al % base;
  setReg(c, EAX, 2, (Math.floor(al / base) << 8) | r);
  setFlagsAll(c, (getFlags(c) & ~(SF | ZF | PF | OF | AF | CF)) | szp(r));
}
export function aad(c: Cpu, i: Insn): void {
  const base = i.imm & 0xff;
  const ax = c.regs[EAX];
  const r = ((ax & 0xff) + ((ax >> 8) & 0xff) * base) & 0xff;
  setReg(c, EAX, 2, r);
  setFlagsAll(c, (getFlags(c) & ~(SF | ZF | PF | OF | AF | CF)) | szp(r));
}
