import { describe, expect, it } from 'vitest';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { FieldCollector, NULL_TREE, type FieldNode } from '../../../app/dissect/tree.ts';
import { dissect } from '../../../app/dissect/dissect.ts';
import { defaultRegistry } from '../../../app/dissect/modules.ts';
import { dissectFile } from '../../support/dissect-file.ts';
import { dissectHex, hexToBytes, metaFor } from '../../support/dissect-hex.ts';
import { expertMessages, haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

// Expected values are tshark 4.0.17's on the same bytes (the last block asks tshark itself when it
// is installed): pcpp__VlanPackets.pcap frames 21-26 from Cisco routers and switches, and CDPv2
// frames made after Cisco's TLV layouts (802.3, LLC/SNAP with OUI 00000c and PID 0x2000).

/** Device ID, Addresses (IPv4, IPv6, CLNP), Port ID, Capabilities, Software version (3 lines),
 * Platform, ODR gateway, Cluster hello, VTP domain, native VLAN, duplex, VoIP VLAN reply and
 * query, power, MTU, trust bitmap, untrusted CoS, system name and OID, management address,
 * location, port unidirectional, spare PoE and an unknown TLV. */
const FULL = `
  01000ccc cccc000f 345f168d 017daaaa 0300000c 200002b4 66aa0001 00135357 312e6578 616d706c 652e636f 6d000200
  34000000 030101cc 00040a00 00010208 aaaa0300 000086dd 00102001 0db80000 00000000 00000000 00010101 81000201
  02000300 18476967 61626974 45746865 726e6574 312f302f 31000400 08000004 39000500 4a436973 636f2049 4f532053
  6f667477 6172652c 20566572 73696f6e 2031352e 300a5465 63686e69 63616c20 53757070 6f72740a 436f7079 72696768
  74202863 29203230 31320a00 06001263 6973636f 2057532d 43333735 30000700 080a0000 01000800 2400000c 01120000
  0000ffff ffff0102 21ff0000 00000000 000f345f 1680ff00 00000900 09636973 636f000a 0006000a 000b0005 00000e00
  07010064 000f0007 2000c800 10000618 9c001100 08000005 dc001200 05000013 00050000 14000b53 59534e41 4d450015
  000d060a 2b060104 01090300 16001100 00000101 01cc0004 c0a80101 0017000f 00427569 6c64696e 67203100 1b000501
  001f0005 05009900 06dead
`;
/** ODR prefixes, power requested and available, an odd length (CDP's own checksum rule). */
const PREFIXES = `
  01000ccc cccc000f 345f168d 0049aaaa 0300000c 200002b4 0edc0001 00065231 0007000e 0a010000 100a0200 00180019
  00100001 00020000 3c280000 1b58001a 00100001 00020000 3c280000 75300003 00094661 302f31
`;
const BAD_CHECKSUM = `
  01000ccc cccc000f 345f168d 001baaaa 0300000c 200002b4 25570001 00065231 00030009 4661302f 31000000 00000000
  00000000 00000000 00000000
`;
/** A TLV whose length (2) is shorter than its header. */
const SHORT_TLV = `
  01000ccc cccc000f 345f168d 0016aaaa 0300000c 200002b4 ab0e0001 00065231 00030002 00000000 00000000 00000000
  00000000 00000000 00000000
`;
/** A Platform TLV of 40 bytes with 3 left. */
const LONG_TLV = `
  01000ccc cccc000f 345f168d 0019aaaa 0300000c 200002b4 49200001 00065231 00060028 61626300 00000000 00000000
  00000000 00000000 00000000
`;
/** An empty unknown TLV, then a Port ID: Wireshark stops at the former when it builds a tree. */
const EMPTY_UNKNOWN = `
  01000ccc cccc000f 345f168d 001aaaaa 0300000c 200002b4 38f50001 00054100 77000400 03000550 00000000 00000000
  00000000 00000000 00000000
`;
/** EnergyWise with role, domain, name, reply-to and an unknown TLV in its table. */
const ENERGYWISE = `
  01000ccc cccc000f 345f168d 00a3aaaa 0300000c 200002b4 ca6a0001 00054500 1d009200 00000000 00000000 00000000
  00000000 00000000 00000100 00000257 532d4333 35363000 00000000 00000000 00563031 464f4331 32333435 36373800
  00000000 00000000 46000500 00000700 00000e72 6f6c6500 00000000 08000000 0c646f6d 00000000 09000000 0c6e616d
  65000000 17000000 160000a9 b00a0101 01000000 00000000 00003300 00000a01 02
`;
/** Addresses: IPv4 of length 6, IPv4 and IPv6 in 802.2 form, an unknown type, NLPID IPv6. */
const ADDRESSES = `
  01000ccc cccc000f 345f168d 004baaaa 0300000c 200002b4 fdb00002 003f0000 00050101 cc000601 02030405 060208aa
  aa030000 00080000 040a0000 020208aa aa030000 0086dd00 040a0000 02050000 02abcd01 018e0001 07
`;
/** An address record that runs out of its TLV. */
const TRUNCATED_ADDRESS = `
  01000ccc cccc000f 345f168d 0021aaaa 0300000c 200002b4 25b50002 00100000 00010101 cc000801 02030001 00057800
  00000000 00000000 00000000
`;

const labels = (n: FieldNode | undefined): string[] => (n?.children ?? []).map((c) => nodeLabel(c));
const tlv = (d: ReturnType<typeof dissectHex>, i: number): FieldNode | undefined => d.nodes('cdp._tlv')[i];

describe('cdp', () => {
  it('decodes the corpus CDP frames, in 802.3 and in 802.1Q frames', async () => {
    const frames = (await dissectFile('pcpp__VlanPackets.pcap')).slice(20, 26);
    expect(frames.map((d) => d.pinfo.info)).toEqual([
      'Device ID: R1  Port ID: FastEthernet0/0  ',
      'Device ID: R3  Port ID: FastEthernet0/0  ',
      'Device ID: S2  Port ID: FastEthernet0/13  ',
      'Device ID: S1  Port ID: FastEthernet0/13  ',
      'Device ID: R2  Port ID: FastEthernet0/0  ',
      'Device ID: R4  Port ID: FastEthernet0/0  ',
    ]);
    expect(frames.map((d) => d.value('frame.protocols'))).toEqual([
      'eth:ethertype:vlan:llc:cdp',
      'eth:ethertype:vlan:llc:cdp',
      'eth:llc:cdp',
      'eth:llc:cdp',
      'eth:ethertype:vlan:llc:cdp',
      'eth:ethertype:vlan:llc:cdp',
    ]);
    const s2 = frames[2];
    if (!s2) throw new Error('no frame');
    expect(s2.pinfo.proto).toBe('CDP');
    expect(s2.value('cdp.checksum')).toBe('0x01a5');
    expect(s2.value('cdp.checksum.status')).toBe('1');
    expect(s2.value('cdp.platform')).toBe('Cisco WS-C3550-24');
    expect(s2.value('cdp.capabilities')).toBe('0x00000028');
    expect(s2.value('cdp.capabilities.switch')).toBe('1');
    expect(s2.value('cdp.cluster.switch_mac')).toBe('00:0f:34:5f:16:80');
    expect(s2.value('cdp.native_vlan')).toBe('1');
    expect(s2.value('cdp.nrgyz.ip_address')).toBe('0.0.0.0,0.0.0.0');
    expect(s2.value('cdp.software_version')).toBe(
      'Cisco IOS Software, C3550 Software (C3550-IPSERVICESK9-M), Version 12.2(44)SE2, RELEASE SOFTWARE (fc2),' +
        'Copyright (c) 1986-2008 by Cisco Systems, Inc.,Compiled Thu 01-May-08 16:14 by antonino',
    );
    const [cdp] = s2.nodes('cdp');
    expect([cdp?.offset, cdp?.length]).toEqual([22, 353]);
    expect(labels(cdp).slice(0, 5)).toEqual([
      'Version: 2',
      'TTL: 180 seconds',
      'Checksum: 0x01a5 [correct]',
      '[Checksum Status: Good]',
      'Device ID: S2',
    ]);
    expect(labels(tlv(s2, 0))).toEqual(['Type: Device ID (0x0001)', 'Length: 6', 'Device ID: S2']);
    const [device] = s2.nodes('cdp.deviceid');
    expect([device?.offset, device?.length]).toEqual([30, 2]);
    const r1 = frames[0];
    expect(r1?.value('cdp.ip_prefix')).toBe('0.10.118.10,0.20.118.10,0.30.118.10');
    expect(r1 && labels(tlv(r1, 6))).toEqual([
      'Type: IP Prefix/Gateway (used for ODR) (0x0007)',
      'Length: 19',
      'IP Prefix: 10.118.10.0/24',
      'IP Prefix: 10.118.20.0/24',
      'IP Prefix: 10.118.30.0/24',
    ]);
  });

  it('decodes every kind of TLV with tshark labels', () => {
    const d = dissectHex(FULL);
    expect(d.pinfo.info).toBe('Device ID: SW1.example.com  Port ID: GigabitEthernet1/0/1  ');
    expect(d.nodes('cdp._tlv').map((n) => nodeLabel(n))).toEqual([
      'Device ID: SW1.example.com',
      'Addresses',
      'Port ID: GigabitEthernet1/0/1',
      'Capabilities',
      'Software Version',
      'Platform: cisco WS-C3750',
      'ODR Default gateway: 10.0.0.1',
      'Protocol Hello: Cluster Management',
      'VTP Management Domain: cisco',
      'Native VLAN: 10',
      'Duplex: Half',
      'VoIP VLAN Reply: VLAN 100',
      'VoIP VLAN Query: VLAN 200',
      'Power Consumption: 6300 mW',
      'MTU: 1500',
      'Trust Bitmap: 0x00',
      'Untrusted port CoS: 0x00',
      'System Name: SYSNAME',
      'System Object Identifier',
      'Management Addresses',
      'Location: Building 1',
      'Type: Port Unidirectional, length: 5',
      'Spare Pair PoE',
      'Type: Unknown (0x0099), length: 6',
    ]);
    expect(d.value('cdp.tlv.type')).toBe(
      '0x0001,0x0002,0x0003,0x0004,0x0005,0x0006,0x0007,0x0008,0x0009,0x000a,0x000b,0x000e,0x000f,' +
        '0x0010,0x0011,0x0012,0x0013,0x0014,0x0015,0x0016,0x0017,0x001b,0x001f,0x0099',
    );
    expect(d.value('cdp.number_of_addresses')).toBe('3,1');
    expect(d.value('cdp.nrgyz.ipv6_address')).toBe('2001:db8::1');
    expect(d.value('cdp.protocol')).toBe('cc,aaaa0300000086dd,81,cc');
    expect(d.value('cdp.capabilities.mac_relay')).toBe('1');
    expect(d.value('cdp.duplex')).toBe('0');
    expect(d.value('cdp.voice_vlan')).toBe('100,200');
    expect(d.value('cdp.power_consumption')).toBe('6300');
    expect(d.value('cdp.location')).toBe('Building 1');
    expect(d.value('cdp.data')).toBe('01,20,01,dead');
    expect(labels(d.nodes('cdp._address')[1])).toEqual([
      'Protocol type: 802.2 (0x02)',
      'Protocol length: 8',
      'Protocol: IPv6',
      'Address length: 16',
      'IPv6 Address: 2001:db8::1',
    ]);
    expect(d.nodes('cdp._address').map((n) => nodeLabel(n))).toEqual([
      'IP address: 10.0.0.1',
      'IPv6 address: 2001:db8::1',
      'Address: 0102',
      'IP address: 192.168.1.1',
    ]);
    expect(labels(d.nodes('cdp.spare_poe_tlv')[0])).toEqual([
      '.... ...1 = PSE Four-Wire PoE: Supported',
      '.... ..0. = PD Spare Pair Architecture: Independent',
      '.... .1.. = PD Request Spare Pair PoE: On',
      '.... 0... = PSE Spare Pair PoE: Off',
    ]);
    expect(labels(tlv(d, 13))).toEqual([
      'Type: Power consumption (0x0010)',
      'Length: 6',
      'Power Consumption: 6300mW',
    ]);
  });

  it('decodes ODR prefixes and power lists, and checks an odd-length checksum', () => {
    const d = dissectHex(PREFIXES);
    expect(d.value('cdp.checksum.status')).toBe('1');
    expect(d.nodes('cdp._tlv').map((n) => nodeLabel(n))).toEqual([
      'Device ID: R1',
      'IP Prefixes: 2',
      'Power Request: 15400 mW, 7000 mW',
      'Power Available: 15400 mW, 30000 mW',
      'Port ID: Fa0/1',
    ]);
    expect(d.value('cdp.power_requested')).toBe('15400,7000');
    expect(d.value('cdp.power_available')).toBe('15400,30000');
  });

  it('shows a bad checksum and what it should be', () => {
    const d = dissectHex(BAD_CHECKSUM);
    expect(d.value('cdp.checksum.status')).toBe('0');
    const [sum] = d.nodes('cdp.checksum');
    expect(sum && nodeLabel(sum)).toBe('Checksum: 0x2557 incorrect, should be 0x3446');
    expect(expertMessages(d)).toEqual(['Bad checksum [should be 0x3446]']);
    expect(d.pinfo.malformed).toBe(false);
  });

  it('stops at a TLV shorter than its header, and marks one longer than the PDU malformed', () => {
    const short = dissectHex(SHORT_TLV);
    expect(short.pinfo.info).toBe('Device ID: R1  ');
    expect(short.nodes('cdp._tlv').map((n) => nodeLabel(n))).toEqual([
      'Device ID: R1',
      'TLV with invalid length 2 (< 4)',
    ]);
    const long = dissectHex(LONG_TLV);
    expect(long.pinfo.info).toBe('Device ID: R1  [Malformed Packet]');
    expect(long.value('_ws.malformed')).toBe('[Malformed Packet: CDP]');
  });

  it('ends at an empty unknown TLV only when it builds a tree, as Wireshark does', () => {
    const bytes = hexToBytes(EMPTY_UNKNOWN);
    expect(dissectHex(bytes).pinfo.info).toBe('Device ID: A  ');
    const registry = defaultRegistry();
    expect(dissect(registry, metaFor(bytes, 1), bytes, NULL_TREE).info).toBe('Device ID: A  Port ID: P  ');
    const collector = FieldCollector.of([registry.field('cdp.portid')?.id ?? -1], registry.fields.length);
    expect(dissect(registry, metaFor(bytes, 1), bytes, collector).info).toBe('Device ID: A  ');
  });

  it('decodes EnergyWise and its TLV table', () => {
    const d = dissectHex(ENERGYWISE);
    expect(d.value('cdp.model_number')).toBe('WS-C3560');
    expect(d.value('cdp.system_serial_number')).toBe('FOC12345678');
    expect(d.value('cdp.nrgyz.tlv.type')).toBe('0x00000007,0x00000008,0x00000009,0x00000017,0x00000033');
    expect(d.nodes('cdp._nrgyz_tlv').map((n) => nodeLabel(n))).toEqual([
      'EnergyWise Role: role',
      'EnergyWise Domain: dom',
      'EnergyWise Name: name',
      'EnergyWise Reply To: 10.1.1.1 port 43440',
      'EnergyWise Unknown (0x0033) TLV',
    ]);
  });

  it('names address protocols and marks records that run out', () => {
    const d = dissectHex(ADDRESSES);
    expect(d.nodes('cdp._address').map((n) => nodeLabel(n))).toEqual([
      'Address: 010203040506',
      'Address: 0a000002',
      'Address: 0a000002',
      'Address: abcd',
      'Address: 07',
    ]);
    expect(d.nodes('cdp.protocol').map((n) => nodeLabel(n))).toEqual([
      'Protocol: IP',
      'Protocol: IPv4',
      'Protocol: IPv6',
      'Protocol: <MISSING>',
      'Protocol: IPv6',
    ]);
    const cut = dissectHex(TRUNCATED_ADDRESS);
    expect(labels(cut.nodes('cdp._address')[0]).at(-1)).toBe('Address: 010203 (truncated)');
    expect(cut.nodes('cdp._address').map((n) => nodeLabel(n))).toEqual(['Truncated address']);
    expect(cut.pinfo.info).toBe('Device ID: x  ');
  });

  it('never escapes a fault on cut or corrupted PDUs', () => {
    for (const hex of [FULL, PREFIXES, ENERGYWISE, ADDRESSES]) {
      const frame = hexToBytes(hex);
      for (let len = 14; len <= frame.length; len++) {
        const cut = dissectHex(frame.slice(0, len), 1, { origLen: frame.length });
        expect(cut.value('_ws.malformed')).not.toContain('dissector bug');
        const bad = frame.slice();
        bad[len - 1] = (bad[len - 1] ?? 0) ^ 0x5a;
        expect(dissectHex(bad).value('_ws.malformed')).not.toContain('dissector bug');
      }
    }
  });
});

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.protocols',
  'cdp.version',
  'cdp.ttl',
  'cdp.checksum',
  'cdp.checksum.status',
  'cdp.tlv.type',
  'cdp.tlv.len',
  'cdp.deviceid',
  'cdp.portid',
  'cdp.platform',
  'cdp.software_version',
  'cdp.capabilities',
  'cdp.capabilities.router',
  'cdp.capabilities.switch',
  'cdp.number_of_addresses',
  'cdp.protocol_type',
  'cdp.protocol',
  'cdp.address_length',
  'cdp.address',
  'cdp.nrgyz.ip_address',
  'cdp.nrgyz.ipv6_address',
  'cdp.odr_default_gateway',
  'cdp.ip_prefix',
  'cdp.oui',
  'cdp.protocol_id',
  'cdp.cluster.switch_mac',
  'cdp.vtp_management_domain',
  'cdp.native_vlan',
  'cdp.duplex',
  'cdp.data',
  'cdp.voice_vlan',
  'cdp.power_consumption',
  'cdp.mtu',
  'cdp.system_name',
  'cdp.system_object_identifier',
  'cdp.location',
  'cdp.power_requested',
  'cdp.power_available',
  'cdp.spare_poe_tlv',
  'cdp.model_number',
  'cdp.nrgyz.tlv.type',
  'cdp.nrgyz_reply_to.port',
  'cdp.nrgyz_reply_to.role',
  '_ws.expert.message',
];

describe.skipIf(!haveTshark)('cdp against tshark', () => {
  it('agrees field for field on every test PDU', () => {
    const frames = [
      FULL,
      PREFIXES,
      BAD_CHECKSUM,
      SHORT_TLV,
      LONG_TLV,
      EMPTY_UNKNOWN,
      ENERGYWISE,
      ADDRESSES,
      TRUNCATED_ADDRESS,
    ].map(hexToBytes);
    const want = tsharkFrameRows(frames, 1, FIELDS);
    const got = frames.map((f) => trawlRow(dissectHex(f), FIELDS));
    expect(got).toEqual(want);
  });
});
