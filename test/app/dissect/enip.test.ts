// EtherNet/IP encapsulation against tshark, on messages built per the ODVA spec (CIP Vol. 2,
// chapter 2): List Identity, List Services and List Interfaces over UDP 44818 with their replies,
// a Register Session exchange, Send RR Data and Send Unit Data over TCP 44818, two messages in
// one segment, one cut over two segments, an unknown command, bad lengths, and a class 1 I/O
// datagram on UDP 2222. The CIP messages inside the data items are compared too (cip.test.ts
// covers CIP itself).
import { describe, expect, it } from 'vitest';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { fuzzFrames, itAgreesWithTshark, TcpStream, udpIpFrame } from '../../support/proto-oracle.ts';

const le16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];
const le32 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const CONTEXT = [1, 2, 3, 4, 5, 6, 7, 8];

/** An encapsulation message: command, length of `data`, session, status, sender context, options. */
function encap(cmd: number, data: number[], session = 0, status = 0, length = data.length): number[] {
  return [...le16(cmd), ...le16(length), ...le32(session), ...le32(status), ...CONTEXT, ...le32(0), ...data];
}

const item = (type: number, data: number[]): number[] => [...le16(type), ...le16(data.length), ...data];
const cpf = (...items: number[][]): number[] => [...le16(items.length), ...items.flat()];

const NAME = '1756-EN2T/D';
const IDENTITY = [
  ...le16(1),
  ...[0, 2, 0xaf, 0x12, 10, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0],
  ...le16(1),
  ...le16(12),
  ...le16(166),
  11,
  3,
  ...le16(0x0030),
  ...le32(0x00c0ffee),
  NAME.length,
  ...ascii(NAME),
  3,
];
const SERVICES = [...le16(1), ...le16(0x120), ...ascii('Communications'), 0, 0];

const udp = (toServer: boolean, bytes: number[], port = 44818): Uint8Array =>
  toServer ? udpIpFrame(50000, port, new Uint8Array(bytes)) : udpIpFrame(port, 50000, new Uint8Array(bytes));

const SESSION = 0x12345678;
const stream = new TcpStream(44818);
const seg = (toServer: boolean, bytes: number[]): Uint8Array =>
  stream.segment(toServer, new Uint8Array(bytes));
const REGISTER = encap(0x65, [...le16(1), ...le16(0)]);

const PLAIN = [
  udp(true, encap(0x63, [])),
  udp(false, encap(0x63, cpf(item(0x0c, IDENTITY)))),
  udp(true, encap(0x04, [])),
  udp(false, encap(0x04, cpf(item(0x100, SERVICES)))),
  udp(true, encap(0x64, [])),
  udp(false, encap(0x64, cpf())),
  // Unknown command, and an error status.
  udp(true, encap(0x99, [0xde, 0xad])),
  udp(false, encap(0x65, [...le16(1), ...le16(0)], 0, 0x69)),
  // Length beyond the datagram; header cut short; CPF item longer than the data.
  udp(true, encap(0x65, [...le16(1), ...le16(0)], 0, 0, 40)),
  udp(true, encap(0x63, []).slice(0, 16)),
  udp(false, encap(0x64, [...le16(1), ...le16(0x1234), ...le16(10), 1, 2])),
  ...stream.handshake(),
  seg(true, REGISTER),
  seg(false, encap(0x65, [...le16(1), ...le16(0)], SESSION)),
  // Unregister Session and a NOP in one segment; then a message cut over two segments.
  seg(true, [...encap(0x66, [], SESSION), ...encap(0x00, [0xaa, 0xbb])]),
  seg(true, REGISTER.slice(0, 10)),
  seg(true, REGISTER.slice(10)),
  // Class 1 I/O: sequenced address and connected data.
  udp(true, cpf(item(0x8002, [...le32(0x11223344), ...le32(7)]), item(0xb1, [7, 0, 1, 2, 3, 4])), 2222),
];

// Get_Attribute_Single (Identity, instance 1, attribute 7) and its reply; a connected message.
const cipStream = new TcpStream(44818, 40001);
const cipSeg = (toServer: boolean, bytes: number[]): Uint8Array =>
  cipStream.segment(toServer, new Uint8Array(bytes));
const RR = [...le32(0), ...le16(10)];
const REQ = [0x0e, 3, 0x20, 0x01, 0x24, 0x01, 0x30, 0x07];
const RSP = [0x8e, 0, 0, 0, NAME.length, ...ascii(NAME)];
const CONNECTED = [...le16(5), 0x4c, 2, 0x91, 4, ...ascii('Tag1'), ...le16(1)];
const WITH_CIP = [
  ...cipStream.handshake(),
  cipSeg(true, encap(0x6f, [...RR, ...cpf(item(0, []), item(0xb2, REQ))], SESSION)),
  // A third item: the O->T socket address of a connection.
  cipSeg(
    true,
    encap(
      0x6f,
      [
        ...RR,
        ...cpf(
          item(0, []),
          item(0xb2, REQ),
          item(0x8000, [0, 2, 0x08, 0xae, 239, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]),
        ),
      ],
      SESSION,
    ),
  ),
  cipSeg(false, encap(0x6f, [...le32(0), ...le16(0), ...cpf(item(0, []), item(0xb2, RSP))], SESSION)),
  // An unconnected message for an interface other than CIP: plain data.
  cipSeg(true, encap(0x6f, [...le32(7), ...le16(0), ...cpf(item(0, []), item(0xb2, [1, 2, 3]))], SESSION)),
  // A keep-alive byte, and a connected data item too short for its sequence count.
  cipSeg(true, [0]),
  cipSeg(true, encap(0x70, [...le32(0), ...le16(0), ...cpf(item(0xa1, le32(1)), item(0xb1, [5]))], SESSION)),
  cipSeg(
    true,
    encap(
      0x70,
      [...le32(0), ...le16(0), ...cpf(item(0xa1, le32(0xdeadbeef)), item(0xb1, CONNECTED))],
      SESSION,
    ),
  ),
];

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'enip.command',
  'enip.length',
  'enip.session',
  'enip.status',
  'enip.context',
  'enip.listid_delay',
  'enip.options',
  'enip.encap_data',
  'enip.rs.version',
  'enip.rs.flags',
  'enip.cpf.itemcount',
  'enip.cpf.typeid',
  'enip.cpf.length',
  'enip.cpf.data',
  'enip.cpf.sai.connid',
  'enip.cpf.sai.seq',
  'enip.encapver',
  'enip.sinfamily',
  'enip.sinport',
  'enip.sinaddr',
  'enip.sinzero',
  'enip.lir.vendor',
  'enip.lir.devtype',
  'enip.lir.prodcode',
  'enip.lir.revision',
  'enip.lir.status',
  'enip.lir.serial',
  'enip.lir.namelen',
  'enip.lir.name',
  'enip.lir.state',
  'enip.lsr.capaflags',
  'enip.lsr.capaflags.tcp',
  'enip.lsr.capaflags.udp',
  'enip.lsr.servicename',
  'cipio.data',
];

const ENIP_FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'enip.command',
  'enip.length',
  'enip.session',
  'enip.srrd.iface',
  'enip.sud.iface',
  'enip.timeout',
  'enip.cpf.itemcount',
  'enip.cpf.typeid',
  'enip.cpf.length',
  'enip.cpf.cai.connid',
  'cip.connid',
  'cip.seq',
  'enip.response_to',
  'enip.time',
  'enip.sinport',
  'enip.sinaddr',
  '_ws.malformed',
  'data.data',
];

describe('EtherNet/IP', () => {
  it('names commands and the direction in Info', () => {
    const state = new CaptureState();
    const d = PLAIN.map((f, i) => dissectHex(f, 1, { number: i + 1 }, state));
    expect(d[0]?.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:enip');
    expect(d[0]?.pinfo.proto).toBe('ENIP');
    expect(d[0]?.pinfo.info).toBe('List Identity (Req)');
    expect(d[1]?.pinfo.info).toBe(`List Identity (Rsp), ${NAME}`);
    expect(d[15]?.pinfo.info).toBe('Unregister Session (Req), Session: 0x12345678 | NOP (Req)');
  });

  it('survives mutated messages', () => {
    fuzzFrames(PLAIN, 42, 44818);
    fuzzFrames(WITH_CIP, 54, 2222);
  });

  itAgreesWithTshark(PLAIN, FIELDS, /^(EtherNet\/IP|Common Industrial Protocol, I\/O)/);

  describe('carrying CIP', () => {
    itAgreesWithTshark(
      WITH_CIP,
      ENIP_FIELDS,
      /^(EtherNet\/IP|Data \(\d+ bytes?\)|Common Industrial Protocol|CIP Class Generic)/,
    );
  });
});
