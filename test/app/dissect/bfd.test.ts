import { describe, expect, it } from 'vitest';
import { dissectHex, hexToBytes } from '../../support/dissect-hex.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';
import { udpFrame } from '../../support/tcp-frames.ts';

// BFD control packets: single hop, multihop, with MD5 and simple-password authentication.
// Frames from tcpdump's test captures; the expected columns are tshark 4.0.17's on the same bytes, and
// the last test asks tshark itself for every field below when it is installed.
/** bfd-multihop.pcap frame 1. */
const SINGLE = `
  444ca873 85cb444c a8a5161b 080045c0 0034d224 0000ff11 8ec4a101 0c01a101 0c0cebf9 0ec80020 963720c0 03187429
  abf9d43a 40c10004 93e00004 93e00004 93e0
`;
/** bfd-multihop.pcap frame 2. */
const MULTIHOP = `
  444ca8a5 161b444c a87385cb 080045c0 00345e03 0000ff11 92e86500 000c6500 0001cb19 12b00020 95fc20c0 03188986
  0b19457f 74510006 1a800006 1a800006 1a80
`;
/** bfd-raw-auth-md5.pcap frame 1. */
const MD5 = `
  00000100 00010010 94000002 08004500 004c0001 00000a11 2f48c055 0102c000 00010400 0ec80038 6acc2044 05300000
  00010000 0000000f 4240000f 42400000 00000218 02000000 00050102 03040506 07080910 11121314 15163cc3 f821
`;
/** bfd-raw-auth-simple.pcap frame 1. */
const SIMPLE = `
  00000100 00010010 94000002 08004500 003d0000 00000a11 2f58c055 0102c000 00010400 0ec80029 72312044 05210000
  00010000 0000000f 4240000f 42400000 00000109 02736563 7265744e 0a9040
`;
/** bfd-lag.pcap frame 1. */
const LAG = `
  01005e90 0001001c 738f8f5d 080045c0 00340000 0000ff11 a6f60a00 00020a00 0001c837 1a800020 65462060 03180de6
  08370000 0000000f 42400004 93e00004 93e0
`;

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'bfd.version',
  'bfd.diag',
  'bfd.sta',
  'bfd.flags',
  'bfd.detect_time_multiplier',
  'bfd.message_length',
  'bfd.my_discriminator',
  'bfd.your_discriminator',
  'bfd.desired_min_tx_interval',
  'bfd.required_min_rx_interval',
  'bfd.required_min_echo_interval',
  'bfd.auth.type',
  'bfd.auth.len',
  'bfd.auth.key',
  'bfd.auth.seq_num',
  'bfd.auth.password',
];

const FRAMES: [string, number][] = [
  [SINGLE, 1],
  [MULTIHOP, 1],
  [MD5, 1],
  [SIMPLE, 1],
  [LAG, 1],
];

describe('bfd', () => {
  it('decodes bfd-multihop.pcap frame 1 as tshark does', () => {
    const d = dissectHex(SINGLE, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:bfd');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual([
      'BFD Control',
      'Diag: No Diagnostic, State: Up, Flags: 0x00',
    ]);
  });

  it('decodes bfd-multihop.pcap frame 2 as tshark does', () => {
    const d = dissectHex(MULTIHOP, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:bfd');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual([
      'BFD Control',
      'Diag: No Diagnostic, State: Up, Flags: 0x00',
    ]);
  });

  it('decodes bfd-raw-auth-md5.pcap frame 1 as tshark does', () => {
    const d = dissectHex(MD5, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:bfd');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual([
      'BFD Control',
      'Diag: No Diagnostic, State: Down, Flags: 0x04',
    ]);
  });

  it('decodes bfd-raw-auth-simple.pcap frame 1 as tshark does', () => {
    const d = dissectHex(SIMPLE, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:bfd');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual([
      'BFD Control',
      'Diag: No Diagnostic, State: Down, Flags: 0x04',
    ]);
  });

  it('decodes bfd-lag.pcap frame 1 as tshark does', () => {
    const d = dissectHex(LAG, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:bfd');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual([
      'BFD Control',
      'Diag: No Diagnostic, State: Down, Flags: 0x20',
    ]);
  });

  it('shows an echo packet (UDP 3785) as content only its sender reads', () => {
    const echo = udpFrame({ src: 1, dst: 2, sport: 3785, dport: 3785 }, '\x01\x02\x03\x04\x05\x06\x07\x08');
    const d = dissectHex(echo);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:bfd_echo');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['BFD Echo', 'Originator specific content']);
    expect(d.value('bfd_echo.packet')).toBe('0102030405060708');
  });

  it.skipIf(!haveTshark)('agrees with tshark field by field', () => {
    for (const [hex, linkType] of FRAMES) {
      const bytes = hexToBytes(hex);
      expect(trawlRow(dissectHex(bytes, linkType), FIELDS)).toEqual(
        tsharkFrameRows([bytes], linkType, FIELDS)[0],
      );
    }
  });
});
