// Privileged-operation emulation for a PV kernel in ring 1 (pv_emulate_privileged_op and the
// forced-emulation prefix): results the guest reads back, and the instructions Xen leaves as a
// #GP for the guest.
import { describe, it, expect } from 'vitest';
import { Asm, boot, setTraps, KCODE, KDATA, UCODE, USTACK_TOP, FLAT_RING1_CS, FLAT_RING3_CS, FLAT_RING3_DS, type Pv } from './traps-harness.ts';
import { trapState } from '../../runtime/traps/state.ts';
import { EAX, EBX, ECX, EDX, CR0_TS, CR4_TSD } from '../../src/cpu/regs.ts';

const OUT = KDATA + 0x800;

/** Run kernel code that stores results at OUT.. and ends in `jmp $`; #GP, #NM, #UD and #DB go to
 *  handlers that record their vector at OUT+0x100 and spin. */
function run(body: (a: Asm) => void, opts: { iopl?: number; user?: Asm } = {}): { p: Pv; out: (k: number) => number; trapped: number | null } {
  const k = new Asm(KCODE);
  body(k);
  k.spin();
  const handlers: [number, number, number, number][] = [];
  for (const v of [1, 6, 7, 13]) {
    // (reload DS: a trap from ring 3 arrives with the user's, or a null one)
    k.label(`h${v}`).b(0x66, 0xb8, 0x21, 0xe0, 0x8e, 0xd8).movEax(v).storeEax(OUT + 0x100).spin();
    handlers.push([v, 0, FLAT_RING1_CS, k.addr(`h${v}`)]);
  }
  const p = boot(k, opts.user);
  expect(setTraps(p, KDATA, handlers)).toBe(0);
  p.w32(OUT + 0x100, 0xffffffff);
  if (opts.iopl !== undefined) trapState(p.d).iopl = opts.iopl << 12;
  p.run(5000);
  expect(p.d.shutdown).toBeNull();
  const v = p.r32(OUT + 0x100);
  return { p, out: (n) => p.r32(OUT + 4 * n), trapped: v === 0xffffffff ? null : v };
}
const MOV_EAX_CR = (n: number): number[] => [0x0f, 0x20, 0xc0 | (n << 3)];
const MOV_CR_EAX = (n: number): number[] => [0x0f, 0x22, 0xc0 | (n << 3)];

describe('control registers', () => {
  it('MOV from CR0, CR3 (machine address of the top-level table), CR4 (PAE only)', () => {
    const r = run((a) => a.b(...MOV_EAX_CR(0)).storeEax(OUT).b(...MOV_EAX_CR(3)).storeEax(OUT + 4).b(...MOV_EAX_CR(4)).storeEax(OUT + 8));
    const c = r.p.d.cpu;
    expect(r.trapped).toBeNull();
    expect(r.out(0)).toBe(c.cr0 >>> 0);
    expect(r.out(1)).toBe((c.cr3 >>> 0) & ~0xfff);
    expect(r.out(1)).toBe(r.p.m.startOfDay.l3OrL2Mfn * 4096);
    expect(r.out(2)).toBe(0x20);
  });

  it('CR0 writes may flip TS only; CLTS clears it; anything else is #GP', () => {
    let r = run((a) => a.b(...MOV_EAX_CR(0)).b(0x83, 0xc8, 0x08).b(...MOV_CR_EAX(0)).b(...MOV_EAX_CR(0)).storeEax(OUT).b(0x0f, 0x06).b(...MOV_EAX_CR(0)).storeEax(OUT + 4));
    expect(r.trapped).toBeNull();
    expect(r.out(0) & CR0_TS).toBe(CR0_TS);
    expect(r.out(1) & CR0_TS).toBe(0);
    r = run((a) => a.b(...MOV_EAX_CR(0)).b(0x83, 0xf0, 0x02).b(...MOV_CR_EAX(0)));   // flip MP
    expect(r.trapped).toBe(13);
  });

  it('CR2 reads back what was written and lands in vcpu_info', () => {
    const r = run((a) => a.movEax(0x5678).b(...MOV_CR_EAX(2)).movEax(0).b(...MOV_EAX_CR(2)).storeEax(OUT));
    expect(r.out(0)).toBe(0x5678);
    expect(r.p.d.cpu.view.getUint32(r.p.d.vcpuInfoMaddr + 8, true)).toBe(0x5678);
  });

  it('CR3 writes need the MMU: without it they are refused with #GP', () => {
    const r = run((a) => a.b(...MOV_EAX_CR(3)).b(...MOV_CR_EAX(3)));
    expect(r.trapped).toBe(13);
  });

  it('CR4.TSD: ring 1 still reads the TSC (emulated), ring 3 gets #GP', () => {
    const r = run((a) => a.movEax(CR4_TSD).b(...MOV_CR_EAX(4)).movEax(0xdeadbeef).b(0x0f, 0x31).storeEax(OUT).b(...MOV_EAX_CR(4)).storeEax(OUT + 4)
      .iretTo(UCODE, FLAT_RING3_CS, 0x202, USTACK_TOP, FLAT_RING3_DS), { user: new Asm(UCODE).b(0x0f, 0x31).spin() });
    expect(r.p.d.cpu.cr4 & CR4_TSD).toBe(CR4_TSD);
    expect(r.out(1)).toBe(0x20 | CR4_TSD);
    expect(r.out(0)).not.toBe(0xdeadbeef);
    expect(r.trapped).toBe(13);
  });

  it('debug registers: DR7 reads its fixed bit; setting GD is #GP', () => {
    let r = run((a) => a.b(0x0f, 0x21, 0xf8).storeEax(OUT));
    expect(r.out(0)).toBe(0x400);
    r = run((a) => a.movEax(0x2000).b(0x0f, 0x23, 0xf8));
    expect(r.trapped).toBe(13);
  });
});

describe('MSRs', () => {
  it('reads MISC_ENABLE, EFER (NXE), the TSC; unknown MSRs are #GP', () => {
    const r = run((a) => a.movEcx(0x1a0).b(0x0f, 0x32).storeEax(OUT).movEcx(0xc0000080).b(0x0f, 0x32).storeEax(OUT + 4)
      .movEcx(0x10).b(0x0f, 0x32).storeEax(OUT + 8).movEcx(0x12345678).b(0x0f, 0x32));
    expect(r.out(0)).toBe(0x801800);
    expect(r.out(1)).toBe(0x800);
    expect(r.out(2)).not.toBe(0);
    expect(r.trapped).toBe(13);
  });

  it('writes: MISC_ENABLE ignored, EFER unchanged accepted, others #GP', () => {
    let r = run((a) => a.movEcx(0x1a0).movEax(0x1234).movEdx(0).b(0x0f, 0x30).movEcx(0xc0000080).movEax(0x800).b(0x0f, 0x30).movEax(1).storeEax(OUT));
    expect(r.trapped).toBeNull();
    expect(r.out(0)).toBe(1);
    r = run((a) => a.movEcx(0xc0000080).movEax(0).movEdx(0).b(0x0f, 0x30));
    expect(r.trapped).toBe(13);
    r = run((a) => a.movEcx(0x10).movEax(0).movEdx(0).b(0x0f, 0x30));
    expect(r.trapped).toBe(13);
  });
});

describe('port I/O and the virtual IOPL', () => {
  it('without IOPL, IN is #GP and CLI is #GP', () => {
    expect(run((a) => a.b(0xe4, 0x70)).trapped).toBe(13);
    expect(run((a) => a.b(0xfa)).trapped).toBe(13);
  });

  it('with IOPL 1: the CMOS index reads back, other ports read all-ones, CF8 holds a dword', () => {
    const r = run((a) => a.movEax(0x8b).b(0xe6, 0x70).movEax(0).b(0xe4, 0x70).storeEax(OUT)
      .movEax(0).b(0xe4, 0x71).storeEax(OUT + 4)
      .movEdx(0xcf8).movEax(0x80001234).b(0xef).movEax(0).b(0xed).storeEax(OUT + 8)
      .movEax(0).b(0x66, 0xe5, 0x60).storeEax(OUT + 12)
      .b(0xfa, 0xfb).movEax(7).storeEax(OUT + 16), { iopl: 1 });
    expect(r.trapped).toBeNull();
    expect(r.out(0)).toBe(0x8b);
    expect(r.out(1)).toBe(0xff);
    expect(r.out(2)).toBe(0x80001234);
    expect(r.out(3)).toBe(0xffff);
    expect(r.out(4)).toBe(7);
  });

  it('PHYSDEVOP_set_iopl from the guest enables port I/O; REP INSB fills memory', () => {
    const r = run((a) => a.movEax(1).storeEax(OUT + 0x40).movEbx(6).movEcx(OUT + 0x40).hypercall(33).storeEax(OUT)
      .movEax(0x42).b(0xe6, 0x70)
      .b(0xbf).d(OUT + 8).movEcx(3).movEdx(0x70).b(0xf3, 0x6c).storeEax(OUT + 4));
    expect(r.trapped).toBeNull();
    expect(r.out(0)).toBe(0);
    expect(r.out(2) & 0xffffff).toBe(0x424242);
    expect(r.p.d.cpu.regs[ECX]).toBe(0);
  });

  it('the I/O bitmap grants ports in ring 3 when IOPL does not', () => {
    const user = new Asm(UCODE).b(0x66, 0xb8, 0x33, 0xe0, 0x8e, 0xd8).b(0xe4, 0x80).b(0xa3).d(USTACK_TOP - 4).label('deny').b(0xe4, 0x81).spin();
    const r = run((a) => {
      // bitmap at OUT+0x200: all ports denied but 0x80 (byte 16, bit 0 clear)
      a.b(0xbf).d(OUT + 0x200).movEcx(32).movEax(0xffffffff).b(0xf3, 0xab)
        .b(0xc6, 0x05).d(OUT + 0x200 + 16).b(0xfe)
        .movEax(OUT + 0x200).storeEax(OUT + 0x40).movEax(0x400).storeEax(OUT + 0x44)
        .movEbx(7).movEcx(OUT + 0x40).hypercall(33)
        .iretTo(UCODE, FLAT_RING3_CS, 0x202, USTACK_TOP, FLAT_RING3_DS);
    }, { user });
    expect(r.p.r32(USTACK_TOP - 4) & 0xff).toBe(0xff);  // port 0x80 was read
    expect(r.trapped).toBe(13);                          // port 0x81 is denied
    expect(r.p.frame(r.p.d.cpu.regs[4], 2)).toEqual([0, user.addr('deny')]);
  });
});

describe('CPUID', () => {
  it('the forced-emulation prefix runs CPUID with the PV policy', () => {
    const r = run((a) => a.movEax(0x40000000).b(0x0f, 0x0b, 0x78, 0x65, 0x6e, 0x0f, 0xa2).storeEax(OUT)
      .b(0x89, 0x1d).d(OUT + 4).b(0x89, 0x0d).d(OUT + 8).b(0x89, 0x15).d(OUT + 12)
      .movEax(0x40000001).b(0x0f, 0xa2).storeEax(OUT + 16));
    expect(r.trapped).toBeNull();
    expect(r.out(0)).toBe(0x40000005);
    const sig = Buffer.alloc(12);
    sig.writeUInt32LE(r.out(1), 0); sig.writeUInt32LE(r.out(2), 4); sig.writeUInt32LE(r.out(3), 8);
    expect(sig.toString('latin1')).toBe('XenVMMXenVMM');
    expect(r.out(4)).toBe(0x40011);
  });

  it('leaf 1 hides PSE and PGE, sets HYPERVISOR; a plain UD2 is still the guest\'s #UD', () => {
    const r = run((a) => a.movEax(1).b(0x0f, 0xa2).b(0x89, 0x15).d(OUT).b(0x89, 0x0d).d(OUT + 4).b(0x0f, 0x0b));
    expect(r.out(0) & ((1 << 3) | (1 << 13))).toBe(0);
    expect(r.out(0) & (1 << 4)).toBe(1 << 4);        // TSC
    expect(r.out(1) >>> 31).toBe(1);
    expect(r.trapped).toBe(6);
  });

  it('forced CPUID works from ring 3 too', () => {
    const user = new Asm(UCODE).movEax(0x40000000).b(0x0f, 0x0b, 0x78, 0x65, 0x6e, 0x0f, 0xa2).spin();
    const r = run((a) => a.iretTo(UCODE, FLAT_RING3_CS, 0x202, USTACK_TOP, FLAT_RING3_DS), { user });
    expect(r.trapped).toBeNull();
    expect(r.p.d.cpu.regs[EBX] >>> 0).toBe(0x566e6558);
    expect(r.p.d.cpu.regs[EDX] >>> 0).toBe(0x4d4d566e);
  });
});

describe('instructions Xen does not emulate', () => {
  it('HLT, LGDT, LIDT, INVLPG and WBINVD', () => {
    expect(run((a) => a.b(0xf4)).trapped).toBe(13);
    expect(run((a) => a.b(0x0f, 0x01, 0x15).d(OUT)).trapped).toBe(13);
    expect(run((a) => a.b(0x0f, 0x01, 0x1d).d(OUT)).trapped).toBe(13);
    expect(run((a) => a.b(0x0f, 0x01, 0x3d).d(OUT)).trapped).toBe(13);
    const r = run((a) => a.b(0x0f, 0x09).movEax(9).storeEax(OUT));
    expect(r.trapped).toBeNull();
    expect(r.out(0)).toBe(9);
  });

  it('an emulated instruction under EFLAGS.TF is followed by #DB', () => {
    const r = run((a) => a.b(0x9c).b(0x81, 0x0c, 0x24).d(0x100).b(0x9d).b(0x0f, 0x09).b(0x90).b(0x90));
    expect(r.trapped).toBe(1);
  });
});

describe('the FPU switch and the virtual IOPL ABI', () => {
  it('#NM after fpu_taskswitch(1) reaches the guest with TS cleared, as Xen clears it', () => {
    const r = run((a) => a.movEbx(1).hypercall(5).b(0xdb, 0xe3));     // fninit
    expect(r.trapped).toBe(7);
    expect(r.p.d.cpu.cr0 & CR0_TS).toBe(0);
  });

  it('VMASST architectural_iopl: iret sets the virtual IOPL, bounce frames report it, the kernel counts as ring 0', () => {
    const k = new Asm(KCODE).iretTo('k2', FLAT_RING1_CS, 0x1202).label('k2')
      .b(0xe4, 0x70).b(0x0f, 0x0b).label('ud').spin();
    const p = boot(k);
    p.d.vmAssist |= 1 << 4;
    expect(setTraps(p, KDATA, [[6, 0, FLAT_RING1_CS, k.addr('ud')]])).toBe(0);
    p.run(100);
    expect(p.d.shutdown).toBeNull();
    expect(trapState(p.d).iopl).toBe(0x1000);
    expect(p.d.cpu.eip >>> 0).toBe(k.addr('ud'));               // IN at "CPL 0" with IOPL 1 passed
    expect(p.frame(p.d.cpu.regs[4], 3)[2]).toBe(0x1202);       // EFLAGS with the virtual IOPL
    expect(p.d.cpu.flags & 0x3000).toBe(0);                     // the real IOPL stays 0
  });
});
