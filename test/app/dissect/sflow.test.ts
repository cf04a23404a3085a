// sFlow v5 on UDP 6343 against tshark. The datagrams are built here as an agent sends them: flow
// samples with a sampled Ethernet/IPv4/TCP header, extended switch and router records, counters
// samples with generic and Ethernet interface counters, expanded samples, an IPv6 agent, records
// and samples of other enterprises and formats, and cut or malformed lengths.
import { describe, expect, it } from 'vitest';
import { dissectHex } from '../../support/dissect-hex.ts';
import {
  ethFrame,
  fieldsOfBoth,
  fuzzFrames,
  ipv4Packet,
  oracleReady,
  tcpSegment,
  treesOfBoth,
  udpIpFrame,
} from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'ip.src',
  'tcp.srcport',
  'sflow_245.version',
  'sflow_245.agenttype',
  'sflow_245.agent',
  'sflow_245.agent.v6',
  'sflow_245.sub_agent_id',
  'sflow_245.sequence_number',
  'sflow_245.sysuptime',
  'sflow_245.numsamples',
  'sflow_245.sampletype',
  'sflow_5.sample_length',
  'sflow.flow_sample.sequence_number',
  'sflow.flow_sample.source_id_class',
  'sflow.flow_sample.index',
  'sflow.flow_sample.sampling_rate',
  'sflow.flow_sample.sample_pool',
  'sflow.flow_sample.dropped_packets',
  'sflow.flow_sample.input_interface',
  'sflow.flow_sample.output_interface',
  'sflow.flow_sample.output_interface_value',
  'sflow.flow_sample.flow_record',
  'sflow_245.flow_record_format',
  'sflow_5.flow_data_length',
  'sflow_245.header_protocol',
  'sflow_245.header.frame_length',
  'sflow_245.header.payload_stripped',
  'sflow_245.header.sampled_header_length',
  'sflow_245.header',
  'sflow_245.vlan.in',
  'sflow_245.pri.out',
  'sflow_245.nexthop',
  'sflow_245.nexthop.v6',
  'sflow_245.nexthop.dst_mask',
  'sflow.counters_sample.source_id_type',
  'sflow.counters_sample.source_id_index',
  'sflow.counters_sample.counters_records',
  'sflow_245.counters_record_format',
  'sflow_245.ifspeed',
  'sflow_245.ifadmin_status',
  'sflow_245.ifinoct',
  'sflow_245.ifpromisc',
  'sflow_245.dot3StatsSymbolErrors',
  'sflow_245.vlan_id',
  'sflow_245.octets',
  'sflow_245.discards',
  'sflow_5.cpu_5m',
  'sflow_5.total_memory',
  'sflow_5.free_memory',
  'sflow.enterprise.length',
  'sflow.enterprise.data',
];

class Bytes {
  readonly b: number[] = [];
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

const cat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));
const pad = (b: Uint8Array): Uint8Array => cat(b, new Uint8Array((4 - (b.length % 4)) % 4));
/** A sample or record: format word, length, body. */
const rec = (format: number, body: Uint8Array): Uint8Array =>
  cat(new Bytes().u32(format, body.length).bytes, body);

const request = new TextEncoder().encode('GET / HTTP/1.1\r\n');
const sampled = ethFrame(
  0x0800,
  ipv4Packet(6, tcpSegment({ sport: 1234, dport: 80, flags: 0x18, payload: request }), 5, 6),
);

function rawHeader(h: Uint8Array, proto = 1, frameLength = h.length + 4, stripped = 4): Uint8Array {
  return rec(1, cat(new Bytes().u32(proto, frameLength, stripped, h.length).bytes, pad(h)));
}
const v6 = (x: number): number[] => [0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), x];
const extSwitch = rec(1001, new Bytes().u32(10, 3, 20, 5).bytes);
const extRouter = rec(1002, new Bytes().u32(1).raw([10, 0, 0, 254]).u32(24, 16).bytes);
const extRouter6 = rec(1002, new Bytes().u32(2).raw(v6(254)).u32(48, 64).bytes);
const generic = rec(
  1,
  new Bytes()
    .u32(5, 6)
    .u64(10000000000n)
    .u32(1, 3)
    .u64(123456789012n)
    .u32(1, 2, 3, 4, 5, 6)
    .u64(987654321n)
    .u32(7, 8, 9, 10, 11, 1).bytes,
);
const ethernet = rec(2, new Bytes().u32(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13).bytes);
const vlan = rec(5, new Bytes().u32(100).u64(5000000000n).u32(10, 20, 30, 40).bytes);
const processor = rec(1001, new Bytes().u32(1500, 1200, 900).u64(16000000000n).u64(4000000000n).bytes);
const foreignRecord = rec((9 << 12) | 5, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));

function flow(seq: number, records: Uint8Array[], out = 7): Uint8Array {
  return rec(
    1,
    cat(new Bytes().u32(seq, 0x00000003, 400, 400 * seq, 2, 3, out, records.length).bytes, ...records),
  );
}
function expandedFlow(seq: number, records: Uint8Array[]): Uint8Array {
  return rec(
    3,
    cat(new Bytes().u32(seq, 0, 5, 1000, 1000 * seq, 0, 0, 12, 0, 13, records.length).bytes, ...records),
  );
}
function counters(seq: number, records: Uint8Array[]): Uint8Array {
  return rec(2, cat(new Bytes().u32(seq, 0x01000005, records.length).bytes, ...records));
}
function expandedCounters(seq: number, records: Uint8Array[]): Uint8Array {
  return rec(4, cat(new Bytes().u32(seq, 0, 6, records.length).bytes, ...records));
}
function datagram(seq: number, samples: Uint8Array[], agent6 = false, count = samples.length): Uint8Array {
  const agent = agent6 ? new Bytes().u32(2).raw(v6(1)) : new Bytes().u32(1).raw([10, 0, 0, 1]);
  return cat(
    new Bytes().u32(5).bytes,
    agent.bytes,
    new Bytes().u32(0, seq, 3723004, count).bytes,
    ...samples,
  );
}

const sf = (p: Uint8Array): Uint8Array => udpIpFrame(40000, 6343, p);

const full = datagram(1, [flow(1, [rawHeader(sampled), extSwitch, extRouter])]);
const FRAMES = [
  sf(full),
  sf(datagram(2, [counters(1, [generic, ethernet])], true)),
  sf(
    datagram(3, [
      expandedFlow(2, [rawHeader(sampled.slice(0, 40), 1, sampled.length + 4), extRouter6]),
      expandedCounters(2, [generic, foreignRecord]),
      rec(77, new Uint8Array(8)),
    ]),
  ),
  // Output to several interfaces, a record of another enterprise, a standard record format
  // tshark does not know (whose data it does not skip), a sampled IPv4 header without its link
  // layer, a header of a protocol with no dissector; a sample of another enterprise.
  sf(
    datagram(4, [
      flow(
        3,
        [
          foreignRecord,
          rec(2000, Uint8Array.of(1, 2, 3, 4)),
          rawHeader(sampled.slice(14, 54), 11, sampled.length - 10),
        ],
        0x80000002,
      ),
      flow(4, [rawHeader(Uint8Array.of(1, 2, 3, 4, 5, 6), 9, 6, 0)], 4),
    ]),
  ),
  sf(datagram(5, [counters(3, [ethernet, vlan, processor]), rec((3 << 12) | 1, Uint8Array.of(9, 9, 9, 9))])),
  // Malformed: the datagram cut inside a sample and inside the sampled header, a sample length
  // beyond the datagram, a record count above the records sent, no samples.
  sf(full.slice(0, 100)),
  sf(full.slice(0, 150)),
  sf(datagram(6, [rec(2, new Bytes().u32(1, 5, 0).bytes).map((b, i) => (i === 7 ? 200 : b))])),
  sf(datagram(7, [counters(4, [generic]).map((b, i) => (i === 19 ? 3 : b))])),
  sf(datagram(8, [], false, 0)),
];

describe('sFlow', () => {
  it('decodes the datagram header and keeps its columns over the sampled frame', () => {
    const d = dissectHex(FRAMES[0] as Uint8Array, 1);
    expect(d.pinfo.info).toBe('V5, agent 10.0.0.1, sub-agent ID 0, seq 1, 1 samples');
    expect(d.pinfo.proto).toBe('sFlow');
  });

  it('survives mutated datagrams', () => fuzzFrames(FRAMES, 42, 6343));

  it.skipIf(!oracleReady)('agrees with tshark', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS);
    expect(f.trawl).toBe(f.tshark);
  });

  it.skipIf(!oracleReady)('draws the same tree as tshark', () => {
    const t = treesOfBoth(FRAMES, /^InMon sFlow$/);
    // Trawl's TCP shows no conversation completeness and stream times in a quoted packet (it
    // cannot tell a sampled header from an ICMP error quote); tshark shows them for sFlow.
    const quoteOnly = (s: string): string =>
      s.replace(
        /^ *\[(Conversation completeness|Timestamps|Time since (first|previous) frame in this TCP stream)[^\n]*\n/gm,
        '',
      );
    expect(t.trawl).toBe(quoteOnly(t.tshark));
  });
});
