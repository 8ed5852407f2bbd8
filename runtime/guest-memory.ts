// Copying to and from guest virtual addresses the way Xen's copy_{to,from}_guest do: through
// the guest's page tables with hypervisor privilege (CR0.WP honoured), refusing the hypervisor
// area; any failure is -EFAULT, never a host exception.
import type { Domain } from './domain.ts';
import { readLin, writeLin } from '../src/cpu/memory.ts';
import { translate, ACC_W } from '../src/cpu/paging.ts';
import { FAULT } from '../src/cpu/fault.ts';

import { EFAULT } from './hypercalls/errno.ts';
export { EFAULT };

function inGuestRange(d: Domain, va: number, len: number): boolean {
  return len >= 0 && (va >>> 0) + len <= (d.hvStart >>> 0);
}

/** Read `len` bytes at guest virtual `va`; null on a fault. */
export function copyFromGuest(d: Domain, va: number, len: number): Uint8Array | null {
  if (!inGuestRange(d, va, len)) return null;
  const out = new Uint8Array(len);
  const c = d.cpu;
  try {
    // Page by page: one translation per page, then a block copy (RAM only).
    for (let k = 0; k < len;) {
      const a = (va + k) | 0, n = Math.min(len - k, 4096 - (a & 0xfff));
      const pa = translate(c, a, 0);
      if (pa >= 0 && pa + n <= c.mem.length) out.set(c.mem.subarray(pa, pa + n), k);
      else for (let j = 0; j < n; j++) out[k + j] = readLin(c, (a + j) | 0, 1, 0);
      k += n;
    }
  } catch (e) { if (e === FAULT) return null; throw e; }
  return out;
}
export function copyToGuest(d: Domain, va: number, data: Uint8Array): boolean {
  if (!inGuestRange(d, va, data.length)) return false;
  const c = d.cpu;
  try {
    // Check every page for writing first (Xen's copy_to_guest may stop part way; checking first
    // keeps a failed copy from leaving half an answer).
    for (let k = 0; k < data.length;) { const a = (va + k) | 0; translate(c, a, ACC_W); k += 4096 - (a & 0xfff); }
    if (data.length) translate(c, (va + data.length - 1) | 0, ACC_W);
    // Then page by page: one translation and a block copy into RAM, and the translator told of
    // a store into a page holding translated code as a guest store tells it (it drops what the
    // bytes held and stops the running block). Byte by byte through writeLin, each byte took a
    // translation and a store of its own: the hypercall benchmark (a 16-byte xen_version answer
    // per iteration) now takes 0.97 of the time (tools/bench-pair.ts, twice).
    for (let k = 0; k < data.length;) {
      const a = (va + k) | 0, n = Math.min(data.length - k, 4096 - (a & 0xfff));
      const pa = translate(c, a, ACC_W);
      if (pa >= 0 && pa + n <= c.mem.length) {
        c.mem.set(data.subarray(k, k + n), pa);
        if (c.codePages[pa >>> 12]) c.hooks.codeWrite?.(pa, n);
      } else for (let j = 0; j < n; j++) writeLin(c, (a + j) | 0, 1, data[k + j], 0);
      k += n;
    }
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
