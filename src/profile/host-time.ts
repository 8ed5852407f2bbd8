// Where host time went, from a sampled V8 profile of a guest run. Each sample is attributed by
// its stack: anything under the translator's compile path is compilation; otherwise by the top
// frame: a block function (blk_*) is translated code, our runtime/ is the hypervisor side
// (hypercalls, MMU, events, traps), src/ is the CPU core called from blocks (semantic
// functions, memory and paging), jit/ is the dispatch loop, and V8's own entries are GC and
// other. Blocks are found by their script URL; their line ticks give per-instruction samples.
// Our files are named by sourceOf: relative to the project root with their .ts names, from the
// URL V8 reports for the sources or their compiled tree.
import { sourceOf } from '../project-root.ts';
import type { CpuProfile, ProfileNode } from './sampler.ts';
import type { Block } from '../../jit/jit.ts';
import { instructionOfLines, FUNCTION_HEADER_LINES } from '../../jit/source-map.ts';

export const CATEGORIES = ['translated', 'core', 'runtime', 'dispatch', 'compilation', 'gc', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface BlockHostTime {
  /** Samples with the block's function on top of the stack (its own generated code). */
  self: number;
  /** Samples with the block as the innermost block on the stack (its code and what it called). */
  total: number;
  /** Self samples per instruction of the block (from V8's line ticks). */
  perInstruction: number[];
}

export interface HostTime {
  samples: number;
  intervalUs: number;
  /** Sampled wall time of the run, ms. */
  ms: number;
  byCategory: Record<Category, number>;
  /** Keyed by the block object found through the sample's script URL. */
  byBlock: Map<Block, BlockHostTime>;
}


/** Frames of the translator's compile path (block forming, emitting, source maps, new Function). */
function isCompileFrame(url: string, name: string): boolean {
  const f = sourceOf(url);
  if (f === null) return url.includes('/node_modules/source-map/');
  return (f === 'jit/jit.ts' && name === 'compile') || f === 'jit/block.ts' || f === 'jit/emit.ts' || f === 'jit/inline.ts' ||
    f === 'jit/liveness.ts' || f === 'jit/source-map.ts';
}

function topCategory(n: ProfileNode): Category {
  const { url, functionName } = n.callFrame;
  if (functionName === '(garbage collector)') return 'gc';
  const f = sourceOf(url);
  if (f === null) return 'other';
  if (f.startsWith('runtime/')) return 'runtime';
  if (f.startsWith('src/')) return 'core';
  // The first tier runs blocks through their semantics: the blocks' own code, not dispatch.
  if (f === 'jit/interpret.ts') return 'translated';
  if (f.startsWith('jit/')) return 'dispatch';
  return 'other';
}

/** The script URL of a block's function (its `//# sourceURL`). */
export function blockUrl(b: Block): string {
  const m = /\/\/# sourceURL=(\S+)/.exec(b.source);
  return m ? m[1] : '';
}

export function attributeHostTime(p: CpuProfile, blocks: Iterable<Block>, intervalUs: number): HostTime {
  const byUrl = new Map<string, Block>();
  for (const b of blocks) byUrl.set(blockUrl(b), b);
  const node = new Map<number, ProfileNode>(), parent = new Map<number, number>();
  for (const n of p.nodes) { node.set(n.id, n); for (const ch of n.children ?? []) parent.set(ch, n.id); }
  const blockOf = (n: ProfileNode): Block | undefined =>
    n.callFrame.functionName.startsWith('blk_') ? byUrl.get(n.callFrame.url) : undefined;

  // Per node, once: its category and the innermost block on its stack.
  const info = new Map<number, { cat: Category; inner: Block | undefined }>();
  for (const n of p.nodes) {
    let compile = false, inner: Block | undefined;
    for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
      const f = node.get(id)!;
      if (isCompileFrame(f.callFrame.url, f.callFrame.functionName)) compile = true;
      inner ??= blockOf(f);
    }
    const self = blockOf(n);
    info.set(n.id, { cat: compile ? 'compilation' : self ? 'translated' : topCategory(n), inner });
  }

  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  const byBlock = new Map<Block, BlockHostTime>();
  const entry = (b: Block): BlockHostTime => {
    let e = byBlock.get(b);
    if (!e) { e = { self: 0, total: 0, perInstruction: b.insns.map(() => 0) }; byBlock.set(b, e); }
    return e;
  };
  for (const id of p.samples) {
    const i = info.get(id)!;
    byCategory[i.cat]++;
    if (i.inner && i.cat !== 'compilation') entry(i.inner).total++;
  }
  for (const n of p.nodes) {
    const b = blockOf(n);
    if (!b) continue;
    const e = entry(b);
    e.self += n.hitCount ?? 0;
    const lines = instructionOfLines(b.source, b.insns);
    for (const t of n.positionTicks ?? []) {
      const k = lines[t.line - 1 - FUNCTION_HEADER_LINES];
      if (k !== undefined && k >= 0) e.perInstruction[k] += t.ticks;
    }
  }
  return { samples: p.samples.length, intervalUs, ms: (p.endTime - p.startTime) / 1000, byCategory, byBlock };
}
