// memory_op and multicall.
import { describe, it, expect } from 'vitest';
import { fixture, pte, P, RW, EINVAL, EFAULT, ENOSYS, ESRCH } from './mmu-fixture.ts';
import { PAGE } from '../../runtime/domain.ts';

const MEMORY_OP = 12, MULTICALL = 13, UPDATE_VA = 14, MMUEXT = 26;
const DOMID_SELF = 0x7ff0;

describe('memory_op', () => {
  it('answers the reservation sizes, the M2P mapping, the memory map and max_page', () => {
    const f = fixture();
    const n = f.d.nrPages;
    f.put(f.va(0), [DOMID_SELF]);
    expect(f.call(MEMORY_OP, [3, f.va(0)])).toBe(n);
    expect(f.call(MEMORY_OP, [4, f.va(0)])).toBe(n);
    f.put(f.va(0), [5]);
    expect(f.call(MEMORY_OP, [3, f.va(0)])).toBe(ESRCH);
    expect(f.call(MEMORY_OP, [3, f.d.hvStart])).toBe(EFAULT);
    expect(f.call(MEMORY_OP, [2, 0])).toBe(f.d.totalFrames);
    expect(f.call(MEMORY_OP, [12, f.va(0)])).toBe(0);
    expect([f.get(f.va(0)) >>> 0, f.get(f.va(0) + 4) >>> 0, f.get(f.va(0) + 8)]).toEqual([0xf5800000, 0xf6800000, 0x3fffff]);
    f.put(f.va(0), [4, f.va(0) + 64]);
    expect(f.call(MEMORY_OP, [9, f.va(0)])).toBe(0);
    expect(f.get(f.va(0))).toBe(1);
    expect([f.get(f.va(0) + 64), f.get(f.va(0) + 68), f.get(f.va(0) + 72), f.get(f.va(0) + 76), f.get(f.va(0) + 80)]).toEqual([0, 0, n * PAGE, 0, 1]);
    expect(f.call(MEMORY_OP, [10, f.va(0)])).toBe(-1);
    expect(f.call(MEMORY_OP, [63, f.va(0)])).toBe(ENOSYS);
  });
  it('increase_reservation at the maximum does nothing; decrease then populate gives frames back', () => {
    const f = fixture();
    const list = f.va(0) + 256;
    const resv = (nr: number, order = 0): number[] => [list, nr, order, 0, DOMID_SELF];
    f.put(f.va(0), resv(2));
    expect(f.call(MEMORY_OP, [0, f.va(0)])).toBe(0);
    // Give back two scratch frames (first unmapped, as a balloon driver does).
    const a = f.mfnOfVa(f.va(4)), b = f.mfnOfVa(f.va(5));
    expect(f.call(UPDATE_VA, [f.va(4), 0, 0, 2])).toBe(0);
    expect(f.call(UPDATE_VA, [f.va(5), 0, 0, 2])).toBe(0);
    f.put(list, [a, b, f.d.xen.m2p]);
    f.put(f.va(0), resv(3));
    expect(f.call(MEMORY_OP, [1, f.va(0)])).toBe(2); // the third is not the domain's
    f.put(f.va(0), [DOMID_SELF]);
    expect(f.call(MEMORY_OP, [3, f.va(0)])).toBe(f.d.nrPages - 2);
    expect(f.d.pfnOf(a)).toBe(-1);
    expect(f.call(UPDATE_VA, [f.va(4), ...pte(a, P | RW), 2])).toBe(-16);
    // Populate two pfns: the frames come back, with their M2P entries set.
    f.put(list, [0x100, 0x101, 0x102]);
    f.put(f.va(0), resv(3));
    expect(f.call(MEMORY_OP, [6, f.va(0)])).toBe(2);
    const got = [f.get(list), f.get(list + 4)].sort((x, y) => x - y);
    expect(got).toEqual([a, b].sort((x, y) => x - y));
    expect(f.d.pfnOf(f.get(list))).toBe(0x100);
    // A too-large order is refused without doing anything.
    f.put(f.va(0), resv(1, 10));
    expect(f.call(MEMORY_OP, [1, f.va(0)])).toBe(0);
    // start_extent from the command resumes a batch.
    f.put(f.va(0), resv(1));
    expect(f.call(MEMORY_OP, [1 | (1 << 6), f.va(0)])).toBe(1);
  });
});

describe('multicall', () => {
  it('runs every entry, writes each result, and goes on after a failure', () => {
    const f = fixture();
    const list = f.va(0);
    const good = pte(f.mfnOfVa(f.va(5)), P);
    const entry = (op: number, args: number[]): number[] => [op, 0x5555, ...args, ...new Array(6 - args.length).fill(0)];
    f.put(list, [
      ...entry(UPDATE_VA, [f.va(6), ...good, 2]),
      ...entry(UPDATE_VA, [f.va(7), ...pte(f.d.xen.m2p, P), 2]),
      ...entry(99, []),
      ...entry(MMUEXT, [f.va(1), 0, 0, DOMID_SELF]),
      ...entry(MULTICALL, [list, 1]),
    ]);
    expect(f.call(MULTICALL, [list, 5])).toBe(0);
    expect([0, 1, 2, 3, 4].map((i) => f.get(list + i * 32 + 4))).toEqual([0, -16, ENOSYS, 0, EINVAL]);
    expect(f.get(f.va(6))).toBe(f.get(f.va(5)));
    // Each entry counts as a call of its hypercall (the list's own call is the caller's to count).
    expect(Object.fromEntries(f.m.hypercalls.counts)).toEqual({ update_va_mapping: 2, hypercall_99: 1, mmuext_op: 1, multicall: 1 });
    expect(f.call(MULTICALL, [f.d.hvStart - 32, 2])).toBe(EFAULT);
  });
  it('counts calls through the table by name, numbers without a handler too', () => {
    const f = fixture(), c = f.d.cpu;
    for (const nr of [MEMORY_OP, 0x1000, MEMORY_OP, 99, 0xffffffff]) { c.regs[0] = nr; c.regs[1] = 63; f.m.hypercalls.dispatch(f.d); }
    expect(c.regs[0]).toBe(ENOSYS);
    expect(Object.fromEntries(f.m.hypercalls.counts)).toEqual({ memory_op: 2, hypercall_4096: 1, hypercall_99: 1, hypercall_4294967295: 1 });
  });
});

describe('mmuext_op frame operations', () => {
  it('CLEAR_PAGE and COPY_PAGE work on writable frames only; cache flushes are refused', () => {
    const f = fixture();
    const op = (cmd: number, a1: number, a2 = 0): number => {
      f.put(f.va(0) + 512, [cmd, a1, a2]);
      return f.call(MMUEXT, [f.va(0) + 512, 1, 0, DOMID_SELF]);
    };
    const a = f.mfnOfVa(f.va(4)), b = f.mfnOfVa(f.va(5));
    f.put(f.va(4), [0x11111111, 0x22222222]);
    expect(op(17, b, a)).toBe(0);
    expect([f.get(f.va(5)), f.get(f.va(5) + 4)]).toEqual([0x11111111, 0x22222222]);
    expect(op(16, a)).toBe(0);
    expect(f.get(f.va(4))).toBe(0);
    expect(op(16, f.sod.l3OrL2Mfn)).toBe(EINVAL);
    expect(op(17, f.sod.l3OrL2Mfn, a)).toBe(EINVAL);
    expect(op(17, b, f.d.xen.m2p)).toBe(EINVAL);
    expect(op(12, 0)).toBe(-13);
    expect(op(15, a)).toBe(EINVAL);
  });
});
