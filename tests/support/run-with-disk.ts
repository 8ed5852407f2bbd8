// Run a PV test kernel with disk images, its console on stdout, until it stops (or the process
// is killed): `tsx tests/support/run-with-disk.ts KERNEL.elf [--cmdline TEXT] --disk FILE[,ro]...`.
// The durability test spawns it and kills it mid-run.
import { readFileSync, writeSync } from 'node:fs';
import { Machine } from '../../runtime/machine.ts';
import { loadKernelImage } from '../../src/elf/image.ts';
import { bootImageFrom } from '../../runtime/boot-image.ts';
import { defaultPlugins } from '../../runtime/plugins.ts';
import { blkifPlugin, type BlkifDisk } from '../../runtime/blkif/index.ts';

const args = process.argv.slice(2);
const kernel = args.shift();
const disks: BlkifDisk[] = [];
let cmdline = '';
while (args.length) {
  const a = args.shift()!;
  if (a === '--disk') { const [path, mode] = args.shift()!.split(','); disks.push({ path, readOnly: mode === 'ro' }); }
  else if (a === '--cmdline') cmdline = args.shift()!;
  else throw new Error(`unknown argument ${a}`);
}
if (!kernel) throw new Error('usage: run-with-disk.ts KERNEL.elf [--cmdline TEXT] --disk FILE[,ro]...');

const bytes = new Uint8Array(readFileSync(kernel));
const img = loadKernelImage(bytes);
const m = new Machine({
  memoryMiB: 16, pae: true, p2m: 'shuffle', seed: 1, jit: {},
  plugins: [...defaultPlugins({ clock: 'virtual' }), blkifPlugin({ disks })],
});
// Synchronous writes, so what the guest printed is out before it runs on.
m.domain.consoleOut = (t) => { writeSync(1, t); };
m.boot(bootImageFrom(img, img.loadBytes ?? bytes, cmdline));
const end = m.run({ maxInstructions: Number.MAX_SAFE_INTEGER, timeoutSeconds: 600, slice: 100_000 });
writeSync(2, `run-with-disk: ${end}\n`);
process.exit(end === 'poweroff' ? 0 : 1);
