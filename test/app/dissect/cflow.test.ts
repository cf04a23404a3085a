// NetFlow v1/v5/v9 and IPFIX on UDP 2055, 9996 and 4739 against tshark. The exports are built
// here as an exporter sends them: v5 with several records, v9 and IPFIX templates (IPv4 and IPv6)
// followed by data sets that use them, options templates and their data, a data set whose
// template was never seen, another domain, and cut or malformed lengths.
import { describe, expect, it } from 'vitest';
import { dissectHex } from '../../support/dissect-hex.ts';
import { fuzzFrames, udpIpFrame, itAgreesWithTshark } from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'cflow.version',
  'cflow.count',
  'cflow.len',
  'cflow.sysuptime',
  'cflow.unix_secs',
  'cflow.sequence',
  'cflow.source_id',
  'cflow.od_id',
  'cflow.flowset_id',
  'cflow.flowset_length',
  'cflow.template_id',
  'cflow.template_field_type',
  'cflow.template_field_length',
  'cflow.srcaddr',
  'cflow.dstaddr',
  'cflow.srcaddrv6',
  'cflow.dstaddrv6',
  'cflow.srcport',
  'cflow.dstport',
  'cflow.protocol',
  'cflow.packets',
  'cflow.octets',
  // cflow.tcpflags is left out: tshark prints a 16-bit value under the same name with 4 hex digits
  // (its second header field), Trawl with the 8-bit field's 2; the tree test compares both forms.
  'cflow.nexthop',
  'cflow.srcas',
  'cflow.dstas',
  'cflow.timestart',
  'cflow.abstimestart',
  'cflow.template_frame',
  'cflow.sequence_analysis.expected_sn',
];

class Bytes {
  readonly b: number[] = [];
  u8(...v: number[]): this {
    for (const x of v) this.b.push(x & 0xff);
    return this;
  }
  u16(...v: number[]): this {
    for (const x of v) this.b.push((x >> 8) & 0xff, x & 0xff);
    return this;
  }
  u32(...v: number[]): this {
    for (const x of v) this.b.push((x >>> 24) & 0xff, (x >>> 16) & 0xff, (x >>> 8) & 0xff, x & 0xff);
    return this;
  }
  u64(v: bigint): this {
    for (let i = 7; i >= 0; i--) this.b.push(Number((v >> BigInt(i * 8)) & 0xffn));
    return this;
  }
  raw(v: readonly number[] | Uint8Array): this {
    this.b.push(...v);
    return this;
  }
  get bytes(): Uint8Array {
    return Uint8Array.from(this.b);
  }
}

/** A set or flowset: id, length, body (padded to 4 bytes when `pad`). */
function set(id: number, body: Uint8Array, pad = false): Uint8Array {
  const extra = pad ? (4 - (body.length % 4)) % 4 : 0;
  return new Bytes()
    .u16(id, 4 + body.length + extra)
    .raw(body)
    .raw(new Array<number>(extra).fill(0)).bytes;
}

function cat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

function v5(seq: number, records: number, cut = 0): Uint8Array {
  const m = new Bytes().u16(5, records).u32(123456, 1600000000, 500, seq).u8(1, 7).u16(0x4064);
  for (let i = 1; i <= records; i++) {
    m.u8(192, 168, 1, i, 10, 1, 1, i, 10, 0, 0, 254)
      .u16(3, 4)
      .u32(10 + i, 1500 * i, 100000, 200000);
    m.u16(1234, 80).u8(0, 0x1b, 6, 0).u16(65001, 65002).u8(24, 16).u16(0);
  }
  return m.bytes.slice(0, m.bytes.length - cut);
}

const v1 = new Bytes()
  .u16(1, 1)
  .u32(5000, 1600000000, 0)
  .u8(1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0)
  .u16(1, 2)
  .u32(5, 600, 100, 200)
  .u16(53, 1053, 0)
  .u8(17, 0, 0, 0, 0, 0)
  .u32(0).bytes;

function v9(count: number, seq: number, src: number, ...sets: Uint8Array[]): Uint8Array {
  return cat(new Bytes().u16(9, count).u32(360000, 1600000000, seq, src).bytes, ...sets);
}

function ipfix(seq: number, od: number, ...sets: Uint8Array[]): Uint8Array {
  const body = cat(...sets);
  return cat(new Bytes().u16(10, 16 + body.length).u32(1600000000, seq, od).bytes, body);
}

function template(id: number, fields: readonly (readonly [number, number])[]): Uint8Array {
  const t = new Bytes().u16(id, fields.length);
  for (const [type, len] of fields) t.u16(type, len);
  return t.bytes;
}

const V4_FIELDS = [
  [8, 4], [12, 4], [7, 2], [11, 2], [4, 1], [5, 1], [6, 1], [2, 4], [1, 4], [22, 4], [21, 4],
  [10, 2], [14, 2], [15, 4], [16, 2], [17, 2], [9, 1], [13, 1], [500, 3],
] as const; // prettier-ignore
const V6_FIELDS = [[27, 16], [28, 16], [4, 1], [7, 2], [11, 2], [31, 3], [2, 8], [62, 16], [6, 2], [29, 1], [30, 1]] as const; // prettier-ignore

function v4Record(i: number): Uint8Array {
  return new Bytes()
    .u8(192, 168, 1, i, 10, 0, 0, i)
    .u16(1000 + i, 443)
    .u8(6, 0x10, 0x12)
    .u32(10, 1000, 5000, 6000)
    .u16(1, 2)
    .u8(10, 0, 0, 254)
    .u16(100, 200)
    .u8(24, 8, 0xaa, 0xbb, 0xcc).bytes;
}

function v6Record(i: number): Uint8Array {
  const a = (x: number): number[] => [0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), x];
  return new Bytes()
    .raw(a(i))
    .raw(a(100 + i))
    .u8(17)
    .u16(53, 5353)
    .u8(1, 2, 3)
    .u64(99n)
    .raw(a(254))
    .u16(0x0018)
    .u8(64, 48).bytes;
}

const optionsV9 = new Bytes().u16(258, 4, 12).u16(1, 4).u16(34, 4, 35, 1, 36, 2).bytes;
const optionsV9Data = new Bytes().u32(0x0a000001, 100).u8(2).u16(30).bytes;

const IPFIX_FIELDS = [[8, 4], [12, 4], [4, 1], [7, 2], [11, 2], [1, 8], [2, 8], [152, 8], [153, 8], [136, 1], [150, 4], [151, 4], [58, 2], [61, 1]] as const; // prettier-ignore
const ipfixTemplate = cat(template(256, IPFIX_FIELDS), new Bytes().u16(82, 0xffff).bytes);
// The field count includes the variable-length interface name.
ipfixTemplate[3] = IPFIX_FIELDS.length + 1;
function ipfixRecord(i: number): Uint8Array {
  return new Bytes()
    .u8(1, 2, 3, i, 5, 6, 7, 8, 6)
    .u16(80, 8080)
    .u64(1234n)
    .u64(5n)
    .u64(1600000000123n)
    .u64(1600000001456n)
    .u8(3)
    .u32(1600000000, 1600000010)
    .u16(100)
    .u8(1, 4)
    .raw([...'eth0'].map((c) => c.charCodeAt(0))).bytes;
}
const ipfixOptions = new Bytes().u16(257, 2, 1).u16(149, 4, 41, 8).bytes;
const ipfixOptionsData = new Bytes().u32(0).u64(42n).bytes;

const nf = (p: Uint8Array): Uint8Array => udpIpFrame(2055, 2055, p);
const fix = (p: Uint8Array): Uint8Array => udpIpFrame(4739, 4739, p);

const FRAMES = [
  udpIpFrame(40000, 2055, v5(77, 3)),
  udpIpFrame(1234, 9996, v1),
  // v9: templates and options template, then their data, a set with no template, another domain.
  nf(v9(3, 1, 0, set(0, cat(template(256, V4_FIELDS), template(257, V6_FIELDS))), set(1, optionsV9, true))),
  nf(v9(3, 2, 0, set(256, cat(v4Record(1), v4Record(2)), true), set(257, v6Record(1)))),
  nf(v9(2, 5, 0, set(258, optionsV9Data, true), set(999, Uint8Array.of(1, 2, 3, 4)))),
  nf(v9(1, 9, 7, set(256, v4Record(3), true))),
  // IPFIX: template set and options template set, data, an unknown set, a partial message.
  fix(ipfix(1, 0, set(2, ipfixTemplate), set(3, ipfixOptions))),
  fix(ipfix(1, 0, set(256, cat(ipfixRecord(1), ipfixRecord(2)), true), set(257, ipfixOptionsData))),
  fix(ipfix(5, 0, set(300, Uint8Array.of(1, 2, 3, 4, 5)))),
  // Malformed: a record cut short, a count of 0, a set length below 4, a set longer than the message.
  udpIpFrame(2055, 2055, v5(80, 2, 20)),
  nf(v9(0, 20, 0)),
  nf(v9(1, 21, 0, new Bytes().u16(256, 2).bytes)),
  nf(v9(1, 22, 0, new Bytes().u16(256, 200).u32(0).bytes)),
  fix(ipfix(7, 0, set(256, ipfixRecord(4).slice(0, 30)))),
  fix(ipfix(6, 0, set(256, ipfixRecord(3))).slice(0, 40)),
];

describe('NetFlow/IPFIX', () => {
  it('names a v5 export by its flow count', () => {
    const d = dissectHex(FRAMES[0] as Uint8Array, 1);
    expect(d.pinfo.info).toBe('total: 3 (v5) flows');
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:cflow');
  });

  it('survives mutated exports', () => fuzzFrames(FRAMES, 42, 2055));

  itAgreesWithTshark(FRAMES, FIELDS, /^Cisco NetFlow\/IPFIX$/);
});
