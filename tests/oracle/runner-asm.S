/*
 * runner-asm.S - the ring-3 boundary of the oracle runner (i386, GNU as).
 *
 * This file holds everything that must not be written in C because the
 * compiler would need registers, a stack or segment registers that the
 * snippet owns:
 *
 *   oracle_enter          load the snippet's complete state and jump to it
 *   oracle_resume         where a signal handler sends the CPU afterwards
 *   oracle_signal_entry   first instructions of every signal handler
 *   oracle_restorer       sa_restorer: returns from a handler (rt_sigreturn)
 *   oracle_syscall        the runner's only system call site after setup
 *
 * The data these routines use (oracle_frame, oracle_phase, ...) is defined
 * in runner.c; the layout of oracle_frame is pinned there by static asserts.
 */

#define SYS_rt_sigreturn 173

/* Values of oracle_phase (mirrored in runner.c). */
#define PHASE_LOADING 1
#define PHASE_SNIPPET 2

	.text

/*
 * void oracle_enter(void)
 *
 * Saves the callee-saved registers and ESP, then pops the snippet state out
 * of oracle_frame (ESP is pointed at the frame, so every pop is an SS-relative
 * access and keeps working after DS has been replaced) and jumps to
 * oracle_entry_eip.  It never returns by itself: the snippet always ends in a
 * signal (at the latest the int3 appended after it), and the handler rewrites
 * the signal context so that sigreturn lands in oracle_resume with ESP =
 * oracle_saved_esp, which then returns to our caller.
 */
	.globl	oracle_enter
	.type	oracle_enter, @function
oracle_enter:
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	movl	%esp, oracle_saved_esp
	/* The snippet starts with a reset x87 unit and the default MXCSR. */
	fninit
	ldmxcsr	oracle_mxcsr_default
	/* A fault from here on is blamed on the case's initial state. */
	movl	$PHASE_LOADING, oracle_phase
	movl	$oracle_frame, %esp
	/* Loading a selector into a data segment register checks it (SDM Vol. 3A
	 * 5.4 / MOV and POP in Vol. 2): a bad one faults here, before the
	 * snippet runs. */
	popl	%gs
	popl	%fs
	popl	%es
	popl	%ds
	popal			/* edi esi ebp (esp skipped) ebx edx ecx eax */
	popfl			/* ring 3, IOPL 0: IF/IOPL writes are ignored */
	/* From here on only flag-neutral instructions with explicit SS/CS
	 * overrides, because DS may now have any base. */
	movl	$PHASE_SNIPPET, %ss:oracle_phase
	movl	(%esp), %esp	/* the snippet's ESP (base register ESP -> SS) */
	jmp	*%cs:oracle_entry_eip
	.size	oracle_enter, .-oracle_enter

/*
 * oracle_resume: reached through sigreturn.  The handler has already put
 * the runner's segment registers, ESP = oracle_saved_esp and a clean EFLAGS
 * (DF = TF = 0) into the signal context.
 */
	.globl	oracle_resume
	.type	oracle_resume, @function
oracle_resume:
	cld
	fninit
	ldmxcsr	oracle_mxcsr_default
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret
	.size	oracle_resume, .-oracle_resume

/*
 * oracle_signal_entry: the sa_handler of every signal the runner catches.
 * On delivery the kernel loads DS and ES with the flat user data selector
 * and clears DF, but it leaves FS and GS as the interrupted code had them
 * (arch/x86 ia32 signal setup).  GS is glibc's TLS segment, so put the
 * runner's selectors back before any C code runs.  EAX is free: the
 * interrupted value is already saved in the signal frame.  The stack (the
 * sigaltstack) is left untouched, so the C handler sees the usual
 * (sig, info, ucontext) arguments.
 */
	.globl	oracle_signal_entry
	.type	oracle_signal_entry, @function
oracle_signal_entry:
	movw	%ss:oracle_host_ds, %ax
	movw	%ax, %ds
	movw	%ss:oracle_host_es, %ax
	movw	%ax, %es
	movw	%ss:oracle_host_fs, %ax
	movw	%ax, %fs
	movw	%ss:oracle_host_gs, %ax
	movw	%ax, %gs
	jmp	oracle_on_signal
	.size	oracle_signal_entry, .-oracle_signal_entry

/*
 * oracle_restorer: installed as sa_restorer (SA_RESTORER), i.e. the return
 * address of every handler.  Having our own makes rt_sigreturn come from a
 * known address, which the seccomp filter allows.
 */
	.globl	oracle_restorer
	.type	oracle_restorer, @function
oracle_restorer:
	movl	$SYS_rt_sigreturn, %eax
	int	$0x80
	.globl	oracle_restorer_sysret
oracle_restorer_sysret:
	hlt			/* not reached */
	.size	oracle_restorer, .-oracle_restorer

/*
 * long oracle_syscall(long nr, long a1, long a2, long a3)
 *
 * The runner's only system call site once the seccomp filter is in place
 * (read, write, exit_group).  The filter allows a system call only if the
 * user EIP after the trap is oracle_syscall_sysret or oracle_restorer_sysret;
 * anything else - in particular int 0x80 / syscall executed by a snippet -
 * raises SIGSYS instead of running.
 */
	.globl	oracle_syscall
	.type	oracle_syscall, @function
oracle_syscall:
	pushl	%ebx
	movl	8(%esp), %eax
	movl	12(%esp), %ebx
	movl	16(%esp), %ecx
	movl	20(%esp), %edx
	int	$0x80
	.globl	oracle_syscall_sysret
oracle_syscall_sysret:
	popl	%ebx
	ret
	.size	oracle_syscall, .-oracle_syscall

	.section .note.GNU-stack,"",@progbits
