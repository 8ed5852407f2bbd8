// A bare machine: flat 32-bit protected mode at CPL 0, paging off, a flat binary loaded at
// 0x1000, the debug console on port 0xE9. Used by `xenjit demo` and the core benchmark.
import { Cpu } from '../cpu/state.ts';
import { setFlatSegments } from '../cpu/flat.ts';
import { ESP } from '../cpu/regs.ts';
import { VECTOR_NAMES } from '../cpu/fault.ts';
import { Jit, type JitOptions } from '../../jit/jit.ts';

export const LOAD_ADDRESS = 0x1000;
export const DEBUG_PORT = 0xe9;

export interface BareRun {
  cpu: Cpu;
  jit: Jit;
  output: string;
  /** Why the run ended: 'halt', 'budget', or the unhandled exception. */
  exit: string;
  seconds: number;
}

export function bareMachine(image: Uint8Array, memBytes = 4 << 20, opts: Partial<JitOptions> = {}): { cpu: Cpu; jit: Jit; out: string[] } {
  if (LOAD_ADDRESS + image.length > memBytes) throw new RangeError(`image of ${image.length} bytes does not fit in ${memBytes} bytes of memory`);
  const cpu = new Cpu(memBytes);
  setFlatSegments(cpu, 0);
  cpu.mem.set(image, LOAD_ADDRESS);
  cpu.eip = LOAD_ADDRESS;
  cpu.regs[ESP] = memBytes - 16;
  const out: string[] = [];
  cpu.hooks.ioWrite = (port, _size, value) => { if (port === DEBUG_PORT) out.push(String.fromCharCode(value & 0xff)); };
  const jit = new Jit(cpu, opts);
  cpu.hooks.interrupt = (c, vector, error) => {
    c.lastFault = vector;
    c.stopped = true;
    void error;
  };
  return { cpu, jit, out };
}

export function runBare(image: Uint8Array, maxInsns: number, opts: Partial<JitOptions> = {}, setup?: (c: Cpu) => void): BareRun {
  const { cpu, jit, out } = bareMachine(image, 4 << 20, opts);
  setup?.(cpu);
  const t0 = performance.now();
  const r = jit.run(maxInsns);
  const seconds = (performance.now() - t0) / 1000;
  const exit = r === 'stop' ? `exception ${VECTOR_NAMES[cpu.lastFault] ?? cpu.lastFault} at eip 0x${(cpu.eip >>> 0).toString(16)}` : r;
  return { cpu, jit, output: out.join(''), exit, seconds };
}
