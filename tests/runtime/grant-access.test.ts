// Back-end access to guest memory through grant references (runtime/grant/access.ts): every
// refusal Xen's grant_table.c makes for a map or copy by another domain, the GTF_reading /
// GTF_writing flags around the access, and the writable-type rule.
import { describe, it, expect, beforeEach } from 'vitest';
import { fixture, type Fixture } from './mmu-fixture.ts';
import { mmuPlugin } from '../../runtime/mmu/index.ts';
import { grantPlugin } from '../../runtime/grant/grant-table.ts';
import { GrantAccess, type GrantMapping } from '../../runtime/grant/access.ts';
import { PAGE } from '../../runtime/domain.ts';
import {
  GTF_permit_access, GTF_accept_transfer, GTF_readonly, GTF_reading, GTF_writing, GTF_sub_page,
  GNTST_okay, GNTST_bad_gntref, GNTST_general_error, GNTST_bad_page, GNTST_bad_copy_arg,
} from '../../runtime/abi/grant_table.ts';

let f: Fixture;
let ga: GrantAccess;
let frame: number;

function entry(ref: number, flags: number, domid: number, mfn: number): void {
  const v = f.d.cpu.view, ea = f.d.xen.grant * PAGE + ref * 8;
  v.setUint16(ea, flags, true); v.setUint16(ea + 2, domid, true); v.setUint32(ea + 4, mfn, true);
}
const flagsOf = (ref: number): number => f.d.cpu.view.getUint16(f.d.xen.grant * PAGE + ref * 8, true);
const mapped = (r: GrantMapping | number): GrantMapping => { if (typeof r === 'number') throw new Error(`refused ${r}`); return r; };

beforeEach(() => {
  f = fixture({ plugins: [mmuPlugin, grantPlugin] });
  f.m.grant!.nrFrames = 1;
  ga = new GrantAccess(f.d, f.m.grant!);
  frame = f.mfnOfVa(f.va(1));
  f.d.cpu.mem.fill(0x5a, frame * PAGE, frame * PAGE + PAGE);
});

describe('grant access refusals', () => {
  it('a reference beyond the table set up is GNTST_bad_gntref, and nothing is written', () => {
    const before = f.d.cpu.mem.slice(f.d.xen.grant * PAGE, (f.d.xen.grant + 2) * PAGE);
    expect(ga.map(512, false)).toBe(GNTST_bad_gntref);
    expect(ga.copyFrom(600, 0, 8)).toBe(GNTST_bad_gntref);
    expect(ga.map(-1, true)).toBe(GNTST_bad_gntref);
    expect(ga.map(0x7fffffff, true)).toBe(GNTST_bad_gntref);
    expect(f.d.cpu.mem.slice(f.d.xen.grant * PAGE, (f.d.xen.grant + 2) * PAGE)).toEqual(before);
    f.m.grant!.nrFrames = 0;
    entry(0, GTF_permit_access, 0, frame);
    expect(ga.map(0, true)).toBe(GNTST_bad_gntref);
    expect(ga.stats.refused.bad_gntref).toBe(5);
  });
  it('an entry that is not GTF_permit_access, or names another domain, is GNTST_general_error', () => {
    entry(10, 0, 0, frame);
    expect(ga.map(10, true)).toBe(GNTST_general_error);
    entry(11, GTF_accept_transfer, 0, frame);
    expect(ga.copyFrom(11, 0, 4)).toBe(GNTST_general_error);
    entry(12, GTF_permit_access, 7, frame);
    expect(ga.map(12, true)).toBe(GNTST_general_error);
    entry(13, GTF_permit_access, 1, frame); // granted to the domain itself, not to dom0
    expect(ga.copyTo(13, 0, new Uint8Array(4))).toBe(GNTST_general_error);
    for (const r of [10, 11, 12, 13]) expect(flagsOf(r) & (GTF_reading | GTF_writing)).toBe(0);
    expect(ga.stats.refused.general_error).toBe(4);
  });
  it('a sub-page entry cannot be mapped but can be copied (mapflag)', () => {
    entry(14, GTF_permit_access | GTF_sub_page, 0, frame);
    expect(ga.map(14, true)).toBe(GNTST_general_error);
    const r = ga.copyFrom(14, 0, 4);
    expect(r).toBeInstanceOf(Uint8Array);
  });
  it('GTF_readonly refuses write access and allows read access', () => {
    entry(20, GTF_permit_access | GTF_readonly, 0, frame);
    expect(ga.map(20, false)).toBe(GNTST_general_error);
    expect(ga.copyTo(20, 0, new Uint8Array([1, 2, 3]))).toBe(GNTST_general_error);
    expect(f.d.cpu.mem[frame * PAGE]).toBe(0x5a);
    expect(flagsOf(20)).toBe(GTF_permit_access | GTF_readonly);
    const m = mapped(ga.map(20, true));
    expect(ga.read(m, 0, 2)).toEqual(new Uint8Array([0x5a, 0x5a]));
    expect(() => ga.write(m, 0, new Uint8Array(1))).toThrow(RangeError);
    // Already pinned read-only: a writable pin still checks GTF_readonly.
    expect(ga.map(20, false)).toBe(GNTST_general_error);
    ga.unmap(m);
  });
  it('a frame the guest does not own is GNTST_bad_page, and the busy flags are cleared again', () => {
    for (const mfn of [f.d.xen.m2p, f.d.xen.sharedInfo, 0, f.d.totalFrames, 0xffffffff]) {
      entry(30, GTF_permit_access, 0, mfn);
      expect(ga.map(30, false)).toBe(GNTST_bad_page);
      expect(ga.copyFrom(30, 0, 16)).toBe(GNTST_bad_page);
      expect(flagsOf(30)).toBe(GTF_permit_access);
    }
    expect(ga.stats.refused.bad_page).toBe(10);
    expect(ga.pinned).toBe(0);
  });
  it('write access to a page-table frame is GNTST_general_error; read access is allowed', () => {
    const l1 = Math.floor(f.l1eMaddr(f.va(1)) / PAGE);
    const before = f.d.cpu.mem.slice(l1 * PAGE, l1 * PAGE + PAGE);
    entry(40, GTF_permit_access, 0, l1);
    expect(ga.map(40, false)).toBe(GNTST_general_error);
    expect(ga.copyTo(40, 0, new Uint8Array(8).fill(0xff))).toBe(GNTST_general_error);
    expect(f.d.cpu.mem.slice(l1 * PAGE, l1 * PAGE + PAGE)).toEqual(before);
    expect(flagsOf(40)).toBe(GTF_permit_access);
    expect(ga.copyFrom(40, 0, 8)).toEqual(before.slice(0, 8));
  });
  it('a writable mapping holds a writable type reference until the unmap (a read-only one none)', () => {
    entry(41, GTF_permit_access, 0, frame);
    const before = f.mmu.types.count[frame];
    const m = mapped(ga.map(41, false));
    expect(f.mmu.types.count[frame]).toBe(before + 1);
    expect(f.mmu.types.type[frame]).toBe(7); // PGT_writable_page
    ga.unmap(m);
    expect(f.mmu.types.count[frame]).toBe(before);
    const ro = mapped(ga.map(41, true));
    expect(f.mmu.types.count[frame]).toBe(before);
    ga.unmap(ro);
  });
  it('copy offsets beyond the page are GNTST_bad_copy_arg, with nothing copied', () => {
    entry(50, GTF_permit_access, 0, frame);
    expect(ga.copyTo(50, 4090, new Uint8Array(7))).toBe(GNTST_bad_copy_arg);
    expect(ga.copyFrom(50, 4097, 0)).toBe(GNTST_bad_copy_arg);
    expect(ga.copyFrom(50, -1, 4)).toBe(GNTST_bad_copy_arg);
    expect(f.d.cpu.mem[frame * PAGE + 4095]).toBe(0x5a);
    expect(flagsOf(50)).toBe(GTF_permit_access);
    expect(ga.stats.refused.bad_copy_arg).toBe(3);
  });
  it('pins beyond Xen\'s 8-bit counters are refused', () => {
    entry(60, GTF_permit_access, 0, frame);
    const ms: GrantMapping[] = [];
    for (let k = 0; k < 0x80; k++) ms.push(mapped(ga.map(60, true)));
    expect(ga.map(60, true)).toBe(GNTST_general_error);
    for (const m of ms) ga.unmap(m);
    expect(flagsOf(60)).toBe(GTF_permit_access);
  });
});

describe('grant access in progress', () => {
  it('a map sets GTF_reading/GTF_writing until the last unmap of its kind', () => {
    entry(70, GTF_permit_access, 0, frame);
    const w = mapped(ga.map(70, false));
    expect(flagsOf(70)).toBe(GTF_permit_access | GTF_reading | GTF_writing);
    const r = mapped(ga.map(70, true));
    ga.unmap(w);
    expect(flagsOf(70)).toBe(GTF_permit_access | GTF_reading);
    ga.unmap(w); // a second unmap of the same mapping does nothing
    expect(flagsOf(70)).toBe(GTF_permit_access | GTF_reading);
    ga.unmap(r);
    expect(flagsOf(70)).toBe(GTF_permit_access);
    expect(ga.stats.maps).toBe(2);
    expect(ga.stats.unmaps).toBe(2);
  });
  it('a pinned entry keeps its frame even if the guest rewrites the entry meanwhile', () => {
    entry(71, GTF_permit_access, 0, frame);
    const m = mapped(ga.map(71, true));
    entry(71, GTF_permit_access | GTF_reading, 0, f.d.xen.m2p);
    const again = mapped(ga.map(71, true));
    expect(again.mfn).toBe(frame);
    ga.unmap(m); ga.unmap(again);
  });
  it('copies read and write the granted frame and leave no flag behind', () => {
    entry(80, GTF_permit_access, 0, frame);
    expect(ga.copyTo(80, 100, new Uint8Array([1, 2, 3, 4]))).toBe(GNTST_okay);
    expect(flagsOf(80)).toBe(GTF_permit_access);
    expect(f.d.cpu.mem.slice(frame * PAGE + 99, frame * PAGE + 105)).toEqual(new Uint8Array([0x5a, 1, 2, 3, 4, 0x5a]));
    expect(ga.copyFrom(80, 100, 4)).toEqual(new Uint8Array([1, 2, 3, 4]));
    expect(ga.stats.copies).toBe(2);
    expect(ga.stats.bytesWritten).toBe(4);
    expect(ga.stats.bytesRead).toBe(4);
    expect(ga.pinned).toBe(0);
  });
  it('a write into a page holding translated code is told to the translator', () => {
    entry(81, GTF_permit_access, 0, frame);
    const seen: [number, number][] = [];
    f.d.cpu.codePages[frame] = 1;
    f.d.cpu.hooks.codeWrite = (pa, len) => { seen.push([pa, len]); };
    expect(ga.copyTo(81, 8, new Uint8Array(3))).toBe(GNTST_okay);
    expect(seen).toContainEqual([frame * PAGE + 8, 3]);
  });
});
