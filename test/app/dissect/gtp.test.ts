// GTPv1 and GTPv2 on UDP 2152/2123 against tshark. The G-PDUs are PcapPlusPlus's gtp-u1.dat and
// gtp-u-2ext.dat and the GTPv2 Modify Bearer Request its gtpv2-with-teid.dat
// (Tests/Packet++Test/PacketExamples), their UDP payloads; the others are built here: a GTP-C echo,
// a G-PDU with an IPv6 packet, an unknown message type, a cut header.
import { describe, expect, it } from 'vitest';
import { dissectHex } from '../../support/dissect-hex.ts';
import {
  fieldsOfBoth,
  fuzzFrames,
  hex,
  oracleReady,
  treesOfBoth,
  udpIpFrame,
} from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'gtp.flags',
  'gtp.message',
  'gtp.length',
  'gtp.teid',
  'gtp.seq_number',
  'gtp.npdu_number',
  'gtp.ext_hdr.next',
  'gtp.ext_hdr.pdcp_sn',
  'gtp.ext_hdr.udp_port',
  'gtpv2.message_type',
  'gtpv2.teid',
  'gtpv2.seq',
  'gtpv2.ie_type',
  'gtpv2.ie_len',
  'gtpv2.instance',
  'ip.src',
  'ipv6.src',
];

const U1 =
  '32ff00580000000128dd0000450000540000400040015ea5ca0b289ec0a828b2080031e90000287d0611204b7f3a0d00' +
  '08090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637';
const U2EXT =
  '36ff00600000000128dd00c00109044001051c00450000540000400040015ea5ca0b289ec0a828b2080031e90000287d' +
  '0611204b7f3a0d0008090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f' +
  '3031323334353637';
const V2 =
  '4822006bd37d15901a4a430056000d001864f6292e1864f62901ce66215300030064f62952000100065700090086a43e' +
  'd0306f47ec314800080000000800000008004b00080053028970726123607200020023005d0012004900010005570009' +
  '0184a430f3e26f47ec430300010012';
// IPv6 carrying UDP 1000 → 2000 with 4 bytes.
const IP6 =
  '60000000000c1140' +
  '20010db8000000000000000000000001' +
  '20010db8000000000000000000000002' +
  '03e807d0000c1234deadbeef';

const FRAMES = [
  udpIpFrame(2152, 2152, hex(U1)),
  udpIpFrame(2152, 2152, hex(U2EXT)),
  udpIpFrame(2123, 2123, hex(V2)),
  // Echo request with a sequence number and a Recovery IE.
  udpIpFrame(40000, 2123, hex('320100060000000000070000' + '0e05')),
  udpIpFrame(2152, 2152, hex(`30ff${(IP6.length / 2).toString(16).padStart(4, '0')}00001234${IP6}`)),
  // Message type 0 is no GTP message; a header cut after the TEID's first bytes.
  udpIpFrame(2152, 2152, hex('3000000400000001')),
  udpIpFrame(2152, 2152, hex('32ff0058000000')),
];

describe('GTP', () => {
  it('tunnels IP in GTP-U and names messages', () => {
    const d = dissectHex(FRAMES[0] as Uint8Array, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:gtp:ip:icmp:data');
    expect(d.pinfo.proto).toBe('GTP <ICMP>');
    const v2 = dissectHex(FRAMES[2] as Uint8Array, 1);
    expect(v2.pinfo.info).toBe('Modify Bearer Request');
  });

  it('survives mutated datagrams', () => fuzzFrames(FRAMES, 42, 2152));

  it.skipIf(!oracleReady)('agrees with tshark', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS);
    expect(f.trawl).toBe(f.tshark);
  });

  it.skipIf(!oracleReady)('draws the same GTPv1 tree as tshark', () => {
    const frames = [0, 1, 4, 6].map((i) => FRAMES[i] as Uint8Array);
    const t = treesOfBoth(frames, /^(GPRS Tunneling Protocol$|Internet Protocol Version 6)/);
    expect(t.trawl).toBe(t.tshark);
  });
});
