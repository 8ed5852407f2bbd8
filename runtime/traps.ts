// How CPU events reach the runtime: `int $0x82` from the guest kernel is a hypercall;
// everything else is a guest trap for the trap table (bounce frames: traps/ when present),
// and without a handler the domain crashes as Xen crashes a PV guest it cannot bounce to.
import type { Domain } from './domain.ts';
import type { HypercallTable } from './hypercalls/table.ts';
import { GP, VECTOR_NAMES } from '../src/cpu/fault.ts';
import { fault } from '../src/cpu/fault.ts';

export const HYPERCALL_VECTOR = 0x82;

export interface TrapBouncer {
  /** Deliver guest exception/interrupt `vector` through the guest's trap table. Returns false
   *  when the guest has no handler for it. */
  bounce(vector: number, error: number, soft: boolean): boolean;
}

export function installTraps(d: Domain, table: HypercallTable, bouncer: () => TrapBouncer | undefined): void {
  d.cpu.hooks.interrupt = (c, vector, error, soft) => {
    if (soft && vector === HYPERCALL_VECTOR) {
      // The hypercall gate has DPL 1: from ring 3 it is a #GP like any DPL-violating INT n.
      if (c.cpl !== 1) fault(GP, vector * 8 + 2);
      table.dispatch(d);
      return;
    }
    const b = bouncer();
    if (b && b.bounce(vector, error, soft)) return;
    d.crash(`unhandled ${VECTOR_NAMES[vector] ?? `vector ${vector}`}${error >= 0 ? ` (error 0x${error.toString(16)})` : ''} at ${c.sel[1].toString(16)}:${(c.eip >>> 0).toString(16)}, no trap handler`);
  };
}
