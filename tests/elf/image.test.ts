// The kernel image loader on a real linked PV kernel and on byte-level mutations of it.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadKernelImage, ImageError } from '../../src/elf/image.ts';

const hello = new Uint8Array(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'guests', 'pv', 'hello.elf')));
const mutate = (f: (b: Uint8Array, v: DataView) => void): Uint8Array => { const b = hello.slice(); f(b, new DataView(b.buffer)); return b; };
const refuse = (b: Uint8Array): string => { try { loadKernelImage(b); } catch (e) { expect(e).toBeInstanceOf(ImageError); return (e as Error).message; } throw new Error('accepted'); };

describe('kernel image loader', () => {
  it('reads the Xen notes of a linked kernel', () => {
    const img = loadKernelImage(hello);
    expect(img.notesSource).toBe('notes');
    expect(img.virtBase).toBe(0xc0000000);
    expect(img.paddrOffset).toBe(0xc0000000);
    expect(img.hypercallPage).toBe(0xc0001000);
    expect(img.entry).toBe(new DataView(hello.buffer).getUint32(24, true));
    expect(img.paeMode).toBe('yes');
    expect(img.guestOs).toBe('linux');
    expect(img.xenVersion).toBe('xen-3.0');
    expect(img.segments.map((s) => s.vaddr)).toEqual([0xc0000000, 0xc0003000]);
  });
  it('accepts gzip-compressed images', () => {
    expect(loadKernelImage(new Uint8Array(gzipSync(hello))).entry).toBe(loadKernelImage(hello).entry);
  });
  it('refuses what is not a 32-bit i386 Xen kernel, with a clear message', () => {
    expect(refuse(new Uint8Array([1, 2, 3]))).toBe('not an ELF image');
    expect(refuse(mutate((b) => { b[4] = 2; }))).toMatch(/64-bit kernel/);
    expect(refuse(mutate((_b, v) => { v.setUint16(18, 62, true); }))).toMatch(/not an i386 kernel/);
    expect(refuse(new Uint8Array([0x1f, 0x8b, 0, 0]))).toMatch(/does not decompress/);
    expect(refuse(mutate((_b, v) => { v.setUint32(28, 0x7fffffff, true); }))).toMatch(/program headers/);
  });
  it('refuses an image with no Xen notes', () => {
    // Rename every note owner from "Xen" to "Xeo".
    const b = mutate((x) => { for (let k = 0; k + 3 < x.length; k++) if (x[k] === 0x58 && x[k + 1] === 0x65 && x[k + 2] === 0x6e && x[k + 3] === 0) x[k + 2] = 0x6f; });
    expect(refuse(b)).toMatch(/no Xen ELF notes/);
  });
  it('keeps the notes read before one whose size runs past its segment', () => {
    const img0 = loadKernelImage(hello);
    // The 10th note (FEATURES) is last: make its descsz huge.
    const b = mutate((x, v) => {
      for (let k = 0; k + 12 < x.length; k += 4) if (v.getUint32(k, true) === 4 && v.getUint32(k + 8, true) === 10 && x[k + 12] === 0x58) { v.setUint32(k + 4, 0x10000, true); break; }
    });
    const img = loadKernelImage(b);
    expect(img.hypercallPage).toBe(img0.hypercallPage);
    expect(img.features).toBe('');
    expect(img.warnings.join()).toMatch(/runs past the end/);
  });
});
