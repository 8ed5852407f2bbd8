// A booted domain with the MMU plugin and no kernel to speak of, for unit tests of the PV MMU:
// the builder's boot tables are adopted, and the padding pages after the boot stack (mapped
// writable, unused) serve as scratch frames and argument buffers.
import { Machine } from '../../runtime/machine.ts';
import { mmuPlugin, pvMmu, type PvMmu } from '../../runtime/mmu/index.ts';
import type { StartOfDay } from '../../runtime/builder.ts';
import type { Domain } from '../../runtime/domain.ts';
import { PAGE } from '../../runtime/domain.ts';
import { copyToGuest, readGuest32 } from '../../runtime/guest-memory.ts';
import type { Plugin } from '../../runtime/machine.ts';

export const P = 1, RW = 2, US = 4, PWT = 8, A = 0x20, D = 0x40, PS = 0x80, G = 0x100;
export const EPERM = -1, ESRCH = -3, EFAULT = -14, EBUSY = -16, EINVAL = -22, ENOSYS = -38;

export interface Fixture {
  m: Machine; d: Domain; mmu: PvMmu; sod: StartOfDay;
  /** Scratch page k (virtual address), k >= 0; page 0 is the argument buffer. */
  va(k: number): number;
  /** Machine frame behind a virtual address of the boot mapping. */
  mfnOfVa(va: number): number;
  /** Machine address of the L1 entry mapping `va`. */
  l1eMaddr(va: number): number;
  call(nr: number, args: number[]): number;
  /** Write 32-bit words to guest memory at va. */
  put(va: number, words: number[]): void;
  get(va: number): number;
}

export function fixture(opts: { pae?: boolean; plugins?: Plugin[]; code?: number[] } = {}): Fixture {
  const m = new Machine({ memoryMiB: 8, pae: opts.pae ?? true, p2m: 'shuffle', seed: 7, jit: { singleStep: true }, plugins: opts.plugins ?? [mmuPlugin] });
  const base = 0xc0000000;
  const text = new Uint8Array(PAGE);
  text.set(opts.code ?? [0xeb, 0xfe]);
  const sod = m.boot({ entry: base, virtBase: base, segments: [{ vaddr: base, data: text, memsz: PAGE }], cmdline: '' });
  const d = m.domain, mmu = pvMmu(d)!;
  const mfnOfVa = (va: number): number => d.p2m[((va >>> 0) - base) >>> 12];
  const f: Fixture = {
    m, d, mmu, sod,
    va: (k) => sod.stackTop + k * PAGE,
    mfnOfVa,
    l1eMaddr: (va) => mmu.l1eAddr(va),
    call: (nr, args) => m.hypercalls.get(nr)!.handler(d, args),
    put: (va, words) => {
      const b = new Uint8Array(words.length * 4), v = new DataView(b.buffer);
      words.forEach((w, i) => v.setInt32(i * 4, w, true));
      if (!copyToGuest(d, va, b)) throw new Error(`cannot write 0x${(va >>> 0).toString(16)}`);
    },
    get: (va) => readGuest32(d, va)!,
  };
  return f;
}

/** A PAE entry for frame `mfn` as [lo, hi]. */
export const pte = (mfn: number, flags: number): [number, number] => [((mfn * PAGE) | flags) | 0, Math.floor(mfn / 0x100000)];
