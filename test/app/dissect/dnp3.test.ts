// DNP 3.0 on a built TCP stream to and from port 20000 and over UDP, against tshark (fields and
// -V trees): link layer frames (user data, link status, reset, two in one segment), data chunks
// and their CRCs (a bad one, a bad header CRC), messages reassembled from several transport
// segments, reads, responses and unsolicited responses with the points of the common object
// groups, control relay output blocks, writes, frames cut short. Link CRCs are computed here.
import { describe, expect, it } from 'vitest';
import { dissectFrames } from '../../support/dissect-hex.ts';
import {
  fieldsOfBoth,
  fuzzFrames,
  hex,
  oracleReady,
  TcpStream,
  treesOfBoth,
  udpIpFrame,
} from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'dnp3.start',
  'dnp3.len',
  'dnp3.ctl',
  'dnp3.ctl.dir',
  'dnp3.ctl.prm',
  'dnp3.ctl.prifunc',
  'dnp3.ctl.secfunc',
  'dnp3.dst',
  'dnp3.src',
  'dnp3.hdr.CRC',
  'dnp3.tr.ctl',
  'dnp3.tr.fin',
  'dnp3.tr.fir',
  'dnp3.tr.seq',
  'dnp3.al.ctl',
  'dnp3.al.con',
  'dnp3.al.uns',
  'dnp3.al.seq',
  'dnp3.al.func',
  'dnp3.al.iin',
  'dnp3.al.obj',
  'dnp3.al.objq.prefix',
  'dnp3.al.objq.range',
  'dnp3.al.range.start',
  'dnp3.al.range.stop',
  'dnp3.al.range.quantity',
  'dnp.hdr.CRC.status',
  'dnp.data_chunk',
  'dnp.data_chunk_len',
  'dnp.data_chunk.CRC',
  'dnp.data_chunk.CRC.status',
  'dnp3.al.frag_data',
  'dnp3.al.fragment',
  'dnp3.al.fragment.count',
  'dnp3.al.fragment.reassembled.length',
  '_ws.expert.message',
  '_ws.malformed',
  'dnp3.addr',
  'dnp3.al.point_index',
  'dnp3.al.index',
  'dnp3.al.bit',
  'dnp3.al.ana.int',
  'dnp3.al.cnt',
  'dnp3.al.timestamp',
  'dnp3.al.biq.b0',
  'dnp3.al.biq.b7',
  'dnp3.al.boq.b1',
  'dnp3.al.aiq.b6',
  'dnp3.al.ctrq.b5',
  'dnp3.ctl.op',
  'dnp3.ctl.clr',
  'dnp3.ctl.trip',
  'dnp3.al.count',
  'dnp3.al.on_time',
  'dnp3.al.off_time',
  'dnp3.al.ctrlstatus',
];

/** DNP3's CRC-16 (polynomial 0x3D65, reflected), low byte first. */
function crc(bytes: readonly number[]): number[] {
  let c = 0;
  for (const b of bytes) {
    c ^= b;
    for (let i = 0; i < 8; i++) c = c & 1 ? (c >>> 1) ^ 0xa6bc : c >>> 1;
  }
  c = ~c & 0xffff;
  return [c & 0xff, c >> 8];
}

/** A data link frame from `src` to `dst` with control `ctl` and `user` data, CRCs included. */
function link(ctl: number, dst: number, src: number, user = '', badChunk = -1): string {
  const data = [...hex(user.replace(/ /g, ''))];
  const head = [0x05, 0x64, 5 + data.length, ctl, dst & 0xff, dst >> 8, src & 0xff, src >> 8];
  const out = [...head, ...crc(head)];
  for (let i = 0; i < data.length; i += 16) {
    const block = data.slice(i, i + 16);
    out.push(...block, ...(i / 16 === badChunk ? [0, 0] : crc(block)));
  }
  return out.map((b) => b.toString(16).padStart(2, '0')).join('');
}

const stream = new TcpStream(20000);
const seg = (toServer: boolean, payload: string): Uint8Array => stream.segment(toServer, hex(payload));

const FRAMES = [
  ...stream.handshake(),
  // Read class 1, 2, 3 and its empty response; read class 0, a response with IIN bits.
  seg(true, link(0xc4, 10, 1, 'c0 c1 01 3c0206 3c0306 3c0406')),
  seg(false, link(0x44, 1, 10, 'c0 c1 81 0000')),
  seg(true, link(0xc4, 10, 1, 'c1 c2 01 3c0106')),
  seg(false, link(0x44, 1, 10, 'c1 c2 81 9000')),
  // Unsolicited response, confirm, delay measurement.
  seg(false, link(0x44, 1, 10, 'c2 f3 82 0600')),
  seg(true, link(0xc4, 10, 1, 'c3 d3 00')),
  seg(true, link(0xc4, 10, 1, 'c4 c4 17')),
  // A read of several object types over two chunks; a response whose object list spans chunks.
  seg(
    true,
    link(0xc4, 10, 1, 'c5 c6 01 3c0206 3c0306 3c0406 3c0106 010200 0003 1e0106 1e040100000100 1e0306'),
  ),
  seg(false, link(0x44, 1, 10, 'c6 c6 81 0600 3c0106 3c0206 3c0306 3c0406 3c0106 3c0206 3c0306 1e0406')),
  // One response in three transport segments (FIR, middle, FIN), then a bad chunk CRC.
  seg(false, link(0x44, 1, 10, '40 c7 81 0000 3c0106 3c0206 3c0306')),
  seg(false, link(0x44, 1, 10, '01 3c0406 3c0106 3c0206')),
  seg(false, link(0x44, 1, 10, '82 3c0306 3c0406 3c0106')),
  seg(false, link(0x44, 1, 10, 'c8 c8 81 0000 3c0106 3c0206 3c0306 3c0406 3c0106 3c0206', 0)),
  // Responses with points: single-bit and flagged binary inputs, binary input events by 1-octet
  // index, events with time by 2-octet index, binary outputs, counters, analog inputs (16-bit
  // start/stop too), analog events, time and date, IIN bits.
  seg(false, link(0x44, 1, 10, 'c9 c9 81 0000 010100 0009 a501 010200 0002 81 03 00 020117 02 05 81 07 00')),
  seg(
    false,
    link(
      0x44,
      1,
      10,
      'ca ca 81 1000 020228 0200 0500 81 e8030000 0000 0700 01 00000000 0000 0a0200 0001 81 02',
    ),
  ),
  seg(
    false,
    link(
      0x44,
      1,
      10,
      'cb cb 81 0000 140100 0001 01 78563412 21 ffffffff 140200 0001 01 3412 41 ffff 140500 0000 78563412 140600 0000 ffff',
    ),
  ),
  seg(
    false,
    link(
      0x44,
      1,
      10,
      'cc cc 81 0000 1e0101 0000 0100 03 ffffffff 21 10000000 1e0200 0000 61 0080 1e0300 0000 01000000 1e0400 0203 3412 ffff',
    ),
  ),
  seg(
    false,
    link(
      0x44,
      1,
      10,
      'cd cd 81 8000 200117 01 03 01 10000000 200217 01 04 41 fe7f 320107 01 e8030000 0000 500100 000f 8142',
    ),
  ),
  // An unsolicited response with events, in two transport segments.
  seg(false, link(0x44, 1, 10, '43 fe 82 0200 020117 03 05 81 07 01 09 00 200217 02 04 41 fe7f')),
  seg(false, link(0x44, 1, 10, '84 05 01 0080')),
  // 32-bit start and stop, absolute addresses of 8, 16 and 32 bits, a 32-bit quantity.
  seg(
    false,
    link(
      0x44,
      1,
      10,
      'd0 d0 81 0000 1e0402 00000000 01000000 3412 ffff 1e0403 05 3412 1e0404 0500 3412 1e0405 05000000 3412 1e0409 02000000 3412 ffff 010103 05 01',
    ),
  ),
  seg(true, link(0xc4, 10, 1, 'd6 d1 01 1e0102 00000000 01000000 1e0103 05 1e0109 02000000 3c0106')),
  // A final segment with no first one before it: left unreassembled.
  seg(false, link(0x44, 1, 10, '86 cf 81 0000')),
  // Control relay output blocks: select, operate, direct operate and its answer; write IIN and time;
  // an immediate freeze; enable unsolicited responses.
  seg(true, link(0xc4, 10, 1, 'd0 c5 03 0c0117 01 03 41 01 e8030000 d0070000 00')),
  seg(true, link(0xc4, 10, 1, 'd1 c6 04 0c0128 0100 0300 81 01 e8030000 d0070000 00')),
  seg(true, link(0xc4, 10, 1, 'd2 c7 05 0c0128 0100 0300 22 01 e8030000 d0070000 00')),
  seg(false, link(0x44, 1, 10, 'ce c7 81 0000 0c0128 0100 0300 22 01 e8030000 d0070000 04')),
  seg(true, link(0xc4, 10, 1, 'd3 c8 02 500100 0707 00 320107 01 e8030000 0000')),
  seg(true, link(0xc4, 10, 1, 'd4 c9 07 3c0106')),
  seg(true, link(0xc4, 10, 1, 'd5 ca 14 3c0206 3c0306 3c0406')),
  // Request link status and its answer; reset of link and a link status request in one segment.
  seg(true, link(0xc9, 10, 1)),
  seg(false, link(0x0b, 1, 10)),
  seg(true, link(0xc0, 10, 1) + link(0xc9, 10, 1)),
  // Transport data in confirmed user data (FCB, FCV), a test link frame and a NACK; a link service
  // answer too short for its transport octet (malformed to tshark too).
  seg(true, link(0xf3, 10, 1, 'c0 c1 01 3c0106')),
  seg(true, link(0xc2, 10, 1, 'c0 c2 01 3c0206')),
  seg(false, link(0x01, 1, 10, 'c0 c2 81 0000')),
  seg(false, link(0x2f, 1, 10)),
  // Over UDP.
  udpIpFrame(40001, 20000, hex(link(0xc4, 10, 1, 'c5 c5 01 3c0106'))),
  // Cut short inside the first chunk and inside the second: malformed, as tshark has it.
  udpIpFrame(
    40001,
    20000,
    hex(link(0xc4, 10, 1, 'c6 c6 01 3c0206 3c0306 3c0406 3c0106 010200 0003').slice(0, 44)),
  ),
  udpIpFrame(
    40001,
    20000,
    hex(link(0xc4, 10, 1, 'c6 c6 01 3c0206 3c0306 3c0406 3c0106 010200 0003').slice(0, 60)),
  ),
  // A bad header CRC: not DNP 3.0 to tshark.
  udpIpFrame(
    40001,
    20000,
    hex(
      link(0xc4, 10, 1, 'c7 c7 01 3c0106').slice(0, 16) +
        '0000' +
        link(0xc4, 10, 1, 'c7 c7 01 3c0106').slice(20),
    ),
  ),
];

describe('DNP 3.0', () => {
  it('names link and application functions', () => {
    const d = dissectFrames(FRAMES);
    expect(d[2]?.pinfo.proto).toBe('DNP 3.0');
    expect(d[2]?.pinfo.info).toBe('Read, Class 123');
    expect(d[6]?.pinfo.info).toBe('Unsolicited Response');
  });

  it('survives mutated streams', () => fuzzFrames(FRAMES, 54, 20000));

  it.skipIf(!oracleReady)('agrees with tshark', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS);
    expect(f.trawl).toBe(f.tshark);
  });

  it.skipIf(!oracleReady)('draws the tree as tshark does', () => {
    const t = treesOfBoth(FRAMES, /^Distributed Network Protocol 3\.0/);
    expect(t.trawl).toBe(t.tshark);
  });
});
