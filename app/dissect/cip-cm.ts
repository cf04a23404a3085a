// The CIP Connection Manager (class 0x06, `cipcm`) as tshark 4.0 shows it: Forward Open, Large
// Forward Open, Forward Close and Unconnected Send, requests and replies. A Forward Open reply
// registers its connection (by connection triad and by connection id) so a Forward Close and the
// connected messages of EtherNet/IP can show where it was opened.
import { CIP_CLASSES, CIP_CM_EXTENDED_STATUS, CIP_GENERAL_STATUS, COMMON_SERVICES } from './cip-names.ts';
import {
  dissectPath,
  P,
  InfoText,
  replayPath,
  SUBTREE,
  wordsText,
  type AttributeNames,
  type CipRequest,
  type ConnectionRequest,
  type Ctx,
  type PathInfo,
} from './cip-path.ts';
import { CIP_VENDORS } from './enip-names.ts';
import { bytes, FieldType, fields, hex, names, proto, uint, type FieldDef } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const CONNECTION_MANAGER = 0x06;
const FORWARD_CLOSE = 0x4e;
const UNCONNECTED_SEND = 0x52;
const FORWARD_OPEN = 0x54;
const LARGE_FORWARD_OPEN = 0x5b;

export const CM_SERVICES = names({
  ...COMMON_SERVICES,
  [FORWARD_CLOSE]: 'Forward Close',
  [UNCONNECTED_SEND]: 'Unconnected Send',
  [FORWARD_OPEN]: 'Forward Open',
  0x56: 'Get Connection Data',
  0x57: 'Search Connection Data',
  0x5a: 'Get Connection Owner',
  [LARGE_FORWARD_OPEN]: 'Large Forward Open',
});

const NET_NAMES = {
  owner: names({ 0: 'Non-Redundant', 1: 'Redundant' }),
  type: names({ 0: 'Null', 1: 'Multicast', 2: 'Point to Point', 3: 'Reserved' }),
  prio: names({ 0: 'Low Priority', 1: 'High Priority', 2: 'Scheduled', 3: 'Urgent' }),
  fv: names({ 0: 'Fixed', 1: 'Variable' }),
};
const DIRECTIONS = names({ 0: 'Client', 1: 'Server' });
const TRIGGERS = names({ 0: 'Cyclic', 1: 'Change-Of-State', 2: 'Application Object' });
const MULTIPLIERS = names({
  0: '*4',
  1: '*8',
  2: '*16',
  3: '*32',
  4: '*64',
  5: '*128',
  6: '*256',
  7: '*512',
});

const CM = fields('cip', {
  rr: hex('Request/Response', 8, { mask: 0x80, strings: names({ 0: 'Request', 1: 'Response' }) }),
  'cm.sc': hex('Service', 8, { mask: 0x7f, strings: CM_SERVICES }),
  'cm.priority': uint('Priority', 8, { mask: 0x10 }),
  'cm.tick_time': uint('Tick time', 8, { mask: 0x0f }),
  'cm.timeout_tick': uint('Time-out ticks', 8),
  'cm.timeout': uint('Actual Time Out', 16),
  'cm.ot_connid': hex('O->T Network Connection ID', 32),
  'cm.to_connid': hex('T->O Network Connection ID', 32),
  'cm.conn_serial_num': hex('Connection Serial Number', 16),
  'cm.vendor': hex('Originator Vendor ID', 16, { strings: CIP_VENDORS }),
  'cm.orig_serial_num': hex('Originator Serial Number', 32),
  'cm.timeout_multiplier': uint('Connection Timeout Multiplier', 8, { strings: MULTIPLIERS }),
  reserved: hex('Reserved', 8),
  'cm.otrpi': uint('O->T RPI', 32),
  'cm.torpi': uint('T->O RPI', 32),
  'cm.ot_net_params': hex('O->T Network Connection Parameters', 16),
  'cm.to_net_params': hex('T->O Network Connection Parameters', 16),
  'cm.fwo.owner': uint('Redundant Owner', 16, { mask: 0x8000, strings: NET_NAMES.owner }),
  'cm.fwo.type': uint('Connection Type', 16, { mask: 0x6000, strings: NET_NAMES.type }),
  'cm.fwo.prio': uint('Priority', 16, { mask: 0x0c00, strings: NET_NAMES.prio }),
  'cm.fwo.f_v': uint('Connection Size Type', 16, { mask: 0x0200, strings: NET_NAMES.fv }),
  'cm.fwo.consize': uint('Connection Size', 16, { mask: 0x01ff, unit: 'bytes' }),
  'cm.transport_type_trigger': hex('Transport Type/Trigger', 8),
  'cm.fwo.dir': uint('Direction', 8, { mask: 0x80, strings: DIRECTIONS }),
  'cm.fwo.trigger': uint('Trigger', 8, { mask: 0x70, strings: TRIGGERS }),
  'cm.fwo.transport': uint('Class', 8, { mask: 0x0f, strings: names({ 0: '0', 1: '1', 2: '2', 3: '3' }) }),
  'cm.connpath_size': uint('Connection Path Size', 8),
  'cm.otapi': uint('O->T API', 32),
  'cm.toapi': uint('T->O API', 32),
  'cm.app_reply_size': uint('Application Reply Size', 8),
  'cm.app_reply_data': bytes('Application Reply'),
  'cm.remain_path_size': uint('Remaining Path Size', 8),
  'cm.msg_req_size': uint('Embedded Message Request Size', 16),
  'cm.route_path_size': uint('Route Path Size', 8),
  pad: hex('Pad Byte', 8),
  'cm.genstat': hex('General Status', 8, { strings: CIP_GENERAL_STATUS }),
  'cm.addstat_size': uint('Additional Status Size', 8),
  'cm.ext_status': hex('Extended Status', 16, { strings: CIP_CM_EXTENDED_STATUS }),
  'cm.addstat': hex('Additional Status', 16),
  connection: uint('CIP Connection Index', 32),
  connid: hex('Connection ID', 32, { hidden: true }),
  fwd_open_in: { name: 'Forward Open Request In', type: FieldType.FrameNum },
  'cm.ot_timeout': { name: 'O->T Timeout Threshold', type: FieldType.Float },
  'cm.to_timeout': { name: 'T->O Timeout Threshold', type: FieldType.Float },
});
/** Large Forward Open: 32-bit network connection parameters. */
const LARGE = fields('cip', {
  'cm.ot_net_params': hex('O->T Network Connection Parameters', 32),
  'cm.to_net_params': hex('T->O Network Connection Parameters', 32),
  'cm.fwo.owner': uint('Redundant Owner', 32, { mask: 0x80000000, strings: NET_NAMES.owner }),
  'cm.fwo.type': uint('Connection Type', 32, { mask: 0x60000000, strings: NET_NAMES.type }),
  'cm.fwo.prio': uint('Priority', 32, { mask: 0x0c000000, strings: NET_NAMES.prio }),
  'cm.fwo.f_v': uint('Connection Size Type', 32, { mask: 0x02000000, strings: NET_NAMES.fv }),
  'cm.fwo.consize': uint('Connection Size', 32, { mask: 0x0000ffff, unit: 'bytes' }),
});
const RESERVED24 = fields('cip', { reserved: hex('Reserved', 24) });
const PROTO = fields('cipcm', { '': proto('CIP Connection Manager') });

/** A connection a Forward Open reply set up. */
export interface Connection {
  index: number;
  request: ConnectionRequest;
  otApi: number;
  toApi: number;
}

interface CmState {
  byTriad: Map<string, Connection>;
  byId: Map<number, Connection>;
}

const newState = (): CmState => ({ byTriad: new Map(), byId: new Map() });

/** The connection whose Forward Open reply gave it connection id `id`, if any. */
export function connectionById(pinfo: PacketInfo, id: number): Connection | undefined {
  return pinfo.state.of('cipcm', newState).byId.get(id);
}

/** The Connection Manager services decoded here (class 0x06). */
export function isCmService(cls: number | undefined, sc: number): boolean {
  return (
    cls === CONNECTION_MANAGER &&
    (sc === FORWARD_OPEN || sc === LARGE_FORWARD_OPEN || sc === FORWARD_CLOSE || sc === UNCONNECTED_SEND)
  );
}

/** A reply to an Unconnected Send that its target sent: it carries the embedded request's service. */
export function isUnconnectedReply(req: CipRequest, svc: number): boolean {
  return (
    isCmService(req.info.cls, req.service) &&
    req.service === UNCONNECTED_SEND &&
    svc !== (0x80 | UNCONNECTED_SEND)
  );
}

/**
 * The Connection Manager part of a message whose CIP header ends at `body`: its own protocol
 * item after the CIP one. `gs` is the general status of a response (null for a request). Returns
 * what Info adds after the service name.
 */
export function cipCm(
  c: Ctx,
  at: number,
  body: number,
  end: number,
  svc: number,
  req: CipRequest,
  gs: number | null,
): void {
  const { tvb, tree, pinfo } = c;
  const ucsReply = gs !== null && isUnconnectedReply(req, svc);
  if (!pinfo.layers.includes('cipcm')) pinfo.layers.push('cipcm');
  if (c.depth === 0 && !ucsReply) pinfo.setProto('CIP CM');
  tree.push(PROTO[''], tvb, at, Math.max(0, end - at));
  const outer = pinfo.currentProto;
  pinfo.currentProto = 'CIPCM';
  if (ucsReply) unconnectedReply(c, at, body, end, svc, req, gs);
  else {
    cmService(tvb, tree, at, svc);
    // No data after the header: nothing more to read (and no fault).
    if (gs === null && body < end) cmRequest(c, body, end, req);
    else if (gs !== null) cmResponse(c, at, body, end, req, gs);
  }
  pinfo.currentProto = outer;
  tree.pop();
}

function cmService(tvb: Tvb, tree: Tree, at: number, svc: number): void {
  const sc = svc & 0x7f;
  tree.push(SUBTREE, tvb, at, 1);
  if (tree.full) tree.label(`Service: ${CM_SERVICES.get(sc) ?? ''} (${svc & 0x80 ? 'Response' : 'Request'})`);
  tree.add(CM.rr, tvb, at, 1, svc >> 7);
  tree.add(CM['cm.sc'], tvb, at, 1, sc);
  tree.pop();
}

/** Opens the "Command Specific Data" subtree over the service's data. */
function commandData(tvb: Tvb, tree: Tree, body: number, end: number): void {
  tree.push(SUBTREE, tvb, body, Math.max(0, end - body));
  if (tree.full) tree.label('Command Specific Data');
}

function cmRequest(c: Ctx, body: number, end: number, req: CipRequest): void {
  commandData(c.tvb, c.tree, body, end);
  if (req.service === FORWARD_CLOSE) forwardCloseRequest(c, body, req);
  else if (req.service === UNCONNECTED_SEND) unconnectedSend(c, body, req);
  else forwardOpenRequest(c, body, req, req.service === LARGE_FORWARD_OPEN);
  c.tree.pop();
}

function cmResponse(c: Ctx, at: number, body: number, end: number, req: CipRequest, gs: number): void {
  if (gs !== 0) cmStatus(c.tvb, c.tree, at + 2, gs);
  if (body >= end) return;
  commandData(c.tvb, c.tree, body, end);
  if (gs !== 0 && req.service !== UNCONNECTED_SEND) openCloseError(c, body, req);
  else if (req.service === FORWARD_CLOSE) forwardCloseReply(c, body, req);
  else if (req.service === UNCONNECTED_SEND) unconnectedError(c.tvb, c.tree, body, end);
  else forwardOpenReply(c, body, req);
  c.tree.pop();
  c.out.add(connectionSuffix(req.connection?.info));
}

/** ` (Message Router)`: the class the connection path leads to, as Info shows it. */
function connectionSuffix(info: PathInfo | undefined): string {
  if (info?.cls === undefined) return '';
  return ` (${CIP_CLASSES.get(info.cls) ?? `Class (0x${info.cls.toString(16).padStart(2, '0')})`})`;
}

/** Priority/tick time, time-out ticks and the time-out they make. */
function timeoutFields(tvb: Tvb, tree: Tree, at: number): void {
  const b = tvb.u8(at);
  tree.add(CM['cm.priority'], tvb, at, 1, (b >> 4) & 1);
  tree.add(CM['cm.tick_time'], tvb, at, 1, b & 0x0f);
  const ticks = tvb.u8(at + 1);
  tree.add(CM['cm.timeout_tick'], tvb, at + 1, 1, ticks);
  const ms = (1 << (b & 0x0f)) * ticks;
  tree.add(CM['cm.timeout'], tvb, at, 2, ms);
  if (tree.full) tree.labelLast(`Actual Time Out: ${ms}ms`);
}

/** The O->T and T->O connection ids (each also as the hidden `cip.connid`). */
function connectionIds(tvb: Tvb, tree: Tree, at: number): [number, number] {
  const ot = tvb.u32le(at);
  tree.add(CM['cm.ot_connid'], tvb, at, 4, ot);
  tree.add(CM.connid, tvb, at, 4, ot);
  const to = tvb.u32le(at + 4);
  tree.add(CM['cm.to_connid'], tvb, at + 4, 4, to);
  tree.add(CM.connid, tvb, at + 4, 4, to);
  return [ot, to];
}

/** Connection serial number, originator vendor and serial number: the connection triad. */
function triad(tvb: Tvb, tree: Tree, at: number): string {
  const serial = tvb.u16le(at);
  tree.add(CM['cm.conn_serial_num'], tvb, at, 2, serial);
  const vendor = tvb.u16le(at + 2);
  tree.add(CM['cm.vendor'], tvb, at + 2, 2, vendor);
  const orig = tvb.u32le(at + 4);
  tree.add(CM['cm.orig_serial_num'], tvb, at + 4, 4, orig);
  return `${serial}:${vendor}:${orig}`;
}

/** A time in microseconds as tshark's RPI and API items show it: `500.000ms`. */
function usItem(tvb: Tvb, tree: Tree, def: FieldDef, at: number): number {
  const us = tvb.u32le(at);
  tree.add(def, tvb, at, 4, us);
  if (tree.full) tree.labelLast(`${def.name}: ${(us / 1000).toFixed(3)}ms`);
  return us;
}

function netParams(tvb: Tvb, tree: Tree, at: number, large: boolean, to: boolean): void {
  const d = large ? LARGE : CM;
  const v = large ? tvb.u32le(at) : tvb.u16le(at);
  const size = large ? 4 : 2;
  const shift = large ? 16 : 0;
  tree.push(to ? d['cm.to_net_params'] : d['cm.ot_net_params'], tvb, at, size, v);
  tree.add(d['cm.fwo.owner'], tvb, at, size, (v >>> (15 + shift)) & 1);
  tree.add(d['cm.fwo.type'], tvb, at, size, (v >>> (13 + shift)) & 3);
  tree.add(d['cm.fwo.prio'], tvb, at, size, (v >>> (10 + shift)) & 3);
  tree.add(d['cm.fwo.f_v'], tvb, at, size, (v >>> (9 + shift)) & 1);
  tree.add(d['cm.fwo.consize'], tvb, at, size, large ? v & 0xffff : v & 0x1ff);
  tree.pop();
}

function transportTrigger(tvb: Tvb, tree: Tree, at: number): void {
  const v = tvb.u8(at);
  tree.push(CM['cm.transport_type_trigger'], tvb, at, 1, v);
  if (tree.full) {
    const dir = DIRECTIONS.get(v >> 7) ?? '';
    const trigger = TRIGGERS.get((v >> 4) & 7) ?? 'Unknown';
    tree.label(
      `Transport Type/Trigger: 0x${v.toString(16).padStart(2, '0')}, Direction: ${dir}, Trigger: ${trigger}, Class: ${v & 0x0f}`,
    );
  }
  tree.add(CM['cm.fwo.dir'], tvb, at, 1, v >> 7);
  tree.add(CM['cm.fwo.trigger'], tvb, at, 1, (v >> 4) & 7);
  tree.add(CM['cm.fwo.transport'], tvb, at, 1, v & 0x0f);
  tree.pop();
}

const noAttributes: AttributeNames = () => undefined;

function forwardOpenRequest(c: Ctx, at: number, req: CipRequest, large: boolean): void {
  const { tvb, tree } = c;
  timeoutFields(tvb, tree, at);
  connectionIds(tvb, tree, at + 2);
  const key = triad(tvb, tree, at + 10);
  const multiplier = tvb.u8(at + 18);
  tree.add(CM['cm.timeout_multiplier'], tvb, at + 18, 1, multiplier);
  tree.add(RESERVED24.reserved, tvb, at + 19, 3, tvb.u24(at + 19));
  const p = large ? 4 : 2;
  const otRpi = usItem(tvb, tree, CM['cm.otrpi'], at + 22);
  netParams(tvb, tree, at + 26, large, false);
  const toRpi = usItem(tvb, tree, CM['cm.torpi'], at + 26 + p);
  netParams(tvb, tree, at + 30 + p, large, true);
  transportTrigger(tvb, tree, at + 30 + 2 * p);
  const sizeAt = at + 31 + 2 * p;
  const words = tvb.u8(sizeAt);
  tree.add(CM['cm.connpath_size'], tvb, sizeAt, 1, words);
  if (tree.full) tree.labelLast(`Connection Path Size: ${wordsText(words)}`);
  const info = dissectPath(tvb, tree, sizeAt + 1, words, 'Connection Path', noAttributes);
  const path = tvb.slice(sizeAt + 1, words * 2).slice();
  const frame = c.pinfo.meta.number;
  req.connection = { triad: key, frame, otRpi, toRpi, multiplier, path, words, info };
  c.out.add(connectionSuffix(info));
}

function forwardOpenReply(c: Ctx, at: number, req: CipRequest): void {
  const { tvb, tree } = c;
  const [otId, toId] = connectionIds(tvb, tree, at);
  const key = triad(tvb, tree, at + 8);
  const otApi = usItem(tvb, tree, CM['cm.otapi'], at + 16);
  const toApi = usItem(tvb, tree, CM['cm.toapi'], at + 20);
  const replyEnd = appReply(tvb, tree, at + 24);
  const sent = req.connection;
  if (sent?.triad === key) register(c.pinfo, sent, otApi, toApi, otId, toId);
  if (!sent) return;
  connectionInformation(c, replyEnd, () => replayConnectionPath(c, sent));
}

/** Application reply size, reserved byte and reply data; returns where they end. */
function appReply(tvb: Tvb, tree: Tree, at: number): number {
  const words = tvb.u8(at);
  tree.add(CM['cm.app_reply_size'], tvb, at, 1, words);
  if (tree.full) tree.labelLast(`Application Reply Size: ${wordsText(words)}`);
  tree.add(CM.reserved, tvb, at + 1, 1, tvb.u8(at + 1));
  if (words > 0) {
    tvb.need(at + 2, words * 2);
    tree.add(CM['cm.app_reply_data'], tvb, at + 2, words * 2);
  }
  return at + 2 + words * 2;
}

function register(
  pinfo: PacketInfo,
  sent: ConnectionRequest,
  otApi: number,
  toApi: number,
  otId: number,
  toId: number,
): void {
  const st = pinfo.state.of('cipcm', newState);
  if (st.byTriad.has(sent.triad)) return;
  const conn: Connection = { index: st.byTriad.size, request: sent, otApi, toApi };
  st.byTriad.set(sent.triad, conn);
  st.byId.set(otId, conn);
  st.byId.set(toId, conn);
}

/** The generated "Connection Information" subtree. */
function connectionInformation(c: Ctx, at: number, body: () => void): void {
  c.tree.push(SUBTREE, c.tvb, at, 0);
  if (c.tree.full) c.tree.label('[Connection Information]');
  body();
  c.tree.pop();
}

function forwardCloseRequest(c: Ctx, at: number, req: CipRequest): void {
  const { tvb, tree } = c;
  timeoutFields(tvb, tree, at);
  const key = triad(tvb, tree, at + 2);
  const words = tvb.u8(at + 10);
  tree.add(CM['cm.connpath_size'], tvb, at + 10, 1, words);
  if (tree.full) tree.labelLast(`Connection Path Size: ${wordsText(words)}`);
  tree.add(CM.reserved, tvb, at + 11, 1, tvb.u8(at + 11));
  const info = dissectPath(tvb, tree, at + 12, words, 'Connection Path', noAttributes);
  const path = tvb.slice(at + 12, words * 2).slice();
  req.connection = {
    triad: key,
    frame: c.pinfo.meta.number,
    otRpi: 0,
    toRpi: 0,
    multiplier: 0,
    path,
    words,
    info,
  };
  const conn = c.pinfo.state.of('cipcm', newState).byTriad.get(key);
  if (conn) connectionInformation(c, at + 12 + words * 2, () => openedConnection(c, conn));
  c.out.add(connectionSuffix(info));
}

/** Where a closed connection was opened: index, path, request frame, APIs and time-outs. */
function openedConnection(c: Ctx, conn: Connection): void {
  const { tvb, tree } = c;
  const o = tvb.start;
  const r = conn.request;
  generatedItems(tree, tvb, [[CM.connection, conn.index, `CIP Connection Index: ${conn.index}`]]);
  replayPath(c, o, r.path, r.words, null, '', 'Forward Open Connection Path', noAttributes);
  generatedItems(tree, tvb, [
    [CM.fwd_open_in, r.frame, `Forward Open Request In: ${r.frame}`],
    ...apiItems(conn),
    [CM['cm.ot_timeout'], threshold(conn.otApi, r.multiplier), ''],
    [CM['cm.to_timeout'], threshold(conn.toApi, r.multiplier), ''],
  ]);
}

function apiItems(conn: Connection): [FieldDef, number, string][] {
  return [
    [CM['cm.otapi'], conn.otApi, `O->T API: ${(conn.otApi / 1000).toFixed(3)}ms`],
    [CM['cm.toapi'], conn.toApi, `T->O API: ${(conn.toApi / 1000).toFixed(3)}ms`],
  ];
}

/**
 * EtherNet/IP's "Connection Information" for a connected message on connection `id`, when a
 * Forward Open reply set it up: the path, APIs, index and the Forward Open request's frame
 * (`requestIn`, EtherNet/IP's own field).
 */
export function connectedInformation(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  id: number,
  requestIn: FieldDef,
): void {
  const conn = connectionById(pinfo, id);
  if (!conn) return;
  const r = conn.request;
  tree.push(SUBTREE, tvb, tvb.start, 0);
  if (tree.full) tree.label('[Connection Information]');
  replayPath(
    { tree, tvb },
    tvb.start,
    r.path,
    r.words,
    null,
    '',
    'Forward Open Connection Path',
    noAttributes,
  );
  generatedItems(tree, tvb, [
    ...apiItems(conn),
    [CM.connection, conn.index, `CIP Connection Index: ${conn.index}`],
    [requestIn, r.frame, `Forward Open Request In: ${r.frame}`],
  ]);
  tree.pop();
}

/** A connection's time-out in milliseconds: its API times the time-out multiplier. */
function threshold(apiUs: number, multiplier: number): number {
  return (apiUs * (4 << multiplier)) / 1000;
}

function generatedItems(tree: Tree, tvb: Tvb, items: [FieldDef, number, string][]): void {
  for (const [def, v, label] of items) {
    tree.add(def, tvb, tvb.start, 0, v);
    if (tree.full) tree.labelLast(`[${label || `${def.name}: ${v}`}]`);
  }
}

function forwardCloseReply(c: Ctx, at: number, req: CipRequest): void {
  const { tvb, tree } = c;
  const key = triad(tvb, tree, at);
  const end = appReply(tvb, tree, at + 8);
  const sent = req.connection;
  if (!sent) return;
  const conn = c.pinfo.state.of('cipcm', newState).byTriad.get(key);
  connectionInformation(c, end, () => {
    if (conn) generatedItems(tree, tvb, [[CM.connection, conn.index, `CIP Connection Index: ${conn.index}`]]);
    replayConnectionPath(c, sent);
  });
}

/** A failed Forward Open or Forward Close: the triad, the remaining path size, the path sent. */
function openCloseError(c: Ctx, at: number, req: CipRequest): void {
  const { tvb, tree } = c;
  triad(tvb, tree, at);
  const words = tvb.u8(at + 8);
  tree.add(CM['cm.remain_path_size'], tvb, at + 8, 1, words);
  if (tree.full) tree.labelLast(`Remaining Path Size: ${wordsText(words)}`);
  tree.add(CM.reserved, tvb, at + 9, 1, tvb.u8(at + 9));
  const sent = req.connection;
  if (!sent) return;
  replayConnectionPath(c, sent);
}

/**
 * A failed reply's status, again in the Connection Manager's terms: a connection failure's first
 * additional status word is its extended status.
 */
function cmStatus(tvb: Tvb, tree: Tree, at: number, gs: number): void {
  const words = tvb.u8(at + 1);
  const ext = gs === 0x01 && words > 0 ? tvb.u16le(at + 2) : null;
  tree.push(SUBTREE, tvb, at, 2 + words * 2);
  if (tree.full) {
    const name = CIP_GENERAL_STATUS.get(gs) ?? `Unknown Response (${gs.toString(16)})`;
    const extName =
      ext === null
        ? ''
        : `, Extended: ${CIP_CM_EXTENDED_STATUS.get(ext) ?? `Unknown (0x${ext.toString(16).padStart(4, '0')})`}`;
    tree.label(`Status: ${name}${extName}`);
  }
  tree.add(CM['cm.genstat'], tvb, at, 1, gs);
  tree.add(CM['cm.addstat_size'], tvb, at + 1, 1, words);
  if (tree.full) tree.labelLast(`Additional Status Size: ${wordsText(words)}`);
  let o = at + 2;
  if (ext !== null) {
    tree.add(CM['cm.ext_status'], tvb, o, 2, ext);
    o += 2;
  }
  tree.push(SUBTREE, tvb, o, at + 2 + words * 2 - o);
  if (tree.full) tree.label('Additional Status');
  for (; o < at + 2 + words * 2; o += 2) tree.add(CM['cm.addstat'], tvb, o, 2, tvb.u16le(o));
  tree.pop();
  tree.pop();
}

function unconnectedError(tvb: Tvb, tree: Tree, at: number, end: number): void {
  if (end > at) tree.add(CM['cm.remain_path_size'], tvb, at, 1, tvb.u8(at));
}

function unconnectedSend(c: Ctx, at: number, req: CipRequest): void {
  const { tvb, tree } = c;
  timeoutFields(tvb, tree, at);
  const size = tvb.u16le(at + 2);
  tree.add(CM['cm.msg_req_size'], tvb, at + 2, 2, size);
  if (tree.full) tree.labelLast(`Embedded Message Request Size: ${size} bytes`);
  const msgAt = at + 4;
  tvb.need(msgAt, size);
  tree.push(SUBTREE, tvb, msgAt, size);
  if (tree.full) tree.label('CIP Embedded Message Request');
  c.out.add(': ');
  req.inner = c.message({ ...c, depth: c.depth + 1, out: new InfoText(c.out) }, msgAt, size, null).request;
  tree.pop();
  let o = msgAt + size;
  if (size & 1) {
    tree.add(CM.pad, tvb, o, 1, tvb.u8(o));
    o++;
  }
  const words = tvb.u8(o);
  tree.add(CM['cm.route_path_size'], tvb, o, 1, words);
  if (tree.full) tree.labelLast(`Route Path Size: ${wordsText(words)}`);
  tree.add(CM.reserved, tvb, o + 1, 1, tvb.u8(o + 1));
  dissectPath(tvb, tree, o + 2, words, 'Route Path', noAttributes);
  req.route = { path: tvb.slice(o + 2, words * 2).slice(), words };
}

/** A reply from an Unconnected Send's target: the embedded request and route replayed, then its data. */
function unconnectedReply(
  c: Ctx,
  at: number,
  body: number,
  end: number,
  svc: number,
  req: CipRequest,
  gs: number,
): void {
  const { tvb, tree } = c;
  tree.add(CM['cm.sc'], tvb, at, 0, (0x80 | UNCONNECTED_SEND) & 0x7f);
  if (tree.full) tree.labelLast('[Service: Unconnected Send (Response)]');
  const inner = req.inner ?? null;
  if (inner) {
    replayPath(
      c,
      at,
      inner.path,
      inner.words,
      P.request_path_size,
      'Request Path Size',
      'Request Path',
      c.attrName,
    );
  }
  if (req.route) {
    const r = req.route;
    replayPath(
      c,
      at,
      r.path,
      r.words,
      CM['cm.route_path_size'],
      'Route Path Size',
      'Route/Connection Path',
      noAttributes,
    );
  }
  const sc = svc & 0x7f;
  const target = inner?.info;
  const cls = target ? c.classText(target) : '';
  c.out.add(`${cls ? `${cls} - ` : ''}${c.serviceName(target?.cls, sc)}`);
  c.responseData(c, body, end, sc, gs, inner);
}

export const cmFields = {
  ...CM,
  ...prefixed('large', LARGE),
  ...prefixed('24', RESERVED24),
  cipcm: PROTO[''],
};

function prefixed(tag: string, defs: Record<string, FieldDef>): Record<string, FieldDef> {
  const out: Record<string, FieldDef> = {};
  for (const [k, v] of Object.entries(defs)) out[`${tag}:${k}`] = v;
  return out;
}

/** The connection path a Forward Open sent, shown again under its reply or a later message. */
function replayConnectionPath(c: Ctx, sent: ConnectionRequest): void {
  replayPath(
    c,
    c.tvb.start,
    sent.path,
    sent.words,
    CM['cm.connpath_size'],
    'Connection Path Size',
    'Route/Connection Path',
    noAttributes,
  );
}
