// The fields of a certificate under tshark 4.0's names: X.509 (x509af, x509if, x509sat, x509ce),
// PKIX (pkix1implicit, pkix1explicit), PKCS #1, Netscape's extensions, BER's own items and the
// Certificate Transparency list that TLS dissects inside a certificate.
import { FieldType, bytes, fields, names, str, text, uint, type FieldSpec } from './field.ts';

/** An FT_OID: its value is the dotted text; the label adds the name. */
const oid = (name: string): FieldSpec => ({ name, type: FieldType.String });
/** An FT_BOOLEAN without a mask, shown True / False. */
const flag = (name: string): FieldSpec => ({ name, type: FieldType.Bool, tf: ['True', 'False'] });
/** A bit of a named BIT STRING, in an octet. */
const bit = (name: string, mask: number): FieldSpec => ({
  name,
  type: FieldType.Bool,
  bits: 8,
  mask,
  tf: ['True', 'False'],
});
/** A CHOICE: its value is the alternative's number, shown by name. */
const choice = (name: string, alts?: Record<number, string>): FieldSpec =>
  uint(name, 32, alts ? { strings: names(alts) } : {});
/** A SEQUENCE OF / SET OF: its value is the number of items. */
const list = (name: string): FieldSpec => uint(name, 32);
const int = (name: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  name,
  type: FieldType.Int,
  base: 'dec',
  bits: 32,
  ...extra,
});

const TIME_CHOICE = { 0: 'utcTime', 1: 'generalizedTime' };
const NAME_CHOICE = { 0: 'rdnSequence' };

export const AF = fields('x509af', {
  signedCertificate_element: text('signedCertificate'),
  version: int('version', { strings: names({ 0: 'v1', 1: 'v2', 2: 'v3' }) }),
  serialNumber: bytes('serialNumber'),
  signature_element: text('signature'),
  'algorithm.id': oid('Algorithm Id'),
  issuer: choice('issuer', NAME_CHOICE),
  validity_element: text('validity'),
  notBefore: choice('notBefore', TIME_CHOICE),
  notAfter: choice('notAfter', TIME_CHOICE),
  utcTime: str('utcTime'),
  generalizedTime: { name: 'generalizedTime', type: FieldType.AbsTime },
  subject: choice('subject', NAME_CHOICE),
  subjectPublicKeyInfo_element: text('subjectPublicKeyInfo'),
  algorithm_element: text('algorithm'),
  subjectPublicKey: bytes('subjectPublicKey'),
  issuerUniqueIdentifier: bytes('issuerUniqueIdentifier'),
  subjectUniqueIdentifier: bytes('subjectUniqueIdentifier'),
  rdnSequence: list('rdnSequence'),
  extensions: list('extensions'),
  Extension_element: text('Extension'),
  'extension.id': oid('Extension Id'),
  critical: flag('critical'),
  extnValue: bytes('extnValue'),
  algorithmIdentifier_element: text('algorithmIdentifier'),
  encrypted: bytes('encrypted'),
  DSS_Params_element: text('DSS-Params'),
  p: bytes('p'),
  q: bytes('q'),
  g: bytes('g'),
  Userid: str('Userid'),
});

export const IF = fields('x509if', {
  rdnSequence: list('rdnSequence'),
  RDNSequence_item: list('RDNSequence item'),
  RelativeDistinguishedName_item_element: text('RelativeDistinguishedName item'),
  oid: oid('Object Id'),
});

export const SAT = fields('x509sat', {
  DirectoryString: choice('DirectoryString', {
    0: 'teletexString',
    1: 'printableString',
    2: 'universalString',
    3: 'bmpString',
    4: 'uTF8String',
  }),
  teletexString: str('teletexString'),
  printableString: str('printableString'),
  universalString: str('universalString'),
  bmpString: str('bmpString'),
  uTF8String: str('uTF8String'),
  CountryName: str('CountryName'),
  PrintableString: str('PrintableString'),
  IA5String: str('IA5String'),
  UTF8String: str('UTF8String'),
});

const GENERAL_NAME = {
  0: 'otherName',
  1: 'rfc822Name',
  2: 'dNSName',
  3: 'x400Address',
  4: 'directoryName',
  5: 'ediPartyName',
  6: 'uniformResourceIdentifier',
  7: 'iPAddress',
  8: 'registeredID',
};

export const CE = fields('x509ce', {
  SubjectKeyIdentifier: bytes('SubjectKeyIdentifier'),
  AuthorityKeyIdentifier_element: text('AuthorityKeyIdentifier'),
  keyIdentifier: bytes('keyIdentifier'),
  authorityCertIssuer: list('authorityCertIssuer'),
  authorityCertSerialNumber: bytes('authorityCertSerialNumber'),
  KeyUsage: bytes('KeyUsage'),
  'KeyUsage.digitalSignature': bit('digitalSignature', 0x80),
  'KeyUsage.contentCommitment': bit('contentCommitment', 0x40),
  'KeyUsage.keyEncipherment': bit('keyEncipherment', 0x20),
  'KeyUsage.dataEncipherment': bit('dataEncipherment', 0x10),
  'KeyUsage.keyAgreement': bit('keyAgreement', 0x08),
  'KeyUsage.keyCertSign': bit('keyCertSign', 0x04),
  'KeyUsage.cRLSign': bit('cRLSign', 0x02),
  'KeyUsage.encipherOnly': bit('encipherOnly', 0x01),
  'KeyUsage.decipherOnly': bit('decipherOnly', 0x80),
  KeyPurposeIDs: list('KeyPurposeIDs'),
  KeyPurposeId: oid('KeyPurposeId'),
  BasicConstraintsSyntax_element: text('BasicConstraintsSyntax'),
  cA: flag('cA'),
  pathLenConstraint: { name: 'pathLenConstraint', type: FieldType.UInt, base: 'dec', bits: 64 },
  GeneralNames: list('GeneralNames'),
  GeneralName: choice('GeneralName', GENERAL_NAME),
  otherName_element: text('otherName'),
  type_id: oid('type-id'),
  rfc822Name: str('rfc822Name'),
  dNSName: str('dNSName'),
  x400Address_element: text('x400Address'),
  directoryName: choice('directoryName', NAME_CHOICE),
  ediPartyName_element: text('ediPartyName'),
  uniformResourceIdentifier: str('uniformResourceIdentifier'),
  iPAddress: bytes('iPAddress'),
  'IPAddress.ipv4': { name: 'iPAddress', type: FieldType.IPv4 },
  'IPAddress.ipv6': { name: 'iPAddress', type: FieldType.IPv6 },
  registeredID: oid('registeredID'),
  CertificatePoliciesSyntax: list('CertificatePoliciesSyntax'),
  PolicyInformation_element: text('PolicyInformation'),
  policyIdentifier: oid('policyIdentifier'),
  policyQualifiers: list('policyQualifiers'),
  PolicyQualifierInfo_element: text('PolicyQualifierInfo'),
  id: oid('Id'),
  PolicyMappingsSyntax: list('PolicyMappingsSyntax'),
  PolicyMappingsSyntax_item_element: text('PolicyMappingsSyntax item'),
  issuerDomainPolicy: oid('issuerDomainPolicy'),
  subjectDomainPolicy: oid('subjectDomainPolicy'),
  CRLDistPointsSyntax: list('CRLDistPointsSyntax'),
  DistributionPoint_element: text('DistributionPoint'),
  distributionPoint: choice('distributionPoint', { 0: 'fullName', 1: 'nameRelativeToCRLIssuer' }),
  fullName: list('fullName'),
  nameRelativeToCRLIssuer: list('nameRelativeToCRLIssuer'),
  reasons: bytes('reasons'),
  'ReasonFlags.unused': bit('unused', 0x80),
  'ReasonFlags.keyCompromise': bit('keyCompromise', 0x40),
  'ReasonFlags.cACompromise': bit('cACompromise', 0x20),
  'ReasonFlags.affiliationChanged': bit('affiliationChanged', 0x10),
  'ReasonFlags.superseded': bit('superseded', 0x08),
  'ReasonFlags.cessationOfOperation': bit('cessationOfOperation', 0x04),
  'ReasonFlags.certificateHold': bit('certificateHold', 0x02),
  'ReasonFlags.privilegeWithdrawn': bit('privilegeWithdrawn', 0x01),
  'ReasonFlags.aACompromise': bit('aACompromise', 0x80),
  cRLIssuer: list('cRLIssuer'),
  NameConstraintsSyntax_element: text('NameConstraintsSyntax'),
  permittedSubtrees: list('permittedSubtrees'),
  excludedSubtrees: list('excludedSubtrees'),
  GeneralSubtree_element: text('GeneralSubtree'),
  base: choice('base', GENERAL_NAME),
  minimum: uint('minimum', 64),
  maximum: uint('maximum', 64),
  PolicyConstraintsSyntax_element: text('PolicyConstraintsSyntax'),
  requireExplicitPolicy: uint('requireExplicitPolicy', 64),
  inhibitPolicyMapping: uint('inhibitPolicyMapping', 64),
  SkipCerts: uint('SkipCerts', 64),
});

export const PKIX1IMPLICIT = fields('pkix1implicit', {
  AuthorityInfoAccessSyntax: list('AuthorityInfoAccessSyntax'),
  AccessDescription_element: text('AccessDescription'),
  accessMethod: oid('accessMethod'),
  accessLocation: choice('accessLocation'),
  UserNotice_element: text('UserNotice'),
  noticeRef_element: text('noticeRef'),
  organization: choice('organization', {
    0: 'ia5String',
    1: 'visibleString',
    2: 'bmpString',
    3: 'utf8String',
  }),
  noticeNumbers: list('noticeNumbers'),
  noticeNumbers_item: int('noticeNumbers item'),
  explicitText: choice('explicitText', {
    0: 'ia5String',
    1: 'visibleString',
    2: 'bmpString',
    3: 'utf8String',
  }),
  ia5String: str('ia5String'),
  visibleString: str('visibleString'),
  bmpString: str('bmpString'),
  utf8String: str('utf8String'),
});

export const PKIX1EXPLICIT = fields('pkix1explicit', {
  DirectoryString: str('DirectoryString'),
  Features: list('Features'),
  Features_item: int('Features item', {
    strings: names({ 5: 'status_request', 17: 'status_request_v2' }),
  }),
});

export const PKCS1 = fields('pkcs1', {
  modulus: bytes('modulus'),
  publicExponent: int('publicExponent'),
  ECParameters: choice('ECParameters', { 0: 'ecParameters', 1: 'namedCurve', 2: 'implicitlyCA' }),
  namedCurve: oid('namedCurve'),
});

export const NS = fields('ns_cert_exts', {
  CertType: bytes('CertType'),
  Comment: str('Comment'),
  BaseUrl: str('BaseUrl'),
  RevocationUrl: str('RevocationUrl'),
  CaRevocationUrl: str('CaRevocationUrl'),
  CaPolicyUrl: str('CaPolicyUrl'),
  Renewal: str('Renewal'),
  SslServerName: str('SslServerName'),
});

export const NS_BITS = fields('ns.cert.exts.CertType', {
  'ssl.client': bit('ssl-client', 0x80),
  'ssl.server': bit('ssl-server', 0x40),
  smime: bit('smime', 0x20),
  'object.signing': bit('object-signing', 0x10),
  'reserved.for.future.use': bit('reserved-for-future-use', 0x08),
  'ssl.ca': bit('ssl-ca', 0x04),
  'smime.ca': bit('smime-ca', 0x02),
  'object.signing.ca': bit('object-signing-ca', 0x01),
});

export const OCSP = fields('ocsp', {
  NULL_element: text('NULL'),
});

export const BER = fields('ber', {
  'bitstring.padding': uint('Padding', 8),
  'error.oid_not_implemented': text('BER: Dissector for OID not implemented'),
  unknown: text('BER: Unknown'),
  'error.malformed': text('BER Error'),
});

/** Certificate Transparency's list inside a certificate, as TLS's dissector names it. */
export const SCT = fields('tls.sct', {
  scts_length: uint('Serialized SCT List Length', 16),
  sct: text('Signed Certificate Timestamp'),
  sct_length: uint('Serialized SCT Length', 16),
  sct_version: uint('SCT Version', 8),
  sct_logid: bytes('Log ID'),
  sct_timestamp: { name: 'Timestamp', type: FieldType.AbsTime },
  sct_extensions_length: uint('Extensions length', 16),
  sct_extensions: bytes('Extensions'),
  sct_signature_length: uint('Signature Length', 16),
  sct_signature: bytes('Signature'),
});

/** Every certificate field, for the module list. */
export const X509_FIELDS = {
  ...prefixed('af', AF),
  ...prefixed('if', IF),
  ...prefixed('sat', SAT),
  ...prefixed('ce', CE),
  ...prefixed('pi', PKIX1IMPLICIT),
  ...prefixed('pe', PKIX1EXPLICIT),
  ...prefixed('p1', PKCS1),
  ...prefixed('ns', NS),
  ...prefixed('nsb', NS_BITS),
  ...prefixed('ocsp', OCSP),
  ...prefixed('ber', BER),
  ...prefixed('sct', SCT),
};

function prefixed<T extends Record<string, unknown>>(p: string, set: T): Record<string, T[keyof T]> {
  const out: Record<string, T[keyof T]> = {};
  for (const [k, v] of Object.entries(set)) out[`${p}:${k}`] = v as T[keyof T];
  return out;
}
