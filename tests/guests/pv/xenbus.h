/* A small xenbus client for the PV test kernels: talks to xenstored through the store page and
 * event channel start_info names (public/io/xs_wire.h). The store page is found as a guest
 * kernel finds it: its pseudo-physical frame from the M2P table (at the hypervisor area's start,
 * XENVER_platform_parameters), then its address in the kernel's linear mapping at XB_VIRT_BASE.
 * Waiting is SCHEDOP_poll on the store port (events need not be enabled); the port's pending bit
 * is cleared in shared_info, which xb_init maps at a page of its own.
 *
 * Every request function returns 0 on success, else the error name xenstored sent ("ENOENT",
 * "EACCES", ...) or "EPROTO" when the reply made no sense. Watch events arriving while a reply
 * is awaited are queued for xb_wait_watch. Include once per kernel (the state is static). */
#ifndef XENBUS_H
#define XENBUS_H
#include "pvlib.h"

#ifndef XB_VIRT_BASE
#define XB_VIRT_BASE 0xC0000000u
#endif

enum {
  XS_DIRECTORY = 1, XS_READ = 2, XS_GET_PERMS = 3, XS_WATCH = 4, XS_UNWATCH = 5,
  XS_TRANSACTION_START = 6, XS_TRANSACTION_END = 7, XS_INTRODUCE = 8, XS_GET_DOMAIN_PATH = 10, XS_WRITE = 11,
  XS_MKDIR = 12, XS_RM = 13, XS_SET_PERMS = 14, XS_WATCH_EVENT = 15, XS_ERROR = 16,
  XS_RESET_WATCHES = 21, XS_DIRECTORY_PART = 22,
};
#define XENSTORE_RING_SIZE 1024
#define XENSTORE_PAYLOAD_MAX 4096

struct xsd_sockmsg { u32 type, req_id, tx_id, len; };
struct xenstore_domain_interface {
  char req[XENSTORE_RING_SIZE];
  char rsp[XENSTORE_RING_SIZE];
  volatile u32 req_cons, req_prod, rsp_cons, rsp_prod;
  volatile u32 server_features, connection, error;
};

static volatile struct xenstore_domain_interface *xb_intf;
static u32 xb_port;
static u32 xb_req_id = 1;
static u8 xb_shinfo[4096] __attribute__((aligned(4096)));
/* The last reply (NUL-terminated for convenience) and its header. */
static char xb_reply[XENSTORE_PAYLOAD_MAX + 1];
static struct xsd_sockmsg xb_reply_hdr;

#define XB_MAX_EVENTS 8
static struct { char path[256]; char token[64]; } xb_events[XB_MAX_EVENTS];
static u32 xb_ev_head, xb_ev_count;

static inline void xb_barrier(void) { __asm__ volatile("" ::: "memory"); }

static inline int xb_kstreq(const char *a, const char *b) { while (*a && *a == *b) { a++; b++; } return *a == *b; }
static inline void xb_kstrcpy(char *d, const char *s, u32 cap) { u32 i = 0; for (; s[i] && i + 1 < cap; i++) d[i] = s[i]; if (cap) d[i] = 0; }

static inline void xb_notify(void) { u32 p = xb_port; hcall(32, 4 /* EVTCHNOP_send */, (u32)&p, 0, 0, 0); }

/* Wait until the store port is (or was) notified: clear its pending bit first, so a
 * notification that came after the caller's check still ends the poll at once. */
static inline void xb_wait(void) {
  struct { u32 ports, nr_ports; u32 timeout_lo, timeout_hi; } poll;
  u32 port = xb_port;
  poll.ports = (u32)&port; poll.nr_ports = 1; poll.timeout_lo = 0; poll.timeout_hi = 0;
  hcall(29, 3 /* SCHEDOP_poll */, (u32)&poll, 0, 0, 0);
}
static inline void xb_clear_pending(void) {
  volatile u32 *pending = (volatile u32 *)(xb_shinfo + 2048);
  __asm__ volatile("lock btrl %1, %0" : "+m"(pending[xb_port / 32]) : "r"(xb_port % 32) : "memory");
}

/* Find the store page and port; 0 on success. */
static inline int xb_init(struct start_info *si) {
  u32 params[1];
  if (hcall(17, 5 /* XENVER_platform_parameters */, (u32)params, 0, 0, 0) != 0) return -1;
  const u32 *m2p = (const u32 *)params[0];
  xb_intf = (volatile struct xenstore_domain_interface *)(XB_VIRT_BASE + m2p[si->store_mfn] * 4096);
  xb_port = si->store_evtchn;
  /* update_va_mapping(shared_info page -> xb_shinfo, present|writable|accessed|dirty, INVLPG) */
  if (hcall(14, (u32)xb_shinfo, si->shared_info | 0x63, 0, 2, 0) != 0) return -2;
  return 0;
}

/* Copy `len` bytes into the request ring, waiting for room. */
static inline void xb_put(const void *data, u32 len) {
  const char *p = data;
  while (len) {
    xb_clear_pending();
    u32 cons = xb_intf->req_cons, prod = xb_intf->req_prod;
    xb_barrier();
    u32 room = XENSTORE_RING_SIZE - (prod - cons);
    if (room == 0) { xb_notify(); xb_wait(); continue; }
    u32 n = len < room ? len : room;
    for (u32 i = 0; i < n; i++) xb_intf->req[(prod + i) & (XENSTORE_RING_SIZE - 1)] = p[i];
    xb_barrier();
    xb_intf->req_prod = prod + n;
    p += n; len -= n;
    xb_notify();
  }
}

/* Copy `len` bytes out of the response ring, waiting for them. */
static inline void xb_get(void *data, u32 len) {
  char *p = data;
  while (len) {
    xb_clear_pending();
    u32 cons = xb_intf->rsp_cons, prod = xb_intf->rsp_prod;
    xb_barrier();
    u32 avail = prod - cons;
    if (avail == 0) { xb_wait(); continue; }
    u32 n = len < avail ? len : avail;
    for (u32 i = 0; i < n; i++) p[i] = xb_intf->rsp[(cons + i) & (XENSTORE_RING_SIZE - 1)];
    xb_barrier();
    xb_intf->rsp_cons = cons + n;
    p += n; len -= n;
    xb_notify();
  }
}

/* Is a complete response header waiting? (for polling without blocking) */
static inline int xb_response_ready(void) { return xb_intf->rsp_prod - xb_intf->rsp_cons >= sizeof(struct xsd_sockmsg); }

/* Read the next message into xb_reply_hdr / xb_reply; a watch event is queued and the next
 * message read, unless `events_too`. */
static inline u32 xb_recv(int events_too) {
  for (;;) {
    xb_get(&xb_reply_hdr, sizeof xb_reply_hdr);
    u32 len = xb_reply_hdr.len > XENSTORE_PAYLOAD_MAX ? XENSTORE_PAYLOAD_MAX : xb_reply_hdr.len;
    xb_get(xb_reply, len);
    xb_reply[len] = 0;
    if (xb_reply_hdr.type != XS_WATCH_EVENT || events_too) return xb_reply_hdr.type;
    if (xb_ev_count < XB_MAX_EVENTS) {
      u32 k = (xb_ev_head + xb_ev_count++) % XB_MAX_EVENTS;
      xb_kstrcpy(xb_events[k].path, xb_reply, sizeof xb_events[k].path);
      u32 pl = kstrlen(xb_reply) + 1;
      xb_kstrcpy(xb_events[k].token, pl < len ? xb_reply + pl : "", sizeof xb_events[k].token);
    }
  }
}

/* Send raw bytes as they are (a header the caller built and any payload): for tests of bad
 * requests. */
static inline void xb_send_raw(const void *data, u32 len) { xb_put(data, len); }

/* One request: header, then the pieces (each `lens[i]` bytes), then its reply. */
static inline const char *xb_talkv(u32 type, u32 tx, const void *const *parts, const u32 *lens, u32 n) {
  struct xsd_sockmsg h;
  h.type = type; h.req_id = xb_req_id++; h.tx_id = tx; h.len = 0;
  for (u32 i = 0; i < n; i++) h.len += lens[i];
  xb_put(&h, sizeof h);
  for (u32 i = 0; i < n; i++) xb_put(parts[i], lens[i]);
  u32 t = xb_recv(0);
  if (xb_reply_hdr.req_id != h.req_id) return "EPROTO";
  if (t == XS_ERROR) return xb_reply;
  if (t != type) return "EPROTO";
  return 0;
}
/* A request whose payload is the given strings, each with its NUL. */
static inline const char *xb_talk(u32 type, u32 tx, const char *a, const char *b) {
  const void *parts[2] = { a, b };
  u32 lens[2] = { kstrlen(a) + 1, b ? kstrlen(b) + 1 : 0 };
  return xb_talkv(type, tx, parts, lens, b ? 2 : 1);
}

static inline const char *xb_read_tx(u32 tx, const char *path, char *buf, u32 len) {
  const char *e = xb_talk(XS_READ, tx, path, 0);
  if (!e) xb_kstrcpy(buf, xb_reply, len);
  return e;
}
static inline const char *xb_read(const char *path, char *buf, u32 len) { return xb_read_tx(0, path, buf, len); }
/* XS_WRITE: the value without a NUL, as xenstore clients send it. */
static inline const char *xb_write_tx(u32 tx, const char *path, const char *value) {
  const void *parts[2] = { path, value };
  u32 lens[2] = { kstrlen(path) + 1, kstrlen(value) };
  return xb_talkv(XS_WRITE, tx, parts, lens, 2);
}
static inline const char *xb_write(const char *path, const char *value) { return xb_write_tx(0, path, value); }
static inline const char *xb_mkdir(const char *path) { return xb_talk(XS_MKDIR, 0, path, 0); }
static inline const char *xb_rm(const char *path) { return xb_talk(XS_RM, 0, path, 0); }
/* XS_DIRECTORY: the children, NUL-separated, in buf; *count of them. */
static inline const char *xb_directory(const char *path, char *buf, u32 len, u32 *count) {
  const char *e = xb_talk(XS_DIRECTORY, 0, path, 0);
  if (e) return e;
  u32 n = xb_reply_hdr.len < len ? xb_reply_hdr.len : len, c = 0;
  for (u32 i = 0; i < n; i++) { buf[i] = xb_reply[i]; if (!buf[i]) c++; }
  if (count) *count = c;
  return 0;
}
/* Is `name` one of the NUL-separated entries in buf[0..count)? */
static inline int xb_dir_has(const char *buf, u32 count, const char *name) {
  for (u32 i = 0; i < count; i++) { if (xb_kstreq(buf, name)) return 1; buf += kstrlen(buf) + 1; }
  return 0;
}
static inline const char *xb_watch(const char *path, const char *token) { return xb_talk(XS_WATCH, 0, path, token); }
static inline const char *xb_unwatch(const char *path, const char *token) { return xb_talk(XS_UNWATCH, 0, path, token); }
/* Wait for the next watch event (queued ones first). */
static inline void xb_wait_watch(char *path, u32 plen, char *token, u32 tlen) {
  while (!xb_ev_count) {
    u32 t = xb_recv(1);
    if (t == XS_WATCH_EVENT) {
      u32 pl = kstrlen(xb_reply) + 1;
      xb_kstrcpy(path, xb_reply, plen);
      xb_kstrcpy(token, pl < xb_reply_hdr.len ? xb_reply + pl : "", tlen);
      return;
    }
  }
  xb_kstrcpy(path, xb_events[xb_ev_head].path, plen);
  xb_kstrcpy(token, xb_events[xb_ev_head].token, tlen);
  xb_ev_head = (xb_ev_head + 1) % XB_MAX_EVENTS; xb_ev_count--;
}
static inline const char *xb_transaction_start(u32 *tx) {
  const char *e = xb_talk(XS_TRANSACTION_START, 0, "", 0);
  if (e) return e;
  u32 v = 0;
  for (const char *p = xb_reply; *p >= '0' && *p <= '9'; p++) v = v * 10 + (u32)(*p - '0');
  *tx = v;
  return 0;
}
/* commit != 0: "T" (may fail with EAGAIN: start again), else "F" (abort). */
static inline const char *xb_transaction_end(u32 tx, int commit) { return xb_talk(XS_TRANSACTION_END, tx, commit ? "T" : "F", 0); }
static inline const char *xb_get_domain_path(const char *domid, char *buf, u32 len) {
  const char *e = xb_talk(XS_GET_DOMAIN_PATH, 0, domid, 0);
  if (!e) xb_kstrcpy(buf, xb_reply, len);
  return e;
}
#endif
