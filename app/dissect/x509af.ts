// An X.509 certificate (RFC 5280) as tshark 4.0 shows it inside a TLS Certificate message: the
// whole tree under x509af / x509if / x509sat / x509ce / pkix / pkcs1 names, the subject for the
// Certificate line, and the protocol layers Wireshark's OID-dispatched dissectors add to
// frame.protocols. The syntax is declared with the combinators of x509-syntax.ts; the parts an
// OID selects (attribute values, extensions, key parameters) come from tables keyed by OID.
import { U, readChildren, readTlv, type Tlv } from './ber.ts';
import {
  AF,
  CE,
  IF,
  NS,
  NS_BITS,
  OCSP,
  PKCS1,
  PKIX1EXPLICIT,
  PKIX1IMPLICIT,
  SAT,
  X509_FIELDS,
} from './x509-fields.ts';
import {
  berError,
  bits,
  bool,
  choice,
  decodeMembers,
  explicit,
  generalizedTime,
  implicit,
  int,
  keep,
  nul,
  octets,
  oid,
  open,
  seq,
  seqOf,
  string,
  utcTime,
  type Elem,
  type OidSyntax,
  type Walk,
} from './x509-syntax.ts';
import { oidResolved } from './x509-oids.ts';
import { tvbFormatText } from './text-format.ts';
import { sctList } from './x509-sct.ts';
import type { FieldDef } from './field.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

// ---- Names (X.501) ----------------------------------------------------------------------------

const DIRECTORY_STRING = choice(SAT.DirectoryString, [
  { value: 0, elem: string(SAT.teletexString, U.TeletexString) },
  { value: 1, elem: string(SAT.printableString, U.PrintableString) },
  { value: 2, elem: string(SAT.universalString, U.UniversalString, 'universal') },
  { value: 3, elem: string(SAT.bmpString, U.BmpString, 'bmp') },
  { value: 4, elem: string(SAT.uTF8String, U.Utf8String) },
]);

const sat = (elem: Elem): OidSyntax => ({ layer: 'x509sat', elem });

/** Attribute value syntaxes by attribute type. */
const ATTRIBUTES: Record<string, OidSyntax> = {
  '2.5.4.6': sat(string(SAT.CountryName, U.PrintableString)),
  '2.5.4.5': sat(string(SAT.PrintableString, U.PrintableString)),
  '1.2.840.113549.1.9.1': sat(string(SAT.IA5String, U.Ia5String)),
  '0.9.2342.19200300.100.1.25': sat(string(SAT.IA5String, U.Ia5String)),
  '0.9.2342.19200300.100.1.1': { layer: 'x509af', elem: string(AF.Userid, U.Utf8String) },
  '1.3.6.1.4.1.311.60.2.1.3': sat(string(SAT.CountryName, U.PrintableString)),
};
for (const id of [3, 4, 7, 8, 9, 10, 11, 12, 13, 15, 17, 18, 41, 42, 43, 44, 46, 65]) {
  ATTRIBUTES[`2.5.4.${id}`] = sat(DIRECTORY_STRING);
}
for (const id of ['1.3.6.1.4.1.311.60.2.1.1', '1.3.6.1.4.1.311.60.2.1.2'])
  ATTRIBUTES[id] = sat(DIRECTORY_STRING);

/** AttributeTypeAndValue: its text is `type=value` with the value's raw bytes. */
const ATTRIBUTE_TYPE_AND_VALUE: Elem = {
  matches: (t) => t.tag === U.Sequence && t.constructed && t.cls === 0,
  decode(w, t) {
    w.tree.push(IF.RelativeDistinguishedName_item_element, w.tvb, t.start, t.end - t.start);
    const { items } = readChildren(w.b, t);
    const [type, value] = items;
    let text = '';
    if (type && type.tag === U.Oid) {
      const name = oid(IF.oid).decode(w, type);
      if (value) open((id) => ATTRIBUTES[id]).decode(w, value);
      text = `${name}=${value ? rawText(w, value) : ''}`;
    } else {
      decodeMembers(w, t, []);
    }
    if (w.full) w.tree.label(`${IF.RelativeDistinguishedName_item_element.name} (${text})`);
    w.tree.pop();
    return text;
  },
};

/** A value's contents as tshark's name summary shows them (its raw bytes, escaped). */
function rawText(w: Walk, t: Tlv): string {
  return w.full ? tvbFormatText(w.b, t.body, t.end) : '';
}

const RDN = seqOf(
  IF.RDNSequence_item,
  ATTRIBUTE_TYPE_AND_VALUE,
  { suffix: (t) => t.join('+'), text: (t) => t.join('+') },
  U.Set,
);

/** Name ::= CHOICE { rdnSequence }, under the field `f`; its text is the name last RDN first. */
function nameChoice(f: FieldDef, list: FieldDef = IF.rdnSequence): Elem {
  const reversed = (t: string[]): string => [...t].reverse().join(',');
  return choice(f, [{ value: 0, elem: seqOf(list, RDN, { suffix: reversed, text: reversed }) }]);
}

// ---- Algorithms and keys ----------------------------------------------------------------------

const EC_PARAMETERS = choice(PKCS1.ECParameters, [{ value: 1, elem: oid(PKCS1.namedCurve) }]);
const DSS_PARAMS = seq(AF.DSS_Params_element, [int(AF.p), int(AF.q), int(AF.g)]);

/** Algorithm parameters by algorithm. */
const PARAMETERS: Record<string, OidSyntax> = {
  '1.2.840.10045.2.1': { layer: 'pkcs-1', elem: EC_PARAMETERS },
  '1.2.840.10040.4.1': { layer: 'x509af', elem: DSS_PARAMS },
};

/** AlgorithmIdentifier under `f`: `signature (sha256WithRSAEncryption)`; its text is the algorithm. */
function algorithmIdentifier(f: typeof AF.signature_element): Elem {
  return seq(f, [oid(AF['algorithm.id']), open((id) => PARAMETERS[id])], {
    suffix: (t) => t[0] ?? '',
    text: (t) => t[0] ?? '',
  });
}

/** RSAPublicKey: its members go straight under subjectPublicKey (no item of its own). */
const RSA_PUBLIC_KEY: Elem = {
  matches: (t) => t.tag === U.Sequence && t.constructed && t.cls === 0,
  decode(w, t) {
    decodeMembers(w, t, [int(PKCS1.modulus), int(PKCS1.publicExponent)]);
    return '';
  },
};

/** subjectPublicKey: an RSA key's modulus and exponent (no padding item, as tshark), else bytes. */
const SUBJECT_PUBLIC_KEY: Elem = {
  matches: (t) => t.tag === U.BitString && t.cls === 0,
  decode(w, t) {
    const rsa = w.lastAlgorithm === '1.2.840.113549.1.1.1';
    return bits(AF.subjectPublicKey, [], rsa ? RSA_PUBLIC_KEY : undefined).decode(w, t);
  },
};

/** subjectPublicKeyInfo: the key's algorithm decides how the key bits are read. */
const SUBJECT_PUBLIC_KEY_INFO: Elem = seq(AF.subjectPublicKeyInfo_element, [
  rememberAlgorithm(algorithmIdentifier(AF.algorithm_element)),
  SUBJECT_PUBLIC_KEY,
]);

function rememberAlgorithm(elem: Elem): Elem {
  return {
    matches: (t) => elem.matches(t),
    decode(w, t) {
      const text = elem.decode(w, t);
      w.lastAlgorithm = w.lastOid;
      return text;
    },
  };
}

// ---- General names (RFC 5280 §4.2.1.6) --------------------------------------------------------

/** iPAddress: an IPv4 or IPv6 address; other lengths (a name constraint's range) show nothing. */
const IP_ADDRESS: Elem = {
  matches: (t) => t.cls === 0x80 && t.tag === 7 && !t.constructed,
  decode(w, t) {
    const len = t.end - t.body;
    if (len === 4) {
      const v =
        ((w.b[t.body] as number) << 24) |
        ((w.b[t.body + 1] as number) << 16) |
        ((w.b[t.body + 2] as number) << 8);
      w.tree.add(CE['IPAddress.ipv4'], w.tvb, t.body, 4, (v | (w.b[t.body + 3] as number)) >>> 0);
    } else if (len === 16) {
      w.tree.add(CE['IPAddress.ipv6'], w.tvb, t.body, 16);
    }
    return '';
  },
};

const OTHER_NAME_VALUES: Record<string, OidSyntax> = {
  '1.3.6.1.4.1.311.20.2.3': sat(string(SAT.UTF8String, U.Utf8String)),
};

const OTHER_NAME = implicit(
  0,
  seq(CE.otherName_element, [
    oid(CE.type_id),
    explicit(
      0,
      open((id) => OTHER_NAME_VALUES[id]),
    ),
  ]),
  true,
);

function generalName(f: typeof CE.GeneralName): Elem {
  return choice(f, [
    { value: 0, elem: OTHER_NAME },
    { value: 1, elem: implicit(1, string(CE.rfc822Name, U.Ia5String), false) },
    { value: 2, elem: implicit(2, string(CE.dNSName, U.Ia5String), false) },
    { value: 4, elem: explicit(4, nameChoice(CE.directoryName)) },
    { value: 6, elem: implicit(6, string(CE.uniformResourceIdentifier, U.Ia5String), false) },
    { value: 7, elem: IP_ADDRESS },
    { value: 8, elem: implicit(8, oid(CE.registeredID), false) },
  ]);
}

const GENERAL_NAME = generalName(CE.GeneralName);
const generalNames = (f: typeof CE.GeneralNames): Elem => seqOf(f, GENERAL_NAME);

// ---- Extensions -------------------------------------------------------------------------------

const KEY_USAGE_BITS = [
  CE['KeyUsage.digitalSignature'],
  CE['KeyUsage.contentCommitment'],
  CE['KeyUsage.keyEncipherment'],
  CE['KeyUsage.dataEncipherment'],
  CE['KeyUsage.keyAgreement'],
  CE['KeyUsage.keyCertSign'],
  CE['KeyUsage.cRLSign'],
  CE['KeyUsage.encipherOnly'],
  CE['KeyUsage.decipherOnly'],
];

const REASON_BITS = [
  CE['ReasonFlags.unused'],
  CE['ReasonFlags.keyCompromise'],
  CE['ReasonFlags.cACompromise'],
  CE['ReasonFlags.affiliationChanged'],
  CE['ReasonFlags.superseded'],
  CE['ReasonFlags.cessationOfOperation'],
  CE['ReasonFlags.certificateHold'],
  CE['ReasonFlags.privilegeWithdrawn'],
  CE['ReasonFlags.aACompromise'],
];

const NS_CERT_TYPE_BITS = Object.values(NS_BITS);

const DISTRIBUTION_POINT = seq(CE.DistributionPoint_element, [
  explicit(
    0,
    choice(CE.distributionPoint, [
      { value: 0, elem: implicit(0, seqOf(CE.fullName, GENERAL_NAME), true) },
      {
        value: 1,
        elem: implicit(
          1,
          seqOf(CE.nameRelativeToCRLIssuer, ATTRIBUTE_TYPE_AND_VALUE, { suffix: (t) => t.join('+') }, U.Set),
          true,
        ),
      },
    ]),
  ),
  implicit(1, bits(CE.reasons, REASON_BITS), false),
  implicit(2, seqOf(CE.cRLIssuer, GENERAL_NAME), true),
]);

const POLICY_QUALIFIER_VALUES: Record<string, OidSyntax> = {
  '1.3.6.1.5.5.7.2.1': { layer: 'pkix1explicit', elem: string(PKIX1EXPLICIT.DirectoryString, U.Ia5String) },
  '1.3.6.1.5.5.7.2.2': {
    layer: 'pkix1implicit',
    elem: seq(PKIX1IMPLICIT.UserNotice_element, [
      seq(PKIX1IMPLICIT.noticeRef_element, [
        displayText(PKIX1IMPLICIT.organization),
        seqOf(PKIX1IMPLICIT.noticeNumbers, int(PKIX1IMPLICIT.noticeNumbers_item)),
      ]),
      displayText(PKIX1IMPLICIT.explicitText),
    ]),
  },
};

function displayText(f: typeof PKIX1IMPLICIT.organization): Elem {
  return choice(f, [
    { value: 0, elem: string(PKIX1IMPLICIT.ia5String, U.Ia5String) },
    { value: 1, elem: string(PKIX1IMPLICIT.visibleString, U.VisibleString) },
    { value: 2, elem: string(PKIX1IMPLICIT.bmpString, U.BmpString, 'bmp') },
    { value: 3, elem: string(PKIX1IMPLICIT.utf8String, U.Utf8String) },
  ]);
}

const POLICY_INFORMATION = seq(CE.PolicyInformation_element, [
  oid(CE.policyIdentifier),
  seqOf(
    CE.policyQualifiers,
    seq(CE.PolicyQualifierInfo_element, [oid(CE.id), open((id) => POLICY_QUALIFIER_VALUES[id])]),
  ),
]);

const GENERAL_SUBTREE = seq(CE.GeneralSubtree_element, [
  generalName(CE.base),
  implicit(0, int(CE.minimum), false),
  implicit(1, int(CE.maximum), false),
]);

const ce = (elem: Elem): OidSyntax => ({ layer: 'x509ce', elem });
const ns = (elem: Elem): OidSyntax => ({ layer: 'ns_cert_exts', elem });

/** Extension values by extension id. */
const EXTENSIONS: Record<string, OidSyntax> = {
  '2.5.29.14': ce(octets(CE.SubjectKeyIdentifier)),
  '2.5.29.15': ce(bits(CE.KeyUsage, KEY_USAGE_BITS)),
  '2.5.29.17': ce(generalNames(CE.GeneralNames)),
  '2.5.29.18': ce(generalNames(CE.GeneralNames)),
  '2.5.29.19': ce(seq(CE.BasicConstraintsSyntax_element, [bool(CE.cA), int(CE.pathLenConstraint)])),
  '2.5.29.30': ce(
    seq(CE.NameConstraintsSyntax_element, [
      implicit(0, seqOf(CE.permittedSubtrees, GENERAL_SUBTREE), true),
      implicit(1, seqOf(CE.excludedSubtrees, GENERAL_SUBTREE), true),
    ]),
  ),
  '2.5.29.31': ce(seqOf(CE.CRLDistPointsSyntax, DISTRIBUTION_POINT)),
  '2.5.29.46': ce(seqOf(CE.CRLDistPointsSyntax, DISTRIBUTION_POINT)),
  '2.5.29.32': ce(seqOf(CE.CertificatePoliciesSyntax, POLICY_INFORMATION)),
  '2.5.29.33': ce(
    seqOf(
      CE.PolicyMappingsSyntax,
      seq(CE.PolicyMappingsSyntax_item_element, [oid(CE.issuerDomainPolicy), oid(CE.subjectDomainPolicy)]),
    ),
  ),
  '2.5.29.35': ce(
    seq(CE.AuthorityKeyIdentifier_element, [
      implicit(0, octets(CE.keyIdentifier), false),
      implicit(1, seqOf(CE.authorityCertIssuer, GENERAL_NAME), true),
      implicit(2, int(CE.authorityCertSerialNumber), false),
    ]),
  ),
  '2.5.29.36': ce(
    seq(CE.PolicyConstraintsSyntax_element, [
      implicit(0, int(CE.requireExplicitPolicy), false),
      implicit(1, int(CE.inhibitPolicyMapping), false),
    ]),
  ),
  '2.5.29.37': ce(seqOf(CE.KeyPurposeIDs, oid(CE.KeyPurposeId))),
  '2.5.29.54': ce(int(CE.SkipCerts)),
  '1.3.6.1.5.5.7.1.1': {
    layer: 'pkix1implicit',
    elem: seqOf(
      PKIX1IMPLICIT.AuthorityInfoAccessSyntax,
      seq(PKIX1IMPLICIT.AccessDescription_element, [
        oid(PKIX1IMPLICIT.accessMethod),
        generalName(PKIX1IMPLICIT.accessLocation),
      ]),
    ),
  },
  '1.3.6.1.5.5.7.1.24': {
    layer: 'pkix1explicit',
    elem: seqOf(PKIX1EXPLICIT.Features, int(PKIX1EXPLICIT.Features_item)),
  },
  '1.3.6.1.5.5.7.48.1.5': { layer: 'ocsp', elem: nul(OCSP.NULL_element) },
  '2.16.840.1.113730.1.1': ns(bits(NS.CertType, NS_CERT_TYPE_BITS)),
  '2.16.840.1.113730.1.2': ns(string(NS.BaseUrl, U.Ia5String)),
  '2.16.840.1.113730.1.3': ns(string(NS.RevocationUrl, U.Ia5String)),
  '2.16.840.1.113730.1.4': ns(string(NS.CaRevocationUrl, U.Ia5String)),
  '2.16.840.1.113730.1.7': ns(string(NS.Renewal, U.Ia5String)),
  '2.16.840.1.113730.1.8': ns(string(NS.CaPolicyUrl, U.Ia5String)),
  '2.16.840.1.113730.1.12': ns(string(NS.SslServerName, U.Ia5String)),
  '2.16.840.1.113730.1.13': ns(string(NS.Comment, U.Ia5String)),
};

/** Extension: id, criticality, and the value its id selects (inside the OCTET STRING). */
const EXTENSION: Elem = {
  matches: (t) => t.tag === U.Sequence && t.constructed && t.cls === 0,
  decode(w, t) {
    w.tree.push(AF.Extension_element, w.tvb, t.start, t.end - t.start);
    const { items } = readChildren(w.b, t);
    let i = 0;
    let name = '';
    const id = items[i];
    if (id && id.tag === U.Oid) name = oid(AF['extension.id']).decode(w, items[i++] as Tlv);
    const extnId = w.lastOid;
    if (items[i]?.tag === U.Boolean) bool(AF.critical).decode(w, items[i++] as Tlv);
    const value = items[i];
    if (value && value.tag === U.OctetString) extensionValue(w, extnId, value);
    if (w.full) w.tree.label(`${AF.Extension_element.name} (${name})`);
    w.tree.pop();
    return '';
  },
};

function extensionValue(w: Walk, extnId: string, octetString: Tlv): void {
  const inner = readTlv(w.b, octetString.body, octetString.end);
  if (!inner) {
    if (octetString.end > octetString.body)
      berError(w, { ...octetString, start: octetString.body }, 'length');
    return;
  }
  if (extnId === '1.3.6.1.4.1.11129.2.4.2' && inner.tag === U.OctetString && !inner.constructed) {
    // The list is TLS presentation data inside one more OCTET STRING; TLS's code dissects it.
    w.layers?.push('tls');
    sctList(w, inner.body, inner.end);
    return;
  }
  open((id) => EXTENSIONS[id]).decode(w, inner);
}

// ---- Certificate ------------------------------------------------------------------------------

const VALIDITY_TIME = (f: typeof AF.notBefore): Elem =>
  choice(f, [
    { value: 0, elem: utcTime(AF.utcTime) },
    { value: 1, elem: generalizedTime(AF.generalizedTime) },
  ]);

const TBS_CERTIFICATE = seq(AF.signedCertificate_element, [
  explicit(0, int(AF.version)),
  int(AF.serialNumber),
  algorithmIdentifier(AF.signature_element),
  nameChoice(AF.issuer),
  seq(AF.validity_element, [VALIDITY_TIME(AF.notBefore), VALIDITY_TIME(AF.notAfter)]),
  // The subject's name is x509af's own SubjectName type: its list is x509af.rdnSequence.
  keep('subject', nameChoice(AF.subject, AF.rdnSequence)),
  SUBJECT_PUBLIC_KEY_INFO,
  implicit(1, bits(AF.issuerUniqueIdentifier), false),
  implicit(2, bits(AF.subjectUniqueIdentifier), false),
  explicit(3, seqOf(AF.extensions, EXTENSION)),
]);

const CERTIFICATE_MEMBERS = [
  TBS_CERTIFICATE,
  algorithmIdentifier(AF.algorithmIdentifier_element),
  bits(AF.encrypted),
];

export interface CertificateResult {
  /** The subject as the Certificate line shows it (last RDN first; '' without a full tree). */
  subject: string;
}

/**
 * Dissects the DER certificate in [start, end) of `tvb` under the item open now (the TLS
 * Certificate item): its members, not a node of its own, as tshark shows it.
 */
export function dissectCertificate(
  tvb: Tvb,
  start: number,
  end: number,
  tree: Tree,
  layers: string[] | undefined,
  sigAlg?: (tvb: Tvb, offset: number, tree: Tree) => void,
): CertificateResult {
  const w: Walk = {
    b: tvb.bytes,
    tvb,
    tree,
    full: tree.full,
    layers,
    lastOid: '',
    lastAlgorithm: '',
    kept: {},
    sigAlg,
  };
  const cert = readTlv(tvb.bytes, start, end);
  if (!cert || cert.tag !== U.Sequence || !cert.constructed) return { subject: '' };
  decodeMembers(w, cert, CERTIFICATE_MEMBERS);
  return { subject: w.kept.subject ?? '' };
}

/** The certificate module: fields only (the TLS handshake code calls `dissectCertificate`). */
export const x509Module = { fields: X509_FIELDS };

export { oidResolved };
