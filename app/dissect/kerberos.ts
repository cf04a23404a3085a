// Kerberos 5 (RFC 4120) on UDP and TCP port 88, TCP with its 4-byte record mark: AS-REQ/REP,
// TGS-REQ/REP, AP-REQ, AP-REP and KRB-ERROR with their principal names, realms, pre-authentication
// data, KDC options, times, encryption types and encrypted parts, as tshark 4.0's BER dissector
// shows them (its tree of SEQUENCE elements, the context tags left out).
import { berHeader, berInteger, type BerHeader } from './asn1.ts';
import {
  absTime,
  bool,
  bytes,
  fields,
  ipv4,
  names,
  proto,
  str,
  text,
  uint,
  FieldType,
  type FieldDef,
} from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { tcpDissectPdus } from './tcp-pdus.ts';
import { stringValue } from './text-format.ts';
import type { Tree } from './tree.ts';
import { MalformedError, type Tvb } from './tvb.ts';
import { formatAbsoluteUtc } from '../format/time.ts';
import { formatHex } from '../format/address.ts';

const MSG_TYPES = names({
  10: 'krb-as-req', 11: 'krb-as-rep', 12: 'krb-tgs-req', 13: 'krb-tgs-rep', 14: 'krb-ap-req', 15: 'krb-ap-rep',
  16: 'krb-tgt-req', 17: 'krb-tgt-rep', 20: 'krb-safe', 21: 'krb-priv', 22: 'krb-cred', 30: 'krb-error',
}); // prettier-ignore
/** Info names of messages (tshark's krb5_msg_types). */
const INFO_NAMES = names({
  1: 'Ticket', 2: 'Authenticator', 3: 'EncTicketPart', 10: 'AS-REQ', 11: 'AS-REP', 12: 'TGS-REQ', 13: 'TGS-REP',
  14: 'AP-REQ', 15: 'AP-REP', 16: 'TGT-REQ', 17: 'TGT-REP', 20: 'KRB-SAFE', 21: 'KRB-PRIV', 22: 'KRB-CRED',
  25: 'EncASRepPart', 26: 'EncTGSRepPart', 27: 'EncAPRepPart', 28: 'EncKrbPrivPart', 29: 'EncKrbCredPart',
  30: 'KRB-ERROR',
}); // prettier-ignore
const NAME_TYPES = names({
  0: 'kRB5-NT-UNKNOWN', 1: 'kRB5-NT-PRINCIPAL', 2: 'kRB5-NT-SRV-INST', 3: 'kRB5-NT-SRV-HST', 4: 'kRB5-NT-SRV-XHST',
  5: 'kRB5-NT-UID', 6: 'kRB5-NT-X500-PRINCIPAL', 7: 'kRB5-NT-SMTP-NAME', 10: 'kRB5-NT-ENTERPRISE-PRINCIPAL',
  11: 'kRB5-NT-WELLKNOWN', 12: 'kRB5-NT-SRV-HST-DOMAIN', [-130]: 'kRB5-NT-ENT-PRINCIPAL-AND-ID',
  [-128]: 'kRB5-NT-MS-PRINCIPAL', [-129]: 'kRB5-NT-MS-PRINCIPAL-AND-ID', [-1200]: 'kRB5-NT-NTLM',
  [-1201]: 'kRB5-NT-X509-GENERAL-NAME', [-1202]: 'kRB5-NT-GSS-HOSTBASED-SERVICE', [-1203]: 'kRB5-NT-CACHE-UUID',
  [-195894762]: 'kRB5-NT-SRV-HST-NEEDS-CANON',
}); // prettier-ignore
const PADATA_TYPES = names({
  0: 'pA-NONE', 1: 'pA-TGS-REQ', 2: 'pA-ENC-TIMESTAMP', 3: 'pA-PW-SALT', 5: 'pA-ENC-UNIX-TIME',
  6: 'pA-SANDIA-SECUREID', 7: 'pA-SESAME', 8: 'pA-OSF-DCE', 9: 'pA-CYBERSAFE-SECUREID', 10: 'pA-AFS3-SALT',
  11: 'pA-ETYPE-INFO', 12: 'pA-SAM-CHALLENGE', 13: 'pA-SAM-RESPONSE', 14: 'pA-PK-AS-REQ-19',
  15: 'pA-PK-AS-REP-19', 16: 'pA-PK-AS-REQ', 17: 'pA-PK-AS-REP', 18: 'pA-PK-OCSP-RESPONSE', 19: 'pA-ETYPE-INFO2',
  20: 'pA-USE-SPECIFIED-KVNO', 21: 'pA-SAM-REDIRECT', 22: 'pA-GET-FROM-TYPED-DATA', 23: 'pA-SAM-ETYPE-INFO',
  24: 'pA-ALT-PRINC', 25: 'pA-SERVER-REFERRAL', 30: 'pA-SAM-CHALLENGE2', 31: 'pA-SAM-RESPONSE2',
  41: 'pA-EXTRA-TGT', 101: 'tD-PKINIT-CMS-CERTIFICATES', 102: 'tD-KRB-PRINCIPAL', 103: 'tD-KRB-REALM',
  104: 'tD-TRUSTED-CERTIFIERS', 105: 'tD-CERTIFICATE-INDEX', 106: 'tD-APP-DEFINED-ERROR', 107: 'tD-REQ-NONCE',
  108: 'tD-REQ-SEQ', 109: 'tD-DH-PARAMETERS', 111: 'tD-CMS-DIGEST-ALGORITHMS', 112: 'tD-CERT-DIGEST-ALGORITHMS',
  128: 'pA-PAC-REQUEST', 129: 'pA-FOR-USER', 130: 'pA-FOR-X509-USER', 131: 'pA-FOR-CHECK-DUPS',
  132: 'pA-PK-AS-09-BINDING', 133: 'pA-FX-COOKIE', 134: 'pA-AUTHENTICATION-SET', 135: 'pA-AUTH-SET-SELECTED',
  136: 'pA-FX-FAST', 137: 'pA-FX-ERROR', 138: 'pA-ENCRYPTED-CHALLENGE', 141: 'pA-OTP-CHALLENGE',
  142: 'pA-OTP-REQUEST', 143: 'pA-OTP-CONFIRM', 144: 'pA-OTP-PIN-CHANGE', 145: 'pA-EPAK-AS-REQ',
  146: 'pA-EPAK-AS-REP', 147: 'pA-PKINIT-KX', 148: 'pA-PKU2U-NAME', 149: 'pA-REQ-ENC-PA-REP',
  150: 'pA-AS-FRESHNESS', 151: 'pA-SPAKE', 152: 'pA-REDHAT-IDP-OAUTH2', 153: 'pA-REDHAT-PASSKEY',
  161: 'pA-KERB-KEY-LIST-REQ', 162: 'pA-KERB-KEY-LIST-REP', 165: 'pA-SUPPORTED-ETYPES', 166: 'pA-EXTENDED-ERROR',
  167: 'pA-PAC-OPTIONS', [-1]: 'pA-PROV-SRV-LOCATION',
}); // prettier-ignore
const ETYPES = names({
  0: 'eTYPE-NULL', 1: 'eTYPE-DES-CBC-CRC', 2: 'eTYPE-DES-CBC-MD4', 3: 'eTYPE-DES-CBC-MD5', 5: 'eTYPE-DES3-CBC-MD5',
  7: 'eTYPE-OLD-DES3-CBC-SHA1', 8: 'eTYPE-SIGN-DSA-GENERATE', 9: 'eTYPE-DSA-SHA1', 10: 'eTYPE-RSA-MD5',
  11: 'eTYPE-RSA-SHA1', 12: 'eTYPE-RC2-CBC', 13: 'eTYPE-RSA', 14: 'eTYPE-RSAES-OAEP', 15: 'eTYPE-DES-EDE3-CBC',
  16: 'eTYPE-DES3-CBC-SHA1', 17: 'eTYPE-AES128-CTS-HMAC-SHA1-96', 18: 'eTYPE-AES256-CTS-HMAC-SHA1-96',
  19: 'eTYPE-AES128-CTS-HMAC-SHA256-128', 20: 'eTYPE-AES256-CTS-HMAC-SHA384-192', 23: 'eTYPE-ARCFOUR-HMAC-MD5',
  24: 'eTYPE-ARCFOUR-HMAC-MD5-56', 25: 'eTYPE-CAMELLIA128-CTS-CMAC', 26: 'eTYPE-CAMELLIA256-CTS-CMAC',
  48: 'eTYPE-ENCTYPE-PK-CROSS', [-128]: 'eTYPE-ARCFOUR-MD4', [-133]: 'eTYPE-ARCFOUR-HMAC-OLD',
  [-135]: 'eTYPE-ARCFOUR-HMAC-OLD-EXP', [-4096]: 'eTYPE-DES-CBC-NONE', [-4097]: 'eTYPE-DES3-CBC-NONE',
  [-4098]: 'eTYPE-DES-CFB64-NONE', [-4099]: 'eTYPE-DES-PCBC-NONE', [-4100]: 'eTYPE-DIGEST-MD5-NONE',
  [-4101]: 'eTYPE-CRAM-MD5-NONE',
}); // prettier-ignore
const ERROR_FIELD_NAMES = [
  'NONE', 'NAME-EXP', 'SERVICE-EXP', 'BAD-PVNO', 'C-OLD-MAST-KVNO', 'S-OLD-MAST-KVNO', 'C-PRINCIPAL-UNKNOWN',
  'S-PRINCIPAL-UNKNOWN', 'PRINCIPAL-NOT-UNIQUE', 'NULL-KEY', 'CANNOT-POSTDATE', 'NEVER-VALID', 'POLICY',
  'BADOPTION', 'ETYPE-NOSUPP', 'SUMTYPE-NOSUPP', 'PADATA-TYPE-NOSUPP', 'TRTYPE-NOSUPP', 'CLIENT-REVOKED',
  'SERVICE-REVOKED', 'TGT-REVOKED', 'CLIENT-NOTYET', 'SERVICE-NOTYET', 'KEY-EXP', 'PREAUTH-FAILED',
  'PREAUTH-REQUIRED', 'SERVER-NOMATCH', 'MUST-USE-USER2USER', 'PATH-NOT-ACCEPTED', 'SVC-UNAVAILABLE', '',
  'BAD-INTEGRITY', 'TKT-EXPIRED', 'TKT-NYV', 'REPEAT', 'NOT-US', 'BADMATCH', 'SKEW', 'BADADDR', 'BADVERSION',
  'MSG-TYPE', 'MODIFIED', 'BADORDER', 'ILL-CR-TKT', 'BADKEYVER', 'NOKEY', 'MUT-FAIL', 'BADDIRECTION', 'METHOD',
  'BADSEQ', 'INAPP-CKSUM',
]; // prettier-ignore
const ERROR_CODES = new Map<number, string>(
  ERROR_FIELD_NAMES.map((n, i) => [i, `eRR-${n}`] as [number, string]).filter(([, n]) => n !== 'eRR-'),
);
for (const [k, v] of Object.entries({
  51: 'pATH-NOT-ACCEPTED', 52: 'eRR-RESPONSE-TOO-BIG', 60: 'eRR-GENERIC', 61: 'eRR-FIELD-TOOLONG',
  62: 'eRROR-CLIENT-NOT-TRUSTED', 63: 'eRROR-KDC-NOT-TRUSTED', 64: 'eRROR-INVALID-SIG', 65: 'eRR-KEY-TOO-WEAK',
  66: 'eRR-CERTIFICATE-MISMATCH', 67: 'eRR-NO-TGT', 68: 'eRR-WRONG-REALM', 69: 'eRR-USER-TO-USER-REQUIRED',
  70: 'eRR-CANT-VERIFY-CERTIFICATE', 71: 'eRR-INVALID-CERTIFICATE', 72: 'eRR-REVOKED-CERTIFICATE',
  73: 'eRR-REVOCATION-STATUS-UNKNOWN', 74: 'eRR-REVOCATION-STATUS-UNAVAILABLE', 75: 'eRR-CLIENT-NAME-MISMATCH',
  76: 'eRR-KDC-NAME-MISMATCH',
})) ERROR_CODES.set(Number(k), v); // prettier-ignore

/** The Info names of error codes (tshark's krb5_error_codes). */
function errorInfoName(code: number): string | undefined {
  if (code >= 0 && code <= 29) return `KRB5KDC_ERR_${(ERROR_FIELD_NAMES[code] as string).replace(/-/g, '_')}`;
  if (code >= 31 && code <= 50)
    return `KRB5KRB_AP_ERR_${(ERROR_FIELD_NAMES[code] as string).replace(/-/g, '_')}`;
  return ERROR_INFO_EXTRA.get(code);
}
const ERROR_INFO_EXTRA = names({
  51: 'KRB5KDC_AP_PATH_NOT_ACCEPTED', 52: 'KRB5KRB_ERR_RESPONSE_TOO_BIG', 60: 'KRB5KRB_ERR_GENERIC',
  61: 'KRB5KRB_ERR_FIELD_TOOLONG', 62: 'KDC_ERROR_CLIENT_NOT_TRUSTED', 63: 'KDC_ERROR_KDC_NOT_TRUSTED',
  64: 'KDC_ERROR_INVALID_SIG', 65: 'KDC_ERR_KEY_TOO_WEAK', 66: 'KDC_ERR_CERTIFICATE_MISMATCH',
  67: 'KRB_AP_ERR_NO_TGT', 68: 'KDC_ERR_WRONG_REALM', 69: 'KRB_AP_ERR_USER_TO_USER_REQUIRED',
  70: 'KDC_ERR_CANT_VERIFY_CERTIFICATE', 71: 'KDC_ERR_INVALID_CERTIFICATE', 72: 'KDC_ERR_REVOKED_CERTIFICATE',
  73: 'KDC_ERR_REVOCATION_STATUS_UNKNOWN', 74: 'KDC_ERR_REVOCATION_STATUS_UNAVAILABLE',
  75: 'KDC_ERR_CLIENT_NAME_MISMATCH', 76: 'KDC_ERR_KDC_NAME_MISMATCH',
}); // prettier-ignore
const ADDR_TYPES = names({
  2: 'iPv4',
  3: 'cHAOS',
  6: 'xEROX',
  7: 'iSO',
  12: 'dECNET',
  16: 'aPPLETALK',
  20: 'nETBIOS',
  24: 'iPv6',
});

const int32 = (
  name: string,
  strings?: ReadonlyMap<number, string>,
): { name: string; type: FieldType; base: 'dec'; bits: number; strings?: ReadonlyMap<number, string> } => ({
  name,
  type: FieldType.Int,
  base: 'dec',
  bits: 32,
  ...(strings ? { strings } : {}),
});
const flag = (name: string, mask: number): ReturnType<typeof bool> =>
  bool(name, 8, mask, { tf: ['True', 'False'] });

const KDC_OPTION_NAMES = [
  'reserved', 'forwardable', 'forwarded', 'proxiable', 'proxy', 'allow.postdate', 'postdated', 'unused7',
  'renewable', 'unused9', 'unused10', 'opt.hardware.auth', 'unused12', 'unused13', 'constrained.delegation',
  'canonicalize', 'request.anonymous', 'unused17', 'unused18', 'unused19', 'unused20', 'unused21', 'unused22',
  'unused23', 'unused24', 'unused25', 'disable.transited.check', 'renewable.ok', 'enc.tkt.in.skey', 'unused29',
  'renew', 'validate',
]; // prettier-ignore
const AP_OPTION_NAMES = ['reserved', 'use.session.key', 'mutual.required'];

const optionSpecs = (prefix: string, list: readonly string[]): Record<string, ReturnType<typeof bool>> =>
  Object.fromEntries(list.map((n, i) => [`${prefix}.${n}`, flag(n.replace(/\./g, '-'), 0x80 >> (i % 8))]));

export const F = fields('kerberos', {
  '': proto('Kerberos'),
  _rm: text('Record Mark'),
  'rm.reserved': bool('Reserved', 32, 0x80000000),
  'rm.length': uint('Record Length', 32, { mask: 0x7fffffff }),
  as_req_element: text('as-req'),
  as_rep_element: text('as-rep'),
  tgs_req_element: text('tgs-req'),
  tgs_rep_element: text('tgs-rep'),
  ap_req_element: text('ap-req'),
  ap_rep_element: text('ap-rep'),
  krb_error_element: text('krb-error'),
  pvno: uint('pvno', 32),
  msg_type: int32('msg-type', MSG_TYPES),
  padata: uint('padata', 32),
  PA_DATA_element: text('PA-DATA'),
  padata_type: int32('padata-type', PADATA_TYPES),
  padata_value: bytes('padata-value'),
  req_body_element: text('req-body'),
  _padding: uint('Padding', 8),
  kdc_options: bytes('kdc-options'),
  ap_options: bytes('ap-options'),
  cname_element: text('cname'),
  sname_element: text('sname'),
  name_type: int32('name-type', NAME_TYPES),
  cname_string: uint('cname-string', 32),
  sname_string: uint('sname-string', 32),
  CNameString: str('CNameString'),
  SNameString: str('SNameString'),
  realm: str('realm'),
  crealm: str('crealm'),
  from: absTime('from'),
  till: absTime('till'),
  rtime: absTime('rtime'),
  nonce: uint('nonce', 32),
  'kdc-req-body.etype': uint('etype', 32),
  ENCTYPE: int32('ENCTYPE', ETYPES),
  addresses: uint('addresses', 32),
  HostAddress_element: text('HostAddress'),
  addr_type: int32('addr-type', ADDR_TYPES),
  address: bytes('address'),
  addr_nb: str('NetBIOS Address'),
  addr_ip: ipv4('IP Address'),
  ticket_element: text('ticket'),
  tkt_vno: uint('tkt-vno', 32),
  enc_part_element: text('enc-part'),
  authenticator_element: text('authenticator'),
  etype: int32('etype', ETYPES),
  kvno: uint('kvno', 32),
  cipher: bytes('cipher'),
  ctime: absTime('ctime'),
  cusec: uint('cusec', 32),
  stime: absTime('stime'),
  susec: uint('susec', 32),
  error_code: int32('error-code', ERROR_CODES),
  e_text: str('e-text'),
  e_data: bytes('e-data'),
  include_pac: { name: 'include-pac', type: FieldType.Bool, tf: ['True', 'False'] },
  pw_salt: bytes('pw-salt'),
  ETYPE_INFO_ENTRY_element: text('ETYPE-INFO-ENTRY'),
  info_salt: bytes('salt'),
  ETYPE_INFO2_ENTRY_element: text('ETYPE-INFO2-ENTRY'),
  info2_salt: str('salt'),
  s2kparams: bytes('s2kparams'),
  ...optionSpecs('KDCOptions', KDC_OPTION_NAMES),
  ...optionSpecs('APOptions', AP_OPTION_NAMES),
});

const KDC_OPTION_DEFS = KDC_OPTION_NAMES.map((n) => F[`KDCOptions.${n}` as keyof typeof F]);
const AP_OPTION_DEFS = AP_OPTION_NAMES.map((n) => F[`APOptions.${n}` as keyof typeof F]);

interface Ctx {
  tvb: Tvb;
  tree: Tree;
  pinfo: PacketInfo;
  /** Info is the first msg-type's name (tshark's gbl_do_col_info), then an error's. */
  infoSet: boolean;
  wantInfo: boolean;
}

const PORT = 88;

/** The children of a constructed element, each with its context tag number (or -1). */
function children(
  c: Ctx,
  h: BerHeader,
  each: (tag: number, inner: BerHeader, outer: BerHeader) => void,
): void {
  let p = h.start;
  while (p < h.end) {
    const outer = berHeader(c.tvb, p, h.end);
    if (outer.cls === 0x80 && outer.constructed) {
      const inner = berHeader(c.tvb, outer.start, outer.end);
      each(outer.tag, inner, outer);
    } else {
      each(-1, outer, outer);
    }
    p = outer.end;
  }
}

function int(c: Ctx, def: FieldDef, h: BerHeader): number {
  const v = Number(berInteger(c.tvb, h.start, h.length));
  c.tree.add(def, c.tvb, h.start, h.length, v);
  return v;
}

/** Length of the identifier and length octets of an element (its subtree spans them in tshark). */
function headerLen(h: BerHeader): number {
  return h.length < 0x80 ? 2 : 2 + Math.ceil(Math.log2(h.length + 1) / 8);
}

const span = (h: BerHeader): [number, number] => {
  const at = h.start - headerLen(h);
  return [at, h.end - at];
};

function kstring(c: Ctx, def: FieldDef, h: BerHeader): string {
  const sv = stringValue(c.tvb.bytes, h.start, Math.min(h.end, c.tvb.end));
  c.tvb.need(h.start, h.length);
  c.tree.add(def, c.tvb, h.start, h.length, sv.field);
  return sv.field;
}

function octets(c: Ctx, def: FieldDef, h: BerHeader): void {
  c.tvb.need(h.start, h.length);
  c.tree.add(def, c.tvb, h.start, h.length);
}

function time(c: Ctx, def: FieldDef, h: BerHeader): void {
  const s = c.tvb.ascii(h.start, h.length);
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  const [at, len] = [h.start, h.length];
  if (!m) {
    c.tree.add(def, c.tvb, at, len, s);
    return;
  }
  const n = (i: number): number => Number(m[i]);
  const sec = Date.UTC(n(1), n(2) - 1, n(3), n(4), n(5), n(6)) / 1000;
  c.tree.add(def, c.tvb, at, len, formatAbsoluteUtc(sec, 0));
}

/** A SEQUENCE element shown as a subtree (`cname`, `ticket`, `req-body`). */
function subtree(c: Ctx, def: FieldDef, h: BerHeader, body: () => string | void): void {
  const [at, len] = span(h);
  c.tree.push(def, c.tvb, at, len);
  let extra: string | void = undefined;
  try {
    extra = body();
  } finally {
    c.tree.pop(undefined, c.tree.full && extra ? `${def.name}${extra}` : undefined);
  }
}

/** A SEQUENCE OF: `name: N items` with the elements under it. */
function seqOf(c: Ctx, def: FieldDef, h: BerHeader, each: (inner: BerHeader) => string | void): void {
  const items: BerHeader[] = [];
  let p = h.start;
  while (p < h.end) {
    const e = berHeader(c.tvb, p, h.end);
    items.push(e);
    p = e.end;
  }
  const [at, len] = span(h);
  c.tree.push(def, c.tvb, at, len, items.length);
  let extra = '';
  try {
    for (const e of items) {
      const s = each(e);
      if (s) extra += s;
    }
  } finally {
    c.tree.pop(
      undefined,
      c.tree.full ? `${def.name}: ${items.length} item${items.length === 1 ? '' : 's'}${extra}` : undefined,
    );
  }
}

function principal(c: Ctx, def: FieldDef, h: BerHeader, strings: FieldDef, element: FieldDef): void {
  subtree(c, def, h, () => {
    children(c, h, (tag, inner) => {
      if (tag === 0) int(c, F.name_type, inner);
      else if (tag === 1) seqOf(c, strings, inner, (e) => void kstring(c, element, e));
    });
  });
}

function encryptedData(c: Ctx, def: FieldDef, h: BerHeader): void {
  subtree(c, def, h, () => encryptedFields(c, h));
}

function encryptedFields(c: Ctx, h: BerHeader): void {
  children(c, h, (tag, inner) => {
    if (tag === 0) int(c, F.etype, inner);
    else if (tag === 1) int(c, F.kvno, inner);
    else if (tag === 2) octets(c, F.cipher, inner);
  });
}

function ticket(c: Ctx, h: BerHeader): void {
  // Ticket ::= [APPLICATION 1] SEQUENCE
  subtree(c, F.ticket_element, h, () => {
    const s = berHeader(c.tvb, h.start, h.end);
    children(c, s, (tag, inner) => {
      if (tag === 0) int(c, F.tkt_vno, inner);
      else if (tag === 1) kstring(c, F.realm, inner);
      else if (tag === 2) principal(c, F.sname_element, inner, F.sname_string, F.SNameString);
      else if (tag === 3) encryptedData(c, F.enc_part_element, inner);
    });
  });
}

function bitOptions(c: Ctx, def: FieldDef, h: BerHeader, bits: readonly FieldDef[]): void {
  const { tvb, tree } = c;
  tvb.need(h.start, h.length);
  tree.add(F._padding, tvb, h.start, 1, tvb.u8(h.start));
  const at = h.start + 1;
  const n = h.length - 1;
  tree.push(def, tvb, at, n);
  if (tree.full) tree.label(`${def.name}: ${formatHex(tvb.bytes, at, n)}`);
  for (let i = 0; i < bits.length && i / 8 < n; i++) {
    const d = bits[i] as FieldDef;
    const byte = tvb.u8(at + (i >> 3));
    tree.add(d, tvb, at + (i >> 3), 1, (byte & (d.mask as number)) !== 0);
  }
  tree.pop();
}

function hostAddress(c: Ctx, h: BerHeader): string {
  let shown = '';
  subtree(c, F.HostAddress_element, h, () => {
    let type = -1;
    children(c, h, (tag, inner) => {
      if (tag === 0) type = int(c, F.addr_type, inner);
      else if (tag === 1) {
        c.tvb.need(inner.start, inner.length);
        if (type === 20 && inner.length === 16) {
          const name = c.tvb.ascii(inner.start, 15).replace(/ +$/, '');
          const suffix = c.tvb.u8(inner.start + 15);
          shown = `${name}<${suffix.toString(16).padStart(2, '0')}>`;
          c.tree.add(F.addr_nb, c.tvb, inner.start, 16, name);
          if (c.tree.full)
            c.tree.labelLast(`NetBIOS Name: ${shown} (${NETBIOS_TYPES.get(suffix) ?? 'Unknown'})`);
        } else if (type === 2 && inner.length === 4) {
          c.tree.add(F.addr_ip, c.tvb, inner.start, 4, c.tvb.u32(inner.start));
          shown = [0, 1, 2, 3].map((i) => c.tvb.u8(inner.start + i)).join('.');
        } else octets(c, F.address, inner);
      }
    });
    return shown ? ` ${shown}` : '';
  });
  return shown ? ` ${shown}` : '';
}

const NETBIOS_TYPES = names({
  0: 'Workstation/Redirector',
  0x03: 'Messenger service/Main name',
  0x20: 'Server service',
  0x1b: 'Domain Master Browser',
  0x1c: 'Domain Controllers',
  0x1d: 'Master Browser',
  0x1e: 'Browser Election Service',
});

function padataList(c: Ctx, h: BerHeader): void {
  seqOf(c, F.padata, h, (e) => paData(c, e));
}

function paData(c: Ctx, h: BerHeader): void {
  let type = -1;
  subtree(c, F.PA_DATA_element, h, () => {
    // tshark shows the value under the type (its item is the type's subtree).
    let open = false;
    try {
      children(c, h, (tag, inner) => {
        if (tag === 1) {
          type = Number(berInteger(c.tvb, inner.start, inner.length));
          c.tree.push(F.padata_type, c.tvb, inner.start, inner.length, type);
          open = true;
        } else if (tag === 2) {
          c.tvb.need(inner.start, inner.length);
          c.tree.push(F.padata_value, c.tvb, inner.start, inner.length);
          if (c.tree.full && inner.length === 0) c.tree.label('padata-value: <MISSING>');
          try {
            paValue(c, type, inner);
          } finally {
            c.tree.pop();
          }
        }
      });
    } finally {
      if (open) c.tree.pop();
    }
    return ` ${PADATA_TYPES.get(type) ?? `Unknown (${type})`}`;
  });
}

/** The value of a PA-DATA by its type; inside an OCTET STRING, so its elements start at `h.start`. */
function paValue(c: Ctx, type: number, h: BerHeader): void {
  if (h.length === 0) return;
  switch (type) {
    case 1: {
      const app = berHeader(c.tvb, h.start, h.end);
      if (app.cls === 0x40 && app.tag === 14) apReq(c, app);
      return;
    }
    case 2: {
      const s = berHeader(c.tvb, h.start, h.end);
      encryptedFields(c, s);
      return;
    }
    case 3:
      c.tree.add(F.pw_salt, c.tvb, h.start, h.length);
      return;
    case 11:
    case 19: {
      const s = berHeader(c.tvb, h.start, h.end);
      let p = s.start;
      while (p < s.end) {
        const e = berHeader(c.tvb, p, s.end);
        subtree(c, type === 11 ? F.ETYPE_INFO_ENTRY_element : F.ETYPE_INFO2_ENTRY_element, e, () => {
          children(c, e, (tag, inner) => {
            if (tag === 0) int(c, F.etype, inner);
            else if (tag === 1) {
              if (type === 11) octets(c, F.info_salt, inner);
              else kstring(c, F.info2_salt, inner);
            } else if (tag === 2) octets(c, F.s2kparams, inner);
          });
        });
        p = e.end;
      }
      return;
    }
    case 128: {
      const s = berHeader(c.tvb, h.start, h.end);
      children(c, s, (tag, inner) => {
        if (tag === 0) {
          c.tvb.need(inner.start, inner.length);
          c.tree.add(F.include_pac, c.tvb, inner.start, inner.length, c.tvb.u8(inner.start) !== 0);
        }
      });
      return;
    }
  }
}

function msgType(c: Ctx, h: BerHeader): void {
  const v = int(c, F.msg_type, h);
  if (!c.infoSet) {
    c.infoSet = true;
    if (c.wantInfo) c.pinfo.setInfo(INFO_NAMES.get(v) ?? `Unknown msg type 0x${v.toString(16)}`);
  }
}

function kdcReq(c: Ctx, def: FieldDef, app: BerHeader): void {
  subtree(c, def, app, () => {
    const s = berHeader(c.tvb, app.start, app.end);
    children(c, s, (tag, inner) => {
      if (tag === 1) int(c, F.pvno, inner);
      else if (tag === 2) msgType(c, inner);
      else if (tag === 3) padataList(c, inner);
      else if (tag === 4) reqBody(c, inner);
    });
  });
}

function reqBody(c: Ctx, h: BerHeader): void {
  subtree(c, F.req_body_element, h, () => {
    children(c, h, (tag, inner) => {
      switch (tag) {
        case 0:
          bitOptions(c, F.kdc_options, inner, KDC_OPTION_DEFS);
          break;
        case 1:
          principal(c, F.cname_element, inner, F.cname_string, F.CNameString);
          break;
        case 2:
          kstring(c, F.realm, inner);
          break;
        case 3:
          principal(c, F.sname_element, inner, F.sname_string, F.SNameString);
          break;
        case 4:
          time(c, F.from, inner);
          break;
        case 5:
          time(c, F.till, inner);
          break;
        case 6:
          time(c, F.rtime, inner);
          break;
        case 7:
          int(c, F.nonce, inner);
          break;
        case 8:
          seqOf(c, F['kdc-req-body.etype'], inner, (e) => void int(c, F.ENCTYPE, e));
          break;
        case 9:
          seqOf(c, F.addresses, inner, (e) => hostAddress(c, e));
          break;
        case 10:
          encryptedData(c, F.enc_part_element, inner);
          break;
        case 11:
          children(c, inner, (_t, t) => ticket(c, t));
          break;
      }
    });
  });
}

function kdcRep(c: Ctx, def: FieldDef, app: BerHeader): void {
  subtree(c, def, app, () => {
    const s = berHeader(c.tvb, app.start, app.end);
    children(c, s, (tag, inner) => {
      if (tag === 0) int(c, F.pvno, inner);
      else if (tag === 1) msgType(c, inner);
      else if (tag === 2) padataList(c, inner);
      else if (tag === 3) kstring(c, F.crealm, inner);
      else if (tag === 4) principal(c, F.cname_element, inner, F.cname_string, F.CNameString);
      else if (tag === 5) ticket(c, inner);
      else if (tag === 6) encryptedData(c, F.enc_part_element, inner);
    });
  });
}

function apReq(c: Ctx, app: BerHeader): void {
  subtree(c, F.ap_req_element, app, () => {
    const s = berHeader(c.tvb, app.start, app.end);
    children(c, s, (tag, inner) => {
      if (tag === 0) int(c, F.pvno, inner);
      else if (tag === 1) msgType(c, inner);
      else if (tag === 2) bitOptions(c, F.ap_options, inner, AP_OPTION_DEFS);
      else if (tag === 3) ticket(c, inner);
      else if (tag === 4) encryptedData(c, F.authenticator_element, inner);
    });
  });
}

function apRep(c: Ctx, app: BerHeader): void {
  subtree(c, F.ap_rep_element, app, () => {
    const s = berHeader(c.tvb, app.start, app.end);
    children(c, s, (tag, inner) => {
      if (tag === 0) int(c, F.pvno, inner);
      else if (tag === 1) msgType(c, inner);
      else if (tag === 2) encryptedData(c, F.enc_part_element, inner);
    });
  });
}

function krbError(c: Ctx, app: BerHeader): void {
  subtree(c, F.krb_error_element, app, () => {
    const s = berHeader(c.tvb, app.start, app.end);
    children(c, s, (tag, inner) => {
      switch (tag) {
        case 0:
          int(c, F.pvno, inner);
          break;
        case 1:
          msgType(c, inner);
          break;
        case 2:
          time(c, F.ctime, inner);
          break;
        case 3:
          int(c, F.cusec, inner);
          break;
        case 4:
          time(c, F.stime, inner);
          break;
        case 5:
          int(c, F.susec, inner);
          break;
        case 6: {
          const code = int(c, F.error_code, inner);
          if (code !== 0 && c.wantInfo) {
            c.pinfo.setInfo(
              `KRB Error: ${errorInfoName(code) ?? `Unknown error code 0x${code.toString(16)}`}`,
            );
          }
          break;
        }
        case 7:
          kstring(c, F.crealm, inner);
          break;
        case 8:
          principal(c, F.cname_element, inner, F.cname_string, F.CNameString);
          break;
        case 9:
          kstring(c, F.realm, inner);
          break;
        case 10:
          principal(c, F.sname_element, inner, F.sname_string, F.SNameString);
          break;
        case 11:
          kstring(c, F.e_text, inner);
          break;
        case 12:
          eData(c, inner);
          break;
      }
    });
  });
}

/** e-data: METHOD-DATA (a SEQUENCE OF PA-DATA) when it parses as one, else bytes. */
function eData(c: Ctx, h: BerHeader): void {
  c.tvb.need(h.start, h.length);
  c.tree.push(F.e_data, c.tvb, h.start, h.length);
  try {
    const s = berHeader(c.tvb, h.start, h.end);
    if (s.id === 0x30) {
      let p = s.start;
      while (p < s.end) {
        const e = berHeader(c.tvb, p, s.end);
        paData(c, e);
        p = e.end;
      }
    }
  } finally {
    c.tree.pop();
  }
}

/** The message types tshark accepts at the start of a datagram (its sanity check). */
const APP_TAGS = new Set([1, 2, 3, 10, 11, 12, 13, 14, 15, 25, 26, 27, 28, 29, 20, 21, 30]);

function dissectMessage(
  tvb: Tvb,
  o: number,
  pinfo: PacketInfo,
  tree: Tree,
  infoSet: boolean,
  wantInfo = pinfo.wantInfo,
): void {
  const c: Ctx = { tvb, tree, pinfo, infoSet, wantInfo };
  const app = berHeader(tvb, o, tvb.reportedEnd);
  if (app.cls !== 0x40) throw new MalformedError('Malformed Packet', o);
  switch (app.tag) {
    case 10:
      kdcReq(c, F.as_req_element, app);
      break;
    case 11:
      kdcRep(c, F.as_rep_element, app);
      break;
    case 12:
      kdcReq(c, F.tgs_req_element, app);
      break;
    case 13:
      kdcRep(c, F.tgs_rep_element, app);
      break;
    case 14:
      apReq(c, app);
      break;
    case 15:
      apRep(c, app);
      break;
    case 30:
      krbError(c, app);
      break;
  }
}

export function dissectKerberosUdp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  if (!tvb.has(o, 1)) return 0;
  const id = tvb.bytes[o] as number;
  // Kerberos 4 (first byte at most 0x10) and anything not an application tag tshark leaves alone.
  if (id <= 0x10 || (id & 0xc0) !== 0x40) return 0;
  const tag = id & 0x1f;
  if (!APP_TAGS.has(tag)) return 0;
  pinfo.layers.push('kerberos');
  pinfo.setProto('KRB5');
  if (pinfo.wantInfo) pinfo.setInfo('');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    dissectMessage(tvb, o, pinfo, tree, false);
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

/**
 * A Kerberos message inside another protocol's token (GSS-API's KRB5 wrapper): the `Kerberos`
 * tree only, as tshark's dissect_kerberos_main with do_col_info off (no layer, no columns).
 */
export function dissectKerberosEmbedded(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    dissectMessage(tvb, o, pinfo, tree, true, false);
  } finally {
    tree.pop();
  }
}

function dissectKerberosTcp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  pinfo.setProto('KRB5');
  if (pinfo.wantInfo) pinfo.setInfo('');
  let first = true;
  return tcpDissectPdus(tvb, pinfo, tree, {
    fixed: 4,
    name: 'KRB5',
    length: (t, at) => (t.u32(at) & 0x7fffffff) + 4,
    dissect(pdu, pi, tr) {
      if (first) pi.layers.push('kerberos');
      first = false;
      pi.setProto('KRB5');
      const o = pdu.start;
      const rm = pdu.u32(o);
      tr.push(F[''], pdu, o, pdu.remaining(o));
      try {
        tr.push(F._rm, pdu, o, 4);
        const len = rm & 0x7fffffff;
        if (tr.full) tr.label(`Record Mark: ${len} ${len === 1 ? 'byte' : 'bytes'}`);
        tr.add(F['rm.reserved'], pdu, o, 4, (rm & 0x80000000) !== 0);
        tr.add(F['rm.length'], pdu, o, 4, len);
        tr.pop();
        dissectMessage(pdu, o + 4, pi, tr, false);
      } finally {
        tr.pop();
      }
    },
  });
}

export const kerberosModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', PORT, dissectKerberosUdp);
    reg.register('tcpPort', PORT, dissectKerberosTcp);
  },
};
