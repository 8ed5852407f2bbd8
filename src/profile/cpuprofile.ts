// The .cpuprofile written by `xenjit profile --cpuprofile`: V8's profile as Chrome DevTools and
// speedscope read it, where every translated block is a function blk_<address> whose script
// (xenjit://block/...) carries an inline source map to the block's guest disassembly. Saved
// profiles have no scripts, so the maps of the sampled blocks are also stored in the file
// under `sourceMaps` (keyed by script URL); viewers ignore the extra key.
import type { RawSourceMap } from 'source-map';
import type { CpuProfile } from './sampler.ts';
import type { Block } from '../../jit/jit.ts';
import { blockUrl } from './host-time.ts';

export interface CpuProfileWithMaps extends CpuProfile { sourceMaps: Record<string, RawSourceMap>; }

/** The inline source map a block's script ends with, if it was compiled with one. */
export function blockSourceMapOf(b: Block): RawSourceMap | null {
  const m = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)/.exec(b.source);
  return m ? JSON.parse(Buffer.from(m[1], 'base64').toString('utf8')) as RawSourceMap : null;
}

export function cpuProfileWithMaps(p: CpuProfile, blocks: Iterable<Block>): CpuProfileWithMaps {
  const byUrl = new Map<string, Block>();
  for (const b of blocks) byUrl.set(blockUrl(b), b);
  const sourceMaps: Record<string, RawSourceMap> = {};
  for (const n of p.nodes) {
    const url = n.callFrame.url;
    const b = n.callFrame.functionName.startsWith('blk_') ? byUrl.get(url) : undefined;
    const map = b && !(url in sourceMaps) ? blockSourceMapOf(b) : null;
    if (map) sourceMaps[url] = map;
  }
  return { ...p, sourceMaps };
}
