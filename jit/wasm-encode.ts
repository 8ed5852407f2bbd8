// A WebAssembly binary encoder for the few module shapes the translator builds: functions of
// i32/i64 values over one memory (WebAssembly core specification 1.0, §5 "Binary Format").
// Code is built from expression helpers (each returns the bytes that leave its value on the
// operand stack), so a function body reads as nested expressions. The bytes stay nested as the
// expressions are and are flattened once per function: spreading each operand into its parent
// copied every byte once per level (~30 ms for the first-run module at start-up, 9 KiB).

export type Code = (number | Code)[];

/** Value types (§5.3.1). */
export const I32 = 0x7f, I64 = 0x7e;
const BLOCK_VOID = 0x40;

/** Unsigned LEB128 (§5.2.2). */
export function uleb(v: number): number[] {
  const out: number[] = [];
  v >>>= 0;
  do { let b = v & 0x7f; v >>>= 7; if (v !== 0) b |= 0x80; out.push(b); } while (v !== 0);
  return out;
}
/** Signed LEB128 of a 32-bit value. */
export function sleb(v: number): number[] {
  const out: number[] = [];
  v |= 0;
  for (;;) {
    const b = v & 0x7f; v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}

const cat = (...parts: Code[]): Code => parts;
/** The bytes of `code`, in order. */
export const flatten = (code: Code): number[] => code.flat(Infinity as 1) as number[];

// Constants, locals (§5.4.4, §5.4.6).
export const i32 = (v: number): Code => [0x41, sleb(v)];
export const get = (l: number): Code => [0x20, uleb(l)];
export const set = (l: number, v: Code): Code => [v, 0x21, uleb(l)];
export const tee = (l: number, v: Code): Code => [v, 0x22, uleb(l)];

// i32 arithmetic and comparisons (§5.4.7).
const bin = (op: number) => (a: Code, b: Code): Code => [a, b, op];
const un = (op: number) => (a: Code): Code => [a, op];
export const eqz = un(0x45);
export const eq = bin(0x46), ne = bin(0x47), ltS = bin(0x48), ltU = bin(0x49), gtS = bin(0x4a), gtU = bin(0x4b);
export const leS = bin(0x4c), leU = bin(0x4d), geS = bin(0x4e), geU = bin(0x4f);
export const add = bin(0x6a), sub = bin(0x6b), mul = bin(0x6c);
export const and = bin(0x71), or = bin(0x72), xor = bin(0x73), shl = bin(0x74), shrS = bin(0x75), shrU = bin(0x76);
export const rotl = bin(0x77), rotr = bin(0x78);
export const remU = bin(0x70);
// i64 (for exact products).
export const i64Eq = bin(0x51), i64Ne = bin(0x52), i64Mul = bin(0x7e);
export const i64ExtendS = un(0xac), i32Wrap = un(0xa7);
export const select = (a: Code, b: Code, cond: Code): Code => [a, b, cond, 0x1b];

// Memory (§5.4.5): alignment hint 0 (any), offset 0.
const memop = (op: number) => (addr: Code): Code => [addr, op, 0, 0];
export const load = memop(0x28), load8U = memop(0x2d), load8S = memop(0x2c), load16U = memop(0x2f), load16S = memop(0x2e);
export const store = (addr: Code, v: Code): Code => [addr, v, 0x36, 0, 0];
export const store8 = (addr: Code, v: Code): Code => [addr, v, 0x3a, 0, 0];

// Control (§5.4.1). Branch depths count enclosing block/loop/if constructs, innermost 0.
export const block = (...body: Code[]): Code => [0x02, BLOCK_VOID, body, 0x0b];
export const loop = (...body: Code[]): Code => [0x03, BLOCK_VOID, body, 0x0b];
export const if_ = (cond: Code, then: Code, els?: Code): Code =>
  els === undefined ? [cond, 0x04, BLOCK_VOID, then, 0x0b] : [cond, 0x04, BLOCK_VOID, then, 0x05, els, 0x0b];
/** An if whose arms leave an i32. */
export const ifI32 = (cond: Code, then: Code, els: Code): Code => [cond, 0x04, I32, then, 0x05, els, 0x0b];
export const br = (depth: number): Code => [0x0c, uleb(depth)];
export const brIf = (depth: number, cond: Code): Code => [cond, 0x0d, uleb(depth)];
export const brTable = (index: Code, depths: number[], dflt: number): Code =>
  [index, 0x0e, uleb(depths.length), depths.map(uleb), uleb(dflt)];
export const ret = (v?: Code): Code => [v ?? [], 0x0f];
export const call = (fn: number, ...args: Code[]): Code => [args, 0x10, uleb(fn)];
export const drop = (v: Code): Code => [v, 0x1a];
export const popcnt = (a: Code): Code => [a, 0x69];

/** A switch: `index` selects arm `targets[index]` (arm `dflt` past the table's end); each arm
 *  falls out of the switch at its end. An arm is built for the number of constructs between
 *  it and the code around the switch, to be added to the depth of any label outside it. */
export function switchOf(index: Code, targets: number[], dflt: number, arms: ((outer: number) => Code)[]): Code {
  const n = arms.length;
  // block $exit { block $a(n-1) { ... block $a0 { br_table } arm0 ... } arm(n-1) }; arm k sits
  // inside $a(k+1)..$a(n-1) and $exit: n - k constructs, so $exit is at depth n - 1 - k.
  let code: Code = brTable(index, targets, dflt);
  for (let k = 0; k < n; k++) {
    code = block(code);
    code = [code, arms[k](n - k), k < n - 1 ? br(n - 1 - k) : []];
  }
  return block(code);
}
export const seq = cat;

export interface WasmFunction {
  params: number[];
  results: number[];
  /** Local types beyond the parameters. */
  locals: number[];
  body: Code;
  /** Exported under this name, if given. */
  export?: string;
}

function vec(items: number[][]): number[] { return [...uleb(items.length), ...items.flat()]; }
function section(id: number, body: number[]): number[] { return [id, ...uleb(body.length), ...body]; }

/** A module importing one memory (env.memory, at least `minPages` 64 KiB pages) and defining
 *  `fns` (function index = position). */
export function encodeModule(fns: WasmFunction[], minPages: number): Uint8Array<ArrayBuffer> {
  const types = fns.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))]);
  const name = (s: string): number[] => vec([...Buffer.from(s, 'latin1')].map((b) => [b]));
  const imports = vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(minPages)]]);
  const funcs = vec(fns.map((_, k) => uleb(k)));
  const exports = vec(fns.flatMap((f, k) => (f.export ? [[...name(f.export), 0x00, ...uleb(k)]] : [])));
  const bodies = vec(fns.map((f) => {
    // Locals as runs of one type (§5.5.13).
    const runs: number[][] = [];
    for (const t of f.locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++; else runs.push([1, t]);
    }
    const code = [...vec(runs.map(([n, t]) => [...uleb(n), t])), ...flatten(f.body), 0x0b];
    return [...uleb(code.length), ...code];
  }));
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)), ...section(2, imports), ...section(3, funcs), ...section(7, exports), ...section(10, bodies)]);
}
