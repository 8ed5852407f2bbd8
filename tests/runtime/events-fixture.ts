// A booted domain with the MMU and events plugins, for unit tests of event channels, time and
// the console ring: hypercalls go through the table's dispatch (as `int $0x82` does), with
// arguments in scratch pages after the boot stack.
import { fixture, type Fixture } from './mmu-fixture.ts';
import { mmuPlugin } from '../../runtime/mmu/index.ts';
import { eventsPlugin, eventChannels, timeKeeper, consoleRing, type EventChannels, type TimeKeeper, type ConsoleRing } from '../../runtime/events/index.ts';
import type { ClockKind } from '../../runtime/time/clock.ts';
import type { Plugin } from '../../runtime/machine.ts';
import { EAX, EBX, ECX, EDX, ESI, EDI } from '../../src/cpu/regs.ts';
import { PAGE } from '../../runtime/domain.ts';

export interface EvFixture extends Fixture {
  ev: EventChannels; tk: TimeKeeper; ring: ConsoleRing;
  /** Run hypercall `nr` through the dispatch path; EAX afterwards. */
  hc(nr: number, args: number[]): number;
  /** event_channel_op(cmd, arg) with the structure `words` at scratch page 0; the result and
   *  the structure as the guest sees it afterwards. */
  evtchn(cmd: number, words: number[]): { rc: number; out: number[] };
  /** Machine address of shared_info. */
  si: number;
  /** The 32-bit word of vcpu_info at `off`. */
  vi(off: number): number;
}

export function evFixture(o: { clock?: ClockKind; code?: number[]; extra?: Plugin[]; pae?: boolean } = {}): EvFixture {
  const f = fixture({ pae: o.pae, plugins: [mmuPlugin, eventsPlugin({ clock: o.clock ?? 'virtual' }), ...(o.extra ?? [])], code: o.code });
  const d = f.d, c = d.cpu;
  const hc = (nr: number, args: number[]): number => {
    const regs = [EBX, ECX, EDX, ESI, EDI];
    c.regs[EAX] = nr;
    args.forEach((a, k) => { c.regs[regs[k]] = a | 0; });
    f.m.hypercalls.dispatch(d);
    return c.regs[EAX];
  };
  return {
    ...f,
    ev: eventChannels(d)!, tk: timeKeeper(d)!, ring: consoleRing(d)!,
    hc,
    evtchn(cmd, words) {
      f.put(f.va(0), words);
      const rc = hc(32, [cmd, f.va(0)]);
      return { rc, out: words.map((_, k) => f.get(f.va(0) + k * 4) >>> 0) };
    },
    si: d.xen.sharedInfo * PAGE,
    vi: (off) => c.view.getUint32(d.vcpuInfoMaddr + off, true),
  };
}

/** Pack two 16-bit fields into a word (domid_t pairs and domid_t + padding). */
export const pair = (lo: number, hi: number): number => (lo & 0xffff) | ((hi & 0xffff) << 16);
