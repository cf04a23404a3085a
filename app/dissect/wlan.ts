// IEEE 802.11 (`wlan`): the MAC header, whose addresses mean different things by frame type and
// by the To/From DS bits; then a management body (`wlan.mgt`: fixed parameters by subtype, then
// tagged elements), a control frame's fields, or a data frame's payload through LLC/SNAP to IP,
// ARP, EAPOL... A protected frame's payload stays data, as tshark shows it without keys.
import { dissectData } from './data.ts';
import { bool, bytes, ether, fields, hex, names, proto, str, text, uint } from './field.ts';
import { LinkType } from './link-types.ts';
import { dissectLlc } from './llc.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { addManagementBody, CAPS, HT, MGT, VHT } from './wlan-mgt.ts';
import { macNameOrAddress } from '../format/mac-names.ts';

/** Wireshark's frame_type_subtype_vals: type × 16 + subtype (control frame extensions: 0x160 + ext). */
export const TYPE_SUBTYPE = names({
  0x00: 'Association Request',
  0x01: 'Association Response',
  0x02: 'Reassociation Request',
  0x03: 'Reassociation Response',
  0x04: 'Probe Request',
  0x05: 'Probe Response',
  0x06: 'Measurement Pilot',
  0x08: 'Beacon frame',
  0x09: 'ATIM',
  0x0a: 'Disassociate',
  0x0b: 'Authentication',
  0x0c: 'Deauthentication',
  0x0d: 'Action',
  0x0e: 'Action No Ack',
  0x0f: 'Aruba Management',
  0x12: 'Trigger',
  0x14: 'Beamforming Report Poll',
  0x15: 'VHT/HE NDP Announcement',
  0x17: 'Control Wrapper',
  0x18: '802.11 Block Ack Req',
  0x19: '802.11 Block Ack',
  0x1a: 'Power-Save poll',
  0x1b: 'Request-to-send',
  0x1c: 'Clear-to-send',
  0x1d: 'Acknowledgement',
  0x1e: 'CF-End (Control-frame)',
  0x1f: 'CF-End + CF-Ack (Control-frame)',
  0x20: 'Data',
  0x21: 'Data + CF-Ack',
  0x22: 'Data + CF-Poll',
  0x23: 'Data + CF-Ack + CF-Poll',
  0x24: 'Null function (No data)',
  0x25: 'Acknowledgement (No data)',
  0x26: 'CF-Poll (No data)',
  0x27: 'CF-Ack/Poll (No data)',
  0x28: 'QoS Data',
  0x29: 'QoS Data + CF-Acknowledgment',
  0x2a: 'QoS Data + CF-Poll',
  0x2b: 'QoS Data + CF-Ack + CF-Poll',
  0x2c: 'QoS Null function (No data)',
  0x2e: 'QoS CF-Poll (No Data)',
  0x2f: 'QoS CF-Ack + CF-Poll (No data)',
  0x30: 'DMG Beacon',
  0x31: 'S1G Beacon',
  0x162: 'Poll',
  0x163: 'Service Period Request',
  0x164: 'Grant',
  0x165: 'DMG Clear-to-send',
  0x166: 'DMG Denial-to-send',
  0x167: 'Grant Acknowledgment',
  0x168: 'Sector Sweep',
  0x169: 'Sector Sweep Feedback',
  0x16a: 'Sector Sweep Acknowledgment',
});

const BA_TYPES = names({
  0: 'Basic BlockAck',
  1: 'Extended Compressed BlockAck',
  2: 'Compressed BlockAck',
  3: 'Multi-TID BlockAck',
  6: 'GCR BlockAck',
  10: 'GLK-GCR BlockAck',
  11: 'Multi-STA BlockAck',
});
const FRAME_TYPES = names({ 0: 'Management frame', 1: 'Control frame', 2: 'Data frame', 3: 'Extension' });
const DS_STATUS = names({
  0: 'Not leaving DS or network is operating in AD-HOC mode (To DS: 0 From DS: 0)',
  1: 'Frame from STA to DS via an AP (To DS: 1 From DS: 0)',
  2: 'Frame from DS to a STA via AP(To DS: 0 From DS: 1)',
  3: 'WDS (AP to AP) or Mesh (MP to MP) Frame (To DS: 1 From DS: 1)',
});
const PRIORITIES = names({
  0: 'Best Effort (Best Effort)',
  1: 'Background (Background)',
  2: 'Spare (Background)',
  3: 'Excellent Effort (Best Effort)',
  4: 'Controlled Load (Video)',
  5: 'Video (Video)',
  6: 'Voice (Voice)',
  7: 'Network Control (Voice)',
});
const ACK_POLICIES = names({ 0: 'Normal Ack', 1: 'No Ack', 2: 'No explicit acknowledgment', 3: 'Block Ack' });

const flag = (name: string, mask: number, tf: readonly [string, string]): ReturnType<typeof bool> =>
  bool(name, 8, mask, { tf });

export const F = fields('wlan', {
  '': proto('IEEE 802.11 wireless LAN'),
  'fc.type_subtype': hex('Type/Subtype', 16, { strings: TYPE_SUBTYPE }),
  fc: hex('Frame Control Field', 16),
  'fc.version': uint('Version', 8, { mask: 0x03 }),
  'fc.type': uint('Type', 8, { mask: 0x0c, strings: FRAME_TYPES }),
  'fc.subtype': uint('Subtype', 8, { mask: 0xf0 }),
  flags: hex('Flags', 8),
  'fc.ds': hex('DS status', 8, { mask: 0x03, strings: DS_STATUS }),
  'fc.tods': { ...flag('To DS', 0x01, ['Frame is entering DS', 'Frame is not entering DS']), hidden: true },
  'fc.fromds': { ...flag('From DS', 0x02, ['Frame is exiting DS', 'Frame is not exiting DS']), hidden: true },
  'fc.frag': flag('More Fragments', 0x04, ['More fragments follow', 'This is the last fragment']),
  'fc.retry': flag('Retry', 0x08, ['Frame is being retransmitted', 'Frame is not being retransmitted']),
  'fc.pwrmgt': flag('PWR MGT', 0x10, ['STA will go to sleep', 'STA will stay up']),
  'fc.moredata': flag('More Data', 0x20, ['Data is buffered for STA at AP', 'No data buffered']),
  'fc.protected': flag('Protected flag', 0x40, ['Data is protected', 'Data is not protected']),
  'fc.order': flag('+HTC/Order flag', 0x80, ['Strictly ordered', 'Not strictly ordered']),
  duration: uint('Duration', 16, { mask: 0x7fff, unit: 'microseconds' }),
  aid: uint('Association ID', 16, { mask: 0x3fff }),
  ra: ether('Receiver address'),
  ra_resolved: str('Receiver address (resolved)', { hidden: true }),
  da: ether('Destination address'),
  da_resolved: str('Destination address (resolved)', { hidden: true }),
  ta: ether('Transmitter address'),
  ta_resolved: str('Transmitter address (resolved)', { hidden: true }),
  sa: ether('Source address'),
  sa_resolved: str('Source address (resolved)', { hidden: true }),
  bssid: ether('BSS Id'),
  bssid_resolved: str('BSS Id (resolved)', { hidden: true }),
  staa: ether('STA address'),
  staa_resolved: str('STA address (resolved)', { hidden: true }),
  addr: { ...ether('Hardware address'), hidden: true },
  addr_resolved: str('Hardware address (resolved)', { hidden: true }),
  frag: uint('Fragment number', 16, { mask: 0x000f }),
  seq: uint('Sequence number', 16, { mask: 0xfff0 }),
  qos: hex('Qos Control', 16),
  'qos.tid': uint('TID', 16, { mask: 0x000f }),
  'qos.priority': { ...uint('Priority', 16, { mask: 0x0007, strings: PRIORITIES }), generated: true },
  'qos.eosp': bool('EOSP', 16, 0x0010, { tf: ['End of service period', 'Service period'] }),
  'qos.bit4': bool('QoS bit 4', 16, 0x0010, {
    tf: [
      'Bits 8-15 of QoS Control field are Queue Size',
      'Bits 8-15 of QoS Control field are TXOP Duration Requested',
    ],
  }),
  'qos.ack': hex('Ack Policy', 16, { mask: 0x0060, strings: ACK_POLICIES }),
  'qos.amsdupresent': bool('Payload Type', 16, 0x0080, { tf: ['A-MSDU', 'MSDU'] }),
  'qos.txop_limit': uint('TXOP Limit', 16, { mask: 0xff00 }),
  'qos.ps_buf_state': hex('QAP PS Buffer State', 16, { mask: 0xff00 }),
  'qos.buf_state_indicated': bool('Buffer State Indicated', 16, 0x0200, { tf: ['Yes', 'No'] }),
  'qos.txop_dur_req': uint('TXOP Duration Requested', 16, { mask: 0xff00 }),
  'qos.queue_size': uint('Queue Size', 16, { mask: 0xff00 }),
  htc: hex('HT Control (+HTC)', 32),
  fcs: hex('Frame check sequence', 32),
  'fcs.status': uint('FCS Status', 8, {
    strings: names({ 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' }),
    generated: true,
  }),
  'ccmp.extiv': str('CCMP Ext. Initialization Vector'),
  'tkip.extiv': str('TKIP Ext. Initialization Vector'),
  'wep.iv': hex('Initialization Vector', 24),
  'wep.key': uint('Key Index', 8),
  'wep.icv': hex('WEP ICV', 32),
  _ccmp: text('CCMP parameters'),
  _tkip: text('TKIP parameters'),
  _wep: text('WEP parameters'),
  'ba.control': hex('Block Ack Control', 16),
  'ba.control.ackpolicy': bool('BA Ack Policy', 16, 0x0001, {
    tf: ['Sender Does Not Require Immediate Acknowledgement', 'Immediate Acknowledgement Required'],
  }),
  'ba.control.ba_type': hex('BA Type', 16, { mask: 0x001e, strings: BA_TYPES }),
  _ba: text('BlockAck'),
  'ba.bm.missing_frame': uint('Missing frame', 32),
  'ba.control.reserved': hex('Reserved', 16, { mask: 0x0fe0 }),
  'ba.basic.tidinfo': hex('TID for which a Basic BlockAck frame is requested', 16, { mask: 0xf000 }),
  'ba.bm': bytes('Block Ack Bitmap'),
});

export const AGG = fields('wlan_aggregate', {
  '': proto('IEEE 802.11 wireless LAN aggregate frame'),
  'a_mdsu.subframe': text('A-MSDU Subframe'),
  'a_mdsu.length': uint('A-MSDU Length', 16),
});

/** The data subtypes with a QoS Control field, and those that carry no payload. */
const isQosData = (subtype: number): boolean => (subtype & 0x08) !== 0;
const isNullData = (subtype: number): boolean => (subtype & 0x04) !== 0;

const FLAG_LETTERS = 'opmPRMFT';

/** `Flags=........C`: the frame-control flags as letters, with C when an FCS is present. */
function flagString(flags: number, hasFcs: boolean): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += flags & (0x80 >> i) ? (FLAG_LETTERS[i] as string) : '.';
  return hasFcs ? `${s}C` : s;
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** Adds an address field with its hidden resolved name and, where Wireshark adds it, `wlan.addr`. */
function addAddress(tvb: Tvb, at: number, tree: Tree, which: AddressField, withAddr: boolean): void {
  tvb.need(at, 6);
  tree.add(F[which], tvb, at, 6);
  const resolved = F[`${which}_resolved`];
  if (tree.wants(resolved)) tree.add(resolved, tvb, at, 6, macNameOrAddress(tvb.bytes, at));
  if (withAddr) addHiddenAddr(tvb, at, tree);
}
type AddressField = 'ra' | 'da' | 'ta' | 'sa' | 'bssid' | 'staa';

function addHiddenAddr(tvb: Tvb, at: number, tree: Tree): void {
  tree.add(F.addr, tvb, at, 6);
  if (tree.wants(F.addr_resolved)) tree.add(F.addr_resolved, tvb, at, 6, macNameOrAddress(tvb.bytes, at));
}

/** What the header dissection learned, for the body and the columns. */
interface Header {
  type: number;
  subtype: number;
  typeSubtype: number;
  flags: number;
  hasFcs: boolean;
  /** Where the body starts and the frame ends (before any FCS). */
  bodyStart: number;
  end: number;
  seq: number;
  frag: number;
  hasSeq: boolean;
  /** A QoS data frame whose payload is an A-MSDU (aggregated subframes). */
  amsdu: boolean;
}

/** Control subtypes with a transmitter address after the receiver's. */
const CONTROL_WITH_TA = new Set([2, 4, 5, 8, 9, 10, 11, 14, 15]);

/**
 * Dissects an 802.11 frame: `fcsLen` bytes of FCS end it (0 or 4), and `dataPad` puts the payload
 * on a 4-byte boundary after the header (radiotap's Data Pad flag).
 */
export function dissectWlan(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  fcsLen: number,
  dataPad: boolean,
): number {
  const o = tvb.start;
  pinfo.layers.push('wlan');
  pinfo.setProto('802.11');
  pinfo.currentProto = 'IEEE 802.11';
  if (pinfo.wantInfo) pinfo.setInfo('');
  const fcsByte0 = tvb.u8(o);
  const version = fcsByte0 & 0x03;
  if (version !== 0) return dissectOtherVersion(tvb, pinfo, tree, fcsByte0);
  const type = (fcsByte0 >> 2) & 0x03;
  const subtype = fcsByte0 >> 4;
  const flags = tvb.u8(o + 1);
  const typeSubtype = type === 1 && subtype === 6 ? 0x160 + ((flags >> 0) & 0x0f) : type * 16 + subtype;
  const name = TYPE_SUBTYPE.get(typeSubtype) ?? `Unrecognized (Reserved frame)`;
  const reported = tvb.reportedRemaining(o);
  const hasFcs = fcsLen === 4 && reported >= 4;
  const end = tvb.reportedEnd - (hasFcs ? 4 : 0);

  // The protocol item's text is its value in -T fields; the flags join it once the header is read.
  const title = `IEEE 802.11 ${name}, Flags: ${flagString(flags, hasFcs)}`;
  // The flags join the title once the header is read: a header cut short leaves it without them.
  const whole = tvb.remaining(o) >= headerLength(type, subtype, flags);
  tree.push(F[''], tvb, o, tvb.remaining(o), whole ? title : `IEEE 802.11 ${name}`);
  const top = tree.current();
  if (tree.full) tree.label(`IEEE 802.11 ${name}`);
  if (pinfo.wantInfo) pinfo.setInfo(name);
  tree.add(F['fc.type_subtype'], tvb, o, 2, typeSubtype);
  addFrameControl(tvb, o, tree, fcsByte0, flags);

  const h: Header = {
    type,
    subtype,
    typeSubtype,
    flags,
    hasFcs,
    bodyStart: o + 2,
    end,
    seq: 0,
    frag: 0,
    hasSeq: false,
    amsdu: false,
  };
  // Duration/ID (PS-Poll carries the association ID there).
  const durationId = tvb.u16le(o + 2);
  if (type === 1 && subtype === 10) tree.add(F.aid, tvb, o + 2, 2, durationId & 0x3fff);
  else {
    tree.add(F.duration, tvb, o + 2, 2, durationId & 0x7fff);
  }
  let at = o + 4;
  switch (type) {
    case 0:
      at = addManagementHeader(tvb, at, pinfo, tree, h);
      break;
    case 1:
      at = addControlHeader(tvb, at, pinfo, tree, h);
      break;
    case 2:
      at = addDataHeader(tvb, at, pinfo, tree, h);
      break;
    default:
      at = addManagementHeader(tvb, at, pinfo, tree, h);
      break;
  }
  h.bodyStart = at;
  if (tree.full) tree.label(title);
  if (pinfo.wantInfo) pinfo.setInfo(infoText(name, h));
  if (hasFcs && !h.hasSeq) addFcs(tvb, end, tree);
  // QoS data fields follow the FCS in Wireshark's tree; they were added in order before it.
  tree.pop(Math.min(at, tvb.end) - o);
  tvb.claim(tvb.reportedEnd - o);

  switch (type) {
    case 0:
      dissectManagementBody(tvb, at, pinfo, tree, h);
      break;
    case 1:
      addControlBody(tvb, at, tree, h, top);
      break;
    case 2:
      dissectDataBody(tvb, at, pinfo, tree, h, dataPad, top);
      break;
    default:
      break;
  }
  return tvb.remaining(o);
}

/** The MAC header's length by frame type, for telling whether all of it was captured. */
function headerLength(type: number, subtype: number, flags: number): number {
  switch (type) {
    case 0:
      return flags & 0x80 ? 28 : 24;
    case 1:
      return CONTROL_WITH_TA.has(subtype) ? 16 : 10;
    case 2: {
      const qos = isQosData(subtype);
      return 24 + ((flags & 0x03) === 3 ? 6 : 0) + (qos ? 2 : 0) + (qos && flags & 0x80 ? 4 : 0);
    }
    default:
      return 24;
  }
}

function infoText(name: string, h: Header): string {
  const flags = `Flags=${flagString(h.flags, h.hasFcs)}`;
  if (!h.hasSeq) return `${name}, ${flags}`;
  return `${name}, SN=${h.seq}, FN=${h.frag}, ${flags}`;
}

function addFrameControl(tvb: Tvb, o: number, tree: Tree, b0: number, flags: number): void {
  tree.push(F.fc, tvb, o, 2, (b0 << 8) | flags);
  tree.add(F['fc.version'], tvb, o, 1, b0 & 0x03);
  tree.add(F['fc.type'], tvb, o, 1, (b0 >> 2) & 0x03);
  tree.add(F['fc.subtype'], tvb, o, 1, b0 >> 4);
  tree.push(F.flags, tvb, o + 1, 1, flags);
  tree.add(F['fc.ds'], tvb, o + 1, 1, flags & 0x03);
  tree.add(F['fc.tods'], tvb, o + 1, 1, (flags & 0x01) !== 0);
  tree.add(F['fc.fromds'], tvb, o + 1, 1, (flags & 0x02) !== 0);
  tree.add(F['fc.frag'], tvb, o + 1, 1, (flags & 0x04) !== 0);
  tree.add(F['fc.retry'], tvb, o + 1, 1, (flags & 0x08) !== 0);
  tree.add(F['fc.pwrmgt'], tvb, o + 1, 1, (flags & 0x10) !== 0);
  tree.add(F['fc.moredata'], tvb, o + 1, 1, (flags & 0x20) !== 0);
  tree.add(F['fc.protected'], tvb, o + 1, 1, (flags & 0x40) !== 0);
  tree.add(F['fc.order'], tvb, o + 1, 1, (flags & 0x80) !== 0);
  tree.pop();
  tree.pop();
}

function addSequence(tvb: Tvb, at: number, tree: Tree, h: Header): void {
  const sc = tvb.u16le(at);
  h.seq = sc >> 4;
  h.frag = sc & 0x0f;
  h.hasSeq = true;
  tree.add(F.frag, tvb, at, 2, h.frag);
  tree.add(F.seq, tvb, at, 2, h.seq);
  // Wireshark shows the FCS right after the sequence control, before QoS and HT control.
  if (h.hasFcs) addFcs(tvb, h.end, tree);
}

function setColumns(pinfo: PacketInfo, src: number, dst: number, srcRole = '', dstRole = ''): void {
  if (pinfo.inError) return;
  pinfo.dlSrc = src;
  pinfo.dlDst = dst;
  pinfo.dlSrcRole = srcRole;
  pinfo.dlDstRole = dstRole;
}

function addManagementHeader(tvb: Tvb, at: number, pinfo: PacketInfo, tree: Tree, h: Header): number {
  const a1 = at;
  const a2 = at + 6;
  const a3 = at + 12;
  addAddress(tvb, a1, tree, 'ra', true);
  // Wireshark reads the other addresses before adding more: a header cut short shows only RA.
  tvb.need(at, 20);
  addAddress(tvb, a1, tree, 'da', false);
  addAddress(tvb, a2, tree, 'ta', false);
  addAddress(tvb, a2, tree, 'sa', false);
  addAddress(tvb, a3, tree, 'bssid', false);
  addHiddenAddr(tvb, a2, tree);
  addHiddenAddr(tvb, a3, tree);
  setColumns(pinfo, a2, a1);
  addSequence(tvb, at + 18, tree, h);
  let next = at + 20;
  if (h.flags & 0x80) {
    tree.add(F.htc, tvb, next, 4, tvb.u32le(next));
    next += 4;
  }
  return next;
}

function addControlHeader(tvb: Tvb, at: number, pinfo: PacketInfo, tree: Tree, h: Header): number {
  const sub = h.subtype;
  addAddress(tvb, at, tree, 'ra', true);
  let next = at + 6;
  if (sub === 10) addAddress(tvb, at, tree, 'bssid', false);
  if (CONTROL_WITH_TA.has(sub) || h.typeSubtype >= 0x160) {
    // CF-End frames name the BSS where others name the transmitter.
    const cfEnd = sub === 14 || sub === 15;
    addAddress(tvb, next, tree, cfEnd ? 'bssid' : 'ta', true);
    setColumns(pinfo, next, at, cfEnd ? 'BSSID' : 'TA', sub === 10 ? 'BSSID' : 'RA');
    next += 6;
  } else {
    setColumns(pinfo, -1, at, '', 'RA');
  }
  return next;
}

function addDataHeader(tvb: Tvb, at: number, pinfo: PacketInfo, tree: Tree, h: Header): number {
  tvb.need(at, 20);
  const a1 = at;
  const a2 = at + 6;
  const a3 = at + 12;
  const ds = h.flags & 0x03;
  const a4 = at + 20;
  let da: number, sa: number, bssid: number, sta: number;
  const qosAt = a4 + (ds === 3 ? 6 : 0);
  h.amsdu =
    isQosData(h.subtype) && !isNullData(h.subtype) && tvb.has(qosAt, 1) && (tvb.u8(qosAt) & 0x80) !== 0;
  switch (ds) {
    case 0:
      da = a1;
      sa = a2;
      bssid = a3;
      sta = -1;
      break;
    case 1:
      bssid = a1;
      sa = a2;
      da = a3;
      sta = a2;
      break;
    case 2:
      da = a1;
      bssid = a2;
      sa = a3;
      sta = a1;
      break;
    default:
      tvb.need(a4, 6);
      da = a3;
      sa = a4;
      bssid = -1;
      sta = -1;
      break;
  }
  addAddress(tvb, a1, tree, 'ra', true);
  addAddress(tvb, a2, tree, 'ta', true);
  // An A-MSDU's destinations are its subframes'.
  if (h.amsdu) da = -1;
  if (da >= 0) addAddress(tvb, da, tree, 'da', false);
  addAddress(tvb, sa, tree, 'sa', false);
  if (bssid >= 0) addAddress(tvb, bssid, tree, 'bssid', false);
  if (sta >= 0) addAddress(tvb, sta, tree, 'staa', false);
  // wlan.addr: the receiver and transmitter, then source, destination and BSS not already given.
  const given = [a1, a2];
  for (const at2 of [sa, da, bssid]) {
    if (at2 < 0 || given.includes(at2)) continue;
    given.push(at2);
    addHiddenAddr(tvb, at2, tree);
  }
  setColumns(pinfo, sa, da);
  addSequence(tvb, at + 18, tree, h);
  let next = at + 20 + (ds === 3 ? 6 : 0);
  if (isQosData(h.subtype)) {
    addQos(tvb, next, tree, h);
    next += 2;
  }
  if (h.flags & 0x80 && isQosData(h.subtype)) {
    tree.add(F.htc, tvb, next, 4, tvb.u32le(next));
    next += 4;
  }
  return next;
}

function addQos(tvb: Tvb, at: number, tree: Tree, h: Header): void {
  const qos = tvb.u16le(at);
  tree.push(F.qos, tvb, at, 2, qos);
  tree.add(F['qos.tid'], tvb, at, 2, qos & 0x0f);
  tree.add(F['qos.priority'], tvb, at, 2, qos & 0x07);
  const fromAp = (h.flags & 0x03) === 2;
  if (fromAp) tree.add(F['qos.eosp'], tvb, at, 2, (qos & 0x10) !== 0);
  else tree.add(F['qos.bit4'], tvb, at, 2, (qos & 0x10) !== 0);
  tree.add(F['qos.ack'], tvb, at, 2, (qos >> 5) & 0x03);
  if (!isNullData(h.subtype)) tree.add(F['qos.amsdupresent'], tvb, at, 2, (qos & 0x80) !== 0);
  const high = qos >> 8;
  if (fromAp) {
    if (h.subtype === 12 /* QoS null from an AP */ || h.subtype === 8) {
      tree.push(F['qos.ps_buf_state'], tvb, at, 2, high);
      tree.add(F['qos.buf_state_indicated'], tvb, at, 2, (qos & 0x0200) !== 0);
      tree.pop();
    } else {
      tree.add(F['qos.txop_limit'], tvb, at, 2, high);
    }
  } else if (qos & 0x10) {
    tree.add(F['qos.queue_size'], tvb, at, 2, high);
  } else {
    tree.add(F['qos.txop_dur_req'], tvb, at, 2, high);
    if (tree.full && high === 0)
      tree.labelLast('0000 0000 .... .... = TXOP Duration Requested: 0 (no TXOP requested)');
  }
  tree.pop();
}

function addFcs(tvb: Tvb, at: number, tree: Tree): void {
  if (!tvb.has(at, 4)) return;
  const fcs = tvb.u32le(at);
  tree.add(F.fcs, tvb, at, 4, fcs);
  if (tree.full) tree.labelLast(`Frame check sequence: 0x${fcs.toString(16).padStart(8, '0')} [unverified]`);
  tree.add(F['fcs.status'], tvb, at, 0, 2);
  if (tree.full) tree.labelLast('[FCS Status: Unverified]');
}

function dissectManagementBody(tvb: Tvb, at: number, pinfo: PacketInfo, tree: Tree, h: Header): void {
  const body = tvb.sub(at, Math.max(0, h.end - at));
  if (h.flags & 0x40) {
    // A protected management frame (802.11w): its body is ciphertext.
    dissectData(body, pinfo, tree);
    return;
  }
  addManagementBody(body, pinfo, tree, h.subtype);
}

function addControlBody(tvb: Tvb, at: number, tree: Tree, h: Header, top: ReturnType<Tree['current']>): void {
  if (h.subtype !== 8 && h.subtype !== 9) return;
  // Block Ack Request / Block Ack: control, then the starting sequence (and the bitmap).
  tree.reopen(top);
  const control = tvb.u16le(at);
  const type = (control >> 1) & 0x0f;
  tree.push(F._ba, tvb, at, Math.max(0, h.end - at));
  if (tree.full)
    tree.label(`${BA_TYPES.get(type) ?? 'Unknown BlockAck'} ${h.subtype === 8 ? 'Request' : 'Response'}`);
  tree.push(F['ba.control'], tvb, at, 2, control);
  tree.add(F['ba.control.ackpolicy'], tvb, at, 2, (control & 1) !== 0);
  tree.add(F['ba.control.ba_type'], tvb, at, 2, type);
  tree.add(F['ba.control.reserved'], tvb, at, 2, (control >> 5) & 0x7f);
  tree.add(F['ba.basic.tidinfo'], tvb, at, 2, control >> 12);
  tree.pop();
  const ssc = tvb.u16le(at + 2);
  tree.push(MGT['fixed.ssc'], tvb, at + 2, 2, ssc);
  tree.add(MGT['fixed.ssc.fragment'], tvb, at + 2, 2, ssc & 0x0f);
  tree.add(MGT['fixed.ssc.sequence'], tvb, at + 2, 2, ssc >> 4);
  tree.pop();
  if (h.subtype === 9 && type === 2 && tvb.has(at + 4, 8)) {
    // A compressed bitmap: one bit per sequence number from the starting one; clear bits are lost.
    tree.push(F['ba.bm'], tvb, at + 4, 8);
    for (let i = 0; i < 64; i++) {
      if (((tvb.u8(at + 4 + (i >> 3)) >> (i & 7)) & 1) === 0)
        tree.add(F['ba.bm.missing_frame'], tvb, at + 4 + (i >> 3), 1, ((ssc >> 4) + i) & 0x0fff);
    }
    tree.pop();
  } else if (h.subtype === 9 && h.end - (at + 4) > 0) {
    tree.add(F['ba.bm'], tvb, at + 4, Math.min(8, h.end - (at + 4)));
  }
  tree.pop();
  tree.pop();
}

function dissectDataBody(
  tvb: Tvb,
  at: number,
  pinfo: PacketInfo,
  tree: Tree,
  h: Header,
  dataPad: boolean,
  top: ReturnType<Tree['current']>,
): void {
  if (isNullData(h.subtype)) return;
  let start = at;
  if (dataPad) start = tvb.start + Math.ceil((at - tvb.start) / 4) * 4;
  if (start >= h.end) return;
  if (h.flags & 0x40) {
    dissectProtected(tvb, start, pinfo, tree, h, top);
    return;
  }
  const payload = tvb.sub(start, h.end - start);
  pinfo.currentProto = '';
  if (h.amsdu) {
    dissectAmsdu(payload, pinfo, tree);
    return;
  }
  dissectLlc(payload, pinfo, tree);
}

/** An A-MSDU: subframes of destination, source and length, each an LLC frame padded to 4 bytes. */
function dissectAmsdu(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const end = tvb.reportedEnd;
  tree.push(AGG[''], tvb, tvb.start, tvb.remaining(tvb.start), 'IEEE 802.11 Aggregate MSDU');
  if (tree.full) tree.label('IEEE 802.11 Aggregate MSDU');
  let at = tvb.start;
  for (let i = 1; at < end; i++) {
    const length = tvb.u16(at + 12);
    tree.push(AGG['a_mdsu.subframe'], tvb, at, Math.min(14 + length, tvb.remaining(at)), 1);
    if (tree.full) tree.label(`A-MSDU Subframe #${i}`);
    addAddress(tvb, at, tree, 'da', false);
    addAddress(tvb, at + 6, tree, 'sa', false);
    tree.add(AGG['a_mdsu.length'], tvb, at + 12, 2, length);
    dissectLlc(tvb.sub(at + 14, length), pinfo, tree);
    tree.pop();
    at += 14 + length;
    const pad = (4 - ((14 + length) % 4)) % 4;
    if (at + pad < end) at += pad;
  }
  tree.pop();
}

/** A protected data frame: the CCMP, TKIP or WEP header, then the ciphertext as data. */
function dissectProtected(
  tvb: Tvb,
  at: number,
  pinfo: PacketInfo,
  tree: Tree,
  h: Header,
  top: ReturnType<Tree['current']>,
): void {
  const keyByte = tvb.u8(at + 3);
  const b = tvb.bytes;
  let dataStart: number;
  let dataEnd = h.end;
  if (keyByte & 0x20) {
    tvb.need(at, 8);
    // Extended IV: TKIP repeats a transformed first byte in the second (its WEPSeed).
    const tkip = (b[at + 1] as number) === (((b[at] as number) | 0x20) & 0x7f);
    const pn = [at + 7, at + 6, at + 5, at + 4, tkip ? at : at + 1, tkip ? at + 2 : at]
      .map((i) => hex2(b[i] as number))
      .join('');
    // The cipher's header belongs to the 802.11 subtree.
    tree.reopen(top);
    tree.push(tkip ? F._tkip : F._ccmp, tvb, at, 8);
    tree.add(tkip ? F['tkip.extiv'] : F['ccmp.extiv'], tvb, at, 8, `0x${pn}`);
    tree.add(F['wep.key'], tvb, at + 3, 1, keyByte >> 6);
    tree.pop();
    tree.pop();
    dataStart = at + 8;
  } else {
    tvb.need(at, 4);
    tree.reopen(top);
    tree.push(F._wep, tvb, at, 4);
    tree.add(F['wep.iv'], tvb, at, 3, tvb.u24(at));
    tree.add(F['wep.key'], tvb, at + 3, 1, keyByte >> 6);
    if (tvb.has(h.end - 4, 4)) {
      const icv = tvb.u32(h.end - 4);
      tree.add(F['wep.icv'], tvb, h.end - 4, 4, icv);
      if (tree.full) tree.labelLast(`WEP ICV: 0x${icv.toString(16).padStart(8, '0')} (not verified)`);
    }
    tree.pop();
    tree.pop();
    dataStart = at + 4;
    dataEnd = h.end - 4;
  }
  if (dataEnd > dataStart) dissectData(tvb.sub(dataStart, dataEnd - dataStart), pinfo, tree);
}

/** Protocol versions other than 0: PV1 short frames (802.11ah) and unknown ones. */
function dissectOtherVersion(tvb: Tvb, pinfo: PacketInfo, tree: Tree, b0: number): number {
  const o = tvb.start;
  const version = b0 & 0x03;
  const title = `IEEE 802.11 Unknown Protocol Version:${version}`;
  tree.push(F[''], tvb, o, tvb.remaining(o), title);
  if (tree.full) tree.label(title);
  if (pinfo.wantInfo) pinfo.setInfo(`Unknown protocol version: ${version}`);
  tree.add(F['fc.version'], tvb, o, 1, version);
  tree.pop();
  // Wireshark takes the rest as the frame's, all of which must have been captured.
  tvb.need(o, tvb.reportedRemaining(o));
  return tvb.remaining(o);
}

/** LINKTYPE_IEEE802_11 (105): a bare 802.11 frame; Wireshark assumes no FCS. */
function dissectWlanLink(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  return dissectWlan(tvb, pinfo, tree, 0, false);
}

export const wlanModule = {
  fields: {
    ...F,
    ...MGT,
    ...HT,
    ...VHT,
    ...CAPS,
    aggregate: AGG[''],
    aggregateSubframe: AGG['a_mdsu.subframe'],
    aggregateLength: AGG['a_mdsu.length'],
  },
  handoff(reg: Registry): void {
    reg.register('linkType', LinkType.IEEE802_11, dissectWlanLink);
  },
};
