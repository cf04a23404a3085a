// Resource ReserVation Protocol (RFC 2205, with the RSVP-TE objects of RFC 3209) on IP protocol 46:
// the common header with its checksum and each object by class, length and C-type, the HELLO,
// SESSION, HOP, TIME VALUES and RESTART CAPABILITY objects in detail, as tshark 4.0 names them.
import { bitPicture } from './field-text.ts';
import { bytes, fields, hex, ipv4, names, proto, text, uint, type FieldDef } from './field.ts';
import { expert, onesSum } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { formatIPv4 } from '../format/address.ts';

const MESSAGES = names({
  1: 'PATH Message. ',
  2: 'RESV Message. ',
  3: 'PATH ERROR Message. ',
  4: 'RESV ERROR Message. ',
  5: 'PATH TEAR Message. ',
  6: 'RESV TEAR Message. ',
  7: 'RESV CONFIRM Message. ',
  10: 'RTEST Message. ',
  12: 'BUNDLE Message. ',
  13: 'ACK Message. ',
  15: 'SREFRESH Message. ',
  20: 'HELLO Message. ',
  25: 'NOTIFY Message. ',
  64: 'RECOVERY PATH Message. ',
});

export const F = fields('rsvp', {
  '': proto('Resource ReserVation Protocol (RSVP)'),
  _header: text('RSVP Header'),
  version: uint('RSVP Version', 8, { mask: 0xf0 }),
  flags: hex('Flags', 8, { mask: 0x0f }),
  msg: uint('Message Type', 8, { strings: MESSAGES }),
  message_checksum: hex('Message Checksum', 16),
  sending_ttl: uint('Sending TTL', 8),
  message_length: uint('Message length', 16),
  length: uint('Length', 16),
  object: uint('Object class', 8),
  ctype: uint('C-type', 32),
  session: text('SESSION'),
  hop: text('HOP'),
  integrity: text('INTEGRITY'),
  time: text('TIME VALUES'),
  error: text('ERROR'),
  scope: text('SCOPE'),
  style: text('STYLE'),
  flowspec: text('FLOWSPEC'),
  filter: text('FILTERSPEC'),
  sender: text('SENDER TEMPLATE'),
  tspec: text('SENDER TSPEC'),
  adspec: text('ADSPEC'),
  policy: text('POLICY'),
  confirm: text('CONFIRM'),
  label: text('LABEL'),
  label_request: text('LABEL REQUEST'),
  explicit_route: text('EXPLICIT ROUTE'),
  record_route: text('RECORD ROUTE'),
  hello_obj: text('HELLO Request/Ack'),
  msgid: text('MESSAGE-ID'),
  msgid_ack: text('MESSAGE-ID ACK'),
  msgid_list: text('MESSAGE-ID LIST'),
  session_attribute: text('SESSION ATTRIBUTE'),
  restart: text('RESTART CAPABILITY'),
  obj_unknown: text('Unknown object'),
  'session.ip': ipv4('Destination address'),
  'session.proto': uint('Protocol', 8),
  'session.port': uint('Port number', 16),
  'session.tunnel_id': uint('Tunnel ID', 16),
  'session.short_call_id': uint('Short Call ID', 16),
  'sender.ip': ipv4('Sender IPv4 address'),
  'sender.short_call_id': uint('Short Call ID', 16),
  'sender.lsp_id': uint('LSP ID', 16),
  'ero_rro_subobjects.length': uint('Length', 8),
  'session.ext_tunnel_id': uint('Extended tunnel ID', 32),
  'hop.neighbor_address_ipv4': ipv4('Neighbor address'),
  'hop.logical_interface': uint('Logical interface', 32),
  refresh_interval: uint('Refresh interval', 32),
  'hello.source_instance': hex('Source Instance', 32),
  'hello.destination_instance': hex('Destination Instance', 32),
  'restart_cap.restart_time': uint('Restart Time', 32),
  'restart_cap.recovery_time': uint('Recovery Time', 32),
  'unknown.data': bytes('Data'),
});

interface ObjectClass {
  def: FieldDef;
  name: string;
}
const CLASSES = new Map<number, ObjectClass>([
  [1, { def: F.session, name: 'SESSION object' }],
  [3, { def: F.hop, name: 'HOP object' }],
  [4, { def: F.integrity, name: 'INTEGRITY object' }],
  [5, { def: F.time, name: 'TIME VALUES object' }],
  [6, { def: F.error, name: 'ERROR object' }],
  [7, { def: F.scope, name: 'SCOPE object' }],
  [8, { def: F.style, name: 'STYLE object' }],
  [9, { def: F.flowspec, name: 'FLOWSPEC object' }],
  [10, { def: F.filter, name: 'FILTER SPEC object' }],
  [11, { def: F.sender, name: 'SENDER TEMPLATE object' }],
  [12, { def: F.tspec, name: 'SENDER TSPEC object' }],
  [13, { def: F.adspec, name: 'ADSPEC object' }],
  [14, { def: F.policy, name: 'POLICY DATA object' }],
  [15, { def: F.confirm, name: 'CONFIRM object' }],
  [16, { def: F.label, name: 'LABEL object' }],
  [19, { def: F.label_request, name: 'LABEL REQUEST object' }],
  [20, { def: F.explicit_route, name: 'EXPLICIT ROUTE object' }],
  [21, { def: F.record_route, name: 'RECORD ROUTE object' }],
  [22, { def: F.hello_obj, name: 'HELLO object' }],
  [23, { def: F.msgid, name: 'MESSAGE-ID object' }],
  [24, { def: F.msgid_ack, name: 'MESSAGE-ID ACK/NACK object' }],
  [25, { def: F.msgid_list, name: 'MESSAGE-ID LIST object' }],
  [131, { def: F.restart, name: 'RESTART-CAPABILITY object' }],
  [207, { def: F.session_attribute, name: 'SESSION ATTRIBUTE object' }],
]);

export function dissectRSVP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('rsvp');
  pinfo.setProto('RSVP');
  const vf = tvb.u8(o);
  const type = tvb.u8(o + 1);
  const msgName = MESSAGES.get(type) ?? `Unknown (${type}). `;
  if (pinfo.wantInfo) pinfo.setInfo(msgName);
  tree.push(F[''], tvb, o, tvb.remaining(o));
  if (tree.full) tree.label(`${F[''].name}: ${msgName}`);
  try {
    const len = tvb.u16(o + 6);
    tree.push(F._header, tvb, o, 8);
    if (tree.full) tree.label(`RSVP Header. ${msgName}`);
    tree.add(F.version, tvb, o, 1, vf >> 4);
    tree.add(F.flags, tvb, o, 1, vf & 0x0f);
    if (tree.full) tree.labelLast(`${bitPicture(F.flags, vf & 0x0f)} = Flags: 0x${(vf & 0x0f).toString(16)}`);
    tree.add(F.msg, tvb, o + 1, 1, type);
    const sum = tvb.u16(o + 2);
    tree.add(F.message_checksum, tvb, o + 2, 2, sum);
    if (tree.full)
      tree.labelLast(
        `Message Checksum: 0x${sum.toString(16).padStart(4, '0')}${checksumNote(tvb, o, len, sum)}`,
      );
    tree.add(F.sending_ttl, tvb, o + 4, 1, tvb.u8(o + 4));
    tree.add(F.message_length, tvb, o + 6, 2, len);
    tree.pop();
    const end = o + Math.min(len, tvb.reportedRemaining(o));
    for (let p = o + 8; p < end;) {
      const olen = tvb.u16(p);
      const cls = tvb.u8(p + 2);
      const ctype = tvb.u8(p + 3);
      const c = CLASSES.get(cls);
      tree.push(c?.def ?? F.obj_unknown, tvb, p, Math.max(olen, 4));
      tree.add(F.length, tvb, p, 2, olen);
      if (olen < 4) {
        expert(pinfo, tree, tvb, p, 2, 'Error', 'Malformed', `Length: ${olen} (bogus, must be >= 4)`);
        tree.pop();
        break;
      }
      tree.add(F.object, tvb, p + 2, 1, cls);
      if (tree.full) tree.labelLast(`Object class: ${c?.name ?? 'Unknown'} (${cls})`);
      tree.add(F.ctype, tvb, p + 3, 1, ctype);
      object(tvb, pinfo, tree, cls, ctype, p + 4, p + olen);
      tree.pop();
      p += olen;
    }
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

function checksumNote(tvb: Tvb, o: number, len: number, sum: number): string {
  if (len < 8 || !tvb.has(o, len)) return '';
  const should = ~onesSum(tvb.bytes, o, 2, onesSum(tvb.bytes, o + 4, len - 4)) & 0xffff;
  if (should === sum || (sum === 0 && should === 0xffff)) return ' [correct]';
  return ` [incorrect, should be 0x${should.toString(16).padStart(4, '0')}]`;
}

function object(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  cls: number,
  ctype: number,
  v: number,
  end: number,
): void {
  const node = tree.current();
  const label = (s: string): void => {
    if (node && tree.full) node.label = s;
  };
  // Session and sender summaries also go to Info, as tshark writes them.
  const summary = (s: string): void => {
    label(s);
    if (pinfo.wantInfo) pinfo.setInfo(pinfo.info + s);
  };
  switch (cls) {
    case 1:
      if (ctype === 1) {
        const ip = tvb.u32(v);
        tree.add(F['session.ip'], tvb, v, 4, ip);
        tree.add(F['session.proto'], tvb, v + 4, 1, tvb.u8(v + 4));
        tree.add(F['session.port'], tvb, v + 6, 2, tvb.u16(v + 6));
        summary(
          `SESSION: IPv4, Destination ${formatIPv4(ip)}, Protocol ${tvb.u8(v + 4)}, Port ${tvb.u16(v + 6)}. `,
        );
        return;
      }
      if (ctype === 7) {
        const ip = tvb.u32(v);
        const call = tvb.u16(v + 4);
        const tunnel = tvb.u16(v + 6);
        const ext = tvb.u32(v + 8);
        tree.add(F['session.ip'], tvb, v, 4, ip);
        tree.add(F['session.short_call_id'], tvb, v + 4, 2, call);
        tree.add(F['session.tunnel_id'], tvb, v + 6, 2, tunnel);
        tree.add(F['session.ext_tunnel_id'], tvb, v + 8, 4, ext);
        summary(
          `SESSION: IPv4-LSP, Destination ${formatIPv4(ip)}, Short Call ID ${call}, Tunnel ID ${tunnel}, Ext ID ${ext.toString(16)}. `,
        );
        return;
      }
      break;
    case 11:
      if (ctype === 7) {
        const ip = tvb.u32(v);
        const call = tvb.u16(v + 4);
        const lsp = tvb.u16(v + 6);
        tree.add(F['sender.ip'], tvb, v, 4, ip);
        tree.add(F['sender.short_call_id'], tvb, v + 4, 2, call);
        tree.add(F['sender.lsp_id'], tvb, v + 6, 2, lsp);
        summary(
          `SENDER TEMPLATE: IPv4-LSP, Tunnel Source: ${formatIPv4(ip)}, Short Call ID: ${call}, LSP ID: ${lsp}. `,
        );
        return;
      }
      break;
    case 20:
    case 21:
      for (let q = v; q < end;) {
        const l = tvb.u8(q + 1);
        tree.add(F['ero_rro_subobjects.length'], tvb, q + 1, 1, l);
        if (l < 2) {
          expert(pinfo, tree, tvb, q + 1, 1, 'Error', 'Malformed', `Invalid length: ${l}`);
          return;
        }
        q += l;
      }
      return;
    case 3:
      if (ctype === 1) {
        tree.add(F['hop.neighbor_address_ipv4'], tvb, v, 4, tvb.u32(v));
        tree.add(F['hop.logical_interface'], tvb, v + 4, 4, tvb.u32(v + 4));
        return;
      }
      break;
    case 5:
      if (ctype === 1) {
        tree.add(F.refresh_interval, tvb, v, 4, tvb.u32(v));
        return;
      }
      break;
    case 22:
      if (ctype === 1 || ctype === 2) {
        const src = tvb.u32(v);
        const dst = tvb.u32(v + 4);
        tree.add(F['hello.source_instance'], tvb, v, 4, src);
        tree.add(F['hello.destination_instance'], tvb, v + 4, 4, dst);
        const h = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;
        label(
          `HELLO Request/Ack: ${ctype === 1 ? 'REQUEST' : 'ACK'}. Src Instance: ${h(src)}. Dest Instance: ${h(dst)}. `,
        );
        return;
      }
      break;
    case 131:
      if (ctype === 1) {
        const restart = tvb.u32(v);
        const recovery = tvb.u32(v + 4);
        tree.add(F['restart_cap.restart_time'], tvb, v, 4, restart);
        if (tree.full) tree.labelLast(`Restart Time: ${restart}ms`);
        tree.add(F['restart_cap.recovery_time'], tvb, v + 4, 4, recovery);
        if (tree.full) tree.labelLast(`Recovery Time: ${recovery}ms`);
        label(`RESTART CAPABILITY: Restart Time: ${restart} ms. Recovery Time: ${recovery} ms.`);
        return;
      }
      break;
    default:
      break;
  }
  if (end > v) {
    tvb.need(v, end - v);
    tree.add(F['unknown.data'], tvb, v, end - v);
  }
}

export const rsvpModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('ipProto', 46, dissectRSVP);
  },
};
