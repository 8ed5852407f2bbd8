// Time against Xen's time.c and sched/core.c: the TSC scale, vcpu_time_info and the wall clock
// (version protocol, consistency with RDTSC), set_timer_op, every VCPUOP with its errors, the
// periodic and single-shot timers, runstate accounting, and the virtual clock's exactness.
import { describe, it, expect } from 'vitest';
import { evFixture, type EvFixture } from './events-fixture.ts';
import { timeScale, scaleDelta, BOOT_SYSTEM_TIME, VIRTUAL_EPOCH_NS } from '../../runtime/time/clock.ts';
import { MILLISECS } from '../../runtime/time/timers.ts';
import {
  VCPU_INFO_time, SHINFO_wc_version, SHINFO_wc_sec, SHINFO_wc_nsec, SHINFO_arch_wc_sec_hi,
  EVTCHNOP_bind_virq as BIND_VIRQ, VIRQ_TIMER, RUNSTATE_running, RUNSTATE_blocked, VCPU_SSHOTTMR_future,
  ENOENT, EFAULT, EINVAL, EEXIST, ENOSYS,
} from '../../runtime/events/abi.ts';
import { EAX, EDX } from '../../src/cpu/regs.ts';
import { PAGE } from '../../runtime/domain.ts';

const BAD = 0x1000;
const u64 = (f: EvFixture, a: number): bigint => f.d.cpu.view.getBigUint64(a, true);

interface TimeInfo { version: number; tsc: bigint; system: bigint; mul: number; shift: number; flags: number }
function timeInfo(f: EvFixture): TimeInfo {
  const a = f.d.vcpuInfoMaddr + VCPU_INFO_time, v = f.d.cpu.view;
  return { version: v.getUint32(a, true), tsc: u64(f, a + 8), system: u64(f, a + 16), mul: v.getUint32(a + 24, true), shift: v.getInt8(a + 28), flags: v.getUint8(a + 29) };
}
/** The guest's pvclock computation. */
const pvclock = (t: TimeInfo, tsc: bigint): bigint => t.system + scaleDelta(tsc - t.tsc, t.mul, t.shift);
const bindTimer = (f: EvFixture): number => f.evtchn(BIND_VIRQ, [VIRQ_TIMER, 0, 0]).out[2];
const run = (f: EvFixture, n: number): string => f.m.run({ maxInstructions: n, timeoutSeconds: 30, slice: 100_000 });
const vcpuOp = (f: EvFixture, cmd: number, arg = 0, vcpu = 0): number => f.hc(24, [cmd, vcpu, arg]);
const SCHEDOP_block = 1;

describe('TSC scale (set_time_scale)', () => {
  it('matches Xen for a few frequencies', () => {
    expect(timeScale(1e9)).toEqual({ mul: 0x80000000, shift: 1 });
    expect(timeScale(2e9)).toEqual({ mul: 0x80000000, shift: 0 });
    expect(timeScale(3e9)).toEqual({ mul: 2863311530, shift: -1 });
    expect(timeScale(100e6)).toEqual({ mul: 2684354560, shift: 4 });
    // 1 GHz is exact: a tick is a nanosecond.
    for (const d of [0n, 1n, 999n, 123456789012n]) expect(scaleDelta(d, 0x80000000, 1)).toBe(d);
  });
});

describe('vcpu_time_info and the wall clock', () => {
  it('are published at start of day with even versions', () => {
    const f = evFixture();
    const t = timeInfo(f);
    expect(t.version).toBe(2);
    expect([t.mul, t.shift, t.flags]).toEqual([0x80000000, 1, 0]);
    expect(t.system).toBe(BOOT_SYSTEM_TIME);
    expect(pvclock(t, f.tk.clock.tsc())).toBe(f.tk.now());
    const v = f.d.cpu.view;
    expect(v.getUint32(f.si + SHINFO_wc_version, true)).toBe(2);
    expect(BigInt(v.getUint32(f.si + SHINFO_wc_sec, true)) * 1_000_000_000n + BigInt(v.getUint32(f.si + SHINFO_wc_nsec, true))).toBe(VIRTUAL_EPOCH_NS);
    expect(v.getUint32(f.si + SHINFO_arch_wc_sec_hi, true)).toBe(0);
  });
  it('the host clock publishes the host\'s wall clock', () => {
    const f = evFixture({ clock: 'host' });
    const v = f.d.cpu.view;
    const wc = v.getUint32(f.si + SHINFO_wc_sec, true) + v.getUint32(f.si + SHINFO_wc_nsec, true) / 1e9;
    const now = wc + Number(f.tk.now()) / 1e9;
    expect(Math.abs(now - Date.now() / 1000)).toBeLessThan(2);
  });
  it('agree with RDTSC as the guest reads it', () => {
    const f = evFixture({ code: [0xeb, 0x00, 0x0f, 0x31, 0xeb, 0xfe] }); // jmp +0; rdtsc; jmp $
    run(f, 2);
    const tsc = (BigInt(f.d.cpu.regs[EDX] >>> 0) << 32n) | BigInt(f.d.cpu.regs[EAX] >>> 0);
    // RDTSC was the second instruction: system time then was the start plus one instruction.
    expect(pvclock(timeInfo(f), tsc)).toBe(BOOT_SYSTEM_TIME + 1n);
    expect(f.tk.now()).toBe(BOOT_SYSTEM_TIME + 2n);
  });
  it('virtual time is retired instructions: 1 instruction = 1 ns', () => {
    const f = evFixture();
    const t0 = f.tk.now(), i0 = f.d.cpu.icount;
    run(f, 250_000);
    expect(f.d.cpu.icount - i0).toBe(250_000);
    expect(f.tk.now() - t0).toBe(250_000n);
  });
  it('are refreshed once a second of system time, at the next schedule or calibration', () => {
    const f = evFixture();
    bindTimer(f);
    f.tk.timers.setSingleshot(f.tk.now() + MILLISECS(2500));
    f.hc(29, [SCHEDOP_block, 0]);
    expect(f.m.run({ maxInstructions: 10, timeoutSeconds: 30, slice: 10 })).toBe('instruction-limit');
    const t = timeInfo(f);
    expect(t.version).toBe(4);
    expect(t.system).toBe(BOOT_SYSTEM_TIME + 2_000_000_000n);
    expect(t.tsc).toBe(f.tk.clock.tscAt(t.system));
    expect(pvclock(t, f.tk.clock.tsc())).toBe(f.tk.now());
  });
});

describe('set_timer_op', () => {
  it('fires VIRQ_TIMER at the instruction the deadline falls on (virtual clock)', () => {
    const f = evFixture();
    const port = bindTimer(f);
    const deadline = f.tk.now() + 300_000n;
    expect(f.hc(15, [Number(deadline & 0xffffffffn), Number(deadline >> 32n)])).toBe(0);
    expect(f.tk.timers.singleshot).toBe(deadline);
    run(f, 299_990);
    expect(f.ev.bits.isPending(port)).toBe(false);
    run(f, 100);
    expect(f.ev.bits.isPending(port)).toBe(true);
    expect(f.tk.timers.singleshot).toBe(null);
  });
  it('0 stops the timer; a past deadline fires before the hypercall returns', () => {
    const f = evFixture();
    const port = bindTimer(f);
    f.hc(15, [0x10000000, 1]);
    expect(f.tk.timers.singleshot).toBe(0x110000000n);
    expect(f.hc(15, [0, 0])).toBe(0);
    expect(f.tk.timers.singleshot).toBe(null);
    expect(f.hc(15, [5, 0])).toBe(0);
    expect(f.ev.bits.isPending(port)).toBe(true);
    expect(f.tk.timers.singleshot).toBe(null);
  });
  it('answers negative and far-off deadlines with an event in 100 ms', () => {
    const f = evFixture();
    const now = f.tk.now();
    f.hc(15, [0, 0x80000000]);
    expect(f.tk.timers.singleshot).toBe(now + MILLISECS(100));
    const far = now + (1n << 50n);
    f.hc(15, [Number(far & 0xffffffffn), Number(far >> 32n)]);
    expect(f.tk.timers.singleshot).toBe(now + MILLISECS(100));
    const near = now + (1n << 50n) - 1n;
    f.hc(15, [Number(near & 0xffffffffn), Number(near >> 32n)]);
    expect(f.tk.timers.singleshot).toBe(near);
  });
});

describe('vcpu_op', () => {
  it('knows only vCPU 0', () => {
    const f = evFixture();
    for (const cmd of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 99]) expect(vcpuOp(f, cmd, f.va(0), 1)).toBe(ENOENT);
    expect(vcpuOp(f, 3, 0, -1)).toBe(ENOENT);
  });
  it('initialise, up, down, is_up, send_nmi, get_physid and the rest', () => {
    const f = evFixture();
    expect(vcpuOp(f, 3)).toBe(1);
    expect(vcpuOp(f, 1)).toBe(0);
    expect(vcpuOp(f, 0, f.va(0))).toBe(EEXIST);
    expect(vcpuOp(f, 0, f.sod.end - 1000)).toBe(EFAULT);
    expect(vcpuOp(f, 11, f.va(0))).toBe(EINVAL);
    expect(vcpuOp(f, 11, 0)).toBe(0);
    expect(vcpuOp(f, 12, f.va(0))).toBe(EINVAL);
    expect(vcpuOp(f, 13, f.va(0))).toBe(ENOSYS);
    expect(vcpuOp(f, 14, f.va(0))).toBe(ENOSYS);
    expect(vcpuOp(f, 2)).toBe(0);
    expect(f.d.shutdown).toBe('poweroff');
  });
  it('get_runstate_info and a registered runstate area', () => {
    const f = evFixture();
    run(f, 5000);
    expect(vcpuOp(f, 4, f.va(0))).toBe(0);
    const v = f.d.cpu.view;
    const pa = (va: number): number => f.d.p2m[((va >>> 0) - 0xc0000000) >>> 12] * PAGE + (va & 0xfff);
    const a = pa(f.va(0));
    expect(v.getInt32(a, true)).toBe(RUNSTATE_running);
    expect(u64(f, a + 4)).toBe(BOOT_SYSTEM_TIME);
    expect(u64(f, a + 12)).toBe(5000n);
    expect(vcpuOp(f, 4, BAD)).toBe(EFAULT);
    // Register an area: filled at once, rewritten at every context switch.
    f.put(f.va(0), [f.va(2) + 8]);
    expect(vcpuOp(f, 5, f.va(0))).toBe(0);
    const area = pa(f.va(2) + 8);
    expect(v.getInt32(area, true)).toBe(RUNSTATE_running);
    bindTimer(f);
    f.tk.timers.setSingleshot(f.tk.now() + 7000n);
    f.hc(29, [SCHEDOP_block, 0]);
    expect(v.getInt32(area, true)).toBe(RUNSTATE_blocked);
    expect(u64(f, area + 12)).toBe(5000n);
    run(f, 10);
    expect(v.getInt32(area, true)).toBe(RUNSTATE_running);
    expect(u64(f, area + 12 + RUNSTATE_blocked * 8)).toBe(7000n);
    // The handle must be below the hypervisor area; an unmapped one is accepted (copies fail quietly).
    f.put(f.va(0), [0xf57fffe0]);
    expect(vcpuOp(f, 5, f.va(0))).toBe(EFAULT);
    f.put(f.va(0), [0x2000]);
    expect(vcpuOp(f, 5, f.va(0))).toBe(0);
    expect(vcpuOp(f, 5, BAD)).toBe(EFAULT);
  });
  it('set_periodic_timer: at least 1 ms, at most STIME_DELTA_MAX; ticks while running', () => {
    const f = evFixture();
    const port = bindTimer(f);
    const put64 = (x: bigint): void => f.put(f.va(0), [Number(x & 0xffffffffn) | 0, Number(x >> 32n) | 0]);
    put64(999_999n);
    expect(vcpuOp(f, 6, f.va(0))).toBe(EINVAL);
    put64(1n << 62n);
    expect(vcpuOp(f, 6, f.va(0))).toBe(EINVAL);
    put64((1n << 62n) - 1n);
    expect(vcpuOp(f, 6, f.va(0))).toBe(0);
    expect(vcpuOp(f, 6, BAD)).toBe(EFAULT);
    put64(MILLISECS(1));
    const fired = f.tk.timers.fired;
    expect(vcpuOp(f, 6, f.va(0))).toBe(0);
    run(f, 10_000_000);
    // The set found less than a period since the boot tick, so the ticks come at 1..9 ms;
    // the one due at 10 ms, the end of the run, fires at the next slice.
    expect(f.tk.timers.fired - fired).toBe(9);
    expect(f.ev.bits.isPending(port)).toBe(true);
    expect(vcpuOp(f, 7)).toBe(0);
    const n = f.tk.timers.fired;
    run(f, 5_000_000);
    expect(f.tk.timers.fired).toBe(n);
  });
  it('the default 100 Hz ticker runs from the start', () => {
    const f = evFixture();
    const fired = f.tk.timers.fired;
    run(f, 21_000_000);
    expect(f.tk.timers.fired - fired).toBe(2);
  });
  it('set_singleshot_timer / stop_singleshot_timer; a past deadline sends the event at once', () => {
    const f = evFixture();
    const port = bindTimer(f);
    const now = f.tk.now();
    const put = (t: bigint, flags: number): void => f.put(f.va(0), [Number(t & 0xffffffffn) | 0, Number(t >> 32n) | 0, flags]);
    put(now + 1000n, 0);
    expect(vcpuOp(f, 8, f.va(0))).toBe(0);
    expect(f.tk.timers.singleshot).toBe(now + 1000n);
    expect(vcpuOp(f, 9)).toBe(0);
    expect(f.tk.timers.singleshot).toBe(null);
    // VCPU_SSHOTTMR_future is ignored (Xen 4.17 as maintained): no -ETIME, the event is sent.
    put(now - 1n, VCPU_SSHOTTMR_future);
    expect(vcpuOp(f, 8, f.va(0))).toBe(0);
    expect(f.ev.bits.isPending(port)).toBe(true);
    expect(f.tk.timers.singleshot).toBe(null);
    expect(vcpuOp(f, 8, f.sod.end - 8)).toBe(EFAULT);
    expect(vcpuOp(f, 8, BAD)).toBe(EFAULT);
  });
  it('register_vcpu_info moves vcpu_info once, copying it and marking everything pending', () => {
    const f = evFixture();
    const mfn = f.mfnOfVa(f.va(3));
    const put = (m: number, off: number): void => f.put(f.va(0), [m, 0, off, 0]);
    put(mfn, PAGE - 63);
    expect(vcpuOp(f, 10, f.va(0))).toBe(EINVAL);
    put(f.d.totalFrames + 5, 0);
    expect(vcpuOp(f, 10, f.va(0))).toBe(EINVAL);
    put(f.d.xen.gdtReserved, 0); // Xen's own frame
    expect(vcpuOp(f, 10, f.va(0))).toBe(EINVAL);
    f.put(f.va(0), [mfn, 1, 0, 0]);
    expect(vcpuOp(f, 10, f.va(0))).toBe(EINVAL);
    put(f.sod.l3OrL2Mfn, 0); // a page table cannot become writable
    expect(vcpuOp(f, 10, f.va(0))).toBe(EINVAL);
    expect(vcpuOp(f, 10, BAD)).toBe(EFAULT);
    const old = f.d.vcpuInfoMaddr;
    const before = f.d.cpu.mem.slice(old, old + 64);
    put(mfn, PAGE - 64);
    expect(vcpuOp(f, 10, f.va(0))).toBe(0);
    const to = mfn * PAGE + PAGE - 64;
    expect(f.d.vcpuInfoMaddr).toBe(to);
    const after = f.d.cpu.mem.slice(to, to + 64);
    expect(Array.from(after.slice(8))).toEqual(Array.from(before.slice(8)));
    expect(after[0]).toBe(1); // upcall pending
    expect(after[1]).toBe(1); // still masked
    expect(f.vi(4)).toBe(0xffffffff);
    put(mfn, 0);
    expect(vcpuOp(f, 10, f.va(0))).toBe(EINVAL);
    // Time records now go to the new place (once the guest has dealt with the events).
    f.d.cpu.mem[to] = 0;
    f.ev.bits.pendingSel = 0;
    bindTimer(f);
    f.tk.timers.setSingleshot(f.tk.now() + 1_500_000_000n);
    f.hc(29, [SCHEDOP_block, 0]);
    f.m.run({ maxInstructions: 10, timeoutSeconds: 30, slice: 10 });
    expect(timeInfo(f).version).toBe(4);
  });
  it('register_vcpu_info may place vcpu_info in shared_info itself (another slot)', () => {
    const f = evFixture();
    f.put(f.va(0), [f.d.xen.sharedInfo, 0, 64 * 5, 0]);
    expect(vcpuOp(f, 10, f.va(0))).toBe(0);
    expect(f.d.vcpuInfoMaddr).toBe(f.si + 64 * 5);
    expect(f.vi(4)).toBe(0xffffffff);
  });
});

describe('virtual clock', () => {
  it('two runs with timers and blocking end identically, to the instruction', () => {
    const go = (): [number, bigint, number] => {
      const f = evFixture();
      bindTimer(f);
      for (let k = 0; k < 5; k++) {
        run(f, 123_457);
        f.tk.timers.setSingleshot(f.tk.now() + 3_000_001n);
        f.hc(29, [SCHEDOP_block, 0]);
        run(f, 1000);
      }
      return [f.d.cpu.icount, f.d.cpu.tsc, f.tk.timers.fired];
    };
    expect(go()).toEqual(go());
  });
});
