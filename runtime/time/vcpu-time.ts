// What Xen publishes about time (xen/arch/x86/time.c): the vCPU's vcpu_time_info in its
// vcpu_info (__update_vcpu_system_time) and the wall clock in shared_info
// (update_domain_wallclock_time), both behind a version that is odd while an update is in
// progress (version_update_begin: (v + 1) | 1, version_update_end: v + 1).
//
// The record is the physical CPU's time stamp: Xen recalibrates every second (EPOCH) and a
// vCPU's copy is refreshed when it is scheduled in or while it runs at a calibration; a
// refresh that would not change the record does not touch it. Here the stamp is the last whole
// second of system time, so the record changes once a second and at wake-ups after one.
// The TSC scale is exact (clock.ts), and flags stay 0: Xen sets XEN_PVCLOCK_TSC_STABLE_BIT
// only when its own clocksource is the TSC, which is not the default.
import type { Domain } from '../domain.ts';
import { PAGE } from '../domain.ts';
import { GuestClock, TSC_HZ, timeScale, NS_PER_SEC, BOOT_SYSTEM_TIME } from './clock.ts';
import {
  VCPU_INFO_time, VCPU_TIME_version, VCPU_TIME_tsc_timestamp, VCPU_TIME_system_time,
  VCPU_TIME_tsc_to_system_mul, VCPU_TIME_tsc_shift, VCPU_TIME_flags,
  SHINFO_wc_version, SHINFO_wc_sec, SHINFO_wc_nsec, SHINFO_arch_wc_sec_hi,
} from '../events/abi.ts';

export const versionUpdateBegin = (v: number): number => ((v + 1) | 1) >>> 0;
export const versionUpdateEnd = (v: number): number => (v + 1) >>> 0;

export class VcpuTime {
  readonly scale = timeScale(TSC_HZ);
  /** The stamp last written (system time), or null. */
  private written: bigint | null = null;

  constructor(readonly d: Domain, readonly clock: GuestClock) {}

  /** The physical CPU's calibration stamp at system time `now`. */
  stampAt(now: bigint): bigint {
    if (now < BOOT_SYSTEM_TIME) return now;
    return BOOT_SYSTEM_TIME + ((now - BOOT_SYSTEM_TIME) / NS_PER_SEC) * NS_PER_SEC;
  }

  /** update_vcpu_system_time: write the current stamp unless it is already there (or
   *  `force`, as when the vcpu_info moved). */
  update(force = false): void {
    const stamp = this.stampAt(this.clock.now());
    if (!force && stamp === this.written) return;
    this.written = stamp;
    const v = this.d.cpu.view, a = this.d.vcpuInfoMaddr + VCPU_INFO_time;
    const ver = v.getUint32(a + VCPU_TIME_version, true);
    v.setUint32(a + VCPU_TIME_version, versionUpdateBegin(ver), true);
    v.setUint32(a + VCPU_TIME_version + 4, 0, true);
    v.setBigUint64(a + VCPU_TIME_tsc_timestamp, this.clock.tscAt(stamp), true);
    v.setBigUint64(a + VCPU_TIME_system_time, stamp, true);
    v.setUint32(a + VCPU_TIME_tsc_to_system_mul, this.scale.mul, true);
    v.setInt8(a + VCPU_TIME_tsc_shift, this.scale.shift);
    v.setUint8(a + VCPU_TIME_flags, 0);
    v.setUint16(a + VCPU_TIME_flags + 1, 0, true);
    v.setUint32(a + VCPU_TIME_version, versionUpdateEnd(versionUpdateBegin(ver)), true);
  }

  /** update_domain_wallclock_time: wc_sec/wc_nsec is the wall-clock time at system time 0;
   *  a 32-bit shared_info keeps the seconds' high half in arch.wc_sec_hi. */
  writeWallclock(): void {
    const v = this.d.cpu.view, si = this.d.xen.sharedInfo * PAGE;
    const ver = v.getUint32(si + SHINFO_wc_version, true);
    v.setUint32(si + SHINFO_wc_version, versionUpdateBegin(ver), true);
    const sec = this.clock.wallAtZero / NS_PER_SEC, nsec = this.clock.wallAtZero % NS_PER_SEC;
    v.setUint32(si + SHINFO_wc_sec, Number(sec & 0xffffffffn), true);
    v.setUint32(si + SHINFO_wc_nsec, Number(nsec), true);
    v.setUint32(si + SHINFO_arch_wc_sec_hi, Number(sec >> 32n), true);
    v.setUint32(si + SHINFO_wc_version, versionUpdateEnd(versionUpdateBegin(ver)), true);
  }
}
