// Guest memory access: segmentation (SDM vol. 3 §5.3 limit and type checks) on top of
// paging (paging.ts). Every access either completes or throws a fault before changing
// anything: multi-byte accesses that cross a page translate both pages first.
import type { Cpu } from './state.ts';
import { ATTR_P } from './state.ts';
import { SS } from './regs.ts';
import { translate, ACC_W, ACC_U, ACC_X } from './paging.ts';
import { fault, GP, SS_ } from './fault.ts';

// Descriptor type bits within attr (SDM vol. 3 §3.4.5.1): bit 3 code, bit 2 expand-down
// (data) / conforming (code), bit 1 writable (data) / readable (code).
const T_CODE = 8, T_ED = 4, T_RW = 2;

function segFault(seg: number): never { return fault(seg === SS ? SS_ : GP, 0); }

/** A flat data segment: base 0, limit 4 GiB, present writable expand-up data (P, S, RW set;
 *  code and expand-down clear), so linear() can fail for no offset. */
export function isFlatData(c: Cpu, seg: number): boolean {
  return c.sbase[seg] === 0 && c.slimit[seg] === -1 && (c.sattr[seg] & 0x9e) === 0x92;
}

/** Check an access of `size` bytes at `off` in segment `seg` and return its linear address. */
export function linear(c: Cpu, seg: number, off: number, size: number, write: boolean): number {
  const attr = c.sattr[seg];
  if (!(attr & ATTR_P)) segFault(seg);
  if (attr & T_CODE) {
    if (write || !(attr & T_RW)) segFault(seg);
  } else if (write && !(attr & T_RW)) segFault(seg);
  const lim = c.slimit[seg] >>> 0, o = off >>> 0, last = o + size - 1;
  if ((attr & (T_CODE | T_ED)) === T_ED) {
    const top = attr & 0x4000 ? 0xffffffff : 0xffff;
    if (o <= lim || last > top) segFault(seg);
  } else if (last > lim && lim !== 0xffffffff) segFault(seg);
  return (c.sbase[seg] + off) | 0;
}

const user = (c: Cpu): number => (c.cpl === 3 ? ACC_U : 0);

export function readPhys(c: Cpu, pa: number, size: number): number {
  if (pa + size > c.mem.length || pa < 0) return size === 4 ? -1 : (1 << (size * 8)) - 1;
  if (size === 1) return c.mem[pa];
  if (size === 2) return c.view.getUint16(pa, true);
  return c.view.getInt32(pa, true);
}

/** Read from a linear address with access kind acc (ACC_U for user accesses). */
export function readLin(c: Cpu, lin: number, size: number, acc: number): number {
  const off = lin & 0xfff;
  if (off <= 4096 - size) return readPhys(c, translate(c, lin, acc), size);
  const pa0 = translate(c, lin, acc), pa1 = translate(c, (lin + size - 1) & ~0xfff, acc);
  let v = 0;
  for (let i = 0; i < size; i++) {
    const pa = off + i < 4096 ? pa0 + i : pa1 + (off + i - 4096);
    v |= readPhys(c, pa, 1) << (i * 8);
  }
  return size === 4 ? v : v & ((1 << (size * 8)) - 1);
}

function writePhysByte(c: Cpu, pa: number, v: number): void {
  if (pa < 0 || pa >= c.mem.length) return;
  c.mem[pa] = v;
  if (c.codePages[pa >>> 12]) codeWritten(c, pa, 1);
}

/** A store reached a page holding translated code; the translator decides whether it hit
 *  translated bytes (then it drops those blocks and sets c.smc so the running block stops). */
function codeWritten(c: Cpu, pa: number, len: number): void {
  c.hooks.codeWrite?.(pa, len);
}

/** Make sure a write of `size` bytes at `lin` will not fault (for read-modify-write and for
 *  instructions that store more than once). */
export function probeWrite(c: Cpu, lin: number, size: number, acc: number): void {
  translate(c, lin, acc | ACC_W);
  if ((lin & 0xfff) > 4096 - size) translate(c, (lin + size - 1) & ~0xfff, acc | ACC_W);
}

export function writeLin(c: Cpu, lin: number, size: number, v: number, acc: number): void {
  const off = lin & 0xfff;
  const pa0 = translate(c, lin, acc | ACC_W);
  if (off <= 4096 - size) {
    if (pa0 + size <= c.mem.length && pa0 >= 0) {
      if (size === 1) c.mem[pa0] = v;
      else if (size === 2) c.view.setUint16(pa0, v, true);
      else c.view.setInt32(pa0, v, true);
      if (c.codePages[pa0 >>> 12]) codeWritten(c, pa0, size);
    }
    return;
  }
  const pa1 = translate(c, (lin + size - 1) & ~0xfff, acc | ACC_W);
  for (let i = 0; i < size; i++) {
    writePhysByte(c, off + i < 4096 ? pa0 + i : pa1 + (off + i - 4096), (v >>> (i * 8)) & 0xff);
  }
}

// Segment-relative accessors used by semantics and generated code. The fast path is a TLB hit
// on an access that stays within one page.
export function rd8(c: Cpu, seg: number, off: number): number {
  const l = linear(c, seg, off, 1, false);
  const e = c.rtlb[l >>> 12];
  return e !== 0 ? c.mem[e | (l & 0xfff)] : readLin(c, l, 1, user(c));
}
export function rd16(c: Cpu, seg: number, off: number): number {
  const l = linear(c, seg, off, 2, false);
  const e = c.rtlb[l >>> 12];
  return e !== 0 && (l & 0xfff) <= 0xffe ? c.view.getUint16(e | (l & 0xfff), true) : readLin(c, l, 2, user(c));
}
export function rd32(c: Cpu, seg: number, off: number): number {
  const l = linear(c, seg, off, 4, false);
  const e = c.rtlb[l >>> 12];
  return e !== 0 && (l & 0xfff) <= 0xffc ? c.view.getInt32(e | (l & 0xfff), true) : readLin(c, l, 4, user(c));
}
export function rd(c: Cpu, seg: number, off: number, size: number): number {
  return size === 4 ? rd32(c, seg, off) : size === 2 ? rd16(c, seg, off) : rd8(c, seg, off);
}
export function wr8(c: Cpu, seg: number, off: number, v: number): void {
  const l = linear(c, seg, off, 1, true);
  const e = c.wtlb[l >>> 12];
  if (e !== 0) c.mem[e | (l & 0xfff)] = v; else writeLin(c, l, 1, v, user(c));
}
export function wr16(c: Cpu, seg: number, off: number, v: number): void {
  const l = linear(c, seg, off, 2, true);
  const e = c.wtlb[l >>> 12];
  if (e !== 0 && (l & 0xfff) <= 0xffe) c.view.setUint16(e | (l & 0xfff), v, true); else writeLin(c, l, 2, v, user(c));
}
export function wr32(c: Cpu, seg: number, off: number, v: number): void {
  const l = linear(c, seg, off, 4, true);
  const e = c.wtlb[l >>> 12];
  if (e !== 0 && (l & 0xfff) <= 0xffc) c.view.setInt32(e | (l & 0xfff), v, true); else writeLin(c, l, 4, v, user(c));
}
export function wr(c: Cpu, seg: number, off: number, size: number, v: number): void {
  if (size === 4) wr32(c, seg, off, v); else if (size === 2) wr16(c, seg, off, v); else wr8(c, seg, off, v);
}
/** Check that a later write of `size` bytes at seg:off will succeed (segment and paging). */
export function probeSegWrite(c: Cpu, seg: number, off: number, size: number): void {
  probeWrite(c, linear(c, seg, off, size, true), size, user(c));
}

/** Instruction fetch: one byte at a linear address (CS checks are the decoder's). */
export function fetchByte(c: Cpu, lin: number): number {
  const e = c.xtlb[lin >>> 12];
  if (e !== 0) return c.mem[e | (lin & 0xfff)];
  return readPhys(c, translate(c, lin, ACC_X | user(c)), 1);
}
/** Physical address of an instruction fetch at a linear address. */
export function fetchPhys(c: Cpu, lin: number): number {
  const e = c.xtlb[lin >>> 12];
  if (e !== 0) return e | (lin & 0xfff);
  return translate(c, lin, ACC_X | user(c));
}
