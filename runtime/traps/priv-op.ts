// Privileged-operation emulation (pv_emulate_privileged_op, xen/arch/x86/pv/emul-priv-op.c):
// a #GP(0) from the guest on one of the instructions Xen's validate() admits is carried out by
// Xen with the guest's virtual privilege; anything else stays a #GP for the guest. Admitted:
//   IN OUT INS OUTS       when the virtual IOPL or the guest's I/O bitmap allows (io.ts)
//   CLI STI               a no-op when the virtual IOPL allows (Xen never let a guest touch
//                         the real IF; events are masked through vcpu_info)
//   CLTS, MOV CR, MOV DR  kernel mode only (ctrl-regs.ts)
//   RDMSR WRMSR           kernel mode only (msr.ts)
//   RDTSC                reaches here only with CR4.TSD; allowed in kernel mode
//   CPUID                the PV policy (cpuid.ts); plain CPUID does not fault on this core,
//                         it answers from the same policy through the CPUID hook
//   WBINVD               ignored for a domain without cache-flush rights
// HLT, LGDT, LIDT, LLDT, LTR, LMSW, INVLPG, INVD and the rest are not admitted: the guest gets
// the #GP (a PV kernel blocks with SCHEDOP_block and uses hypercalls for the rest). "Kernel
// mode" is ring 1, which Xen's emulator treats as ring 0 (read_segment fakes DPL 0).
import { CS, EAX, ECX, EDX, IOPL } from '../../src/cpu/regs.ts';
import { ATTR_P, ATTR_S } from '../../src/cpu/state.ts';
import { decode, type Insn } from '../../src/decode/decoder.ts';
import { readLin } from '../../src/cpu/memory.ts';
import { EXEC } from '../../src/semantics/index.ts';
import { FAULT, fault, PF_, UD } from '../../src/cpu/fault.ts';
import type { PvTrapState } from './state.ts';
import { injectHwException, instructionDone } from './bounce.ts';
import { guestIoOkay, ioplOk } from './io.ts';
import { readCr, writeCr, readDr, writeDr, fpuTaskswitch, DR_ENODEV } from './ctrl-regs.ts';
import { readMsr, writeMsr } from './msr.ts';
import { pvCpuid } from './cpuid.ts';

const ATTR_CODE = 8;
/** Instructions x86_emulate refuses outside ring 0 (kernel mode here). */
const KERNEL_ONLY = new Set(['clts', 'movcr', 'movdr', 'rdmsr', 'wrmsr', 'wbinvd', 'rdtsc']);

/**
 * Try to emulate the instruction at CS:EIP after a #GP(0). True when Xen handled it (done,
 * or a different exception was given to the guest); false when the guest gets the #GP.
 */
export function emulatePrivilegedOp(t: PvTrapState): boolean {
  const c = t.d.cpu;
  const a = c.sattr[CS];
  if (!(a & ATTR_P) || !(a & ATTR_S) || !(a & ATTR_CODE)) return false;
  let i: Insn;
  try {
    const base = c.sbase[CS], eip = c.eip;
    i = decode((k) => {
      const lin = (base + eip + k) | 0;
      if ((lin >>> 0) >= (t.d.hvStart >>> 0)) fault(PF_, 0, lin);
      return readLin(c, lin, 1, 0);
    }, eip, (a & 0x4000) !== 0);
  } catch (e) {
    if (e !== FAULT) throw e;
    // insn_fetch: a fetch that faults is a #PF with error code 0 for the guest; an
    // over-long instruction stays a #GP.
    if (FAULT.vector === PF_) { injectHwException(t, PF_, 0, FAULT.address); return true; }
    return false;
  }
  if (i.invalid) return false;
  const sem = i.row.sem;
  if (!t.kernelMode && KERNEL_ONLY.has(sem)) return false;
  const next = (i.eip + i.len) | 0;
  try {
    switch (sem) {
      case 'in': case 'out': case 'ins': case 'outs':
        return portIo(t, i, sem);
      case 'cli': case 'sti':
        if (!ioplOk(t)) return false;
        instructionDone(t, next);
        return true;
      case 'clts':
        fpuTaskswitch(t, false);
        instructionDone(t, next);
        return true;
      case 'wbinvd':
        instructionDone(t, next);
        return true;
      case 'movcr': {
        const n = i.reg;
        if (i.row.bytes[1] === 0x22) {
          if (n !== 0 && n !== 2 && n !== 3 && n !== 4) { injectHwException(t, UD, -1); return true; }
          if (!writeCr(t, n, c.regs[i.rm])) return false;
        } else {
          const v = readCr(t, n);
          if (v === null) { injectHwException(t, UD, -1); return true; }
          c.regs[i.rm] = v;
        }
        instructionDone(t, next);
        return true;
      }
      case 'movdr': {
        const n = i.reg;
        if (i.row.bytes[1] === 0x23) {
          const rc = writeDr(t, n, c.regs[i.rm]);
          if (rc === DR_ENODEV) { injectHwException(t, UD, -1); return true; }
          if (rc !== 0) return false;
        } else {
          const v = readDr(t, n);
          if (v === DR_ENODEV) { injectHwException(t, UD, -1); return true; }
          c.regs[i.rm] = v;
        }
        instructionDone(t, next);
        return true;
      }
      case 'rdmsr': {
        const v = readMsr(t, c.regs[ECX]);
        if (v === null) return false;
        c.regs[EAX] = Number(v & 0xffffffffn) | 0;
        c.regs[EDX] = Number((v >> 32n) & 0xffffffffn) | 0;
        instructionDone(t, next);
        return true;
      }
      case 'wrmsr': {
        const v = (BigInt(c.regs[EDX] >>> 0) << 32n) | BigInt(c.regs[EAX] >>> 0);
        if (!writeMsr(t, c.regs[ECX], v)) return false;
        instructionDone(t, next);
        return true;
      }
      case 'rdtsc': {
        const v = c.tsc + BigInt(c.icount);
        c.regs[EAX] = Number(v & 0xffffffffn) | 0;
        c.regs[EDX] = Number((v >> 32n) & 0xffffffffn) | 0;
        instructionDone(t, next);
        return true;
      }
      case 'cpuid':
        pvCpuid(t, c.regs);
        instructionDone(t, next);
        return true;
    }
  } catch (e) {
    if (e !== FAULT) throw e;
    injectHwException(t, FAULT.vector, FAULT.error, FAULT.address);
    return true;
  }
  return false;
}

/** IN/OUT/INS/OUTS once guest_io_okay agrees: the core's own instruction semantics run with
 *  the I/O permission granted (its port hooks are the domain's port model, io.ts), so operand
 *  sizes, segment checks, REP counts and their resumption behave as the processor's. Faults
 *  on the string operands go to the guest. */
function portIo(t: PvTrapState, i: Insn, sem: string): boolean {
  const c = t.d.cpu;
  const byteOp = (i.row.bytes[0] & 1) === 0;
  const bytes = byteOp ? 1 : i.osz;
  const port = (i.row.bytes[0] & 0x08) || sem === 'ins' || sem === 'outs' ? c.regs[EDX] & 0xffff : i.imm & 0xff;
  if (!guestIoOkay(t, port, bytes)) return false;
  const savedIopl = c.flags & IOPL;
  c.flags |= IOPL;
  try {
    EXEC[i.row.index](c, i);
  } finally {
    c.flags = (c.flags & ~IOPL) | savedIopl;
  }
  // A REP string instruction the core stopped part-way leaves EIP on itself: it faults again
  // and continues (Xen's emulator likewise stops at a preemption point).
  if (sem === 'ins' || sem === 'outs') { if (c.eip !== i.eip) instructionDone(t, c.eip); return true; }
  instructionDone(t, (i.eip + i.len) | 0);
  return true;
}
