// JIT counters. Every bail-out, miss and invalidation has a name; `profile` prints them.
export interface JitStats {
  blocksCompiled: number;
  compileMs: number;
  cacheHits: number;
  cacheMisses: number;
  chainHits: number;
  invalidations: number;
  /** Blocks dropped because a store hit their page. */
  blocksInvalidated: number;
  cacheFlushes: number;
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
    blocksCompiled: 0, compileMs: 0, cacheHits: 0, cacheMisses: 0, chainHits: 0, invalidations: 0,
    blocksInvalidated: 0, cacheFlushes: 0, dataWritesToCodePages: 0, instructions: 0, blockRuns: 0, faults: 0, bailouts: {},
  };
}
export function bail(s: JitStats, reason: string): void { s.bailouts[reason] = (s.bailouts[reason] ?? 0) + 1; }
