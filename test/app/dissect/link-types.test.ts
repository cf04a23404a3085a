// frame.encap_type for link types no dissector takes: Wireshark's encapsulation numbers still.
import { describe, expect, it } from 'vitest';
import { encapType, linkTypeName } from '../../../app/dissect/link-types.ts';
import { haveTshark, tsharkFrameRows } from '../../support/tshark-oracle.ts';

describe('link types without a dissector', () => {
  const frame = [new Uint8Array([0x45, 0, 0, 20, 1, 2, 3, 4, 5, 6, 7, 8])];
  const types = [8, 11, 19, 123, 147, 149, 160, 162, 195, 242];

  it('have the encapsulation number and name tshark gives them', () => {
    expect(types.map(encapType)).toEqual([3, 10, 11, 13, 45, 47, 58, 60, 104, 180]);
    expect(linkTypeName(160)).toBe('USER 13');
    // The FCS bits above the link type do not change it.
    expect(encapType(0x30000000 | 123)).toBe(13);
    expect(encapType(300)).toBe(-1);
    if (!haveTshark) return;
    for (const t of types)
      expect([t, tsharkFrameRows(frame, t, ['frame.encap_type'])[0]?.[0]]).toEqual([t, String(encapType(t))]);
  });
});
