// The PV kernel image loader: from the bytes of a kernel file (ELF, gzip-compressed ELF, or a
// Linux bzImage carrying a gzip-compressed ELF, the forms Xen's domain builder accepts) to what
// the domain builder needs. Where the loaded kernel goes follows Xen's libelf:
//  - elf_parse_binary: pstart/pend are the lowest p_paddr and the highest p_paddr + p_memsz of
//    the loadable segments (PT_LOAD with at least one of R, W, X);
//  - elf_xen_addr_calc_check: VIRT_BASE defaults to 0; PADDR_OFFSET defaults to 0 when the
//    information came from ELF notes and to VIRT_BASE when it came from the legacy __xen_guest
//    string (old kernels put virtual addresses in p_paddr); PADDR_OFFSET without VIRT_BASE is an
//    error; virt_offset = VIRT_BASE - PADDR_OFFSET, each segment loads at p_paddr + virt_offset,
//    virt_kstart = pstart + virt_offset and virt_kend = pend + virt_offset (extended over the
//    BSD symbol table when BSD_SYMTAB asks for one); ENTRY defaults to e_entry; the image is
//    refused unless virt_kstart <= entry <= virt_kend and VIRT_BASE <= virt_kstart, or when an
//    INIT_P2M address falls inside the kernel;
//  - elf_xen_note_check: refused without notes or __xen_guest, unless LOADER starts with
//    "generic" or GUEST_OS with "linux", and unless XEN_VERSION starts with "xen-3.0".
// Address arithmetic is done in 64 bits as libelf does, then required to fit a 32-bit guest.
import { inflateRawSync, crc32 } from 'node:zlib';
import type { Elf32, ElfSymbol, SectionHeader } from './elf32.ts';
import { ImageError, parseElf32, PT_LOAD, PF_R, PF_W, PF_X, SHT_STRTAB, SHT_SYMTAB, EHDR_SIZE, SHDR_SIZE, ET_EXEC, hex } from './elf32.ts';
import type { PaeMode, XenFeatures, XenNote } from './xen-notes.ts';
import { parseXenInfo } from './xen-notes.ts';

export { ImageError } from './elf32.ts';
export type { PaeMode, XenFeatures, XenNote } from './xen-notes.ts';
export type { ElfSymbol } from './elf32.ts';

export const PAGE_SIZE = 4096;
/** Largest decompressed image accepted (a gzip bomb stops here, not in an out-of-memory). */
export const MAX_DECOMPRESSED = 256 << 20;
/** Largest span of guest virtual memory a kernel image may occupy; anything bigger is not a
 *  kernel but a mistake (the whole 32-bit PV kernel area below the hypervisor hole is < 1 GiB). */
export const MAX_KERNEL_SPAN = 1 << 30;
/** Start of the hypervisor hole for 32-bit guests (public/arch-x86/xen-x86_32.h). */
export const HYPERVISOR_VIRT_START_PAE = 0xf5800000;
export const HYPERVISOR_VIRT_START_NONPAE = 0xfc000000;

export interface KernelSegment {
  /** Index of the program header. */
  index: number;
  /** Virtual address the segment is loaded at: p_paddr + VIRT_BASE - PADDR_OFFSET (libelf). */
  vaddr: number;
  /** p_vaddr as written in the program header (informational; Xen places segments by p_paddr). */
  elfVaddr: number;
  paddr: number;
  fileOffset: number;
  filesz: number;
  memsz: number;
  /** PF_R | PF_W | PF_X bits. */
  flags: number;
}

export interface KernelImage {
  /** Virtual entry point: the ENTRY note (or legacy VIRT_ENTRY) if present, else e_entry. */
  entry: number;
  /** e_entry from the ELF header. */
  elfEntry: number;
  virtBase: number;
  paddrOffset: number;
  /** Virtual address of the page Xen fills with hypercall stubs, if the kernel asks for one. */
  hypercallPage?: number;
  paeMode: PaeMode;
  features: XenFeatures;
  guestOs: string;
  guestVersion: string;
  xenVersion: string;
  loader: string;
  /** HV_START_LOW: the lowest address the kernel accepts for the hypervisor hole. */
  hvStartLow?: number;
  /** INIT_P2M: where the kernel wants the initial P2M list mapped. */
  p2mBase?: number;
  /** PHYS32_ENTRY (used by Xen only for PVH; recorded for `info`). */
  phys32Entry?: number;
  suspendCancel: boolean;
  /** MOD_START_PFN: the kernel accepts a module not mapped by the initial page tables. */
  unmappedInitrd: boolean;
  /** BSD_SYMTAB: the symbol table is to be loaded after the kernel (see bsdSymtab). */
  bsdSymtabRequested: boolean;
  /** Where the BSD symbol table block goes, when requested and the image has a symbol table. */
  bsdSymtab?: { vaddr: number; size: number };
  segments: KernelSegment[];
  /** First and past-the-last virtual address of the kernel, page aligned (start rounded down,
   *  end rounded up, as the domain builder allocates whole pages for the kernel). */
  virtKernelStart: number;
  virtKernelEnd: number;
  /** The same before alignment: libelf's virt_kstart and virt_kend. */
  virtKernelStartExact: number;
  virtKernelEndExact: number;
  symbols: ElfSymbol[];
  notesSource: 'notes' | '__xen_guest';
  /** The PT_NOTE segments or SHT_NOTE sections the notes came from. */
  noteLocations: string[];
  notes: XenNote[];
  /** The legacy string, when notesSource is '__xen_guest'. */
  guestInfo?: string;
  compression?: 'gzip' | 'bzImage+gzip';
  /** Size of the file as given. */
  fileSize: number;
  /** The ELF bytes (the decompressed image when the file was compressed); segment file
   *  offsets refer to these. */
  loadBytes: Uint8Array;
  elf: Elf32;
  warnings: string[];
}

export interface LoadOptions {
  /** Cap on the size of a decompressed image (default MAX_DECOMPRESSED). */
  maxDecompressedBytes?: number;
}

export interface LoadChunk {
  vaddr: number;
  /** memsz bytes: the file bytes, then zeros (the bss). */
  data: Uint8Array;
  /** How many of data's bytes came from the file. */
  filesz: number;
}

const MASK64 = (1n << 64n) - 1n;
const U32 = 1n << 32n;

/** Undo the compression Xen's domain builder undoes (xc_dom_try_gunzip, the bzImage loader). */
function decompress(bytes: Uint8Array, warnings: string[], cap: number): { elf: Uint8Array; compression?: KernelImage['compression'] } {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    return { elf: gunzip(bytes, 'gzip-compressed image', warnings, cap), compression: 'gzip' };
  }
  const bz = bzImagePayload(bytes);
  if (bz) {
    if (bz.length >= 2 && bz[0] === 0x1f && bz[1] === 0x8b) {
      return { elf: gunzip(bz, 'bzImage payload', warnings, cap), compression: 'bzImage+gzip' };
    }
    throw new ImageError(`bzImage payload is ${compressionName(bz)}-compressed; xenjit reads gzip payloads only (decompress the vmlinux yourself and pass the ELF)`);
  }
  return { elf: bytes };
}

function compressionName(b: Uint8Array): string {
  const starts = (...m: number[]): boolean => m.every((x, i) => b[i] === x);
  if (starts(0x42, 0x5a, 0x68)) return 'bzip2';
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'xz';
  if (starts(0x5d, 0x00, 0x00)) return 'lzma';
  if (starts(0x89, 0x4c, 0x5a, 0x4f)) return 'lzo';
  if (starts(0x02, 0x21, 0x4c, 0x18)) return 'lz4';
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return 'zstd';
  return 'unknown';
}

/** The compressed payload of a Linux bzImage (Documentation/arch/x86/boot.rst: "HdrS" at 0x202,
 *  protocol >= 2.08 for payload_offset/payload_length at 0x248/0x24c, the protected-mode part
 *  starting after (setup_sects + 1) * 512 bytes), or undefined when this is no bzImage. */
function bzImagePayload(b: Uint8Array): Uint8Array | undefined {
  if (b.length < 0x250 || b[0x202] !== 0x48 || b[0x203] !== 0x64 || b[0x204] !== 0x72 || b[0x205] !== 0x53) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const version = v.getUint16(0x206, true);
  if (version < 0x208) throw new ImageError(`bzImage boot protocol ${version >> 8}.${(version & 0xff).toString().padStart(2, '0')} has no payload fields (2.08 or later needed)`);
  const setupSects = b[0x1f1] || 4;
  const start = (setupSects + 1) * 512 + v.getUint32(0x248, true), len = v.getUint32(0x24c, true);
  if (start + len > b.length || len === 0) throw new ImageError(`bzImage payload (${len} bytes at ${hex(start)}) lies outside the file (${b.length} bytes)`);
  return b.subarray(start, start + len);
}

/** Gunzip one member (RFC 1952) with a cap on the output. Bytes after the member are ignored,
 *  as zlib's inflate in Xen's loader stops at the end of the stream (a bzImage payload may be
 *  followed by its uncompressed size). */
function gunzip(b: Uint8Array, what: string, warnings: string[], cap: number): Uint8Array {
  if (b.length < 18) throw new ImageError(`${what} is truncated (${b.length} bytes)`);
  if (b[2] !== 8) throw new ImageError(`${what} uses compression method ${b[2]}, not deflate`);
  const flg = b[3];
  let p = 10;
  const need = (n: number): void => { if (p + n > b.length) throw new ImageError(`${what} has a truncated gzip header`); };
  if (flg & 4) { need(2); const xlen = b[p] | (b[p + 1] << 8); p += 2; need(xlen); p += xlen; }
  for (const bit of [8, 16]) {
    if (flg & bit) { while (p < b.length && b[p] !== 0) p++; need(1); p++; }
  }
  if (flg & 2) { need(2); p += 2; }
  let out: Buffer, used: number;
  try {
    const res = inflateRawSync(b.subarray(p), { maxOutputLength: cap, info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    out = res.buffer;
    used = res.engine.bytesWritten;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE') throw new ImageError(`${what} expands to more than ${cap >= 1 << 20 ? `${cap / (1 << 20)} MiB` : `${cap} bytes`}`);
    throw new ImageError(`${what} is corrupt: ${err.message}`);
  }
  const t = p + used;
  if (t + 8 > b.length) throw new ImageError(`${what} is truncated: the gzip trailer is missing`);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (dv.getUint32(t, true) !== crc32(out)) throw new ImageError(`${what} is corrupt: CRC-32 mismatch`);
  if (dv.getUint32(t + 4, true) !== out.length % 2 ** 32) throw new ImageError(`${what} is corrupt: length mismatch`);
  if (t + 8 < b.length) warnings.push(`${b.length - t - 8} byte(s) after the end of the gzip stream ignored`);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

const pageDown = (x: bigint): bigint => x & ~BigInt(PAGE_SIZE - 1);
const pageUp = (x: bigint): bigint => (x + BigInt(PAGE_SIZE - 1)) & ~BigInt(PAGE_SIZE - 1);
const round4 = (x: bigint): bigint => (x + 3n) & ~3n;
const bhex = (v: bigint): string => `0x${v.toString(16)}`;

/** Parse and check a PV kernel image. Throws ImageError for anything Xen would refuse to load
 *  and for images that are malformed; tolerated oddities are listed in `warnings`. */
export function loadKernelImage(bytes: Uint8Array, options: LoadOptions = {}): KernelImage {
  const warnings: string[] = [];
  const { elf: elfBytes, compression } = decompress(bytes, warnings, options.maxDecompressedBytes ?? MAX_DECOMPRESSED);
  const elf = parseElf32(elfBytes);
  warnings.push(...elf.warnings);
  if (elf.header.type !== ET_EXEC) warnings.push(`e_type is ${elf.header.type}, not ET_EXEC (2); loaded as an executable anyway`);

  // Loadable segments, as libelf's elf_phdr_is_loadable decides.
  const loads = [];
  for (const ph of elf.programHeaders) {
    if (ph.type !== PT_LOAD) continue;
    if ((ph.flags & (PF_R | PF_W | PF_X)) === 0) {
      warnings.push(`PT_LOAD segment ${ph.index} has no R/W/X flags and is not loaded, as Xen does`);
      continue;
    }
    if (ph.filesz > ph.memsz) throw new ImageError(`PT_LOAD segment ${ph.index}: p_filesz ${hex(ph.filesz)} is larger than p_memsz ${hex(ph.memsz)}`);
    if (ph.offset + ph.filesz > elfBytes.length) {
      throw new ImageError(`PT_LOAD segment ${ph.index}: file bytes ${hex(ph.offset)}-${hex(ph.offset + ph.filesz)} run past the end of the file (${elfBytes.length} bytes)`);
    }
    if (ph.memsz > MAX_KERNEL_SPAN) throw new ImageError(`PT_LOAD segment ${ph.index}: p_memsz ${hex(ph.memsz)} is absurd for a kernel (over ${MAX_KERNEL_SPAN >> 20} MiB)`);
    if (ph.paddr + ph.memsz > 2 ** 32) throw new ImageError(`PT_LOAD segment ${ph.index}: p_paddr ${hex(ph.paddr)} + p_memsz ${hex(ph.memsz)} wraps past 4 GiB`);
    loads.push(ph);
  }
  if (loads.length === 0) throw new ImageError('no loadable PT_LOAD segment: the image has nothing to load');
  const pstart = BigInt(loads.reduce((m, s) => Math.min(m, s.paddr), Infinity));
  const pend = BigInt(loads.reduce((m, s) => Math.max(m, s.paddr + s.memsz), 0));

  const xen = parseXenInfo(elf);
  warnings.push(...xen.warnings);

  // elf_xen_note_check.
  if (xen.source === 'none') throw new ImageError('not a Xen PV kernel: no Xen ELF notes and no __xen_guest section');
  const from = xen.source === 'notes' ? 'ELF notes' : '__xen_guest';
  if (!xen.loader.startsWith('generic') && !xen.guestOs.startsWith('linux')) {
    throw new ImageError(`Xen loads only images for the generic loader or Linux; this one has LOADER ${JSON.stringify(xen.loader)} and GUEST_OS ${JSON.stringify(xen.guestOs)} (${from})`);
  }
  if (!xen.xenVersion.startsWith('xen-3.0')) {
    throw new ImageError(`Xen loads only images built for Xen v3.0 interfaces; this one has XEN_VERSION ${JSON.stringify(xen.xenVersion)} (${from})`);
  }

  // elf_xen_addr_calc_check.
  if (xen.paddrOffset !== undefined && xen.virtBase === undefined) {
    throw new ImageError(`PADDR_OFFSET is set but VIRT_BASE is not (${from}); Xen refuses this`);
  }
  const virtBase = xen.virtBase ?? 0n;
  // Notes: default 0. Legacy string: default VIRT_BASE, because kernels of that era wrote
  // virtual addresses into p_paddr (the comment in libelf-dominfo.c and elfnote.h say so).
  const paddrOffset = xen.paddrOffset ?? (xen.source === 'notes' ? 0n : virtBase);
  const virtOffset = (virtBase - paddrOffset) & MASK64;
  const kstart = (pstart + virtOffset) & MASK64;
  let kend = (pend + virtOffset) & MASK64;
  const entry = xen.virtEntry ?? BigInt(elf.header.entry);
  if (xen.virtEntry !== undefined && xen.virtEntry !== BigInt(elf.header.entry)) {
    warnings.push(`the ENTRY ${xen.source === 'notes' ? 'note' : 'value'} (${bhex(xen.virtEntry)}) differs from e_entry (${hex(elf.header.entry)}); Xen uses ${bhex(xen.virtEntry)}`);
  }
  let bsd: { start: bigint; end: bigint; symtab: SectionHeader; strtab: SectionHeader } | undefined;
  if (xen.bsdSymtab) {
    bsd = bsdSymtabExtent(elf, pend);
    if (bsd) kend = (bsd.end + virtOffset) & MASK64;
    else warnings.push('BSD_SYMTAB is requested but the image has no usable symbol table; none is loaded');
  }
  if (kstart > kend || entry < kstart || entry > kend || virtBase > kstart) {
    throw new ImageError(`ELF start or entry out of bounds: kernel ${bhex(kstart)}-${bhex(kend)}, entry ${bhex(entry)}, VIRT_BASE ${bhex(virtBase)} (Xen refuses this)`);
  }
  if (xen.p2mBase !== undefined && xen.p2mBase >= kstart && xen.p2mBase < kend) {
    throw new ImageError(`INIT_P2M address ${bhex(xen.p2mBase)} lies inside the kernel ${bhex(kstart)}-${bhex(kend)}`);
  }

  // A 32-bit guest: everything must fit in its 4 GiB, below the hypervisor hole.
  const holeStart = BigInt(xen.paeMode === 'no' ? HYPERVISOR_VIRT_START_NONPAE : HYPERVISOR_VIRT_START_PAE);
  if (kend > holeStart) {
    throw new ImageError(`the kernel ${bhex(kstart)}-${bhex(kend)} overlaps the Xen hypervisor hole at ${bhex(holeStart)}`);
  }
  if (kend - kstart > BigInt(MAX_KERNEL_SPAN)) {
    throw new ImageError(`the kernel spans ${bhex(kend - kstart)} bytes (${bhex(kstart)}-${bhex(kend)}); that is absurd for a kernel (over ${MAX_KERNEL_SPAN >> 20} MiB)`);
  }
  const num = (v: bigint | undefined, what: string): number | undefined => {
    if (v === undefined) return undefined;
    if (v >= U32) throw new ImageError(`${what} ${bhex(v)} does not fit a 32-bit address space`);
    return Number(v);
  };

  const segments: KernelSegment[] = loads.map((ph) => ({
    index: ph.index, vaddr: Number((BigInt(ph.paddr) + virtOffset) & MASK64), elfVaddr: ph.vaddr, paddr: ph.paddr,
    fileOffset: ph.offset, filesz: ph.filesz, memsz: ph.memsz, flags: ph.flags,
  }));
  const byAddr = segments.filter((s) => s.memsz > 0).sort((a, b) => a.vaddr - b.vaddr);
  for (let i = 1; i < byAddr.length; i++) {
    const a = byAddr[i - 1], b = byAddr[i];
    if (a.vaddr + a.memsz > b.vaddr) {
      throw new ImageError(`PT_LOAD segments ${a.index} (${hex(a.vaddr)}-${hex(a.vaddr + a.memsz)}) and ${b.index} (${hex(b.vaddr)}-${hex(b.vaddr + b.memsz)}) overlap`);
    }
  }

  let hypercallPage = num(xen.hypercallPage, 'HYPERCALL_PAGE');
  if (hypercallPage !== undefined) {
    if (BigInt(hypercallPage) < kstart || BigInt(hypercallPage) >= kend) {
      throw new ImageError(`HYPERCALL_PAGE ${hex(hypercallPage)} lies outside the kernel ${bhex(kstart)}-${bhex(kend)}`);
    }
    if (hypercallPage % PAGE_SIZE !== 0) {
      // The domain builder for unprivileged guests (xc_dom) fills the page containing it.
      const page = hypercallPage - (hypercallPage % PAGE_SIZE);
      warnings.push(`HYPERCALL_PAGE ${hex(hypercallPage)} is not page aligned; the page at ${hex(page)} is used`);
      hypercallPage = page;
    }
  }
  if (kstart % BigInt(PAGE_SIZE) !== 0n) warnings.push(`the kernel starts at ${bhex(kstart)}, not on a page boundary; its first page is loaded from ${bhex(pageDown(kstart))}`);

  return {
    entry: Number(entry), elfEntry: elf.header.entry, virtBase: num(virtBase, 'VIRT_BASE')!,
    paddrOffset: num(paddrOffset, 'PADDR_OFFSET')!, hypercallPage, paeMode: xen.paeMode, features: xen.features,
    guestOs: xen.guestOs, guestVersion: xen.guestVersion, xenVersion: xen.xenVersion, loader: xen.loader,
    hvStartLow: num(xen.hvStartLow, 'HV_START_LOW'), p2mBase: num(xen.p2mBase, 'INIT_P2M'),
    phys32Entry: num(xen.phys32Entry, 'PHYS32_ENTRY'), suspendCancel: xen.suspendCancel, unmappedInitrd: xen.unmappedInitrd,
    bsdSymtabRequested: xen.bsdSymtab,
    bsdSymtab: bsd && { vaddr: Number((bsd.start + virtOffset) & MASK64), size: Number(bsd.end - bsd.start) },
    segments, virtKernelStart: Number(pageDown(kstart)), virtKernelEnd: Number(pageUp(kend)),
    virtKernelStartExact: Number(kstart), virtKernelEndExact: Number(kend),
    symbols: elf.symbols, notesSource: xen.source, noteLocations: xen.noteLocations, notes: xen.notes,
    guestInfo: xen.guestInfo, compression, fileSize: bytes.length, loadBytes: elfBytes, elf, warnings,
  };
}

// Size of the block libelf (elf_parse_bsdsyms / elf_load_bsdsyms) puts before the tables: a
// 32-bit size word, an ELF header and three section headers (null, symtab, strtab).
const BSD_HEADER = 4 + EHDR_SIZE + 3 * SHDR_SIZE;

/** Where the BSD symbol table block goes (physical, from pend), or undefined when the image has
 *  no symbol table with a string table linked to it (libelf loads nothing then). */
function bsdSymtabExtent(elf: Elf32, pend: bigint): { start: bigint; end: bigint; symtab: SectionHeader; strtab: SectionHeader } | undefined {
  const symtab = elf.sections.find((s) => s.index > 0 && s.type === SHT_SYMTAB);
  if (!symtab || symtab.link === 0) return undefined;
  const strtab = elf.sections[symtab.link];
  if (!strtab || strtab.type !== SHT_STRTAB) return undefined;
  const start = round4(pend);
  const size = round4(round4(BigInt(BSD_HEADER)) + BigInt(symtab.size)) + BigInt(strtab.size);
  return { start, end: start + round4(size), symtab, strtab };
}

/** The bytes to place in guest memory, segment by segment (file bytes then zeros up to memsz),
 *  plus the BSD symbol table block when the kernel asked for it. `bytes` must be the ELF the
 *  image was parsed from; it defaults to img.loadBytes (the decompressed ELF). */
export function imageBytesForLoad(img: KernelImage, bytes: Uint8Array = img.loadBytes): LoadChunk[] {
  if (bytes !== img.loadBytes && (bytes.length !== img.loadBytes.length || bytes[0] !== 0x7f)) {
    throw new ImageError('imageBytesForLoad: these bytes are not the ELF image this KernelImage was parsed from (pass img.loadBytes)');
  }
  const out: LoadChunk[] = [];
  for (const s of img.segments) {
    const data = new Uint8Array(s.memsz);
    data.set(bytes.subarray(s.fileOffset, s.fileOffset + s.filesz));
    out.push({ vaddr: s.vaddr, data, filesz: s.filesz });
  }
  if (img.bsdSymtab) out.push(bsdSymtabBlock(img, bytes));
  return out;
}

/** The block elf_load_bsdsyms writes after the kernel: at its start a 32-bit size, then an ELF
 *  header (e_shoff = its own size, three section headers, no program headers), section header
 *  0 (null), 1 (the symbol table, sh_link = 2) and 2 (its string table), then the two tables,
 *  each 4-byte aligned, sh_offset counted from the ELF header. The size word counts from the
 *  ELF header to the end of the string table. */
function bsdSymtabBlock(img: KernelImage, bytes: Uint8Array): LoadChunk {
  const elf = img.elf;
  const symtab = elf.sections.find((s) => s.index > 0 && s.type === SHT_SYMTAB)!;
  const strtab = elf.sections[symtab.link];
  if (symtab.offset + symtab.size > bytes.length || strtab.offset + strtab.size > bytes.length) {
    throw new ImageError('the symbol table requested by BSD_SYMTAB lies outside the file');
  }
  const { vaddr, size } = img.bsdSymtab!;
  const block = new Uint8Array(size);
  const v = new DataView(block.buffer);
  const ehdr = 4;
  const symOff = Math.ceil(BSD_HEADER / 4) * 4;
  const strOff = Math.ceil((symOff + symtab.size) / 4) * 4;
  v.setUint32(0, strOff + strtab.size - ehdr, true);
  block.set(bytes.subarray(0, EHDR_SIZE), ehdr);
  v.setUint32(ehdr + 20, 1, true); // e_version = EV_CURRENT
  v.setUint32(ehdr + 28, 0, true); // e_phoff
  v.setUint32(ehdr + 32, EHDR_SIZE, true); // e_shoff
  v.setUint16(ehdr + 40, EHDR_SIZE, true); // e_ehsize
  v.setUint16(ehdr + 42, 0, true); // e_phentsize
  v.setUint16(ehdr + 44, 0, true); // e_phnum
  v.setUint16(ehdr + 46, SHDR_SIZE, true); // e_shentsize
  v.setUint16(ehdr + 48, 3, true); // e_shnum
  v.setUint16(ehdr + 50, 0, true); // e_shstrndx
  const shdr = (i: number, s: SectionHeader, offset: number, link: number): void => {
    const o = ehdr + EHDR_SIZE + i * SHDR_SIZE;
    const vals = [0, s.type, s.flags, s.addr, offset, s.size, link, s.info, s.addralign, s.entsize];
    // sh_name is kept as in the original header (libelf copies the header whole).
    vals[0] = new DataView(bytes.buffer, bytes.byteOffset).getUint32(elf.header.shoff + s.index * elf.header.shentsize, true);
    vals.forEach((x, k) => v.setUint32(o + 4 * k, x >>> 0, true));
  };
  shdr(1, symtab, symOff - ehdr, 2);
  shdr(2, strtab, strOff - ehdr, strtab.link);
  block.set(bytes.subarray(symtab.offset, symtab.offset + symtab.size), symOff);
  block.set(bytes.subarray(strtab.offset, strtab.offset + strtab.size), strOff);
  return { vaddr, data: block, filesz: size };
}
