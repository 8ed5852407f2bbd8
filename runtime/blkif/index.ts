// Virtual block devices for the domain, as a Plugin: each disk image becomes a vbd whose
// toolstack nodes are written the way libxl does (libxl__device_disk_add: both directories,
// params, mode, type, dev, virtual-device, device-type "disk"), served by a xen-blkback-like
// back end (backend.ts). Devices are numbered as Xen's xvd scheme does (xvda = 202:0 =
// 51712, xvdb = 51728, ...; from the 17th disk on the extended form 1<<28 | index<<8).
// The images are opened at install, so a missing file is reported before the domain is built.
// Needs the grant, events and xenstore plugins (install it after them).
import type { Plugin, Machine } from '../machine.ts';
import type { Domain } from '../domain.ts';
import { grantAccess } from '../grant/access.ts';
import { eventChannels } from '../events/channels.ts';
import { xenstore, addDevice } from '../xenstore/index.ts';
import { DiskImage } from './disk.ts';
import { VbdBackend, type BackendEnv } from './backend.ts';

export { DiskImage, VbdBackend };

export interface BlkifDisk { path: string; readOnly: boolean; }
export interface BlkifPluginOptions { disks: BlkifDisk[]; }

/** The xvd device number of disk `index` (Xen's docs/misc/vbd-interface.txt). */
export function xvdDevid(index: number): number {
  return index < 16 ? (202 << 8) | (index << 4) : (1 << 28) | (index << 8);
}
/** xvda, xvdb, ..., xvdz, xvdaa, ... */
export function xvdName(index: number): string {
  let s = '', n = index + 1;
  while (n > 0) { n--; s = String.fromCharCode(97 + (n % 26)) + s; n = Math.floor(n / 26); }
  return `xvd${s}`;
}

export class BlkifBackends {
  readonly devices: VbdBackend[] = [];
  constructor(readonly disks: DiskImage[]) {}
  /** fsync and close every image (end of run). */
  close(): void { for (const d of this.disks) d.close(); }
}

const backends = new WeakMap<Domain, BlkifBackends>();
/** The domain's block back ends, when the plugin is installed. */
export function blkif(d: Domain): BlkifBackends | undefined { return backends.get(d); }

export function blkifPlugin(opts: BlkifPluginOptions): Plugin {
  return {
    name: 'blkif',
    install(m: Machine): void {
      const d = m.domain;
      const opened: DiskImage[] = [];
      try {
        for (const disk of opts.disks) opened.push(DiskImage.open(disk.path, disk.readOnly));
      } catch (e) {
        for (const o of opened) o.close();
        throw e;
      }
      const be = new BlkifBackends(opened);
      backends.set(d, be);
      m.bootHooks.push(() => {
        const xs = xenstore(d), ev = eventChannels(d);
        if (!xs || !ev || !m.grant) throw new Error('blkif: needs the grant, events and xenstore plugins');
        const env: BackendEnv = {
          store: xs,
          ga: grantAccess(d, m.grant),
          bindInterdomain: (port, fn) => ev.dom0.bindInterdomain(port, fn),
        };
        opened.forEach((disk, k) => {
          const devid = xvdDevid(k);
          const { front, back } = addDevice(xs, {
            kind: 'vbd', devid,
            back: {
              params: disk.path, mode: disk.readOnly ? 'r' : 'w', type: 'phy', 'device-type': 'disk',
              removable: '0', bootable: '1', dev: xvdName(k), 'discard-enable': '0',
            },
            front: { 'virtual-device': String(devid), 'device-type': 'disk' },
          });
          const vbd = new VbdBackend(env, disk, back, front);
          be.devices.push(vbd);
          vbd.probe();
        });
      });
    },
  };
}
