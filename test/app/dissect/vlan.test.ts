import { describe, expect, it } from 'vitest';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { NodeFlag, type FieldNode } from '../../../app/dissect/tree.ts';
import { dissectHex, walk } from '../../support/dissect-hex.ts';

// pcpp__VlanPackets.pcap frame 1: two 802.1Q tags (118, then 10), IPv4/ICMP echo request
const STACKED =
  '001bd41ba4d80013c3dfae18810000768100000a080045000064000f0000ff01929b0a760a010a760a02' +
  '0800ceb70003000000000000001faf70' +
  'abcd'.repeat(32);

// pcpp__VlanPackets.pcap frame 21, first 48 of 375 bytes: one tag (PRI 5), an 802.3 length, LLC/SNAP/CDP
const TAGGED_LLC =
  '01000ccdcdd00013c3dfae188100a0760165aaaa0300000c200002b4bae2000100065231000500fd436973636f20494f';

// Made with text2pcap, decoded by tshark 4.0: one tag around an ethertype nobody claims (0x1234)
const UNCLAIMED =
  'ffffffffffff0011223344558100a07612340102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f' +
  '202122232425262728292a2b';

// The same kind of frame with the old Q-in-Q tag 0x9100 outside an 802.1Q tag
const QINQ_9100 =
  'ffffffffffff001122334455910030308100007612340102030405060708090a0b0c0d0e0f101112131415161718191a1b' +
  '1c1d1e1f202122232425262728';

describe('vlan', () => {
  it('decodes stacked tags, one vlan layer each', () => {
    const d = dissectHex(STACKED);
    expect(d.value('vlan.id')).toBe('118,10');
    expect(d.value('vlan.priority')).toBe('0,0');
    expect(d.value('vlan.dei')).toBe('0,0');
    expect(d.value('vlan.etype')).toBe('0x8100,0x0800');
    expect(d.value('eth.type')).toBe('0x8100');
    expect(d.value('frame.protocols').startsWith('eth:ethertype:vlan:ethertype:vlan:ethertype:ip')).toBe(
      true,
    );
    const tags = d.nodes('vlan');
    expect(tags.map((n) => [n.offset, n.length])).toEqual([
      [14, 4],
      [18, 4],
    ]);
    expect(tags.map((n) => nodeLabel(n))).toEqual([
      '802.1Q Virtual LAN, PRI: 0, DEI: 0, ID: 118',
      '802.1Q Virtual LAN, PRI: 0, DEI: 0, ID: 10',
    ]);
    expect((tags[0]?.children ?? []).map((n) => nodeLabel(n))).toEqual([
      '000. .... .... .... = Priority: Best Effort (default) (0)',
      '...0 .... .... .... = DEI: Ineligible',
      '.... 0000 0111 0110 = ID: 118',
      'Type: 802.1Q Virtual LAN (0x8100)',
    ]);
    const ids = d.nodes('vlan.id');
    expect(ids.map((n) => [n.offset, n.length])).toEqual([
      [14, 2],
      [18, 2],
    ]);
    expect(d.nodes('vlan.etype')[1]?.offset).toBe(20);
  });

  it('reads an 802.3 length inside the tag and hands the payload to LLC', () => {
    const d = dissectHex(TAGGED_LLC, 1, { origLen: 375 });
    expect(d.value('vlan.id')).toBe('118');
    expect(d.value('vlan.priority')).toBe('5');
    expect(d.value('vlan.len')).toBe('357');
    expect(d.nodes('vlan.etype')).toHaveLength(0);
    expect(d.nodes('vlan.len')[0]?.offset).toBe(16);
    expect(d.value('frame.protocols').startsWith('eth:ethertype:vlan:llc')).toBe(true);
    expect(d.value('llc.oui')).toBe('12');
    expect(d.value('llc.cisco_pid')).toBe('0x2000');
    const [priority] = d.nodes('vlan.priority');
    expect(priority && nodeLabel(priority)).toBe(
      '101. .... .... .... = Priority: Voice, < 10ms latency and jitter (5)',
    );
  });

  it('sets the VLAN columns, and the ethertype ones when nothing claims the payload', () => {
    const d = dissectHex(UNCLAIMED);
    expect(d.value('frame.protocols')).toBe('eth:ethertype:vlan:ethertype:data');
    expect(d.pinfo.proto).toBe('0x1234');
    expect(d.pinfo.info).toBe('PRI: 5  DEI: 0  ID: 118');
  });

  it('reads 0x9100 as an 802.1Q tag', () => {
    const d = dissectHex(QINQ_9100);
    expect(d.value('frame.protocols')).toBe('eth:ethertype:vlan:ethertype:vlan:ethertype:data');
    expect(d.value('vlan.id')).toBe('48,118');
    expect(d.value('vlan.etype')).toBe('0x8100,0x1234');
    expect(d.value('eth.type')).toBe('0x9100');
  });

  it('notes a tag cut short and throws nothing', () => {
    const d = dissectHex(STACKED.slice(0, 2 * 16), 1, { origLen: 122 });
    const truncated: FieldNode[] = [];
    walk(d.tree.roots, (n) => {
      if (n.flags & NodeFlag.Truncated) truncated.push(n);
    });
    expect(truncated).toHaveLength(1);
    expect(d.value('frame.protocols')).toBe('eth:ethertype:vlan');
    // tshark: the tag's own text, then the note
    expect(d.pinfo.info).toBe('PRI: 0  DEI: 0  ID: 118[Packet size limited during capture]');
    const malformed = dissectHex(STACKED.slice(0, 2 * 16));
    expect(malformed.value('_ws.malformed')).toBe('[Malformed Packet: VLAN]');
    expect(malformed.pinfo.proto).toBe('VLAN');
  });
});
