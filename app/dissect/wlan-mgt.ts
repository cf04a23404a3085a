// The body of an 802.11 management frame (`wlan.mgt`, "IEEE 802.11 Wireless Management"): the
// fixed parameters its subtype defines, then information elements (tag, length, value) to the
// end. Every element is walked and named; the common ones are taken apart.
import { expertInfo } from './dissect.ts';
import { bool, bytes, ether, fields, hex, names, proto, str, text, uint, FieldType } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import { addHtCapabilities, addHtInformation, HT } from './wlan-ht.ts';
import { addVhtCapabilities, addVhtOperation, VHT } from './wlan-vht.ts';
import { addExtendedCapabilities, addRmCapabilities, CAPS } from './wlan-caps.ts';
import type { Tree } from './tree.ts';
import { MalformedError, type Tvb } from './tvb.ts';
import { AUTH_ALGORITHMS, CATEGORY_CODES, REASON_CODES, STATUS_CODES, TAG_NAMES } from './wlan-names.ts';

const RATES = names({
  2: '1',
  3: '1.5',
  4: '2',
  5: '2.5',
  6: '3',
  9: '4.5',
  11: '5.5',
  12: '6',
  18: '9',
  22: '11',
  24: '12',
  27: '13.5',
  36: '18',
  44: '22',
  48: '24',
  54: '27',
  66: '33',
  72: '36',
  96: '48',
  108: '54',
  130: '1(B)',
  131: '1.5(B)',
  132: '2(B)',
  133: '2.5(B)',
  134: '3(B)',
  137: '4.5(B)',
  139: '5.5(B)',
  140: '6(B)',
  146: '9(B)',
  150: '11(B)',
  152: '12(B)',
  155: '13.5(B)',
  164: '18(B)',
  172: '22(B)',
  176: '24(B)',
  182: '27(B)',
  194: '33(B)',
  200: '36(B)',
  224: '48(B)',
  236: '54(B)',
  251: 'SAE Hash to Element Only',
  252: 'EPD',
  253: 'GLK',
  254: 'VHT PHY',
  255: 'HT PHY',
});
const CIPHERS = names({
  0: 'Use group cipher suite',
  1: 'WEP (40-bit)',
  2: 'TKIP',
  3: 'Reserved',
  4: 'AES (CCM)',
  5: 'WEP (104-bit)',
  6: 'BIP (128)',
  7: 'Group addressed traffic not allowed',
  8: 'GCMP (128)',
  9: 'GCMP (256)',
  10: 'CCMP (256)',
  11: 'BIP (GMAC-128)',
  12: 'BIP (GMAC-256)',
  13: 'BIP (CMAC-256)',
});
const AKMS = names({
  1: 'WPA',
  2: 'PSK',
  3: 'FT over IEEE 802.1X',
  4: 'FT using PSK',
  5: 'WPA (SHA256)',
  6: 'PSK (SHA256)',
  7: 'TDLS / TPK Handshake (SHA256)',
  8: 'SAE (SHA256)',
  9: 'FT using SAE (SHA256)',
  10: 'APPeerKey (SHA256)',
  11: 'WPA (SHA256-SuiteB)',
  12: 'WPA (SHA384-SuiteB)',
  13: 'FT over IEEE 802.1X (SHA384)',
  14: 'FILS (SHA256 and AES-SIV-256)',
  15: 'FILS (SHA384 and AES-SIV-512)',
  16: 'FT over FILS (SHA256 and AES-SIV-256)',
  17: 'FT over FILS (SHA384 and AES-SIV-512)',
  18: 'Opportunistic Wireless Encryption',
  19: 'FT using PSK (SHA384)',
  20: 'PSK (SHA384)',
  21: 'PASN',
  24: 'SAE (GROUP-DEPEND)',
  25: 'FT using SAE (GROUP-DEPEND)',
});
const ENVIRONMENTS = names({
  1: 'Operating classes in the United States',
  2: 'Operating classes in Europe',
  3: 'Operating classes in Japan',
  4: 'Global operating classes',
  5: 'S1G operating classes',
  6: 'Operating classes in China',
  32: 'All',
  73: 'Indoor',
  79: 'Outdoor',
  88: 'Non Country Entity',
});

const MS_TYPES = names({ 1: 'WPA Information Element', 2: 'WMM/WME', 4: 'WPS' });
const WME_SUBTYPES = names({ 0: 'Information Element', 1: 'Parameter Element', 2: 'TSPEC Element' });
const ACI_NAMES = names({ 0: 'Best Effort', 1: 'Background', 2: 'Video', 3: 'Voice' });
const MAX_SP = names({
  0: 'WMM AP may deliver all buffered frames (MSDUs and MMPDUs)',
  1: 'WMM AP may deliver a maximum of 2 buffered frames (MSDUs and MMPDUs) per USP',
  2: 'WMM AP may deliver a maximum of 4 buffered frames (MSDUs and MMPDUs) per USP',
  3: 'WMM AP may deliver a maximum of 6 buffered frames (MSDUs and MMPDUs) per USP',
});
const WMM_PS: readonly [string, string] = ['WMM delivery and trigger enabled', 'non-WMM PS'];
const BLOCK_ACK_ACTIONS = names({
  0: 'Add Block Ack Request',
  1: 'Add Block Ack Response',
  2: 'Delete Block Ack',
});
const REPLAY_COUNTERS = names({
  0: '1 replay counter per PTKSA/GTKSA/STAKeySA',
  1: '2 replay counters per PTKSA/GTKSA/STAKeySA',
  2: '4 replay counters per PTKSA/GTKSA/STAKeySA',
  3: '16 replay counters per PTKSA/GTKSA/STAKeySA',
});
const cap = (name: string, mask: number, tf: readonly [string, string]): ReturnType<typeof bool> =>
  bool(name, 16, mask, { tf });
const reserved = (mask: number): ReturnType<typeof uint> => uint('Reserved', 16, { mask });
const IMPL: readonly [string, string] = ['Implemented', 'Not Implemented'];

export { CAPS, HT, VHT };

export const MGT = fields('wlan', {
  mgt: proto('IEEE 802.11 Wireless Management'),
  'fixed.all': text('Fixed parameters'),
  'tagged.all': text('Tagged parameters'),
  'fixed.timestamp': uint('Timestamp', 64),
  'fixed.beacon': uint('Beacon Interval', 32),
  'fixed.capabilities': hex('Capabilities Information', 16),
  'fixed.capabilities.ess': cap('ESS capabilities', 0x0001, ['Transmitter is an AP', 'Transmitter is a STA']),
  'fixed.capabilities.ibss': cap('IBSS status', 0x0002, [
    'Transmitter belongs to an IBSS',
    'Transmitter belongs to a BSS',
  ]),
  'fixed.capabilities.reserved1': reserved(0x0004),
  'fixed.capabilities.reserved2': reserved(0x0008),
  'fixed.capabilities.privacy': cap('Privacy', 0x0010, [
    'Data confidentiality required',
    'Data confidentiality not required',
  ]),
  'fixed.capabilities.short_preamble': cap('Short Preamble', 0x0020, ['Allowed', 'Not Allowed']),
  'fixed.capabilities.reserved3': reserved(0x0040),
  'fixed.capabilities.reserved4': reserved(0x0080),
  'fixed.capabilities.spec_man': cap('Spectrum Management', 0x0100, IMPL),
  'fixed.capabilities.qos': cap('QoS', 0x0200, IMPL),
  'fixed.capabilities.short_slot_time': cap('Short Slot Time', 0x0400, ['In use', 'Not in use']),
  'fixed.capabilities.apsd': cap('Automatic Power Save Delivery', 0x0800, IMPL),
  'fixed.capabilities.radio_measurement': cap('Radio Measurement', 0x1000, IMPL),
  'fixed.capabilities.epd': cap('EPD', 0x2000, IMPL),
  'fixed.capabilities.reserved5': reserved(0x4000),
  'fixed.capabilities.reserved6': reserved(0x8000),
  'fixed.listen_ival': hex('Listen Interval', 16),
  'fixed.current_ap': ether('Current AP'),
  'fixed.status_code': hex('Status code', 16, { strings: STATUS_CODES }),
  'fixed.aid': hex('Association ID', 16, { mask: 0x3fff }),
  'fixed.auth.alg': uint('Authentication Algorithm', 16, { strings: AUTH_ALGORITHMS }),
  'fixed.auth_seq': hex('Authentication SEQ', 16),
  'fixed.reason_code': hex('Reason code', 16, { strings: REASON_CODES }),
  'fixed.category_code': uint('Category code', 16, { strings: CATEGORY_CODES }),
  'fixed.action_code': uint('Action code', 8, { base: 'hex', strings: BLOCK_ACK_ACTIONS }),
  _action_fixed: text('Fixed parameters'),
  'fixed.dialog_token': hex('Dialog token', 8),
  'fixed.baparams': hex('Block Ack Parameters', 16),
  'fixed.baparams.amsdu': bool('A-MSDUs', 16, 0x0001, {
    tf: ['Permitted in QoS Data MPDUs', 'Not Permitted'],
  }),
  'fixed.baparams.policy': bool('Block Ack Policy', 16, 0x0002, {
    tf: ['Immediate Block Ack', 'Delayed Block Ack'],
  }),
  'fixed.baparams.tid': hex('Traffic Identifier', 16, { mask: 0x003c }),
  'fixed.baparams.buffersize': uint('Number of Buffers (1 Buffer = 2304 Bytes)', 16, { mask: 0xffc0 }),
  'fixed.batimeout': hex('Block Ack Timeout', 16),
  'fixed.ssc': hex('Block Ack Starting Sequence Control (SSC)', 16),
  'fixed.ssc.fragment': uint('Fragment', 16, { mask: 0x000f }),
  'fixed.ssc.sequence': uint('Starting Sequence Number', 16, { mask: 0xfff0 }),
  'fixed.delba.param': hex('Delete Block Ack (DELBA) Parameter Set', 16),
  'fixed.delba.param.reserved': hex('Reserved', 16, { mask: 0x07ff }),
  'fixed.delba.param.initiator': bool('Initiator', 16, 0x0800, { tf: ['True', 'False'] }),
  'fixed.delba.param.tid': hex('TID', 16, { mask: 0xf000 }),
  tag: text('Tag'),
  'tag.number': uint('Tag Number', 8, { strings: TAG_NAMES }),
  'tag.length': uint('Tag length', 32),
  'tag.data': bytes('Tag Data'),
  ssid: bytes('SSID'),
  supported_rates: hex('Supported Rates', 8, { strings: RATES }),
  extended_supported_rates: hex('Extended Supported Rates', 8, { strings: RATES }),
  'ds.current_channel': uint('Current Channel', 8),
  'tim.dtim_count': uint('DTIM count', 8),
  'tim.dtim_period': uint('DTIM period', 8),
  'tim.bmapctl': hex('Bitmap control', 8),
  'tim.bmapctl.multicast': bool('Multicast', 8, 0x01, { tf: ['True', 'False'] }),
  'tim.bmapctl.offset': hex('Bitmap Offset', 8, { mask: 0xfe }),
  'tim.partial_virtual_bitmap': bytes('Partial Virtual Bitmap'),
  'tim.aid': hex('Association ID', 8),
  'country_info.code': str('Code'),
  'country_info.environment': uint('Environment', 8, { strings: ENVIRONMENTS }),
  erp_info: hex('ERP Information', 8),
  'erp_info.erp_present': bool('Non ERP Present', 8, 0x01),
  'erp_info.use_protection': bool('Use Protection', 8, 0x02),
  'erp_info.barker_preamble_mode': bool('Barker Preamble Mode', 8, 0x04),
  'erp_info.reserved': hex('Reserved', 8, { mask: 0xf8 }),
  'rsn.version': uint('RSN Version', 16),
  'rsn.gcs': uint('Group Cipher Suite', 32),
  'rsn.gcs.oui': uint('Group Cipher Suite OUI', 24),
  'rsn.gcs.type': uint('Group Cipher Suite type', 8),
  'rsn.pcs.count': uint('Pairwise Cipher Suite Count', 16),
  'rsn.pcs.list': text('Pairwise Cipher Suite List'),
  'rsn.pcs': uint('Pairwise Cipher Suite', 32),
  'rsn.pcs.oui': uint('Pairwise Cipher Suite OUI', 24),
  'rsn.pcs.type': uint('Pairwise Cipher Suite type', 8),
  'rsn.akms.count': uint('Auth Key Management (AKM) Suite Count', 16),
  'rsn.akms.list': text('Auth Key Management (AKM) List'),
  'rsn.akms': uint('Auth Key Management (AKM) Suite', 32),
  'rsn.akms.oui': uint('Auth Key Management (AKM) OUI', 24),
  'rsn.akms.type': uint('Auth Key Management (AKM) type', 8),
  'rsn.capabilities': hex('RSN Capabilities', 16),
  'rsn.capabilities.preauth': bool('RSN Pre-Auth capabilities', 16, 0x0001, {
    tf: ['Transmitter supports pre-authentication', 'Transmitter does not support pre-authentication'],
  }),
  'rsn.capabilities.no_pairwise': bool('RSN No Pairwise capabilities', 16, 0x0002, {
    tf: [
      'Transmitter cannot support WEP default key 0 simultaneously with Pairwise key',
      'Transmitter can support WEP default key 0 simultaneously with Pairwise key',
    ],
  }),
  'rsn.capabilities.ptksa_replay_counter': hex('RSN PTKSA Replay Counter capabilities', 16, {
    mask: 0x000c,
    strings: REPLAY_COUNTERS,
  }),
  'rsn.capabilities.gtksa_replay_counter': hex('RSN GTKSA Replay Counter capabilities', 16, {
    mask: 0x0030,
    strings: REPLAY_COUNTERS,
  }),
  'rsn.capabilities.mfpr': bool('Management Frame Protection Required', 16, 0x0040, {
    tf: ['True', 'False'],
  }),
  'rsn.capabilities.mfpc': bool('Management Frame Protection Capable', 16, 0x0080, { tf: ['True', 'False'] }),
  'rsn.capabilities.jmr': bool('Joint Multi-band RSNA', 16, 0x0100, { tf: ['True', 'False'] }),
  'rsn.capabilities.peerkey': bool('PeerKey Enabled', 16, 0x0200, { tf: ['True', 'False'] }),
  'rsn.capabilities.extended_key_id_iaf': bool(
    'Extended Key ID for Individually Addressed Frames',
    16,
    0x2000,
    {
      tf: ['Supported', 'Not supported'],
    },
  ),
  'country_info.fnm': text('Country Info'),
  'country_info.fnm.fcn': uint('First Channel Number', 8),
  'country_info.fnm.nc': uint('Number of Channels', 8),
  'country_info.fnm.mtpl': {
    name: 'Maximum Transmit Power Level',
    type: FieldType.Int,
    base: 'dec',
    bits: 8,
    unit: 'dBm',
  },
  'country_info.padding': bytes('Padding'),
  'wfa.ie.wpa.version': uint('WPA Version', 16),
  'wfa.ie.wpa.mcs': uint('Multicast Cipher Suite', 32),
  'wfa.ie.wpa.mcs.oui': uint('Multicast Cipher Suite OUI', 24),
  'wfa.ie.wpa.mcs.type': uint('Multicast Cipher Suite type', 8),
  'wfa.ie.wpa.ucs.count': uint('Unicast Cipher Suite Count', 16),
  'wfa.ie.wpa.ucs.list': text('Unicast Cipher Suite List'),
  'wfa.ie.wpa.ucs': uint('Unicast Cipher Suite', 32),
  'wfa.ie.wpa.ucs.oui': uint('Unicast Cipher Suite OUI', 24),
  'wfa.ie.wpa.ucs.type': uint('Unicast Cipher Suite type', 8),
  'wfa.ie.wpa.akms.count': uint('Auth Key Management (AKM) Suite Count', 16),
  'wfa.ie.wpa.akms.list': text('Auth Key Management (AKM) List'),
  'wfa.ie.wpa.akms': uint('Auth Key Management (AKM) Suite', 32),
  'wfa.ie.wpa.akms.oui': uint('Auth Key Management (AKM) OUI', 24),
  'wfa.ie.wpa.akms.type': uint('Auth Key Management (AKM) type', 8),
  // Wireshark files the WPA AKM suite's type under this shorter name.
  'wfa.ie.wpa.type': uint('Auth Key Management (AKM) type', 8),
  'qbss.version': uint('QBSS Version', 8),
  'qbss.scount': uint('Station Count', 16),
  'qbss.cu': uint('Channel Utilization', 8),
  'qbss.adc': uint('Available Admission Capacity', 8),
  'powercon.local': uint('Local Power Constraint', 8),
  'tcprep.trsmt_pow': { name: 'Transmit Power', type: FieldType.Int, base: 'dec', bits: 8 },
  'tcprep.link_mrg': { name: 'Link Margin', type: FieldType.Int, base: 'dec', bits: 8 },
  'supopeclass.current': uint('Current Operating Class', 8),
  'supopeclass.alt': text('Alternate Operating Classes'),
  'tag.oui': uint('OUI', 24),
  'tag.vendor.oui.type': uint('Vendor Specific OUI Type', 8),
  'tag.vendor.data': bytes('Vendor Specific Data'),
  'wfa.ie.type': hex('Type', 8, { strings: MS_TYPES }),
  'wfa.ie.wme.subtype': uint('WME Subtype', 8, { strings: WME_SUBTYPES }),
  'wfa.ie.wme.version': uint('WME Version', 8),
  'wfa.ie.wme.qos_info': hex('WME QoS Info', 8),
  'wfa.ie.wme.qos_info.ap.u_apsd': bool('U-APSD', 8, 0x80, { tf: ['Enabled', 'Disabled'] }),
  'wfa.ie.wme.qos_info.ap.parameter_set_count': hex('Parameter Set Count', 8, { mask: 0x0f }),
  'wfa.ie.wme.qos_info.ap.reserved': hex('Reserved', 8, { mask: 0x70 }),
  'wfa.ie.wme.qos_info.sta.max_sp_length': hex('Max SP Length', 8, { mask: 0x60, strings: MAX_SP }),
  'wfa.ie.wme.qos_info.sta.ac_be': bool('AC_BE', 8, 0x08, { tf: WMM_PS }),
  'wfa.ie.wme.qos_info.sta.ac_bk': bool('AC_BK', 8, 0x04, { tf: WMM_PS }),
  'wfa.ie.wme.qos_info.sta.ac_vi': bool('AC_VI', 8, 0x02, { tf: WMM_PS }),
  'wfa.ie.wme.qos_info.sta.ac_vo': bool('AC_VO', 8, 0x01, { tf: WMM_PS }),
  'wfa.ie.wme.qos_info.sta.reserved': hex('Reserved', 8, { mask: 0x90 }),
  'wfa.ie.wme.reserved': bytes('Reserved'),
  'wfa.ie.wme.acp': text('Ac Parameters'),
  'wfa.ie.wme.acp.aci_aifsn': hex('ACI / AIFSN Field', 8),
  'wfa.ie.wme.acp.aifsn': uint('AIFSN', 8, { mask: 0x0f }),
  'wfa.ie.wme.acp.acm': bool('Admission Control Mandatory', 8, 0x10, { tf: ['Yes', 'No'] }),
  'wfa.ie.wme.acp.aci': uint('ACI', 8, { mask: 0x60, strings: ACI_NAMES }),
  'wfa.ie.wme.acp.reserved': uint('Reserved', 8, { mask: 0x80 }),
  'wfa.ie.wme.acp.ecw': hex('ECW', 8),
  'wfa.ie.wme.acp.ecw.max': uint('ECW Max', 8, { mask: 0xf0 }),
  'wfa.ie.wme.acp.ecw.min': uint('ECW Min', 8, { mask: 0x0f }),
  'wfa.ie.wme.acp.cw.max': uint('CW Max', 8),
  'wfa.ie.wme.acp.cw.min': uint('CW Min', 8),
  'wfa.ie.wme.acp.txop_limit': uint('TXOP Limit', 16),
});

const dec = (n: number): string => String(n);

/** Vendors of the OUIs vendor-specific elements commonly carry (the long names of Wireshark's manuf). */
const VENDORS = names({
  0x000fac: 'Ieee 802.11',
  0x0050f2: 'Microsoft Corp.',
  0x001018: 'Broadcom',
  0x00037f: 'Atheros Communications, Inc.',
  0x506f9a: 'Wi-Fi Alliance',
  0x0017f2: 'Apple, Inc.',
  0x000b86: 'Hewlett Packard Enterprise',
  0x004096: 'Cisco Systems, Inc',
  0x00904c: 'Epigram, Inc.',
  0x00e04c: 'Realtek Semiconductor Corp.',
  0x8cfdf0: 'Qualcomm Inc.',
  0x000ce7: 'MediaTek Inc.',
  0x000c43: 'Ralink Technology, Corp.',
  0x001392: 'Ruckus Wireless',
  0x001d0f: 'Tp-Link Technologies Co.,Ltd.',
  0x00146c: 'Netgear',
});

/** Adds the management body of a frame of `subtype` in `tvb` (to its end, FCS excluded). */
export function addManagementBody(tvb: Tvb, pinfo: PacketInfo, tree: Tree, subtype: number): void {
  const o = tvb.start;
  const length = tvb.reportedRemaining(o);
  tree.push(MGT.mgt, tvb, o, tvb.remaining(o));
  let at = o;
  const fixed = fixedLength(subtype);
  if (subtype === 13 || subtype === 14) {
    // An action frame's fixed fields depend on its category and action: their size is not known
    // up front, and tshark labels them without one.
    tree.push(MGT._action_fixed, tvb, o, tvb.remaining(o));
    at = addAction(tvb, o, pinfo, tree);
    tree.pop(at - o);
  } else if (fixed > 0) {
    tree.push(MGT['fixed.all'], tvb, o, Math.min(fixed, tvb.remaining(o)), 1);
    if (tree.full) tree.label(`Fixed parameters (${fixed} bytes)`);
    at = addFixed(tvb, o, pinfo, tree, subtype);
    tree.pop();
  }
  const tagged = o + length - at;
  if (tagged > 0 && subtype !== 13 && subtype !== 14) {
    tree.push(MGT['tagged.all'], tvb, at, Math.min(tagged, tvb.remaining(at)), 1);
    if (tree.full) tree.label(`Tagged parameters (${tagged} bytes)`);
    // Requests come from stations; the rest of the subtypes with elements from access points.
    addTags(tvb, at, o + length, pinfo, tree, subtype === 0 || subtype === 2 || subtype === 4);
    tree.pop();
  }
  tree.pop();
}

function fixedLength(subtype: number): number {
  switch (subtype) {
    case 0:
      return 4;
    case 1:
    case 3:
      return 6;
    case 2:
      return 10;
    case 5:
    case 8:
      return 12;
    case 10:
    case 12:
      return 2;
    case 11:
      return 6;
    case 13:
    case 14:
      return 1;
    default:
      return 0;
  }
}

function addCapabilities(tvb: Tvb, at: number, tree: Tree): void {
  const v = tvb.u16le(at);
  tree.push(MGT['fixed.capabilities'], tvb, at, 2, v);
  for (const key of [
    'ess',
    'ibss',
    'reserved1',
    'reserved2',
    'privacy',
    'short_preamble',
    'reserved3',
    'reserved4',
    'spec_man',
    'qos',
    'short_slot_time',
    'apsd',
    'radio_measurement',
    'epd',
    'reserved5',
    'reserved6',
  ] as const) {
    const def = MGT[`fixed.capabilities.${key}`];
    const bit = v & (def.mask ?? 0);
    tree.add(def, tvb, at, 2, def.type === FieldType.Bool ? bit !== 0 : bit ? 1 : 0);
  }
  tree.pop();
}

function addFixed(tvb: Tvb, o: number, pinfo: PacketInfo, tree: Tree, subtype: number): number {
  let at = o;
  const u16 = (def: (typeof MGT)['fixed.listen_ival']): number => {
    const v = tvb.u16le(at);
    tree.add(def, tvb, at, 2, v);
    at += 2;
    return v;
  };
  switch (subtype) {
    case 0:
    case 2:
      addCapabilities(tvb, at, tree);
      at += 2;
      u16(MGT['fixed.listen_ival']);
      if (subtype === 2) {
        tvb.need(at, 6);
        tree.add(MGT['fixed.current_ap'], tvb, at, 6);
        at += 6;
      }
      break;
    case 1:
    case 3: {
      addCapabilities(tvb, at, tree);
      at += 2;
      u16(MGT['fixed.status_code']);
      const aid = tvb.u16le(at);
      tree.add(MGT['fixed.aid'], tvb, at, 2, aid & 0x3fff);
      at += 2;
      break;
    }
    case 5:
    case 8: {
      tvb.need(at, 8);
      tree.add(MGT['fixed.timestamp'], tvb, at, 8, tvb.view.getBigUint64(at, true));
      at += 8;
      const interval = tvb.u16le(at);
      tree.add(MGT['fixed.beacon'], tvb, at, 2, interval);
      if (tree.full) tree.labelLast(`Beacon Interval: ${((interval * 1024) / 1e6).toFixed(6)} [Seconds]`);
      at += 2;
      addCapabilities(tvb, at, tree);
      at += 2;
      if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info}, BI=${dec(interval)}`);
      break;
    }
    case 10:
    case 12:
      u16(MGT['fixed.reason_code']);
      break;
    case 11:
      u16(MGT['fixed.auth.alg']);
      u16(MGT['fixed.auth_seq']);
      u16(MGT['fixed.status_code']);
      break;
    default:
      break;
  }
  return at;
}

/** `1(B), 2(B), 5.5, ` as the rates tag's label lists them. */
function ratesText(tvb: Tvb, at: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) {
    const r = tvb.u8(at + i);
    s += `${RATES.get(r) ?? `${(r & 0x7f) / 2}`}, `;
  }
  return s;
}

function addTags(
  tvb: Tvb,
  start: number,
  end: number,
  pinfo: PacketInfo,
  tree: Tree,
  fromSta: boolean,
): void {
  let at = start;
  while (at < end) {
    const number = tvb.u8(at);
    const length = tvb.u8(at + 1);
    const name = TAG_NAMES.get(number) ?? 'Reserved';
    tree.push(MGT.tag, tvb, at, Math.min(2 + length, tvb.remaining(at)), 1);
    if (tree.full) tree.label(`Tag: ${name}`);
    tree.add(MGT['tag.number'], tvb, at, 1, number);
    const value = at + 2;
    if (value + length > end) {
      // Longer than the frame: noted under the length, then read as far as it goes (as
      // Wireshark's element dissectors do), which ends the frame's dissection.
      tree.push(MGT['tag.length'], tvb, at + 1, 1, length);
      expertInfo(tree, tvb, at + 1, 1, 'Error', 'Malformed', 'Tag Length is longer than remaining payload');
      tree.pop();
      pinfo.malformed = true;
      readOverlong(tvb, number, value, length, end, pinfo, tree, name, fromSta);
    }
    tree.add(MGT['tag.length'], tvb, at + 1, 1, length);
    // The whole element must be there before any of it is read (a capture cut short in it is
    // truncated).
    tvb.need(value, length);
    // The element's own bounds: reading past its length is malformed, as Wireshark's subset tvb.
    addTagValue(tvb.sub(value, length), number, value, length, pinfo, tree, name, fromSta);
    tree.pop();
    at = value + length;
  }
}

function ssidElement(tvb: Tvb, at: number, len: number, pinfo: PacketInfo, tree: Tree, name: string): void {
  const ssid = tvb.ascii(at, len);
  const shown = len === 0 ? 'Wildcard SSID' : `"${ssid}"`;
  tree.add(MGT.ssid, tvb, at, len, len === 0 ? '<MISSING>' : undefined);
  if (tree.full) {
    tree.labelLast(`SSID: ${len === 0 ? '<MISSING>' : shown}`);
    tree.label(`Tag: ${name}: ${shown}`);
  }
  if (pinfo.wantInfo)
    pinfo.setInfo(`${pinfo.info}, SSID=${len === 0 ? 'Wildcard (Broadcast)' : `"${ssid}"`}`);
}

/** Supported Rates (1) and Extended Supported Rates (50). */
function ratesElement(tvb: Tvb, number: number, at: number, len: number, tree: Tree, name: string): void {
  const def = number === 1 ? MGT.supported_rates : MGT.extended_supported_rates;
  for (let i = 0; i < len; i++) {
    // The label grows rate by rate, so an element cut short shows those read.
    if (tree.full) tree.label(`Tag: ${name} ${ratesText(tvb, at, i)}`.trimEnd());
    tree.add(def, tvb, at + i, 1, tvb.u8(at + i));
  }
  if (tree.full) tree.label(`Tag: ${name} ${ratesText(tvb, at, len)}[Mbit/sec]`);
}

/** The TIM's partial virtual bitmap (from `at`, `n` bytes), with an item per station that has traffic. */
function timBitmap(tvb: Tvb, at: number, n: number, ctl: number, tree: Tree): void {
  tree.add(MGT['tim.partial_virtual_bitmap'], tvb, at, n);
  // Each bit set is a station with traffic buffered: AID = (2 × offset + byte) × 8 + bit.
  const first = ctl & 0xfe;
  for (let i = 0; i < n; i++) {
    const byte = tvb.u8(at + i);
    for (let bit = 0; bit < 8; bit++)
      if (byte & (1 << bit)) {
        // An 8-bit field: its value keeps the low byte, its label the whole number.
        const aid = (first + i) * 8 + bit;
        tree.add(MGT['tim.aid'], tvb, at + i, 1, aid & 0xff);
        if (tree.full) tree.labelLast(`Association ID: 0x${aid.toString(16).padStart(2, '0')}`);
      }
  }
}

/** Traffic Indication Map (5). */
function timElement(tvb: Tvb, at: number, len: number, tree: Tree, name: string): void {
  if (len < 3) return;
  const count = tvb.u8(at);
  const period = tvb.u8(at + 1);
  const ctl = tvb.u8(at + 2);
  tree.add(MGT['tim.dtim_count'], tvb, at, 1, count);
  tree.add(MGT['tim.dtim_period'], tvb, at + 1, 1, period);
  tree.push(MGT['tim.bmapctl'], tvb, at + 2, 1, ctl);
  tree.add(MGT['tim.bmapctl.multicast'], tvb, at + 2, 1, (ctl & 1) !== 0);
  tree.add(MGT['tim.bmapctl.offset'], tvb, at + 2, 1, ctl >> 1);
  tree.pop();
  if (len > 3) timBitmap(tvb, at + 3, len - 3, ctl, tree);
  if (tree.full) tree.label(`Tag: ${name}: DTIM ${count} of ${period} bitmap`);
}

/** One first channel / number of channels / maximum power triplet of a Country element. */
function countryTriplet(tvb: Tvb, p: number, tree: Tree): void {
  const first = tvb.u8(p);
  const count = tvb.u8(p + 1);
  const power = tvb.view.getInt8(p + 2);
  tree.push(MGT['country_info.fnm'], tvb, p, 3, 1);
  if (tree.full)
    tree.label(
      `Country Info: First Channel Number: ${first}, Number of Channels: ${count}, Maximum Transmit Power Level: ${power} dBm`,
    );
  tree.add(MGT['country_info.fnm.fcn'], tvb, p, 1, first);
  tree.add(MGT['country_info.fnm.nc'], tvb, p + 1, 1, count);
  tree.add(MGT['country_info.fnm.mtpl'], tvb, p + 2, 1, power);
  tree.pop();
}

/** Country (7). */
function countryElement(tvb: Tvb, at: number, len: number, tree: Tree, name: string): void {
  if (len < 3) return;
  const code = tvb.ascii(at, 2);
  const env = tvb.u8(at + 2);
  tree.add(MGT['country_info.code'], tvb, at, 2, code);
  tree.add(MGT['country_info.environment'], tvb, at + 2, 1, env);
  if (tree.full)
    tree.label(`Tag: ${name}: Country Code ${code}, Environment ${ENVIRONMENTS.get(env) ?? 'Unknown'}`);
  let p = at + 3;
  for (; p + 3 <= at + len; p += 3) countryTriplet(tvb, p, tree);
  if (p < at + len) tree.add(MGT['country_info.padding'], tvb, p, at + len - p);
}

/** ERP Information (42, and 47 as it was numbered before). */
function erpElement(tvb: Tvb, at: number, len: number, tree: Tree): void {
  if (len < 1) return;
  const v = tvb.u8(at);
  tree.push(MGT.erp_info, tvb, at, 1, v);
  tree.add(MGT['erp_info.erp_present'], tvb, at, 1, (v & 1) !== 0);
  tree.add(MGT['erp_info.use_protection'], tvb, at, 1, (v & 2) !== 0);
  tree.add(MGT['erp_info.barker_preamble_mode'], tvb, at, 1, (v & 4) !== 0);
  tree.add(MGT['erp_info.reserved'], tvb, at, 1, v >> 3);
  tree.pop();
}

/** QBSS Load (11), in its 802.11e CCA version (5 bytes). */
function qbssLoadElement(tvb: Tvb, at: number, len: number, tree: Tree, name: string): void {
  if (len !== 5) return;
  const cu = tvb.u8(at + 2);
  const adc = tvb.u16le(at + 3);
  tree.add(MGT['qbss.version'], tvb, at, 0, 2);
  tree.add(MGT['qbss.scount'], tvb, at, 2, tvb.u16le(at));
  tree.add(MGT['qbss.cu'], tvb, at + 2, 1, cu);
  if (tree.full) tree.labelLast(`Channel Utilization: ${cu} (${Math.floor((cu * 100) / 255)}%)`);
  tree.add(MGT['qbss.adc'], tvb, at + 3, 2, adc);
  if (tree.full) tree.labelLast(`Available Admission Capacity: ${adc} (${adc * 32} us/s)`);
  if (tree.full) tree.label(`Tag: ${name} 802.11e CCA Version`);
}

/** TPC Report (35). */
function tpcReportElement(tvb: Tvb, at: number, len: number, tree: Tree, name: string): void {
  if (len < 2) return;
  const power = tvb.view.getInt8(at);
  const margin = tvb.view.getInt8(at + 1);
  tree.add(MGT['tcprep.trsmt_pow'], tvb, at, 1, power);
  tree.add(MGT['tcprep.link_mrg'], tvb, at + 1, 1, margin);
  if (tree.full) tree.label(`Tag: ${name} Transmit Power: ${power}, Link Margin: ${margin}`);
}

/** Supported Operating Classes (59). */
function operatingClassesElement(tvb: Tvb, at: number, len: number, tree: Tree): void {
  if (len < 1) return;
  tree.add(MGT['supopeclass.current'], tvb, at, 1, tvb.u8(at));
  if (len > 1) {
    const alt = [];
    for (let i = 1; i < len; i++) alt.push(tvb.u8(at + i));
    tree.add(MGT['supopeclass.alt'], tvb, at + 1, len - 1, 1);
    if (tree.full) tree.labelLast(`Alternate Operating Classes: ${alt.join(', ')}`);
  }
}

/** DS Parameter Set (3). */
function dsParameterElement(tvb: Tvb, at: number, len: number, tree: Tree, name: string): void {
  if (len < 1) return;
  const ch = tvb.u8(at);
  tree.add(MGT['ds.current_channel'], tvb, at, 1, ch);
  if (tree.full) tree.label(`Tag: ${name}: Current Channel: ${ch}`);
}

/** Power Constraint (32). */
function powerConstraintElement(tvb: Tvb, at: number, len: number, tree: Tree, name: string): void {
  if (len < 1) return;
  const v = tvb.u8(at);
  tree.add(MGT['powercon.local'], tvb, at, 1, v);
  if (tree.full) tree.label(`Tag: ${name}: ${v}`);
}

function addTagValue(
  tvb: Tvb,
  number: number,
  at: number,
  len: number,
  pinfo: PacketInfo,
  tree: Tree,
  name: string,
  fromSta: boolean,
): void {
  switch (number) {
    case 0:
      return ssidElement(tvb, at, len, pinfo, tree, name);
    case 1:
    case 50:
      return ratesElement(tvb, number, at, len, tree, name);
    case 3:
      return dsParameterElement(tvb, at, len, tree, name);
    case 5:
      return timElement(tvb, at, len, tree, name);
    case 7:
      return countryElement(tvb, at, len, tree, name);
    case 42:
    case 47:
      return erpElement(tvb, at, len, tree);
    case 48:
      return addRsn(tvb, at, len, pinfo, tree);
    case 127:
      if (tree.full) tree.label(`Tag: ${name} (${len} octets)`);
      return addExtendedCapabilities(tvb, at, len, tree);
    case 70:
      if (tree.full) tree.label(`Tag: ${name} (${len} octets)`);
      return addRmCapabilities(tvb, at, len, tree);
    case 11:
      return qbssLoadElement(tvb, at, len, tree, name);
    case 32:
      return powerConstraintElement(tvb, at, len, tree, name);
    case 35:
      return tpcReportElement(tvb, at, len, tree, name);
    case 59:
      return operatingClassesElement(tvb, at, len, tree);
    case 45:
      if (len >= 26) addHtCapabilities(tvb, at, tree);
      return;
    case 61:
      if (len >= 22) addHtInformation(tvb, at, tree);
      return;
    case 191:
      if (len >= 12) addVhtCapabilities(tvb, at, tree);
      return;
    case 192:
      if (len >= 5) addVhtOperation(tvb, at, tree);
      return;
    case 221:
      return addVendor(tvb, at, len, pinfo, tree, name, fromSta);
    default:
      return;
  }
}

/** `00:0f:ac`: an OUI as Wireshark's BASE_OUI shows it, with the vendor's name where known. */
function ouiText(b: Uint8Array, at: number): string {
  return [at, at + 1, at + 2].map((i) => (b[i] as number).toString(16).padStart(2, '0')).join(':');
}

const IEEE80211_OUI = 0x000fac;

type SuiteBase = 'rsn.gcs' | 'rsn.pcs' | 'rsn.akms' | 'wfa.ie.wpa.mcs' | 'wfa.ie.wpa.ucs' | 'wfa.ie.wpa.akms';

/** The OUI whose suite types the tables name: IEEE 802.11's for RSN, Microsoft's for WPA. */
function suiteOwner(base: SuiteBase): readonly [number, string] {
  return base.startsWith('rsn') ? [IEEE80211_OUI, 'Ieee 802.11'] : [0x0050f2, 'Microsoft Corp.'];
}

/** `00:0f:ac (Ieee 802.11) AES (CCM)`: a suite as its labels show it. */
function suiteText(tvb: Tvb, at: number, base: SuiteBase): string {
  const oui = tvb.u24(at);
  const type = tvb.u8(at + 3);
  const table = base.endsWith('akms') ? AKMS : CIPHERS;
  const [owner, ownerName] = suiteOwner(base);
  const known = oui === owner;
  const colons = ouiText(tvb.bytes, at);
  const typeName = known ? (table.get(type) ?? `Unknown ${type}`) : `Unknown ${type}`;
  return `${known ? `${colons} (${ownerName})` : colons} ${typeName}`;
}

/** A cipher or AKM suite: OUI and type, labelled `00:0f:ac (Ieee 802.11) AES (CCM)`. */
function addSuite(tvb: Tvb, at: number, tree: Tree, base: SuiteBase): void {
  const oui = tvb.u24(at);
  const type = tvb.u8(at + 3);
  const table = base.endsWith('akms') ? AKMS : CIPHERS;
  const [owner, ownerName] = suiteOwner(base);
  const known = oui === owner;
  tree.push(MGT[base], tvb, at, 4, tvb.u32(at));
  const typeDef = base === 'wfa.ie.wpa.akms' ? MGT['wfa.ie.wpa.type'] : MGT[`${base}.type`];
  if (tree.full) tree.label(`${MGT[base].name}: ${suiteText(tvb, at, base)}`);
  tree.add(MGT[`${base}.oui`], tvb, at, 3, oui);
  if (tree.full)
    tree.labelLast(`${MGT[`${base}.oui`].name}: ${ouiText(tvb.bytes, at)}${known ? ` (${ownerName})` : ''}`);
  tree.add(typeDef, tvb, at + 3, 1, type);
  if (tree.full) {
    const name = known ? table.get(type) : undefined;
    tree.labelLast(name === undefined ? `${typeDef.name}: ${type}` : `${typeDef.name}: ${name} (${type})`);
  }
  tree.pop();
}

/** A suite count, then the list of that many suites (cut to what the element holds). */
function addSuiteList(
  tvb: Tvb,
  at: number,
  end: number,
  pinfo: PacketInfo,
  tree: Tree,
  count: 'rsn.pcs.count' | 'rsn.akms.count' | 'wfa.ie.wpa.ucs.count' | 'wfa.ie.wpa.akms.count',
  list: 'rsn.pcs.list' | 'rsn.akms.list' | 'wfa.ie.wpa.ucs.list' | 'wfa.ie.wpa.akms.list',
  suite: SuiteBase,
): number {
  const n = tvb.u16le(at);
  tree.push(MGT[count], tvb, at, 2, n);
  const room = end - (at + 2);
  if (n * 4 > room) {
    expertInfo(tree, tvb, at, 2, 'Error', 'Malformed', `${MGT[count].name} too large, 4*${n} > ${room}`);
    pinfo.malformed = true;
  }
  tree.pop();
  at += 2;
  const fits = Math.min(n, Math.floor(Math.max(0, room) / 4));
  tree.push(MGT[list], tvb, at, fits * 4, 1);
  if (tree.full && n * 4 <= room) {
    const names = [];
    for (let i = 0; i < fits; i++) names.push(suiteText(tvb, at + 4 * i, suite));
    tree.label(`${MGT[list].name}${names.map((x) => ` ${x}`).join('')}`);
  }
  for (let i = 0; i < fits; i++) addSuite(tvb, at + 4 * i, tree, suite);
  tree.pop();
  return at + fits * 4;
}

/** Microsoft's WPA element: version, multicast suite, unicast and AKM suite lists. */
function addWpa(tvb: Tvb, start: number, end: number, pinfo: PacketInfo, tree: Tree): void {
  let at = start;
  if (at >= end) return;
  tree.add(MGT['wfa.ie.wpa.version'], tvb, at, 2, tvb.u16le(at));
  at += 2;
  if (at >= end) return;
  addSuite(tvb, at, tree, 'wfa.ie.wpa.mcs');
  at += 4;
  if (at >= end) return;
  at = addSuiteList(
    tvb,
    at,
    end,
    pinfo,
    tree,
    'wfa.ie.wpa.ucs.count',
    'wfa.ie.wpa.ucs.list',
    'wfa.ie.wpa.ucs',
  );
  if (at >= end) return;
  addSuiteList(tvb, at, end, pinfo, tree, 'wfa.ie.wpa.akms.count', 'wfa.ie.wpa.akms.list', 'wfa.ie.wpa.akms');
}

/**
 * The RSN element, read as Wireshark reads it: each part only while the element has bytes left
 * (a part cut short is malformed), a suite count too large for what is left noted and its list
 * cut to what fits.
 */
function addRsn(tvb: Tvb, start: number, len: number, pinfo: PacketInfo, tree: Tree): void {
  const end = start + len;
  let at = start;
  if (at >= end) return;
  tree.add(MGT['rsn.version'], tvb, at, 2, tvb.u16le(at));
  at += 2;
  if (at >= end) return;
  addSuite(tvb, at, tree, 'rsn.gcs');
  at += 4;
  if (at >= end) return;
  at = addSuiteList(tvb, at, end, pinfo, tree, 'rsn.pcs.count', 'rsn.pcs.list', 'rsn.pcs');
  if (at >= end) return;
  at = addSuiteList(tvb, at, end, pinfo, tree, 'rsn.akms.count', 'rsn.akms.list', 'rsn.akms');
  if (at >= end) return;
  const caps = tvb.u16le(at);
  tree.push(MGT['rsn.capabilities'], tvb, at, 2, caps);
  for (const key of [
    'preauth',
    'no_pairwise',
    'mfpr',
    'mfpc',
    'jmr',
    'peerkey',
    'extended_key_id_iaf',
  ] as const) {
    const def = MGT[`rsn.capabilities.${key}`];
    if (key === 'mfpr') {
      tree.add(MGT['rsn.capabilities.ptksa_replay_counter'], tvb, at, 2, (caps >> 2) & 3);
      tree.add(MGT['rsn.capabilities.gtksa_replay_counter'], tvb, at, 2, (caps >> 4) & 3);
    }
    tree.add(def, tvb, at, 2, (caps & (def.mask ?? 0)) !== 0);
  }
  tree.pop();
}

/** A vendor-specific element: the OUI, its type, and Microsoft's WMM parameters taken apart. */
function addVendor(
  tvb: Tvb,
  at: number,
  len: number,
  pinfo: PacketInfo,
  tree: Tree,
  name: string,
  fromSta: boolean,
): void {
  if (len < 3) return;
  const oui = tvb.u24(at);
  const vendor = VENDORS.get(oui);
  const colons = ouiText(tvb.bytes, at);
  tree.add(MGT['tag.oui'], tvb, at, 3, oui);
  if (tree.full) tree.labelLast(`OUI: ${colons}${vendor ? ` (${vendor})` : ''}`);
  let label = `Tag: ${name}: ${vendor ?? colons}`;
  if (len >= 4) tree.add(MGT['tag.vendor.oui.type'], tvb, at + 3, 1, tvb.u8(at + 3));
  if (oui === 0x0050f2 && len >= 4) {
    const type = tvb.u8(at + 3);
    tree.add(MGT['wfa.ie.type'], tvb, at + 3, 1, type);
    label += `: ${MS_TYPES.get(type) ?? 'Unknown'}`;
    // Labelled before the rest is read, so an element cut short keeps what was known.
    if (tree.full) tree.label(label);
    if (type === 2 && len >= 6) label += addWme(tvb, at + 4, at + len, tree, fromSta);
    else if (type === 1) addWpa(tvb, at + 4, at + len, pinfo, tree);
    else if (len > 4) tree.add(MGT['tag.vendor.data'], tvb, at + 4, len - 4);
  } else if (len > 4) {
    tree.add(MGT['tag.vendor.data'], tvb, at + 4, len - 4);
  }
  if (tree.full) tree.label(label);
}

/** WMM/WME: subtype, version, QoS info and, in a parameter element, the four AC parameter sets. */
function addWme(tvb: Tvb, at: number, end: number, tree: Tree, fromSta: boolean): string {
  const subtype = tvb.u8(at);
  tree.add(MGT['wfa.ie.wme.subtype'], tvb, at, 1, subtype);
  tree.add(MGT['wfa.ie.wme.version'], tvb, at + 1, 1, tvb.u8(at + 1));
  let p = at + 2;
  if ((subtype === 0 || subtype === 1) && p < end) {
    const qos = tvb.u8(p);
    tree.push(MGT['wfa.ie.wme.qos_info'], tvb, p, 1, qos);
    if (fromSta) {
      tree.add(MGT['wfa.ie.wme.qos_info.sta.max_sp_length'], tvb, p, 1, (qos >> 5) & 0x03);
      tree.add(MGT['wfa.ie.wme.qos_info.sta.ac_be'], tvb, p, 1, (qos & 0x08) !== 0);
      tree.add(MGT['wfa.ie.wme.qos_info.sta.ac_bk'], tvb, p, 1, (qos & 0x04) !== 0);
      tree.add(MGT['wfa.ie.wme.qos_info.sta.ac_vi'], tvb, p, 1, (qos & 0x02) !== 0);
      tree.add(MGT['wfa.ie.wme.qos_info.sta.ac_vo'], tvb, p, 1, (qos & 0x01) !== 0);
      tree.add(MGT['wfa.ie.wme.qos_info.sta.reserved'], tvb, p, 1, (qos & 0x90) >> 4);
    } else {
      tree.add(MGT['wfa.ie.wme.qos_info.ap.u_apsd'], tvb, p, 1, (qos & 0x80) !== 0);
      tree.add(MGT['wfa.ie.wme.qos_info.ap.parameter_set_count'], tvb, p, 1, qos & 0x0f);
      tree.add(MGT['wfa.ie.wme.qos_info.ap.reserved'], tvb, p, 1, (qos >> 4) & 0x07);
    }
    tree.pop();
    p += 1;
  }
  if (subtype === 1 && p < end) {
    tree.add(MGT['wfa.ie.wme.reserved'], tvb, p, 1);
    p += 1;
    for (let i = 0; i < 4 && p + 4 <= end; i++, p += 4) addAcParameters(tvb, p, tree);
  }
  return `: ${WME_SUBTYPES.get(subtype) ?? 'Unknown'}`;
}

function addAcParameters(tvb: Tvb, p: number, tree: Tree): void {
  const aciAifsn = tvb.u8(p);
  const ecw = tvb.u8(p + 1);
  const txop = tvb.u16le(p + 2);
  const aci = (aciAifsn >> 5) & 3;
  const acm = (aciAifsn & 0x10) !== 0;
  const aifsn = aciAifsn & 0x0f;
  const ecwMin = ecw & 0x0f;
  const ecwMax = ecw >> 4;
  const cwMin = (1 << ecwMin) - 1;
  const cwMax = (1 << ecwMax) - 1;
  tree.push(MGT['wfa.ie.wme.acp'], tvb, p, 4, 1);
  if (tree.full)
    tree.label(
      `Ac Parameters ACI ${aci} (${ACI_NAMES.get(aci) ?? ''}), ACM ${acm ? 'yes' : 'no'}, AIFSN ${aifsn}, ` +
        `ECWmin/max ${ecwMin}/${ecwMax} (CWmin/max ${cwMin}/${cwMax}), TXOP ${txop}`,
    );
  tree.push(MGT['wfa.ie.wme.acp.aci_aifsn'], tvb, p, 1, aciAifsn);
  tree.add(MGT['wfa.ie.wme.acp.aifsn'], tvb, p, 1, aifsn);
  tree.add(MGT['wfa.ie.wme.acp.acm'], tvb, p, 1, acm);
  tree.add(MGT['wfa.ie.wme.acp.aci'], tvb, p, 1, aci);
  tree.add(MGT['wfa.ie.wme.acp.reserved'], tvb, p, 1, aciAifsn >> 7);
  tree.pop();
  tree.push(MGT['wfa.ie.wme.acp.ecw'], tvb, p + 1, 1, ecw);
  tree.add(MGT['wfa.ie.wme.acp.ecw.max'], tvb, p + 1, 1, ecwMax);
  tree.add(MGT['wfa.ie.wme.acp.ecw.min'], tvb, p + 1, 1, ecwMin);
  tree.add(MGT['wfa.ie.wme.acp.cw.max'], tvb, p + 1, 1, cwMax);
  tree.add(MGT['wfa.ie.wme.acp.cw.min'], tvb, p + 1, 1, cwMin);
  tree.pop();
  tree.add(MGT['wfa.ie.wme.acp.txop_limit'], tvb, p + 2, 2, txop);
  tree.pop();
}

const CATEGORY_BLOCK_ACK = 3;

/** An action frame's category, and for Block Ack (ADDBA, DELBA) its action and parameters. */
function addAction(tvb: Tvb, o: number, pinfo: PacketInfo, tree: Tree): number {
  let at = o;
  const category = tvb.u8(at);
  tree.add(MGT['fixed.category_code'], tvb, at, 1, category);
  at += 1;
  if (category !== CATEGORY_BLOCK_ACK) return at;
  const action = tvb.u8(at);
  tree.add(MGT['fixed.action_code'], tvb, at, 1, action);
  at += 1;
  const u16 = (def: (typeof MGT)['fixed.batimeout']): number => {
    const v = tvb.u16le(at);
    tree.add(def, tvb, at, 2, v);
    at += 2;
    return v;
  };
  switch (action) {
    case 0:
    case 1: {
      const token = tvb.u8(at);
      tree.add(MGT['fixed.dialog_token'], tvb, at, 1, token);
      if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info}, Dialog Token=${token}`);
      at += 1;
      if (action === 1) u16(MGT['fixed.status_code']);
      addBaParams(tvb, at, tree);
      at += 2;
      u16(MGT['fixed.batimeout']);
      if (action === 0) {
        const ssc = tvb.u16le(at);
        tree.push(MGT['fixed.ssc'], tvb, at, 2, ssc);
        tree.add(MGT['fixed.ssc.fragment'], tvb, at, 2, ssc & 0x0f);
        tree.add(MGT['fixed.ssc.sequence'], tvb, at, 2, ssc >> 4);
        tree.pop();
        at += 2;
      }
      break;
    }
    case 2: {
      const param = tvb.u16le(at);
      tree.push(MGT['fixed.delba.param'], tvb, at, 2, param);
      tree.add(MGT['fixed.delba.param.reserved'], tvb, at, 2, param & 0x07ff);
      tree.add(MGT['fixed.delba.param.initiator'], tvb, at, 2, (param & 0x0800) !== 0);
      tree.add(MGT['fixed.delba.param.tid'], tvb, at, 2, param >> 12);
      tree.pop();
      at += 2;
      u16(MGT['fixed.reason_code']);
      break;
    }
    default:
      break;
  }
  return at;
}

function addBaParams(tvb: Tvb, at: number, tree: Tree): void {
  const v = tvb.u16le(at);
  tree.push(MGT['fixed.baparams'], tvb, at, 2, v);
  if (tree.full) {
    const set = [v & 1 ? ', A-MSDUs' : '', v & 2 ? ', Block Ack Policy' : ''].join('');
    tree.label(`Block Ack Parameters: 0x${v.toString(16).padStart(4, '0')}${set}`);
  }
  tree.add(MGT['fixed.baparams.amsdu'], tvb, at, 2, (v & 1) !== 0);
  tree.add(MGT['fixed.baparams.policy'], tvb, at, 2, (v & 2) !== 0);
  tree.add(MGT['fixed.baparams.tid'], tvb, at, 2, (v >> 2) & 0x0f);
  tree.add(MGT['fixed.baparams.buffersize'], tvb, at, 2, v >> 6);
  tree.pop();
}

/** Elements whose items Wireshark adds before finding them too long for the frame. */
const READ_WHEN_OVERLONG = new Set([0, 1, 50, 221]);
const CONTAINED = 'length of contained item exceeds length of containing item';

/**
 * An element that claims more than the frame holds: those Wireshark adds item by item are read
 * until they run out (a contained-length error); the others end at once (a plain bounds error).
 */
function readOverlong(
  tvb: Tvb,
  number: number,
  value: number,
  length: number,
  end: number,
  pinfo: PacketInfo,
  tree: Tree,
  name: string,
  fromSta: boolean,
): never {
  if (!READ_WHEN_OVERLONG.has(number)) throw new MalformedError('Malformed Packet', value);
  if (number === 0) throw new MalformedError('Malformed Packet', value, CONTAINED);
  try {
    addTagValue(tvb.sub(value, end - value), number, value, length, pinfo, tree, name, fromSta);
  } catch (err) {
    if (err instanceof MalformedError) throw new MalformedError('Malformed Packet', err.offset, CONTAINED);
    throw err;
  }
  throw new MalformedError('Malformed Packet', end, CONTAINED);
}
