// The store ring as the guest drives it: requests written into the store page in guest memory,
// the store port notified, replies read back from the page; split messages, a full response
// ring, the outstanding-requests limit, and the broken-ring cases xenstored answers with the
// page's error field. Then the xenstore test kernel end to end, and a host-side write of
// control/shutdown reaching a guest that watches it.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Machine } from '../../runtime/machine.ts';
import { defaultPlugins } from '../../runtime/plugins.ts';
import { loadKernelImage } from '../../src/elf/image.ts';
import { bootImageFrom } from '../../runtime/boot-image.ts';
import { PAGE } from '../../runtime/domain.ts';
import { eventChannels } from '../../runtime/events/channels.ts';
import { xenstore } from '../../runtime/xenstore/index.ts';
import { runKernel } from '../support/pv.ts';
import {
  XENSTORE_DOMAIN_INTERFACE as XI, XENSTORE_RING_SIZE, XS_READ, XS_WRITE, XS_WATCH, XS_ERROR, XS_WATCH_EVENT,
  XENSTORE_ERROR_RINGIDX, XENSTORE_ERROR_PROTO, XENSTORE_ERROR_NONE, XENSTORE_CONNECTED,
} from '../../runtime/abi/xs_wire.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'guests', 'pv');

/** A booted (not running) domain, and the guest's side of its store ring. */
function boot() {
  const bytes = new Uint8Array(readFileSync(join(dir, 'hello.elf')));
  const img = loadKernelImage(bytes);
  const m = new Machine({ memoryMiB: 16, pae: true, p2m: 'shuffle', seed: 1, jit: {}, plugins: defaultPlugins({ clock: 'virtual' }) });
  const sod = m.boot(bootImageFrom(img, img.loadBytes ?? bytes, ''));
  const d = m.domain, v = d.cpu.view, base = sod.storeMfn * PAGE;
  const ev = eventChannels(d)!;
  const u32 = (o: number): number => v.getUint32(base + o, true);
  const set = (o: number, x: number): void => v.setUint32(base + o, x >>> 0, true);
  const notify = (): void => { ev.bits.clearPending(m.storeEvtchn); ev.dom0.deliver(ev.remotePort[m.storeEvtchn]); };
  /** Put bytes into req (without notifying). */
  const put = (b: Uint8Array): void => {
    let prod = u32(XI.req_prod);
    for (const x of b) { d.cpu.mem[base + XI.req + (prod & (XENSTORE_RING_SIZE - 1))] = x; prod = (prod + 1) >>> 0; }
    set(XI.req_prod, prod);
  };
  /** Take everything in rsp. */
  const take = (): Uint8Array => {
    let cons = u32(XI.rsp_cons);
    const prod = u32(XI.rsp_prod), out: number[] = [];
    while (cons !== prod) { out.push(d.cpu.mem[base + XI.rsp + (cons & (XENSTORE_RING_SIZE - 1))]); cons = (cons + 1) >>> 0; }
    set(XI.rsp_cons, cons);
    return Uint8Array.from(out);
  };
  return { m, d, ev, u32, set, notify, put, take, xs: xenstore(d)! };
}
function msg(type: number, payload: string, reqId = 1, txId = 0, len?: number): Uint8Array {
  const p = Buffer.from(payload, 'latin1');
  const b = new Uint8Array(16 + p.length), v = new DataView(b.buffer);
  v.setUint32(0, type, true); v.setUint32(4, reqId, true); v.setUint32(8, txId, true); v.setUint32(12, len ?? p.length, true);
  b.set(p, 16);
  return b;
}
/** Split a response stream into its complete messages. */
function parse(b: Uint8Array): { type: number; reqId: number; payload: string }[] {
  const out = [], v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let o = 0; o + 16 <= b.length;) {
    const len = v.getUint32(o + 12, true);
    if (o + 16 + len > b.length) break;
    out.push({ type: v.getUint32(o, true), reqId: v.getUint32(o + 4, true), payload: Buffer.from(b.subarray(o + 16, o + 16 + len)).toString('latin1') });
    o += 16 + len;
  }
  return out;
}

describe('store ring', () => {
  it('is connected at boot and answers a request with a notification', () => {
    const g = boot();
    expect(g.u32(XI.connection)).toBe(XENSTORE_CONNECTED);
    expect(g.u32(XI.error)).toBe(XENSTORE_ERROR_NONE);
    g.put(msg(XS_READ, 'domid\0', 42));
    g.notify();
    expect(g.ev.bits.isPending(g.m.storeEvtchn)).toBe(true);
    expect(parse(g.take())).toEqual([{ type: XS_READ, reqId: 42, payload: '1' }]);
    expect(g.u32(XI.req_cons)).toBe(g.u32(XI.req_prod));
  });

  it('reassembles a request split over notifications, and several requests in one', () => {
    const g = boot();
    const m = msg(XS_WRITE, 'data/x\0value', 5);
    g.put(m.subarray(0, 7)); g.notify();
    expect(g.take().length).toBe(0);
    g.put(m.subarray(7, 20)); g.notify();
    expect(g.take().length).toBe(0);
    g.put(m.subarray(20)); g.put(msg(XS_READ, 'data/x\0', 6)); g.notify();
    expect(parse(g.take())).toEqual([{ type: XS_WRITE, reqId: 5, payload: 'OK\0' }, { type: XS_READ, reqId: 6, payload: 'value' }]);
  });

  it('wraps the indices and splits a long reply over a full response ring', () => {
    const g = boot();
    for (const o of [XI.req_cons, XI.req_prod, XI.rsp_cons, XI.rsp_prod]) g.set(o, 0xfffffff0);
    g.xs.write('/local/domain/1/data/long', 'L'.repeat(3000));
    g.put(msg(XS_READ, 'data/long\0', 9)); g.notify();
    const parts = [g.take()];
    expect(parts[0].length).toBe(XENSTORE_RING_SIZE);
    while (parts[parts.length - 1].length) { g.notify(); parts.push(g.take()); }
    const all = Buffer.concat(parts);
    expect(parse(all)).toEqual([{ type: XS_READ, reqId: 9, payload: 'L'.repeat(3000) }]);
  });

  it('stops reading at 20 replies the guest has not taken, and resumes when it takes them', () => {
    const g = boot();
    // 40 requests of 23 bytes fit the request ring; their 116-byte replies do not fit the
    // response ring, so 20 of them wait in xenstored's queue and it stops reading.
    g.xs.write('/local/domain/1/data/v', 'v'.repeat(100));
    for (let k = 0; k < 40; k++) g.put(msg(XS_READ, 'data/v\0', k));
    g.notify();
    let stream = g.take();
    expect(stream.length).toBe(XENSTORE_RING_SIZE);
    expect(parse(stream).length).toBe(Math.floor(XENSTORE_RING_SIZE / 116));
    expect(g.xs.guest.outstanding()).toBe(20);
    expect(g.u32(XI.req_cons)).not.toBe(g.u32(XI.req_prod));
    for (let i = 0; i < 20 && parse(stream).length < 40; i++) { g.notify(); stream = Buffer.concat([stream, g.take()]); }
    expect(g.u32(XI.req_cons)).toBe(g.u32(XI.req_prod));
    expect(parse(stream).map((r) => r.reqId)).toEqual([...Array(40).keys()]);
    expect(parse(stream).every((r) => r.payload === 'v'.repeat(100))).toBe(true);
  });

  it('a producer more than a ring ahead: XENSTORE_ERROR_RINGIDX, and the ring is ignored', () => {
    const g = boot();
    g.set(XI.req_prod, g.u32(XI.req_cons) + XENSTORE_RING_SIZE + 1);
    g.notify();
    expect(g.u32(XI.error)).toBe(XENSTORE_ERROR_RINGIDX);
    g.set(XI.req_prod, g.u32(XI.req_cons));
    g.put(msg(XS_READ, 'domid\0')); g.notify();
    expect(g.take().length).toBe(0);
    expect(g.xs.read('/local/domain/1/domid')).toBe('1');
  });

  it('a response consumer beyond the producer: XENSTORE_ERROR_RINGIDX', () => {
    const g = boot();
    g.set(XI.rsp_cons, g.u32(XI.rsp_prod) + 5);
    g.put(msg(XS_READ, 'domid\0')); g.notify();
    expect(g.u32(XI.error)).toBe(XENSTORE_ERROR_RINGIDX);
  });

  it('len > XENSTORE_PAYLOAD_MAX: XENSTORE_ERROR_PROTO, no reply', () => {
    const g = boot();
    g.put(msg(XS_READ, '', 1, 0, 4097)); g.notify();
    expect(g.u32(XI.error)).toBe(XENSTORE_ERROR_PROTO);
    expect(g.take().length).toBe(0);
  });

  it('random garbage never throws and leaves the store usable from dom0', () => {
    const g = boot();
    let seed = 12345;
    const rnd = (): number => { seed = (seed * 1103515245 + 12345) >>> 0; return seed; };
    for (let round = 0; round < 200; round++) {
      const type = rnd() % 26, len = rnd() % 64;
      const body = Buffer.from(Array.from({ length: len }, () => [0, 47, 97, 64, 0xff][rnd() % 5]));
      const m = msg(type, body.toString('latin1'), round, rnd() % 3);
      g.put(m); g.notify(); g.take();
    }
    expect(g.xs.store.internalErrors).toEqual([]);
    expect(g.xs.read('/local/domain/1/domid')).toBe('1');
  });

  it('a dom0 write fires the guest watch through the ring; the guest\'s writes reach dom0 watches', () => {
    const g = boot();
    const seen: string[] = [];
    g.xs.watch('/local/domain/1/data', (p) => seen.push(p));
    g.put(msg(XS_WATCH, 'control/shutdown\0sd\0', 3)); g.notify();
    expect(parse(g.take())).toEqual([{ type: XS_WATCH, reqId: 3, payload: 'OK\0' }, { type: XS_WATCH_EVENT, reqId: 0, payload: 'control/shutdown\0sd\0' }]);
    g.xs.write('/local/domain/1/control/shutdown', 'poweroff');
    expect(parse(g.take())).toEqual([{ type: XS_WATCH_EVENT, reqId: 0, payload: 'control/shutdown\0sd\0' }]);
    g.put(msg(XS_WRITE, 'data/x\0y', 4)); g.notify();
    expect(seen).toEqual(['/local/domain/1/data/x']);
    g.put(msg(XS_READ, '/local/domain/0/name\0', 5)); g.notify();
    expect(parse(g.take()).at(-1)).toEqual({ type: XS_ERROR, reqId: 5, payload: 'EACCES\0' });
  });
});

describe('xenstore test kernel', () => {
  it('passes every check through its ring and ends with the ring error flag', () => {
    const r = runKernel(join(dir, 'xenstore.elf'));
    expect(r.output).toContain('XENJIT-TEST xenstore: PASS');
    expect(r.output).not.toContain('FAIL');
    expect(r.end).toBe('poweroff');
    const xs = xenstore(r.machine.domain)!;
    expect(xs.store.internalErrors).toEqual([]);
    expect(xs.read('/local/domain/1/data/test')).toBe('hello');
    expect(xs.read('/local/domain/1/data/tx')).toBe('in-tx');
    expect(xs.read('/local/domain/1/data/c')).toBe('outside');
    const page = r.machine.startOfDay.storeMfn * PAGE;
    expect(r.machine.domain.cpu.view.getUint32(page + XI.error, true)).toBe(XENSTORE_ERROR_PROTO);
  });

  it('powers off when the host writes control/shutdown = poweroff', () => {
    const plugins = defaultPlugins({ clock: 'virtual' });
    let asked = 0;
    // The host answers the guest's data/ready by asking for a poweroff (a back end's watch
    // callback, run inside the guest's hypercall).
    const hostSide = {
      name: 'host-shutdown',
      install(m: Machine): void {
        m.bootHooks.push(() => {
          const xs = xenstore(m.domain)!;
          xs.watch('/local/domain/1/data/ready', () => { asked++; xs.write('/local/domain/1/control/shutdown', 'poweroff'); });
        });
      },
    };
    const r = runKernel(join(dir, 'xenstore.elf'), { plugins: [...plugins, hostSide], cmdline: 'wait-shutdown' });
    expect(asked).toBe(1);
    expect(r.output).toContain('xenstore: control/shutdown = poweroff');
    expect(r.output).toContain('XENJIT-TEST xenstore: PASS');
    expect(r.end).toBe('poweroff');
  });
});
