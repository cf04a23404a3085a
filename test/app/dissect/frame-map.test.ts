// FrameMap: frame number → value, sorted arrays in place of a Map.
import { describe, expect, it } from 'vitest';
import { FrameMap } from '../../../app/dissect/frame-map.ts';

describe('FrameMap', () => {
  it('answers like a Map for frames added in order, out of order and again', () => {
    const m = new FrameMap<string>();
    const ref = new Map<number, string>();
    // Mostly ascending (the first pass), with some out-of-order and repeated frames mixed in.
    const frames = [1, 2, 5, 9, 100, 3, 7, 100, 250, 4, 1, 1000, 999, 70000, 65, 2 ** 31];
    for (let i = 0; i < 200; i++) frames.push(1000 + i * 3);
    for (const [i, f] of frames.entries()) {
      m.set(f, `v${i}`);
      ref.set(f, `v${i}`);
    }
    expect(m.size).toBe(ref.size);
    for (let f = 0; f < 1700; f++) expect(m.get(f)).toBe(ref.get(f));
    expect(m.get(2 ** 31)).toBe(ref.get(2 ** 31));
    expect(m.get(2 ** 31 + 1)).toBeUndefined();
  });

  it('keeps null as a value, distinct from no entry', () => {
    const m = new FrameMap<number | null>();
    m.set(4, null);
    expect(m.get(4)).toBeNull();
    expect(m.get(5)).toBeUndefined();
    expect(new FrameMap<number>().get(1)).toBeUndefined();
  });
});
