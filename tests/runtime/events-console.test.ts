// The PV console ring back end (xenconsoled's side of public/io/console.h): output drained on
// notification with free-running indices, a corrupt producer ignored, queued input copied in
// while there is room and refilled when the guest notifies.
import { describe, it, expect } from 'vitest';
import { evFixture, type EvFixture } from './events-fixture.ts';
import { EVTCHNOP_send as SEND, XENCONS_in_cons, XENCONS_in_prod, XENCONS_out_cons, XENCONS_out_prod } from '../../runtime/events/abi.ts';

function setup(): { f: EvFixture; out: string[]; u32: (o: number) => number; set: (o: number, v: number) => void; write: (s: string) => void } {
  const f = evFixture();
  const out: string[] = [];
  f.d.consoleOut = (t) => { out.push(t); };
  const base = f.ring.base, v = f.d.cpu.view;
  const u32 = (o: number): number => v.getUint32(base + o, true);
  const set = (o: number, x: number): void => v.setUint32(base + o, x >>> 0, true);
  /** The guest side of writing: bytes at out_prod, then out_prod advanced. */
  const write = (s: string): void => {
    let prod = u32(XENCONS_out_prod);
    for (const ch of s) { f.d.cpu.mem[base + 1024 + (prod & 2047)] = ch.charCodeAt(0); prod = (prod + 1) >>> 0; }
    set(XENCONS_out_prod, prod);
  };
  return { f, out, u32, set, write };
}

describe('console ring', () => {
  it('is the start_info console page, bound to the console port', () => {
    const { f } = setup();
    expect(f.ring.base).toBe(f.sod.consoleMfn * 4096);
    expect(f.ring.port!.guestPort).toBe(f.m.consoleEvtchn);
  });
  it('drains output on notification, advances out_cons and notifies back', () => {
    const { f, out, u32, write } = setup();
    write('hello, ');
    write('world\n');
    expect(out).toEqual([]);
    expect(f.evtchn(SEND, [2]).rc).toBe(0);
    expect(out.join('')).toBe('hello, world\n');
    expect(u32(XENCONS_out_cons)).toBe(13);
    expect(f.ev.bits.isPending(2)).toBe(true);
  });
  it('follows free-running indices across the wrap of the ring and of 2^32', () => {
    const { f, out, u32, set, write } = setup();
    set(XENCONS_out_cons, 0xfffffffe);
    set(XENCONS_out_prod, 0xfffffffe);
    write('wrap!');
    f.evtchn(SEND, [2]);
    expect(out.join('')).toBe('wrap!');
    expect(u32(XENCONS_out_cons)).toBe(3);
    const long = 'x'.repeat(2048);
    write(long);
    f.evtchn(SEND, [2]);
    expect(out.join('').length).toBe(5 + 2048);
  });
  it('ignores a producer more than a ring ahead (and an empty ring) without notifying', () => {
    const { f, out, u32, set } = setup();
    set(XENCONS_out_prod, 2049);
    f.evtchn(SEND, [2]);
    expect(out).toEqual([]);
    expect(u32(XENCONS_out_cons)).toBe(0);
    expect(f.ev.bits.isPending(2)).toBe(false);
  });
  it('copies queued input while there is room and refills when the guest notifies', () => {
    const { f, u32, set } = setup();
    f.ring.queueInput('ls\n');
    expect(u32(XENCONS_in_prod)).toBe(3);
    expect(String.fromCharCode(...f.d.cpu.mem.slice(f.ring.base, f.ring.base + 3))).toBe('ls\n');
    expect(f.ev.bits.isPending(2)).toBe(true);
    f.ring.queueInput('y'.repeat(1100));
    expect(u32(XENCONS_in_prod)).toBe(1024);
    expect(f.ring.queued).toBe(79);
    // The guest consumes 100 bytes and notifies: 79 more come in.
    set(XENCONS_in_cons, 100);
    f.ev.bits.clearPending(2);
    f.evtchn(SEND, [2]);
    expect(u32(XENCONS_in_prod)).toBe(1024 + 79);
    expect(f.ring.queued).toBe(0);
    expect(f.ev.bits.isPending(2)).toBe(true);
  });
});
