// Flag instructions (SDM vol. 2 CLC STC CMC CLD STD CLI STI). CLI/STI privilege (CPL <= IOPL)
// is checked from the table's iopl trait before they run.
import type { Cpu } from '../cpu/state.ts';
import { setStatus, getCF } from '../cpu/flags.ts';
import { CF, DF, IF } from '../cpu/regs.ts';

export function clc(c: Cpu): void { setStatus(c, CF, 0); }
export function stc(c: Cpu): void { setStatus(c, CF, CF); }
export function cmc(c: Cpu): void { setStatus(c, CF, getCF(c) ? 0 : CF); }
export function cld(c: Cpu): void { c.flags &= ~DF; }
export function std(c: Cpu): void { c.flags |= DF; }
export function cli(c: Cpu): void { c.flags &= ~IF; }
export function sti(c: Cpu): void { c.flags |= IF; }
