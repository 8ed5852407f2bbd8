// The benchmarks the suite runs: kind, the two iteration counts (the difference between the two
// runs is the measurement, so start-up cancels), and the engines that run them.
//   compute: the same object files as a native program, a multiboot kernel and a PV kernel
//   cold:    like compute, but each iteration runs code never run before (n distinct chunks).
//            Two windows of one program: `cold` is the first functions a fresh process runs,
//            which for xenjit includes V8 optimizing xenjit's own decoder, first tier and
//            dispatch loop (about the first 10 000 functions, ~110 ms); `cold-late` starts
//            past it, like the other benchmarks' windows.
//   kernel:  PV kernels only (they measure Xen PV paths: ring-3 system calls, page faults,
//            event upcalls, hypercalls, self-modifying code). Their counts are large enough
//            that n2 - n1 is past the JIT's warm-up: at 2 000/10 000 the syscall benchmark
//            measured 15.8 us an iteration, its steady state is ~6; 100 000 since the region
//            of the iteration's page is built after 20 000 runs (jit.ts DEFAULT_REGION_AT).
export type Engine = 'native' | 'qemu' | 'v86' | 'xenjit';
export type Kind = 'compute' | 'cold' | 'kernel';
export interface BenchDef {
  name: string; kind: Kind; counts: [number, number]; what: string;
  /** The program's name when it is another benchmark's (a second window of its counts). */
  image?: string;
}

export const BENCHMARKS: BenchDef[] = [
  { name: 'statemach', kind: 'compute', counts: [40, 200], what: 'tokenizer state machine over 4 KiB' },
  { name: 'sort', kind: 'compute', counts: [16, 80], what: 'quicksort of 2048 words' },
  { name: 'sieve', kind: 'compute', counts: [6, 30], what: 'sieve of Eratosthenes, 64 Ki numbers' },
  { name: 'crc', kind: 'compute', counts: [40, 200], what: 'table CRC-32 over 16 KiB' },
  { name: 'hash', kind: 'compute', counts: [80, 400], what: 'FNV-1a + murmur3 mix over 8 KiB' },
  { name: 'matmul', kind: 'compute', counts: [3, 15], what: '64x64 integer matrix multiply' },
  { name: 'list', kind: 'compute', counts: [18, 90], what: 'linked list walk/unlink/insert, 8192 nodes' },
  { name: 'memops', kind: 'compute', counts: [20, 100], what: 'memcpy/memset at 16 B..64 KiB' },
  { name: 'recursion', kind: 'compute', counts: [24, 120], what: 'recursive fib + tak' },
  { name: 'fnptr', kind: 'compute', counts: [700, 3500], what: 'interpreter dispatching through function pointers' },
  { name: 'cold', kind: 'cold', counts: [1500, 10000], what: 'n distinct small functions, each run once' },
  { name: 'cold-late', image: 'cold', kind: 'cold', counts: [16000, 64000], what: 'the same, past the first 16 000' },
  { name: 'syscall', kind: 'kernel', counts: [100000, 500000], what: 'int 0x80 from ring 3, iret hypercall back' },
  { name: 'pagefault', kind: 'kernel', counts: [100000, 500000], what: 'unmap, store, #PF bounce, map, iret' },
  { name: 'hypercall', kind: 'kernel', counts: [100000, 500000], what: '2 xen_version + 1 update_va_mapping' },
  { name: 'smc', kind: 'kernel', counts: [2000, 10000], what: 'patch an immediate, call the patched code' },
];

export const ENGINES: Engine[] = ['native', 'qemu', 'v86', 'xenjit'];
/** Timed runs of compute benchmarks use the counts times this factor, so that every engine runs
 *  long enough for its start-up noise not to swamp the difference; every engine also runs the
 *  unscaled counts once, where the checksums must agree across all engines. The JITs' warm-up
 *  varies from run to run (xenjit's statemach: 0.55-0.75 s to its first 400 iterations, a rate
 *  of ~7 000 iterations/s after it), so n2 - n1 must take seconds: at a factor of 10 one suite
 *  run put statemach at 0.98x native, its t(n1) slowed by a warm-up its t(n2) did not have. */
export const SCALE: Record<Engine, number> = { native: 40, qemu: 40, v86: 40, xenjit: 40 };
export const countsFor = (b: BenchDef, e: Engine): [number, number] =>
  b.kind === 'compute' ? [b.counts[0] * SCALE[e], b.counts[1] * SCALE[e]] : b.counts;
export const enginesOf = (b: BenchDef): Engine[] => (b.kind === 'kernel' ? ['xenjit'] : ENGINES);
export const imageOf = (b: BenchDef, e: Engine): string => {
  const name = b.image ?? b.name;
  return e === 'native' ? `${name}.native` : e === 'xenjit' ? `${name}.pv.elf` : `${name}.mb.elf`;
};
