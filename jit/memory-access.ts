// Guest memory accesses in generated code. Through a segment that the block's mode key says is
// flat (base 0, limit 4 GiB, present writable expand-up data: what every PV kernel and 32-bit
// user program runs with), the segment checks of SDM vol. 3 §5.3 cannot fail, so the access is
// the software TLB's fast path inline: one table load, a compare and a typed-array access
// (DESIGN: "Memory fast path"). A TLB miss, an access that crosses a page, a write to a page
// holding translated code (never in the write TLB) and every other segment take the helper,
// which does the whole check and raises the exact fault; or, for a guarded access (AccessGuard
// below), the generated code leaves before the instruction and the dispatch loop runs it.
//
// The code uses `m`/`v` (guest RAM as bytes and as a DataView) and `rt`/`wt`, the read and
// write TLB of the block's privilege level (a block never changes CPL: every instruction that
// can is a block end), all constants of the generated function's scope (jit.ts BOUND_NAMES),
// and declares its temporaries (ACCESS_PROLOGUE): `l` (linear address) and `e` (TLB entry,
// the page's physical address, 0 for none). An access expression uses them only between its
// own assignment and its use, and an effective address never contains an access, so accesses
// do not interfere; `sm` is set once a store through a helper reached translated code
// (storeStmt).
import { ES, SS, DS } from '../src/cpu/regs.ts';

export const ACCESS_PROLOGUE = 'let l = 0, e = 0, sm = false;';

/** Mode facts the emitters may rely on (from the block's mode key). */
export interface AccessMode {
  /** DS, ES and SS are flat. */
  flatData: boolean;
  /** SS.B: the stack is addressed with ESP. */
  stack32: boolean;
  /** CS's limit is 4 GiB: no near transfer can leave it. */
  flatCode: boolean;
  /** Set per instruction where its first flat access may be guarded (see AccessGuard). */
  guard?: AccessGuard | null;
}

/** A guarded access: the instruction's TLB test is a statement before the instruction (`code`,
 *  leaving the function through `exit` when the entry is missing, the access crosses a page or
 *  the page holds translated code), and the access itself is the bare typed-array access. The
 *  helper's slow path is then not part of the function at all: in V8 a helper call that can
 *  return joins the fast path again, and past such a join the optimizing compiler knows nothing
 *  it learnt before the call (the loop around matmul's inner block took ~1.5 times as long with
 *  its helpers compiled in as without). The dispatch loop runs the instruction at the exit
 *  through its semantics (the helper's full check, the exact fault). Only an instruction's only
 *  access is guarded, and only where the caller can give its address as of the instruction's
 *  start (`atStart`): the test runs before anything of the instruction. emit.ts emits an
 *  instruction again without the guard when it made more than one access. */
export interface AccessGuard {
  /** The statement that leaves the function for the dispatch loop. */
  exit: string;
  /** The test, once an access took the guard. */
  code: string | null;
  /** Accesses the instruction's code makes (guarded or not). */
  accesses: number;
}

/** Take the guard for an access of `size` at `atStart` through table `tlb`; false when the
 *  access is not flat, there is no guard, or the instruction already made an access. */
function takeGuard(mode: AccessMode, seg: number, size: number, tlb: 'rt' | 'wt', atStart: string | undefined, aligned: boolean): boolean {
  const g = mode.guard;
  if (g) g.accesses++;
  if (!g || atStart === undefined || g.accesses !== 1 || !flat(mode, seg)) return false;
  const crosses = size === 1 || aligned ? '' : ` || (l & 0xfff) > ${hex(4096 - size)}`;
  g.code = `l = ${atStart}; e = ${tlb}[l >>> 12]; if (e === 0${crosses}) ${g.exit}`;
  return true;
}
/** The bare access at `l` through entry `e` (a guard tested them). */
const bareLoad = (size: number): string => (size === 1 ? `m[${PHYS}]` : `v.${size === 2 ? 'getUint16' : 'getInt32'}(${PHYS}, true)`);
const bareStore = (size: number, val: string): string => (size === 1 ? `m[${PHYS}] = ${val};` : `v.${size === 2 ? 'setUint16' : 'setInt32'}(${PHYS}, ${val}, true);`);

const flat = (mode: AccessMode, seg: number): boolean => mode.flatData && (seg === DS || seg === SS || seg === ES);
/** The physical address of linear address `lin` through TLB entry `entry` (the page's
 *  physical address), as expressions. */
export const physOf = (entry: string, lin: string): string => `${entry} | (${lin} & 0xfff)`;
const PHYS = physOf('e', 'l');

/** The test that an access of `size` bytes at linear address `l` stays within its page; none
 *  when the caller knows the address is a multiple of `size` (`aligned`: such an access cannot
 *  cross a page). */
const fitsTest = (size: number, aligned: boolean): string => (size === 1 || aligned ? '' : ` && (l & 0xfff) <= ${hex(4096 - size)}`);

/** A load of `size` bytes (zero-extended for 1 and 2, signed 32-bit for 4) at seg:ea. */
export function loadExpr(mode: AccessMode, size: number, seg: number, ea: string, aligned = false, atStart?: string): string {
  if (takeGuard(mode, seg, size, 'rt', atStart, aligned)) return bareLoad(size);
  const helper = `H.rd${size * 8}(c, ${seg}, `;
  if (!flat(mode, seg)) return `${helper}${ea})`;
  return `((l = ${ea}), (e = rt[l >>> 12]) !== 0${fitsTest(size, aligned)} ? ${bareLoad(size)} : ${helper}l))`;
}

/** A load that first makes sure the same bytes can be written (read-modify-write: #PF with W,
 *  as the semantics' readForUpdate); through the write TLB, whose entries allow both. */
export function loadForUpdateExpr(mode: AccessMode, size: number, seg: number, ea: string, aligned = false, atStart?: string): string {
  if (takeGuard(mode, seg, size, 'wt', atStart, aligned)) return bareLoad(size);
  const helper = `H.ru${size * 8}(c, ${seg}, `;
  if (!flat(mode, seg)) return `${helper}${ea})`;
  return `((l = ${ea}), (e = wt[l >>> 12]) !== 0${fitsTest(size, aligned)} ? ${bareLoad(size)} : ${helper}l))`;
}

/** A store of `val` (an expression without memory accesses) to seg:ea, as a statement. Only the
 *  helper can reach a page holding translated code (such pages have no write TLB entry), so
 *  only after the helper does the store note c.smc in the local `sm`: the code after the
 *  instruction tests that local instead of reading c.smc after every store. */
export function storeStmt(mode: AccessMode, size: number, seg: number, ea: string, val: string, aligned = false, atStart?: string): string {
  if (takeGuard(mode, seg, size, 'wt', atStart, aligned)) return bareStore(size, val);
  if (!flat(mode, seg)) return `H.wr${size * 8}(c, ${seg}, ${ea}, ${val}); sm = c.smc;`;
  return `l = ${ea}; e = wt[l >>> 12]; ${storeThroughEntry(size, seg, val, aligned)}`;
}

/** The store of a read-modify-write, right after loadForUpdateExpr of the same `size` at the
 *  same seg:ea with nothing in between that accesses memory: `l` and `e` are still the load's,
 *  and the load's fast-path test is this store's, so it is not looked up again. Where the load
 *  took the helper, `e` fails the test again and the store takes its helper too. */
export function storeAfterUpdateStmt(mode: AccessMode, size: number, seg: number, ea: string, val: string, aligned = false): string {
  // The load's guard tested the write entry: the store cannot miss.
  if (mode.guard?.code) return bareStore(size, val);
  if (!flat(mode, seg)) return `H.wr${size * 8}(c, ${seg}, ${ea}, ${val}); sm = c.smc;`;
  return storeThroughEntry(size, seg, val, aligned);
}

/** The store of `val` at `l` through write-TLB entry `e` (both already set), else the helper. */
function storeThroughEntry(size: number, seg: number, val: string, aligned: boolean): string {
  const slow = `else { H.wr${size * 8}(c, ${seg}, l, ${val}); sm = c.smc; }`;
  return `if (e !== 0${fitsTest(size, aligned)}) ${bareStore(size, val)} ${slow}`;
}

/** A near transfer's target: checked against CS's limit unless that is 4 GiB. */
export function jumpTarget(mode: AccessMode, target: string): string {
  return mode.flatCode ? target : `H.jt(c, ${target})`;
}

function hex(n: number): string { return '0x' + (n >>> 0).toString(16); }
