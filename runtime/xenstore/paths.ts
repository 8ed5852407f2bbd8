// Node names as xenstored accepts them (core.c canonicalize): only letters, digits and - / _ @;
// a relative name is taken under the connection's own /local/domain/<id>; no trailing '/'
// except the root, no '//', a name starting with '@' only where special nodes are allowed
// (watches and permissions), and for an unprivileged connection at most XENSTORE_REL_PATH_MAX
// characters after its /local/domain/<id>/ prefix.
import { XENSTORE_REL_PATH_MAX } from '../abi/xs_wire.ts';

const VALID = /^[A-Za-z0-9\-/_@]*$/;

export interface PathAsker { id: number; privileged: boolean }

export function implicitPath(c: PathAsker): string { return `/local/domain/${c.id}`; }

/** The absolute name, or undefined where xenstored answers EINVAL. */
export function canonicalize(c: PathAsker, node: string | undefined, allowSpecial: boolean): string | undefined {
  if (node === undefined || !VALID.test(node) || (node[0] === '@' && !allowSpecial)) return undefined;
  const name = node[0] !== '/' && node[0] !== '@' ? `${implicitPath(c)}/${node}` : node;
  // sscanf("/local/domain/%5u/%n"): the prefix a domain's path length is counted after.
  const m = /^\/local\/domain\/(?:-[0-9]{1,4}|[0-9]{1,5})\//.exec(name);
  const localOff = m ? m[0].length : 0;
  if (name.endsWith('/') && name !== '/') return undefined;
  if (name.includes('//')) return undefined;
  if (!c.privileged && name.length - localOff > XENSTORE_REL_PATH_MAX) return undefined;
  return name;
}

/** get_parent: everything before the last '/', or the root. */
export function parentOf(name: string): string {
  const slash = name.lastIndexOf('/');
  return slash > 0 ? name.slice(0, slash) : '/';
}

export function baseName(name: string): string { return name.slice(name.lastIndexOf('/') + 1); }

/** Is `child` the node `parent` or below it? Everything is below the root. */
export function isChild(child: string, parent: string): boolean {
  if (parent === '/') return true;
  if (!child.startsWith(parent)) return false;
  return child.length === parent.length || child[parent.length] === '/';
}
