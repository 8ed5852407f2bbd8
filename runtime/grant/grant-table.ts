// Grant tables, version 1 (public/grant_table.h; Xen's common/grant_table.c): the table lives in
// Xen-owned frames shared with the domain; GNTTABOP_setup_table grows it and hands out their
// machine frame numbers, query_size and get_version report, set_version accepts 1 only (the
// maximum version this hypervisor offers). The runtime's back ends reach granted frames only
// through access.ts (Xen's map and copy checks); the guest's own GNTTABOP_map_grant_ref, copy
// and transfer answer -ENOSYS, as the domain has no other domain's grants to use.
import type { Hypercall } from '../hypercalls/table.ts';
import type { Domain } from '../domain.ts';
import { MAX_GRANT_FRAMES, PAGE } from '../domain.ts';
import { copyFromGuest, copyToGuest } from '../guest-memory.ts';
import type { Plugin } from '../machine.ts';

import {
  GNTTABOP_setup_table, GNTTABOP_query_size, GNTTABOP_set_version, GNTTABOP_get_version, GNTTABOP_NAMES,
  GNTST_okay, GNTST_general_error, GNTST_permission_denied,
} from '../abi/grant_table.ts';
import { DOMID_SELF } from '../abi/xen.ts';
import { __HYPERVISOR_grant_table_op } from '../abi/hypercalls.ts';
/** The domain's id; xenjit runs one domU, numbered 1 (dom0 is the runtime's backends). */
export const OWN_DOMID = 1;
import { EFAULT, EINVAL, ENOSYS } from '../hypercalls/errno.ts';
/** Xen limits one hypercall's batch of setup_table/query_size operations (count). */
const MAX_BATCH = 512;

export class GrantTable {
  /** Frames currently set up (the table only grows, as in Xen). */
  nrFrames = 0;
  version = 1;
  constructor(readonly d: Domain) {}
  /** Machine address of grant entry `ref` (v1: 8 bytes each: flags u16, domid u16, frame u32). */
  entryMaddr(ref: number): number | null {
    if (ref < 0 || ref >= this.nrFrames * (PAGE / 8)) return null;
    return this.d.xen.grant * PAGE + ref * 8;
  }
}

function domOk(dom: number): boolean { return dom === DOMID_SELF || dom === OWN_DOMID; }

export function grantTableOp(gt: GrantTable): Hypercall {
  return {
    nr: __HYPERVISOR_grant_table_op, name: 'grant_table_op', args: ['c', 'p', 'd'],
    subops: GNTTABOP_NAMES,
    handler(d, [cmd, uop, count]) {
      if (count < 0 || count > MAX_BATCH) return EINVAL;
      switch (cmd) {
        case GNTTABOP_setup_table:
          // struct gnttab_setup_table (32-bit): dom u16 @0, nr_frames u32 @4, status i16 @8,
          // frame_list handle @12; 16 bytes.
          for (let k = 0; k < count; k++) {
            const a = (uop + k * 16) | 0;
            const op = copyFromGuest(d, a, 16);
            if (!op) return EFAULT;
            const v = new DataView(op.buffer);
            const dom = v.getUint16(0, true), nr = v.getUint32(4, true), list = v.getUint32(12, true);
            let status = GNTST_okay;
            if (!domOk(dom)) status = GNTST_permission_denied;
            else if (nr > MAX_GRANT_FRAMES) status = GNTST_general_error;
            else {
              gt.nrFrames = Math.max(gt.nrFrames, nr);
              const frames = new Uint8Array(nr * 4);
              for (let f = 0; f < nr; f++) new DataView(frames.buffer).setUint32(f * 4, d.xen.grant + f, true);
              if (nr && !copyToGuest(d, list, frames)) return EFAULT;
            }
            v.setInt16(8, status, true);
            if (!copyToGuest(d, a, op)) return EFAULT;
          }
          return 0;
        case GNTTABOP_query_size:
          // struct gnttab_query_size: dom u16 @0, nr_frames u32 @4, max_nr_frames u32 @8, status i16 @12.
          for (let k = 0; k < count; k++) {
            const a = (uop + k * 16) | 0;
            const op = copyFromGuest(d, a, 16);
            if (!op) return EFAULT;
            const v = new DataView(op.buffer);
            if (!domOk(v.getUint16(0, true))) v.setInt16(12, GNTST_permission_denied, true);
            else { v.setUint32(4, gt.nrFrames, true); v.setUint32(8, MAX_GRANT_FRAMES, true); v.setInt16(12, GNTST_okay, true); }
            if (!copyToGuest(d, a, op)) return EFAULT;
          }
          return 0;
        case GNTTABOP_set_version: {
          const op = copyFromGuest(d, uop, 4);
          if (!op) return EFAULT;
          const want = new DataView(op.buffer).getUint32(0, true);
          let res = 0;
          if (want !== 1 && want !== 2) res = EINVAL;
          else if (want === 2) res = ENOSYS; // max version 1: behave as before set_version existed
          new DataView(op.buffer).setUint32(0, gt.version, true);
          if (!copyToGuest(d, uop, op)) return EFAULT;
          return res;
        }
        case GNTTABOP_get_version: {
          // struct gnttab_get_version: dom u16 @0, version u32 @4.
          const op = copyFromGuest(d, uop, 8);
          if (!op) return EFAULT;
          const v = new DataView(op.buffer);
          if (!domOk(v.getUint16(0, true))) return -1; // -EPERM for another domain, as Xen
          v.setUint32(4, gt.version, true);
          return copyToGuest(d, uop, op) ? 0 : EFAULT;
        }
        default:
          // Mapping, copying and transferring grants of other domains comes with the backends.
          return ENOSYS;
      }
    },
  };
}

export const grantPlugin: Plugin = {
  name: 'grant',
  install(m) { const gt = new GrantTable(m.domain); m.grant = gt; m.hypercalls.register(grantTableOp(gt)); },
};
