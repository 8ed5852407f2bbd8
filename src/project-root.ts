// Where the project's files are, for code that reads them at run time (the demo guest, the
// regression suite, the profiler's attribution of host frames to our sources). The sources run
// from the checkout (through tsx or vitest) or from the JavaScript that `npm run build`
// compiles them to under COMPILED_DIR (the launcher and the regression workers start that when
// it is current, src/cli/compiled.js, as Node loads it ~0.4 s faster than the sources through
// tsx's module hooks): a module's own URL alone does not say where the checkout is.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The compiled tree, relative to the checkout (src/cli/compiled.js, plain JavaScript, names it
 *  too; tests/cli/compiled-tree.test.ts checks they agree). */
export const COMPILED_DIR = join('node_modules', '.cache', 'xenjit', 'js');

/** The checkout: the nearest directory above this module with the launcher in it (the compiled
 *  tree has no src/cli/xenjit.js: tsc emits only what it compiles). */
export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(from: string): string {
  for (let d = from; ; d = dirname(d)) {
    if (existsSync(join(d, 'src', 'cli', 'xenjit.js')) && existsSync(join(d, 'package.json'))) return d;
    if (dirname(d) === d) throw new Error(`xenjit: no checkout above ${from} (src/cli/xenjit.js not found)`);
  }
}

/** A source file of ours, relative to the checkout with its .ts name, from the file URL V8
 *  reports for it (the source itself or its compiled .js); null for anything else. */
export function sourceOf(url: string): string | null {
  if (url.startsWith(COMPILED_URL)) return url.slice(COMPILED_URL.length).replace(/\.js$/, '.ts');
  return url.startsWith(ROOT_URL) ? url.slice(ROOT_URL.length) : null;
}
const COMPILED_URL = pathToFileURL(join(PROJECT_ROOT, COMPILED_DIR)).href + '/';
const ROOT_URL = pathToFileURL(PROJECT_ROOT).href + '/';

/** Which tree this process runs: `xenjit --version` says it. */
export const RUNNING_FROM: 'compiled tree' | 'TypeScript sources' =
  import.meta.url.startsWith(COMPILED_URL) ? 'compiled tree' : 'TypeScript sources';
