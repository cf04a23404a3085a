import { describe, expect, it } from 'vitest';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import type { FieldNode } from '../../../app/dissect/tree.ts';
import { dissectFile } from '../../support/dissect-file.ts';
import { dissectHex, hexToBytes, type Dissected } from '../../support/dissect-hex.ts';
import { expertMessages, haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

// Expected values are tshark 4.0.17's on the same bytes (the last block asks tshark itself when
// it is installed). The BPDUs follow IEEE 802.1D-2004 (configuration, TCN, RST) and 802.1Q-2005
// (MST with two MSTI records); the PVST+ ones Cisco's format (a TLV with the originating VLAN).

/** 802.3 + LLC (SAP 0x42, UI) around a BPDU, padded to 60 bytes. */
function bpduFrame(bpdu: string, dst = '0180c2000000'): string {
  const body = hexToBytes(bpdu);
  const len = (3 + body.length).toString(16).padStart(4, '0');
  const frame = `${dst}001c0e877804${len}424203${bpdu}`.replace(/\s/g, '');
  return frame.padEnd(120, '0');
}

/** 802.3 + LLC/SNAP with Cisco's OUI and `pid` around a BPDU. */
function snapFrame(pid: string, bpdu: string): string {
  const body = hexToBytes(bpdu);
  const len = (8 + body.length).toString(16).padStart(4, '0');
  return `01000ccccccd001c0e877804${len}aaaa0300000c${pid}${bpdu}`.replace(/\s/g, '').padEnd(120, '0');
}

const ROOT = '8000 001c0e877800';
const TIMERS = '0100 1400 0200 0f00';
/** Configuration BPDU with TC and TC-ack, bridge 32768/1. */
const CONF_TC = `0000 00 00 81 ${ROOT} 00000004 8001 001c0e878500 8004 ${TIMERS}`;
const TCN = '0000 00 80';
/** RST BPDU: agreement, forwarding, learning, root port, TC; priorities 4096 and 8192 in VLAN 100. */
const RST = `0000 02 02 79 1064 001c0e877800 00030d40 2064 001c0e878500 8001 ${TIMERS} 00`;
/** MST BPDU, Version 3 Length 96: the 64 fixed bytes and two MSTI records. */
const MST =
  `0000 03 02 7c 8000 00d000f29000 00000000 8000 00d000f29000 8005 ${TIMERS} 00 0060` +
  `00 ${'726567696f6e31'.padEnd(64, '0')} 0007 000102030405060708090a0b0c0d0e0f` +
  '00000000 8000 00d000f29000 14' +
  '7c 8001 00d000f29000 00000000 80 80 14' +
  '2e 6002 001122334455 00004e20 60 90 13';
/**
 * MST BPDU in the pre-standard layout some Cisco switches send: Version 3 Length 0, the length in
 * the format selector, CIST bridge before cost, 26-byte MSTI records with their own MSTID.
 */
const MST_ALT =
  `0000 03 02 7c 8000 00d000f29000 00000000 8000 00d000f29000 8005 ${TIMERS} 00 0000` +
  `59 ${'636973636f'.padEnd(64, '0')} 0001 000102030405060708090a0b0c0d0e0f` +
  '8000 00d000f29000 00000007 14' +
  '0001 7c 8001 00d000f29000 00000000 8001 00d000f29001 8005 14';
const UNKNOWN_TYPE = '0000 00 55 010203';
const BAD_VERSION = `0000 01 00 00 ${ROOT} 00000004 8000 001c0e878500 8004 ${TIMERS}`;
/** A configuration BPDU whose 802.3 length leaves only its first 20 bytes. */
const SHORT = `0000 00 00 00 ${ROOT} 00000004 8000 00`;
const PVST = `0000 00 00 00 800a 001c0e877800 00000013 800a 001c0e878500 8002 ${TIMERS}`;

const labels = (n: FieldNode | undefined): string[] => (n?.children ?? []).map((c) => nodeLabel(c));

describe('stp', () => {
  it('decodes a configuration BPDU from the corpus (802.3, LLC)', async () => {
    const [d] = await dissectFile('pcpp__EthDot3.pcap');
    if (!d) throw new Error('no frame');
    expect(d.pinfo.proto).toBe('STP');
    expect(d.pinfo.info).toBe('Conf. Root = 0/0/00:13:f7:1e:df:f0  Cost = 10000  Port = 0x801b');
    expect(d.value('frame.protocols')).toBe('eth:llc:stp');
    expect(d.value('stp.root.cost')).toBe('10000');
    expect(d.value('stp.bridge.prio')).toBe('32768');
    expect(d.value('stp.bridge.hw')).toBe('00:13:f7:11:5e:c0');
    expect(d.value('stp.msg_age')).toBe('1');
    expect(d.value('stp.flags.port_role')).toBe('');
    const [stp] = d.nodes('stp');
    expect([stp?.offset, stp?.length]).toEqual([17, 35]);
    expect(labels(stp)).toEqual([
      'Protocol Identifier: Spanning Tree Protocol (0x0000)',
      'Protocol Version Identifier: Spanning Tree (0)',
      'BPDU Type: Configuration (0x00)',
      'BPDU flags: 0x00',
      'Root Identifier: 0 / 0 / 00:13:f7:1e:df:f0',
      'Root Path Cost: 10000',
      'Bridge Identifier: 32768 / 0 / 00:13:f7:11:5e:c0',
      'Port identifier: 0x801b',
      'Message Age: 1',
      'Max Age: 20',
      'Hello Time: 2',
      'Forward Delay: 15',
    ]);
    const [root] = d.nodes('stp.root.prio');
    expect([root?.offset, root?.length]).toEqual([22, 1]);
    expect(d.nodes('stp.root.ext')[0]?.length).toBe(2);
    expect(d.nodes('stp.root.hw')[0]?.offset).toBe(24);
    expect(d.nodes('stp.port')[0]?.offset).toBe(42);
  });

  it('decodes an RST BPDU from the corpus (Linux cooked capture v2)', async () => {
    const [d] = await dissectFile('pcpp__Sll2PacketLLC.pcap');
    if (!d) throw new Error('no frame');
    expect(d.pinfo.info).toBe('RST. Root = 32768/0/4c:5e:0c:3e:c6:dd  Cost = 20024  Port = 0x8002');
    expect(d.value('stp.version_1_length')).toBe('0');
    const [flags] = d.nodes('stp.flags');
    expect(flags && nodeLabel(flags)).toBe(
      'BPDU flags: 0x3e, Forwarding, Learning, Port Role: Designated, Proposal',
    );
    expect(labels(flags)).toEqual([
      '0... .... = Topology Change Acknowledgment: No',
      '.0.. .... = Agreement: No',
      '..1. .... = Forwarding: Yes',
      '...1 .... = Learning: Yes',
      '.... 11.. = Port Role: Designated (3)',
      '.... ..1. = Proposal: Yes',
      '.... ...0 = Topology Change: No',
    ]);
    // The 7 bytes after the BPDU stay in the STP layer: nothing claims them.
    expect(d.nodes('stp')[0]?.length).toBe(43);
  });

  it('shows TC and TC-ack in a configuration BPDU, and a TCN', () => {
    const conf = dissectHex(bpduFrame(CONF_TC));
    expect(conf.pinfo.info).toBe('Conf. TC + Root = 32768/0/00:1c:0e:87:78:00  Cost = 4  Port = 0x8004');
    expect(conf.value('stp.flags')).toBe('0x81');
    expect(conf.value('stp.flags.tc')).toBe('1');
    expect(conf.value('stp.flags.tcack')).toBe('1');
    expect(conf.value('stp.bridge.ext')).toBe('1');
    const [flags] = conf.nodes('stp.flags');
    expect(flags && nodeLabel(flags)).toBe(
      'BPDU flags: 0x81, Topology Change Acknowledgment, Topology Change',
    );
    const tcn = dissectHex(bpduFrame(TCN));
    expect([tcn.pinfo.proto, tcn.pinfo.info]).toEqual(['STP', 'Topology Change Notification']);
    expect(labels(tcn.nodes('stp')[0])).toEqual([
      'Protocol Identifier: Spanning Tree Protocol (0x0000)',
      'Protocol Version Identifier: Spanning Tree (0)',
      'BPDU Type: Topology Change Notification (0x80)',
    ]);
    expect(tcn.nodes('stp')[0]?.length).toBe(4);
  });

  it('decodes RST flags and the 802.1t system ID extension', () => {
    const d = dissectHex(bpduFrame(RST));
    expect(d.pinfo.info).toBe('RST. TC + Root = 4096/100/00:1c:0e:87:78:00  Cost = 200000  Port = 0x8001');
    expect(d.value('stp.version')).toBe('2');
    expect(d.value('stp.type')).toBe('0x02');
    expect(d.value('stp.flags.agreement')).toBe('1');
    expect(d.value('stp.flags.port_role')).toBe('2');
    expect(d.value('stp.root.prio')).toBe('4096');
    expect(d.value('stp.root.ext')).toBe('100');
    expect(d.value('stp.bridge.prio')).toBe('8192');
    const [flags] = d.nodes('stp.flags');
    expect(flags && nodeLabel(flags)).toBe(
      'BPDU flags: 0x79, Agreement, Forwarding, Learning, Port Role: Root, Topology Change',
    );
  });

  it('decodes an MST BPDU with its MSTI records', () => {
    const d = dissectHex(bpduFrame(MST));
    expect(d.pinfo.info).toBe('MST. Root = 32768/0/00:d0:00:f2:90:00  Cost = 0  Port = 0x8005');
    expect(d.value('mstp.version_3_length')).toBe('96');
    expect(d.value('mstp.config_name')).toBe('region1');
    expect(d.value('mstp.config_revision_level')).toBe('7');
    expect(d.value('mstp.config_digest')).toBe('000102030405060708090a0b0c0d0e0f');
    expect(d.value('mstp.cist_bridge.hw')).toBe('00:d0:00:f2:90:00');
    expect(d.value('mstp.cist_remaining_hops')).toBe('20');
    expect(d.value('mstp.msti.flags')).toBe('0x7c,0x2e');
    expect(d.value('mstp.msti.priority')).toBe('0x08,0x06');
    expect(d.value('mstp.msti.msti_id')).toBe('1,2');
    expect(d.value('mstp.msti.root_cost')).toBe('0,20000');
    expect(d.value('mstp.msti.bridge_priority')).toBe('8,6');
    expect(d.value('mstp.msti.port_priority')).toBe('8,9');
    expect(d.value('mstp.msti.remaining_hops')).toBe('20,19');
    // The MSTI flags are the same bits as the CIST's.
    expect(d.value('stp.flags.port_role')).toBe('3,3,3');
    const msti = d.nodes('mstp._msti');
    expect(msti.map((n) => nodeLabel(n))).toEqual([
      'MSTID 1, Regional Root Identifier 32768 / 00:d0:00:f2:90:00',
      'MSTID 2, Regional Root Identifier 24576 / 00:11:22:33:44:55',
    ]);
    expect(labels(msti[1]).slice(1, 3)).toEqual([
      '0110 .... = Priority: 0x6',
      '.... 0000 0000 0010 = MSTID: 2',
    ]);
    expect([msti[1]?.offset, msti[1]?.length]).toEqual([17 + 118, 16]);
    expect(d.nodes('stp')[0]?.length).toBe(134);
  });

  it('decodes the alternative MST layout, cut where Wireshark cuts it', () => {
    const d = dissectHex(bpduFrame(MST_ALT));
    expect(d.value('mstp.config_format_selector')).toBe('89');
    expect(d.value('mstp.cist_internal_root_path_cost')).toBe('7');
    expect(d.value('mstp.msti.msti_id')).toBe('1');
    expect(d.value('mstp.msti.regional_root_id')).toBe('32769');
    expect(d.value('mstp.msti.bridge_id')).toBe('1');
    expect(d.value('mstp.msti.bridge_id_priority')).toBe('8');
    expect(d.value('mstp.msti.port')).toBe('0x8005');
    // Wireshark ends the BPDU at 102 + (selector - 64) bytes, one short of the remaining hops.
    expect(d.value('_ws.malformed')).toBe('[Malformed Packet: STP]');
  });

  it('notes an unknown BPDU type and an unknown version', () => {
    const type = dissectHex(bpduFrame(UNKNOWN_TYPE));
    expect(type.pinfo.info).toBe('Unknown BPDU type (85)');
    expect(expertMessages(type)).toEqual(['Unknown BPDU type data']);
    const version = dissectHex(bpduFrame(BAD_VERSION));
    expect(expertMessages(version)).toEqual([
      'This version of Wireshark only knows about versions 0, 2, 3 & 4',
    ]);
    const [v] = version.nodes('stp.version');
    expect(v && nodeLabel(v)).toBe('Protocol Version Identifier: Unknown (1)');
  });

  it('marks a BPDU shorter than its fields malformed, with no STP subtree', () => {
    const d = dissectHex(bpduFrame(SHORT));
    expect(d.pinfo.proto).toBe('STP');
    expect(d.pinfo.info).toBe('[Malformed Packet]');
    expect(d.value('_ws.malformed')).toBe('[Malformed Packet: STP]');
    expect(d.nodes('stp')).toHaveLength(0);
    expect(d.value('frame.protocols')).toBe('eth:llc:stp');
  });

  it('tells a GARP application by its group address', () => {
    const d = dissectHex(bpduFrame(TCN, '0180c2000025'));
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['GARP', 'Unknown GARP application (0x25)']);
    expect(d.value('frame.protocols')).toBe('eth:llc');
  });

  it("decodes Cisco's PVST+ with its originating VLAN, and notes a missing one", () => {
    const d = dissectHex(snapFrame('010b', `${PVST} 00 0000 0002 000a`));
    expect(d.value('llc.cisco_pid')).toBe('0x010b');
    expect(d.value('stp.pvst.origvlan')).toBe('10');
    expect(d.value('stp.pvst.tlvtype')).toBe('0x0000');
    expect(d.nodes('stp._pvst_tlv').map((n) => nodeLabel(n))).toEqual(['Originating VLAN (PVID): 10']);
    const missing = dissectHex(snapFrame('010b', PVST));
    expect(expertMessages(missing)).toEqual([
      'TLV record is truncated prematurely',
      'Originating (PVID) VLAN TLV is missing or corrupt',
    ]);
    expect(missing.pinfo.malformed).toBe(true);
  });

  it('decodes STP on ethertype 0x8181', () => {
    const d = dissectHex(`0180c2000000001c0e8778048181${PVST}`.replace(/\s/g, '').padEnd(120, '0'));
    expect(d.value('frame.protocols')).toBe('eth:ethertype:stp');
    expect(d.value('eth.padding')).toBe('0000000000000000000000');
    expect(d.pinfo.info).toBe('Conf. Root = 32768/10/00:1c:0e:87:78:00  Cost = 19  Port = 0x8002');
  });

  it('never escapes a fault on cut or corrupted BPDUs', () => {
    for (const bpdu of [CONF_TC, RST, MST, `${PVST} 00 0000 0002 000a`]) {
      const frame = hexToBytes(bpduFrame(bpdu));
      for (let len = 14; len <= frame.length; len++) {
        const cut = dissectHex(frame.slice(0, len), 1, { origLen: frame.length });
        expect(cut.value('_ws.malformed')).not.toContain('dissector bug');
        const bad = frame.slice();
        bad[len - 1] = 0xff;
        expect(dissectHex(bad).value('_ws.malformed')).not.toContain('dissector bug');
      }
    }
  });
});

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.protocols',
  'stp.protocol',
  'stp.version',
  'stp.type',
  'stp.flags',
  'stp.flags.tcack',
  'stp.flags.agreement',
  'stp.flags.forwarding',
  'stp.flags.learning',
  'stp.flags.port_role',
  'stp.flags.proposal',
  'stp.flags.tc',
  'stp.root.prio',
  'stp.root.ext',
  'stp.root.hw',
  'stp.root.cost',
  'stp.bridge.prio',
  'stp.bridge.ext',
  'stp.bridge.hw',
  'stp.port',
  'stp.msg_age',
  'stp.max_age',
  'stp.hello',
  'stp.forward',
  'stp.version_1_length',
  'stp.pvst.origvlan',
  'mstp.version_3_length',
  'mstp.config_name',
  'mstp.config_digest',
  'mstp.cist_internal_root_path_cost',
  'mstp.cist_bridge.prio',
  'mstp.cist_bridge.hw',
  'mstp.msti.flags',
  'mstp.msti.priority',
  'mstp.msti.msti_id',
  'mstp.msti.root.hw',
  'mstp.msti.root_cost',
  'mstp.msti.bridge_priority',
  'mstp.msti.port_priority',
  'mstp.msti.remaining_hops',
  'mstp.msti.regional_root_id',
  'mstp.msti.bridge_id',
  'mstp.msti.bridge_id_priority',
  'mstp.msti.bridge_id_mac',
  'mstp.msti.port',
  '_ws.expert.message',
];

describe.skipIf(!haveTshark)('stp against tshark', () => {
  it('agrees field for field on every test BPDU', () => {
    const frames = [
      ...[CONF_TC, TCN, RST, MST, MST_ALT, UNKNOWN_TYPE, BAD_VERSION, SHORT].map((b) => bpduFrame(b)),
      bpduFrame(TCN, '0180c2000025'),
      snapFrame('010b', `${PVST} 00 0000 0002 000a`),
      snapFrame('010b', PVST),
      snapFrame('010c', PVST),
    ].map(hexToBytes);
    const want = tsharkFrameRows(frames, 1, FIELDS);
    const got = frames.map((f) => trawlRow(dissectHex(f) as Dissected, FIELDS));
    expect(got).toEqual(want);
  });
});
