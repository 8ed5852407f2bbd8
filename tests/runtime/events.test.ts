// Event channels (2-level ABI) against Xen's event_channel.c: every EVTCHNOP and its errors,
// the pending/mask/selector bits, the upcall line, the old hypercall, the start-of-day store and
// console channels to dom0.
import { describe, it, expect } from 'vitest';
import { evFixture, pair, type EvFixture } from './events-fixture.ts';
import {
  EVTCHNOP_bind_interdomain as BIND_INTERDOMAIN, EVTCHNOP_bind_virq as BIND_VIRQ, EVTCHNOP_bind_pirq as BIND_PIRQ,
  EVTCHNOP_close as CLOSE, EVTCHNOP_send as SEND, EVTCHNOP_status as STATUS, EVTCHNOP_alloc_unbound as ALLOC_UNBOUND,
  EVTCHNOP_bind_ipi as BIND_IPI, EVTCHNOP_bind_vcpu as BIND_VCPU, EVTCHNOP_unmask as UNMASK, EVTCHNOP_reset as RESET,
  EVTCHNOP_reset_cont as RESET_CONT, EVTCHNOP_init_control as INIT_CONTROL, EVTCHNOP_expand_array as EXPAND_ARRAY,
  EVTCHNOP_set_priority as SET_PRIORITY,
  EVTCHNSTAT_closed, EVTCHNSTAT_unbound, EVTCHNSTAT_interdomain, EVTCHNSTAT_virq, EVTCHNSTAT_ipi,
  DOMID_SELF, DOMAIN_ID, VIRQ_TIMER, VIRQ_CONSOLE, VIRQ_DEBUG, NR_VIRQS, SHINFO_evtchn_pending, SHINFO_evtchn_mask,
  VCPU_INFO_pending_sel, EPERM, ENOENT, ESRCH, EFAULT, EBUSY, EEXIST, EINVAL, ENOSPC, ENOSYS, EOPNOTSUPP,
} from '../../runtime/events/abi.ts';
import type { TrapApi } from '../../runtime/domain.ts';

const BAD = 0x1000; // unmapped guest address

function allocUnbound(f: EvFixture, remote = DOMID_SELF): number {
  const r = f.evtchn(ALLOC_UNBOUND, [pair(DOMID_SELF, remote), 0]);
  expect(r.rc).toBe(0);
  return r.out[1];
}
function status(f: EvFixture, port: number, dom = DOMID_SELF): { rc: number; status: number; vcpu: number; u0: number; u1: number } {
  const r = f.evtchn(STATUS, [dom, port, 0xdead, 0xdead, 0xaaaaaaaa, 0xbbbbbbbb]);
  return { rc: r.rc, status: r.out[2], vcpu: r.out[3], u0: r.out[4], u1: r.out[5] };
}
const pending = (f: EvFixture, port: number): boolean => f.ev.bits.isPending(port);
const masked = (f: EvFixture, port: number): boolean => f.ev.bits.isMasked(port);
const sel = (f: EvFixture): number => f.vi(VCPU_INFO_pending_sel);
const upcallPending = (f: EvFixture): number => f.d.cpu.mem[f.d.vcpuInfoMaddr];
const upcallMask = (f: EvFixture): number => f.d.cpu.mem[f.d.vcpuInfoMaddr + 1];

describe('start of day', () => {
  it('masks every legacy vcpu_info upcall and leaves the port bitmaps clear', () => {
    const f = evFixture();
    for (let k = 0; k < 32; k++) expect(f.d.cpu.mem[f.si + k * 64 + 1]).toBe(1);
    for (let k = 0; k < 128; k++) { expect(f.d.cpu.mem[f.si + SHINFO_evtchn_pending + k]).toBe(0); expect(f.d.cpu.mem[f.si + SHINFO_evtchn_mask + k]).toBe(0); }
  });
  it('has the store (1) and console (2) ports bound to dom0 back ends, port 0 reserved', () => {
    const f = evFixture();
    const store = status(f, f.m.storeEvtchn), cons = status(f, f.m.consoleEvtchn);
    expect(store.rc).toBe(0); expect(store.status).toBe(EVTCHNSTAT_interdomain);
    expect(store.u0 & 0xffff).toBe(0);
    expect(cons.status).toBe(EVTCHNSTAT_interdomain);
    expect(cons.u0 & 0xffff).toBe(0);
    expect(f.ev.dom0.get(store.u1)!.guestPort).toBe(1);
    expect(f.ev.dom0.get(cons.u1)!.guestPort).toBe(2);
    const zero = status(f, 0);
    expect(zero.rc).toBe(0); expect(zero.status).toBe(EVTCHNSTAT_closed);
    // Untouched parts of the structure come back as the guest wrote them.
    expect(zero.u0).toBe(0xaaaaaaaa);
    expect(status(f, 3).status).toBe(EVTCHNSTAT_closed);
    // Beyond the first bucket of 64 ports: not valid.
    expect(status(f, 64).rc).toBe(EINVAL);
  });
});

describe('EVTCHNOP_alloc_unbound', () => {
  it('allocates the lowest free port, for the caller only', () => {
    const f = evFixture();
    const r = f.evtchn(ALLOC_UNBOUND, [pair(DOMID_SELF, 0), 0xffffffff]);
    expect(r.rc).toBe(0);
    expect(r.out[1]).toBe(3);
    const s = status(f, 3);
    expect(s.status).toBe(EVTCHNSTAT_unbound);
    expect(s.u0 & 0xffff).toBe(0);
    // DOMID_SELF as the remote end is recorded as the domain's own number.
    expect(allocUnbound(f, DOMID_SELF)).toBe(4);
    expect(status(f, 4).u0 & 0xffff).toBe(DOMAIN_ID);
    // By number for itself: fine. Another existing domain: not allowed. Unknown: no such domain.
    expect(f.evtchn(ALLOC_UNBOUND, [pair(DOMAIN_ID, 0), 0]).rc).toBe(0);
    expect(f.evtchn(ALLOC_UNBOUND, [pair(0, 0), 0]).rc).toBe(EPERM);
    expect(f.evtchn(ALLOC_UNBOUND, [pair(7, 0), 0]).rc).toBe(ESRCH);
    expect(f.evtchn(ALLOC_UNBOUND, [pair(0x7ff2, 0), 0]).rc).toBe(ESRCH);
    expect(f.hc(32, [ALLOC_UNBOUND, BAD])).toBe(EFAULT);
  });
  it('extends the table bucket by bucket up to max_evtchn_port, then -ENOSPC', () => {
    const f = evFixture();
    let last = 0;
    for (let k = 3; k <= 1023; k++) last = allocUnbound(f);
    expect(last).toBe(1023);
    expect(f.ev.valid).toBe(1024);
    expect(f.evtchn(ALLOC_UNBOUND, [pair(DOMID_SELF, 0), 0]).rc).toBe(ENOSPC);
    expect(f.evtchn(BIND_IPI, [0, 0]).rc).toBe(ENOSPC);
    // A freed port is reused first.
    expect(f.evtchn(CLOSE, [500]).rc).toBe(0);
    expect(allocUnbound(f)).toBe(500);
  });
});

describe('EVTCHNOP_bind_interdomain', () => {
  it('connects loopback channels and sets the new local port pending', () => {
    const f = evFixture();
    const a = allocUnbound(f, DOMID_SELF);
    const r = f.evtchn(BIND_INTERDOMAIN, [DOMID_SELF, a, 0]);
    expect(r.rc).toBe(0);
    const b = r.out[2];
    expect(b).toBe(a + 1);
    expect(pending(f, b)).toBe(true);
    expect(pending(f, a)).toBe(false);
    const sa = status(f, a), sb = status(f, b);
    expect([sa.status, sa.u0 & 0xffff, sa.u1]).toEqual([EVTCHNSTAT_interdomain, DOMAIN_ID, b]);
    expect([sb.status, sb.u0 & 0xffff, sb.u1]).toEqual([EVTCHNSTAT_interdomain, DOMAIN_ID, a]);
    // A send on one end sets the other end pending.
    expect(f.evtchn(SEND, [a]).rc).toBe(0);
    expect(pending(f, b)).toBe(true);
    f.ev.bits.clearPending(b);
    expect(f.evtchn(SEND, [b]).rc).toBe(0);
    expect(pending(f, a)).toBe(true);
    // Closing one end leaves the other unbound, waiting for this domain again.
    expect(f.evtchn(CLOSE, [a]).rc).toBe(0);
    expect(pending(f, a)).toBe(false);
    const s = status(f, b);
    expect([s.status, s.u0 & 0xffff]).toEqual([EVTCHNSTAT_unbound, DOMAIN_ID]);
    // By domain number as well as DOMID_SELF.
    expect(f.evtchn(BIND_INTERDOMAIN, [DOMAIN_ID, b, 0]).rc).toBe(0);
  });
  it('refuses ports that are not unbound for this domain', () => {
    const f = evFixture();
    expect(f.evtchn(BIND_INTERDOMAIN, [9, 3, 0]).rc).toBe(ESRCH);
    const forDom0 = allocUnbound(f, 0);
    expect(f.evtchn(BIND_INTERDOMAIN, [DOMID_SELF, forDom0, 0]).rc).toBe(EINVAL);
    expect(f.evtchn(BIND_INTERDOMAIN, [DOMID_SELF, 40, 0]).rc).toBe(EINVAL); // free
    expect(f.evtchn(BIND_INTERDOMAIN, [DOMID_SELF, 4000, 0]).rc).toBe(EINVAL); // not valid
    const ipi = f.evtchn(BIND_IPI, [0, 0]).out[1];
    expect(f.evtchn(BIND_INTERDOMAIN, [DOMID_SELF, ipi, 0]).rc).toBe(EINVAL);
    // dom0's console port is bound to the guest's port 2 already.
    const dom0Console = status(f, 2).u1;
    expect(f.evtchn(BIND_INTERDOMAIN, [0, dom0Console, 0]).rc).toBe(EINVAL);
    expect(f.evtchn(BIND_INTERDOMAIN, [0, 77, 0]).rc).toBe(EINVAL);
    expect(f.hc(32, [BIND_INTERDOMAIN, BAD])).toBe(EFAULT);
  });
  it('rebinds to a dom0 back end port after closing it (console output keeps flowing)', () => {
    const f = evFixture();
    const dom0Port = status(f, 2).u1;
    expect(f.evtchn(CLOSE, [2]).rc).toBe(0);
    expect(f.ev.dom0.get(dom0Port)!.state).toBe('unbound');
    const r = f.evtchn(BIND_INTERDOMAIN, [0, dom0Port, 0]);
    expect(r.rc).toBe(0);
    expect(r.out[2]).toBe(2);
    expect(pending(f, 2)).toBe(true);
    f.ev.bits.clearPending(2);
    // Guest writes into the ring and notifies: the back end consumes and notifies back.
    let out = '';
    f.d.consoleOut = (t) => { out += t; };
    const base = f.ring.base, v = f.d.cpu.view;
    'hi\n'.split('').forEach((ch, k) => { f.d.cpu.mem[base + 1024 + k] = ch.charCodeAt(0); });
    v.setUint32(base + 3084, 3, true);
    expect(f.evtchn(SEND, [2]).rc).toBe(0);
    expect(out).toBe('hi\n');
    expect(v.getUint32(base + 3080, true)).toBe(3);
    expect(pending(f, 2)).toBe(true);
  });
});

describe('EVTCHNOP_bind_virq', () => {
  it('binds once per VIRQ, with Xen\'s errors', () => {
    const f = evFixture();
    const r = f.evtchn(BIND_VIRQ, [VIRQ_TIMER, 0, 0]);
    expect(r.rc).toBe(0);
    expect(r.out[2]).toBe(3);
    const s = status(f, 3);
    expect([s.status, s.vcpu, s.u0]).toEqual([EVTCHNSTAT_virq, 0, VIRQ_TIMER]);
    expect(f.evtchn(BIND_VIRQ, [VIRQ_TIMER, 0, 0]).rc).toBe(EEXIST);
    expect(f.evtchn(BIND_VIRQ, [NR_VIRQS, 0, 0]).rc).toBe(EINVAL);
    expect(f.evtchn(BIND_VIRQ, [0xffffffff, 0, 0]).rc).toBe(EINVAL);
    // A global VIRQ must go to vCPU 0; a per-vCPU one to a vCPU that exists.
    expect(f.evtchn(BIND_VIRQ, [VIRQ_CONSOLE, 1, 0]).rc).toBe(EINVAL);
    expect(f.evtchn(BIND_VIRQ, [VIRQ_DEBUG, 1, 0]).rc).toBe(ENOENT);
    expect(f.evtchn(BIND_VIRQ, [VIRQ_DEBUG, -1, 0]).rc).toBe(ENOENT);
    // A domU may bind a global VIRQ; it is simply never raised for it.
    expect(f.evtchn(BIND_VIRQ, [VIRQ_CONSOLE, 0, 0]).out[2]).toBe(4);
    // Closing frees the VIRQ for a new binding.
    expect(f.evtchn(CLOSE, [3]).rc).toBe(0);
    expect(f.evtchn(BIND_VIRQ, [VIRQ_TIMER, 0, 0]).out[2]).toBe(3);
    expect(f.hc(32, [BIND_VIRQ, BAD])).toBe(EFAULT);
  });
  it('raises a bound VIRQ through sendVirq', () => {
    const f = evFixture();
    f.ev.sendVirq(VIRQ_TIMER); // not bound: nothing
    expect(f.d.cpu.mem[f.si + SHINFO_evtchn_pending]).toBe(0);
    const port = f.evtchn(BIND_VIRQ, [VIRQ_TIMER, 0, 0]).out[2];
    f.ev.sendVirq(VIRQ_TIMER);
    expect(pending(f, port)).toBe(true);
  });
});

describe('EVTCHNOP_bind_ipi, bind_pirq', () => {
  it('binds IPIs to vCPU 0 only; a domU has no PIRQ', () => {
    const f = evFixture();
    const r = f.evtchn(BIND_IPI, [0, 0]);
    expect(r.rc).toBe(0);
    expect(r.out[1]).toBe(3);
    expect(status(f, 3).status).toBe(EVTCHNSTAT_ipi);
    expect(f.evtchn(BIND_IPI, [1, 0]).rc).toBe(ENOENT);
    expect(f.evtchn(BIND_PIRQ, [5, 0, 0]).rc).toBe(EPERM);
    expect(f.evtchn(BIND_PIRQ, [55, 0, 0]).rc).toBe(EPERM);
    expect(f.evtchn(BIND_PIRQ, [56, 0, 0]).rc).toBe(EINVAL);
    expect(f.hc(32, [BIND_IPI, BAD])).toBe(EFAULT);
  });
});

describe('pending, mask and selector bits', () => {
  it('sets pending, the selector bit and upcall_pending for an unmasked port', () => {
    const f = evFixture();
    const ipi = f.evtchn(BIND_IPI, [0, 0]).out[1];
    expect(upcallPending(f)).toBe(0);
    expect(f.evtchn(SEND, [ipi]).rc).toBe(0);
    expect(pending(f, ipi)).toBe(true);
    expect(sel(f)).toBe(1);
    expect(upcallPending(f)).toBe(1);
  });
  it('leaves the selector and upcall alone for a masked port until it is unmasked', () => {
    const f = evFixture();
    for (let k = 3; k < 40; k++) f.evtchn(BIND_IPI, [0, 0]);
    const port = 35; // word 1
    f.ev.bits.setMask(port, true);
    f.evtchn(SEND, [port]);
    expect(pending(f, port)).toBe(true);
    expect(sel(f)).toBe(0);
    expect(upcallPending(f)).toBe(0);
    expect(f.evtchn(UNMASK, [port]).rc).toBe(0);
    expect(masked(f, port)).toBe(false);
    expect(sel(f)).toBe(2);
    expect(upcallPending(f)).toBe(1);
    // Unmasking an unmasked port changes nothing; a send to a pending port neither.
    f.d.cpu.mem[f.d.vcpuInfoMaddr] = 0;
    f.ev.bits.pendingSel = 0;
    expect(f.evtchn(UNMASK, [port]).rc).toBe(0);
    f.evtchn(SEND, [port]);
    expect(sel(f)).toBe(0);
    expect(upcallPending(f)).toBe(0);
  });
  it('unmask: -EINVAL beyond the table, and a free port keeps its mask bit', () => {
    const f = evFixture();
    expect(f.evtchn(UNMASK, [64]).rc).toBe(EINVAL);
    f.ev.bits.setMask(10, true);
    expect(f.evtchn(UNMASK, [10]).rc).toBe(0);
    expect(masked(f, 10)).toBe(true);
    expect(f.hc(32, [UNMASK, BAD])).toBe(EFAULT);
  });
  it('an already-set selector bit means no new upcall edge', () => {
    const f = evFixture();
    const a = f.evtchn(BIND_IPI, [0, 0]).out[1], b = f.evtchn(BIND_IPI, [0, 0]).out[1];
    f.evtchn(SEND, [a]);
    f.d.cpu.mem[f.d.vcpuInfoMaddr] = 0; // the guest cleared upcall_pending but not the selector
    f.evtchn(SEND, [b]);
    expect(upcallPending(f)).toBe(0);
  });
});

describe('upcall line', () => {
  function withTraps(): { f: EvFixture; upcalls: number[] } {
    const upcalls: number[] = [];
    const f = evFixture();
    const api: TrapApi = { deliverEventUpcall: () => { upcalls.push(f.d.cpu.icount); f.d.cpu.mem[f.d.vcpuInfoMaddr + 1] = 1; return true; } };
    f.d.ext.traps = api;
    return { f, upcalls };
  }
  it('is raised for a pending event only while the upcall is unmasked', () => {
    const { f, upcalls } = withTraps();
    const ipi = f.evtchn(BIND_IPI, [0, 0]).out[1];
    const c = f.d.cpu;
    c.irq = false;
    f.evtchn(SEND, [ipi]); // masked at start of day
    expect(upcallPending(f)).toBe(1);
    expect(c.irq).toBe(false);
    // The guest unmasks in memory and makes any hypercall (xen_force_evtchn_callback).
    f.d.cpu.mem[f.d.vcpuInfoMaddr + 1] = 0;
    f.hc(17, [0, 0]);
    expect(c.irq).toBe(true);
    c.hooks.interruptWindow!(c);
    expect(c.irq).toBe(false);
    expect(upcalls.length).toBe(1);
    expect(upcallMask(f)).toBe(1);
  });
  it('a send with the upcall unmasked raises the line at once; the window ignores a stale line', () => {
    const { f, upcalls } = withTraps();
    const ipi = f.evtchn(BIND_IPI, [0, 0]).out[1];
    const c = f.d.cpu;
    f.ev.enableDelivery();
    c.irq = false;
    f.ev.setPending(ipi);
    expect(c.irq).toBe(true);
    f.d.cpu.mem[f.d.vcpuInfoMaddr] = 0; // the guest handled it before the window
    c.hooks.interruptWindow!(c);
    expect(upcalls.length).toBe(0);
  });
  it('is delivered by the core at the next block boundary while the guest runs', () => {
    const { f, upcalls } = withTraps();
    const ipi = f.evtchn(BIND_IPI, [0, 0]).out[1];
    f.ev.enableDelivery();
    f.ev.setPending(ipi);
    f.m.run({ maxInstructions: 10, timeoutSeconds: 5, slice: 10 });
    expect(upcalls).toEqual([0]);
  });
});

describe('EVTCHNOP_close, send, bind_vcpu, status', () => {
  it('close: -EINVAL for reserved, free and invalid ports; clears the pending bit', () => {
    const f = evFixture();
    expect(f.evtchn(CLOSE, [0]).rc).toBe(EINVAL);
    expect(f.evtchn(CLOSE, [5]).rc).toBe(EINVAL);
    expect(f.evtchn(CLOSE, [64]).rc).toBe(EINVAL);
    expect(f.evtchn(CLOSE, [-1]).rc).toBe(EINVAL);
    const ipi = f.evtchn(BIND_IPI, [0, 0]).out[1];
    f.evtchn(SEND, [ipi]);
    expect(f.evtchn(CLOSE, [ipi]).rc).toBe(0);
    expect(pending(f, ipi)).toBe(false);
    expect(status(f, ipi).status).toBe(EVTCHNSTAT_closed);
    expect(f.hc(32, [CLOSE, BAD])).toBe(EFAULT);
  });
  it('send: VIRQ, free and reserved ports are -EINVAL; an unbound port drops it silently', () => {
    const f = evFixture();
    const virq = f.evtchn(BIND_VIRQ, [VIRQ_TIMER, 0, 0]).out[2];
    expect(f.evtchn(SEND, [virq]).rc).toBe(EINVAL);
    expect(f.evtchn(SEND, [0]).rc).toBe(EINVAL);
    expect(f.evtchn(SEND, [20]).rc).toBe(EINVAL);
    expect(f.evtchn(SEND, [100]).rc).toBe(EINVAL);
    const u = allocUnbound(f);
    expect(f.evtchn(SEND, [u]).rc).toBe(0);
    expect(pending(f, u)).toBe(false);
    expect(f.hc(32, [SEND, BAD])).toBe(EFAULT);
  });
  it('send on the store port reaches the dom0 back end', () => {
    const f = evFixture();
    const p = f.ev.dom0.forGuestPort(1)!;
    let n = 0;
    p.onNotify = () => { n++; };
    expect(f.evtchn(SEND, [1]).rc).toBe(0);
    expect(n).toBe(1);
    expect(p.pending).toBe(true);
    // And the back end's send sets the guest port pending.
    p.send();
    expect(pending(f, 1)).toBe(true);
  });
  it('bind_vcpu: vCPU 0 only; per-vCPU VIRQs and IPIs do not move', () => {
    const f = evFixture();
    const timer = f.evtchn(BIND_VIRQ, [VIRQ_TIMER, 0, 0]).out[2];
    const cons = f.evtchn(BIND_VIRQ, [VIRQ_CONSOLE, 0, 0]).out[2];
    const ipi = f.evtchn(BIND_IPI, [0, 0]).out[1];
    const u = allocUnbound(f);
    expect(f.evtchn(BIND_VCPU, [u, 1]).rc).toBe(ENOENT);
    expect(f.evtchn(BIND_VCPU, [u, 0]).rc).toBe(0);
    expect(f.evtchn(BIND_VCPU, [1, 0]).rc).toBe(0); // interdomain
    expect(f.evtchn(BIND_VCPU, [cons, 0]).rc).toBe(0);
    expect(f.evtchn(BIND_VCPU, [timer, 0]).rc).toBe(EINVAL);
    expect(f.evtchn(BIND_VCPU, [ipi, 0]).rc).toBe(EINVAL);
    expect(f.evtchn(BIND_VCPU, [30, 0]).rc).toBe(EINVAL);
    expect(f.evtchn(BIND_VCPU, [64, 0]).rc).toBe(EINVAL);
    expect(f.hc(32, [BIND_VCPU, BAD])).toBe(EFAULT);
  });
  it('status: dom0 is not the caller\'s to inspect; unknown domains do not exist', () => {
    const f = evFixture();
    expect(status(f, 1, 0).rc).toBe(EPERM);
    expect(status(f, 100, 0).rc).toBe(EINVAL);
    expect(status(f, 1, 3).rc).toBe(ESRCH);
    expect(status(f, 1, DOMAIN_ID).rc).toBe(0);
    expect(f.hc(32, [STATUS, BAD])).toBe(EFAULT);
  });
});

describe('EVTCHNOP_reset and the FIFO operations', () => {
  it('reset closes every port; the dom0 ends become unbound', () => {
    const f = evFixture();
    f.evtchn(BIND_VIRQ, [VIRQ_TIMER, 0, 0]);
    f.evtchn(BIND_IPI, [0, 0]);
    f.evtchn(SEND, [4]);
    expect(f.evtchn(RESET, [0]).rc).toBe(EPERM);
    expect(f.evtchn(RESET, [5]).rc).toBe(ESRCH);
    expect(f.evtchn(RESET_CONT, [DOMID_SELF]).rc).toBe(EBUSY);
    expect(f.evtchn(RESET, [DOMID_SELF]).rc).toBe(0);
    for (let p = 0; p < 8; p++) expect(status(f, p).status).toBe(EVTCHNSTAT_closed);
    expect(pending(f, 4)).toBe(false);
    for (const p of f.ev.dom0.ports.values()) expect(p.state).toBe('unbound');
    // VIRQs can be bound again.
    expect(f.evtchn(BIND_VIRQ, [VIRQ_TIMER, 0, 0]).out[2]).toBe(1);
  });
  it('has no FIFO ABI, and the 2-level ABI no priorities', () => {
    const f = evFixture();
    expect(f.evtchn(INIT_CONTROL, [0, 0, 0, 0, 0, 0]).rc).toBe(ENOSYS);
    expect(f.hc(32, [INIT_CONTROL, BAD])).toBe(EFAULT);
    expect(f.evtchn(EXPAND_ARRAY, [0, 0]).rc).toBe(EOPNOTSUPP);
    expect(f.evtchn(SET_PRIORITY, [1, 0]).rc).toBe(ENOSYS);
    expect(f.evtchn(SET_PRIORITY, [64, 0]).rc).toBe(EINVAL);
    expect(f.evtchn(15, [0]).rc).toBe(ENOSYS);
    expect(f.evtchn(-1, [0]).rc).toBe(ENOSYS);
  });
});

describe('event_channel_op_compat (hypercall 16)', () => {
  it('passes the old commands on with the struct after the command word', () => {
    const f = evFixture();
    f.put(f.va(0), [ALLOC_UNBOUND, pair(DOMID_SELF, 0), 0, 0, 0, 0, 0]);
    expect(f.hc(16, [f.va(0)])).toBe(0);
    expect(f.get(f.va(0) + 8)).toBe(3);
    f.put(f.va(0), [BIND_IPI, 0, 0, 0, 0, 0, 0]);
    expect(f.hc(16, [f.va(0)])).toBe(0);
    expect(f.get(f.va(0) + 8)).toBe(4);
    f.put(f.va(0), [SEND, 4, 0, 0, 0, 0, 0]);
    expect(f.hc(16, [f.va(0)])).toBe(0);
    expect(pending(f, 4)).toBe(true);
    // Newer commands are not available through it.
    for (const cmd of [RESET, INIT_CONTROL, EXPAND_ARRAY, SET_PRIORITY, 99]) {
      f.put(f.va(0), [cmd, DOMID_SELF, 0, 0, 0, 0, 0]);
      expect(f.hc(16, [f.va(0)])).toBe(ENOSYS);
    }
    // The whole 28-byte struct is read first, even for a 4-byte command.
    const edge = f.sod.end - 20;
    f.put(edge, [SEND, 4]);
    expect(f.hc(16, [edge])).toBe(EFAULT);
    expect(f.hc(32, [SEND, edge + 4])).toBe(0);
    expect(f.hc(16, [BAD])).toBe(EFAULT);
  });
});
