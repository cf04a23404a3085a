import { describe, expect, it } from 'vitest';
import { columnsOf } from '../../../app/dissect/columns.ts';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { dissectHex, hexToBytes } from '../../support/dissect-hex.ts';
import { expertMessages, haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

// Bare 802.11 frames (LINKTYPE_IEEE802_11, no FCS) made after IEEE 802.11-2020 clause 9, one of
// each kind; expected values are tshark 4.0.17's for them (the last block asks tshark itself).

const WLAN = 105;
const STA = '001122334455';
const AP = '66778899aabb';
const HOST = 'ccddeeff0011';
const UDP = '4500001c0001000040110000c0a80001c0a80002003500350008' + '0000';
const SNAP_IP = `aaaa03000000 0800 ${UDP}`;

/** Data, To DS: BSSID, SA, DA; then LLC/SNAP and IPv4/UDP. */
const DATA_TO_DS = `0801 3a01 ${AP} ${STA} ${HOST} 1000 ${SNAP_IP}`;
/** Data, From DS: DA, BSSID, SA; an ARP request. */
const DATA_FROM_DS = `0802 0000 ${HOST} ${AP} ${STA} 2000 aaaa030000000806 0001080006040001${STA}c0a80001000000000000c0a80002`;
/** QoS data from the AP carrying EAPOL-Key message 1 of the 4-way handshake. */
const EAPOL_KEY = `8802 0000 ${HOST} ${AP} ${STA} 3000 0000 aaaa03000000888e 0203005f 02 008a 0010 0000000000000001 ${'11'.repeat(32)} ${'00'.repeat(48)} 0000`;
/** WDS (To DS and From DS): RA, TA, DA, then SA after the sequence control. */
const WDS = `0803 0000 ${STA} ${AP} ${HOST} 4000 020000000004 ${SNAP_IP}`;
const RTS = `b400 1000 ${STA} ${AP}`;
const CTS = `c400 1000 ${STA}`;
/** PS-Poll: association ID 1 where others have the duration; BSSID, then the transmitter. */
const PS_POLL = `a410 01c0 ${STA} ${AP}`;
const BLOCK_ACK_REQ = `8400 0000 ${STA} ${AP} 0400 1000`;
const BLOCK_ACK = `9400 0000 ${STA} ${AP} 0500 1000 ff00000000000000`;
const CF_END = `e400 0000 ffffffffffff ${AP}`;
/** Beacon: wildcard SSID, rates, DS parameter, TIM, country, ERP and RSN (CCMP, PSK) elements. */
const BEACON =
  `8000 0000 ffffffffffff ${AP} ${AP} 5000 0102030405060708 6400 1104 0000 010882848b960c121824 030106 050400010000 ` +
  '0706555320010b1e 2a0104 30140100000fac040100000fac040100000fac020c00';
const PROBE_REQUEST = `4000 0000 ffffffffffff ${STA} ffffffffffff 6000 000474657374 010402040b16`;
const AUTH = `b000 3a01 ${AP} ${STA} ${AP} 7000 000001000000`;
const DEAUTH = `c000 3a01 ${AP} ${STA} ${AP} 8000 0300`;
const ASSOC_REQUEST = `0000 3a01 ${AP} ${STA} ${AP} 9000 31040a00 000474657374 010402040b16`;
const ASSOC_RESPONSE = `1000 3a01 ${STA} ${AP} ${AP} a000 310400000100 010402040b16`;
const REASSOC_REQUEST = `2000 3a01 ${AP} ${STA} ${AP} b000 31040a00 ${HOST} 000474657374`;
/** Action: Block Ack category, ADDBA request with dialog token 1. */
const ADDBA = `d000 3a01 ${AP} ${STA} ${AP} c000 03 00 01 0210 0000 1000`;
const DISASSOC = `a000 3a01 ${AP} ${STA} ${AP} d000 0800`;
const NULL_DATA = `4811 3a01 ${AP} ${STA} ${HOST} e000`;
const QOS_NULL = `c801 3a01 ${AP} ${STA} ${HOST} f000 0700`;
/** Protected without an extended IV: WEP's IV and key, then ciphertext and the ICV. */
const WEP = `0841 3a01 ${AP} ${STA} ${HOST} 0001 01020300 deadbeefcafe 11223344`;
/** Protected with an extended IV whose second byte is the first's WEPSeed: TKIP. */
const TKIP = `0841 3a01 ${AP} ${STA} ${HOST} 1001 01210220 00000000 deadbeefcafe0102030405060708 11223344`;
/** Order flag on a management frame: an HT Control field follows the sequence control. */
const PROBE_RESPONSE_HTC = `5080 3a01 ${STA} ${AP} ${AP} 2001 11223344 0102030405060708 6400 0100 000474657374`;
const QOS_DATA_HTC = `8881 3a01 ${AP} ${STA} ${HOST} 3001 0000 11223344 ${SNAP_IP}`;
/** More beacon elements: BSS load, power constraint, TPC report, operating classes, WPA (TKIP, PSK). */
const BEACON_MORE =
  `8000 0000 ffffffffffff ${AP} ${AP} 5000 0102030405060708 6400 1104 0000 0b05030040 0000 200103 23021000 ` +
  '3b045151547d dd160050f20101000050f20401000050f20401000050f202 7f080400080000000040';
/** 802.11ac beacon elements: RM capabilities, VHT capabilities and operation. */
const BEACON_VHT =
  `8000 0000 ffffffffffff ${AP} ${AP} 5000 0102030405060708 6400 1104 0000 46057200000000 ` +
  'bf0cb279c33ffaff0000faff0000 c0050100000000';
/** An A-MSDU whose one subframe claims 20 bytes: the IPv4 header inside it is cut short. */
const AMSDU = `8801 3a01 ${AP} ${STA} ${HOST} 4001 8000 ${STA}${AP}0014 ${SNAP_IP}`;

const ALL = [
  DATA_TO_DS,
  DATA_FROM_DS,
  EAPOL_KEY,
  WDS,
  RTS,
  CTS,
  PS_POLL,
  BLOCK_ACK_REQ,
  BLOCK_ACK,
  CF_END,
  BEACON,
  PROBE_REQUEST,
  AUTH,
  DEAUTH,
  ASSOC_REQUEST,
  ASSOC_RESPONSE,
  REASSOC_REQUEST,
  ADDBA,
  DISASSOC,
  NULL_DATA,
  QOS_NULL,
  WEP,
  TKIP,
  PROBE_RESPONSE_HTC,
  QOS_DATA_HTC,
  AMSDU,
  BEACON_MORE,
  BEACON_VHT,
];

const children = (d: ReturnType<typeof dissectHex>, abbrev: string): string[] =>
  (d.nodes(abbrev)[0]?.children ?? []).map((c) => nodeLabel(c));

describe('wlan', () => {
  it('reads the addresses of a data frame by its DS bits, and hands the payload to LLC', () => {
    const d = dissectHex(DATA_TO_DS, WLAN);
    expect(d.value('frame.protocols')).toBe('wlan:llc:ip:udp');
    expect(d.value('frame.encap_type')).toBe('20');
    expect(d.value('wlan.fc.type_subtype')).toBe('0x0020');
    expect(d.value('wlan.fc.ds')).toBe('0x01');
    expect(d.value('wlan.ra')).toBe('66:77:88:99:aa:bb');
    expect(d.value('wlan.bssid')).toBe('66:77:88:99:aa:bb');
    expect(d.value('wlan.sa')).toBe('00:11:22:33:44:55');
    expect(d.value('wlan.da')).toBe('cc:dd:ee:ff:00:11');
    expect(d.value('wlan.staa')).toBe('00:11:22:33:44:55');
    expect(d.value('wlan.addr')).toBe('66:77:88:99:aa:bb,00:11:22:33:44:55,cc:dd:ee:ff:00:11');
    expect(d.value('wlan.seq')).toBe('1');
    expect(d.value('ip.src')).toBe('192.168.0.1');
    expect(d.pinfo.proto).toBe('UDP');
    const wlan = d.nodes('wlan')[0];
    expect(wlan && nodeLabel(wlan)).toBe('IEEE 802.11 Data, Flags: .......T');
    expect(children(d, 'wlan').slice(0, 2)).toEqual([
      'Type/Subtype: Data (0x0020)',
      'Frame Control Field: 0x0801',
    ]);
    expect(children(d, 'wlan.flags')[0]).toBe(
      '.... ..01 = DS status: Frame from STA to DS via an AP (To DS: 1 From DS: 0) (0x1)',
    );
    const wds = dissectHex(WDS, WLAN);
    expect(wds.value('wlan.sa')).toBe('02:00:00:00:00:04');
    expect(wds.value('wlan.bssid')).toBe('');
    expect(wds.value('wlan.addr')).toBe(
      '00:11:22:33:44:55,66:77:88:99:aa:bb,02:00:00:00:00:04,cc:dd:ee:ff:00:11',
    );
  });

  it('carries ARP and EAPOL over LLC', () => {
    const arp = dissectHex(DATA_FROM_DS, WLAN);
    expect(arp.value('frame.protocols')).toBe('wlan:llc:arp');
    expect(arp.pinfo.info).toBe('Who has 192.168.0.2? Tell 192.168.0.1');
    const key = dissectHex(EAPOL_KEY, WLAN);
    expect(key.value('frame.protocols')).toBe('wlan:llc:eapol');
    expect(key.pinfo.proto).toBe('EAPOL');
    expect(key.pinfo.info).toBe('Key (Message 1 of 4)');
    expect(key.value('wlan_rsna_eapol.keydes.msgnr')).toBe('1');
    expect(key.value('wlan.qos.tid')).toBe('0');
  });

  it('names control frames and their addresses', () => {
    const rts = dissectHex(RTS, WLAN);
    expect(rts.pinfo.info).toBe('Request-to-send, Flags=........');
    // The columns say which address is which, as tshark's do (with no name tables loaded here).
    expect(columnsOf(rts.pinfo)).toMatchObject({
      source: '66:77:88:99:aa:bb (TA)',
      destination: '00:11:22:33:44:55 (RA)',
    });
    expect(columnsOf(dissectHex(CTS, WLAN).pinfo)).toMatchObject({
      source: '',
      destination: '00:11:22:33:44:55 (RA)',
    });
    expect(columnsOf(dissectHex(PS_POLL, WLAN).pinfo).destination).toBe('00:11:22:33:44:55 (BSSID)');
    expect(columnsOf(dissectHex(BEACON, WLAN).pinfo)).toMatchObject({
      source: '66:77:88:99:aa:bb',
      destination: 'ff:ff:ff:ff:ff:ff',
    });
    expect(dissectHex(CTS, WLAN).value('wlan.addr')).toBe('00:11:22:33:44:55');
    const poll = dissectHex(PS_POLL, WLAN);
    expect(poll.value('wlan.aid')).toBe('1');
    expect(poll.value('wlan.bssid')).toBe('00:11:22:33:44:55');
    expect(poll.value('wlan.ta')).toBe('66:77:88:99:aa:bb');
    expect(dissectHex(CF_END, WLAN).value('wlan.bssid')).toBe('66:77:88:99:aa:bb');
    const ba = dissectHex(BLOCK_ACK, WLAN);
    expect(ba.value('wlan.ba.control')).toBe('0x0005');
    expect(ba.value('wlan.fixed.ssc.sequence')).toBe('1');
    // A compressed bitmap of ff00…: sequence numbers 1 to 8 acknowledged, 9 to 64 missing.
    const missing = ba.value('wlan.ba.bm.missing_frame').split(',');
    expect([missing.length, missing[0], missing[55]]).toEqual([56, '9', '64']);
    expect(ba.nodes('wlan._ba').map((n) => nodeLabel(n))).toEqual(['Compressed BlockAck Response']);
  });

  it('walks a beacon: fixed parameters, then every element', () => {
    const d = dissectHex(BEACON, WLAN);
    expect(d.pinfo.info).toBe('Beacon frame, SN=5, FN=0, Flags=........, BI=100, SSID=Wildcard (Broadcast)');
    expect(d.value('wlan.fixed.timestamp')).toBe('578437695752307201');
    expect(d.value('wlan.fixed.beacon')).toBe('100');
    expect(d.value('wlan.fixed.capabilities.privacy')).toBe('1');
    expect(d.value('wlan.tag.number')).toBe('0,1,3,5,7,42,48');
    expect(d.value('wlan.ssid')).toBe('<MISSING>');
    expect(d.value('wlan.supported_rates')).toBe('0x82,0x84,0x8b,0x96,0x0c,0x12,0x18,0x24');
    expect(d.value('wlan.ds.current_channel')).toBe('6');
    expect(d.value('wlan.tim.dtim_period')).toBe('1');
    expect(d.value('wlan.country_info.code')).toBe('US');
    expect(d.value('wlan.rsn.pcs.type')).toBe('4');
    expect(d.value('wlan.rsn.akms.type')).toBe('2');
    expect(d.value('wlan.rsn.capabilities')).toBe('0x000c');
    expect(d.nodes('wlan.tag').map((n) => nodeLabel(n))).toEqual([
      'Tag: SSID parameter set: Wildcard SSID',
      'Tag: Supported Rates 1(B), 2(B), 5.5(B), 11(B), 6, 9, 12, 18, [Mbit/sec]',
      'Tag: DS Parameter set: Current Channel: 6',
      'Tag: Traffic Indication Map (TIM): DTIM 0 of 1 bitmap',
      'Tag: Country Information: Country Code US, Environment All',
      'Tag: ERP Information',
      'Tag: RSN Information',
    ]);
    expect(d.nodes('wlan.rsn.gcs').map((n) => nodeLabel(n))).toEqual([
      'Group Cipher Suite: 00:0f:ac (Ieee 802.11) AES (CCM)',
    ]);
  });

  it('names more elements: BSS load, power, TPC, operating classes, WPA', () => {
    const d = dissectHex(BEACON_MORE, WLAN);
    expect(d.value('wlan.qbss.scount')).toBe('3');
    expect(d.value('wlan.powercon.local')).toBe('3');
    expect(d.value('wlan.tcprep.trsmt_pow')).toBe('16');
    expect(d.value('wlan.supopeclass.current')).toBe('81');
    expect(d.value('wlan.wfa.ie.wpa.version')).toBe('1');
    expect(d.value('wlan.wfa.ie.wpa.type')).toBe('2');
    expect(d.nodes('wlan.tag').map((n) => nodeLabel(n))).toEqual([
      'Tag: SSID parameter set: Wildcard SSID',
      'Tag: QBSS Load Element 802.11e CCA Version',
      'Tag: Power Constraint: 3',
      'Tag: TPC Report Transmit Power: 16, Link Margin: 0',
      'Tag: Supported Operating Classes',
      'Tag: Vendor Specific: Microsoft Corp.: WPA Information Element',
      'Tag: Extended Capabilities (8 octets)',
    ]);
    expect(d.nodes('wlan.qbss.cu').map((n) => nodeLabel(n))).toEqual(['Channel Utilization: 64 (25%)']);
  });

  it('takes apart capability bit maps and the 802.11ac elements', () => {
    const d = dissectHex(BEACON_VHT, WLAN);
    expect(d.value('wlan.rmcap.b1')).toBe('1');
    expect(d.value('wlan.vht.capabilities')).toBe('0x3fc379b2');
    expect(d.value('wlan.vht.capabilities.maxampdu')).toBe('0x00000007');
    expect(d.value('wlan.vht.mcsset.rxmcsmap.ss1')).toBe('0x0002');
    expect(d.value('wlan.vht.op.channelwidth')).toBe('1');
    expect(d.nodes('wlan.vht.capabilities.maxampdu').map((n) => nodeLabel(n))).toEqual([
      '.... ..11 1... .... .... .... .... .... = Max A-MPDU Length Exponent: 1 048 575 (0x7)',
    ]);
    const ext = dissectHex(BEACON_MORE, WLAN);
    expect(ext.value('wlan.extcap.b19')).toBe('1');
    expect(ext.nodes('wlan.extcap').map((n) => nodeLabel(n))[7]).toBe(
      'Extended Capabilities: 0x40 (octet 8)',
    );
  });

  it('reads the fixed parameters of each management subtype', () => {
    expect(dissectHex(AUTH, WLAN).value('wlan.fixed.auth_seq')).toBe('0x0001');
    expect(dissectHex(DEAUTH, WLAN).value('wlan.fixed.reason_code')).toBe('0x0003');
    expect(dissectHex(ASSOC_REQUEST, WLAN).value('wlan.fixed.listen_ival')).toBe('0x000a');
    expect(dissectHex(ASSOC_RESPONSE, WLAN).value('wlan.fixed.aid')).toBe('0x0001');
    expect(dissectHex(REASSOC_REQUEST, WLAN).value('wlan.fixed.current_ap')).toBe('cc:dd:ee:ff:00:11');
    expect(dissectHex(DISASSOC, WLAN).value('wlan.fixed.reason_code')).toBe('0x0008');
    const addba = dissectHex(ADDBA, WLAN);
    expect(addba.pinfo.info).toBe('Action, SN=12, FN=0, Flags=........, Dialog Token=1');
    expect(addba.value('wlan.fixed.baparams.buffersize')).toBe('64');
    expect(dissectHex(PROBE_REQUEST, WLAN).pinfo.info).toBe(
      'Probe Request, SN=6, FN=0, Flags=........, SSID="test"',
    );
  });

  it('shows protected frames as tshark does without keys', () => {
    const wep = dissectHex(WEP, WLAN);
    expect(wep.value('frame.protocols')).toBe('wlan:data');
    expect(wep.value('wlan.wep.iv')).toBe('0x010203');
    expect(wep.value('wlan.wep.icv')).toBe('0x11223344');
    expect(wep.value('data.len')).toBe('6');
    const tkip = dissectHex(TKIP, WLAN);
    expect(tkip.value('wlan.tkip.extiv')).toBe('0x000000000102');
    expect(tkip.value('data.len')).toBe('18');
  });

  it('finds the HT Control field after the order flag, and the QoS fields', () => {
    expect(dissectHex(PROBE_RESPONSE_HTC, WLAN).value('wlan.htc')).toBe('0x44332211');
    const qos = dissectHex(QOS_DATA_HTC, WLAN);
    expect(qos.value('wlan.htc')).toBe('0x44332211');
    expect(qos.value('frame.protocols')).toBe('wlan:llc:ip:udp');
    const qnull = dissectHex(QOS_NULL, WLAN);
    expect(qnull.value('wlan.qos.priority')).toBe('7');
    expect(qnull.value('wlan.qos.amsdupresent')).toBe('');
    expect(dissectHex(NULL_DATA, WLAN).pinfo.info).toBe(
      'Null function (No data), SN=14, FN=0, Flags=...P...T',
    );
  });

  it('takes an A-MSDU apart into subframes', () => {
    const d = dissectHex(AMSDU, WLAN);
    expect(d.value('frame.protocols')).toBe('wlan:llc:ip');
    expect(d.value('wlan_aggregate.a_mdsu.length')).toBe('20');
    expect(d.value('wlan.sa')).toBe('00:11:22:33:44:55,66:77:88:99:aa:bb');
    expect(d.pinfo.malformed).toBe(true);
  });

  it('notes a bad RSN element and stops at an element cut short', () => {
    // oobr_parse_elements.pcap (tcpdump): an RSN element whose counts claim more than it holds.
    const frame = `8030 3030 ${'30'.repeat(18)} 3030 ${'30'.repeat(12)} 300b ${'30'.repeat(11)}`;
    const d = dissectHex(frame, WLAN, { origLen: 262144 });
    expect(expertMessages(d)).toEqual([
      'Pairwise Cipher Suite Count too large, 4*12336 > 3',
      'Auth Key Management (AKM) Suite Count too large, 4*12336 > 1',
      'Malformed Packet (Exception occurred)',
    ]);
    expect(d.nodes('_ws.malformed').map((n) => nodeLabel(n))).toEqual(['[Malformed Packet: IEEE 802.11]']);
    // A capture that ends inside an element: its number and length, then the truncation.
    const cut = dissectHex(BEACON.replace(/\s/g, '').slice(0, 90), WLAN, { origLen: 94 });
    expect(cut.value('wlan.tag.number')).toBe('0,1');
    expect(cut.pinfo.malformed).toBe(false);
  });

  it('reads an element longer than the frame as far as it goes, as tshark does', () => {
    const header = `4000 0000 ffffffffffff ${STA} ffffffffffff 6000`;
    const rates = dissectHex(`${header} 000474657374 0108020484`, WLAN);
    expect(rates.value('wlan.supported_rates')).toBe('0x02,0x04,0x84');
    expect(expertMessages(rates)[0]).toBe('Tag Length is longer than remaining payload');
    expect(rates.nodes('_ws.malformed').map((n) => nodeLabel(n))).toEqual([
      '[Malformed Packet: IEEE 802.11: length of contained item exceeds length of containing item]',
    ]);
    expect(rates.pinfo.info).toBe(
      'Probe Request, SN=6, FN=0, Flags=........, SSID="test"[Malformed Packet: length of contained item exceeds length of containing item]',
    );
    const rsn = dissectHex(`${header} 3014010000`, WLAN);
    expect(rsn.nodes('_ws.malformed').map((n) => nodeLabel(n))).toEqual(['[Malformed Packet: IEEE 802.11]']);
  });

  it('never throws on cut or corrupted frames', () => {
    for (const hex of ALL) {
      const full = hexToBytes(hex);
      for (let n = 0; n <= full.length; n++) expect(() => dissectHex(full.slice(0, n), WLAN)).not.toThrow();
      for (let i = 0; i < full.length; i++) {
        const b = full.slice();
        b[i] = (b[i] ?? 0) ^ 0xa5;
        expect(() => dissectHex(b, WLAN)).not.toThrow();
      }
    }
  });
});

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'wlan',
  'wlan.fc.type_subtype',
  'wlan.fc',
  'wlan.flags',
  'wlan.duration',
  'wlan.aid',
  'wlan.ra',
  'wlan.ta',
  'wlan.da',
  'wlan.sa',
  'wlan.bssid',
  'wlan.staa',
  'wlan.addr',
  'wlan.frag',
  'wlan.seq',
  'wlan.qos',
  'wlan.qos.priority',
  'wlan.qos.amsdupresent',
  'wlan.qos.txop_dur_req',
  'wlan.qos.ps_buf_state',
  'wlan.htc',
  'wlan.ba.control',
  'wlan.ba.control.ackpolicy',
  'wlan.ba.bm.missing_frame',
  'wlan.fixed.ssc',
  'wlan.fixed.all',
  'wlan.fixed.timestamp',
  'wlan.fixed.beacon',
  'wlan.fixed.capabilities',
  'wlan.fixed.listen_ival',
  'wlan.fixed.current_ap',
  'wlan.fixed.status_code',
  'wlan.fixed.aid',
  'wlan.fixed.auth.alg',
  'wlan.fixed.auth_seq',
  'wlan.fixed.reason_code',
  'wlan.fixed.category_code',
  'wlan.fixed.action_code',
  'wlan.fixed.dialog_token',
  'wlan.fixed.baparams',
  'wlan.tagged.all',
  'wlan.tag',
  'wlan.tag.number',
  'wlan.tag.length',
  'wlan.ssid',
  'wlan.supported_rates',
  'wlan.ds.current_channel',
  'wlan.tim.bmapctl',
  'wlan.country_info.code',
  'wlan.erp_info',
  'wlan.rsn.gcs',
  'wlan.rsn.pcs.type',
  'wlan.rsn.akms.type',
  'wlan.rsn.capabilities',
  'wlan.qbss.scount',
  'wlan.qbss.adc',
  'wlan.powercon.local',
  'wlan.tcprep.link_mrg',
  'wlan.supopeclass.current',
  'wlan.wfa.ie.wpa.version',
  'wlan.wfa.ie.wpa.mcs',
  'wlan.wfa.ie.wpa.ucs.type',
  'wlan.wfa.ie.wpa.type',
  'wlan.tim.aid',
  'wlan.extcap',
  'wlan.extcap.b19',
  'wlan.extcap.b62',
  'wlan.rmcap',
  'wlan.rmcap.b18to20',
  'wlan.vht.capabilities',
  'wlan.vht.capabilities.beamformee_sts_cap',
  'wlan.vht.mcsset.txmcsmap',
  'wlan.vht.op.basicmcsmap',
  'wlan.ht.capabilities',
  'wlan.ht.mcsset.rxbitmask.0to7',
  'wlan.wep.iv',
  'wlan.wep.key',
  'wlan.wep.icv',
  'wlan.tkip.extiv',
  'wlan_aggregate.a_mdsu.length',
  'llc.type',
  'eapol.type',
  'wlan_rsna_eapol.keydes.msgnr',
  'wlan_rsna_eapol.keydes.key_info',
  'data.len',
];

describe.skipIf(!haveTshark)('wlan against tshark', () => {
  it('agrees field for field on every test frame', () => {
    const frames = ALL.map(hexToBytes);
    const want = tsharkFrameRows(frames, WLAN, FIELDS);
    const got = frames.map((f, i) => trawlRow(dissectHex(f, WLAN, { number: i + 1, tsSec: i }), FIELDS));
    expect(got).toEqual(want);
  });
});
