// The vbd back end's xenbus handshake (runtime/blkif/backend.ts, index.ts) under the real
// xenstore, event channels and grant table: the toolstack's nodes, InitWait, connecting on the
// front end's Initialised, the connection details, a request round trip through the event
// channel, the fatal errors blkback reports, closing and reconnecting.
import { describe, it, expect, beforeEach, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Machine } from '../../runtime/machine.ts';
import { defaultPlugins } from '../../runtime/plugins.ts';
import { blkifPlugin, blkif, xvdDevid, xvdName } from '../../runtime/blkif/index.ts';
import { xenstore, type XenStore } from '../../runtime/xenstore/index.ts';
import { eventChannels, ECS_UNBOUND, type EventChannels } from '../../runtime/events/channels.ts';
import { grantAccess } from '../../runtime/grant/access.ts';
import { PAGE, type Domain } from '../../runtime/domain.ts';

const dir = mkdtempSync(join(tmpdir(), 'xenjit-vbd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BACK = '/local/domain/0/backend/vbd/1/51712', FRONT = '/local/domain/1/device/vbd/51712';
let m: Machine, d: Domain, xs: XenStore, ev: EventChannels, rwPath: string;

function boot(): void {
  rwPath = join(dir, `rw${Math.random().toString(36).slice(2)}.img`);
  const roPath = join(dir, `ro${Math.random().toString(36).slice(2)}.img`);
  writeFileSync(rwPath, new Uint8Array(1 << 20));
  writeFileSync(roPath, new Uint8Array(1 << 19).fill(0x33));
  m = new Machine({
    memoryMiB: 16, pae: true, p2m: 'shuffle', seed: 3, jit: { singleStep: true },
    plugins: [...defaultPlugins({ clock: 'virtual' }), blkifPlugin({ disks: [{ path: rwPath, readOnly: false }, { path: roPath, readOnly: true }] })],
  });
  const base = 0xc0000000, text = new Uint8Array(PAGE);
  text.set([0xeb, 0xfe]);
  m.boot({ entry: base, virtBase: base, segments: [{ vaddr: base, data: text, memsz: PAGE }], cmdline: '' });
  d = m.domain; xs = xenstore(d)!; ev = eventChannels(d)!;
  m.grant!.nrFrames = 1;
}

/** The guest's part, done from here: grant ring pages (refs 8..) and allocate the port. */
function frontend(pages = 1): { port: number; ring: number[] } {
  const ring: number[] = [];
  for (let k = 0; k < pages; k++) {
    const mfn = d.p2m[d.nrPages - 1 - k], ea = d.xen.grant * PAGE + (8 + k) * 8;
    d.cpu.mem.fill(0, mfn * PAGE, mfn * PAGE + PAGE);
    d.cpu.view.setUint16(ea, 1, true); d.cpu.view.setUint16(ea + 2, 0, true); d.cpu.view.setUint32(ea + 4, mfn, true);
    ring.push(mfn);
  }
  d.cpu.view.setUint32(ring[0] * PAGE + 4, 1, true); d.cpu.view.setUint32(ring[0] * PAGE + 12, 1, true);
  const port = ev.allocUnbound(0x7ff0, 0);
  return { port, ring };
}

beforeEach(boot);

describe('vbd back end handshake', () => {
  it('numbers disks as xvd devices', () => {
    expect([xvdDevid(0), xvdDevid(1), xvdDevid(15), xvdDevid(16)]).toEqual([51712, 51728, 51952, (1 << 28) | (16 << 8)]);
    expect([xvdName(0), xvdName(1), xvdName(25), xvdName(26)]).toEqual(['xvda', 'xvdb', 'xvdz', 'xvdaa']);
  });
  it('a missing image stops the plugin at install with the file and the reason', () => {
    const p = join(dir, 'missing.img');
    expect(() => new Machine({ memoryMiB: 16, pae: true, p2m: 'shuffle', seed: 1, jit: {}, plugins: [...defaultPlugins({ clock: 'virtual' }), blkifPlugin({ disks: [{ path: p, readOnly: false }] })] }))
      .toThrow(`cannot open disk image ${p}: ENOENT`);
  });
  it('writes the toolstack nodes as libxl does and waits in InitWait', () => {
    expect(xs.read(`${BACK}/state`)).toBe('2');
    expect(xs.read(`${BACK}/frontend`)).toBe(FRONT);
    expect(xs.read(`${BACK}/frontend-id`)).toBe('1');
    expect(xs.read(`${BACK}/params`)).toBe(rwPath);
    expect(xs.read(`${BACK}/mode`)).toBe('w');
    expect(xs.read(`${BACK}/online`)).toBe('1');
    expect(xs.read(`${BACK}/feature-max-indirect-segments`)).toBe('256');
    expect(xs.read(`${BACK}/feature-flush-cache`)).toBe('1');
    expect(xs.read(`${BACK}/feature-barrier`)).toBe('1');
    expect(xs.read(`${FRONT}/backend`)).toBe(BACK);
    expect(xs.read(`${FRONT}/backend-id`)).toBe('0');
    expect(xs.read(`${FRONT}/virtual-device`)).toBe('51712');
    expect(xs.read(`${FRONT}/device-type`)).toBe('disk');
    expect(xs.read(`${FRONT}/state`)).toBe('1');
    expect(xs.getPerms(FRONT)).toEqual(['n1', 'r0']);
    expect(xs.getPerms(BACK)).toEqual(['n0', 'r1']);
    expect(xs.read('/local/domain/0/backend/vbd/1/51728/mode')).toBe('r');
    expect(xs.read('/local/domain/1/device/vbd/51728/virtual-device')).toBe('51728');
  });
  it('connects when the front end is Initialised and serves requests through the event channel', () => {
    const { port, ring } = frontend();
    xs.write(`${FRONT}/ring-ref`, '8');
    xs.write(`${FRONT}/event-channel`, String(port));
    xs.write(`${FRONT}/protocol`, 'x86_32-abi');
    expect(xs.read(`${BACK}/state`)).toBe('2');
    xs.write(`${FRONT}/state`, '3');
    expect(xs.read(`${BACK}/state`)).toBe('4');
    expect(xs.read(`${BACK}/sectors`)).toBe('2048');
    expect(xs.read(`${BACK}/info`)).toBe('0');
    expect(xs.read(`${BACK}/sector-size`)).toBe('512');
    expect(xs.read(`${BACK}/physical-sector-size`)).toBe('512');
    // A WRITE of one sector from a granted page, then the notification.
    const data = d.p2m[d.nrPages - 10], ea = d.xen.grant * PAGE + 20 * 8;
    d.cpu.mem.fill(0x77, data * PAGE, data * PAGE + PAGE);
    d.cpu.view.setUint16(ea, 1, true); d.cpu.view.setUint16(ea + 2, 0, true); d.cpu.view.setUint32(ea + 4, data, true);
    const a = ring[0] * PAGE + 64, v = d.cpu.view;
    v.setUint8(a, 1); v.setUint8(a + 1, 1); v.setUint32(a + 4, 0xabc, true); v.setUint32(a + 12, 5, true);
    v.setUint32(a + 20, 20, true); v.setUint8(a + 24, 0); v.setUint8(a + 25, 0);
    v.setUint32(ring[0] * PAGE, 1, true);
    expect(ev.send(port)).toBe(0);
    expect(v.getUint32(ring[0] * PAGE + 8, true)).toBe(1);
    expect(v.getUint32(a, true)).toBe(0xabc);
    expect(v.getInt16(a + 10, true)).toBe(0);
    expect(readFileSync(rwPath)[5 * 512]).toBe(0x77);
    const si = d.xen.sharedInfo * PAGE;
    expect((v.getUint32(si + 2048 + Math.floor(port / 32) * 4, true) >>> (port % 32)) & 1).toBe(1); // evtchn_pending
  });
  it('reports a read-only disk in "info" and serves a multi-page ring', () => {
    const F2 = '/local/domain/1/device/vbd/51728', B2 = '/local/domain/0/backend/vbd/1/51728';
    const { port } = frontend(2);
    xs.write(`${F2}/ring-page-order`, '1');
    xs.write(`${F2}/ring-ref0`, '8');
    xs.write(`${F2}/ring-ref1`, '9');
    xs.write(`${F2}/event-channel`, String(port));
    xs.write(`${F2}/state`, '3');
    expect(xs.read(`${B2}/state`)).toBe('4');
    expect(xs.read(`${B2}/info`)).toBe('4');
    expect(xs.read(`${B2}/sectors`)).toBe('1024');
    expect(blkif(d)!.devices[1].io!.ring.size).toBe(64);
  });
  it('fatal errors: unknown protocol, too many queues, ring order, missing or ungranted ring-ref, bad port', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ protocol: 'arm-abi' }, /unknown fe protocol arm-abi/],
      [{ protocol: 'y'.repeat(3000) }, /unknown fe protocol y{63}$/],
      [{ 'multi-queue-num-queues': '2' }, /requested 2 queues/],
      [{ 'ring-page-order': '5' }, /ring page order 5/],
      [{ 'ring-ref': '' }, /reading .*ring-ref/],
      [{ 'ring-ref': '300' }, /mapping ring-ref/],
      [{ 'event-channel': '40' }, /mapping ring-ref port 40/],
    ];
    for (const [nodes, msg] of cases) {
      boot();
      const { port } = frontend();
      xs.write(`${FRONT}/ring-ref`, '8');
      xs.write(`${FRONT}/event-channel`, String(port));
      for (const [k, val] of Object.entries(nodes)) xs.write(`${FRONT}/${k}`, val);
      xs.write(`${FRONT}/state`, '3');
      expect(xs.read(`${BACK}/state`)).toBe('5');
      expect(xs.read('/local/domain/0/error/backend/vbd/1/51712/error')).toMatch(msg);
      expect(grantAccess(d, m.grant).pinned).toBe(0);
    }
  });
  it('closes with the front end, releases the ring and the port, and reconnects', () => {
    const { port } = frontend();
    xs.write(`${FRONT}/ring-ref`, '8');
    xs.write(`${FRONT}/event-channel`, String(port));
    xs.write(`${FRONT}/state`, '3');
    expect(xs.read(`${BACK}/state`)).toBe('4');
    xs.write(`${FRONT}/state`, '4');
    expect(xs.read(`${BACK}/state`)).toBe('4');
    xs.write(`${FRONT}/state`, '5');
    expect(xs.read(`${BACK}/state`)).toBe('5');
    xs.write(`${FRONT}/state`, '6');
    expect(xs.read(`${BACK}/state`)).toBe('6');
    expect(grantAccess(d, m.grant).pinned).toBe(0);
    expect(ev.state[port]).toBe(ECS_UNBOUND);
    xs.write(`${FRONT}/state`, '1');
    expect(xs.read(`${BACK}/state`)).toBe('2');
    xs.write(`${FRONT}/state`, '3');
    expect(xs.read(`${BACK}/state`)).toBe('4');
  });
});
