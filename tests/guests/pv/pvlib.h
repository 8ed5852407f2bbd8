/* Freestanding helpers for xenjit's PV test kernels written in C (gcc -m32 -ffreestanding). */
#ifndef PVLIB_H
#define PVLIB_H
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;
typedef unsigned long long u64;

extern char hypercall_page[];

/* Hypercall through the hypercall page: number, up to five arguments in EBX ECX EDX ESI EDI. */
static inline long hcall(int nr, u32 a1, u32 a2, u32 a3, u32 a4, u32 a5) {
  long r;
  u32 b = a1, c = a2, d = a3, s = a4, di = a5;
  __asm__ volatile("call *%[f]"
                   : "=a"(r), "+b"(b), "+c"(c), "+d"(d), "+S"(s), "+D"(di)
                   : [f] "r"(hypercall_page + nr * 32)
                   : "memory", "cc");
  return r;
}

static inline u32 kstrlen(const char *s) { u32 n = 0; while (s[n]) n++; return n; }
static inline void kputs(const char *s) { hcall(18, 0, kstrlen(s), (u32)s, 0, 0); }
static inline void kputhex(u32 v) {
  char b[11]; b[0] = '0'; b[1] = 'x';
  for (int i = 0; i < 8; i++) b[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 15];
  b[10] = 0; kputs(b);
}
static inline void kputdec(u32 v) {
  char b[12]; int i = 11; b[i] = 0;
  do { b[--i] = '0' + v % 10; v /= 10; } while (v);
  kputs(b + i);
}
static inline void poweroff(u32 reason) { u32 r = reason; hcall(29, 2, (u32)&r, 0, 0, 0); for (;;) {} }

/* start_info (public/xen.h, 32-bit) */
struct start_info {
  char magic[32]; u32 nr_pages, shared_info, flags, store_mfn, store_evtchn, console_mfn, console_evtchn,
      pt_base, nr_pt_frames, mfn_list, mod_start, mod_len; char cmd_line[1024]; u32 first_p2m_pfn, nr_p2m_frames;
};

static inline void verdict(const char *name, int ok, const char *why) {
  kputs("XENJIT-TEST "); kputs(name); kputs(ok ? ": PASS\n" : ": FAIL ");
  if (!ok) { kputs(why); kputs("\n"); }
}
#endif
