import { describe, expect, it } from 'vitest';
import { columnsOf } from '../../../app/dissect/columns.ts';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { CaptureState, Hint } from '../../../app/dissect/packet-info.ts';
import { NodeFlag, type FieldNode } from '../../../app/dissect/tree.ts';
import { dissectHex, walk } from '../../support/dissect-hex.ts';
import { pcapFile, tempDir } from '../../support/pcap-bytes.ts';
import { haveTshark, trawlRow, tsharkRows } from '../../support/tshark-oracle.ts';

// packetnet__arp_request_response.pcap: a request (padded to 60 bytes) and its reply
const REQUEST =
  'ffffffffffff00046199015408060001080006040001000461990154c0a801ca000000000000c0a801d6' +
  '000000000000000000000000000000000000';
const REPLY = '00046199015400216a0208540806000108000604000200216a020854c0a801d6000461990154c0a801ca';

// libpcap__rarp_req_reply.pcapng: a RARP request and its reply
const RARP_REQUEST = 'ffffffffffff000c29340bde80350001080006040003000c29340bde00000000000c29340bde00000000';
const RARP_REPLY = '000c29340bde000c29c5f69b80350001080006040004000c29c5f69b0a01010a000c29340bde0a010164';

// tcpdump__arp-too-long-tha.pcap: 802.1ad, then ARP with 14-byte hardware addresses
const TOO_LONG = '30303030303030303030303088a830300806303008000e040001' + '30'.repeat(38);

// Made with text2pcap and decoded by tshark 4.0: a probe, an announcement, a gratuitous reply
const MAC = '001122334455';
const PAD = '00'.repeat(18);
const PROBE = `ffffffffffff${MAC}08060001080006040001${MAC}00000000000000000000` + `0a000002${PAD}`;
const ANNOUNCEMENT = `ffffffffffff${MAC}08060001080006040001${MAC}0a000002000000000000` + `0a000002${PAD}`;
const GRATUITOUS_REPLY =
  `ffffffffffff${MAC}08060001080006040002${MAC}0a000002ffffffffffff` + `0a000002${PAD}`;
// IPv6 protocol addresses (16 bytes): shown as bytes
const IPV6_ADDRESSES =
  `ffffffffffff${MAC}0806000186dd06100001${MAC}20010db8000000000000000000000001` +
  '00000000000020010db8000000000000000000000002';

const labels = (n: FieldNode | undefined): string[] => (n?.children ?? []).map((c) => nodeLabel(c));

describe('arp', () => {
  it('decodes a request field by field, with offsets, and tshark columns', () => {
    const d = dissectHex(REQUEST);
    expect(d.value('frame.protocols')).toBe('eth:ethertype:arp');
    expect(d.value('arp.hw.type')).toBe('1');
    expect(d.value('arp.proto.type')).toBe('0x0800');
    expect(d.value('arp.hw.size')).toBe('6');
    expect(d.value('arp.proto.size')).toBe('4');
    expect(d.value('arp.opcode')).toBe('1');
    expect(d.value('arp.src.hw_mac')).toBe('00:04:61:99:01:54');
    expect(d.value('arp.src.proto_ipv4')).toBe('192.168.1.202');
    expect(d.value('arp.dst.hw_mac')).toBe('00:00:00:00:00:00');
    expect(d.value('arp.dst.proto_ipv4')).toBe('192.168.1.214');
    const [arp] = d.nodes('arp');
    expect([arp?.offset, arp?.length]).toEqual([14, 28]);
    expect(arp && nodeLabel(arp)).toBe('Address Resolution Protocol (request)');
    expect((arp?.children ?? []).map((n) => [nodeLabel(n), n.offset, n.length])).toEqual([
      ['Hardware type: Ethernet (1)', 14, 2],
      ['Protocol type: IPv4 (0x0800)', 16, 2],
      ['Hardware size: 6', 18, 1],
      ['Protocol size: 4', 19, 1],
      ['Opcode: request (1)', 20, 2],
      ['Sender MAC address: 00:04:61:99:01:54', 22, 6],
      ['Sender IP address: 192.168.1.202', 28, 4],
      ['Target MAC address: 00:00:00:00:00:00', 32, 6],
      ['Target IP address: 192.168.1.214', 38, 4],
    ]);
    expect(d.value('eth.padding')).toBe('000000000000000000000000000000000000');
    const cols = columnsOf(d.pinfo);
    expect(cols.protocol).toBe('ARP');
    expect(cols.info).toBe('Who has 192.168.1.214? Tell 192.168.1.202');
    expect(cols.source).toBe('00:04:61:99:01:54');
    expect(cols.destination).toBe('ff:ff:ff:ff:ff:ff');
    expect(d.pinfo.hints & Hint.Arp).toBe(Hint.Arp);
  });

  it('says who is at an address in a reply', () => {
    const d = dissectHex(REPLY);
    expect(d.value('arp.opcode')).toBe('2');
    expect(d.pinfo.info).toBe('192.168.1.214 is at 00:21:6a:02:08:54');
    expect(d.nodes('eth.padding')).toHaveLength(0);
    expect(nodeLabel(d.nodes('arp')[0] as FieldNode)).toBe('Address Resolution Protocol (reply)');
  });

  it('names RARP in the Protocol column and asks by hardware address', () => {
    const request = dissectHex(RARP_REQUEST);
    expect(request.value('frame.protocols')).toBe('eth:ethertype:arp');
    expect(request.value('eth.type')).toBe('0x8035');
    expect(request.pinfo.proto).toBe('RARP');
    expect(request.pinfo.info).toBe('Who is 00:0c:29:34:0b:de? Tell 00:0c:29:34:0b:de');
    expect(nodeLabel(request.nodes('arp')[0] as FieldNode)).toBe(
      'Address Resolution Protocol (reverse request)',
    );
    const reply = dissectHex(RARP_REPLY);
    expect(reply.pinfo.proto).toBe('RARP');
    expect(reply.pinfo.info).toBe('00:0c:29:34:0b:de is at 10.1.1.100');
    expect(reply.value('arp.dst.proto_ipv4')).toBe('10.1.1.100');
  });

  it('shows odd hardware sizes as bytes, and flags a gratuitous request', () => {
    const d = dissectHex(TOO_LONG, 1, { origLen: 262144 });
    expect(d.value('arp.hw.size')).toBe('14');
    expect(d.value('arp.src.hw')).toBe('3030303030303030303030303030');
    expect(d.value('arp.dst.hw')).toBe('3030303030303030303030303030');
    expect(d.nodes('arp.src.hw_mac')).toHaveLength(0);
    expect(d.value('arp.src.proto_ipv4')).toBe('48.48.48.48');
    expect(d.value('arp.isgratuitous')).toBe('1');
    expect(d.value('_ws.malformed')).toBe('');
    const [arp] = d.nodes('arp');
    expect([arp?.offset, arp?.length]).toEqual([18, 44]);
    expect(arp && nodeLabel(arp)).toBe('Address Resolution Protocol (request/gratuitous ARP)');
    expect(labels(arp).slice(4, 7)).toEqual([
      'Opcode: request (1)',
      '[Is gratuitous: True]',
      'Sender hardware address: 3030303030303030303030303030',
    ]);
    expect(labels(arp)[1]).toBe('Protocol type: IPv4 (0x0800)');
    expect(labels(arp)[0]).toBe('Hardware type: Unknown (12336)');
    expect(d.nodes('arp.dst.hw')[0]?.offset).toBe(44);
    expect(d.pinfo.info).toBe('Gratuitous ARP for 48.48.48.48 (Request)');
  });

  it('tells probes, announcements and gratuitous replies apart', () => {
    const probe = dissectHex(PROBE);
    expect(probe.pinfo.info).toBe('Who has 10.0.0.2? (ARP Probe)');
    expect(probe.value('arp.isprobe')).toBe('1');
    expect(nodeLabel(probe.nodes('arp')[0] as FieldNode)).toBe('Address Resolution Protocol (ARP Probe)');
    const announcement = dissectHex(ANNOUNCEMENT);
    expect(announcement.pinfo.info).toBe('ARP Announcement for 10.0.0.2');
    expect(announcement.value('arp.isgratuitous')).toBe('1');
    expect(announcement.value('arp.isannouncement')).toBe('1');
    const reply = dissectHex(GRATUITOUS_REPLY);
    expect(reply.pinfo.info).toBe('Gratuitous ARP for 10.0.0.2 (Reply)');
    expect(nodeLabel(reply.nodes('arp')[0] as FieldNode)).toBe(
      'Address Resolution Protocol (reply/gratuitous ARP)',
    );
  });

  it('shows other protocol addresses as bytes', () => {
    const d = dissectHex(IPV6_ADDRESSES);
    expect(d.value('arp.src.proto')).toBe('20010db8000000000000000000000001');
    expect(d.pinfo.info).toBe(
      'Who has 20010db8000000000000000000000002? Tell 20010db8000000000000000000000001',
    );
  });

  it('notes a request cut by the capture, after the header it could read', () => {
    const d = dissectHex(REQUEST.slice(0, 2 * 34), 1, { origLen: 60 });
    expect(d.pinfo.proto).toBe('ARP');
    expect(d.pinfo.info).toBe('[Packet size limited during capture]');
    expect(d.value('arp.opcode')).toBe('1');
    expect(d.nodes('arp.src.hw_mac')).toHaveLength(0);
    const truncated: FieldNode[] = [];
    walk(d.tree.roots, (n) => {
      if (n.flags & NodeFlag.Truncated) truncated.push(n);
    });
    expect(truncated).toHaveLength(1);
    expect(d.pinfo.malformed).toBe(false);
  });

  it('finds an ARP longer than its frame malformed', () => {
    const d = dissectHex(REQUEST.slice(0, 2 * 40));
    expect(d.pinfo.info).toBe('[Malformed Packet]');
    expect(d.value('_ws.malformed')).toBe('[Malformed Packet: ARP/RARP]');
    expect(d.value('arp.opcode')).toBe('1');
  });
});

describe('ARP duplicate address detection', () => {
  const FIELDS = [
    '_ws.col.Info',
    'arp.duplicate-address-frame',
    'arp.seconds-since-duplicate-address-frame',
    'arp.duplicate-address-detected',
  ];
  const mac = (last: number, first = 0): number[] => [first, 0x1f, 0x29, 0xda, 0x2d, last];
  const ip = (last: number): number[] => [192, 168, 1, last];
  const arpFrame = (op: number, sha: number[], spa: number[], tha: number[], tpa: number[]): Uint8Array =>
    Uint8Array.from([
      ...[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, ...sha, 0x08, 0x06],
      ...[0, 1, 8, 0, 6, 4, 0, op, ...sha, ...spa, ...tha, ...tpa],
    ]);
  const zero = [0, 0, 0, 0, 0, 0];
  const frames = [
    arpFrame(1, mac(0x79), ip(104), zero, ip(1)),
    arpFrame(1, mac(0x79), ip(104), zero, ip(2)),
    arpFrame(1, mac(0x6d), ip(104), zero, ip(1)), // another MAC with .104: a duplicate of frame 2
    arpFrame(1, mac(0x79), ip(104), zero, ip(1)), // the holder again: no duplicate
    arpFrame(1, mac(0x79, 0x2b), ip(104), zero, ip(1)), // a group MAC: not counted
    arpFrame(2, mac(0x01), ip(1), mac(0x77), ip(104)), // a reply whose target pair is a duplicate
    arpFrame(2, mac(0x02), ip(1), mac(0x79), ip(104)), // and a reply whose sender pair is
  ];

  it('flags another MAC using a held address, as tshark does', () => {
    const state = new CaptureState();
    const ours = frames.map((f, i) =>
      trawlRow(dissectHex(f, 1, { number: i + 1, tsSec: 100 + 3 * i }, state), FIELDS),
    );
    expect(ours[2]).toEqual([
      'Who has 192.168.1.1? Tell 192.168.1.104 (duplicate use of 192.168.1.104 detected!)',
      '2',
      '3',
      '1',
    ]);
    expect(ours[3]?.[1]).toBe('');
    if (!haveTshark) return;
    const dir = tempDir('trawl-arp-');
    try {
      const records = frames.map((data, i) => ({ tsSec: 100 + 3 * i, tsFrac: 0, data }));
      expect(ours).toEqual(
        tsharkRows(dir.file('dup.pcap', pcapFile({ linkType: 1 }, records)), FIELDS, true),
      );
    } finally {
      dir.cleanup();
    }
  });
});
