// Just enough of an X.509 certificate (RFC 5280) for what tshark shows of it without expanding
// it: the subject for the Certificate line, and the protocol layers Wireshark's BER dissectors add
// to frame.protocols while they walk it (x509sat per name attribute, x509ce per known extension,
// pkcs-1 for EC key parameters, pkix1implicit for Authority Information Access, pkix1explicit for
// policy qualifiers). Bad DER ends the walk quietly: the certificate bytes are shown either way.

interface Tlv {
  tag: number;
  /** Start and end of the value. */
  start: number;
  end: number;
}

/** The TLV at `off`, or null when it does not fit in [off, limit). */
function tlv(b: Uint8Array, off: number, limit: number): Tlv | null {
  if (off + 2 > limit) return null;
  const tag = b[off] as number;
  let len = b[off + 1] as number;
  let p = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || p + n > limit) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (b[p + i] as number);
    p += n;
  }
  if (p + len > limit) return null;
  return { tag, start: p, end: p + len };
}

/** The children of a constructed value. */
function children(b: Uint8Array, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = t.start; p < t.end;) {
    const c = tlv(b, p, t.end);
    if (!c) break;
    out.push(c);
    p = c.end;
  }
  return out;
}

function oid(b: Uint8Array, t: Tlv): string {
  if (t.tag !== 0x06 || t.end <= t.start) return '';
  const first = b[t.start] as number;
  const parts = [Math.min(2, Math.floor(first / 40)), first - 40 * Math.min(2, Math.floor(first / 40))];
  let v = 0;
  for (let p = t.start + 1; p < t.end; p++) {
    const x = b[p] as number;
    v = v * 128 + (x & 0x7f);
    if (!(x & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'id-at-commonName',
  '2.5.4.4': 'id-at-surname',
  '2.5.4.5': 'id-at-serialNumber',
  '2.5.4.6': 'id-at-countryName',
  '2.5.4.7': 'id-at-localityName',
  '2.5.4.8': 'id-at-stateOrProvinceName',
  '2.5.4.9': 'id-at-streetAddress',
  '2.5.4.10': 'id-at-organizationName',
  '2.5.4.11': 'id-at-organizationalUnitName',
  '2.5.4.12': 'id-at-title',
  '2.5.4.15': 'id-at-businessCategory',
  '2.5.4.17': 'id-at-postalCode',
  '2.5.4.42': 'id-at-givenName',
  '2.5.4.46': 'id-at-dnQualifier',
  '2.5.4.97': 'id-at-organizationIdentifier',
  '1.2.840.113549.1.9.1': 'pkcs-9-at-emailAddress',
};

/** Extensions Wireshark's x509ce dissector registers (RFC 5280 §4.2 and CT's SCT list). */
function extensionLayer(id: string): string {
  if (id.startsWith('2.5.29.')) return 'x509ce';
  if (id === '1.3.6.1.4.1.11129.2.4.2' || id === '1.3.6.1.4.1.11129.2.4.3') return 'x509ce';
  if (id === '1.3.6.1.5.5.7.1.1' || id === '1.3.6.1.5.5.7.1.11') return 'pkix1implicit';
  // Netscape's certificate extensions (Wireshark's ns_cert_exts dissector).
  if (/^2\.16\.840\.1\.113730\.1\.(1|2|3|4|7|8|12|13)$/.test(id)) return 'ns_cert_exts';
  return '';
}

export interface CertificateSummary {
  /** The subject as Wireshark's Certificate line shows it (last RDN first). */
  subject: string;
  /** Protocol layers in the order Wireshark's dissectors add them. */
  layers: string[];
}

/** Subject and layers of the DER certificate in [start, end) of `b`. */
export function summarizeCertificate(b: Uint8Array, start: number, end: number): CertificateSummary {
  const out: CertificateSummary = { subject: '', layers: [] };
  const cert = tlv(b, start, end);
  if (!cert || cert.tag !== 0x30) return out;
  const tbs = children(b, cert)[0];
  if (!tbs || tbs.tag !== 0x30) return out;
  const fields = children(b, tbs);
  // version [0] is optional; serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo.
  let i = fields[0]?.tag === 0xa0 ? 1 : 0;
  i += 2;
  const issuer = fields[i++];
  i++;
  const subject = fields[i++];
  const spki = fields[i++];
  if (issuer) name(b, issuer, out.layers);
  if (subject) out.subject = name(b, subject, out.layers);
  if (spki) publicKey(b, spki, out.layers);
  for (; i < fields.length; i++) {
    const f = fields[i] as Tlv;
    if (f.tag === 0xa3) extensions(b, f, out.layers);
  }
  return out;
}

/** A Name's attributes (one layer each) and its text, last RDN first. */
function name(b: Uint8Array, n: Tlv, layers: string[]): string {
  const parts: string[] = [];
  for (const rdn of children(b, n)) {
    for (const atv of children(b, rdn)) {
      const [type, value] = children(b, atv);
      if (!type) continue;
      const id = oid(b, type);
      if (id.startsWith('2.5.4.') || id === '1.2.840.113549.1.9.1') layers.push('x509sat');
      let text = '';
      if (value) for (let p = value.start; p < value.end; p++) text += String.fromCharCode(b[p] as number);
      parts.push(`${ATTRIBUTE_NAMES[id] ?? id}=${text}`);
    }
  }
  return parts.reverse().join(',');
}

function publicKey(b: Uint8Array, spki: Tlv, layers: string[]): void {
  const alg = children(b, spki)[0];
  if (!alg) return;
  const [id, params] = children(b, alg);
  // id-ecPublicKey's named curve goes through the PKCS#1 module's ECParameters.
  if (id && oid(b, id) === '1.2.840.10045.2.1' && params) layers.push('pkcs-1');
}

function extensions(b: Uint8Array, wrapper: Tlv, layers: string[]): void {
  const list = children(b, wrapper)[0];
  if (!list) return;
  for (const ext of children(b, list)) {
    const parts = children(b, ext);
    const id = parts[0] ? oid(b, parts[0]) : '';
    const layer = extensionLayer(id);
    if (layer) layers.push(layer);
    const value = parts[parts.length - 1];
    if (id === '2.5.29.32' && value && value.tag === 0x04) policyQualifiers(b, value, layers);
  }
}

/** Certificate policies: a CPS pointer or user notice is dissected by pkix1explicit. */
function policyQualifiers(b: Uint8Array, octets: Tlv, layers: string[]): void {
  const policies = tlv(b, octets.start, octets.end);
  if (!policies) return;
  for (const info of children(b, policies)) {
    const qualifiers = children(b, info)[1];
    if (!qualifiers) continue;
    for (const q of children(b, qualifiers)) {
      const qid = children(b, q)[0];
      const id = qid ? oid(b, qid) : '';
      if (id === '1.3.6.1.5.5.7.2.1' || id === '1.3.6.1.5.5.7.2.2') layers.push('pkix1explicit');
    }
  }
}
