/* Kernel-like (PV only): page faults. Each iteration unmaps a page with update_va_mapping and
 * stores to it; the #PF is bounced to the kernel's handler, which maps the page back (another
 * update_va_mapping) and returns with the iret hypercall, and the store is retried. */
#include "bench.h"
const char bench_name[] = "pagefault";
u32 kpf_run(u32 n);
u32 bench_run(u32 n) { return kpf_run(n); }
