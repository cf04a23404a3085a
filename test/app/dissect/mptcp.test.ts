// Multipath TCP options on built segments: v0 and v1 handshakes (keys, tokens and initial data
// sequence numbers from SHA-1 and SHA-256), a subflow joining by token, every subtype, options cut
// short, against tshark 4.0 on the same frames (fields and the MPTCP subtrees of -V).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { sha1, sha256 } from '../../../app/dissect/sha.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import {
  fieldsOfBoth,
  hex,
  ipFrame,
  oracleReady,
  tcpSegment,
  treesOfBoth,
} from '../../support/proto-oracle.ts';
import { trawlRow } from '../../support/tshark-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'tcp.options.mptcp.subtype',
  'tcp.options.mptcp.flags',
  'tcp.options.mptcp.sendkey',
  'tcp.options.mptcp.recvkey',
  'tcp.options.mptcp.rawdataack',
  'tcp.options.mptcp.reserved.flag',
  'mptcp.expected_token',
  'mptcp.expected_idsn',
  'mptcp.ack',
  'mptcp.dss.dsn',
  'mptcp.stream',
  'mptcp.master',
  'mptcp.analysis.subflows',
];

const CLIENT_KEY = '1111111111111111';
const SERVER_KEY = '2222222222222222';

function token(version: number, keyHex: string): string {
  const d = createHash(version === 0 ? 'sha1' : 'sha256')
    .update(hex(keyHex))
    .digest();
  return d.subarray(0, 4).toString('hex');
}

/** One segment from 10.0.0.`src`:`sport` to 10.0.0.`dst`:`dport` with MPTCP options (hex). */
function seg(
  sport: number,
  dport: number,
  options: string,
  flags = 0x10,
  payload = '',
  seq = 1000,
  ack = 0,
): Uint8Array {
  const [src, dst] = sport < 10000 ? [1, 2] : [2, 1];
  return ipFrame(
    6,
    tcpSegment({ sport, dport, seq, ack, flags, options: hex(options), payload: hex(payload) }),
    src,
    dst,
  );
}

// v1: the key comes with the SYN/ACK; the third ACK repeats both keys; then data and DSS.
const V1 = [
  seg(40000, 5555, '1e040181', 0x02, '', 1000, 0),
  seg(5555, 40000, `1e0c0181${SERVER_KEY}`, 0x12, '', 5000, 1001),
  seg(40000, 5555, `1e140181${CLIENT_KEY}${SERVER_KEY}`, 0x10, '', 1001, 5001),
  seg(40000, 5555, `1e160181${CLIENT_KEY}${SERVER_KEY}0005`, 0x18, '6869212121', 1001, 5001),
  seg(5555, 40000, '1e08200100000006', 0x10, '', 5001, 1006),
  seg(5555, 40000, '1e1420050000000600000001000000010003abcd', 0x18, '787878', 5001, 1006),
  // A second subflow joins the connection by the server's token.
  seg(40001, 5555, `1e0c1001${token(1, SERVER_KEY)}01020304`, 0x02, '', 9000, 0),
  seg(5555, 40001, '1e10100101020304050607080a0b0c0d', 0x12, '', 7000, 9001),
  seg(40001, 5555, `1e181000${'ab'.repeat(20)}`, 0x10, '', 9001, 7001),
];

// v0: both SYNs carry a key (SHA-1).
const V0 = [
  seg(40002, 5556, `1e0c0081${CLIENT_KEY}`, 0x02, '', 100, 0),
  seg(5556, 40002, `1e0c0081${SERVER_KEY}`, 0x12, '', 200, 101),
  seg(40002, 5556, `1e140081${CLIENT_KEY}${SERVER_KEY}`, 0x10, '', 101, 201),
  seg(40002, 5556, '1e1a200f00000000000000c90000000000000065000000010004', 0x18, '61626364', 101, 201),
];

const OTHERS = [
  seg(41000, 5555, '1e0c0000' + CLIENT_KEY), // no algorithm
  seg(41001, 5555, '1e0c0042' + CLIENT_KEY), // extensibility, unsupported algorithm
  seg(41002, 5555, '1e0e20050000000100000002'), // DSS mapping cut by its length
  seg(41003, 5555, '1e035001'), // MP_PRIO without address id
  seg(41004, 5555, '1e045001'),
  seg(41005, 5555, '1e0c60000000000000000005'),
  seg(41006, 5555, '1e0c7000' + SERVER_KEY),
  seg(41007, 5555, '1e048500'),
  seg(41008, 5555, '1e0480ff'),
  seg(41009, 5555, '1e049000'),
  seg(41010, 5555, '1e0f40010203'),
  seg(41011, 5555, '1e0a34010a0000011f90'),
  seg(41012, 5555, '1e1e3606' + '20010db8000000000000000000000001' + '1f90' + '0102030405060708'),
  seg(41013, 5555, '1e10300501020304' + '0102030405060708'),
  seg(41014, 5555, '1e02'),
  seg(41015, 5555, '1e0320', 0x18, '474554202f20485454502f312e310d0a0d0a'),
  seg(41016, 5555, '1e040001' + '1e08200100000005', 0x18, '68656c6c6f'),
  seg(41017, 5555, '1e1a2015' + '00000001' + '0000000000000002'),
];

const FRAMES = [...V1, ...V0, ...OTHERS];

describe('MPTCP', () => {
  it('hashes as SHA-1 and SHA-256 do', () => {
    for (const input of ['', 'abc', 'x'.repeat(55), 'y'.repeat(56), 'z'.repeat(200)]) {
      const data = new TextEncoder().encode(input);
      expect(Buffer.from(sha1(data)).toString('hex')).toBe(createHash('sha1').update(data).digest('hex'));
      expect(Buffer.from(sha256(data)).toString('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });

  it('adds an mptcp layer per option, sets the column and follows the connection', () => {
    const state = new CaptureState();
    const d = FRAMES.map((f, i) => dissectHex(f, 1, { number: i + 1 }, state));
    expect(d[0]?.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:tcp:mptcp');
    expect(d[0]?.pinfo.proto).toBe('MPTCP');
    expect(d[3]?.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:tcp:mptcp:data');
    // The joining subflow is stream 1 of MPTCP connection 0.
    expect(d[6]?.value('mptcp.stream')).toBe('0');
    expect(d[6]?.value('mptcp.analysis.subflows')).toBe('1 0 ');
    const twice = d[V1.length + V0.length + OTHERS.length - 2];
    expect(twice?.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:tcp:mptcp:mptcp:data');
    // A revisit shows what the first pass showed.
    const again = FRAMES.map((f, i) => dissectHex(f, 1, { number: i + 1 }, state));
    expect(again.map((x) => trawlRow(x, FIELDS))).toEqual(d.map((x) => trawlRow(x, FIELDS)));
  });

  it('stops the segment at an option cut short, after the stream times', () => {
    const d = dissectHex(OTHERS[15] as Uint8Array);
    expect(d.pinfo.info.endsWith('[Malformed Packet]')).toBe(true);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:tcp:mptcp');
    expect(d.nodes('tcp.time_relative')).toHaveLength(1);
  });

  it.skipIf(!oracleReady)('agrees with tshark on the fields and the MPTCP subtrees', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS);
    expect(f.trawl).toBe(f.tshark);
    const v = treesOfBoth(
      FRAMES,
      /^(Multipath Transmission Control Protocol|\[MPTCP analysis\]|\[Malformed Packet)/,
    );
    expect(v.trawl).toBe(v.tshark);
  });
});
