// Frame Relay on built frames: the address forms, RFC 2427 (UI + NLPID, padding, SNAP), Cisco
// encapsulation, LAPF on DLCI 0 and unknown payloads, against tshark on the same frames.
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../app/dissect/link-types.ts';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { frame, fuzzFrames, ipv4Udp } from '../../support/link-frames.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.protocols',
  'frame.encap_type',
  'fr.dlci',
  'fr.fecn',
  'fr.becn',
  'fr.de',
  'fr.nlpid',
  'fr.chdlctype',
  'ip.src',
  'esis.type',
];

const FRAMES = [
  frame('1841 03 cc', ipv4Udp()),
  frame('1841 03 00 cc', ipv4Udp()),
  frame('184f 03 cc', ipv4Udp()),
  frame('1841 0800', ipv4Udp()),
  frame('1841 03 80 000000 0800', ipv4Udp()),
  frame('1841 1234 cc', ipv4Udp()),
  frame('1841 03 77 0102'),
  frame('0001 e822 0082'),
  frame('000c05 2200 82 11 01 00 06 0000 0000 02 0022 00 00 00'),
  frame('1841 03 82 0f 01 00 02 0000 0000 01 04 49000a01'),
  frame('1841 03 83 14 01 00 11 01 00 00 03 111111111111 001e 0014 00'),
  frame('1841 1245'),
  // LMI on DLCI 0: a Q.933 STATUS ENQUIRY (report type, keepalive).
  frame('0001 03 08 00 75 95 01 01 01 03 02 01 00'),
  frame('0001 03 08 00 75 95 01 01 01 03 02'),
];

describe('Frame Relay', () => {
  it('finds the encapsulation and the protocol behind it as tshark does', () => {
    const state = new CaptureState();
    const ours = FRAMES.map((f, i) =>
      trawlRow(dissectHex(f, LinkType.FRELAY, { number: i + 1 }, state), FIELDS),
    );
    expect(ours.map((r) => [r[0], r[2], r[4]])).toEqual([
      ['UDP', 'fr:ip:udp:data', '100'],
      ['UDP', 'fr:ip:udp:data', '100'],
      ['UDP', 'fr:ip:udp:data', '100'],
      ['UDP', 'fr:ip:udp:data', '100'],
      ['UDP', 'fr:ip:udp:data', '100'],
      ['UDP', 'fr:ip:udp:data', '100'],
      ['FR', 'fr:data', '100'],
      ['FR', 'fr:data', '0'],
      ['ESIS', 'fr:esis', '1'],
      ['ESIS', 'fr:esis', '100'],
      ['ISIS HELLO', 'fr:isis:isis.hello', '100'],
      ['FR', 'fr:data', '100'],
      ['Q.933', 'fr:q933', '0'],
      ['Q.933', 'fr:q933', '0'],
    ]);
    expect(ours[6]?.[1]).toBe('DLCI 100, U, func=UI');
    expect(ours[7]?.[1]).toBe('DLCI 0, I, N(R)=17, N(S)=116');
    expect(ours[3]?.[9]).toBe('0x0800');
    expect(ours[12]?.[1]).toBe('STATUS ENQUIRY');
    expect(ours[13]?.[1]).toBe('STATUS ENQUIRY[Malformed Packet]');
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(FRAMES, LinkType.FRELAY, FIELDS));
  });

  it('survives mutated frames', () => {
    fuzzFrames(FRAMES, LinkType.FRELAY, 107);
  });
});
