// X.509 certificates inside TLS Certificate messages against tshark 4.0: the whole tree (-V) and
// -T fields on real certificates (openssl and python-cryptography made, served by s_server on
// loopback: RSA with every common extension and DN attribute, an EC chain with a negative serial,
// Ed25519, DSA with exotic strings, P-521 with CRL details), and hand-built DER that is broken.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FullTree, NULL_TREE, type FieldNode } from '../../../app/dissect/tree.ts';
import { Tvb } from '../../../app/dissect/tvb.ts';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { dissectCertificate, x509Module } from '../../../app/dissect/x509af.ts';
import { oidResolved } from '../../../app/dissect/x509-oids.ts';
import { treeLines } from '../../../main/cli/print.ts';
import { dissectFixture, fixture, haveTshark, mismatches } from '../../support/tshark-oracle.ts';

const FILE = fixture('tls-cert.pcap');
/** Frames holding a Certificate message: RSA, EC chain, Ed25519, DSA, P-521. */
const CERT_FRAMES = [6, 20, 34, 48, 62];

const FIELDS = [
  'frame.protocols',
  'x509af.version',
  'x509af.serialNumber',
  'x509af.algorithm.id',
  'x509af.issuer',
  'x509af.subject',
  'x509af.rdnSequence',
  'x509if.rdnSequence',
  'x509if.RDNSequence_item',
  'x509if.oid',
  'x509sat.DirectoryString',
  'x509sat.uTF8String',
  'x509sat.printableString',
  'x509sat.teletexString',
  'x509sat.bmpString',
  'x509sat.universalString',
  'x509sat.CountryName',
  'x509sat.IA5String',
  'x509sat.PrintableString',
  'x509af.utcTime',
  'x509af.generalizedTime',
  'x509af.extensions',
  'x509af.extension.id',
  'x509af.critical',
  'x509ce.KeyUsage',
  'x509ce.KeyUsage.digitalSignature',
  'x509ce.KeyUsage.decipherOnly',
  'x509ce.KeyPurposeId',
  'x509ce.cA',
  'x509ce.pathLenConstraint',
  'x509ce.GeneralName',
  'x509ce.dNSName',
  'x509ce.rfc822Name',
  'x509ce.uniformResourceIdentifier',
  'x509ce.IPAddress.ipv4',
  'x509ce.IPAddress.ipv6',
  'x509ce.registeredID',
  'x509ce.SubjectKeyIdentifier',
  'x509ce.keyIdentifier',
  'x509ce.authorityCertSerialNumber',
  'x509ce.policyIdentifier',
  'x509ce.reasons',
  'x509ce.SkipCerts',
  'pkix1implicit.accessMethod',
  'pkix1implicit.noticeNumbers_item',
  'pkix1explicit.DirectoryString',
  'pkcs1.modulus',
  'pkcs1.publicExponent',
  'pkcs1.namedCurve',
  'x509af.subjectPublicKey',
  'x509af.p',
  'x509af.encrypted',
  'ber.bitstring.padding',
  'ns_cert_exts.Comment',
  'tls.sct.sct_logid',
  'tls.sct.sct_timestamp',
];

/** The Certificate message's lines of a -V dump: from its record to the next record. */
function certificateBlock(lines: readonly string[]): string[] {
  const from = lines.findIndex(
    (l) => l.includes('Handshake Protocol: Certificate') && l.includes('Record Layer'),
  );
  if (from < 0) return [];
  const next = lines.findIndex((l, i) => i > from && l.includes('Record Layer'));
  return lines.slice(from, next < 0 ? undefined : next);
}

function tsharkTree(frame: number): string[] {
  const r = spawnSync('tshark', ['-r', FILE, '-V', '-Y', `frame.number == ${frame}`], { encoding: 'utf8' });
  return r.stdout.split('\n');
}

describe.skipIf(!haveTshark)('X.509 certificates against tshark', () => {
  it('shows each certificate tree line for line as tshark -V does', async () => {
    const frames = await dissectFixture(FILE, true);
    for (const n of CERT_FRAMES) {
      const ours = certificateBlock(treeLines((frames[n - 1] as { tree: FullTree }).tree.roots));
      const theirs = certificateBlock(tsharkTree(n));
      expect(ours.length, `frame ${n}`).toBeGreaterThan(50);
      expect(ours, `frame ${n}`).toEqual(theirs);
    }
  });

  it('gives the -T fields values tshark gives', async () => {
    expect(await mismatches(FILE, FIELDS, true)).toEqual([]);
  });
});

// ---- Hand-built DER ---------------------------------------------------------------------------

/** A DER element: tag, definite length, contents. */
function der(tag: number, ...parts: (Uint8Array | number[])[]): Uint8Array {
  const body = Uint8Array.from(parts.flatMap((p) => Array.from(p)));
  const n = body.length;
  const len = n < 128 ? [n] : n < 256 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Uint8Array.from([tag, ...len, ...body]);
}
const oidBytes = (hex: string): Uint8Array => der(0x06, Buffer.from(hex, 'hex'));
const utf8 = (s: string): Uint8Array => der(0x0c, Buffer.from(s));
const CN = oidBytes('550403');
const name = (cn: string): Uint8Array => der(0x30, der(0x31, der(0x30, CN, utf8(cn))));
const SHA256_RSA = der(0x30, oidBytes('2a864886f70d01010b'), [0x05, 0x00]);
const validity = der(
  0x30,
  der(0x17, Buffer.from('200101000000Z')),
  der(0x18, Buffer.from('20600101000000Z')),
);
const spki = der(0x30, der(0x30, oidBytes('2b6570')), der(0x03, [0x00, 1, 2, 3, 4]));

function certificate(tbsExtra: Uint8Array[] = [], version = true): Uint8Array {
  const tbs = der(
    0x30,
    ...(version ? [der(0xa0, der(0x02, [2]))] : []),
    der(0x02, [0x01, 0x02]),
    SHA256_RSA,
    name('issuer.example'),
    validity,
    name('subject.example'),
    spki,
    ...tbsExtra,
  );
  return der(0x30, tbs, SHA256_RSA, der(0x03, [0x00, 0xaa, 0xbb]));
}

function treeOf(bytes: Uint8Array): { labels: string[]; subject: string; layers: string[] } {
  const tree = new FullTree();
  const tvb = new Tvb(bytes, 0, bytes.length);
  const layers: string[] = [];
  tree.push(x509Module.fields['af:signedCertificate_element'] as never, tvb, 0, bytes.length);
  const { subject } = dissectCertificate(tvb, 0, bytes.length, tree, layers);
  tree.pop();
  const labels: string[] = [];
  const visit = (nodes: readonly FieldNode[], depth: number): void => {
    for (const n of nodes) {
      labels.push(' '.repeat(depth * 2) + nodeLabel(n));
      if (n.children) visit(n.children, depth + 1);
    }
  };
  visit(tree.roots[0]?.children ?? [], 0);
  return { labels, subject, layers };
}

describe('X.509 certificates built by hand', () => {
  it('reads a minimal certificate: subject, GeneralizedTime, an unnamed key algorithm', () => {
    const { labels, subject, layers } = treeOf(certificate());
    expect(subject).toBe('id-at-commonName=subject.example');
    expect(labels).toContain('  version: v3 (2)');
    expect(labels).toContain('  serialNumber: 0x0102');
    expect(labels).toContain('      generalizedTime: Jan  1, 2060 00:00:00.000000000 UTC');
    expect(labels).toContain('    algorithm (iso.3.101.112)');
    expect(labels).toContain('encrypted: aabb');
    expect(layers).toEqual(['x509sat', 'x509sat']);
  });

  it('reads a v1 certificate (no version, no extensions)', () => {
    const { labels } = treeOf(certificate([], false));
    expect(labels.some((l) => l.includes('version'))).toBe(false);
    expect(labels).toContain('  serialNumber: 0x0102');
  });

  it('shows an unknown extension as tshark does, and passes a NULL one over', () => {
    const unknown = der(0x30, oidBytes('2a0304'), der(0x04, der(0x02, [5])));
    const nul = der(0x30, oidBytes('2a0305'), der(0x04, [0x05, 0x00]));
    const { labels } = treeOf(certificate([der(0xa3, der(0x30, unknown, nul))]));
    expect(labels).toContain('  extensions: 2 items');
    expect(labels).toContain('    Extension (iso.2.3.4)');
    expect(labels).toContain(
      '      BER: Dissector for OID not implemented. Contact Wireshark developers if you want this supported',
    );
    const nullAt = labels.indexOf('    Extension (iso.2.3.5)');
    expect(labels[nullAt + 2]).toBe('algorithmIdentifier (sha256WithRSAEncryption)');
  });

  it('turns an element that does not fit into a BER error and goes on', () => {
    // keyUsage whose BIT STRING claims more than it has, then a valid basicConstraints.
    const bad = der(0x30, oidBytes('551d0f'), der(0x04, [0x03, 0x09, 0x07, 0x80]));
    const good = der(0x30, oidBytes('551d13'), der(0x04, der(0x30, [0x01, 0x01, 0xff])));
    const { labels } = treeOf(certificate([der(0xa3, der(0x30, bad, good))]));
    expect(labels.some((l) => l.includes('BER'))).toBe(true);
    expect(labels).toContain('        cA: True');
  });

  it('reports a stray element in the TBSCertificate and keeps the rest', () => {
    const { labels } = treeOf(certificate([der(0x85, [1, 2])]));
    expect(labels.some((l) => l.includes('BER Error'))).toBe(true);
    expect(labels).toContain('algorithmIdentifier (sha256WithRSAEncryption)');
  });

  it('never throws on cut or corrupted certificates', () => {
    const whole = certificate([
      der(
        0xa3,
        der(0x30, der(0x30, oidBytes('551d11'), der(0x04, der(0x30, der(0x82, Buffer.from('a.example')))))),
      ),
    ]);
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 400; i++) {
      const b = whole.slice(0, i % 3 === 0 ? rand(whole.length) : whole.length);
      for (let k = 0; k < 3; k++) if (b.length > 0) b[rand(b.length)] = rand(256);
      expect(() => treeOf(b)).not.toThrow();
      expect(() => dissectCertificate(new Tvb(b, 0, b.length), 0, b.length, NULL_TREE, [])).not.toThrow();
    }
  });

  it('names an OID by its deepest named ancestor as tshark does', () => {
    expect(oidResolved('1.2.840.113549.1.1.11')).toBe('sha256WithRSAEncryption');
    expect(oidResolved('1.3.6.1.5.5.7.1.99')).toBe('id-pkix.1.99');
    expect(oidResolved('2.5.29.99')).toBe('joint-iso-itu-t.5.29.99');
  });
});
