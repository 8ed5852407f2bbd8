// Which tree a process starts: the JavaScript that tools/build-js.ts compiled (`npm run build`,
// run by `npm ci` as the `prepare` script), while it is current, else the TypeScript sources
// through tsx. Plain JavaScript: it runs before tsx is registered. Used by the launcher
// (xenjit.js) and by the regression workers (src/regress/worker.js).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The compiled tree, relative to the checkout (as src/project-root.ts has it). */
export const COMPILED_DIR = join('node_modules', '.cache', 'xenjit', 'js');
/** What the compiled tree is compiled from: no file here may be newer than the build. */
const SOURCE_DIRS = ['src', 'jit', 'runtime'];
const SOURCE_FILES = ['tsconfig.json', 'package.json'];

/** The compiled tree of checkout `root`, or null when there is no build or a source is newer
 *  than it (edited, or rewritten by a checkout). */
export function compiledTree(root) {
  let builtAt;
  try { builtAt = JSON.parse(readFileSync(join(root, COMPILED_DIR, 'build.json'), 'utf8')).builtAt; } catch { return null; }
  if (typeof builtAt !== 'number') return null;
  for (const f of SOURCE_FILES) if (statSync(join(root, f)).mtimeMs > builtAt) return null;
  for (const d of SOURCE_DIRS) if (newerIn(join(root, d), builtAt)) return null;
  return join(root, COMPILED_DIR);
}

function newerIn(dir, t) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory() ? newerIn(p, t) : e.name.endsWith('.ts') && statSync(p).mtimeMs > t) return true;
  }
  return false;
}

/** Import `module` (a path under the checkout, as a .ts source) from the compiled tree when it
 *  is current and XENJIT_SOURCES is not 1, else from the sources through tsx (registered
 *  here). */
export async function startTree(root, module) {
  const tree = process.env.XENJIT_SOURCES === '1' ? null : compiledTree(root);
  if (tree !== null) return import(pathToFileURL(join(tree, module.replace(/\.ts$/, '.js'))).href);
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(join(root, module)).href);
}
