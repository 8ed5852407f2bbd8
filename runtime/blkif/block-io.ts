// Serving one connected blkif ring, as xen-blkback's do_block_io_op does: take every request
// the front end produced (a copy of its slot), validate it (requests.ts), map its data grants
// (read-only for writes, writable for reads: a READ into a GTF_readonly grant is refused),
// do the I/O on the disk image synchronously, unmap, and answer. A write is answered
// BLKIF_RSP_OKAY only after the bytes are in the host file; FLUSH_DISKCACHE and WRITE_BARRIER
// fsync the image before their answer (with nothing in flight, the barrier's drain is
// implicit). Responses are pushed one by one and the front end is notified only when the
// ring macros say it asked for it. A front end whose req_prod runs more than a ring ahead of
// the responses is broken: like blkback ("Halting ring processing"), the ring is no longer
// served, and nothing else happens.
import type { GrantAccess, GrantMapping } from '../grant/access.ts';
import { BLKIF_OP_READ, BLKIF_OP_DISCARD, BLKIF_OP_INDIRECT, BLKIF_RSP_OKAY, BLKIF_RSP_ERROR, BLKIF_REQUEST_SEGMENT } from '../abi/blkif.ts';
import { BackRing } from './ring.ts';
import type { DiskImage } from './disk.ts';
import { SECTOR_SIZE } from './disk.ts';
import type { BlkProtocol } from './protocol.ts';
import {
  parseRequest, parseSegments, checkHeader, checkSegments, checkRange, checkDiscard, makeResponse,
  isWrite, isFlush, SEGS_PER_INDIRECT_FRAME, type BlkRequest, type Refusal, type Segment, type Verdict,
} from './requests.ts';

export interface BlockIoStats {
  /** blkback's st_rd_req, st_wr_req, st_f_req, st_ds_req, st_rd_sect, st_wr_sect. */
  readRequests: number;
  writeRequests: number;
  flushRequests: number;
  discardRequests: number;
  sectorsRead: number;
  sectorsWritten: number;
  /** Responses other than OKAY, by reason. */
  refused: Partial<Record<Refusal, number>>;
  notifications: number;
  /** The front end overran the ring and is no longer served. */
  broken: boolean;
}

export class BlockIo {
  readonly ring: BackRing;
  readonly stats: BlockIoStats = {
    readRequests: 0, writeRequests: 0, flushRequests: 0, discardRequests: 0, sectorsRead: 0, sectorsWritten: 0,
    refused: {}, notifications: 0, broken: false,
  };

  constructor(
    area: ConstructorParameters<typeof BackRing>[0],
    readonly proto: BlkProtocol,
    readonly disk: DiskImage,
    readonly ga: GrantAccess,
    /** Notify the front end (its event channel). */
    readonly notify: () => void,
  ) {
    this.ring = new BackRing(area, proto.entrySize);
  }

  /** do_block_io_op: serve until the ring is empty and req_event is re-armed. */
  doBlockIoOp(): void {
    for (;;) {
      if (this.stats.broken) return;
      this.serveBatch();
      if (this.stats.broken) return;
      if (!this.ring.finalCheckForRequests()) return;
    }
  }

  /** __do_block_io_op: the requests between req_cons and the req_prod read once. */
  private serveBatch(): void {
    const ring = this.ring;
    const rp = ring.reqProd;
    if (ring.prodOverflow(rp)) { this.stats.broken = true; return; }
    let rc = ring.reqCons;
    while (rc !== rp) {
      if (ring.consOverflow(rc)) break;
      const bytes = ring.copyRequest(rc, this.proto.requestSize);
      rc = (rc + 1) >>> 0;
      ring.reqCons = rc;
      this.dispatch(parseRequest(bytes, this.proto));
    }
  }

  private respond(r: BlkRequest, status: number, reason?: Refusal): void {
    if (reason) this.stats.refused[reason] = (this.stats.refused[reason] ?? 0) + 1;
    this.ring.putResponse(makeResponse(this.proto, r.id, r.op, status));
    if (this.ring.pushResponsesAndCheckNotify()) { this.stats.notifications++; this.notify(); }
  }
  private refuse(r: BlkRequest, v: Verdict): void { this.respond(r, v.status, v.reason); }

  private dispatch(r: BlkRequest): void {
    const head = checkHeader(r);
    if (head) return this.refuse(r, head);
    if (r.operation === BLKIF_OP_DISCARD) { this.stats.discardRequests++; return this.refuse(r, checkDiscard(r, this.disk)); }
    if (r.op === BLKIF_OP_READ) this.stats.readRequests++;
    else if (isFlush(r.op)) this.stats.flushRequests++;
    else this.stats.writeRequests++;

    let segs: Segment[];
    if (r.operation === BLKIF_OP_INDIRECT) {
      const got = this.indirectSegments(r);
      if (!Array.isArray(got)) return this.refuse(r, got);
      segs = got;
    } else segs = r.segs;
    const sectors = checkSegments(segs);
    if (typeof sectors !== 'number') return this.refuse(r, sectors);
    const range = checkRange(r.op, r.sector, BigInt(sectors), this.disk);
    if (range) return this.refuse(r, range);

    // xen_blkbk_map_seg: every data grant, before any I/O.
    const maps: GrantMapping[] = [];
    const release = (): void => { for (const m of maps) this.ga.unmap(m); };
    for (const s of segs) {
      const m = this.ga.map(s.gref, isWrite(r.op));
      if (typeof m === 'number') { release(); return this.respond(r, BLKIF_RSP_ERROR, 'bad-gref'); }
      maps.push(m);
    }
    try {
      const sector = Number(r.sector);
      if (r.op === BLKIF_OP_READ) {
        const buf = new Uint8Array(sectors * SECTOR_SIZE);
        this.disk.read(sector, buf);
        let at = 0;
        segs.forEach((s, k) => {
          const n = (s.lastSect - s.firstSect + 1) * SECTOR_SIZE;
          this.ga.write(maps[k], s.firstSect * SECTOR_SIZE, buf.subarray(at, at + n));
          at += n;
        });
        this.stats.sectorsRead += sectors;
      } else {
        if (sectors > 0) {
          const buf = new Uint8Array(sectors * SECTOR_SIZE);
          let at = 0;
          segs.forEach((s, k) => {
            const n = (s.lastSect - s.firstSect + 1) * SECTOR_SIZE;
            buf.set(this.ga.read(maps[k], s.firstSect * SECTOR_SIZE, n), at);
            at += n;
          });
          this.disk.write(sector, buf);
          this.stats.sectorsWritten += sectors;
        }
        if (isFlush(r.op)) this.disk.flush();
      }
    } catch {
      release();
      return this.respond(r, BLKIF_RSP_ERROR, 'io-error');
    }
    release();
    this.respond(r, BLKIF_RSP_OKAY);
  }

  /** xen_blkbk_parse_indirect: map the descriptor pages read-only and read nr_segments
   *  descriptors from them. */
  private indirectSegments(r: BlkRequest): Segment[] | Verdict {
    const pages: GrantMapping[] = [];
    try {
      for (const gref of r.indirectGrefs) {
        const m = this.ga.map(gref, true);
        if (typeof m === 'number') return { status: BLKIF_RSP_ERROR, reason: 'bad-gref' };
        pages.push(m);
      }
      const segs: Segment[] = [];
      for (let p = 0; p * SEGS_PER_INDIRECT_FRAME < r.nrSegments; p++) {
        const n = Math.min(SEGS_PER_INDIRECT_FRAME, r.nrSegments - p * SEGS_PER_INDIRECT_FRAME);
        segs.push(...parseSegments(this.ga.read(pages[p], 0, n * BLKIF_REQUEST_SEGMENT.size), 0, n));
      }
      return segs;
    } finally {
      for (const m of pages) this.ga.unmap(m);
    }
  }
}
