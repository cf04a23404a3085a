// IS-IS over 802.3/LLC on built frames (hello, LSP, CSNP, PSNP, broken lengths), against tshark.
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
  'isis.type',
  'isis.len',
  'isis.hello.holding_timer',
  'isis.hello.pdu_length',
  'isis.lsp.remaining_life',
  'isis.lsp.sequence_number',
  'isis.csnp.pdu_length',
];

/** An 802.3 frame to the all-L1-ISs address with LLC SAP 0xFE, carrying `pdu` (hex). */
function overLlc(pdu: string): Uint8Array {
  const body = frame(`fefe03 ${pdu}`);
  const head = frame(`0180c2000014 020000000001 ${body.length.toString(16).padStart(4, '0')}`);
  return frame(Buffer.from(head).toString('hex'), body);
}

const SYS = '222222222222';
const TLVS = '8101cc 0104 0349000a';
const PDUS = [
  // L1 LAN hello: circuit type, system ID, holding timer 30, PDU length 38, priority, LAN ID.
  `831b0100 0f010000 01 ${SYS} 001e 0026 40 ${SYS}01 ${TLVS}`,
  // L2 LSP: PDU length 36, lifetime 1199, LSP ID, sequence 9, checksum, type block.
  `831b0100 14010000 0024 04af ${SYS}0000 00000009 1234 03 ${TLVS}`,
  // L1 CSNP: PDU length 33, source ID, start and end LSP IDs.
  `83210100 18010000 0021 ${SYS}00 0000000000000000 ffffffffffffffff`,
  // L2 PSNP: PDU length 17 + one TLV.
  `83110100 1b010000 0014 ${SYS}00 8101cc`,
  // A TLV longer than what is left: "Short CLV header".
  `831b0100 0f010000 01 ${SYS} 001e 001e 40 ${SYS}01 8109cc`,
  // PDU length past the packet's end.
  `831b0100 14010000 ffff 04af ${SYS}0000 00000009 1234 03`,
];
const FRAMES = PDUS.map(overLlc);

describe('IS-IS', () => {
  it('decodes each PDU type and notes broken lengths as tshark does', () => {
    const state = new CaptureState();
    const ours = FRAMES.map((f, i) =>
      trawlRow(dissectHex(f, LinkType.ETHERNET, { number: i + 1 }, state), FIELDS),
    );
    expect(ours.map((r) => r.slice(0, 3))).toEqual([
      // PDU length 38 but 36 bytes: the TLV walk runs off the end.
      ['ISIS HELLO', 'L1 HELLO, System-ID: 2222.2222.2222[Malformed Packet]', 'eth:llc:osi:isis:isis.hello'],
      [
        'ISIS LSP',
        'L2 LSP, LSP-ID: 2222.2222.2222.00-00, Sequence: 0x00000009, Lifetime:  1199s [ISIS CHECKSUM INCORRECT]',
        'eth:llc:osi:isis:isis.lsp',
      ],
      [
        'ISIS CSNP',
        'L1 CSNP, Source-ID: 2222.2222.2222.00, Start LSP-ID: 0000.0000.0000.00-00, End LSP-ID: ffff.ffff.ffff.ff-ff',
        'eth:llc:osi:isis:isis.csnp',
      ],
      ['ISIS PSNP', 'L2 PSNP, Source-ID: 2222.2222.2222.00', 'eth:llc:osi:isis:isis.psnp'],
      ['ISIS HELLO', 'L1 HELLO, System-ID: 2222.2222.2222', 'eth:llc:osi:isis:isis.hello'],
      [
        'ISIS LSP',
        'L2 LSP, LSP-ID: 2222.2222.2222.00-00, Sequence: 0x00000009, Lifetime:  1199s[Malformed Packet]',
        'eth:llc:osi:isis:isis.lsp',
      ],
    ]);
    const short = dissectHex(FRAMES[4] ?? '', LinkType.ETHERNET);
    expect(short.value('_ws.expert')).toBe('Expert Info (Error/Malformed): Short CLV header (9 vs 1)');
    const long = dissectHex(FRAMES[5] ?? '', LinkType.ETHERNET);
    expect(long.value('_ws.expert')).toContain(
      'Expert Info (Error/Malformed): PDU length greater than packet length',
    );
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(FRAMES, LinkType.ETHERNET, FIELDS));
  });

  it('survives mutated PDUs', () => {
    fuzzFrames(FRAMES, LinkType.ETHERNET, 83);
  });
});
