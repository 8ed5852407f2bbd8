// Worker thread entry for `xenjit regress`. Worker threads do not inherit the main thread's
// module hooks, so this plain JavaScript file starts the worker's side as the launcher starts
// the command (src/cli/compiled.js): from the compiled tree when it is current, else from the
// sources through tsx, registered here.
import { fileURLToPath } from 'node:url';
import { startTree } from '../cli/compiled.js';

await startTree(fileURLToPath(new URL('../..', import.meta.url)), 'src/regress/worker-main.ts');
