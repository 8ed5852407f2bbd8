// Xen ELF notes and the legacy __xen_guest string, read as Xen's libelf reads them: which
// notes count, their values, where they are looked for, and the quirks Xen tolerates.
import { describe, it, expect } from 'vitest';
import { parseElf32 } from '../../src/elf/elf32.ts';
import { parseXenInfo, strtoull, parseFeatureString, type XenFeatures } from '../../src/elf/xen-notes.ts';
import { loadKernelImage } from '../../src/elf/image.ts';
import {
  kernel, buildElf, standardNotes, standardSegments, notesWithout, strNote, numNote, encodeNotes, refusal, le, asciz,
  cat, N, ENTRY, PT_NOTE, VIRT_BASE, type NoteSpec,
} from './support.ts';

const xenOf = (bytes: Uint8Array): ReturnType<typeof parseXenInfo> => parseXenInfo(parseElf32(bytes));
const load = (notes: NoteSpec[]) => loadKernelImage(kernel({ notes }).bytes);
const emptyFeatures = (): XenFeatures => ({ supported: new Set(), required: new Set(), supportedMask: 0, requiredMask: 0 });

describe('Xen ELF notes', () => {
  it('reads every note type into its field', () => {
    const img = load([
      ...notesWithout([N.GUEST_VERSION, N.PAE_MODE]),
      strNote(N.GUEST_VERSION, '4.19.0'),
      numNote(N.PADDR_OFFSET, 0),
      numNote(N.HV_START_LOW, 0xf5800000),
      numNote(N.SUSPEND_CANCEL, 1),
      numNote(N.MOD_START_PFN, 1),
      numNote(N.INIT_P2M, 0xd0000000),
      numNote(N.PHYS32_ENTRY, 0x100010),
      numNote(N.SUPPORTED_FEATURES, (1 << 11) | (1 << 9)),
      strNote(N.BSD_SYMTAB, 'no'),
      { type: N.L1_MFN_VALID, desc: new Uint8Array(16) },
      strNote(N.PAE_MODE, 'bimodal'),
      strNote(0, 'INFO=ignored'),
      numNote(0x1000001, 5), // a crash-dump note type: not for the loader
    ]);
    expect(img).toMatchObject({
      guestOs: 'linux', guestVersion: '4.19.0', xenVersion: 'xen-3.0', loader: 'generic', virtBase: VIRT_BASE, paddrOffset: 0,
      entry: ENTRY, hypercallPage: 0xc0101000, paeMode: 'bimodal', hvStartLow: 0xf5800000, suspendCancel: true,
      unmappedInitrd: true, p2mBase: 0xd0000000, phys32Entry: 0x100010, bsdSymtabRequested: false, notesSource: 'notes',
      noteLocations: ['PT_NOTE segment 2'],
    });
    expect(img.features).toEqual({
      supported: new Set(['writable_page_tables', 'pae_pgdir_above_4gb', 'dom0', 'hvm_safe_pvclock']),
      required: new Set(['writable_page_tables']),
      supportedMask: 0xa11, requiredMask: 1,
    });
    expect(img.notes.map((n) => n.name)).toEqual([
      'GUEST_OS', 'XEN_VERSION', 'LOADER', 'VIRT_BASE', 'ENTRY', 'HYPERCALL_PAGE', 'FEATURES', 'GUEST_VERSION', 'PADDR_OFFSET',
      'HV_START_LOW', 'SUSPEND_CANCEL', 'MOD_START_PFN', 'INIT_P2M', 'PHYS32_ENTRY', 'SUPPORTED_FEATURES', 'BSD_SYMTAB',
      'L1_MFN_VALID', 'PAE_MODE', 'type 0', 'type 16777217',
    ]);
    expect(img.warnings).toEqual([]);
  });

  it('reads numbers of 1, 2, 4 and 8 bytes, and any other size as 0 (as libelf)', () => {
    const at = (size: number, desc: Uint8Array): number | undefined =>
      load(notesWithout([N.HYPERCALL_PAGE], [{ type: N.HV_START_LOW, desc, descsz: size }])).hvStartLow;
    expect(at(1, le(1, 0xab))).toBe(0xab);
    expect(at(2, le(2, 0xabcd))).toBe(0xabcd);
    expect(at(4, le(4, 0xf5800000))).toBe(0xf5800000);
    expect(at(8, le(8, 0xf5800000))).toBe(0xf5800000);
    expect(at(3, le(4, 0x123456))).toBe(0);
    const img = load(notesWithout([N.HYPERCALL_PAGE], [{ type: N.HV_START_LOW, desc: le(4, 0x123456), descsz: 3 }]));
    expect(img.warnings).toEqual([`HV_START_LOW note at 0x${img.notes.at(-1)!.fileOffset.toString(16)} has a 3-byte value; Xen reads only 1, 2, 4 or 8 byte numbers, so it is 0`]);
    // An 8-byte VIRT_BASE and ENTRY, as a kernel built with 64-bit note values would have.
    const wide = load([...notesWithout([N.VIRT_BASE, N.ENTRY]), numNote(N.VIRT_BASE, VIRT_BASE, 8), numNote(N.ENTRY, ENTRY, 8)]);
    expect([wide.virtBase, wide.entry]).toEqual([VIRT_BASE, ENTRY]);
    // Beyond 32 bits is no address in a 32-bit guest.
    expect(refusal(() => load([...notesWithout([N.HYPERCALL_PAGE]), numNote(N.HV_START_LOW, 0x1_0000_0000n, 8)])))
      .toBe('HV_START_LOW 0x100000000 does not fit a 32-bit address space');
  });

  it('maps PAE_MODE as libelf does: "yes" is extended-cr3, "bimodal" anywhere is bimodal', () => {
    const pae = (s: string): string => load([...notesWithout([N.PAE_MODE]), strNote(N.PAE_MODE, s)]).paeMode;
    expect(pae('yes')).toBe('extended');
    expect(pae('no')).toBe('no');
    expect(pae('bimodal')).toBe('bimodal');
    expect(pae('yes,bimodal')).toBe('bimodal');
    expect(pae('yes[extended-cr3]')).toBe('no');
    expect(load(notesWithout([N.PAE_MODE])).paeMode).toBe('no');
    expect(load([...notesWithout([N.PAE_MODE]), strNote(N.PAE_MODE, 'yes[extended-cr3]')]).warnings)
      .toEqual(['PAE_MODE note "yes[extended-cr3]" is not one Xen recognises ("yes", "no", "bimodal"); PAE mode stays no']);
  });

  it('lets a later note of a type override an earlier one, while features accumulate', () => {
    const img = load([...standardNotes(), numNote(N.HYPERCALL_PAGE, 0xc0100000), strNote(N.FEATURES, 'writable_descriptor_tables'), strNote(N.GUEST_OS, 'linux-later')]);
    expect(img.hypercallPage).toBe(0xc0100000);
    expect(img.guestOs).toBe('linux-later');
    expect([...img.features.supported]).toEqual(['writable_page_tables', 'pae_pgdir_above_4gb', 'writable_descriptor_tables']);
  });

  it('refuses a required feature Xen does not know, ignores an unknown supported one', () => {
    expect(refusal(() => load([...notesWithout([N.FEATURES]), strNote(N.FEATURES, 'writable_page_tables|!gnttab_map_avail_bits')])))
      .toBe('the kernel requires Xen feature "gnttab_map_avail_bits", which Xen does not know (FEATURES note "writable_page_tables|!gnttab_map_avail_bits")');
    const img = load([...notesWithout([N.FEATURES]), strNote(N.FEATURES, 'hvm_safe_pvclock|dom0||!supervisor_mode_kernel')]);
    expect([...img.features.supported]).toEqual(['dom0', 'supervisor_mode_kernel']);
    expect([...img.features.required]).toEqual(['supervisor_mode_kernel']);
    expect(img.warnings).toEqual(['FEATURES note names feature "hvm_safe_pvclock", which Xen does not know; ignored']);
  });

  it('splits feature names at 63 characters as libelf\'s buffer does', () => {
    const f = emptyFeatures(), w: string[] = [];
    // 63 characters of junk, then "dom0" continues straight on as the next name.
    expect(parseFeatureString('x'.repeat(63) + 'dom0', f, w, 'test')).toBeUndefined();
    expect([...f.supported]).toEqual(['dom0']);
    expect(w).toEqual([`test names feature "${'x'.repeat(63)}", which Xen does not know; ignored`]);
  });

  it('looks in PT_NOTE segments first, then SHT_NOTE sections, skipping PT_NOTE at offset 0', () => {
    // Only a section: used.
    const sectionOnly = xenOf(kernel({ noteIn: 'section' }).bytes);
    expect(sectionOnly.source).toBe('notes');
    expect(sectionOnly.noteLocations).toEqual(['section .note.Xen']);
    // Both: the segment is read and the section is not (the notes are not counted twice).
    const both = xenOf(kernel({ noteIn: 'both' }).bytes);
    expect(both.noteLocations).toEqual(['PT_NOTE segment 2']);
    expect(both.notes.length).toBe(9);
    // A PT_NOTE segment holding only foreign notes does not stop the section from being read.
    const foreign = encodeNotes([{ owner: 'GNU', type: 3, desc: new Uint8Array(20) }]);
    const k = buildElf({ entry: ENTRY, segments: [...standardSegments(), { type: PT_NOTE, vaddr: 0, data: foreign, flags: 4 }], notes: standardNotes(), noteIn: 'section' });
    const mixed = xenOf(k.bytes);
    expect(mixed.noteLocations).toEqual(['section .note.Xen']);
    expect(mixed.foreignOwners).toEqual(new Map([['GNU', 1]]));
    expect(mixed.warnings).toEqual([]); // other owners' notes are normal next to Xen's
    // p_offset 0 (a binutils bug Xen works around): the segment is skipped.
    const z = kernel({ noteIn: 'both' });
    z.view.setUint32(z.phoff + 2 * 32 + 4, 0, true);
    const skipped = xenOf(z.bytes);
    expect(skipped.noteLocations).toEqual(['section .note.Xen']);
    expect(skipped.warnings).toEqual(['PT_NOTE segment 2 has p_offset 0 and is skipped, as Xen does']);
  });

  it('takes a string note cut short by the end of the file up to its NUL (Debian grub-i386-xen.bin)', () => {
    // GRUB's image ends in the middle of its last note: PAE_MODE declares 12 bytes, the file
    // holds "yes\0". Xen's libelf reads the string where the file has it.
    const notes = [...standardNotes().filter((n) => n.type !== N.PAE_MODE), strNote(N.PAE_MODE, 'yes')];
    const built = buildElf({ entry: ENTRY, segments: standardSegments(), notes, noteIn: 'segment', noSections: true });
    const v = new DataView(built.bytes.buffer, built.bytes.byteOffset);
    const last = built.notesOffset + encodeNotes(notes.slice(0, -1)).length;
    expect(v.getUint32(last + 8, true)).toBe(N.PAE_MODE);
    v.setUint32(last + 4, 12, true);
    const file = built.bytes.subarray(0, last + 20); // header, "Xen\0", "yes\0": the file ends there
    const img = loadKernelImage(file);
    expect(img.paeMode).toBe('extended');
    // Cut inside the string: no NUL in the file, so the note is skipped and the mode stays.
    const cut = loadKernelImage(built.bytes.subarray(0, last + 19));
    expect(cut.paeMode).toBe('no');
    expect(cut.warnings.some((w) => w.includes('runs past the end of the file; ignored'))).toBe(true);
  });

  it('reads a note that runs past the end of its segment within the file, as libelf does', () => {
    const notes = [...standardNotes(), numNote(N.HV_START_LOW, 0xf5800000)];
    const k = kernel({ notes });
    const lastHeader = k.notesOffset + encodeNotes(notes.slice(0, -1)).length;
    k.view.setUint32(lastHeader + 4, 0x10000, true); // the HV_START_LOW note's descsz
    const img = loadKernelImage(k.bytes);
    expect(img.hypercallPage).toBe(0xc0101000);
    expect([...img.features.required]).toEqual(['writable_page_tables']);
    // libelf's elf_note_numeric reads only 1, 2, 4 or 8 byte values: a 65536-byte one is 0.
    expect(img.hvStartLow).toBe(0);
    expect(img.notes.length).toBe(10);
    expect(img.warnings[0]).toBe(`PT_NOTE segment 2: the note at 0x${lastHeader.toString(16)} (type 12) declares 4+65536 bytes of name and description, running past the end at 0x${(lastHeader + 20).toString(16)}; it is read within the file, as Xen's loader does, and the walk stops there`);
    // The same note at the very end of the file: the segment is clipped to the file.
    const atEnd = buildElf({ entry: ENTRY, segments: standardSegments(), notes, noteIn: 'segment', noSections: true });
    const trimmed = atEnd.bytes.subarray(0, atEnd.bytes.length - 2);
    const img2 = loadKernelImage(trimmed);
    expect(img2.entry).toBe(ENTRY);
    expect(img2.warnings[0]).toBe('PT_NOTE segment 2 runs past the end of the file; only the part inside it is read');
  });

  it('stops at trailing bytes too short for a note header', () => {
    const k = kernel({ notes: cat(encodeNotes(standardNotes()), new Uint8Array(8)) });
    const img = loadKernelImage(k.bytes);
    expect(img.notes.length).toBe(9);
    expect(img.warnings).toEqual([`PT_NOTE segment 2: 8 byte(s) at 0x${(k.notesOffset + encodeNotes(standardNotes()).length).toString(16)} are too short for a note header; ignored`]);
  });

  it('accepts "Xen" with namesz 3 and zero padding, and ignores other owners', () => {
    const img = load(standardNotes().map((n) => ({ ...n, namesz: 3 })));
    expect(img.notesSource).toBe('notes');
    expect(img.entry).toBe(ENTRY);
    const x = xenOf(kernel({ notes: [...standardNotes(), numNote(N.ENTRY, 0x1234, 4, 'XEN'), numNote(N.ENTRY, 0x5678, 4, 'Xen2')] }).bytes);
    expect(x.virtEntry).toBe(BigInt(ENTRY));
    expect(x.warnings).toEqual(['1 note(s) with owner "XEN" (not "Xen") ignored', '1 note(s) with owner "Xen2" (not "Xen") ignored']);
  });

  it('uses the bytes of a string note that lacks its NUL', () => {
    const img = load([...notesWithout([N.GUEST_VERSION]), { type: N.GUEST_VERSION, desc: asciz('2.6.99').subarray(0, 6) }]);
    expect(img.guestVersion).toBe('2.6.99');
    expect(img.warnings).toEqual([`GUEST_VERSION note at 0x${img.notes.at(-1)!.fileOffset.toString(16)} is not NUL-terminated; its 6 bytes are used`]);
  });
});

describe('the legacy __xen_guest string', () => {
  const legacy = (s: string) => loadKernelImage(kernel({ notes: undefined, xenGuest: s }).bytes);
  const GUEST = 'GUEST_OS=linux,GUEST_VER=2.6,XEN_VER=xen-3.0,VIRT_BASE=0xC0000000,ELF_PADDR_OFFSET=0x0,HYPERCALL_PAGE=0x101,LOADER=generic,PAE=yes[extended-cr3],FEATURES=writable_page_tables|!pae_pgdir_above_4gb';

  it('reads every key; HYPERCALL_PAGE is a page number from VIRT_BASE', () => {
    const img = legacy(GUEST + `,VIRT_ENTRY=${ENTRY}`);
    expect(img).toMatchObject({
      notesSource: '__xen_guest', guestOs: 'linux', guestVersion: '2.6', xenVersion: 'xen-3.0', loader: 'generic',
      virtBase: VIRT_BASE, paddrOffset: 0, hypercallPage: 0xc0101000, paeMode: 'extended', entry: ENTRY,
    });
    expect(img.features).toEqual({ supported: new Set(['writable_page_tables', 'pae_pgdir_above_4gb']), required: new Set(['pae_pgdir_above_4gb']), supportedMask: 0x11, requiredMask: 0x10 });
    expect(img.guestInfo).toBe(GUEST + `,VIRT_ENTRY=${ENTRY}`);
  });

  it('adds VIRT_BASE to HYPERCALL_PAGE whichever comes first, and not at all without VIRT_BASE', () => {
    const p = (s: string): bigint | undefined => xenOf(kernel({ notes: undefined, xenGuest: s }).bytes).hypercallPage;
    expect(p('HYPERCALL_PAGE=0x2,VIRT_BASE=0xC0000000')).toBe(0xc0002000n);
    expect(p('VIRT_BASE=0xC0000000,HYPERCALL_PAGE=2')).toBe(0xc0002000n);
    expect(p('HYPERCALL_PAGE=0x101')).toBe(0x101000n);
  });

  it('maps PAE as the legacy string did', () => {
    const pae = (v: string): string => xenOf(kernel({ notes: undefined, xenGuest: `PAE=${v}` }).bytes).paeMode;
    expect(pae('yes[extended-cr3]')).toBe('extended');
    expect(pae('yes')).toBe('yes');
    expect(pae('yes,bimodal')).toBe('yes'); // the comma ends the value; "bimodal" is a key of its own
    expect(pae('bimodal')).toBe('no');
    expect(pae('no')).toBe('no');
  });

  it('parses like libelf: 31-character names, 127-character values, keys without values', () => {
    const x = xenOf(kernel({ notes: undefined, xenGuest: `BSD_SYMTAB,${'N'.repeat(35)}=1,LOADER=${'g'.repeat(130)},GUEST_OS=linux` }).bytes);
    expect(x.guestInfoPairs).toEqual([
      ['BSD_SYMTAB', ''], ['N'.repeat(31), ''], ['NNNN', '1'], ['LOADER', 'g'.repeat(127)], ['ggg', ''], ['GUEST_OS', 'linux'],
    ]);
    expect(x.bsdSymtab).toBe(true);
    expect(x.loader).toBe('g'.repeat(127));
  });

  it('stops reading (but does not refuse) at a required feature Xen does not know', () => {
    const x = xenOf(kernel({ notes: undefined, xenGuest: 'GUEST_OS=linux,FEATURES=!frobnicate,XEN_VER=xen-3.0' }).bytes);
    expect(x.guestOs).toBe('linux');
    expect(x.xenVersion).toBe('');
    expect(x.warnings).toEqual(['__xen_guest FEATURES requires "frobnicate", which Xen does not know; as Xen, the rest of the string is not read']);
    expect(refusal(() => legacy('GUEST_OS=linux,FEATURES=!frobnicate,XEN_VER=xen-3.0')))
      .toBe('Xen loads only images built for Xen v3.0 interfaces; this one has XEN_VERSION "" (__xen_guest)');
  });

  it('is used when the notes have the wrong owner, and ignored when there are Xen notes', () => {
    const wrongOwner = standardNotes().map((n) => ({ ...n, owner: 'Xeo' }));
    const img = loadKernelImage(kernel({ notes: wrongOwner, xenGuest: GUEST }).bytes);
    expect(img.notesSource).toBe('__xen_guest');
    expect(img.hypercallPage).toBe(0xc0101000);
    expect(img.warnings).toEqual(['9 note(s) with owner "Xeo" (not "Xen") ignored']);
    const both = loadKernelImage(kernel({ xenGuest: 'GUEST_OS=other,HYPERCALL_PAGE=0x102' }).bytes);
    expect(both.notesSource).toBe('notes');
    expect(both.guestOs).toBe('linux');
    expect(both.hypercallPage).toBe(0xc0101000);
    expect(both.warnings).toEqual(['the __xen_guest section is ignored because the image has Xen ELF notes (as Xen does)']);
  });

  it('reads the string only up to the end of its section', () => {
    const k = kernel({ notes: undefined, xenGuest: GUEST });
    const idx = k.sectionIndex['__xen_guest'];
    k.view.setUint32(k.shoff + idx * 40 + 20, GUEST.length - ',FEATURES=writable_page_tables|!pae_pgdir_above_4gb'.length, true);
    const img = loadKernelImage(k.bytes);
    expect(img.features.supportedMask).toBe(0);
    expect(img.warnings).toEqual(['the __xen_guest string is not NUL-terminated inside its section; read up to the section end']);
  });
});

describe('strtoull', () => {
  it('follows C: base prefixes, stops at junk, saturates', () => {
    expect(strtoull('0xC0000000')).toBe(0xc0000000n);
    expect(strtoull('0XfF,')).toBe(255n);
    expect(strtoull('010')).toBe(8n);
    expect(strtoull('09')).toBe(0n);
    expect(strtoull('  42abc')).toBe(42n);
    expect(strtoull('')).toBe(0n);
    expect(strtoull('0x')).toBe(0n);
    expect(strtoull('-1')).toBe(0xffffffffffffffffn);
    expect(strtoull('99999999999999999999999')).toBe(0xffffffffffffffffn);
  });
});
