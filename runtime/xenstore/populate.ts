// The nodes the toolstack writes before a PV domU runs, as libxl does (libxl__domain_make,
// libxl__build_post, the console and generic device code): the domain's directory readable by
// the domain but owned by dom0 ("n0","r1"), the nodes the guest may write owned by the guest
// ("n1"), /vm/<uuid>, and for each device a front-end directory the guest owns with the back
// end allowed to read ("n1","r0") and a back-end directory under dom0's backend/ that the
// guest may read ("n0","r1"), the connection details read-only to the guest.
import type { XenStore } from './index.ts';

export interface DomainInfo {
  domid: number;
  name: string;
  uuid: string;
  memoryKiB: number;
  storeMfn: number;
  storePort: number;
  consoleMfn: number;
  consolePort: number;
}

/** XenbusStateInitialising (public/io/xenbus.h), where libxl leaves both ends of a device. */
const XENBUS_STATE_INITIALISING = '1';

export interface DeviceSpec {
  /** Device class: 'vbd', 'vif', 'console'... */
  kind: string;
  devid: number;
  /** Front-end nodes the guest may change. */
  front?: Record<string, string>;
  /** Front-end nodes only the back end may change (e.g. a console's ring-ref). */
  roFront?: Record<string, string>;
  back?: Record<string, string>;
  /** Override the front-end directory (the first console lives at <domain>/console). */
  frontPath?: string;
}

/** libxl__device_generic_add: both directories with their permissions and the fields that
 *  link them. Returns the two paths. */
export function addDevice(xs: XenStore, dev: DeviceSpec): { front: string; back: string } {
  const domid = xs.domid;
  const front = dev.frontPath ?? `${xs.domainPath}/device/${dev.kind}/${dev.devid}`;
  const back = `/local/domain/0/backend/${dev.kind}/${domid}/${dev.devid}`;
  const frontPerms = [`n${domid}`, 'r0'];
  const backPerms = ['n0', `r${domid}`];
  xs.rm(back);
  xs.mkdir(back, backPerms);
  for (const [k, v] of Object.entries({ frontend: front, 'frontend-id': String(domid), online: '1', state: XENBUS_STATE_INITIALISING, ...dev.back })) {
    xs.write(`${back}/${k}`, v);
  }
  xs.rm(front);
  xs.mkdir(front, frontPerms);
  for (const [k, v] of Object.entries(dev.roFront ?? {})) xs.write(`${front}/${k}`, v, backPerms);
  for (const [k, v] of Object.entries({ backend: back, 'backend-id': '0', state: XENBUS_STATE_INITIALISING, ...dev.front })) {
    xs.write(`${front}/${k}`, v);
  }
  return { front, back };
}

/** The start-of-day store of a PV domU. */
export function populate(xs: XenStore, info: DomainInfo): void {
  const dom = xs.domainPath, id = info.domid;
  const ro = ['n0', `r${id}`], rw = [`n${id}`];
  xs.write('/local/domain/0/name', 'Domain-0');
  xs.write('/local/domain/0/domid', '0');
  xs.mkdir('/local/domain/0/backend');
  const vm = `/vm/${info.uuid}`;
  xs.mkdir(vm, ro);
  for (const [k, v] of Object.entries({ uuid: info.uuid, name: info.name, 'image/ostype': 'linux', start_time: '0' })) xs.write(`${vm}/${k}`, v);
  xs.mkdir(dom, ro);
  xs.write(`${dom}/vm`, vm);
  xs.write(`${dom}/name`, info.name);
  xs.write(`${dom}/domid`, String(id));
  for (const d of ['cpu', 'memory', 'device', 'control']) xs.mkdir(`${dom}/${d}`, ro);
  for (const d of ['control/shutdown', 'control/feature-poweroff', 'control/feature-reboot', 'control/feature-suspend',
    'control/sysrq', 'data', 'drivers', 'feature', 'attr', 'error']) xs.mkdir(`${dom}/${d}`, rw);
  xs.write(`${dom}/cpu/0/availability`, 'online');
  xs.write(`${dom}/memory/static-max`, String(info.memoryKiB));
  xs.write(`${dom}/memory/target`, String(info.memoryKiB));
  xs.write(`${dom}/store/port`, String(info.storePort));
  xs.write(`${dom}/store/ring-ref`, String(info.storeMfn));
  addDevice(xs, {
    kind: 'console', devid: 0, frontPath: `${dom}/console`,
    roFront: { 'ring-ref': String(info.consoleMfn), port: String(info.consolePort), limit: '1048576', type: 'xenconsoled', output: 'pty' },
    front: { tty: '' },
    back: { protocol: 'vt100' },
  });
}
