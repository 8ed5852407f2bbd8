// Xen's check_descriptor (xen/arch/x86/pv/descriptor-tables.c) for a 32-bit PV domain: what a
// guest may put in its GDT or LDT. Code and data segments pass (their DPL raised to at least
// the guest kernel's ring 1, 64-bit code refused, flat segments reaching into the hypervisor
// area extended to 4 GiB); the only system descriptor allowed is a call gate to a guest code
// selector, whose DPL is forced to 0 (the original DPL kept in the selector's RPL) so every
// use traps to Xen; not-present descriptors and type 0 are harmless.

const _SEGMENT_TYPE = 0xf00, _SEGMENT_S = 0x1000, _SEGMENT_DPL = 0x6000, _SEGMENT_P = 0x8000,
  _SEGMENT_L = 0x200000, _SEGMENT_G = 0x800000, _SEGMENT_ACCESSED = 0x100;
/** The ring the PV kernel runs in (GUEST_KERNEL_RPL for a 32-bit guest). */
const GUEST_KERNEL_RPL = 1;
// FLAT_COMPAT_KERNEL_CS is FLAT_KERNEL_CS (FLAT_RING1_CS) of the 32-bit ABI.
import { FLAT_KERNEL_CS, FIRST_RESERVED_GDT_ENTRY } from '../abi/arch-x86_32.ts';

/** guest_gate_selector_okay: a guest GDT entry, Xen's flat kernel CS, or an LDT selector. */
function gateSelectorOkay(sel: number): boolean {
  return (sel >>> 3) < FIRST_RESERVED_GDT_ENTRY || sel === FLAT_KERNEL_CS || (sel & 4) !== 0;
}

/**
 * Check descriptor words (a = low, b = high) for domain `hvStart`. Returns the words as Xen
 * stores them, or null when Xen refuses the descriptor (-EINVAL). One addition to Xen: code
 * and data descriptors get their accessed bit preset, because this CPU maps GDT/LDT pages
 * read-only to everyone and would otherwise fault setting it on the first segment load
 * (Xen's own mapping of those pages is writable for the processor's benefit).
 */
export function checkDescriptor(a: number, b: number, hvStart: number): { a: number; b: number } | null {
  a |= 0; b |= 0;
  if (!(b & _SEGMENT_P)) return { a, b };
  let dpl = (b >>> 13) & 3;
  if (dpl < GUEST_KERNEL_RPL) dpl = GUEST_KERNEL_RPL;
  b = (b & ~_SEGMENT_DPL) | (dpl << 13);
  if (b & _SEGMENT_S) {
    if (b & _SEGMENT_L) return null;
    const base = ((b & 0xff000000) | ((b & 0xff) << 16) | (a >>> 16)) >>> 0;
    let limit = ((b & 0xf0000) | (a & 0xffff)) + 1;
    if (b & _SEGMENT_G) limit *= 4096;
    // Older PAE Linux limits its flat segments to the start of the hypervisor area; Xen
    // extends such segments to the whole address space.
    if (base === 0 && limit > hvStart >>> 0) { a |= 0xffff; b |= 0xf0000; }
    b |= _SEGMENT_ACCESSED;
    return { a: a | 0, b: b | 0 };
  }
  if ((b & _SEGMENT_TYPE) === 0) return { a, b };
  if ((b & _SEGMENT_TYPE) !== 0xc00) return null;
  let cs = (a >>> 16) & 0xffff;
  if (!gateSelectorOkay(cs)) return null;
  b &= ~_SEGMENT_DPL;
  cs = (cs & ~3) | dpl;
  a = (a & 0xffff) | (cs << 16);
  if (b & 0xe0) return null;
  return { a: a | 0, b: b | 0 };
}
