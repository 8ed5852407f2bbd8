/* Hypercall fuzzer: 100 000 hypercalls with random numbers and random arguments (random words,
 * small numbers, pointers into scratch pages filled with random words), then checks that the
 * domain is still sane: its code and the hypercall page are unchanged, start_info is intact,
 * and hypercalls still answer. Calls that would legitimately end or wedge the domain, or give
 * away/overwrite the kernel's own memory, are not sent (see `allowed`): the point is that the
 * hypervisor survives everything else, not that the guest can destroy itself. */
#include "pvlib.h"

#define CALLS 100000
static u32 seed = 0x2545f491;
static u32 rnd(void) { seed ^= seed << 13; seed ^= seed >> 17; seed ^= seed << 5; return seed; }
static u8 scratch[4][4096] __attribute__((aligned(4096)));
static u32 lo, hi;                 /* the kernel's own virtual region, never named */
static u32 protected_lo, protected_hi; /* its machine frames' range in pfn terms */
static struct start_info *si;
static u32 *p2m;

extern char _start[];
static u32 sum(const u8 *p, u32 n) { u32 s = 0; for (u32 i = 0; i < n; i++) s = s * 31 + p[i]; return s; }

static u32 scratch_ptr(void) { return (u32)&scratch[rnd() % 4][(rnd() % 4096) & ~7u]; }
static u8 prot[1 << 18];            /* machine frames of the kernel's own region */
static int is_protected_mfn(u32 mfn) { return mfn < sizeof prot && prot[mfn]; }
/* A random word that is not an address inside the kernel (those become scratch pointers). */
static u32 word(void) {
  u32 v;
  switch (rnd() % 6) {
    case 0: v = rnd(); break;
    case 1: v = rnd() % 16; break;
    case 2: return scratch_ptr();
    case 3: v = 0; break;
    case 4: v = 0xffffffff; break;
    default: v = p2m[rnd() % si->nr_pages]; if (is_protected_mfn(v)) v = 0; break; /* a real mfn */
  }
  if (v >= lo && v < hi) return scratch_ptr();
  return v;
}
static void fill_scratch(int k) {
  for (int i = 0; i < 1024; i++) {
    u32 *w = (u32 *)scratch[k] + i;
    u32 v = word();
    /* machine addresses of kernel frames would let mmu_update rewrite the kernel's tables */
    if (is_protected_mfn(v >> 12)) v = 0;
    *w = v;
  }
}

/* Is this call one that may legitimately end or wedge the domain or hand out its own memory? */
static int allowed(u32 nr, u32 a1) {
  switch (nr) {
    case 4: case 30: return 0;              /* set_callbacks, callback_op: would redirect events */
    case 13: return 0;                      /* multicall: would replay random calls unchecked */
    case 23: return 0;                      /* iret: returns to a random context */
    case 29: return a1 == 0;                /* sched_op: only yield (shutdown/block/poll end or wait) */
    case 24: return a1 != 2 && a1 != 10;    /* vcpu_op: not down, not register_vcpu_info */
    case 12: return a1 == 2 || a1 == 3 || a1 == 4 || a1 == 9 || a1 == 10 || a1 == 12; /* memory_op queries */
    default: return 1;
  }
}

long kmain(struct start_info *start) {
  si = start;
  p2m = (u32 *)si->mfn_list;
  lo = 0xc0000000;
  hi = si->pt_base + si->nr_pt_frames * 4096 + 4096 * 2;
  protected_lo = 0; protected_hi = (hi - lo) >> 12;
  for (u32 p = protected_lo; p < protected_hi; p++) if (p2m[p] < sizeof prot) prot[p2m[p]] = 1;
  u32 text_sum = sum((const u8 *)_start, 2048);
  u32 hpage_sum = sum((const u8 *)hypercall_page, 4096);
  char magic[16]; for (int i = 0; i < 16; i++) magic[i] = si->magic[i];
  u32 errors = 0, ok = 0;
  for (u32 n = 0; n < CALLS; n++) {
    if ((n & 1023) == 0) fill_scratch((n >> 10) & 3); /* refresh one scratch page at a time */
    u32 nr = rnd() % 8 == 0 ? rnd() % 64 : rnd() % 40;
    u32 a[5];
    for (int i = 0; i < 5; i++) a[i] = word();
    if (rnd() % 2) a[0] = rnd() % 16;       /* sub-op numbers are small */
    if (nr == 18) { a[0] = rnd() % 3; a[1] = 0; }   /* console_io: no garbage on the console */
    if (nr == 14 && a[0] >= lo && a[0] < hi) continue; /* update_va_mapping of the kernel itself */
    if (nr == 1 || nr == 26 || nr == 20) { if (a[1] > 8) a[1] = rnd() % 8; } /* batch counts */
    if (!allowed(nr, a[0])) continue;
    long r = hcall(nr, a[0], a[1], a[2], a[3], a[4]);
    if (r < 0) errors++; else ok++;
  }
  kputs("calls answered with an error: "); kputdec(errors); kputs(", with success: "); kputdec(ok); kputs("\n");
  int sane = sum((const u8 *)_start, 2048) == text_sum && sum((const u8 *)hypercall_page, 4096) == hpage_sum;
  for (int i = 0; i < 16; i++) if (si->magic[i] != magic[i]) sane = 0;
  if (hcall(17, 0, 0, 0, 0, 0) < 0x30000) sane = 0;          /* xen_version still answers */
  if (hcall(60, 0, 0, 0, 0, 0) != -38) sane = 0;             /* unknown hypercall: -ENOSYS */
  verdict("hcfuzz", sane && errors > 0 && ok > 0, "domain not sane after fuzzing");
  poweroff(0);
  return 0;
}
