// The domain's event channels as xen/common/event_channel.c keeps them: a port table (free,
// reserved, unbound, interdomain, virq, ipi; port 0 reserved), allocated in buckets up to
// max_evtchn_port, the per-vCPU virq_to_evtchn table, and the operations behind
// EVTCHNOP_* with Xen's error for each bad input. Pending and mask bits live in shared_info
// (two-level.ts); the other end of an interdomain channel is either this domain (loopback) or
// dom0, whose back ends (console, store) hold ports in dom0.ts. A pending event that finds the
// upcall unmasked raises the CPU's interrupt line; upcall.ts turns that into the guest's event
// callback.
import type { Domain, EventSource } from '../domain.ts';
import { TwoLevel } from './two-level.ts';
import { VcpuSched } from './sched.ts';
import { Dom0Ports } from './dom0.ts';
import { doPoll } from './poll.ts';
import {
  DOMID_SELF, DOMAIN_ID, DOM0, NR_VIRQS, VIRQ_TIMER, VIRQ_DEBUG, VIRQ_XENOPROF, VIRQ_XENPMU,
  EVTCHN_2L_NR_CHANNELS, EVTCHNS_PER_BUCKET, MAX_EVTCHN_PORT, NR_PIRQS,
  EVTCHNSTAT_closed, EVTCHNSTAT_unbound, EVTCHNSTAT_interdomain, EVTCHNSTAT_virq, EVTCHNSTAT_ipi,
  EPERM, ENOENT, ESRCH, EBUSY, EEXIST, EINVAL, ENOSPC, ENOSYS,
} from './abi.ts';

/** ECS_* (xen/include/xen/sched.h). */
export const ECS_FREE = 0, ECS_RESERVED = 1, ECS_UNBOUND = 2, ECS_INTERDOMAIN = 3, ECS_PIRQ = 4,
  ECS_VIRQ = 5, ECS_IPI = 6;

/** virq_is_global: per-vCPU VIRQs are TIMER, DEBUG, XENOPROF and XENPMU; on x86 the arch
 *  VIRQs (MCA and friends) are global like all the rest. */
export function virqIsGlobal(virq: number): boolean {
  return !(virq === VIRQ_TIMER || virq === VIRQ_DEBUG || virq === VIRQ_XENOPROF || virq === VIRQ_XENPMU);
}

/** What EVTCHNOP_status reports. */
export interface ChannelStatus { status: number; vcpu: number; dom?: number; port?: number; value?: number }

export class EventChannels implements EventSource {
  readonly state = new Uint8Array(EVTCHN_2L_NR_CHANNELS);
  readonly notifyVcpu = new Uint16Array(EVTCHN_2L_NR_CHANNELS);
  /** ECS_UNBOUND: the domain allowed to bind; ECS_INTERDOMAIN: the domain at the other end. */
  readonly remoteDom = new Uint16Array(EVTCHN_2L_NR_CHANNELS);
  readonly remotePort = new Int32Array(EVTCHN_2L_NR_CHANNELS);
  readonly virq = new Uint8Array(EVTCHN_2L_NR_CHANNELS);
  /** v->virq_to_evtchn of vCPU 0 (0: not bound). */
  readonly virqToEvtchn = new Int32Array(NR_VIRQS);
  /** d->valid_evtchns: ports below this have an allocated bucket. */
  valid = EVTCHNS_PER_BUCKET;
  readonly maxPort = MAX_EVTCHN_PORT;
  readonly bits: TwoLevel;
  readonly sched: VcpuSched;
  readonly dom0: Dom0Ports;

  constructor(readonly d: Domain) {
    this.bits = new TwoLevel(d);
    this.sched = new VcpuSched(d);
    this.dom0 = new Dom0Ports(this);
    // evtchn_init: port 0 is never handed out.
    this.state[0] = ECS_RESERVED;
  }

  portValid(port: number): boolean { return port >= 0 && port < this.valid; }
  /** "Usable by a guest": bound in some way (evtchn_usable). */
  usable(port: number): boolean { return this.state[port] > ECS_RESERVED; }

  /** rcu_lock_domain_by_any_id as a domU sees the world: itself (by DOMID_SELF or number),
   *  dom0, and nothing else. */
  resolveDomain(domid: number): 'self' | 'dom0' | null {
    domid &= 0xffff;
    if (domid === DOMID_SELF || domid === DOMAIN_ID) return 'self';
    if (domid === DOM0) return 'dom0';
    return null;
  }

  // ---- allocation -------------------------------------------------------------------------

  /** evtchn_allocate_port: 0, -EBUSY (in use) or -ENOSPC; extends the buckets as needed. */
  allocatePort(port: number): number {
    if (port > this.maxPort || port >= EVTCHN_2L_NR_CHANNELS) return ENOSPC;
    if (this.portValid(port)) return this.state[port] !== ECS_FREE ? EBUSY : 0;
    while (port >= this.valid) this.valid += EVTCHNS_PER_BUCKET;
    return 0;
  }
  /** get_free_port: the lowest free port, or -ENOSPC. */
  getFreePort(): number {
    for (let port = 0; port <= this.maxPort; port++) {
      const rc = this.allocatePort(port);
      if (rc === 0) return port;
      if (rc !== EBUSY) return rc;
    }
    return ENOSPC;
  }
  /** evtchn_free: clear the pending bit, back to free and vCPU 0. */
  private free(port: number): void {
    if (this.usable(port)) this.bits.clearPending(port);
    this.state[port] = ECS_FREE;
    this.notifyVcpu[port] = 0;
  }

  // ---- delivery ---------------------------------------------------------------------------

  /** evtchn_port_set_pending on a port of this domain. */
  setPending(port: number): void {
    if (!this.portValid(port) || !this.usable(port)) return;
    const r = this.bits.setPending(port);
    if (r === 'already') return;
    if (r === 'mark') this.markEventsPending();
    this.sched.checkPollers(port);
  }
  /** vcpu_mark_events_pending: set evtchn_upcall_pending; on its 0 -> 1 edge, kick the vCPU. */
  markEventsPending(): void {
    if (this.bits.setUpcallPending()) return;
    this.kick();
  }
  /** vcpu_kick: a blocked vCPU wakes; a running one re-checks for an upcall on its way back
   *  into the guest, which here is the CPU's interrupt line. */
  kick(): void {
    this.sched.unblock();
    this.raiseIfDeliverable();
  }
  /** Raise the interrupt line when an upcall is deliverable (the check Xen's exit path makes
   *  on every return to the guest). */
  raiseIfDeliverable(): void {
    if (this.deliverable()) this.d.cpu.irq = true;
  }

  // ---- EventSource ------------------------------------------------------------------------

  /** local_event_delivery_enable. */
  enableDelivery(): void { this.bits.upcallMask = 0; }
  /** local_events_need_delivery: upcall pending and not masked. */
  deliverable(): boolean { return this.bits.upcallPending !== 0 && this.bits.upcallMask === 0; }
  poll(arg: Uint8Array): number { return doPoll(this, arg); }
  /** send_guest_vcpu_virq / send_guest_global_virq (one vCPU: both notify vCPU 0). */
  sendVirq(virq: number): void {
    if (virq < 0 || virq >= NR_VIRQS) return;
    const port = this.virqToEvtchn[virq];
    if (port !== 0) this.setPending(port);
  }

  // ---- EVTCHNOP_* -------------------------------------------------------------------------

  /** evtchn_alloc_unbound: a port of `dom` that `remoteDom` may bind. */
  allocUnbound(dom: number, remoteDom: number): number {
    const target = this.resolveDomain(dom);
    if (!target) return ESRCH;
    // A domU may allocate only in itself (XSM_TARGET).
    if (target === 'dom0') return EPERM;
    const port = this.getFreePort();
    if (port < 0) return port;
    this.state[port] = ECS_UNBOUND;
    this.remoteDom[port] = (remoteDom & 0xffff) === DOMID_SELF ? DOMAIN_ID : remoteDom & 0xffff;
    return port;
  }

  /** evtchn_bind_interdomain: connect a new local port to `remotePort` of `remoteDom`, which
   *  must be unbound and waiting for this domain. */
  bindInterdomain(remoteDom: number, remotePort: number): number {
    const rd = this.resolveDomain(remoteDom);
    if (!rd) return ESRCH;
    const lport = this.getFreePort();
    if (lport < 0) return lport;
    if (rd === 'self') {
      if (!this.portValid(remotePort) || this.state[remotePort] !== ECS_UNBOUND || this.remoteDom[remotePort] !== DOMAIN_ID) return EINVAL;
      this.state[remotePort] = ECS_INTERDOMAIN;
      this.remoteDom[remotePort] = DOMAIN_ID;
      this.remotePort[remotePort] = lport;
    } else {
      const rp = this.dom0.acceptBind(remotePort, lport);
      if (rp !== 0) return rp;
    }
    this.state[lport] = ECS_INTERDOMAIN;
    this.remoteDom[lport] = rd === 'self' ? DOMAIN_ID : DOM0;
    this.remotePort[lport] = remotePort;
    // Notifications sent to the unbound remote port may have been lost: Xen conservatively
    // sets the new local port pending.
    this.setPending(lport);
    return lport;
  }

  /** evtchn_bind_virq. */
  bindVirq(virq: number, vcpu: number): number {
    virq >>>= 0;
    if (virq >= NR_VIRQS) return EINVAL;
    if (virqIsGlobal(virq) && vcpu !== 0) return EINVAL;
    if (vcpu !== 0) return ENOENT;
    if (this.virqToEvtchn[virq] !== 0) return EEXIST;
    const port = this.getFreePort();
    if (port < 0) return port;
    this.state[port] = ECS_VIRQ;
    this.notifyVcpu[port] = vcpu;
    this.virq[port] = virq;
    this.virqToEvtchn[virq] = port;
    return port;
  }

  /** evtchn_bind_ipi. */
  bindIpi(vcpu: number): number {
    if (vcpu !== 0) return ENOENT;
    const port = this.getFreePort();
    if (port < 0) return port;
    this.state[port] = ECS_IPI;
    this.notifyVcpu[port] = vcpu;
    return port;
  }

  /** evtchn_bind_pirq: a domU without device access owns no IRQ (pirq_access_permitted). */
  bindPirq(pirq: number): number {
    if ((pirq >>> 0) >= NR_PIRQS) return EINVAL;
    return EPERM;
  }

  /** evtchn_close. */
  close(port: number): number {
    if (!this.portValid(port)) return EINVAL;
    switch (this.state[port]) {
      case ECS_FREE:
      case ECS_RESERVED:
        return EINVAL;
      case ECS_UNBOUND:
      case ECS_IPI:
        break;
      case ECS_VIRQ:
        if (this.virqToEvtchn[this.virq[port]] === port) this.virqToEvtchn[this.virq[port]] = 0;
        break;
      case ECS_INTERDOMAIN: {
        const rport = this.remotePort[port];
        if (this.remoteDom[port] === DOM0) {
          this.free(port);
          this.dom0.remoteClosed(rport);
          return 0;
        }
        // Loopback: the other end waits for this domain again.
        this.free(port);
        this.state[rport] = ECS_UNBOUND;
        this.remoteDom[rport] = DOMAIN_ID;
        return 0;
      }
      default:
        return EINVAL;
    }
    this.free(port);
    return 0;
  }

  /** evtchn_send. */
  send(port: number): number {
    if (!this.portValid(port)) return EINVAL;
    switch (this.state[port]) {
      case ECS_INTERDOMAIN:
        if (this.remoteDom[port] === DOM0) this.dom0.deliver(this.remotePort[port]);
        else this.setPending(this.remotePort[port]);
        return 0;
      case ECS_IPI:
        this.setPending(port);
        return 0;
      case ECS_UNBOUND:
        // Silently dropped until someone binds.
        return 0;
      default:
        return EINVAL;
    }
  }

  /** evtchn_status. */
  status(dom: number, port: number): ChannelStatus | number {
    const target = this.resolveDomain(dom);
    if (!target) return ESRCH;
    if (target === 'dom0') return this.dom0.portValid(port) ? EPERM : EINVAL;
    if (!this.portValid(port)) return EINVAL;
    const vcpu = this.notifyVcpu[port];
    switch (this.state[port]) {
      case ECS_UNBOUND: return { status: EVTCHNSTAT_unbound, vcpu, dom: this.remoteDom[port] };
      case ECS_INTERDOMAIN: return { status: EVTCHNSTAT_interdomain, vcpu, dom: this.remoteDom[port], port: this.remotePort[port] };
      case ECS_VIRQ: return { status: EVTCHNSTAT_virq, vcpu, value: this.virq[port] };
      case ECS_IPI: return { status: EVTCHNSTAT_ipi, vcpu };
      default: return { status: EVTCHNSTAT_closed, vcpu };
    }
  }

  /** evtchn_bind_vcpu: only unbound, interdomain and global-VIRQ channels move. */
  bindVcpu(port: number, vcpu: number): number {
    if ((vcpu >>> 0) !== 0) return ENOENT;
    if (!this.portValid(port)) return EINVAL;
    switch (this.state[port]) {
      case ECS_VIRQ:
        if (!virqIsGlobal(this.virq[port])) return EINVAL;
        this.notifyVcpu[port] = vcpu;
        return 0;
      case ECS_UNBOUND:
      case ECS_INTERDOMAIN:
        this.notifyVcpu[port] = vcpu;
        return 0;
      default:
        return EINVAL;
    }
  }

  /** evtchn_unmask: clearing the mask of a pending port re-raises it. A free port's mask is
   *  left alone (only usable channels are touched). */
  unmask(port: number): number {
    if (!this.portValid(port)) return EINVAL;
    if (this.usable(port) && this.bits.unmask(port)) this.markEventsPending();
    return 0;
  }

  /** EVTCHNOP_reset / reset_cont on `dom`: close every port of this domain. */
  reset(dom: number, cont: boolean): number {
    const target = this.resolveDomain(dom);
    if (!target) return ESRCH;
    if (target === 'dom0') return EPERM;
    // No reset is ever left half done here, so a continuation has nothing to resume.
    if (cont) return EBUSY;
    for (let port = 1; this.portValid(port); port++) this.close(port);
    return 0;
  }

  /** EVTCHNOP_set_priority: the 2-level ABI has no priorities. */
  setPriority(port: number): number {
    if (!this.portValid(port)) return EINVAL;
    return ENOSYS;
  }
}

/** The domain's event channels, when the events plugin is installed. */
export function eventChannels(d: Domain): EventChannels | undefined {
  const e = d.ext.events;
  return e instanceof EventChannels ? e : undefined;
}
