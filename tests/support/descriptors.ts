// Helpers shared by the protected-mode unit tests: descriptor encoding, entering a privilege
// level with caches loaded from the GDT, and running one instruction through its semantics.
import { Cpu, ATTR_DB } from '../../src/cpu/state.ts';
import { CS, SS } from '../../src/cpu/regs.ts';
import { decodeBytes, type Insn } from '../../src/decode/decoder.ts';
import { EXEC } from '../../src/semantics/index.ts';
import { fetchDescriptor, loadCache, setCpl, Descriptor } from '../../src/cpu/descriptors.ts';

/** A code/data/system segment descriptor (SDM vol. 3 §3.4.5) as its two dwords. */
export function segDesc(base: number, limit: number, type: number, dpl: number, o: { s?: number; p?: number; db?: number; g?: number } = {}): [number, number] {
  const s = o.s ?? 1, p = o.p ?? 1, db = o.db ?? 1, g = o.g ?? 0;
  const lo = (limit & 0xffff) | ((base & 0xffff) << 16);
  const hi = ((base >>> 16) & 0xff) | (type << 8) | (s << 12) | (dpl << 13) | (p << 15) | (limit & 0xf0000) |
    (db << 22) | (g << 23) | (base & 0xff000000);
  return [lo | 0, hi | 0];
}

/** Put the CPU at privilege `cpl` with the given CS and SS (descriptor caches from the GDT). */
export function enter(c: Cpu, cpl: number, cs: number, ss: number): void {
  setCpl(c, cpl);
  const d = new Descriptor();
  loadCache(c, CS, cs | cpl, fetchDescriptor(c, cs, d));
  loadCache(c, SS, ss | cpl, fetchDescriptor(c, ss, d));
}

/** Decode `bytes` at `eip` and run the instruction's semantics once. */
export function exec(c: Cpu, bytes: number[], eip = 0x100): Insn {
  const i = decodeBytes(bytes, eip, (c.sattr[CS] & ATTR_DB) !== 0);
  c.eip = i.eip;
  EXEC[i.row.index](c, i);
  return i;
}
