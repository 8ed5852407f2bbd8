// Guest registers and the lazy-flag record in JavaScript locals. Inside a generated function
// the eight general registers, c.lop/la/lb/lres/lsz/lmask/lcin, c.flags, c.eip and c.icount
// live in locals (r0..r7; fa fb fres fcin, and fk for lop, lsz and lmask together; ff, pc; bu,
// the instructions left in the call's budget) that V8 keeps in machine registers, instead of
// an Int32Array and object fields (DESIGN: "a block may cache them in JS locals and write them
// back at exits and before helper calls"). The emitters write `r[n]` and `c.l*`; this pass
// rewrites each instruction's code:
//
// - code that calls nothing that reads or writes registers or flags (inline ALU, moves, the
//   memory fast paths and their helpers, which only touch memory or throw) uses the locals;
// - code that does (an instruction's semantic function, a stack, flag or multiply helper)
//   keeps its `r[n]`/`c.l*` text and is bracketed: the locals are written back before it
//   (SPILL) and read again after it (FILL);
// - every `return n` of local-using code becomes `n = ...; break fx` out of the labelled body,
//   after which the locals are written back once; the function's catch writes them back when
//   a fault unwinds out of local-using code (`sy` is 1 while bracketed code runs: then the
//   registers and flags are already where the semantics left them).
//
// Faults stay precise: a faulting instruction changes nothing before it throws, so the locals
// hold the state at its boundary when the catch writes them back.

/** Helpers that neither read nor write guest registers or flags. */
const STATELESS = new Set(['rd8', 'rd16', 'rd32', 'wr8', 'wr16', 'wr32', 'ru8', 'ru32', 'jt', 'count', 'countAt', 'rfault', 'ud', 'gp0', 'mulHi', 'imul', 'cfOf', 'ccOf', 'repMove', 'refault']);
/** Cpu fields kept in locals besides the registers: [field, local]. */
const FIELDS: [string, string][] = [
  ['la', 'fa'], ['lb', 'fb'], ['lres', 'fres'], ['lcin', 'fcin'],
  ['flags', 'ff'], ['eip', 'pc'],
];
// The emitters count retired instructions (`c.icount += n`) and stop where "an interrupt is
// requested or the CPU stopped, or the call's budget is spent" (`q || c.icount >= le`,
// `q || c.icount + n >= le`). In local code that is one small integer, `bu`, the instructions
// left before `lim` (the budget's end, c.loopEnd, or where the function was entered when an
// interrupt is requested or the CPU stopped, so that it stops after its first block as before):
// a count is one subtraction and a check one compare with a constant, where it was an add to
// a number that outgrows int32 after 2^31 instructions, a compare with a second local and a
// test of a third. c.icount is lim - bu, written back with the other locals.
const COUNT_RE = /\bc\.icount \+= (\d+);/g;
const STOP_RE = /\bq \|\| c\.icount >= le\b/g;
const STOP_AHEAD_RE = /\bq \|\| c\.icount \+ (\d+) >= le\b/g;
const BUDGET_FILL = 'lim = c.irq || c.stopped ? c.icount : c.loopEnd; bu = lim - c.icount;';
// The record's kind, size and mask (c.lop, c.lsz, c.lmask) share one local, `fk` = lop |
// lsz << 8 | lmask << 12: every ALU instruction sets all three to constants, so that is one
// write instead of three, and a loop carries one value for them instead of three.
const KIND_RE = /\bc\.(lop|lsz|lmask)\s*([&|]?=)(?!=)\s*([^;]+);/g;
const KIND_SHIFT: Record<string, number> = { lop: 0, lsz: 8, lmask: 12 };
const KIND_BITS: Record<string, number> = { lop: 0xff, lsz: 0xf, lmask: 0xfff };
const KIND_READ: Record<string, string> = { lop: '(fk & 0xff)', lsz: '((fk >> 8) & 0xf)', lmask: '(fk >>> 12)' };
const PACKED_FILL = 'fk = c.lop | (c.lsz << 8) | (c.lmask << 12)';
const PACKED_SPILL = 'c.lop = fk & 0xff; c.lsz = (fk >> 8) & 0xf; c.lmask = fk >>> 12;';

/** `code` with c.lop/lsz/lmask read and written through `fk`. */
function packKind(code: string): string {
  const sets = [...code.matchAll(KIND_RE)];
  if (sets.length === 0) return code.replace(/\bc\.(lop|lsz|lmask)\b/g, (_, f: string) => KIND_READ[f]);
  const lit = (v: string): number | null => (/^(0x[0-9a-f]+|\d+)$/.test(v.trim()) ? Number(v.trim()) : null);
  const plain = sets.filter((m) => m[2] === '=');
  const one = (f: string) => plain.filter((m) => m[1] === f);
  // All three set once to constants, nothing else: one write where the first was.
  if (sets.length === 3 && ['lop', 'lsz', 'lmask'].every((f) => one(f).length === 1 && lit(one(f)[0][3]) !== null)) {
    const packed = lit(one('lop')[0][3])! | (lit(one('lsz')[0][3])! << 8) | (lit(one('lmask')[0][3])! << 12);
    let first = true;
    code = code.replace(KIND_RE, () => { const r = first ? `fk = ${packed};` : ''; first = false; return r; });
  } else {
    code = code.replace(KIND_RE, (_, f: string, op: string, v: string) => {
      const sh = KIND_SHIFT[f], bits = KIND_BITS[f], keep = ~(bits << sh) & 0xffffff;
      if (op === '&=') return `fk &= ((((${v}) & ${bits}) << ${sh}) | ${keep});`;
      if (op === '|=') return `fk |= (((${v}) & ${bits}) << ${sh});`;
      return `fk = (fk & ${keep}) | (((${v}) & ${bits}) << ${sh});`;
    });
  }
  return code.replace(/\bc\.(lop|lsz|lmask)\b/g, (_, f: string) => KIND_READ[f]);
}
const FIELD_RE = new RegExp(`\\bc\\.(${FIELDS.map(([f]) => f).join('|')})\\b`, 'g');
const LOCAL_OF = new Map(FIELDS);

const SPILL = '@SPILL@', FILL = '@FILL@';
/** A use of a local (group 1), with group 2 set when it is an assignment. */
const LOCAL_USE = new RegExp(`\\b(r[0-7]|${FIELDS.map(([, v]) => v).join('|')}|fk|bu)\\b(\\s*(?:[-+|&^]|<<|>>>?)?=(?!=))?`, 'g');

/** Does this code call something that reads or writes registers or flags in the Cpu? */
export function touchesState(code: string): boolean {
  if (/\bE\[/.test(code)) return true;
  for (const m of code.matchAll(/\bH\.(\w+)\(/g)) if (!STATELESS.has(m[1])) return true;
  return false;
}

/** One instruction's code (or a block's closing code) for a function with locals. */
export function localizeChunk(code: string): string {
  if (touchesState(code)) return `${SPILL} sy = 1;\n${code}\nsy = 0; ${FILL}`;
  const local = packKind(code)
    .replace(COUNT_RE, 'bu -= $1;').replace(STOP_RE, 'bu <= 0').replace(STOP_AHEAD_RE, 'bu <= $1')
    .replace(/\br\[([0-7])\]/g, 'r$1')
    .replace(FIELD_RE, (_, f: string) => LOCAL_OF.get(f)!)
    .replace(/\breturn ([^;]*);/g, '{ n = $1; break fx; }');
  if (/\bc\.icount\b|\b(q|le)\b/.test(local)) throw new Error(`locals: instruction count used other than as a count or a stop test: ${local}`);
  return local;
}

/** A whole function body made of localized chunks: declarations, the write-back and re-read
 *  code in place of the markers, and `catch` writing the locals back. `onFault` runs in the
 *  catch before the rethrow. */
export function withLocals(body: string, onFault = ''): string {
  // One scan for every local used, and whether it is assigned.
  const used = new Set<string>(), written = new Set<string>();
  for (const m of body.matchAll(LOCAL_USE)) { used.add(m[1]); if (m[2] !== undefined) written.add(m[1]); }
  const regs = [0, 1, 2, 3, 4, 5, 6, 7].filter((n) => used.has(`r${n}`));
  const fields = FIELDS.filter(([, v]) => used.has(v));
  const kind = used.has('fk');
  // The budget (bu, lim): an interrupt request or a stop comes only from code outside the
  // locals (a semantic function, a hook behind it), so lim is set at entry and after such code.
  const budget = used.has('bu');
  const spill = [...regs.filter((n) => written.has(`r${n}`)).map((n) => `r[${n}] = r${n};`), ...fields.filter(([, v]) => written.has(v)).map(([f, v]) => `c.${f} = ${v};`),
    ...(written.has('fk') ? [PACKED_SPILL] : []), ...(written.has('bu') ? ['c.icount = lim - bu;'] : [])].join(' ');
  const fill = [...regs.map((n) => `r${n} = r[${n}];`), ...fields.map(([f, v]) => `${v} = c.${f};`), ...(kind ? [`${PACKED_FILL};`] : []), ...(budget ? [BUDGET_FILL] : [])].join(' ');
  const decl = [...regs.map((n) => `r${n} = r[${n}]`), ...fields.map(([f, v]) => `${v} = c.${f}`), ...(kind ? [PACKED_FILL] : []),
    ...(budget ? ['lim = c.irq || c.stopped ? c.icount : c.loopEnd', 'bu = lim - c.icount'] : []), 'sy = 0', 'n = 0'];
  // Every exit of local-using code sets n and leaves the labelled block: one write-back.
  return `let ${decl.join(', ')};\ntry {\nfx: {\n${body.split(SPILL).join(spill).split(FILL).join(fill)}\n}\n} catch (x) { if (sy === 0) { ${spill} } ${onFault}throw x; }\n${spill}\nreturn n;`;
}
