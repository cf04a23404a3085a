// GSS-API tokens (RFC 2743) and SPNEGO (RFC 4178) as tshark 4.0 shows them: negTokenInit with its
// mechTypes, mechToken and negHints, negTokenTarg with negResult, supportedMech, responseToken and
// mechListMIC, the inner token handed to NTLMSSP or to Kerberos (the KRB5 GSS-API wrapper:
// krb5_blob, its OID and token id). Security blobs of SMB, SMB2 and HTTP auth headers come here.
import { berHeader, berOid, type BerHeader } from './asn1.ts';
import { bool, bytes, fields, hex, names, proto, str, text, uint, type FieldDef } from './field.ts';
import { dissectKerberosEmbedded } from './kerberos.ts';
import { dissectNtlmssp } from './ntlmssp.ts';
import type { PacketInfo } from './packet-info.ts';
import { stringValue } from './text-format.ts';
import type { Tree } from './tree.ts';
import { TruncatedError, Tvb } from './tvb.ts';
import { dissectData } from './data.ts';
import { noteFault } from './dissect.ts';
import { base64ToBytes } from '../protocol/wire.ts';

const OID_SPNEGO = '1.3.6.1.5.5.2';
const OID_NTLMSSP = '1.3.6.1.4.1.311.2.2.10';
const OID_KRB5 = '1.2.840.113554.1.2.2';
const OID_MS_KRB5 = '1.2.840.48018.1.2.2';

/** Names of the mechanism OIDs (tshark's OID registry). */
const OID_NAMES = new Map<string, string>([
  [OID_SPNEGO, 'SPNEGO - Simple Protected Negotiation'],
  [OID_NTLMSSP, 'NTLMSSP - Microsoft NTLM Security Support Provider'],
  [OID_KRB5, 'KRB5 - Kerberos 5'],
  [OID_MS_KRB5, 'MS KRB5 - Microsoft Kerberos 5'],
  ['1.2.840.113554.1.2.2.3', 'KRB5 - Kerberos 5 - User to User'],
  ['1.3.6.1.4.1.311.2.2.30', 'NEGOEX - SPNEGO Extended Negotiation Security Mechanism'],
]);

const NEG_RESULTS = names({ 0: 'accept-completed', 1: 'accept-incomplete', 2: 'reject', 3: 'request-mic' });
const KRB5_TOKEN_IDS = names({
  0x0001: 'KRB5_AP_REQ', 0x0002: 'KRB5_AP_REP', 0x0003: 'KRB5_ERROR', 0x0101: 'KRB5_GSS_GetMIC',
  0x0102: 'KRB5_GSS_Wrap', 0x0201: 'KRB5_GSS_Delete_sec_context', 0x0004: 'KRB_TOKEN_TGT_REQ',
  0x0104: 'KRB_TOKEN_TGT_REP', 0x0404: 'KRB_TOKEN_CFX_GetMic', 0x0405: 'KRB_TOKEN_CFX_WRAP',
}); // prettier-ignore

export const G = fields('gss-api', {
  '': proto('GSS-API Generic Security Service Application Program Interface'),
  OID: str('OID'),
  // Known to filters; Trawl does not produce them (DCE/RPC auth verifiers, reassembly).
  token_object: bytes('Token object'),
  auth_verifier: bytes('Authentication verifier'),
  auth_credentials: bytes('Authentication credentials'),
});

export const S = fields('spnego', {
  '': proto('Simple Protected Negotiation'),
  negTokenInit_element: text('negTokenInit'),
  negTokenTarg_element: text('negTokenTarg'),
  mechTypes: uint('mechTypes', 32),
  MechType: str('MechType'),
  reqFlags: bytes('reqFlags'),
  mechToken: bytes('mechToken'),
  mechListMIC: bytes('mechListMIC'),
  negHints_element: text('negHints'),
  hintName: str('hintName'),
  hintAddress: bytes('hintAddress'),
  negResult: uint('negResult', 32, { strings: NEG_RESULTS }),
  supportedMech: str('supportedMech'),
  responseToken: bytes('responseToken'),
  'krb5.blob': bytes('krb5_blob'),
  krb5_oid: str('KRB5 OID'),
  'krb5.tok_id': hex('krb5_tok_id', 16, { strings: KRB5_TOKEN_IDS }),
  // Known to filters; Trawl does not decode per-message (wrap / MIC) tokens yet.
  wraptoken: text('wrapToken'),
  'krb5.sgn_alg': hex('krb5_sgn_alg', 16),
  'krb5.seal_alg': hex('krb5_seal_alg', 16),
  'krb5.snd_seq': bytes('krb5_snd_seq'),
  'krb5.sgn_cksum': bytes('krb5_sgn_cksum'),
  'krb5.confounder': bytes('krb5_confounder'),
  'krb5.filler': bytes('krb5_filler'),
  'krb5.cfx_flags': hex('krb5_cfx_flags', 8),
  'krb5.send_by_acceptor': bool('SendByAcceptor', 8, 0x01),
  'krb5.sealed': bool('Sealed', 8, 0x02),
  'krb5.acceptor_subkey': bool('AcceptorSubkey', 8, 0x04),
  'krb5.cfx_ec': uint('krb5_cfx_ec', 16),
  'krb5.cfx_rrc': uint('krb5_cfx_rrc', 16),
  'krb5.cfx_seq': uint('krb5_cfx_seq', 64),
  thisMech: str('thisMech'),
  innerContextToken_element: text('innerContextToken'),
  'ContextFlags.delegFlag': bool('delegFlag', 8, 0x80),
  'ContextFlags.mutualFlag': bool('mutualFlag', 8, 0x40),
  'ContextFlags.replayFlag': bool('replayFlag', 8, 0x20),
  'ContextFlags.sequenceFlag': bool('sequenceFlag', 8, 0x10),
  'ContextFlags.anonFlag': bool('anonFlag', 8, 0x08),
  'ContextFlags.confFlag': bool('confFlag', 8, 0x04),
  'ContextFlags.integFlag': bool('integFlag', 8, 0x02),
});

interface Ctx {
  tvb: Tvb;
  pinfo: PacketInfo;
  tree: Tree;
  /** The mechanism inner tokens belong to (the first mechType, or supportedMech). */
  mech: string;
}

/** The mechanism each conversation negotiated, for tokens that do not name it again. */
class SpnegoState {
  readonly mechs = new Map<number, string>();
}

const state = (pinfo: PacketInfo): SpnegoState => pinfo.state.of('spnego', () => new SpnegoState());

/**
 * A security blob (all of `tvb`): raw NTLMSSP, or a GSS-API token (SPNEGO, KRB5), or a SPNEGO
 * continuation token of the conversation's mechanism.
 */
export function dissectGssapi(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  if (tvb.remaining(o) === 0) return;
  if (isNtlmssp(tvb, o)) {
    dissectNtlmssp(tvb, pinfo, tree);
    return;
  }
  const depth = pinfo.layers.length;
  pinfo.layers.push('gss-api');
  tree.push(G[''], tvb, o, tvb.remaining(o));
  let fault: unknown = null;
  try {
    gssToken(tvb, pinfo, tree);
  } catch (err) {
    if (err instanceof TruncatedError) throw err;
    fault = err;
  } finally {
    tree.pop();
  }
  if (fault !== null) gssFault(fault, tvb, pinfo, tree, depth);
}

/**
 * A malformed token: tshark's GSS-API catches the exception, notes it, drops its layer and shows
 * the blob as data, and the protocol that carried the blob goes on.
 */
function gssFault(err: unknown, tvb: Tvb, pinfo: PacketInfo, tree: Tree, depth: number): void {
  pinfo.layers.length = depth;
  const outer = pinfo.currentProto;
  pinfo.currentProto = 'GSS-API';
  noteFault(err, tvb, pinfo, tree);
  pinfo.currentProto = outer;
  dissectData(tvb, pinfo, tree);
}

function isNtlmssp(tvb: Tvb, o: number): boolean {
  return tvb.has(o, 7) && tvb.ascii(o, 7) === 'NTLMSSP';
}

function gssToken(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  const first = tvb.u8(o);
  if (first !== 0x60) {
    spnego({ tvb, pinfo, tree, mech: state(pinfo).mechs.get(pinfo.conversation) ?? '' }, o, tvb.reportedEnd);
    return;
  }
  const app = berHeader(tvb, o, tvb.reportedEnd);
  const oidH = berHeader(tvb, app.start, app.end);
  const oid = berOid(tvb, oidH.start, oidH.length);
  addOid(tree, G.OID, tvb, oidH, oid);
  if (oid === OID_SPNEGO) spnego({ tvb, pinfo, tree, mech: '' }, oidH.end, app.end);
  else if (oid === OID_KRB5 || oid === OID_MS_KRB5)
    krb5Blob(tvb.sub(oidH.end, app.end - oidH.end), pinfo, tree);
  else if (oid === OID_NTLMSSP) dissectNtlmssp(tvb.sub(oidH.end, app.end - oidH.end), pinfo, tree);
}

/** An OID item as `Name: 1.2.3 (Description)`. */
function addOid(tree: Tree, def: FieldDef, tvb: Tvb, h: BerHeader, oid: string): void {
  tree.add(def, tvb, h.start, h.length, oid);
  const name = OID_NAMES.get(oid);
  if (tree.full && name) tree.labelLast(`${def.name}: ${oid} (${name})`);
}

function spnego(c: Ctx, from: number, to: number): void {
  const { tvb, tree, pinfo } = c;
  pinfo.layers.push('spnego');
  tree.push(S[''], tvb, from, to - from);
  try {
    const h = berHeader(tvb, from, to);
    if (h.id === 0xa0) negTokenInit(c, h);
    else if (h.id === 0xa1) negTokenTarg(c, h);
  } finally {
    tree.pop();
  }
}

/** Each element of a constructed element's contents, with its context tag (or -1) and contents. */
function eachTagged(
  c: Ctx,
  h: BerHeader,
  each: (tag: number, inner: BerHeader, outer: BerHeader) => void,
): void {
  let p = h.start;
  while (p < h.end) {
    const outer = berHeader(c.tvb, p, h.end);
    if (outer.cls === 0x80 && outer.constructed)
      each(outer.tag, berHeader(c.tvb, outer.start, outer.end), outer);
    else each(-1, outer, outer);
    p = outer.end;
  }
}

/** The span of an element including its identifier and length octets. */
function span(outer: BerHeader, at: number): [number, number] {
  return [at, outer.end - at];
}

function negTokenInit(c: Ctx, h: BerHeader): void {
  const seq = berHeader(c.tvb, h.start, h.end);
  c.tree.push(S.negTokenInit_element, c.tvb, ...span(seq, h.start));
  try {
    eachTagged(c, seq, (tag, inner) => initField(c, tag, inner));
  } finally {
    c.tree.pop();
  }
}

function initField(c: Ctx, tag: number, inner: BerHeader): void {
  if (tag === 0) mechTypes(c, inner);
  else if (tag === 1) octets(c, S.reqFlags, inner);
  else if (tag === 2) innerToken(c, S.mechToken, inner);
  else if (tag === 3) negHints(c, inner);
  else if (tag === 4) mechListMic(c, inner);
}

function mechTypes(c: Ctx, h: BerHeader): void {
  const { tvb, tree } = c;
  const oids: [BerHeader, string][] = [];
  for (let p = h.start; p < h.end;) {
    const e = berHeader(tvb, p, h.end);
    oids.push([e, berOid(tvb, e.start, e.length)]);
    p = e.end;
  }
  tree.push(S.mechTypes, tvb, h.start - headerLen(h), h.end - h.start + headerLen(h), oids.length);
  if (tree.full) tree.label(`mechTypes: ${oids.length} item${oids.length === 1 ? '' : 's'}`);
  for (const [e, oid] of oids) addOid(tree, S.MechType, tvb, e, oid);
  tree.pop();
  const first = oids[0]?.[1];
  if (first !== undefined) setMech(c, first);
}

function setMech(c: Ctx, oid: string): void {
  c.mech = oid;
  if (c.pinfo.conversation >= 0) state(c.pinfo).mechs.set(c.pinfo.conversation, oid);
}

/** Identifier and length octets of an element (for spans that start at its header). */
function headerLen(h: BerHeader): number {
  return h.length < 0x80 ? 2 : h.length < 0x100 ? 3 : h.length < 0x10000 ? 4 : 5;
}

function octets(c: Ctx, def: FieldDef, h: BerHeader): void {
  c.tvb.need(h.start, h.length);
  c.tree.add(def, c.tvb, h.start, h.length);
}

function negHints(c: Ctx, h: BerHeader): void {
  c.tree.push(S.negHints_element, c.tvb, h.start - headerLen(h), h.end - h.start + headerLen(h));
  try {
    eachTagged(c, h, (tag, inner) => {
      if (tag === 0) {
        const v = stringValue(c.tvb.bytes, inner.start, Math.min(inner.end, c.tvb.end)).field;
        c.tvb.need(inner.start, inner.length);
        c.tree.add(S.hintName, c.tvb, inner.start, inner.length, v);
      } else if (tag === 1) octets(c, S.hintAddress, inner);
    });
  } finally {
    c.tree.pop();
  }
}

function negTokenTarg(c: Ctx, h: BerHeader): void {
  const seq = berHeader(c.tvb, h.start, h.end);
  c.tree.push(S.negTokenTarg_element, c.tvb, ...span(seq, h.start));
  try {
    eachTagged(c, seq, (tag, inner) => targField(c, tag, inner));
  } finally {
    c.tree.pop();
  }
}

function targField(c: Ctx, tag: number, inner: BerHeader): void {
  const { tvb, tree } = c;
  if (tag === 0) {
    tvb.need(inner.start, inner.length);
    let v = 0;
    for (let i = 0; i < inner.length; i++) v = v * 256 + tvb.u8(inner.start + i);
    tree.add(S.negResult, tvb, inner.start, inner.length, v);
  } else if (tag === 1) {
    const oid = berOid(tvb, inner.start, inner.length);
    addOid(tree, S.supportedMech, tvb, inner, oid);
    setMech(c, oid);
  } else if (tag === 2) innerToken(c, S.responseToken, inner);
  else if (tag === 3) mechListMic(c, inner);
}

/** mechToken / responseToken: the bytes, then the mechanism's own decode beside them. */
function innerToken(c: Ctx, def: FieldDef, h: BerHeader): void {
  octets(c, def, h);
  if (h.length === 0) return;
  const sub = c.tvb.sub(h.start, h.length);
  if (c.mech === OID_NTLMSSP) dissectNtlmssp(sub, c.pinfo, c.tree);
  else if (c.mech === OID_KRB5 || c.mech === OID_MS_KRB5) krb5Blob(sub, c.pinfo, c.tree);
}

function mechListMic(c: Ctx, h: BerHeader): void {
  octets(c, S.mechListMIC, h);
  if (h.length > 0 && c.mech === OID_NTLMSSP) dissectNtlmssp(c.tvb.sub(h.start, h.length), c.pinfo, c.tree);
}

/** A Kerberos GSS-API token (RFC 4121): OID, token id, and for AP-REQ/AP-REP/KRB-ERROR the message. */
function krb5Blob(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  pinfo.layers.push('spnego-krb5');
  tree.push(S['krb5.blob'], tvb, o, tvb.remaining(o));
  try {
    let p = o;
    if (tvb.u8(o) === 0x60) {
      const app = berHeader(tvb, o, tvb.reportedEnd);
      const oidH = berHeader(tvb, app.start, app.end);
      addOid(tree, S.krb5_oid, tvb, oidH, berOid(tvb, oidH.start, oidH.length));
      p = oidH.end;
    }
    const id = tvb.u16le(p);
    tree.add(S['krb5.tok_id'], tvb, p, 2, id);
    if (id >= 1 && id <= 3) dissectKerberosEmbedded(tvb.sub(p + 2), pinfo, tree);
  } finally {
    tree.pop();
  }
}

const AUTH_SCHEMES: [string, boolean][] = [
  ['NTLM ', true],
  ['Negotiate ', false],
];

/**
 * An HTTP Authorization / WWW-Authenticate value (`NTLM <base64>`, `Negotiate <base64>`): the
 * token decoded into a data source of its own and shown under the header. False when it is not one.
 */
export function dissectHttpAuth(value: string, pinfo: PacketInfo, tree: Tree): boolean {
  const scheme = AUTH_SCHEMES.find(([s]) => value.startsWith(s));
  if (!scheme) return false;
  let data: Uint8Array;
  try {
    data = base64ToBytes(value.slice(scheme[0].length).trim());
  } catch {
    return false;
  }
  if (data.length === 0) return false;
  const source = pinfo.addSource('NTLMSSP / GSSAPI Data', data);
  const tvb = new Tvb(data, 0, data.length, data.length, source);
  if (scheme[1]) dissectNtlmssp(tvb, pinfo, tree);
  else dissectGssapi(tvb, pinfo, tree);
  return true;
}

export const gssapiModule = {
  fields: Object.fromEntries([...Object.values(G), ...Object.values(S)].map((d) => [d.abbrev, d])),
};
