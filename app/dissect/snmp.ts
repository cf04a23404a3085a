// Simple Network Management Protocol v1 and v2c (RFC 1157, 3416) on UDP 161/162: version,
// community, the PDU with its request id and error fields, v1 traps, and the variable bindings
// with their object names and typed values. SNMPv3 shows its version and the rest as bytes.
import { berHeader, berInteger, berOid, berUnsigned, type BerHeader } from './asn1.ts';
import { bytes, fields, ipv4, names, proto, str, text, uint, FieldType, type FieldDef } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { NULL_TREE, type Tree } from './tree.ts';
import { MalformedError, type Tvb } from './tvb.ts';
import { formatText } from './dns.ts';
import { expert } from './ip-proto.ts';
import { formatHex, formatIPv4 } from '../format/address.ts';

const VERSIONS = names({ 0: 'version-1', 1: 'v2c', 2: 'v2u', 3: 'snmpv3' });
const PDUS = names({
  0: 'get-request',
  1: 'get-next-request',
  2: 'get-response',
  3: 'set-request',
  4: 'trap',
  5: 'getBulkRequest',
  6: 'informRequest',
  7: 'snmpV2-trap',
  8: 'report',
});
const ERRORS = names({
  0: 'noError', 1: 'tooBig', 2: 'noSuchName', 3: 'badValue', 4: 'readOnly', 5: 'genErr', 6: 'noAccess',
  7: 'wrongType', 8: 'wrongLength', 9: 'wrongEncoding', 10: 'wrongValue', 11: 'noCreation',
  12: 'inconsistentValue', 13: 'resourceUnavailable', 14: 'commitFailed', 15: 'undoFailed',
  16: 'authorizationError', 17: 'notWritable', 18: 'inconsistentName',
}); // prettier-ignore
const GENERIC_TRAPS = names({
  0: 'coldStart',
  1: 'warmStart',
  2: 'linkDown',
  3: 'linkUp',
  4: 'authenticationFailure',
  5: 'egpNeighborLoss',
  6: 'enterpriseSpecific',
});

const int = (name: string): { name: string; type: FieldType; base: 'dec'; bits: number } => ({
  name,
  type: FieldType.Int,
  base: 'dec',
  bits: 32,
});

export const F = fields('snmp', {
  '': proto('Simple Network Management Protocol'),
  version: { ...int('version'), strings: VERSIONS },
  community: str('community'),
  data: uint('data', 32, { strings: PDUS }),
  get_request_element: text('get-request'),
  get_next_request_element: text('get-next-request'),
  get_response_element: text('get-response'),
  set_request_element: text('set-request'),
  trap_element: text('trap'),
  getBulkRequest_element: text('getBulkRequest'),
  informRequest_element: text('informRequest'),
  snmpV2_trap_element: text('snmpV2-trap'),
  report_element: text('report'),
  request_id: int('request-id'),
  error_status: { ...int('error-status'), strings: ERRORS },
  error_index: int('error-index'),
  non_repeaters: int('non-repeaters'),
  max_repetitions: int('max-repetitions'),
  enterprise: str('enterprise'),
  agent_addr: ipv4('agent-addr'),
  generic_trap: { ...int('generic-trap'), strings: GENERIC_TRAPS },
  specific_trap: int('specific-trap'),
  time_stamp: uint('time-stamp', 32),
  variable_bindings: text('variable-bindings'),
  _varbind: text('VarBind'),
  name: str('Object Name'),
  'value.int': { ...int('Value (Integer32)'), bits: 64 },
  'value.octets': bytes('Value (OctetString)'),
  'var-bind_str': str('Variable-binding-string'),
  'value.null': text('Value (Null)'),
  'value.oid': str('Value (OID)'),
  'value.ipv4': ipv4('Value (IpAddress)'),
  'value.counter': uint('Value (Counter32)', 64),
  'value.g32': uint('Value (Gauge32)', 32),
  'value.timeticks': uint('Value (Timeticks)', 32),
  'value.opaque': bytes('Value (Opaque)'),
  noSuchObject: text('noSuchObject'),
  noSuchInstance: text('noSuchInstance'),
  endOfMibView: text('endOfMibView'),
  msgVersion: { ...int('msgVersion'), strings: VERSIONS },
  'v3.data': bytes('SNMPv3 message'),
});

const ELEMENTS: readonly FieldDef[] = [
  F.get_request_element,
  F.get_next_request_element,
  F.get_response_element,
  F.set_request_element,
  F.trap_element,
  F.getBulkRequest_element,
  F.informRequest_element,
  F.snmpV2_trap_element,
  F.report_element,
];

/** `iso.3.6.1…`: the OID with its first arc named, as tshark shows it without MIBs. */
const isoForm = (oid: string): string => (oid.startsWith('1.') ? `iso.${oid.slice(2)}` : oid);

interface Ctx {
  tvb: Tvb;
  tree: Tree;
  pinfo: PacketInfo;
  info: string[] | null;
  /** Whether a Variable-binding-string was shown (tshark then lists snmp twice in the stack). */
  shownString: boolean;
}

function expect(tvb: Tvb, at: number, limit: number, id: number): BerHeader {
  const h = berHeader(tvb, at, limit);
  if (h.id !== id) throw new MalformedError('Malformed Packet', at);
  return h;
}

export function dissectSNMP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  const end = tvb.reportedEnd;
  pinfo.layers.push('snmp');
  pinfo.setProto('SNMP');
  const wantInfo = pinfo.wantInfo;
  if (!wantInfo && tree === NULL_TREE) return tvb.remaining(o);
  tree.push(F[''], tvb, o, tvb.remaining(o));
  const ctx: Ctx = { tvb, tree, pinfo, info: wantInfo ? [] : null, shownString: false };
  try {
    const msg = expect(tvb, o, end, 0x30);
    const v = expect(tvb, msg.start, msg.end, 0x02);
    const version = Number(berInteger(tvb, v.start, v.length));
    if (version === 3) {
      tree.add(F.msgVersion, tvb, v.start, v.length, version);
      if (msg.end > v.end) tree.add(F['v3.data'], tvb, v.end, Math.min(msg.end, tvb.end) - v.end);
      if (wantInfo) pinfo.setInfo('encryptedPDU');
      return tvb.remaining(o);
    }
    tree.add(F.version, tvb, v.start, v.length, version);
    const c = expect(tvb, v.end, msg.end, 0x04);
    tree.add(F.community, tvb, c.start, c.length, tvb.ascii(c.start, c.length));
    const pdu = berHeader(tvb, c.end, msg.end);
    if (pdu.cls !== 0x80 || !pdu.constructed || pdu.tag > 8)
      throw new MalformedError('Malformed Packet', c.end);
    tree.push(F.data, tvb, c.end, pdu.end - c.end, pdu.tag);
    const name = PDUS.get(pdu.tag) as string;
    ctx.info?.push(name);
    tree.push(ELEMENTS[pdu.tag] as FieldDef, tvb, c.end, pdu.end - c.end);
    try {
      if (pdu.tag === 4) trapV1(ctx, pdu);
      else request(ctx, pdu);
    } finally {
      tree.pop();
      tree.pop();
    }
  } finally {
    tree.pop();
    if (ctx.info) pinfo.setInfo(ctx.info.join(' '));
  }
  return tvb.remaining(o);
}

function intField(
  ctx: Ctx,
  def: FieldDef,
  at: number,
  limit: number,
): { value: number | bigint; end: number } {
  const h = expect(ctx.tvb, at, limit, 0x02);
  const value = berInteger(ctx.tvb, h.start, h.length);
  ctx.tree.add(def, ctx.tvb, at, h.end - at, value);
  return { value, end: h.end };
}

function request(ctx: Ctx, pdu: BerHeader): void {
  let p = intField(ctx, F.request_id, pdu.start, pdu.end).end;
  const bulk = pdu.tag === 5;
  p = intField(ctx, bulk ? F.non_repeaters : F.error_status, p, pdu.end).end;
  p = intField(ctx, bulk ? F.max_repetitions : F.error_index, p, pdu.end).end;
  varbinds(ctx, p, pdu.end);
}

function trapV1(ctx: Ctx, pdu: BerHeader): void {
  const { tvb, tree } = ctx;
  const e = expect(tvb, pdu.start, pdu.end, 0x06);
  const enterprise = berOid(tvb, e.start, e.length);
  tree.add(F.enterprise, tvb, pdu.start, e.end - pdu.start, enterprise);
  if (tree.full) tree.labelLast(`enterprise: ${enterprise} (${isoForm(enterprise)})`);
  ctx.info?.push(isoForm(enterprise));
  const a = expect(tvb, e.end, pdu.end, 0x40);
  if (a.length !== 4) throw new MalformedError('Malformed Packet', a.start);
  tree.add(F.agent_addr, tvb, e.end, a.end - e.end, tvb.u32(a.start));
  let p = intField(ctx, F.generic_trap, a.end, pdu.end).end;
  p = intField(ctx, F.specific_trap, p, pdu.end).end;
  const t = expect(tvb, p, pdu.end, 0x43);
  tree.add(F.time_stamp, tvb, p, t.end - p, berUnsigned(tvb, t.start, t.length));
  varbinds(ctx, t.end, pdu.end);
}

function varbinds(ctx: Ctx, at: number, limit: number): void {
  const { tvb, tree } = ctx;
  const list = expect(tvb, at, limit, 0x30);
  tree.push(F.variable_bindings, tvb, at, list.end - at);
  let count = 0;
  try {
    for (let p = list.start; p < list.end; count++) {
      const vb = expect(tvb, p, list.end, 0x30);
      varbind(ctx, p, vb);
      p = vb.end;
    }
  } finally {
    tree.pop(undefined, `variable-bindings: ${count} item${count === 1 ? '' : 's'}`);
  }
}

function varbind(ctx: Ctx, at: number, vb: BerHeader): void {
  const { tvb, tree } = ctx;
  const n = expect(tvb, vb.start, vb.end, 0x06);
  const oid = berOid(tvb, n.start, n.length);
  ctx.info?.push(oid);
  if (tree === NULL_TREE) return;
  tree.push(F._varbind, tvb, at, vb.end - at);
  try {
    tree.add(F.name, tvb, vb.start, n.end - vb.start, oid);
    if (tree.full) tree.labelLast(`Object Name: ${oid} (${isoForm(oid)})`);
    const v = berHeader(tvb, n.end, vb.end);
    const shown = value(ctx, n.end, v);
    if (tree.full) tree.label(`${oid}: ${shown}`);
  } finally {
    tree.pop();
  }
}

/** Adds a varbind's value; returns the text its subtree label shows. */
function value(ctx: Ctx, at: number, v: BerHeader): string {
  const { tvb, tree } = ctx;
  const len = v.end - at;
  switch (v.id) {
    case 0x02: {
      const x = berInteger(tvb, v.start, v.length);
      tree.add(F['value.int'], tvb, at, len, x);
      return String(x);
    }
    case 0x04: {
      tvb.need(v.start, v.length);
      const s = tvb.ascii(v.start, v.length);
      const printable = /^[\x20-\x7e]*$/.test(s);
      const shown = printable ? `"${s}"` : formatHex(tvb.bytes, v.start, v.length);
      tree.push(F['value.octets'], tvb, v.start, v.length);
      if (tree.full) tree.label(`Value (OctetString): ${shown}`);
      bindingString(ctx, v, s);
      tree.pop();
      return shown;
    }
    case 0x05:
      tree.add(F['value.null'], tvb, at, len, 1);
      return 'Value (Null)';
    case 0x06: {
      const oid = berOid(tvb, v.start, v.length);
      tree.add(F['value.oid'], tvb, at, len, oid);
      if (tree.full) tree.labelLast(`Value (OID): ${oid} (${isoForm(oid)})`);
      return `${oid} (${isoForm(oid)})`;
    }
    case 0x40: {
      if (v.length !== 4) break;
      const a = tvb.u32(v.start);
      tree.add(F['value.ipv4'], tvb, at, len, a);
      return formatIPv4(a);
    }
    case 0x41:
    case 0x46: {
      const x = berUnsigned(tvb, v.start, v.length);
      tree.push(F['value.counter'], tvb, at, len, x);
      if (tree.full) tree.label(`Value (${v.id === 0x41 ? 'Counter32' : 'Counter64'}): ${x}`);
      // tshark 4.0 also shows a Counter64's octets as text.
      if (v.id === 0x46) bindingString(ctx, v, tvb.ascii(v.start, v.length));
      tree.pop();
      return String(x);
    }
    case 0x42: {
      const x = berUnsigned(tvb, v.start, v.length);
      tree.add(F['value.g32'], tvb, at, len, x);
      return String(x);
    }
    case 0x43: {
      const x = berUnsigned(tvb, v.start, v.length);
      tree.add(F['value.timeticks'], tvb, at, len, x);
      return String(x);
    }
    case 0x44:
      tree.add(F['value.opaque'], tvb, v.start, v.length);
      return formatHex(tvb.bytes, v.start, Math.min(v.length, tvb.remaining(v.start)));
    case 0x80:
    case 0x81:
    case 0x82: {
      const def = v.id === 0x80 ? F.noSuchObject : v.id === 0x81 ? F.noSuchInstance : F.endOfMibView;
      tree.push(def, tvb, at, len);
      expert(ctx.pinfo, tree, tvb, at, len, 'Note', 'Response', def.name);
      tree.pop();
      return def.name;
    }
    default:
      break;
  }
  tree.add(F['value.opaque'], tvb, v.start, Math.min(v.length, tvb.remaining(v.start)));
  return 'Value (Unknown)';
}

function bindingString(ctx: Ctx, v: BerHeader, raw: string): void {
  ctx.tree.add(F['var-bind_str'], ctx.tvb, v.start, v.length, formatText(raw));
  if (!ctx.shownString) {
    ctx.shownString = true;
    ctx.pinfo.layers.push('snmp');
  }
}

export const snmpModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', 161, dissectSNMP);
    reg.register('udpPort', 162, dissectSNMP);
  },
};
