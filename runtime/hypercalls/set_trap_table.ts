// HYPERVISOR_set_trap_table (compat_set_trap_table, xen/arch/x86/pv/callback.c): the guest's
// virtual IDT. The argument is an array of struct trap_info {u8 vector; u8 flags; u16 cs;
// u32 address} ended by an entry whose address is 0. Each entry replaces trap_ctxt[vector]
// (its CS RPL raised to 1 if below); a null argument clears the whole table. An entry that
// cannot be read ends the call with -EFAULT, keeping the entries already taken.
import { __HYPERVISOR_set_trap_table } from '../abi/hypercalls.ts';
import type { Hypercall } from './table.ts';
import { copyFromGuest } from '../guest-memory.ts';
import { trapState, fixupGuestSelector } from '../traps/state.ts';
import { TRAP_INFO_SIZE, EFAULT } from '../traps/abi.ts';

export const setTrapTable: Hypercall = {
  nr: __HYPERVISOR_set_trap_table, name: 'set_trap_table', args: ['p'],
  handler(d, [traps]) {
    const t = trapState(d);
    if (traps === 0) {
      for (const ti of t.trapCtxt) { ti.flags = 0; ti.cs = 0; ti.address = 0; }
      return 0;
    }
    for (let at = traps; ; at = (at + TRAP_INFO_SIZE) | 0) {
      const b = copyFromGuest(d, at, TRAP_INFO_SIZE);
      if (!b) return EFAULT;
      const v = new DataView(b.buffer);
      const address = v.getUint32(4, true);
      if (address === 0) return 0;
      const ti = t.trapCtxt[b[0]];
      ti.flags = b[1];
      ti.cs = fixupGuestSelector(v.getUint16(2, true));
      ti.address = address | 0;
    }
  },
};
