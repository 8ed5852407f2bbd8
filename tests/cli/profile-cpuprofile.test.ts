// The .cpuprofile of `xenjit profile --cpuprofile`: read back from disk, every sampled block
// frame (blk_<address>) resolves through its source map (source-map's SourceMapConsumer) to the
// block's disassembly, whose first line is the function's address; line ticks resolve to
// instructions of the block; and, against the generated code itself, every line the emitter
// starts with an instruction's address comment maps to that instruction's disassembly line.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import sourceMap from 'source-map';
import type { RawSourceMap } from 'source-map';
import { profileCommand } from '../../src/cli/profile.ts';
import { Machine } from '../../runtime/machine.ts';
import { loadKernelImage } from '../../src/elf/image.ts';
import { bootImageFrom } from '../../runtime/boot-image.ts';
import { defaultPlugins } from '../../runtime/plugins.ts';
import { blockSourceMapOf, type CpuProfileWithMaps } from '../../src/profile/cpuprofile.ts';
import { disassemble } from '../../src/decode/disasm.ts';

const { SourceMapConsumer } = sourceMap;
const here = dirname(fileURLToPath(import.meta.url));
const demo = join(here, '..', 'guests', 'pv', 'demo.elf');
const hex8 = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');

describe('xenjit profile --cpuprofile', () => {
  let prof: CpuProfileWithMaps;
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'xenjit-cpuprofile-'));
    const file = join(dir, 'demo.cpuprofile');
    const write = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      expect(profileCommand(demo, { memory: '16', cmdline: '', clock: 'virtual', maxInstructions: '1e9', timeout: '60', top: '5', sampleInterval: '50', cpuprofile: file })).toBe(0);
    } finally { process.stderr.write = write; }
    prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfileWithMaps;
    rmSync(dir, { recursive: true });
  });

  it('is a V8 profile whose block frames resolve through their source maps to guest disassembly', async () => {
    expect(prof.nodes.length).toBeGreaterThan(0);
    expect(prof.samples.length).toBe(prof.timeDeltas.length);
    const blocks = prof.nodes.filter((n) => /^blk_[0-9a-f]{8}$/.test(n.callFrame.functionName));
    expect(blocks.length).toBeGreaterThan(0);
    // The sieve's marking loop runs for most of the guest's instructions: it was sampled.
    expect(blocks.some((n) => n.callFrame.functionName === 'blk_c000211c')).toBe(true);
    let ticks = 0;
    for (const n of blocks) {
      const { url, lineNumber, columnNumber, functionName } = n.callFrame;
      expect(url).toMatch(/^xenjit:\/\/block\//);
      const raw = prof.sourceMaps[url];
      expect(raw, url).toBeDefined();
      const addr = functionName.slice(4);
      const consumer = await new SourceMapConsumer(raw);
      try {
        // callFrame positions are 0-based; source maps' lines are 1-based, columns 0-based.
        const pos = consumer.originalPositionFor({ line: lineNumber + 1, column: columnNumber });
        expect(pos.source).toBe(`xenjit-guest/${addr}.s`);
        expect(pos.line).toBe(1);
        // The line V8 reports before the function's is the wrapper's: mapped to nothing.
        expect(consumer.originalPositionFor({ line: lineNumber, column: 0 }).source).toBeNull();
        const text = consumer.sourceContentFor(pos.source!)!.split('\n');
        expect(text[0].startsWith(`${addr}: `)).toBe(true);
        const lines = text.filter((l) => l !== '');
        for (const l of lines) expect(l).toMatch(/^[0-9a-f]{8}: \S/);
        for (const t of n.positionTicks ?? []) {
          const q = consumer.originalPositionFor({ line: t.line, column: 0 });
          if (q.source === null) continue; // the script's wrapper lines (function entry)
          expect(q.source).toBe(pos.source);
          expect(q.line).toBeGreaterThanOrEqual(1);
          expect(q.line).toBeLessThanOrEqual(lines.length);
          ticks += t.ticks;
        }
      } finally { consumer.destroy(); }
    }
    expect(ticks).toBeGreaterThan(0);
    const mark = prof.sourceMaps[blocks.find((n) => n.callFrame.functionName === 'blk_c000211c')!.callFrame.url];
    expect(mark.sourcesContent![0]).toMatch(/^c000211c: mov BYTE PTR \[eax-0x[0-9a-f]+\],0x1\nc0002123: add eax,ebx\nc0002125: cmp eax,0x186a0\nc000212a: jb 0xc000211c\n$/);
  });

  it('maps each instruction\'s generated code to that instruction, in every block of the run', async () => {
    const img = loadKernelImage(new Uint8Array(readFileSync(demo)));
    const m = new Machine({ memoryMiB: 16, pae: true, p2m: 'shuffle', seed: 1, jit: { sourceMaps: true, tierUp: 0 }, plugins: defaultPlugins({ clock: 'virtual' }) });
    m.boot(bootImageFrom(img, img.loadBytes, ''));
    expect(m.run({ maxInstructions: 1e9, timeoutSeconds: 60, slice: 100_000 })).toBe('poweroff');
    let checked = 0;
    // tierUp 0: every block is compiled at once, so every block of the run has generated code.
    const compiled = [...m.domain.jit.blocks];
    expect(compiled.every((b) => b.compiled)).toBe(true);
    for (const b of compiled) {
      const raw = blockSourceMapOf(b) as RawSourceMap;
      expect(raw).not.toBeNull();
      // The map's source is the block's disassembly, produced from the decoded instructions.
      expect(raw.sourcesContent![0]).toBe(b.insns.map((i) => `${hex8(i.eip)}: ${disassemble(i)}\n`).join(''));
      const consumer = await new SourceMapConsumer(raw);
      try {
        // new Function puts two wrapper lines before the block's source: they map nowhere.
        expect([1, 2].map((line) => consumer.originalPositionFor({ line, column: 0 }).source)).toEqual([null, null]);
        b.source.split('\n').forEach((line, l) => {
          const mk = /^\/\/ 0x([0-9a-f]+)$/.exec(line);
          if (!mk) return;
          const k = b.insns.findIndex((i) => (i.eip >>> 0) === parseInt(mk[1], 16));
          expect(k).toBeGreaterThanOrEqual(0);
          const pos = consumer.originalPositionFor({ line: l + 3, column: 0 });
          expect(pos.line).toBe(k + 1);
          // The line before an instruction's marker is still the previous instruction's code.
          if (k > 0) expect(consumer.originalPositionFor({ line: l + 2, column: 0 }).line).toBe(k);
          checked++;
        });
      } finally { consumer.destroy(); }
    }
    expect(checked).toBe([...m.domain.jit.blocks].reduce((a, b) => a + b.insns.length, 0));
  });
});
