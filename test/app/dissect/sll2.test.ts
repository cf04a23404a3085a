import { describe, expect, it } from 'vitest';
import { columnsOf } from '../../../app/dissect/columns.ts';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { dissectHex } from '../../support/dissect-hex.ts';

const SLL2 = 276;

// pcpp__sll2.pcap frame 2: IPv4/TCP from f0:3f:95:8f:82:63 on interface 20
const TCP =
  '080000000000001400010006f03f958f8263000045000028872d40002c06718c743f426c07f9977201bbdfcc' +
  'aaceb5e9a7ab9fbf5011003fcfd20000';

// pcpp__Sll2PacketLLC.pcap frame 1: Linux protocol 4 (802.2 LLC), STP, multicast
const LLC =
  '000400000000000300010206e01cfcd3b1e10000424203000002023e80004c5e0c3ec6dd00004e388000e01c' +
  'fcd3b1df80020300140002000f000020202020202020';

// Made with text2pcap and decoded by tshark 4.0: packet type 4 (sent by us), ethertype 0x1234
const SENT = '12340000000000030001040600112233445500000102030405060708';

describe('sll2', () => {
  it('decodes the v2 header: protocol first, with offsets and tshark labels', () => {
    const d = dissectHex(TCP, SLL2);
    expect(d.value('sll.etype')).toBe('0x0800');
    expect(d.value('sll.ifindex')).toBe('20');
    expect(d.value('sll.hatype')).toBe('1');
    expect(d.value('sll.pkttype')).toBe('0');
    expect(d.value('sll.halen')).toBe('6');
    expect(d.value('sll.src.eth')).toBe('f0:3f:95:8f:82:63');
    expect(d.value('sll.unused')).toBe('0000');
    expect(d.value('frame.protocols').startsWith('sll:ethertype:ip')).toBe(true);
    const [sll] = d.nodes('sll');
    expect([sll?.offset, sll?.length]).toEqual([0, 20]);
    expect(sll && nodeLabel(sll)).toBe('Linux cooked capture v2');
    expect((sll?.children ?? []).map((n) => [nodeLabel(n), n.offset, n.length])).toEqual([
      ['Protocol: IPv4 (0x0800)', 0, 2],
      ['Interface index: 20', 4, 4],
      ['Link-layer address type: Ethernet (1)', 8, 2],
      ['Packet type: Unicast to us (0)', 10, 1],
      ['Link-layer address length: 6', 11, 1],
      ['Source: f0:3f:95:8f:82:63', 12, 6],
      ['Unused: 0000', 18, 2],
    ]);
  });

  it('hands Linux protocol 4 to LLC', () => {
    const d = dissectHex(LLC, SLL2);
    expect(d.value('sll.ltype')).toBe('0x0004');
    expect(d.value('sll.pkttype')).toBe('2');
    expect(d.value('sll.ifindex')).toBe('3');
    expect(d.value('sll.src.eth')).toBe('e0:1c:fc:d3:b1:e1');
    expect(d.value('llc.dsap')).toBe('0x42');
    expect(d.nodes('llc')[0]?.offset).toBe(20);
    expect(d.value('frame.protocols').startsWith('sll:llc:')).toBe(true);
    expect(columnsOf(d.pinfo).source).toBe('e0:1c:fc:d3:b1:e1');
  });

  it('shows the packet type in Info as Wireshark 4.0 reads it (16 bits, with the address length)', () => {
    const d = dissectHex(SENT, SLL2);
    expect(d.value('sll.pkttype')).toBe('4');
    expect(d.value('frame.protocols')).toBe('sll:ethertype:data');
    expect(d.pinfo.proto).toBe('0x1234');
    expect(d.pinfo.info).toBe('Unknown (1030)');
  });

  it('throws nothing on a cut header', () => {
    const d = dissectHex(TCP.slice(0, 2 * 12), SLL2, { origLen: 60 });
    // packet type 0 and address length 6, read as 16 bits
    expect(d.pinfo.info).toBe('Unknown (6)[Packet size limited during capture]');
    expect(d.value('frame.protocols')).toBe('sll');
  });
});
