// The store's data base as xenstored keeps it: nodes by absolute name ("/local/domain/1/name",
// or a special "@releaseDomain"), each with its value (bytes, not necessarily text), its
// permissions, its children's names in creation order, and the generation count of its last
// change. The global generation count increments before every copy to a node or a
// transaction, so every write and every transaction start gets a unique number; transaction
// conflicts are detected by comparing them (xenstored's transaction.c).
import { type Perm, clonePerms, XS_PERM_NONE } from './permissions.ts';

/** The generation of a node that does not exist (xenstored's NO_GENERATION, ~0). */
export const NO_GENERATION = -1;

export interface XsNode {
  name: string;
  data: Uint8Array;
  perms: Perm[];
  children: string[];
  generation: number;
}

export function cloneNode(n: XsNode): XsNode {
  return { name: n.name, data: n.data, perms: clonePerms(n.perms), children: n.children.slice(), generation: n.generation };
}

/** Bytes the node's record takes, as xenstored's node-size quota counts them: a 16-byte header
 *  (generation, number of permissions, data and children lengths), 8 bytes per permission, the
 *  data and the NUL-terminated children names. */
export function nodeSize(n: XsNode): number {
  let childlen = 0;
  for (const c of n.children) childlen += c.length + 1;
  return 16 + 8 * n.perms.length + n.data.length + childlen;
}

/** The children as xenstored stores them: each name NUL-terminated, back to back. */
export function childrenBlob(n: XsNode): Uint8Array {
  return Buffer.from(n.children.map((c) => c + '\0').join(''), 'latin1');
}

export class Db {
  readonly nodes = new Map<string, XsNode>();
  generation = 0;

  constructor() {
    // setup_structure: the root, /tool/xenstored and the two special nodes, owned by dom0 and
    // closed to everyone else.
    const mk = (name: string, children: string[]): void => {
      this.nodes.set(name, { name, data: new Uint8Array(0), perms: [{ id: 0, perms: XS_PERM_NONE }], children, generation: ++this.generation });
    };
    mk('/', ['tool']);
    mk('/tool', ['xenstored']);
    mk('/tool/xenstored', []);
    mk('@releaseDomain', []);
    mk('@introduceDomain', []);
  }

  get(name: string): XsNode | undefined { return this.nodes.get(name); }
}
