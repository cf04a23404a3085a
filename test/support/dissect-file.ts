// Dissects whole corpus captures frame by frame with one capture state (as the CLI does), for the
// TLS and QUIC tests: columns and field values per frame, as tshark -T fields prints them.
import { join } from 'node:path';
import { dissect } from '../../app/dissect/dissect.ts';
import { defaultRegistry } from '../../app/dissect/modules.ts';
import { CaptureState, type DissectOptions } from '../../app/dissect/packet-info.ts';
import { FullTree } from '../../app/dissect/tree.ts';
import { FrameClock, recordBytes } from '../../main/engine/frame-meta.ts';
import { nodeCrypto } from '../../main/engine/node-crypto.ts';
import { openCapture } from '../../main/pcap/read.ts';
import { CORPUS_FILES } from './corpus.ts';
import { dissected, type Dissected } from './dissect-hex.ts';

export type Frame = Dissected;

/** One dissected frame with its field lookups. */
export const frameOf = dissected;

/** Every frame of a corpus file (or any path), dissected in order with full trees. */
export async function dissectFile(file: string, options: Partial<DissectOptions> = {}): Promise<Frame[]> {
  const path = file.includes('/') ? file : join(CORPUS_FILES, file);
  const registry = defaultRegistry();
  const state = new CaptureState();
  const clock = new FrameClock();
  const out: Frame[] = [];
  const opts: DissectOptions = { wantInfo: true, crypto: nodeCrypto, ...options };
  for await (const batch of openCapture(path)) {
    for (let i = 0; i < batch.count; i++) {
      const meta = { ...clock.next(batch, i) };
      const tree = new FullTree();
      const pinfo = dissect(registry, meta, recordBytes(batch, i).slice(), tree, state, opts);
      out.push(frameOf(pinfo, tree));
    }
  }
  return out;
}
