// Serving a blkif ring (runtime/blkif/block-io.ts) over real guest memory and grants: a
// front end written here from io/ring.h and io/blkif.h (SHARED_RING_INIT, requests in slots,
// req_prod), a temporary disk image, and the responses, notifications and file contents.
import { describe, it, expect, beforeEach, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, type Fixture } from './mmu-fixture.ts';
import { mmuPlugin } from '../../runtime/mmu/index.ts';
import { grantPlugin } from '../../runtime/grant/grant-table.ts';
import { GrantAccess } from '../../runtime/grant/access.ts';
import { GrantedArea } from '../../runtime/blkif/granted-area.ts';
import { BlockIo } from '../../runtime/blkif/block-io.ts';
import { DiskImage } from '../../runtime/blkif/disk.ts';
import { PROTOCOL_X86_32 } from '../../runtime/blkif/protocol.ts';
import { PAGE } from '../../runtime/domain.ts';

const READ = 0, WRITE = 1, BARRIER = 2, FLUSH = 3, DISCARD = 5, INDIRECT = 6;
const OKAY = 0, ERROR = -1, EOPNOTSUPP = -2;
const PERMIT = 1, RO = 4;
const SECTORS = 2048; // 1 MiB image

const dir = mkdtempSync(join(tmpdir(), 'xenjit-blkio-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let f: Fixture, ga: GrantAccess, io: BlockIo, disk: DiskImage, path: string, notified: number;
let ringMfn: number;
let reqProd = 0;
const dataRef = (k: number): number => 9 + k; // refs 9.. -> scratch pages 2..

function grant(ref: number, flags: number, mfn: number, domid = 0): void {
  const v = f.d.cpu.view, ea = f.d.xen.grant * PAGE + ref * 8;
  v.setUint16(ea, flags, true); v.setUint16(ea + 2, domid, true); v.setUint32(ea + 4, mfn, true);
}
const frame = (k: number): number => f.mfnOfVa(f.va(k));
const sring = (off: number): number => f.d.cpu.view.getUint32(ringMfn * PAGE + off, true);
const setSring = (off: number, v: number): void => f.d.cpu.view.setUint32(ringMfn * PAGE + off, v >>> 0, true);

/** Queue a request in the next slot (x86_32 layout written out by hand). */
function put(op: number, id: number, sector: number, segs: [number, number, number][], nseg = segs.length): void {
  const a = ringMfn * PAGE + 64 + (reqProd & 31) * 108, v = f.d.cpu.view;
  f.d.cpu.mem.fill(0, a, a + 108);
  v.setUint8(a, op); v.setUint8(a + 1, nseg); v.setUint32(a + 4, id, true); v.setUint32(a + 12, sector, true);
  segs.forEach(([g, fs, ls], k) => { v.setUint32(a + 20 + k * 8, g, true); v.setUint8(a + 24 + k * 8, fs); v.setUint8(a + 25 + k * 8, ls); });
  reqProd++;
}
function push(): void { setSring(0, reqProd); io.doBlockIoOp(); }
/** Response k: [id, op, status]. */
function rsp(k: number): [number, number, number] {
  const a = ringMfn * PAGE + 64 + (k & 31) * 108, v = f.d.cpu.view;
  return [v.getUint32(a, true), v.getUint8(a + 8), v.getInt16(a + 10, true)];
}

beforeEach(() => {
  f = fixture({ plugins: [mmuPlugin, grantPlugin] });
  f.m.grant!.nrFrames = 1;
  ga = new GrantAccess(f.d, f.m.grant!);
  ringMfn = frame(1);
  f.d.cpu.mem.fill(0, ringMfn * PAGE, ringMfn * PAGE + PAGE);
  setSring(4, 1); setSring(12, 1); // SHARED_RING_INIT: req_event = rsp_event = 1
  grant(8, PERMIT, ringMfn);
  for (let k = 0; k < 16; k++) { grant(dataRef(k), PERMIT, frame(2 + k)); f.d.cpu.mem.fill(0x10 + k, frame(2 + k) * PAGE, frame(2 + k) * PAGE + PAGE); }
  path = join(dir, `d${Math.random().toString(36).slice(2)}.img`);
  writeFileSync(path, new Uint8Array(SECTORS * 512));
  disk = DiskImage.open(path, false);
  const area = GrantedArea.map(ga, [8]);
  if (typeof area === 'number') throw new Error('ring map');
  notified = 0;
  reqProd = 0;
  io = new BlockIo(area, PROTOCOL_X86_32, disk, ga, () => { notified++; });
});

describe('blkif ring service', () => {
  it('writes segments to the file before answering OKAY, and reads them back into grants', () => {
    put(WRITE, 100, 10, [[dataRef(0), 0, 7], [dataRef(1), 4, 5]]);
    push();
    expect(rsp(0)).toEqual([100, WRITE, OKAY]);
    const file = readFileSync(path);
    expect(file.subarray(10 * 512, 18 * 512).every((x) => x === 0x10)).toBe(true);
    expect(file.subarray(18 * 512, 20 * 512).every((x) => x === 0x11)).toBe(true);
    expect(file[20 * 512]).toBe(0);
    expect(file[10 * 512 - 1]).toBe(0);
    put(READ, 101, 16, [[dataRef(5), 1, 4]]);
    push();
    expect(rsp(1)).toEqual([101, READ, OKAY]);
    const p = frame(7) * PAGE, mem = f.d.cpu.mem;
    expect(mem[p + 511]).toBe(0x15);
    expect(mem.subarray(p + 512, p + 1536).every((x) => x === 0x10)).toBe(true);
    expect(mem.subarray(p + 1536, p + 2560).every((x) => x === 0x11)).toBe(true);
    expect(mem[p + 2560]).toBe(0x15);
    expect(sring(8)).toBe(2); // rsp_prod
    expect(io.stats.sectorsWritten).toBe(10);
    expect(io.stats.sectorsRead).toBe(4);
    expect(ga.pinned).toBe(1); // only the ring stays mapped
  });
  it('notifies only when rsp_event asks, and re-arms req_event', () => {
    put(WRITE, 1, 0, [[dataRef(0), 0, 0]]);
    put(WRITE, 2, 1, [[dataRef(0), 0, 0]]);
    put(WRITE, 3, 2, [[dataRef(0), 0, 0]]);
    push();
    expect(notified).toBe(1); // rsp_event was 1: only the first response crosses it
    expect(sring(4)).toBe(4); // req_event = req_cons + 1
    setSring(12, 10);
    put(READ, 4, 0, [[dataRef(0), 0, 0]]);
    push();
    expect(notified).toBe(1);
    setSring(12, 5);
    put(READ, 5, 0, [[dataRef(0), 0, 0]]);
    push();
    expect(notified).toBe(2);
  });
  it('FLUSH and BARRIER answer after an fsync; a flush with no segments has no range', () => {
    put(WRITE, 1, 0, [[dataRef(0), 0, 7]]);
    put(FLUSH, 2, 0, [], 0);
    put(BARRIER, 3, 123456789, [], 0);
    push();
    expect([rsp(0), rsp(1), rsp(2)]).toEqual([[1, WRITE, OKAY], [2, FLUSH, OKAY], [3, BARRIER, OKAY]]);
    expect(disk.stats.flushes).toBe(2);
  });
  it('answers bad requests with an error and leaves the file alone', () => {
    const before = readFileSync(path);
    grant(30, PERMIT | RO, frame(2));
    grant(31, PERMIT, frame(3), 5);
    put(9, 1, 0, [[dataRef(0), 0, 7]]); // unknown op
    put(WRITE, 2, 0, [], 0);
    put(WRITE, 3, 0, [[dataRef(0), 0, 7]], 12);
    put(WRITE, 4, 0, [[dataRef(0), 5, 4]]);
    put(WRITE, 5, 0, [[dataRef(0), 0, 8]]);
    put(WRITE, 6, SECTORS - 4, [[dataRef(0), 0, 7]]);
    put(WRITE, 7, 0, [[dataRef(0), 0, 7], [600, 0, 7]]); // ref beyond the table
    put(WRITE, 8, 0, [[31, 0, 7]]); // granted to domain 5
    put(READ, 9, 0, [[30, 0, 7]]); // READ into a read-only grant
    put(DISCARD, 10, 0, []);
    put(INDIRECT, 11, 0, [], 0);
    push();
    const got = Array.from({ length: 11 }, (_, k) => rsp(k));
    expect(got).toEqual([
      [1, 9, EOPNOTSUPP], [2, WRITE, ERROR], [3, WRITE, ERROR], [4, WRITE, ERROR], [5, WRITE, ERROR], [6, WRITE, ERROR],
      [7, WRITE, ERROR], [8, WRITE, ERROR], [9, READ, ERROR], [10, DISCARD, EOPNOTSUPP], [11, 0, ERROR],
    ]);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(f.d.cpu.mem[frame(2) * PAGE]).toBe(0x10);
    expect(ga.pinned).toBe(1);
    expect(io.stats.refused).toMatchObject({ 'unknown-op': 1, 'bad-segment-count': 3, 'bad-segment': 2, 'beyond-disk': 1, 'bad-gref': 3 });
  });
  it('serves indirect requests through read-only mapped descriptor pages', () => {
    const desc = frame(16) * PAGE, v = f.d.cpu.view;
    for (let k = 0; k < 12; k++) { v.setUint32(desc + k * 8, dataRef(k), true); v.setUint8(desc + k * 8 + 4, 0); v.setUint8(desc + k * 8 + 5, 7); }
    const putIndirect = (slot: number, id: number): void => {
      const a = ringMfn * PAGE + 64 + slot * 108;
      f.d.cpu.mem.fill(0, a, a + 108);
      v.setUint8(a, INDIRECT); v.setUint8(a + 1, WRITE); v.setUint16(a + 2, 12, true); v.setUint32(a + 4, id, true);
      v.setUint32(a + 12, 100, true); v.setUint32(a + 24, dataRef(14), true);
    };
    putIndirect(0, 77);
    reqProd = 1;
    push();
    expect(rsp(0)).toEqual([77, WRITE, OKAY]);
    const file = readFileSync(path);
    for (let k = 0; k < 12; k++) expect(file[(100 + 8 * k) * 512 + 3]).toBe(0x10 + k);
    // A garbage descriptor page: last_sect beyond the page.
    v.setUint8(desc + 5 * 8 + 5, 200);
    putIndirect(1, 78);
    reqProd = 2;
    push();
    expect(rsp(1)).toEqual([78, WRITE, ERROR]);
    expect(ga.pinned).toBe(1);
  });
  it('stops serving a front end whose req_prod runs more than a ring ahead', () => {
    put(WRITE, 1, 0, [[dataRef(0), 0, 0]]);
    push();
    expect(rsp(0)).toEqual([1, WRITE, OKAY]);
    setSring(0, 1 + 33);
    io.doBlockIoOp();
    expect(io.stats.broken).toBe(true);
    expect(sring(8)).toBe(1);
    reqProd = 1;
    put(WRITE, 2, 0, [[dataRef(0), 0, 0]]);
    push();
    expect(sring(8)).toBe(1); // no longer served
  });
});
