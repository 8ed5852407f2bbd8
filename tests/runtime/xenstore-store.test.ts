// The store's logic without a ring: requests as xenstored parses them from a guest (domid 1,
// unprivileged) and from dom0, every error xenstored answers with, permissions, transactions
// and watches.
import { describe, it, expect, beforeEach } from 'vitest';
import { Store } from '../../runtime/xenstore/core.ts';
import type { Connection } from '../../runtime/xenstore/connection.ts';
import { processRequest } from '../../runtime/xenstore/protocol.ts';
import { parsePerms, permFor, XS_PERM_READ, XS_PERM_WRITE, XS_PERM_OWNER } from '../../runtime/xenstore/permissions.ts';
import { canonicalize } from '../../runtime/xenstore/paths.ts';
import {
  XS_READ, XS_WRITE, XS_MKDIR, XS_RM, XS_DIRECTORY, XS_DIRECTORY_PART, XS_GET_PERMS, XS_SET_PERMS, XS_WATCH,
  XS_UNWATCH, XS_WATCH_EVENT, XS_TRANSACTION_START, XS_TRANSACTION_END, XS_GET_DOMAIN_PATH, XS_ERROR,
  XS_RESET_WATCHES, XS_INTRODUCE, XS_CONTROL,
} from '../../runtime/abi/xs_wire.ts';

const enc = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const dec = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

let s: Store, dom0: Connection, guest: Connection;
/** Send a request; the reply as [type name or 'ERROR', payload text]. Events stay queued. */
function req(c: Connection, type: number, payload: string, txId = 0): [number, string] {
  processRequest(s, c, { type, reqId: 7, txId, payload: enc(payload) });
  const k = c.out.findIndex((m) => !m.event);
  const [m] = c.out.splice(k, 1);
  expect(m.reqId).toBe(7);
  expect(m.txId).toBe(txId);
  return [m.type, dec(m.payload)];
}
const err = (name: string): [number, string] => [XS_ERROR, `${name}\0`];
const ok = (type: number): [number, string] => [type, 'OK\0'];
function events(c: Connection): string[] {
  const ev = c.out.filter((m) => m.event).map((m) => dec(m.payload));
  for (let k = c.out.length - 1; k >= 0; k--) if (c.out[k].event) c.out.splice(k, 1);
  return ev;
}

beforeEach(() => {
  s = new Store();
  dom0 = s.connect(0, true);
  guest = s.connect(1, false);
  req(dom0, XS_MKDIR, '/local/domain/1\0');
  req(dom0, XS_SET_PERMS, '/local/domain/1\0n0\0r1\0');
  req(dom0, XS_WRITE, '/local/domain/1/name\0guest');
  req(dom0, XS_MKDIR, '/local/domain/1/data\0');
  req(dom0, XS_SET_PERMS, '/local/domain/1/data\0n1\0');
  req(dom0, XS_WRITE, '/local/domain/0/secret\0x');
});

describe('paths', () => {
  it('canonicalizes as xenstored', () => {
    const g = { id: 1, privileged: false };
    expect(canonicalize(g, 'a/b', false)).toBe('/local/domain/1/a/b');
    expect(canonicalize(g, '/', false)).toBe('/');
    for (const bad of ['', 'a/', 'a//b', 'a b', 'a.b', '@x', 'é']) expect(canonicalize(g, bad, false)).toBeUndefined();
    expect(canonicalize(g, '@releaseDomain', true)).toBe('@releaseDomain');
    expect(canonicalize(g, 'x'.repeat(2048), false)).toBeDefined();
    expect(canonicalize(g, 'x'.repeat(2049), false)).toBeUndefined();
    expect(canonicalize({ id: 0, privileged: true }, '/' + 'x'.repeat(3000), false)).toBeDefined();
  });
});

describe('permissions', () => {
  it('parses the string form and refuses anything else', () => {
    expect(parsePerms(['n0', 'r1', 'w2', 'b0x10'])).toEqual([{ id: 0, perms: 0 }, { id: 1, perms: 1 }, { id: 2, perms: 2 }, { id: 16, perms: 3 }]);
    for (const bad of ['x1', 'r', 'r1x', 'r0x', '']) expect(parsePerms([bad])).toBeUndefined();
  });
  it('owner gets everything, then the first entry naming the domain, else the default', () => {
    const perms = parsePerms(['r0', 'w1', 'n1'])!;
    expect(permFor({ id: 0, privileged: false }, perms)).toBe(XS_PERM_READ | XS_PERM_WRITE | XS_PERM_OWNER);
    expect(permFor({ id: 1, privileged: false }, perms)).toBe(XS_PERM_WRITE);
    expect(permFor({ id: 2, privileged: false }, perms)).toBe(XS_PERM_READ);
    expect(permFor({ id: 2, privileged: true }, perms)).toBe(XS_PERM_READ | XS_PERM_WRITE | XS_PERM_OWNER);
  });
});

describe('requests', () => {
  it('read, write, relative paths, binary values', () => {
    expect(req(guest, XS_READ, 'name\0')).toEqual([XS_READ, 'guest']);
    expect(req(guest, XS_WRITE, 'data/v\0a\0b')).toEqual(ok(XS_WRITE));
    expect(req(dom0, XS_READ, '/local/domain/1/data/v\0')).toEqual([XS_READ, 'a\0b']);
    expect(req(guest, XS_WRITE, 'data/x/y/z\0deep')).toEqual(ok(XS_WRITE));
    expect(req(guest, XS_GET_PERMS, 'data/x/y\0')).toEqual([XS_GET_PERMS, 'n1\0']);
  });
  it('the guest owns what it creates; dom0 creations inherit the parent', () => {
    req(dom0, XS_WRITE, '/local/domain/1/byzero\0v');
    expect(req(guest, XS_GET_PERMS, 'byzero\0')).toEqual([XS_GET_PERMS, 'n0\0r1\0']);
  });
  it('EINVAL for malformed arguments', () => {
    expect(req(guest, XS_READ, 'name')).toEqual(err('EINVAL'));
    expect(req(guest, XS_READ, '')).toEqual(err('EINVAL'));
    expect(req(guest, XS_READ, 'name\0\0')).toEqual(err('EINVAL'));
    expect(req(guest, XS_WRITE, 'data/v')).toEqual(err('EINVAL'));
    expect(req(guest, XS_WATCH, 'data\0')).toEqual(err('EINVAL'));
    expect(req(guest, XS_WATCH, 'data\0t\0extra\0')).toEqual(err('EINVAL'));
    expect(req(guest, XS_SET_PERMS, 'data\0')).toEqual(err('EINVAL'));
    expect(req(guest, XS_SET_PERMS, 'data\0q1\0')).toEqual(err('EINVAL'));
    expect(req(guest, XS_TRANSACTION_END, 'X\0')).toEqual(err('EINVAL'));
    expect(req(guest, XS_GET_DOMAIN_PATH, '1')).toEqual(err('EINVAL'));
    expect(req(guest, XS_DIRECTORY_PART, 'data\0')).toEqual(err('EINVAL'));
    expect(req(guest, XS_READ, '@releaseDomain\0')).toEqual(err('EINVAL'));
    expect(req(dom0, XS_RM, '/\0')).toEqual(err('EINVAL'));
  });
  it('ENOSYS for types nobody may send, EACCES for the tools-only ones', () => {
    expect(req(guest, 99, '')).toEqual(err('ENOSYS'));
    expect(req(guest, 20, '')).toEqual(err('ENOSYS'));
    expect(req(guest, XS_WATCH_EVENT, 'a\0b\0')).toEqual(err('ENOSYS'));
    expect(req(guest, XS_ERROR, 'EINVAL\0')).toEqual(err('ENOSYS'));
    expect(req(guest, XS_INTRODUCE, '2\0 0\0 3\0')).toEqual(err('EACCES'));
    expect(req(guest, XS_CONTROL, 'print\0x\0')).toEqual(err('EACCES'));
  });
  it('ENOENT where the asker may know, EACCES where it may not', () => {
    expect(req(guest, XS_READ, 'data/missing\0')).toEqual(err('ENOENT'));
    expect(req(guest, XS_READ, '/local/domain/0/secret\0')).toEqual(err('EACCES'));
    expect(req(guest, XS_READ, '/local/domain/0/missing\0')).toEqual(err('EACCES'));
    expect(req(guest, XS_WRITE, 'name\0x')).toEqual(err('EACCES'));
    expect(req(guest, XS_WRITE, 'newnode\0x')).toEqual(err('EACCES'));
    expect(req(guest, XS_MKDIR, '/tool/x\0')).toEqual(err('EACCES'));
    expect(req(guest, XS_RM, 'name\0')).toEqual(err('EACCES'));
    expect(req(guest, XS_SET_PERMS, 'name\0n1\0')).toEqual(err('EACCES'));
    expect(req(dom0, XS_READ, '/local/domain/1/data/missing\0')).toEqual(err('ENOENT'));
  });
  it('set-perms: no giving away (EPERM), no unknown owner (ENOENT), at most 5 entries (ENOSPC)', () => {
    req(guest, XS_WRITE, 'data/p\0');
    expect(req(guest, XS_SET_PERMS, 'data/p\0n0\0')).toEqual(err('EPERM'));
    expect(req(guest, XS_SET_PERMS, 'data/p\0n7\0')).toEqual(err('ENOENT'));
    expect(req(guest, XS_SET_PERMS, 'data/p\0n1\0r0\0r0\0r0\0r0\0r0\0')).toEqual(err('ENOSPC'));
    expect(req(guest, XS_SET_PERMS, 'data/p\0n1\0r7\0b0\0')).toEqual(ok(XS_SET_PERMS));
    expect(req(guest, XS_GET_PERMS, 'data/p\0')).toEqual([XS_GET_PERMS, 'n1\0r7\0b0\0']);
    expect(req(dom0, XS_SET_PERMS, '/local/domain/1/data/p\0n0\0')).toEqual(ok(XS_SET_PERMS));
    expect(req(guest, XS_READ, 'data/p\0')).toEqual(err('EACCES'));
  });
  it('mkdir of an existing node is fine; rm removes the subtree; rm of a missing node needs its parent', () => {
    expect(req(guest, XS_MKDIR, 'data\0')).toEqual(ok(XS_MKDIR));
    req(guest, XS_WRITE, 'data/a/b/c\0v');
    expect(req(guest, XS_RM, 'data/a\0')).toEqual(ok(XS_RM));
    expect(req(guest, XS_DIRECTORY, 'data\0')).toEqual([XS_DIRECTORY, '']);
    expect(req(guest, XS_RM, 'data/gone\0')).toEqual(ok(XS_RM));
    expect(req(guest, XS_RM, 'data/gone/too\0')).toEqual(err('ENOENT'));
    expect(s.db.get('/local/domain/1/data/a/b/c')).toBeUndefined();
  });
  it('directory and directory-part', () => {
    for (const n of ['b', 'a', 'c']) req(guest, XS_WRITE, `data/${n}\0`);
    expect(req(guest, XS_DIRECTORY, 'data\0')).toEqual([XS_DIRECTORY, 'b\0a\0c\0']);
    const gen = s.db.get('/local/domain/1/data')!.generation;
    expect(req(guest, XS_DIRECTORY_PART, 'data\x000\0')).toEqual([XS_DIRECTORY_PART, `${gen}\0b\0a\0c\0\0`]);
    expect(req(guest, XS_DIRECTORY_PART, 'data\x002\0')).toEqual([XS_DIRECTORY_PART, `${gen}\0a\0c\0\0`]);
    expect(req(guest, XS_DIRECTORY_PART, 'data\x006\0')).toEqual([XS_DIRECTORY_PART, `${gen}\0\0`]);
  });
  it('quotas: node size (ENOSPC), and a reply over XENSTORE_PAYLOAD_MAX (E2BIG)', () => {
    expect(req(guest, XS_WRITE, `data/big\0${'x'.repeat(2048)}`)).toEqual(err('ENOSPC'));
    expect(req(guest, XS_WRITE, `data/ok\0${'x'.repeat(1900)}`)).toEqual(ok(XS_WRITE));
    for (let k = 0; k < 5; k++) req(dom0, XS_WRITE, `/big/n${k}\0${'y'.repeat(1000)}`);
    req(dom0, XS_WRITE, `/big/v\0${'z'.repeat(4090)}`);
    expect(req(dom0, XS_READ, '/big/v\0')[0]).toBe(XS_READ);
    for (let k = 0; k < 300; k++) req(dom0, XS_WRITE, `/wide/child-number-${k}\0`);
    expect(req(dom0, XS_DIRECTORY, '/wide\0')).toEqual(err('E2BIG'));
  });
  it('GET_DOMAIN_PATH as atoi and %u make it', () => {
    expect(req(guest, XS_GET_DOMAIN_PATH, '1\0')).toEqual([XS_GET_DOMAIN_PATH, '/local/domain/1\0']);
    expect(req(guest, XS_GET_DOMAIN_PATH, 'x\0')).toEqual([XS_GET_DOMAIN_PATH, '/local/domain/0\0']);
    expect(req(guest, XS_GET_DOMAIN_PATH, '-1\0')).toEqual([XS_GET_DOMAIN_PATH, '/local/domain/4294967295\0']);
  });
});

describe('watches', () => {
  it('fire once at registration, then for changes at or below the node, relative when set relative', () => {
    expect(req(guest, XS_WATCH, 'data\0t\0')).toEqual(ok(XS_WATCH));
    expect(events(guest)).toEqual(['data\0t\0']);
    req(guest, XS_WRITE, 'data/a/b\0v');
    req(dom0, XS_WRITE, '/local/domain/1/data/c\0v');
    req(dom0, XS_WRITE, '/local/domain/1/other\0v');
    expect(events(guest)).toEqual(['data/a/b\0t\0', 'data/c\0t\0']);
    expect(req(guest, XS_WATCH, 'data\0t\0')).toEqual(err('EEXIST'));
    expect(req(guest, XS_UNWATCH, 'data\0t\0')).toEqual(ok(XS_UNWATCH));
    expect(req(guest, XS_UNWATCH, 'data\0t\0')).toEqual(err('ENOENT'));
  });
  it('rm fires for the removed node (for watchers at or above it) and for each node below it only to watchers of exactly that node', () => {
    req(guest, XS_WRITE, 'data/a/b\0v');
    req(guest, XS_WATCH, '/local/domain/1/data/a/b\0exact\0');
    req(guest, XS_WATCH, '/local/domain/1/data\0up\0');
    events(guest);
    req(guest, XS_RM, 'data/a\0');
    expect(events(guest)).toEqual(['/local/domain/1/data/a/b\0exact\0', '/local/domain/1/data/a\0up\0']);
  });
  it('are not heard by a watcher that may not read the node or its parent', () => {
    req(guest, XS_WATCH, '/local/domain/0\0t\0');
    events(guest);
    req(dom0, XS_WRITE, '/local/domain/0/secret/deeper\0x');
    expect(events(guest)).toEqual([]);
  });
  it('special nodes may be watched; RESET_WATCHES drops watches and transactions', () => {
    expect(req(guest, XS_WATCH, '@releaseDomain\0r\0')).toEqual(ok(XS_WATCH));
    expect(events(guest)).toEqual(['@releaseDomain\0r\0']);
    const [, id] = req(guest, XS_TRANSACTION_START, '\0');
    expect(req(guest, XS_RESET_WATCHES, '\0')).toEqual(ok(XS_RESET_WATCHES));
    expect(guest.watches).toEqual([]);
    expect(req(guest, XS_READ, 'name\0', Number.parseInt(id))).toEqual(err('ENOENT'));
  });
  it('the watches quota is E2BIG', () => {
    for (let k = 0; k <= 128; k++) expect(req(guest, XS_WATCH, `data\0t${k}\0`)).toEqual(ok(XS_WATCH));
    expect(req(guest, XS_WATCH, 'data\0one-too-many\0')).toEqual(err('E2BIG'));
  });
});

describe('transactions', () => {
  const start = (c: Connection): number => {
    const [type, id] = req(c, XS_TRANSACTION_START, '\0');
    expect(type).toBe(XS_TRANSACTION_START);
    return Number.parseInt(id);
  };
  it('isolate until commit, and fire their watches at commit', () => {
    req(dom0, XS_WATCH, '/local/domain/1/data\0d0\0');
    events(dom0);
    const t = start(guest);
    expect(t).toBe(1);
    expect(req(guest, XS_WRITE, 'data/x\0v', t)).toEqual(ok(XS_WRITE));
    expect(req(guest, XS_READ, 'data/x\0')).toEqual(err('ENOENT'));
    expect(req(guest, XS_READ, 'data/x\0', t)).toEqual([XS_READ, 'v']);
    expect(events(dom0)).toEqual([]);
    expect(req(guest, XS_TRANSACTION_END, 'T\0', t)).toEqual(ok(XS_TRANSACTION_END));
    expect(req(guest, XS_READ, 'data/x\0')).toEqual([XS_READ, 'v']);
    expect(events(dom0)).toEqual(['/local/domain/1/data/x\0d0\0']);
  });
  it('a node read in the transaction and changed outside: EAGAIN, nothing applied', () => {
    req(guest, XS_WRITE, 'data/c\x000');
    const t = start(guest);
    req(guest, XS_READ, 'data/c\0', t);
    req(guest, XS_WRITE, 'data/c\0outside');
    req(guest, XS_WRITE, 'data/d\0lost', t);
    expect(req(guest, XS_TRANSACTION_END, 'T\0', t)).toEqual(err('EAGAIN'));
    expect(req(guest, XS_READ, 'data/d\0')).toEqual(err('ENOENT'));
    expect(req(guest, XS_TRANSACTION_END, 'T\0', t)).toEqual(err('ENOENT'));
  });
  it('a missing node read in the transaction and created outside also conflicts; a write reads first, so it conflicts too; unrelated changes do not', () => {
    const t = start(guest);
    expect(req(guest, XS_READ, 'data/n\0', t)).toEqual(err('ENOENT'));
    req(dom0, XS_WRITE, '/local/domain/1/data/n\0now');
    expect(req(guest, XS_TRANSACTION_END, 'T\0', t)).toEqual(err('EAGAIN'));
    const u = start(guest);
    req(guest, XS_WRITE, 'data/n\0mine', u);
    req(dom0, XS_WRITE, '/local/domain/1/data/n\0theirs');
    expect(req(guest, XS_TRANSACTION_END, 'T\0', u)).toEqual(err('EAGAIN'));
    const v = start(guest);
    req(guest, XS_WRITE, 'data/n\0mine', v);
    req(dom0, XS_WRITE, '/local/domain/1/name\0renamed');
    expect(req(guest, XS_TRANSACTION_END, 'T\0', v)).toEqual(ok(XS_TRANSACTION_END));
    expect(req(guest, XS_READ, 'data/n\0')).toEqual([XS_READ, 'mine']);
  });
  it('rm inside a transaction, abort with F, nesting is EBUSY, the quota is ENOSPC', () => {
    req(guest, XS_WRITE, 'data/r/s\0v');
    const t = start(guest);
    expect(req(guest, XS_RM, 'data/r\0', t)).toEqual(ok(XS_RM));
    expect(req(guest, XS_READ, 'data/r/s\0', t)).toEqual(err('ENOENT'));
    expect(req(guest, XS_READ, 'data/r/s\0')).toEqual([XS_READ, 'v']);
    expect(req(guest, XS_TRANSACTION_START, '\0', t)).toEqual(err('EBUSY'));
    expect(req(guest, XS_TRANSACTION_END, 'F\0', t)).toEqual(ok(XS_TRANSACTION_END));
    expect(req(guest, XS_READ, 'data/r/s\0')).toEqual([XS_READ, 'v']);
    expect(req(guest, XS_TRANSACTION_END, 'T\0')).toEqual(err('ENOENT'));
    const ids = new Set<number>();
    for (let k = 0; k <= 10; k++) ids.add(start(guest));
    expect(ids.size).toBe(11);
    expect(req(guest, XS_TRANSACTION_START, '\0')).toEqual(err('ENOSPC'));
  });
  it('a commit after rm applies the removal', () => {
    req(guest, XS_WRITE, 'data/r/s\0v');
    const t = start(guest);
    req(guest, XS_RM, 'data/r\0', t);
    expect(req(guest, XS_TRANSACTION_END, 'T\0', t)).toEqual(ok(XS_TRANSACTION_END));
    expect(req(guest, XS_READ, 'data/r\0')).toEqual(err('ENOENT'));
    expect(req(guest, XS_DIRECTORY, 'data\0')).toEqual([XS_DIRECTORY, '']);
  });
  it('no internal errors in any of this', () => { expect(s.internalErrors).toEqual([]); });
});
