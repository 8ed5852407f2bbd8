// The guest's connection: the xenstore_domain_interface page (public/io/xs_wire.h) named by
// start_info.store_mfn, served as xenstored serves a domain. Requests arrive as a byte stream
// in `req` (req_cons..req_prod, free-running indices masked by the ring size), a 16-byte
// header then len bytes, possibly split over several notifications; replies and watch events
// go into `rsp` the same way. Every pass reads the indices once and checks them: a producer
// more than a ring ahead of its consumer, or a header with len > XENSTORE_PAYLOAD_MAX, makes
// xenstored ignore the connection and say why in the page's `error` field
// (XENSTORE_ERROR_RINGIDX / XENSTORE_ERROR_PROTO). While 20 replies wait to be written the
// ring is not read (the outstanding-requests quota).
import type { Domain } from '../domain.ts';
import { PAGE } from '../domain.ts';
import type { Dom0Port } from '../events/dom0.ts';
import type { Store } from './core.ts';
import { QUOTA_OUTSTANDING } from './core.ts';
import type { Connection } from './connection.ts';
import { processRequest } from './protocol.ts';
import {
  XENSTORE_DOMAIN_INTERFACE as XI, XENSTORE_RING_SIZE, MASK_XENSTORE_IDX, XSD_SOCKMSG,
  XENSTORE_PAYLOAD_MAX, XENSTORE_ERROR_RINGIDX, XENSTORE_ERROR_PROTO, XENSTORE_SERVER_FEATURE_ERROR,
  XENSTORE_CONNECTED,
} from '../abi/xs_wire.ts';

export class StoreRing {
  base = 0;
  port: Dom0Port | null = null;
  private readonly hdr = new Uint8Array(XSD_SOCKMSG.size);
  private hdrUsed = 0;
  private payload: Uint8Array | null = null;
  private payloadUsed = 0;
  /** Requests processed, for statistics and tests. */
  requests = 0;
  /** Set inside handleNotify, so a back end's watch callback writing to the store from there
   *  does not re-enter the ring. */
  private busy = false;
  /** Called after each request (the owner runs dom0's watch callbacks there). */
  afterRequest: (() => void) | null = null;

  constructor(readonly d: Domain, readonly store: Store, readonly conn: Connection) {}

  /** Map the page and take the guest's notifications. */
  attach(mfn: number, port: Dom0Port): void {
    this.base = mfn * PAGE;
    this.port = port;
    port.onNotify = () => this.handleNotify();
    this.setU32(XI.server_features, XENSTORE_SERVER_FEATURE_ERROR);
    this.setU32(XI.connection, XENSTORE_CONNECTED);
  }

  private u32(off: number): number { return this.d.cpu.view.getUint32(this.base + off, true); }
  private setU32(off: number, v: number): void { this.d.cpu.view.setUint32(this.base + off, v >>> 0, true); }

  /** The guest notified the store port (or a back end changed the store): move requests and
   *  replies until neither can move. */
  handleNotify(): void {
    if (this.port) this.port.pending = false;
    this.kick();
  }

  /** Move what can move; notify the guest if anything did. A no-op while already running
   *  (the running pass picks up what changed). */
  kick(): void {
    if (this.busy || !this.base) return;
    this.busy = true;
    let notify = false;
    try {
      for (;;) {
        const wrote = this.writeOutput();
        const read = this.readInput();
        if (wrote || read) notify = true;
        if (!wrote && !read) break;
      }
    } finally {
      this.busy = false;
    }
    if (notify) this.port?.send();
  }

  /** xenstored ignores a broken connection: nothing more in or out, the reason in `error`. */
  private ignore(err: number): void {
    const c = this.conn;
    c.ignored = true;
    c.watches.length = 0;
    c.transactions.clear();
    c.out.length = 0;
    this.payload = null;
    this.hdrUsed = 0;
    this.setU32(XI.error, err);
  }

  /** readchn + handle_input: take what is there of the current message; process it once
   *  complete. True when bytes were consumed. */
  private readInput(): boolean {
    const c = this.conn;
    if (c.ignored || c.outstanding() >= QUOTA_OUTSTANDING) return false;
    const cons = this.u32(XI.req_cons), prod = this.u32(XI.req_prod);
    const avail = (prod - cons) >>> 0;
    if (avail > XENSTORE_RING_SIZE) { this.ignore(XENSTORE_ERROR_RINGIDX); return true; }
    if (avail === 0) return false;
    let want: number, dst: Uint8Array, at: number;
    if (!this.payload) { want = XSD_SOCKMSG.size - this.hdrUsed; dst = this.hdr; at = this.hdrUsed; }
    else { want = this.payload.length - this.payloadUsed; dst = this.payload; at = this.payloadUsed; }
    const n = Math.min(want, avail);
    const mem = this.d.cpu.mem, req = this.base + XI.req;
    for (let k = 0; k < n; k++) dst[at + k] = mem[req + MASK_XENSTORE_IDX(cons + k)];
    this.setU32(XI.req_cons, cons + n);
    if (!this.payload) {
      this.hdrUsed += n;
      if (this.hdrUsed < XSD_SOCKMSG.size) return true;
      const v = new DataView(this.hdr.buffer);
      const len = v.getUint32(XSD_SOCKMSG.len, true);
      if (len > XENSTORE_PAYLOAD_MAX) { this.ignore(XENSTORE_ERROR_PROTO); return true; }
      this.payload = new Uint8Array(len);
      this.payloadUsed = 0;
    } else {
      this.payloadUsed += n;
    }
    if (this.payloadUsed < this.payload.length) return true;
    const v = new DataView(this.hdr.buffer);
    const request = {
      type: v.getUint32(XSD_SOCKMSG.type, true), reqId: v.getUint32(XSD_SOCKMSG.req_id, true),
      txId: v.getUint32(XSD_SOCKMSG.tx_id, true), payload: this.payload,
    };
    this.payload = null;
    this.hdrUsed = 0;
    this.requests++;
    processRequest(this.store, c, request);
    this.afterRequest?.();
    return true;
  }

  /** writechn + write_messages: copy queued messages into `rsp` while there is room. True
   *  when bytes were produced. */
  private writeOutput(): boolean {
    const c = this.conn;
    if (c.ignored || c.out.length === 0) return false;
    const cons = this.u32(XI.rsp_cons), prod = this.u32(XI.rsp_prod);
    const used = (prod - cons) >>> 0;
    if (used > XENSTORE_RING_SIZE) { this.ignore(XENSTORE_ERROR_RINGIDX); return true; }
    let room = XENSTORE_RING_SIZE - used;
    let p = prod;
    const mem = this.d.cpu.mem, rsp = this.base + XI.rsp;
    while (room > 0 && c.out.length > 0) {
      const m = c.out[0];
      const whole = new Uint8Array(XSD_SOCKMSG.size + m.payload.length);
      const v = new DataView(whole.buffer);
      v.setUint32(XSD_SOCKMSG.type, m.type, true);
      v.setUint32(XSD_SOCKMSG.req_id, m.reqId, true);
      v.setUint32(XSD_SOCKMSG.tx_id, m.txId, true);
      v.setUint32(XSD_SOCKMSG.len, m.payload.length, true);
      whole.set(m.payload, XSD_SOCKMSG.size);
      const n = Math.min(room, whole.length - m.written);
      for (let k = 0; k < n; k++) mem[rsp + MASK_XENSTORE_IDX(p + k)] = whole[m.written + k];
      m.written += n;
      p = (p + n) >>> 0;
      room -= n;
      if (m.written === whole.length) c.out.shift();
    }
    if (p === prod) return false;
    this.setU32(XI.rsp_prod, p);
    return true;
  }
}
