// IPX over 802.3/LLC on built frames: SAP, RIP and NetBIOS-over-IPX sockets, another socket and a
// length below the header, against tshark.
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
  'ipx.len',
  'ipx.dst.socket',
  'ipx.src.socket',
];

/** An 802.3 frame with LLC SAP 0xE0 and an IPX header of `length` to `socket`, then `rest` hex. */
function ipx(length: number, socket: number, rest: string): Uint8Array {
  const s = socket.toString(16).padStart(4, '0');
  const body = frame(
    `e0e003 ffff ${length.toString(16).padStart(4, '0')} 00 04 00000000 ffffffffffff ${s} 00000001 020000000001 ${s} ${rest}`,
  );
  const padded = new Uint8Array(Math.max(46, body.length));
  padded.set(body);
  return frame(`ffffffffffff 020000000001 ${body.length.toString(16).padStart(4, '0')}`, padded);
}

const NAME = Buffer.from('WORKGROUP      ').toString('hex');
const FRAMES = [
  ipx(34, 0x0452, '0002 0004'),
  ipx(40, 0x0453, '0002 00000001 0001 0002'),
  ipx(80, 0x0455, `${'00'.repeat(32)} 00 01 ${NAME}1e`),
  ipx(30, 0x4000, ''),
  ipx(29, 0x402b, ''),
];

describe('IPX', () => {
  it('names SAP, RIP and NBIPX in the columns and rejects a short length, as tshark', () => {
    const state = new CaptureState();
    const ours = FRAMES.map((f, i) =>
      trawlRow(dissectHex(f, LinkType.ETHERNET, { number: i + 1 }, state), FIELDS),
    );
    expect(ours.map((r) => r.slice(0, 3))).toEqual([
      // A response's entries are 64 bytes: 2 bytes of one are malformed.
      ['IPX SAP', 'General Response[Malformed Packet]', 'eth:llc:ipx'],
      ['IPX RIP', 'Response', 'eth:llc:ipx'],
      ['NBIPX', 'Find name WORKGROUP<1e>', 'eth:llc:ipx'],
      ['IPX', 'Unknown (0x4000)', 'eth:llc:ipx'],
      ['IPX', 'Unknown (0x402b)[Malformed Packet]', 'eth:llc:ipx'],
    ]);
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(FRAMES, LinkType.ETHERNET, FIELDS));
  });

  it('survives mutated frames', () => {
    fuzzFrames(FRAMES, LinkType.ETHERNET, 0x8137);
  });
});
