// Bounce frames as Xen's compat_create_bounce_frame writes them, word by word, for faults from
// ring 1 (on the current stack) and ring 3 (on the stack_switch stack, with SS:ESP), the
// upcall mask folded into EFLAGS.IF and CS bits 16-23, #PF's CR2 in vcpu_info, and the crash
// when no handler exists or the frame cannot be written.
import { describe, it, expect } from 'vitest';
import { Asm, boot, setTraps, KCODE, KDATA, UCODE, USTACK_TOP, FLAT_RING1_CS, FLAT_RING3_CS, FLAT_RING3_DS, type Pv } from './traps-harness.ts';
import { trapState } from '../../runtime/traps/state.ts';
import { CS, SS, ESP } from '../../src/cpu/regs.ts';

const DE = 0, UD = 6, GP = 13, PF = 14;

/** Kernel that sets nothing up itself: handlers are `jmp $` stubs at known labels. */
function kernelWithHandlers(body: (a: Asm) => void): { k: Asm; handlers: Record<string, number> } {
  const k = new Asm(KCODE);
  body(k);
  const handlers: Record<string, number> = {};
  for (const n of ['de', 'ud', 'gp', 'pf', 'sys', 'bp']) { k.label(n); handlers[n] = k.here; k.spin(); }
  return { k, handlers };
}
function traps(p: Pv, h: Record<string, number>, flags = 0): void {
  expect(setTraps(p, KDATA, [
    [DE, flags, FLAT_RING1_CS, h.de], [UD, flags, FLAT_RING1_CS, h.ud], [GP, flags, FLAT_RING1_CS, h.gp],
    [PF, flags, FLAT_RING1_CS, h.pf], [0x80, 3 | flags, FLAT_RING1_CS, h.sys], [3, 0, FLAT_RING1_CS, h.bp],
  ])).toBe(0);
}

describe('bounce frames from ring 1', () => {
  it('#DE: EIP, CS, EFLAGS on the current stack, no error code', () => {
    const { k, handlers } = kernelWithHandlers((a) => a.b(0x31, 0xc9).label('div').b(0xf7, 0xf1).spin());
    const p = boot(k);
    traps(p, handlers);
    const c = p.d.cpu, esp0 = c.regs[ESP];
    p.run(100);
    expect(p.d.shutdown).toBeNull();
    expect(c.eip >>> 0).toBe(handlers.de);
    expect(c.sel[CS]).toBe(FLAT_RING1_CS);
    expect(c.cpl).toBe(1);
    expect(c.regs[ESP]).toBe(esp0 - 12);
    expect(p.frame(c.regs[ESP], 3)).toEqual([k.addr('div'), FLAT_RING1_CS, 0x246]);
    expect(trapState(p.d).upcallMask).toBe(0);
  });

  it('a masked vCPU pushes EFLAGS.IF clear and the saved mask in CS bits 16-23; TI_IF masks', () => {
    const { k, handlers } = kernelWithHandlers((a) => a.b(0x31, 0xc9).label('div').b(0xf7, 0xf1).spin());
    const p = boot(k);
    traps(p, handlers);
    const t = trapState(p.d), c = p.d.cpu;
    t.upcallMask = 1;
    p.run(100);
    expect(p.frame(c.regs[ESP], 3)).toEqual([k.addr('div'), FLAT_RING1_CS | 0x10000, 0x046]);

    const g = kernelWithHandlers((a) => a.b(0x31, 0xc9).label('div').b(0xf7, 0xf1).spin());
    const q = boot(g.k);
    traps(q, g.handlers, 4);
    q.run(100);
    const cq = q.d.cpu;
    expect(cq.eip >>> 0).toBe(g.handlers.de);
    expect(q.frame(cq.regs[ESP], 3)).toEqual([g.k.addr('div'), FLAT_RING1_CS, 0x246]); // saved mask 0
    expect(trapState(q.d).upcallMask).toBe(1);                                         // TI_IF masked events
  });

  it('#UD and #GP (HLT is not emulated) from ring 1', () => {
    const { k, handlers } = kernelWithHandlers((a) => a.label('ud').b(0x0f, 0x0b));
    const p = boot(k); traps(p, handlers);
    const c = p.d.cpu, esp0 = c.regs[ESP];
    p.run(50);
    expect(c.eip >>> 0).toBe(handlers.ud);
    expect(p.frame(c.regs[ESP], 3)).toEqual([KCODE, FLAT_RING1_CS, 0x202]);
    expect(c.regs[ESP]).toBe(esp0 - 12);

    const g = kernelWithHandlers((a) => a.b(0xf4));
    const q = boot(g.k); traps(q, g.handlers);
    const cq = q.d.cpu, e0 = cq.regs[ESP];
    q.run(50);
    expect(cq.eip >>> 0).toBe(g.handlers.gp);
    expect(cq.regs[ESP]).toBe(e0 - 16);
    expect(q.frame(cq.regs[ESP], 4)).toEqual([0, KCODE, FLAT_RING1_CS, 0x202]);
  });

  it('#PF from ring 1: error code, CR2 in vcpu_info and in MOV from CR2', () => {
    const g = kernelWithHandlers((a) => a.b(0xa1).d(0x1234));          // mov eax, [0x1234]
    const p = boot(g.k); traps(p, g.handlers);
    const c = p.d.cpu;
    p.run(50);
    expect(c.eip >>> 0).toBe(g.handlers.pf);
    expect(p.frame(c.regs[ESP], 4)).toEqual([0, KCODE, FLAT_RING1_CS, 0x202]);
    expect(c.view.getUint32(p.d.vcpuInfoMaddr + 8, true)).toBe(0x1234);
    expect(trapState(p.d).ctrlreg2).toBe(0x1234);
  });
});

describe('bounce frames from ring 3', () => {
  function ring3(user: (u: Asm) => void): { p: Pv; h: Record<string, number>; ksp: number } {
    const g = kernelWithHandlers((a) => a.iretTo(UCODE, FLAT_RING3_CS, 0x202, USTACK_TOP, FLAT_RING3_DS));
    const u = new Asm(UCODE); user(u);
    const p = boot(g.k, u); traps(p, g.handlers);
    return { p, h: g.handlers, ksp: p.d.cpu.regs[ESP] };
  }

  it('#UD: switches to the kernel stack and pushes SS and ESP', () => {
    const { p, h, ksp } = ring3((u) => u.b(0x0f, 0x0b));
    const c = p.d.cpu;
    p.run(100);
    expect(c.eip >>> 0).toBe(h.ud);
    expect(c.cpl).toBe(1);
    expect(c.sel[SS]).toBe(0xe021);
    expect(c.regs[ESP]).toBe(ksp - 20);
    expect(p.frame(c.regs[ESP], 5)).toEqual([UCODE, FLAT_RING3_CS, 0x202, USTACK_TOP, FLAT_RING3_DS]);
  });

  it('#DE, #GP(0) from CLI, #PF with the user bit and CR2', () => {
    let r = ring3((u) => u.b(0x31, 0xc9, 0xf7, 0xf1));
    r.p.run(100);
    expect(r.p.d.cpu.eip >>> 0).toBe(r.h.de);
    expect(r.p.frame(r.p.d.cpu.regs[ESP], 5)).toEqual([UCODE + 2, FLAT_RING3_CS, 0x246, USTACK_TOP, FLAT_RING3_DS]);

    r = ring3((u) => u.b(0xfa));
    r.p.run(100);
    expect(r.p.d.cpu.eip >>> 0).toBe(r.h.gp);
    expect(r.p.frame(r.p.d.cpu.regs[ESP], 6)).toEqual([0, UCODE, FLAT_RING3_CS, 0x202, USTACK_TOP, FLAT_RING3_DS]);

    // The return to ring 3 nulled DS (it held the DPL-1 kernel selector): load the user one.
    r = ring3((u) => u.b(0x66, 0xb8).b(0x33, 0xe0).b(0x8e, 0xd8).label('mov').b(0xa1).d(0x2000));
    r.p.run(100);
    const c = r.p.d.cpu;
    expect(c.eip >>> 0).toBe(r.h.pf);
    expect(c.regs[ESP]).toBe(r.ksp - 24);
    expect(r.p.frame(c.regs[ESP], 6)).toEqual([4, UCODE + 6, FLAT_RING3_CS, 0x202, USTACK_TOP, FLAT_RING3_DS]);
    expect(c.view.getUint32(r.p.d.vcpuInfoMaddr + 8, true)).toBe(0x2000);
  });

  it('int 0x80 through a DPL-3 entry enters the handler with EIP after the INT', () => {
    const { p, h, ksp } = ring3((u) => u.b(0xcd, 0x80));
    p.run(100);
    const c = p.d.cpu;
    expect(c.eip >>> 0).toBe(h.sys);
    expect(c.regs[ESP]).toBe(ksp - 20);
    expect(p.frame(c.regs[ESP], 5)).toEqual([UCODE + 2, FLAT_RING3_CS, 0x202, USTACK_TOP, FLAT_RING3_DS]);
  });

  it('INT n to a DPL-0 entry is #GP(n*8+2) at the INT; with DPL 3 it reaches the handler', () => {
    let r = ring3((u) => u.b(0xcd, 0x81));
    r.p.run(100);
    expect(r.p.d.cpu.eip >>> 0).toBe(r.h.gp);
    expect(r.p.frame(r.p.d.cpu.regs[ESP], 2)).toEqual([0x81 * 8 + 2, UCODE]);

    r = ring3((u) => u.b(0xcd, 0x81));
    expect(setTraps(r.p, KDATA + 0x100, [[0x81, 3, FLAT_RING1_CS, r.h.sys]])).toBe(0);
    r.p.run(100);
    expect(r.p.d.cpu.eip >>> 0).toBe(r.h.sys);
    expect(r.p.frame(r.p.d.cpu.regs[ESP], 1)).toEqual([UCODE + 2]);
  });

  it('INT3 reaches its handler from ring 3 whatever DPL the guest gave it (Xen\'s DPL-3 gate)', () => {
    const { p, h } = ring3((u) => u.b(0xcc));
    p.run(100);
    expect(p.d.cpu.eip >>> 0).toBe(h.bp);
    expect(p.frame(p.d.cpu.regs[ESP], 1)).toEqual([UCODE + 1]);
  });
});

describe('bounces Xen cannot make', () => {
  it('an exception without a handler crashes the domain', () => {
    const k = new Asm(KCODE).b(0x0f, 0x0b);
    const p = boot(k);
    expect(p.run(50)).toBe('crash');
    expect(p.d.crashReason).toMatch(/unhandled #UD .*no handler/);
  });

  it('a fault while writing the frame crashes the domain', () => {
    const g = kernelWithHandlers((a) => a.movEbx(0xe021).movEcx(0x1000).hypercall(3)
      .iretTo(UCODE, FLAT_RING3_CS, 0x202, USTACK_TOP, FLAT_RING3_DS));
    const u = new Asm(UCODE).b(0x0f, 0x0b);
    const p = boot(g.k, u); traps(p, g.handlers);
    expect(p.run(200)).toBe('crash');
    expect(p.d.crashReason).toMatch(/fault while writing the bounce frame at 0xff8 /);
  });
});
