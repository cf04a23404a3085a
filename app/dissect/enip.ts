// EtherNet/IP encapsulation (`enip.*`) on TCP and UDP 44818, and CIP I/O (class 0/1) datagrams on
// UDP 2222, as tshark 4.0 shows them: the 24-byte header, the commands and the Common Packet
// Format items. The CIP message an unconnected or connected data item carries goes to cip.ts, with
// the request a reply answers: a reply finds its request by session handle and sender context.
import { formatDelta } from '../format/time.ts';
import { connectedInformation } from './cip-cm.ts';
import { dissectCip } from './cip.ts';
import { CIP_DEVICE_TYPES, CIP_VENDORS } from './enip-names.ts';
import {
  bool,
  bytes,
  fields,
  FieldType,
  hex,
  ipv4,
  names,
  proto,
  str,
  uint,
  type FieldDef,
} from './field.ts';
import { dissectData } from './data.ts';
import { expert } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { tcpDissectPdus, type PduSpec } from './tcp-pdus.ts';
import type { FieldNode, Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const ENCAP_PORT = 44818;
const IO_PORT = 2222;
const HEADER = 24;

const NOP = 0x0000;
const LIST_SERVICES = 0x0004;
const LIST_IDENTITY = 0x0063;
const LIST_INTERFACES = 0x0064;
const REGISTER_SESSION = 0x0065;
const UNREGISTER_SESSION = 0x0066;
const SEND_RR_DATA = 0x006f;
const SEND_UNIT_DATA = 0x0070;
/** The command dissect_cpf is given for an I/O datagram (no encapsulation header). */
const NO_COMMAND = 0xffff;

const COMMANDS = names({
  [NOP]: 'NOP',
  [LIST_SERVICES]: 'List Services',
  [LIST_IDENTITY]: 'List Identity',
  [LIST_INTERFACES]: 'List Interfaces',
  [REGISTER_SESSION]: 'Register Session',
  [UNREGISTER_SESSION]: 'Unregister Session',
  [SEND_RR_DATA]: 'Send RR Data',
  [SEND_UNIT_DATA]: 'Send Unit Data',
  0x00c8: 'StartDTLS',
});
const STATUS = names({
  0x0: 'Success',
  0x1: 'Invalid Command',
  0x2: 'No Memory Resources',
  0x3: 'Incorrect Data',
  0x64: 'Invalid Session Handle',
  0x65: 'Invalid Length',
  0x69: 'Unsupported Protocol Revision',
  0x6a: 'Encapsulated CIP service not allowed on this port',
});
const ITEM_NULL = 0x0000;
const ITEM_IDENTITY = 0x000c;
const ITEM_CONNECTED_ADDRESS = 0x00a1;
const ITEM_CONNECTED_DATA = 0x00b1;
const ITEM_UNCONNECTED_DATA = 0x00b2;
const ITEM_LIST_SERVICES = 0x0100;
const ITEM_SOCKADDR_OT = 0x8000;
const ITEM_SOCKADDR_TO = 0x8001;
const ITEM_SEQUENCED_ADDRESS = 0x8002;
const ITEM_TYPES = names({
  [ITEM_NULL]: 'Null Address Item',
  [ITEM_IDENTITY]: 'CIP Identity',
  0x86: 'CIP Security Information',
  0x87: 'EtherNet/IP Capability',
  0x88: 'EtherNet/IP Usage',
  [ITEM_CONNECTED_ADDRESS]: 'Connected Address Item',
  [ITEM_CONNECTED_DATA]: 'Connected Data Item',
  [ITEM_UNCONNECTED_DATA]: 'Unconnected Data Item',
  [ITEM_LIST_SERVICES]: 'List Services Response',
  [ITEM_SOCKADDR_OT]: 'Socket Address Info O->T',
  [ITEM_SOCKADDR_TO]: 'Socket Address Info T->O',
  [ITEM_SEQUENCED_ADDRESS]: 'Sequenced Address Item',
  0x8003: 'Unconnected Message over UDP',
});
/** Items whose contents tshark decodes in ways not done here: shown by their type and length only. */
const UNDECODED = new Set([0x86, 0x87, 0x88, 0x8003]);

const TRUE_FALSE = ['True', 'False'] as const;

export const F = fields('enip', {
  '': proto('EtherNet/IP (Industrial Protocol)'),
  command: hex('Command', 16, { strings: COMMANDS }),
  length: uint('Length', 16),
  session: hex('Session Handle', 32),
  status: hex('Status', 32, { strings: STATUS }),
  listid_delay: uint('Max Response Delay', 16),
  context: bytes('Sender Context'),
  options: hex('Options', 32),
  encap_data: bytes('Encap Data'),
  'rs.version': uint('Protocol Version', 16),
  'rs.flags': hex('Option Flags', 16),
  'srrd.iface': hex('Interface Handle', 32, { strings: names({ 0: 'CIP' }) }),
  'sud.iface': hex('Interface Handle', 32, { strings: names({ 0: 'CIP' }) }),
  timeout: uint('Timeout', 16),
  'cpf.itemcount': uint('Item Count', 16),
  'cpf.typeid': hex('Type ID', 16, { strings: ITEM_TYPES }),
  'cpf.length': uint('Length', 16),
  'cpf.cai.connid': hex('Connection ID', 32),
  'cpf.sai.connid': hex('Connection ID', 32),
  'cpf.sai.seq': uint('Encapsulation Sequence Number', 32),
  'cpf.data': bytes('Data'),
  encapver: uint('Encapsulation Protocol Version', 16),
  sinfamily: uint('sin_family', 16),
  sinport: uint('sin_port', 16),
  sinaddr: ipv4('sin_addr'),
  sinzero: bytes('sin_zero'),
  'lir.vendor': hex('Vendor ID', 16, { strings: CIP_VENDORS }),
  'lir.devtype': uint('Device Type', 16, { strings: CIP_DEVICE_TYPES }),
  'lir.prodcode': uint('Product Code', 16),
  'lir.revision': uint('Revision', 16),
  'lir.status': hex('Status', 16),
  'lir.serial': hex('Serial Number', 32),
  'lir.namelen': uint('Product Name Length', 8),
  'lir.name': str('Product Name'),
  'lir.state': hex('State', 8),
  'lsr.capaflags': hex('Capability Flags', 16),
  'lsr.capaflags.tcp': bool('Supports CIP Encapsulation via TCP', 16, 0x0020, { tf: TRUE_FALSE }),
  'lsr.capaflags.udp': bool('Supports CIP Class 0 or 1 via UDP', 16, 0x0100, { tf: TRUE_FALSE }),
  'lsr.servicename': str('Name of Service'),
  response_to: { name: 'Request In', type: FieldType.FrameNum, generated: true },
  fwd_open_in: { name: 'Forward Open Request In', type: FieldType.FrameNum },
  time: { name: 'Time', type: FieldType.RelTime, unit: 'seconds', generated: true },
});

/** The CIP fields packet-enip.c itself adds (connected data and class 0/1 I/O). */
export const C = fields('cip', {
  seq: uint('CIP Sequence Count', 16),
  connid: hex('Connection ID', 32, { hidden: true }),
});
export const IO = fields('cipio', {
  '': proto('Common Industrial Protocol, I/O'),
  data: bytes('Data'),
});

/** A label-only subtree (proto_tree_add_subtree): no field, never collected. */
const SUBTREE: FieldDef = { name: '', type: FieldType.None, abbrev: '', id: -1 };

const enum Kind {
  Request,
  Response,
  Unknown,
}

/** Wireshark's classify_packet: towards 44818 a request, from it a response. */
function classify(pinfo: PacketInfo): Kind {
  if (pinfo.srcPort === ENCAP_PORT && pinfo.dstPort !== ENCAP_PORT) return Kind.Response;
  if (pinfo.srcPort !== ENCAP_PORT && pinfo.dstPort === ENCAP_PORT) return Kind.Request;
  return Kind.Unknown;
}

interface Request {
  frame: number;
  sec: number;
  nsec: number;
}

interface EnipState {
  /** Unconnected requests by conversation, session handle and sender context. */
  requests: Map<string, Request>;
  /** What each response found on the first pass, by frame and key. */
  seen: Map<string, Request | null>;
}

const newState = (): EnipState => ({ requests: new Map(), seen: new Map() });

export function dissectEnipTcp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  // One-byte payloads are taken for keep-alives, as tshark does.
  if (tvb.remaining(tvb.start) < 2) return 0;
  pinfo.layers.push('enip');
  return tcpDissectPdus(tvb, pinfo, tree, PDUS);
}

const PDUS: PduSpec = {
  fixed: 4,
  length: (tvb, at) => tvb.u16le(at + 2) + HEADER,
  dissect: pdu,
  name: 'ENIP',
};

export function dissectEnipUdp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  if (tvb.remaining(tvb.start) < 4) return 0;
  pinfo.layers.push('enip');
  pdu(tvb, pinfo, tree);
  return tvb.remaining(tvb.start);
}

/** Wireshark's dissect_enip_pdu: one encapsulation message; `tvb` starts at its header. */
function pdu(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  pinfo.setProto('ENIP');
  // col_clear, then this message's text after any earlier one's (" | "), behind a fence.
  if (pinfo.wantInfo) pinfo.setInfo('');
  const cmd = tvb.u16le(o);
  const kind = classify(pinfo);
  const name = COMMANDS.get(cmd) ?? `Unknown Command (0x${cmd.toString(16).padStart(4, '0')})`;
  appendInfo(
    pinfo,
    ' | ',
    `${name} (${kind === Kind.Request ? 'Req' : kind === Kind.Response ? 'Rsp' : '?'})`,
  );

  // The session handle and sender context are read (for request tracking) before the tree is.
  tvb.need(o + 4, 16);
  tree.push(F[''], tvb, o, tvb.reportedRemaining(o));
  const node = tree.full ? tree.current() : null;
  tree.push(SUBTREE, tvb, o, HEADER);
  if (tree.full) tree.label('Encapsulation Header');
  tree.add(F.command, tvb, o, 2, cmd);
  const len = tvb.u16le(o + 2);
  tree.add(F.length, tvb, o + 2, 2, len);
  const session = tvb.u32le(o + 4);
  tree.add(F.session, tvb, o + 4, 4, session);
  tree.add(F.status, tvb, o + 8, 4, tvb.u32le(o + 8));
  if (cmd === LIST_IDENTITY && (len === 0 || kind === Kind.Request)) {
    const delay = tvb.u16le(o + 12);
    tree.add(F.listid_delay, tvb, o + 12, 2, delay);
    // units_milliseconds: no space before the unit.
    if (tree.full) tree.labelLast(`Max Response Delay: ${delay}ms`);
    tree.add(F.context, tvb, o + 14, 6);
  } else tree.add(F.context, tvb, o + 12, 8);
  tree.add(F.options, tvb, o + 20, 4, tvb.u32le(o + 20));
  const unknown = !COMMANDS.has(cmd) && len > 0;
  if (unknown) {
    // An unknown command's data goes in the header subtree, once the Command Specific Data
    // subtree (which checks the length) was made.
    tvb.need(o + HEADER, Math.min(len, tvb.reportedRemaining(o + HEADER)));
    if (tvb.reportedRemaining(o + HEADER) < len) tvb.need(o + HEADER, len);
    tree.add(F.encap_data, tvb, o + HEADER, len);
  }
  tree.pop();
  const sessionHex = hex8(session);
  const label = `EtherNet/IP (Industrial Protocol), Session: ${sessionHex}, ${name}`;
  if (tree.full) tree.label(label);
  if (cmd === REGISTER_SESSION || cmd === UNREGISTER_SESSION)
    appendInfo(pinfo, '', `, Session: ${sessionHex}`);

  // Command Specific Data: a subtree over the length the header gives (none when it is 0).
  const csd = o + HEADER;
  let later: Cpf['later'] = [];
  let connId: number | undefined;
  if (len > 0) {
    if (tvb.reportedRemaining(csd) < len) tvb.need(csd, len);
    tree.push(SUBTREE, tvb, csd, len);
    if (tree.full) tree.label('Command Specific Data');
  }
  switch (cmd) {
    case NOP:
    case UNREGISTER_SESSION:
      break;
    case LIST_SERVICES:
    case LIST_IDENTITY:
    case LIST_INTERFACES:
      if (kind === Kind.Response) later = cpf(tvb, pinfo, tree, csd, cmd, 0, null).later;
      break;
    case REGISTER_SESSION:
      tree.add(F['rs.version'], tvb, csd, 2, tvb.u16le(csd));
      tree.add(F['rs.flags'], tvb, csd + 2, 2, tvb.u16le(csd + 2));
      break;
    case SEND_RR_DATA:
    case SEND_UNIT_DATA: {
      const iface = tvb.u32le(csd);
      tree.add(cmd === SEND_RR_DATA ? F['srrd.iface'] : F['sud.iface'], tvb, csd, 4, iface);
      tree.add(F.timeout, tvb, csd + 4, 2, tvb.u16le(csd + 4));
      const key = `${pinfo.conversation}:${session}:${hexOf(tvb.slice(o + 12, 8))}`;
      ({ later, connId } = cpf(tvb, pinfo, tree, csd + 6, cmd, iface, { kind, key, node, label }));
      break;
    }
    default:
      break;
  }
  if (len > 0) tree.pop();
  if (cmd === SEND_UNIT_DATA && connId !== undefined) {
    connectedInformation(tvb, pinfo, tree, connId, F.fwd_open_in);
  }
  tree.pop();
  afterTree(tvb, pinfo, tree, later);
  pinfo.fenceColumns();
}

const hex8 = (v: number): string => `0x${v.toString(16).toUpperCase().padStart(8, '0')}`;

function hexOf(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** Wireshark's col_append_sep_fstr: `sep` only when Info already has text. */
function appendInfo(pinfo: PacketInfo, sep: string, text: string): void {
  if (!pinfo.wantInfo) return;
  pinfo.setInfo(pinfo.info ? `${pinfo.info}${sep}${text}` : text);
}

/**
 * What the CPF leaves to its caller: payloads tshark shows beside the ENIP tree, not in it (class
 * 0/1 I/O data; a CIP message, with the frame of the request a reply answers; an unconnected
 * message for an interface other than CIP, as plain data).
 */
interface Cpf {
  later: { at: number; len: number; io: boolean; cip?: { requestFrame: number | null } }[];
  /** The connected address item's connection id. */
  connId?: number;
}

interface Match {
  kind: Kind;
  key: string;
  /** The ENIP node (full trees only) and its label, for the connection id. */
  node: FieldNode | null;
  label: string;
}

/** Wireshark's dissect_cpf: the item count, then each item's type, length and contents. */
function cpf(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  at: number,
  cmd: number,
  iface: number,
  match: Match | null,
): Cpf {
  const out: Cpf = { later: [] };
  const count = tvb.u16le(at);
  tree.push(F['cpf.itemcount'], tvb, at, 2, count);
  let o = at + 2;
  let matched: Request | null | undefined;
  for (let i = 0; i < count; i++) {
    // Fewer than 4 bytes left for an item: tshark notes it and stops.
    const left = tvb.reportedRemaining(o);
    if (left < 4) {
      const msg = `CPF Item Minimum Size is 4, but Remaining Data Length is ${left}`;
      expert(pinfo, tree, tvb, at, 2, 'Error', 'Malformed', msg);
      break;
    }
    const type = tvb.u16le(o);
    tree.push(F['cpf.typeid'], tvb, o, 2, type);
    const len = tvb.u16le(o + 2);
    tree.add(F['cpf.length'], tvb, o + 2, 2, len);
    o += 4;
    if (len > tvb.reportedRemaining(o)) {
      const msg = `CPF Item Length Mismatch: Item Length ${len}, Remaining Data Length: ${tvb.reportedRemaining(o)}`;
      expert(pinfo, tree, tvb, o - 4, 2, 'Error', 'Malformed', msg);
    }
    if (len > 0) {
      switch (type) {
        case ITEM_CONNECTED_ADDRESS: {
          const id = tvb.u32le(o);
          tree.add(F['cpf.cai.connid'], tvb, o, 4, id);
          tree.add(C.connid, tvb, o, 4, id);
          out.connId = id;
          appendInfo(pinfo, '', `, Connection: ID=${hex8(id)}`);
          // The ENIP node's label gets it at once (proto_item_append_text), whatever follows.
          if (match?.node) match.node.label = `${match.label}, Connection ID: ${hex8(id)}`;
          break;
        }
        case ITEM_UNCONNECTED_DATA:
          if (match && cmd === SEND_RR_DATA) matched = findRequest(pinfo, match);
          if (iface !== 0) out.later.push({ at: o, len, io: false });
          else if (cmd === SEND_RR_DATA) out.later.push(cipItem(o, len, matched));
          break;
        case ITEM_CONNECTED_DATA:
          if (cmd === SEND_UNIT_DATA) {
            tree.add(C.seq, tvb, o, 2, tvb.u16le(o));
            if (match) matched = findRequest(pinfo, match);
            if (len > 2) out.later.push(cipItem(o + 2, len - 2, matched));
          } else if (cmd === NO_COMMAND) out.later.push({ at: o, len, io: true });
          break;
        case ITEM_IDENTITY:
          identity(tvb, pinfo, tree, o);
          break;
        case ITEM_SEQUENCED_ADDRESS: {
          const id = tvb.u32le(o);
          tree.add(F['cpf.sai.connid'], tvb, o, 4, id);
          tree.add(C.connid, tvb, o, 4, id);
          const seq = tvb.u32le(o + 4);
          tree.add(F['cpf.sai.seq'], tvb, o + 4, 4, seq);
          if (pinfo.wantInfo) {
            pinfo.setInfo(`Connection: ID=${hex8(id)}, SEQ=${String(seq).padStart(10, '0')}`);
          }
          break;
        }
        case ITEM_SOCKADDR_OT:
        case ITEM_SOCKADDR_TO:
          sockaddr(tvb, tree, o);
          break;
        case ITEM_LIST_SERVICES:
          listServices(tvb, pinfo, tree, o);
          break;
        case ITEM_NULL:
        default:
          if (!UNDECODED.has(type)) {
            tvb.need(o, len);
            tree.add(F['cpf.data'], tvb, o, len);
          }
      }
    }
    tree.pop();
    o += len;
  }
  tree.pop();
  if (matched) {
    tree.add(F.response_to, tvb, at, 0, matched.frame);
    if (tree.full) tree.labelLast(`[Request In: ${matched.frame}]`);
    if (tree.wants(F.time)) {
      const delta = formatDelta(pinfo.meta.tsSec, pinfo.meta.tsNsec, matched.sec, matched.nsec);
      tree.add(F.time, tvb, at, 0, delta);
      if (tree.full) tree.labelLast(`[Time: ${delta} seconds]`);
    }
  }
  return out;
}

function cipItem(at: number, len: number, matched: Request | null | undefined): Cpf['later'][number] {
  return { at, len, io: false, cip: { requestFrame: matched?.frame ?? null } };
}

/** A Send RR Data request remembered, or the request a response answers (first pass decides). */
function findRequest(pinfo: PacketInfo, m: Match): Request | null {
  const st = pinfo.state.of('enip', newState);
  const id = `${pinfo.meta.number}:${m.key}`;
  const known = st.seen.get(id);
  if (known !== undefined) return known;
  let found: Request | null = null;
  if (m.kind === Kind.Request) {
    st.requests.set(m.key, { frame: pinfo.meta.number, sec: pinfo.meta.tsSec, nsec: pinfo.meta.tsNsec });
  } else if (m.kind === Kind.Response) {
    const r = st.requests.get(m.key);
    if (r && r.frame < pinfo.meta.number) found = r;
  }
  st.seen.set(id, found);
  return found;
}

/** The CIP Identity item of a List Identity reply. */
function identity(tvb: Tvb, pinfo: PacketInfo, tree: Tree, at: number): void {
  tree.add(F.encapver, tvb, at, 2, tvb.u16le(at));
  const s = at + 2;
  tree.push(SUBTREE, tvb, s, 16);
  if (tree.full) tree.label('Socket Address');
  sockaddr(tvb, tree, s);
  tree.pop();
  const d = s + 16;
  tree.add(F['lir.vendor'], tvb, d, 2, tvb.u16le(d));
  tree.add(F['lir.devtype'], tvb, d + 2, 2, tvb.u16le(d + 2));
  tree.add(F['lir.prodcode'], tvb, d + 4, 2, tvb.u16le(d + 4));
  // Major then minor revision, read as one big-endian number (as tshark does).
  const rev = tvb.u16(d + 6);
  tree.add(F['lir.revision'], tvb, d + 6, 2, rev);
  if (tree.full) tree.labelLast(`Revision: ${rev >> 8}.${String(rev & 0xff).padStart(2, '0')}`);
  tree.add(F['lir.status'], tvb, d + 8, 2, tvb.u16le(d + 8));
  tree.add(F['lir.serial'], tvb, d + 10, 4, tvb.u32le(d + 10));
  const n = tvb.u8(d + 14);
  tree.add(F['lir.namelen'], tvb, d + 14, 1, n);
  const name = tvb.ascii(d + 15, n);
  tree.add(F['lir.name'], tvb, d + 15, n, name);
  appendInfo(pinfo, '', `, ${name}`);
  tree.add(F['lir.state'], tvb, d + 15 + n, 1, tvb.u8(d + 15 + n));
}

/** A sockaddr_in in network order (identity item, socket address info items). */
function sockaddr(tvb: Tvb, tree: Tree, s: number): void {
  tree.add(F.sinfamily, tvb, s, 2, tvb.u16(s));
  tree.add(F.sinport, tvb, s + 2, 2, tvb.u16(s + 2));
  tree.add(F.sinaddr, tvb, s + 4, 4, tvb.u32(s + 4));
  tvb.need(s + 8, 8);
  tree.add(F.sinzero, tvb, s + 8, 8);
}

/** The communications item of a List Services reply. */
function listServices(tvb: Tvb, pinfo: PacketInfo, tree: Tree, at: number): void {
  tree.add(F.encapver, tvb, at, 2, tvb.u16le(at));
  const flags = tvb.u16le(at + 2);
  tree.push(F['lsr.capaflags'], tvb, at + 2, 2, flags);
  if (tree.full) {
    let label = `Capability Flags: 0x${flags.toString(16).padStart(4, '0')}`;
    if (flags & 0x20) label += ', Supports CIP Encapsulation via TCP';
    if (flags & 0x100) label += ', Supports CIP Class 0 or 1 via UDP';
    tree.label(label);
  }
  tree.add(F['lsr.capaflags.tcp'], tvb, at + 2, 2, (flags & 0x20) !== 0);
  tree.add(F['lsr.capaflags.udp'], tvb, at + 2, 2, (flags & 0x100) !== 0);
  tree.pop();
  const raw = tvb.ascii(at + 4, 16);
  const nul = raw.indexOf('\0');
  const name = nul < 0 ? raw : raw.slice(0, nul);
  tree.add(F['lsr.servicename'], tvb, at + 4, 16, name);
  appendInfo(pinfo, '', `, ${name}`);
}

function afterTree(tvb: Tvb, pinfo: PacketInfo, tree: Tree, later: Cpf['later']): void {
  for (const p of later) {
    if (p.cip) dissectCip(tvb, pinfo, tree, p.at, p.len, p.cip.requestFrame);
    else if (p.io) ioData(tvb, pinfo, tree, p.at, p.len);
    else if (tvb.reportedRemaining(p.at) > 0) dissectData(tvb.sub(p.at, p.len), pinfo, tree);
  }
}

/** CIP class 0/1 data with no known connection: its bytes, as tshark's generic I/O display. */
function ioData(tvb: Tvb, pinfo: PacketInfo, tree: Tree, at: number, len: number): void {
  pinfo.layers.push('cipio');
  tree.push(IO[''], tvb, at, len);
  tvb.need(at, len);
  tree.add(IO.data, tvb, at, len);
  tree.pop();
}

/** Wireshark's dissect_enip_cipio: a CPF with no encapsulation header (UDP 2222). */
export function dissectCipIo(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('cipio');
  pinfo.setProto('CIP I/O');
  tree.push(F[''], tvb, o, tvb.reportedRemaining(o));
  const { later } = cpf(tvb, pinfo, tree, o, NO_COMMAND, 0, null);
  tree.pop();
  afterTree(tvb, pinfo, tree, later);
  return tvb.remaining(o);
}

export const enipModule = {
  fields: { ...F, ...C, ...IO },
  handoff(reg: Registry): void {
    reg.register('tcpPort', ENCAP_PORT, dissectEnipTcp);
    reg.register('udpPort', ENCAP_PORT, dissectEnipUdp);
    reg.register('udpPort', IO_PORT, dissectCipIo);
  },
};
