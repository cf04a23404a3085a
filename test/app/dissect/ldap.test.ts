// LDAP on a built TCP stream to port 389 against tshark. Three messages are PcapPlusPlus's
// ldap_add_response.dat, ldap_bind_request1.dat and the LDAP PDU of ldap_search_request1.dat
// (Tests/Packet++Test/PacketExamples); the others are built here with a small BER writer: binds,
// searches with and/or/not/substring/presence/comparison filters, entries and the result count,
// modify, add, delete, modify DN, compare, abandon, unbind, extended operations, an error text,
// two messages in a segment and one cut over two.
import { describe, expect, it } from 'vitest';
import { dissectFrames } from '../../support/dissect-hex.ts';
import { fuzzFrames, hex, TcpStream, itAgreesWithTshark } from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'ldap.messageID',
  'ldap.protocolOp',
  'ldap.resultCode',
  'ldap.baseObject',
  'ldap.scope',
  'ldap.filter',
  'ldap.attributeDesc',
  'ldap.assertionValue',
  'ldap.AttributeDescription',
  'ldap.objectName',
  'ldap.type',
  'ldap.controlType',
  'ldap.name',
  'ldap.errorMessage',
];

/** BER: tag, definite length, contents (hex). */
function tlv(tag: number, body: string): string {
  const n = body.length / 2;
  const len = n < 0x80 ? n.toString(16).padStart(2, '0') : `81${n.toString(16).padStart(2, '0')}`;
  return tag.toString(16).padStart(2, '0') + len + body;
}
const text = (s: string): string => Buffer.from(s, 'utf8').toString('hex');
const os = (s: string, tag = 0x04): string => tlv(tag, text(s));
const int = (v: number, tag = 0x02): string => tlv(tag, v.toString(16).padStart(2, '0'));
const seq = (...parts: string[]): string => tlv(0x30, parts.join(''));
const msg = (id: number, op: string, controls = ''): string => seq(int(id), op, controls);
const result = (tag: number, code: number, error = ''): string =>
  tlv(tag, int(code, 0x0a) + os('') + os(error));

const search = (id: number, base: string, filter: string, attrs: string[]): string =>
  msg(
    id,
    tlv(
      0x63,
      os(base) +
        int(2, 0x0a) +
        int(0, 0x0a) +
        int(0) +
        int(0) +
        tlv(0x01, '00') +
        filter +
        seq(...attrs.map((a) => os(a))),
    ),
  );
const eq = (a: string, v: string, tag = 0xa3): string => tlv(tag, os(a) + os(v));

const stream = new TcpStream(389);
const seg = (toServer: boolean, payload: string): Uint8Array => stream.segment(toServer, hex(payload));

const SEARCH1 =
  '3081c50201066379041244433d6d61747269782c44433d6c6f63616c0a01020a0103020100020100010100a939811c322e31362e3834302e312e3131333733302e332e332e322e34362e3182106465706172746d656e744e756d62657283073e3d4e34373039301904012a04146e74736563757269747964657363726970746f72a045301f0416312e322e3834302e3131333535362e312e342e3830310405300302010730220416312e322e3834302e3131333535362e312e342e33313904083006020201f40400';
const BIND1 =
  '30740201026050020103043b636e3d41646d696e6973747261746f722c636e3d55736572732c64633d636c6f7564736861726b2d612c64633d6578616d706c652c64633d636f6d800e636c6f7564736861726b31323321a01d301b0419312e332e362e312e342e312e34322e322e32372e382e352e31';

const FRAMES = [
  ...stream.handshake(),
  seg(true, BIND1),
  seg(false, msg(2, result(0x61, 0))),
  seg(true, SEARCH1),
  seg(
    true,
    search(
      7,
      'dc=example,dc=com',
      tlv(
        0xa0,
        eq('objectClass', 'person') +
          tlv(0xa1, tlv(0x87, text('mail')) + tlv(0xa2, eq('uid', 'x'))) +
          tlv(0xa4, os('cn') + seq(os('Jo', 0x80), os('h', 0x81), os('n', 0x82))) +
          eq('age', '30', 0xa5),
      ),
      ['cn', 'mail'],
    ),
  ),
  seg(
    false,
    msg(
      7,
      tlv(
        0x64,
        os('cn=John,dc=example,dc=com') +
          seq(seq(os('cn'), tlv(0x31, os('John'))), seq(os('mail'), tlv(0x31, os('j@x') + os('k@x')))),
      ),
    ),
  ),
  seg(false, msg(7, tlv(0x64, os('cn=Jo,dc=example,dc=com') + seq())) + msg(7, result(0x65, 0))),
  seg(
    true,
    msg(
      8,
      tlv(
        0x66,
        os('cn=John,dc=example,dc=com') + seq(seq(int(2, 0x0a), seq(os('mail'), tlv(0x31, os('n@x'))))),
      ),
    ),
  ),
  seg(false, msg(8, result(0x67, 50, 'insufficient rights'))),
  seg(
    true,
    msg(
      9,
      tlv(
        0x68,
        os('cn=New,dc=example,dc=com') + seq(seq(os('objectClass'), tlv(0x31, os('top') + os('person')))),
      ),
    ),
  ),
  seg(true, msg(10, tlv(0x4a, text('cn=Old,dc=example,dc=com')))),
  seg(false, msg(10, result(0x6b, 32))),
  seg(true, msg(11, tlv(0x6c, os('cn=A,dc=x') + os('cn=B') + tlv(0x01, 'ff')))),
  seg(true, msg(12, tlv(0x6e, os('cn=A,dc=x') + seq(os('cn'), os('A'))))),
  seg(false, msg(12, result(0x6f, 6))),
  seg(true, msg(13, tlv(0x50, '07'))),
  // Who am I? (a successful StartTLS answer would turn the stream into TLS for tshark).
  seg(true, msg(14, tlv(0x77, os('1.3.6.1.4.1.4203.1.11.3', 0x80)))),
  seg(false, msg(14, tlv(0x78, int(0, 0x0a) + os('') + os('') + os('1.3.6.1.4.1.4203.1.11.3', 0x8a)))),
  // A message cut over two segments, then an unbind.
  seg(true, search(15, '', tlv(0x87, text('objectClass')), []).slice(0, 20)),
  seg(true, search(15, '', tlv(0x87, text('objectClass')), []).slice(20)),
  seg(true, msg(16, tlv(0x42, ''))),
];

describe('LDAP', () => {
  it('writes Info as tshark does', () => {
    const d = dissectFrames(FRAMES);
    expect(d[3]?.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:tcp:ldap');
    expect(d[3]?.pinfo.proto).toBe('LDAP');
    expect(d[3]?.pinfo.info).toBe('bindResponse(2) success ');
  });

  it('survives mutated streams', () => fuzzFrames(FRAMES, 54, 389));

  itAgreesWithTshark(FRAMES, FIELDS, /^Lightweight Directory/);
});
