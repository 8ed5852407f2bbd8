// HYPERVISOR_vm_assist (public/xen.h VMASST_*): enable/disable assists the guest asks for.
import type { Hypercall } from './table.ts';

export const VMASST_CMD_enable = 0, VMASST_CMD_disable = 1;
export const VMASST_TYPE_4gb_segments = 0, VMASST_TYPE_4gb_segments_notify = 1,
  VMASST_TYPE_writable_pagetables = 2, VMASST_TYPE_pae_extended_cr3 = 3,
  VMASST_TYPE_architectural_iopl = 4, VMASST_TYPE_runstate_update_flag = 5;
/** Types a 32-bit PV guest may set (Xen's compat VM_ASSIST_VALID: 0..5). */
const VALID = (1 << 0) | (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5);
import { EINVAL, ENOSYS } from './errno.ts';

export const vmAssist: Hypercall = {
  nr: 21, name: 'vm_assist', args: ['c', 'u'], subops: { 0: 'enable', 1: 'disable' },
  handler(d, [cmd, type]) {
    if ((type >>> 0) >= 32 || !(VALID & (1 << type))) return EINVAL;
    if (cmd === VMASST_CMD_enable) d.vmAssist |= 1 << type;
    else if (cmd === VMASST_CMD_disable) d.vmAssist &= ~(1 << type);
    else return ENOSYS;
    return 0;
  },
};
