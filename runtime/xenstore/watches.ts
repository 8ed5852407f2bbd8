// Watches as xenstored keeps them (watch.c): a connection registers (node, token); a change at
// or below the node (or, for the nodes under a removed subtree, at exactly the node) sends
// XS_WATCH_EVENT with the changed path and the token. A watch set with a relative path gets
// relative paths back. A watcher hears of a change only if it may read the node or its parent
// (or could read it before a permission change). An event identical to one still waiting in
// the watcher's queue is dropped, except for the special @ nodes.
import type { Connection, OutMessage } from './connection.ts';
import type { XsNode, Db } from './tree.ts';
import { type Perm, permFor, XS_PERM_READ } from './permissions.ts';
import { isChild, parentOf } from './paths.ts';
import { XS_WATCH_EVENT, XENSTORE_PAYLOAD_MAX } from '../abi/xs_wire.ts';

/** Watches a domain may hold (xenstored's watches quota). */
export const QUOTA_WATCHES = 128;

export interface Watch {
  node: string;
  token: string;
  /** Characters to strip from an event's path (the implicit prefix of a relative watch). */
  prefixLen: number;
}

/** watch_permitted: may `c` hear of a change to `name`? */
function permitted(db: Db, c: Connection, name: string, node: XsNode | undefined, oldPerms: Perm[] | null): boolean {
  if (oldPerms && (permFor(c, oldPerms) & XS_PERM_READ)) return true;
  const n = node ?? db.get(name);
  if (!n) return false;
  if (permFor(c, n.perms) & XS_PERM_READ) return true;
  const parent = db.get(parentOf(n.name));
  return !!parent && (permFor(c, parent.perms) & XS_PERM_READ) !== 0;
}

/** send_event: queue XS_WATCH_EVENT "path\0token\0" on `c`. */
export function sendEvent(c: Connection, path: string, token: string): void {
  const payload = Buffer.from(`${path}\0${token}\0`, 'latin1');
  if (payload.length > XENSTORE_PAYLOAD_MAX) return;
  if (path[0] !== '@') {
    for (const m of c.out) {
      if (m.event && m.written === 0 && Buffer.compare(Buffer.from(m.payload), payload) === 0) return;
    }
  }
  const msg: OutMessage = { type: XS_WATCH_EVENT, reqId: 0, txId: 0, payload, event: true, written: 0 };
  c.out.push(msg);
}

/** fire_watches outside a transaction: every connection's matching watches. */
export function fireWatches(db: Db, conns: Iterable<Connection>, name: string, node: XsNode | undefined, exact: boolean, oldPerms: Perm[] | null): void {
  for (const c of conns) {
    if (c.ignored || c.watches.length === 0) continue;
    if (!permitted(db, c, name, node, oldPerms)) continue;
    for (const w of c.watches) {
      if (exact ? name === w.node : isChild(name, w.node)) sendEvent(c, name.slice(w.prefixLen), w.token);
    }
  }
}
