// Shared pieces of the dissector fuzz tests: a seeded generator (mulberry32, so a failure
// replays), the three tree sinks every mutated packet goes through, and the check that it got
// through them all.
import { expect } from 'vitest';
import { dissect } from '../../app/dissect/dissect.ts';
import { defaultRegistry } from '../../app/dissect/modules.ts';
import { CaptureState } from '../../app/dissect/packet-info.ts';
import type { Registry } from '../../app/dissect/registry.ts';
import { FieldCollector, FullTree, NULL_TREE, type Tree } from '../../app/dissect/tree.ts';
import { metaFor, walk } from './dissect-hex.ts';

/** A deterministic generator of numbers in [0, 1) from `seed`. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fresh sinks of each kind: summary (no tree), the full tree, and a collector of every field. */
export function allSinks(registry: Registry): Tree[] {
  return [
    NULL_TREE,
    new FullTree(),
    FieldCollector.of(
      registry.fields.map((f) => f.id),
      registry.fields.length,
    ),
  ];
}

/**
 * Dissects `bytes` into each kind of sink (summary, collector, full tree: the later ones revisit
 * the frame) and fails on anything Wireshark would not show: a "dissector bug" fault.
 */
export function survives(bytes: Uint8Array, state = new CaptureState(), number = 1): void {
  const registry = defaultRegistry();
  for (const sink of allSinks(registry)) {
    const meta = metaFor(bytes, 1, { number, origLen: bytes.length });
    dissect(registry, meta, bytes, sink, state);
    if (sink instanceof FullTree)
      walk(sink.roots, (n) => expect(n.label ?? '').not.toContain('dissector bug'));
  }
}
