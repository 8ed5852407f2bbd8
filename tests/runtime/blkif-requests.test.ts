// The blkif request parser and validator (runtime/blkif/requests.ts, protocol.ts) against the
// layouts of io/blkif.h and the answers Linux's xen-blkback gives.
import { describe, it, expect } from 'vitest';
import {
  parseRequest, checkHeader, checkSegments, checkRange, checkDiscard, makeResponse, MAX_INDIRECT_SEGMENTS,
} from '../../runtime/blkif/requests.ts';
import { PROTOCOL_X86_32, PROTOCOL_X86_64, protocolFor } from '../../runtime/blkif/protocol.ts';
import {
  BLKIF_OP_READ, BLKIF_OP_WRITE, BLKIF_OP_WRITE_BARRIER, BLKIF_OP_FLUSH_DISKCACHE, BLKIF_OP_DISCARD, BLKIF_OP_INDIRECT,
  BLKIF_RSP_ERROR, BLKIF_RSP_EOPNOTSUPP,
} from '../../runtime/abi/blkif.ts';

/** A 32-bit request as an i386 blkfront lays it out (offsets written out by hand from blkif.h
 *  with 4-byte aligned uint64_t). */
function req32(op: number, nseg: number, id: bigint, sector: bigint, segs: [number, number, number][]): Uint8Array {
  const b = new Uint8Array(108), v = new DataView(b.buffer);
  v.setUint8(0, op); v.setUint8(1, nseg); v.setUint16(2, 0x1234, true);
  v.setBigUint64(4, id, true); v.setBigUint64(12, sector, true);
  segs.forEach(([g, f, l], k) => { v.setUint32(20 + k * 8, g, true); v.setUint8(24 + k * 8, f); v.setUint8(25 + k * 8, l); });
  return b;
}
const disk = { sectors: 1000, readOnly: false };

describe('blkif requests', () => {
  it('parses a 32-bit read/write request', () => {
    const r = parseRequest(req32(BLKIF_OP_WRITE, 2, 0x1122334455667788n, 77n, [[9, 0, 7], [10, 2, 3]]), PROTOCOL_X86_32);
    expect(r.op).toBe(BLKIF_OP_WRITE);
    expect(r.nrSegments).toBe(2);
    expect(r.sector).toBe(77n);
    expect(r.segs).toEqual([{ gref: 9, firstSect: 0, lastSect: 7 }, { gref: 10, firstSect: 2, lastSect: 3 }]);
    expect(new DataView(r.id.buffer).getBigUint64(0, true)).toBe(0x1122334455667788n);
    expect(checkHeader(r)).toBeNull();
    expect(checkSegments(r.segs)).toBe(10);
  });
  it('parses 64-bit and indirect layouts', () => {
    const b = new Uint8Array(112), v = new DataView(b.buffer);
    v.setUint8(0, BLKIF_OP_READ); v.setUint8(1, 1); v.setBigUint64(8, 5n, true); v.setBigUint64(16, 6n, true);
    v.setUint32(24, 42, true); v.setUint8(28, 1); v.setUint8(29, 6);
    const r = parseRequest(b, PROTOCOL_X86_64);
    expect(r.sector).toBe(6n);
    expect(r.segs).toEqual([{ gref: 42, firstSect: 1, lastSect: 6 }]);
    const i = new Uint8Array(108), w = new DataView(i.buffer);
    w.setUint8(0, BLKIF_OP_INDIRECT); w.setUint8(1, BLKIF_OP_WRITE); w.setUint16(2, 600, true);
    w.setBigUint64(4, 3n, true); w.setBigUint64(12, 8n, true); w.setUint32(24, 100, true); w.setUint32(28, 101, true);
    const ri = parseRequest(i, PROTOCOL_X86_32);
    expect(ri.op).toBe(BLKIF_OP_WRITE);
    expect(ri.nrSegments).toBe(600);
    expect(ri.indirectGrefs).toEqual([100, 101]);
    expect(checkHeader(ri)).toEqual({ status: BLKIF_RSP_ERROR, reason: 'bad-segment-count' });
    w.setUint16(2, MAX_INDIRECT_SEGMENTS, true);
    expect(checkHeader(parseRequest(i, PROTOCOL_X86_32))).toBeNull();
    w.setUint8(1, BLKIF_OP_FLUSH_DISKCACHE);
    expect(checkHeader(parseRequest(i, PROTOCOL_X86_32))).toEqual({ status: BLKIF_RSP_ERROR, reason: 'bad-indirect-op' });
  });
  it('answers an unknown operation EOPNOTSUPP with its id', () => {
    for (const op of [4, 7, 200]) {
      const r = parseRequest(req32(op, 1, 99n, 0n, []), PROTOCOL_X86_32);
      expect(checkHeader(r)).toEqual({ status: BLKIF_RSP_EOPNOTSUPP, reason: 'unknown-op' });
      expect(new DataView(r.id.buffer).getBigUint64(0, true)).toBe(99n);
    }
  });
  it('refuses 0 segments (but for a flush or barrier) and more than 11', () => {
    expect(checkHeader(parseRequest(req32(BLKIF_OP_READ, 0, 1n, 0n, []), PROTOCOL_X86_32))?.reason).toBe('bad-segment-count');
    expect(checkHeader(parseRequest(req32(BLKIF_OP_WRITE, 12, 1n, 0n, []), PROTOCOL_X86_32))?.reason).toBe('bad-segment-count');
    expect(checkHeader(parseRequest(req32(BLKIF_OP_WRITE, 11, 1n, 0n, []), PROTOCOL_X86_32))).toBeNull();
    expect(checkHeader(parseRequest(req32(BLKIF_OP_FLUSH_DISKCACHE, 0, 1n, 0n, []), PROTOCOL_X86_32))).toBeNull();
    expect(checkHeader(parseRequest(req32(BLKIF_OP_WRITE_BARRIER, 0, 1n, 0n, []), PROTOCOL_X86_32))).toBeNull();
  });
  it('refuses segments outside their page', () => {
    expect(checkSegments([{ gref: 1, firstSect: 3, lastSect: 2 }])).toEqual({ status: BLKIF_RSP_ERROR, reason: 'bad-segment' });
    expect(checkSegments([{ gref: 1, firstSect: 0, lastSect: 8 }])).toEqual({ status: BLKIF_RSP_ERROR, reason: 'bad-segment' });
    expect(checkSegments([{ gref: 1, firstSect: 7, lastSect: 7 }, { gref: 1, firstSect: 0, lastSect: 7 }])).toBe(9);
  });
  it('refuses ranges beyond the disk, wrapping ranges, and writes to a read-only disk', () => {
    expect(checkRange(BLKIF_OP_READ, 992n, 8n, disk)).toBeNull();
    expect(checkRange(BLKIF_OP_READ, 993n, 8n, disk)?.reason).toBe('beyond-disk');
    expect(checkRange(BLKIF_OP_WRITE, 0xfffffffffffffff8n, 16n, disk)?.reason).toBe('beyond-disk');
    expect(checkRange(BLKIF_OP_WRITE, 1n << 40n, 1n, disk)?.reason).toBe('beyond-disk');
    const ro = { sectors: 1000, readOnly: true };
    expect(checkRange(BLKIF_OP_READ, 0n, 8n, ro)).toBeNull();
    for (const op of [BLKIF_OP_WRITE, BLKIF_OP_FLUSH_DISKCACHE, BLKIF_OP_WRITE_BARRIER]) expect(checkRange(op, 0n, 0n, ro)?.reason).toBe('read-only');
  });
  it('answers DISCARD EOPNOTSUPP once it passes the write checks', () => {
    const b = new Uint8Array(108), v = new DataView(b.buffer);
    v.setUint8(0, BLKIF_OP_DISCARD); v.setBigUint64(4, 7n, true); v.setBigUint64(12, 10n, true); v.setBigUint64(20, 5n, true);
    const r = parseRequest(b, PROTOCOL_X86_32);
    expect(checkHeader(r)).toBeNull();
    expect(checkDiscard(r, disk)).toEqual({ status: BLKIF_RSP_EOPNOTSUPP, reason: 'discard-unsupported' });
    expect(checkDiscard(r, { sectors: 12, readOnly: false }).status).toBe(BLKIF_RSP_ERROR);
    expect(checkDiscard(r, { sectors: 1000, readOnly: true }).status).toBe(BLKIF_RSP_ERROR);
  });
  it('builds 12-byte (x86_32) and 16-byte (x86_64) responses', () => {
    const id = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(makeResponse(PROTOCOL_X86_32, id, 1, -1))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 1, 0, 0xff, 0xff]);
    expect(Array.from(makeResponse(PROTOCOL_X86_64, id, 3, -2))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 3, 0, 0xfe, 0xff, 0, 0, 0, 0]);
  });
  it('chooses the protocol as blkback does', () => {
    expect(protocolFor(undefined)).toBe(PROTOCOL_X86_32);
    expect(protocolFor('x86_32-abi')).toBe(PROTOCOL_X86_32);
    expect(protocolFor('x86_64-abi')).toBe(PROTOCOL_X86_64);
    expect(protocolFor('arm-abi')).toBeNull();
    expect(protocolFor('garbage')).toBeNull();
  });
});
