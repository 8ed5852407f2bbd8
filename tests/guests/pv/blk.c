/* The block device as a PV guest uses it (blkfront.h): connect to xvda (read-write) and xvdb
 * (read-only, with a two-page ring), write patterns across xvda (whole and partial pages,
 * several segments, several requests in flight, an indirect request when the back end offers
 * them), FLUSH and print "FLUSHED <n>" once the flush is acknowledged, read everything back
 * into cleared pages and compare; then check xvdb reads and refuses a write with
 * BLKIF_RSP_ERROR. With "forever" on the command line: write a 64-sector region per round
 * (round r at sector 64 r, wrapping), each sector stamped with its round and number, FLUSH,
 * print "FLUSHED <r>", forever (the host kills it and checks the image). */
#include "blkfront.h"

#define NBUF 40
static u8 bufs[NBUF][4096] __attribute__((aligned(4096)));
static u8 ring_a[4096] __attribute__((aligned(4096)));
static u8 ring_b[2 * 4096] __attribute__((aligned(4096)));
static u8 indirect_page[4096] __attribute__((aligned(4096)));
#define REF_RING_A 8
#define REF_RING_B 10
#define REF_INDIRECT 12
#define REF_BUF(k) (16 + (k))

static int failures;
static void check(const char *what, int ok) {
  if (!ok) { kputs("  FAIL "); kputs(what); kputs("\n"); failures++; }
}
static int has(const char *hay, const char *w) {
  for (u32 i = 0; hay[i]; i++) { u32 k = 0; while (w[k] && hay[i + k] == w[k]) k++; if (!w[k]) return 1; }
  return 0;
}

/* The word at index i of sector s, round r. */
static inline u32 pattern(u32 s, u32 r, u32 i) {
  if (i == 0) return 0x584a4b31; /* "1KJX" */
  if (i == 1) return r;
  if (i == 2) return s;
  return (s * 2654435761u) ^ (r << 20) ^ (i * 40503u);
}
static void fill(u8 *page, u32 first_sect, u32 last_sect, u32 sector, u32 round) {
  for (u32 k = first_sect; k <= last_sect; k++) {
    u32 *w = (u32 *)(page + k * 512);
    for (u32 i = 0; i < 128; i++) w[i] = pattern(sector + (k - first_sect), round, i);
  }
}
static int same(const u8 *page, u32 first_sect, u32 last_sect, u32 sector, u32 round) {
  for (u32 k = first_sect; k <= last_sect; k++) {
    const u32 *w = (const u32 *)(page + k * 512);
    for (u32 i = 0; i < 128; i++) if (w[i] != pattern(sector + (k - first_sect), round, i)) return 0;
  }
  return 1;
}

/* One request: `n` segments, page k of bufs[first + k] from first_sect (only the first segment)
 * to last_sect (only the last), at `sector`. */
static void rw(struct blkfront *bf, u8 op, u32 id, u32 sector, u32 first, u32 n, u32 fs, u32 ls) {
  struct blkif_request *r = bf_next(bf);
  r->operation = op; r->nr_segments = n; r->id = id; r->sector_number = sector;
  for (u32 k = 0; k < n; k++) {
    r->seg[k].gref = REF_BUF(first + k);
    r->seg[k].first_sect = k == 0 ? fs : 0;
    r->seg[k].last_sect = k == n - 1 ? ls : 7;
  }
  bf_queued(bf);
}
static int flush(struct blkfront *bf, u32 id) {
  struct blkif_request *r = bf_next(bf);
  r->operation = BLKIF_OP_FLUSH_DISKCACHE; r->nr_segments = 0; r->id = id;
  bf_queued(bf); bf_push(bf);
  struct blkif_response rsp = bf_response(bf);
  return rsp.id == id && rsp.operation == BLKIF_OP_FLUSH_DISKCACHE && rsp.status == BLKIF_RSP_OKAY;
}
static void say_flushed(u32 n) { char b[12]; bf_utoa(n, b); kputs("FLUSHED "); kputs(b); kputs("\n"); }
/* Collect `n` responses; count those that are OKAY with ids in [id0, id0 + n). */
static u32 collect(struct blkfront *bf, u32 n, u32 id0) {
  u32 ok = 0, seen = 0;
  for (u32 k = 0; k < n; k++) {
    struct blkif_response r = bf_response(bf);
    if (r.status == BLKIF_RSP_OKAY && r.id >= id0 && r.id < id0 + n && !(seen & (1u << (r.id - id0)))) { ok++; seen |= 1u << (r.id - id0); }
  }
  return ok;
}

static void forever(struct blkfront *bf) {
  u32 regions = bf->sectors / 64;
  for (u32 round = 1;; round++) {
    u32 base = (round % regions) * 64;
    for (u32 k = 0; k < 8; k++) fill(bufs[k], 0, 7, base + k * 8, round);
    rw(bf, BLKIF_OP_WRITE, 1, base, 0, 3, 0, 7);
    rw(bf, BLKIF_OP_WRITE, 2, base + 24, 3, 5, 0, 7);
    bf_push(bf);
    if (collect(bf, 2, 1) != 2) { verdict("blk", 0, "forever: a write failed"); return; }
    if (!flush(bf, 3)) { verdict("blk", 0, "forever: the flush failed"); return; }
    say_flushed(round);
  }
}

long kmain(struct start_info *si) {
  static struct blkfront a, b;
  kputs("blk: block I/O through blkif\n");
  if (xb_init(si) || bf_grant_init(si)) { verdict("blk", 0, "xenbus/grant init"); return 0; }
  for (u32 k = 0; k < NBUF; k++) bf_grant(REF_BUF(k), bf_mfn_of(bufs[k]), 0, 0);
  bf_grant(REF_INDIRECT, bf_mfn_of(indirect_page), 0, 1);
  if (bf_connect(&a, 51712, ring_a, 0, REF_RING_A)) { verdict("blk", 0, a.error); return 0; }
  check("xvda is writable", !(a.info & VDISK_READONLY));
  check("xvda offers flushes", a.flush == 1);
  check("xvda has at least 4096 sectors", a.sectors >= 4096);
  if (has(si->cmd_line, "forever")) { forever(&a); return 0; }

  /* Writes: 4 requests in flight, of 11, 1 (partial page), 6 and 3 segments, at the start,
   * the middle and the end of the disk. */
  u32 mid = a.sectors / 2, end = a.sectors - 16;
  for (u32 k = 0; k < 11; k++) fill(bufs[k], 0, 7, 0 + k * 8, 1);
  fill(bufs[11], 2, 5, 200, 1);
  for (u32 k = 0; k < 6; k++) fill(bufs[12 + k], 0, 7, mid + k * 8, 1);
  fill(bufs[18], 3, 7, end - 5, 1); fill(bufs[19], 0, 7, end, 1); fill(bufs[20], 0, 7, end + 8, 1);
  rw(&a, BLKIF_OP_WRITE, 10, 0, 0, 11, 0, 7);
  rw(&a, BLKIF_OP_WRITE, 11, 200, 11, 1, 2, 5);
  rw(&a, BLKIF_OP_WRITE, 12, mid, 12, 6, 0, 7);
  rw(&a, BLKIF_OP_WRITE, 13, end - 5, 18, 3, 3, 7);
  bf_push(&a);
  check("4 writes acknowledged", collect(&a, 4, 10) == 4);
  check("flush 1", flush(&a, 20));
  say_flushed(1);

  /* An indirect write of 24 pages, when offered. */
  u32 ind = a.sectors / 4;
  if (a.max_indirect >= 24) {
    struct blkif_request_segment *seg = (struct blkif_request_segment *)indirect_page;
    for (u32 k = 0; k < 24; k++) { fill(bufs[k], 0, 7, ind + k * 8, 2); seg[k].gref = REF_BUF(k); seg[k].first_sect = 0; seg[k].last_sect = 7; }
    struct blkif_request_indirect *r = (struct blkif_request_indirect *)bf_next(&a);
    r->operation = BLKIF_OP_INDIRECT; r->indirect_op = BLKIF_OP_WRITE; r->nr_segments = 24; r->id = 30;
    r->sector_number = ind; r->indirect_grefs[0] = REF_INDIRECT;
    bf_queued(&a); bf_push(&a);
    check("indirect write acknowledged", collect(&a, 1, 30) == 1);
    check("flush 2", flush(&a, 31));
    say_flushed(2);
  } else check("the back end offers indirect segments", 0);

  /* Read everything back into cleared pages. */
  for (u32 k = 0; k < NBUF; k++) for (u32 i = 0; i < 4096; i++) bufs[k][i] = 0;
  rw(&a, BLKIF_OP_READ, 40, 0, 0, 11, 0, 7);
  rw(&a, BLKIF_OP_READ, 41, 200, 11, 1, 2, 5);
  rw(&a, BLKIF_OP_READ, 42, mid, 12, 6, 0, 7);
  rw(&a, BLKIF_OP_READ, 43, end - 5, 18, 3, 3, 7);
  rw(&a, BLKIF_OP_READ, 44, ind, 21, 11, 0, 7);
  bf_push(&a);
  check("5 reads acknowledged", collect(&a, 5, 40) == 5);
  int ok = 1;
  for (u32 k = 0; k < 11; k++) ok &= same(bufs[k], 0, 7, k * 8, 1);
  check("read back the first 11 pages", ok);
  check("read back the partial page", same(bufs[11], 2, 5, 200, 1) && bufs[11][0] == 0 && bufs[11][6 * 512] == 0);
  ok = 1; for (u32 k = 0; k < 6; k++) ok &= same(bufs[12 + k], 0, 7, mid + k * 8, 1);
  check("read back the middle", ok);
  check("read back the end", same(bufs[18], 3, 7, end - 5, 1) && same(bufs[19], 0, 7, end, 1) && same(bufs[20], 0, 7, end + 8, 1));
  ok = 1; for (u32 k = 0; k < 11; k++) ok &= same(bufs[21 + k], 0, 7, ind + k * 8, 2);
  check("read back the indirect write", ok);
  check("no grant left busy", !(bf_grant_flags(REF_BUF(0)) & 0x18) && !(bf_grant_flags(REF_INDIRECT) & 0x18));

  /* xvdb: read-only, two-page ring. */
  if (bf_connect(&b, 51728, ring_b, 1, REF_RING_B)) { check(b.error, 0); }
  else {
    check("xvdb is read-only", (b.info & VDISK_READONLY) != 0);
    fill(bufs[0], 0, 7, 0, 9);
    rw(&b, BLKIF_OP_WRITE, 50, 0, 0, 1, 0, 7);
    bf_push(&b);
    struct blkif_response r = bf_response(&b);
    check("a write to xvdb is BLKIF_RSP_ERROR", r.id == 50 && r.operation == BLKIF_OP_WRITE && r.status == BLKIF_RSP_ERROR);
    rw(&b, BLKIF_OP_READ, 51, 8, 1, 2, 0, 7);
    bf_push(&b);
    r = bf_response(&b);
    check("a read of xvdb is BLKIF_RSP_OKAY", r.id == 51 && r.status == BLKIF_RSP_OKAY);
    struct blkif_request *q = bf_next(&b);
    q->operation = BLKIF_OP_FLUSH_DISKCACHE; q->id = 52; bf_queued(&b); bf_push(&b);
    r = bf_response(&b);
    check("a flush of xvdb is BLKIF_RSP_ERROR", r.id == 52 && r.status == BLKIF_RSP_ERROR);
  }
  verdict("blk", failures == 0, "see above");
  return 0;
}
