// The kernel image loader: real nasm/ld-built PV kernels (Linux-style notes, legacy __xen_guest,
// NetBSD-style BSD_SYMTAB), gzip and bzImage wrapping, libelf's address defaults, the quirks Xen
// tolerates, and every refusal.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadKernelImage, imageBytesForLoad, ImageError } from '../../src/elf/image.ts';
import { parseElf32 } from '../../src/elf/elf32.ts';
import {
  kernel, buildElf, standardNotes, standardSegments, notesWithout, strNote, numNote, refusal, cat, le, textBytes, dataBytes,
  N, ENTRY, VIRT_BASE, TEXT_VA, TEXT_PA, DATA_VA, DATA_PA, PF_R, PF_W, PF_X, PT_NOTE, type SegSpec,
} from './support.ts';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(here, 'fixtures', name)));
const pvGuest = (name: string): Uint8Array => new Uint8Array(readFileSync(join(here, '..', 'guests', 'pv', name)));
const load = (over: Parameters<typeof kernel>[0]) => loadKernelImage(kernel(over).bytes);
const refuse = (over: Parameters<typeof kernel>[0]): string => refusal(() => load(over));
const linear = (segs: SegSpec[], entry = TEXT_VA + 0x10) => ({ segments: segs, entry });

describe('real PV kernels built with nasm and ld', () => {
  it('a Linux-style vmlinux: notes in PT_NOTE, VIRT_BASE 0xC0000000, PADDR_OFFSET 0, physical e_entry', () => {
    const img = loadKernelImage(fixture('linux-notes.elf'));
    expect(img).toMatchObject({
      entry: 0xc1000010, elfEntry: 0x1000000, virtBase: 0xc0000000, paddrOffset: 0, hypercallPage: 0xc1001000, paeMode: 'extended',
      guestOs: 'linux', guestVersion: '2.6', xenVersion: 'xen-3.0', loader: 'generic', hvStartLow: 0xf5800000,
      suspendCancel: true, unmappedInitrd: true, bsdSymtabRequested: false, notesSource: 'notes', noteLocations: ['PT_NOTE segment 2'],
      virtKernelStart: 0xc1000000, virtKernelEnd: 0xc1006000, virtKernelStartExact: 0xc1000000, virtKernelEndExact: 0xc1005030,
      fileSize: 17836,
    });
    expect(img.p2mBase).toBeUndefined();
    expect(img.compression).toBeUndefined();
    expect(img.segments).toEqual([
      { index: 0, vaddr: 0xc1000000, elfVaddr: 0xc1000000, paddr: 0x1000000, fileOffset: 0x1000, filesz: 0x216c, memsz: 0x216c, flags: PF_R | PF_X },
      { index: 1, vaddr: 0xc1003000, elfVaddr: 0xc1003000, paddr: 0x1003000, fileOffset: 0x4000, filesz: 0x14, memsz: 0x2030, flags: PF_R | PF_W },
    ]);
    expect(img.features).toEqual({
      supported: new Set(['writable_page_tables', 'pae_pgdir_above_4gb', 'dom0']), required: new Set(['writable_page_tables']),
      supportedMask: 0x811, requiredMask: 1,
    });
    expect(img.notes.map((n) => n.name)).toEqual([
      'GUEST_OS', 'GUEST_VERSION', 'XEN_VERSION', 'VIRT_BASE', 'ENTRY', 'HYPERCALL_PAGE', 'FEATURES', 'SUPPORTED_FEATURES',
      'PAE_MODE', 'LOADER', 'L1_MFN_VALID', 'SUSPEND_CANCEL', 'MOD_START_PFN', 'HV_START_LOW', 'PADDR_OFFSET',
    ]);
    expect(img.warnings).toEqual(['the ENTRY note (0xc1000010) differs from e_entry (0x1000000); Xen uses 0xc1000010']);
    // The entry and the hypercall page are where the symbols say.
    const sym = new Map(img.symbols.map((s) => [s.name, s.value]));
    expect(sym.get('startup_xen')).toBe(img.entry);
    expect(sym.get('hypercall_page')).toBe(img.hypercallPage);
  });

  it('the same kernel gzip-compressed by gzip(1)', () => {
    const plain = loadKernelImage(fixture('linux-notes.elf'));
    const gz = fixture('linux-notes.elf.gz');
    const img = loadKernelImage(gz);
    expect(img.compression).toBe('gzip');
    expect(img.fileSize).toBe(gz.length);
    expect(img.loadBytes).toEqual(fixture('linux-notes.elf'));
    expect({ ...img, compression: undefined, fileSize: 0, elf: null, loadBytes: null }).toEqual({ ...plain, fileSize: 0, elf: null, loadBytes: null });
  });

  it('a Xen 3.0-era kernel with only __xen_guest: PADDR_OFFSET defaults to VIRT_BASE', () => {
    const img = loadKernelImage(fixture('legacy-linux.elf'));
    expect(img).toMatchObject({
      notesSource: '__xen_guest', entry: 0xc0000000, virtBase: 0xc0000000, paddrOffset: 0xc0000000, hypercallPage: 0xc0002000,
      paeMode: 'extended', guestOs: 'linux', guestVersion: '2.6', xenVersion: 'xen-3.0', loader: 'generic',
      virtKernelStart: 0xc0000000, virtKernelEnd: 0xc0005000, virtKernelEndExact: 0xc0004010, noteLocations: [],
    });
    expect(img.segments.map((s) => [s.vaddr, s.paddr])).toEqual([[0xc0000000, 0xc0000000], [0xc0003000, 0xc0003000]]);
    expect([...img.features.supported]).toEqual(['writable_page_tables', 'writable_descriptor_tables', 'auto_translated_physmap', 'pae_pgdir_above_4gb', 'supervisor_mode_kernel']);
    expect(img.features.required.size).toBe(0);
    expect(img.symbols.find((s) => s.name === 'hypercall_page')?.value).toBe(img.hypercallPage);
    expect(img.warnings).toEqual([]);
  });

  it('a NetBSD-style kernel with BSD_SYMTAB: the symbol table block follows the bss', () => {
    const bytes = fixture('legacy-netbsd.elf');
    const img = loadKernelImage(bytes);
    expect(img).toMatchObject({
      guestOs: 'NetBSD', loader: 'generic', paeMode: 'yes', entry: 0xc0000000, paddrOffset: 0xc0000000, hypercallPage: 0xc0001000,
      bsdSymtabRequested: true, bsdSymtab: { vaddr: 0xc0003010, size: 380 }, virtKernelEndExact: 0xc000318c, virtKernelEnd: 0xc0004000,
    });
    const chunks = imageBytesForLoad(img);
    expect(chunks.map((c) => [c.vaddr, c.data.length, c.filesz])).toEqual([[0xc0000000, 0x2000, 0x2000], [0xc0002000, 0x1010, 4], [0xc0003010, 380, 380]]);
    const blk = chunks[2].data, v = new DataView(blk.buffer);
    const elf = parseElf32(bytes);
    const symtab = elf.sections.find((s) => s.name === '.symtab')!, strtab = elf.sections.find((s) => s.name === '.strtab')!;
    // Size word, then an ELF header with three section headers right after it.
    expect(v.getUint32(0, true)).toBe(176 - 4 + 128 + 73); // header + symtab + strtab, from the ELF header
    expect(blk.subarray(4, 20)).toEqual(bytes.subarray(0, 16));
    expect([v.getUint32(4 + 28, true), v.getUint32(4 + 32, true), v.getUint16(4 + 44, true), v.getUint16(4 + 48, true), v.getUint16(4 + 50, true)]).toEqual([0, 52, 0, 3, 0]);
    expect(blk.subarray(56, 96)).toEqual(new Uint8Array(40)); // the null section
    const sh = (i: number, f: number): number => v.getUint32(56 + i * 40 + f * 4, true);
    expect([sh(1, 1), sh(1, 4), sh(1, 5), sh(1, 6)]).toEqual([2, 172, 128, 2]); // SHT_SYMTAB, offset from the ELF header, size, link
    expect([sh(2, 1), sh(2, 4), sh(2, 5)]).toEqual([3, 300, 73]);
    expect(blk.subarray(176, 176 + 128)).toEqual(bytes.subarray(symtab.offset, symtab.offset + symtab.size));
    expect(blk.subarray(304, 304 + 73)).toEqual(bytes.subarray(strtab.offset, strtab.offset + strtab.size));
  });

  it('the project\'s PV test kernels (PADDR_OFFSET = VIRT_BASE, p_paddr = p_vaddr)', () => {
    const bytes = pvGuest('hello.elf');
    const img = loadKernelImage(bytes);
    expect(img).toMatchObject({ notesSource: 'notes', virtBase: 0xc0000000, paddrOffset: 0xc0000000, hypercallPage: 0xc0001000, paeMode: 'extended', guestOs: 'linux', guestVersion: 'hello' });
    expect(img.entry).toBe(new DataView(bytes.buffer).getUint32(24, true));
    expect(img.segments.map((s) => s.vaddr)).toEqual([0xc0000000, 0xc0003000]);
    expect(img.warnings).toEqual([]);
  });
});

describe('compressed images', () => {
  const k = kernel().bytes;

  it('gunzips, ignoring bytes after the stream with a warning', () => {
    const img = loadKernelImage(cat(gzipSync(k), le(4, k.length)));
    expect(img.compression).toBe('gzip');
    expect(img.loadBytes).toEqual(k);
    expect(img.warnings).toEqual(['4 byte(s) after the end of the gzip stream ignored']);
    expect(imageBytesForLoad(img)[0].data).toEqual(textBytes());
  });

  it('refuses corrupt, truncated and oversized gzip data', () => {
    const gz = new Uint8Array(gzipSync(k));
    const badCrc = gz.slice(); badCrc[gz.length - 6] ^= 1;
    expect(refusal(() => loadKernelImage(badCrc))).toBe('gzip-compressed image is corrupt: CRC-32 mismatch');
    const badLen = gz.slice(); badLen[gz.length - 2] ^= 1;
    expect(refusal(() => loadKernelImage(badLen))).toBe('gzip-compressed image is corrupt: length mismatch');
    expect(refusal(() => loadKernelImage(gz.subarray(0, gz.length - 4)))).toBe('gzip-compressed image is truncated: the gzip trailer is missing');
    expect(refusal(() => loadKernelImage(gz.subarray(0, 200)))).toBe('gzip-compressed image is corrupt: unexpected end of file');
    expect(refusal(() => loadKernelImage(gz.subarray(0, 12)))).toBe('gzip-compressed image is truncated (12 bytes)');
    const junk = gz.slice(); junk.fill(0xff, 10, 30);
    expect(refusal(() => loadKernelImage(junk))).toMatch(/^gzip-compressed image is corrupt: /);
    const method = gz.slice(); method[2] = 7;
    expect(refusal(() => loadKernelImage(method))).toBe('gzip-compressed image uses compression method 7, not deflate');
    expect(refusal(() => loadKernelImage(gz, { maxDecompressedBytes: 4096 }))).toBe('gzip-compressed image expands to more than 4096 bytes');
    const bomb = new Uint8Array(gzipSync(new Uint8Array(3 << 20)));
    expect(refusal(() => loadKernelImage(bomb, { maxDecompressedBytes: 2 << 20 }))).toBe('gzip-compressed image expands to more than 2 MiB');
    expect(refusal(() => loadKernelImage(new Uint8Array(gzipSync(new TextEncoder().encode('#!/bin/sh\n')))))).toBe('not an ELF image (it starts with 23 21 2f 62, not 7f 45 4c 46)');
  });

  /** A minimal bzImage: boot sector + setup (setup_sects 1), then the payload. */
  function bzImage(payload: Uint8Array, version = 0x20f): Uint8Array {
    const b = new Uint8Array(1024 + payload.length + 4);
    const v = new DataView(b.buffer);
    b[0x1f1] = 1;
    b.set([0x48, 0x64, 0x72, 0x53], 0x202);
    v.setUint16(0x206, version, true);
    v.setUint32(0x248, 0, true);
    v.setUint32(0x24c, payload.length, true);
    b.set(payload, 1024);
    v.setUint32(1024 + payload.length, k.length, true); // the decompressed size Linux appends
    return b;
  }

  it('takes the gzip payload out of a bzImage and refuses other payload compressions', () => {
    const img = loadKernelImage(bzImage(new Uint8Array(gzipSync(k))));
    expect(img.compression).toBe('bzImage+gzip');
    expect(img.entry).toBe(ENTRY);
    expect(refusal(() => loadKernelImage(bzImage(new Uint8Array([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0, 1, 2])))))
      .toBe('bzImage payload is xz-compressed; xenjit reads gzip payloads only (decompress the vmlinux yourself and pass the ELF)');
    expect(refusal(() => loadKernelImage(bzImage(new Uint8Array([1, 2, 3]), 0x206)))).toBe('bzImage boot protocol 2.06 has no payload fields (2.08 or later needed)');
    const far = bzImage(new Uint8Array([1, 2, 3]));
    new DataView(far.buffer).setUint32(0x248, 0x100000, true);
    expect(refusal(() => loadKernelImage(far))).toBe(`bzImage payload (3 bytes at 0x100400) lies outside the file (${far.length} bytes)`);
  });
});

describe('addresses as libelf computes them', () => {
  it('notes without VIRT_BASE or PADDR_OFFSET: both 0, segments load at p_paddr', () => {
    const img = load({ notes: [...notesWithout([N.VIRT_BASE, N.ENTRY, N.HYPERCALL_PAGE]), numNote(N.ENTRY, TEXT_PA + 0x10), numNote(N.HYPERCALL_PAGE, TEXT_PA + 0x1000)] });
    expect([img.virtBase, img.paddrOffset, img.entry, img.hypercallPage]).toEqual([0, 0, TEXT_PA + 0x10, TEXT_PA + 0x1000]);
    expect(img.segments.map((s) => s.vaddr)).toEqual([TEXT_PA, DATA_PA]);
    expect([img.virtKernelStart, img.virtKernelEnd]).toEqual([TEXT_PA, DATA_PA + 0x1000]);
  });

  it('notes with VIRT_BASE and no PADDR_OFFSET: PADDR_OFFSET 0, segments at p_paddr + VIRT_BASE', () => {
    const img = load({});
    expect([img.virtBase, img.paddrOffset]).toEqual([VIRT_BASE, 0]);
    expect(img.segments.map((s) => s.vaddr)).toEqual([TEXT_VA, DATA_VA]);
    expect([img.virtKernelStartExact, img.virtKernelEndExact]).toEqual([TEXT_VA, DATA_VA + 0x1000]);
  });

  it('an explicit PADDR_OFFSET: segments at p_paddr + VIRT_BASE - PADDR_OFFSET, whatever p_vaddr says', () => {
    const segs = standardSegments().map((s) => ({ ...s, paddr: s.vaddr - 0x40000000 }));
    const img = load({ segments: segs, notes: [...standardNotes(), numNote(N.PADDR_OFFSET, 0x80000000)] });
    expect(img.paddrOffset).toBe(0x80000000);
    expect(img.segments.map((s) => [s.vaddr, s.elfVaddr])).toEqual([[0xc0100000, 0xc0100000], [0xc0102000, 0xc0102000]]);
    // p_vaddr is not used for placement: change it and nothing moves.
    const moved = load({ segments: segs.map((s) => ({ ...s, vaddr: 0x1000 })), notes: [...standardNotes(), numNote(N.PADDR_OFFSET, 0x80000000)] });
    expect(moved.segments.map((s) => s.vaddr)).toEqual([0xc0100000, 0xc0102000]);
  });

  it('__xen_guest with VIRT_BASE and no ELF_PADDR_OFFSET: PADDR_OFFSET = VIRT_BASE', () => {
    const segs = standardSegments().map((s) => ({ ...s, paddr: s.vaddr }));
    const img = load({ segments: segs, notes: undefined, xenGuest: 'GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xC0000000,HYPERCALL_PAGE=0x101' });
    expect([img.virtBase, img.paddrOffset, img.entry]).toEqual([VIRT_BASE, VIRT_BASE, ENTRY]);
    expect(img.segments.map((s) => s.vaddr)).toEqual([TEXT_VA, DATA_VA]);
    // The same p_paddr with the notes' default (0) would place the kernel past 4 GiB.
    expect(refuse({ segments: segs })).toBe('ELF start or entry out of bounds: kernel 0x180100000-0x180103000, entry 0xc0100010, VIRT_BASE 0xc0000000 (Xen refuses this)');
  });

  it('__xen_guest without VIRT_BASE: both 0', () => {
    const segs = standardSegments().map((s) => ({ ...s, paddr: s.paddr! }));
    const img = load({ segments: segs, entry: TEXT_PA, notes: undefined, xenGuest: 'GUEST_OS=linux,XEN_VER=xen-3.0' });
    expect([img.virtBase, img.paddrOffset, img.entry]).toEqual([0, 0, TEXT_PA]);
    expect(img.hypercallPage).toBeUndefined();
  });

  it('refuses PADDR_OFFSET without VIRT_BASE', () => {
    expect(refuse({ notes: [...notesWithout([N.VIRT_BASE]), numNote(N.PADDR_OFFSET, 0)] })).toBe('PADDR_OFFSET is set but VIRT_BASE is not (ELF notes); Xen refuses this');
    expect(refuse({ notes: undefined, xenGuest: 'GUEST_OS=linux,XEN_VER=xen-3.0,ELF_PADDR_OFFSET=0' })).toBe('PADDR_OFFSET is set but VIRT_BASE is not (__xen_guest); Xen refuses this');
  });

  it('takes the entry from the ENTRY note over e_entry (with a warning), else from e_entry', () => {
    const img = load({ entry: TEXT_VA + 0x20 });
    expect(img.entry).toBe(ENTRY);
    expect(img.elfEntry).toBe(TEXT_VA + 0x20);
    expect(img.warnings).toEqual(['the ENTRY note (0xc0100010) differs from e_entry (0xc0100020); Xen uses 0xc0100010']);
    expect(load({ entry: TEXT_VA + 0x20, notes: notesWithout([N.ENTRY]) }).entry).toBe(TEXT_VA + 0x20);
    const legacy = load({ entry: TEXT_VA, segments: standardSegments().map((s) => ({ ...s, paddr: s.vaddr })), notes: undefined, xenGuest: `GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xC0000000,VIRT_ENTRY=${TEXT_VA + 0x30}` });
    expect(legacy.entry).toBe(TEXT_VA + 0x30);
    expect(legacy.warnings).toEqual(['the ENTRY value (0xc0100030) differs from e_entry (0xc0100000); Xen uses 0xc0100030']);
  });

  it('accepts an entry at the very end of the kernel (libelf\'s bound is inclusive)', () => {
    expect(load({ notes: [...notesWithout([N.ENTRY]), numNote(N.ENTRY, DATA_VA + 0x1000)] }).entry).toBe(DATA_VA + 0x1000);
  });

  it('rounds an unaligned kernel start down and its end up to pages', () => {
    const segs = [{ vaddr: TEXT_VA + 0x234, paddr: TEXT_PA + 0x234, data: textBytes(), flags: PF_R | PF_X }];
    const img = load({ segments: segs, entry: TEXT_VA + 0x300, notes: [...notesWithout([N.ENTRY]), numNote(N.ENTRY, TEXT_VA + 0x300)] });
    expect([img.virtKernelStartExact, img.virtKernelEndExact, img.virtKernelStart, img.virtKernelEnd]).toEqual([0xc0100234, 0xc0102234, 0xc0100000, 0xc0103000]);
    expect(img.warnings).toEqual(['the kernel starts at 0xc0100234, not on a page boundary; its first page is loaded from 0xc0100000']);
  });
});

describe('refusals', () => {
  it('of what is not a 32-bit little-endian i386 ELF', () => {
    const k = kernel();
    const edit = (f: (b: Uint8Array, v: DataView) => void): Uint8Array => { const b = k.bytes.slice(); f(b, new DataView(b.buffer)); return b; };
    const r = (b: Uint8Array): string => refusal(() => loadKernelImage(b));
    expect(r(new Uint8Array(0))).toBe('not an ELF image: the file is empty');
    expect(r(new Uint8Array([0x7f, 0x45]))).toBe('not an ELF image (it starts with 7f 45, not 7f 45 4c 46)');
    expect(r(new Uint8Array([0x4d, 0x5a, 0x90, 0, 3]))).toBe('not an ELF image (it starts with 4d 5a 90 00, not 7f 45 4c 46)');
    expect(r(edit((b) => { b[4] = 2; }))).toBe('xenjit runs 32-bit PV guests; this is a 64-bit kernel');
    expect(r(edit((b) => { b[4] = 3; }))).toBe('unknown ELF class 3 (expected 1, 32-bit)');
    expect(r(edit((b) => { b[5] = 2; }))).toBe('big-endian ELF image; xenjit runs little-endian i386 kernels');
    expect(r(edit((b) => { b[5] = 0; }))).toBe('unknown ELF data encoding 0 (expected 1, little-endian)');
    expect(r(edit((_b, v) => { v.setUint16(18, 62, true); }))).toBe('not an i386 kernel: e_machine is 62 (x86-64); xenjit runs 32-bit x86 PV guests');
    expect(r(edit((_b, v) => { v.setUint16(18, 40, true); }))).toBe('not an i386 kernel: e_machine is 40 (ARM); xenjit runs 32-bit x86 PV guests');
    expect(r(edit((_b, v) => { v.setUint16(18, 999, true); }))).toBe('not an i386 kernel: e_machine is 999 (machine 999); xenjit runs 32-bit x86 PV guests');
  });

  it('of an image with no Xen notes and no __xen_guest section', () => {
    expect(refuse({ notes: undefined })).toBe('not a Xen PV kernel: no Xen ELF notes and no __xen_guest section');
    expect(refuse({ notes: standardNotes().map((n) => ({ ...n, owner: 'Xeo' })) })).toBe('not a Xen PV kernel: no Xen ELF notes and no __xen_guest section');
  });

  it('of guests Xen will not load: neither generic loader nor Linux, or not for Xen 3.0', () => {
    expect(refuse({ notes: [...notesWithout([N.LOADER, N.GUEST_OS]), strNote(N.GUEST_OS, 'Plan9')] }))
      .toBe('Xen loads only images for the generic loader or Linux; this one has LOADER "" and GUEST_OS "Plan9" (ELF notes)');
    expect(load({ notes: [...notesWithout([N.GUEST_OS]), strNote(N.GUEST_OS, 'Mini-OS')] }).guestOs).toBe('Mini-OS'); // the generic loader
    expect(load({ notes: [...notesWithout([N.LOADER])] }).loader).toBe(''); // Linux
    expect(refuse({ notes: [...notesWithout([N.XEN_VERSION]), strNote(N.XEN_VERSION, 'xen-2.0')] }))
      .toBe('Xen loads only images built for Xen v3.0 interfaces; this one has XEN_VERSION "xen-2.0" (ELF notes)');
    expect(refuse({ notes: notesWithout([N.XEN_VERSION]) })).toBe('Xen loads only images built for Xen v3.0 interfaces; this one has XEN_VERSION "" (ELF notes)');
  });

  it('of images with nothing to load', () => {
    expect(refuse({ segments: [] })).toBe('no loadable PT_LOAD segment: the image has nothing to load');
    expect(refuse({ segments: [{ type: PT_NOTE, vaddr: 0, data: new Uint8Array(4) }] })).toBe('no loadable PT_LOAD segment: the image has nothing to load');
    const flagless = [{ ...standardSegments()[0] }, { ...standardSegments()[1], flags: 0 }];
    const img = load({ segments: flagless });
    expect(img.segments.length).toBe(1);
    expect(img.warnings).toEqual(['PT_LOAD segment 1 has no R/W/X flags and is not loaded, as Xen does']);
  });

  it('of malformed or absurd segments', () => {
    const [text, data] = standardSegments();
    expect(refuse(linear([text, { ...data, paddr: TEXT_PA + 0x1000 }])))
      .toBe('PT_LOAD segments 0 (0xc0100000-0xc0102000) and 1 (0xc0101000-0xc0102000) overlap');
    expect(refuse(linear([text, { ...data, memsz: 0x80 }]))).toBe('PT_LOAD segment 1: p_filesz 0x100 is larger than p_memsz 0x80');
    const past = kernel();
    past.view.setUint32(past.phoff + 4, past.bytes.length - 0x100, true);
    expect(refusal(() => loadKernelImage(past.bytes))).toBe(`PT_LOAD segment 0: file bytes 0x${(past.bytes.length - 0x100).toString(16)}-0x${(past.bytes.length + 0x1f00).toString(16)} run past the end of the file (${past.bytes.length} bytes)`);
    expect(refuse(linear([text, { ...data, memsz: 0x50000000 }]))).toBe('PT_LOAD segment 1: p_memsz 0x50000000 is absurd for a kernel (over 1024 MiB)');
    expect(refuse(linear([text, { ...data, paddr: 0xfffff000, memsz: 0x2000 }]))).toBe('PT_LOAD segment 1: p_paddr 0xfffff000 + p_memsz 0x2000 wraps past 4 GiB');
    const far = { notes: [...notesWithout([N.VIRT_BASE, N.ENTRY, N.HYPERCALL_PAGE]), numNote(N.ENTRY, TEXT_PA)] };
    expect(refuse({ ...far, segments: [text, { ...data, paddr: 0x60000000 }].map((s) => ({ ...s, vaddr: s.paddr! })) }))
      .toBe('the kernel spans 0x5ff01000 bytes (0x100000-0x60001000); that is absurd for a kernel (over 1024 MiB)');
    expect(refuse(linear([text, { ...data, paddr: 0x35800000 }]))).toBe('the kernel 0xc0100000-0xf5801000 overlaps the Xen hypervisor hole at 0xf5800000');
  });

  it('of entry points and bases out of bounds, as libelf checks them', () => {
    expect(refuse({ notes: [...notesWithout([N.ENTRY]), numNote(N.ENTRY, 0xc0000000)] }))
      .toBe('ELF start or entry out of bounds: kernel 0xc0100000-0xc0103000, entry 0xc0000000, VIRT_BASE 0xc0000000 (Xen refuses this)');
    expect(refuse({ notes: [...notesWithout([N.ENTRY]), numNote(N.ENTRY, DATA_VA + 0x1001)] }))
      .toBe('ELF start or entry out of bounds: kernel 0xc0100000-0xc0103000, entry 0xc0103001, VIRT_BASE 0xc0000000 (Xen refuses this)');
    expect(refuse({ notes: [...notesWithout([N.VIRT_BASE]), numNote(N.VIRT_BASE, 0xc0200000), numNote(N.PADDR_OFFSET, 0xc0200000 - 0xc0000000)] }))
      .toBe('ELF start or entry out of bounds: kernel 0xc0100000-0xc0103000, entry 0xc0100010, VIRT_BASE 0xc0200000 (Xen refuses this)');
    expect(refuse({ notes: [...standardNotes(), numNote(N.INIT_P2M, DATA_VA)] }))
      .toBe('INIT_P2M address 0xc0102000 lies inside the kernel 0xc0100000-0xc0103000');
    expect(load({ notes: [...standardNotes(), numNote(N.INIT_P2M, DATA_VA + 0x1000)] }).p2mBase).toBe(DATA_VA + 0x1000);
  });

  it('of a hypercall page outside the kernel; an unaligned one is rounded down with a warning', () => {
    expect(refuse({ notes: [...notesWithout([N.HYPERCALL_PAGE]), numNote(N.HYPERCALL_PAGE, DATA_VA + 0x1000)] }))
      .toBe('HYPERCALL_PAGE 0xc0103000 lies outside the kernel 0xc0100000-0xc0103000');
    const img = load({ notes: [...notesWithout([N.HYPERCALL_PAGE]), numNote(N.HYPERCALL_PAGE, 0xc0101234)] });
    expect(img.hypercallPage).toBe(0xc0101000);
    expect(img.warnings).toEqual(['HYPERCALL_PAGE 0xc0101234 is not page aligned; the page at 0xc0101000 is used']);
  });
});

describe('imageBytesForLoad', () => {
  it('gives each segment its file bytes then zeros up to memsz', () => {
    const img = load({});
    const chunks = imageBytesForLoad(img);
    expect(chunks.map((c) => [c.vaddr, c.data.length, c.filesz])).toEqual([[TEXT_VA, 0x2000, 0x2000], [DATA_VA, 0x1000, 0x100]]);
    expect(chunks[0].data).toEqual(textBytes());
    expect(chunks[1].data.subarray(0, 0x100)).toEqual(dataBytes());
    expect(chunks[1].data.subarray(0x100).every((b) => b === 0)).toBe(true);
  });

  it('refuses bytes that are not the parsed ELF (such as the gzip file itself)', () => {
    const gz = new Uint8Array(gzipSync(kernel().bytes));
    const img = loadKernelImage(gz);
    expect(imageBytesForLoad(img)[0].data).toEqual(textBytes());
    expect(() => imageBytesForLoad(img, gz)).toThrow(ImageError);
    expect(refusal(() => imageBytesForLoad(img, gz))).toBe('imageBytesForLoad: these bytes are not the ELF image this KernelImage was parsed from (pass img.loadBytes)');
  });

  it('warns about, but loads, an image that is not ET_EXEC', () => {
    const img = loadKernelImage(buildElf({ type: 3, entry: ENTRY, segments: standardSegments(), notes: standardNotes(), noteIn: 'segment' }).bytes);
    expect(img.warnings).toEqual(['e_type is 3, not ET_EXEC (2); loaded as an executable anyway']);
  });
});
