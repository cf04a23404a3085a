// Runs the engine in a worker thread (never on Electron's main thread) and attaches its port to the
// relay. If the worker dies, requests in flight fail as data, the clients see the file close, and
// a fresh worker takes over (at most a few times a minute, so a crash loop stops).
import { MessageChannel, Worker } from 'node:worker_threads';
import type { EngineRelay } from './port-relay.ts';
import { ENGINE_RESOURCE_LIMITS } from '../engine/worker-limits.ts';

export interface EngineHost {
  /** Stops the worker for good (at quit). */
  stop(): Promise<void>;
}

export interface EngineHostOptions {
  /** Told when the worker stopped unexpectedly; `restarting` is false once the crash budget is spent. */
  onCrash?: (message: string, restarting: boolean) => void;
  maxRestartsPerMinute?: number;
}

export function startEngineWorker(
  relay: EngineRelay,
  workerScript: URL,
  options: EngineHostOptions = {},
): EngineHost {
  const budget = options.maxRestartsPerMinute ?? 3;
  const restarts: number[] = [];
  let stopping = false;
  let worker: Worker;

  const spawn = (): void => {
    const { port1, port2 } = new MessageChannel();
    let lastError = '';
    worker = new Worker(workerScript, {
      workerData: { port: port2 },
      transferList: [port2],
      resourceLimits: ENGINE_RESOURCE_LIMITS,
    });
    worker.on('error', (err: unknown) => {
      lastError = err instanceof Error ? err.message : String(err);
    });
    worker.on('exit', (code) => {
      port1.close();
      if (stopping) return;
      const message = `The engine stopped (exit code ${code}${lastError ? `: ${lastError}` : ''})`;
      relay.detach({ code: 'INTERNAL', message });
      const now = Date.now();
      while (restarts.length > 0 && (restarts[0] ?? 0) < now - 60_000) restarts.shift();
      const restarting = restarts.length < budget;
      options.onCrash?.(message, restarting);
      if (restarting) {
        restarts.push(now);
        spawn();
      }
    });
    relay.attach(port1);
  };

  spawn();
  return {
    stop: async () => {
      stopping = true;
      relay.detach({ code: 'CANCELLED', message: 'Trawl is quitting' });
      await worker.terminate();
    },
  };
}

/**
 * The worker script on disk. In a packaged app it is listed in asarUnpack: a worker thread's ES
 * module loader and the addon's dlopen want a real file, not one inside app.asar.
 */
export function unpackedScript(url: URL): URL {
  return new URL(url.href.replace(/\/app\.asar\//, '/app.asar.unpacked/'));
}
