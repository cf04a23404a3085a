// The png dissector's own rules on bytes made here: what it takes as PNG, how it names chunks it
// does not know and reads their type bits, and where a chunk that lies about its length stops it.
import { describe, expect, it } from 'vitest';
import { isPng } from '../../../app/dissect/png.ts';
import { Tvb } from '../../../app/dissect/tvb.ts';
import { treeLines } from '../../../main/cli/print.ts';
import { dissectSegments, handshake, latin1 } from '../../support/tcp-frames.ts';

const SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A chunk with a made-up CRC (tshark does not check it). */
function chunk(type: string, data: number[]): number[] {
  const n = data.length;
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff, ...latin1(type), ...data, 1, 2, 3, 4];
}

function pngTree(body: number[]): string[] {
  const bytes = Uint8Array.from(body);
  const head = `HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: ${bytes.length}\r\n\r\n`;
  const frames = dissectSegments([
    ...handshake(),
    { fromClient: true, seq: 1001, ack: 5001, payload: 'GET /x HTTP/1.1\r\nHost: h\r\n\r\n' },
    { fromClient: false, seq: 5001, ack: 1029, payload: new Uint8Array([...latin1(head), ...bytes]) },
  ]);
  const last = frames[frames.length - 1];
  return last ? treeLines(last.tree.roots, { dataHex: true, protocols: null }) : [];
}

describe('png', () => {
  it('takes the signature with room for one chunk, and nothing shorter', () => {
    const iend = chunk('IEND', []);
    expect(isPng(new Tvb(Uint8Array.from([...SIG, ...iend]), 0, 20))).toBe(true);
    expect(isPng(new Tvb(Uint8Array.from([...SIG, ...iend.slice(0, 11)]), 0, 19))).toBe(false);
    expect(
      isPng(new Tvb(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0b, ...iend]), 0, 20)),
    ).toBe(false);
  });

  it('names an unknown chunk "unknown", reads its type bits and shows its data', () => {
    const text = pngTree([...SIG, ...chunk('prVt', [1, 2]), ...chunk('IEND', [])]);
    const at = text.indexOf('    unknown (prVt)');
    expect(text.slice(at, at + 8)).toEqual([
      '    unknown (prVt)',
      '        Len: 2',
      '        Chunk: prVt',
      '        ..1. .... .... .... .... .... .... .... = Ancillary: This is an ANCILLARY chunk',
      '        .... .... ..1. .... .... .... .... .... = Private: This is a PRIVATE chunk',
      '        .... .... .... .... .... .... ..1. .... = Safe To Copy: This chunk is SAFE TO COPY',
      '        Data',
      '        CRC: 0x01020304',
    ]);
  });

  it('shows tEXt without its NUL separator as neither keyword nor string, and Latin-1 text as such', () => {
    const text = pngTree([
      ...SIG,
      ...chunk('tEXt', [...latin1('NoNul')]),
      ...chunk('tEXt', [0x4b, 0, 0x63, 0xe9]),
    ]);
    expect(text.filter((l) => l.includes('Keyword') || l.includes('String'))).toEqual([
      '        Keyword: K',
      '        String: cé',
    ]);
  });

  it('stops at a chunk longer than the body: no item for it, a Malformed note', () => {
    const text = pngTree([...SIG, ...chunk('gAMA', [0, 0, 0xb1, 0x8f]), 0x10, 0, 0, 0, ...latin1('IDAT'), 1]);
    expect(text).toContain('        Gamma: 0.45455');
    expect(text.some((l) => l.includes('(IDAT)'))).toBe(false);
    expect(text).toContain('[Malformed Packet: PNG]');
  });
});
