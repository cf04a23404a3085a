import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dissectDNSTcp } from '../../../app/dissect/dns.ts';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { defaultRegistry } from '../../../app/dissect/modules.ts';
import { CaptureState, Hint, PacketInfo } from '../../../app/dissect/packet-info.ts';
import { FullTree } from '../../../app/dissect/tree.ts';
import { Tvb } from '../../../app/dissect/tvb.ts';
import { openCapture } from '../../../main/pcap/read.ts';
import { CORPUS_FILES } from '../../support/corpus.ts';
import { dissectHex, hexToBytes, metaFor } from '../../support/dissect-hex.ts';
import { udpFrame } from '../../support/tcp-frames.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

// Expected values are tshark 4.0.17's for the same frames.

// tcpdump__dns_udp.pcap frames 1 and 2: a query with EDNS0 cookie, its answer with NS and glue.
const QUERY = `
  00112233 44660011 22334455 08004500 005459cd 00004011 94aec0a8 010bd157
  f912abbe 00350040 78245934 01200001 00000000 00010377 77770774 63706475
  6d70036f 72670000 01000100 00291000 00000000 000c000a 000842f5 d00996f9
  0b13
`;
const RESPONSE = `
  00112233 44550011 22334466 08004500 00fc002d 00008011 ada6d157 f912c0a8
  010b0035 abbe00e8 c4545934 85000001 00020002 00050377 77770774 63706475
  6d70036f 72670000 010001c0 0c000100 01000000 3c0004c0 8b2e42c0 0c000100
  01000000 3c0004c6 c75868c0 10000200 01000151 80001203 736e7308 636f6f70
  65726978 036e6574 00c01000 02000100 01518000 12036e69 63097361 6e64656c
  6d616e02 636100c0 6b000100 01000001 2c0004d1 57f912c0 6b001c00 01000001
  2c001026 07f0b000 0f000000 000000ba bef00dc0 4d000100 0100001c 20000461
  6b850fc0 4d001c00 0100001c 20001026 003c0300 000000f0 3c91fffe 96e8ef00
  00291000 00000000 0000
`;
// pcpp__DnsPackets.pcap frames 19, 20 (NXDOMAIN with the root's SOA) and 25 (mDNS, two questions).
const NX_QUERY = `
  30469a23 fbfa6cf0 49b2de6e 08004500 0037774a 00008011 aee10a00 00010a00
  008ae3b4 00350023 8a600b61 01000001 00000000 00000477 70616404 484f4d45
  00000100 01
`;
const NX_RESPONSE = `
  6cf049b2 de6e3046 9a23fbfa 08004500 00820000 40004011 25e10a00 008a0a00
  00010035 e3b4006e 5c840b61 81830001 00000001 00000477 70616404 484f4d45
  00000100 01000006 00010000 0a260040 01610c72 6f6f742d 73657276 65727303
  6e657400 056e7374 6c640c76 65726973 69676e2d 67727303 636f6d00 780cbe6c
  00000708 00000384 00093a80 00015180
`;
const MDNS = `
  01005e00 00fb6cf0 49b2de6e 08004500 005e7754 0000ff11 593e0a00 0001e000
  00fb14e9 14e9004a 19d00000 00000002 00000000 00000d5f 6170706c 652d6d6f
  62646576 045f7463 70056c6f 63616c00 000c0001 0c5f736c 6565702d 70726f78
  79045f75 6470c01f 000c0001
`;
// Names tshark shows with markers and escapes: a pointer to itself, and control bytes in labels.
const LOOP = `
  02000000 00010200 00000002 08004500 002e0001 00004011 66bc0a00 00010a00
  00029c40 0035001a 00000001 01000001 00000000 0000c00c 00010001
`;
const ESCAPES = `
  02000000 00010200 00000002 08004500 00340001 00004011 66b60a00 00010a00
  00029c40 00350020 00000002 01000001 00000000 00000361 01620263 0a000001
  0001
`;

describe('dns', () => {
  it('decodes a query with EDNS0 as tshark does', () => {
    const d = dissectHex(QUERY, 1, { tsSec: 1591780794, tsNsec: 740079000 });
    expect(d.pinfo.proto).toBe('DNS');
    expect(d.pinfo.info).toBe('Standard query 0x5934 A www.tcpdump.org OPT');
    expect(d.pinfo.hints & Hint.Dns).toBe(Hint.Dns);
    expect(d.value('dns.id')).toBe('0x5934');
    expect(d.value('dns.flags')).toBe('0x0120');
    expect(d.value('dns.flags.response')).toBe('0');
    expect(d.value('dns.qry.name')).toBe('www.tcpdump.org');
    expect(d.value('dns.qry.name.len')).toBe('15');
    expect(d.value('dns.count.labels')).toBe('3');
    expect(d.value('dns.qry.type')).toBe('1');
    expect(d.value('dns.qry.class')).toBe('0x0001');
    expect(d.value('dns.rr.udp_payload_size')).toBe('4096');
    expect(d.value('dns.opt.cookie.client')).toBe('42f5d00996f90b13');
    const [ad] = d.nodes('dns.flags.authenticated');
    expect(ad && nodeLabel(ad)).toBe('.... .... ..1. .... = AD bit: Set');
    const [name] = d.nodes('dns.qry.name');
    expect([name?.offset, name?.length]).toEqual([54, 17]);
  });

  it('decodes the answer, follows name pointers and links it to its query', () => {
    const state = new CaptureState();
    dissectHex(QUERY, 1, { number: 1, tsSec: 1591780794, tsNsec: 740079000 }, state);
    const d = dissectHex(RESPONSE, 1, { number: 2, tsSec: 1591780794, tsNsec: 870361000 }, state);
    expect(d.pinfo.info).toBe(
      'Standard query response 0x5934 A www.tcpdump.org A 192.139.46.66 A 198.199.88.104 NS sns.cooperix.net ' +
        'NS nic.sandelman.ca A 209.87.249.18 AAAA 2607:f0b0:f::babe:f00d A 97.107.133.15 ' +
        'AAAA 2600:3c03::f03c:91ff:fe96:e8ef OPT',
    );
    expect(d.value('dns.a')).toBe('192.139.46.66,198.199.88.104,209.87.249.18,97.107.133.15');
    expect(d.value('dns.aaaa')).toBe('2607:f0b0:f::babe:f00d,2600:3c03::f03c:91ff:fe96:e8ef');
    expect(d.value('dns.ns')).toBe('sns.cooperix.net,nic.sandelman.ca');
    expect(d.value('dns.resp.ttl')).toBe('60,60,86400,86400,300,300,7200,7200');
    expect(d.value('dns.response_to')).toBe('1');
    expect(d.value('dns.time')).toBe('0.130282000');
    const [ttl] = d.nodes('dns.resp.ttl');
    expect(ttl && nodeLabel(ttl)).toBe('Time to live: 60 (1 minute)');
    const rr = d.tree.roots.flatMap((n) => n.children ?? []).find((n) => n.label?.startsWith('Answers'));
    expect(rr?.children?.[0]?.label).toBe('www.tcpdump.org: type A, class IN, addr 192.139.46.66');
    // Seen again, the query knows its answer (Wireshark's second pass).
    const again = dissectHex(QUERY, 1, { number: 1, tsSec: 1591780794, tsNsec: 740079000 }, state);
    expect(again.value('dns.response_in')).toBe('2');
  });

  it('shows a negative answer with its rcode and SOA', () => {
    const state = new CaptureState();
    dissectHex(NX_QUERY, 1, { number: 19, tsSec: 1413055041, tsNsec: 86966000 }, state);
    const d = dissectHex(NX_RESPONSE, 1, { number: 20, tsSec: 1413055041, tsNsec: 108724000 }, state);
    expect(d.pinfo.info).toBe(
      'Standard query response 0x0b61 No such name A wpad.HOME SOA a.root-servers.net',
    );
    expect(d.value('dns.flags.rcode')).toBe('3');
    expect(d.value('dns.resp.name')).toBe('<Root>');
    expect(d.value('dns.soa.rname')).toBe('nstld.verisign-grs.com');
    expect(d.value('dns.soa.serial_number')).toBe('2014101100');
    expect(d.value('dns.time')).toBe('0.021758000');
    const [flags] = d.nodes('dns.flags');
    expect(flags && nodeLabel(flags)).toBe('Flags: 0x8183 Standard query response, No such name');
  });

  it('decodes mDNS questions with their QU bit', () => {
    const d = dissectHex(MDNS);
    expect(d.pinfo.proto).toBe('MDNS');
    expect(d.pinfo.info).toBe(
      'Standard query 0x0000 PTR _apple-mobdev._tcp.local, "QM" question PTR _sleep-proxy._udp.local, "QM" question',
    );
    expect(d.value('dns.qry.name')).toBe('_apple-mobdev._tcp.local,_sleep-proxy._udp.local');
    expect(d.value('dns.qry.qu')).toBe('0,0');
    expect(d.tree.roots.some((n) => n.label === 'Multicast Domain Name System (query)')).toBe(true);
  });

  it('marks loops and escapes odd bytes in names', () => {
    const loop = dissectHex(LOOP);
    expect(loop.pinfo.info).toBe('Standard query 0x0001 A <Name contains a pointer that loops>');
    expect(loop.value('dns.qry.name.len')).toBe('36');
    const esc = dissectHex(ESCAPES);
    expect(esc.value('dns.qry.name')).toBe('a\\001b.c\\n');
    expect(esc.value('dns.count.labels')).toBe('2');
  });

  it('marks a message with a bad label malformed (tcpdump dns-badlabel)', async () => {
    const frames: Uint8Array[] = [];
    for await (const b of openCapture(join(CORPUS_FILES, 'tcpdump__dns-badlabel.pcap')))
      for (let i = 0; i < b.count; i++) {
        const s = b.dataStart[i] ?? 0;
        frames.push(b.data.slice(s, s + (b.capLen[i] ?? 0)));
      }
    const bytes = frames[0] as Uint8Array;
    const d = dissectHex(bytes, 1, { origLen: 63207 });
    expect(d.pinfo.malformed).toBe(true);
    expect(d.pinfo.info).toBe(
      'Unknown operation (15) response 0xc980 Unknown error (15) Unused <Name too long>[Malformed Packet]',
    );
    expect(d.value('dns.qry.name')).toBe('<Name too long>');
  });

  it('over TCP asks for the rest of a message longer than the segment, and takes two in one', () => {
    const registry = defaultRegistry();
    // Length 0x1d (29) but only the header and 3 more bytes present.
    const part = hexToBytes('001d 1234 0100 0001 0000 0000 0000 03 777777');
    const pinfo = new PacketInfo(metaFor(part, 1), part, registry, new CaptureState(), { wantInfo: true });
    pinfo.canDesegment = true;
    dissectDNSTcp(new Tvb(part, 0, part.length), pinfo, new FullTree());
    expect([pinfo.desegmentOffset, pinfo.desegmentLen]).toEqual([0, 31 - part.length]);

    const one = '0011 0001 0100 0001 0000 0000 0000 00 0002 0001';
    const two = '0011 0002 0100 0001 0000 0000 0000 00 001c 0001';
    const both = hexToBytes(one + two);
    const p2 = new PacketInfo(metaFor(both, 1), both, registry, new CaptureState(), { wantInfo: true });
    const tree = new FullTree();
    dissectDNSTcp(new Tvb(both, 0, both.length), p2, tree);
    expect(p2.desegmentLen).toBe(0);
    // Each message also gets its `[PDU Size]` (TCP's tree, at top level here as no TCP ran).
    expect(tree.roots.filter((n) => n.def?.abbrev === 'dns').map((n) => n.label)).toEqual([
      'Domain Name System (query)',
      'Domain Name System (query)',
    ]);
    // tshark names the layer once for the segment, however many messages it holds.
    expect(p2.layers).toEqual(['dns']);
  });
});

describe('DNS on any UDP port: the heuristic tshark 4.0 has enabled', () => {
  const FIELDS = ['_ws.col.Protocol', '_ws.col.Info', 'frame.protocols', 'dns.qry.name'];
  const name = (n: string): string =>
    n
      .split('.')
      .map((p) => String.fromCharCode(p.length) + p)
      .join('') + '\0';
  const u16 = (n: number): string => String.fromCharCode(n >> 8, n & 0xff);
  const header = (flags: number, qd: number, an: number, ns: number, ar: number): string =>
    u16(0x1234) + u16(flags) + u16(qd) + u16(an) + u16(ns) + u16(ar);
  const question = name('www.example.com') + u16(1) + u16(1);
  const answer = '\xc0\x0c' + u16(1) + u16(1) + '\0\0\0\x3c' + u16(4) + '\x01\x02\x03\x04';
  const payloads: Record<string, string> = {
    query: header(0x0100, 1, 0, 0, 0) + question,
    'query with two additional records': header(0x0100, 1, 0, 0, 2) + question,
    'two questions': header(0x0100, 2, 0, 0, 0) + question,
    'no question': header(0x0100, 0, 0, 0, 0) + question,
    'inverse query opcode': header(0x0900, 1, 0, 0, 0) + question,
    'query with an answer': header(0x0100, 1, 1, 0, 0) + question,
    'query with an authority record': header(0x0100, 1, 0, 1, 0) + question,
    response: header(0x8180, 1, 1, 0, 0) + question + answer,
    'response without a question': header(0x8180, 0, 0, 0, 0) + '\0',
    'response with two questions': header(0x8180, 2, 0, 0, 0) + question,
    'only a header': header(0x0100, 1, 0, 0, 0),
    'a header and a byte': header(0x0100, 1, 0, 0, 0) + '\0',
    'a bad label': header(0x0100, 1, 0, 0, 0) + '\x3fabc',
  };
  const frames = Object.values(payloads).map((p, i) =>
    udpFrame({ src: 1, dst: 2, sport: 40000 + i, dport: 41000 }, p),
  );
  // A UDP length of 8 with bytes after it: a trailer, not a payload for DNS.
  const trailer = udpFrame({ src: 1, dst: 2, sport: 1024, dport: 53 }, payloads.query ?? '');
  new DataView(trailer.buffer).setUint16(38, 8);
  frames.push(trailer);

  it('takes the datagrams tshark takes, and shows them as tshark does', () => {
    const state = new CaptureState();
    const ours = frames.map((f, i) => trawlRow(dissectHex(f, 1, { number: i + 1 }, state), FIELDS));
    expect(ours.map((r) => r[0])).toEqual([
      ...['DNS', 'DNS', 'UDP', 'UDP', 'UDP', 'UDP', 'UDP', 'DNS', 'DNS', 'UDP', 'UDP', 'DNS', 'DNS'],
      'UDP',
    ]);
    if (haveTshark) expect(ours).toEqual(tsharkFrameRows(frames, 1, FIELDS));
  });
});
