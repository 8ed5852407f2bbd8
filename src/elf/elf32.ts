// ELF32 little-endian parsing for i386 kernel images (System V ABI, "ELF Object File Format"
// chapter, and the Intel386 supplement). Everything read from the file is bounds-checked here:
// a malformed image surfaces as an ImageError with a one-line message, never as a RangeError from
// a DataView or a typed-array index.
import { Buffer } from 'node:buffer';

/** A kernel image that cannot be loaded; the message is one line meant for the user. */
export class ImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageError';
  }
}

// e_ident indices and values (ELF spec, "ELF Identification").
export const EI_CLASS = 4, EI_DATA = 5;
export const ELFCLASS32 = 1, ELFCLASS64 = 2;
export const ELFDATA2LSB = 1, ELFDATA2MSB = 2;
export const ET_REL = 1, ET_EXEC = 2, ET_DYN = 3;
export const EM_386 = 3;
// Program header types and flags.
export const PT_NULL = 0, PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_NOTE = 4, PT_PHDR = 6;
export const PF_X = 1, PF_W = 2, PF_R = 4;
// Section header types and special indices.
export const SHT_NULL = 0, SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_NOTE = 7, SHT_NOBITS = 8;
export const SHN_UNDEF = 0, SHN_LORESERVE = 0xff00, SHN_ABS = 0xfff1, SHN_COMMON = 0xfff2, SHN_XINDEX = 0xffff;
/** e_phnum value meaning "the real count is in section 0's sh_info" (extended numbering). */
export const PN_XNUM = 0xffff;

export const EHDR_SIZE = 52, PHDR_SIZE = 32, SHDR_SIZE = 40, SYM_SIZE = 16;

const MACHINE_NAMES: Record<number, string> = {
  2: 'SPARC', 3: 'i386', 8: 'MIPS', 20: 'PowerPC', 21: 'PowerPC64', 40: 'ARM', 50: 'IA-64',
  62: 'x86-64', 183: 'AArch64', 243: 'RISC-V',
};
export const machineName = (m: number): string => MACHINE_NAMES[m] ?? `machine ${m}`;

export const hex = (v: number | bigint): string => `0x${v.toString(16)}`;

export interface ElfHeader {
  type: number;
  machine: number;
  version: number;
  entry: number;
  phoff: number;
  shoff: number;
  flags: number;
  ehsize: number;
  phentsize: number;
  /** Program header count after resolving PN_XNUM. */
  phnum: number;
  shentsize: number;
  /** Section header count after resolving extended numbering. */
  shnum: number;
  shstrndx: number;
}

export interface ProgramHeader {
  index: number;
  type: number;
  offset: number;
  vaddr: number;
  paddr: number;
  filesz: number;
  memsz: number;
  flags: number;
  align: number;
}

export interface SectionHeader {
  index: number;
  /** '' when the section name string table is missing or the name is out of range. */
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
}

export type SymbolType = 'notype' | 'object' | 'func' | 'common' | 'tls' | 'other';
export type SymbolBind = 'local' | 'global' | 'weak' | 'other';

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  type: SymbolType;
  bind: SymbolBind;
}

export interface Elf32 {
  bytes: Uint8Array;
  header: ElfHeader;
  programHeaders: ProgramHeader[];
  sections: SectionHeader[];
  /** Named symbols defined in a section of .symtab (not section, file or absolute symbols),
   *  sorted by value then name. */
  symbols: ElfSymbol[];
  /** Things that were tolerated (a bad symbol table, an unreadable section name...). */
  warnings: string[];
}

/** Bounds-checked little-endian reads from the image. */
export class ByteReader {
  readonly view: DataView;
  /** The same bytes as a Buffer, for decoding strings natively without a view per string. */
  private readonly buf: Buffer;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get length(): number { return this.bytes.length; }
  /** True when [off, off + size) lies inside the file. */
  has(off: number, size: number): boolean {
    return Number.isSafeInteger(off) && Number.isSafeInteger(size) && off >= 0 && size >= 0 && off + size <= this.bytes.length;
  }
  private check(off: number, size: number, what: string): void {
    if (!this.has(off, size)) {
      throw new ImageError(`${what} at file offset ${hex(off)} (${size} bytes) runs past the end of the file (${this.bytes.length} bytes)`);
    }
  }
  u8(off: number, what = 'byte'): number { this.check(off, 1, what); return this.bytes[off]; }
  u16(off: number, what = 'field'): number { this.check(off, 2, what); return this.view.getUint16(off, true); }
  u32(off: number, what = 'field'): number { this.check(off, 4, what); return this.view.getUint32(off, true); }
  u64(off: number, what = 'field'): bigint { this.check(off, 8, what); return this.view.getBigUint64(off, true); }
  slice(off: number, size: number, what: string): Uint8Array { this.check(off, size, what); return this.bytes.subarray(off, off + size); }
  /** NUL-terminated string starting at `off`, never reading at or past `end` (clipped to the file).
   *  Returns undefined when no NUL is found before `end`. */
  cstr(off: number, end = this.bytes.length): string | undefined {
    const stop = Math.min(end, this.bytes.length);
    if (!Number.isSafeInteger(off) || off < 0) return undefined;
    for (let i = off; i < stop; i++) if (this.bytes[i] === 0) return this.buf.toString('latin1', off, i);
    return undefined;
  }
}

/** Bytes to a string one character per byte: names in ELF files are ASCII, and anything else
 *  should still show up (escaped by whoever prints it) rather than be lost to UTF-8 decoding. */
export function latin1(b: Uint8Array): string {
  // Node's native decoder (ISO-8859-1: byte n is U+00nn): a kernel's ~50 000 symbol names took
  // 150 ms when each was spread into String.fromCharCode.
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

/** Check e_ident and e_machine, throwing the refusal a user should see. Gzip has been undone
 *  by the caller (image.ts); this sees raw ELF bytes. */
export function checkIdent(bytes: Uint8Array): void {
  if (bytes.length === 0) throw new ImageError('not an ELF image: the file is empty');
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new ImageError(`not an ELF image (it starts with ${head}, not 7f 45 4c 46)`);
  }
  if (bytes.length < 16) throw new ImageError(`truncated ELF header: the file is ${bytes.length} bytes long`);
  const cls = bytes[EI_CLASS];
  if (cls === ELFCLASS64) throw new ImageError('xenjit runs 32-bit PV guests; this is a 64-bit kernel');
  if (cls !== ELFCLASS32) throw new ImageError(`unknown ELF class ${cls} (expected 1, 32-bit)`);
  const data = bytes[EI_DATA];
  if (data === ELFDATA2MSB) throw new ImageError('big-endian ELF image; xenjit runs little-endian i386 kernels');
  if (data !== ELFDATA2LSB) throw new ImageError(`unknown ELF data encoding ${data} (expected 1, little-endian)`);
  if (bytes.length < EHDR_SIZE) throw new ImageError(`truncated ELF header: the file is ${bytes.length} bytes long, the header needs ${EHDR_SIZE}`);
  const machine = bytes[18] | (bytes[19] << 8);
  if (machine !== EM_386) {
    throw new ImageError(`not an i386 kernel: e_machine is ${machine} (${machineName(machine)}); xenjit runs 32-bit x86 PV guests`);
  }
}

/** Parse the headers, section table and symbol table of an ELF32 LSB i386 image. */
export function parseElf32(bytes: Uint8Array): Elf32 {
  checkIdent(bytes);
  const r = new ByteReader(bytes);
  const warnings: string[] = [];
  const header: ElfHeader = {
    type: r.u16(16), machine: r.u16(18), version: r.u32(20), entry: r.u32(24), phoff: r.u32(28),
    shoff: r.u32(32), flags: r.u32(36), ehsize: r.u16(40), phentsize: r.u16(42), phnum: r.u16(44),
    shentsize: r.u16(46), shnum: r.u16(48), shstrndx: r.u16(50),
  };

  // Section header table. Like libelf's elf_init we refuse a table that does not fit in the
  // file rather than read part of it. Extended numbering (ELF spec, "Sections"): e_shnum 0 with a
  // non-zero e_shoff means the count is in section 0's sh_size; e_shstrndx SHN_XINDEX means
  // the index is in its sh_link; e_phnum PN_XNUM means the program header count is in its sh_info.
  const sections: SectionHeader[] = [];
  if (header.shoff !== 0) {
    if (header.shentsize < SHDR_SIZE) {
      throw new ImageError(`section header entries are ${header.shentsize} bytes; ELF32 needs at least ${SHDR_SIZE}`);
    }
    if (!r.has(header.shoff, SHDR_SIZE)) {
      throw new ImageError(`section header table at ${hex(header.shoff)} lies outside the file (${bytes.length} bytes)`);
    }
    if (header.shnum === 0) header.shnum = r.u32(header.shoff + 20);
    if (header.shstrndx === SHN_XINDEX) header.shstrndx = r.u32(header.shoff + 24);
    if (header.phnum === PN_XNUM) header.phnum = r.u32(header.shoff + 28);
    if (!r.has(header.shoff, header.shnum * header.shentsize)) {
      throw new ImageError(`section header table (${header.shnum} entries of ${header.shentsize} bytes at ${hex(header.shoff)}) runs past the end of the file (${bytes.length} bytes)`);
    }
  } else {
    header.shnum = 0;
  }

  const programHeaders: ProgramHeader[] = [];
  if (header.phnum > 0) {
    if (header.phentsize < PHDR_SIZE) {
      throw new ImageError(`program header entries are ${header.phentsize} bytes; ELF32 needs at least ${PHDR_SIZE}`);
    }
    if (!r.has(header.phoff, header.phnum * header.phentsize)) {
      throw new ImageError(`program header table (${header.phnum} entries of ${header.phentsize} bytes at ${hex(header.phoff)}) runs past the end of the file (${bytes.length} bytes)`);
    }
    for (let i = 0; i < header.phnum; i++) {
      const o = header.phoff + i * header.phentsize;
      programHeaders.push({
        index: i, type: r.u32(o), offset: r.u32(o + 4), vaddr: r.u32(o + 8), paddr: r.u32(o + 12),
        filesz: r.u32(o + 16), memsz: r.u32(o + 20), flags: r.u32(o + 24), align: r.u32(o + 28),
      });
    }
  }

  for (let i = 0; i < header.shnum; i++) {
    const o = header.shoff + i * header.shentsize;
    sections.push({
      index: i, name: '', type: r.u32(o + 4), flags: r.u32(o + 8), addr: r.u32(o + 12), offset: r.u32(o + 16),
      size: r.u32(o + 20), link: r.u32(o + 24), info: r.u32(o + 28), addralign: r.u32(o + 32), entsize: r.u32(o + 36),
    });
  }
  // Section names come from the string table e_shstrndx names (offsets from sh_name).
  if (sections.length > 0 && header.shstrndx !== SHN_UNDEF) {
    const strtab = sections[header.shstrndx];
    if (!strtab) {
      warnings.push(`e_shstrndx ${header.shstrndx} names no section (there are ${sections.length}); section names are unknown`);
    } else if (strtab.type === SHT_NOBITS || !r.has(strtab.offset, strtab.size)) {
      warnings.push(`the section name table (section ${strtab.index}) lies outside the file; section names are unknown`);
    } else {
      const end = strtab.offset + strtab.size;
      for (const s of sections) {
        const nameOff = r.u32(header.shoff + s.index * header.shentsize);
        const name = nameOff < strtab.size ? r.cstr(strtab.offset + nameOff, end) : undefined;
        if (name === undefined) warnings.push(`section ${s.index}: name offset ${hex(nameOff)} is outside the section name table`);
        else s.name = name;
      }
    }
  }

  const symbols = readSymbols(r, sections, warnings);
  return { bytes, header, programHeaders, sections, symbols, warnings };
}

const SYM_TYPES: SymbolType[] = ['notype', 'object', 'func', 'other', 'other', 'common', 'tls'];
const SYM_BINDS: SymbolBind[] = ['local', 'global', 'weak'];

/** Read the first SHT_SYMTAB section with its linked string table (ELF spec, "Symbol Table").
 *  Symbols matter only for profiling, so any problem with them is a warning, not a refusal. */
function readSymbols(r: ByteReader, sections: SectionHeader[], warnings: string[]): ElfSymbol[] {
  const symtab = sections.find((s) => s.type === SHT_SYMTAB);
  if (!symtab) return [];
  const strtab = sections[symtab.link];
  if (!strtab || symtab.link === SHN_UNDEF || strtab.type !== SHT_STRTAB) {
    warnings.push(`symbol table (section ${symtab.index}) links to section ${symtab.link}, which is not a string table; no symbols`);
    return [];
  }
  if (!r.has(symtab.offset, symtab.size) || !r.has(strtab.offset, strtab.size)) {
    warnings.push(`symbol table (section ${symtab.index}) or its string table lies outside the file; no symbols`);
    return [];
  }
  const entsize = symtab.entsize || SYM_SIZE;
  if (entsize < SYM_SIZE) {
    warnings.push(`symbol table entries are ${entsize} bytes; ELF32 needs ${SYM_SIZE}; no symbols`);
    return [];
  }
  const out: ElfSymbol[] = [];
  const count = Math.floor(symtab.size / entsize);
  const strEnd = strtab.offset + strtab.size;
  let badNames = 0;
  for (let i = 1; i < count; i++) { // entry 0 is the reserved undefined symbol
    const o = symtab.offset + i * entsize;
    const nameOff = r.u32(o), value = r.u32(o + 4), size = r.u32(o + 8), info = r.u8(o + 12), shndx = r.u16(o + 14);
    const stt = info & 0xf;
    // Section and file symbols name no code or data; undefined ones have no address, and
    // absolute ones (linker constants such as Linux's phys_startup_32) are not places in the image.
    if (stt === 3 || stt === 4 || shndx === SHN_UNDEF || shndx === SHN_ABS || nameOff === 0) continue;
    const name = nameOff < strtab.size ? r.cstr(strtab.offset + nameOff, strEnd) : undefined;
    if (name === undefined) { badNames++; continue; }
    if (name === '') continue;
    out.push({ name, value, size, type: SYM_TYPES[stt] ?? 'other', bind: SYM_BINDS[info >> 4] ?? 'other' });
  }
  if (badNames > 0) warnings.push(`${badNames} symbol(s) with names outside the string table were skipped`);
  out.sort((a, b) => a.value - b.value || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}

/** The symbol covering `addr`: the last one at or below it, if addr lies within its size (or it
 *  has no size and is the nearest label below). For profiles and crash dumps. */
export function symbolAt(symbols: readonly ElfSymbol[], addr: number): { symbol: ElfSymbol; offset: number } | undefined {
  const a = addr >>> 0;
  let lo = 0, hi = symbols.length - 1, best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (symbols[mid].value <= a) { best = mid; lo = mid + 1; } else hi = mid - 1;
  }
  if (best < 0) return undefined;
  // Several symbols may share an address: prefer a sized one that covers addr, then a label.
  let label: ElfSymbol | undefined;
  for (let i = best; i >= 0 && symbols[i].value === symbols[best].value; i--) {
    const s = symbols[i];
    if (s.size > 0 && a - s.value < s.size) return { symbol: s, offset: a - s.value };
    if (s.size === 0) label ??= s;
  }
  return label ? { symbol: label, offset: a - label.value } : undefined;
}
