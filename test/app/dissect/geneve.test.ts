// Geneve (UDP 6081) on built datagrams: the header, its options and the frame it carries, against
// tshark run on the same packets.
import { describe, expect, it } from 'vitest';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { udpFrame } from '../../support/tcp-frames.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.protocols',
  'geneve.version',
  'geneve.flags',
  'geneve.flags.oam',
  'geneve.flags.critical',
  'geneve.proto_type',
  'geneve.vni',
  'geneve.option.class',
  'geneve.option.type',
  'geneve.option.type.critical',
  'geneve.option.length',
  'geneve.option.unknown.data',
  'arp.src.proto_ipv4',
  'eth.src',
];

const bytes = (...b: number[]): string => String.fromCharCode(...b);
/** An ARP who-has from 02:00:00:00:00:0a (192.168.0.10) for 192.168.0.20, in Ethernet. */
const innerArp =
  bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 0x0a, 0x08, 0x06) +
  bytes(0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 0x0a, 192, 168, 0, 10, 0, 0, 0, 0, 0, 0, 192, 168, 0, 20);
const header = (optWords: number, flags: number, type: number, vni: number): string =>
  bytes(optWords & 0x3f, flags, type >> 8, type & 0xff, vni >> 16, (vni >> 8) & 0xff, vni & 0xff, 0);

const datagrams = [
  header(0, 0, 0x6558, 11) + innerArp,
  header(2, 0x40, 0x6558, 10) + bytes(0, 0, 0x80, 1, 0, 0, 0, 0x0c) + innerArp,
  header(0, 0x80, 0x0806, 7) + innerArp.slice(14),
  header(0, 0, 0x1234, 1) + 'payload',
  header(0, 0, 0x88b5, 1) + 'payload',
];

describe('Geneve', () => {
  it('shows the header, the options and the carried frame as tshark does', () => {
    const frames = datagrams.map((p, i) => udpFrame({ src: 1, dst: 2, sport: 50000 + i, dport: 6081 }, p));
    const state = new CaptureState();
    const ours = frames.map((f, i) => trawlRow(dissectHex(f, 1, { number: i + 1 }, state), FIELDS));
    expect(ours[0]?.slice(0, 3)).toEqual([
      'ARP',
      'Who has 192.168.0.20? Tell 192.168.0.10',
      'eth:ethertype:ip:udp:geneve:eth:ethertype:arp',
    ]);
    expect(ours[1]?.[8]).toBe('0x00000a');
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(frames, 1, FIELDS));
  });
});
