// Writable page tables: a kernel store into a read-only L1 is emulated as a validated update.
import { describe, it, expect } from 'vitest';
import { fixture, pte, P, RW, A, D, type Fixture } from './mmu-fixture.ts';
import { EAX, EBX, ECX, EDX } from '../../src/cpu/regs.ts';
import { getZF } from '../../src/cpu/flags.ts';

const VM_ASSIST = 21, UPDATE_VA = 14;

/** A machine whose kernel text is `code` followed by `jmp $`, with writable page tables on,
 *  and scratch page 6's L1 entry reachable at a virtual address (the L1 is mapped read-only
 *  by the builder). Returns the VA of that entry. */
function setup(code: number[], assist = true): { f: Fixture; entryVa: number; l1va: number } {
  const f = fixture({ code: [...code, 0xeb, 0xfe] });
  if (assist) expect(f.call(VM_ASSIST, [0, 2])).toBe(0);
  const slot = f.l1eMaddr(f.va(6));
  // Find the virtual address of the L1 frame in the boot mapping (page tables are mapped).
  const l1mfn = Math.floor(slot / 4096);
  const pfn = f.d.pfnOf(l1mfn);
  const l1va = (0xc0000000 + pfn * 4096) | 0;
  return { f, entryVa: (l1va + (slot & 0xfff)) | 0, l1va };
}
function run(f: Fixture): void {
  f.d.jit.run(20);
  expect(f.d.shutdown).toBeNull();
}

describe('writable page tables', () => {
  it('emulates a 32-bit MOV into the low half of an entry and continues after it', () => {
    const { f, entryVa } = setup([0x89, 0x03]); // mov [ebx], eax
    const target = f.mfnOfVa(f.va(5));
    const [lo] = pte(target, P | RW | A | D);
    const c = f.d.cpu;
    c.regs[EBX] = entryVa; c.regs[EAX] = lo;
    run(f);
    expect(c.eip >>> 0).toBe(0xc0000002);
    expect(c.view.getInt32(f.l1eMaddr(f.va(6)), true)).toBe(lo);
    f.mmu.invlpg(f.va(6));
    f.put(f.va(5), [0x4242]);
    expect(f.get(f.va(6))).toBe(0x4242);
  });
  it('refuses an entry that does not validate: the #PF goes to the guest (no handler: crash)', () => {
    const { f, entryVa } = setup([0x89, 0x03]);
    const c = f.d.cpu;
    const before = c.view.getInt32(f.l1eMaddr(f.va(6)), true);
    c.regs[EBX] = entryVa; c.regs[EAX] = pte(f.sod.l3OrL2Mfn, P | RW)[0];
    f.d.jit.run(20);
    expect(f.d.shutdown).toBe('crash');
    expect(c.view.getInt32(f.l1eMaddr(f.va(6)), true)).toBe(before);
  });
  it('without VMASST_TYPE_writable_pagetables the fault is the guest\'s', () => {
    const { f, entryVa } = setup([0x89, 0x03], false);
    f.d.cpu.regs[EBX] = entryVa; f.d.cpu.regs[EAX] = 0;
    f.d.jit.run(20);
    expect(f.d.shutdown).toBe('crash');
  });
  it('an upper-half store whose entry does not validate is stored not present (PAE order fix-up)', () => {
    const { f, entryVa } = setup([0x89, 0x43, 0x04]); // mov [ebx+4], eax
    const c = f.d.cpu;
    const slot = f.l1eMaddr(f.va(6));
    const before = c.view.getInt32(slot, true);
    // High bits that put the frame far beyond memory: the entry as a whole is refused, so
    // Xen assumes the low half comes next and stores the entry without P.
    c.regs[EBX] = entryVa; c.regs[EAX] = 0x10;
    run(f);
    expect(c.view.getInt32(slot + 4, true)).toBe(0x10);
    expect(c.view.getInt32(slot, true)).toBe(before & ~P);
  });
  it('CMPXCHG8B replaces a whole PAE entry when the old value matches', () => {
    const { f, entryVa } = setup([0x0f, 0xc7, 0x0e]); // cmpxchg8b [esi]
    const c = f.d.cpu, slot = f.l1eMaddr(f.va(6));
    const oldLo = c.view.getInt32(slot, true), oldHi = c.view.getInt32(slot + 4, true);
    const [lo, hi] = pte(f.mfnOfVa(f.va(7)), P | A);
    c.regs[6] = entryVa; c.regs[EAX] = oldLo; c.regs[EDX] = oldHi; c.regs[EBX] = lo; c.regs[ECX] = hi;
    run(f);
    expect(c.view.getInt32(slot, true)).toBe(lo);
    expect(getZF(c)).toBe(true);
  });
  it('CMPXCHG8B with a stale old value stores nothing and returns the current entry', () => {
    const { f, entryVa } = setup([0x0f, 0xc7, 0x0e]);
    const c = f.d.cpu, slot = f.l1eMaddr(f.va(6));
    const cur = c.view.getInt32(slot, true);
    c.regs[6] = entryVa; c.regs[EAX] = 0x1234; c.regs[EDX] = 0; c.regs[EBX] = 0; c.regs[ECX] = 0;
    run(f);
    expect(c.view.getInt32(slot, true)).toBe(cur);
    expect(c.regs[EAX]).toBe(cur);
    expect(getZF(c)).toBe(false);
  });
  it('XCHG returns the old entry in the register', () => {
    const { f, entryVa } = setup([0x87, 0x03]); // xchg [ebx], eax
    const c = f.d.cpu, slot = f.l1eMaddr(f.va(6));
    const cur = c.view.getInt32(slot, true);
    c.regs[EBX] = entryVa; c.regs[EAX] = 0;
    run(f);
    expect(c.view.getInt32(slot, true)).toBe(0);
    expect(c.regs[EAX]).toBe(cur);
    // The old mapping was writable: its reference went away with it.
    expect(f.call(UPDATE_VA, [f.va(6), 0, 0, 2])).toBe(0);
  });
});
