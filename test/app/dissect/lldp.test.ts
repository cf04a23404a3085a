import { describe, expect, it } from 'vitest';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import type { FieldNode } from '../../../app/dissect/tree.ts';
import { dissectHex, hexToBytes } from '../../support/dissect-hex.ts';
import { expertMessages, haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

// Expected values are tshark 4.0.17's on the same bytes (the last block asks tshark itself when it
// is installed). The corpus has no LLDP: the LLDPDUs are made after IEEE 802.1AB-2016 (the basic
// TLVs), its annexes for the 802.1 TLVs and IEEE 802.3-2018 clause 79 for the 802.3 TLVs.

/** A TLV: 7 bits of type, 9 of length, then the value (hex). */
function tlv(type: number, value = ''): string {
  const v = value.replace(/\s/g, '');
  return ((type << 9) | (v.length / 2)).toString(16).padStart(4, '0') + v;
}
const ascii = (s: string): string => Buffer.from(s, 'latin1').toString('hex');
/** An Ethernet frame to the nearest-bridge group address, padded to 60 bytes. */
const frame = (...tlvs: string[]): string => `0180c200000e000130f9ada088cc${tlvs.join('')}`.padEnd(120, '0');

const CHASSIS_MAC = tlv(1, `04 000130f9ada0`);
const PORT_LOCAL = tlv(2, `07 ${ascii('1/1')}`);
const TTL = tlv(3, '0078');
const END = tlv(0);
const IEEE_802_1 = '0080c2';
const IEEE_802_3 = '00120f';

/** The mandatory TLVs, the basic optional ones and an 802.1, two 802.3 and an unknown org TLV. */
const BASIC = frame(
  CHASSIS_MAC,
  PORT_LOCAL,
  TTL,
  tlv(4, ascii('Summit300-48-Port 1001')),
  tlv(5, ascii('Summit300-48')),
  tlv(6, ascii('Summit300-48 - Version 7.4e.1 (Build 5)')),
  tlv(7, '0014 0014'),
  tlv(8, '05 01 0a000001 02 000003e9 00'),
  tlv(127, `${IEEE_802_1} 01 01e8`),
  tlv(127, `${IEEE_802_3} 01 03 6c00 0010`),
  tlv(127, `${IEEE_802_3} 04 05f2`),
  tlv(127, 'abcdef 05 0102'),
  END,
);
/** Other ID subtypes: chassis component/port component, network addresses, interface names. */
const IDS = [
  frame(tlv(1, `01 ${ascii('chassis-comp')}`), tlv(2, `02 ${ascii('portcomp')}`), TTL, END),
  frame(tlv(1, '05 01 0a000001'), tlv(2, `04 02 ${'00'.repeat(15)}02`), TTL, END),
  frame(tlv(1, `06 ${ascii('eth0')}`), tlv(2, `06 ${ascii('circuit')}`), TTL, END),
  frame(tlv(1, `08 ${ascii('res')}`), tlv(2, '04 06 0102'), TTL, END),
];
/** Management addresses: IPv6 with an OID, an 802 address, a Telex one. */
const MANAGEMENT = frame(
  CHASSIS_MAC,
  PORT_LOCAL,
  TTL,
  tlv(8, `11 02 ${'00'.repeat(15)}01 03 00000007 07 2b060104010903`),
  tlv(8, '07 06 001122334455 01 00000000 00'),
  tlv(8, '03 09 0102 04 00000005 00'),
  tlv(9, '0102'),
  END,
);
/** IEEE 802.1 and 802.3 TLVs. */
const ORGANIZATIONS = frame(
  CHASSIS_MAC,
  PORT_LOCAL,
  TTL,
  tlv(127, `${IEEE_802_1} 02 06 0014`),
  tlv(127, `${IEEE_802_1} 03 001e 05 ${ascii('v-one')}`),
  tlv(127, `${IEEE_802_1} 04 02 888e`),
  tlv(127, `${IEEE_802_1} 07 0c 00000000`),
  tlv(127, `${IEEE_802_1} 63 01`),
  tlv(127, `${IEEE_802_3} 02 0f 01 03 51 0082 0096`),
  tlv(127, `${IEEE_802_3} 03 03 00000005`),
  tlv(127, `${IEEE_802_3} 04 05ee 01`),
  tlv(127, `${IEEE_802_3} 05 0011 0010 0019 0001 0002`),
  tlv(127, `${IEEE_802_3} 07 0007`),
  END,
);
const WRONG_ORDER = frame(PORT_LOCAL, CHASSIS_MAC, TTL, END);
const BAD_MAC = frame(tlv(1, '04 0001302a'), PORT_LOCAL, TTL, END);
const NO_TTL = frame(CHASSIS_MAC, PORT_LOCAL, tlv(4, '0001'), END);
const DUPLICATE = frame(CHASSIS_MAC, PORT_LOCAL, TTL, tlv(1, `07 ${ascii('x')}`), END);
/** A System Name TLV claiming 100 bytes, 3 there. */
const OVERFLOW = frame(CHASSIS_MAC, PORT_LOCAL, TTL, `0a64${ascii('abc')}`);
/** A TLV after the End TLV: the rest shows as the Ethernet trailer. */
const AFTER_END = frame(CHASSIS_MAC, PORT_LOCAL, TTL, END, tlv(5, ascii('after-end')));
/** No End TLV and no padding: the LLDPDU runs to the end of the frame. */
const NO_END = `0180c200000e000130f9ada088cc${CHASSIS_MAC}${PORT_LOCAL}${TTL}${tlv(5, ascii('nm'))}`;

const labels = (n: FieldNode | undefined): string[] => (n?.children ?? []).map((c) => nodeLabel(c));

describe('lldp', () => {
  it('decodes the mandatory and the basic optional TLVs with offsets and tshark labels', () => {
    const d = dissectHex(BASIC);
    expect(d.pinfo.proto).toBe('LLDP');
    expect(d.pinfo.info).toBe(
      'MA/00:01:30:f9:ad:a0 LA/1/1 120 SysN=Summit300-48 SysD=Summit300-48 - Version 7.4e.1 (Build 5) ',
    );
    expect(d.value('frame.protocols')).toBe('eth:ethertype:lldp');
    expect(d.value('lldp.tlv.type')).toBe('1,2,3,4,5,6,7,8,127,127,127,127,0');
    expect(d.value('lldp.chassis.subtype')).toBe('4');
    expect(d.value('lldp.chassis.id.mac')).toBe('00:01:30:f9:ad:a0');
    expect(d.value('lldp.port.subtype')).toBe('7');
    expect(d.value('lldp.port.id')).toBe('1/1');
    expect(d.value('lldp.time_to_live')).toBe('120');
    expect(d.value('lldp.port.desc')).toBe('Summit300-48-Port 1001');
    expect(d.value('lldp.tlv.system.name')).toBe('Summit300-48');
    expect(d.value('lldp.tlv.system_cap')).toBe('0x0014');
    expect(d.value('lldp.tlv.system_cap.router')).toBe('1');
    expect(d.value('lldp.tlv.enable_system_cap.bridge')).toBe('1');
    expect(d.value('lldp.mgn.addr.ip4')).toBe('10.0.0.1');
    expect(d.value('lldp.mgn.interface.number')).toBe('1001');
    expect(d.value('lldp.orgtlv.oui')).toBe('32962,4623,4623,11259375');
    expect(d.value('lldp.ieee.802_1.port_vlan.id')).toBe('488');
    expect(d.value('lldp.ieee.802_3.pmd_mau_type')).toBe('0x0010');
    expect(d.value('lldp.ieee.802_3.max_frame_size')).toBe('1522');
    expect(d.value('lldp.unknown_subtype')).toBe('5');
    expect(d.value('lldp.unknown_subtype.content')).toBe('0102');
    expect(d.nodes('lldp._tlv').map((n) => nodeLabel(n))).toEqual([
      'Chassis Subtype = MAC address, Id: 00:01:30:f9:ad:a0',
      'Port Subtype = Locally assigned, Id: 1/1',
      'Time To Live = 120 sec',
      'Port Description = Summit300-48-Port 1001',
      'System Name = Summit300-48',
      'System Description = Summit300-48 - Version 7.4e.1 (Build 5)',
      'Capabilities',
      'Management Address',
      'IEEE - Port VLAN ID',
      'Ieee 802.3 - MAC/PHY Configuration/Status',
      'Ieee 802.3 - Maximum Frame Size',
      'Unknown - Unknown (5)',
      'End of LLDPDU',
    ]);
    const [chassis] = d.nodes('lldp._tlv');
    expect([chassis?.offset, chassis?.length]).toEqual([14, 9]);
    expect(labels(chassis).slice(0, 3)).toEqual([
      '0000 001. .... .... = TLV Type: Chassis Id (1)',
      '.... ...0 0000 0111 = TLV Length: 7',
      'Chassis Id Subtype: MAC address (4)',
    ]);
    const [mac] = d.nodes('lldp.chassis.id.mac');
    expect([mac?.offset, mac?.length]).toEqual([17, 6]);
    expect(labels(d.nodes('lldp._tlv')[7])).toEqual([
      '0001 000. .... .... = TLV Type: Management Address (8)',
      '.... ...0 0000 1100 = TLV Length: 12',
      'Address String Length: 5',
      'Address Subtype: IPv4 (1)',
      'Management Address: 10.0.0.1',
      'Interface Subtype: ifIndex (2)',
      'Interface Number: 1001',
      'OID String Length: 0',
    ]);
    expect(d.nodes('lldp.orgtlv.oui').map((n) => nodeLabel(n))).toEqual([
      'Organization Unique Code: 00:80:c2 (IEEE)',
      'Organization Unique Code: 00:12:0f (Ieee 802.3)',
      'Organization Unique Code: 00:12:0f (Ieee 802.3)',
      'Organization Unique Code: ab:cd:ef',
    ]);
    const [mau] = d.nodes('lldp.ieee.802_3.pmd_mau_type');
    expect(mau && nodeLabel(mau)).toBe(
      'Operational MAU Type: 100BaseTXFD - 2 pair category 5 UTP, full duplex mode (0x0010)',
    );
    // Wireshark's End TLV leaves its offset one short: the last three bytes show as a trailer.
    expect(d.value('eth.trailer')).toBe('020000');
  });

  it('shows each ID subtype as Info and the labels do', () => {
    expect(IDS.map((f) => dissectHex(f).pinfo.info)).toEqual([
      'CC/chassis-comp PC/706f7274636f6d70 120 ',
      'NA/10.0.0.1 NA/::2 120 ',
      'IN/eth0 AC/circuit 120 ',
      'Rs/Reserved NA/0102 120 ',
    ]);
    const comp = dissectHex(IDS[0] ?? '');
    expect(comp.value('lldp.chassis.id')).toBe('636861737369732d636f6d70');
    expect(comp.value('lldp.port.id')).toBe('portcomp');
    const reserved = dissectHex(IDS[3] ?? '');
    expect(
      reserved
        .nodes('lldp._tlv')
        .map((n) => nodeLabel(n))
        .slice(0, 2),
    ).toEqual(['Chassis Subtype = Reserved, Id: Reserved', 'Port Subtype = Network address, Id: 0102']);
    const [family] = reserved.nodes('lldp.network_address.subtype');
    expect(family && nodeLabel(family)).toBe(
      'Network Address family: 802 (includes all 802 media plus Ethernet) (6)',
    );
  });

  it('decodes management addresses with their OIDs, and unknown TLVs', () => {
    const d = dissectHex(MANAGEMENT);
    expect(d.value('lldp.mgn.addr.ip6')).toBe('::1');
    expect(d.value('lldp.mgn.addr.hex')).toBe('001122334455,0102');
    expect(d.value('lldp.mgn.obj.id')).toBe('1.3.6.1.4.1.9.3');
    const [oid] = d.nodes('lldp.mgn.obj.id');
    expect(oid && nodeLabel(oid)).toBe('Object Identifier: 1.3.6.1.4.1.9.3 (iso.3.6.1.4.1.9.3)');
    expect(d.nodes('lldp.mgn.address.subtype').map((n) => nodeLabel(n))).toEqual([
      'Address Subtype: IPv6 (2)',
      'Address Subtype: 802 (includes all 802 media plus Ethernet) (6)',
      'Address Subtype: F.69 (Telex) (9)',
    ]);
    expect(d.nodes('lldp.mgn.interface.subtype').map((n) => nodeLabel(n))).toEqual([
      'Interface Subtype: System port number (3)',
      'Interface Subtype: Unknown (1)',
      'Interface Subtype: Unknown (4)',
    ]);
    expect(labels(d.nodes('lldp._tlv')[6])).toEqual([
      '0001 001. .... .... = TLV Type: Unknown (9)',
      '.... ...0 0000 0010 = TLV Length: 2',
    ]);
  });

  it('decodes the IEEE 802.1 and 802.3 TLVs', () => {
    const d = dissectHex(ORGANIZATIONS);
    expect(
      d
        .nodes('lldp._tlv')
        .map((n) => nodeLabel(n))
        .slice(3, -1),
    ).toEqual([
      'IEEE - Port and Protocol VLAN ID',
      'IEEE - VLAN Name',
      'IEEE - Protocol Identity',
      'IEEE - Link Aggregation',
      'IEEE - Unknown subtype 0x63',
      'Ieee 802.3 - Power Via MDI',
      'Ieee 802.3 - Link Aggregation',
      'Ieee 802.3 - Maximum Frame Size',
      'Ieee 802.3 - EEE (Energy-Efficient Ethernet)',
      'Ieee 802.3 - IEEE 802.3br Additional Ethernet capabilities',
    ]);
    expect(d.value('lldp.ieee.802_1.port_proto_vlan.id')).toBe('20');
    expect(d.value('lldp.ieee.802_1.vlan.name')).toBe('v-one');
    expect(d.value('lldp.ieee.802_1.proto.id')).toBe('888e');
    expect(d.value('lldp.ieee.802_1.aggregation_status.porttype')).toBe('3');
    expect(d.value('lldp.ieee.802_3.mdi_power_class')).toBe('3');
    expect(d.value('lldp.ieee.802_3.mdi_pde_requested')).toBe('130');
    expect(d.value('lldp.ieee.802_3.eee.echo_receive')).toBe('2');
    expect(d.value('lldp.ieee.802_3br.aec.active')).toBe('1');
    const power = d.nodes('lldp._tlv')[8];
    expect(labels(power).slice(5)).toEqual([
      'PSE Power Pair: 1',
      'Power Class: 2 (3)',
      '01.. .... = Power Type: Type 2 PD Device (1)',
      '..01 .... = Power Source: 1 PSE',
      '.... 0001 = Power Priority: Critical (1)',
      'PD Requested Power Value: 13.0. Watt',
      'PSE Allocated Power Value: 15.0. Watt',
    ]);
    expect(expertMessages(d)).toEqual(['TLV has been deprecated', 'Invalid length, greater than expected']);
    const [br] = d.nodes('lldp.ieee.802_3br.eac');
    expect(br && nodeLabel(br)).toBe(
      'Additional Ethernet Capabilities: 0x0007, Preemption capabilities support, ' +
        'Preemption capabilities enable, Preemption capabilities active',
    );
  });

  it('stops at a wrong or malformed mandatory TLV, with Info saying which', () => {
    const order = dissectHex(WRONG_ORDER);
    expect(order.pinfo.info).toBe('Invalid Chassis ID TLV');
    expect(expertMessages(order)).toEqual(['Invalid Chassis ID (0x02), expected (0x01)']);
    expect(order.pinfo.malformed).toBe(true);
    const mac = dissectHex(BAD_MAC);
    expect(mac.pinfo.info).toBe('Invalid Chassis ID TLV');
    expect(expertMessages(mac)).toEqual([
      'Invalid Chassis ID Length (5) for Type (MAC address), expected (7)',
    ]);
    expect(labels(mac.nodes('lldp._tlv')[0]).at(-1)).toBe('Chassis Id Subtype: MAC address (4)');
    const ttl = dissectHex(NO_TTL);
    expect(ttl.pinfo.info).toBe('Invalid Time-to-Live TLV');
    expect(ttl.nodes('lldp._tlv')).toHaveLength(2);
    const dup = dissectHex(DUPLICATE);
    expect(dup.pinfo.info).toBe('Duplicate Chassis ID TLV');
    expect(
      dup
        .nodes('lldp._tlv')
        .map((n) => nodeLabel(n))
        .at(-1),
    ).toBe('Chassis Subtype = Locally assigned, Id: x');
  });

  it('marks a TLV longer than the LLDPDU malformed, and leaves what follows the End to Ethernet', () => {
    // tshark names the fault ("length of contained item exceeds length of containing item"):
    // Trawl's malformed note has no room for the reason.
    const over = dissectHex(OVERFLOW);
    expect(over.pinfo.info).toBe('MA/00:01:30:f9:ad:a0 LA/1/1 120 [Malformed Packet]');
    expect(over.value('_ws.malformed')).toBe('[Malformed Packet: LLDP]');
    const after = dissectHex(AFTER_END);
    expect(after.value('eth.trailer')).toBe('7800000a0961667465722d656e640000000000000000000000000000');
    const exact = dissectHex(NO_END);
    expect(exact.pinfo.info).toBe('MA/00:01:30:f9:ad:a0 LA/1/1 120 SysN=nm ');
    expect(exact.value('eth.trailer')).toBe('');
  });

  it('never escapes a fault on cut or corrupted LLDPDUs', () => {
    for (const hex of [BASIC, MANAGEMENT, ORGANIZATIONS]) {
      const bytes = hexToBytes(hex);
      for (let len = 14; len <= bytes.length; len++) {
        const cut = dissectHex(bytes.slice(0, len), 1, { origLen: bytes.length });
        expect(cut.value('_ws.malformed')).not.toContain('dissector bug');
        const bad = bytes.slice();
        bad[len - 1] = (bad[len - 1] ?? 0) ^ 0xa5;
        expect(dissectHex(bad).value('_ws.malformed')).not.toContain('dissector bug');
      }
    }
  });
});

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.protocols',
  'eth.trailer',
  'lldp.tlv.type',
  'lldp.tlv.len',
  'lldp.chassis.subtype',
  'lldp.chassis.id',
  'lldp.chassis.id.mac',
  'lldp.chassis.id.ip4',
  'lldp.network_address.subtype',
  'lldp.port.subtype',
  'lldp.port.id',
  'lldp.port.id.ip6',
  'lldp.time_to_live',
  'lldp.port.desc',
  'lldp.tlv.system.name',
  'lldp.tlv.system.desc',
  'lldp.tlv.system_cap',
  'lldp.tlv.enable_system_cap',
  'lldp.tlv.system_cap.bridge',
  'lldp.mgn.address.subtype',
  'lldp.mgn.addr.ip4',
  'lldp.mgn.addr.ip6',
  'lldp.mgn.addr.hex',
  'lldp.mgn.interface.subtype',
  'lldp.mgn.obj.id',
  'lldp.orgtlv.oui',
  'lldp.unknown_subtype',
  'lldp.ieee.802_1.subtype',
  'lldp.ieee.802_1.port_vlan.id',
  'lldp.ieee.802_1.vlan.name',
  'lldp.ieee.802_1.aggregation_status',
  'lldp.ieee.802_3.subtype',
  'lldp.ieee.802_3.mac_phy_auto_neg_status',
  'lldp.ieee.802_3.pmd_auto_neg_advertised_caps',
  'lldp.ieee.802_3.pmd_mau_type',
  'lldp.ieee.802_3.mdi_power_support',
  'lldp.ieee.802_3.mdi_power_source',
  'lldp.ieee.802_3.mdi_pse_allocated',
  'lldp.ieee.802_3.max_frame_size',
  'lldp.ieee.802_3.eee.transmit',
  'lldp.ieee.802_3br.aec.addfragsize',
  '_ws.expert.message',
];

describe.skipIf(!haveTshark)('lldp against tshark', () => {
  it('agrees field for field on every test LLDPDU', () => {
    const frames = [
      BASIC,
      ...IDS,
      MANAGEMENT,
      ORGANIZATIONS,
      WRONG_ORDER,
      BAD_MAC,
      NO_TTL,
      DUPLICATE,
      AFTER_END,
      NO_END,
    ].map(hexToBytes);
    const want = tsharkFrameRows(frames, 1, FIELDS);
    const got = frames.map((f) => trawlRow(dissectHex(f), FIELDS));
    expect(got).toEqual(want);
  });
});
