// TPKT, COTP and S7comm on built TCP streams to port 102 against tshark: a connection (CR/CC with
// TSAPs), Setup communication, Read Var and Write Var jobs and their answers (the Read Var answer
// is PcapPlusPlus's s7comm_ack_data.dat, Tests/Packet++Test/PacketExamples), two TPKTs in one
// segment, a DT fragment, a userdata Read SZL request, a disconnect, and bytes that are no TPKT.
import { describe, expect, it } from 'vitest';
import { dissectFrames } from '../../support/dissect-hex.ts';
import { fuzzFrames, hex, TcpStream, itAgreesWithTshark } from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'tpkt.length',
  'cotp.type',
  'cotp.destref',
  'cotp.srcref',
  'cotp.src-tsap',
  'cotp.dst-tsap-bytes',
  'cotp.tpdu_size',
  'cotp.eot',
  's7comm.header.rosctr',
  's7comm.header.pduref',
  's7comm.param.func',
  's7comm.param.pdu_length',
  's7comm.param.item.db',
  's7comm.param.item.address.byte',
  's7comm.data.returncode',
  's7comm.data.length',
  's7comm.resp.data',
  's7comm.param.userdata.subfunc',
  's7comm.data.userdata.szl_id',
];

const stream = new TcpStream(102);
const seg = (toServer: boolean, payload: string): Uint8Array => stream.segment(toServer, hex(payload));
// A TPKT around a COTP DT TPDU (class 0, EOT) around `s7`.
const dt = (s7: string): string => {
  const n = s7.length / 2 + 7;
  return `0300${n.toString(16).padStart(4, '0')}02f080${s7}`;
};

const FRAMES = [
  ...stream.handshake(),
  // CR with TPDU size, a printable and a binary TSAP; the CC answering it.
  seg(true, '0300001611e00000000100c0010ac1024d57c2020102'),
  seg(false, '0300001611d00001000400c0010ac1020100c2020102'),
  // Setup communication, its Ack_Data.
  seg(true, dt('32010000ffff00080000f0000001000101e0')),
  seg(false, dt('320300000000000800000000f0000001000100f0')),
  // Read Var of DB1.DBX 2.0 BYTE 4 and of M 0.0 BIT 1, in one request.
  seg(true, dt('320100000100001a00000402120a10020004000184000010120a10010001000083000000')),
  // The Ack_Data of a Read Var, from s7comm_ack_data.dat.
  seg(
    false,
    '0300005902f0803203000000000002004400000401ff040200000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
  ),
  // Write Var of DB2.DBX 0.0 BYTE 2 and its answer, in one segment with a Setup communication.
  seg(
    true,
    dt('320100000002000e00060501120a10020002000284000000000400100102') +
      dt('32010000ffff00080000f0000001000101e0'),
  ),
  seg(false, dt('320300000200000200010000050101')),
  // A userdata Read SZL request (SZL 0x0011 index 0x0000).
  seg(true, dt('32070000050000080008' + '0001120411440100' + 'ff09000400110000')),
  // A disconnect request with its cause, and bytes that are no TPKT.
  seg(true, '0300000b06800001000280'),
  seg(false, '0102030405'),
  // A DT fragment (no EOT): its data waits for the rest.
  seg(true, '0300000b02f000aabbccdd'),
];

describe('TPKT/COTP/S7comm', () => {
  it('decodes a connection and S7 jobs', () => {
    const d = dissectFrames(FRAMES);
    expect(d[2]?.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:tcp:tpkt:cotp');
    expect(d[2]?.pinfo.info).toBe('CR TPDU src-ref: 0x0001 dst-ref: 0x0000');
    expect(d[4]?.pinfo.proto).toBe('S7COMM');
    expect(d[4]?.pinfo.info).toBe('ROSCTR:[Job     ] Function:[Setup communication]');
  });

  it('survives mutated streams', () => fuzzFrames(FRAMES, 54, 102));

  itAgreesWithTshark(FRAMES, FIELDS, /^(TPKT|ISO 8073|S7 Communication|Data)/);
});
