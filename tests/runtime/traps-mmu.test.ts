// Traps together with the PV MMU: MOV to CR3 through new_guest_cr3, and a return to a code
// segment in the guest's LDT, whose page the MMU maps into Xen's area on first use while the
// exit path reads the descriptor.
import { describe, it, expect } from 'vitest';
import { Asm, boot, setTraps, maddr, KCODE, KDATA, UCODE, USTACK_TOP, FLAT_RING1_CS, FLAT_RING3_DS } from './traps-harness.ts';
import { CS } from '../../src/cpu/regs.ts';

const MOV_EAX_CR3 = [0x0f, 0x20, 0xd8], MOV_CR3_EAX = [0x0f, 0x22, 0xd8];

describe('traps with the MMU', () => {
  it('MOV to CR3 installs a validated top-level table; anything else is #GP', () => {
    let k = new Asm(KCODE).b(...MOV_EAX_CR3).b(...MOV_CR3_EAX).movEax(1).storeEax(KDATA + 0x800).spin().label('gp').spin();
    let p = boot(k, undefined, { mmu: true });
    expect(setTraps(p, KDATA, [[13, 0, FLAT_RING1_CS, k.addr('gp')]])).toBe(0);
    p.run(100);
    expect(p.r32(KDATA + 0x800)).toBe(1);

    k = new Asm(KCODE).b(0xa1).d(KDATA + 0x804).b(...MOV_CR3_EAX).spin().label('gp').spin();
    p = boot(k, undefined, { mmu: true });
    // the machine address of an ordinary data page: not a page table
    p.w32(KDATA + 0x804, maddr(p.d, KDATA + 0x1000) & ~0xfff);
    expect(setTraps(p, KDATA, [[13, 0, FLAT_RING1_CS, k.addr('gp')]])).toBe(0);
    p.run(100);
    expect(p.d.cpu.eip >>> 0).toBe(k.addr('gp'));
  });

  it('iret to a ring-3 code segment in the LDT maps the LDT page on the way', () => {
    const LDT = KDATA + 0x1000;
    const k = new Asm(KCODE).iretTo(UCODE, 0x0007, 0x202, USTACK_TOP, FLAT_RING3_DS);
    const p = boot(k, new Asm(UCODE).spin(), { mmu: true });
    p.w32(LDT, 0x0000ffff); p.w32(LDT + 4, 0x00cffb00);          // flat 32-bit code, DPL 3
    const mfn = maddr(p.d, LDT) >>> 12;
    expect(p.m.hypercalls.get(14)!.handler(p.d, [LDT | 0, (mfn << 12) | 0x21, 0, 0])).toBe(0);
    p.w32(KDATA + 0x800, 13); p.w32(KDATA + 0x804, LDT | 0); p.w32(KDATA + 0x808, 1);
    expect(p.m.hypercalls.get(26)!.handler(p.d, [(KDATA + 0x800) | 0, 1, 0, 0x7ff0])).toBe(0);
    p.run(100);
    expect(p.d.shutdown).toBeNull();
    expect(p.d.cpu.cpl).toBe(3);
    expect(p.d.cpu.sel[CS]).toBe(0x0007);
    expect(p.d.cpu.eip >>> 0).toBe(UCODE);
  });
});
