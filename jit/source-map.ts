// Source maps from a block's generated JavaScript back to its guest instructions, built only
// when the translator is asked for them (profiling): DevTools, speedscope and our own profile
// resolve a sample's line to the guest instruction it came from. The map's one source is the
// block's disassembly, one instruction per line with its address, produced by our disassembler
// from the decoded instructions; it lives only in the map, never in the generated code.
import sourceMap from 'source-map';
import type { RawSourceMap } from 'source-map';
import type { Insn } from '../src/decode/decoder.ts';
import { disassemble } from '../src/decode/disasm.ts';

const { SourceMapGenerator } = sourceMap;

/** `new Function('K', body)` compiles "(function anonymous(K\n) {\n" + body + "\n})": the block's
 *  source starts this many lines into the script V8 reports (positions, profiles). */
export const FUNCTION_HEADER_LINES = 2;

/** The emitter starts each instruction's code with a comment holding its address (emit.ts). */
const MARKER = /^\/\/ 0x([0-9a-f]+)$/;

/** The disassembly source of a block: `c0101234: add eax,ebx`, one line per instruction. */
export function blockDisassembly(insns: readonly Insn[]): string {
  return insns.map((i) => `${(i.eip >>> 0).toString(16).padStart(8, '0')}: ${disassemble(i)}`).join('\n') + '\n';
}

/** The name of a block's disassembly source: its first guest address (a number only). */
export function disassemblySourceName(insns: readonly Insn[]): string {
  return `xenjit-guest/${(insns[0].eip >>> 0).toString(16).padStart(8, '0')}.s`;
}

/** For every line of a block's `source` (the text given to `new Function`), the index of the
 *  instruction whose code it is; lines from the function's header to the first instruction
 *  (the execution counter) belong to the first; the bound constants before the function
 *  (jit.ts BOUND_NAMES) and the trailing `//#` comments to none (-1). */
export function instructionOfLines(source: string, insns: readonly Insn[]): number[] {
  const index = new Map<number, number>();
  insns.forEach((i, k) => index.set(i.eip >>> 0, k));
  let k = 0, inFunction = false;
  return source.split('\n').map((text) => {
    if (!inFunction) inFunction = text.startsWith('return (function ');
    if (!inFunction || text.startsWith('//# ')) return -1;
    const m = MARKER.exec(text);
    if (m) k = index.get(parseInt(m[1], 16)) ?? k;
    return k;
  });
}

/** The source map of a block: each generated line to its instruction's disassembly line. */
export function blockSourceMap(source: string, insns: readonly Insn[], file: string): RawSourceMap {
  const gen = new SourceMapGenerator({ file });
  const name = disassemblySourceName(insns);
  gen.setSourceContent(name, blockDisassembly(insns));
  instructionOfLines(source, insns).forEach((k, l) => {
    if (k >= 0) gen.addMapping({ generated: { line: l + 1 + FUNCTION_HEADER_LINES, column: 0 }, original: { line: k + 1, column: 0 }, source: name });
  });
  return gen.toJSON() as unknown as RawSourceMap;
}

/** The comment that attaches a map to the script it ends. */
export function sourceMapComment(map: RawSourceMap): string {
  return `//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}`;
}
