// SCHEDOP_poll and SCHEDOP_block with the idler: Xen's checks and their order, what wakes a
// blocked vCPU (the upcall edge, the polled port, the poll timer), and the virtual clock
// jumping to the deadline.
import { describe, it, expect } from 'vitest';
import { evFixture, type EvFixture } from './events-fixture.ts';
import { EVTCHNOP_bind_ipi as BIND_IPI, RUNSTATE_blocked, RUNSTATE_running, EINVAL, EFAULT } from '../../runtime/events/abi.ts';
import { MILLISECS } from '../../runtime/time/timers.ts';

const SCHEDOP_block = 1, SCHEDOP_poll = 3;

/** SCHEDOP_poll on `ports` (written at scratch page 1) with an absolute timeout. */
function poll(f: EvFixture, ports: number[], timeout = 0n, nr = ports.length, portsVa = f.va(1)): number {
  if (ports.length) f.put(f.va(1), ports);
  f.put(f.va(0), [portsVa, nr, Number(timeout & 0xffffffffn) | 0, Number(timeout >> 32n) | 0]);
  return f.hc(29, [SCHEDOP_poll, f.va(0)]);
}
const ipi = (f: EvFixture): number => f.evtchn(BIND_IPI, [0, 0]).out[1];
const blocked = (f: EvFixture): boolean => f.d.blocked && f.d.cpu.halted;
/** What the run loop does with a blocked vCPU. */
function idle(f: EvFixture): boolean | 'timeout' {
  const ok = f.m.idler!.idle(performance.now() + 10_000);
  if (ok === true) { f.d.blocked = false; f.d.cpu.halted = false; }
  return ok;
}

describe('SCHEDOP_poll: immediate answers', () => {
  it('checks the port count, the upcall, then each port', () => {
    const f = evFixture();
    const a = ipi(f);
    expect(poll(f, [], 0n, 129)).toBe(EINVAL);
    expect(blocked(f)).toBe(false);
    expect(poll(f, [64])).toBe(EINVAL);
    expect(poll(f, [20])).toBe(EINVAL); // valid but free
    expect(poll(f, [0])).toBe(EINVAL); // reserved
    expect(poll(f, [], 0n, 2, 0x1000)).toBe(EFAULT);
    expect(poll(f, [a, 64])).toBe(EINVAL); // not pending, then invalid
    expect(blocked(f)).toBe(false);
    expect(f.ev.sched.polling).toBe(false);
    // A pending port: 0 without blocking, whatever follows it.
    f.ev.setPending(a);
    expect(poll(f, [a, 64])).toBe(0);
    expect(blocked(f)).toBe(false);
    // A deliverable upcall: 0 before the ports are even read.
    f.ev.enableDelivery();
    expect(poll(f, [], 0n, 2, 0x1000)).toBe(0);
    expect(blocked(f)).toBe(false);
    expect(f.hc(29, [SCHEDOP_poll, 0x1000])).toBe(EFAULT);
  });
});

describe('SCHEDOP_poll: blocking', () => {
  it('times out at the absolute deadline; the virtual clock jumps there', () => {
    const f = evFixture();
    const a = ipi(f);
    const t0 = f.tk.now();
    const deadline = t0 + MILLISECS(3);
    expect(poll(f, [a], deadline)).toBe(0);
    expect(blocked(f)).toBe(true);
    expect(f.ev.sched.pollEvtchn).toBe(a);
    const icount = f.d.cpu.icount;
    expect(idle(f)).toBe(true);
    expect(f.tk.now()).toBe(deadline);
    expect(f.d.cpu.icount).toBe(icount);
    expect(f.d.cpu.tsc).toBe(f.tk.clock.tscAt(deadline) - BigInt(icount));
    const rs = f.tk.runstate.get(f.tk.now());
    expect(rs.state).toBe(RUNSTATE_running);
    expect(rs.time[RUNSTATE_blocked]).toBe(MILLISECS(3));
  });
  it('a past deadline ends the poll at once', () => {
    const f = evFixture();
    expect(poll(f, [ipi(f)], 5n)).toBe(0);
    const t = f.tk.now();
    expect(idle(f)).toBe(true);
    expect(f.tk.now()).toBe(t);
    // Bit 63 set: a negative s_time_t, in the past as well.
    expect(poll(f, [ipi(f)], 0x8000000000000000n)).toBe(0);
    expect(idle(f)).toBe(true);
  });
  it('wakes when the polled port becomes pending, even masked', () => {
    const f = evFixture();
    f.ev.bits.setMask(1, true);
    expect(poll(f, [1])).toBe(0);
    f.ev.dom0.forGuestPort(1)!.send();
    expect(f.ev.sched.woken).toBe(true);
    expect(idle(f)).toBe(true);
  });
  it('a single polled port ignores other masked ports; an upcall edge still wakes it', () => {
    const f = evFixture();
    const a = ipi(f), b = ipi(f);
    f.ev.bits.setMask(b, true);
    expect(poll(f, [a])).toBe(0);
    f.ev.setPending(b);
    expect(f.ev.sched.woken).toBe(false);
    expect(idle(f)).toBe(false); // nothing armed, nothing else can come
    // Store port (unmasked) from dom0: upcall_pending goes 0 -> 1, which kicks the vCPU even
    // though the upcall itself is masked.
    f.ev.dom0.forGuestPort(1)!.send();
    expect(f.ev.sched.woken).toBe(true);
    expect(idle(f)).toBe(true);
    expect(f.d.cpu.irq).toBe(false); // masked: no upcall on the way back
  });
  it('host clock: the run\'s deadline ends the wait as a timeout and the vCPU stays blocked; a later event still wakes it', () => {
    const f = evFixture({ clock: 'host' });
    const a = ipi(f);
    // Poll with a timeout an hour away: the host clock would sleep toward it.
    expect(poll(f, [a], f.tk.now() + 3_600_000_000_000n)).toBe(0);
    expect(f.m.idler!.idle(performance.now() + 30)).toBe('timeout');
    expect(blocked(f)).toBe(true);
    f.ev.setPending(a);
    expect(idle(f)).toBe(true);
  });
  it('several ports: any port becoming pending wakes it', () => {
    const f = evFixture();
    const a = ipi(f), b = ipi(f), c = ipi(f);
    f.ev.bits.setMask(c, true);
    expect(poll(f, [a, b])).toBe(0);
    expect(f.ev.sched.pollEvtchn).toBe(-1);
    f.ev.setPending(c);
    expect(idle(f)).toBe(true);
  });
  it('an earlier poll\'s timer, still armed, ends a later poll without one', () => {
    const f = evFixture();
    const a = ipi(f);
    const t1 = f.tk.now() + MILLISECS(50);
    expect(poll(f, [a], t1)).toBe(0);
    f.ev.setPending(a); // woken early
    expect(idle(f)).toBe(true);
    f.ev.bits.clearPending(a);
    f.d.cpu.mem[f.d.vcpuInfoMaddr] = 0;
    expect(poll(f, [a])).toBe(0);
    expect(idle(f)).toBe(true);
    expect(f.tk.now()).toBe(t1);
  });
  it('with nothing armed and no port to wait for, the run ends in deadlock', () => {
    const f = evFixture();
    expect(poll(f, [])).toBe(0);
    expect(f.m.run({ maxInstructions: 1000, timeoutSeconds: 5, slice: 100 })).toBe('deadlock');
  });
});

describe('SCHEDOP_block', () => {
  it('enables delivery and returns at once when an event is pending', () => {
    const f = evFixture();
    const a = ipi(f);
    f.ev.setPending(a);
    expect(f.hc(29, [SCHEDOP_block, 0])).toBe(0);
    expect(f.d.cpu.mem[f.d.vcpuInfoMaddr + 1]).toBe(0);
    expect(blocked(f)).toBe(false);
    expect(f.d.cpu.irq).toBe(true);
  });
  it('sleeps until the single-shot timer, which wakes it through VIRQ_TIMER', () => {
    const f = evFixture();
    const timer = f.evtchn(1, [0, 0, 0]).out[2];
    const deadline = f.tk.now() + MILLISECS(25);
    f.tk.timers.setSingleshot(deadline);
    expect(f.hc(29, [SCHEDOP_block, 0])).toBe(0);
    expect(blocked(f)).toBe(true);
    expect(f.tk.runstate.state).toBe(RUNSTATE_blocked);
    expect(idle(f)).toBe(true);
    expect(f.tk.now()).toBe(deadline);
    expect(f.ev.bits.isPending(timer)).toBe(true);
    expect(f.d.cpu.irq).toBe(true);
    expect(f.tk.runstate.state).toBe(RUNSTATE_running);
  });
  it('the periodic timer does not run while blocked', () => {
    const f = evFixture();
    f.evtchn(1, [0, 0, 0]);
    expect(f.tk.timers.periodicPeriod).toBe(MILLISECS(10));
    expect(f.hc(29, [SCHEDOP_block, 0])).toBe(0);
    expect(idle(f)).toBe(false);
  });
});
