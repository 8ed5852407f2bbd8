// The PV MMU test kernel (tests/guests/pv/mmu.asm) under the full runtime, in both JIT modes.
import { describe, it, expect } from 'vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const ready = existsSync(root + 'src/elf/image.ts') && existsSync(root + 'tests/support/pv.ts');

describe.skipIf(!ready)('mmu.elf', () => {
  for (const singleStep of [false, true]) {
    it(`pins, remaps, gets Xen's errno for each rejection (${singleStep ? 'single-step' : 'blocks'})`, async () => {
      const { runKernel } = await import('../support/pv.ts');
      const { defaultPlugins } = await import('../../runtime/plugins.ts');
      const { mmuPlugin } = await import('../../runtime/mmu/index.ts');
      const plugins = defaultPlugins({ clock: 'virtual' });
      if (!plugins.some((p) => p.name === 'mmu')) plugins.push(mmuPlugin);
      const r = runKernel(root + 'tests/guests/pv/mmu.elf', { singleStep, plugins });
      expect(r.output).toContain('XENJIT-TEST mmu: PASS');
      expect(r.end).toBe('poweroff');
    });
  }
});
