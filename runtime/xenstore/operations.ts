// The requests a client may send (xenstored's wire_funcs), each taking the request's payload
// exactly as xenstored parses it: one NUL-terminated argument where it expects one (anything
// else is EINVAL), a path and then raw bytes for XS_WRITE, NUL-separated lists elsewhere. Each
// returns the reply payload or throws the errno xenstored answers with.
import type { Store } from './core.ts';
import { QUOTA_NODE_PERMS, QUOTA_TRANSACTIONS, QUOTA_NODES } from './core.ts';
import type { Connection } from './connection.ts';
import { canonicalize, implicitPath, parentOf } from './paths.ts';
import { childrenBlob } from './tree.ts';
import {
  parsePerms, permToString, XS_PERM_READ, XS_PERM_WRITE, XS_PERM_OWNER, XS_PERM_IGNORE,
} from './permissions.ts';
import { sendEvent, QUOTA_WATCHES } from './watches.ts';
import { fail } from './errors.ts';
import { XENSTORE_PAYLOAD_MAX } from '../abi/xs_wire.ts';
import { EINVAL, ENOENT, EACCES, EEXIST, E2BIG, EBUSY, ENOSPC, ENOMEM, EPERM } from '../abi/errno.ts';

const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
const bytes = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const OK = bytes('OK\0');

/** get_strings: the complete NUL-terminated strings, in order (bytes after the last NUL are
 *  not a string). */
export function getStrings(p: Uint8Array): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < p.length; i++) if (p[i] === 0) { out.push(latin1(p.subarray(start, i))); start = i + 1; }
  return out;
}
/** onearg: the payload must be exactly one string with its NUL at the very end. */
export function oneArg(p: Uint8Array): string | undefined {
  if (p.length === 0 || p.indexOf(0) !== p.length - 1) return undefined;
  return latin1(p.subarray(0, p.length - 1));
}
/** xenstore_count_strings: the number of NULs. */
function countStrings(p: Uint8Array): number { let n = 0; for (const b of p) if (b === 0) n++; return n; }
/** The first C string of the payload (up to the first NUL, or all of it). */
function firstString(p: Uint8Array): string { const z = p.indexOf(0); return latin1(z < 0 ? p : p.subarray(0, z)); }
/** C atoi: leading whitespace, sign, decimal digits, 0 when there are none; int overflow wraps. */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(s);
  if (!m) return 0;
  const v = BigInt(m[1]);
  return Number(BigInt.asIntN(32, v));
}

function path(c: Connection, p: string | undefined, allowSpecial = false): string {
  const name = canonicalize(c, p, allowSpecial);
  if (name === undefined) fail(EINVAL);
  return name;
}

export type Operation = (s: Store, c: Connection, p: Uint8Array) => Uint8Array;

export const directory: Operation = (s, c, p) => childrenBlob(s.getNode(c, path(c, oneArg(p)), XS_PERM_READ));

/** XS_DIRECTORY_PART: "path\0offset\0": the generation, then as many children from byte
 *  `offset` of the children list as fit, then an empty string once the list is complete. */
export const directoryPart: Operation = (s, c, p) => {
  if (countStrings(p) !== 2) fail(EINVAL);
  const node = s.getNode(c, path(c, firstString(p)), XS_PERM_READ);
  const off = atoi(getStrings(p)[1]) >>> 0;
  const children = childrenBlob(node);
  const gen = bytes(`${node.generation}\0`);
  if (off >= children.length) return Buffer.concat([gen, new Uint8Array(1)]);
  const max = XENSTORE_PAYLOAD_MAX - gen.length - 1;
  let len = 0, at = off;
  for (;;) {
    const end = children.indexOf(0, at);
    const clen = end - at;
    if (len + clen >= max) break;
    len += clen + 1;
    at += clen + 1;
    if (off + len === children.length) break;
  }
  const tail = off + len === children.length ? new Uint8Array(1) : new Uint8Array(0);
  return Buffer.concat([gen, children.subarray(off, off + len), tail]);
};

export const read: Operation = (s, c, p) => s.getNode(c, path(c, oneArg(p)), XS_PERM_READ).data;

export const getPerms: Operation = (s, c, p) => {
  const node = s.getNode(c, path(c, oneArg(p), true), XS_PERM_READ);
  let out = '';
  for (const e of node.perms) {
    const str = permToString(e);
    if (str === undefined) fail(EINVAL);
    out += str + '\0';
  }
  return bytes(out);
};

/** XS_WRITE "path\0bytes": create (with parents) or replace the value. */
export const write: Operation = (s, c, p) => {
  const z = p.indexOf(0);
  if (z < 0) fail(EINVAL);
  const name = path(c, latin1(p.subarray(0, z)));
  const data = p.slice(z + 1);
  let node;
  try {
    node = s.getNode(c, name, XS_PERM_WRITE);
  } catch (e) {
    if ((e as { errno?: number }).errno !== ENOENT) throw e;
  }
  if (!node) node = s.createNode(c, name, data);
  else { node.data = data; s.writeNode(c, node); }
  s.fire(c, name, node, false, null);
  return OK;
};

export const mkdir: Operation = (s, c, p) => {
  const name = path(c, oneArg(p));
  try {
    s.getNode(c, name, XS_PERM_WRITE);
  } catch (e) {
    if ((e as { errno?: number }).errno !== ENOENT) throw e;
    const node = s.createNode(c, name, new Uint8Array(0));
    s.fire(c, name, node, false, null);
  }
  return OK;
};

/** XS_RM: a missing node is fine when its parent exists. */
export const rm: Operation = (s, c, p) => {
  const name = path(c, oneArg(p));
  try {
    s.getNode(c, name, XS_PERM_WRITE);
  } catch (e) {
    if ((e as { errno?: number }).errno !== ENOENT) throw e;
    if (s.readNode(c, parentOf(name))) return OK;
    fail(ENOENT);
  }
  if (name === '/') fail(EINVAL);
  s.removeNode(c, name);
  return OK;
};

/** XS_SET_PERMS "path\0perm\0perm...": the owner (or a privileged client) sets the list; an
 *  unprivileged one may not give the node away. */
export const setPerms: Operation = (s, c, p) => {
  const num = countStrings(p) - 1;
  if (num < 1) fail(EINVAL);
  if (!c.privileged && num > QUOTA_NODE_PERMS) fail(ENOSPC);
  const strs = getStrings(p);
  const perms = parsePerms(strs.slice(1, 1 + num));
  if (!perms) fail(EINVAL);
  for (const e of perms) if (!s.domains.has(e.id >>> 0)) e.perms |= XS_PERM_IGNORE;
  if (perms[0].perms & XS_PERM_IGNORE) fail(ENOENT);
  const name = path(c, strs[0], true);
  const node = s.getNode(c, name, XS_PERM_WRITE | XS_PERM_OWNER);
  if (!c.privileged && perms[0].id !== node.perms[0].id) fail(EPERM);
  const old = node.perms;
  node.perms = perms;
  s.writeNode(c, node);
  s.fire(c, name, node, false, old);
  return OK;
};

/** XS_WATCH "path\0token\0": registered, acknowledged, and fired once at once. */
export const watch: Operation = (s, c, p) => {
  const v = getStrings(p);
  if (v.length !== 2) fail(EINVAL);
  const relative = v[0][0] !== '/' && v[0][0] !== '@';
  const node = path(c, v[0], true);
  if (c.watches.some((w) => w.node === node && w.token === v[1])) fail(EEXIST);
  if (!c.privileged && c.watches.length > QUOTA_WATCHES) fail(E2BIG);
  const w = { node, token: v[1], prefixLen: relative ? implicitPath(c).length + 1 : 0 };
  c.watches.push(w);
  return OK;
};
/** The event XS_WATCH fires after its acknowledgement. */
export function watchInitialEvent(c: Connection): void {
  const w = c.watches[c.watches.length - 1];
  sendEvent(c, w.node.slice(w.prefixLen), w.token);
}

export const unwatch: Operation = (s, c, p) => {
  const v = getStrings(p);
  if (v.length !== 2) fail(EINVAL);
  const node = path(c, v[0], true);
  const k = c.watches.findIndex((w) => w.node === node && w.token === v[1]);
  if (k < 0) fail(ENOENT);
  c.watches.splice(k, 1);
  return OK;
};

export const transactionStart: Operation = (s, c) => {
  if (c.transaction) fail(EBUSY);
  if (!c.privileged && c.transactions.size > QUOTA_TRANSACTIONS) fail(ENOSPC);
  const t = s.startTransaction(c);
  return bytes(`${t.id}\0`);
};

/** XS_TRANSACTION_END "T\0" commits, "F\0" aborts; either way the transaction is gone. */
export const transactionEnd: Operation = (s, c, p) => {
  const arg = oneArg(p);
  if (arg !== 'T' && arg !== 'F') fail(EINVAL);
  const t = c.transaction;
  if (!t) fail(ENOENT);
  c.transaction = null;
  c.transactions.delete(t.id);
  if (arg === 'T') {
    if (t.failed) fail(ENOMEM);
    if (t.nodeCreated && !c.privileged && s.ownedNodesAfter(c, t) >= QUOTA_NODES) fail(ENOSPC);
    t.commit(s.db, (name, exact, old) => s.fire(c, name, undefined, exact, old));
  }
  return OK;
};

export const getDomainPath: Operation = (s, c, p) => {
  const arg = oneArg(p);
  if (arg === undefined) fail(EINVAL);
  return bytes(`/local/domain/${atoi(arg) >>> 0}\0`);
};

export const resetWatches: Operation = (s, c) => {
  c.watches.length = 0;
  c.transactions.clear();
  return OK;
};

/** Requests only dom0's tools may make (XS_FLAG_PRIV): refused to the guest. */
export const privilegedOnly: Operation = () => fail(EACCES);
