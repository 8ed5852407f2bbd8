// The CPUID a 32-bit PV domain sees (xen/arch/x86/cpuid.c guest_cpuid, cpu-policy.c, and
// cpuid_hypervisor_leaves in traps.c): the host's leaves masked by the PV feature set, with the
// hypervisor leaves 0x40000000-0x40000005 in front. Both the forced-emulation prefix and plain
// CPUID (from ring 1 or ring 3) answer from this policy, as Xen does with CPUID faulting.
//
// "The host" here is this CPU core (src/semantics/system.ts defaultCpuid): a family-6 part with
// DE PSE TSC MSR PAE CX8 SEP PGE CMOV, and NX in 0x80000001. The PV mask is the set of
// features public/arch-x86/cpufeatureset.h marks 'A' (available to all guests): PSE and PGE
// are 'S' (HVM shadow and HAP only) and so hidden, as are MTRR, VME, PSE36; APIC is 'A' but
// this core has none. For a 32-bit PV domain Xen further clears CX16, LM, LAHF_LM and (outside
// AMD) SYSCALL, and always sets HYPERVISOR. Leaves beyond the policy's maxima read as zeros
// (Xen follows the AMD model for every vendor).
import type { Domain } from '../domain.ts';
import { EAX, EBX, ECX, EDX } from '../../src/cpu/regs.ts';
import { defaultCpuid } from '../../src/semantics/system.ts';
import { XEN_MAJOR, XEN_MINOR } from '../hypercalls/xen_version.ts';
import type { PvTrapState } from './state.ts';

const bit = (n: number): number => (1 << n) | 0;
/** Leaf 1 EDX, features marked 'A': FPU DE TSC MSR PAE MCE CX8 APIC SEP MCA CMOV PAT CLFLUSH
 *  ACPI MMX FXSR SSE SSE2 SS HTT. */
export const PV_1D = [0, 2, 4, 5, 6, 7, 8, 9, 11, 14, 15, 16, 19, 22, 23, 24, 25, 26, 27, 28].reduce((m, n) => m | bit(n), 0);
/** Leaf 1 ECX, 'A': SSE3 PCLMULQDQ SSSE3 FMA SSE4_1 SSE4_2 MOVBE POPCNT AESNI XSAVE AVX F16C
 *  RDRAND HYPERVISOR (CX16 is 'A' but cleared for 32-bit PV guests). */
export const PV_1C = [0, 1, 9, 12, 19, 20, 22, 23, 25, 26, 28, 29, 30, 31].reduce((m, n) => m | bit(n), 0);
/** Leaf 0x80000001 EDX, 'A' minus LM and SYSCALL (32-bit PV, non-AMD): NX MMXEXT FFXSR
 *  RDTSCP 3DNOWEXT 3DNOW. */
export const PV_E1D = [20, 22, 25, 27, 30, 31].reduce((m, n) => m | bit(n), 0);
/** Leaf 0x80000001 ECX, 'A' minus LAHF_LM: CMP_LEGACY ABM SSE4A MISALIGNSSE 3DNOWPREFETCH XOP
 *  FMA4 TBM DBEXT. */
export const PV_E1C = [1, 5, 6, 7, 8, 11, 16, 21, 26].reduce((m, n) => m | bit(n), 0);
const X86_FEATURE_HYPERVISOR = bit(31);

/** public/arch-x86/cpuid.h */
export const XEN_CPUID_FIRST_LEAF = 0x40000000, XEN_CPUID_MAX_NUM_LEAVES = 5;
export const XEN_CPUID_SIGNATURE_EBX = 0x566e6558, XEN_CPUID_SIGNATURE_ECX = 0x65584d4d, XEN_CPUID_SIGNATURE_EDX = 0x4d4d566e;
export const XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD = 1;
/** The MSR through which a guest may ask for a hypercall page (leaf 0x40000002 EBX). */
export const XEN_HYPERCALL_MSR = 0x40000000;

type Leaf = [number, number, number, number];

function host(d: Domain, leaf: number): Leaf {
  const r = d.cpu.regs;
  const save = [r[EAX], r[EBX], r[ECX], r[EDX]];
  defaultCpuid(d.cpu, leaf >>> 0);
  const out: Leaf = [r[EAX], r[EBX], r[ECX], r[EDX]];
  r[EAX] = save[0]; r[EBX] = save[1]; r[ECX] = save[2]; r[EDX] = save[3];
  return out;
}

/** flsl: index of the highest set bit, counting from 1 (0 for 0). */
function fls(x: number): number { return x <= 0 ? 0 : Math.floor(Math.log2(x)) + 1; }

/** cpuid_hypervisor_leaves for a PV domain (no Viridian, default limit). */
function hypervisorLeaf(d: Domain, idx: number, sub: number): Leaf {
  switch (idx) {
    case 0: return [XEN_CPUID_FIRST_LEAF + XEN_CPUID_MAX_NUM_LEAVES, XEN_CPUID_SIGNATURE_EBX, XEN_CPUID_SIGNATURE_ECX, XEN_CPUID_SIGNATURE_EDX];
    case 1: return [(XEN_MAJOR << 16) | XEN_MINOR, 0, 0, 0];
    // One hypercall page, the MSR that installs it, and for PV the
    // MMU_PT_UPDATE_PRESERVE_AD mmu_update flavour.
    case 2: return [1, XEN_HYPERCALL_MSR, XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD, 0];
    // Time: the TSC is not emulated (vtsc 0), the host TSC is reliable (bit 1), no RDTSCP;
    // tsc_mode 0 (default). The frequency fields are left 0: guests take time from
    // vcpu_time_info.
    case 3: return sub === 0 ? [2, 0, 0, 0] : [0, 0, 0, 0];
    // HVM-only leaf.
    case 4: return [0, 0, 0, 0];
    // PV parameters: EBX bits 0-7, the machine address width (flsl(max mfn) + PAGE_SHIFT).
    case 5: return sub === 0 ? [0, fls(d.totalFrames - 1) + 12, 0, 0] : [0, 0, 0, 0];
  }
  return [0, 0, 0, 0];
}

/** guest_cpuid for leaf EAX, subleaf ECX of registers `r`; the result replaces EAX..EDX. */
export function pvCpuid(t: PvTrapState, r: Int32Array): void {
  const d = t.d;
  const leaf = r[EAX] >>> 0, sub = r[ECX] >>> 0;
  let out: Leaf = [0, 0, 0, 0];
  if (leaf >= 0x40000000 && leaf <= 0x400001ff) {
    const idx = leaf - XEN_CPUID_FIRST_LEAF;
    if (idx <= XEN_CPUID_MAX_NUM_LEAVES) out = hypervisorLeaf(d, idx, sub);
  } else if (leaf < 0x40000000) {
    const maxBasic = host(d, 0)[0] >>> 0;
    if (leaf <= maxBasic) {
      out = host(d, leaf);
      if (leaf === 1) {
        out[1] &= 0x00ffffff;                 // no APIC ID for a PV vCPU
        out[2] = (out[2] & PV_1C) | X86_FEATURE_HYPERVISOR;
        out[3] &= PV_1D;
      }
    }
  } else if (leaf >= 0x80000000) {
    const maxExt = host(d, 0x80000000)[0] >>> 0;
    if (leaf <= maxExt && leaf < 0x80010000) {
      out = host(d, leaf);
      if (leaf === 0x80000001) { out[2] &= PV_E1C; out[3] &= PV_E1D; }
    }
  }
  r[EAX] = out[0] | 0; r[EBX] = out[1] | 0; r[ECX] = out[2] | 0; r[EDX] = out[3] | 0;
}
