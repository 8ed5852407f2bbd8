// Parsing and validating one blkif request as Linux's xen-blkback does (blkback.c:
// __do_block_io_op, dispatch_rw_block_io, xen_blkbk_parse_indirect, xen_vbd_translate,
// dispatch_discard_io, dispatch_other_io). The request is parsed from the copy the back end
// took of its ring slot; every field is checked before the disk or a grant is touched:
//
// - an operation blkback does not know is answered BLKIF_RSP_EOPNOTSUPP;
// - an indirect request whose inner operation is not READ or WRITE, a segment count of 0
//   (but for a flush or barrier), more than 11 direct or MAX_INDIRECT_SEGMENTS indirect
//   segments, a segment with last_sect > 7 or first_sect > last_sect, any write-like
//   operation on a read-only disk, and a sector range that ends beyond the disk (or wraps)
//   are BLKIF_RSP_ERROR;
// - DISCARD is checked like a write, then answered BLKIF_RSP_EOPNOTSUPP (the back end does not
//   offer feature-discard).
import {
  BLKIF_OP_READ, BLKIF_OP_WRITE, BLKIF_OP_WRITE_BARRIER, BLKIF_OP_FLUSH_DISKCACHE, BLKIF_OP_DISCARD,
  BLKIF_OP_INDIRECT, BLKIF_MAX_SEGMENTS_PER_REQUEST, BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST,
  BLKIF_REQUEST_SEGMENT, BLKIF_RSP_ERROR, BLKIF_RSP_EOPNOTSUPP,
} from '../abi/blkif.ts';
import type { BlkProtocol } from './protocol.ts';

/** Sectors per page (XEN_PAGE_SIZE >> 9): last_sect must be below it. */
export const SECTORS_PER_PAGE = 8;
/** blkback's MAX_INDIRECT_SEGMENTS, advertised as feature-max-indirect-segments. */
export const MAX_INDIRECT_SEGMENTS = 256;
/** Segment descriptors per indirect page (XEN_PAGE_SIZE / sizeof(blkif_request_segment)). */
export const SEGS_PER_INDIRECT_FRAME = 4096 / BLKIF_REQUEST_SEGMENT.size;

export interface Segment { gref: number; firstSect: number; lastSect: number; }

export interface BlkRequest {
  /** The ring operation (BLKIF_OP_INDIRECT for an indirect request). */
  operation: number;
  /** The operation performed and answered (indirect_op for an indirect request). */
  op: number;
  /** The front end's id, echoed in the response (8 raw bytes). */
  id: Uint8Array;
  sector: bigint;
  nrSegments: number;
  /** Direct segments (at most 11 are read, as blkif_get_x86_*_req copies). */
  segs: Segment[];
  /** Indirect pages holding the segment descriptors (INDIRECT_PAGES(nr_segments), at most 8). */
  indirectGrefs: number[];
  /** DISCARD: sectors to discard. */
  nrSectors: bigint;
}

/** Why a request was refused, for statistics. */
export type Refusal = 'unknown-op' | 'bad-indirect-op' | 'bad-segment-count' | 'bad-segment' | 'read-only' |
  'beyond-disk' | 'bad-gref' | 'discard-unsupported' | 'io-error';

export interface Verdict { status: number; reason: Refusal; }

const u64 = (v: DataView, off: number): bigint => v.getBigUint64(off, true);

export function parseSegments(bytes: Uint8Array, offset: number, count: number): Segment[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), segs: Segment[] = [];
  for (let k = 0; k < count; k++) {
    const o = offset + k * BLKIF_REQUEST_SEGMENT.size;
    segs.push({ gref: v.getUint32(o + BLKIF_REQUEST_SEGMENT.gref, true), firstSect: v.getUint8(o + BLKIF_REQUEST_SEGMENT.first_sect), lastSect: v.getUint8(o + BLKIF_REQUEST_SEGMENT.last_sect) });
  }
  return segs;
}

/** INDIRECT_PAGES: pages of descriptors for `nseg` segments. */
export const indirectPages = (nseg: number): number => Math.ceil(nseg / SEGS_PER_INDIRECT_FRAME);

/** Parse the copy of a ring slot in protocol `p` (blkif_get_x86_*_req). */
export function parseRequest(bytes: Uint8Array, p: BlkProtocol): BlkRequest {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const operation = v.getUint8(p.rw.operation);
  const r: BlkRequest = { operation, op: operation, id: bytes.slice(p.rw.id, p.rw.id + 8), sector: 0n, nrSegments: 0, segs: [], indirectGrefs: [], nrSectors: 0n };
  switch (operation) {
    case BLKIF_OP_READ: case BLKIF_OP_WRITE: case BLKIF_OP_WRITE_BARRIER: case BLKIF_OP_FLUSH_DISKCACHE:
      r.nrSegments = v.getUint8(p.rw.nr_segments);
      r.sector = u64(v, p.rw.sector_number);
      r.segs = parseSegments(bytes, p.rw.seg, Math.min(r.nrSegments, BLKIF_MAX_SEGMENTS_PER_REQUEST));
      break;
    case BLKIF_OP_DISCARD:
      r.id = bytes.slice(p.discard.id, p.discard.id + 8);
      r.sector = u64(v, p.discard.sector_number);
      r.nrSectors = u64(v, p.discard.nr_sectors);
      break;
    case BLKIF_OP_INDIRECT: {
      r.op = v.getUint8(p.indirect.indirect_op);
      r.id = bytes.slice(p.indirect.id, p.indirect.id + 8);
      r.nrSegments = v.getUint16(p.indirect.nr_segments, true);
      r.sector = u64(v, p.indirect.sector_number);
      const n = Math.min(BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST, indirectPages(r.nrSegments));
      for (let k = 0; k < n; k++) r.indirectGrefs.push(v.getUint32(p.indirect.indirect_grefs + k * 4, true));
      break;
    }
    default:
      // blkback cannot translate an unknown operation; it keeps only the id to answer it.
      break;
  }
  return r;
}

/** A request that writes the disk (everything but READ): refused on a read-only disk. */
export const isWrite = (op: number): boolean => op !== BLKIF_OP_READ;
/** FLUSH_DISKCACHE and WRITE_BARRIER: every earlier write reaches stable storage first. */
export const isFlush = (op: number): boolean => op === BLKIF_OP_FLUSH_DISKCACHE || op === BLKIF_OP_WRITE_BARRIER;

const refuse = (reason: Refusal, status = BLKIF_RSP_ERROR): Verdict => ({ status, reason });

/** The checks made before any segment is looked at: the operation and the segment count. */
export function checkHeader(r: BlkRequest): Verdict | null {
  switch (r.operation) {
    case BLKIF_OP_READ: case BLKIF_OP_WRITE: case BLKIF_OP_WRITE_BARRIER: case BLKIF_OP_FLUSH_DISKCACHE:
      break;
    case BLKIF_OP_INDIRECT:
      if (r.op !== BLKIF_OP_READ && r.op !== BLKIF_OP_WRITE) return refuse('bad-indirect-op');
      break;
    case BLKIF_OP_DISCARD:
      return null;
    default:
      return refuse('unknown-op', BLKIF_RSP_EOPNOTSUPP);
  }
  const n = r.nrSegments;
  if (n === 0 && !isFlush(r.op)) return refuse('bad-segment-count');
  if (r.operation !== BLKIF_OP_INDIRECT && n > BLKIF_MAX_SEGMENTS_PER_REQUEST) return refuse('bad-segment-count');
  if (r.operation === BLKIF_OP_INDIRECT && n > MAX_INDIRECT_SEGMENTS) return refuse('bad-segment-count');
  return null;
}

/** Segment bounds inside their page; the sectors they cover, or a refusal. */
export function checkSegments(segs: Segment[]): number | Verdict {
  let sectors = 0;
  for (const s of segs) {
    if (s.lastSect >= SECTORS_PER_PAGE || s.lastSect < s.firstSect) return refuse('bad-segment');
    sectors += s.lastSect - s.firstSect + 1;
  }
  return sectors;
}

/** xen_vbd_translate: write access and the sector range against the disk. */
export function checkRange(op: number, sector: bigint, nrSects: bigint, disk: { sectors: number; readOnly: boolean }): Verdict | null {
  if (isWrite(op) && disk.readOnly) return refuse('read-only');
  if (nrSects > 0n) {
    const end = (sector + nrSects) & 0xffffffffffffffffn;
    if (end < sector) return refuse('beyond-disk');
    if (end > BigInt(disk.sectors)) return refuse('beyond-disk');
  }
  return null;
}

/** DISCARD (dispatch_discard_io): checked like a write; without discard support the answer
 *  is EOPNOTSUPP. */
export function checkDiscard(r: BlkRequest, disk: { sectors: number; readOnly: boolean }): Verdict {
  return checkRange(BLKIF_OP_WRITE, r.sector, r.nrSectors, disk) ?? refuse('discard-unsupported', BLKIF_RSP_EOPNOTSUPP);
}

/** A response in protocol `p`: the request's id, the operation answered, the status. */
export function makeResponse(p: BlkProtocol, id: Uint8Array, op: number, status: number): Uint8Array {
  const b = new Uint8Array(p.response.size), v = new DataView(b.buffer);
  b.set(id.subarray(0, 8), p.response.id);
  v.setUint8(p.response.operation, op);
  v.setInt16(p.response.status, status, true);
  return b;
}
