// The xenjit command line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { runBare } from './bare.ts';
import { formatStats } from './stats.ts';
import { runCommand, infoCommand, type RunCliOptions } from './run.ts';
import { profileCommand, type ProfileOptions } from './profile.ts';
import { regressCommand, type RegressCliOptions } from './regress.ts';
import { decode, type Insn } from '../decode/decoder.ts';
import { disassemble } from '../decode/disasm.ts';
import { PROJECT_ROOT, RUNNING_FROM } from '../project-root.ts';

export const DEMO_GUEST = join(PROJECT_ROOT, 'tests', 'guests', 'demo.bin');

/** Commander's way of taking an option more than once. */
function collect(v: string, prev: string[]): string[] { return [...prev, v]; }

const program = new Command('xenjit')
  .description('Runs 32-bit x86 Xen PV guests on Node.js: an i686 CPU with a block JIT to JavaScript.')
  .version(`0.1.0 (${RUNNING_FROM})`);

program.command('demo')
  .description('run the embedded demo guest (a bare-metal sieve) on the CPU core and show JIT counters')
  .option('--single-step', 'one instruction per block, every instruction through its semantics')
  .option('--max-insns <n>', 'instruction budget', '100000000')
  .action((o: { singleStep?: boolean; maxInsns: string }) => {
    const image = readFileSync(DEMO_GUEST);
    const r = runBare(image, Number(o.maxInsns), { singleStep: !!o.singleStep });
    process.stdout.write(r.output);
    console.log(`\n[exit: ${r.exit}; ${r.cpu.icount} instructions in ${r.seconds.toFixed(3)} s = ${(r.cpu.icount / r.seconds / 1e6).toFixed(1)} guest MIPS]`);
    console.log(formatStats(r.jit.stats));
    if (r.exit !== 'halt') process.exitCode = 1;
  });

program.command('run-bare <image>')
  .description('run a flat binary (loaded at 0x1000, flat 32-bit CPL 0, debug console on port 0xE9)')
  .option('--single-step', 'one instruction per block')
  .option('--max-insns <n>', 'instruction budget', '1000000000')
  .action((file: string, o: { singleStep?: boolean; maxInsns: string }) => {
    let image: Buffer;
    try { image = readFileSync(file); } catch (e) { console.error(`xenjit: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`); process.exitCode = 2; return; }
    if (image.length === 0 || image.length > (4 << 20) - 0x2000) { console.error(`xenjit: ${file}: a flat image must be 1 byte to 4 MiB - 8 KiB`); process.exitCode = 2; return; }
    const r = runBare(image, Number(o.maxInsns), { singleStep: !!o.singleStep });
    process.stdout.write(r.output);
    console.error(`[exit: ${r.exit}; ${r.cpu.icount} instructions]`);
    if (r.exit !== 'halt') process.exitCode = 1;
  });

program.command('run <kernel>')
  .description('boot a 32-bit PV kernel (ELF, optionally gzip-compressed) as an unprivileged Xen domain')
  .option('--memory <MiB>', 'domain memory', '64')
  .option('--cmdline <s>', 'kernel command line', '')
  .option('--module <file>', 'pre-loaded module (initrd)')
  .option('--clock <host|virtual>', 'host time, or virtual time from retired instructions (reproducible)', 'host')
  .option('--max-instructions <n>', 'stop after this many guest instructions', '20000000000')
  .option('--timeout <s>', 'stop after this many seconds of host time', '3600')
  .option('--trace <what...>', 'trace: hypercalls', [])
  .option('--single-step', 'one instruction per translated block')
  .option('--p2m <kind>', 'shuffle (default) or identity machine frame order', 'shuffle')
  .option('--stats', 'print JIT counters at the end')
  .option('--disk <file[,ro]>', 'a disk image for the block back end (repeat for more disks: xvda, xvdb, ...)', collect, [])
  .option('--console-input <text>', 'type this on the console (escapes: \\n \\r \\t \\xHH)')
  .option('--xenstore <path=value>', 'add a xenstore entry (relative paths are under the domain\'s path); repeatable', collect, [])
  .option('--code-cache <blocks>', 'code cache bound: translated blocks kept before the cache is flushed (default 65536)')
  .option('--tier-up <runs>', 'runs a block is interpreted before it is compiled to JavaScript (0: compile at once; default 200)')
  .option('--sparse-tier-up <runs>', 'runs after which a block that runs rarely (more than 2000 instructions apart on average) and costs little is compiled all the same (default 5000; at most --tier-up: every block at --tier-up)')
  .option('--region-at <runs>', 'runs after which a compiled block is compiled again with its page\'s other hot blocks (those past 5000 runs) into one function (default 20000)')
  .option('--regrow-at <exits>', 'exits from a region to compiled blocks of its page after which it is built again with them (doubling each time; 0: never; default 20000)')
  .option('--no-wasm-first-run', 'run the first visit of every block in JavaScript instead of the WebAssembly walk')
  .action(async (file: string, o: RunCliOptions) => { process.exitCode = await runCommand(file, o); });

program.command('profile <kernel>')
  .description('run a PV kernel with per-block counters and host-time sampling: hot blocks and functions with symbols and disassembly, host time by category, translator counters, hypercalls')
  .option('--memory <MiB>', 'domain memory', '64')
  .option('--cmdline <s>', 'kernel command line', '')
  .option('--clock <host|virtual>', 'clock (virtual by default, so profiles are reproducible)', 'virtual')
  .option('--max-instructions <n>', 'stop after this many guest instructions', '20000000000')
  .option('--timeout <s>', 'stop after this many seconds of host time', '3600')
  .option('--top <n>', 'rows to show', '15')
  .option('--json <file>', 'also write the profile as JSON')
  .option('--no-sample', 'no host-time sampling')
  .option('--sample-interval <us>', 'host-time sampling interval, microseconds', '100')
  .option('--cpuprofile <file>', 'write a V8 .cpuprofile whose blocks map to guest instructions (source maps)')
  .option('--html <file>', 'write a self-contained HTML report (flame graph of guest functions, hot blocks)')
  .action((file: string, o: ProfileOptions) => { process.exitCode = profileCommand(file, o); });

program.command('regress [manifest]')
  .description('run a suite of kernel images (JSON manifest, default tests/regress/suite.json) and compare exit status and console output with golden files or patterns')
  .option('--jobs <n>', 'cases run in parallel (worker threads); default: the number of CPUs')
  .option('--filter <regex>', 'only cases whose name matches')
  .option('--shard <i/n>', 'only the i-th of n disjoint parts of the suite (by sorted case name)')
  .option('--update', 'rewrite the golden files of cases whose only failure is their golden output')
  .option('--junit <file>', 'write JUnit XML for CI')
  .action(async (manifest: string | undefined, o: RegressCliOptions) => { process.exitCode = await regressCommand(manifest, o); });

program.command('info <kernel>')
  .description('show a PV kernel\'s Xen notes and the start-of-day layout xenjit would give it')
  .option('--memory <MiB>', 'domain memory', '64')
  .action((file: string, o: { memory: string }) => { process.exitCode = infoCommand(file, Number(o.memory)); });

program.command('disasm <hex>')
  .description('disassemble 32-bit x86 machine code given as hex bytes (Intel syntax, as objdump prints it)')
  .option('--address <a>', 'address of the first byte', '0')
  .option('--16', '16-bit code (CS.D = 0)')
  .action((hexText: string, o: { address: string; 16?: boolean }) => {
    const clean = hexText.replace(/[\s,]|0x/g, '');
    if (!/^([0-9a-fA-F]{2})+$/.test(clean)) { console.error('xenjit disasm: expected hex bytes, e.g. "55 89 e5"'); process.exitCode = 2; return; }
    const bytes = Buffer.from(clean, 'hex');
    let off = 0, addr = Number(o.address) >>> 0;
    while (off < bytes.length) {
      const i = decodeInsnSafe(bytes.subarray(off), addr, !o['16']);
      if (!i) { console.log(`${addr.toString(16).padStart(8, '0')}:  ${bytes.subarray(off).toString('hex')}  (truncated)`); break; }
      console.log(`${addr.toString(16).padStart(8, '0')}:  ${bytes.subarray(off, off + i.len).toString('hex').padEnd(30)} ${disassemble(i)}`);
      off += i.len; addr = (addr + i.len) >>> 0;
    }
  });

/** Decode one instruction from a buffer; null when it runs past the end or is too long. */
function decodeInsnSafe(b: Buffer, addr: number, d32: boolean): Insn | null {
  let past = false;
  try {
    const i = decode((k) => { if (k >= b.length) { past = true; return 0; } return b[k]; }, addr, d32);
    return past ? null : i;
  } catch { return null; }
}

await program.parseAsync();
