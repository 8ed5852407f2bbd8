// `npm run build` (also run by `npm ci` / `npm install` as the `prepare` script): compile the
// command line and the regression workers' side, with everything they import, to JavaScript
// under COMPILED_DIR, which src/cli/xenjit.js and src/regress/worker.js start instead of the
// sources while no source is newer than the build (src/cli/compiled.js).
// Node loads the compiled tree ~0.4 s faster than the sources through tsx (whose module hooks
// run on a thread of their own, a round trip per module). The compiler's options are
// tsconfig.json's, with emission on, the entry points' imports only, and relative imports
// rewritten from .ts to .js.
import ts from 'typescript';
import { mkdirSync, rmSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { COMPILED_DIR, PROJECT_ROOT } from '../src/project-root.ts';

const ENTRIES = [join(PROJECT_ROOT, 'src', 'cli', 'main.ts'), join(PROJECT_ROOT, 'src', 'regress', 'worker-main.ts')];
const out = join(PROJECT_ROOT, COMPILED_DIR);
const tmp = `${out}.tmp-${process.pid}`;
// Sources changed from here on are newer than the build (the launcher compares with this).
const builtAt = Date.now();

const cfgPath = join(PROJECT_ROOT, 'tsconfig.json');
const cfg = ts.readConfigFile(cfgPath, ts.sys.readFile);
if (cfg.error) fail([cfg.error]);
const parsed = ts.parseJsonConfigFileContent(cfg.config, ts.sys, PROJECT_ROOT, undefined, cfgPath);
const options: ts.CompilerOptions = {
  ...parsed.options, noEmit: false, outDir: tmp, rootDir: PROJECT_ROOT,
  rewriteRelativeImportExtensions: true, declaration: false, sourceMap: false,
};
const program = ts.createProgram(ENTRIES, options);
// Type errors are `npm run typecheck`'s (and CI's) to report: the code runs as it would from
// the sources through tsx, which does not check types either, and an install does not fail
// on a work in progress. Only a file that cannot be emitted fails the build.
rmSync(tmp, { recursive: true, force: true });
const emitted = program.emit();
if (emitted.emitSkipped) fail([...emitted.diagnostics]);
// The tree sits under node_modules, where Node does not look past for a package.json: without
// one of its own its .js files would load as CommonJS.
writeFileSync(join(tmp, 'package.json'), '{ "type": "module" }\n');
writeFileSync(join(tmp, 'build.json'), JSON.stringify({ builtAt }) + '\n');
if (existsSync(out)) rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, '..'), { recursive: true });
renameSync(tmp, out);
console.log(`build: ${program.getSourceFiles().filter((f) => !f.isDeclarationFile).length} modules compiled to ${COMPILED_DIR}`);

function fail(d: readonly ts.Diagnostic[]): never {
  rmSync(tmp, { recursive: true, force: true });
  process.stderr.write(ts.formatDiagnosticsWithColorAndContext(d, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => PROJECT_ROOT, getNewLine: () => '\n' }));
  process.exit(1);
}
