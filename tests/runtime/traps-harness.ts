// A PV domain with only the traps plugin, booted from a few hand-assembled pages: the
// hypercall page at VIRT, kernel code at KCODE, data at KDATA, and a user code page and user
// stack page made user-accessible by editing their PAE L1 entries directly (there is no MMU
// plugin here to do it through update_va_mapping).
import { Machine } from '../../runtime/machine.ts';
import { trapsPlugin } from '../../runtime/traps/index.ts';
import { mmuPlugin } from '../../runtime/mmu/index.ts';
import { trapState } from '../../runtime/traps/state.ts';
import type { Domain } from '../../runtime/domain.ts';
import type { RunEnd } from '../../runtime/run.ts';
import { readLin, writeLin } from '../../src/cpu/memory.ts';
import { translate, flushAll } from '../../src/cpu/paging.ts';

export const VIRT = 0xc0000000;
export const HCALL = VIRT;
export const KCODE = VIRT + 0x1000;
export const KDATA = VIRT + 0x3000;
export const UCODE = VIRT + 0x5000;
export const USTACK = VIRT + 0x6000;
export const USTACK_TOP = VIRT + 0x7000;
export const IRET_ENTRY = HCALL + 23 * 32;
export const FLAT_RING1_CS = 0xe019, FLAT_RING1_DS = 0xe021, FLAT_RING3_CS = 0xe02b, FLAT_RING3_DS = 0xe033;

/** A minimal x86 byte emitter with labels and rel32 fixups. */
export class Asm {
  readonly bytes: number[] = [];
  private labels = new Map<string, number>();
  private fixups: { at: number; label: string; end: number; abs?: boolean }[] = [];
  constructor(readonly org: number) {}
  get here(): number { return (this.org + this.bytes.length) >>> 0; }
  b(...xs: number[]): this { for (const x of xs) this.bytes.push(x & 0xff); return this; }
  d(v: number): this { return this.b(v, v >>> 8, v >>> 16, v >>> 24); }
  label(name: string): this { this.labels.set(name, this.here); return this; }
  addr(name: string): number { const a = this.labels.get(name); if (a === undefined) throw new Error(`no label ${name}`); return a; }
  private rel(op: number[], target: number | string): this {
    this.b(...op);
    if (typeof target === 'number') { this.d((target - (this.here + 4)) | 0); return this; }
    this.fixups.push({ at: this.bytes.length, label: target, end: this.bytes.length + 4 });
    return this.d(0);
  }
  /** The absolute address of a label, filled in by resolve(). */
  abs(label: string): this { this.fixups.push({ at: this.bytes.length, label, end: 0, abs: true }); return this.d(0); }
  jmp(target: number | string): this { return this.rel([0xe9], target); }
  call(target: number | string): this { return this.rel([0xe8], target); }
  jne(target: number | string): this { return this.rel([0x0f, 0x85], target); }
  /** jmp $ */
  spin(): this { return this.b(0xeb, 0xfe); }
  movEax(v: number): this { return this.b(0xb8).d(v); }
  movEbx(v: number): this { return this.b(0xbb).d(v); }
  movEcx(v: number | string): this { return typeof v === 'string' ? this.b(0xb9).abs(v) : this.b(0xb9).d(v); }
  movEdx(v: number): this { return this.b(0xba).d(v); }
  movEsi(v: number | string): this { return typeof v === 'string' ? this.b(0xbe).abs(v) : this.b(0xbe).d(v); }
  push(v: number | string): this { return typeof v === 'string' ? this.b(0x68).abs(v) : this.b(0x68).d(v); }
  /** mov [abs], eax */
  storeEax(a: number): this { return this.b(0xa3).d(a); }
  hypercall(nr: number): this { return this.call(HCALL + nr * 32); }
  /** The iret frame for EIP, CS, EFLAGS (and ESP, SS for ring 3), then the iret hypercall. */
  iretTo(eip: number | string, cs: number, eflags: number, esp?: number, ss?: number): this {
    if (esp !== undefined) this.push(ss!).push(esp);
    return this.push(eflags).push(cs).push(eip).jmp(IRET_ENTRY);
  }
  resolve(): number[] {
    for (const f of this.fixups) {
      const v = f.abs ? this.addr(f.label) : (this.addr(f.label) - (this.org + f.end)) | 0;
      for (let k = 0; k < 4; k++) this.bytes[f.at + k] = (v >>> (8 * k)) & 0xff;
    }
    return this.bytes;
  }
}

export interface Pv { m: Machine; d: Domain; run(n?: number): RunEnd; r32(va: number): number; w32(va: number, v: number): void; frame(va: number, words: number): number[] }

/** Boot kernel code (at KCODE) and optional user code (at UCODE), with the traps plugin and
 *  optionally the MMU. */
export function boot(kernel: Asm, user?: Asm, opts: { singleStep?: boolean; mmu?: boolean } = {}): Pv {
  const plugins = opts.mmu ? [mmuPlugin, trapsPlugin] : [trapsPlugin];
  const m = new Machine({ memoryMiB: 16, pae: true, p2m: 'shuffle', seed: 7, jit: { singleStep: !!opts.singleStep }, plugins });
  const image = new Uint8Array(0x8000);
  image.set(kernel.resolve(), KCODE - VIRT);
  if (user) image.set(user.resolve(), UCODE - VIRT);
  m.boot({ entry: KCODE, virtBase: VIRT, hypercallPage: HCALL, cmdline: '', segments: [{ vaddr: VIRT, data: image, memsz: image.length }] });
  const d = m.domain, c = d.cpu;
  for (const va of [UCODE, USTACK]) setUser(d, va);
  trapState(d).upcallMask = 0;
  return {
    m, d,
    run: (n = 10_000) => m.run({ maxInstructions: n, timeoutSeconds: 20, slice: 1000 }),
    r32: (va) => readLin(c, va | 0, 4, 0) >>> 0,
    w32: (va, v) => writeLin(c, va | 0, 4, v, 0),
    frame: (va, words) => Array.from({ length: words }, (_, k) => readLin(c, (va + 4 * k) | 0, 4, 0) >>> 0),
  };
}

/** Set the U/S bit in the PAE L1 entry that maps `va`. */
export function setUser(d: Domain, va: number): void {
  const c = d.cpu;
  const l3 = (c.cr3 >>> 0) & ~0xfff;
  const l2 = c.view.getUint32(l3 + (va >>> 30) * 8, true) & ~0xfff;
  const l1 = c.view.getUint32(l2 + ((va >>> 21) & 511) * 8, true) & ~0xfff;
  const pte = l1 + ((va >>> 12) & 511) * 8;
  c.view.setUint32(pte, c.view.getUint32(pte, true) | 4, true);
  flushAll(c, true);
}

/** Machine address of a mapped guest virtual address. */
export function maddr(d: Domain, va: number): number { return translate(d.cpu, va | 0, 0); }

/** Write a trap table at `va` and load it with set_trap_table. */
export function setTraps(p: Pv, va: number, entries: [vector: number, flags: number, cs: number, address: number][]): number {
  let at = va;
  for (const [vector, flags, cs, address] of entries) {
    p.w32(at, vector | (flags << 8) | (cs << 16));
    p.w32(at + 4, address);
    at += 8;
  }
  p.w32(at, 0); p.w32(at + 4, 0);
  return p.m.hypercalls.get(0)!.handler(p.d, [va | 0]);
}
