// The oracle's memory layout and process state rebuilt inside the emulator: a CPL-3 process
// with PAE paging and NX (as a 64-bit Linux host gives a 32-bit program), the host's GDT
// user descriptors and the runner's LDT. Runs one case in single-step or block mode and
// reports the result in the runner's format.
import { Cpu, ATTR_P } from '../../src/cpu/state.ts';
import { CS, SS, DS, ES, FS, GS, CR0_PE, CR0_PG, CR0_WP, CR4_PAE, EFER_NXE, IF, FLAGS_FIXED1 } from '../../src/cpu/regs.ts';
import { selectTlb, flushAll } from '../../src/cpu/paging.ts';
import { setFlagsAll, getFlags } from '../../src/cpu/flags.ts';
import { Jit } from '../../jit/jit.ts';
import { PF_, FAULT, GP, fault } from '../../src/cpu/fault.ts';
import { loadSegment } from '../../src/semantics/segments.ts';
import {
  CODE_BASE, DATA_BASE, RO_BASE, STACK_BASE, WINDOW, V_DONE, V_TIMEOUT, V_BAD, seededWindow,
  type OracleCase, type OracleResult, type OracleHeader,
} from './protocol.ts';

// Physical placement of the layout's pages.
const P_PDPT = 0x0000, P_PD0 = 0x1000, P_PD1 = 0x2000;
const P_PT_CODE = 0x3000, P_PT_DATA = 0x4000, P_PT_STACK = 0x5000, P_PT_SYS = 0x6000;
const P_CODE = 0x10000, P_DATA = 0x12000, P_RO = 0x14000, P_STACK = 0x15000, P_GDT = 0x16000, P_LDT = 0x17000;
/** Linear addresses of the descriptor tables (supervisor-only pages). */
export const GDT_LIN = 0x40000000, LDT_LIN = 0x40001000;

/** The x86-64 Linux GDT entries a 32-bit process can name (arch/x86 segment layout). */
const LINUX_GDT: Record<number, [number, number]> = {
  1: [0x0000ffff, 0x00cf9b00], 2: [0x0000ffff, 0x00af9b00], 3: [0x0000ffff, 0x00cf9300],
  4: [0x0000ffff, 0x00cffb00], 5: [0x0000ffff, 0x00cff300], 6: [0x0000ffff, 0x00affb00],
  12: [0x0000ffff, 0x00cff300],
};

const PTE_P = 1, PTE_W = 2, PTE_U = 4, NX_HI = 0x80000000 | 0;

export type Mode = 'step' | 'block';

export class OracleMachine {
  readonly c = new Cpu(0x20000);
  readonly jit: Jit;
  private hit = { vector: -1, error: 0 };
  private initialData = new Uint8Array(0x2000);

  constructor(readonly header: OracleHeader, readonly mode: Mode) {
    const c = this.c;
    this.jit = new Jit(c, { singleStep: mode === 'step', tierUp: mode === 'step' ? undefined : 0 });
    // Linux's IDT: only gates 3 (#BP), 4 (#OF) and 0x80 have DPL 3, so any other INT n from
    // ring 3 is #GP(n*8+2) (SDM vol. 3 §6.12.1.1); the generator never uses INT 0x80.
    c.hooks.interrupt = (_c, vector, error, soft) => {
      if (soft && vector !== 3 && vector !== 4) fault(GP, vector * 8 + 2);
      this.hit.vector = vector; this.hit.error = error; c.stopped = true;
    };
    const v = c.view;
    const pte = (addr: number, pa: number, flags: number, nx: boolean): void => { v.setInt32(addr, pa | flags, true); v.setInt32(addr + 4, nx ? NX_HI : 0, true); };
    pte(P_PDPT + 0, P_PD0, PTE_P, false);
    pte(P_PDPT + 8, P_PD1, PTE_P, false);
    const pde = (pd: number, lin: number, pt: number): void => pte(pd + ((lin >>> 21) & 0x1ff) * 8, pt, PTE_P | PTE_W | PTE_U, false);
    pde(P_PD0, CODE_BASE, P_PT_CODE); pde(P_PD0, DATA_BASE, P_PT_DATA); pde(P_PD0, STACK_BASE, P_PT_STACK); pde(P_PD1, GDT_LIN, P_PT_SYS);
    const map = (pt: number, lin: number, pa: number, flags: number, nx: boolean): void => pte(pt + ((lin >>> 12) & 0x1ff) * 8, pa, flags, nx);
    map(P_PT_CODE, CODE_BASE, P_CODE, PTE_P | PTE_W | PTE_U, false);
    map(P_PT_CODE, CODE_BASE + 0x1000, P_CODE + 0x1000, PTE_P | PTE_W | PTE_U, false);
    map(P_PT_DATA, DATA_BASE, P_DATA, PTE_P | PTE_W | PTE_U, true);
    map(P_PT_DATA, DATA_BASE + 0x1000, P_DATA + 0x1000, PTE_P | PTE_W | PTE_U, true);
    map(P_PT_DATA, RO_BASE, P_RO, PTE_P | PTE_U, true);
    map(P_PT_STACK, STACK_BASE, P_STACK, PTE_P | PTE_W | PTE_U, true);
    map(P_PT_SYS, GDT_LIN, P_GDT, PTE_P | PTE_W, true);
    map(P_PT_SYS, LDT_LIN, P_LDT, PTE_P | PTE_W, true);
    for (let k = 0; k < 0x1000; k++) c.mem[P_RO + k] = k & 0xff;
    for (const [idx, [lo, hi]] of Object.entries(LINUX_GDT)) { v.setInt32(P_GDT + +idx * 8, lo, true); v.setInt32(P_GDT + +idx * 8 + 4, hi, true); }
    c.mem.set(header.ldt, P_LDT);
    c.gdtBase = GDT_LIN; c.gdtLimit = 16 * 8 - 1;
    c.ldtSel = 0x50; c.ldtBase = LDT_LIN; c.ldtLimit = header.ldt.length - 1; c.ldtAttr = ATTR_P | 0x2;
    c.cr3 = P_PDPT; c.cr4 = CR4_PAE; c.efer = EFER_NXE; c.cr0 = CR0_PE | CR0_PG | CR0_WP | 0x10;
  }

  /** Put a segment register in the state the host process has, from its descriptor. */
  private setCache(sreg: number, sel: number): void {
    const c = this.c;
    c.sel[sreg] = sel;
    if ((sel & ~3) === 0) { c.sattr[sreg] = 0; c.sbase[sreg] = 0; c.slimit[sreg] = 0; return; }
    const table = sel & 4 ? P_LDT : P_GDT;
    const lo = c.view.getInt32(table + (sel & ~7), true), hi = c.view.getInt32(table + (sel & ~7) + 4, true);
    c.sbase[sreg] = ((lo >>> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000)) | 0;
    let limit = (lo & 0xffff) | (hi & 0xf0000);
    if (hi & 0x800000) limit = (limit << 12) | 0xfff;
    c.slimit[sreg] = limit;
    c.sattr[sreg] = (hi >>> 8) & 0xf0ff;
  }

  run(k: OracleCase, budget = 200000): OracleResult {
    const c = this.c, jit = this.jit;
    // Memory as the runner sets it up for every case.
    c.mem.fill(0xcc, P_CODE, P_CODE + 0x2000);
    c.mem.set(k.code, P_CODE + k.codeOffset);
    c.mem[P_CODE + k.codeOffset + k.code.length] = 0xcc;
    c.mem.fill(0, P_DATA, P_DATA + 0x2000);
    c.mem.set(seededWindow(k.seed), P_DATA + (WINDOW - DATA_BASE));
    c.mem.fill(0, P_STACK, P_STACK + 0x1000);
    this.initialData.set(c.mem.subarray(P_DATA, P_DATA + 0x2000));
    jit.invalidatePage(P_CODE >>> 12); jit.invalidatePage((P_CODE >>> 12) + 1);
    flushAll(c, true);
    c.cpl = 3; selectTlb(c);
    const hs = this.header.sels;
    this.setCache(CS, hs[0]); this.setCache(SS, hs[5]);
    this.setCache(DS, hs[1]); this.setCache(ES, hs[2]); this.setCache(FS, hs[3]); this.setCache(GS, hs[4]);
    for (let r = 0; r < 8; r++) c.regs[r] = k.regs[r];
    setFlagsAll(c, (k.eflags & 0xcd5) | IF | FLAGS_FIXED1);
    c.halted = false; c.stopped = false; c.icount = 0;
    if (k.flags & 1) {
      try { [DS, ES, FS, GS].forEach((s, n) => loadSegment(c, s, k.sels[n])); } catch (e) {
        if (e !== FAULT) throw e;
        return { vector: V_BAD, error: FAULT.error, address: 0, regs: new Array(8).fill(0), eip: 0, eflags: 0, sels: new Array(6).fill(0), diff: [] };
      }
    }
    c.eip = CODE_BASE + k.codeOffset;
    this.hit.vector = -1; this.hit.error = 0;
    jit.run(budget);
    let vector = this.hit.vector >>> 0, error = this.hit.error;
    const end = CODE_BASE + k.codeOffset + k.code.length + 1;
    if (this.hit.vector < 0) { vector = V_TIMEOUT; error = 0; }
    else if (vector === 3 && c.eip === end && c.sel[CS] === hs[0]) { vector = V_DONE; error = 0; }
    if (error < 0) error = 0;
    const diff: [number, number][] = [];
    for (let a = 0; a < 0x2000; a++) if (c.mem[P_DATA + a] !== this.initialData[a]) diff.push([DATA_BASE + a, c.mem[P_DATA + a]]);
    for (let a = 0; a < 0x1000; a++) if (c.mem[P_STACK + a] !== 0) diff.push([STACK_BASE + a, c.mem[P_STACK + a]]);
    return {
      vector, error, address: vector === PF_ ? c.cr2 >>> 0 : 0,
      regs: [...c.regs].map((x) => x >>> 0), eip: c.eip >>> 0, eflags: getFlags(c) >>> 0,
      sels: [CS, DS, ES, FS, GS, SS].map((s) => c.sel[s] & 0xffff), diff,
    };
  }
}
