// Guest handles as a 32-bit PV guest passes them (compat handles): an array is usable when it
// lies wholly below the hypervisor area (compat_array_access_ok); a null handle is 0.
import type { Domain } from '../domain.ts';
import { DOMID_SELF, DOMID_IO, DOMID_XEN, EPERM, ESRCH, EFAULT, MMU_UPDATE_PREEMPTED } from './constants.ts';
import { readGuest32 } from '../guest-memory.ts';

export function arrayOkay(d: Domain, va: number, count: number, size: number): boolean {
  return (va >>> 0) + (count >>> 0) * size <= d.hvStart >>> 0;
}

/** get_pg_owner + the XSM_TARGET check of mmu_update / mmuext_op for an unprivileged guest:
 *  0 for DOMID_SELF, else the errno Xen returns. A domU may not name itself by number ("foreign
 *  op on self"), has no right over DOMID_IO or DOMID_XEN, and sees no other domain. */
export function pageOwnerCheck(foreigndom: number): number {
  const id = foreigndom & 0xffff;
  if (id === DOMID_SELF) return 0;
  if (id === DOMID_IO || id === DOMID_XEN) return EPERM;
  return ESRCH;
}

/** The start of a batched MMU hypercall (mmu_update, mmuext_op): a count with
 *  MMU_UPDATE_PREEMPTED set continues an earlier call, whose progress so far is read back from
 *  pdone; the whole array must be accessible. Returns the count and the progress to continue
 *  from, or -EFAULT. */
export function startBatch(d: Domain, va: number, count: number, pdone: number, size: number): { count: number; done: number } | number {
  let done = 0;
  if (count & MMU_UPDATE_PREEMPTED) {
    count &= ~MMU_UPDATE_PREEMPTED;
    if (pdone !== 0) done = readGuest32(d, pdone) ?? 0;
  }
  count >>>= 0;
  if (!arrayOkay(d, va, count, size)) return EFAULT;
  return { count, done };
}
