// From a parsed kernel image (src/elf) to what the domain builder loads.
import type { BootImage } from './builder.ts';
import type { KernelImage } from '../src/elf/image.ts';

export function bootImageFrom(img: KernelImage, bytes: Uint8Array, cmdline = '', module?: Uint8Array): BootImage {
  return {
    entry: img.entry,
    virtBase: img.virtBase,
    hypercallPage: img.hypercallPage,
    cmdline,
    module,
    segments: img.segments.map((s) => ({
      // Segments load at their virtual addresses: paddr + (virt_base - paddr_offset) as libelf does.
      vaddr: s.vaddr,
      data: bytes.subarray(s.fileOffset, s.fileOffset + s.filesz),
      memsz: s.memsz,
    })),
  };
}
