// The PV MMU's validation rules: page types, pinning, mmu_update and update_va_mapping
// rejections with Xen's error codes, batch progress, MMU_PT_UPDATE_PRESERVE_AD, the M2P.
import { describe, it, expect } from 'vitest';
import { fixture, pte, P, RW, US, A, D, PS, PWT, G, EPERM, ESRCH, EFAULT, EBUSY, EINVAL, ENOSYS, type Fixture } from './mmu-fixture.ts';
import { PAGE } from '../../runtime/domain.ts';
import { PGT_l1_page_table, PGT_l2_page_table, PGT_l3_page_table, PGT_writable_page } from '../../runtime/mmu/page-types.ts';

const MMU_UPDATE = 1, UPDATE_VA = 14, MMUEXT = 26;
const PIN_L1 = 0, PIN_L2 = 1, PIN_L3 = 2, PIN_L4 = 3, UNPIN = 4, NEW_BASEPTR = 5;
const DOMID_SELF = 0x7ff0;

/** mmu_update with requests [ptr, val] (64-bit values as numbers < 2^53). */
function mmuUpdate(f: Fixture, reqs: [number, number, number, number][], foreigndom = DOMID_SELF): { rc: number; done: number } {
  const buf = f.va(0), pdone = f.va(0) + 2048;
  f.put(buf, reqs.flat());
  f.put(pdone, [0x5a5a]);
  const rc = f.call(MMU_UPDATE, [buf, reqs.length, pdone, foreigndom]);
  return { rc, done: f.get(pdone) };
}
function mmuext(f: Fixture, ops: [number, number, number][]): { rc: number; done: number } {
  const buf = f.va(0), pdone = f.va(0) + 2048;
  f.put(buf, ops.flat());
  f.put(pdone, [0]);
  const rc = f.call(MMUEXT, [buf, ops.length, pdone, DOMID_SELF]);
  return { rc, done: f.get(pdone) };
}
/** Make scratch page k read-only in the boot mapping, so its frame may become a table. */
function readOnly(f: Fixture, k: number): number {
  const mfn = f.mfnOfVa(f.va(k));
  expect(f.call(UPDATE_VA, [f.va(k), ...pte(mfn, P | A), 2])).toBe(0);
  return mfn;
}
/** Fill scratch page k with PAE entries, then make it read-only; returns its frame. */
function table(f: Fixture, k: number, entries: Record<number, [number, number]>): number {
  const words = new Array(1024).fill(0);
  for (const [i, [lo, hi]] of Object.entries(entries)) { words[+i * 2] = lo; words[+i * 2 + 1] = hi; }
  f.put(f.va(k), words);
  return readOnly(f, k);
}
const ptr = (maddr: number, cmd = 0): [number, number] => [(maddr + cmd) | 0, Math.floor(maddr / 2 ** 32)];

describe('boot tables', () => {
  it('are typed, validated and the top level pinned', () => {
    const f = fixture();
    const t = f.mmu.types, top = f.sod.l3OrL2Mfn;
    expect(t.type[top]).toBe(PGT_l3_page_table);
    expect(t.pinned(top)).toBe(true);
    expect(t.count[top]).toBe(2); // the pin and the base pointer
    const l2 = f.d.cpu.view.getInt32(top * PAGE + 3 * 8, true) >>> 12;
    expect(t.type[l2]).toBe(PGT_l2_page_table);
    // Pages of the kernel are mapped writable: they have the writable type.
    expect(t.type[f.mfnOfVa(0xc0000000)]).toBe(PGT_writable_page);
    expect(f.d.cpu.gdtLimit).toBe(15 * 4096 - 1);
  });
});

describe('pinning', () => {
  it('pins and unpins an L1, refuses a double pin and unpinning what is not pinned', () => {
    const f = fixture();
    const l1 = table(f, 1, { 0: pte(f.mfnOfVa(f.va(2)), P | RW) });
    expect(mmuext(f, [[PIN_L1, l1, 0]]).rc).toBe(0);
    expect(f.mmu.types.type[l1]).toBe(PGT_l1_page_table);
    expect(f.mmu.types.pinned(l1)).toBe(true);
    expect(mmuext(f, [[PIN_L1, l1, 0]])).toEqual({ rc: EINVAL, done: 0 });
    expect(mmuext(f, [[UNPIN, l1, 0]]).rc).toBe(0);
    expect(mmuext(f, [[UNPIN, l1, 0]]).rc).toBe(EINVAL);
  });
  it('refuses to pin with the wrong type, a frame mapped writable, or a foreign frame', () => {
    const f = fixture();
    const l1 = table(f, 1, {});
    expect(mmuext(f, [[PIN_L1, l1, 0]]).rc).toBe(0);
    expect(mmuext(f, [[PIN_L2, l1, 0]]).rc).toBe(EINVAL);
    // Scratch page 3 is still mapped writable.
    expect(mmuext(f, [[PIN_L1, f.mfnOfVa(f.va(3)), 0]]).rc).toBe(EINVAL);
    expect(mmuext(f, [[PIN_L1, f.d.xen.m2p, 0]]).rc).toBe(EINVAL);
    expect(mmuext(f, [[PIN_L1, f.d.totalFrames + 5, 0]]).rc).toBe(EINVAL);
    // A 32-bit guest's L4 pins are ignored.
    expect(mmuext(f, [[PIN_L4, l1, 0]]).rc).toBe(0);
  });
  it('reports batch progress in pdone and stops at the first failure', () => {
    const f = fixture();
    const a = table(f, 1, {}), b = table(f, 2, {});
    expect(mmuext(f, [[PIN_L1, a, 0], [PIN_L1, b, 0], [PIN_L1, a, 0], [PIN_L1, b, 0]])).toEqual({ rc: EINVAL, done: 2 });
    expect(mmuext(f, [[99, 0, 0]])).toEqual({ rc: ENOSYS, done: 0 });
  });
  it('validates an L1 at pin time: each entry must be the domain\'s and page tables only read-only', () => {
    const f = fixture();
    const m2p = f.d.xen.m2p;
    expect(mmuext(f, [[PIN_L1, table(f, 1, { 5: pte(m2p, P) }), 0]]).rc).toBe(EBUSY);
    expect(mmuext(f, [[PIN_L1, table(f, 2, { 5: pte(f.d.totalFrames + 1, P) }), 0]]).rc).toBe(EPERM);
    const top = f.sod.l3OrL2Mfn;
    expect(mmuext(f, [[PIN_L1, table(f, 3, { 1: pte(top, P | RW) }), 0]]).rc).toBe(EBUSY);
    expect(mmuext(f, [[PIN_L1, table(f, 4, { 1: pte(top, P) }), 0]]).rc).toBe(0);
    expect(mmuext(f, [[PIN_L1, table(f, 5, { 1: pte(f.mfnOfVa(f.va(9)), P | PWT) }), 0]]).rc).toBe(EINVAL);
    // A failed validation leaves nothing behind: the frames are untyped.
    expect(f.mmu.types.count[f.mfnOfVa(f.va(1))]).toBe(0);
  });
  it('types L2 -> L1 recursively and refuses superpages', () => {
    const f = fixture();
    const l1 = table(f, 1, { 0: pte(f.mfnOfVa(f.va(4)), P | RW) });
    const l2 = table(f, 2, { 7: pte(l1, P | RW | US) });
    expect(mmuext(f, [[PIN_L2, l2, 0]]).rc).toBe(0);
    expect(f.mmu.types.type[l1]).toBe(PGT_l1_page_table);
    expect(f.mmu.types.count[l1]).toBe(1);
    const l2ps = table(f, 3, { 7: pte(0, P | PS) });
    expect(mmuext(f, [[PIN_L2, l2ps, 0]]).rc).toBe(EINVAL);
    // Unpinning the L2 releases its L1, which can then be mapped writable again.
    expect(mmuext(f, [[UNPIN, l2, 0]]).rc).toBe(0);
    expect(f.mmu.types.count[l1]).toBe(0);
    expect(f.call(UPDATE_VA, [f.va(1), ...pte(l1, P | RW), 2])).toBe(0);
  });
  it('PAE L3: slot 3 must be present and its L2 not shared; RW allowed and USER|RW added as Xen x86-64 does, PS/PCD refused', () => {
    const f = fixture();
    const l2a = table(f, 1, {}), l2b = table(f, 2, {});
    expect(mmuext(f, [[PIN_L3, table(f, 3, { 0: pte(l2a, P) }), 0]]).rc).toBe(EINVAL);
    const l3 = table(f, 4, { 0: pte(l2a, P), 3: pte(l2b, P) });
    expect(mmuext(f, [[PIN_L3, l3, 0]]).rc).toBe(0);
    // l2b is now the L2 with Xen's slots: no other L3 may use it, in slot 3 or elsewhere.
    expect(mmuext(f, [[PIN_L3, table(f, 5, { 3: pte(l2b, P) }), 0]]).rc).toBe(EINVAL);
    expect(mmuext(f, [[PIN_L3, table(f, 6, { 1: pte(l2b, P), 3: pte(table(f, 7, {}), P) }), 0]]).rc).toBe(EINVAL);
    // l3_disallow_mask for a 32-bit domain (0xFFFFF198): RW is allowed (GRUB sets it), and
    // adjust_guest_l3e then adds USER|RW to every present entry; PS (0x80) and PCD (0x10) are not.
    const l3rw = table(f, 8, { 0: pte(table(f, 9, {}), P | RW), 3: pte(table(f, 10, {}), P) });
    expect(mmuext(f, [[PIN_L3, l3rw, 0]]).rc).toBe(0);
    const v = f.d.cpu.view;
    expect(v.getUint32(l3rw * 4096, true) & 0xfff).toBe(P | RW | US);
    expect(v.getUint32(l3rw * 4096 + 24, true) & 0xfff).toBe(P | RW | US);
    expect(mmuext(f, [[PIN_L3, table(f, 11, { 0: pte(table(f, 12, {}), P | PS), 3: pte(table(f, 13, {}), P) }), 0]]).rc).toBe(EINVAL);
    expect(mmuext(f, [[PIN_L3, table(f, 14, { 0: pte(table(f, 15, {}), P | 0x10), 3: pte(table(f, 16, {}), P) }), 0]]).rc).toBe(EINVAL);
  });
});

describe('mmu_update', () => {
  it('makes a validated L1 update and reports pdone', () => {
    const f = fixture();
    const target = f.mfnOfVa(f.va(5));
    const slot = f.l1eMaddr(f.va(6));
    expect(mmuUpdate(f, [[...ptr(slot), ...pte(target, P | RW | A | D)]])).toEqual({ rc: 0, done: 1 });
    f.mmu.invlpg(f.va(6));
    f.put(f.va(6), [0x1234]);
    expect(f.get(f.va(5))).toBe(0x1234);
  });
  it('refuses a writable mapping of a page table with -EBUSY, a foreign frame with -EBUSY, MMIO with -EPERM, bad flags with -EINVAL', () => {
    const f = fixture();
    const slot = f.l1eMaddr(f.va(6));
    const before = f.d.cpu.view.getInt32(slot, true);
    const top = f.sod.l3OrL2Mfn;
    expect(mmuUpdate(f, [[...ptr(slot), ...pte(top, P | RW)]]).rc).toBe(EBUSY);
    expect(mmuUpdate(f, [[...ptr(slot), ...pte(f.d.xen.m2p + 1, P)]]).rc).toBe(EBUSY);
    expect(mmuUpdate(f, [[...ptr(slot), ...pte(0, P)]]).rc).toBe(EPERM);
    expect(mmuUpdate(f, [[...ptr(slot), ...pte(f.mfnOfVa(f.va(5)), P | 0x10)]]).rc).toBe(EINVAL);
    expect(f.d.cpu.view.getInt32(slot, true)).toBe(before);
    // Read-only mapping of a page table is fine; G is allowed in L1 entries.
    expect(mmuUpdate(f, [[...ptr(slot), ...pte(top, P | G)]]).rc).toBe(0);
  });
  it('refuses updates of Xen\'s L2 slots with -EPERM and of L3 slot 3 with -EINVAL', () => {
    const f = fixture();
    const top = f.sod.l3OrL2Mfn;
    const l2 = f.d.cpu.view.getInt32(top * PAGE + 3 * 8, true) >>> 12;
    const xenSlot = (f.d.hvStart >>> 21) & 511;
    expect(mmuUpdate(f, [[...ptr(l2 * PAGE + xenSlot * 8), 0, 0]]).rc).toBe(EPERM);
    expect(mmuUpdate(f, [[...ptr(l2 * PAGE + 511 * 8), 0, 0]]).rc).toBe(EPERM);
    expect(mmuUpdate(f, [[...ptr(l2 * PAGE + (xenSlot - 1) * 8), 0, 0]]).rc).toBe(0);
    expect(mmuUpdate(f, [[...ptr(top * PAGE + 3 * 8), 0, 0]]).rc).toBe(EINVAL);
  });
  it('refuses a bad L3 entry and an L2 entry to a frame that cannot be an L1', () => {
    const f = fixture();
    const top = f.sod.l3OrL2Mfn;
    const l2 = table(f, 1, {});
    expect(mmuUpdate(f, [[...ptr(top * PAGE + 1 * 8), ...pte(l2, P | 0x80)]]).rc).toBe(EINVAL);
    expect(mmuUpdate(f, [[...ptr(top * PAGE + 1 * 8), ...pte(f.mfnOfVa(f.va(4)), P)]]).rc).toBe(EINVAL);
    expect(mmuUpdate(f, [[...ptr(top * PAGE + 1 * 8), ...pte(l2, P)]]).rc).toBe(0);
    expect(f.mmu.types.type[l2]).toBe(PGT_l2_page_table);
    const l2boot = f.d.cpu.view.getInt32(top * PAGE + 3 * 8, true) >>> 12;
    expect(mmuUpdate(f, [[...ptr(l2boot * PAGE + 8), ...pte(f.mfnOfVa(f.va(4)), P | RW)]]).rc).toBe(EINVAL);
  });
  it('stops a batch at the first failure with pdone = requests done', () => {
    const f = fixture();
    const s1 = f.l1eMaddr(f.va(6)), s2 = f.l1eMaddr(f.va(7));
    const good = pte(f.mfnOfVa(f.va(5)), P);
    const r = mmuUpdate(f, [[...ptr(s1), ...good], [...ptr(s2), ...good], [...ptr(s2), ...pte(f.d.xen.m2p, P)], [...ptr(s1), 0, 0]]);
    expect(r).toEqual({ rc: EBUSY, done: 2 });
    expect(f.d.cpu.view.getInt32(s1, true)).toBe(good[0]);
    expect(mmuUpdate(f, [[...ptr(s1, 7), 0, 0]])).toEqual({ rc: ENOSYS, done: 0 });
  });
  it('MMU_PT_UPDATE_PRESERVE_AD keeps the accessed and dirty bits the entry has', () => {
    const f = fixture();
    const slot = f.l1eMaddr(f.va(6));
    const old = f.d.cpu.view.getInt32(slot, true);
    expect(old & (A | D)).toBe(A | D);
    const [lo, hi] = pte(f.mfnOfVa(f.va(6)), P | RW);
    expect(mmuUpdate(f, [[...ptr(slot, 2), lo, hi]]).rc).toBe(0);
    expect(f.d.cpu.view.getInt32(slot, true)).toBe(lo | A | D);
    expect(mmuUpdate(f, [[...ptr(slot, 0), lo, hi]]).rc).toBe(0);
    expect(f.d.cpu.view.getInt32(slot, true)).toBe(lo);
  });
  it('MMU_MACHPHYS_UPDATE sets the M2P entry of an own frame only', () => {
    const f = fixture();
    const mfn = f.mfnOfVa(f.va(5));
    expect(mmuUpdate(f, [[...ptr(mfn * PAGE, 1), 0x777, 0]]).rc).toBe(0);
    expect(f.d.pfnOf(mfn)).toBe(0x777);
    expect(mmuUpdate(f, [[...ptr(f.d.xen.m2p * PAGE, 1), 0x777, 0]]).rc).toBe(EINVAL);
  });
  it('writes a frame not in use as a table without checks, and rejects other domains', () => {
    const f = fixture();
    const mfn = f.mfnOfVa(f.va(5));
    expect(mmuUpdate(f, [[...ptr(mfn * PAGE + 16), 0x1234, 0x5678]]).rc).toBe(0);
    expect(f.get(f.va(5) + 16)).toBe(0x1234);
    expect(mmuUpdate(f, [[...ptr(mfn * PAGE), 0, 0]], 0x7ff1).rc).toBe(EPERM);
    expect(mmuUpdate(f, [[...ptr(mfn * PAGE), 0, 0]], 3).rc).toBe(ESRCH);
    expect(f.call(MMU_UPDATE, [f.d.hvStart - 8, 1, 0, DOMID_SELF])).toBe(EFAULT);
  });
});

describe('update_va_mapping', () => {
  it('changes the mapping of a virtual address; rejections leave it as it was', () => {
    const f = fixture();
    const target = f.mfnOfVa(f.va(5));
    expect(f.call(UPDATE_VA, [f.va(6), ...pte(target, P | RW), 2])).toBe(0);
    expect(f.get(f.va(6))).toBe(f.get(f.va(5)));
    expect(f.call(UPDATE_VA, [f.va(6), ...pte(f.sod.l3OrL2Mfn, P | RW), 2])).toBe(EBUSY);
    expect(f.call(UPDATE_VA, [f.d.hvStart + 0x1000, ...pte(target, P), 2])).toBe(EINVAL);
    expect(f.call(UPDATE_VA, [0x1000, ...pte(target, P), 2])).toBe(EINVAL);
    // UVMF_INVLPG flushed the old translation: the new one is seen at once.
    f.put(f.va(5), [0xabcd]);
    expect(f.get(f.va(6))).toBe(0xabcd);
  });
  it('without a flush flag leaves the stale translation to the guest to flush', () => {
    const f = fixture();
    const a = f.mfnOfVa(f.va(5)), b = f.mfnOfVa(f.va(7));
    f.put(f.va(5), [0x1111]); f.put(f.va(7), [0x2222]);
    expect(f.get(f.va(6))).not.toBe(0x1111); // fills the TLB for va(6)
    expect(f.call(UPDATE_VA, [f.va(6), ...pte(a, P | RW), 0])).toBe(0);
    expect(f.get(f.va(6))).not.toBe(0x1111);
    f.mmu.invlpg(f.va(6));
    expect(f.get(f.va(6))).toBe(0x1111);
    expect(f.call(UPDATE_VA, [f.va(6), ...pte(b, P | RW), 1])).toBe(0);
    expect(f.get(f.va(6))).toBe(0x2222);
  });
});

describe('base pointer', () => {
  it('NEW_BASEPTR needs a valid top level and moves CR3', () => {
    const f = fixture();
    const top = f.sod.l3OrL2Mfn, v = f.d.cpu.view;
    // A copy of the boot L3 with its own slot-3 L2 (copied from the boot one).
    const bootL2 = v.getInt32(top * PAGE + 24, true) >>> 12;
    const l2words: number[] = [];
    for (let i = 0; i < 1024; i++) l2words.push(v.getInt32(bootL2 * PAGE + i * 4, true));
    f.put(f.va(1), l2words);
    const l2 = readOnly(f, 1);
    const l3 = table(f, 2, { 3: pte(l2, P) });
    expect(mmuext(f, [[NEW_BASEPTR, f.mfnOfVa(f.va(3)), 0]]).rc).toBe(EINVAL);
    expect(mmuext(f, [[NEW_BASEPTR, l3, 0]]).rc).toBe(0);
    expect(f.d.cpu.cr3 >>> 12).toBe(l3);
    expect(f.get(f.va(4))).toBe(f.get(f.va(4)));
    expect(mmuext(f, [[NEW_BASEPTR, top, 0]]).rc).toBe(0);
    // The unpinned L3 lost its last reference: it can be written again.
    expect(f.mmu.types.count[l3]).toBe(0);
  });
});

describe('Xen slots and linear page tables', () => {
  it('clears what the guest left in Xen\'s slots of the slot-3 L2, and allows an L2 to map itself read-only', () => {
    const f = fixture();
    const l2 = table(f, 1, { 500: pte(f.d.xen.m2p, P) });
    const l2self = f.mfnOfVa(f.va(2));
    const l3 = table(f, 3, { 0: pte(table(f, 2, {}), P), 3: pte(l2, P) });
    expect(mmuext(f, [[PIN_L3, l3, 0]]).rc).toBe(0);
    expect(f.d.cpu.view.getInt32(l2 * PAGE + 500 * 8, true)).toBe(0);
    // The L2 under slot 0 maps itself read-only (a linear page table), not writable.
    expect(mmuUpdate(f, [[...ptr(l2self * PAGE + 8), ...pte(l2self, P)]]).rc).toBe(0);
    expect(mmuUpdate(f, [[...ptr(l2self * PAGE + 16), ...pte(l2self, P | RW)]]).rc).toBe(EINVAL);
  });
});

describe('2-level (non-PAE) tables', () => {
  it('validates the boot L2, refuses updates at and above HYPERVISOR_VIRT_START with -EPERM', () => {
    const f = fixture({ pae: false });
    const top = f.sod.l3OrL2Mfn;
    expect(f.mmu.types.type[top]).toBe(PGT_l2_page_table);
    const slot = (f.d.hvStart >>> 22) * 4;
    const buf = f.va(0), pdone = f.va(0) + 2048;
    f.put(buf, [top * PAGE + slot, 0, 0, 0]);
    expect(f.call(MMU_UPDATE, [buf, 1, pdone, DOMID_SELF])).toBe(EPERM);
    // An L1 entry through update_va_mapping (the high word is ignored).
    const target = f.mfnOfVa(f.va(5));
    expect(f.call(UPDATE_VA, [f.va(6), (target * PAGE) | P | RW, 0, 2])).toBe(0);
    f.put(f.va(5), [0x77]);
    expect(f.get(f.va(6))).toBe(0x77);
    expect(f.call(UPDATE_VA, [f.va(6), (top * PAGE) | P | RW, 0, 2])).toBe(EBUSY);
  });
});
