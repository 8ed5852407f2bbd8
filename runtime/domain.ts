// One unprivileged PV domain and the machine it runs on: machine memory (Xen's own frames and
// the domain's), the pseudo-physical to machine map (P2M, a deterministic shuffle by default,
// as real Xen hands out scattered frames) and its inverse (M2P, visible read-only to the guest),
// the hypervisor window at the top of the address space, the vCPU and its translator.
import { Cpu } from '../src/cpu/state.ts';
import { Jit, type JitOptions } from '../jit/jit.ts';
import { flushAll } from '../src/cpu/paging.ts';

export const PAGE = 4096;
import {
  HYPERVISOR_VIRT_START_PAE, HYPERVISOR_VIRT_START_NONPAE, MACH2PHYS_VIRT_START_PAE, MACH2PHYS_VIRT_START_NONPAE,
} from './abi/arch-x86_32.ts';
/** Where this implementation puts the per-vCPU GDT (16 pages) and LDT (16 pages) in the window:
 *  inside the hypervisor area, above the M2P; the guest only sees them through SGDT/SLDT. */
export const GDT_VIRT = 0xff000000, LDT_VIRT = 0xff010000, GDT_PAGES = 16, LDT_PAGES = 16;

/** Grant-table frames a domain may set up (Xen's max_grant_frames default for a domU). */
export const MAX_GRANT_FRAMES = 32;

export type ShutdownReason = 'poweroff' | 'reboot' | 'suspend' | 'crash' | 'watchdog' | 'soft_reset';

export interface DomainOptions {
  memoryMiB: number;
  pae: boolean;
  /** 'shuffle' (default): machine frames in a seeded pseudo-random order; 'identity': mfn = pfn + offset. */
  p2m: 'shuffle' | 'identity';
  seed: number;
  jit: Partial<JitOptions>;
}

/** Xen-owned machine frames, at the bottom of machine memory. */
export interface XenFrames {
  sharedInfo: number;
  /** Page 14 of every GDT: Xen's flat ring-1/ring-3 descriptors. */
  gdtReserved: number;
  /** First of MAX_GRANT_FRAMES grant-table frames. */
  grant: number;
  /** First frame of the M2P table and its length in frames. */
  m2p: number;
  m2pFrames: number;
}

export class Domain {
  readonly cpu: Cpu;
  readonly jit: Jit;
  readonly nrPages: number;
  readonly totalFrames: number;
  /** pfn -> mfn */
  readonly p2m: Int32Array;
  readonly xen: XenFrames;
  readonly pae: boolean;
  readonly hvStart: number;
  readonly m2pStart: number;
  /** 1 for machine frames that belong to the domain. */
  readonly owned: Uint8Array;
  shutdown: ShutdownReason | null = null;
  /** The raw SHUTDOWN_* number the guest gave (also for SCHEDOP_shutdown_code). */
  shutdownCode = -1;
  /** VMASST_TYPE_* bits enabled by the guest. */
  vmAssist = 0;
  /** The vCPU is blocked in SCHEDOP_block until an event is pending. */
  blocked = false;
  /** Subsystems plug in here (event channels, time, MMU, traps); see their modules. */
  readonly ext: DomainExtensions = {};
  /** Console output of the domain (console_io and the console ring). */
  consoleOut: (text: string) => void = () => {};

  constructor(readonly opts: DomainOptions) {
    const nr = Math.floor(opts.memoryMiB * 256);
    if (!Number.isFinite(nr) || nr < 1024 || nr > 256 * 1024) throw new RangeError(`memory must be 4 to 1024 MiB, not ${opts.memoryMiB}`);
    this.nrPages = nr;
    this.pae = opts.pae;
    // Xen's frames: 0 unused, 1 shared_info, 2 reserved GDT page, the grant-table frames
    // (shared with the domain, Xen's share_xen_page_with_guest), then the M2P table.
    const base = 3 + MAX_GRANT_FRAMES;
    let total = base + nr;
    let m2pFrames = Math.ceil((total * 4) / PAGE);
    total += m2pFrames; m2pFrames = Math.ceil((total * 4) / PAGE); total = base + m2pFrames + nr;
    this.totalFrames = total;
    this.xen = { sharedInfo: 1, gdtReserved: 2, grant: 3, m2p: base, m2pFrames };
    this.cpu = new Cpu(total * PAGE);
    this.jit = new Jit(this.cpu, opts.jit);
    const first = base + m2pFrames;
    const frames = Int32Array.from({ length: nr }, (_, k) => first + k);
    if (opts.p2m === 'shuffle') {
      let x = opts.seed >>> 0 || 0x9e3779b9;
      for (let k = nr - 1; k > 0; k--) {
        x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
        const j = x % (k + 1);
        const t = frames[k]; frames[k] = frames[j]; frames[j] = t;
      }
    }
    this.p2m = frames;
    this.owned = new Uint8Array(total);
    const v = this.cpu.view;
    // M2P entries of frames the domain does not own read as INVALID_M2P_ENTRY (~0).
    for (let m = 0; m < total; m++) v.setInt32(this.xen.m2p * PAGE + m * 4, -1, true);
    for (let p = 0; p < nr; p++) { this.owned[frames[p]] = 1; v.setInt32(this.xen.m2p * PAGE + frames[p] * 4, p, true); }
    // Grant-table frames belong to the domain for mapping purposes but have no pseudo-physical
    // frame (their M2P entries stay invalid), as Xen's shared xenheap pages.
    for (let k = 0; k < MAX_GRANT_FRAMES; k++) this.owned[this.xen.grant + k] = 1;
    this.hvStart = opts.pae ? HYPERVISOR_VIRT_START_PAE : HYPERVISOR_VIRT_START_NONPAE;
    this.m2pStart = opts.pae ? MACH2PHYS_VIRT_START_PAE : MACH2PHYS_VIRT_START_NONPAE;
    this.setupWindow();
    // Xen is a 64-bit hypervisor: the guest's PAE L3 is a long-mode L3 under Xen's L4.
    this.cpu.paeL3LongMode = true;
    this.vcpuInfoMaddr = this.xen.sharedInfo * PAGE;
  }

  /** The hypervisor area as the guest sees it: the M2P read-only (kernel and user), the GDT and
   *  LDT pages readable by the kernel only, nothing else. */
  private setupWindow(): void {
    const c = this.cpu;
    const pages = (0x100000000 - this.hvStart) / PAGE;
    c.windowStart = this.hvStart | 0;
    c.windowPages = new Int32Array(pages);
    c.windowFlags = new Uint8Array(pages);
    const m2pIdx = (this.m2pStart - this.hvStart) / PAGE;
    for (let k = 0; k < this.xen.m2pFrames; k++) { c.windowPages[m2pIdx + k] = this.xen.m2p + k + 1; c.windowFlags[m2pIdx + k] = 2; }
    this.mapGdtPage(14, this.xen.gdtReserved);
    c.gdtBase = GDT_VIRT | 0;
    c.gdtLimit = GDT_PAGES * PAGE - 1;
  }

  /** Map GDT page `k` (0..15) to machine frame `mfn` (or unmap with -1). */
  mapGdtPage(k: number, mfn: number): void {
    const c = this.cpu, idx = (GDT_VIRT - this.hvStart) / PAGE + k;
    c.windowPages![idx] = mfn < 0 ? 0 : mfn + 1;
    c.windowFlags![idx] = 0;
    flushAll(c, true);
  }
  /** Map LDT page `k` to machine frame `mfn` (or unmap with -1). */
  mapLdtPage(k: number, mfn: number): void {
    const c = this.cpu, idx = (LDT_VIRT - this.hvStart) / PAGE + k;
    c.windowPages![idx] = mfn < 0 ? 0 : mfn + 1;
    c.windowFlags![idx] = 0;
    flushAll(c, true);
  }

  /** Why the domain crashed, when it did. */
  crashReason = '';
  /** Crash the domain (Xen's domain_crash): it stops with SHUTDOWN_crash. */
  crash(why: string): void {
    this.crashReason = why;
    this.shutdown = 'crash';
    this.shutdownCode = 3;
    this.cpu.stopped = true;
  }

  /** SCHEDOP_block: enable event delivery, and halt unless an event is already pending
   *  (Xen's do_block). */
  block(): void {
    const ev = this.ext.events;
    if (ev) { ev.enableDelivery(); if (ev.deliverable()) return; }
    this.blocked = true;
    this.cpu.halted = true;
  }
  /** SCHEDOP_poll with the 16-byte sched_poll argument already copied in. */
  poll(arg: Uint8Array): number {
    return this.ext.events ? this.ext.events.poll(arg) : -38;
  }

  /** Machine address of vCPU 0's vcpu_info: in shared_info until the guest registers its own
   *  (VCPUOP_register_vcpu_info). */
  vcpuInfoMaddr = 0;

  mfnOf(pfn: number): number { return pfn >= 0 && pfn < this.nrPages ? this.p2m[pfn] : -1; }
  pfnOf(mfn: number): number {
    return mfn >= 0 && mfn < this.totalFrames ? this.cpu.view.getInt32(this.xen.m2p * PAGE + mfn * 4, true) : -1;
  }
  setM2p(mfn: number, pfn: number): void { this.cpu.view.setInt32(this.xen.m2p * PAGE + mfn * 4, pfn, true); }
  /** Is `mfn` a frame of this domain? (Xen: get_page_from_mfn with the domain as owner.) */
  ownsFrame(mfn: number): boolean { return mfn >= 0 && mfn < this.totalFrames && this.owned[mfn] === 1; }
}

/** What the runtime's subsystems provide to the domain and to each other. Each subsystem
 *  (a Plugin, machine.ts) fills its slot in Domain.ext when installed. */
export interface EventSource {
  /** Clear the upcall mask (the vCPU is about to block). */
  enableDelivery(): void;
  /** Is an upcall deliverable now (pending and not masked)? */
  deliverable(): boolean;
  poll(arg: Uint8Array): number;
  /** Raise a virtual IRQ (VIRQ_*) on the vCPU, if the guest bound it. */
  sendVirq(virq: number): void;
}
export interface TrapApi {
  /** Enter the guest's event callback with a bounce frame (events masked, as Xen's
   *  upcall does). False when the guest registered no event callback. */
  deliverEventUpcall(): boolean;
}
export interface MmuApi {
  /** Validate and type the bootstrap page tables the builder made, and pin the top level
   *  (what Xen does for the initial CR3 of a PV guest). */
  adoptBootTables(topMfn: number): void;
}
export interface TimeApi {
  /** Guest system time in ns (vcpu_time_info's clock). */
  now(): bigint;
}
export interface DomainExtensions {
  events?: EventSource;
  traps?: TrapApi;
  mmu?: MmuApi;
  time?: TimeApi;
}
