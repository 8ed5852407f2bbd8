// Which tree the launcher starts: the JavaScript that tools/build-js.ts compiled (`npm run build`,
// run by `npm ci` as the `prepare` script), while it is current, else the TypeScript sources
// through tsx. Plain JavaScript: it runs before tsx is registered.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The compiled tree, relative to the checkout (as src/project-root.ts has it). */
export const COMPILED_DIR = join('node_modules', '.cache', 'xenjit', 'js');
/** What the compiled tree is compiled from: no file here may be newer than the build. */
const SOURCE_DIRS = ['src', 'jit', 'runtime'];
const SOURCE_FILES = ['tsconfig.json', 'package.json'];

/** The compiled command line's entry module under checkout `root`, or null when there is no
 *  build or a source is newer than it (edited, or rewritten by a checkout). */
export function compiledEntry(root) {
  let builtAt;
  try { builtAt = JSON.parse(readFileSync(join(root, COMPILED_DIR, 'build.json'), 'utf8')).builtAt; } catch { return null; }
  if (typeof builtAt !== 'number') return null;
  for (const f of SOURCE_FILES) if (statSync(join(root, f)).mtimeMs > builtAt) return null;
  for (const d of SOURCE_DIRS) if (newerIn(join(root, d), builtAt)) return null;
  return join(root, COMPILED_DIR, 'src', 'cli', 'main.js');
}

function newerIn(dir, t) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory() ? newerIn(p, t) : e.name.endsWith('.ts') && statSync(p).mtimeMs > t) return true;
  }
  return false;
}
