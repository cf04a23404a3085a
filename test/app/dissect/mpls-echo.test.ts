// MPLS LSP Ping (UDP 3503) on built datagrams, against tshark.
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../app/dissect/link-types.ts';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { dissectHex, hexToBytes } from '../../support/dissect-hex.ts';
import { fuzzFrames } from '../../support/link-frames.ts';
import { udpFrame } from '../../support/tcp-frames.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.protocols',
  'mpls_echo.msg_type',
  'mpls_echo.sequence',
];

const lspPing = (hex: string): Uint8Array =>
  udpFrame({ src: 1, dst: 2, sport: 3503, dport: 3503 }, Buffer.from(hexToBytes(hex)).toString('latin1'));
const HEAD = (type: string): string => `0001 0000 ${type} 02 00 00 00000000 00000001`;
const FRAMES = [
  lspPing(`${HEAD('01')} ${'00'.repeat(16)} 0001 000c 0001 0005 0c010101 20000000`),
  lspPing(`${HEAD('02')} ${'00'.repeat(16)}`),
  lspPing(`${HEAD('1f')} 1e01 0100 01010101`),
  lspPing('3030 3030 3030 3030'),
];

describe('MPLS ECHO', () => {
  it('names the message type in Info, as tshark', () => {
    const state = new CaptureState();
    const ours = FRAMES.map((f, i) =>
      trawlRow(dissectHex(f, LinkType.ETHERNET, { number: i + 1 }, state), FIELDS),
    );
    expect(ours.map((r) => r.slice(0, 3))).toEqual([
      ['MPLS ECHO', 'MPLS Echo Request', 'eth:ethertype:ip:udp:mpls-echo'],
      ['MPLS ECHO', 'MPLS Echo Reply', 'eth:ethertype:ip:udp:mpls-echo'],
      ['MPLS ECHO', 'Unknown Message Type (0x1F)', 'eth:ethertype:ip:udp:mpls-echo'],
      // Not version 1: left to UDP as data.
      ['UDP', '3503 → 3503 Len=8', 'eth:ethertype:ip:udp:data'],
    ]);
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(FRAMES, LinkType.ETHERNET, FIELDS));
  });

  it('survives mutated datagrams', () => {
    fuzzFrames(FRAMES, LinkType.ETHERNET, 3503);
  });
});
