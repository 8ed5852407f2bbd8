// How the runtime's back ends (they play dom0) reach the guest's memory: only through the
// guest's grant references, with the checks Xen's common/grant_table.c makes when another
// domain maps (map_grant_ref) or copies (acquire_grant_for_copy / gnttab_copy) a grant v1:
//
// - the reference must lie inside the table the guest set up (GNTST_bad_gntref);
// - on first use the entry must read GTF_permit_access (map: and not GTF_sub_page) with the
//   back end's domid (_set_status_v1: GNTST_general_error);
// - write access to a GTF_readonly entry is refused (GNTST_general_error);
// - Xen sets GTF_reading (and GTF_writing for write access) in the shared entry while the
//   access lasts and clears them when the last pin of that kind goes (for a copy: around the
//   copy; for a map: until the unmap), so the guest's gnttab_end_foreign_access sees it busy;
// - the frame must be one the guest owns (get_paged_frame: GNTST_bad_page), and write access
//   takes a writable type reference (get_page_type(PGT_writable_page): a page table or
//   descriptor page is refused with GNTST_general_error), so no back end can ever write a
//   frame the PV MMU validated;
// - an active entry pinned by another domain, or whose pin counters would overflow, is
//   refused (GNTST_general_error).
// A refusal never touches guest memory beyond the flags Xen itself sets and clears.
import type { Domain } from '../domain.ts';
import { PAGE } from '../domain.ts';
import type { GrantTable } from './grant-table.ts';
import { pvMmu } from '../mmu/mmu.ts';
import { PGT_writable_page } from '../mmu/page-types.ts';
import {
  GRANT_ENTRY_V1, GTF_type_mask, GTF_permit_access, GTF_sub_page, GTF_readonly, GTF_reading, GTF_writing,
  GNTST_okay, GNTST_general_error, GNTST_bad_gntref, GNTST_bad_page, GNTST_bad_copy_arg, GNTST_NAMES,
} from '../abi/grant_table.ts';
import { nameOf } from '../abi/names.ts';

/** The domain id of the runtime's back ends. */
export const BACKEND_DOMID = 0;

/** Xen's active entry pin counters are 8 bits per kind; once one has reached 0x80 further pins
 *  are refused (the 0x80808080 check in map_grant_ref and acquire_grant_for_copy). */
const PIN_LIMIT = 0x80;

interface ActiveEntry {
  domid: number;
  mfn: number;
  /** Read-only and writable pins (GNTPIN_hstr / GNTPIN_hstw). */
  readers: number;
  writers: number;
}

/** A grant a back end holds: valid until unmap. */
export interface GrantMapping {
  readonly ref: number;
  readonly mfn: number;
  readonly readonly: boolean;
  live: boolean;
}

export interface GrantAccessStats {
  maps: number;
  unmaps: number;
  copies: number;
  /** Bytes read from and written to guest frames through grants. */
  bytesRead: number;
  bytesWritten: number;
  /** Refusals by GNTST name ('bad_gntref', 'general_error', 'bad_page', ...). */
  refused: Record<string, number>;
}

export class GrantAccess {
  private readonly active = new Map<number, ActiveEntry>();
  readonly stats: GrantAccessStats = { maps: 0, unmaps: 0, copies: 0, bytesRead: 0, bytesWritten: 0, refused: {} };

  constructor(readonly d: Domain, readonly gt: GrantTable) {}

  /** Grants currently pinned (for tests and statistics). */
  get pinned(): number { return this.active.size; }

  private refuse(status: number): number {
    const name = nameOf(GNTST_NAMES, status);
    this.stats.refused[name] = (this.stats.refused[name] ?? 0) + 1;
    return status;
  }

  private flags(ea: number): number { return this.d.cpu.view.getUint16(ea + GRANT_ENTRY_V1.flags, true); }
  /** Store the entry's flags on Xen's behalf, telling the translator as a guest store would. */
  private setFlags(ea: number, v: number): void {
    const c = this.d.cpu, pa = ea + GRANT_ENTRY_V1.flags;
    c.view.setUint16(pa, v, true);
    if (c.codePages[pa >>> 12]) c.hooks.codeWrite?.(pa, 2);
  }
  /** gnttab_clear_flags after the pins of a kind are gone. */
  private clearAfterRelease(ea: number, act: ActiveEntry | undefined, readonly: boolean): void {
    let clear = 0;
    if (!readonly && (!act || act.writers === 0)) clear |= GTF_writing;
    if (!act || act.readers + act.writers === 0) clear |= GTF_reading;
    if (clear) this.setFlags(ea, this.flags(ea) & ~clear);
  }

  /** Pin grant `ref` for `domid` (map_grant_ref / acquire_grant_for_copy, v1): the mapping or
   *  a GNTST_* status. `mapflag` adds GTF_sub_page to the type check, as a map does. */
  private acquire(ref: number, domid: number, readonly: boolean, mapflag: boolean): GrantMapping | number {
    const ea = Number.isInteger(ref) ? this.gt.entryMaddr(ref) : null;
    if (ea === null) return this.refuse(GNTST_bad_gntref);
    let act = this.active.get(ref);
    if (act && (act.domid !== domid || act.readers >= PIN_LIMIT || act.writers >= PIN_LIMIT)) return this.refuse(GNTST_general_error);
    if (!act || (!readonly && act.writers === 0)) {
      // _set_status_v1
      const flags = this.flags(ea), edom = this.d.cpu.view.getUint16(ea + GRANT_ENTRY_V1.domid, true);
      const mask = GTF_type_mask | (mapflag ? GTF_sub_page : 0);
      if (!act && ((flags & mask) !== GTF_permit_access || edom !== domid)) return this.refuse(GNTST_general_error);
      if (!readonly && (flags & GTF_readonly)) return this.refuse(GNTST_general_error);
      this.setFlags(ea, flags | GTF_reading | (readonly ? 0 : GTF_writing));
      if (!act) {
        // get_paged_frame: a PV guest grants machine frames; it must own the one it names.
        const mfn = this.d.cpu.view.getUint32(ea + GRANT_ENTRY_V1.frame, true);
        if (!this.d.ownsFrame(mfn)) {
          this.clearAfterRelease(ea, undefined, readonly);
          return this.refuse(GNTST_bad_page);
        }
        act = { domid, mfn, readers: 0, writers: 0 };
        this.active.set(ref, act);
      }
    }
    if (readonly) act.readers++; else act.writers++;
    if (!readonly) {
      // get_page_type(PGT_writable_page): frames the MMU uses as page tables or descriptor
      // pages cannot be written through a grant.
      const mmu = pvMmu(this.d);
      if (mmu && mmu.types.get(act.mfn, PGT_writable_page) !== 0) {
        act.writers--;
        if (act.readers + act.writers === 0) this.active.delete(ref);
        this.clearAfterRelease(ea, this.active.get(ref), false);
        return this.refuse(GNTST_general_error);
      }
    }
    return { ref, mfn: act.mfn, readonly, live: true };
  }

  private release(m: GrantMapping): void {
    if (!m.live) return;
    m.live = false;
    const act = this.active.get(m.ref);
    const ea = this.gt.entryMaddr(m.ref);
    if (!act || ea === null) return;
    if (m.readonly) act.readers--;
    else {
      act.writers--;
      pvMmu(this.d)?.types.put(m.mfn);
    }
    if (act.readers + act.writers === 0) this.active.delete(m.ref);
    this.clearAfterRelease(ea, this.active.get(m.ref), m.readonly);
  }

  /** Map grant `ref` for the back end `domid` (GNTMAP_host_map, GNTMAP_readonly when
   *  `readonly`): the mapping, or the GNTST_* status Xen would answer. */
  map(ref: number, readonly: boolean, domid = BACKEND_DOMID): GrantMapping | number {
    const r = this.acquire(ref, domid, readonly, true);
    if (typeof r !== 'number') this.stats.maps++;
    return r;
  }
  /** Unmap (GNTTABOP_unmap_grant_ref): the pin goes, and the entry's busy flags with the last
   *  pin of their kind. A second unmap of the same mapping does nothing. */
  unmap(m: GrantMapping): void {
    if (!m.live) return;
    this.release(m);
    this.stats.unmaps++;
  }

  /** Read `len` bytes at `offset` of a mapped grant. */
  read(m: GrantMapping, offset: number, len: number): Uint8Array {
    if (!m.live || offset < 0 || len < 0 || offset + len > PAGE) throw new RangeError('grant read outside the mapped page');
    const pa = m.mfn * PAGE + offset;
    this.stats.bytesRead += len;
    return this.d.cpu.mem.slice(pa, pa + len);
  }
  /** Read a 32-bit little-endian value at `offset` of a mapped grant. */
  read32(m: GrantMapping, offset: number): number {
    if (!m.live || offset < 0 || offset + 4 > PAGE) throw new RangeError('grant read outside the mapped page');
    return this.d.cpu.view.getUint32(m.mfn * PAGE + offset, true);
  }
  /** Write `data` at `offset` of a writable mapped grant. A store into translated code is
   *  told to the translator as a guest store would be. */
  write(m: GrantMapping, offset: number, data: Uint8Array): void {
    if (!m.live || m.readonly || offset < 0 || offset + data.length > PAGE) throw new RangeError('grant write outside a writable mapped page');
    const c = this.d.cpu, pa = m.mfn * PAGE + offset;
    c.mem.set(data, pa);
    this.stats.bytesWritten += data.length;
    if (data.length && c.codePages[m.mfn]) c.hooks.codeWrite?.(pa, data.length);
  }
  write32(m: GrantMapping, offset: number, v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, true);
    this.write(m, offset, b);
  }

  /** GNTTABOP_copy from grant `ref` (GNTCOPY_source_gref): the bytes, or a GNTST_* status. */
  copyFrom(ref: number, offset: number, len: number, domid = BACKEND_DOMID): Uint8Array | number {
    const m = this.acquire(ref, domid, true, false);
    if (typeof m === 'number') return m;
    try {
      if (!inPage(offset, len)) return this.refuse(GNTST_bad_copy_arg);
      this.stats.copies++;
      return this.read(m, offset, len);
    } finally { this.release(m); }
  }
  /** GNTTABOP_copy into grant `ref` (GNTCOPY_dest_gref): GNTST_okay or the refusal. */
  copyTo(ref: number, offset: number, data: Uint8Array, domid = BACKEND_DOMID): number {
    const m = this.acquire(ref, domid, false, false);
    if (typeof m === 'number') return m;
    try {
      if (!inPage(offset, data.length)) return this.refuse(GNTST_bad_copy_arg);
      this.stats.copies++;
      this.write(m, offset, data);
      return GNTST_okay;
    } finally { this.release(m); }
  }
}

/** gnttab_copy_buf: offset + len must stay inside the page. */
function inPage(offset: number, len: number): boolean {
  return Number.isInteger(offset) && Number.isInteger(len) && offset >= 0 && len >= 0 && offset + len <= PAGE;
}

const accessors = new WeakMap<Domain, GrantAccess>();
/** The domain's grant access for back ends (one per domain, so every back end's pins share
 *  the active entries as they do in Xen). Needs the grant plugin. */
export function grantAccess(d: Domain, gt: GrantTable | undefined): GrantAccess {
  let a = accessors.get(d);
  if (!a) {
    if (!gt) throw new Error('grant access needs the grant plugin');
    a = new GrantAccess(d, gt);
    accessors.set(d, a);
  }
  return a;
}
