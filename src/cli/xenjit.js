#!/usr/bin/env node
// Launcher for the `xenjit` command: the compiled tree when it is current (compiled.js), else
// the TypeScript sources through tsx. XENJIT_SOURCES=1 always takes the sources.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compiledEntry } from './compiled.js';

const entry = process.env.XENJIT_SOURCES === '1' ? null : compiledEntry(fileURLToPath(new URL('../..', import.meta.url)));
if (entry !== null) await import(pathToFileURL(entry).href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./main.ts');
}
