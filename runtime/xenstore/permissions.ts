// Node permissions as xenstored keeps them: a list whose first entry names the owner and the
// access everyone else gets; later entries grant a specific domain its access. The string form
// on the wire (XS_GET_PERMS/XS_SET_PERMS) is one letter, r w b or n, then the domid in decimal.
// The bit values are libxenstore's (xenstore_lib.h), which xenstored stores per entry.

export const XS_PERM_NONE = 0;
export const XS_PERM_READ = 1;
export const XS_PERM_WRITE = 2;
/** Owner rights: only an owner or a privileged connection ever has them. */
export const XS_PERM_OWNER = 8;
/** An entry naming a domain that does not exist: kept, but never matches. */
export const XS_PERM_IGNORE = 16;

export interface Perm { id: number; perms: number }

/** Anything a permission check needs to know about the asking connection. */
export interface Asker { id: number; privileged: boolean }

/** perm_for_conn: what `who` may do to a node with these permissions. Privileged connections
 *  and the owner get everything; otherwise the first live entry naming the asker, else the
 *  owner entry's access for everyone. */
export function permFor(who: Asker, perms: readonly Perm[]): number {
  const all = XS_PERM_READ | XS_PERM_WRITE | XS_PERM_OWNER;
  if (who.privileged || perms[0].id === who.id) return all;
  for (let i = 1; i < perms.length; i++) {
    if (!(perms[i].perms & XS_PERM_IGNORE) && perms[i].id === who.id) return perms[i].perms & all;
  }
  return perms[0].perms & all;
}

/** xenstore_perm_to_string: 'r1', 'n0'...; undefined for a combination that has no letter. */
export function permToString(p: Perm): string | undefined {
  let c: string;
  switch (p.perms & ~XS_PERM_IGNORE) {
    case XS_PERM_WRITE: c = 'w'; break;
    case XS_PERM_READ: c = 'r'; break;
    case XS_PERM_READ | XS_PERM_WRITE: c = 'b'; break;
    case XS_PERM_NONE: c = 'n'; break;
    default: return undefined;
  }
  return c + String(p.id | 0);
}

/** C strtol with base 0 over the whole string: the value and whether all of `s` was a number
 *  (xenstored refuses "r1x" and "r"). Overflow saturates as strtol does, then the int store
 *  truncates to 32 bits. */
function strtolWhole(s: string): number | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const digits = m[2];
  let v: bigint;
  if (/^0[xX]/.test(digits)) v = BigInt(digits);
  else if (digits.length > 1 && digits[0] === '0') v = BigInt('0o' + digits.slice(1));
  else v = BigInt(digits);
  if (m[1] === '-') v = -v;
  const LMAX = 0x7fffffffn, LMIN = -0x80000000n; // long is 32 bits in i386 xenstored
  if (v > LMAX) v = LMAX;
  if (v < LMIN) v = LMIN;
  return Number(v) | 0;
}

/** xenstore_strings_to_perms: parse the permission strings; undefined (EINVAL) on a bad one. */
export function parsePerms(strings: readonly string[]): Perm[] | undefined {
  const out: Perm[] = [];
  for (const s of strings) {
    let perms: number;
    switch (s[0]) {
      case 'r': perms = XS_PERM_READ; break;
      case 'w': perms = XS_PERM_WRITE; break;
      case 'b': perms = XS_PERM_READ | XS_PERM_WRITE; break;
      case 'n': perms = XS_PERM_NONE; break;
      default: return undefined;
    }
    const id = strtolWhole(s.slice(1));
    if (id === undefined) return undefined;
    out.push({ id, perms });
  }
  return out;
}

export function clonePerms(p: readonly Perm[]): Perm[] { return p.map((e) => ({ id: e.id, perms: e.perms })); }
