// Copying to and from guest virtual addresses the way Xen's copy_{to,from}_guest do: through
// the guest's page tables with hypervisor privilege (CR0.WP honoured), refusing the hypervisor
// area; any failure is -EFAULT, never a host exception.
import type { Domain } from './domain.ts';
import { readLin, writeLin } from '../src/cpu/memory.ts';
import { FAULT } from '../src/cpu/fault.ts';

export const EFAULT = -14;

function inGuestRange(d: Domain, va: number, len: number): boolean {
  return len >= 0 && (va >>> 0) + len <= (d.hvStart >>> 0);
}

/** Read `len` bytes at guest virtual `va`; null on a fault. */
export function copyFromGuest(d: Domain, va: number, len: number): Uint8Array | null {
  if (!inGuestRange(d, va, len)) return null;
  const out = new Uint8Array(len);
  try {
    for (let k = 0; k < len; k++) out[k] = readLin(d.cpu, (va + k) | 0, 1, 0);
  } catch (e) { if (e === FAULT) return null; throw e; }
  return out;
}
export function copyToGuest(d: Domain, va: number, data: Uint8Array): boolean {
  if (!inGuestRange(d, va, data.length)) return false;
  try {
    for (let k = 0; k < data.length; k++) writeLin(d.cpu, (va + k) | 0, 1, data[k], 0);
  } catch (e) { if (e === FAULT) return false; throw e; }
  return true;
}
/** Read a 32-bit little-endian value; null on a fault. */
export function readGuest32(d: Domain, va: number): number | null {
  if (!inGuestRange(d, va, 4)) return null;
  try { return readLin(d.cpu, va, 4, 0); } catch (e) { if (e === FAULT) return null; throw e; }
}
export function writeGuest32(d: Domain, va: number, v: number): boolean {
  if (!inGuestRange(d, va, 4)) return false;
  try { writeLin(d.cpu, va, 4, v, 0); return true; } catch (e) { if (e === FAULT) return false; throw e; }
}
