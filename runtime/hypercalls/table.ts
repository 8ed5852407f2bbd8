// The hypercall table: number, name, argument shapes and handler, in one place. Dispatch,
// tracing (`--trace hypercalls`) and statistics all read it. Every handler follows Xen's
// copy in -> validate -> act -> copy out, and returns a Xen errno (negative) or a result; a
// guest mistake never becomes a host exception.
import type { Domain } from '../domain.ts';
import { EAX, EBX, ECX, EDX, ESI, EDI, EBP } from '../../src/cpu/regs.ts';
import { ERRNO_NAMES } from '../abi/errno.ts';
import { ENOSYS } from './errno.ts';
// The module's own binding: the global `performance` is a getter Node resolves on every use.
import { performance } from 'node:perf_hooks';

/** How to print an argument: u unsigned hex, d signed decimal, p guest pointer, c sub-op code. */
export type ArgKind = 'u' | 'd' | 'p' | 'c';

export interface Hypercall {
  nr: number;
  name: string;
  args: ArgKind[];
  /** Names of sub-ops, for tracing, when the first argument is a command. */
  subops?: Record<number, string>;
  handler: (d: Domain, a: number[]) => number;
}

export { ENOSYS };
const ARG_REGS = [EBX, ECX, EDX, ESI, EDI, EBP];

/** Hypercall numbers counted in an array (Xen's are below 64; others are counted by name). */
const COUNTED_NRS = 64;

export class HypercallTable {
  private byNr = new Map<number, Hypercall>();
  /** Calls per number below COUNTED_NRS, and per name for any other number (a count by name
   *  in a Map at every call: the hypercall and syscall benchmarks took 1.01 of the time). */
  private readonly countByNr = new Float64Array(COUNTED_NRS);
  private readonly countOthers = new Map<string, number>();
  /** Host milliseconds per hypercall name, kept while `timing` is on (`xenjit profile`): two
   *  clock reads a call were a quarter of the hypercall benchmark's dispatch time. */
  readonly ms = new Map<string, number>();
  timing = false;
  trace: ((line: string) => void) | null = null;

  register(h: Hypercall): void {
    if (this.byNr.has(h.nr)) throw new Error(`hypercall ${h.nr} registered twice`);
    this.byNr.set(h.nr, h);
  }
  get(nr: number): Hypercall | undefined { return this.byNr.get(nr); }

  /** Count one call of hypercall `nr` (dispatch, and each call of a multicall list). */
  counted(nr: number): void {
    if (nr < COUNTED_NRS) this.countByNr[nr]++;
    else { const name = nameOf(this.byNr.get(nr), nr); this.countOthers.set(name, (this.countOthers.get(name) ?? 0) + 1); }
  }

  /** Calls so far by hypercall name (`hypercall_N` for a number with no handler). */
  get counts(): Map<string, number> {
    const out = new Map<string, number>();
    this.countByNr.forEach((n, nr) => { if (n > 0) out.set(nameOf(this.byNr.get(nr), nr), n); });
    for (const [name, n] of this.countOthers) out.set(name, (out.get(name) ?? 0) + n);
    return out;
  }
  all(): Hypercall[] { return [...this.byNr.values()].sort((a, b) => a.nr - b.nr); }

  /** Run the hypercall in the guest's registers (EAX number, EBX.. arguments) and put the
   *  result in EAX. */
  dispatch(d: Domain): void {
    const c = d.cpu;
    const nr = c.regs[EAX] >>> 0;
    const h = this.byNr.get(nr);
    const n = h ? h.args.length : 5, args: number[] = new Array(n);
    for (let k = 0; k < n; k++) args[k] = c.regs[ARG_REGS[k]];
    const t0 = this.timing ? performance.now() : 0;
    const result = h ? h.handler(d, args) : ENOSYS;
    this.counted(nr);
    if (this.timing) { const name = nameOf(h, nr); this.ms.set(name, (this.ms.get(name) ?? 0) + performance.now() - t0); }
    c.regs[EAX] = result | 0;
    if (this.trace) this.trace(formatCall(h, nameOf(h, nr), args, result));
  }
}

export function formatCall(h: Hypercall | undefined, name: string, args: number[], result: number): string {
  const parts = args.map((v, k) => {
    const kind = h?.args[k] ?? 'u';
    if (k === 0 && kind === 'c' && h?.subops?.[v] !== undefined) return h.subops[v];
    return kind === 'd' ? String(v | 0) : '0x' + (v >>> 0).toString(16);
  });
  return `${name}(${parts.join(', ')}) = ${result < 0 && result > -4096 ? `${result} (${errnoName(-result)})` : '0x' + (result >>> 0).toString(16)}`;
}

export function errnoName(n: number): string { return ERRNO_NAMES[n] ?? `errno ${n}`; }

/** A hypercall's name for counts, timing and traces. */
function nameOf(h: Hypercall | undefined, nr: number): string { return h?.name ?? `hypercall_${nr}`; }
