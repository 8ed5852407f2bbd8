#!/usr/bin/env node
// Launcher for the `xenjit` command: the compiled tree when it is current (compiled.js), else
// the TypeScript sources through tsx. XENJIT_SOURCES=1 always takes the sources.
import { fileURLToPath } from 'node:url';
import { startTree } from './compiled.js';

await startTree(fileURLToPath(new URL('../..', import.meta.url)), 'src/cli/main.ts');
