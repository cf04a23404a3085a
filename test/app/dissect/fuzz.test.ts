// Fuzz: real packets from the corpus, mutated, and random bytes, through every dissector under
// every link type Trawl registers, in all three tree sinks. Nothing may escape dissect().
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { dissect } from '../../../app/dissect/dissect.ts';
import { defaultRegistry } from '../../../app/dissect/modules.ts';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import type { Tree } from '../../../app/dissect/tree.ts';
import { openCapture } from '../../../main/pcap/read.ts';
import { corpusFiles, CORPUS_FILES, tsharkRefuses } from '../../support/corpus.ts';
import { metaFor } from '../../support/dissect-hex.ts';
import { allSinks, rng } from '../../support/fuzz.ts';

/** A small deterministic PRNG (mulberry32) so a failure can be replayed. */
async function corpusPackets(): Promise<{ bytes: Uint8Array; linkType: number }[]> {
  const out: { bytes: Uint8Array; linkType: number }[] = [];
  for (const file of corpusFiles()) {
    if (tsharkRefuses(file)) continue;
    try {
      for await (const batch of openCapture(join(CORPUS_FILES, file))) {
        for (let i = 0; i < batch.count; i++) {
          const start = batch.dataStart[i] ?? 0;
          out.push({
            bytes: batch.data.slice(start, start + (batch.capLen[i] ?? 0)),
            linkType: batch.linkType[i] ?? 1,
          });
        }
      }
    } catch {
      // broken files still gave their good records
    }
  }
  return out;
}

function mutate(bytes: Uint8Array, next: () => number): Uint8Array {
  const out = bytes.slice(0, Math.max(1, Math.floor(bytes.length * (next() < 0.3 ? next() : 1))));
  const flips = 1 + Math.floor(next() * 8);
  for (let k = 0; k < flips; k++) {
    const at = Math.floor(next() * out.length);
    out[at] = next() < 0.5 ? Math.floor(next() * 256) : next() < 0.5 ? 0 : 0xff;
  }
  return out;
}

describe('dissector fuzz', () => {
  const registry = defaultRegistry();
  const sinks = (): Tree[] => allSinks(registry);

  it('survives mutated corpus packets and random bytes under every link type', async () => {
    const packets = await corpusPackets();
    expect(packets.length).toBeGreaterThan(1000);
    const linkTypes = [...registry.tables.linkType.keys()];
    const next = rng(20261122);
    const state = new CaptureState();
    let runs = 0;
    const started = Date.now();
    for (let round = 0; round < 6; round++) {
      for (const p of packets) {
        const bytes = mutate(p.bytes, next);
        const linkType = next() < 0.1 ? (linkTypes[Math.floor(next() * linkTypes.length)] ?? 1) : p.linkType;
        for (const tree of sinks()) {
          const meta = metaFor(bytes, linkType, { origLen: bytes.length + (next() < 0.2 ? 100 : 0) });
          expect(() => dissect(registry, meta, bytes, tree, state, { wantInfo: true })).not.toThrow();
          runs++;
        }
      }
    }
    for (let k = 0; k < 3000; k++) {
      const bytes = Uint8Array.from({ length: Math.floor(next() * 200) }, () => Math.floor(next() * 256));
      const linkType = linkTypes[k % linkTypes.length] ?? 1;
      for (const tree of sinks()) {
        expect(() => dissect(registry, metaFor(bytes, linkType), bytes, tree, state)).not.toThrow();
        runs++;
      }
    }
    console.log(`dissector fuzz: ${runs} dissections in ${Date.now() - started} ms`);
  });
});
