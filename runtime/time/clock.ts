// The guest's clocks. Xen's system time (NOW(), ns since boot) and the TSC the guest reads
// with RDTSC are tied together by the scale in vcpu_time_info; here they are tied exactly:
// the TSC runs at TSC_HZ = 1 GHz, so system time is TSC - tscBase, and Xen's own timers use
// the same value the guest computes. The TSC is the CPU's c.tsc + c.icount (one tick per
// retired instruction), and the clock kinds differ only in how c.tsc is moved:
//
//  - 'virtual': time is derived from retired instructions, 1 instruction = 1 ns (a 1 GHz TSC),
//    and only jumps forward when the vCPU idles (blocked with a timer armed: straight to the
//    deadline). Nothing depends on the host, so two runs are identical to the instruction.
//    The wall clock starts at 2020-01-01T00:00:00Z at system time 0.
//  - 'host': c.tsc is pushed forward so that system time follows the host's monotonic clock
//    (checked between slices, at hypercalls that read the time, and around sleeps); it never
//    moves backwards, so between checks it advances one tick per instruction. The wall clock
//    is the host's.
import type { Cpu } from '../../src/cpu/state.ts';

export type ClockKind = 'host' | 'virtual';

export const TSC_HZ = 1_000_000_000;
/** Xen's system time when the domain starts: Xen has been up for a second. */
export const BOOT_SYSTEM_TIME = 1_000_000_000n;
/** Wall-clock time at system time 0 on the virtual clock: 2020-01-01T00:00:00Z. */
export const VIRTUAL_EPOCH_NS = 1_577_836_800n * 1_000_000_000n;
export const NS_PER_SEC = 1_000_000_000n;

/** Xen's set_time_scale (xen/arch/x86/time.c): the tsc_to_system_mul and tsc_shift for a
 *  counter of `ticksPerSec`, such that ns = ((ticks << shift) * mul) >> 32. */
export function timeScale(ticksPerSec: number): { mul: number; shift: number } {
  let tps64 = BigInt(ticksPerSec), shift = 0;
  while (tps64 > 2_000_000_000n) { tps64 >>= 1n; shift--; }
  let tps32 = tps64 & 0xffffffffn;
  while (tps32 <= 1_000_000_000n) { tps32 <<= 1n; shift++; }
  const mul = Number((1_000_000_000n << 32n) / tps32);
  return { mul, shift };
}

/** ns from TSC ticks with a vcpu_time_info scale, as a guest computes it (pvclock). */
export function scaleDelta(delta: bigint, mul: number, shift: number): bigint {
  const d = shift >= 0 ? delta << BigInt(shift) : delta >> BigInt(-shift);
  return (d * BigInt(mul >>> 0)) >> 32n;
}

export class GuestClock {
  /** TSC value at system time 0. */
  private readonly tscBase: bigint;
  private readonly hostStart: bigint;
  /** Wall-clock ns (Unix epoch) at system time 0. */
  readonly wallAtZero: bigint;

  constructor(readonly c: Cpu, readonly kind: ClockKind) {
    this.tscBase = this.tsc() - BOOT_SYSTEM_TIME;
    this.hostStart = process.hrtime.bigint();
    this.wallAtZero = kind === 'virtual' ? VIRTUAL_EPOCH_NS : BigInt(Date.now()) * 1_000_000n - BOOT_SYSTEM_TIME;
  }

  /** What RDTSC returns now. */
  tsc(): bigint { return this.c.tsc + BigInt(this.c.icount); }
  /** The TSC value at system time `stime`. */
  tscAt(stime: bigint): bigint { return stime + this.tscBase; }
  /** Xen's NOW(): system time in ns. On the host clock it first catches up with the host. */
  now(): bigint {
    if (this.kind === 'host') this.sync();
    return this.tsc() - this.tscBase;
  }
  /** System time without catching up (what the TSC says). */
  peek(): bigint { return this.tsc() - this.tscBase; }
  /** Move time forward to `stime` (never backwards): the TSC keeps counting while the vCPU
   *  is not executing. */
  advanceTo(stime: bigint): void {
    const delta = stime - this.peek();
    if (delta > 0n) this.c.tsc += delta;
  }
  /** Host clock: system time catches up with the host's elapsed time. */
  sync(): void {
    if (this.kind !== 'host') return;
    this.advanceTo(BOOT_SYSTEM_TIME + (process.hrtime.bigint() - this.hostStart));
  }
  /** Virtual clock: instructions to run until `stime` (at least 1). */
  instructionsUntil(stime: bigint): number {
    const ns = stime - this.peek();
    if (ns <= 0n) return 1;
    return ns > 1_000_000_000_000n ? 1e12 : Number(ns) * (TSC_HZ / 1e9);
  }
}
