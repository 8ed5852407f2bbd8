// The domain builder's copy of the kernel's segments and the module into guest frames that are
// not contiguous (a shuffled P2M): every byte at its virtual address, the bss zero even over
// frames that held something, the module at start_info's mod_start.
import { describe, it, expect } from 'vitest';
import { Machine } from '../../runtime/machine.ts';
import { PAGE } from '../../runtime/domain.ts';
import { START_INFO } from '../../runtime/abi/xen.ts';

describe('domain builder: loading the image', () => {
  it('puts segment bytes, the zero-filled rest and the module where the guest looks for them', () => {
    const m = new Machine({ memoryMiB: 8, pae: true, p2m: 'shuffle', seed: 3, jit: { singleStep: true }, plugins: [] });
    const d = m.domain, c = d.cpu;
    c.mem.fill(0xaa); // frames that held something: the bss must not show it
    const base = 0xc0000000;
    const pattern = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, k) => (k * 31 + seed + (k >> 8)) & 0xff);
    // A segment from an unaligned address over several pages, its file bytes ending mid-page
    // and its bss running into a second segment's page.
    const text = pattern(3 * PAGE + 123, 1), data = pattern(700, 2), mod = pattern(2 * PAGE + 5, 3);
    const segs = [
      { vaddr: base, data: text, memsz: text.length },
      { vaddr: base + 4 * PAGE + 0x10, data, memsz: data.length + PAGE + 77 },
    ];
    const sod = m.boot({ entry: base, virtBase: base, segments: segs, module: mod, cmdline: '' });
    const at = (va: number): number => c.mem[d.mfnOf(((va >>> 0) - base) >>> 12) * PAGE + (va & 0xfff)];
    const bytesAt = (va: number, n: number): number[] => Array.from({ length: n }, (_, k) => at(va + k));
    // The frames are not in order (otherwise this would not test the per-page copy).
    expect(d.mfnOf(1)).not.toBe(d.mfnOf(0) + 1);
    expect(bytesAt(base, text.length)).toEqual(Array.from(text));
    expect(bytesAt(base + 4 * PAGE + 0x10, data.length)).toEqual(Array.from(data));
    expect(bytesAt(base + 4 * PAGE + 0x10 + data.length, PAGE + 77).every((b) => b === 0)).toBe(true);
    const si = d.mfnOf((sod.startInfo - base) >>> 12) * PAGE;
    const modStart = c.view.getUint32(si + START_INFO.mod_start, true), modLen = c.view.getUint32(si + START_INFO.mod_len, true);
    expect(modLen).toBe(mod.length);
    expect(bytesAt(modStart, mod.length)).toEqual(Array.from(mod));
  });
});
