// HYPERVISOR_vcpu_op (public/vcpu.h) for a 32-bit PV guest: compat_vcpu_op
// (xen/common/compat/domain.c), which translates the compat structures and passes on to
// do_vcpu_op (xen/common/domain.c) or, for the rest, arch_compat_vcpu_op
// (xen/arch/x86/x86_64/domain.c). The domain has one vCPU: any other number is -ENOENT before
// anything else is looked at.
//
// VCPUOP_set_singleshot_timer follows Xen 4.17 as maintained (the headers installed here say
// VCPU_SSHOTTMR_future "can be ignored by the hypervisor"): the flag is ignored, and a
// deadline already past stops the timer and sends the timer event at once.
import { __HYPERVISOR_vcpu_op } from '../abi/hypercalls.ts';
import type { Hypercall } from './table.ts';
import type { Domain } from '../domain.ts';
import { PAGE } from '../domain.ts';
import { copyFromGuest, copyToGuest } from '../guest-memory.ts';
import { eventChannels } from '../events/channels.ts';
import { timeKeeper, type TimeKeeper } from '../time/keeper.ts';
import { Runstate } from '../time/runstate.ts';
import { MILLISECS } from '../time/timers.ts';
import { pvMmu } from '../mmu/mmu.ts';
import { PGT_writable_page } from '../mmu/page-types.ts';
import { ownedByDomain } from '../mmu/frames.ts';
import {
  VCPUOP_NAMES, VCPUOP_initialise, VCPUOP_up, VCPUOP_down, VCPUOP_is_up, VCPUOP_get_runstate_info,
  VCPUOP_register_runstate_memory_area, VCPUOP_set_periodic_timer, VCPUOP_stop_periodic_timer,
  VCPUOP_set_singleshot_timer, VCPUOP_stop_singleshot_timer, VCPUOP_register_vcpu_info,
  VCPUOP_send_nmi, VCPUOP_get_physid, VCPU_GUEST_CONTEXT_SIZE, SINGLESHOT_SIZE, PERIODIC_SIZE,
  REGISTER_VCPU_INFO_SIZE, VCPU_INFO_SIZE, RUNSTATE_INFO_SIZE, VIRQ_TIMER, ENOENT, EFAULT, EINVAL, EEXIST, ENOSYS,
} from '../events/abi.ts';

/** STIME_DELTA_MAX (xen/include/xen/time.h): the longest period that cannot overflow NOW(). */
const STIME_DELTA_MAX = (1n << 62n) - 1n;

/** Per-domain vCPU state that only vcpu_op touches. */
interface VcpuOpState { vcpuInfoRegistered: boolean; nmiPending: boolean }
const states = new WeakMap<Domain, VcpuOpState>();
export function vcpuOpState(d: Domain): VcpuOpState {
  let s = states.get(d);
  if (!s) { s = { vcpuInfoRegistered: false, nmiPending: false }; states.set(d, s); }
  return s;
}

/** map_vcpu_info: move vcpu_info into a frame of the domain, which must take a writable type
 *  reference (kept for good); the contents are copied over, then every
 *  selector bit is set and the vCPU marked as having events pending, so nothing is lost. */
function registerVcpuInfo(d: Domain, arg: number): number {
  const b = copyFromGuest(d, arg, REGISTER_VCPU_INFO_SIZE);
  if (!b) return EFAULT;
  const v = new DataView(b.buffer);
  const mfn = v.getBigUint64(0, true), offset = v.getUint32(8, true);
  if (offset > PAGE - VCPU_INFO_SIZE) return EINVAL;
  const st = vcpuOpState(d);
  if (st.vcpuInfoRegistered) return EINVAL;
  // get_page_from_gfn: a PV guest names a machine frame, which must be the domain's (shared_info
  // counts: Xen shares it with the guest as the guest's page).
  if (mfn >= BigInt(d.totalFrames) || !ownedByDomain(d, Number(mfn))) return EINVAL;
  const frame = Number(mfn);
  const mmu = pvMmu(d);
  if (mmu && mmu.types.get(frame, PGT_writable_page) !== 0) return EINVAL;
  const to = frame * PAGE + offset, mem = d.cpu.mem;
  mem.copyWithin(to, d.vcpuInfoMaddr, d.vcpuInfoMaddr + VCPU_INFO_SIZE);
  d.vcpuInfoMaddr = to;
  st.vcpuInfoRegistered = true;
  const ev = eventChannels(d);
  if (ev) {
    ev.bits.pendingSel = 0xffffffff;
    ev.markEventsPending();
  }
  return 0;
}

function compatVcpuOp(d: Domain, tk: TimeKeeper, cmd: number, arg: number): number {
  const t = tk.timers;
  switch (cmd) {
    case VCPUOP_initialise: {
      // The vCPU is initialised already: the context is still copied in first.
      if (!copyFromGuest(d, arg, VCPU_GUEST_CONTEXT_SIZE)) return EFAULT;
      return EEXIST;
    }
    case VCPUOP_up:
      return 0;
    case VCPUOP_down:
      // The last vCPU going down powers the domain off (domain_shutdown(d, SHUTDOWN_poweroff)).
      if (!d.shutdown) {
        d.shutdown = 'poweroff';
        if (d.shutdownCode < 0) d.shutdownCode = 0;
        d.cpu.stopped = true;
      }
      return 0;
    case VCPUOP_is_up:
      return 1;
    case VCPUOP_get_runstate_info:
      return copyToGuest(d, arg, Runstate.encode(tk.runstate.get(tk.clock.now()))) ? 0 : EFAULT;
    case VCPUOP_register_runstate_memory_area: {
      // The handle (a 32-bit pointer) must lie below the hypervisor area; the current record
      // is copied there at once (a failure is ignored).
      const h = copyFromGuest(d, arg, 4);
      if (!h) return EFAULT;
      const va = new DataView(h.buffer).getUint32(0, true);
      if (va + RUNSTATE_INFO_SIZE - 1 >= (d.hvStart >>> 0)) return EFAULT;
      tk.runstate.area = va;
      tk.runstate.writeArea();
      return 0;
    }
    case VCPUOP_set_periodic_timer: {
      const b = copyFromGuest(d, arg, PERIODIC_SIZE);
      if (!b) return EFAULT;
      const period = new DataView(b.buffer).getBigUint64(0, true);
      if (period < MILLISECS(1) || period > STIME_DELTA_MAX) return EINVAL;
      t.setPeriodic(period);
      return 0;
    }
    case VCPUOP_stop_periodic_timer:
      t.setPeriodic(0n);
      return 0;
    case VCPUOP_set_singleshot_timer: {
      const b = copyFromGuest(d, arg, SINGLESHOT_SIZE);
      if (!b) return EFAULT;
      const timeout = new DataView(b.buffer).getBigUint64(0, true);
      // s_time_t comparison: a deadline with bit 63 set is in the past.
      const deadline = BigInt.asIntN(64, timeout);
      if (deadline < tk.clock.now()) {
        t.stopSingleshot();
        eventChannels(d)?.sendVirq(VIRQ_TIMER);
        return 0;
      }
      t.setSingleshot(deadline);
      return 0;
    }
    case VCPUOP_stop_singleshot_timer:
      t.stopSingleshot();
      return 0;
    case VCPUOP_register_vcpu_info:
      return registerVcpuInfo(d, arg);
    case VCPUOP_send_nmi:
      // The argument must be NULL; the NMI is then pending for the vCPU (VCPU_TRAP_NMI).
      if (arg !== 0) return EINVAL;
      vcpuOpState(d).nmiPending = true;
      return 0;
    case VCPUOP_get_physid:
      // Only a vCPU pinned to one physical CPU has one.
      return EINVAL;
    default:
      // Including VCPUOP_register_vcpu_time_memory_area, which a 32-bit guest cannot use.
      return ENOSYS;
  }
}

export const vcpuOp: Hypercall = {
  nr: __HYPERVISOR_vcpu_op, name: 'vcpu_op', args: ['c', 'd', 'p'], subops: VCPUOP_NAMES,
  handler(d, [cmd, vcpuid, arg]) {
    const tk = timeKeeper(d);
    if (!tk) return ENOSYS;
    if ((vcpuid >>> 0) !== 0) return ENOENT;
    return compatVcpuOp(d, tk, cmd, arg);
  },
};

