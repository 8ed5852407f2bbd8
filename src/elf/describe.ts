// A human-readable summary of a loaded kernel image (for `xenjit info` and error reports).
import type { KernelImage } from './image.ts';
import { symbolAt, PF_R, PF_W, PF_X } from './elf32.ts';

const h = (v: number): string => `0x${(v >>> 0).toString(16)}`;

function size(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n >> 20} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n >> 10} KiB`;
  return `${n} bytes`;
}

const PAE_TEXT: Record<KernelImage['paeMode'], string> = {
  no: 'no (2-level page tables)',
  yes: 'yes (PAE; legacy, page directory below 4 GiB)',
  bimodal: 'bimodal (runs with or without PAE)',
  extended: 'extended (PAE; page directory may be above 4 GiB)',
};

function flags(f: number): string {
  return `${f & PF_R ? 'R' : '-'}${f & PF_W ? 'W' : '-'}${f & PF_X ? 'X' : '-'}`;
}

/** Multi-line description of `img`: identity, addresses, features, segments, symbols, warnings. */
export function describeImage(img: KernelImage): string {
  const lines: string[] = [];
  const row = (label: string, text: string): void => { lines.push(`  ${(label + ':').padEnd(16)}${text}`); };

  const guest = [img.guestOs || '(no GUEST_OS)', img.guestVersion].filter(Boolean).join(' ');
  lines.push(`Xen PV kernel: ${guest}, for ${img.xenVersion}, loader ${img.loader || '(none)'}`);
  const packed = img.compression === 'gzip' ? `, gzip-compressed (${img.fileSize} bytes)`
    : img.compression === 'bzImage+gzip' ? `, bzImage with a gzip payload (${img.fileSize} bytes)` : '';
  row('file', `ELF32 i386, ${img.loadBytes.length} bytes${packed}`);
  row('Xen info from', img.notesSource === 'notes' ? `ELF notes (${img.noteLocations.join(', ')})` : 'the legacy __xen_guest string');
  if (img.guestInfo !== undefined) row('__xen_guest', JSON.stringify(img.guestInfo));

  const at = symbolAt(img.symbols, img.entry);
  const entryName = at && at.offset === 0 ? ` (${at.symbol.name})` : '';
  row('entry', `${h(img.entry)}${entryName}${img.entry !== img.elfEntry ? `; the ELF header says ${h(img.elfEntry)}` : ''}`);
  row('virt base', `${h(img.virtBase)}, paddr offset ${h(img.paddrOffset)}`);
  const span = img.virtKernelEnd - img.virtKernelStart;
  row('kernel', `${h(img.virtKernelStart)}-${h(img.virtKernelEnd)} (${size(span)} in ${img.segments.length} segment${img.segments.length === 1 ? '' : 's'})`);
  row('hypercall page', img.hypercallPage === undefined ? 'none' : h(img.hypercallPage));
  row('PAE', PAE_TEXT[img.paeMode]);

  const feats = [...img.features.supported].map((f) => (img.features.required.has(f) ? `${f} (required)` : f));
  row('features', feats.length ? feats.join(', ') : 'none');
  if (img.hvStartLow !== undefined) row('HV start low', h(img.hvStartLow));
  if (img.p2mBase !== undefined) row('P2M at', h(img.p2mBase));
  if (img.phys32Entry !== undefined) row('PVH entry', h(img.phys32Entry));
  const also = [img.suspendCancel && 'suspend cancel', img.unmappedInitrd && 'unmapped initrd (MOD_START_PFN)',
    img.bsdSymtabRequested && (img.bsdSymtab ? `BSD symbol table at ${h(img.bsdSymtab.vaddr)} (${img.bsdSymtab.size} bytes)` : 'BSD symbol table (none in the image)')]
    .filter((x): x is string => !!x);
  if (also.length) row('also', also.join(', '));

  lines.push('  segments:');
  for (const s of img.segments) {
    const bss = s.memsz > s.filesz ? `, ${h(s.memsz - s.filesz)} zero-filled` : '';
    lines.push(`    [${s.index}] ${h(s.vaddr)}-${h(s.vaddr + s.memsz)} ${flags(s.flags)}  ${h(s.filesz)} bytes from file offset ${h(s.fileOffset)}${bss} (paddr ${h(s.paddr)})`);
  }
  row('symbols', img.symbols.length === 0 ? 'none' : `${img.symbols.length}`);
  if (img.warnings.length) {
    lines.push('  warnings:');
    for (const w of img.warnings) lines.push(`    - ${w}`);
  }
  return lines.join('\n');
}
