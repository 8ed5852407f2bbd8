/* A minimal blkif front end for the PV test kernels, written from public/io/blkif.h,
 * public/io/ring.h and public/grant_table.h: the grant table set up and mapped, pages granted
 * to dom0, a shared ring (one page or 2^order pages), an event channel allocated for dom0, the
 * xenbus handshake as blkfront does it (wait for the back end's InitWait, publish ring-ref /
 * event-channel / protocol, Initialised, wait for Connected, read sectors / info / features,
 * Connected), and request submission with the front-ring macros. Waiting is SCHEDOP_poll on
 * the device's port (events stay masked). Include after xenbus.h, once per kernel. */
#ifndef BLKFRONT_H
#define BLKFRONT_H
#include "xenbus.h"

#define BLKIF_OP_READ 0
#define BLKIF_OP_WRITE 1
#define BLKIF_OP_WRITE_BARRIER 2
#define BLKIF_OP_FLUSH_DISKCACHE 3
#define BLKIF_OP_DISCARD 5
#define BLKIF_OP_INDIRECT 6
#define BLKIF_RSP_EOPNOTSUPP (-2)
#define BLKIF_RSP_ERROR (-1)
#define BLKIF_RSP_OKAY 0
#define BLKIF_MAX_SEGMENTS_PER_REQUEST 11
#define GTF_permit_access 1
#define GTF_readonly 4
#define VDISK_READONLY 4

struct blkif_request_segment { u32 gref; u8 first_sect, last_sect; u16 pad; };
/* i386: uint64_t is 4-byte aligned inside structures, so id sits at 4 and the request is 108
 * bytes. */
struct blkif_request {
  u8 operation; u8 nr_segments; u16 handle; u64 id; u64 sector_number;
  struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};
struct blkif_request_indirect {
  u8 operation; u8 indirect_op; u16 nr_segments; u64 id; u64 sector_number; u16 handle; u16 pad1;
  u32 indirect_grefs[8]; u64 pad;
};
struct blkif_request_discard { u8 operation; u8 flag; u16 handle; u64 id; u64 sector_number; u64 nr_sectors; };
struct blkif_response { u64 id; u8 operation; short status; };
union blkif_sring_entry { struct blkif_request req; struct blkif_response rsp; };
struct blkif_sring {
  volatile u32 req_prod, req_event, rsp_prod, rsp_event;
  u8 pvt[4]; u8 pad[44];
  union blkif_sring_entry ring[];
};
struct grant_entry_v1 { volatile u16 flags; u16 domid; u32 frame; };

static struct start_info *bf_si;
static volatile struct grant_entry_v1 *bf_gnttab;
static u8 bf_gnttab_page[4096] __attribute__((aligned(4096)));

static inline u32 bf_mfn_of(const void *va) { return ((const u32 *)bf_si->mfn_list)[((u32)va - XB_VIRT_BASE) >> 12]; }

/* GNTTABOP_setup_table for one frame, mapped at bf_gnttab_page. 0 on success. */
static inline int bf_grant_init(struct start_info *si) {
  bf_si = si;
  u32 frame = 0;
  struct { u16 dom; u16 pad; u32 nr_frames; short status; u16 pad2; u32 frame_list; } op = { 0x7ff0, 0, 1, 0, 0, (u32)&frame };
  if (hcall(20, 2 /* GNTTABOP_setup_table */, (u32)&op, 1, 0, 0) != 0 || op.status != 0) return -1;
  if (hcall(14, (u32)bf_gnttab_page, frame * 4096 | 0x63, 0, 2, 0) != 0) return -2;
  bf_gnttab = (volatile struct grant_entry_v1 *)bf_gnttab_page;
  return 0;
}
/* gnttab_grant_foreign_access_ref: frame and domid first, then the flags. */
static inline void bf_grant(u32 ref, u32 mfn, u16 domid, int readonly) {
  bf_gnttab[ref].frame = mfn;
  bf_gnttab[ref].domid = domid;
  xb_barrier();
  bf_gnttab[ref].flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
}
static inline u16 bf_grant_flags(u32 ref) { return bf_gnttab[ref].flags; }

static inline u32 bf_alloc_unbound(void) {
  struct { u16 dom, remote_dom; u32 port; } op = { 0x7ff0, 0, 0 };
  if (hcall(32, 6 /* EVTCHNOP_alloc_unbound */, (u32)&op, 0, 0, 0) != 0) return 0;
  return op.port;
}
static inline void bf_notify(u32 port) { u32 p = port; hcall(32, 4 /* EVTCHNOP_send */, (u32)&p, 0, 0, 0); }
static inline void bf_clear_pending(u32 port) {
  volatile u32 *pending = (volatile u32 *)(xb_shinfo + 2048);
  __asm__ volatile("lock btrl %1, %0" : "+m"(pending[port / 32]) : "r"(port % 32) : "memory");
}
/* SCHEDOP_poll on `port`; timeout_ns > 0 gives up that long after the last time update. */
static inline void bf_poll(u32 port, u32 timeout_ns) {
  struct { u32 ports, nr_ports; u32 timeout_lo, timeout_hi; } poll;
  u32 p = port;
  u64 deadline = 0;
  if (timeout_ns) deadline = *(volatile u64 *)(xb_shinfo + 48) + timeout_ns;
  poll.ports = (u32)&p; poll.nr_ports = 1; poll.timeout_lo = (u32)deadline; poll.timeout_hi = (u32)(deadline >> 32);
  hcall(29, 3 /* SCHEDOP_poll */, (u32)&poll, 0, 0, 0);
}

static inline void bf_utoa(u32 v, char *b) { char t[12]; int i = 0; do { t[i++] = '0' + v % 10; v /= 10; } while (v); int k = 0; while (i) b[k++] = t[--i]; b[k] = 0; }
static inline u32 bf_atou(const char *s) { u32 v = 0; while (*s >= '0' && *s <= '9') v = v * 10 + (u32)(*s++ - '0'); return v; }
static inline void bf_cat(char *d, const char *a, const char *b) { u32 i = 0; while (*a) d[i++] = *a++; while (*b) d[i++] = *b++; d[i] = 0; }

struct blkfront {
  char front[64], back[96];
  u32 port, nr_pages, ring_size, req_prod_pvt, rsp_cons;
  struct blkif_sring *sring;
  u32 sectors, info, max_indirect, flush;
  const char *error;
};

static inline u32 bf_read_uint(const char *dir, const char *node, u32 dflt) {
  char path[160], val[32];
  bf_cat(path, dir, node);
  if (xb_read(path, val, sizeof val)) return dflt;
  return bf_atou(val);
}
static inline const char *bf_write_uint(const char *dir, const char *node, u32 v) {
  char path[160], val[16];
  bf_cat(path, dir, node); bf_utoa(v, val);
  return xb_write(path, val);
}
/* Wait (through a watch) until the back end's state is `want`; 0 if it settled elsewhere. */
static inline int bf_wait_backend(struct blkfront *bf, u32 want) {
  char path[160], ev[160], tok[16];
  bf_cat(path, bf->back, "/state");
  for (int i = 0; i < 64; i++) {
    u32 s = bf_read_uint(bf->back, "/state", 0);
    if (s == want) return 1;
    if (s == 5 || s == 6) return 0;
    xb_wait_watch(ev, sizeof ev, tok, sizeof tok);
  }
  return 0;
}

/* Connect to vbd `devid` with the ring in `ring_pages` (2^order pages, 4096-aligned), granted
 * as refs first_ref.. . 0 on success, else a description in bf->error. */
static inline int bf_connect(struct blkfront *bf, u32 devid, void *ring_pages, u32 order, u32 first_ref) {
  char num[12], path[160], ev[160], tok[16];
  bf->error = 0;
  bf_utoa(devid, num);
  bf_cat(bf->front, "device/vbd/", num);
  bf_cat(path, bf->front, "/backend");
  if (xb_read(path, bf->back, sizeof bf->back)) { bf->error = "no backend node"; return -1; }
  bf_cat(path, bf->back, "/state");
  if (xb_watch(path, "be")) { bf->error = "watch"; return -1; }
  if (!bf_wait_backend(bf, 2)) { bf->error = "backend never reached InitWait"; return -1; }
  bf->max_indirect = bf_read_uint(bf->back, "/feature-max-indirect-segments", 0);
  bf->nr_pages = 1u << order;
  bf->sring = ring_pages;
  u8 *p = ring_pages;
  for (u32 i = 0; i < bf->nr_pages * 4096; i++) p[i] = 0;
  /* SHARED_RING_INIT / FRONT_RING_INIT */
  bf->sring->req_event = 1; bf->sring->rsp_event = 1;
  bf->req_prod_pvt = 0; bf->rsp_cons = 0;
  u32 slots = (bf->nr_pages * 4096 - 64) / sizeof(union blkif_sring_entry), size = 1;
  while (size * 2 <= slots) size *= 2;
  bf->ring_size = size;
  for (u32 k = 0; k < bf->nr_pages; k++) bf_grant(first_ref + k, bf_mfn_of(p + k * 4096), 0, 0);
  bf->port = bf_alloc_unbound();
  if (!bf->port) { bf->error = "alloc_unbound"; return -1; }
  if (order == 0) { if (bf_write_uint(bf->front, "/ring-ref", first_ref)) { bf->error = "write ring-ref"; return -1; } }
  else {
    bf_write_uint(bf->front, "/ring-page-order", order);
    for (u32 k = 0; k < bf->nr_pages; k++) { char n[16]; bf_cat(n, "/ring-ref", ""); bf_utoa(k, n + 9); bf_write_uint(bf->front, n, first_ref + k); }
  }
  bf_write_uint(bf->front, "/event-channel", bf->port);
  bf_cat(path, bf->front, "/protocol"); xb_write(path, "x86_32-abi");
  bf_write_uint(bf->front, "/state", 3);
  if (!bf_wait_backend(bf, 4)) { bf->error = "backend never Connected"; return -1; }
  bf->sectors = bf_read_uint(bf->back, "/sectors", 0);
  bf->info = bf_read_uint(bf->back, "/info", 0);
  bf->flush = bf_read_uint(bf->back, "/feature-flush-cache", 0);
  if (bf_read_uint(bf->back, "/sector-size", 0) != 512) { bf->error = "sector-size"; return -1; }
  bf_write_uint(bf->front, "/state", 4);
  bf_cat(path, bf->back, "/state");
  xb_unwatch(path, "be");
  (void)ev; (void)tok;
  return 0;
}

/* RING_GET_REQUEST at req_prod_pvt (the caller fills it, then bf_queued). */
static inline struct blkif_request *bf_next(struct blkfront *bf) {
  union blkif_sring_entry *e = &bf->sring->ring[bf->req_prod_pvt & (bf->ring_size - 1)];
  u8 *b = (u8 *)e;
  for (u32 i = 0; i < sizeof *e; i++) b[i] = 0;
  return &e->req;
}
static inline void bf_queued(struct blkfront *bf) { bf->req_prod_pvt++; }
/* RING_PUSH_REQUESTS_AND_CHECK_NOTIFY, then notify if asked. */
static inline void bf_push(struct blkfront *bf) {
  u32 old = bf->sring->req_prod, now = bf->req_prod_pvt;
  xb_barrier();
  bf->sring->req_prod = now;
  xb_barrier();
  if ((u32)(now - bf->sring->req_event) < (u32)(now - old)) bf_notify(bf->port);
}
/* The next response, waiting for it (RING_FINAL_CHECK_FOR_RESPONSES before sleeping). */
static inline struct blkif_response bf_response(struct blkfront *bf) {
  for (;;) {
    bf_clear_pending(bf->port);
    if (bf->rsp_cons != bf->sring->rsp_prod) break;
    bf->sring->rsp_event = bf->rsp_cons + 1;
    xb_barrier();
    if (bf->rsp_cons != bf->sring->rsp_prod) break;
    bf_poll(bf->port, 0);
  }
  xb_barrier();
  struct blkif_response r = bf->sring->ring[bf->rsp_cons & (bf->ring_size - 1)].rsp;
  bf->rsp_cons++;
  return r;
}
#endif
