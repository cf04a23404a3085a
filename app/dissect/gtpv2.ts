// GTPv2-C (3GPP TS 29.274), reached through GTP's UDP ports when the version is 2, as tshark 4.0
// shows it: the header (flags, message type in Info, length, TEID when flagged, sequence number,
// message priority or spare) and each information element by type, length, CR flag and instance.
// The contents of the IEs (ULI, F-TEID, bearer contexts, …) are not decoded here, nor is a
// piggybacked message.
import { fields, FieldType, hex, names, proto, uint, type FieldDef } from './field.ts';
import { expert } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const MESSAGES = names({
  0: 'Reserved',
  1: 'Echo Request',
  2: 'Echo Response',
  3: 'Version Not Supported Indication',
  4: 'Node Alive Request',
  5: 'Node Alive Response',
  6: 'Redirection Request',
  7: 'Redirection Response',
  25: 'SRVCC PS to CS Request',
  26: 'SRVCC PS to CS Response',
  27: 'SRVCC PS to CS Complete Notification',
  28: 'SRVCC PS to CS Complete Acknowledge',
  29: 'SRVCC PS to CS Cancel Notification',
  30: 'SRVCC PS to CS Cancel Acknowledge',
  31: 'SRVCC CS to PS Request',
  32: 'Create Session Request',
  33: 'Create Session Response',
  34: 'Modify Bearer Request',
  35: 'Modify Bearer Response',
  36: 'Delete Session Request',
  37: 'Delete Session Response',
  38: 'Change Notification Request',
  39: 'Change Notification Response',
  40: 'Remote UE Report Notification',
  41: 'Remote UE Report Acknowledge',
  64: 'Modify Bearer Command',
  65: 'Modify Bearer Failure Indication',
  66: 'Delete Bearer Command',
  67: 'Delete Bearer Failure Indication',
  68: 'Bearer Resource Command',
  69: 'Bearer Resource Failure Indication',
  70: 'Downlink Data Notification Failure Indication',
  71: 'Trace Session Activation',
  72: 'Trace Session Deactivation',
  73: 'Stop Paging Indication',
  95: 'Create Bearer Request',
  96: 'Create Bearer Response',
  97: 'Update Bearer Request',
  98: 'Update Bearer Response',
  99: 'Delete Bearer Request',
  100: 'Delete Bearer Response',
  101: 'Delete PDN Connection Set Request',
  102: 'Delete PDN Connection Set Response',
  103: 'PGW Downlink Triggering Notification',
  104: 'PGW Downlink Triggering Acknowledge',
  128: 'Identification Request',
  129: 'Identification Response',
  130: 'Context Request',
  131: 'Context Response',
  132: 'Context Acknowledge',
  133: 'Forward Relocation Request',
  134: 'Forward Relocation Response',
  135: 'Forward Relocation Complete Notification',
  136: 'Forward Relocation Complete Acknowledge',
  137: 'Forward Access Context Notification',
  138: 'Forward Access Context Acknowledge',
  139: 'Relocation Cancel Request',
  140: 'Relocation Cancel Response',
  141: 'Configuration Transfer Tunnel',
  149: 'Detach Notification',
  150: 'Detach Acknowledge',
  151: 'CS Paging Indication',
  152: 'RAN Information Relay',
  153: 'Alert MME Notification',
  154: 'Alert MME Acknowledge',
  155: 'UE Activity Notification',
  156: 'UE Activity Acknowledge',
  157: 'ISR Status Indication',
  158: 'UE Registration Query Request',
  159: 'UE Registration Query Response',
  160: 'Create Forwarding Tunnel Request',
  161: 'Create Forwarding Tunnel Response',
  162: 'Suspend Notification',
  163: 'Suspend Acknowledge',
  164: 'Resume Notification',
  165: 'Resume Acknowledge',
  166: 'Create Indirect Data Forwarding Tunnel Request',
  167: 'Create Indirect Data Forwarding Tunnel Response',
  168: 'Delete Indirect Data Forwarding Tunnel Request',
  169: 'Delete Indirect Data Forwarding Tunnel Response',
  170: 'Release Access Bearers Request',
  171: 'Release Access Bearers Response',
  176: 'Downlink Data Notification',
  177: 'Downlink Data Notification Acknowledgement',
  178: 'Reserved. Allocated in earlier version of the specification.',
  179: 'PGW Restart Notification',
  180: 'PGW Restart Notification Acknowledge',
  200: 'Update PDN Connection Set Request',
  201: 'Update PDN Connection Set Response',
  211: 'Modify Access Bearers Request',
  212: 'Modify Access Bearers Response',
  231: 'MBMS Session Start Request',
  232: 'MBMS Session Start Response',
  233: 'MBMS Session Update Request',
  234: 'MBMS Session Update Response',
  235: 'MBMS Session Stop Request',
  236: 'MBMS Session Stop Response',
  240: 'SRVCC CS to PS Response',
  241: 'SRVCC CS to PS Complete Notification',
  242: 'SRVCC CS to PS Complete Acknowledge',
  243: 'SRVCC CS to PS Cancel Notification',
  244: 'SRVCC CS to PS Cancel Acknowledge',
});
const IE_TYPES = names({
  0: 'Reserved',
  1: 'International Mobile Subscriber Identity (IMSI)',
  2: 'Cause',
  3: 'Recovery (Restart Counter)',
  51: 'STN-SR',
  52: 'Source to Target Transparent Container',
  53: 'Target to Source Transparent Container',
  54: 'MM Context for E-UTRAN SRVCC',
  55: 'MM Context for UTRAN SRVCC',
  56: 'SRVCC Cause',
  57: 'Target RNC ID',
  58: 'Target Global Cell ID',
  59: 'TEID-C',
  60: 'Sv Flags',
  61: 'Service Area Identifier',
  62: 'MM Context for CS to PS SRVCC',
  71: 'Access Point Name (APN)',
  72: 'Aggregate Maximum Bit Rate (AMBR)',
  73: 'EPS Bearer ID (EBI)',
  74: 'IP Address',
  75: 'Mobile Equipment Identity (MEI)',
  76: 'MSISDN',
  77: 'Indication',
  78: 'Protocol Configuration Options (PCO)',
  79: 'PDN Address Allocation (PAA)',
  80: 'Bearer Level Quality of Service (Bearer QoS)',
  81: 'Flow Quality of Service (Flow QoS)',
  82: 'RAT Type',
  83: 'Serving Network',
  84: 'EPS Bearer Level Traffic Flow Template (Bearer TFT)',
  85: 'Traffic Aggregation Description (TAD)',
  86: 'User Location Info (ULI)',
  87: 'Fully Qualified Tunnel Endpoint Identifier (F-TEID)',
  88: 'TMSI',
  89: 'Global CN-Id',
  90: 'S103 PDN Data Forwarding Info (S103PDF)',
  91: 'S1-U Data Forwarding Info (S1UDF)',
  92: 'Delay Value',
  93: 'Bearer Context',
  94: 'Charging ID',
  95: 'Charging Characteristics',
  96: 'Trace Information',
  97: 'Bearer Flags',
  98: 'Paging Cause',
  99: 'PDN Type',
  100: 'Procedure Transaction ID',
  101: 'DRX Parameter',
  102: 'UE Network Capability',
  103: 'MM Context (GSM Key and Triplets)',
  104: 'MM Context (UMTS Key, Used Cipher and Quintuplets)',
  105: 'MM Context (GSM Key, Used Cipher and Quintuplets)',
  106: 'MM Context (UMTS Key and Quintuplets)',
  107: 'MM Context (EPS Security Context, Quadruplets and Quintuplets)',
  108: 'MM Context (UMTS Key, Quadruplets and Quintuplets)',
  109: 'PDN Connection',
  110: 'PDU Numbers',
  111: 'P-TMSI',
  112: 'P-TMSI Signature',
  113: 'Hop Counter',
  114: 'UE Time Zone',
  115: 'Trace Reference',
  116: 'Complete Request Message',
  117: 'GUTI',
  118: 'F-Container',
  119: 'F-Cause',
  120: 'Selected PLMN ID',
  121: 'Target Identification',
  122: 'NSAPI',
  123: 'Packet Flow ID',
  124: 'RAB Context',
  125: 'Source RNC PDCP Context Info',
  126: 'UDP Source Port Number',
  127: 'APN Restriction',
  128: 'Selection Mode',
  129: 'Source Identification',
  130: 'Bearer Control Mode',
  131: 'Change Reporting Action',
  132: 'Fully Qualified PDN Connection Set Identifier (FQ-CSID)',
  133: 'Channel needed',
  134: 'eMLPP Priority',
  135: 'Node Type',
  136: 'Fully Qualified Domain Name (FQDN)',
  137: 'Transaction Identifier (TI)',
  138: 'MBMS Session Duration',
  139: 'MBMS Service Area',
  140: 'MBMS Session Identifier',
  141: 'MBMS Flow Identifier',
  142: 'MBMS IP Multicast Distribution',
  143: 'MBMS Distribution Acknowledge',
  144: 'RFSP Index',
  145: 'User CSG Information (UCI)',
  146: 'CSG Information Reporting Action',
  147: 'CSG ID',
  148: 'CSG Membership Indication (CMI)',
  149: 'Service indicator',
  150: 'Detach Type',
  151: 'Local Distinguished Name (LDN)',
  152: 'Node Features',
  153: 'MBMS Time to Data Transfer',
  154: 'Throttling',
  155: 'Allocation/Retention Priority (ARP)',
  156: 'EPC Timer',
  157: 'Signalling Priority Indication',
  158: 'Temporary Mobile Group Identity',
  159: 'Additional MM context for SRVCC',
  160: 'Additional flags for SRVCC',
  161: 'Max MBR/APN-AMBR (MMBR)',
  162: 'MDT Configuration',
  163: 'Additional Protocol Configuration Options (APCO)',
  164: 'Absolute Time of MBMS Data Transfer',
  165: 'H(e)NB Information Reporting',
  166: 'IPv4 Configuration Parameters (IP4CP)',
  167: 'Change to Report Flags',
  168: 'Action Indication',
  169: 'TWAN Identifier ',
  170: 'ULI Timestamp',
  171: 'MBMS Flags',
  172: 'RAN/NAS Cause',
  173: 'CN Operator Selection Entity',
  174: 'Trusted WLAN Mode Indication',
  175: 'Node Number',
  176: 'Node Identifier',
  177: 'Presence Reporting Area Action',
  178: 'Presence Reporting Area Information',
  179: 'TWAN Identifier Timestamp',
  180: 'Overload Control Information',
  181: 'Load Control Information',
  182: 'Metric',
  183: 'Sequence Number',
  184: 'APN and Relative Capacity',
  185: 'WLAN Offloadability Indication',
  186: 'Paging and Service Information',
  187: 'Integer Number',
  188: 'Millisecond Time Stamp',
  189: 'Monitoring Event Information',
  190: 'ECGI List',
  191: 'Remote UE Context',
  192: 'Remote User ID',
  193: 'Remote UE IP information',
  194: 'CIoT Optimizations Support Indication',
  195: 'SCEF PDN Connection',
  196: 'Header Compression Configuration',
  197: 'Extended Protocol Configuration Options(ePCO)',
  198: 'Serving PLMN Rate Control',
  199: 'Counter',
  200: 'Mapped UE Usage Type',
  201: 'Secondary RAT Usage Data Report',
  202: 'UP Function Selection Indication Flags',
  203: 'Maximum Packet Loss Rate',
  204: 'APN Rate Control Status',
  205: 'Extended Trace Information',
  206: 'Monitoring Event Extension Information',
  207: 'Additional RRM Policy Index',
  208: 'V2X Context',
  209: 'PC5 QoS Parameters',
  210: 'Services Authorized',
  211: 'Bit Rate',
  212: 'PC5 QoS Flow',
  213: 'SGi PtP Tunnel Address',
  214: 'PGW Change Info',
  215: 'PGW Set FQDN',
  255: 'Private Extension',
});

export const F = fields('gtpv2', {
  '': proto('GPRS Tunneling Protocol V2'),
  flags: hex('Flags', 8),
  version: uint('Version', 8, { mask: 0xe0 }),
  p: uint('Piggybacking flag (P)', 8, { mask: 0x10 }),
  t: uint('TEID flag (T)', 8, { mask: 0x08 }),
  mp: uint('Message Priority(MP)', 8, { mask: 0x04 }),
  message_type: uint('Message Type', 8, { strings: MESSAGES }),
  msg_length: uint('Message Length', 16),
  teid: hex('Tunnel Endpoint Identifier', 32, { base: 'hex_dec' }),
  seq: hex('Sequence Number', 24, { base: 'hex_dec' }),
  spare: uint('Spare', 16),
  ie_type: uint('IE Type', 8, { strings: IE_TYPES }),
  ie_len: uint('IE Length', 16),
  cr: uint('CR flag', 8, { mask: 0xf0 }),
  instance: uint('Instance', 8, { mask: 0x0f }),
});

/** The message priority shares `gtpv2.mp` with the flag, as in Wireshark. */
const PRIORITY: FieldDef = {
  ...hex('Message Priority', 8, { base: 'hex_dec', mask: 0xf0 }),
  abbrev: 'gtpv2.mp',
  id: -1,
};
/** IEs made of IEs: Bearer Context, PDN Connection, Overload and Load Control Information, SCEF PDN Connection. */
const GROUPED: ReadonlySet<number> = new Set([93, 109, 180, 181, 195]);
const SUBTREE: FieldDef = { name: '', type: FieldType.None, abbrev: '', id: -1 };

export function dissectGtpv2(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('gtpv2');
  pinfo.setProto('GTPv2');
  const type = tvb.u8(o + 1);
  if (pinfo.wantInfo) pinfo.setInfo(MESSAGES.get(type) ?? 'Unknown');
  const len = tvb.u16(o + 2);
  tree.push(F[''], tvb, o, len + 4);
  const flags = tvb.u8(o);
  tree.push(F.flags, tvb, o, 1, flags);
  tree.add(F.version, tvb, o, 1, flags >> 5);
  tree.add(F.p, tvb, o, 1, (flags >> 4) & 1);
  tree.add(F.t, tvb, o, 1, (flags >> 3) & 1);
  tree.add(F.mp, tvb, o, 1, (flags >> 2) & 1);
  tree.pop();
  tree.add(F.message_type, tvb, o + 1, 1, type);
  tree.add(F.msg_length, tvb, o + 2, 2, len);
  let p = o + 4;
  if (flags & 0x08) {
    tree.add(F.teid, tvb, p, 4, tvb.u32(p));
    p += 4;
  }
  tree.add(F.seq, tvb, p, 3, tvb.u24(p));
  p += 3;
  if (flags & 0x04) tree.add(PRIORITY, tvb, p, 1, tvb.u8(p) >> 4);
  else tree.add(F.spare, tvb, p, 1, tvb.u8(p));
  p += 1;
  // A piggybacked message follows this one: only this message's length holds its IEs.
  const end = flags & 0x10 ? Math.min(tvb.reportedEnd, o + len + 4) : tvb.reportedEnd;
  ies(tvb, pinfo, tree, p, end);
  tree.pop();
  return tvb.remaining(o);
}

function ies(tvb: Tvb, pinfo: PacketInfo, tree: Tree, p: number, end: number): void {
  while (p < end) {
    let left = end - p;
    if (left < 3) {
      expert(
        pinfo,
        tree,
        tvb,
        p,
        left,
        'Error',
        'Malformed',
        `Not enough data left for IE and length, ${left} bytes`,
      );
      return;
    }
    const type = tvb.u8(p);
    const len = tvb.u16(p + 1);
    left -= 4;
    if (left < len) {
      expert(
        pinfo,
        tree,
        tvb,
        p + 4,
        left,
        'Error',
        'Malformed',
        `Less data left than indicated by length ${len}, remaining length ${left}`,
      );
      tree.add(F.ie_type, tvb, p, 1, type);
      tree.add(F.ie_len, tvb, p + 1, 2, len);
      return;
    }
    const grouped = GROUPED.has(type);
    tree.push(SUBTREE, tvb, p, 4 + len);
    if (tree.full) tree.label(`${IE_TYPES.get(type) ?? 'Unknown'} : ${grouped ? '[Grouped IE]' : ''}`);
    tree.add(F.ie_type, tvb, p, 1, type);
    tree.add(F.ie_len, tvb, p + 1, 2, len);
    const b = tvb.u8(p + 3);
    tree.add(F.cr, tvb, p + 3, 1, b >> 4);
    tree.add(F.instance, tvb, p + 3, 1, b & 0x0f);
    // A grouped IE holds IEs of its own, shown under it.
    if (grouped) ies(tvb.sub(p + 4, len), pinfo, tree, p + 4, p + 4 + len);
    tree.pop();
    p += 4 + len;
  }
}

export const gtpv2Module = { fields: { ...F, priority: PRIORITY } };
