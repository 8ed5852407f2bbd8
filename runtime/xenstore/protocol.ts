// One request in, its reply (or XS_ERROR) out, as xenstored's process_message: an unknown
// type, or one no client may send (XS_WATCH_EVENT, XS_ERROR), is ENOSYS; a tools-only request
// from the guest is EACCES; a tx_id naming no open transaction is ENOENT (watch requests
// ignore tx_id); a reply longer than XENSTORE_PAYLOAD_MAX becomes E2BIG. The reply keeps the
// request's req_id and tx_id. Errors go out as XS_ERROR with the errno's name.
import type { Store } from './core.ts';
import type { Connection } from './connection.ts';
import * as op from './operations.ts';
import { XsError, xsErrorName } from './errors.ts';
import {
  XS_CONTROL, XS_DIRECTORY, XS_READ, XS_GET_PERMS, XS_WATCH, XS_UNWATCH, XS_TRANSACTION_START,
  XS_TRANSACTION_END, XS_INTRODUCE, XS_RELEASE, XS_GET_DOMAIN_PATH, XS_WRITE, XS_MKDIR, XS_RM,
  XS_SET_PERMS, XS_IS_DOMAIN_INTRODUCED, XS_RESUME, XS_SET_TARGET, XS_RESET_WATCHES,
  XS_DIRECTORY_PART, XS_ERROR, XENSTORE_PAYLOAD_MAX,
} from '../abi/xs_wire.ts';
import { ENOSYS, ENOENT, E2BIG, EIO } from '../abi/errno.ts';

interface Handler { fn: op.Operation; noTransaction?: boolean }

const HANDLERS = new Map<number, Handler>([
  [XS_CONTROL, { fn: op.privilegedOnly }],
  [XS_DIRECTORY, { fn: op.directory }],
  [XS_READ, { fn: op.read }],
  [XS_GET_PERMS, { fn: op.getPerms }],
  [XS_WATCH, { fn: op.watch, noTransaction: true }],
  [XS_UNWATCH, { fn: op.unwatch, noTransaction: true }],
  [XS_TRANSACTION_START, { fn: op.transactionStart }],
  [XS_TRANSACTION_END, { fn: op.transactionEnd }],
  [XS_INTRODUCE, { fn: op.privilegedOnly }],
  [XS_RELEASE, { fn: op.privilegedOnly }],
  [XS_GET_DOMAIN_PATH, { fn: op.getDomainPath }],
  [XS_WRITE, { fn: op.write }],
  [XS_MKDIR, { fn: op.mkdir }],
  [XS_RM, { fn: op.rm }],
  [XS_SET_PERMS, { fn: op.setPerms }],
  [XS_IS_DOMAIN_INTRODUCED, { fn: op.privilegedOnly }],
  [XS_RESUME, { fn: op.privilegedOnly }],
  [XS_SET_TARGET, { fn: op.privilegedOnly }],
  [XS_RESET_WATCHES, { fn: op.resetWatches }],
  [XS_DIRECTORY_PART, { fn: op.directoryPart }],
]);

export interface Request { type: number; reqId: number; txId: number; payload: Uint8Array }

function queue(c: Connection, r: Request, type: number, payload: Uint8Array): void {
  c.out.push({ type, reqId: r.reqId, txId: r.txId, payload, event: false, written: 0 });
}
function queueError(c: Connection, r: Request, errno: number): void {
  queue(c, r, XS_ERROR, Buffer.from(`${xsErrorName(errno)}\0`, 'latin1'));
}

/** Process one complete request from `c`, queueing its reply (and any events) on `c.out`. */
export function processRequest(s: Store, c: Connection, r: Request): void {
  const h = HANDLERS.get(r.type);
  if (!h) { queueError(c, r, ENOSYS); return; }
  if (!h.noTransaction && r.txId !== 0) {
    const t = c.transactions.get(r.txId >>> 0);
    if (!t) { queueError(c, r, ENOENT); return; }
    c.transaction = t;
  }
  try {
    const reply = h.fn(s, c, r.payload);
    if (reply.length > XENSTORE_PAYLOAD_MAX) queueError(c, r, E2BIG);
    else {
      queue(c, r, r.type, reply);
      if (r.type === XS_WATCH) op.watchInitialEvent(c);
    }
  } catch (e) {
    if (e instanceof XsError) queueError(c, r, e.errno);
    else { s.internalErrors.push(e); queueError(c, r, EIO); }
  } finally {
    c.transaction = null;
  }
}
