// Kernels made of random bytes: whatever they do, the runtime neither throws nor hangs, and
// the hypervisor's own state (M2P table, reserved GDT page, the window's M2P mapping) stays
// intact. Run in both JIT modes.
import { describe, it, expect } from 'vitest';
import { Machine } from '../../runtime/machine.ts';
import { defaultPlugins } from '../../runtime/plugins.ts';
import { PAGE } from '../../runtime/domain.ts';

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
}

describe('random-bytes kernels', () => {
  for (const singleStep of [false, true]) {
    it(`never break the hypervisor (${singleStep ? 'single-step' : 'block JIT'})`, { timeout: 120_000 }, () => {
      const ends = new Map<string, number>();
      for (let seed = 1; seed <= 60; seed++) {
        const r = rng(seed * 7919);
        // Biased towards instructions a kernel uses: hypercall-page calls and int $0x82 often.
        const code = new Uint8Array(3 * PAGE);
        for (let k = 0; k < code.length; k++) code[k] = r() & 0xff;
        for (let k = 0; k < 64; k++) { const at = r() % (code.length - 8); code.set([0xb8, r() % 40, 0, 0, 0, 0xcd, 0x82], at); }
        const m = new Machine({ memoryMiB: 8, pae: true, p2m: 'shuffle', seed, jit: { singleStep }, plugins: defaultPlugins({ clock: 'virtual' }) });
        m.domain.consoleOut = () => {};
        m.boot({ entry: 0xc0001000, virtBase: 0xc0000000, hypercallPage: 0xc0000000, cmdline: '', segments: [{ vaddr: 0xc0001000, data: code, memsz: code.length }] });
        const d = m.domain, c = d.cpu;
        const m2p = c.mem.slice(d.xen.m2p * PAGE, (d.xen.m2p + d.xen.m2pFrames) * PAGE);
        const gdt = c.mem.slice(d.xen.gdtReserved * PAGE, (d.xen.gdtReserved + 1) * PAGE);
        const window = c.windowPages!.slice(0, d.xen.m2pFrames);
        let end = '';
        expect(() => { end = m.run({ maxInstructions: 300_000, timeoutSeconds: 30, slice: 50_000 }); }).not.toThrow();
        ends.set(end, (ends.get(end) ?? 0) + 1);
        expect(Buffer.compare(c.mem.subarray(d.xen.gdtReserved * PAGE, (d.xen.gdtReserved + 1) * PAGE), gdt)).toBe(0);
        expect([...c.windowPages!.slice(0, d.xen.m2pFrames)]).toEqual([...window]);
        // The M2P only changes through MMU_MACHPHYS_UPDATE of the domain's own frames.
        let changedXen = 0;
        for (let mfn = 0; mfn < d.totalFrames; mfn++) {
          const before = new DataView(m2p.buffer).getInt32(mfn * 4, true), after = d.pfnOf(mfn);
          if (before !== after && !d.ownsFrame(mfn)) changedXen++;
        }
        expect(changedXen).toBe(0);
      }
      expect(ends.size).toBeGreaterThan(0);
      console.log(`random kernels (${singleStep ? 'single-step' : 'block'}):`, Object.fromEntries(ends));
      expect([...ends.keys()].every((e) => ['crash', 'poweroff', 'reboot', 'suspend', 'watchdog', 'soft_reset', 'instruction-limit', 'deadlock', 'halted'].includes(e))).toBe(true);
    });
  }
});
