import { describe, expect, it } from 'vitest';
import { columnsOf } from '../../../app/dissect/columns.ts';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { dissectHex } from '../../support/dissect-hex.ts';

const SLL = 113;

// tcpdump__tcp-handshake-nano.pcap frame 1: sent by us, PPP address type, no address, IPv4/TCP SYN
const HANDSHAKE =
  '000402000000000000000000000008004500003c29a940004006db5f839bd7458974515eb64000502f842acb' +
  '00000000a0026a4050c40000020405500402080a436a03620000000001030307';

// Made with text2pcap and decoded by tshark 4.0: unicast to us from an Ethernet address,
// protocol 0x1234 that nobody claims
const ETHER_SOURCE = '00000001000600112233445500001234 0102030405060708';
// an address of 10 bytes (only 8 fit), Realtek's ethertype
const LONG_ADDRESS = '00030001000a0011223344556677889901020304050607080910';
// Linux protocol 4: 802.2 LLC follows (here with the STP SAPs)
const LLC_PROTOCOL = '0002000100060011223344550000000442420300000000000000';

describe('sll', () => {
  it('decodes the v1 header with offsets and tshark labels', () => {
    const d = dissectHex(HANDSHAKE, SLL);
    expect(d.value('sll.pkttype')).toBe('4');
    expect(d.value('sll.hatype')).toBe('512');
    expect(d.value('sll.halen')).toBe('0');
    expect(d.value('sll.unused')).toBe('0000000000000000');
    expect(d.value('sll.etype')).toBe('0x0800');
    expect(d.nodes('sll.src.eth')).toHaveLength(0);
    expect(d.value('frame.protocols').startsWith('sll:ethertype:ip')).toBe(true);
    const [sll] = d.nodes('sll');
    expect([sll?.offset, sll?.length]).toEqual([0, 16]);
    expect(sll && nodeLabel(sll)).toBe('Linux cooked capture v1');
    expect((sll?.children ?? []).map((n) => nodeLabel(n))).toEqual([
      'Packet type: Sent by us (4)',
      'Link-layer address type: PPP (512)',
      'Link-layer address length: 0',
      'Unused: 0000000000000000',
      'Protocol: IPv4 (0x0800)',
    ]);
    expect(d.nodes('sll.etype')[0]?.offset).toBe(14);
    expect(d.nodes('sll.unused')[0]?.offset).toBe(6);
  });

  it('shows an Ethernet source address, and the columns tshark shows', () => {
    const d = dissectHex(ETHER_SOURCE, SLL);
    expect(d.value('sll.src.eth')).toBe('00:11:22:33:44:55');
    expect(d.nodes('sll.src.eth')[0]?.offset).toBe(6);
    expect(d.value('sll.unused')).toBe('0000');
    expect(d.value('frame.protocols')).toBe('sll:ethertype:data');
    const cols = columnsOf(d.pinfo);
    expect(cols.source).toBe('00:11:22:33:44:55');
    expect(cols.destination).toBe('');
    expect(cols.protocol).toBe('0x1234');
    expect(cols.info).toBe('Unicast to us');
  });

  it('shows at most 8 bytes of a longer address, and no unused bytes', () => {
    const d = dissectHex(LONG_ADDRESS, SLL);
    expect(d.value('sll.halen')).toBe('10');
    expect(d.value('sll.src.other')).toBe('0011223344556677');
    expect(d.nodes('sll.unused')).toHaveLength(0);
    expect(d.value('sll.etype')).toBe('0x8899');
  });

  it('hands Linux protocol 4 to LLC, as sll.ltype and without an ethertype layer', () => {
    const d = dissectHex(LLC_PROTOCOL, SLL);
    expect(d.value('sll.ltype')).toBe('0x0004');
    expect(d.nodes('sll.etype')).toHaveLength(0);
    const [ltype] = d.nodes('sll.ltype');
    expect(ltype && nodeLabel(ltype)).toBe('Protocol: 802.2 LLC (0x0004)');
    expect(d.value('llc.dsap')).toBe('0x42');
    // A spanning-tree BPDU (SAP 0x42): STP takes the columns, as in tshark.
    expect(d.value('frame.protocols')).toBe('sll:llc:stp');
    expect(d.pinfo.proto).toBe('STP');
  });

  it('throws nothing on a cut header', () => {
    const d = dissectHex(HANDSHAKE.slice(0, 2 * 10), SLL, { origLen: 76 });
    expect(d.pinfo.info).toBe('Sent by us[Packet size limited during capture]');
    expect(d.pinfo.proto).toBe('SLL');
    const m = dissectHex(HANDSHAKE.slice(0, 2 * 10), SLL);
    expect(m.pinfo.malformed).toBe(true);
  });
});
