// Transactions as xenstored runs them (transaction.c): a transaction records every node it
// touches. A read records the node's generation (or that it did not exist) and keeps a private
// copy; a write or delete changes only the transaction's copy. At commit ("T") every recorded
// read must still see the same generation in the global data base, else the commit fails with
// EAGAIN and nothing is applied; then the modified nodes are copied out (each with a new
// generation) or deleted, and the watch events the transaction's changes queued are fired.
// Ending with "F", or a failed commit, just drops the transaction.
import { type XsNode, type Db, NO_GENERATION, cloneNode } from './tree.ts';
import { type Perm, clonePerms } from './permissions.ts';
import { fail } from './errors.ts';
import { EAGAIN, ENOSPC } from '../abi/errno.ts';

/** Accessed nodes a transaction may record (xenstored's transaction-nodes quota). */
export const QUOTA_TRANSACTION_NODES = 1024;

export interface Accessed {
  /** Generation at the first read (NO_GENERATION: it did not exist). */
  generation: number;
  /** Only reads are checked at commit: a node the transaction wrote first wins regardless. */
  checkGeneration: boolean;
  modified: boolean;
  /** The transaction's copy; null when it does not exist in the transaction's view. */
  node: XsNode | null;
  /** Permissions when first accessed: watchers that could see the node then hear of it. */
  perms: Perm[] | null;
  fireWatch: boolean;
  watchExact: boolean;
}

export type AccessType = 'read' | 'write' | 'delete';

export class Transaction {
  readonly accessed = new Map<string, Accessed>();
  /** Set when a change could not be recorded: the commit must not succeed. */
  failed = false;
  nodeCreated = false;

  constructor(readonly id: number, readonly generation: number, private readonly unprivileged: boolean) {}

  /** access_node for a transaction: record the access, returning its record. `node` is the
   *  global node for a first read (undefined if missing) or the node being written. */
  access(name: string, node: XsNode | undefined, type: AccessType): Accessed {
    let a = this.accessed.get(name);
    if (!a) {
      if (this.unprivileged && this.accessed.size + 1 > QUOTA_TRANSACTION_NODES) {
        this.failed = true;
        fail(ENOSPC);
      }
      a = {
        generation: 0, checkGeneration: false, modified: false, node: null,
        perms: node ? clonePerms(node.perms) : null, fireWatch: false, watchExact: false,
      };
      if (type === 'read') {
        a.generation = node ? node.generation : NO_GENERATION;
        a.checkGeneration = true;
        a.node = node ? cloneNode(node) : null;
      }
      this.accessed.set(name, a);
    }
    if (type !== 'read') a.modified = true;
    if (type === 'write' && node) a.node = cloneNode(node);
    if (type === 'delete') a.node = null;
    return a;
  }

  /** queue_watches: a change inside the transaction fires at commit; a non-exact event
   *  replaces an exact one, never the other way round. */
  queueWatch(name: string, exact: boolean): void {
    const a = this.accessed.get(name);
    if (!a) { this.failed = true; return; }
    if (!a.fireWatch) { a.fireWatch = true; a.watchExact = exact; } else if (!exact) a.watchExact = false;
  }

  /** finalize_transaction: check every recorded read, then apply. Throws EAGAIN on a
   *  conflict (nothing applied). `fire` is called for each queued watch after its node is
   *  applied. */
  commit(db: Db, fire: (name: string, exact: boolean, oldPerms: Perm[] | null) => void): void {
    for (const [name, a] of this.accessed) {
      if (!a.checkGeneration) continue;
      const cur = db.get(name);
      if (a.generation !== (cur ? cur.generation : NO_GENERATION)) fail(EAGAIN);
    }
    for (const [name, a] of this.accessed) {
      if (!a.modified) continue;
      if (a.node) {
        const n = cloneNode(a.node);
        n.generation = ++db.generation;
        db.nodes.set(name, n);
      } else {
        db.nodes.delete(name);
      }
    }
    for (const [name, a] of this.accessed) if (a.modified && a.fireWatch) fire(name, a.watchExact, a.perms);
  }
}
