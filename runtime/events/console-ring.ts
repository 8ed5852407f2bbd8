// The PV console (public/io/console.h) as xenconsoled serves it: the guest writes into `out`
// of the xencons_interface page named in start_info.console.domU and notifies the console
// port; the back end copies out_cons..out_prod (indices free-running, masked by the ring
// size; a producer more than a ring ahead is ignored), advances out_cons and notifies back.
// Input goes the other way: queued bytes are copied into `in` while there is room, in_prod
// advances, and the guest is notified; more is copied each time the guest notifies (it does
// after consuming input).
import type { Domain } from '../domain.ts';
import { PAGE } from '../domain.ts';
import type { EventChannels } from './channels.ts';
import type { Dom0Port } from './dom0.ts';
import {
  XENCONS_in, XENCONS_IN_SIZE, XENCONS_out, XENCONS_OUT_SIZE,
  XENCONS_in_cons, XENCONS_in_prod, XENCONS_out_cons, XENCONS_out_prod,
} from './abi.ts';

export class ConsoleRing {
  /** Machine address of the xencons_interface page (0 until attached). */
  base = 0;
  port: Dom0Port | null = null;
  private readonly input: number[] = [];
  /** Bytes taken from the guest, for statistics. */
  written = 0;

  constructor(readonly d: Domain, readonly ev: EventChannels) {}

  /** xenconsoled connects: map the ring page and bind to the guest's console port. */
  attach(mfn: number, guestPort: number): number {
    this.base = mfn * PAGE;
    const p = this.ev.dom0.bindInterdomain(guestPort, () => this.handleNotify());
    if (typeof p === 'number') return p;
    this.port = p;
    return 0;
  }

  private u32(off: number): number { return this.d.cpu.view.getUint32(this.base + off, true); }
  private setU32(off: number, v: number): void { this.d.cpu.view.setUint32(this.base + off, v >>> 0, true); }

  /** The guest notified the console port. */
  handleNotify(): void {
    if (this.port) this.port.pending = false;
    const took = this.drainOutput();
    const gave = this.fillInput();
    if (took || gave) this.port?.send();
  }

  /** buffer_append: consume the guest's output. */
  drainOutput(): boolean {
    if (!this.base) return false;
    let cons = this.u32(XENCONS_out_cons);
    const prod = this.u32(XENCONS_out_prod);
    const size = (prod - cons) >>> 0;
    if (size === 0 || size > XENCONS_OUT_SIZE) return false;
    const mem = this.d.cpu.mem, bytes = new Uint8Array(size);
    for (let k = 0; k < size; k++, cons = (cons + 1) >>> 0) bytes[k] = mem[this.base + XENCONS_out + (cons & (XENCONS_OUT_SIZE - 1))];
    this.setU32(XENCONS_out_cons, cons);
    this.written += size;
    this.d.consoleOut(Buffer.from(bytes).toString('latin1'));
    return true;
  }

  /** handle_tty_read: hand queued input to the guest while the ring has room. */
  fillInput(): boolean {
    if (!this.base || this.input.length === 0) return false;
    const cons = this.u32(XENCONS_in_cons);
    let prod = this.u32(XENCONS_in_prod);
    const used = (prod - cons) >>> 0;
    if (used >= XENCONS_IN_SIZE) return false;
    const n = Math.min(XENCONS_IN_SIZE - used, this.input.length);
    const mem = this.d.cpu.mem;
    for (const b of this.input.splice(0, n)) {
      mem[this.base + XENCONS_in + (prod & (XENCONS_IN_SIZE - 1))] = b;
      prod = (prod + 1) >>> 0;
    }
    this.setU32(XENCONS_in_prod, prod);
    return true;
  }

  /** Queue console input (scripted keystrokes); delivered at once if the ring has room. */
  queueInput(data: string | Uint8Array): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    for (const b of bytes) this.input.push(b);
    if (this.fillInput()) this.port?.send();
  }
  get queued(): number { return this.input.length; }
}

const rings = new WeakMap<Domain, ConsoleRing>();
export function setConsoleRing(d: Domain, r: ConsoleRing): void { rings.set(d, r); }
/** The domain's console ring back end, when the events plugin is installed. */
export function consoleRing(d: Domain): ConsoleRing | undefined { return rings.get(d); }
