/* The xenstore as a PV guest sees it through its store ring (xenbus.h): the toolstack's nodes,
 * writes and reads, directories, mkdir/rm, permission refusals, watches (the initial event and
 * one per change), a transaction that commits and one that conflicts with a write outside it,
 * XS_GET_DOMAIN_PATH, then malformed requests: each must get the error xenstored sends and the
 * store must keep working; last, a header longer than XENSTORE_PAYLOAD_MAX, after which
 * xenstored stops serving the ring and says so in its error field (XENSTORE_ERROR_PROTO).
 * With "wait-shutdown" on the command line the last step is replaced by the guest's side of a
 * host-requested shutdown: watch control/shutdown, say so in data/ready, and power off once the
 * host has written "poweroff" there. */
#include "xenbus.h"

static int failures;
static void check(const char *what, int ok, const char *detail) {
  kputs(ok ? "  ok   " : "  FAIL "); kputs(what);
  if (!ok && detail) { kputs(": "); kputs(detail); }
  kputs("\n");
  if (!ok) failures++;
}
static int streq(const char *a, const char *b) { return a && b && xb_kstreq(a, b); }
static const char *nz(const char *e) { return e ? e : "(success)"; }
static void utoa(u32 v, char *b) { char t[12]; int i = 0; do { t[i++] = '0' + v % 10; v /= 10; } while (v); int k = 0; while (i) b[k++] = t[--i]; b[k] = 0; }

static char buf[4200];

/* A raw request: header with the given type/tx/len, then `n` payload bytes. Returns the reply
 * type; the reply is in xb_reply. */
static u32 raw(u32 type, u32 len, const void *payload, u32 n) {
  struct xsd_sockmsg h = { type, 0xbad0 + type, 0, len };
  xb_send_raw(&h, sizeof h);
  if (n) xb_send_raw(payload, n);
  return xb_recv(0);
}

static int has_word(const char *hay, const char *w) {
  for (u32 i = 0; hay[i]; i++) { u32 k = 0; while (w[k] && hay[i + k] == w[k]) k++; if (!w[k]) return 1; }
  return 0;
}

long kmain(struct start_info *si) {
  char path[256], token[64];
  const char *e;
  kputs("xenstore: the store through the guest's ring\n");
  if (xb_init(si) != 0) { verdict("xenstore", 0, "xb_init"); return 0; }

  /* the toolstack's nodes */
  e = xb_read("domid", buf, sizeof buf); check("read domid = 1", !e && streq(buf, "1"), nz(e));
  e = xb_read("name", buf, sizeof buf); check("read name", !e && buf[0], nz(e));
  char kib[16]; utoa(si->nr_pages * 4, kib);
  e = xb_read("memory/target", buf, sizeof buf); check("memory/target = nr_pages * 4 KiB", !e && streq(buf, kib), e ? e : buf);
  e = xb_read("/local/domain/1/memory/static-max", buf, sizeof buf); check("absolute path memory/static-max", !e && streq(buf, kib), nz(e));
  char port[12]; utoa(si->store_evtchn, port);
  e = xb_read("store/port", buf, sizeof buf); check("store/port = start_info.store_evtchn", !e && streq(buf, port), nz(e));
  u32 count = 0;
  e = xb_directory("control", buf, sizeof buf, &count); check("directory control has shutdown", !e && xb_dir_has(buf, count, "shutdown"), nz(e));

  /* write and read back */
  e = xb_write("data/test", "hello"); check("write data/test", !e, e);
  e = xb_read("data/test", buf, sizeof buf); check("read back data/test", !e && streq(buf, "hello"), nz(e));
  e = xb_write("control/shutdown", ""); check("write control/shutdown (the guest's own)", !e, e);

  /* mkdir, directory, rm */
  e = xb_mkdir("data/dir/sub"); check("mkdir data/dir/sub", !e, e);
  e = xb_directory("data/dir", buf, sizeof buf, &count); check("directory data/dir = [sub]", !e && count == 1 && streq(buf, "sub"), nz(e));
  e = xb_rm("data/dir"); check("rm data/dir", !e, e);
  e = xb_read("data/dir/sub", buf, sizeof buf); check("rm removed the subtree (ENOENT)", streq(e, "ENOENT"), nz(e));
  e = xb_rm("data/nothing"); check("rm of a missing node under an existing parent is fine", !e, e);
  e = xb_rm("data/no/thing"); check("rm with a missing parent: ENOENT", streq(e, "ENOENT"), nz(e));

  /* permissions */
  e = xb_read("/local/domain/0/name", buf, sizeof buf); check("read of a dom0-only node: EACCES", streq(e, "EACCES"), nz(e));
  e = xb_write("/local/domain/0/name", "x"); check("write of a dom0-only node: EACCES", streq(e, "EACCES"), nz(e));
  e = xb_write("name", "x"); check("write of a read-only node: EACCES", streq(e, "EACCES"), nz(e));
  e = xb_write("/tool/mine", "x"); check("create under a dom0-only node: EACCES", streq(e, "EACCES"), nz(e));
  e = xb_read("/local/domain/0/nothing", buf, sizeof buf); check("missing node under an unreadable parent: EACCES", streq(e, "EACCES"), nz(e));
  e = xb_talk(XS_GET_PERMS, 0, "data/test", 0); check("data/test is the guest's (n1)", !e && streq(xb_reply, "n1"), nz(e));
  {
    const void *parts[3] = { "data/test", "n0", "r1" }; u32 lens[3] = { 10, 3, 3 };
    e = xb_talkv(XS_SET_PERMS, 0, parts, lens, 3); check("giving a node away: EPERM", streq(e, "EPERM"), nz(e));
    const void *parts2[3] = { "data/test", "n1", "r0" };
    e = xb_talkv(XS_SET_PERMS, 0, parts2, lens, 3); check("set-perms n1 r0 on its own node", !e, e);
  }
  e = xb_talk(XS_INTRODUCE, 0, "1", 0); check("XS_INTRODUCE from a domU: EACCES", streq(e, "EACCES"), nz(e));

  /* ENOENT and EINVAL */
  e = xb_read("data/nonexistent", buf, sizeof buf); check("read of a missing node: ENOENT", streq(e, "ENOENT"), nz(e));
  e = xb_read("data//x", buf, sizeof buf); check("'//' in a path: EINVAL", streq(e, "EINVAL"), nz(e));
  e = xb_read("data/x/", buf, sizeof buf); check("trailing '/': EINVAL", streq(e, "EINVAL"), nz(e));
  e = xb_read("data/a b", buf, sizeof buf); check("a space in a path: EINVAL", streq(e, "EINVAL"), nz(e));

  /* watches */
  e = xb_watch("data/w", "tok"); check("watch data/w", !e, e);
  xb_wait_watch(path, sizeof path, token, sizeof token);
  check("initial watch event (relative path, token)", streq(path, "data/w") && streq(token, "tok"), path);
  e = xb_write("data/w/x", "1"); check("write under the watch", !e, e);
  xb_wait_watch(path, sizeof path, token, sizeof token);
  check("watch event for data/w/x", streq(path, "data/w/x") && streq(token, "tok"), path);
  e = xb_watch("/local/domain/1/data/w", "abs"); check("absolute watch", !e, e);
  xb_wait_watch(path, sizeof path, token, sizeof token);
  check("absolute watch's initial event has the absolute path", streq(path, "/local/domain/1/data/w") && streq(token, "abs"), path);
  e = xb_watch("data/w", "tok"); check("the same watch again: EEXIST", streq(e, "EEXIST"), nz(e));
  e = xb_unwatch("data/w", "tok"); check("unwatch", !e, e);
  e = xb_unwatch("data/w", "tok"); check("unwatch again: ENOENT", streq(e, "ENOENT"), nz(e));
  e = xb_unwatch("/local/domain/1/data/w", "abs"); check("unwatch the absolute one", !e, e);

  /* transactions */
  u32 tx = 0;
  e = xb_transaction_start(&tx); check("transaction start", !e && tx != 0, nz(e));
  e = xb_write_tx(tx, "data/tx", "in-tx"); check("write in the transaction", !e, e);
  e = xb_read("data/tx", buf, sizeof buf); check("not visible outside before commit", streq(e, "ENOENT"), nz(e));
  e = xb_read_tx(tx, "data/tx", buf, sizeof buf); check("visible inside", !e && streq(buf, "in-tx"), nz(e));
  e = xb_transaction_end(tx, 1); check("commit", !e, e);
  e = xb_read("data/tx", buf, sizeof buf); check("visible after commit", !e && streq(buf, "in-tx"), nz(e));
  e = xb_write("data/c", "0"); check("write data/c", !e, e);
  e = xb_transaction_start(&tx); check("second transaction", !e, e);
  e = xb_read_tx(tx, "data/c", buf, sizeof buf); check("read data/c in it", !e && streq(buf, "0"), nz(e));
  e = xb_write("data/c", "outside"); check("write data/c outside the transaction", !e, e);
  e = xb_write_tx(tx, "data/d", "lost"); check("write data/d in the transaction", !e, e);
  e = xb_transaction_end(tx, 1); check("conflicting commit: EAGAIN", streq(e, "EAGAIN"), nz(e));
  e = xb_read("data/d", buf, sizeof buf); check("nothing of it applied", streq(e, "ENOENT"), nz(e));
  e = xb_transaction_end(tx, 0); check("the transaction is gone: ENOENT", streq(e, "ENOENT"), nz(e));
  e = xb_transaction_start(&tx); check("third transaction", !e, e);
  e = xb_write_tx(tx, "data/e", "x"); check("write in it", !e, e);
  e = xb_transaction_end(tx, 0); check("abort", !e, e);
  e = xb_read("data/e", buf, sizeof buf); check("aborted write not applied", streq(e, "ENOENT"), nz(e));
  e = xb_read_tx(12345, "data/test", buf, sizeof buf); check("unknown tx_id: ENOENT", streq(e, "ENOENT"), nz(e));

  e = xb_get_domain_path("1", buf, sizeof buf); check("GET_DOMAIN_PATH 1", !e && streq(buf, "/local/domain/1"), nz(e));

  /* malformed requests */
  u32 t = raw(99, 0, 0, 0); check("unknown type: XS_ERROR ENOSYS", t == XS_ERROR && streq(xb_reply, "ENOSYS"), xb_reply);
  t = raw(XS_WATCH_EVENT, 4, "a\0b", 4); check("XS_WATCH_EVENT from the guest: ENOSYS", t == XS_ERROR && streq(xb_reply, "ENOSYS"), xb_reply);
  t = raw(XS_READ, 9, "data/test", 9); check("no NUL terminator: EINVAL", t == XS_ERROR && streq(xb_reply, "EINVAL"), xb_reply);
  t = raw(XS_READ, 0, 0, 0); check("empty payload: EINVAL", t == XS_ERROR && streq(xb_reply, "EINVAL"), xb_reply);
  /* len beyond what is sent: xenstored waits for the rest, which then belongs to this request */
  {
    struct xsd_sockmsg h = { XS_READ, 0xbeef, 0, 14 };
    xb_send_raw(&h, sizeof h);
    xb_send_raw("data/test", 10);
    for (int i = 0; i < 1000; i++) hcall(29, 0 /* yield */, 0, 0, 0, 0);
    check("a short payload gets no reply yet", !xb_response_ready(), 0);
    xb_send_raw("xyz", 4);
    t = xb_recv(0);
    check("two strings where one is expected: EINVAL", t == XS_ERROR && streq(xb_reply, "EINVAL") && xb_reply_hdr.req_id == 0xbeef, xb_reply);
  }
  for (u32 i = 0; i < 4000; i++) buf[i] = 'a';
  buf[0] = 'd'; buf[1] = 'a'; buf[2] = 't'; buf[3] = 'a'; buf[4] = '/';
  buf[4000] = 0;
  e = xb_write("data/big", buf); check("a value over the node-size quota: ENOSPC", streq(e, "ENOSPC"), nz(e));
  e = xb_read(buf, buf + 4100, 16); check("a path over XENSTORE_REL_PATH_MAX: EINVAL", streq(e, "EINVAL"), nz(e));
  e = xb_read("data/test", buf, sizeof buf); check("the store still works", !e && streq(buf, "hello"), nz(e));

  if (has_word(si->cmd_line, "wait-shutdown")) {
    e = xb_watch("control/shutdown", "shutdown"); check("watch control/shutdown", !e, e);
    xb_wait_watch(path, sizeof path, token, sizeof token); /* the initial event */
    e = xb_write("data/ready", "1"); check("tell the host we are ready", !e, e);
    for (;;) {
      xb_wait_watch(path, sizeof path, token, sizeof token);
      e = xb_read("control/shutdown", buf, sizeof buf);
      if (!e && streq(buf, "poweroff")) break;
    }
    kputs("xenstore: control/shutdown = poweroff\n");
  } else {
    /* last: a header beyond XENSTORE_PAYLOAD_MAX breaks the connection for good */
    struct xsd_sockmsg h = { XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };
    xb_send_raw(&h, sizeof h);
    for (int i = 0; i < 1000 && !xb_intf->error; i++) hcall(29, 0, 0, 0, 0, 0);
    check("len > XENSTORE_PAYLOAD_MAX: ring error XENSTORE_ERROR_PROTO", xb_intf->error == 3, 0);
    check("and no reply", !xb_response_ready(), 0);
  }
  verdict("xenstore", failures == 0, "see above");
  return 0;
}
