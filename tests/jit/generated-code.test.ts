// What the translator generates, checked with a JavaScript parser (acorn): every block function
// of many blocks (one per instruction form of the oracle vectors, random code, and every block
// the PV test kernels run, in plain, instrumented and source-mapped modes) is a single function
// expression named blk_<address> with the emitter's parameters, whose free names are only those
// parameters, which calls only the helpers the translator passes in, and which has no string or
// template literals, no `this`, and no comments but the instruction markers and the script's
// own //# lines. So nothing taken from the guest (only decoded numbers) can become code, and
// the code cannot reach the host (globals, eval, Function, require, process, constructors).
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as acorn from 'acorn';
import { BLOCK_PARAMS, BOUND_NAMES, HELPER_NAMES, type Block, type JitOptions } from '../../jit/jit.ts';
import { bareMachine } from '../../src/cli/bare.ts';
import { Machine } from '../../runtime/machine.ts';
import { loadKernelImage } from '../../src/elf/image.ts';
import { bootImageFrom } from '../../runtime/boot-image.ts';
import { defaultPlugins } from '../../runtime/plugins.ts';
import { loadGroups } from '../oracle/suite.ts';
import { caseInsn } from '../oracle/compare.ts';
import { formKey } from '../../tools/oracle/generate.ts';
import { prng } from '../support/machine.ts';
import { setFlagsAll } from '../../src/cpu/flags.ts';
import { setFlatSegments } from '../../src/cpu/flat.ts';
import { flushAll } from '../../src/cpu/paging.ts';
import { ESP, CR0_ET } from '../../src/cpu/regs.ts';

/** String literals generated code may contain: none. */
const ALLOWED_STRINGS = new Set<string>();
/** Property names that lead from any object to the host (constructors, prototypes). */
const FORBIDDEN_PROPERTIES = new Set(['constructor', 'prototype', '__proto__', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);
/** Comments generated code may contain. */
const COMMENT_OK = [
  /^ 0x[0-9a-f]{1,8}$/, // an instruction's address (emit.ts)
  /^# sourceURL=xenjit:\/\/(block|region)\/0x[0-9a-f]+\/\d+\/\d+\.js$/,
  /^# sourceMappingURL=data:application\/json;base64,[A-Za-z0-9+/]+=*$/,
];

type Node = acorn.AnyNode;

/** Problems of one generated source (the text the translator gives to `new Function`). */
function checkGeneratedSource(source: string): string[] {
  const problems: string[] = [];
  const comments: string[] = [];
  let ast: acorn.Program;
  try {
    ast = acorn.parse(source, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true, onComment: (_block, text) => { comments.push(text); } });
  } catch (e) { return [`does not parse: ${(e as Error).message}`]; }
  for (const c of comments) if (!COMMENT_OK.some((re) => re.test(c))) problems.push(`comment ${JSON.stringify(c.slice(0, 60))}`);
  // `const K_m = K.m, ...;` binding exactly BOUND_NAMES from K (jit.ts), then the function,
  // whose first statement is `const m = K_m, ...;`.
  const bind = ast.body[0];
  const bound = bind?.type === 'VariableDeclaration' && bind.kind === 'const' ? bind.declarations.map((d) =>
    d.id.type === 'Identifier' && d.init?.type === 'MemberExpression' && !d.init.computed && d.init.object.type === 'Identifier' &&
    d.init.object.name === 'K' && d.init.property.type === 'Identifier' && d.id.name === `K_${d.init.property.name}` ? d.init.property.name : '?') : [];
  if (bound.join() !== BOUND_NAMES.join()) problems.push('not `const ' + BOUND_NAMES.map((n) => `K_${n} = K.${n}`).join(', ') + ';` first');
  // Parenthesized, so that V8 compiles the function with its outer one (jit.ts wrap).
  if (!source.includes('\nreturn (function ')) problems.push('function not parenthesized');
  const ret = ast.body.length === 2 && ast.body[1].type === 'ReturnStatement' ? ast.body[1].argument : null;
  if (!ret || ret.type !== 'FunctionExpression' || !/^(blk_[0-9a-f]{8}|rgn_[0-9a-f]{5})$/.test(ret.id?.name ?? '') ||
      ret.params.map((p) => (p.type === 'Identifier' ? p.name : '?')).join() !== BLOCK_PARAMS.join()) {
    problems.push('not `return (function blk_<address>|rgn_<page>(' + BLOCK_PARAMS.join(', ') + ') {...})` second');
  } else {
    const first = ret.body.body[0];
    const local = first?.type === 'VariableDeclaration' && first.kind === 'const' ? first.declarations.map((d) =>
      d.id.type === 'Identifier' && d.init?.type === 'Identifier' && d.init.name === `K_${d.id.name}` ? d.id.name : '?') : [];
    if (local.join() !== BOUND_NAMES.join()) problems.push('not `const ' + BOUND_NAMES.map((n) => `${n} = K_${n}`).join(', ') + ';` first in the function');
  }

  const scopes: Set<string>[] = [new Set([...BLOCK_PARAMS, ...BOUND_NAMES.map((n) => `K_${n}`)])];
  const declared = (n: string): boolean => scopes.some((s) => s.has(n));
  const declare = (p: Node): void => {
    if (p.type === 'Identifier') scopes[scopes.length - 1].add(p.name);
    else problems.push(`${p.type} pattern`);
  };
  /** Declarations of a statement list, visible in the whole block (let/const/function). */
  const hoist = (stmts: readonly Node[]): void => {
    for (const s of stmts) {
      if (s.type === 'VariableDeclaration') for (const d of s.declarations) declare(d.id);
      else if (s.type === 'FunctionDeclaration' && s.id) declare(s.id);
    }
  };
  const visit = (n: Node | null | undefined): void => {
    if (!n) return;
    switch (n.type) {
      case 'ThisExpression': case 'Super': case 'MetaProperty': case 'ImportExpression': case 'WithStatement':
      case 'TemplateLiteral': case 'TaggedTemplateExpression': case 'ClassExpression': case 'ClassDeclaration':
      case 'YieldExpression': case 'AwaitExpression':
        problems.push(n.type); return;
      case 'Literal':
        if (typeof n.value === 'string' && !ALLOWED_STRINGS.has(n.value)) problems.push(`string literal ${JSON.stringify(n.value)}`);
        else if ('regex' in n && n.regex) problems.push('regular expression');
        else if (typeof n.value === 'bigint') problems.push('bigint literal');
        return;
      case 'Identifier':
        // Reached only in reference positions (see the cases below).
        if (!declared(n.name)) problems.push(`free name ${n.name}`);
        return;
      case 'MemberExpression':
        visit(n.object);
        if (n.computed) visit(n.property);
        else {
          const name = n.property.type === 'Identifier' ? n.property.name : '#private';
          if (FORBIDDEN_PROPERTIES.has(name)) problems.push(`property ${name}`);
          if (n.object.type === 'Identifier' && n.object.name === 'H' && !HELPER_NAMES.includes(name)) problems.push(`unknown helper H.${name}`);
        }
        return;
      case 'Property':
        if (n.computed) visit(n.key);
        visit(n.value as Node);
        return;
      case 'VariableDeclarator':
        visit(n.init);
        return;
      case 'LabeledStatement': visit(n.body); return;
      case 'BreakStatement': case 'ContinueStatement': return;
      case 'FunctionExpression': case 'FunctionDeclaration': case 'ArrowFunctionExpression':
        scopes.push(new Set());
        if (n.type === 'FunctionExpression' && n.id) declare(n.id);
        for (const p of n.params) declare(p);
        if (n.body.type === 'BlockStatement') { hoist(n.body.body); n.body.body.forEach(visit); } else visit(n.body);
        scopes.pop();
        return;
      case 'BlockStatement': case 'Program':
        scopes.push(new Set()); hoist(n.body as Node[]); (n.body as Node[]).forEach(visit); scopes.pop();
        return;
      case 'ForStatement': case 'ForInStatement': case 'ForOfStatement':
        scopes.push(new Set());
        if (n.type === 'ForStatement') { if (n.init?.type === 'VariableDeclaration') hoist([n.init]); visit(n.init); visit(n.test); visit(n.update); }
        else { if (n.left.type === 'VariableDeclaration') hoist([n.left]); else visit(n.left); visit(n.right); }
        visit(n.body);
        scopes.pop();
        return;
      case 'CatchClause':
        scopes.push(new Set()); if (n.param) declare(n.param); visit(n.body); scopes.pop();
        return;
    }
    // Any other node: visit its child nodes.
    for (const [k, v] of Object.entries(n)) {
      if (k === 'type' || k === 'start' || k === 'end' || k === 'loc' || k === 'range') continue;
      if (Array.isArray(v)) for (const x of v) { if (x && typeof x.type === 'string') visit(x as Node); }
      else if (v && typeof v === 'object' && typeof (v as Node).type === 'string') visit(v as Node);
    }
  };
  // The first statement is only the exact binding checked above (K appears nowhere else).
  for (const n of ast.body.slice(1)) visit(n as Node);
  return problems;
}

/** Plain, and instrumented with source maps (what profiling compiles); single-step code is the
 *  generic call path that plain mode also uses for rows without an inline emitter. */
// tierUp 0: every block is compiled at once (no first-tier runs), so every block has code.
const MODES: Partial<JitOptions>[] = [{ tierUp: 0 }, { instrument: true, sourceMaps: true, tierUp: 0 }];

/** Compile (by running) the code at 0x1000 of a bare machine for a few instructions; returns
 *  the sources of the blocks translated. */
class BareCompiler {
  readonly m;
  constructor(opts: Partial<JitOptions>) { this.m = bareMachine(new Uint8Array(16), 1 << 20, { tierUp: 0, ...opts }); }
  sources(code: ArrayLike<number>, budget = 16): string[] {
    const { cpu, jit } = this.m;
    // The previous snippet may have changed anything it could at CPL 0: start from scratch.
    cpu.mem.fill(0, 0, 0x3000);
    cpu.mem.set(code, 0x1000);
    jit.flushCache();
    jit.dropped.length = 0;
    cpu.regs.fill(0); cpu.regs[ESP] = 0xff000;
    setFlagsAll(cpu, 2);
    cpu.cr0 = CR0_ET; cpu.cr3 = 0; cpu.cr4 = 0; cpu.efer = 0; cpu.dr.fill(0);
    cpu.gdtBase = 0; cpu.gdtLimit = 0xffff; cpu.idtBase = 0; cpu.idtLimit = 0x3ff; cpu.ldtSel = 0; cpu.ldtBase = 0; cpu.ldtLimit = 0;
    setFlatSegments(cpu, 0);
    flushAll(cpu, true);
    cpu.eip = 0x1000; cpu.stopped = false; cpu.halted = false;
    jit.run(budget);
    return generatedSources([...jit.blocks, ...jit.dropped]);
  }
}

/** The generated functions behind blocks: their own, or their region's (once each). */
function generatedSources(blocks: Block[]): string[] {
  return [...new Set(blocks.map((b) => (b.region ? b.region.source : b.source)))];
}

function checkAll(sources: Iterable<string>): { checked: number; bad: string[] } {
  let checked = 0;
  const bad: string[] = [];
  for (const s of sources) {
    checked++;
    const p = checkGeneratedSource(s);
    if (p.length && bad.length < 10) bad.push(`${p.join('; ')}\n${s.slice(0, 400)}`);
  }
  return { checked, bad };
}

describe('generated block code (acorn)', () => {
  const good = 'const K_c = K.c, K_r = K.r, K_H = K.H, K_m = K.m, K_v = K.v, K_rt = K.rt, K_wt = K.wt;\nreturn (function blk_00001000(E, I, B) { const c = K_c, r = K_r, H = K_H, m = K_m, v = K_v, rt = K_rt, wt = K_wt;\nH.count(B);\n// 0x1000\n{ const a = r[0], t = (a + 1)|0; r[0] = t; }\nc.eip = H.ccOf(4, c.flags, c.lmask, c.lop, c.la, c.lb, c.lres, c.lsz, c.lcin) ? H.jt(c, 0x1000|0) : 0x1002|0;\nreturn 1;\n});\n//# sourceURL=xenjit://block/0x1000/12/0.js';

  it('accepts a well-formed block and rejects bad ones', () => {
    expect(checkGeneratedSource(good)).toEqual([]);
    const bad: [string, RegExp][] = [
      ['return globalThis.process;', /free name globalThis/],
      ['return eval(1);', /free name eval/],
      ['return Function(1)();', /free name Function/],
      ['return require;', /free name require/],
      ['process.exit(0);', /free name process/],
      ['return this.x;', /ThisExpression/],
      ['c.eip = "guest text";', /string literal/],
      ['r[0] = `x${c}`;', /TemplateLiteral/],
      ['return c.constructor.constructor(1)();', /property constructor/],
      ['return H.system(c);', /unknown helper H.system/],
      ['const f = () => x; f();', /free name x/],
      ['r[0] = /a/.test;', /regular expression/],
      ['// mov eax, guest label', /comment/],
      ['{ const t = 1; } r[0] = t;', /free name t/],
    ];
    for (const [stmt, re] of bad) {
      const src = good.replace('return 1;', `${stmt}\nreturn 1;`);
      expect(checkGeneratedSource(src).join('; '), stmt).toMatch(re);
    }
    expect(checkGeneratedSource(good.replace('function blk_00001000(E, I', 'function blk_00001000(x, I'))).not.toEqual([]);
    expect(checkGeneratedSource(good.replace('blk_00001000', 'guest_sym'))).not.toEqual([]);
    // The bindings: exactly BOUND_NAMES, each from K, and K used nowhere else.
    expect(checkGeneratedSource(good.replace('K_wt = K.wt', 'K_wt = K.constructor')).join()).toMatch(/first/);
    expect(checkGeneratedSource(good.replace('K_m = K.m', 'K_m = globalThis')).join()).toMatch(/first/);
    expect(checkGeneratedSource(good.replace(', K_wt = K.wt;', ';')).join()).toMatch(/first/);
    expect(checkGeneratedSource(good.replace('m = K_m,', 'm = globalThis,')).join()).toMatch(/first in the function/);
    expect(checkGeneratedSource(good.replace(', wt = K_wt;', ';')).join()).toMatch(/first in the function/);
    expect(checkGeneratedSource(good.replace('return 1;', 'return K;')).join()).toMatch(/free name K/);
    expect(checkGeneratedSource('return 1 +')[0]).toMatch(/does not parse/);
  });

  it('holds for one block per instruction form of the oracle vectors, in every mode', { timeout: 300_000 }, () => {
    // One case per form (every form has hundreds of cases: every 10th is enough to meet each),
    // and the first cases of the instruction sequences group.
    const forms = new Map<string, number[]>();
    for (const g of loadGroups()) {
      for (let n = 0; n < g.cases.length; n += g.group === 'seq' ? 100 : 10) {
        const k = g.cases[n], i = caseInsn(k);
        const key = g.group === 'seq' ? `seq${n}` : formKey(i.row, i.osz);
        if (!forms.has(key)) forms.set(key, k.code);
      }
    }
    expect(forms.size).toBeGreaterThan(300);
    for (const opts of MODES) {
      const bc = new BareCompiler(opts);
      const r = checkAll(function* () { for (const code of forms.values()) yield* bc.sources(code, 4); }());
      expect(r.bad).toEqual([]);
      expect(r.checked).toBeGreaterThanOrEqual(forms.size);
    }
  });

  it('holds for random code, in every mode', { timeout: 120_000 }, () => {
    for (const opts of MODES) {
      const bc = new BareCompiler(opts);
      const rnd = prng(0x5eed);
      const r = checkAll(function* () {
        for (let n = 0; n < 300; n++) {
          const code = Array.from({ length: 48 }, () => (rnd() * 256) | 0);
          yield* bc.sources(code, 32);
        }
      }());
      expect(r.bad).toEqual([]);
      expect(r.checked).toBeGreaterThan(300);
    }
  });

  it('holds for every block the PV test kernels run, plain and instrumented with source maps', { timeout: 300_000 }, () => {
    const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'guests', 'pv');
    const kernels = readdirSync(dir).filter((f) => f.endsWith('.elf')).sort();
    expect(kernels.length).toBeGreaterThan(5);
    for (const opts of MODES) {
      for (const f of kernels) {
        const img = loadKernelImage(new Uint8Array(readFileSync(join(dir, f))));
        const m = new Machine({ memoryMiB: 16, pae: true, p2m: 'shuffle', seed: 1, jit: opts, plugins: defaultPlugins({ clock: 'virtual' }) });
        m.boot(bootImageFrom(img, img.loadBytes, ''));
        const seen: Block[] = [];
        // Blocks dropped by self-modifying code are checked too: collect them as they go.
        const inv = m.domain.jit.invalidatePage.bind(m.domain.jit);
        m.domain.jit.invalidatePage = (pp, cause) => { for (const b of m.domain.jit.blocks) if ((b.phys >>> 12) === pp) seen.push(b); inv(pp, cause); };
        // Enough for every kernel but the hypercall fuzzer to finish, and for it to reach its loop.
        m.run({ maxInstructions: 1.5e6, timeoutSeconds: 60, slice: 100_000 });
        const blocks = [...m.domain.jit.blocks, ...seen];
        const r = checkAll(generatedSources(blocks));
        expect(r.bad, f).toEqual([]);
        expect(blocks.length, f).toBeGreaterThan(10);
        expect(r.checked, f).toBeGreaterThan(0);
      }
    }
  });
});
