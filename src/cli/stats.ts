// Human-readable JIT counters.
import type { JitStats } from '../../jit/stats.ts';

export function formatStats(s: JitStats): string {
  const lines = [
    `blocks formed ${s.blocksCompiled} (and ${s.firstRuns} first visits run unformed, ${s.wasmFirstRunInsns} of their instructions in WebAssembly, ${s.wasmChainedBlocks} of them reached from the block before there; ${s.wasmAgainRuns} runs of blocks seen before between them), compiled to JavaScript ${s.blocksGenerated} (${s.compileMs.toFixed(1)} ms), block runs ${s.blockRuns} (${s.interpretedRuns} interpreted; ${s.sparseBlocks} blocks ran sparsely), instructions ${s.instructions}` +
      (s.blockRuns ? ` (${(s.instructions / s.blockRuns).toFixed(2)} per block run)` : ''),
    `cache hits ${s.cacheHits}, misses ${s.cacheMisses}, chained ${s.chainHits}, flushes ${s.cacheFlushes}`,
    `invalidations ${s.invalidations} (${s.blocksInvalidated} blocks), data stores to code pages ${s.dataWritesToCodePages}, faults ${s.faults}`,
    `bail-outs: ${Object.entries(s.bailouts).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`,
  ];
  return lines.join('\n');
}
