// One virtual block device's back end and its xenbus state machine, as Linux's xen-blkback
// drives it (drivers/block/xen-blkback/xenbus.c):
//
// - probe: advertise what the back end serves (feature-max-indirect-segments,
//   max-ring-page-order, multi-queue-max-queues, feature-flush-cache, feature-barrier) and go
//   InitWait;
// - front end Initialised or Connected (and the back end not Connected yet): connect_ring
//   reads "protocol" (absent: the x86_32 default; unknown: fatal), "multi-queue-num-queues"
//   (only 1 is served), "ring-page-order" with ring-ref0..N-1 or a single "ring-ref",
//   "event-channel"; maps the ring pages through their grants, binds the event channel, and
//   connect() publishes sectors, info, sector-size and physical-sector-size and goes Connected;
// - front end Closing: Closing; Closed: disconnect (unbind, unmap) and Closed; Initialising
//   after Closed: InitWait again, ready to reconnect; the front-end directory gone: disconnect.
// Anything the front end got wrong is xenbus_dev_fatal: a message under dom0's
// error/backend/vbd/<domid>/<devid>/error and the back end goes Closing.
import type { GrantAccess } from '../grant/access.ts';
import type { Dom0Port } from '../events/dom0.ts';
import {
  XenbusStateUnknown, XenbusStateInitialising, XenbusStateInitWait, XenbusStateInitialised, XenbusStateConnected,
  XenbusStateClosing, XenbusStateClosed,
} from '../abi/xenbus.ts';
import { VDISK_READONLY } from '../abi/blkif.ts';
import { EINVAL, ENOSYS } from '../hypercalls/errno.ts';
import { GrantedArea } from './granted-area.ts';
import { BlockIo } from './block-io.ts';
import { protocolFor } from './protocol.ts';
import { MAX_INDIRECT_SEGMENTS } from './requests.ts';
import { SECTOR_SIZE, type DiskImage } from './disk.ts';

/** blkback's XENBUS_MAX_RING_GRANT_ORDER default for max-ring-page-order. */
export const MAX_RING_PAGE_ORDER = 4;

/** What the back end needs of xenstored (the runtime's XenStore, dom0's view). */
export interface BackendStore {
  read(path: string): string | undefined;
  write(path: string, value: string, perms?: string[]): void;
  watch(path: string, fn: (changedPath: string) => void): () => void;
}

export interface BackendEnv {
  store: BackendStore;
  ga: GrantAccess;
  /** dom0's EVTCHNOP_bind_interdomain to the guest's port: dom0's port or a -errno. */
  bindInterdomain(guestPort: number, onNotify: (p: Dom0Port) => void): Dom0Port | number;
}

/** xenbus_scanf("%u"): a whole unsigned decimal number, or undefined. */
function readUint(store: BackendStore, path: string): number | undefined {
  const s = store.read(path);
  if (s === undefined || !/^\s*\d+/.test(s)) return undefined;
  const n = parseInt(s, 10);
  return n <= 0xffffffff ? n : undefined;
}

export class VbdBackend {
  state = XenbusStateUnknown;
  io: BlockIo | null = null;
  private area: GrantedArea | null = null;
  private port: Dom0Port | null = null;
  private unwatch: (() => void) | null = null;
  /** The last fatal error reported (also in xenstore). */
  lastError = '';

  constructor(
    readonly env: BackendEnv,
    readonly disk: DiskImage,
    /** /local/domain/0/backend/vbd/<domid>/<devid> */
    readonly backPath: string,
    /** /local/domain/<domid>/device/vbd/<devid> */
    readonly frontPath: string,
  ) {}

  private get store(): BackendStore { return this.env.store; }

  /** xenbus_switch_state: write "state" (nothing if unchanged). */
  private switchState(s: number): void {
    if (this.state === s) return;
    this.state = s;
    this.store.write(`${this.backPath}/state`, String(s));
  }

  /** xenbus_dev_fatal: the error under dom0's error/ tree, then Closing. */
  private fatal(errno: number, msg: string): void {
    this.lastError = `${errno} ${msg}`;
    const node = this.backPath.replace(/^\/local\/domain\/0\//, '');
    this.store.write(`/local/domain/0/error/${node}/error`, this.lastError);
    this.switchState(XenbusStateClosing);
  }

  /** xen_blkbk_probe: advertise, go InitWait, watch the front end's state. */
  probe(): void {
    const b = this.backPath;
    this.store.write(`${b}/feature-max-indirect-segments`, String(MAX_INDIRECT_SEGMENTS));
    this.store.write(`${b}/max-ring-page-order`, String(MAX_RING_PAGE_ORDER));
    this.store.write(`${b}/multi-queue-max-queues`, '1');
    this.store.write(`${b}/feature-flush-cache`, '1');
    this.store.write(`${b}/feature-barrier`, '1');
    this.switchState(XenbusStateInitWait);
    this.unwatch = this.store.watch(`${this.frontPath}/state`, () => this.frontendChanged());
    this.frontendChanged();
  }

  /** frontend_changed, from the watch on the front end's state (inside a guest's xenstore
   *  request: whatever the front end wrote, it must not throw into the store). */
  frontendChanged(): void {
    try {
      this.frontendChangedInner();
    } catch (e) {
      this.lastError = `internal error: ${(e as Error).message}`;
    }
  }

  private frontendChangedInner(): void {
    const fs = readUint(this.store, `${this.frontPath}/state`) ?? XenbusStateUnknown;
    switch (fs) {
      case XenbusStateInitialising:
        if (this.state === XenbusStateClosed) this.switchState(XenbusStateInitWait);
        break;
      case XenbusStateInitialised:
      case XenbusStateConnected:
        if (this.state === XenbusStateConnected) break;
        this.disconnect();
        if (this.connectRing()) this.connect();
        else this.disconnect();
        break;
      case XenbusStateClosing:
        this.switchState(XenbusStateClosing);
        break;
      case XenbusStateClosed:
        this.disconnect();
        this.switchState(XenbusStateClosed);
        if (this.store.read(`${this.backPath}/online`) === '1') break;
        this.remove();
        break;
      case XenbusStateUnknown:
        this.remove();
        break;
      default:
        this.fatal(EINVAL, `saw state ${fs} at frontend`);
    }
  }

  /** connect_ring + read_per_ring_refs + xen_blkif_map. */
  private connectRing(): boolean {
    const f = this.frontPath;
    // blkback reads it with "%63s": at most 63 characters, up to the first blank.
    const protoNode = this.store.read(`${f}/protocol`)?.trim().split(/\s/)[0].slice(0, 63);
    const proto = protocolFor(protoNode);
    if (!proto) { this.fatal(ENOSYS, `unknown fe protocol ${protoNode}`); return false; }
    const queues = readUint(this.store, `${f}/multi-queue-num-queues`) ?? 1;
    if (queues !== 1) { this.fatal(ENOSYS, `guest requested ${queues} queues, exceeding the maximum of 1.`); return false; }
    const order = readUint(this.store, `${f}/ring-page-order`);
    if (order !== undefined && order > MAX_RING_PAGE_ORDER) {
      this.fatal(EINVAL, `requested ring page order ${order} exceed max:${MAX_RING_PAGE_ORDER}`);
      return false;
    }
    const evtchn = readUint(this.store, `${f}/event-channel`);
    if (evtchn === undefined) { this.fatal(EINVAL, `reading ${f}/event-channel`); return false; }
    const refs: number[] = [];
    for (let k = 0; k < (order === undefined ? 1 : 1 << order); k++) {
      const name = order === undefined ? 'ring-ref' : `ring-ref${k}`;
      const ref = readUint(this.store, `${f}/${name}`);
      if (ref === undefined) { this.fatal(EINVAL, `reading ${f}/${name}`); return false; }
      refs.push(ref);
    }
    const area = GrantedArea.map(this.env.ga, refs);
    if (typeof area === 'number') { this.fatal(EINVAL, `mapping ring-ref port ${evtchn}`); return false; }
    const port = this.env.bindInterdomain(evtchn, () => this.kick());
    if (typeof port === 'number') { area.unmap(); this.fatal(port, `mapping ring-ref port ${evtchn}`); return false; }
    this.area = area;
    this.port = port;
    this.io = new BlockIo(area, proto, this.disk, this.env.ga, () => { this.port?.send(); });
    return true;
  }

  /** connect(): what the front end needs to use the disk, then Connected. Xen sets dom0's end
   *  of a fresh interdomain binding pending, so blkback's handler runs once right away. */
  private connect(): void {
    const b = this.backPath;
    this.store.write(`${b}/sectors`, String(this.disk.sectors));
    this.store.write(`${b}/info`, String(this.disk.readOnly ? VDISK_READONLY : 0));
    this.store.write(`${b}/sector-size`, String(SECTOR_SIZE));
    this.store.write(`${b}/physical-sector-size`, String(SECTOR_SIZE));
    this.switchState(XenbusStateConnected);
    this.kick();
  }

  /** The front end notified (xen_blkif_be_int): serve the ring. */
  kick(): void {
    if (this.port) this.port.pending = false;
    this.io?.doBlockIoOp();
  }

  /** xen_blkif_disconnect: unbind the event channel, unmap the ring. */
  disconnect(): void {
    this.port?.close();
    this.port = null;
    this.area?.unmap();
    this.area = null;
    this.io = null;
  }

  /** The device goes away (xen_blkbk_remove): stop watching too. */
  remove(): void {
    this.disconnect();
    this.unwatch?.();
    this.unwatch = null;
  }
}
