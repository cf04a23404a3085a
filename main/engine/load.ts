// Indexes a whole file without a UI: the benchmark's measure of the engine's load path.
import { CaptureSession } from './session.ts';

/** Opens and fully indexes `path`; returns the packet count and the index's memory. */
export async function indexFile(path: string): Promise<{ count: number; indexBytes: number }> {
  const session = CaptureSession.open(path, { onProgress: () => {}, onError: () => {} });
  await session.loaded;
  const result = { count: session.index.count, indexBytes: session.index.bytesAllocated() };
  if (session.loadError) throw Object.assign(new Error(session.loadError.message), session.loadError);
  session.close();
  return result;
}
