// Xen's description of a PV kernel: the "Xen" ELF notes of public/elfnote.h, or for old kernels
// the legacy __xen_guest section string. The rules follow Xen's libelf (libelf-dominfo.c,
// elf_xen_parse and helpers) so that an image means here what it means to Xen:
//  - notes are looked for in PT_NOTE segments first (skipping any whose p_offset is 0, which some
//    binutils versions emit); only if none of those held a "Xen" note are SHT_NOTE sections
//    read; only if neither did is the __xen_guest section read;
//  - within the chosen places every "Xen" note is applied in file order, a later note of a type
//    overriding an earlier one (FEATURES and SUPPORTED_FEATURES accumulate instead);
//  - numeric notes are read as 1, 2, 4 or 8 byte little-endian values; other sizes read as 0;
//  - a FEATURES note that requires ('!') a feature Xen does not know fails the whole image;
//    unknown features that are merely supported are ignored.
// Where libelf would read past a note or past the end of a section (it bounds reads by the file,
// not by the note), this parser stops at the note's own bounds and says so in a warning.
import type { Elf32 } from './elf32.ts';
import { ByteReader, ImageError, PT_NOTE, SHT_NOTE, SHT_NOBITS, hex, latin1 } from './elf32.ts';

/** Note types (public/elfnote.h). */
export const XEN_ELFNOTE = {
  INFO: 0, ENTRY: 1, HYPERCALL_PAGE: 2, VIRT_BASE: 3, PADDR_OFFSET: 4, XEN_VERSION: 5, GUEST_OS: 6,
  GUEST_VERSION: 7, LOADER: 8, PAE_MODE: 9, FEATURES: 10, BSD_SYMTAB: 11, HV_START_LOW: 12,
  L1_MFN_VALID: 13, SUSPEND_CANCEL: 14, INIT_P2M: 15, MOD_START_PFN: 16, SUPPORTED_FEATURES: 17,
  PHYS32_ENTRY: 18,
} as const;

/** Names and value kinds of the note types libelf understands; other types are skipped. */
const NOTE_KINDS: Record<number, { name: string; str: boolean }> = {
  1: { name: 'ENTRY', str: false }, 2: { name: 'HYPERCALL_PAGE', str: false }, 3: { name: 'VIRT_BASE', str: false },
  4: { name: 'PADDR_OFFSET', str: false }, 5: { name: 'XEN_VERSION', str: true }, 6: { name: 'GUEST_OS', str: true },
  7: { name: 'GUEST_VERSION', str: true }, 8: { name: 'LOADER', str: true }, 9: { name: 'PAE_MODE', str: true },
  10: { name: 'FEATURES', str: true }, 11: { name: 'BSD_SYMTAB', str: true }, 12: { name: 'HV_START_LOW', str: false },
  13: { name: 'L1_MFN_VALID', str: false }, 14: { name: 'SUSPEND_CANCEL', str: false }, 15: { name: 'INIT_P2M', str: false },
  16: { name: 'MOD_START_PFN', str: false }, 17: { name: 'SUPPORTED_FEATURES', str: false },
  18: { name: 'PHYS32_ENTRY', str: false },
};

/** XENFEAT_* bit numbers (public/features.h), for naming bits of SUPPORTED_FEATURES. */
export const XENFEAT_NAMES: readonly string[] = [
  'writable_page_tables', 'writable_descriptor_tables', 'auto_translated_physmap', 'supervisor_mode_kernel',
  'pae_pgdir_above_4gb', 'mmu_pt_update_preserve_ad', 'highmem_assist', 'gnttab_map_avail_bits',
  'hvm_callback_vector', 'hvm_safe_pvclock', 'hvm_pirqs', 'dom0', 'grant_map_identity',
  'memory_op_vnode_supported', 'ARM_SMCCC_supported', 'linux_rsdp_unrestricted', 'not_direct_mapped',
  'direct_mapped',
];
/** The feature names libelf accepts in a FEATURES string (elf_xen_feature_names): a subset of
 *  features.h; any other name there is ignored, or fatal when marked required. */
export const LIBELF_FEATURE_BITS: ReadonlyMap<string, number> = new Map([
  ['writable_page_tables', 0], ['writable_descriptor_tables', 1], ['auto_translated_physmap', 2],
  ['supervisor_mode_kernel', 3], ['pae_pgdir_above_4gb', 4], ['hvm_callback_vector', 8], ['dom0', 11],
]);
export const featureName = (bit: number): string => XENFEAT_NAMES[bit] ?? `bit${bit}`;

/** libelf's ELF_MAX_TOTAL_NOTE_COUNT: it stops reading notes after this many. */
const MAX_TOTAL_NOTES = 65536;

export type PaeMode = 'no' | 'yes' | 'bimodal' | 'extended';

export interface XenFeatures {
  /** Feature names (features.h spelling) the kernel can use; required ones are included. */
  supported: Set<string>;
  /** Feature names the kernel cannot run without ('!' in FEATURES). */
  required: Set<string>;
  /** The same as bitmaps (bit n = XENFEAT number n), as libelf's f_supported / f_required. */
  supportedMask: number;
  requiredMask: number;
}

export interface XenNote {
  type: number;
  /** The elfnote.h name, or `type N` for types libelf does not know. */
  name: string;
  kind: 'string' | 'numeric' | 'unknown';
  str?: string;
  num?: bigint;
  descsz: number;
  /** File offset of the note header. */
  fileOffset: number;
  /** Where it was found, e.g. `PT_NOTE segment 2` or `section .note.Xen`. */
  where: string;
}

/** libelf's struct elf_dom_parms after elf_xen_parse, before defaults are applied; absent
 *  numeric fields are undefined (libelf's UNSET_ADDR). */
export interface XenParams {
  source: 'notes' | '__xen_guest' | 'none';
  /** The PT_NOTE segments or SHT_NOTE sections the Xen notes came from. */
  noteLocations: string[];
  notes: XenNote[];
  /** Notes with another owner, by owner, that were skipped. */
  foreignOwners: Map<string, number>;
  /** The raw __xen_guest string and its NAME=VALUE pairs, when that is the source. */
  guestInfo?: string;
  guestInfoPairs?: [string, string][];
  guestOs: string;
  guestVersion: string;
  xenVersion: string;
  loader: string;
  paeMode: PaeMode;
  bsdSymtab: boolean;
  suspendCancel: boolean;
  /** MOD_START_PFN: the kernel copes with an initrd not mapped by the initial page tables. */
  unmappedInitrd: boolean;
  virtBase?: bigint;
  virtEntry?: bigint;
  paddrOffset?: bigint;
  hypercallPage?: bigint;
  hvStartLow?: bigint;
  p2mBase?: bigint;
  phys32Entry?: bigint;
  features: XenFeatures;
  warnings: string[];
}

const MASK64 = (1n << 64n) - 1n;

function emptyParams(): XenParams {
  return {
    source: 'none', noteLocations: [], notes: [], foreignOwners: new Map(), guestOs: '', guestVersion: '',
    xenVersion: '', loader: '', paeMode: 'no', bsdSymtab: false, suspendCancel: false, unmappedInitrd: false,
    features: { supported: new Set(), required: new Set(), supportedMask: 0, requiredMask: 0 }, warnings: [],
  };
}

/** Read the Xen description of `elf` the way libelf's elf_xen_parse does (PV guest). */
export function parseXenInfo(elf: Elf32): XenParams {
  const r = new ByteReader(elf.bytes);
  const p = emptyParams();
  const counter = { total: 0 };
  let found = 0;

  for (const ph of elf.programHeaders) {
    if (ph.type !== PT_NOTE) continue;
    const where = `PT_NOTE segment ${ph.index}`;
    if (ph.offset === 0) {
      // libelf skips these: some binutils versions leave p_offset 0 in note segments.
      p.warnings.push(`${where} has p_offset 0 and is skipped, as Xen does`);
      continue;
    }
    found += parseNoteRegion(r, ph.offset, ph.filesz, where, p, counter);
  }
  if (found === 0) {
    for (const sh of elf.sections) {
      if (sh.index === 0 || sh.type !== SHT_NOTE) continue;
      found += parseNoteRegion(r, sh.offset, sh.size, `section ${sh.name || `#${sh.index}`}`, p, counter);
    }
  }
  const guestSection = elf.sections.find((s) => s.name === '__xen_guest');
  if (found > 0) {
    p.source = 'notes';
    if (guestSection) p.warnings.push('the __xen_guest section is ignored because the image has Xen ELF notes (as Xen does)');
  } else if (guestSection) {
    if (guestSection.type === SHT_NOBITS || !r.has(guestSection.offset, guestSection.size)) {
      throw new ImageError(`the __xen_guest section (${guestSection.size} bytes at ${hex(guestSection.offset)}) lies outside the file`);
    }
    const raw = elf.bytes.subarray(guestSection.offset, guestSection.offset + guestSection.size);
    const nul = raw.indexOf(0);
    if (nul < 0) p.warnings.push('the __xen_guest string is not NUL-terminated inside its section; read up to the section end');
    p.source = '__xen_guest';
    parseGuestInfo(latin1(nul < 0 ? raw : raw.subarray(0, nul)), p);
  }
  // Other owners' notes (GNU build ids, Linux's own) are normal next to Xen's; they are worth a
  // word only when no Xen notes were found, or when the owner looks like a misspelt "Xen".
  for (const [owner, n] of p.foreignOwners) {
    if (p.source !== 'notes' || owner.toLowerCase().startsWith('xen')) {
      p.warnings.push(`${n} note(s) with owner ${JSON.stringify(owner)} (not "Xen") ignored`);
    }
  }
  return p;
}

/** Walk the notes in [off, off + size) of the file (ELF spec, "Note Section": namesz, descsz,
 *  type, then name and desc each padded to 4 bytes). Returns how many had owner "Xen". */
function parseNoteRegion(r: ByteReader, off: number, size: number, where: string, p: XenParams, counter: { total: number }): number {
  let end = off + size;
  if (off >= r.length) {
    if (size > 0) p.warnings.push(`${where} starts at ${hex(off)}, past the end of the file; ignored`);
    return 0;
  }
  if (end > r.length) {
    p.warnings.push(`${where} runs past the end of the file; only the part inside it is read`);
    end = r.length;
  }
  let xen = 0;
  for (let pos = off; pos < end;) {
    if (counter.total >= MAX_TOTAL_NOTES) {
      p.warnings.push(`more than ${MAX_TOTAL_NOTES} notes; the rest are ignored, as Xen does`);
      break;
    }
    if (end - pos < 12) {
      p.warnings.push(`${where}: ${end - pos} byte(s) at ${hex(pos)} are too short for a note header; ignored`);
      break;
    }
    const namesz = r.u32(pos), descsz = r.u32(pos + 4), type = r.u32(pos + 8);
    const nameOff = pos + 12, descOff = nameOff + align4(namesz), descEnd = descOff + descsz;
    // libelf walks while a note STARTS before the end and bounds its reads by the file, not by
    // the segment: a note whose name or description runs past the end is still read where the
    // file holds it (Debian's grub-i386-xen.bin ends its PT_NOTE segment inside its PAE_MODE
    // note "yes"). The walk then stops: the next note would start past the end.
    const pastEnd = descOff > end || descEnd > end;
    if (pastEnd) {
      p.warnings.push(`${where}: the note at ${hex(pos)} (type ${type}) declares ${namesz}+${descsz} bytes of name and description, running past the end at ${hex(end)}; it is read within the file, as Xen's loader does, and the walk stops there`);
      if (nameOff >= r.length) break;
    }
    counter.total++;
    const noteOff = pos;
    pos = descOff + align4(descsz);
    // libelf compares the NUL-terminated string at the name against "Xen"; it is read here
    // within the name field and its padding (so "Xen" with namesz 3 and zero padding counts).
    const owner = r.cstr(nameOff, descOff) ?? latin1(r.bytes.subarray(nameOff, Math.min(descOff, nameOff + 32)));
    if (owner !== 'Xen') {
      p.foreignOwners.set(owner, (p.foreignOwners.get(owner) ?? 0) + 1);
      continue;
    }
    xen++;
    if (!p.noteLocations.includes(where)) p.noteLocations.push(where);
    applyNote(r, p, type, descOff, descsz, where, noteOff, pastEnd);
    if (pastEnd) break;
  }
  return xen;
}

const align4 = (n: number): number => Math.ceil(n / 4) * 4;

/** One "Xen" note, with the effect elf_xen_parse_note gives it. */
function applyNote(r: ByteReader, p: XenParams, type: number, descOff: number, descsz: number, where: string, fileOffset: number, pastEnd = false): void {
  const kind = NOTE_KINDS[type];
  if (!kind) {
    p.notes.push({ type, name: `type ${type}`, kind: 'unknown', descsz, fileOffset, where });
    return;
  }
  if (kind.str) {
    // Past the end, libelf's elf_strval takes the NUL-terminated string wherever the file
    // holds it, and skips the note when the file ends first.
    let str = pastEnd ? (descOff < r.length ? r.cstr(descOff) : undefined) : r.cstr(descOff, descOff + descsz);
    if (str === undefined && pastEnd) {
      p.warnings.push(`${kind.name} note at ${hex(fileOffset)}: its string runs past the end of the file; ignored`);
      return;
    }
    if (str === undefined) {
      str = latin1(r.bytes.subarray(descOff, descOff + descsz));
      p.warnings.push(`${kind.name} note at ${hex(fileOffset)} is not NUL-terminated; its ${descsz} bytes are used`);
    }
    p.notes.push({ type, name: kind.name, kind: 'string', str, descsz, fileOffset, where });
    switch (type) {
      case XEN_ELFNOTE.LOADER: p.loader = str; break;
      case XEN_ELFNOTE.GUEST_OS: p.guestOs = str; break;
      case XEN_ELFNOTE.GUEST_VERSION: p.guestVersion = str; break;
      case XEN_ELFNOTE.XEN_VERSION: p.xenVersion = str; break;
      case XEN_ELFNOTE.PAE_MODE:
        // libelf: exactly "yes" means PAE with extended-cr3 (elfnote.h says a kernel new enough
        // for notes handles L3 tables above 4 GiB); "bimodal" anywhere (e.g. "yes,bimodal") means
        // bimodal; anything else leaves the mode as it was.
        if (str === 'yes') p.paeMode = 'extended';
        if (str.includes('bimodal')) p.paeMode = 'bimodal';
        if (str !== 'yes' && str !== 'no' && !str.includes('bimodal')) {
          p.warnings.push(`PAE_MODE note ${JSON.stringify(str)} is not one Xen recognises ("yes", "no", "bimodal"); PAE mode stays ${p.paeMode}`);
        }
        break;
      case XEN_ELFNOTE.BSD_SYMTAB: if (str === 'yes') p.bsdSymtab = true; break;
      case XEN_ELFNOTE.FEATURES: {
        const bad = parseFeatureString(str, p.features, p.warnings, 'FEATURES note');
        if (bad !== undefined) {
          throw new ImageError(`the kernel requires Xen feature ${JSON.stringify(bad)}, which Xen does not know (FEATURES note ${JSON.stringify(str)})`);
        }
        break;
      }
    }
    return;
  }
  let num = 0n;
  // libelf's bounds-checked reads give 0 for bytes outside the file.
  if (descOff + descsz > r.length) num = 0n;
  else if (descsz === 1) num = BigInt(r.u8(descOff));
  else if (descsz === 2) num = BigInt(r.u16(descOff));
  else if (descsz === 4) num = BigInt(r.u32(descOff));
  else if (descsz === 8) num = r.u64(descOff);
  else if (type !== XEN_ELFNOTE.SUPPORTED_FEATURES && type !== XEN_ELFNOTE.L1_MFN_VALID) {
    p.warnings.push(`${kind.name} note at ${hex(fileOffset)} has a ${descsz}-byte value; Xen reads only 1, 2, 4 or 8 byte numbers, so it is 0`);
  }
  p.notes.push({ type, name: kind.name, kind: 'numeric', num, descsz, fileOffset, where });
  switch (type) {
    case XEN_ELFNOTE.VIRT_BASE: p.virtBase = num; break;
    case XEN_ELFNOTE.ENTRY: p.virtEntry = num; break;
    case XEN_ELFNOTE.INIT_P2M: p.p2mBase = num; break;
    case XEN_ELFNOTE.MOD_START_PFN: p.unmappedInitrd = num !== 0n; break;
    case XEN_ELFNOTE.PADDR_OFFSET: p.paddrOffset = num; break;
    case XEN_ELFNOTE.HYPERCALL_PAGE: p.hypercallPage = num; break;
    case XEN_ELFNOTE.HV_START_LOW: p.hvStartLow = num; break;
    case XEN_ELFNOTE.SUSPEND_CANCEL: p.suspendCancel = num !== 0n; break;
    case XEN_ELFNOTE.PHYS32_ENTRY: p.phys32Entry = num; break;
    case XEN_ELFNOTE.SUPPORTED_FEATURES: {
      // An array of 32-bit words, one per feature submap (XENFEAT_NR_SUBMAPS is 1); a size that
      // is not a multiple of 4 contributes nothing, as in libelf's elf_note_numeric_array.
      const word = descsz % 4 === 0 && descsz >= 4 && descOff + 4 <= r.length ? r.u32(descOff) : 0;
      addFeatureBits(p.features, word, 0);
      break;
    }
  }
}

function addFeatureBits(f: XenFeatures, supported: number, required: number): void {
  f.supportedMask = (f.supportedMask | supported) >>> 0;
  f.requiredMask = (f.requiredMask | required) >>> 0;
  for (let bit = 0; bit < 32; bit++) {
    if (supported & (1 << bit)) f.supported.add(featureName(bit));
    if (required & (1 << bit)) f.required.add(featureName(bit));
  }
}

/** Apply a FEATURES string ('|'-separated names, '!' = required) as elf_xen_parse_features does,
 *  including its 63-character limit per name. Returns the first required feature that Xen does
 *  not know (the image is then refused), else undefined. */
export function parseFeatureString(str: string, f: XenFeatures, warnings: string[], what: string): string | undefined {
  let pos = 0;
  while (pos < str.length) {
    let len = 0, tok = '';
    for (;; len++) {
      if (len >= 63) break;
      const c = str[pos + len];
      if (c === undefined) break;
      if (c === '|') { len++; break; }
      tok += c;
    }
    pos += len;
    const required = tok.startsWith('!');
    const name = required ? tok.slice(1) : tok;
    const bit = LIBELF_FEATURE_BITS.get(name);
    if (bit !== undefined) {
      addFeatureBits(f, 1 << bit, required ? 1 << bit : 0);
    } else if (required) {
      return name;
    } else if (name !== '') {
      warnings.push(`${what} names feature ${JSON.stringify(name)}, which Xen does not know; ignored`);
    }
  }
  return undefined;
}

/** C's strtoull(s, NULL, 0): optional blanks and sign, then 0x/0X for hex, a leading 0 for octal,
 *  else decimal; stops at the first character that is not a digit; 0 when there are none;
 *  saturates at 2^64-1. libelf reads the legacy numbers this way. */
export function strtoull(s: string): bigint {
  let i = 0;
  while (i < s.length && ' \t\n\v\f\r'.includes(s[i])) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') { neg = s[i] === '-'; i++; }
  let base = 10n;
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && /[0-9a-fA-F]/.test(s[i + 2] ?? '')) { base = 16n; i += 2; }
  else if (s[i] === '0') base = 8n;
  let v = 0n, over = false;
  for (; i < s.length; i++) {
    const d = parseInt(s[i], 36);
    if (Number.isNaN(d) || BigInt(d) >= base) break;
    v = v * base + BigInt(d);
    if (v > MASK64) over = true;
  }
  if (over) return MASK64;
  return neg ? (-v) & MASK64 : v;
}

/** Parse the legacy __xen_guest string (NAME=VALUE pairs separated by ',') as
 *  elf_xen_parse_guest_info does, with its 31-character names and 127-character values. */
export function parseGuestInfo(info: string, p: XenParams): void {
  p.guestInfo = info;
  const pairs: [string, string][] = [];
  p.guestInfoPairs = pairs;
  let h = 0;
  const at = (k: number): string => info[k] ?? '\0';
  while (at(h) !== '\0') {
    let name = '', value = '';
    for (let len = 0; ; len++, h++) {
      if (len >= 31) break;
      const c = at(h);
      if (c === '\0') break;
      if (c === ',') { h++; break; }
      if (c === '=') {
        h++;
        for (let vl = 0; ; vl++, h++) {
          if (vl >= 127) break;
          const v = at(h);
          if (v === '\0') break;
          if (v === ',') { h++; break; }
          value += v;
        }
        break;
      }
      name += c;
    }
    pairs.push([name, value]);
    switch (name) {
      case 'LOADER': p.loader = value; break;
      case 'GUEST_OS': p.guestOs = value; break;
      case 'GUEST_VER': p.guestVersion = value; break;
      case 'XEN_VER': p.xenVersion = value; break;
      case 'PAE':
        // Legacy spelling: "yes[extended-cr3]" is PAE with extended-cr3, anything else starting
        // with "yes" is plain PAE (libelf does not read "bimodal" here).
        if (value === 'yes[extended-cr3]') p.paeMode = 'extended';
        else if (value.startsWith('yes')) p.paeMode = 'yes';
        break;
      case 'BSD_SYMTAB': p.bsdSymtab = true; break; // presence alone counts in the legacy string
      case 'VIRT_BASE': p.virtBase = strtoull(value); break;
      case 'VIRT_ENTRY': p.virtEntry = strtoull(value); break;
      case 'ELF_PADDR_OFFSET': p.paddrOffset = strtoull(value); break;
      // A page number, made virtual by adding VIRT_BASE once the whole string is read.
      case 'HYPERCALL_PAGE': p.hypercallPage = (strtoull(value) << 12n) & MASK64; break;
      case 'FEATURES': {
        const bad = parseFeatureString(value, p.features, p.warnings, '__xen_guest FEATURES');
        if (bad !== undefined) {
          // libelf stops reading the string here but, unlike for a note, does not fail the image
          // (elf_xen_parse ignores elf_xen_parse_guest_info's result).
          p.warnings.push(`__xen_guest FEATURES requires ${JSON.stringify(bad)}, which Xen does not know; as Xen, the rest of the string is not read`);
          h = info.length;
        }
        break;
      }
    }
  }
  if (p.virtBase !== undefined && p.hypercallPage !== undefined) p.hypercallPage = (p.hypercallPage + p.virtBase) & MASK64;
}
