// DoIP (ISO 13400) on UDP and TCP 13400 with the UDS it carries, against tshark. Payloads from
// PcapPlusPlus's DoIp*.dat (Tests/Packet++Test/PacketExamples): routing activation request,
// diagnostic message, diagnostic NACK, the invalid protocol version, vehicle announcement, entity
// status response; the UDS services and the segmenting cases are built here.
import { describe, expect, it } from 'vitest';
import { dissectFrames } from '../../support/dissect-hex.ts';
import { fuzzFrames, hex, TcpStream, udpIpFrame, itAgreesWithTshark } from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'doip.version',
  'doip.type',
  'doip.length',
  'doip.source_address',
  'doip.target_address',
  'doip.vin',
  'doip.eid',
  'doip.max_data_size',
  'uds.sid',
  'uds.reply',
  'uds.diag_addr',
  'uds.rdbi.data_identifier',
  'uds.err.code',
  'uds.rc.identifier',
  'uds.rd.memory_address',
];

/** A diagnostic message from 0x0e80 to 0x4010 (or back) carrying `uds`. */
const diag = (uds: string, back = false): string =>
  `02fd8001${(uds.length / 2 + 4).toString(16).padStart(8, '0')}${back ? '40100e80' : '0e804010'}${uds}`;

const stream = new TcpStream(13400);
const seg = (toServer: boolean, payload: string): Uint8Array => stream.segment(toServer, hex(payload));

const FRAMES = [
  ...stream.handshake(),
  seg(true, '02fd00050000000b0e80000000000000000000'),
  seg(false, '02fd0006000000090e804010100000000000'),
  seg(true, '02fd8001000000060e8040101003'),
  seg(false, '02fd80030000000840100e800222f101'),
  // Read data by identifier and its reply, a negative response, in one segment.
  seg(true, diag('22f190f18c')),
  seg(false, diag('62f190414243', true) + diag('7f2231', true)),
  // Security access seed, routine control reply, request download, tester present, ECU reset.
  seg(true, diag('2701') + diag('3e80')),
  seg(false, diag('6701a1b2c3d4', true) + diag('7101ff0000aabb', true)),
  seg(true, diag('340044000010000000ff00') + diag('1101') + diag('85020102')),
  // A message cut over two segments, then the invalid protocol version.
  seg(true, diag('19020f').slice(0, 14)),
  seg(true, diag('19020f').slice(14)),
  seg(true, '02ff00050000000b0e80000000000000000000'),
  udpIpFrame(
    13400,
    13400,
    hex('02fd0004000000204241554e4545344d5a31373034323430334010001a37bfee74001a37bfee7400'),
  ),
  udpIpFrame(13400, 13400, hex('02fd40020000000700010000000fff')),
  udpIpFrame(40001, 13400, hex('ff0000010000000002fd000700000000')),
];

describe('DoIP', () => {
  it('names payload types and hands diagnostics to UDS', () => {
    const d = dissectFrames(FRAMES);
    expect(d[2]?.pinfo.info).toBe('Routing activation request');
    expect(d[4]?.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:tcp:doip:uds');
    expect(d[4]?.pinfo.proto).toBe('UDS');
  });

  it('survives mutated streams', () => fuzzFrames(FRAMES, 54, 13400));

  itAgreesWithTshark(FRAMES, FIELDS, /^(DoIP|Unified Diagnostic)/);
});
