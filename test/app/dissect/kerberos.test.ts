// Kerberos 5 on built UDP and TCP frames against tshark: an AS-REQ with pre-authentication data,
// KDC options, names, times and etypes; an AS-REP with its ticket; KRB-ERRORs with their codes,
// e-text and e-data; a TGS-REQ carrying an AP-REQ; TCP with the record mark, split over segments.
import { describe, expect, it } from 'vitest';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import {
  fieldsOfBoth,
  fuzzFrames,
  ipFrame,
  oracleReady,
  tcpSegment,
  treesOfBoth,
  udpIpFrame,
} from '../../support/proto-oracle.ts';

/** One BER element: identifier, definite length, contents. */
function tlv(id: number, ...parts: (Uint8Array | number[])[]): number[] {
  const body = parts.flatMap((p) => [...p]);
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return [id, ...len, ...body];
}
const seq = (...parts: number[][]): number[] => tlv(0x30, ...parts);
/** A context tag [n] around an element. */
const ctx = (n: number, ...parts: number[][]): number[] => tlv(0xa0 + n, ...parts);
const int = (v: number): number[] => {
  const b: number[] = [];
  let x = v;
  do {
    b.unshift(x & 0xff);
    x = Math.floor(x / 256);
  } while (x > 0 && x !== -1);
  if (v >= 0 && (b[0] as number) & 0x80) b.unshift(0);
  if (v < 0) return tlv(0x02, [0xff, ...b.slice(-1)]);
  return tlv(0x02, b);
};
const gstr = (s: string): number[] =>
  tlv(
    0x1b,
    [...s].map((c) => c.charCodeAt(0)),
  );
const octs = (b: number[]): number[] => tlv(0x04, b);
const time = (s: string): number[] =>
  tlv(
    0x18,
    [...s].map((c) => c.charCodeAt(0)),
  );
const principal = (type: number, ...names: string[]): number[] =>
  seq(ctx(0, int(type)), ctx(1, seq(...names.map(gstr))));
const encData = (etype: number, kvno: number | null, cipher: number[]): number[] =>
  seq(ctx(0, int(etype)), ...(kvno === null ? [] : [ctx(1, int(kvno))]), ctx(2, octs(cipher)));
const paData = (type: number, value: number[]): number[] => seq(ctx(1, int(type)), ctx(2, octs(value)));
const ticket = (): number[] =>
  tlv(
    0x61,
    seq(
      ctx(0, int(5)),
      ctx(1, gstr('EXAMPLE.COM')),
      ctx(2, principal(2, 'krbtgt', 'EXAMPLE.COM')),
      ctx(3, encData(18, 2, [1, 2, 3, 4, 5, 6])),
    ),
  );

const CIPHER = Array.from({ length: 40 }, (_, i) => (i * 7) & 0xff);

const asReq = tlv(
  0x6a,
  seq(
    ctx(1, int(5)),
    ctx(2, int(10)),
    ctx(3, seq(paData(2, encData(18, null, CIPHER)), paData(128, seq(ctx(0, tlv(0x01, [0xff])))))),
    ctx(
      4,
      seq(
        ctx(0, tlv(0x03, [0, 0x40, 0x81, 0x00, 0x10])),
        ctx(1, principal(1, 'alice')),
        ctx(2, gstr('EXAMPLE.COM')),
        ctx(3, principal(2, 'krbtgt', 'EXAMPLE.COM')),
        ctx(5, time('20370913024805Z')),
        ctx(6, time('20370913024805Z')),
        ctx(7, int(123456789)),
        ctx(8, seq(int(18), int(17), int(23), int(-133))),
        ctx(
          9,
          seq(
            seq(
              ctx(0, int(20)),
              ctx(1, octs([...'CLIENT1        '].map((c) => c.charCodeAt(0)).concat([0x20]))),
            ),
          ),
        ),
      ),
    ),
  ),
);

const krbError = (code: number, extra: number[][] = []): number[] =>
  tlv(
    0x7e,
    seq(
      ctx(0, int(5)),
      ctx(1, int(30)),
      ctx(4, time('20230101120000Z')),
      ctx(5, int(123)),
      ctx(6, int(code)),
      ctx(9, gstr('EXAMPLE.COM')),
      ctx(10, principal(2, 'krbtgt', 'EXAMPLE.COM')),
      ...extra,
    ),
  );

const preauth = krbError(25, [
  ctx(11, gstr('NEEDED_PREAUTH')),
  ctx(12, octs(seq(paData(2, []), paData(19, seq(seq(ctx(0, int(18)), ctx(1, gstr('EXAMPLE.COMalice')))))))),
]);

const asRep = tlv(
  0x6b,
  seq(
    ctx(0, int(5)),
    ctx(1, int(11)),
    ctx(2, seq(paData(3, [0x41, 0x42]))),
    ctx(3, gstr('EXAMPLE.COM')),
    ctx(4, principal(1, 'alice')),
    ctx(5, ticket()),
    ctx(6, encData(18, 3, CIPHER)),
  ),
);

const apReq = tlv(
  0x6e,
  seq(
    ctx(0, int(5)),
    ctx(1, int(14)),
    ctx(2, tlv(0x03, [0, 0x20, 0, 0, 0])),
    ctx(3, ticket()),
    ctx(4, encData(18, null, CIPHER)),
  ),
);
const tgsReq = tlv(
  0x6c,
  seq(
    ctx(1, int(5)),
    ctx(2, int(12)),
    ctx(3, seq(paData(1, apReq))),
    ctx(
      4,
      seq(
        ctx(0, tlv(0x03, [0, 0x40, 0x80, 0, 0])),
        ctx(2, gstr('EXAMPLE.COM')),
        ctx(3, principal(2, 'host', 'srv.example.com')),
        ctx(5, time('20370913024805Z')),
        ctx(7, int(7)),
        ctx(8, seq(int(18))),
      ),
    ),
  ),
);

const u8 = (b: number[]): Uint8Array => Uint8Array.from(b);
const toKdc = (m: number[]): Uint8Array => udpIpFrame(50000, 88, u8(m));
const fromKdc = (m: number[]): Uint8Array => {
  const d = [0, 88, 0xc3, 0x50, (8 + m.length) >> 8, (8 + m.length) & 0xff, 0, 0, ...m];
  return ipFrame(17, u8(d), 2, 1);
};

const UDP_FRAMES = [
  toKdc(asReq),
  fromKdc(preauth),
  fromKdc(asRep),
  toKdc(tgsReq),
  fromKdc(krbError(6)),
  fromKdc(krbError(0)),
  // Not Kerberos on port 88: a universal SEQUENCE.
  toKdc(seq(int(1))),
];

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'kerberos.pvno',
  'kerberos.msg_type',
  'kerberos.padata',
  'kerberos.padata_type',
  'kerberos.kdc_options',
  'kerberos.KDCOptions.forwardable',
  'kerberos.KDCOptions.renewable.ok',
  'kerberos.name_type',
  'kerberos.CNameString',
  'kerberos.SNameString',
  'kerberos.realm',
  'kerberos.crealm',
  'kerberos.till',
  'kerberos.rtime',
  'kerberos.nonce',
  'kerberos.ENCTYPE',
  'kerberos.etype',
  'kerberos.kvno',
  'kerberos.cipher',
  'kerberos.addr_nb',
  'kerberos.include_pac',
  'kerberos.error_code',
  'kerberos.e_text',
  'kerberos.stime',
  'kerberos.info2_salt',
  'kerberos.pw_salt',
  'kerberos.APOptions.mutual.required',
  'kerberos.rm.length',
];

let seqC = 1001;
function tcpFrames(): Uint8Array[] {
  seqC = 1001;
  const rec = (m: number[]): number[] => [...[0, 0, m.length >> 8, m.length & 0xff], ...m];
  const seg = (payload: number[]): Uint8Array => {
    const s = tcpSegment({ sport: 50001, dport: 88, seq: seqC, ack: 1, flags: 0x18, payload: u8(payload) });
    seqC += payload.length;
    return ipFrame(6, s, 1, 2);
  };
  const whole = rec(asReq);
  return [
    ipFrame(6, tcpSegment({ sport: 50001, dport: 88, seq: 1000, flags: 0x02 }), 1, 2),
    seg(whole.slice(0, 30)),
    seg(whole.slice(30)),
    seg([...rec(tgsReq), ...rec(krbError(25))]),
  ];
}

describe('Kerberos', () => {
  it('names messages and errors in Info', () => {
    const state = new CaptureState();
    const d = UDP_FRAMES.map((f, i) => dissectHex(f, 1, { number: i + 1 }, state));
    expect(d[0]?.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:kerberos');
    expect(d[0]?.pinfo.proto).toBe('KRB5');
    expect(d[0]?.pinfo.info).toBe('AS-REQ');
    expect(d[0]?.value('kerberos.CNameString')).toBe('alice');
    expect(d[1]?.pinfo.info).toBe('KRB Error: KRB5KDC_ERR_PREAUTH_REQUIRED');
    expect(d[1]?.value('kerberos.e_text')).toBe('NEEDED_PREAUTH');
    expect(d[3]?.value('kerberos.msg_type')).toBe('12,14');
    expect(d[4]?.pinfo.info).toBe('KRB Error: KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN');
    expect(d[6]?.pinfo.layers.includes('kerberos')).toBe(false);
  });

  it('survives mutated messages', () => {
    fuzzFrames(UDP_FRAMES, 42, 88, 30);
    fuzzFrames(tcpFrames(), 54, 89, 30);
  });

  it.skipIf(!oracleReady)('agrees with tshark on UDP', () => {
    const f = fieldsOfBoth(UDP_FRAMES, FIELDS);
    expect(f.trawl).toBe(f.tshark);
    const t = treesOfBoth(UDP_FRAMES, /^Kerberos/);
    expect(t.trawl).toBe(t.tshark);
  });

  it.skipIf(!oracleReady)('agrees with tshark on TCP', () => {
    const frames = tcpFrames();
    const f = fieldsOfBoth(frames, FIELDS);
    expect(f.trawl).toBe(f.tshark);
    const t = treesOfBoth(frames, /^Kerberos/);
    expect(t.trawl).toBe(t.tshark);
  });
});
