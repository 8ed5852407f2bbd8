// A small ELF32 writer for the loader tests: each image (and each quirk) is assembled byte by byte
// from a description, following the ELF spec's layouts (Elf32_Ehdr 52 bytes, Elf32_Phdr 32,
// Elf32_Shdr 40, Elf32_Sym 16, notes as namesz/descsz/type + name + desc, 4-byte padded).

export const PT_LOAD = 1, PT_NOTE = 4;
export const SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_NOTE = 7, SHT_NOBITS = 8;
export const PF_X = 1, PF_W = 2, PF_R = 4;
export const STT_NOTYPE = 0, STT_OBJECT = 1, STT_FUNC = 2, STT_SECTION = 3, STT_FILE = 4;
export const STB_LOCAL = 0, STB_GLOBAL = 1, STB_WEAK = 2;
export const SHN_ABS = 0xfff1;

export const N = {
  ENTRY: 1, HYPERCALL_PAGE: 2, VIRT_BASE: 3, PADDR_OFFSET: 4, XEN_VERSION: 5, GUEST_OS: 6, GUEST_VERSION: 7,
  LOADER: 8, PAE_MODE: 9, FEATURES: 10, BSD_SYMTAB: 11, HV_START_LOW: 12, L1_MFN_VALID: 13, SUSPEND_CANCEL: 14,
  INIT_P2M: 15, MOD_START_PFN: 16, SUPPORTED_FEATURES: 17, PHYS32_ENTRY: 18,
} as const;

export const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
export const asciz = (s: string): Uint8Array => ascii(s + '\0');
export function le(size: 1 | 2 | 4 | 8, v: number | bigint): Uint8Array {
  const b = new Uint8Array(size);
  let x = BigInt(v);
  for (let i = 0; i < size; i++) { b[i] = Number(x & 0xffn); x >>= 8n; }
  return b;
}
export const cat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
};

export interface NoteSpec {
  owner?: string;
  type: number;
  desc: Uint8Array;
  /** Override the header fields (to build broken notes); the bytes written stay desc/owner. */
  namesz?: number;
  descsz?: number;
}
export const strNote = (type: number, s: string, owner = 'Xen'): NoteSpec => ({ owner, type, desc: asciz(s) });
export const numNote = (type: number, v: number | bigint, size: 1 | 2 | 4 | 8 = 4, owner = 'Xen'): NoteSpec => ({ owner, type, desc: le(size, v) });

const pad4 = (n: number): number => (n + 3) & ~3;

/** Notes back to back, each name and description padded to 4 bytes. */
export function encodeNotes(notes: NoteSpec[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const n of notes) {
    const name = asciz(n.owner ?? 'Xen');
    const hdr = cat(le(4, n.namesz ?? name.length), le(4, n.descsz ?? n.desc.length), le(4, n.type));
    const nameField = new Uint8Array(pad4(name.length)); nameField.set(name);
    const descField = new Uint8Array(pad4(n.desc.length)); descField.set(n.desc);
    parts.push(hdr, nameField, descField);
  }
  return cat(...parts);
}

export interface SegSpec {
  type?: number;
  vaddr: number;
  paddr?: number;
  data?: Uint8Array;
  filesz?: number;
  memsz?: number;
  flags?: number;
  align?: number;
  /** Override p_offset (the data is still written at its own place). */
  offset?: number;
}
export interface SecSpec {
  name: string;
  type: number;
  data?: Uint8Array;
  /** sh_size override (defaults to data length). */
  size?: number;
  offset?: number;
  addr?: number;
  flags?: number;
  /** Section index, or the name of a section in the same image. */
  link?: number | string;
  info?: number;
  entsize?: number;
}
export interface SymSpec { name: string; value: number; size?: number; type?: number; bind?: number; shndx?: number }

export interface ElfSpec {
  /** e_ident[EI_CLASS], EI_DATA, e_machine, e_type. */
  cls?: number;
  data?: number;
  machine?: number;
  type?: number;
  entry?: number;
  segments?: SegSpec[];
  /** Notes (or raw note bytes) for a PT_NOTE segment and/or a .note.Xen SHT_NOTE section. */
  notes?: NoteSpec[] | Uint8Array;
  noteIn?: 'segment' | 'section' | 'both';
  /** The legacy string, written as a __xen_guest section with a terminating NUL. */
  xenGuest?: string;
  sections?: SecSpec[];
  symbols?: SymSpec[];
  /** Put no section headers at all (e_shoff = 0). */
  noSections?: boolean;
}

export interface BuiltElf {
  bytes: Uint8Array;
  view: DataView;
  phoff: number;
  shoff: number;
  /** File offset of the note bytes, of each segment's data and of each named section's data. */
  notesOffset: number;
  segmentOffsets: number[];
  sectionOffsets: Record<string, number>;
  sectionIndex: Record<string, number>;
}

/** Lay out an ELF32 LSB image: header, program headers, payloads (16-byte aligned), the section
 *  name table, then the section headers. */
export function buildElf(spec: ElfSpec): BuiltElf {
  const segs = [...(spec.segments ?? [])];
  const notes = spec.notes === undefined ? undefined : spec.notes instanceof Uint8Array ? spec.notes : encodeNotes(spec.notes);
  const noteIn = spec.noteIn ?? 'both';
  const secs: SecSpec[] = [...(spec.sections ?? [])];
  if (notes && noteIn !== 'segment') secs.push({ name: '.note.Xen', type: SHT_NOTE, data: notes, flags: 2 });
  if (spec.xenGuest !== undefined) secs.push({ name: '__xen_guest', type: SHT_PROGBITS, data: asciz(spec.xenGuest) });
  if (spec.symbols) {
    const names: number[] = [];
    let strtab: Uint8Array = new Uint8Array([0]);
    for (const s of spec.symbols) { names.push(strtab.length); strtab = cat(strtab, asciz(s.name)); }
    const syms = cat(new Uint8Array(16), ...spec.symbols.map((s, i) => cat(
      le(4, names[i]), le(4, s.value), le(4, s.size ?? 0),
      new Uint8Array([((s.bind ?? STB_GLOBAL) << 4) | (s.type ?? STT_FUNC), 0]), le(2, s.shndx ?? 1))));
    secs.push({ name: '.symtab', type: SHT_SYMTAB, data: syms, link: '.strtab', entsize: 16, info: 1 });
    secs.push({ name: '.strtab', type: SHT_STRTAB, data: strtab });
  }
  const phnum = segs.length + (notes && noteIn !== 'section' ? 1 : 0);
  const phoff = 52;
  let off = phoff + phnum * 32;
  const place = (len: number): number => { off = (off + 15) & ~15; const at = off; off += len; return at; };
  const chunks: [number, Uint8Array][] = [];
  const segmentOffsets = segs.map((s) => { const at = place(s.data?.length ?? 0); if (s.data) chunks.push([at, s.data]); return at; });
  let notesOffset = 0;
  if (notes) { notesOffset = place(notes.length); chunks.push([notesOffset, notes]); }
  const sectionOffsets: Record<string, number> = {};
  const sectionIndex: Record<string, number> = {};
  secs.forEach((s, i) => {
    sectionIndex[s.name] = i + 1;
    if (s.name === '.note.Xen' && notes) { sectionOffsets[s.name] = notesOffset; return; }
    const at = place(s.type === SHT_NOBITS ? 0 : s.data?.length ?? 0);
    sectionOffsets[s.name] = at;
    if (s.data && s.type !== SHT_NOBITS) chunks.push([at, s.data]);
  });
  // Section name table, last section.
  let shstr: Uint8Array = new Uint8Array([0]);
  const nameOffs = secs.map((s) => { const o = shstr.length; shstr = cat(shstr, asciz(s.name)); return o; });
  const shstrName = shstr.length; shstr = cat(shstr, asciz('.shstrtab'));
  const shstrOff = spec.noSections ? 0 : place(shstr.length);
  if (!spec.noSections) chunks.push([shstrOff, shstr]);
  const shnum = spec.noSections ? 0 : secs.length + 2;
  const shoff = spec.noSections ? 0 : place(shnum * 40);

  const bytes = new Uint8Array(off);
  const v = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, spec.cls ?? 1, spec.data ?? 1, 1]);
  v.setUint16(16, spec.type ?? 2, true);
  v.setUint16(18, spec.machine ?? 3, true);
  v.setUint32(20, 1, true);
  v.setUint32(24, spec.entry ?? 0, true);
  v.setUint32(28, phnum ? phoff : 0, true);
  v.setUint32(32, shoff, true);
  v.setUint16(40, 52, true);
  v.setUint16(42, 32, true);
  v.setUint16(44, phnum, true);
  v.setUint16(46, 40, true);
  v.setUint16(48, shnum, true);
  v.setUint16(50, spec.noSections ? 0 : secs.length + 1, true);
  for (const [at, d] of chunks) bytes.set(d, at);

  const phdr = (i: number, f: number[]): void => f.forEach((x, k) => v.setUint32(phoff + i * 32 + 4 * k, x >>> 0, true));
  segs.forEach((s, i) => {
    const filesz = s.filesz ?? s.data?.length ?? 0;
    phdr(i, [s.type ?? PT_LOAD, s.offset ?? segmentOffsets[i], s.vaddr, s.paddr ?? s.vaddr, filesz, s.memsz ?? filesz, s.flags ?? (PF_R | PF_X), s.align ?? 16]);
  });
  if (notes && noteIn !== 'section') phdr(segs.length, [PT_NOTE, notesOffset, 0, 0, notes.length, notes.length, PF_R, 4]);

  if (!spec.noSections) {
    const shdr = (i: number, f: number[]): void => f.forEach((x, k) => v.setUint32(shoff + i * 40 + 4 * k, x >>> 0, true));
    secs.forEach((s, i) => {
      const link = typeof s.link === 'string' ? sectionIndex[s.link] : s.link ?? 0;
      shdr(i + 1, [nameOffs[i], s.type, s.flags ?? 0, s.addr ?? 0, s.offset ?? sectionOffsets[s.name], s.size ?? s.data?.length ?? 0, link, s.info ?? 0, 4, s.entsize ?? 0]);
    });
    shdr(secs.length + 1, [shstrName, SHT_STRTAB, 0, 0, shstrOff, shstr.length, 0, 0, 1, 0]);
  }
  return { bytes, view: v, phoff, shoff, notesOffset, segmentOffsets, sectionOffsets, sectionIndex };
}

// A conventional test kernel: VIRT_BASE 0xC0000000, PADDR_OFFSET absent (0 for notes), text at
// physical 0x100000 (virtual 0xC0100000), data + bss at physical 0x102000.
export const VIRT_BASE = 0xc0000000;
export const TEXT_VA = 0xc0100000, TEXT_PA = 0x100000, DATA_VA = 0xc0102000, DATA_PA = 0x102000;
export const ENTRY = 0xc0100010, HYPERCALL_PAGE = 0xc0101000;

export const textBytes = (): Uint8Array => Uint8Array.from({ length: 0x2000 }, (_, i) => (i * 7 + 1) & 0xff);
export const dataBytes = (): Uint8Array => Uint8Array.from({ length: 0x100 }, (_, i) => 0x80 | (i & 0x7f));

export function standardNotes(): NoteSpec[] {
  return [
    strNote(N.GUEST_OS, 'linux'),
    strNote(N.GUEST_VERSION, '2.6'),
    strNote(N.XEN_VERSION, 'xen-3.0'),
    strNote(N.LOADER, 'generic'),
    numNote(N.VIRT_BASE, VIRT_BASE),
    numNote(N.ENTRY, ENTRY),
    numNote(N.HYPERCALL_PAGE, HYPERCALL_PAGE),
    strNote(N.PAE_MODE, 'yes'),
    strNote(N.FEATURES, '!writable_page_tables|pae_pgdir_above_4gb'),
  ];
}

export function standardSegments(): SegSpec[] {
  return [
    { vaddr: TEXT_VA, paddr: TEXT_PA, data: textBytes(), flags: PF_R | PF_X, align: 0x1000 },
    { vaddr: DATA_VA, paddr: DATA_PA, data: dataBytes(), memsz: 0x1000, flags: PF_R | PF_W, align: 0x1000 },
  ];
}

/** A valid kernel unless `over` breaks it; `entry` defaults to the ENTRY note's value. */
export function kernel(over: Partial<ElfSpec> = {}): BuiltElf {
  return buildElf({ entry: ENTRY, segments: standardSegments(), notes: standardNotes(), noteIn: 'segment', ...over });
}

/** The standard notes with some types left out and others added at the end. */
export function notesWithout(types: number[], extra: NoteSpec[] = []): NoteSpec[] {
  return [...standardNotes().filter((n) => !types.includes(n.type)), ...extra];
}

/** The ImageError message of loading `bytes` with `load`, failing the test if it loads. */
export function refusal(load: () => unknown): string {
  try { load(); } catch (e) {
    if ((e as Error).name !== 'ImageError') throw e;
    return (e as Error).message;
  }
  throw new Error('the image was accepted');
}
