// ES-IS after LLC SAP 0xFE (the OSI dispatch) on built frames, against tshark on the same frames.
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../app/dissect/link-types.ts';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { frame, fuzzFrames } from '../../support/link-frames.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.protocols',
  'esis.type',
  'esis.length',
  'esis.htime',
];

/** An 802.3 frame with LLC SAP 0xFE carrying `pdu` (hex), padded to Ethernet's minimum. */
function overLlc(pdu: string): Uint8Array {
  const body = frame(`fefe03 ${pdu}`);
  const head = frame(`09002b000004 020000000001 ${body.length.toString(16).padStart(4, '0')}`);
  const f = frame(Buffer.from(head).toString('hex'), body);
  const padded = new Uint8Array(Math.max(60, f.length));
  padded.set(f);
  return padded;
}

const FRAMES = [
  // ES hello: one source address of 4 bytes.
  overLlc('82 0f 01 00 02 001e 0000 01 04 49000a01'),
  // IS hello: a NET of 4 bytes.
  overLlc('82 0e 01 00 04 001e 0000 04 49000a01'),
  // Redirect: DA, BSNPA (a MAC), no NET.
  overLlc('82 14 01 00 06 001e 0000 02 4900 06 020000000003 00'),
  // The same with a PDU Length 2 bytes past the LLC payload: options read past its end.
  overLlc('82 16 01 00 06 001e 0000 02 4900 06 020000000003 00'),
  overLlc('82 09 01 00 07 001e 0000'),
  // An unknown NLPID after SAP 0xFE.
  overLlc('7f 00'),
];

describe('ES-IS', () => {
  it('decodes hellos and redirects as tshark does', () => {
    const state = new CaptureState();
    const ours = FRAMES.map((f, i) =>
      trawlRow(dissectHex(f, LinkType.ETHERNET, { number: i + 1 }, state), FIELDS),
    );
    expect(ours.map((r) => r.slice(0, 3))).toEqual([
      ['ESIS', 'ES HELLO', 'eth:llc:osi:esis'],
      ['ESIS', 'IS HELLO', 'eth:llc:osi:esis'],
      ['ESIS', 'RD REQUEST', 'eth:llc:osi:esis'],
      ['ESIS', 'RD REQUEST[Malformed Packet]', 'eth:llc:osi:esis'],
      ['ESIS', 'Unknown (0x7)', 'eth:llc:osi:esis'],
      ['ISO', 'Unknown ISO protocol (7f)', 'eth:llc:osi:data'],
    ]);
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(FRAMES, LinkType.ETHERNET, FIELDS));
  });

  it('survives mutated frames', () => {
    fuzzFrames(FRAMES, LinkType.ETHERNET, 82);
  });
});
