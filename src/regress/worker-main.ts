// Inside a worker thread: run each case the pool sends and post its result back.
import { parentPort } from 'node:worker_threads';
import { runCase } from './run-case.ts';
import type { RegressCase } from './manifest.ts';

if (!parentPort) throw new Error('worker-main.ts runs inside a worker thread');
const port = parentPort;
port.on('message', (c: RegressCase) => { port.postMessage(runCase(c)); });
