/* Kernel-like (PV only): system calls from ring 3. The kernel drops to a user program with the
 * iret hypercall; the program makes n int 0x80 calls, each bounced by the hypervisor to the
 * kernel's handler on its stack_switch stack and returned from with the iret hypercall. */
#include "bench.h"
const char bench_name[] = "syscall";
u32 ksys_run(u32 n);
u32 bench_run(u32 n) { return ksys_run(n); }
