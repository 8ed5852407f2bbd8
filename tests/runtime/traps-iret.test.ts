// The iret hypercall (compat_iret): to ring 3 and back through int 0x80, ring 1 to ring 1 with
// the upcall mask taken from EFLAGS.IF, the failsafe callback when CS cannot be loaded, the
// crashes Xen makes, virtual-8086 frames turned into #GP, and native IRET from ring 1.
import { describe, it, expect } from 'vitest';
import { Asm, boot, setTraps, KCODE, KDATA, UCODE, USTACK_TOP, IRET_ENTRY, FLAT_RING1_CS, FLAT_RING1_DS, FLAT_RING3_CS, FLAT_RING3_DS } from './traps-harness.ts';
import { trapState } from '../../runtime/traps/state.ts';
import { CS, SS, DS, ES, EAX, ESP } from '../../src/cpu/regs.ts';
import { getFlags } from '../../src/cpu/flags.ts';

describe('iret hypercall', () => {
  it('drops to ring 3; int 0x80 system calls come back through iret with EAX from the handler', () => {
    const k = new Asm(KCODE)
      .iretTo(UCODE, FLAT_RING3_CS, 0x202, USTACK_TOP, FLAT_RING3_DS)
      .label('sys').b(0x40).jmp(IRET_ENTRY);                      // inc eax; iret
    const u = new Asm(UCODE).movEax(41).b(0xcd, 0x80).b(0xcd, 0x80).label('done').spin();
    const p = boot(k, u);
    expect(setTraps(p, KDATA, [[0x80, 3, FLAT_RING1_CS, k.addr('sys')]])).toBe(0);
    p.run(200);
    const c = p.d.cpu;
    expect(p.d.shutdown).toBeNull();
    expect(c.cpl).toBe(3);
    expect(c.eip >>> 0).toBe(u.addr('done'));
    expect(c.regs[EAX]).toBe(43);
    expect(c.sel[CS]).toBe(FLAT_RING3_CS);
    expect(c.sel[SS]).toBe(FLAT_RING3_DS);
    expect(c.regs[ESP] >>> 0).toBe(USTACK_TOP);
    // The kernel's DPL-1 data selectors are unusable in ring 3: IRET nulls them.
    expect(c.sel[DS]).toBe(0);
    expect(c.sel[ES]).toBe(0);
    expect(trapState(p.d).upcallMask).toBe(0);
  });

  it('returns to ring 1 popping four words, restoring EAX, masking events when IF is clear', () => {
    const k = new Asm(KCODE).movEax(0x55).iretTo('to', FLAT_RING1_CS, 0x002).label('to').spin();
    const to = k.addr('to');
    const p = boot(k);
    const c = p.d.cpu, esp0 = c.regs[ESP];
    p.run(100);
    expect(p.d.shutdown).toBeNull();
    expect(c.eip >>> 0).toBe(to);
    expect(c.regs[EAX]).toBe(0x55);
    expect(c.regs[ESP]).toBe(esp0);
    expect(trapState(p.d).upcallMask).toBe(1);
    expect(getFlags(c) & 0x200).toBe(0x200);      // the real IF stays set
  });

  function badCsKernel(setup: (a: Asm) => void): Asm {
    const a = new Asm(KCODE);
    setup(a);
    return a.iretTo(UCODE, 0x080b, 0x202, USTACK_TOP, FLAT_RING3_DS).label('fs').spin().label('ev').spin();
  }

  it('a CS the processor refuses enters the failsafe callback with DS ES FS GS and the frame', () => {
    const k = badCsKernel((a) => a.movEbx(FLAT_RING1_CS).movEcx('ev').movEdx(FLAT_RING1_CS).movEsi('fs').hypercall(4));
    const fs = k.addr('fs');
    const p = boot(k);
    const ksp = p.d.cpu.regs[ESP];
    p.run(200);
    const c = p.d.cpu;
    expect(p.d.shutdown).toBeNull();
    expect(c.eip >>> 0).toBe(fs);
    expect(c.cpl).toBe(1);
    expect(c.regs[ESP]).toBe(ksp - 36);
    expect(p.frame(c.regs[ESP], 9)).toEqual([FLAT_RING1_DS, FLAT_RING1_DS, FLAT_RING1_DS, FLAT_RING1_DS, UCODE, 0x080b, 0x202, USTACK_TOP, FLAT_RING3_DS]);
    expect(trapState(p.d).upcallMask).toBe(0);
  });

  it('CALLBACKF_mask_events on the failsafe callback masks events on entry', () => {
    const k = badCsKernel((a) => a.movEbx(0).movEcx(KDATA).hypercall(30));
    const p = boot(k);
    // struct callback_register {type 1 (failsafe), flags 1 (mask events), cs, eip}
    p.w32(KDATA, 1 | (1 << 16)); p.w32(KDATA + 4, FLAT_RING1_CS); p.w32(KDATA + 8, k.addr('fs'));
    p.run(200);
    expect(p.d.cpu.eip >>> 0).toBe(k.addr('fs'));
    expect(p.frame(p.d.cpu.regs[ESP] + 20, 2)).toEqual([0x080b, 0x202]);
    expect(trapState(p.d).upcallMask).toBe(1);
  });

  it('without a failsafe callback a refused frame crashes the domain', () => {
    const p = boot(badCsKernel(() => {}));
    expect(p.run(200)).toBe('crash');
    expect(p.d.crashReason).toMatch(/no failsafe callback/);
  });

  it('a return to ring 0 crashes the domain', () => {
    const p = boot(new Asm(KCODE).iretTo(KCODE, 0xe018, 0x202));
    expect(p.run(100)).toBe('crash');
    expect(p.d.crashReason).toMatch(/iret: return to ring 0/);
  });

  it('EFLAGS.VM becomes a #GP for the kernel with the virtual-8086 frame on its stack', () => {
    const k = new Asm(KCODE)
      .push(0x44).push(0x33).push(0x22).push(0x11)               // GS FS DS ES
      .push(0x9000).push(0x1234)                                  // SS ESP
      .push(0x20202).push(0x5000).push(0x0100)                    // EFLAGS (VM), CS, EIP
      .jmp(IRET_ENTRY)
      .label('gp').spin();
    const p = boot(k);
    expect(setTraps(p, KDATA, [[13, 0, FLAT_RING1_CS, k.addr('gp')]])).toBe(0);
    const ksp = p.d.cpu.regs[ESP];
    p.run(100);
    const c = p.d.cpu;
    expect(p.d.shutdown).toBeNull();
    expect(c.eip >>> 0).toBe(k.addr('gp'));
    expect(c.regs[ESP]).toBe(ksp - 40);
    expect(p.frame(c.regs[ESP], 10)).toEqual([0, 0x0100, 0x5000, 0x20202, 0x1234, 0x9000, 0x11, 0x22, 0x33, 0x44]);
  });

  it('native IRET from ring 1 to ring 3 is the processor\'s', () => {
    const k = new Asm(KCODE).push(FLAT_RING3_DS).push(USTACK_TOP).push(0x202).push(FLAT_RING3_CS).push(UCODE).b(0xcf);
    const u = new Asm(UCODE).label('u').spin();
    const p = boot(k, u);
    p.run(100);
    expect(p.d.cpu.cpl).toBe(3);
    expect(p.d.cpu.eip >>> 0).toBe(UCODE);
  });
});
