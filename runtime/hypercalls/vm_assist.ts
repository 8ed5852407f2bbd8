// HYPERVISOR_vm_assist (public/xen.h VMASST_*): enable/disable assists the guest asks for.
import { __HYPERVISOR_vm_assist } from '../abi/hypercalls.ts';
import type { Hypercall } from './table.ts';

import {
  VMASST_CMD_enable, VMASST_CMD_disable, VMASST_TYPE_4gb_segments, VMASST_TYPE_4gb_segments_notify,
  VMASST_TYPE_writable_pagetables, VMASST_TYPE_pae_extended_cr3, VMASST_TYPE_architectural_iopl,
  VMASST_TYPE_runstate_update_flag,
} from '../abi/xen.ts';
/** Types a 32-bit PV guest may set (Xen's compat VM_ASSIST_VALID: 0..5). */
const VALID = (1 << VMASST_TYPE_4gb_segments) | (1 << VMASST_TYPE_4gb_segments_notify) |
  (1 << VMASST_TYPE_writable_pagetables) | (1 << VMASST_TYPE_pae_extended_cr3) |
  (1 << VMASST_TYPE_architectural_iopl) | (1 << VMASST_TYPE_runstate_update_flag);
import { EINVAL, ENOSYS } from './errno.ts';

export const vmAssist: Hypercall = {
  nr: __HYPERVISOR_vm_assist, name: 'vm_assist', args: ['c', 'u'], subops: { 0: 'enable', 1: 'disable' },
  handler(d, [cmd, type]) {
    if ((type >>> 0) >= 32 || !(VALID & (1 << type))) return EINVAL;
    if (cmd === VMASST_CMD_enable) d.vmAssist |= 1 << type;
    else if (cmd === VMASST_CMD_disable) d.vmAssist &= ~(1 << type);
    else return ENOSYS;
    return 0;
  },
};
