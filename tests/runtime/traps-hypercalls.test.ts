// The trap and callback hypercalls' answers, including every error code Xen gives a 32-bit PV
// domU: set_trap_table, stack_switch, set_callbacks, fpu_taskswitch, callback_op, nmi_op,
// physdev_op and physdev_op_compat; and the event upcall the events subsystem asks for.
import { describe, it, expect } from 'vitest';
import { Asm, boot, KCODE, KDATA, UCODE, USTACK_TOP, FLAT_RING1_CS, FLAT_RING3_CS, FLAT_RING3_DS, type Pv } from './traps-harness.ts';
import { trapState } from '../../runtime/traps/state.ts';
import { CS, ESP, CR0_TS } from '../../src/cpu/regs.ts';

const call = (p: Pv, nr: number, ...args: number[]): number => p.m.hypercalls.get(nr)!.handler(p.d, args.map((x) => x | 0));
const EFAULT = -14, EINVAL = -22, ENOSYS = -38, EPERM = -1, ESRCH = -3, EBUSY = -16, ENODEV = -19, ENOSPC = -28;
const BAD = 0x1000;   // below the kernel: not mapped

describe('set_trap_table', () => {
  it('takes entries until address 0, raising RPL 0 selectors to 1', () => {
    const p = boot(new Asm(KCODE).spin());
    p.w32(KDATA, 0x0e | (0x05 << 8) | (0xe018 << 16)); p.w32(KDATA + 4, 0xc0001234);
    p.w32(KDATA + 8, 0x80 | (0x03 << 8) | (0xe019 << 16)); p.w32(KDATA + 12, 0xc0005678);
    p.w32(KDATA + 16, 0x06 | (0xe019 << 16)); p.w32(KDATA + 20, 0);        // terminator
    p.w32(KDATA + 24, 0x07 | (0xe019 << 16)); p.w32(KDATA + 28, 0xc0009999);
    expect(call(p, 0, KDATA)).toBe(0);
    const t = trapState(p.d);
    expect(t.trapCtxt[14]).toEqual({ flags: 5, cs: 0xe019, address: 0xc0001234 | 0 });
    expect(t.trapCtxt[0x80]).toEqual({ flags: 3, cs: 0xe019, address: 0xc0005678 | 0 });
    expect(t.trapCtxt[7].cs).toBe(0);
    expect(call(p, 0, 0)).toBe(0);
    expect(t.trapCtxt[14].cs).toBe(0);
  });

  it('an unreadable entry is -EFAULT, keeping the entries before it', () => {
    const p = boot(new Asm(KCODE).spin());
    // the last mapped word of the boot mappings (they end on a 4 MiB boundary)
    const last = p.m.startOfDay.end - 8;
    p.w32(last, 0x0d | (0xe019 << 16)); p.w32(last + 4, 0xc0004444);
    expect(call(p, 0, last)).toBe(EFAULT);
    expect(trapState(p.d).trapCtxt[13].address >>> 0).toBe(0xc0004444);
    expect(call(p, 0, BAD)).toBe(EFAULT);
    expect(call(p, 0, 0xf5800000)).toBe(EFAULT);
  });
});

describe('callbacks and stacks', () => {
  it('stack_switch and set_callbacks record their selectors with RPL fixed up', () => {
    const p = boot(new Asm(KCODE).spin());
    const t = trapState(p.d);
    expect(call(p, 3, 0xe020, 0xc0007000)).toBe(0);
    expect([t.kernelSs, t.kernelSp >>> 0]).toEqual([0xe021, 0xc0007000]);
    expect(call(p, 4, 0xe018, 0xc0001000, 0xe019, 0xc0002000)).toBe(0);
    expect(t.eventCallback).toEqual({ cs: 0xe019, eip: 0xc0001000 | 0 });
    expect(t.failsafeCallback).toEqual({ cs: 0xe019, eip: 0xc0002000 | 0 });
  });

  it('callback_op: register and unregister answers', () => {
    const p = boot(new Asm(KCODE).spin());
    const t = trapState(p.d);
    const reg = (type: number, flags: number, cs: number, eip: number): number => {
      p.w32(KDATA, type | (flags << 16)); p.w32(KDATA + 4, cs); p.w32(KDATA + 8, eip);
      return call(p, 30, 0, KDATA);
    };
    expect(reg(0, 0, 0xe019, 0xc0001111)).toBe(0);
    expect(t.eventCallback.eip >>> 0).toBe(0xc0001111);
    expect(reg(1, 1, 0xe019, 0xc0002222)).toBe(0);
    expect(t.failsafeDisablesEvents).toBe(true);
    expect(reg(4, 0, 0, 0xc0003333)).toBe(0);
    expect(t.trapCtxt[2]).toEqual({ flags: 4, cs: 0xe019, address: 0xc0003333 | 0 });
    expect(reg(5, 1, 0xe019, 0xc0004444)).toBe(0);       // sysenter
    expect(reg(7, 0, 0xe019, 0xc0005555)).toBe(0);       // syscall32
    expect(reg(2, 0, 0xe019, 0xc0006666)).toBe(ENOSYS);  // syscall: 64-bit only
    expect(reg(3, 0, 0xe019, 0xc0006666)).toBe(ENOSYS);  // the old sysenter number
    expect(call(p, 30, 0, BAD)).toBe(EFAULT);
    const unreg = (type: number): number => { p.w32(KDATA, type); return call(p, 30, 1, KDATA); };
    expect(unreg(0)).toBe(EINVAL);
    expect(unreg(1)).toBe(EINVAL);
    expect(unreg(4)).toBe(0);
    expect(t.trapCtxt[2].cs).toBe(0);
    expect(unreg(9)).toBe(ENOSYS);
    expect(call(p, 30, 2, KDATA)).toBe(EINVAL);
  });

  it('nmi_op registers vector 2', () => {
    const p = boot(new Asm(KCODE).spin());
    p.w32(KDATA, 0xc0007777); p.w32(KDATA + 4, 0);
    expect(call(p, 28, 0, KDATA)).toBe(0);
    expect(trapState(p.d).trapCtxt[2].address >>> 0).toBe(0xc0007777);
    expect(call(p, 28, 1, 0)).toBe(0);
    expect(call(p, 28, 0, BAD)).toBe(EFAULT);
    expect(call(p, 28, 5, 0)).toBe(ENOSYS);
  });

  it('fpu_taskswitch sets and clears CR0.TS', () => {
    const p = boot(new Asm(KCODE).spin());
    expect(call(p, 5, 1)).toBe(0);
    expect(p.d.cpu.cr0 & CR0_TS).toBe(CR0_TS);
    expect(call(p, 5, 0)).toBe(0);
    expect(p.d.cpu.cr0 & CR0_TS).toBe(0);
  });
});

describe('physdev_op for an unprivileged domain', () => {
  it('set_iopl and set_iobitmap validate as Xen does', () => {
    const p = boot(new Asm(KCODE).spin());
    const t = trapState(p.d);
    p.w32(KDATA, 3); expect(call(p, 33, 6, KDATA)).toBe(0); expect(t.iopl).toBe(0x3000);
    p.w32(KDATA, 4); expect(call(p, 33, 6, KDATA)).toBe(EINVAL);
    expect(call(p, 33, 6, BAD)).toBe(EFAULT);
    p.w32(KDATA, KDATA + 0x100); p.w32(KDATA + 4, 65537); expect(call(p, 33, 7, KDATA)).toBe(EINVAL);
    p.w32(KDATA, 0xf57ff000); p.w32(KDATA + 4, 16); expect(call(p, 33, 7, KDATA)).toBe(EINVAL);
    p.w32(KDATA, KDATA + 0x100); p.w32(KDATA + 4, 1024); expect(call(p, 33, 7, KDATA)).toBe(0);
    expect(t.iobmpLimit).toBe(1024);
  });

  it('pirqs: allocation, EOI, status; privileged operations refused', () => {
    const p = boot(new Asm(KCODE).spin());
    p.w32(KDATA, 1); expect(call(p, 33, 23, KDATA)).toBe(0); expect(p.r32(KDATA + 4)).toBe(16);
    p.w32(KDATA, 0); expect(call(p, 33, 23, KDATA)).toBe(0); expect(p.r32(KDATA + 4)).toBe(55);
    p.w32(KDATA, 16); expect(call(p, 33, 12, KDATA)).toBe(0);
    p.w32(KDATA, 17); expect(call(p, 33, 12, KDATA)).toBe(EINVAL);
    p.w32(KDATA, 5); p.w32(KDATA + 4, 0); expect(call(p, 33, 5, KDATA)).toBe(0); expect(p.r32(KDATA + 4)).toBe(1);
    p.w32(KDATA, 56); expect(call(p, 33, 5, KDATA)).toBe(EINVAL);
    p.w32(KDATA, 0x7ff0); expect(call(p, 33, 13, KDATA)).toBe(EPERM);
    p.w32(KDATA, 5); expect(call(p, 33, 13, KDATA)).toBe(ESRCH);
    p.w32(KDATA, 0x7ff0); expect(call(p, 33, 14, KDATA)).toBe(EPERM);
    for (const op of [8, 9, 10, 15, 16, 26, 30, 31]) expect(call(p, 33, op, KDATA)).toBe(EPERM);
    expect(call(p, 33, 24, BAD)).toBe(EPERM);
    expect(call(p, 33, 29, BAD)).toBe(EPERM);
    expect(call(p, 33, 19, KDATA)).toBe(ENODEV);
    p.w32(KDATA, 30); expect(call(p, 33, 21, KDATA)).toBe(EINVAL);
    p.w32(KDATA, 3); expect(call(p, 33, 21, KDATA)).toBe(EPERM);
    expect(call(p, 33, 4, 0)).toBe(0);
    expect(call(p, 33, 11, KDATA)).toBe(ENOSYS);
    expect(call(p, 33, 99, KDATA)).toBe(ENOSYS);
    const mfn = p.m.startOfDay.storeMfn;
    p.w32(KDATA, mfn); expect(call(p, 33, 28, KDATA)).toBe(0);
    expect(call(p, 33, 28, KDATA)).toBe(EBUSY);
    p.w32(KDATA, 1); expect(call(p, 33, 17, KDATA)).toBe(EINVAL);
  });

  it('get_free_pirq runs out with -ENOSPC', () => {
    const p = boot(new Asm(KCODE).spin());
    p.w32(KDATA, 0);
    for (let k = 0; k < 32; k++) expect(call(p, 33, 23, KDATA)).toBe(0);
    expect(call(p, 33, 23, KDATA)).toBe(ENOSPC);
  });

  it('physdev_op_compat works on the union after the command', () => {
    const p = boot(new Asm(KCODE).spin());
    p.w32(KDATA, 6); p.w32(KDATA + 4, 2);
    expect(call(p, 19, KDATA)).toBe(0);
    expect(trapState(p.d).iopl).toBe(0x2000);
    expect(call(p, 19, BAD)).toBe(EFAULT);
  });
});

describe('event upcall', () => {
  it('from ring 1: a plain frame, events masked, the saved mask 0 in CS bits 16-23', () => {
    const k = new Asm(KCODE).label('loop').spin().label('ev').spin();
    const p = boot(k);
    const t = trapState(p.d), c = p.d.cpu;
    expect(p.d.ext.traps!.deliverEventUpcall()).toBe(false);
    t.eventCallback = { cs: FLAT_RING1_CS, eip: k.addr('ev') };
    p.run(10);
    const esp0 = c.regs[ESP];
    expect(p.d.ext.traps!.deliverEventUpcall()).toBe(true);
    expect(c.eip >>> 0).toBe(k.addr('ev'));
    expect(c.regs[ESP]).toBe(esp0 - 12);
    expect(p.frame(c.regs[ESP], 3)).toEqual([k.addr('loop'), FLAT_RING1_CS, 0x202]);
    expect(t.upcallMask).toBe(1);
  });

  it('from ring 3: on the kernel stack with SS:ESP', () => {
    const k = new Asm(KCODE).iretTo(UCODE, FLAT_RING3_CS, 0x202, USTACK_TOP, FLAT_RING3_DS).label('ev').spin();
    const p = boot(k, new Asm(UCODE).spin());
    const t = trapState(p.d), c = p.d.cpu;
    t.eventCallback = { cs: FLAT_RING1_CS, eip: k.addr('ev') };
    const ksp = c.regs[ESP];
    p.run(50);
    expect(c.cpl).toBe(3);
    expect(p.d.ext.traps!.deliverEventUpcall()).toBe(true);
    expect(c.cpl).toBe(1);
    expect(c.sel[CS]).toBe(FLAT_RING1_CS);
    expect(p.frame(c.regs[ESP], 5)).toEqual([UCODE, FLAT_RING3_CS, 0x202, USTACK_TOP, FLAT_RING3_DS]);
    expect(c.regs[ESP]).toBe(ksp - 20);
  });
});
