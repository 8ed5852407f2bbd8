// describeImage: the summary `xenjit info` prints, checked line for line.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadKernelImage } from '../../src/elf/image.ts';
import { describeImage } from '../../src/elf/describe.ts';
import { kernel, notesWithout, numNote, strNote, N, TEXT_VA } from './support.ts';

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', name)));

describe('describeImage', () => {
  it('a gzip-compressed Linux-style kernel', () => {
    expect(describeImage(loadKernelImage(fixture('linux-notes.elf.gz')))).toBe([
      'Xen PV kernel: linux 2.6, for xen-3.0, loader generic',
      '  file:           ELF32 i386, 17836 bytes, gzip-compressed (948 bytes)',
      '  Xen info from:  ELF notes (PT_NOTE segment 2)',
      '  entry:          0xc1000010 (startup_xen); the ELF header says 0x1000000',
      '  virt base:      0xc0000000, paddr offset 0x0',
      '  kernel:         0xc1000000-0xc1006000 (24 KiB in 2 segments)',
      '  hypercall page: 0xc1001000',
      '  PAE:            extended (PAE; page directory may be above 4 GiB)',
      '  features:       writable_page_tables (required), pae_pgdir_above_4gb, dom0',
      '  HV start low:   0xf5800000',
      '  also:           suspend cancel, unmapped initrd (MOD_START_PFN)',
      '  segments:',
      '    [0] 0xc1000000-0xc100216c R-X  0x216c bytes from file offset 0x1000 (paddr 0x1000000)',
      '    [1] 0xc1003000-0xc1005030 RW-  0x14 bytes from file offset 0x4000, 0x201c zero-filled (paddr 0x1003000)',
      '  symbols:        39',
      '  warnings:',
      '    - the ENTRY note (0xc1000010) differs from e_entry (0x1000000); Xen uses 0xc1000010',
    ].join('\n'));
  });

  it('a legacy __xen_guest kernel with a BSD symbol table', () => {
    expect(describeImage(loadKernelImage(fixture('legacy-netbsd.elf')))).toBe([
      'Xen PV kernel: NetBSD 3.0, for xen-3.0, loader generic',
      '  file:           ELF32 i386, 13044 bytes',
      '  Xen info from:  the legacy __xen_guest string',
      '  __xen_guest:    "GUEST_OS=NetBSD,GUEST_VER=3.0,XEN_VER=xen-3.0,LOADER=generic,VIRT_BASE=0xc0000000,ELF_PADDR_OFFSET=0xc0000000,VIRT_ENTRY=0xc0000000,HYPERCALL_PAGE=0x1,PAE=yes,BSD_SYMTAB"',
      '  entry:          0xc0000000 (start)',
      '  virt base:      0xc0000000, paddr offset 0xc0000000',
      '  kernel:         0xc0000000-0xc0004000 (16 KiB in 2 segments)',
      '  hypercall page: 0xc0001000',
      '  PAE:            yes (PAE; legacy, page directory below 4 GiB)',
      '  features:       none',
      '  also:           BSD symbol table at 0xc0003010 (380 bytes)',
      '  segments:',
      '    [0] 0xc0000000-0xc0002000 R-X  0x2000 bytes from file offset 0x1000 (paddr 0xc0000000)',
      '    [1] 0xc0002000-0xc0003010 RW-  0x4 bytes from file offset 0x3000, 0x100c zero-filled (paddr 0xc0002000)',
      '  symbols:        6',
    ].join('\n'));
  });

  it('a non-PAE kernel without a hypercall page, with P2M and PVH entries and warnings', () => {
    const img = loadKernelImage(kernel({
      entry: TEXT_VA + 0x10,
      notes: [...notesWithout([N.HYPERCALL_PAGE, N.FEATURES, N.PAE_MODE, N.GUEST_VERSION]), numNote(N.INIT_P2M, 0xd0000000),
        numNote(N.PHYS32_ENTRY, 0x100000), strNote(N.PAE_MODE, 'no'), strNote(N.FEATURES, 'writable_page_tables|hvm_pirqs'),
        numNote(N.ENTRY, 0xc0100040, 4, 'XEN')],
    }).bytes);
    expect(describeImage(img)).toBe([
      'Xen PV kernel: linux, for xen-3.0, loader generic',
      '  file:           ELF32 i386, 8944 bytes',
      '  Xen info from:  ELF notes (PT_NOTE segment 2)',
      '  entry:          0xc0100010',
      '  virt base:      0xc0000000, paddr offset 0x0',
      '  kernel:         0xc0100000-0xc0103000 (12 KiB in 2 segments)',
      '  hypercall page: none',
      '  PAE:            no (2-level page tables)',
      '  features:       writable_page_tables',
      '  P2M at:         0xd0000000',
      '  PVH entry:      0x100000',
      '  segments:',
      '    [0] 0xc0100000-0xc0102000 R-X  0x2000 bytes from file offset 0xa0 (paddr 0x100000)',
      '    [1] 0xc0102000-0xc0103000 RW-  0x100 bytes from file offset 0x20a0, 0xf00 zero-filled (paddr 0x102000)',
      '  symbols:        none',
      '  warnings:',
      '    - FEATURES note names feature "hvm_pirqs", which Xen does not know; ignored',
      '    - 1 note(s) with owner "XEN" (not "Xen") ignored',
    ].join('\n'));
  });
});
