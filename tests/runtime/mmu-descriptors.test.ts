// set_gdt, update_descriptor and the lazily mapped LDT.
import { describe, it, expect } from 'vitest';
import { fixture, pte, P, RW, A, EINVAL, EFAULT, type Fixture } from './mmu-fixture.ts';
import { PAGE, GDT_VIRT, LDT_VIRT } from '../../runtime/domain.ts';
import { PGT_seg_desc_page } from '../../runtime/mmu/page-types.ts';
import { checkDescriptor } from '../../runtime/mmu/check-descriptor.ts';
import { loadSegment } from '../../src/cpu/descriptors.ts';
import { installFaultFilter } from '../../runtime/mmu/fault-filter.ts';
import { DS, ES } from '../../src/cpu/regs.ts';
import { FAULT } from '../../src/cpu/fault.ts';

const SET_GDT = 2, UPDATE_DESC = 10, UPDATE_VA = 14, MMUEXT = 26, SET_LDT = 13;
/** A flat ring-1 data segment descriptor (limit 4 GiB, G, D, present, DPL 1, type 3 w/o A). */
const DATA_R1: [number, number] = [0x0000ffff, 0x00cfb200 | 0];
const readOnly = (f: Fixture, k: number): number => {
  const mfn = f.mfnOfVa(f.va(k));
  expect(f.call(UPDATE_VA, [f.va(k), ...pte(mfn, P | A), 2])).toBe(0);
  return mfn;
};

describe('check_descriptor', () => {
  it('follows Xen: DPL raised to 1, call gates to DPL 0, 64-bit code and other system types refused', () => {
    const hv = 0xf5800000;
    expect(checkDescriptor(0, 0, hv)).toEqual({ a: 0, b: 0 });
    // DPL 0 data segment: DPL becomes 1, accessed preset.
    const r = checkDescriptor(0x0000ffff, 0x00cf9200, hv)!;
    expect((r.b >>> 13) & 3).toBe(1);
    expect(r.b & 0x100).toBe(0x100);
    // L bit on a code segment.
    expect(checkDescriptor(0x0000ffff, 0x00af9a00, hv)).toBeNull();
    // A TSS descriptor (type 9) is refused; a call gate to the flat kernel CS becomes DPL 0
    // with the DPL kept in the selector's RPL.
    expect(checkDescriptor(0, 0x00008900, hv)).toBeNull();
    const g = checkDescriptor((0xe019 << 16) | 0x1234, 0x0000ec00, hv)!;
    expect((g.b >>> 13) & 3).toBe(0);
    expect((g.a >>> 16) & 3).toBe(3);
    // A call gate to one of Xen's other reserved selectors is refused.
    expect(checkDescriptor((0xe021 << 16) | 0x1234, 0x0000ec00, hv)).toBeNull();
    // A flat segment whose limit stops at the hypervisor area is extended to 4 GiB.
    const lim = checkDescriptor(0x0000f57f, 0x00c0f200 | 0x00000000, hv)!;
    expect(lim).not.toBeNull();
  });
});

describe('set_gdt', () => {
  it('installs validated frames, shows zero pages elsewhere, and loads segments from them', () => {
    const f = fixture();
    f.put(f.va(1), [0, 0, ...DATA_R1]);
    const frame = readOnly(f, 1);
    f.put(f.va(0), [frame]);
    expect(f.call(SET_GDT, [f.va(0), 512])).toBe(0);
    expect(f.mmu.types.type[frame]).toBe(PGT_seg_desc_page);
    // The accessed bit was preset in the guest's page.
    expect(f.d.cpu.view.getInt32(frame * PAGE + 12, true) & 0x100).toBe(0x100);
    loadSegment(f.d.cpu, ES, 0x09);
    expect(f.d.cpu.sel[ES]).toBe(0x09);
    // Selectors in unused guest GDT pages are null descriptors: #GP.
    let gp = -1;
    try { loadSegment(f.d.cpu, DS, 0x1009); } catch (e) { if (e === FAULT) gp = FAULT.vector; else throw e; }
    expect(gp).toBe(13);
    // Xen's flat selectors still work.
    loadSegment(f.d.cpu, DS, 0xe021);
    // The frame cannot be mapped writable while it is part of the GDT.
    expect(f.call(UPDATE_VA, [f.va(1), ...pte(frame, P | RW), 2])).toBe(-16);
    // A new GDT releases the old frames.
    expect(f.call(SET_GDT, [f.va(0), 0])).toBe(0);
    expect(f.mmu.types.count[frame]).toBe(0);
    expect(f.call(UPDATE_VA, [f.va(1), ...pte(frame, P | RW), 2])).toBe(0);
    expect(f.d.cpu.windowPages![(GDT_VIRT - f.d.hvStart) / PAGE]).toBe(1);
  });
  it('refuses too many entries, writable or bad frames, and unreadable lists', () => {
    const f = fixture();
    expect(f.call(SET_GDT, [f.va(0), 14 * 512 + 1])).toBe(EINVAL);
    f.put(f.va(0), [f.mfnOfVa(f.va(2))]);
    expect(f.call(SET_GDT, [f.va(0), 1])).toBe(EINVAL); // still mapped writable
    f.put(f.va(1), [0, 0, 0, 0x00008900]);
    f.put(f.va(0), [readOnly(f, 1)]);
    expect(f.call(SET_GDT, [f.va(0), 2])).toBe(EINVAL); // a TSS descriptor
    f.put(f.va(0), [f.d.xen.gdtReserved]);
    expect(f.call(SET_GDT, [f.va(0), 2])).toBe(EINVAL);
    expect(f.call(SET_GDT, [f.d.hvStart, 2])).toBe(EFAULT);
  });
});

describe('update_descriptor', () => {
  it('writes a checked descriptor into a descriptor page or an ordinary page, never into a page table', () => {
    const f = fixture();
    const plain = f.mfnOfVa(f.va(3));
    expect(f.call(UPDATE_DESC, [plain * PAGE + 8, 0, ...DATA_R1])).toBe(0);
    expect(f.get(f.va(3) + 12) & 0x100).toBe(0x100);
    expect(f.call(UPDATE_DESC, [plain * PAGE + 4, 0, ...DATA_R1])).toBe(EINVAL);
    expect(f.call(UPDATE_DESC, [plain * PAGE + 8, 0, 0, 0x00af9a00])).toBe(EINVAL);
    expect(f.call(UPDATE_DESC, [f.sod.l3OrL2Mfn * PAGE + 8, 0, ...DATA_R1])).toBe(EINVAL);
    expect(f.call(UPDATE_DESC, [f.d.xen.m2p * PAGE, 0, ...DATA_R1])).toBe(EINVAL);
    // Into the live GDT: the change is visible through the GDT area.
    f.put(f.va(1), [0, 0]);
    const frame = readOnly(f, 1);
    f.put(f.va(0), [frame]);
    expect(f.call(SET_GDT, [f.va(0), 16])).toBe(0);
    expect(f.call(UPDATE_DESC, [frame * PAGE + 16, 0, ...DATA_R1])).toBe(0);
    loadSegment(f.d.cpu, ES, 0x11);
    expect(f.d.cpu.sel[ES]).toBe(0x11);
  });
});

describe('LDT', () => {
  it('SET_LDT checks its arguments and the LDT page is mapped on first use', () => {
    const f = fixture();
    installFaultFilter(f.m, f.mmu);
    const buf = f.va(0) + 1024;
    const ldtop = (ptr: number, ents: number): number => {
      f.put(buf, [SET_LDT, ptr, ents]);
      return f.call(MMUEXT, [buf, 1, 0, 0x7ff0]);
    };
    expect(ldtop(f.va(1) + 8, 4)).toBe(EINVAL);
    expect(ldtop(f.va(1), 8193)).toBe(EINVAL);
    f.put(f.va(1), [0, 0, ...DATA_R1]);
    const frame = readOnly(f, 1);
    expect(ldtop(f.va(1), 4)).toBe(0);
    expect(f.d.cpu.ldtBase >>> 0).toBe(LDT_VIRT >>> 0);
    expect(f.d.cpu.ldtLimit).toBe(31);
    // A load from the LDT faults on the unmapped area; the MMU maps the page and the load,
    // retried, succeeds.
    let pf = false;
    try { loadSegment(f.d.cpu, ES, 0x0d); } catch (e) { if (e !== FAULT) throw e; pf = true; f.d.cpu.cr2 = FAULT.address; }
    expect(pf).toBe(true);
    expect(f.m.bouncer!.bounce(14, 0, false)).toBe(true);
    loadSegment(f.d.cpu, ES, 0x0d);
    expect(f.d.cpu.sel[ES]).toBe(0x0d);
    expect(f.mmu.types.type[frame]).toBe(PGT_seg_desc_page);
    // Changing the LDT drops the mapping and its type reference.
    expect(ldtop(0, 0)).toBe(0);
    expect(f.mmu.types.count[frame]).toBe(0);
  });
  it('an LDT page the guest maps writable is not mapped: the fault goes to the guest at the LDT address', () => {
    const f = fixture();
    installFaultFilter(f.m, f.mmu);
    const buf = f.va(0) + 1024;
    f.put(buf, [SET_LDT, f.va(2), 4]);
    expect(f.call(MMUEXT, [buf, 1, 0, 0x7ff0])).toBe(0);
    f.d.cpu.cr2 = LDT_VIRT + 8;
    expect(f.m.bouncer!.bounce(14, 0, false)).toBe(false);
    expect(f.d.cpu.cr2 >>> 0).toBe((f.va(2) + 8) >>> 0);
  });
});
