// The 2-level event-channel ABI (xen/common/event_2l.c) on the guest-visible bits: the
// evtchn_pending and evtchn_mask bitmaps of shared_info (32-bit words for a 32-bit guest) and,
// in vcpu_info, evtchn_pending_sel (one bit per word of pending ports) and the upcall
// pending/mask bytes. The guest writes these too, so every test reads guest memory.
import type { Domain } from '../domain.ts';
import { PAGE } from '../domain.ts';
import {
  SHINFO_evtchn_pending, SHINFO_evtchn_mask, BITS_PER_EVTCHN_WORD,
  VCPU_INFO_upcall_pending, VCPU_INFO_upcall_mask, VCPU_INFO_pending_sel,
} from './abi.ts';

export class TwoLevel {
  constructor(readonly d: Domain) {}

  private get shinfo(): number { return this.d.xen.sharedInfo * PAGE; }
  private testBit(base: number, port: number): boolean { return (this.d.cpu.mem[base + (port >>> 3)] & (1 << (port & 7))) !== 0; }
  /** test_and_set_bit: the old value. */
  private setBit(base: number, port: number): boolean {
    const m = this.d.cpu.mem, a = base + (port >>> 3), b = 1 << (port & 7), old = (m[a] & b) !== 0;
    m[a] |= b;
    return old;
  }
  /** test_and_clear_bit: the old value. */
  private clearBit(base: number, port: number): boolean {
    const m = this.d.cpu.mem, a = base + (port >>> 3), b = 1 << (port & 7), old = (m[a] & b) !== 0;
    m[a] &= ~b;
    return old;
  }

  isPending(port: number): boolean { return this.testBit(this.shinfo + SHINFO_evtchn_pending, port); }
  isMasked(port: number): boolean { return this.testBit(this.shinfo + SHINFO_evtchn_mask, port); }
  /** evtchn_2l_clear_pending. */
  clearPending(port: number): void { this.clearBit(this.shinfo + SHINFO_evtchn_pending, port); }
  /** Guest-visible mask bit, for tests and start-of-day setup. */
  setMask(port: number, masked: boolean): void {
    if (masked) this.setBit(this.shinfo + SHINFO_evtchn_mask, port); else this.clearBit(this.shinfo + SHINFO_evtchn_mask, port);
  }
  /** test_and_set_bit on the selector bit of `port`'s word in vcpu_info: the old value. */
  private setSel(port: number): boolean {
    return this.setBit(this.d.vcpuInfoMaddr + VCPU_INFO_pending_sel, Math.floor(port / BITS_PER_EVTCHN_WORD));
  }

  /** evtchn_2l_set_pending: returns 'already' when the port was pending (nothing else
   *  happens, not even a poller check), 'mark' when the vCPU must be marked as having events
   *  pending (unmasked port, selector bit newly set), otherwise 'quiet'. */
  setPending(port: number): 'already' | 'mark' | 'quiet' {
    if (this.setBit(this.shinfo + SHINFO_evtchn_pending, port)) return 'already';
    if (!this.isMasked(port) && !this.setSel(port)) return 'mark';
    return 'quiet';
  }

  /** evtchn_2l_unmask: clear the mask; if the port was masked and is pending and its selector
   *  bit was clear, the vCPU must be marked (true). */
  unmask(port: number): boolean {
    return this.clearBit(this.shinfo + SHINFO_evtchn_mask, port) && this.isPending(port) && !this.setSel(port);
  }

  // ---- vcpu_info upcall flags ------------------------------------------------------------
  get upcallPending(): number { return this.d.cpu.mem[this.d.vcpuInfoMaddr + VCPU_INFO_upcall_pending]; }
  get upcallMask(): number { return this.d.cpu.mem[this.d.vcpuInfoMaddr + VCPU_INFO_upcall_mask]; }
  set upcallMask(v: number) { this.d.cpu.mem[this.d.vcpuInfoMaddr + VCPU_INFO_upcall_mask] = v; }
  /** test_and_set_bit(0, &evtchn_upcall_pending): the old bit. */
  setUpcallPending(): boolean {
    const m = this.d.cpu.mem, a = this.d.vcpuInfoMaddr + VCPU_INFO_upcall_pending, old = (m[a] & 1) !== 0;
    m[a] |= 1;
    return old;
  }
  get pendingSel(): number { return this.d.cpu.view.getUint32(this.d.vcpuInfoMaddr + VCPU_INFO_pending_sel, true); }
  set pendingSel(v: number) { this.d.cpu.view.setUint32(this.d.vcpuInfoMaddr + VCPU_INFO_pending_sel, v >>> 0, true); }
}
