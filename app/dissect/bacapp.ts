// The BACnet application layer (APDU, ASHRAE 135 clauses 20 and 21) as tshark 4.0 shows it: the
// header of every PDU type (flags, segment limits, invoke id, service choice, reasons) and the
// tagged parameters of the common services: Who-Is, I-Am, Who-Has, I-Have, ReadProperty (request
// and ACK), WriteProperty, SubscribeCOV, COV notifications, TimeSynchronization and Error.
// Values are decoded where their form is known for sure (application-tagged primitives, status
// flags); at the first parameter this file does not know (a constructed value, an enumeration or
// bit string whose names depend on the property, an octet string, a lone segment, another
// service's parameters) it stops rather than guess, so what it shows agrees with tshark, which
// goes on.
import {
  ABORT_REASONS,
  ERROR_CLASSES,
  ERROR_CODES,
  OBJECT_TYPES,
  PROPERTIES,
  REJECT_REASONS,
  VENDORS,
} from './bacapp-names.ts';
import { formatDouble } from './dbus.ts';
import { bool, fields, FieldType, hex, names, proto, str, uint, type FieldDef } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const TYPES = names({
  0: 'Confirmed-REQ',
  1: 'Unconfirmed-REQ',
  2: 'Simple-ACK',
  3: 'Complex-ACK',
  4: 'Segment-ACK',
  5: 'Error',
  6: 'Reject',
  7: 'Abort',
});
const CONFIRMED = names(
  Object.fromEntries(
    [
      'acknowledgeAlarm',
      'confirmedCOVNotification',
      'confirmedEventNotification',
      'getAlarmSummary',
      'getEnrollmentSummary',
      'subscribeCOV',
      'atomicReadFile',
      'atomicWriteFile',
      'addListElement',
      'removeListElement',
      'createObject',
      'deleteObject',
      'readProperty',
      'readPropertyConditional',
      'readPropertyMultiple',
      'writeProperty',
      'writePropertyMultiple',
      'deviceCommunicationControl',
      'confirmedPrivateTransfer',
      'confirmedTextMessage',
      'reinitializeDevice',
      'vtOpen',
      'vtClose',
      'vtData',
      'authenticate',
      'requestKey',
      'readRange',
      'lifeSafetyOperation',
      'subscribeCOVProperty',
      'getEventInformation',
      'subscribeCovPropertyMultiple',
      'confirmedCovNotificationMultiple',
      'confirmedAuditNotification',
      'auditLogQuery',
    ].entries(),
  ),
);
const UNCONFIRMED = names(
  Object.fromEntries(
    [
      'i-Am',
      'i-Have',
      'unconfirmedCOVNotification',
      'unconfirmedEventNotification',
      'unconfirmedPrivateTransfer',
      'unconfirmedTextMessage',
      'timeSynchronization',
      'who-Has',
      'who-Is',
      'utcTimeSynchronization',
      'writeGroup',
      'unconfirmedCovNotificationMultiple',
      'unconfirmedAuditNotification',
      'who-am-I',
      'you-are',
    ].entries(),
  ),
);
const MAX_SEGMENTS = names({
  0: 'Unspecified',
  1: '2 segments',
  2: '4 segments',
  3: '8 segments',
  4: '16 segments',
  5: '32 segments',
  6: '64 segments',
  7: 'Greater than 64 segments',
});
const MAX_APDU = names({
  0: 'Up to MinimumMessageSize (50 octets)',
  1: 'Up to 128 octets',
  2: 'Up to 206 octets (fits in a LonTalk frame)',
  3: 'Up to 480 octets (fits in an ARCNET frame)',
  4: 'Up to 1024 octets',
  5: 'Up to 1476 octets (fits in an ISO 8802-3 frame)',
  ...Object.fromEntries([6, 7, 8, 9, 10, 11, 12, 13, 14, 15].map((k) => [k, 'reserved by ASHRAE'])),
});
const APP_TAGS = names({
  0: 'Null',
  1: 'Boolean',
  2: 'Unsigned Integer',
  3: "Signed Integer (2's complement notation)",
  4: 'Real (ANSI/IEE-754 floating point)',
  5: 'Double (ANSI/IEE-754 double precision floating point)',
  6: 'Octet String',
  7: 'Character String',
  8: 'Bit String',
  9: 'Enumerated',
  10: 'Date',
  11: 'Time',
  12: 'BACnetObjectIdentifier',
});
const SEGMENTATION = ['segmented-both', 'segmented-transmit', 'segmented-receive', 'no-segmentation'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const TRUE_FALSE = ['True', 'False'] as const;

export const F = fields('bacapp', {
  '': proto('Building Automation and Control Network APDU'),
  type: uint('APDU Type', 8, { mask: 0xf0, strings: TYPES }),
  pduflags: hex('PDU Flags', 8, { mask: 0x0f }),
  segmented_request: bool('Segmented Request', 8, 0x08, {
    tf: ['Segmented Request', 'Unsegmented Request'],
  }),
  more_segments: bool('More Segments', 8, 0x04, { tf: ['More Segments Follow', 'No More Segments Follow'] }),
  SA: bool('SA', 8, 0x02, { tf: ['Segmented Response accepted', 'Segmented Response not accepted'] }),
  max_adpu_size: uint('Size of Maximum ADPU accepted', 8, { mask: 0x0f, strings: MAX_APDU }),
  response_segments: uint('Max Response Segments accepted', 8, { mask: 0x70, strings: MAX_SEGMENTS }),
  objectType: uint('Object Type', 32, { mask: 0xffc00000, strings: OBJECT_TYPES }),
  object_name: str('Object Name'),
  instance_number: uint('Instance Number', 32, { mask: 0x003fffff }),
  property_identifier: uint('Property Identifier', 32, { strings: PROPERTIES }),
  vendor_identifier: uint('Vendor Identifier', 16, { strings: VENDORS }),
  invoke_id: uint('Invoke ID', 8),
  sequence_number: uint('Sequence Number', 8),
  window_size: uint('Proposed Window Size', 8),
  confirmed_service: uint('Service Choice', 8, { strings: CONFIRMED }),
  unconfirmed_service: uint('Unconfirmed Service Choice', 8, { strings: UNCONFIRMED }),
  NAK: bool('NAK', 8, 0x02, { tf: TRUE_FALSE }),
  SRV: bool('SRV', 8, 0x01, { tf: TRUE_FALSE }),
  error_class: uint('Error Class', 32, { strings: ERROR_CLASSES }),
  error_code: uint('Error Code', 32, { strings: ERROR_CODES }),
  'present_value.null': str('Present Value (null)'),
  'present_value.boolean': bool('Present Value (bool)', 8, 0, { tf: TRUE_FALSE }),
  'present_value.uint': uint('Present Value (uint)', 64),
  'present_value.int': { name: 'Present Value (int)', type: FieldType.Int, base: 'dec', bits: 64 },
  'present_value.real': { name: 'Present Value (real)', type: FieldType.Float },
  'present_value.double': { name: 'Present Value (double)', type: FieldType.Float },
  'present_value.enum_index': uint('Present Value (enum index)', 32),
  'who_is.low_limit': uint('Device Instance Range Low Limit', 32),
  'who_is.high_limit': uint('Device Instance Range High Limit', 32),
  reject_reason: uint('Reject Reason', 8, { strings: REJECT_REASONS }),
  abort_reason: uint('Abort Reason', 8, { strings: ABORT_REASONS }),
  application_tag_number: uint('Application Tag Number', 8, { mask: 0xf0, strings: APP_TAGS }),
  context_tag_number: uint('Context Tag Number', 8, { mask: 0xf0 }),
  named_tag: uint('Named Tag', 8, {
    mask: 0x07,
    strings: names({ 5: 'Extended Value', 6: 'Opening Tag', 7: 'Closing Tag' }),
  }),
  string_character_set: uint('String Character Set', 8, {
    strings: names({ 0: 'ANSI X3.4 / UTF-8 (since 2010)' }),
  }),
  tag_class: bool('Tag Class', 8, 0x08, { tf: ['Context Specific Tag', 'Application Tag'] }),
  LVT: uint('Length Value Type', 8),
  unused_bits: uint('Unused bits', 8),
  bit: bool('bit', 8, 0),
  processId: uint('ProcessIdentifier', 32),
});

/** A label-only subtree (proto_tree_add_subtree): no field, never collected. */
const SUBTREE: FieldDef = { name: '', type: FieldType.None, abbrev: '', id: -1 };

/** Thrown at a parameter this file does not decode: the APDU's tree ends there, without a fault. */
class Stop {}
const STOP = new Stop();

interface Tag {
  at: number;
  num: number;
  context: boolean;
  /** The low three bits (a boolean's value, 6/7 for opening/closing). */
  lvt: number;
  /** The value's length (0 for opening and closing tags and application booleans). */
  len: number;
  /** Header length: where the value starts after `at`. */
  hdr: number;
  opening: boolean;
  closing: boolean;
}

class Apdu {
  /** Open subtrees below the APDU's own, closed again when decoding stops early. */
  depth = 0;
  info = '';
  constructor(
    readonly tvb: Tvb,
    readonly pinfo: PacketInfo,
    readonly tree: Tree,
  ) {}

  push(
    def: FieldDef,
    at: number,
    len: number,
    value?: number | string | boolean | bigint,
    label?: string,
  ): void {
    this.tree.push(def, this.tvb, at, len, value);
    if (label !== undefined && this.tree.full) this.tree.label(label);
    this.depth++;
  }

  pop(): void {
    this.tree.pop();
    this.depth--;
  }
}

export function dissectBacapp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('bacapp');
  pinfo.currentProto = 'BACapp';
  pinfo.setProto('BACnet-APDU');
  if (pinfo.wantInfo) pinfo.setInfo('');
  const c = new Apdu(tvb, pinfo, tree);
  const first = tvb.u8(o);
  const type = first >> 4;
  if (type <= 7) {
    c.info = column(type);
    // Wireshark reads a PDU's whole header before it shows any of it.
    if (!tvb.has(o, headerLength(type, first)) && pinfo.wantInfo) pinfo.setInfo(c.info);
    tvb.need(o, headerLength(type, first));
  }
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    header(c, o, first);
  } catch (err) {
    if (!(err instanceof Stop)) {
      if (pinfo.wantInfo) pinfo.setInfo(c.info);
      throw err;
    }
    while (c.depth > 0) c.pop();
  }
  if (pinfo.wantInfo) pinfo.setInfo(c.info);
  tree.pop();
  return tvb.remaining(o);
}

const pad3 = (n: number): string => String(n).padStart(3);
const column = (type: number): string => (TYPES.get(type) ?? '').padEnd(16);

function header(c: Apdu, o: number, first: number): void {
  const { tvb, tree } = c;
  const type = first >> 4;
  if (type > 7) {
    c.info = '# unknown APDU #';
    return;
  }
  switch (type) {
    case 0:
    case 3: {
      tree.add(F.type, tvb, o, 1, type);
      c.push(F.pduflags, o, 1, first & 0x0f);
      tree.add(F.segmented_request, tvb, o, 1, (first & 0x08) !== 0);
      tree.add(F.more_segments, tvb, o, 1, (first & 0x04) !== 0);
      if (type === 0) tree.add(F.SA, tvb, o, 1, (first & 0x02) !== 0);
      c.pop();
      let at = o + 1;
      if (type === 0) {
        const limits = tvb.u8(at);
        tree.add(F.response_segments, tvb, at, 1, (limits & 0x70) >> 4);
        tree.add(F.max_adpu_size, tvb, at, 1, limits & 0x0f);
        at++;
      }
      const invoke = tvb.u8(at);
      tree.add(F.invoke_id, tvb, at, 1, invoke);
      at++;
      const segmented = (first & 0x08) !== 0;
      if (segmented) {
        tree.add(F.sequence_number, tvb, at, 1, tvb.u8(at));
        tree.add(F.window_size, tvb, at + 1, 1, tvb.u8(at + 1));
        at += 2;
      }
      const service = tvb.u8(at);
      tree.add(F.confirmed_service, tvb, at, 1, service);
      c.info += `${CONFIRMED.get(service) ?? 'unknown service'}[${pad3(invoke)}] `;
      at++;
      // A segment alone is a fragment to Wireshark: its parameters wait for reassembly.
      if (segmented) {
        c.info += ` (Message fragment ${tvb.u8(at - 3)})`;
        throw STOP;
      }
      if (type === 0) confirmedRequest(c, at, service);
      else complexAck(c, at, service);
      return;
    }
    case 1: {
      tree.add(F.type, tvb, o, 1, type);
      const service = tvb.u8(o + 1);
      tree.add(F.unconfirmed_service, tvb, o + 1, 1, service);
      c.info += `${UNCONFIRMED.get(service) ?? 'unknown service'} `;
      unconfirmedRequest(c, o + 2, service);
      return;
    }
    case 2: {
      tree.add(F.type, tvb, o, 1, type);
      const invoke = tvb.u8(o + 1);
      tree.add(F.invoke_id, tvb, o + 1, 1, invoke);
      const service = tvb.u8(o + 2);
      tree.add(F.confirmed_service, tvb, o + 2, 1, service);
      c.info += `${CONFIRMED.get(service) ?? 'unknown service'}[${pad3(invoke)}] `;
      return;
    }
    case 4:
      c.push(F.type, o, 1, type);
      tree.add(F.NAK, tvb, o, 1, (first & 0x02) !== 0);
      tree.add(F.SRV, tvb, o, 1, (first & 0x01) !== 0);
      tree.add(F.invoke_id, tvb, o + 1, 1, tvb.u8(o + 1));
      tree.add(F.sequence_number, tvb, o + 2, 1, tvb.u8(o + 2));
      tree.add(F.window_size, tvb, o + 3, 1, tvb.u8(o + 3));
      c.pop();
      return;
    case 5: {
      c.push(F.type, o, 1, type);
      const invoke = tvb.u8(o + 1);
      tree.add(F.invoke_id, tvb, o + 1, 1, invoke);
      const service = tvb.u8(o + 2);
      tree.add(F.confirmed_service, tvb, o + 2, 1, service);
      c.pop();
      c.info += `${CONFIRMED.get(service) ?? 'unknown service'}[${pad3(invoke)}] `;
      errorPdu(c, o + 3);
      return;
    }
    case 6:
    case 7: {
      c.push(F.type, o, 1, type);
      if (type === 7) tree.add(F.SRV, tvb, o, 1, (first & 0x01) !== 0);
      const invoke = tvb.u8(o + 1);
      tree.add(F.invoke_id, tvb, o + 1, 1, invoke);
      const reason = tvb.u8(o + 2);
      const def = type === 6 ? F.reject_reason : F.abort_reason;
      tree.add(def, tvb, o + 2, 1, reason);
      c.pop();
      const name = def.strings?.get(reason) ?? reserved(reason, 64);
      c.info += `${name}[${pad3(invoke)}] `;
      return;
    }
  }
}

function headerLength(type: number, first: number): number {
  const segmented = (first & 0x08) !== 0 ? 2 : 0;
  switch (type) {
    case 0:
      return 4 + segmented;
    case 3:
      return 3 + segmented;
    case 1:
      return 2;
    case 4:
      return 4;
    default:
      return 3;
  }
}

// ---- tags ----

function readTag(tvb: Tvb, at: number): Tag {
  const b = tvb.u8(at);
  const num = b >> 4;
  const context = (b & 0x08) !== 0;
  const lvt = b & 0x07;
  // Extended tag numbers and the longer length forms are left to tshark.
  if (num === 15) throw STOP;
  let hdr = 1;
  let len = lvt;
  if (lvt === 5) {
    len = tvb.u8(at + 1);
    if (len >= 254) throw STOP;
    hdr = 2;
  }
  const opening = context && lvt === 6;
  const closing = context && lvt === 7;
  if (opening || closing || (!context && num === 1)) len = 0;
  return { at, num, context, lvt, len, hdr, opening, closing };
}

/** The tag's own subtree (fTagHeaderTree). */
function tagTree(c: Apdu, t: Tag): void {
  const { tvb, tree } = c;
  const b = tvb.u8(t.at);
  if (t.opening || t.closing) {
    c.push(SUBTREE, t.at, 1, undefined, `${t.opening ? '{' : '}'}[${t.num}]`);
    tree.add(F.tag_class, tvb, t.at, 1, true);
    tree.add(F.context_tag_number, tvb, t.at, 1, t.num);
    tree.add(F.named_tag, tvb, t.at, 1, b & 0x07);
    c.pop();
    return;
  }
  const shown = !t.context && t.num === 1 ? t.lvt : t.len;
  const kind = t.context ? `Context Tag: ${t.num}` : `Application Tag: ${APP_TAGS.get(t.num) ?? ''}`;
  c.push(SUBTREE, t.at, t.hdr, undefined, `${kind}, Length/Value/Type: ${shown}`);
  tree.add(F.tag_class, tvb, t.at, 1, t.context);
  if (t.context) tree.add(F.context_tag_number, tvb, t.at, 1, t.num);
  else tree.add(F.application_tag_number, tvb, t.at, 1, t.num);
  if (t.lvt === 5) tree.add(F.named_tag, tvb, t.at, 1, 5);
  tree.add(F.LVT, tvb, t.at + t.hdr - 1, 1, shown);
  c.pop();
}

/** The next tag if it is context tag `num` (not opening or closing), else null. */
function contextTag(c: Apdu, at: number, num: number): Tag | null {
  if (c.tvb.reportedRemaining(at) <= 0) return null;
  const t = readTag(c.tvb, at);
  return t.context && !t.opening && !t.closing && t.num === num ? t : null;
}

function expectContext(c: Apdu, at: number, num: number): Tag {
  const t = contextTag(c, at, num);
  if (!t) throw STOP;
  return t;
}

function expectApp(c: Apdu, at: number, num: number): Tag {
  if (c.tvb.reportedRemaining(at) <= 0) throw STOP;
  const t = readTag(c.tvb, at);
  if (t.context || t.num !== num) throw STOP;
  return t;
}

function unsigned(tvb: Tvb, at: number, len: number): number {
  if (len < 1 || len > 6) throw STOP;
  let v = 0;
  for (let i = 0; i < len; i++) v = v * 256 + tvb.u8(at + i);
  return v;
}

function signed(tvb: Tvb, at: number, len: number): number {
  const v = unsigned(tvb, at, len);
  const top = 2 ** (8 * len);
  return v >= top / 2 ? v - top : v;
}

/** An unnamed enumeration value as Wireshark names it: reserved below `proprietary`, else proprietary. */
function reserved(v: number, proprietary: number): string {
  return `(${v}) ${v < proprietary ? 'Reserved for Use by ASHRAE' : 'Vendor Proprietary Value'}`;
}

const objectTypeName = (type: number): string => OBJECT_TYPES.get(type) ?? reserved(type, 128);

// ---- values ----

/** An object identifier: `ObjectIdentifier: device, 1234` over its tag, type and instance. */
function objectId(c: Apdu, t: Tag, label = 'ObjectIdentifier'): number {
  const { tvb, tree } = c;
  if (t.len !== 4) throw STOP;
  const v = tvb.u32(t.at + t.hdr);
  const type = Math.floor(v / 0x400000);
  const inst = v % 0x400000;
  const name = objectTypeName(type);
  c.push(SUBTREE, t.at, t.hdr + 4, undefined, `${label}: ${name}, ${inst}`);
  tagTree(c, t);
  tree.add(F.objectType, tvb, t.at + t.hdr, 4, type);
  tree.add(F.instance_number, tvb, t.at + t.hdr, 4, inst);
  c.pop();
  c.info += `${name},${inst} `;
  return t.at + t.hdr + 4;
}

function propertyId(c: Apdu, t: Tag): { at: number; prop: number } {
  const prop = unsigned(c.tvb, t.at + t.hdr, t.len);
  const name = PROPERTIES.get(prop) ?? reserved(prop, 512);
  c.push(SUBTREE, t.at, t.hdr + t.len, undefined, `Property Identifier: ${name} (${prop})`);
  tagTree(c, t);
  c.tree.add(F.property_identifier, c.tvb, t.at + t.hdr, t.len, prop);
  c.pop();
  c.info += `${name} `;
  return { at: t.at + t.hdr + t.len, prop };
}

/** A label-only node over a tag and its value: `label` then the tag's subtree. */
function labelled(c: Apdu, t: Tag, label: string): number {
  c.push(SUBTREE, t.at, t.hdr + t.len, undefined, label);
  tagTree(c, t);
  c.pop();
  return t.at + t.hdr + t.len;
}

/** A field over a tag and its value, the tag's subtree below it. */
function field(c: Apdu, def: FieldDef, t: Tag, value: number | string | boolean | bigint): number {
  c.push(def, t.at, t.hdr + t.len, value);
  tagTree(c, t);
  c.pop();
  return t.at + t.hdr + t.len;
}

function dateText(tvb: Tvb, at: number): string {
  const year = tvb.u8(at);
  const month = tvb.u8(at + 1);
  const day = tvb.u8(at + 2);
  const dow = tvb.u8(at + 3);
  if ((month !== 255 && (month < 1 || month > 12)) || (dow !== 255 && (dow < 1 || dow > 7))) throw STOP;
  if (day === 0 || (day > 31 && day !== 255)) throw STOP;
  const m = month === 255 ? 'any month' : MONTHS[month - 1];
  const y = year === 255 ? 'any year' : String(1900 + year);
  const d = dow === 255 ? 'any day of week' : DAYS[dow - 1];
  return `${m} ${day}, ${y}, (Day of Week = ${d})`;
}

function timeText(tvb: Tvb, at: number): string {
  const h = tvb.u8(at);
  const m = tvb.u8(at + 1);
  const s = tvb.u8(at + 2);
  const cs = tvb.u8(at + 3);
  if (h > 23 || m > 59 || s > 59 || cs > 99) throw STOP;
  const h12 = h > 12 ? h - 12 : h;
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${h12}:${two(m)}:${two(s)}.${cs} ${h >= 12 ? 'P.M.' : 'A.M.'} = ${two(h)}:${two(m)}:${two(s)}.${cs}`;
}

/** A character string's text, where it is plain ASCII in character set 0. */
function charString(c: Apdu, t: Tag): string {
  const { tvb } = c;
  if (t.len < 1) throw STOP;
  if (tvb.u8(t.at + t.hdr) !== 0) throw STOP;
  tvb.need(t.at + t.hdr + 1, t.len - 1);
  for (let i = 1; i < t.len; i++) {
    const b = tvb.u8(t.at + t.hdr + i);
    if (b < 0x20 || b > 0x7e) throw STOP;
  }
  return tvb.ascii(t.at + t.hdr + 1, t.len - 1);
}

/** `Object Name` over the name, its tag and its character set. */
function objectName(c: Apdu, t: Tag): number {
  const text = charString(c, t);
  const start = t.at + t.hdr;
  c.push(SUBTREE, t.at, t.hdr + t.len, undefined, 'Object Name');
  c.tree.add(F.object_name, c.tvb, start + 1, t.len - 1, text);
  tagTree(c, t);
  c.tree.add(F.string_character_set, c.tvb, start, 1, 0);
  c.pop();
  return start + t.len;
}

/** An application-tagged value under `prefix` (fApplicationTypes). */
function appValue(c: Apdu, t: Tag, prefix: string): number {
  const { tvb } = c;
  const v = t.at + t.hdr;
  if (t.context) throw STOP;
  tvb.need(v, t.len);
  switch (t.num) {
    case 0:
      return labelled(c, t, `${prefix}NULL`);
    case 1:
      return labelled(c, t, `${prefix}${t.lvt ? 'TRUE' : 'FALSE'}`);
    case 2:
      return labelled(c, t, `${prefix}(Unsigned) ${unsigned(tvb, v, t.len)}`);
    case 3:
      return labelled(c, t, `${prefix}(Signed) ${signed(tvb, v, t.len)}`);
    case 4:
      if (t.len !== 4) throw STOP;
      return labelled(c, t, `${prefix}${tvb.view.getFloat32(v).toFixed(6)} (Real)`);
    case 5:
      if (t.len !== 8) throw STOP;
      return labelled(c, t, `${prefix}${tvb.view.getFloat64(v).toFixed(6)} (Double)`);
    case 7: {
      c.push(SUBTREE, t.at, t.hdr + t.len, undefined, `${prefix}UTF-8 '${charString(c, t)}'`);
      tagTree(c, t);
      c.tree.add(F.string_character_set, tvb, v, 1, 0);
      c.pop();
      return v + t.len;
    }
    case 10:
      if (t.len !== 4) throw STOP;
      return labelled(c, t, `${prefix || 'Date: '}${dateText(tvb, v)}`);
    case 11:
      if (t.len !== 4) throw STOP;
      return labelled(c, t, `${prefix || 'Time: '}${timeText(tvb, v)}`);
    case 12:
      return objectId(c, t);
    default:
      throw STOP;
  }
}

/** A present-value's application-tagged value as its `bacapp.present_value.*` field. */
function presentValue(c: Apdu, t: Tag): number {
  const { tvb } = c;
  const v = t.at + t.hdr;
  if (t.context) throw STOP;
  tvb.need(v, t.len);
  switch (t.num) {
    case 0:
      return field(c, F['present_value.null'], t, 'NULL');
    case 1:
      return field(c, F['present_value.boolean'], t, t.lvt !== 0);
    case 2:
      return field(c, F['present_value.uint'], t, unsigned(tvb, v, t.len));
    case 3:
      return field(c, F['present_value.int'], t, signed(tvb, v, t.len));
    case 4:
      if (t.len !== 4) throw STOP;
      return field(c, F['present_value.real'], t, formatDouble(tvb.view.getFloat32(v)));
    case 5:
      if (t.len !== 8) throw STOP;
      return field(c, F['present_value.double'], t, formatDouble(tvb.view.getFloat64(v)));
    case 9:
      return field(c, F['present_value.enum_index'], t, unsigned(tvb, v, t.len));
    default:
      // Dates, times, object identifiers and strings take other forms under present-value.
      throw STOP;
  }
}

/** The values of property `prop` up to the closing tag `close` (itself not read). */
function propertyValues(c: Apdu, at: number, prop: number, close: number): number {
  // Wireshark reads values while bytes remain: a missing closing tag is no error.
  while (c.tvb.reportedRemaining(at) > 0) {
    const t = readTag(c.tvb, at);
    if (t.closing && t.num === close) return at;
    if (t.context || !PROPERTIES.has(prop)) throw STOP;
    if (prop === 85) at = presentValue(c, t);
    else if (prop === 77 && t.num === 7) at = objectName(c, t);
    else if (prop === 111 && t.num === 8) at = statusFlags(c, t);
    else if (t.num === 12) at = objectId(c, t);
    else at = appValue(c, t, `${PROPERTIES.get(prop) ?? ''}: `);
  }
  return at;
}

const STATUS_FLAGS = ['in-alarm', 'fault', 'overridden', 'out-of-service'];

/** A status-flags bit string: its flags as T/F, the unused bits, each flag by name. */
function statusFlags(c: Apdu, t: Tag): number {
  const { tvb, tree } = c;
  const v = t.at + t.hdr;
  if (t.len !== 2) throw STOP;
  const unused = tvb.u8(v);
  const bits = tvb.u8(v + 1);
  if (unused < 4 || unused > 7) throw STOP;
  const set = STATUS_FLAGS.slice(0, 8 - unused).map((_, i) => (bits & (0x80 >> i)) !== 0);
  const flags = set.map((b) => (b ? 'T' : 'F')).join('');
  c.push(SUBTREE, t.at, t.hdr + t.len, undefined, `status-flags: (Bit String) (${flags})`);
  tagTree(c, t);
  tree.add(F.unused_bits, tvb, v, 1, unused);
  set.forEach((b, i) => {
    tree.add(F.bit, tvb, v + 1, 1, b);
    if (tree.full) tree.labelLast(`${STATUS_FLAGS[i] ?? ''} = ${b ? 'TRUE' : 'FALSE'}`);
  });
  c.pop();
  return v + t.len;
}

/** `{[n]`, the values, `}[n]`. */
function bracketedValues(c: Apdu, at: number, prop: number, num: number): number {
  const open = readTag(c.tvb, at);
  if (!open.opening || open.num !== num) throw STOP;
  tagTree(c, open);
  at = propertyValues(c, at + 1, prop, num);
  if (c.tvb.reportedRemaining(at) <= 0) return at;
  tagTree(c, readTag(c.tvb, at));
  return at + 1;
}

// ---- services ----

function confirmedRequest(c: Apdu, at: number, service: number): void {
  switch (service) {
    case 12: // readProperty
      readPropertyHead(c, at);
      return;
    case 15: {
      // writeProperty
      const { at: next, prop } = readPropertyHead(c, at);
      at = bracketedValues(c, next, prop, 3);
      const prio = contextTag(c, at, 4);
      if (prio) labelled(c, prio, `Priority: (Unsigned) ${unsigned(c.tvb, prio.at + prio.hdr, prio.len)}`);
      return;
    }
    case 5: {
      // subscribeCOV
      const pid = expectContext(c, at, 0);
      at = labelled(
        c,
        pid,
        `subscriber Process Id: (Unsigned) ${unsigned(c.tvb, pid.at + pid.hdr, pid.len)}`,
      );
      at = objectId(c, expectContext(c, at, 1));
      const confirmed = contextTag(c, at, 2);
      if (confirmed) {
        const v = unsigned(c.tvb, confirmed.at + confirmed.hdr, confirmed.len);
        at = labelled(c, confirmed, `issue Confirmed Notifications: ${v ? 'TRUE' : 'FALSE'}`);
      }
      const life = contextTag(c, at, 3);
      if (life)
        labelled(c, life, `life time (hh.mm.ss): ${hms(unsigned(c.tvb, life.at + life.hdr, life.len))}`);
      return;
    }
    default:
      throw STOP;
  }
}

function hms(s: number): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${Math.floor(s / 3600)}.${two(Math.floor(s / 60) % 60)}.${two(s % 60)}`;
}

/** Object identifier [0], property [1], array index [2]: a ReadProperty's or WriteProperty's start. */
function readPropertyHead(c: Apdu, at: number): { at: number; prop: number } {
  at = objectId(c, expectContext(c, at, 0));
  const p = propertyId(c, expectContext(c, at, 1));
  at = p.at;
  const index = contextTag(c, at, 2);
  if (index) {
    at = labelled(
      c,
      index,
      `property Array Index (Unsigned) ${unsigned(c.tvb, index.at + index.hdr, index.len)}`,
    );
  }
  return { at, prop: p.prop };
}

function complexAck(c: Apdu, at: number, service: number): void {
  if (service !== 12) throw STOP;
  const { at: next, prop } = readPropertyHead(c, at);
  bracketedValues(c, next, prop, 3);
}

function unconfirmedRequest(c: Apdu, at: number, service: number): void {
  const { tvb } = c;
  switch (service) {
    case 8: {
      // who-Is
      const low = contextTag(c, at, 0);
      if (!low) {
        if (tvb.reportedRemaining(at) > 0) throw STOP;
        return;
      }
      const lv = unsigned(tvb, low.at + low.hdr, low.len);
      at = field(c, F['who_is.low_limit'], low, lv);
      c.info += `${lv} `;
      const high = expectContext(c, at, 1);
      const hv = unsigned(tvb, high.at + high.hdr, high.len);
      field(c, F['who_is.high_limit'], high, hv);
      c.info += `${hv} `;
      return;
    }
    case 0: {
      // i-Am
      at = objectId(c, expectApp(c, at, 12));
      const apdu = expectApp(c, at, 2);
      at = labelled(
        c,
        apdu,
        `Maximum ADPU Length Accepted: (Unsigned) ${unsigned(tvb, apdu.at + apdu.hdr, apdu.len)}`,
      );
      const seg = expectApp(c, at, 9);
      const sv = unsigned(tvb, seg.at + seg.hdr, seg.len);
      const segName = SEGMENTATION[sv];
      if (segName === undefined) throw STOP;
      at = labelled(c, seg, `Segmentation Supported:  ${segName} (${sv})`);
      const vendor = expectApp(c, at, 2);
      const vid = unsigned(tvb, vendor.at + vendor.hdr, vendor.len);
      if (vid > 0xffff) throw STOP;
      const vname = VENDORS.get(vid) ?? 'Unknown Vendor';
      c.push(SUBTREE, vendor.at, vendor.hdr + vendor.len, undefined, `Vendor ID: ${vname} (${vid})`);
      tagTree(c, vendor);
      c.tree.add(F.vendor_identifier, tvb, vendor.at + vendor.hdr, vendor.len, vid);
      c.pop();
      return;
    }
    case 7: {
      // who-Has
      const low = contextTag(c, at, 0);
      if (low) {
        at = labelled(
          c,
          low,
          `device Instance Low Limit: (Unsigned) ${unsigned(tvb, low.at + low.hdr, low.len)}`,
        );
        const high = expectContext(c, at, 1);
        at = labelled(
          c,
          high,
          `device Instance High Limit: (Unsigned) ${unsigned(tvb, high.at + high.hdr, high.len)}`,
        );
      }
      const id = contextTag(c, at, 2);
      if (id) {
        objectId(c, id);
        return;
      }
      objectName(c, expectContext(c, at, 3));
      return;
    }
    case 1:
      // i-Have
      at = objectId(c, expectApp(c, at, 12));
      at = objectId(c, expectApp(c, at, 12));
      objectName(c, expectApp(c, at, 7));
      return;
    case 6: {
      // timeSynchronization
      const date = expectApp(c, at, 10);
      at = appValue(c, date, '');
      appValue(c, expectApp(c, at, 11), '');
      return;
    }
    case 2:
      covNotification(c, at);
      return;
    default:
      throw STOP;
  }
}

/** An Error PDU's error class and code (application-tagged enumerations). */
function errorPdu(c: Apdu, at: number): void {
  const { tvb } = c;
  const cls = readTag(tvb, at);
  if (cls.context || cls.num !== 9) throw STOP;
  at = field(c, F.error_class, cls, unsigned(tvb, cls.at + cls.hdr, cls.len));
  const code = readTag(tvb, at);
  if (code.context || code.num !== 9) throw STOP;
  field(c, F.error_code, code, unsigned(tvb, code.at + code.hdr, code.len));
}

function covNotification(c: Apdu, at: number): void {
  const { tvb } = c;
  const pid = expectContext(c, at, 0);
  at = field(c, F.processId, pid, unsigned(tvb, pid.at + pid.hdr, pid.len));
  at = objectId(c, expectContext(c, at, 1), 'DeviceIdentifier');
  at = objectId(c, expectContext(c, at, 2));
  const left = expectContext(c, at, 3);
  const secs = unsigned(tvb, left.at + left.hdr, left.len);
  at = labelled(c, left, `Time remaining:  (hh.mm.ss): ${hms(secs)}${secs === 0 ? ' (indefinite)' : ''}`);
  const open = readTag(tvb, at);
  if (!open.opening || open.num !== 4) throw STOP;
  c.push(SUBTREE, at, 1, undefined, 'list of Values: ');
  tagTree(c, open);
  at++;
  for (;;) {
    const t = readTag(tvb, at);
    if (t.closing && t.num === 4) break;
    const p = propertyId(c, expectContext(c, at, 0));
    at = p.at;
    if (contextTag(c, at, 1)) throw STOP;
    at = bracketedValues(c, at, p.prop, 2);
    if (contextTag(c, at, 3)) throw STOP;
  }
  tagTree(c, readTag(tvb, at));
  c.pop();
}

export const bacappModule = { fields: F };
