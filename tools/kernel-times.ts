// Boot (domain build) and run times of every PV test kernel, block JIT and single-step, with
// the virtual clock: `npx tsx tools/kernel-times.ts`.
import { readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Machine } from '../runtime/machine.ts';
import { defaultPlugins } from '../runtime/plugins.ts';
import { loadKernelImage } from '../src/elf/image.ts';
import { bootImageFrom } from '../runtime/boot-image.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'tests', 'guests', 'pv');
console.log('kernel      mode         build ms   run ms    instructions   end');
for (const f of readdirSync(dir).filter((x) => x.endsWith('.elf')).sort()) {
  for (const singleStep of [false, true]) {
    const bytes = new Uint8Array(readFileSync(join(dir, f)));
    const t0 = performance.now();
    const img = loadKernelImage(bytes);
    const m = new Machine({ memoryMiB: 16, pae: true, p2m: 'shuffle', seed: 1, jit: { singleStep }, plugins: defaultPlugins({ clock: 'virtual' }) });
    m.domain.consoleOut = () => {};
    m.boot(bootImageFrom(img, img.loadBytes, ''));
    const t1 = performance.now();
    const end = m.run({ maxInstructions: 1e9, timeoutSeconds: 300, slice: 100_000 });
    const t2 = performance.now();
    console.log(`${f.replace('.elf', '').padEnd(11)} ${(singleStep ? 'single-step' : 'block JIT').padEnd(12)} ${(t1 - t0).toFixed(1).padStart(8)} ${(t2 - t1).toFixed(1).padStart(8)} ${String(m.domain.cpu.icount).padStart(15)}   ${end}`);
  }
}
