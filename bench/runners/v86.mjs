// Runs one multiboot benchmark kernel under v86 (npm package v86, installed in bench/.peers by
// bench/setup.sh) without a BIOS: v86 loads the multiboot ELF and enters it in flat protected
// mode. Serial output arrives as serial0-output-byte events; on "BENCH-END" the emulator is
// destroyed. Prints one JSON line: output, seconds (from the emulator's start to BENCH-END),
// peak RSS.   Usage: node bench/runners/v86.mjs KERNEL COUNT
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const lib = join(here, '..', '.peers', 'node_modules', 'v86', 'build');
const { V86 } = await import(join(lib, 'libv86.mjs'));
const [file, count] = process.argv.slice(2);
const kernel = readFileSync(file);
const timeoutMs = Number(process.env.BENCH_V86_TIMEOUT_MS ?? 600000);

let out = '', t0 = 0, done = false;
const emulator = new V86({
  wasm_path: join(lib, 'v86.wasm'),
  memory_size: 64 * 1024 * 1024,
  vga_memory_size: 2 * 1024 * 1024,
  multiboot: { buffer: kernel.buffer.slice(kernel.byteOffset, kernel.byteOffset + kernel.byteLength) },
  cmdline: `${count} hlt`,
  autostart: true,
  disable_keyboard: true, disable_mouse: true, disable_speaker: true,
});
const timer = setTimeout(() => finish('timeout'), timeoutMs);
emulator.add_listener('emulator-started', () => { t0 = performance.now(); });
emulator.add_listener('serial0-output-byte', (b) => {
  out += String.fromCharCode(b);
  if (out.endsWith('BENCH-END\n')) finish('ok');
});
function finish(status) {
  if (done) return;
  done = true;
  const seconds = (performance.now() - t0) / 1000;
  clearTimeout(timer);
  process.stdout.write(JSON.stringify({ status, output: out, seconds, maxRSSKiB: process.resourceUsage().maxRSS }) + '\n');
  // The emulator's loop does not end by itself: leave at once.
  emulator.stop().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
