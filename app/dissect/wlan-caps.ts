// Capability bit maps: Extended Capabilities (127) and RM Enabled Capabilities (70), one item per
// octet with its bits under it. Names and value strings are tshark 4.0's (`tshark -G`).
import { applyMask, bool, fields, hex, names, uint, FieldType, type FieldDef } from './field.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const EXTCAP_SERV_INT_GRANULARITY = names({
  0: '5 ms',
  1: '10 ms',
  2: '15 ms',
  3: '20 ms',
  4: '25 ms',
  5: '30 ms',
  6: '35 ms',
  7: '40 ms',
});
export const CAPS = fields('wlan', {
  rmcap: hex('RM Capabilities', 8),
  'rmcap.b0': bool('Link Measurement', 8, 0x1, { tf: ['Enabled', 'Disabled'] }),
  'rmcap.b1': bool('Neighbor Report', 8, 0x2, { tf: ['Enabled', 'Disabled'] }),
  'rmcap.b2': bool('Parallel Measurements', 8, 0x4, { tf: ['Enabled', 'Disabled'] }),
  'rmcap.b3': bool('Repeated Measurements', 8, 0x8, { tf: ['Enabled', 'Disabled'] }),
  'rmcap.b4': bool('Beacon Passive Measurement', 8, 0x10, { tf: ['Enabled', 'Disabled'] }),
  'rmcap.b5': bool('Beacon Active Measurement', 8, 0x20, { tf: ['Enabled', 'Disabled'] }),
  'rmcap.b6': bool('Beacon Table Measurement', 8, 0x40, { tf: ['Supported', 'Not supported'] }),
  'rmcap.b7': bool('Beacon Measurement Reporting Conditions', 8, 0x80, { tf: ['Enabled', 'Disabled'] }),
  'rmcap.b8': bool('Frame Measurement', 8, 0x1, { tf: ['Enabled', 'Disabled'] }),
  'rmcap.b9': bool('Channel Load Measurement', 8, 0x2, { tf: ['Enabled', 'Disabled'] }),
  'rmcap.b10': bool('Noise Histogram Measurement', 8, 0x4, { tf: ['Enabled', 'Disabled'] }),
  'rmcap.b11': bool('Statistics Measurement', 8, 0x8, { tf: ['Enabled', 'Disabled'] }),
  'rmcap.b12': bool('LCI Measurement', 8, 0x10, { tf: ['Enabled', 'Disabled'] }),
  'rmcap.b13': bool('LCI Azimuth capability', 8, 0x20, { tf: ['Enabled', 'Disabled'] }),
  'rmcap.b14': bool('Transmit Stream/Category Measurement', 8, 0x40, { tf: ['Supported', 'Not supported'] }),
  'rmcap.b15': bool('Triggered Transmit Stream/Category Measurement', 8, 0x80, {
    tf: ['Enabled', 'Disabled'],
  }),
  'rmcap.b16': bool('AP Channel Report capability', 8, 0x1, { tf: ['Enabled', 'Disabled'] }),
  'rmcap.b17': bool('RM MIB capability', 8, 0x2, { tf: ['Enabled', 'Disabled'] }),
  'rmcap.b18to20': uint('Operating Channel Max Measurement Duration', 8, { mask: 0x1c }),
  'rmcap.b21to23': uint('Nonoperating Channel Max Measurement Duration', 8, { mask: 0xe0 }),
  'rmcap.b24to26': uint('Measurement Pilotcapability', 8, { mask: 0x7 }),
  'rmcap.b27': bool('Measurement Pilot Transmission Information', 8, 0x8, { tf: ['Enabled', 'Disabled'] }),
  'rmcap.b28': bool('Neighbor Report TSF Offset', 8, 0x10, { tf: ['Enabled', 'Disabled'] }),
  'rmcap.b29': bool('RCPI Measurement capability', 8, 0x20, { tf: ['Enabled', 'Disabled'] }),
  'rmcap.b30': bool('RSNI Measurement capability', 8, 0x40, { tf: ['Supported', 'Not supported'] }),
  'rmcap.b31': bool('BSS Average Access Delay capability', 8, 0x80, { tf: ['Enabled', 'Disabled'] }),
  'rmcap.b32': bool('BSS Available Admission Capacity capability', 8, 0x1, { tf: ['Enabled', 'Disabled'] }),
  'rmcap.b33': bool('Antenna capability', 8, 0x2, { tf: ['Enabled', 'Disabled'] }),
  'rmcap.b34': bool('FTM Range Report Capability', 8, 0x4, { tf: ['Enabled', 'Disabled'] }),
  'rmcap.b35': bool('Civic Location Measurement Capability', 8, 0x8, { tf: ['Enabled', 'Disabled'] }),
  'rmcap.o5': hex('Reserved', 8, { mask: 0xf0 }),
  extcap: hex('Extended Capabilities', 8),
  'extcap.b0': bool('20/40 BSS Coexistence Management Support', 8, 0x1, {
    tf: ['Supported', 'Not supported'],
  }),
  'extcap.b1': hex('Reserved (was On-demand beacon)', 8, { mask: 0x2 }),
  'extcap.b2': bool('Extended Channel Switching', 8, 0x4, { tf: ['Supported', 'Not supported'] }),
  'extcap.b3': hex('Reserved (was WAVE indication)', 8, { mask: 0x8 }),
  'extcap.b4': bool('PSMP Capability', 8, 0x10, { tf: ['Supported', 'Not supported'] }),
  'extcap.b5': hex('Reserved', 8, { mask: 0x20 }),
  'extcap.b6': bool('S-PSMP Support', 8, 0x40, { tf: ['Supported', 'Not supported'] }),
  'extcap.b7': bool('Event', 8, 0x80, { tf: ['Supported', 'Not supported'] }),
  'extcap.b8': bool('Diagnostics', 8, 0x1, { tf: ['Supported', 'Not supported'] }),
  'extcap.b9': bool('Multicast Diagnostics', 8, 0x2, { tf: ['Supported', 'Not supported'] }),
  'extcap.b10': bool('Location Tracking', 8, 0x4, { tf: ['Supported', 'Not supported'] }),
  'extcap.b11': bool('FMS', 8, 0x8, { tf: ['Supported', 'Not supported'] }),
  'extcap.b12': bool('Proxy ARP Service', 8, 0x10, { tf: ['Supported', 'Not supported'] }),
  'extcap.b13': bool('Collocated Interference Reporting', 8, 0x20, { tf: ['Supported', 'Not supported'] }),
  'extcap.b14': bool('Civic Location', 8, 0x40, { tf: ['Supported', 'Not supported'] }),
  'extcap.b15': bool('Geospatial Location', 8, 0x80, { tf: ['Supported', 'Not supported'] }),
  'extcap.b16': bool('TFS', 8, 0x1, { tf: ['Supported', 'Not supported'] }),
  'extcap.b17': bool('WNM Sleep Mode', 8, 0x2, { tf: ['Supported', 'Not supported'] }),
  'extcap.b18': bool('TIM Broadcast', 8, 0x4, { tf: ['Supported', 'Not supported'] }),
  'extcap.b19': bool('BSS Transition', 8, 0x8, { tf: ['Supported', 'Not supported'] }),
  'extcap.b20': bool('QoS Traffic Capability', 8, 0x10, { tf: ['Supported', 'Not supported'] }),
  'extcap.b21': bool('AC Station Count', 8, 0x20, { tf: ['Supported', 'Not supported'] }),
  'extcap.b22': bool('Multiple BSSID', 8, 0x40, { tf: ['Supported', 'Not supported'] }),
  'extcap.b23': bool('Timing Measurement', 8, 0x80, { tf: ['Supported', 'Not supported'] }),
  'extcap.b24': bool('Channel Usage', 8, 0x1, { tf: ['Supported', 'Not supported'] }),
  'extcap.b25': bool('SSID List', 8, 0x2, { tf: ['Supported', 'Not supported'] }),
  'extcap.b26': bool('DMS', 8, 0x4, { tf: ['Supported', 'Not supported'] }),
  'extcap.b27': bool('UTC TSF Offset', 8, 0x8, { tf: ['Supported', 'Not supported'] }),
  'extcap.b28': bool('TPU Buffer STA Support', 8, 0x10, { tf: ['Supported', 'Not supported'] }),
  'extcap.b29': bool('TDLS Peer PSM Support', 8, 0x20, { tf: ['Supported', 'Not supported'] }),
  'extcap.b30': bool('TDLS channel switching', 8, 0x40, { tf: ['Supported', 'Not supported'] }),
  'extcap.b31': bool('Interworking', 8, 0x80, { tf: ['Supported', 'Not supported'] }),
  'extcap.b32': bool('QoS Map', 8, 0x1, { tf: ['Supported', 'Not supported'] }),
  'extcap.b33': bool('EBR', 8, 0x2, { tf: ['Supported', 'Not supported'] }),
  'extcap.b34': bool('SSPN Interface', 8, 0x4, { tf: ['Supported', 'Not supported'] }),
  'extcap.b35': hex('Reserved', 8, { mask: 0x8 }),
  'extcap.b36': bool('MSGCF Capability', 8, 0x10, { tf: ['Supported', 'Not supported'] }),
  'extcap.b37': bool('TDLS Support', 8, 0x20, { tf: ['Supported', 'Not supported'] }),
  'extcap.b38': bool('TDLS Prohibited', 8, 0x40, { tf: ['Supported', 'Not supported'] }),
  'extcap.b39': bool('TDLS Channel Switching Prohibited', 8, 0x80, { tf: ['Supported', 'Not supported'] }),
  'extcap.b40': bool('Reject Unadmitted Frame', 8, 0x1, { tf: ['Supported', 'Not supported'] }),
  'extcap.serv_int_granularity': uint('Service Interval Granularity', 8, {
    mask: 0xe,
    strings: EXTCAP_SERV_INT_GRANULARITY,
  }),
  'extcap.b44': bool('Identifier Location', 8, 0x10, { tf: ['Supported', 'Not supported'] }),
  'extcap.b45': bool('U-APSD Coexistence', 8, 0x20, { tf: ['Supported', 'Not supported'] }),
  'extcap.b46': bool('WNM Notification', 8, 0x40, { tf: ['Supported', 'Not supported'] }),
  'extcap.b47': hex('QAB Capability', 8, { mask: 0x80 }),
  'extcap.b48': bool('UTF-8 SSID', 8, 0x1, { tf: ['Supported', 'Not supported'] }),
  'extcap.b49': bool('QMF Activated', 8, 0x2, { tf: ['True', 'False'] }),
  'extcap.b50': bool('QMF Reconfiguration Activated', 8, 0x4, { tf: ['True', 'False'] }),
  'extcap.b51': bool('Robust AV Streaming', 8, 0x8, { tf: ['True', 'False'] }),
  'extcap.b52': bool('Advanced GCR', 8, 0x10, { tf: ['True', 'False'] }),
  'extcap.b53': bool('Mesh GCR', 8, 0x20, { tf: ['True', 'False'] }),
  'extcap.b54': bool('SCS', 8, 0x40, { tf: ['True', 'False'] }),
  'extcap.b55': bool('QLoad Report', 8, 0x80, { tf: ['True', 'False'] }),
  'extcap.b56': bool('Alternate EDCA', 8, 0x1, { tf: ['True', 'False'] }),
  'extcap.b57': bool('Unprotected TXOP Negotiation', 8, 0x2, { tf: ['True', 'False'] }),
  'extcap.b58': bool('Protected TXOP Negotiation', 8, 0x4, { tf: ['True', 'False'] }),
  'extcap.b59': hex('Reserved', 8, { mask: 0x8 }),
  'extcap.b60': bool('Protected QLoad Report', 8, 0x10, { tf: ['True', 'False'] }),
  'extcap.b61': bool('TDLS Wider Bandwidth', 8, 0x20, { tf: ['Supported', 'Not supported'] }),
  'extcap.b62': bool('Operating Mode Notification', 8, 0x40, { tf: ['Supported', 'Not supported'] }),
  'extcap.b63': uint('Max Number Of MSDUs In A-MSDU', 8, { mask: 0x80 }),
  'extcap.b72': bool('FILS Capable', 8, 0x1, { tf: ['True', 'False'] }),
  'extcap.b73': bool('Extended Spectrum Management Capable', 8, 0x2, { tf: ['True', 'False'] }),
  'extcap.b74': bool('Future Channel Capable', 8, 0x4, { tf: ['True', 'False'] }),
  'extcap.b75': hex('Reserved', 8, { mask: 0x8 }),
  'extcap.b76': hex('Reserved', 8, { mask: 0x10 }),
  'extcap.b77': bool('TWT Requester Support', 8, 0x20, { tf: ['True', 'False'] }),
  'extcap.b78': bool('TWT Responder Support', 8, 0x40, { tf: ['True', 'False'] }),
  'extcap.b79': bool('OBSS Narrow Bandwidth RU in UL OFDMA Tolerance Support', 8, 0x80, {
    tf: ['True', 'False'],
  }),
  'extcap.b80': bool('Complete List of NonTxBSSID Profiles', 8, 0x1, { tf: ['True', 'False'] }),
  'extcap.b81': bool('SAE Password Identifiers In Use', 8, 0x2, { tf: ['True', 'False'] }),
  'extcap.b82': bool('SAE Passwords Used Exclusively', 8, 0x4, { tf: ['True', 'False'] }),
  'extcap.b83': bool('Enhanced Multi-BSSID Advertisement Support', 8, 0x8, { tf: ['True', 'False'] }),
  'extcap.b84': bool('Beacon Protection Enabled', 8, 0x10, { tf: ['True', 'False'] }),
  'extcap.b85': bool('Mirrored SCS', 8, 0x20, { tf: ['True', 'False'] }),
  'extcap.b86': bool('OCT', 8, 0x40, { tf: ['True', 'False'] }),
  'extcap.b87': hex('Reserved', 8, { mask: 0x80 }),
  'extcap.b88': bool('SAE-PK Passwords Used Exclusively', 8, 0x1, { tf: ['True', 'False'] }),
  'extcap.b89': hex('TWT Parameters Range Support', 8, { mask: 0x2 }),
  'extcap.b90': bool('non-TB Ranging Responder', 8, 0x4, { tf: ['True', 'False'] }),
  'extcap.b91': bool('TB Ranging Responder', 8, 0x8, { tf: ['True', 'False'] }),
  'extcap.b92': bool('TB Ranging Responder Measurement Support', 8, 0x10, { tf: ['True', 'False'] }),
  'extcap.b93': bool('TB Ranging Initiator Measurement Support', 8, 0x20, { tf: ['True', 'False'] }),
  'extcap.b94': bool('AOA Measurement Available', 8, 0x40, { tf: ['True', 'False'] }),
  'extcap.b95': bool('Phase Shift Feedback Support', 8, 0x80, { tf: ['True', 'False'] }),
  'extcap.dmg_location': bool('DMG/location supporting APs in the area', 8, 0x1, { tf: ['True', 'False'] }),
  'extcap.i2r_lmr_feedback_policy': bool('I2R LMR Feedback Policy', 8, 0x2, { tf: ['True', 'False'] }),
  'extcap.reserved2': hex('Reserved', 8, { mask: 0xfc }),
});
type CapKey = keyof typeof CAPS;
export const EXTCAP_OCTETS: readonly (readonly CapKey[])[] = [
  ['extcap.b0', 'extcap.b1', 'extcap.b2', 'extcap.b3', 'extcap.b4', 'extcap.b5', 'extcap.b6', 'extcap.b7'],
  [
    'extcap.b8',
    'extcap.b9',
    'extcap.b10',
    'extcap.b11',
    'extcap.b12',
    'extcap.b13',
    'extcap.b14',
    'extcap.b15',
  ],
  [
    'extcap.b16',
    'extcap.b17',
    'extcap.b18',
    'extcap.b19',
    'extcap.b20',
    'extcap.b21',
    'extcap.b22',
    'extcap.b23',
  ],
  [
    'extcap.b24',
    'extcap.b25',
    'extcap.b26',
    'extcap.b27',
    'extcap.b28',
    'extcap.b29',
    'extcap.b30',
    'extcap.b31',
  ],
  [
    'extcap.b32',
    'extcap.b33',
    'extcap.b34',
    'extcap.b35',
    'extcap.b36',
    'extcap.b37',
    'extcap.b38',
    'extcap.b39',
  ],
  ['extcap.b40', 'extcap.serv_int_granularity', 'extcap.b44', 'extcap.b45', 'extcap.b46', 'extcap.b47'],
  [
    'extcap.b48',
    'extcap.b49',
    'extcap.b50',
    'extcap.b51',
    'extcap.b52',
    'extcap.b53',
    'extcap.b54',
    'extcap.b55',
  ],
  [
    'extcap.b56',
    'extcap.b57',
    'extcap.b58',
    'extcap.b59',
    'extcap.b60',
    'extcap.b61',
    'extcap.b62',
    'extcap.b63',
  ],
  [
    'extcap.b72',
    'extcap.b73',
    'extcap.b74',
    'extcap.b75',
    'extcap.b76',
    'extcap.b77',
    'extcap.b78',
    'extcap.b79',
  ],
  [
    'extcap.b80',
    'extcap.b81',
    'extcap.b82',
    'extcap.b83',
    'extcap.b84',
    'extcap.b85',
    'extcap.b86',
    'extcap.b87',
  ],
  [
    'extcap.b88',
    'extcap.b89',
    'extcap.b90',
    'extcap.b91',
    'extcap.b92',
    'extcap.b93',
    'extcap.b94',
    'extcap.b95',
  ],
  ['extcap.dmg_location', 'extcap.i2r_lmr_feedback_policy', 'extcap.reserved2'],
];
export const RMCAP_OCTETS: readonly (readonly CapKey[])[] = [
  ['rmcap.b0', 'rmcap.b1', 'rmcap.b2', 'rmcap.b3', 'rmcap.b4', 'rmcap.b5', 'rmcap.b6', 'rmcap.b7'],
  ['rmcap.b8', 'rmcap.b9', 'rmcap.b10', 'rmcap.b11', 'rmcap.b12', 'rmcap.b13', 'rmcap.b14', 'rmcap.b15'],
  ['rmcap.b16', 'rmcap.b17', 'rmcap.b18to20', 'rmcap.b21to23'],
  ['rmcap.b24to26', 'rmcap.b27', 'rmcap.b28', 'rmcap.b29', 'rmcap.b30', 'rmcap.b31'],
  ['rmcap.b32', 'rmcap.b33', 'rmcap.b34', 'rmcap.b35', 'rmcap.o5'],
];

function addOctets(
  tvb: Tvb,
  at: number,
  count: number,
  tree: Tree,
  head: 'extcap' | 'rmcap',
  what: string,
  octets: readonly (readonly CapKey[])[],
): void {
  for (let i = 0; i < count; i++) {
    const keys = octets[i];
    if (!keys) return;
    const v = tvb.u8(at + i);
    tree.push(CAPS[head], tvb, at + i, 1, v);
    if (tree.full) tree.label(`${what}: 0x${v.toString(16).padStart(2, '0')} (octet ${i + 1})`);
    for (const key of keys) {
      const def: FieldDef = CAPS[key];
      const bits = applyMask(def, v);
      tree.add(def, tvb, at + i, 1, def.type === FieldType.Bool ? bits !== 0 : bits);
    }
    tree.pop();
  }
}

/**
 * Extended Capabilities: octets 1 to 8 one by one. From 9 octets on, Wireshark shows octets 8 and
 * 9 as one 16-bit item; those and the rest are left undecoded here.
 */
export function addExtendedCapabilities(tvb: Tvb, at: number, len: number, tree: Tree): void {
  addOctets(tvb, at, len <= 8 ? len : 7, tree, 'extcap', 'Extended Capabilities', EXTCAP_OCTETS);
}

/** RM Enabled Capabilities: five octets of measurement capabilities. */
export function addRmCapabilities(tvb: Tvb, at: number, len: number, tree: Tree): void {
  addOctets(tvb, at, Math.min(len, 5), tree, 'rmcap', 'RM Capabilities', RMCAP_OCTETS);
}
