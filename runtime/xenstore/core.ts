// The store itself (xenstored's core.c): the data base, the connections, and the node-level
// operations every request is built from: reading a node through the asker's transaction,
// checking permissions (answering EACCES rather than ENOENT when the asker may not even know
// whether the node exists), writing with the quotas an unprivileged domain is held to,
// creating missing parents, removing subtrees, and firing watches.
import { Db, type XsNode, cloneNode, nodeSize } from './tree.ts';
import { type Perm, permFor, clonePerms } from './permissions.ts';
import { parentOf, baseName } from './paths.ts';
import { Connection } from './connection.ts';
import { Transaction } from './transactions.ts';
import { fireWatches } from './watches.ts';
import { fail, XsError } from './errors.ts';
import { EACCES, EINVAL, ENOENT, ENOMEM, ENOSPC, EIO } from '../abi/errno.ts';

/** xenstored's default hard quotas for an unprivileged domain. */
export const QUOTA_NODES = 1000;
export const QUOTA_NODE_SIZE = 2048;
export const QUOTA_NODE_PERMS = 5;
export const QUOTA_TRANSACTIONS = 10;
export const QUOTA_OUTSTANDING = 20;

export class Store {
  readonly db = new Db();
  readonly connections: Connection[] = [];
  /** Domains that exist (permission entries naming any other are ignored). */
  readonly domains = new Set<number>([0]);
  /** Exceptions that were not an errno (a bug in the store, never the client's input): kept so
   *  tests can insist there are none; the client got EIO. */
  readonly internalErrors: unknown[] = [];

  connect(id: number, privileged: boolean): Connection {
    const c = new Connection(id, privileged);
    this.connections.push(c);
    this.domains.add(id);
    return c;
  }

  /** read_node: the node as `c` sees it (through its current transaction), a private copy the
   *  caller may change; undefined when it does not exist. No permission check. */
  readNode(c: Connection, name: string): XsNode | undefined {
    const t = c.transaction;
    if (!t) {
      const n = this.db.get(name);
      return n ? cloneNode(n) : undefined;
    }
    const seen = t.accessed.get(name);
    if (seen) return seen.node ? cloneNode(seen.node) : undefined;
    const n = this.db.get(name);
    t.access(name, n, 'read');
    return n ? cloneNode(n) : undefined;
  }

  /** get_node: the node if `c` has all of `perm` on it, else EACCES or ENOENT, where ENOENT
   *  is only told to a connection that has `perm` on the nearest existing ancestor. */
  getNode(c: Connection, name: string, perm: number): XsNode {
    let errno: number;
    try {
      const n = this.readNode(c, name);
      if (n && (permFor(c, n.perms) & perm) === perm) return n;
      errno = n ? EACCES : ENOENT;
    } catch (e) {
      if (!(e instanceof XsError) || e.errno === ENOMEM || e.errno === ENOSPC) throw e;
      errno = e.errno;
    }
    // errno_from_parents
    let p = name, parent: XsNode | undefined;
    do {
      p = parentOf(p);
      parent = this.readNode(c, p);
    } while (!parent && p !== '/');
    if (parent && (permFor(c, parent.perms) & perm)) fail(errno);
    fail(EACCES);
  }

  /** write_node: store `n` (through the transaction), new generation first; an unprivileged
   *  writer is held to the node-size quota. */
  writeNode(c: Connection, n: XsNode, checkQuota = true): void {
    n.generation = ++this.db.generation;
    const t = c.transaction;
    if (t) t.access(n.name, n, 'write');
    if (checkQuota && !c.privileged && nodeSize(n) > QUOTA_NODE_SIZE) {
      if (t) t.failed = true;
      fail(ENOSPC);
    }
    if (!t) this.db.nodes.set(n.name, cloneNode(n));
  }

  private deleteNode(c: Connection, n: XsNode): void {
    const t = c.transaction;
    if (t) t.access(n.name, n, 'delete');
    else this.db.nodes.delete(n.name);
  }

  /** Nodes domain `id` owns, as `c` sees the store (for the nodes quota). */
  ownedNodes(c: Connection, id: number): number {
    let n = 0;
    for (const node of this.db.nodes.values()) if (node.perms[0].id === id) n++;
    const t = c.transaction;
    if (t) {
      for (const [name, a] of t.accessed) {
        const g = this.db.get(name);
        const was = g && g.perms[0].id === id ? 1 : 0;
        const now = a.node && a.node.perms[0].id === id ? 1 : 0;
        n += now - was;
      }
    }
    return n;
  }

  /** Nodes domain `c.id` would own once `t` is committed. */
  ownedNodesAfter(c: Connection, t: Transaction): number {
    const saved = c.transaction;
    c.transaction = t;
    try { return this.ownedNodes(c, c.id); } finally { c.transaction = saved; }
  }

  /** create_node: the node and every missing parent; new nodes inherit their parent's
   *  permissions, and an unprivileged creator owns what it creates. */
  createNode(c: Connection, name: string, data: Uint8Array): XsNode {
    const names: string[] = [];
    let parent: XsNode | undefined;
    let p = name;
    while (!parent) {
      names.push(p);
      p = parentOf(p);
      parent = this.readNode(c, p);
      if (!parent && p === '/') fail(EIO);
    }
    const created: XsNode[] = [];
    let up = parent;
    for (let k = names.length - 1; k >= 0; k--) {
      up.children.push(baseName(names[k]));
      const perms = clonePerms(up.perms);
      if (!c.privileged) perms[0].id = c.id;
      const n: XsNode = { name: names[k], data: new Uint8Array(0), perms, children: [], generation: 0 };
      created.push(n);
      up = n;
    }
    const node = created[created.length - 1];
    node.data = data;
    if (c.transaction) c.transaction.nodeCreated = true;
    // Written bottom up: the new node first, its existing ancestor last.
    const order = [...created.reverse(), parent];
    const done: XsNode[] = [];
    try {
      for (const n of order) {
        if (n !== parent && !c.privileged && this.ownedNodes(c, c.id) >= QUOTA_NODES) fail(ENOSPC);
        this.writeNode(c, n);
        if (n !== parent) done.push(n);
      }
    } catch (e) {
      for (const n of done) this.deleteNode(c, n);
      if (c.transaction) c.transaction.failed = true;
      throw e;
    }
    return node;
  }

  /** rm_node: remove `name` and everything below it, firing watches (the root of the removal
   *  for its watchers and ancestors' watchers, each node below it for exact watchers). */
  removeNode(c: Connection, name: string): void {
    const parent = this.readNode(c, parentOf(name));
    if (!parent) fail(EINVAL);
    const walk = (n: XsNode): void => {
      for (const child of n.children) {
        const cn = this.readNode(c, n.name === '/' ? `/${child}` : `${n.name}/${child}`);
        if (cn) walk(cn);
      }
      this.deleteNode(c, n);
      this.fire(c, n.name, n, n.name !== name, null);
    };
    const root = this.readNode(c, name);
    if (root) walk(root);
    const k = parent.children.indexOf(baseName(name));
    if (k < 0) fail(EIO);
    parent.children.splice(k, 1);
    this.writeNode(c, parent, false);
  }

  /** fire_watches: inside a transaction the event waits for the commit. */
  fire(c: Connection, name: string, node: XsNode | undefined, exact: boolean, oldPerms: Perm[] | null): void {
    if (c.transaction) { c.transaction.queueWatch(name, exact); return; }
    fireWatches(this.db, this.connections, name, node, exact, oldPerms);
  }

  startTransaction(c: Connection): Transaction {
    let id: number;
    do { id = c.nextTransactionId; c.nextTransactionId = (c.nextTransactionId + 1) >>> 0; } while (id === 0 || c.transactions.has(id));
    const t = new Transaction(id, ++this.db.generation, !c.privileged);
    c.transactions.set(id, t);
    return t;
  }
}
