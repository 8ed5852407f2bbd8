// Segment-loading and protection instructions. Placeholder: filled in by the protected-mode
// work (descriptor checks, far transfers, IRET, gates).
import type { Cpu } from '../cpu/state.ts';
import type { Insn } from '../decode/decoder.ts';
import { fault, UD } from '../cpu/fault.ts';

const todo = (): never => fault(UD);
export function loadSegment(_c: Cpu, _sreg: number, _sel: number): void { todo(); }
export const movsr = (_c: Cpu, _i: Insn): void => todo();
export const lseg = (_c: Cpu, _i: Insn): void => todo();
export const callf = (_c: Cpu, _i: Insn): void => todo();
export const jmpf = (_c: Cpu, _i: Insn): void => todo();
export const retf = (_c: Cpu, _i: Insn): void => todo();
export const iret = (_c: Cpu, _i: Insn): void => todo();
export const lar = (_c: Cpu, _i: Insn): void => todo();
export const lsl = (_c: Cpu, _i: Insn): void => todo();
export const verr = (_c: Cpu, _i: Insn): void => todo();
export const verw = (_c: Cpu, _i: Insn): void => todo();
export const arpl = (_c: Cpu, _i: Insn): void => todo();
export const lldt = (_c: Cpu, _i: Insn): void => todo();
export const ltr = (_c: Cpu, _i: Insn): void => todo();
export const sldt = (_c: Cpu, _i: Insn): void => todo();
export const str = (_c: Cpu, _i: Insn): void => todo();
export const sysenter = (_c: Cpu, _i: Insn): void => todo();
export const sysexit = (_c: Cpu, _i: Insn): void => todo();
