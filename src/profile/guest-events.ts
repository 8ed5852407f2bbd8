// Counting guest events during a profile: exceptions and software interrupts by vector
// (everything the CPU hands to the runtime except the hypercall gate, which the hypercall
// table counts by name; the runtime bounces them to the guest or emulates them, e.g.
// privileged operations), and the event-channel upcalls delivered to the guest. The counters
// wrap the hooks the machine installed, from outside, so an ordinary run carries no counting.
import type { Machine } from '../../runtime/machine.ts';
import { VECTOR_NAMES } from '../cpu/fault.ts';
import { HYPERCALL_VECTOR } from '../../runtime/traps.ts';

export interface GuestEvents {
  /** Exceptions raised by guest instructions, by vector name ('#PF', '#GP'...). */
  exceptions: Record<string, number>;
  /** Software interrupts other than hypercalls ('int 0x80'...). */
  softInterrupts: Record<string, number>;
  /** Event-channel upcalls entered in the guest. */
  eventUpcalls: number;
}

export function countGuestEvents(m: Machine): GuestEvents {
  const ev: GuestEvents = { exceptions: {}, softInterrupts: {}, eventUpcalls: 0 };
  const c = m.domain.cpu;
  const interrupt = c.hooks.interrupt;
  if (interrupt) {
    c.hooks.interrupt = (cpu, vector, error, soft) => {
      if (!(soft && vector === HYPERCALL_VECTOR)) {
        const name = soft ? `int 0x${vector.toString(16)}` : VECTOR_NAMES[vector] ?? `vector ${vector}`;
        const into = soft ? ev.softInterrupts : ev.exceptions;
        into[name] = (into[name] ?? 0) + 1;
      }
      interrupt(cpu, vector, error, soft);
    };
  }
  const traps = m.domain.ext.traps;
  if (traps) {
    const deliver = traps.deliverEventUpcall.bind(traps);
    traps.deliverEventUpcall = () => { const ok = deliver(); if (ok) ev.eventUpcalls++; return ok; };
  }
  return ev;
}
