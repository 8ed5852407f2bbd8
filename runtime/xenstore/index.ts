// An in-process xenstored for the domain: the store (core.ts and friends), the guest's ring
// (ring.ts) on the store page and event channel start_info names, the toolstack's nodes
// (populate.ts), and this API for the runtime's own back ends and the CLI, which act as dom0:
// privileged, absolute paths, their changes firing the guest's watches like any other write.
import type { Plugin, Machine } from '../machine.ts';
import type { Domain } from '../domain.ts';
import { OWN_DOMID } from '../grant/grant-table.ts';
import { eventChannels } from '../events/channels.ts';
import { Store } from './core.ts';
import type { Connection } from './connection.ts';
import { StoreRing } from './ring.ts';
import { XsError } from './errors.ts';
import * as op from './operations.ts';
import { populate, addDevice, type DeviceSpec } from './populate.ts';

export { addDevice, type DeviceSpec };

const bytes = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const text = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
const strs = (b: Uint8Array): string[] => op.getStrings(b);

export class XenStore {
  readonly store = new Store();
  /** The runtime's own (dom0) connection: back ends, the CLI. */
  readonly dom0: Connection;
  /** The guest's connection (served through the ring once the domain is built). */
  readonly guest: Connection;
  ring: StoreRing | null = null;
  readonly domainPath: string;
  private readonly callbacks = new Map<string, (changedPath: string) => void>();
  private nextToken = 0;
  private flushing = false;

  constructor(readonly domid: number = OWN_DOMID) {
    this.dom0 = this.store.connect(0, true);
    this.guest = this.store.connect(domid, false);
    this.domainPath = `/local/domain/${domid}`;
  }

  private call(fn: op.Operation, what: string, path: string, payload: Uint8Array): Uint8Array {
    try {
      return fn(this.store, this.dom0, payload);
    } catch (e) {
      if (e instanceof XsError) throw Object.assign(new Error(`xenstore ${what} ${path}: ${e.message}`), { errno: e.errno });
      throw e;
    } finally {
      this.afterChange();
    }
  }
  private static missing(e: unknown): boolean { return (e as { errno?: number }).errno === 2; }

  /** The value, or undefined when the node does not exist. */
  read(path: string): string | undefined {
    try { return text(this.call(op.read, 'read', path, bytes(`${path}\0`))); } catch (e) { if (XenStore.missing(e)) return undefined; throw e; }
  }
  /** Create (with any missing parents, inheriting permissions) or replace the value; then set
   *  `perms` if given. */
  write(path: string, value: string, perms?: string[]): void {
    this.call(op.write, 'write', path, bytes(`${path}\0${value}`));
    if (perms) this.setPerms(path, perms);
  }
  mkdir(path: string, perms?: string[]): void {
    this.call(op.mkdir, 'mkdir', path, bytes(`${path}\0`));
    if (perms) this.setPerms(path, perms);
  }
  /** Remove the node and everything below it (nothing to do if it does not exist). */
  rm(path: string): void {
    try { this.call(op.rm, 'rm', path, bytes(`${path}\0`)); } catch (e) { if (!XenStore.missing(e)) throw e; }
  }
  directory(path: string): string[] | undefined {
    try { return strs(this.call(op.directory, 'directory', path, bytes(`${path}\0`))); } catch (e) { if (XenStore.missing(e)) return undefined; throw e; }
  }
  getPerms(path: string): string[] | undefined {
    try { return strs(this.call(op.getPerms, 'get-perms', path, bytes(`${path}\0`))); } catch (e) { if (XenStore.missing(e)) return undefined; throw e; }
  }
  /** Permissions in xenstored's string form: owner first ('n0' = dom0 owns, others none),
   *  then per-domain grants ('r1' = domain 1 may read, 'w1', 'b1' both). */
  setPerms(path: string, perms: string[]): void {
    this.call(op.setPerms, 'set-perms', path, bytes(`${path}\0${perms.map((p) => p + '\0').join('')}`));
  }
  /** A dom0 watch: `fn(path)` after every change at or below `path`, the guest's included.
   *  Unlike XS_WATCH it does not fire once at registration. Returns the unwatch function. */
  watch(path: string, fn: (changedPath: string) => void): () => void {
    const token = `xenjit-${this.nextToken++}`;
    this.call(op.watch, 'watch', path, bytes(`${path}\0${token}\0`));
    this.callbacks.set(token, fn);
    return () => {
      if (!this.callbacks.delete(token)) return;
      this.call(op.unwatch, 'unwatch', path, bytes(`${path}\0${token}\0`));
    };
  }

  /** After any change: run dom0's watch callbacks (which may change the store again), then
   *  move the guest's replies and events into its ring. */
  afterChange(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.dom0.out.length > 0) {
        const m = this.dom0.out.shift()!;
        const [path, token] = strs(m.payload);
        const fn = this.callbacks.get(token);
        if (fn) fn(path);
      }
    } finally {
      this.flushing = false;
    }
    this.ring?.kick();
  }
}

const stores = new WeakMap<Domain, XenStore>();

/** The domain's store, once the plugin is installed. */
export function xenstore(d: Domain): XenStore | undefined { return stores.get(d); }

export interface XenStorePluginOptions {
  /** Extra nodes for the toolstack to write (`--xenstore path=value`): relative paths are
   *  under the domain's path. */
  entries?: Record<string, string>;
  /** The domain's name (default 'domU'). */
  name?: string;
}

/** xenstored plus the toolstack's start-of-day nodes. Install after the events plugin: at boot
 *  it takes over dom0's end of the store channel the events plugin bound. */
export function xenstorePlugin(opts: XenStorePluginOptions = {}): Plugin {
  return {
    name: 'xenstore',
    install(m: Machine): void {
      const d = m.domain;
      const xs = new XenStore(OWN_DOMID);
      stores.set(d, xs);
      m.bootHooks.push((sod) => {
        populate(xs, {
          domid: OWN_DOMID, name: opts.name ?? 'domU', uuid: uuidFor(OWN_DOMID), memoryKiB: d.nrPages * 4,
          storeMfn: sod.storeMfn, storePort: m.storeEvtchn, consoleMfn: sod.consoleMfn, consolePort: m.consoleEvtchn,
        });
        for (const [k, v] of Object.entries(opts.entries ?? {})) xs.write(k.startsWith('/') ? k : `${xs.domainPath}/${k}`, v);
        const port = eventChannels(d)?.dom0.forGuestPort(m.storeEvtchn);
        if (!port) throw new Error('xenstore: the store event channel is not bound by dom0 (install the events plugin first)');
        const ring = new StoreRing(d, xs.store, xs.guest);
        ring.afterRequest = () => xs.afterChange();
        ring.attach(sod.storeMfn, port);
        xs.ring = ring;
      });
    },
  };
}

/** A fixed UUID per domid, so runs are reproducible. */
function uuidFor(domid: number): string {
  return `00000000-0000-4000-8000-${domid.toString(16).padStart(12, '0')}`;
}
