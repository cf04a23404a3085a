// The engine's worker-thread entry: requests arrive on a MessagePort (the one given in
// workerData, or the worker's parentPort), results and events go back on it.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { serveEngine } from './port.ts';

const port = (workerData as { port?: MessagePort } | undefined)?.port ?? parentPort;
if (!port) throw new Error('engine-worker must run in a worker thread');
serveEngine(port);
