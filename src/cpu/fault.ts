// Exceptions raised by instructions (SDM vol. 3 §6.3 table 6-1). Semantics raise them by
// throwing the one preallocated CpuFault object (no stack capture, no allocation): the
// dispatch loop catches it with the guest state still at the faulting instruction's boundary.
export const DE = 0, DB = 1, NMI = 2, BP = 3, OFV = 4, BR = 5, UD = 6, NM = 7, DF_ = 8,
  TS = 10, NP = 11, SS_ = 12, GP = 13, PF_ = 14, MF = 16, AC_ = 17, MC = 18;
export const VECTOR_NAMES: Record<number, string> = {
  0: '#DE', 1: '#DB', 2: 'NMI', 3: '#BP', 4: '#OF', 5: '#BR', 6: '#UD', 7: '#NM', 8: '#DF',
  10: '#TS', 11: '#NP', 12: '#SS', 13: '#GP', 14: '#PF', 16: '#MF', 17: '#AC', 18: '#MC',
};
/** Vectors that push an error code (SDM vol. 3 table 6-1). */
export function hasErrorCode(vector: number): boolean {
  return vector === 8 || (vector >= 10 && vector <= 14) || vector === 17;
}

export class CpuFault {
  vector = 0;
  /** -1 when the exception pushes no error code. */
  error = -1;
  /** For #PF: the linear address (becomes CR2). */
  address = 0;
}
/** The only instance ever thrown. */
export const FAULT = new CpuFault();

export function fault(vector: number, error = -1, address = 0): never {
  FAULT.vector = vector;
  FAULT.error = hasErrorCode(vector) ? error : -1;
  FAULT.address = address;
  throw FAULT;
}
export const raiseUD = (): never => fault(UD);
export const raiseGP = (error = 0): never => fault(GP, error);
export const raiseSS = (error = 0): never => fault(SS_, error);
export const raiseNP = (error: number): never => fault(NP, error);
export const raiseTS = (error: number): never => fault(TS, error);
export const raiseDE = (): never => fault(DE);
