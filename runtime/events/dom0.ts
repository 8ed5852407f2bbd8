// The dom0 end of interdomain channels: the ports the back ends hold (xenconsoled's console
// port, xenstored's store port, later the block back end's). Dom0 is not emulated; only its
// event-channel table is, so that the guest's view is Xen's: binding to a dom0 port works only
// when dom0 left it unbound for this domain, closing the guest end leaves the dom0 end unbound,
// a send from the guest reaches the back end's handler, and a back end's send sets the guest
// port pending.
import type { EventChannels } from './channels.ts';
import { ECS_UNBOUND, ECS_INTERDOMAIN } from './channels.ts';
import { DOM0, EVTCHNS_PER_BUCKET, EINVAL } from './abi.ts';

/** A back end's port in dom0. */
export class Dom0Port {
  state: 'unbound' | 'interdomain' | 'free' = 'unbound';
  /** The guest port at the other end while interdomain, else -1. */
  guestPort = -1;
  /** dom0's own pending bit: set by the guest's sends (and by dom0's bind). */
  pending = false;
  /** What the back end does when the guest notifies this port. */
  onNotify: ((p: Dom0Port) => void) | null = null;
  /** Called when the guest closes its end (the port is unbound again). */
  onUnbound: ((p: Dom0Port) => void) | null = null;

  constructor(private readonly owner: Dom0Ports, readonly port: number) {}

  /** Dom0's evtchn_send: notify the guest end (dropped while unbound). */
  send(): number {
    if (this.state === 'free') return EINVAL;
    if (this.state === 'interdomain') this.owner.ev.setPending(this.guestPort);
    return 0;
  }
  /** Dom0's evtchn_close: the guest end becomes unbound, waiting for dom0 again. */
  close(): void {
    const ev = this.owner.ev;
    if (this.state === 'interdomain') {
      const gp = this.guestPort;
      if (ev.state[gp] === ECS_INTERDOMAIN) { ev.state[gp] = ECS_UNBOUND; ev.remoteDom[gp] = DOM0; }
    }
    this.state = 'free';
    this.guestPort = -1;
    this.owner.ports.delete(this.port);
  }
}

export class Dom0Ports {
  readonly ports = new Map<number, Dom0Port>();
  /** dom0's valid_evtchns, as far as this domain can tell. */
  valid = EVTCHNS_PER_BUCKET;

  constructor(readonly ev: EventChannels) {}

  portValid(port: number): boolean { return port >= 0 && port < this.valid; }
  get(port: number): Dom0Port | undefined { return this.ports.get(port); }
  /** The dom0 port connected to guest port `guestPort`, if any. */
  forGuestPort(guestPort: number): Dom0Port | undefined {
    for (const p of this.ports.values()) if (p.state === 'interdomain' && p.guestPort === guestPort) return p;
    return undefined;
  }

  private allocate(): Dom0Port {
    let n = 1;
    while (this.ports.has(n)) n++;
    while (n >= this.valid) this.valid += EVTCHNS_PER_BUCKET;
    const p = new Dom0Port(this, n);
    this.ports.set(n, p);
    return p;
  }

  /** A back end's alloc_unbound in dom0 for this domain. */
  allocUnbound(onNotify: ((p: Dom0Port) => void) | null = null): Dom0Port {
    const p = this.allocate();
    p.onNotify = onNotify;
    return p;
  }

  /** A back end's bind_interdomain to guest port `guestPort`, which must be unbound and
   *  waiting for dom0: the Dom0Port, or Xen's -EINVAL. */
  bindInterdomain(guestPort: number, onNotify: ((p: Dom0Port) => void) | null = null): Dom0Port | number {
    const ev = this.ev;
    if (!ev.portValid(guestPort) || ev.state[guestPort] !== ECS_UNBOUND || ev.remoteDom[guestPort] !== DOM0) return EINVAL;
    const p = this.allocate();
    p.onNotify = onNotify;
    p.state = 'interdomain';
    p.guestPort = guestPort;
    ev.state[guestPort] = ECS_INTERDOMAIN;
    ev.remoteDom[guestPort] = DOM0;
    ev.remotePort[guestPort] = p.port;
    // Xen sets the binder's own new port pending (here dom0's), not the guest's.
    p.pending = true;
    return p;
  }

  // ---- called by EventChannels for the guest's operations ---------------------------------

  /** The guest binds `guestPort` to dom0 port `port`: 0 or -EINVAL. */
  acceptBind(port: number, guestPort: number): number {
    const p = this.ports.get(port);
    if (!this.portValid(port) || !p || p.state !== 'unbound') return EINVAL;
    p.state = 'interdomain';
    p.guestPort = guestPort;
    return 0;
  }
  /** The guest closed its end of `port`. */
  remoteClosed(port: number): void {
    const p = this.ports.get(port);
    if (!p) return;
    p.state = 'unbound';
    p.guestPort = -1;
    p.onUnbound?.(p);
  }
  /** The guest sent on its end of `port`. */
  deliver(port: number): void {
    const p = this.ports.get(port);
    if (!p) return;
    p.pending = true;
    p.onNotify?.(p);
  }
}

