// The back end's side of a shared I/O ring (public/io/ring.h): the four free-running indices
// in the shared header (req_prod and rsp_event written by the front end, rsp_prod and
// req_event by the back end), the back end's private req_cons and rsp_prod_pvt, and the macros
// a back end uses: RING_COPY_REQUEST (a request is copied out before it is parsed, so the
// front end cannot change it under the back end's feet), RING_REQUEST_PROD_OVERFLOW and
// RING_REQUEST_CONS_OVERFLOW (a producer more than a ring ahead is a broken front end),
// RING_PUSH_RESPONSES_AND_CHECK_NOTIFY (notify only when the front end asked for it through
// rsp_event) and RING_FINAL_CHECK_FOR_REQUESTS (re-arm req_event before sleeping).
import { SRING, __CONST_RING_SIZE } from '../abi/ring.ts';

/** The shared ring area: one or more granted pages seen as one byte range. */
export interface SharedArea {
  readonly bytes: number;
  read(offset: number, len: number): Uint8Array;
  read32(offset: number): number;
  write(offset: number, data: Uint8Array): void;
  write32(offset: number, v: number): void;
}

export class BackRing {
  /** RING_SIZE: slots in the ring. */
  readonly size: number;
  reqCons = 0;
  rspProdPvt = 0;

  /** `entrySize` is sizeof the ring's request/response union in the front end's ABI. */
  constructor(readonly area: SharedArea, readonly entrySize: number) {
    this.size = __CONST_RING_SIZE(entrySize, area.bytes);
    if (this.size < 1) throw new RangeError('ring area too small');
  }

  get reqProd(): number { return this.area.read32(SRING.req_prod); }

  /** RING_REQUEST_PROD_OVERFLOW: the front end claims more requests than the ring holds. */
  prodOverflow(prod: number): boolean { return ((prod - this.rspProdPvt) >>> 0) > this.size; }
  /** RING_REQUEST_CONS_OVERFLOW: consuming `cons` would overrun responses not yet produced. */
  consOverflow(cons: number): boolean { return ((cons - this.rspProdPvt) >>> 0) >= this.size; }

  /** RING_HAS_UNCONSUMED_REQUESTS. */
  unconsumedRequests(): number {
    const req = (this.reqProd - this.reqCons) >>> 0;
    const rsp = (this.size - ((this.reqCons - this.rspProdPvt) >>> 0)) >>> 0;
    return Math.min(req, rsp);
  }

  private slot(idx: number): number { return SRING.ring + (idx & (this.size - 1)) * this.entrySize; }

  /** RING_COPY_REQUEST: `len` bytes of the request in slot `idx`. */
  copyRequest(idx: number, len: number): Uint8Array { return this.area.read(this.slot(idx), len); }

  /** Put a response in the next private slot (RING_GET_RESPONSE at rsp_prod_pvt, then ++). */
  putResponse(rsp: Uint8Array): void {
    this.area.write(this.slot(this.rspProdPvt), rsp);
    this.rspProdPvt = (this.rspProdPvt + 1) >>> 0;
  }

  /** RING_PUSH_RESPONSES_AND_CHECK_NOTIFY: publish rsp_prod; true when the front end asked to
   *  be notified of a response in the range just published. */
  pushResponsesAndCheckNotify(): boolean {
    const old = this.area.read32(SRING.rsp_prod), now = this.rspProdPvt;
    this.area.write32(SRING.rsp_prod, now);
    const event = this.area.read32(SRING.rsp_event);
    return ((now - event) >>> 0) < ((now - old) >>> 0);
  }

  /** RING_FINAL_CHECK_FOR_REQUESTS: more work, or re-arm req_event and look once more. */
  finalCheckForRequests(): boolean {
    if (this.unconsumedRequests() > 0) return true;
    this.area.write32(SRING.req_event, (this.reqCons + 1) >>> 0);
    return this.unconsumedRequests() > 0;
  }
}
