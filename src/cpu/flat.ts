// A ready-made protected-mode state with flat 4 GiB segments, for tests, benchmarks and the
// oracle harness (an embedder such as the Xen runtime builds its own GDT instead).
import { Cpu, ATTR_P, ATTR_S, ATTR_DB, ATTR_G } from './state.ts';
import { CS, SS, DS, ES, FS, GS, CR0_PE } from './regs.ts';
import { selectTlb } from './paging.ts';

/** Load flat code/data descriptor caches at privilege `cpl` with the given selectors. */
export function setFlatSegments(c: Cpu, cpl: number, sel: { cs?: number; ss?: number; ds?: number } = {}): void {
  c.cr0 |= CR0_PE;
  const dpl = cpl << 5;
  for (const s of [ES, CS, SS, DS, FS, GS]) {
    c.sbase[s] = 0; c.slimit[s] = -1;
    c.sattr[s] = ATTR_P | ATTR_S | ATTR_DB | ATTR_G | dpl | (s === CS ? 0xb : 0x3);
  }
  c.sel[CS] = sel.cs ?? ((1 << 3) | cpl);
  c.sel[SS] = sel.ss ?? ((2 << 3) | cpl);
  for (const s of [DS, ES, FS, GS]) c.sel[s] = sel.ds ?? ((2 << 3) | cpl);
  c.cpl = cpl;
  selectTlb(c);
}
