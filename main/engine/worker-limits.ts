// Heap settings of the engine worker, wherever it is started (Electron's main process, the
// browser mode's server). Indexing allocates many short-lived objects a packet; a larger young
// generation lets more of them die there instead of being copied out, which saves CPU time
// (about 5-10% of a 1M-packet index here, measured with test/bench/index-file.ts in a worker).
import type { ResourceLimits } from 'node:worker_threads';

export const ENGINE_RESOURCE_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 96 };
