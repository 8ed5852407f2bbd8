// Value-to-name tables for tracing, built from groups of constants that share a prefix.

export type NameTable = Readonly<Record<number, string>>;

/** The table from value to name, the prefix dropped, of a group of constants sharing a prefix.
 *  When two names share a value the first one listed wins, so aliases go after their originals. */
export function nameTable(prefix: string, group: Readonly<Record<string, number>>): NameTable {
  const table: Record<number, string> = {};
  for (const [name, value] of Object.entries(group)) {
    if (!name.startsWith(prefix)) throw new Error(`nameTable: ${name} does not start with ${prefix}`);
    if (!(value in table)) table[value] = name.slice(prefix.length);
  }
  return Object.freeze(table);
}

/** A value's name in a table, or the number itself when the table has no name for it. */
export function nameOf(table: NameTable, value: number): string {
  return table[value] ?? String(value);
}
