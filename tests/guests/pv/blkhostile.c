/* A hostile blkif front end (blkfront.h): connected to xvda, it sends malformed requests one
 * at a time — unknown operations, 0 and 12 segments, first_sect > last_sect, last_sect beyond
 * the page, sectors beyond the disk or wrapping, a grant reference beyond the table, one never
 * granted, one granted to another domain, a READ into a read-only grant, indirect requests
 * with a bad inner operation, no segments, an ungranted descriptor page and a garbage
 * descriptor, a DISCARD — each must be answered with its id and BLKIF_RSP_ERROR (or
 * EOPNOTSUPP where blkback says so), the guest's pages untouched and no grant left busy. One
 * valid write (sector 1000, 8 sectors of 0xA5) and its read-back show the device still works.
 * Last, req_prod is set far beyond the ring: the back end must stop serving the ring (no
 * response comes), and the emulator must keep running (the store still answers). */
#include "blkfront.h"

static u8 bufs[4][4096] __attribute__((aligned(4096)));
static u8 ring[4096] __attribute__((aligned(4096)));
static u8 desc[4096] __attribute__((aligned(4096)));
#define REF_RING 8
#define REF_BUF 16
#define REF_RO 20
#define REF_OTHER 21
#define REF_DESC 22
#define REF_NEVER 300

static int failures;
static void check(const char *what, int ok) {
  kputs(ok ? "  ok   " : "  FAIL "); kputs(what); kputs("\n");
  if (!ok) failures++;
}
static struct blkfront bf;
static u32 next_id = 100;

/* Send one request (built by the caller in *r, id assigned here) and check the answer. */
static void expect_rsp(const char *what, struct blkif_request *r, u8 want_op, short want) {
  u32 id = next_id++;
  r->id = id;
  bf_queued(&bf); bf_push(&bf);
  struct blkif_response rsp = bf_response(&bf);
  check(what, rsp.id == id && rsp.operation == want_op && rsp.status == want);
}
static struct blkif_request *rw(u8 op, u32 nseg, u64 sector, u32 gref, u8 fs, u8 ls) {
  struct blkif_request *r = bf_next(&bf);
  r->operation = op; r->nr_segments = nseg; r->sector_number = sector;
  for (u32 k = 0; k < nseg && k < BLKIF_MAX_SEGMENTS_PER_REQUEST; k++) { r->seg[k].gref = gref; r->seg[k].first_sect = fs; r->seg[k].last_sect = ls; }
  return r;
}
static struct blkif_request *indirect(u8 inner, u16 nseg, u32 dgref) {
  struct blkif_request_indirect *r = (struct blkif_request_indirect *)bf_next(&bf);
  r->operation = BLKIF_OP_INDIRECT; r->indirect_op = inner; r->nr_segments = nseg; r->sector_number = 0;
  r->indirect_grefs[0] = dgref;
  return (struct blkif_request *)r;
}
static int all(const u8 *p, u8 v) { for (u32 i = 0; i < 4096; i++) if (p[i] != v) return 0; return 1; }

long kmain(struct start_info *si) {
  char buf[64];
  kputs("blkhostile: malformed blkif requests\n");
  if (xb_init(si) || bf_grant_init(si)) { verdict("blkhostile", 0, "xenbus/grant init"); return 0; }
  for (u32 k = 0; k < 4; k++) { bf_grant(REF_BUF + k, bf_mfn_of(bufs[k]), 0, 0); for (u32 i = 0; i < 4096; i++) bufs[k][i] = 0x5a; }
  bf_grant(REF_RO, bf_mfn_of(bufs[3]), 0, 1);
  bf_grant(REF_OTHER, bf_mfn_of(bufs[2]), 7, 0);
  bf_grant(REF_DESC, bf_mfn_of(desc), 0, 1);
  if (bf_connect(&bf, 51712, ring, 0, REF_RING)) { verdict("blkhostile", 0, bf.error); return 0; }
  u32 sectors = bf.sectors;

  expect_rsp("unknown operation 4 (reserved): EOPNOTSUPP", rw(4, 1, 0, REF_BUF, 0, 7), 4, BLKIF_RSP_EOPNOTSUPP);
  expect_rsp("unknown operation 0xff: EOPNOTSUPP", rw(0xff, 1, 0, REF_BUF, 0, 7), 0xff, BLKIF_RSP_EOPNOTSUPP);
  expect_rsp("WRITE with 0 segments", rw(BLKIF_OP_WRITE, 0, 0, REF_BUF, 0, 7), BLKIF_OP_WRITE, BLKIF_RSP_ERROR);
  expect_rsp("READ with 0 segments", rw(BLKIF_OP_READ, 0, 0, REF_BUF, 0, 7), BLKIF_OP_READ, BLKIF_RSP_ERROR);
  expect_rsp("WRITE with 12 segments", rw(BLKIF_OP_WRITE, 12, 0, REF_BUF, 0, 7), BLKIF_OP_WRITE, BLKIF_RSP_ERROR);
  expect_rsp("first_sect > last_sect", rw(BLKIF_OP_WRITE, 1, 0, REF_BUF, 5, 4), BLKIF_OP_WRITE, BLKIF_RSP_ERROR);
  expect_rsp("last_sect beyond the page", rw(BLKIF_OP_WRITE, 1, 0, REF_BUF, 0, 8), BLKIF_OP_WRITE, BLKIF_RSP_ERROR);
  expect_rsp("sectors beyond the disk", rw(BLKIF_OP_WRITE, 1, sectors - 4, REF_BUF, 0, 7), BLKIF_OP_WRITE, BLKIF_RSP_ERROR);
  expect_rsp("READ beyond the disk", rw(BLKIF_OP_READ, 1, sectors, REF_BUF, 0, 0), BLKIF_OP_READ, BLKIF_RSP_ERROR);
  expect_rsp("a sector range that wraps", rw(BLKIF_OP_WRITE, 1, 0xfffffffffffffffcull, REF_BUF, 0, 7), BLKIF_OP_WRITE, BLKIF_RSP_ERROR);
  expect_rsp("a grant reference beyond the table", rw(BLKIF_OP_WRITE, 1, 0, 5000, 0, 7), BLKIF_OP_WRITE, BLKIF_RSP_ERROR);
  expect_rsp("a grant reference never granted", rw(BLKIF_OP_WRITE, 1, 0, REF_NEVER, 0, 7), BLKIF_OP_WRITE, BLKIF_RSP_ERROR);
  expect_rsp("a grant for domain 7, not dom0", rw(BLKIF_OP_READ, 1, 0, REF_OTHER, 0, 7), BLKIF_OP_READ, BLKIF_RSP_ERROR);
  expect_rsp("a READ into a read-only grant", rw(BLKIF_OP_READ, 1, 0, REF_RO, 0, 7), BLKIF_OP_READ, BLKIF_RSP_ERROR);
  check("  ... left the read-only page alone", all(bufs[3], 0x5a));
  struct blkif_request *r = rw(BLKIF_OP_WRITE, 2, 0, REF_BUF, 0, 7);
  r->seg[1].gref = 5000;
  expect_rsp("a good segment then a bad one", r, BLKIF_OP_WRITE, BLKIF_RSP_ERROR);
  expect_rsp("indirect with inner operation FLUSH", indirect(BLKIF_OP_FLUSH_DISKCACHE, 1, REF_DESC), BLKIF_OP_FLUSH_DISKCACHE, BLKIF_RSP_ERROR);
  expect_rsp("indirect with no segments", indirect(BLKIF_OP_WRITE, 0, REF_DESC), BLKIF_OP_WRITE, BLKIF_RSP_ERROR);
  expect_rsp("indirect with 257 segments", indirect(BLKIF_OP_WRITE, 257, REF_DESC), BLKIF_OP_WRITE, BLKIF_RSP_ERROR);
  struct blkif_request_segment *d = (struct blkif_request_segment *)desc;
  for (u32 k = 0; k < 4; k++) { d[k].gref = REF_BUF + k % 2; d[k].first_sect = 0; d[k].last_sect = 7; }
  expect_rsp("indirect with an ungranted descriptor page", indirect(BLKIF_OP_WRITE, 4, REF_NEVER), BLKIF_OP_WRITE, BLKIF_RSP_ERROR);
  d[2].last_sect = 200;
  expect_rsp("indirect with a garbage descriptor", indirect(BLKIF_OP_WRITE, 4, REF_DESC), BLKIF_OP_WRITE, BLKIF_RSP_ERROR);
  d[2].last_sect = 7; d[3].gref = 0xffffffff;
  expect_rsp("indirect with a bad data grant", indirect(BLKIF_OP_READ, 4, REF_DESC), BLKIF_OP_READ, BLKIF_RSP_ERROR);
  check("  ... left the read buffers alone", all(bufs[0], 0x5a) && all(bufs[1], 0x5a));
  struct blkif_request_discard *dc = (struct blkif_request_discard *)bf_next(&bf);
  dc->operation = BLKIF_OP_DISCARD; dc->sector_number = 8; dc->nr_sectors = 8;
  expect_rsp("DISCARD: EOPNOTSUPP", (struct blkif_request *)dc, BLKIF_OP_DISCARD, BLKIF_RSP_EOPNOTSUPP);
  int idle = 1;
  for (u32 k = 0; k < 4; k++) idle &= !(bf_grant_flags(REF_BUF + k) & 0x18);
  idle &= !(bf_grant_flags(REF_RO) & 0x18) && !(bf_grant_flags(REF_DESC) & 0x18) && !(bf_grant_flags(REF_OTHER) & 0x18);
  check("no grant left busy (GTF_reading/GTF_writing)", idle);

  /* The device still works. */
  for (u32 i = 0; i < 4096; i++) bufs[0][i] = 0xa5;
  expect_rsp("a valid write", rw(BLKIF_OP_WRITE, 1, 1000, REF_BUF, 0, 7), BLKIF_OP_WRITE, BLKIF_RSP_OKAY);
  expect_rsp("a valid read", rw(BLKIF_OP_READ, 1, 1000, REF_BUF + 1, 0, 7), BLKIF_OP_READ, BLKIF_RSP_OKAY);
  check("  ... read back what was written", all(bufs[1], 0xa5));

  /* req_prod far ahead of the ring: no more service. */
  u32 before = bf.sring->rsp_prod;
  rw(BLKIF_OP_READ, 1, 0, REF_BUF + 2, 0, 7)->id = 999;
  bf.req_prod_pvt += 1000;
  bf.sring->req_prod = bf.req_prod_pvt;
  bf_notify(bf.port);
  bf_poll(bf.port, 50000000);
  check("a runaway req_prod gets no response", bf.sring->rsp_prod == before);
  check("  ... and the page is untouched", all(bufs[2], 0x5a));
  check("the store still answers", !xb_read("domid", buf, sizeof buf) && buf[0] == '1');
  verdict("blkhostile", failures == 0, "see above");
  return 0;
}
