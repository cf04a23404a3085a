// LDAP (RFC 4511) on TCP 389, as tshark 4.0 shows it: each LDAPMessage (BER, framed by its own
// length, cut ones joined by TCP reassembly) with its message ID and operation, and Info made of
// Wireshark's pieces ("bindRequest(1) "cn=…" simple", "searchRequest(2) "dc=…" wholeSubtree",
// "searchResDone(2) success [3 results]", several messages separated by " | "). Operations,
// results, search filters (as Wireshark writes them), attributes and controls are decoded; SASL
// security layers, CLDAP on UDP and the values of most controls are not.
import { formatDelta } from '../format/time.ts';
import { berHeader as readHeader, berInteger, type BerHeader as Header } from './asn1.ts';
import { bool, bytes, fields, FieldType, names, proto, str, uint, type FieldDef } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { tcpDissectPdus, type PduSpec } from './tcp-pdus.ts';
import type { Tree } from './tree.ts';
import { MalformedError, type Tvb } from './tvb.ts';

const PORT = 389;

const RESULT_CODES = names({
  0: 'success',
  1: 'operationsError',
  2: 'protocolError',
  3: 'timeLimitExceeded',
  4: 'sizeLimitExceeded',
  5: 'compareFalse',
  6: 'compareTrue',
  7: 'authMethodNotSupported',
  8: 'strongAuthRequired',
  10: 'referral',
  11: 'adminLimitExceeded',
  12: 'unavailableCriticalExtension',
  13: 'confidentialityRequired',
  14: 'saslBindInProgress',
  16: 'noSuchAttribute',
  17: 'undefinedAttributeType',
  18: 'inappropriateMatching',
  19: 'constraintViolation',
  20: 'attributeOrValueExists',
  21: 'invalidAttributeSyntax',
  32: 'noSuchObject',
  33: 'aliasProblem',
  34: 'invalidDNSyntax',
  36: 'aliasDereferencingProblem',
  48: 'inappropriateAuthentication',
  49: 'invalidCredentials',
  50: 'insufficientAccessRights',
  51: 'busy',
  52: 'unavailable',
  53: 'unwillingToPerform',
  54: 'loopDetect',
  64: 'namingViolation',
  65: 'objectClassViolation',
  66: 'notAllowedOnNonLeaf',
  67: 'notAllowedOnRDN',
  68: 'entryAlreadyExists',
  69: 'objectClassModsProhibited',
  71: 'affectsMultipleDSAs',
  80: 'other',
  118: 'canceled',
  119: 'noSuchOperation',
  120: 'tooLate',
  121: 'cannotCancel',
});
const SCOPES = names({
  0: 'baseObject',
  1: 'singleLevel',
  2: 'wholeSubtree',
});
const DEREF = names({
  0: 'neverDerefAliases',
  1: 'derefInSearching',
  2: 'derefFindingBaseObj',
  3: 'derefAlways',
});
const AUTH = names({
  0: 'simple',
  3: 'sasl',
  10: 'ntlmsspNegotiate',
  11: 'ntlmsspAuth',
});
const MOD_OPS = names({
  0: 'add',
  1: 'delete',
  2: 'replace',
  3: 'increment',
});
const OPS = names({
  0: 'bindRequest',
  1: 'bindResponse',
  2: 'unbindRequest',
  3: 'searchRequest',
  4: 'searchResEntry',
  5: 'searchResDone',
  19: 'searchResRef',
  6: 'modifyRequest',
  7: 'modifyResponse',
  8: 'addRequest',
  9: 'addResponse',
  10: 'delRequest',
  11: 'delResponse',
  12: 'modDNRequest',
  13: 'modDNResponse',
  14: 'compareRequest',
  15: 'compareResponse',
  16: 'abandonRequest',
  23: 'extendedReq',
  24: 'extendedResp',
  25: 'intermediateResponse',
});
const FILTERS = names({
  0: 'and',
  1: 'or',
  2: 'not',
  3: 'equalityMatch',
  4: 'substrings',
  5: 'greaterOrEqual',
  6: 'lessOrEqual',
  7: 'present',
  8: 'approxMatch',
  9: 'extensibleMatch',
});

/** Names of the operations in Info (Wireshark's choice table, by tag). */
const OP_INFO = OPS;

/** Names Wireshark gives the LDAP OIDs it knows (controls, extended operations). */
const OIDS: ReadonlyMap<string, string> = new Map([
  ['1.2.840', 'ISO assigned OIDs, USA'],
  ['1.2.840.113556.1.4.319', 'pagedResultsControl'],
  ['1.2.840.113556.1.4.417', 'LDAP_SERVER_SHOW_DELETED_OID'],
  ['1.2.840.113556.1.4.473', 'sortKeyList'],
  ['1.2.840.113556.1.4.474', 'sortResult'],
  ['1.2.840.113556.1.4.521', 'LDAP_SERVER_CROSSDOM_MOVE_TARGET_OID'],
  ['1.2.840.113556.1.4.528', 'LDAP_SERVER_NOTIFICATION_OID'],
  ['1.2.840.113556.1.4.529', 'LDAP_SERVER_EXTENDED_DN_OID'],
  ['1.2.840.113556.1.4.582', 'meetingAdvertiseScope'],
  ['1.2.840.113556.1.4.619', 'LDAP_SERVER_LAZY_COMMIT_OID'],
  ['1.2.840.113556.1.4.650', 'mhsORAddress'],
  ['1.2.840.113556.1.4.654', 'managedObjects'],
  ['1.2.840.113556.1.4.800', 'LDAP_CAP_ACTIVE_DIRECTORY_OID'],
  ['1.2.840.113556.1.4.801', 'LDAP_SERVER_SD_FLAGS_OID'],
  ['1.2.840.113556.1.4.802', 'LDAP_SERVER_RANGE_OPTION_OID'],
  ['1.2.840.113556.1.4.804', 'LDAP_OID_COMPARATOR_OR'],
  ['1.2.840.113556.1.4.805', 'LDAP_SERVER_TREE_DELETE_OID'],
  ['1.2.840.113556.1.4.841', 'dirsync'],
  ['1.2.840.113556.1.4.970', 'LDAP_SERVER_GET_STATS_OID'],
  ['1.2.840.113556.1.4.1338', 'LDAP_SERVER_VERIFY_NAME_OID'],
  ['1.2.840.113556.1.4.1339', 'LDAP_SERVER_DOMAIN_SCOPE_OID'],
  ['1.2.840.113556.1.4.1340', 'LDAP_SERVER_SEARCH_OPTIONS_OID'],
  ['1.2.840.113556.1.4.1341', 'LDAP_SERVER_RODC_DCPROMO_OID'],
  ['1.2.840.113556.1.4.1413', 'LDAP_SERVER_PERMISSIVE_MODIFY_OID'],
  ['1.2.840.113556.1.4.1504', 'LDAP_SERVER_ASQ_OID'],
  ['1.2.840.113556.1.4.1670', 'LDAP_CAP_ACTIVE_DIRECTORY_V51_OID'],
  ['1.2.840.113556.1.4.1711', 'msDS-SDReferenceDomain'],
  ['1.2.840.113556.1.4.1717', 'msDS-AdditionalDnsHostName'],
  ['1.2.840.113556.1.4.1781', 'LDAP_SERVER_FAST_BIND_OID'],
  ['1.2.840.113556.1.4.1791', 'LDAP_CAP_ACTIVE_DIRECTORY_LDAP_INTEG_OID'],
  ['1.2.840.113556.1.4.1840', 'msDS-ObjectReference'],
  ['1.2.840.113556.1.4.1848', 'msDS-QuotaEffective'],
  ['1.2.840.113556.1.4.1851', 'LDAP_CAP_ACTIVE_DIRECTORY_ADAM_OID'],
  ['1.2.840.113556.1.4.1852', 'LDAP_SERVER_QUOTA_CONTROL_OID'],
  ['1.2.840.113556.1.4.1860', 'msDS-PortSSL'],
  ['1.2.840.113556.1.4.1907', 'LDAP_SERVER_SHUTDOWN_NOTIFY_OID'],
  ['1.2.840.113556.1.4.1948', 'LDAP_SERVER_RANGE_RETRIEVAL_NOERR_OID'],
  ['1.2.840.113556.1.4.1960', 'msDS-isRODC'],
  ['1.2.840.113556.1.4.1974', 'LDAP_SERVER_FORCE_UPDATE_OID'],
  ['1.2.840.113556.1.4.2026', 'LDAP_SERVER_DN_INPUT_OID'],
  ['1.2.840.113556.1.4.2064', 'LDAP_SERVER_SHOW_RECYCLED_OID'],
  ['1.2.840.113556.1.4.2065', 'LDAP_SERVER_SHOW_DEACTIVATED_LINK_OID'],
  ['1.2.840.113556.1.4.2066', 'LDAP_SERVER_POLICY_HINTS_DEPRECATED_OID'],
  ['1.2.840.113556.1.4.2090', 'LDAP_SERVER_DIRSYNC_EX_OID'],
  ['1.2.840.113556.1.4.2204', 'LDAP_SERVER_TREE_DELETE_EX_OID'],
  ['1.2.840.113556.1.4.2205', 'LDAP_SERVER_UPDATE_STATS_OID'],
  ['1.2.840.113556.1.4.2206', 'LDAP_SERVER_SEARCH_HINTS_OID'],
  ['1.2.840.113556.1.4.2211', 'LDAP_SERVER_EXPECTED_ENTRY_COUNT_OID'],
  ['1.2.840.113556.1.4.2239', 'LDAP_SERVER_POLICY_HINTS_OID'],
  ['1.2.840.113556.1.4.2255', 'LDAP_SERVER_SET_OWNER_OID'],
  ['1.2.840.113556.1.4.2256', 'LDAP_SERVER_BYPASS_QUOTA_OID'],
  ['1.2.840.113556.1.4.2309', 'LDAP_SERVER_LINK_TTL_OID'],
  ['1.2.840.113556.1.4.2330', 'LDAP_SERVER_SET_CORRELATION_ID_OID'],
  ['1.2.840.113556.1.4.2354', 'LDAP_SERVER_THREAD_TRACE_OVERRIDE_OID'],
  ['1.3.6.1.4.1.1466.101.119.1', 'DYNAMIC_REFRESH'],
  ['1.3.6.1.4.1.1466.20037', 'LDAP_START_TLS_OID'],
  ['2.16.840.1.113730.3.2.2', 'inetOrgPerson'],
  ['2.16.840.1', 'US company arc'],
  ['2.16.840.1.113730.3.4.2', 'Manage DSA IT LDAPv3 control'],
  ['2.16.840.1.113730.3.4.3', 'Persistent Search LDAPv3 control'],
  ['2.16.840.1.113730.3.4.4', 'Netscape Password Expired LDAPv3 control'],
  ['2.16.840.1.113730.3.4.5', 'Netscape Password Expiring LDAPv3 control'],
  ['2.16.840.1.113730.3.4.6', 'Netscape NT Synchronization Client LDAPv3 control'],
  ['2.16.840.1.113730.3.4.7', 'Entry Change Notification LDAPv3 control'],
  ['2.16.840.1.113730.3.4.8', 'Transaction ID Request Control'],
  ['2.16.840.1.113730.3.4.9', 'VLV Request LDAPv3 control'],
  ['2.16.840.1.113730.3.4.10', 'VLV Response LDAPv3 control'],
  ['2.16.840.1.113730.3.4.11', 'Transaction ID Response Control'],
  ['2.16.840.1.113730.3.4.12', 'Proxied Authorization (version 1) control'],
  ['2.16.840.1.113730.3.4.13', 'iPlanet Directory Server Replication Update Information Control'],
  ['1.3.6.1.4.1.4203.1.11.1', 'passwdModifyOID'],
  ['1.3.6.1.1.8', 'cancelRequestOID'],
  ['1.3.6.1.4.1.4203.1.9.1.1', 'syncRequestOID'],
  ['1.3.6.1.4.1.4203.1.9.1.2', 'syncStateOID'],
  ['1.3.6.1.4.1.4203.1.9.1.3', 'syncDoneOID'],
  ['1.3.6.1.4.1.4203.1.9.1.4', 'syncInfoOID'],
  ['1.3.6.1.4.1.42.2.27.8.5.1', 'passwordPolicy'],
]);

/** Wireshark's oid_resolved_from_string: the name of the longest known prefix, then the rest. */
function oidName(oid: string): string | undefined {
  const exact = OIDS.get(oid);
  if (exact !== undefined) return exact;
  const arcs = oid.split('.');
  for (let n = arcs.length - 1; n >= 1; n--) {
    const prefix = arcs.slice(0, n).join('.');
    const name = OIDS.get(prefix) ?? ROOTS[prefix];
    if (name !== undefined) return [name, ...arcs.slice(n)].join('.');
  }
  return undefined;
}
const ROOTS: Record<string, string> = { '0': 'itu-t', '1': 'iso', '2': 'joint-iso-itu-t' };

const elem = (name: string): FieldSpecNone => ({ name, type: FieldType.None });
type FieldSpecNone = { name: string; type: FieldType };

export const F = fields('ldap', {
  '': proto('Lightweight Directory Access Protocol'),
  LDAPMessage_element: elem('LDAPMessage'),
  messageID: uint('messageID', 32),
  protocolOp: uint('protocolOp', 32, { strings: OPS }),
  controls: uint('controls', 32),
  bindRequest_element: elem('bindRequest'),
  bindResponse_element: elem('bindResponse'),
  unbindRequest_element: elem('unbindRequest'),
  searchRequest_element: elem('searchRequest'),
  searchResEntry_element: elem('searchResEntry'),
  searchResDone_element: elem('searchResDone'),
  searchResRef: uint('searchResRef', 32),
  modifyRequest_element: elem('modifyRequest'),
  modifyResponse_element: elem('modifyResponse'),
  addRequest_element: elem('addRequest'),
  addResponse_element: elem('addResponse'),
  delRequest: str('delRequest'),
  delResponse_element: elem('delResponse'),
  modDNRequest_element: elem('modDNRequest'),
  modDNResponse_element: elem('modDNResponse'),
  compareRequest_element: elem('compareRequest'),
  compareResponse_element: elem('compareResponse'),
  abandonRequest: uint('abandonRequest', 32),
  extendedReq_element: elem('extendedReq'),
  extendedResp_element: elem('extendedResp'),
  AttributeDescription: str('AttributeDescription'),
  attributeDesc: str('attributeDesc'),
  assertionValue: str('assertionValue'),
  type: str('type'),
  vals: uint('vals', 32),
  AttributeValue: bytes('AttributeValue'),
  resultCode: uint('resultCode', 32, { strings: RESULT_CODES }),
  matchedDN: str('matchedDN'),
  errorMessage: str('errorMessage'),
  referral: uint('referral', 32),
  LDAPURL: str('LDAPURL'),
  Control_element: elem('Control'),
  controlType: str('controlType'),
  criticality: bool('criticality', 8, 0, { tf: ['True', 'False'] }),
  controlValue: bytes('controlValue'),
  version: uint('version', 32),
  name: str('name'),
  authentication: uint('authentication', 32, { strings: AUTH }),
  simple: str('simple'),
  sasl_element: elem('sasl'),
  mechanism: str('mechanism'),
  credentials: bytes('credentials'),
  serverSaslCreds: bytes('serverSaslCreds'),
  baseObject: str('baseObject'),
  scope: uint('scope', 32, { strings: SCOPES }),
  derefAliases: uint('derefAliases', 32, { strings: DEREF }),
  sizeLimit: uint('sizeLimit', 32),
  timeLimit: uint('timeLimit', 32),
  typesOnly: bool('typesOnly', 8, 0, { tf: ['True', 'False'] }),
  filter: uint('filter', 32, { strings: FILTERS }),
  attributes: uint('attributes', 32),
  and: uint('and', 32),
  and_item: uint('and item', 32, { strings: FILTERS }),
  or: uint('or', 32),
  or_item: uint('or item', 32, { strings: FILTERS }),
  not: uint('not', 32, { strings: FILTERS }),
  equalityMatch_element: elem('equalityMatch'),
  substrings_element: elem('substrings'),
  greaterOrEqual_element: elem('greaterOrEqual'),
  lessOrEqual_element: elem('lessOrEqual'),
  present: str('present'),
  approxMatch_element: elem('approxMatch'),
  extensibleMatch_element: elem('extensibleMatch'),
  substrings: uint('substrings', 32),
  substrings_item: uint('substrings item', 32, { strings: names({ 0: 'initial', 1: 'any', 2: 'final' }) }),
  initial: str('initial'),
  any: str('any'),
  final: str('final'),
  matchingRule: str('matchingRule'),
  matchValue: str('matchValue'),
  dnAttributes: bool('dnAttributes', 8, 0, { tf: ['True', 'False'] }),
  objectName: str('objectName'),
  PartialAttributeList_item_element: elem('PartialAttributeList item'),
  object: str('object'),
  modification: uint('modification', 32),
  modification_item_element: elem('modification item'),
  operation: uint('operation', 32, { strings: MOD_OPS }),
  modification_element: elem('modification'),
  entry: str('entry'),
  AttributeList_item_element: elem('AttributeList item'),
  newrdn: str('newrdn'),
  deleteoldrdn: bool('deleteoldrdn', 8, 0, { tf: ['True', 'False'] }),
  newSuperior: str('newSuperior'),
  ava_element: elem('ava'),
  requestName: str('requestName'),
  requestValue: bytes('requestValue'),
  responseName: str('responseName'),
  response: bytes('response'),
  SearchControlValue_element: elem('SearchControlValue'),
  size: { ...uint('size', 32), type: FieldType.Int },
  cookie: bytes('cookie'),
  response_to: { name: 'Response To', type: FieldType.FrameNum, generated: true },
  time: { name: 'Time', type: FieldType.RelTime, generated: true },
});

const SUBTREE: FieldDef = { name: '', type: FieldType.None, abbrev: '', id: -1 };

/** A BER element and where its identifier octet is. */
interface BerHeader extends Header {
  at: number;
}
function berHeader(tvb: Tvb, at: number, limit: number): BerHeader {
  return { ...readHeader(tvb, at, limit), at };
}

/** UTF-8 text as Wireshark shows it (invalid sequences as U+FFFD). */
function utf8(tvb: Tvb, at: number, len: number): string {
  tvb.need(at, len);
  const b = tvb.bytes;
  let s = '';
  let i = at;
  const end = at + len;
  while (i < end) {
    const c = b[i] as number;
    // Continuation bytes the lead byte announces, and its payload bits.
    const n =
      c < 0x80 ? 0 : c >= 0xc2 && c < 0xe0 ? 1 : c >= 0xe0 && c < 0xf0 ? 2 : c >= 0xf0 && c < 0xf5 ? 3 : -1;
    let cp = n === 0 ? c : n === 1 ? c & 0x1f : n === 2 ? c & 0x0f : c & 0x07;
    if (n < 0) {
      s += '\ufffd';
      i++;
      continue;
    }
    let ok = i + n < end;
    for (let k = 1; ok && k <= n; k++) {
      const d = b[i + k] as number;
      if ((d & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (d & 0x3f);
    }
    if (!ok) {
      s += '\ufffd';
      i++;
      continue;
    }
    s += String.fromCodePoint(cp);
    i += n + 1;
  }
  return s;
}

interface Call {
  frame: number;
  sec: number;
  nsec: number;
}

interface LdapState {
  /** Requests per conversation and message ID. */
  calls: Map<string, Call>;
  /** Search result entries seen per conversation (Wireshark counts them for searchResDone). */
  results: Map<number, number>;
  /** Per frame and message, the count its first pass saw. */
  seen: Map<string, number>;
  /** Per frame and message, the request a response answered (null: none). */
  matched: Map<string, Call | null>;
}
const newState = (): LdapState => ({
  calls: new Map(),
  results: new Map(),
  seen: new Map(),
  matched: new Map(),
});

/** The messages of this frame so far (for " | " between them). */
const framesSeen = new WeakMap<PacketInfo, boolean>();

export function dissectLdap(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('ldap');
  if (!tvb.has(o, 2) || tvb.bytes[o] !== 0x30) return tvb.remaining(o);
  const len = berLength(tvb, o + 1);
  if (len === null || len.value < 2) return tvb.remaining(o);
  return tcpDissectPdus(tvb, pinfo, tree, PDUS);
}

/** A BER length at `at`: its value and the offset after it, or null when it cannot be read. */
function berLength(tvb: Tvb, at: number): { value: number; next: number } | null {
  const first = tvb.u8(at);
  if (!(first & 0x80)) return { value: first, next: at + 1 };
  const n = first & 0x7f;
  if (n === 0 || n > 4) return { value: 0, next: at + 1 };
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + tvb.u8(at + 1 + i);
  return { value: v, next: at + 1 + n };
}

const PDUS: PduSpec = {
  fixed: 7,
  length(tvb, at) {
    const l = berLength(tvb, at + 1);
    return l === null ? 7 : l.value + (l.next - at);
  },
  dissect: message,
  name: 'LDAP',
};

interface Ctx {
  tvb: Tvb;
  pinfo: PacketInfo;
  tree: Tree;
  info: string;
  /** The LDAPMessage label, grown as Wireshark appends to it. */
  label: string;
  op: number;
  opDone: boolean;
  id: number;
}

function message(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  pinfo.setProto('LDAP');
  let prefix = '';
  if (framesSeen.get(pinfo)) prefix = `${pinfo.info} | `;
  framesSeen.set(pinfo, true);
  const c: Ctx = { tvb, pinfo, tree, info: prefix, label: 'LDAPMessage', op: -1, opDone: false, id: 0 };
  if (pinfo.wantInfo) pinfo.setInfo(prefix);
  tree.push(F[''], tvb, o, tvb.remaining(o));
  const end = tvb.reportedEnd;
  const h = berHeader(tvb, o, end);
  tree.push(F.LDAPMessage_element, tvb, o, h.end - o);
  try {
    messageBody(c, h);
  } finally {
    if (tree.full) tree.label(c.label);
    if (pinfo.wantInfo) pinfo.setInfo(c.info);
    tree.pop();
    tree.pop();
  }
}

function say(c: Ctx, text: string, label = text.trimEnd()): void {
  c.info += text;
  if (c.pinfo.wantInfo) c.pinfo.setInfo(c.info);
  c.label += ` ${label}`;
}

/** Wireshark writes the operation into Info at the first item that mentions it. */
function opName(c: Ctx): void {
  if (c.opDone) return;
  c.opDone = true;
  const text = `${OP_INFO.get(c.op) ?? `Unknown (${c.op})`}(${c.id})`;
  if (c.op === 16) {
    // An abandon request's text lands on the protocolOp item, not on the message.
    infoOnly(c, `${text} `);
    if (c.tree.full) c.tree.label(`protocolOp: ${OPS.get(16) ?? ''} (16) ${text}`);
    return;
  }
  say(c, `${text} `);
}

/** Text for Info alone (the message's label does not get it). */
function infoOnly(c: Ctx, text: string): void {
  c.info += text;
  if (c.pinfo.wantInfo) c.pinfo.setInfo(c.info);
}

function messageBody(c: Ctx, h: BerHeader): void {
  const { tvb, tree } = c;
  const idH = berHeader(tvb, h.start, h.end);
  c.id = Number(berInteger(tvb, idH.start, idH.length));
  tree.add(F.messageID, tvb, idH.at, idH.end - idH.at, c.id);
  const opH = berHeader(tvb, idH.end, h.end);
  c.op = opH.tag;
  tree.push(F.protocolOp, tvb, idH.end, opH.end - idH.end, c.op);
  operation(c, opH);
  if (c.op === 16) opName(c);
  tree.pop();
  match(c);
  if (c.op === 4) resultsCount(c, false);
  if (c.op === 5) resultsCount(c, true);
  opName(c);
  if (opH.end < h.end) {
    const ctl = berHeader(tvb, opH.end, h.end);
    if (ctl.cls === 0x80 && ctl.tag === 0) controls(c, ctl);
  }
}

/** The element an operation's contents go under (Wireshark's …_element items). */
const OP_ELEMENT: Record<number, keyof typeof F> = {
  0: 'bindRequest_element',
  1: 'bindResponse_element',
  2: 'unbindRequest_element',
  3: 'searchRequest_element',
  4: 'searchResEntry_element',
  5: 'searchResDone_element',
  6: 'modifyRequest_element',
  7: 'modifyResponse_element',
  8: 'addRequest_element',
  9: 'addResponse_element',
  11: 'delResponse_element',
  12: 'modDNRequest_element',
  13: 'modDNResponse_element',
  14: 'compareRequest_element',
  15: 'compareResponse_element',
  23: 'extendedReq_element',
  24: 'extendedResp_element',
};

function kids(c: Ctx, h: BerHeader): BerHeader[] {
  const out: BerHeader[] = [];
  let p = h.start;
  while (p < h.end) {
    const k = berHeader(c.tvb, p, h.end);
    out.push(k);
    p = k.end;
  }
  return out;
}

const full = (h: BerHeader, at: number): [number, number] => [at, h.end - at];

function string(c: Ctx, def: FieldDef, h: BerHeader, at: number): string {
  const s = utf8(c.tvb, h.start, h.length);
  c.tree.add(def, c.tvb, ...full(h, at), s);
  return s;
}

function integer(c: Ctx, def: FieldDef, h: BerHeader, at: number): number {
  const v = Number(berInteger(c.tvb, h.start, h.length));
  c.tree.add(def, c.tvb, ...full(h, at), v);
  return v;
}

function boolean(c: Ctx, def: FieldDef, h: BerHeader, at: number): void {
  const v = h.length > 0 && c.tvb.u8(h.start) !== 0;
  c.tree.add(def, c.tvb, ...full(h, at), v);
}

/** A DN that goes into Info in quotes (`<ROOT>` when empty). */
function dn(c: Ctx, def: FieldDef, h: BerHeader): void {
  opName(c);
  const s = string(c, def, h, h.at);
  const v = s || '<ROOT>';
  say(c, `"${v}" `, `"${v}"`);
}

function result(c: Ctx, parts: BerHeader[], quiet = false): number {
  const [code, matched, msg] = parts;
  if (!code) return 3;
  const v = Number(berInteger(c.tvb, code.start, code.length));
  c.tree.add(F.resultCode, c.tvb, code.at, code.end - code.at, v);
  // An extended response's result code is not written into Info.
  if (!quiet) {
    opName(c);
    say(c, `${RESULT_CODES.get(v) ?? `Unknown result(${v})`} `);
  }
  if (matched) string(c, F.matchedDN, matched, matched.at);
  if (msg) {
    const s = string(c, F.errorMessage, msg, msg.at);
    if (s) say(c, `(${s}) `, `(${s})`);
  }
  return 3;
}

function operation(c: Ctx, h: BerHeader): void {
  const { tvb, tree } = c;
  const el = OP_ELEMENT[h.tag];
  if (h.tag === 10) {
    // delRequest is the DN itself.
    opName(c);
    const s = utf8(tvb, h.start, h.length);
    tree.add(F.delRequest, tvb, h.at, h.end - h.at, s);
    say(c, `"${s || '<ROOT>'}" `, `"${s || '<ROOT>'}"`);
    return;
  }
  if (h.tag === 16) {
    // The abandoned message's ID replaces this message's in Info, as Wireshark's shared
    // MessageID variable has it.
    c.id = Number(berInteger(tvb, h.start, h.length));
    tree.add(F.abandonRequest, tvb, h.at, h.end - h.at, Number(berInteger(tvb, h.start, h.length)));
    return;
  }
  if (h.tag === 19) {
    tree.push(F.searchResRef, tvb, h.at, h.end - h.at, kids(c, h).length);
    for (const k of kids(c, h)) string(c, F.LDAPURL, k, k.at);
    tree.pop();
    return;
  }
  if (el === undefined) return;
  tree.push(F[el], tvb, h.at, h.end - h.at);
  try {
    const p = h.constructed ? kids(c, h) : [];
    switch (h.tag) {
      case 0:
        bindRequest(c, p);
        break;
      case 1: {
        result(c, p);
        const creds = p[3];
        if (creds?.cls === 0x80 && creds.tag === 7)
          tree.add(F.serverSaslCreds, tvb, creds.start, creds.length);
        break;
      }
      case 3:
        searchRequest(c, p);
        break;
      case 4:
        searchEntry(c, p);
        break;
      case 5:
      case 7:
      case 9:
      case 11:
      case 13:
      case 15:
        result(c, p);
        break;
      case 6:
        modifyRequest(c, p);
        break;
      case 8:
        if (p[0]) dn(c, F.entry, p[0]);
        if (p[1]) attributeList(c, p[1]);
        break;
      case 12:
        if (p[0]) dn(c, F.entry, p[0]);
        if (p[1]) string(c, F.newrdn, p[1], p[1].at);
        if (p[2]) boolean(c, F.deleteoldrdn, p[2], p[2].at);
        if (p[3]) string(c, F.newSuperior, p[3], p[3].at);
        break;
      case 14:
        if (p[0]) dn(c, F.entry, p[0]);
        if (p[1]) {
          tree.push(F.ava_element, tvb, p[1].at, p[1].end - p[1].at);
          const [a, v] = kids(c, p[1]);
          if (a) string(c, F.attributeDesc, a, a.at);
          if (v) string(c, F.assertionValue, v, v.at);
          tree.pop();
        }
        break;
      case 23:
        if (p[0]) {
          opName(c);
          const s = string(c, F.requestName, p[0], p[0].at);
          const n = oidName(s);
          if (n) {
            if (tree.full) tree.labelLast(`requestName: ${s} (${n})`);
            infoOnly(c, `${n} `);
          }
        }
        if (p[1]) tree.add(F.requestValue, tvb, p[1].start, p[1].length);
        break;
      case 24: {
        result(c, p, true);
        for (const k of p.slice(3)) {
          if (k.tag === 10) {
            const s = string(c, F.responseName, k, k.at);
            const n = oidName(s);
            if (n) {
              if (tree.full) tree.labelLast(`responseName: ${s} (${n})`);
              opName(c);
              infoOnly(c, `${n} `);
            }
          } else if (k.tag === 11) tree.add(F.response, tvb, k.start, k.length);
        }
        break;
      }
    }
  } finally {
    tree.pop();
  }
}

const REQUESTS = new Set([0, 3, 6, 8, 10, 12, 14, 23]);
const RESPONSES = new Set([1, 4, 19, 5, 7, 9, 11, 13, 15, 24, 25]);

/** Requests wait for their answer by message ID; an answer shows its request and the time since. */
function match(c: Ctx): void {
  const { pinfo, tree, tvb } = c;
  if (!REQUESTS.has(c.op) && !RESPONSES.has(c.op)) return;
  const st = pinfo.state.of('ldap', newState);
  const key = `${pinfo.conversation}:${c.id}`;
  const here = `${pinfo.meta.number}:${tvb.start}`;
  let call = st.matched.get(here);
  if (call === undefined) {
    call = null;
    if (REQUESTS.has(c.op))
      st.calls.set(key, { frame: pinfo.meta.number, sec: pinfo.meta.tsSec, nsec: pinfo.meta.tsNsec });
    else call = st.calls.get(key) ?? null;
    st.matched.set(here, call);
  }
  if (!call) return;
  tree.add(F.response_to, tvb, tvb.start, 0, call.frame);
  if (tree.full) tree.labelLast(`[Response To: ${call.frame}]`);
  if (tree.wants(F.time)) {
    const delta = formatDelta(pinfo.meta.tsSec, pinfo.meta.tsNsec, call.sec, call.nsec);
    tree.add(F.time, tvb, tvb.start, 0, delta);
    if (tree.full) tree.labelLast(`[Time: ${delta} seconds]`);
  }
}

function resultsCount(c: Ctx, done: boolean): void {
  const st = c.pinfo.state.of('ldap', newState);
  const key = `${c.pinfo.meta.number}:${c.id}:${c.tvb.start}`;
  let n = st.seen.get(key);
  if (n === undefined) {
    n = st.results.get(c.pinfo.conversation) ?? 0;
    if (!done) st.results.set(c.pinfo.conversation, ++n);
    st.seen.set(key, n);
  }
  const text = ` [${n} result${n === 1 ? '' : 's'}]`;
  if (done) {
    c.info += text;
    if (c.pinfo.wantInfo) c.pinfo.setInfo(c.info);
  }
  c.label += text;
}

function bindRequest(c: Ctx, p: BerHeader[]): void {
  const { tvb, tree } = c;
  const [v, n, auth] = p;
  if (v) integer(c, F.version, v, v.at);
  if (n) dn(c, F.name, n);
  if (!auth) return;
  const choice = auth.tag;
  tree.push(F.authentication, tvb, auth.at, auth.end - auth.at, choice);
  const name = AUTH.get(choice) ?? `Unknown auth(${choice})`;
  if (choice !== 10 && choice !== 11) say(c, `${name} `);
  else c.label += ` ${name}`;
  if (choice === 0) tree.add(F.simple, tvb, auth.start, auth.length, utf8(tvb, auth.start, auth.length));
  else if (choice === 3) {
    tree.push(F.sasl_element, tvb, auth.start, auth.length);
    const [m, cr] = kids(c, auth);
    if (m) string(c, F.mechanism, m, m.at);
    if (cr) tree.add(F.credentials, tvb, cr.start, cr.length);
    tree.pop();
  }
  tree.pop();
}

function searchRequest(c: Ctx, p: BerHeader[]): void {
  const { tvb, tree } = c;
  const [base, scope, deref, size, time, types, filt, attrs] = p;
  if (base) dn(c, F.baseObject, base);
  if (scope) {
    const v = integer(c, F.scope, scope, scope.at);
    say(c, `${SCOPES.get(v) ?? `Unknown scope(${v})`} `);
  }
  if (deref) integer(c, F.derefAliases, deref, deref.at);
  if (size) integer(c, F.sizeLimit, size, size.at);
  if (time) integer(c, F.timeLimit, time, time.at);
  if (types) boolean(c, F.typesOnly, types, types.at);
  if (filt) filter(c, filt, F.filter);
  if (attrs) {
    const items = kids(c, attrs);
    tree.push(F.attributes, tvb, attrs.at, attrs.end - attrs.at, items.length);
    if (tree.full) tree.label(`attributes: ${items.length} item${items.length === 1 ? '' : 's'}`);
    for (const k of items) string(c, F.AttributeDescription, k, k.at);
    tree.pop();
  }
}

/**
 * One filter as Wireshark nests it: a "Filter: <text>" subtree holding the choice item (`hf`)
 * that holds the alternative. Returns the filter's text, which and/or build as Wireshark does:
 * the first item, then "(&" + what came before + the next item + ")" for each further one.
 */
function filter(c: Ctx, h: BerHeader, hf: FieldDef): string {
  const { tvb, tree } = c;
  const at = h.at;
  const len = h.end - at;
  tree.push(SUBTREE, tvb, at, len);
  tree.push(hf, tvb, at, len, h.tag);
  let text = '';
  try {
    switch (h.tag) {
      case 0:
      case 1: {
        const items = kids(c, h);
        const sign = h.tag === 0 ? '&' : '|';
        tree.push(SUBTREE, tvb, at, len);
        tree.push(h.tag === 0 ? F.and : F.or, tvb, at, len, items.length);
        if (tree.full)
          tree.label(`${h.tag === 0 ? 'and' : 'or'}: ${items.length} item${items.length === 1 ? '' : 's'}`);
        let acc: string | null = null;
        for (const k of items) {
          const s = filter(c, k, h.tag === 0 ? F.and_item : F.or_item);
          acc = acc === null ? s : `(${sign}${acc}${s})`;
        }
        text = acc ?? '';
        tree.pop();
        tree.pop(undefined, `${h.tag === 0 ? 'and' : 'or'}: ${text}`);
        break;
      }
      case 2: {
        const [k] = kids(c, h);
        const inner = k ? filter(c, k, F.not) : '';
        text = `(!${inner})`;
        break;
      }
      case 3:
      case 5:
      case 6:
      case 8: {
        const el = (
          {
            3: F.equalityMatch_element,
            5: F.greaterOrEqual_element,
            6: F.lessOrEqual_element,
            8: F.approxMatch_element,
          } as Record<number, FieldDef>
        )[h.tag] as FieldDef;
        const op = ({ 3: '=', 5: '>=', 6: '<=', 8: '~=' } as Record<number, string>)[h.tag] as string;
        const [a, v] = kids(c, h);
        tree.push(el, tvb, at, len);
        const an = a ? string(c, F.attributeDesc, a, a.at) : '';
        const vv = v ? string(c, F.assertionValue, v, v.at) : '';
        text = `(${an}${op}${vv})`;
        tree.pop();
        break;
      }
      case 4: {
        const [t, subs] = kids(c, h);
        tree.push(SUBTREE, tvb, at, len);
        tree.push(F.substrings_element, tvb, at, len);
        const tn = t ? string(c, F.type, t, t.at) : '';
        if (tree.full) tree.label(`substrings ${tn}`);
        let value: string | null = null;
        if (subs) {
          const items = kids(c, subs);
          tree.push(F.substrings, tvb, subs.at, subs.end - subs.at, items.length);
          if (tree.full) tree.label(`substrings: ${items.length} item${items.length === 1 ? '' : 's'}`);
          for (const k of items) {
            tree.push(F.substrings_item, tvb, k.at, k.end - k.at, k.tag);
            const part = string(c, k.tag === 0 ? F.initial : k.tag === 1 ? F.any : F.final, k, k.at);
            const before: string = value ?? '*';
            value = k.tag === 0 ? `${part}*` : k.tag === 1 ? `${before}${part}*` : `${before}${part}`;
            tree.pop();
          }
          tree.pop();
        }
        tree.pop();
        text = `(${tn}=${value ?? '(null)'})`;
        tree.pop(undefined, `substring: ${text}`);
        break;
      }
      case 7: {
        const s = utf8(tvb, h.start, h.length);
        tree.add(F.present, tvb, h.start, h.length, s);
        text = `(${s}=*)`;
        break;
      }
      case 9: {
        tree.push(F.extensibleMatch_element, tvb, at, len);
        let rule = '';
        let type = '';
        let value = '';
        let dnAttr = false;
        for (const k of kids(c, h)) {
          if (k.tag === 1) rule = string(c, F.matchingRule, k, k.at);
          else if (k.tag === 2) type = string(c, F.type, k, k.at);
          else if (k.tag === 3) value = string(c, F.matchValue, k, k.at);
          else if (k.tag === 4) {
            dnAttr = k.length > 0 && tvb.u8(k.start) !== 0;
            boolean(c, F.dnAttributes, k, k.at);
          }
        }
        text = `(${type}${dnAttr ? ':dn' : ''}${rule ? `:${rule}` : ''}:=${value})`;
        if (tree.full) tree.label(`extensibleMatch ${type}`);
        tree.pop();
        break;
      }
      default:
        throw new MalformedError('Malformed Packet', at);
    }
  } finally {
    tree.pop();
    tree.pop(undefined, `Filter: ${text}`);
  }
  return text;
}

function searchEntry(c: Ctx, p: BerHeader[]): void {
  const [name, attrs] = p;
  if (name) dn(c, F.objectName, name);
  if (attrs) partialAttributes(c, attrs, F.attributes, F.PartialAttributeList_item_element);
}

function attributeList(c: Ctx, h: BerHeader): void {
  partialAttributes(c, h, F.attributes, F.AttributeList_item_element);
}

function partialAttributes(c: Ctx, h: BerHeader, def: FieldDef, item: FieldDef): void {
  const { tvb, tree } = c;
  const items = kids(c, h);
  tree.push(def, tvb, h.at, h.end - h.at, items.length);
  if (tree.full) tree.label(`${def.name}: ${items.length} item${items.length === 1 ? '' : 's'}`);
  for (const k of items) attribute(c, k, item);
  tree.pop();
}

function attribute(c: Ctx, k: BerHeader, item: FieldDef): void {
  const { tvb, tree } = c;
  tree.push(item, tvb, k.at, k.end - k.at);
  const [t, vals] = kids(c, k);
  const tn = t ? string(c, F.type, t, t.at) : '';
  if (tree.full) tree.label(`${item.name} ${tn}`);
  if (vals) {
    const vs = kids(c, vals);
    tree.push(F.vals, tvb, vals.at, vals.end - vals.at, vs.length);
    if (tree.full) tree.label(`vals: ${vs.length} item${vs.length === 1 ? '' : 's'}`);
    for (const v of vs) {
      tree.add(F.AttributeValue, tvb, v.start, v.length);
      if (tree.full) tree.labelLast(`AttributeValue: ${utf8(tvb, v.start, v.length)}`);
    }
    tree.pop();
  }
  tree.pop();
}

function modifyRequest(c: Ctx, p: BerHeader[]): void {
  const { tvb, tree } = c;
  const [obj, mods] = p;
  if (obj) dn(c, F.object, obj);
  if (!mods) return;
  const items = kids(c, mods);
  tree.push(F.modification, tvb, mods.at, mods.end - mods.at, items.length);
  if (tree.full) tree.label(`modification: ${items.length} item${items.length === 1 ? '' : 's'}`);
  for (const m of items) {
    tree.push(F.modification_item_element, tvb, m.at, m.end - m.at);
    const [op, mod] = kids(c, m);
    if (op) integer(c, F.operation, op, op.at);
    if (mod) attribute(c, mod, F.modification_element);
    tree.pop();
  }
  tree.pop();
}

function controls(c: Ctx, h: BerHeader): void {
  const { tvb, tree } = c;
  const items = kids(c, h);
  tree.push(F.controls, tvb, h.at, h.end - h.at, items.length);
  if (tree.full) tree.label(`controls: ${items.length} item${items.length === 1 ? '' : 's'}`);
  for (const k of items) {
    tree.push(F.Control_element, tvb, k.at, k.end - k.at);
    const parts = kids(c, k);
    let oid = '';
    for (const part of parts) {
      if (part.id === 0x04 && !oid) {
        oid = string(c, F.controlType, part, part.at);
        const n = oidName(oid);
        if (n && tree.full) tree.labelLast(`controlType: ${oid} (${n})`);
      } else if (part.id === 0x01) boolean(c, F.criticality, part, part.at);
      else if (part.id === 0x04) controlValue(c, oid, part);
    }
    tree.pop();
  }
  tree.pop();
}

function controlValue(c: Ctx, oid: string, h: BerHeader): void {
  const { tvb, tree, pinfo } = c;
  if (oid !== '1.2.840.113556.1.4.319') {
    tree.add(F.controlValue, tvb, h.start, h.length);
    return;
  }
  // The paged results control's value is a SearchControlValue of its own (another "ldap" layer).
  pinfo.layers.push('ldap');
  const seq = berHeader(tvb, h.start, h.end);
  tree.push(F.SearchControlValue_element, tvb, h.start, seq.end - h.start);
  const [size, cookie] = kids(c, seq);
  if (size) integer(c, F.size, size, size.at);
  if (cookie) {
    tree.add(F.cookie, tvb, cookie.start, cookie.length);
    if (cookie.length === 0 && tree.full) tree.labelLast('cookie: <MISSING>');
  }
  tree.pop();
}

export const ldapModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('tcpPort', PORT, dissectLdap);
  },
};
