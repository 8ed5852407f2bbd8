// Boot a PV kernel under the full runtime, for tests.
import { readFileSync } from 'node:fs';
import { Machine, type Plugin } from '../../runtime/machine.ts';
import { loadKernelImage } from '../../src/elf/image.ts';
import { bootImageFrom } from '../../runtime/boot-image.ts';
import { defaultPlugins } from '../../runtime/plugins.ts';
import type { RunEnd } from '../../runtime/run.ts';
import type { JitOptions } from '../../jit/jit.ts';

export interface RunKernelOptions {
  singleStep?: boolean;
  clock?: 'host' | 'virtual';
  memoryMiB?: number;
  pae?: boolean;
  plugins?: Plugin[];
  maxInstructions?: number;
  timeoutSeconds?: number;
  cmdline?: string;
  jit?: Partial<JitOptions>;
}

export function runKernel(path: string, o: RunKernelOptions = {}): { output: string; end: RunEnd; machine: Machine } {
  const bytes = new Uint8Array(readFileSync(path));
  const img = loadKernelImage(bytes);
  const m = new Machine({
    memoryMiB: o.memoryMiB ?? 16, pae: o.pae ?? true, p2m: 'shuffle', seed: 1,
    jit: { singleStep: !!o.singleStep, ...o.jit },
    plugins: o.plugins ?? defaultPlugins({ clock: o.clock ?? 'virtual' }),
  });
  let output = '';
  m.domain.consoleOut = (t) => { output += t; };
  m.boot(bootImageFrom(img, img.loadBytes ?? bytes, o.cmdline ?? ''));
  const end = m.run({ maxInstructions: o.maxInstructions ?? 50_000_000, timeoutSeconds: o.timeoutSeconds ?? 60, slice: 100_000 });
  return { output, end, machine: m };
}
