// Kernel images: ELF32 i386 (optionally gzip-compressed) with Xen ELF notes (PT_NOTE segments or
// SHT_NOTE sections, owner "Xen", public/elfnote.h) or the legacy `__xen_guest` string, read the
// way Xen's libelf does. Malformed input is an ImageError with one clear line, never a crash.
import { gunzipSync } from 'node:zlib';

export class ImageError extends Error { override name = 'ImageError'; }

export interface Segment { vaddr: number; paddr: number; fileOffset: number; filesz: number; memsz: number; flags: number; }
export interface KernelImage {
  entry: number;
  virtBase: number;
  paddrOffset: number;
  hypercallPage?: number;
  paeMode: 'no' | 'yes' | 'bimodal' | 'extended';
  guestOs: string;
  guestVersion: string;
  xenVersion: string;
  loader: string;
  features: string;
  segments: Segment[];
  notesSource: 'notes' | '__xen_guest';
  warnings: string[];
  /** The ELF bytes (decompressed when the file was gzip). */
  loadBytes: Uint8Array;
}

const MAX_GUNZIP = 256 << 20;
const PT_LOAD = 1, PT_NOTE = 4, SHT_NOTE = 7;
// XEN_ELFNOTE_* (public/elfnote.h)
const N_ENTRY = 1, N_HYPERCALL_PAGE = 2, N_VIRT_BASE = 3, N_PADDR_OFFSET = 4, N_XEN_VERSION = 5,
  N_GUEST_OS = 6, N_GUEST_VERSION = 7, N_LOADER = 8, N_PAE_MODE = 9, N_FEATURES = 10;

export function loadKernelImage(file: Uint8Array): KernelImage {
  let b = file;
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) {
    try { b = new Uint8Array(gunzipSync(b, { maxOutputLength: MAX_GUNZIP })); } catch (e) { throw new ImageError(`gzip-compressed image does not decompress: ${(e as Error).message}`); }
  }
  if (b.length < 52 || b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) throw new ImageError('not an ELF image');
  if (b[4] === 2) throw new ImageError('this is a 64-bit kernel; xenjit runs 32-bit PV guests');
  if (b[4] !== 1 || b[5] !== 1) throw new ImageError('not a 32-bit little-endian ELF image');
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u16 = (o: number): number => v.getUint16(o, true), u32 = (o: number): number => v.getUint32(o, true);
  if (u16(18) !== 3) throw new ImageError(`not an i386 kernel (ELF machine ${u16(18)})`);
  const phoff = u32(28), phentsize = u16(42), phnum = u16(44), shoff = u32(32), shentsize = u16(46), shnum = u16(48), shstrndx = u16(50);
  const inFile = (off: number, len: number): boolean => off >= 0 && len >= 0 && off + len <= b.length;
  if (phnum === 0 || phentsize < 32 || !inFile(phoff, phnum * phentsize)) throw new ImageError('program headers are missing or outside the file');
  const segments: Segment[] = [];
  const noteRanges: [number, number][] = [];
  for (let k = 0; k < phnum; k++) {
    const o = phoff + k * phentsize;
    const type = u32(o), off = u32(o + 4), vaddr = u32(o + 8), paddr = u32(o + 12), filesz = u32(o + 16), memsz = u32(o + 20), flags = u32(o + 24);
    if (type === PT_LOAD) {
      if (!inFile(off, filesz) || filesz > memsz) throw new ImageError(`load segment ${k} lies outside the file or is larger in the file than in memory`);
      segments.push({ vaddr, paddr, fileOffset: off, filesz, memsz, flags });
    } else if (type === PT_NOTE) noteRanges.push([off, filesz]);
  }
  if (segments.length === 0) throw new ImageError('no loadable segment');
  let xenGuest: string | undefined;
  if (shnum > 0 && shentsize >= 40 && inFile(shoff, shnum * shentsize)) {
    const sh = (k: number): number => shoff + k * shentsize;
    const strOff = shstrndx < shnum ? u32(sh(shstrndx) + 16) : -1;
    const name = (n: number): string => {
      if (strOff < 0 || !inFile(strOff + n, 1)) return '';
      let s = '';
      for (let p = strOff + n; p < b.length && b[p] !== 0 && s.length < 64; p++) s += String.fromCharCode(b[p]);
      return s;
    };
    for (let k = 0; k < shnum; k++) {
      const o = sh(k), type = u32(o + 4), off = u32(o + 16), size = u32(o + 20);
      if (type === SHT_NOTE && noteRanges.length === 0) noteRanges.push([off, size]);
      if (name(u32(o)) === '__xen_guest' && inFile(off, Math.min(size, b.length - off))) {
        xenGuest = String.fromCharCode(...b.subarray(off, off + Math.min(size, 4096))).replace(/\0.*$/s, '');
      }
    }
  }
  const warnings: string[] = [];
  const notes = new Map<number, Uint8Array>();
  for (const [off, len] of noteRanges) {
    let p = off;
    const end = Math.min(off + len, b.length);
    while (p + 12 <= end) {
      const namesz = u32(p), descsz = u32(p + 4), type = u32(p + 8);
      const nameOff = p + 12, descOff = nameOff + ((namesz + 3) & ~3), next = descOff + ((descsz + 3) & ~3);
      // A note running past its segment ends the list; what was read is kept (libelf does so).
      if (descOff + descsz > end) { warnings.push('a Xen note runs past the end of its segment; later notes ignored'); break; }
      const owner = String.fromCharCode(...b.subarray(nameOff, nameOff + Math.max(0, namesz - 1)));
      if (owner === 'Xen') notes.set(type, b.subarray(descOff, descOff + descsz));
      p = next;
    }
  }
  const str = (t: number): string | undefined => { const d = notes.get(t); return d ? String.fromCharCode(...d).replace(/\0.*$/s, '') : undefined; };
  const num = (t: number): number | undefined => { const d = notes.get(t); if (!d || (d.length !== 4 && d.length !== 8)) return undefined; return new DataView(d.buffer, d.byteOffset, 4).getUint32(0, true); };
  const entryHdr = u32(24);
  let img: Omit<KernelImage, 'segments' | 'warnings' | 'loadBytes'>;
  if (notes.size > 0 && notes.has(N_XEN_VERSION) || notes.has(N_GUEST_OS)) {
    const virtBase = num(N_VIRT_BASE) ?? 0;
    img = {
      entry: num(N_ENTRY) ?? entryHdr, virtBase, paddrOffset: num(N_PADDR_OFFSET) ?? virtBase,
      hypercallPage: num(N_HYPERCALL_PAGE), paeMode: paeMode(str(N_PAE_MODE)), guestOs: str(N_GUEST_OS) ?? '',
      guestVersion: str(N_GUEST_VERSION) ?? '', xenVersion: str(N_XEN_VERSION) ?? '', loader: str(N_LOADER) ?? '',
      features: str(N_FEATURES) ?? '', notesSource: 'notes',
    };
  } else if (xenGuest !== undefined) {
    const kv = new Map(xenGuest.split(',').map((x) => { const i = x.indexOf('='); return i < 0 ? [x, ''] : [x.slice(0, i), x.slice(i + 1)]; }));
    const hex = (k: string): number | undefined => (kv.has(k) ? Number(kv.get(k)) >>> 0 : undefined);
    const virtBase = hex('VIRT_BASE') ?? 0;
    const hcp = hex('HYPERCALL_PAGE');
    img = {
      entry: entryHdr, virtBase, paddrOffset: hex('ELF_PADDR_OFFSET') ?? virtBase,
      hypercallPage: hcp === undefined ? undefined : (virtBase + hcp * 4096) >>> 0, paeMode: paeMode(kv.get('PAE')),
      guestOs: kv.get('GUEST_OS') ?? '', guestVersion: kv.get('GUEST_VER') ?? '', xenVersion: kv.get('XEN_VER') ?? '',
      loader: kv.get('LOADER') ?? '', features: kv.get('FEATURES') ?? '', notesSource: '__xen_guest',
    };
  } else throw new ImageError('no Xen ELF notes and no __xen_guest section: not a Xen PV kernel');
  if (img.xenVersion && img.xenVersion !== 'xen-3.0') throw new ImageError(`built for ${img.xenVersion}, not the xen-3.0 interface`);
  if (img.guestOs !== 'linux' && !img.loader.includes('generic') && img.guestOs !== 'Mini-OS') warnings.push(`guest OS "${img.guestOs}" with loader "${img.loader}"`);
  // Segments load at vaddr = paddr - paddr_offset + virt_base (libelf's elf_xen_parse...).
  const segs = segments.map((s) => ({ ...s, vaddr: (s.paddr - img.paddrOffset + img.virtBase) >>> 0 }));
  return { ...img, segments: segs, warnings, loadBytes: b };
}

function paeMode(s: string | undefined): KernelImage['paeMode'] {
  if (!s || s === 'no') return s ? 'no' : 'no';
  if (s.startsWith('yes')) return s.includes('extended') ? 'extended' : 'yes';
  if (s === 'bimodal') return 'bimodal';
  return 'no';
}
