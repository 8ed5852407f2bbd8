// Writable page tables (VMASST_TYPE_writable_pagetables; xen/arch/x86/pv/ro-page-fault.c): a
// guest kernel store into one of its own L1 page tables, which are always mapped read-only,
// faults; the runtime emulates the store as a validated L1 update and the guest continues
// after the instruction. Xen runs its full x86 emulator with a write hook; the stores a guest
// uses for page-table entries are handled here: MOV, XCHG, CMPXCHG and CMPXCHG8B with a
// memory destination, naturally aligned, within the faulting page. Anything else — and any
// new entry that does not validate — leaves the #PF to the guest, as Xen does.
import type { PvMmu } from './mmu.ts';
import { PAGE } from '../domain.ts';
import { decode, type Insn } from '../../src/decode/decoder.ts';
import { readLin } from '../../src/cpu/memory.ts';
import { ACC_X } from '../../src/cpu/paging.ts';
import { FAULT } from '../../src/cpu/fault.ts';
import { ATTR_DB } from '../../src/cpu/state.ts';
import { CS, DS, EAX, EBX, ECX, EDX, ZF } from '../../src/cpu/regs.ts';
import { flagsSub, setStatus } from '../../src/cpu/flags.ts';
import { ea, getReg, setReg } from '../../src/semantics/operands.ts';
import { _PAGE_PRESENT, _PAGE_RW } from './constants.ts';
import { ownedByDomain, pteMfn, readEntry, writeEntry } from './frames.ts';
import { PGT_l1_page_table } from './page-types.ts';

type Kind = 'mov' | 'xchg' | 'cmpxchg' | 'cmpxchg8b';
interface Store { kind: Kind; lin: number; size: number; val: bigint; reg: number }

const mask = (size: number): bigint => (1n << BigInt(size * 8)) - 1n;
const u64 = (lo: number, hi: number): bigint => BigInt(lo >>> 0) | (BigInt(hi >>> 0) << 32n);

/** The memory store `i` performs, or null for an instruction this emulation does not take. */
function storeOf(c: PvMmu['d']['cpu'], i: Insn): Store | null {
  const b = i.row.bytes, op = b.length === 1 ? b[0] : b.length === 2 && b[0] === 0x0f ? 0x100 | b[1] : -1;
  const memLin = (): number => (c.sbase[i.eaSeg] + ea(c, i)) | 0;
  const moffs = (): number => (c.sbase[i.seg >= 0 ? i.seg : DS] + (i.asz === 2 ? i.imm & 0xffff : i.imm)) | 0;
  if (i.invalid) return null;
  switch (op) {
    case 0x88: return i.isMem ? { kind: 'mov', lin: memLin(), size: 1, val: BigInt(getReg(c, i.reg, 1)), reg: i.reg } : null;
    case 0x89: return i.isMem ? { kind: 'mov', lin: memLin(), size: i.osz, val: BigInt(getReg(c, i.reg, i.osz) >>> 0), reg: i.reg } : null;
    case 0xc6: return i.isMem ? { kind: 'mov', lin: memLin(), size: 1, val: BigInt(i.imm & 0xff), reg: -1 } : null;
    case 0xc7: return i.isMem && i.row.ext === 0 ? { kind: 'mov', lin: memLin(), size: i.osz, val: BigInt(i.imm >>> 0) & mask(i.osz), reg: -1 } : null;
    case 0xa2: return { kind: 'mov', lin: moffs(), size: 1, val: BigInt(c.regs[EAX] & 0xff), reg: -1 };
    case 0xa3: return { kind: 'mov', lin: moffs(), size: i.osz, val: BigInt(getReg(c, EAX, i.osz) >>> 0), reg: -1 };
    case 0x86: return i.isMem ? { kind: 'xchg', lin: memLin(), size: 1, val: BigInt(getReg(c, i.reg, 1)), reg: i.reg } : null;
    case 0x87: return i.isMem ? { kind: 'xchg', lin: memLin(), size: i.osz, val: BigInt(getReg(c, i.reg, i.osz) >>> 0), reg: i.reg } : null;
    case 0x1b1: return i.isMem ? { kind: 'cmpxchg', lin: memLin(), size: i.osz, val: BigInt(getReg(c, i.reg, i.osz) >>> 0), reg: i.reg } : null;
    case 0x1c7: return i.isMem && i.row.ext === 1 ? { kind: 'cmpxchg8b', lin: memLin(), size: 8, val: u64(c.regs[EBX], c.regs[ECX]), reg: -1 } : null;
    default: return null;
  }
}

/**
 * Try to emulate the store that faulted at `addr` (CR2). True when the instruction has been
 * completed (EIP moved past it); false when the fault belongs to the guest.
 */
export function ptwrEmulate(mmu: PvMmu, addr: number): boolean {
  const d = mmu.d, c = d.cpu, t = mmu.tables;
  // Only read-only mappings of the domain's own, in-use L1 tables are emulated.
  const pte = mmu.guestL1e(addr);
  if (!pte || (pte.lo & (_PAGE_PRESENT | _PAGE_RW)) !== _PAGE_PRESENT) return false;
  const l1 = pteMfn(pte.lo, pte.hi);
  if (!ownedByDomain(d, l1) || mmu.types.type[l1] !== PGT_l1_page_table || !mmu.types.inUse(l1)) return false;

  let insn: Insn;
  try {
    const csBase = c.sbase[CS];
    insn = decode((k) => readLin(c, (csBase + c.eip + k) | 0, 1, ACC_X), c.eip, (c.sattr[CS] & ATTR_DB) !== 0);
  } catch (e) { if (e === FAULT) return false; throw e; }
  const s = storeOf(c, insn);
  if (!s) return false;
  const { lin, size } = s;
  // Only naturally aligned stores within the page that faulted, no wider than an entry.
  if (((lin ^ addr) & ~0xfff) !== 0 || (lin & (size - 1)) !== 0 || size > t.esize) return false;

  const pa = l1 * PAGE + (lin & 0xfff & ~(t.esize - 1));
  const shift = BigInt((lin & (t.esize - 1)) * 8);
  const cur = readEntry(d, pa);
  const full = u64(cur.lo, cur.hi);
  const keep = full & ~(mask(size) << shift);
  const nv = keep | ((s.val & mask(size)) << shift);
  const curPart = (full >> shift) & mask(size);

  let cmpOld: bigint | null = null;
  if (s.kind === 'cmpxchg') cmpOld = BigInt(getReg(c, EAX, size) >>> 0);
  if (s.kind === 'cmpxchg8b') cmpOld = u64(c.regs[EAX], c.regs[EDX]);
  if (cmpOld !== null && cmpOld !== curPart) {
    // The comparison fails: nothing is stored, the accumulator gets the current value.
    if (s.kind === 'cmpxchg8b') {
      c.regs[EAX] = Number(curPart & 0xffffffffn) | 0; c.regs[EDX] = Number(curPart >> 32n) | 0;
      setStatus(c, ZF, 0);
    } else {
      const a = Number(cmpOld) | 0, m = Number(curPart) | 0;
      flagsSub(c, a, m, (a - m) | 0, size);
      setReg(c, EAX, size, m);
    }
    c.eip = (c.eip + insn.len) | 0;
    return true;
  }

  let lo = Number(nv & 0xffffffffn) | 0, hi = Number(nv >> 32n) | 0;
  if (lo & _PAGE_PRESENT) {
    const rc = t.getL1e(lo, hi);
    if (rc !== 0) {
      // An upper-half write to a PAE entry, done before the lower half: Xen assumes the
      // halves come in the wrong order and stores the entry not present for now.
      if (d.pae && size === 4 && (lin & 4) && cmpOld === null) lo &= ~_PAGE_PRESENT;
      else return false;
    }
  }
  writeEntry(d, pa, lo, hi);
  t.putL1e(cur.lo, cur.hi);

  switch (s.kind) {
    case 'xchg': setReg(c, s.reg, size, Number(curPart)); break;
    case 'cmpxchg': { const a = Number(cmpOld!) | 0; flagsSub(c, a, a, 0, size); break; }
    case 'cmpxchg8b': setStatus(c, ZF, ZF); break;
    default: break;
  }
  c.eip = (c.eip + insn.len) | 0;
  return true;
}
