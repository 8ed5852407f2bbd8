/*
 * runner.c - the x86 oracle runner.
 *
 * A static i386 Linux program that runs short machine-code snippets on the
 * host CPU in ring 3, from a register/flag/memory state given on stdin, and
 * writes the architectural state at the end (or at the exception the snippet
 * raised) to stdout.  The emulator is checked against these results.  The
 * wire protocol and memory layout are specified in PROTOCOL.md.
 *
 * Design: one process, no fork.  For every case the runner
 *   1. resets the fixed memory windows and copies the snippet,
 *   2. enters it through oracle_enter (runner-asm.S),
 *   3. catches the signal that ends it (SIGTRAP of the int3 appended after
 *      the snippet, or any fault) on a sigaltstack, records the state from the
 *      ucontext and edits the ucontext so that sigreturn continues in
 *      oracle_resume with the runner's own registers,
 *   4. diffs the writable memory windows against their initial content.
 * Infinite loops are stopped by a periodic ITIMER_PROF tick, and system calls
 * made by a snippet are turned into SIGSYS by a seccomp filter.
 */
#define _GNU_SOURCE
#include <asm/ldt.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/ucontext.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ */
/* Protocol constants (PROTOCOL.md)                                         */

#define MAGIC_HEADER 0x484f4a58u /* "XJOH" */
#define MAGIC_CASE 0x434f4a58u   /* "XJOC" */
#define MAGIC_RESULT 0x524f4a58u /* "XJOR" */
#define PROTOCOL_VERSION 1u

#define VEC_COMPLETED 0xffffffffu /* reached the appended int3 */
#define VEC_OTHER 0xfffffffeu     /* system call or unexpected signal */
#define VEC_TIMEOUT 0xfffffffdu   /* still running after the time limit */
#define VEC_BAD_CASE 0xfffffffcu  /* initial state could not be set up */

#define CASE_FLAG_LOAD_SEGS 1u

/* ------------------------------------------------------------------------ */
/* Memory layout (identical in the emulator)                                */

#define PAGE 0x1000u
#define CODE_BASE 0x10000000u /* two RWX pages */
#define CODE_SIZE 0x2000u
#define DATA_BASE 0x20000000u /* two RW pages */
#define DATA_SIZE 0x2000u
#define SEED_BASE 0x20000f80u /* seeded window, crosses the page boundary */
#define SEED_SIZE 0x100u
#define RO_BASE 0x20003000u   /* one read-only page, byte i = i & 0xff */
#define STACK_BASE 0x30000000u /* one RW page */
#define STACK_SIZE 0x1000u

static const uint32_t guard_pages[] = {
	0x0ffff000u, 0x10002000u,  /* around CODE */
	0x1ffff000u, 0x20002000u,  /* around DATA */
	0x2ffff000u, 0x30001000u,  /* around STACK */
};

#define CODE_MEM ((uint8_t *)CODE_BASE)
#define DATA_MEM ((uint8_t *)DATA_BASE)
#define STACK_MEM ((uint8_t *)STACK_BASE)

/* Most bytes a snippet may have: the code pages minus the appended int3. */
#define MAX_CODE_LEN (CODE_SIZE - 1)

/* EFLAGS bits a case may set: CF PF AF ZF SF DF OF (SDM Vol. 1, 3.4.3). */
#define EFLAGS_CASE_MASK 0x0cd5u
/* Always set on entry: reserved bit 1 and IF (which POPF cannot change in
 * ring 3 with IOPL 0 anyway). */
#define EFLAGS_FIXED 0x0202u

/* Periodic CPU-time tick; a snippet still running after TIMEOUT_TICKS of
 * them is stopped. */
#define TICK_USEC 10000
#define TIMEOUT_TICKS 5

/* ------------------------------------------------------------------------ */
/* State shared with runner-asm.S                                           */

/* Popped in this order by oracle_enter: segment registers, POPAD, POPFD,
 * then ESP is loaded from the last slot. */
struct oracle_frame {
	uint32_t gs, fs, es, ds;
	uint32_t edi, esi, ebp, esp_ignored, ebx, edx, ecx, eax;
	uint32_t eflags;
	uint32_t esp;
};
_Static_assert(offsetof(struct oracle_frame, edi) == 16, "frame layout");
_Static_assert(offsetof(struct oracle_frame, eflags) == 48, "frame layout");
_Static_assert(offsetof(struct oracle_frame, esp) == 52, "frame layout");

enum { PHASE_RUNNER = 0, PHASE_LOADING = 1, PHASE_SNIPPET = 2 };

struct oracle_frame oracle_frame;
uint32_t oracle_entry_eip;
uint32_t oracle_saved_esp;
volatile uint32_t oracle_phase;
uint16_t oracle_host_ds, oracle_host_es, oracle_host_fs, oracle_host_gs;
uint32_t oracle_mxcsr_default = 0x1f80; /* SDM Vol. 1, 10.2.3.1 */

void oracle_enter(void);
void oracle_resume(void);
void oracle_signal_entry(void);
void oracle_restorer(void);
void oracle_on_signal(int sig, siginfo_t *info, void *ucv);
long oracle_syscall(long nr, long a1, long a2, long a3);
extern const char oracle_syscall_sysret[], oracle_restorer_sysret[];

/* ------------------------------------------------------------------------ */
/* Raw I/O.  After setup every system call goes through oracle_syscall.     */

static void raw_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		long n = oracle_syscall(SYS_write, fd, (long)p, (long)len);
		if (n == -4 /* EINTR */)
			continue;
		if (n <= 0)
			oracle_syscall(SYS_exit_group, 4, 0, 0);
		p += n;
		len -= (size_t)n;
	}
}

static void raw_puts(const char *s)
{
	raw_write_all(2, s, strlen(s));
}

static void raw_put_hex(uint32_t v)
{
	char buf[11] = "0x";
	for (int i = 0; i < 8; i++)
		buf[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 15];
	buf[10] = 0;
	raw_puts(buf);
}

static void __attribute__((noreturn)) die(const char *msg)
{
	raw_puts("oracle runner: ");
	raw_puts(msg);
	raw_puts("\n");
	oracle_syscall(SYS_exit_group, 2, 0, 0);
	__builtin_unreachable();
}

/* ------------------------------------------------------------------------ */
/* Per-case outcome, written by the signal handler                          */

struct outcome {
	uint32_t vector, err, addr;
	uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t eip, eflags;
	uint32_t cs, ds, es, fs, gs, ss;
};

static struct outcome outcome;
static uint32_t host_cs, host_ss;
static uint32_t completion_eip; /* EIP after the appended int3 */
static volatile uint32_t ticks;  /* timer ticks seen inside this snippet */

/*
 * The C part of every signal handler (entered via oracle_signal_entry, with
 * the runner's segment registers already back in place).  It only reads and
 * writes the ucontext and a few globals; no libc call that could make a
 * system call or touch per-thread state.
 */
void oracle_on_signal(int sig, siginfo_t *info, void *ucv)
{
	ucontext_t *uc = ucv;
	greg_t *g = uc->uc_mcontext.gregs;
	uint32_t phase = oracle_phase;
	uint32_t vector;
	(void)info;

	if (sig == SIGPROF) {
		/* Only a snippet that keeps running is stopped; anywhere else
		 * the tick is ignored and the interrupted code continues. */
		if (phase != PHASE_SNIPPET || ++ticks < TIMEOUT_TICKS)
			return;
		vector = VEC_TIMEOUT;
	} else if (phase == PHASE_RUNNER) {
		raw_puts("oracle runner: unexpected signal ");
		raw_put_hex((uint32_t)sig);
		raw_puts(" trapno ");
		raw_put_hex((uint32_t)g[REG_TRAPNO]);
		raw_puts(" eip ");
		raw_put_hex((uint32_t)g[REG_EIP]);
		raw_puts("\n");
		oracle_syscall(SYS_exit_group, 3, 0, 0);
		return;
	} else if (phase == PHASE_LOADING) {
		vector = VEC_BAD_CASE; /* e.g. a selector that cannot be loaded */
	} else if (sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE ||
		   sig == SIGILL || sig == SIGTRAP) {
		vector = (uint32_t)g[REG_TRAPNO];
		/* int3 is a trap: the saved EIP is the byte after it (SDM
		 * Vol. 3A 6.5).  Only the appended int3, reached with the
		 * original CS, means that the snippet completed. */
		if (sig == SIGTRAP && vector == 3 &&
		    (uint32_t)g[REG_EIP] == completion_eip &&
		    ((uint32_t)g[REG_CS] & 0xffff) == host_cs)
			vector = VEC_COMPLETED;
	} else {
		vector = VEC_OTHER; /* SIGSYS: the snippet made a system call */
	}

	if (vector == VEC_BAD_CASE) {
		/* The registers belong to the runner's loader; only the
		 * error code (e.g. the rejected selector) is meaningful. */
		outcome = (struct outcome){ .vector = vector,
					    .err = (uint32_t)g[REG_ERR] };
		goto resume;
	}
	outcome.vector = vector;
	outcome.err = (uint32_t)g[REG_ERR];
	outcome.addr = vector == 14 ? (uint32_t)uc->uc_mcontext.cr2 : 0;
	outcome.eax = (uint32_t)g[REG_EAX];
	outcome.ecx = (uint32_t)g[REG_ECX];
	outcome.edx = (uint32_t)g[REG_EDX];
	outcome.ebx = (uint32_t)g[REG_EBX];
	outcome.esp = (uint32_t)g[REG_ESP];
	outcome.ebp = (uint32_t)g[REG_EBP];
	outcome.esi = (uint32_t)g[REG_ESI];
	outcome.edi = (uint32_t)g[REG_EDI];
	outcome.eip = (uint32_t)g[REG_EIP];
	outcome.eflags = (uint32_t)g[REG_EFL];
	outcome.cs = (uint32_t)g[REG_CS] & 0xffff;
	outcome.ds = (uint32_t)g[REG_DS] & 0xffff;
	outcome.es = (uint32_t)g[REG_ES] & 0xffff;
	outcome.fs = (uint32_t)g[REG_FS] & 0xffff;
	outcome.gs = (uint32_t)g[REG_GS] & 0xffff;
	outcome.ss = (uint32_t)g[REG_SS] & 0xffff;

resume:
	/* Leave through sigreturn into oracle_resume with the runner's own
	 * state.  The kernel takes only the FIX_EFLAGS bits from the context,
	 * so writing 0x202 clears DF, TF, AC and RF and the arithmetic flags. */
	oracle_phase = PHASE_RUNNER;
	g[REG_EIP] = (greg_t)(uintptr_t)oracle_resume;
	g[REG_ESP] = (greg_t)oracle_saved_esp;
	g[REG_UESP] = (greg_t)oracle_saved_esp;
	g[REG_EFL] = EFLAGS_FIXED;
	g[REG_CS] = (greg_t)host_cs;
	g[REG_SS] = (greg_t)host_ss;
	g[REG_DS] = oracle_host_ds;
	g[REG_ES] = oracle_host_es;
	g[REG_FS] = oracle_host_fs;
	g[REG_GS] = oracle_host_gs;
}

/* ------------------------------------------------------------------------ */
/* Setup (runs once, before the seccomp filter; libc is fine here)          */

static void __attribute__((noreturn)) setup_fail(const char *what)
{
	perror(what);
	exit(2);
}

/*
 * Memory outside the fixed layout (the runner's stack, heap, TLS block - and
 * so the base of the initial GS - and the vDSO) is placed by the kernel.
 * Re-executing once with ADDR_NO_RANDOMIZE makes those addresses the same
 * on every run, so that even a snippet straying there behaves reproducibly.
 * Best effort: some container seccomp profiles forbid this personality.
 */
static void disable_aslr(char **argv)
{
	int persona = personality(0xffffffff);
	if (persona == -1 || (persona & ADDR_NO_RANDOMIZE))
		return;
	if (personality((unsigned long)persona | ADDR_NO_RANDOMIZE) == -1)
		return;
	execv("/proc/self/exe", argv); /* returns only on failure */
}

static void map_fixed(uint32_t addr, uint32_t size, int prot)
{
	void *want = (void *)(uintptr_t)addr;
	void *p = mmap(want, size, prot,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p != want) {
		fprintf(stderr, "oracle runner: cannot map %#x\n", addr);
		exit(2);
	}
}

static void setup_memory(void)
{
	for (size_t i = 0; i < sizeof guard_pages / sizeof guard_pages[0]; i++)
		map_fixed(guard_pages[i], PAGE, PROT_NONE);
	map_fixed(CODE_BASE, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC);
	map_fixed(DATA_BASE, DATA_SIZE, PROT_READ | PROT_WRITE);
	map_fixed(STACK_BASE, STACK_SIZE, PROT_READ | PROT_WRITE);
	map_fixed(RO_BASE, PAGE, PROT_READ | PROT_WRITE);
	for (uint32_t i = 0; i < PAGE; i++)
		((uint8_t *)RO_BASE)[i] = (uint8_t)i;
	if (mprotect((void *)RO_BASE, PAGE, PROT_READ) != 0)
		setup_fail("mprotect");
	memset(CODE_MEM, 0xcc, CODE_SIZE);
}

/* The LDT every case runs with (see PROTOCOL.md for the resulting bytes). */
static const struct user_desc ldt_spec[] = {
	/* 0x07: 16-bit data, base DATA, limit 0xffff bytes, writable */
	{ .entry_number = 0, .base_addr = DATA_BASE, .limit = 0xffff,
	  .seg_32bit = 0, .contents = MODIFY_LDT_CONTENTS_DATA },
	/* 0x0f: 32-bit data, base DATA, limit 0x1fff bytes, writable */
	{ .entry_number = 1, .base_addr = DATA_BASE, .limit = 0x1fff,
	  .seg_32bit = 1, .contents = MODIFY_LDT_CONTENTS_DATA },
	/* 0x17: 32-bit read-only data, base DATA, limit 4 GiB */
	{ .entry_number = 2, .base_addr = DATA_BASE, .limit = 0xfffff,
	  .seg_32bit = 1, .contents = MODIFY_LDT_CONTENTS_DATA,
	  .read_exec_only = 1, .limit_in_pages = 1 },
	/* 0x1f: 32-bit readable code, base 0, limit 4 GiB */
	{ .entry_number = 3, .base_addr = 0, .limit = 0xfffff,
	  .seg_32bit = 1, .contents = MODIFY_LDT_CONTENTS_CODE,
	  .limit_in_pages = 1 },
	/* 0x27: 32-bit expand-down data, base DATA, limit 0xfff: valid
	 * offsets are 0x1000..0xffffffff (SDM Vol. 3A 5.3) */
	{ .entry_number = 4, .base_addr = DATA_BASE, .limit = 0xfff,
	  .seg_32bit = 1, .contents = MODIFY_LDT_CONTENTS_STACK },
	/* 0x2f: writable 32-bit data marked not present */
	{ .entry_number = 5, .base_addr = DATA_BASE, .limit = 0xfff,
	  .seg_32bit = 1, .contents = MODIFY_LDT_CONTENTS_DATA,
	  .seg_not_present = 1 },
	/* 0x37: 16-bit readable code, base CODE, limit 0xffff bytes */
	{ .entry_number = 6, .base_addr = CODE_BASE, .limit = 0xffff,
	  .seg_32bit = 0, .contents = MODIFY_LDT_CONTENTS_CODE },
	/* 0x3f: 32-bit execute-only code, base 0, limit 4 GiB */
	{ .entry_number = 7, .base_addr = 0, .limit = 0xfffff,
	  .seg_32bit = 1, .contents = MODIFY_LDT_CONTENTS_CODE,
	  .read_exec_only = 1, .limit_in_pages = 1 },
};
#define LDT_COUNT (sizeof ldt_spec / sizeof ldt_spec[0])

static uint8_t ldt_bytes[LDT_COUNT * 8];

static void setup_ldt(void)
{
	for (size_t i = 0; i < LDT_COUNT; i++) {
		struct user_desc d = ldt_spec[i];
		/* func 0x11: write an entry in the current format */
		if (syscall(SYS_modify_ldt, 0x11, &d, sizeof d) != 0)
			setup_fail("modify_ldt(write)");
	}
	long n = syscall(SYS_modify_ldt, 0, ldt_bytes, sizeof ldt_bytes);
	if (n != (long)sizeof ldt_bytes)
		setup_fail("modify_ldt(read)");
}

static uint32_t read_selector(int which)
{
	uint16_t v = 0;
	switch (which) {
	case 0: __asm__ volatile("mov %%cs, %0" : "=r"(v)); break;
	case 1: __asm__ volatile("mov %%ds, %0" : "=r"(v)); break;
	case 2: __asm__ volatile("mov %%es, %0" : "=r"(v)); break;
	case 3: __asm__ volatile("mov %%fs, %0" : "=r"(v)); break;
	case 4: __asm__ volatile("mov %%gs, %0" : "=r"(v)); break;
	default: __asm__ volatile("mov %%ss, %0" : "=r"(v)); break;
	}
	return v;
}

static void setup_selectors(void)
{
	host_cs = read_selector(0);
	oracle_host_ds = (uint16_t)read_selector(1);
	oracle_host_es = (uint16_t)read_selector(2);
	oracle_host_fs = (uint16_t)read_selector(3);
	oracle_host_gs = (uint16_t)read_selector(4);
	host_ss = read_selector(5);
}

/* Signal stack: the snippet's ESP and SS may be anything. */
static uint8_t alt_stack[256 * 1024] __attribute__((aligned(64)));

/* The kernel's struct sigaction for rt_sigaction on i386. */
#define KERNEL_SA_RESTORER 0x04000000u /* not exported by glibc */
struct kernel_sigaction {
	void (*handler)(void);
	unsigned long flags;
	void (*restorer)(void);
	uint32_t mask[2];
};

static void setup_signals(void)
{
	stack_t ss = { .ss_sp = alt_stack, .ss_size = sizeof alt_stack };
	if (sigaltstack(&ss, NULL) != 0)
		setup_fail("sigaltstack");

	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL,
				    SIGTRAP, SIGSYS, SIGPROF };
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		/* Our own restorer (not libc's) so that rt_sigreturn comes
		 * from an address the seccomp filter knows.  All signals are
		 * blocked while a handler runs, so a tick never interrupts
		 * the recording of a result. */
		struct kernel_sigaction ka = {
			.handler = oracle_signal_entry,
			.flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART |
				 KERNEL_SA_RESTORER,
			.restorer = oracle_restorer,
			.mask = { 0xffffffffu, 0xffffffffu },
		};
		if (syscall(SYS_rt_sigaction, sigs[i], &ka, NULL, 8) != 0)
			setup_fail("rt_sigaction");
	}

	/* ITIMER_PROF counts CPU time only, so the runner idling in read()
	 * does not tick. */
	struct itimerval it = {
		.it_interval = { 0, TICK_USEC },
		.it_value = { 0, TICK_USEC },
	};
	if (setitimer(ITIMER_PROF, &it, NULL) != 0)
		setup_fail("setitimer");
}

/*
 * Allow a system call only from the runner's two int 0x80 sites (the EIP
 * the kernel sees is the one after the instruction).  Everything else -
 * int 0x80, sysenter or syscall executed by a snippet - is not run and
 * raises SIGSYS instead (SECCOMP_RET_TRAP), which ends the case.
 */
static void setup_seccomp(void)
{
	uint32_t site1 = (uint32_t)(uintptr_t)oracle_syscall_sysret;
	uint32_t site2 = (uint32_t)(uintptr_t)oracle_restorer_sysret;
	uint32_t ip_lo = offsetof(struct seccomp_data, instruction_pointer);
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ip_lo + 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ip_lo),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, site1, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, site2, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = sizeof insns / sizeof insns[0],
		.filter = insns,
	};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
		/* Still usable; a snippet's system call would then run. */
		perror("oracle runner: seccomp unavailable");
	}
}

/* ------------------------------------------------------------------------ */
/* Buffered stdin / stdout                                                  */

static uint8_t in_buf[1 << 20];
static size_t in_pos, in_end;
static uint8_t out_buf[1 << 20];
static size_t out_len;

static void out_flush(void)
{
	raw_write_all(1, out_buf, out_len);
	out_len = 0;
}

static void out_u32(uint32_t v)
{
	memcpy(out_buf + out_len, &v, 4);
	out_len += 4;
}

/* Make sure `n` more bytes fit into the output buffer. */
static void out_reserve(size_t n)
{
	if (out_len + n > sizeof out_buf)
		out_flush();
}

/*
 * Make `n` bytes of input available at in_buf + in_pos.  Returns 0 on a
 * clean EOF before any of them.  Pending output is flushed before the
 * runner blocks in read(), so a client may also send one case at a time
 * and wait for its result.
 */
static int in_fill(size_t n)
{
	if (n > sizeof in_buf)
		die("input record too large");
	if (in_end - in_pos >= n)
		return 1;
	memmove(in_buf, in_buf + in_pos, in_end - in_pos);
	in_end -= in_pos;
	in_pos = 0;
	while (in_end < n) {
		if (out_len > 0)
			out_flush();
		long r = oracle_syscall(SYS_read, 0, (long)(in_buf + in_end),
					(long)(sizeof in_buf - in_end));
		if (r == -4 /* EINTR */)
			continue;
		if (r < 0)
			die("read error");
		if (r == 0) {
			if (in_end == 0)
				return 0;
			die("truncated case record");
		}
		in_end += (size_t)r;
	}
	return 1;
}

static uint32_t in_u32(void)
{
	uint32_t v;
	memcpy(&v, in_buf + in_pos, 4);
	in_pos += 4;
	return v;
}

/* ------------------------------------------------------------------------ */
/* Cases                                                                    */

struct test_case {
	uint32_t flags;
	uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t eflags, seed, code_offset;
	uint32_t ds, es, fs, gs;
	uint32_t code_len;
	const uint8_t *code;
};

#define CASE_HEADER_WORDS 18

/* Reads the next case; returns 0 at EOF.  c->code points into in_buf and
 * stays valid until the next call. */
static int read_case(struct test_case *c)
{
	if (!in_fill(CASE_HEADER_WORDS * 4))
		return 0;
	if (in_u32() != MAGIC_CASE)
		die("bad case magic");
	c->flags = in_u32();
	c->eax = in_u32();
	c->ecx = in_u32();
	c->edx = in_u32();
	c->ebx = in_u32();
	c->esp = in_u32();
	c->ebp = in_u32();
	c->esi = in_u32();
	c->edi = in_u32();
	c->eflags = in_u32();
	c->seed = in_u32();
	c->code_offset = in_u32();
	c->ds = in_u32();
	c->es = in_u32();
	c->fs = in_u32();
	c->gs = in_u32();
	c->code_len = in_u32();
	if (c->code_len > MAX_CODE_LEN)
		die("code_len too large");
	uint32_t padded = (c->code_len + 3) & ~3u;
	if (!in_fill(padded))
		die("truncated case record");
	c->code = in_buf + in_pos;
	in_pos += padded;
	return 1;
}

/* Initial content of the DATA pages for the current case: zero except the
 * seeded window.  The live pages equal this before every case. */
static uint8_t data_init[DATA_SIZE];
static const uint8_t zero_page[STACK_SIZE];

/* xorshift32 (Marsaglia), 4 bytes little-endian per step, state updated
 * before each output. */
static void fill_seed_window(uint32_t seed)
{
	uint32_t x = seed ? seed : 1;
	uint8_t *w = data_init + (SEED_BASE - DATA_BASE);
	for (uint32_t i = 0; i < SEED_SIZE; i += 4) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		memcpy(w + i, &x, 4);
	}
	memcpy(DATA_MEM + (SEED_BASE - DATA_BASE), w, SEED_SIZE);
}

/* Emits (address, byte) for each byte of `live` differing from `init`.
 * Returns the number of entries. */
static uint32_t emit_diff(uint32_t base, const uint8_t *live,
			  const uint8_t *init, uint32_t size)
{
	uint32_t count = 0;
	for (uint32_t off = 0; off < size; off += 256) {
		if (memcmp(live + off, init + off, 256) == 0)
			continue;
		for (uint32_t i = off; i < off + 256; i++) {
			if (live[i] != init[i]) {
				out_u32(base + i);
				out_u32(live[i]);
				count++;
			}
		}
	}
	return count;
}

static void emit_outcome(const struct outcome *o)
{
	out_u32(MAGIC_RESULT);
	out_u32(o->vector);
	out_u32(o->err);
	out_u32(o->addr);
	out_u32(o->eax);
	out_u32(o->ecx);
	out_u32(o->edx);
	out_u32(o->ebx);
	out_u32(o->esp);
	out_u32(o->ebp);
	out_u32(o->esi);
	out_u32(o->edi);
	out_u32(o->eip);
	out_u32(o->eflags);
	out_u32(o->cs);
	out_u32(o->ds);
	out_u32(o->es);
	out_u32(o->fs);
	out_u32(o->gs);
	out_u32(o->ss);
}

/* Largest result record: fixed part, count, one entry per diffed byte. */
#define MAX_RESULT_BYTES (20 * 4 + 4 + (DATA_SIZE + STACK_SIZE) * 8)

static void run_case(const struct test_case *c)
{
	out_reserve(MAX_RESULT_BYTES);

	if (c->code_offset >= CODE_SIZE ||
	    c->code_len + 1 > CODE_SIZE - c->code_offset) {
		struct outcome bad = { .vector = VEC_BAD_CASE };
		emit_outcome(&bad);
		out_u32(0);
		return;
	}

	fill_seed_window(c->seed);
	memset(CODE_MEM, 0xcc, CODE_SIZE); /* also undoes self-modification */
	memcpy(CODE_MEM + c->code_offset, c->code, c->code_len);
	/* The byte after the snippet is already the int3 (0xcc) that marks
	 * completion. */
	oracle_entry_eip = CODE_BASE + c->code_offset;
	completion_eip = oracle_entry_eip + c->code_len + 1;

	struct oracle_frame *f = &oracle_frame;
	if (c->flags & CASE_FLAG_LOAD_SEGS) {
		f->ds = c->ds;
		f->es = c->es;
		f->fs = c->fs;
		f->gs = c->gs;
	} else {
		f->ds = oracle_host_ds;
		f->es = oracle_host_es;
		f->fs = oracle_host_fs;
		f->gs = oracle_host_gs;
	}
	f->eax = c->eax;
	f->ecx = c->ecx;
	f->edx = c->edx;
	f->ebx = c->ebx;
	f->esp = c->esp;
	f->ebp = c->ebp;
	f->esi = c->esi;
	f->edi = c->edi;
	f->esp_ignored = 0;
	f->eflags = (c->eflags & EFLAGS_CASE_MASK) | EFLAGS_FIXED;

	ticks = 0;
	oracle_enter(); /* returns once the handler has filled `outcome` */

	emit_outcome(&outcome);
	size_t count_at = out_len;
	out_u32(0);
	uint32_t n_data = emit_diff(DATA_BASE, DATA_MEM, data_init, DATA_SIZE);
	uint32_t n_stack =
		emit_diff(STACK_BASE, STACK_MEM, zero_page, STACK_SIZE);
	uint32_t n = n_data + n_stack;
	memcpy(out_buf + count_at, &n, 4);

	/* Put the writable windows back to their initial state. */
	if (n_data)
		memcpy(DATA_MEM, data_init, DATA_SIZE);
	if (n_stack)
		memset(STACK_MEM, 0, STACK_SIZE);
}

static void emit_header(void)
{
	out_u32(MAGIC_HEADER);
	out_u32(PROTOCOL_VERSION);
	out_u32(host_cs);
	out_u32(oracle_host_ds);
	out_u32(oracle_host_es);
	out_u32(oracle_host_fs);
	out_u32(oracle_host_gs);
	out_u32(host_ss);
	out_u32(LDT_COUNT);
	memcpy(out_buf + out_len, ldt_bytes, sizeof ldt_bytes);
	out_len += sizeof ldt_bytes;
}

int main(int argc, char **argv)
{
	(void)argc;
	disable_aslr(argv);
	setup_selectors();
	setup_memory();
	setup_ldt();
	setup_signals();
	setup_seccomp();
	/* From here on: no libc calls that make system calls. */

	emit_header();
	struct test_case c;
	while (read_case(&c))
		run_case(&c);
	out_flush();
	oracle_syscall(SYS_exit_group, 0, 0, 0);
	return 0;
}
