#!/usr/bin/env node
// Launcher for the `xenjit` command: loads the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';
register();
await import('./main.ts');
