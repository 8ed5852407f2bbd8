// System instructions that do not load segments (SDM vol. 2 and vol. 3 ch. 2): control and
// debug registers, descriptor-table registers, MSRs, CPUID, RDTSC, cache and TLB control, HLT.
// Privilege (CPL 0) is checked from the table's priv trait before these run.
import type { Cpu } from '../cpu/state.ts';
import type { Insn } from '../decode/decoder.ts';
import { EAX, ECX, EDX, EBX, CR0_TS, CR0_PG, CR0_PE, CR4_TSD, CR4_PAE, MSR_EFER, MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP, MSR_TSC, CR4_DE } from '../cpu/regs.ts';
import { fault, GP, UD } from '../cpu/fault.ts';
import { read, write, ea, getReg } from './operands.ts';
import { rd, wr, probeSegWrite } from '../cpu/memory.ts';
import { writeCr0, writeCr3, writeCr4, flushPage, flushAll } from '../cpu/paging.ts';

export function hlt(c: Cpu, i: Insn): void { c.eip = (i.eip + i.len) | 0; c.halted = true; }

/** CR0 bits an i686 implements; others are reserved (writing 1 gives #GP(0), SDM §2.5). */
const CR0_VALID = 0xe005003f | 0;
const CR4_VALID = 0x7ff;

export function movcr(c: Cpu, i: Insn): void {
  const toCr = i.row.bytes[1] === 0x22;
  const n = i.reg;
  if (n === 1 || n > 4) fault(UD);
  if (!toCr) {
    const v = n === 0 ? c.cr0 : n === 2 ? c.cr2 : n === 3 ? c.cr3 : c.cr4;
    c.regs[i.rm] = v;
    return;
  }
  const v = c.regs[i.rm];
  switch (n) {
    case 0:
      if (v & ~CR0_VALID) fault(GP, 0);
      // PG without PE, or NW without CD, are invalid combinations (SDM vol. 3 §2.5).
      if ((v & CR0_PG) && !(v & CR0_PE)) fault(GP, 0);
      if ((v & 0x20000000) && !(v & 0x40000000)) fault(GP, 0);
      writeCr0(c, v | 0x10);
      return;
    case 2: c.cr2 = v; return;
    case 3: writeCr3(c, v); return;
    case 4:
      if (v & ~CR4_VALID) fault(GP, 0);
      writeCr4(c, v);
      return;
  }
  void CR4_PAE;
}

export function movdr(c: Cpu, i: Insn): void {
  const toDr = i.row.bytes[1] === 0x23;
  let n = i.reg;
  // DR4/DR5 alias DR6/DR7 unless CR4.DE, which makes them #UD (SDM vol. 3 §17.2.2).
  if (n === 4 || n === 5) { if (c.cr4 & CR4_DE) fault(UD); n += 2; }
  if (toDr) c.dr[n] = c.regs[i.rm]; else c.regs[i.rm] = c.dr[n];
}

export function clts(c: Cpu): void { c.cr0 &= ~CR0_TS; }
export function invd(): void { /* no caches to drop */ }
export function wbinvd(): void { /* no caches to write back */ }
export function invlpg(c: Cpu, i: Insn): void {
  flushPage(c, (c.sbase[i.eaSeg] + ea(c, i)) | 0);
}

/** SGDT/SIDT store limit (16 bits) then base (32 bits; 24 with a 16-bit operand size on old
 *  parts, all 32 on i686 and later). */
export function sgdt(c: Cpu, i: Insn): void { storeDt(c, i, c.gdtLimit, c.gdtBase); }
export function sidt(c: Cpu, i: Insn): void { storeDt(c, i, c.idtLimit, c.idtBase); }
function storeDt(c: Cpu, i: Insn, limit: number, base: number): void {
  const off = ea(c, i);
  probeSegWrite(c, i.eaSeg, off, 6); // all six bytes writable before any is written
  wr(c, i.eaSeg, off, 2, limit);
  wr(c, i.eaSeg, i.asz === 2 ? (off + 2) & 0xffff : (off + 2) | 0, 4, base);
}
function loadDt(c: Cpu, i: Insn): [number, number] {
  const off = ea(c, i);
  const limit = rd(c, i.eaSeg, off, 2);
  let base = rd(c, i.eaSeg, i.asz === 2 ? (off + 2) & 0xffff : (off + 2) | 0, 4);
  if (i.osz === 2) base &= 0xffffff;
  return [limit, base];
}
export function lgdt(c: Cpu, i: Insn): void { [c.gdtLimit, c.gdtBase] = loadDt(c, i); }
export function lidt(c: Cpu, i: Insn): void { [c.idtLimit, c.idtBase] = loadDt(c, i); }
/** SMSW stores the low 16 bits of CR0 to memory; to a 32-bit register, all of CR0 on i686. */
export function smsw(c: Cpu, i: Insn): void {
  if (i.mod === 3) { if (i.osz === 4) c.regs[i.rm] = c.cr0; else write(c, i, 0, c.cr0 & 0xffff); }
  else write(c, i, 0, c.cr0 & 0xffff);
}
/** LMSW changes PE MP EM TS only and cannot clear PE (SDM vol. 2 "LMSW"). */
export function lmsw(c: Cpu, i: Insn): void {
  const v = read(c, i, 0) & 0xf;
  writeCr0(c, (c.cr0 & ~0xe) | v | (c.cr0 & 1));
}

export function cpuid(c: Cpu): void {
  const leaf = c.regs[EAX], sub = c.regs[ECX];
  if (c.hooks.cpuid && c.hooks.cpuid(c, leaf, sub)) return;
  defaultCpuid(c, leaf >>> 0);
}
/** A P6-class identity: "GenuineIntel"-style vendor string of our own, family 6, with the
 *  features this core implements: FPU? no (x87 later), VME no, DE, PSE, TSC, MSR, PAE, CX8,
 *  SEP, PGE, CMOV. */
export function defaultCpuid(c: Cpu, leaf: number): void {
  const r = c.regs;
  if (leaf === 0) { r[EAX] = 1; r[EBX] = 0x4a6e6558; r[EDX] = 0x69442074; r[ECX] = 0x20363836; return; } // "XenJ" "t Di" "686 "
  if (leaf === 1) {
    r[EAX] = 0x0633; r[EBX] = 0; r[ECX] = 0;
    r[EDX] = (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 8) | (1 << 11) | (1 << 13) | (1 << 15);
    return;
  }
  if (leaf >= 0x80000000) { r[EAX] = leaf === 0x80000000 ? 0x80000001 : 0; r[EBX] = 0; r[ECX] = 0; r[EDX] = leaf === 0x80000001 ? 1 << 20 : 0; return; }
  r[EAX] = 0; r[EBX] = 0; r[ECX] = 0; r[EDX] = 0;
}

export function rdtsc(c: Cpu): void {
  if ((c.cr4 & CR4_TSD) && c.cpl !== 0) fault(GP, 0);
  const t = c.tsc + BigInt(c.icount);
  c.regs[EAX] = Number(t & 0xffffffffn) | 0; c.regs[EDX] = Number((t >> 32n) & 0xffffffffn) | 0;
}

export function rdmsr(c: Cpu): void {
  const n = c.regs[ECX] | 0;
  let v = 0n;
  switch (n) {
    case MSR_EFER: v = BigInt(c.efer >>> 0); break;
    case MSR_SYSENTER_CS: v = BigInt(c.sysenterCs >>> 0); break;
    case MSR_SYSENTER_ESP: v = BigInt(c.sysenterEsp >>> 0); break;
    case MSR_SYSENTER_EIP: v = BigInt(c.sysenterEip >>> 0); break;
    case MSR_TSC: v = c.tsc + BigInt(c.icount); break;
    default: fault(GP, 0);
  }
  c.regs[EAX] = Number(v & 0xffffffffn) | 0; c.regs[EDX] = Number(v >> 32n) | 0;
}
export function wrmsr(c: Cpu): void {
  const n = c.regs[ECX] | 0, lo = c.regs[EAX], hi = c.regs[EDX];
  switch (n) {
    case MSR_EFER:
      // Only NXE is writable on this core (no long mode, no SYSCALL).
      if (hi !== 0 || (lo & ~0x800)) fault(GP, 0);
      c.efer = lo; flushAll(c, true); return;
    case MSR_SYSENTER_CS: c.sysenterCs = lo & 0xffff; return;
    case MSR_SYSENTER_ESP: c.sysenterEsp = lo; return;
    case MSR_SYSENTER_EIP: c.sysenterEip = lo; return;
    case MSR_TSC: c.tsc = ((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)) - BigInt(c.icount); return;
    default: fault(GP, 0);
  }
}
void getReg;
