// JIT counters. Every bail-out, miss and invalidation has a name; `profile` prints them.
export interface JitStats {
  /** Blocks formed (decoded into instructions) and cached; a block's first visit runs it once
   *  from the guest's bytes without forming it (firstRuns). */
  blocksCompiled: number;
  /** Blocks compiled to JavaScript (after their first-tier runs); compileMs is their cost. */
  blocksGenerated: number;
  /** Region functions compiled (region.ts), and the blocks they held in all. */
  regionsGenerated: number;
  regionMembers: number;
  /** Block runs in the first tier (interpreted). */
  interpretedRuns: number;
  /** Of those, first visits: blocks run once from the guest's bytes, neither formed nor cached. */
  firstRuns: number;
  /** Instructions of first visits run by the WebAssembly walk (first-run-wasm.ts). */
  wasmFirstRunInsns: number;
  /** First visits the WebAssembly walk went on into from the block before (no dispatch loop between). */
  wasmChainedBlocks: number;
  /** Blocks begun before that the WebAssembly walk ran again between first visits, from their bytes. */
  wasmAgainRuns: number;
  /** Blocks that reached `tierUp` runs sparsely (jit.ts DENSE_GAP) and stayed interpreted. */
  sparseBlocks: number;
  compileMs: number;
  cacheHits: number;
  cacheMisses: number;
  chainHits: number;
  invalidations: number;
  /** Page invalidations by cause ('code-write', 'embedder'). */
  invalidationsByCause: Record<string, number>;
  /** Blocks replaced because their bytes were reached at another EIP (another mapping). */
  aliasReplacements: number;
  /** Blocks dropped because a store hit their page. */
  blocksInvalidated: number;
  cacheFlushes: number;
  /** Blocks dropped by cache flushes (the code cache's evictions). */
  blocksEvicted: number;
  /** Most blocks the cache held at once. */
  peakBlocks: number;
  /** Stores into a code page that missed every translated byte (no invalidation needed). */
  dataWritesToCodePages: number;
  instructions: number;
  blockRuns: number;
  faults: number;
  /** Named bail-outs: reasons execution left translated code for the slow path. */
  bailouts: Record<string, number>;
}
export function newStats(): JitStats {
  return {
    blocksCompiled: 0, blocksGenerated: 0, regionsGenerated: 0, regionMembers: 0, interpretedRuns: 0, firstRuns: 0, wasmFirstRunInsns: 0, wasmChainedBlocks: 0, wasmAgainRuns: 0, sparseBlocks: 0, compileMs: 0, cacheHits: 0, cacheMisses: 0, chainHits: 0, invalidations: 0,
    invalidationsByCause: {}, aliasReplacements: 0, blocksInvalidated: 0, cacheFlushes: 0, blocksEvicted: 0, peakBlocks: 0, dataWritesToCodePages: 0, instructions: 0, blockRuns: 0, faults: 0, bailouts: {},
  };
}
export function bail(s: JitStats, reason: string): void { s.bailouts[reason] = (s.bailouts[reason] ?? 0) + 1; }
