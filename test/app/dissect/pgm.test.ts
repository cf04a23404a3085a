// PGM (IP protocol 113) on built packets against tshark: SPM, POLL, POLR, ODATA with data, a NAK,
// options, a type PGM does not have, packets cut short.
import { describe, expect, it } from 'vitest';
import { dissectHex } from '../../support/dissect-hex.ts';
import { fieldsOfBoth, fuzzFrames, hex, ipFrame, oracleReady } from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'pgm.hdr.sport',
  'pgm.hdr.dport',
  'pgm.hdr.type',
  'pgm.hdr.opts',
  'pgm.hdr.gsi',
  'pgm.hdr.tsdulen',
  'pgm.spm.sqn',
];

/** A PGM header (ports 13320 → 5563) of `type` with `options` flags and `tsdulen`, then `rest`. */
function pgm(type: number, options: number, tsdulen: number, rest: string): Uint8Array {
  const t = type.toString(16).padStart(2, '0');
  const o = options.toString(16).padStart(2, '0');
  return ipFrame(
    113,
    hex(`340815bb${t}${o}0000` + `3329041eba74` + tsdulen.toString(16).padStart(4, '0') + rest),
  );
}

const FRAMES = [
  pgm(0, 0, 0, '0001681e' + '00005472' + '0000d6a6' + '00010000' + '0a00002d'),
  pgm(1, 0, 0, '00000009' + '0001' + '0000' + '00010000' + '0a00002d' + '00000000' + '00000000' + '00000000'),
  pgm(2, 0, 0, '00000009' + '0001' + '0000'),
  pgm(4, 0, 5, '0000d6a9' + '00005472' + '68656c6c6f'),
  pgm(4, 1, 5, '0000d6aa' + '00005472' + '0004000c' + '8d040000' + '00000001' + '68656c6c6f'),
  pgm(8, 0, 0, '00800000' + '00010000' + '0a00002d' + '00010000' + 'ef000010'),
  pgm(8, 0, 0, '00800000' + '0001'),
  pgm(12, 0, 0, ''),
];

describe('PGM', () => {
  it('names the type, sequence number and source in Info', () => {
    const odata = dissectHex(FRAMES[3] as Uint8Array);
    expect(odata.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:pgm:data');
    expect(odata.pinfo.proto).toBe('PGM');
    expect(odata.pinfo.info).toBe('ODATA sqn 0xd6a9 gsi 3329041eba74 tsdulen 5');
    expect(dissectHex(FRAMES[7] as Uint8Array).pinfo.layers.at(-1)).toBe('data');
  });

  it('survives mutated packets', () => fuzzFrames(FRAMES, 34, 113));

  it.skipIf(!oracleReady)('agrees with tshark', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS);
    expect(f.trawl).toBe(f.tshark);
  });
});
