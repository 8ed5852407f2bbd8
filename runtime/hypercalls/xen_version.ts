// HYPERVISOR_xen_version (public/version.h): what an unprivileged domU is told.
import { __HYPERVISOR_xen_version } from '../abi/hypercalls.ts';
import type { Hypercall } from './table.ts';
import { copyToGuest } from '../guest-memory.ts';

export const XEN_MAJOR = 4, XEN_MINOR = 17;
import {
  XENVER_version, XENVER_extraversion, XENVER_compile_info, XENVER_capabilities, XENVER_changeset,
  XENVER_platform_parameters, XENVER_get_features, XENVER_pagesize, XENVER_guest_handle, XENVER_commandline,
  XENVER_build_id, XENVER_NAMES, XENFEAT_writable_page_tables, XENFEAT_pae_pgdir_above_4gb,
} from '../abi/xen_version.ts';
/** XENFEAT_* bits this runtime implements (public/features.h): writable_page_tables (0),
 *  writable_descriptor_tables (1)? no; auto_translated_physmap (2) no; supervisor_mode_kernel (3)
 *  no; pae_pgdir_above_4gb (4) yes (all frames are below 4 GiB anyway). */
export const FEATURES_SUBMAP0 = (1 << XENFEAT_writable_page_tables) | (1 << XENFEAT_pae_pgdir_above_4gb);
import { EFAULT, ENOSYS, EPERM } from './errno.ts';

const ENCODER = new TextEncoder();
/** `s` NUL-terminated in a `size`-byte field. */
function str(s: string, size: number): Uint8Array {
  const b = new Uint8Array(size);
  b.set(ENCODER.encode(s).subarray(0, size - 1));
  return b;
}
// The answers are constants, encoded once (encoding them at every call was most of this
// hypercall's cost).
const EXTRAVERSION = str('-xenjit', 16), CHANGESET = str('xenjit', 64), COMMANDLINE = str('', 1024);
const CAPABILITIES_PAE = str('xen-3.0-x86_32p', 1024), CAPABILITIES = str('xen-3.0-x86_32', 1024);
/** struct xen_compile_info: compiler[64], compile_by[16], compile_domain[32], compile_date[32]. */
const COMPILE_INFO = new Uint8Array(144);
COMPILE_INFO.set(str('xenjit', 64), 0); COMPILE_INFO.set(str('xenjit', 16), 64); COMPILE_INFO.set(str('localdomain', 32), 80);

export const xenVersion: Hypercall = {
  nr: __HYPERVISOR_xen_version, name: 'xen_version', args: ['c', 'p'],
  subops: XENVER_NAMES,
  handler(d, [cmd, arg]) {
    const put = (b: Uint8Array): number => (copyToGuest(d, arg, b) ? 0 : EFAULT);
    switch (cmd) {
      case XENVER_version: return (XEN_MAJOR << 16) | XEN_MINOR;
      case XENVER_extraversion: return put(EXTRAVERSION);
      case XENVER_compile_info: return put(COMPILE_INFO);
      case XENVER_capabilities: return put(d.pae ? CAPABILITIES_PAE : CAPABILITIES);
      case XENVER_changeset: return put(CHANGESET);
      case XENVER_platform_parameters: {
        // struct xen_platform_parameters { unsigned long virt_start; } (32-bit)
        const b = new Uint8Array(4);
        new DataView(b.buffer).setUint32(0, d.hvStart >>> 0, true);
        return put(b);
      }
      case XENVER_get_features: {
        // struct xen_feature_info { unsigned int submap_idx; uint32_t submap; }
        const idx = copyIn32(d, arg);
        if (idx === null) return EFAULT;
        const b = new Uint8Array(8);
        const v = new DataView(b.buffer);
        v.setUint32(0, idx, true); v.setUint32(4, idx === 0 ? FEATURES_SUBMAP0 : 0, true);
        return put(b);
      }
      case XENVER_pagesize: return 4096;
      case XENVER_guest_handle: return put(new Uint8Array(16));
      case XENVER_commandline: return put(COMMANDLINE); // the hypervisor's command line: empty
      case XENVER_build_id: return EPERM; // only for privileged domains
      default: return ENOSYS;
    }
  },
};

import { readGuest32 } from '../guest-memory.ts';
function copyIn32(d: Parameters<Hypercall['handler']>[0], va: number): number | null { return readGuest32(d, va); }
