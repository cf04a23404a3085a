// CIP (Common Industrial Protocol) messages carried by EtherNet/IP, as tshark 4.0's packet-cip.c
// shows them: the message router request (service, request path) and response (general and
// additional status, the request path replayed from the request), the common services
// (Get/Set Attribute Single/All, Multiple Service Packet) with the Identity object's attributes,
// the Connection Manager (cip-cm.ts) and "CIP Class Generic" for the rest. EtherNet/IP hands each
// unconnected or connected data item here with the request a response answers.
import {
  allAttributes,
  A as ATTRIBUTES,
  attributeName,
  readAttribute,
  singleAttribute,
} from './cip-attributes.ts';
import { cipCm, cmFields, CM_SERVICES, isCmService, isUnconnectedReply } from './cip-cm.ts';
import { CIP_CLASSES, CIP_GENERAL_STATUS, COMMON_SERVICES } from './cip-names.ts';
import {
  dissectPath,
  P,
  P16,
  pathFields,
  replayPath,
  SUBTREE,
  wordsText,
  InfoText,
  type CipRequest,
  type Ctx,
  type PathInfo,
  type Result,
} from './cip-path.ts';
import { bytes, fields, hex, names, proto, uint, type FieldDef } from './field.ts';
import { noteFault } from './dissect.ts';
import { DepthTree, expert } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const GET_ATTRIBUTES_ALL = 0x01;
const MULTIPLE_SERVICE_PACKET = 0x0a;
const GET_ATTRIBUTE_SINGLE = 0x0e;
const GET_ATTRIBUTE_LIST = 0x03;
const CREATE = 0x08;
const SET_ATTRIBUTE_SINGLE = 0x10;

/** The common services (cip_sc_vals). */
export const SERVICES = names(COMMON_SERVICES);

export const F = fields('cip', {
  '': proto('Common Industrial Protocol'),
  service: hex('Service', 8),
  rr: hex('Request/Response', 8, { mask: 0x80, strings: names({ 0: 'Request', 1: 'Response' }) }),
  sc: hex('Service', 8, { mask: 0x7f, strings: SERVICES }),
  genstat: hex('General Status', 8, { strings: CIP_GENERAL_STATUS }),
  addstat_size: uint('Additional Status Size', 8),
  addstat: hex('Additional Status', 16),
  data: bytes('Data'),
  'msp.num_services': uint('Number of Services', 16),
  'msp.offset': uint('Offset', 16),
  pad: hex('Pad Byte', 8),
});
export const CLS = fields('cipcls', { '': proto('CIP Class Generic') });

interface CipState {
  /** Top-level requests by frame number. */
  requests: Map<number, CipRequest>;
}

const newState = (): CipState => ({ requests: new Map() });

/**
 * A CIP message of `len` bytes at `at` in an EtherNet/IP data item. `requestFrame` is the frame of
 * the request a response answers (or this frame for a request).
 */
export function dissectCip(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  at: number,
  len: number,
  requestFrame: number | null,
): void {
  const st = pinfo.state.of('cip', newState);
  const matched = requestFrame === null ? null : (st.requests.get(requestFrame) ?? null);
  pinfo.layers.push('cip');
  pinfo.setProto('CIP');
  if (pinfo.wantInfo) pinfo.setInfo('');
  // A fault inside the message is CIP's (`[Malformed Packet: CIP]`); EtherNet/IP goes on.
  const sink = tree.full ? new DepthTree(tree) : tree;
  const out = new InfoText();
  const keep = (req: CipRequest): void => void st.requests.set(pinfo.meta.number, req);
  const saved = pinfo.currentProto;
  // What a fault is named after: the Connection Manager names its own (cip-cm.ts).
  pinfo.currentProto = 'CIP';
  try {
    const isRequest = (tvb.u8(at) & 0x80) === 0;
    message({ tvb, pinfo, tree: sink, depth: 0, out, keep, ...HOOKS }, at, len, isRequest ? null : matched);
    if (pinfo.wantInfo) pinfo.setInfo(out.text);
  } catch (err) {
    sink.unwind();
    if (pinfo.wantInfo) pinfo.setInfo(out.text);
    noteFault(err, tvb, pinfo, tree);
  }
  pinfo.currentProto = saved;
}

/** One message (top level, embedded in an Unconnected Send, or in a Multiple Service Packet). */
export function message(c: Ctx, at: number, len: number, matched: CipRequest | null): Result {
  const { tvb, tree } = c;
  const svc = tvb.u8(at);
  tree.push(F[''], tvb, at, len);
  serviceItem(tvb, tree, at, svc);
  const r = (svc & 0x80) === 0 ? request(c, at, len, svc) : response(c, at, len, svc, matched);
  return r;
}

function serviceItem(tvb: Tvb, tree: Tree, at: number, svc: number): void {
  const sc = svc & 0x7f;
  tree.push(F.service, tvb, at, 1, svc);
  if (tree.full) {
    const name = SERVICES.get(sc) ?? `Unknown Service (0x${hex2(sc)})`;
    tree.label(`Service: ${name} (${svc & 0x80 ? 'Response' : 'Request'})`);
  }
  tree.add(F.rr, tvb, at, 1, svc >> 7);
  tree.add(F.sc, tvb, at, 1, sc);
  tree.pop();
}

function request(c: Ctx, at: number, len: number, svc: number): Result {
  const { tvb, tree } = c;
  const words = tvb.u8(at + 1);
  tree.add(P.request_path_size, tvb, at + 1, 1, words);
  if (tree.full) tree.labelLast(`Request Path Size: ${wordsText(words)}`);
  const info = dissectPath(tvb, tree, at + 2, words, 'Request Path', attributeName);
  const req: CipRequest = { service: svc, path: tvb.slice(at + 2, words * 2).slice(), words, info };
  if (c.depth === 0) c.keep?.(req);
  c.out.add(requestPrefix(info, svc));
  const body = at + 2 + words * 2;
  const end = at + len;
  if (isCmService(info.cls, svc)) {
    tree.pop(body - at);
    cipCm(c, at, body, end, svc, req, null);
  } else if (SERVICES.has(svc)) {
    commonRequest(c, body, end, svc, req);
    tree.pop();
  } else {
    tree.pop();
    classGeneric(c, body, end);
  }
  return { info: c.out.text, request: req };
}

/** `Identity - Get Attribute Single`, `'Tag' - Service (0x4c)`, `Class (0x64) - Reset`. */
function requestPrefix(info: PathInfo, svc: number): string {
  const name = serviceName(info.cls, svc & 0x7f);
  const target = classText(info);
  return target ? `${target} - ${name}` : name;
}

function classText(info: PathInfo): string {
  if (info.cls !== undefined) return CIP_CLASSES.get(info.cls) ?? `Class (0x${hex2(info.cls)})`;
  return info.symbol !== undefined ? `'${info.symbol}'` : '';
}

/** The name Info gives a service: the class's own, a common one, or its number. */
export function serviceName(cls: number | undefined, sc: number): string {
  return cmServiceName(cls, sc) ?? SERVICES.get(sc) ?? `Service (0x${hex2(sc)})`;
}

function cmServiceName(cls: number | undefined, sc: number): string | undefined {
  return cls === 0x06 ? CM_SERVICES.get(sc) : undefined;
}

/** A common service's request data (in the CIP tree). */
function commonRequest(c: Ctx, body: number, end: number, svc: number, req: CipRequest): void {
  const { tvb, tree } = c;
  tree.push(SUBTREE, tvb, body, Math.max(0, end - body));
  if (tree.full) tree.label(`${SERVICES.get(svc) ?? ''} (Request)`);
  if (svc === MULTIPLE_SERVICE_PACKET) multipleRequest(c, body, end, req);
  else if (svc === GET_ATTRIBUTE_LIST) getListRequest(c, body, req);
  else if (!(svc === SET_ATTRIBUTE_SINGLE && setSingle(c, body, end, req)) && end > body) {
    tree.add(F.data, tvb, body, end - body);
  }
  tree.pop();
}

/** A Set Attribute Single request's value, where the attribute table decodes it. */
function setSingle(c: Ctx, body: number, end: number, req: CipRequest): boolean {
  const { cls, instance, attribute } = req.info;
  if (cls === undefined || attribute === undefined || end <= body) return false;
  return readAttribute(c.pinfo, c.tvb, c.tree, body, end, cls, instance, attribute) !== null;
}

/** `Attribute: 7 (Product Name)` for an attribute of the class and instance `req` addressed. */
function attributeLabel(req: CipRequest | null, attr: number): string {
  const { cls, instance } = req?.info ?? {};
  const name = cls === undefined ? undefined : attributeName(cls, instance, attr);
  return name ? `Attribute: ${attr} (${name})` : `Attribute: ${attr}`;
}

/** Get Attribute List: the count and the attribute ids. */
function getListRequest(c: Ctx, body: number, req: CipRequest): void {
  const { tvb, tree } = c;
  const n = tvb.u16le(body);
  tree.add(ATTRIBUTES['getlist.attr_count'], tvb, body, 2, n);
  tree.push(SUBTREE, tvb, body + 2, n * 2);
  if (tree.full) tree.label('Attribute List');
  for (let i = 0, o = body + 2; i < n; i++, o += 2) {
    const attr = tvb.u16le(o);
    tree.add(P16.attribute, tvb, o, 2, attr);
    if (tree.full) tree.labelLast(attributeLabel(req, attr));
  }
  tree.pop();
}

/** Get Attribute List reply: each attribute's id, status and (where decoded here) value. */
function getListResponse(c: Ctx, body: number, end: number, req: CipRequest | null): number {
  const { tvb, tree, pinfo } = c;
  const n = tvb.u16le(body);
  tree.add(ATTRIBUTES['getlist.attr_count'], tvb, body, 2, n);
  tree.push(SUBTREE, tvb, body + 2, Math.max(0, end - body - 2));
  if (tree.full) tree.label('Attribute List');
  let o = body + 2;
  for (let i = 0; i < n && o < end; i++) {
    const attr = tvb.u16le(o);
    tree.push(P16.attribute, tvb, o, 4, attr);
    if (tree.full) tree.label(attributeLabel(req, attr));
    const status = tvb.u8(o + 2);
    tree.add(ATTRIBUTES['getlist.attr_status'], tvb, o + 2, 1, status);
    const cls = req?.info.cls;
    const used =
      status !== 0 || cls === undefined
        ? 0
        : readAttribute(pinfo, tvb, tree, o + 4, end, cls, req?.info.instance, attr);
    tree.pop(4 + Math.max(0, used ?? 0));
    if (used === null || used < 0) return used === null ? o : end;
    o += 4 + used;
  }
  tree.pop();
  return o;
}

function response(c: Ctx, at: number, len: number, svc: number, matched: CipRequest | null): Result {
  const { tvb, tree } = c;
  const gs = tvb.u8(at + 2);
  c.out.add(`${statusName(gs)}: `);
  const addWords = statusItem(tvb, tree, at, gs);
  const body = at + 4 + addWords * 2;
  const end = at + len;
  const sc = svc & 0x7f;
  // A reply from an Unconnected Send's target carries the embedded request's service.
  const req =
    matched && ((matched.service & 0x7f) === sc || isUnconnectedReply(matched, svc)) ? matched : null;
  if (req)
    replayPath(
      c,
      at,
      req.path,
      req.words,
      P.request_path_size,
      'Request Path Size',
      'Request Path',
      attributeName,
    );
  if (req && isCmService(req.info.cls, req.service)) {
    // An Unconnected Send's reply names the embedded request instead (cip-cm.ts).
    if (!isUnconnectedReply(req, svc)) c.out.add(requestPrefix(req.info, svc));
    tree.pop(body - at);
    cipCm(c, at, body, end, svc, req, gs);
    return { info: c.out.text, request: null };
  }
  // A Multiple Service Packet reply names no class.
  const msp = sc === MULTIPLE_SERVICE_PACKET && SERVICES.has(sc);
  c.out.add(req && !msp ? requestPrefix(req.info, svc) : serviceName(undefined, sc));
  if (SERVICES.has(sc)) {
    commonResponse(c, body, end, sc, gs, req);
    tree.pop();
  } else {
    tree.pop();
    classGeneric(c, body, end);
  }
  return { info: c.out.text, request: null };
}

export function statusName(gs: number): string {
  return CIP_GENERAL_STATUS.get(gs) ?? `Unknown Response (${gs.toString(16)})`;
}

/** The general status and the additional status words; returns how many of those there are. */
function statusItem(tvb: Tvb, tree: Tree, at: number, gs: number): number {
  tree.push(SUBTREE, tvb, at + 2, 2);
  if (tree.full) tree.label(`Status: ${statusName(gs)}: `);
  tree.add(F.genstat, tvb, at + 2, 1, gs);
  const addWords = tvb.u8(at + 3);
  tree.add(F.addstat_size, tvb, at + 3, 1, addWords);
  if (tree.full) tree.labelLast(`Additional Status Size: ${wordsText(addWords)}`);
  if (addWords > 0) {
    tvb.need(at + 4, addWords * 2);
    tree.push(SUBTREE, tvb, at + 4, addWords * 2);
    if (tree.full) tree.label('Additional Status');
    for (let i = 0; i < addWords; i++) tree.add(F.addstat, tvb, at + 4 + i * 2, 2, tvb.u16le(at + 4 + i * 2));
    tree.pop();
  }
  tree.pop(2 + addWords * 2);
  return addWords;
}

/** An Unconnected Send target's reply data: a common service's, or CIP Class Generic. */
function replyData(c: Ctx, body: number, end: number, sc: number, gs: number, req: CipRequest | null): void {
  if (SERVICES.has(sc)) commonResponse(c, body, end, sc, gs, req);
  else classGeneric(c, body, end);
}

/** A common service's response data, under "<Service> (Response)". */
function commonResponse(
  c: Ctx,
  body: number,
  end: number,
  sc: number,
  gs: number,
  req: CipRequest | null,
): void {
  const { tvb, tree } = c;
  tree.push(SUBTREE, tvb, body, Math.max(0, end - body));
  let title = `${SERVICES.get(sc) ?? ''} (Response)`;
  if (tree.full) tree.label(title);
  if (sc === MULTIPLE_SERVICE_PACKET) multipleResponse(c, body, end, req);
  else if (gs === 0 || end > body) title += attributeData(c, body, end, sc, gs, req);
  if (tree.full) tree.label(title);
  tree.pop();
}

/** Response data: the attributes tshark decodes, else bytes. Returns a title suffix. */
function attributeData(
  c: Ctx,
  body: number,
  end: number,
  sc: number,
  gs: number,
  req: CipRequest | null,
): string {
  const { tvb, tree } = c;
  const cls = req?.info.cls;
  const attr = req?.info.attribute;
  let o = body;
  if (gs === 0 && cls !== undefined && req) {
    const instance = req.info.instance;
    if (sc === GET_ATTRIBUTE_SINGLE && attr !== undefined) {
      const suffix = singleAttribute(c.pinfo, tvb, tree, body, end, cls, instance, attr);
      if (suffix !== null) return suffix;
    } else if (sc === GET_ATTRIBUTES_ALL) {
      o = allAttributes(c.pinfo, tvb, tree, body, end, cls, instance, pathFields.attribute) ?? body;
    }
  }
  if (gs === 0 && sc === GET_ATTRIBUTE_LIST && end > body) o = getListResponse(c, body, end, req);
  if (gs === 0 && sc === CREATE && end - body >= 2) {
    tree.add(ATTRIBUTES['create.instance'], tvb, body, 2, tvb.u16le(body));
    o = body + 2;
  }
  if (end > o) tree.add(F.data, tvb, o, end - o);
  return '';
}

const INVALID_OFFSET = 'Multiple Service Packet service invalid offset';

/** The number of services and their offsets; returns the offsets (none when the count is missing). */
function mspOffsets(c: Ctx, body: number, end: number): number[] {
  const { tvb, tree, pinfo } = c;
  if (end - body < 2) {
    const msg = 'Multiple Service Packet service missing Number of Services field';
    expert(pinfo, tree, tvb, body, 0, 'Error', 'Malformed', msg);
    if (end > body) tree.add(F.data, tvb, body, end - body);
    return [];
  }
  const n = tvb.u16le(body);
  tree.add(F['msp.num_services'], tvb, body, 2, n);
  if (2 + n * 2 > end - body) {
    expert(
      pinfo,
      tree,
      tvb,
      body,
      2,
      'Warning',
      'Malformed',
      'Multiple Service Packet too many services for packet',
    );
  }
  tvb.need(body + 2, n * 2);
  tree.push(SUBTREE, tvb, body + 2, n * 2);
  if (tree.full) tree.label('Offset List');
  const offsets: number[] = [];
  for (let i = 0; i < n; i++) {
    const off = tvb.u16le(body + 2 + i * 2);
    tree.add(F['msp.offset'], tvb, body + 2 + i * 2, 2, off);
    offsets.push(off);
  }
  tree.pop();
  return offsets;
}

/**
 * Each embedded message of a Multiple Service Packet, under "Service Packet #n: <its Info>"; Info
 * gets `: ` and the service names, comma-separated, as they are read.
 */
function mspServices(
  c: Ctx,
  body: number,
  end: number,
  each: (inner: Ctx, at: number, len: number, i: number) => Result,
): void {
  const { tvb, tree, pinfo } = c;
  const offsets = mspOffsets(c, body, end);
  if (offsets.length === 0) return;
  c.out.add(': ');
  offsets.forEach((off, i) => {
    const at = body + off;
    const next = offsets[i + 1];
    const len = (next === undefined ? end : body + next) - at;
    if (i > 0) c.out.add(', ');
    // The service's bytes must all be there before its subtree is made (tvb_new_subset_length).
    if (len > 0) tvb.need(at, len);
    tree.push(SUBTREE, tvb, at, Math.max(0, len));
    const node = tree.full ? tree.current() : null;
    if (node) node.label = `Service Packet #${i + 1}: `;
    tree.add(F['msp.offset'], tvb, body + 2 + i * 2, 2, off);
    const out = new InfoText();
    try {
      if (len > 0) each({ ...c, depth: c.depth + 1, out }, at, len, i);
      else expert(pinfo, tree, tvb, at, 0, 'Warning', 'Malformed', INVALID_OFFSET);
    } finally {
      // What the service's Info got to, even when it failed.
      if (node) node.label = `Service Packet #${i + 1}: ${out.text}`;
    }
    tree.pop();
  });
}

function multipleRequest(c: Ctx, body: number, end: number, req: CipRequest): void {
  const services: (CipRequest | null)[] = [];
  req.services = services;
  mspServices(c, body, end, (inner, at, len) => {
    const r = message(inner, at, len, null);
    services.push(r.request);
    c.out.add(serviceName(r.request?.info.cls, c.tvb.u8(at) & 0x7f));
    return r;
  });
}

function multipleResponse(c: Ctx, body: number, end: number, req: CipRequest | null): void {
  mspServices(c, body, end, (inner, at, len, i) => {
    const sent = req?.services?.[i] ?? null;
    const r = message(inner, at, len, sent);
    c.out.add(serviceName(sent?.info.cls, c.tvb.u8(at) & 0x7f));
    return r;
  });
}

/** A service no class dissector here knows: tshark's "CIP Class Generic" with the data as bytes. */
function classGeneric(c: Ctx, body: number, end: number): void {
  const { tvb, tree, pinfo } = c;
  if (!pinfo.layers.includes('cipcls')) pinfo.layers.push('cipcls');
  if (body >= end) return;
  tree.push(CLS[''], tvb, body, Math.max(0, end - body));
  tree.push(SUBTREE, tvb, body, Math.max(0, end - body));
  if (tree.full) tree.label('Command Specific Data');
  if (end > body) tree.add(F.data, tvb, body, end - body);
  tree.pop();
  tree.pop();
}

const hex2 = (v: number): string => v.toString(16).padStart(2, '0');

function prefixed(tag: string, defs: Record<string, FieldDef>): Record<string, FieldDef> {
  const out: Record<string, FieldDef> = {};
  for (const [k, v] of Object.entries(defs)) out[`${tag}:${k}`] = v;
  return out;
}

const HOOKS = {
  message,
  responseData: replyData,
  attrName: attributeName,
  serviceName,
  classText,
  statusName,
};

export const cipModule = {
  // Keys apart: the Connection Manager repeats some of the message's fields (same filter names).
  fields: { ...F, cipcls: CLS[''], ...ATTRIBUTES, ...pathFields, ...prefixed('cm', cmFields) },
};
