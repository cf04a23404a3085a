// Modbus/TCP on built TCP streams to and from port 502 against tshark: queries and responses of
// the common function codes (registers, coils, masks, diagnostics, device id), an exception, two
// messages in one segment, a message cut over two segments; the first query is PcapPlusPlus's
// ModbusRequest.dat (Tests/Packet++Test/PacketExamples), its MBAP header and PDU.
import { describe, expect, it } from 'vitest';
import { dissectFrames } from '../../support/dissect-hex.ts';
import { fuzzFrames, hex, TcpStream, itAgreesWithTshark } from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'mbtcp.trans_id',
  'mbtcp.len',
  'mbtcp.unit_id',
  'modbus.func_code',
  'modbus.exception_code',
  'modbus.reference_num',
  'modbus.word_cnt',
  'modbus.bit_cnt',
  'modbus.byte_cnt',
  'modbus.request_frame',
  'modbus.regnum16',
  'modbus.regval_uint16',
  'modbus.bitnum',
  'modbus.bitval',
  'modbus.data',
  'modbus.diagnostic_code',
];

const stream = new TcpStream(502);
const seg = (toServer: boolean, payload: string): Uint8Array => stream.segment(toServer, hex(payload));

const FRAMES = [
  ...stream.handshake(),
  // Read Input Registers 600, 100 words (ModbusRequest.dat's PDU).
  seg(true, '001100000006ff0402580064'),
  seg(false, '001100000007ff0404000a0014'),
  // Read Holding Registers, and its response with three registers.
  seg(true, '0012000000060103006b0003'),
  seg(false, '0012000000090103060001000200ff'),
  // Read Coils 19, 10 bits, and the answer.
  seg(true, '001300000006010100130010'),
  seg(false, '00130000000501010203cd'),
  // Write Multiple Registers and its echo; an exception to a Write Single Register.
  seg(true, '00140000000b0110000100020400 0a0102'.replace(' ', '')),
  seg(false, '001400000006011000010002'),
  seg(true, '0015000000060106000100ff'),
  seg(false, '0015000000030186 02'.replace(' ', '')),
  // Diagnostics (Return Query Data) and Read Device Identification, in one segment.
  seg(true, '0016000000060108 0000a537'.replace(' ', '') + '001700000005012b0e0100'),
  // Mask Write Register, then a message split over two segments.
  seg(true, '001800000008011600040 0f20025'.replace(' ', '')),
  seg(true, '0019000000060103'),
  seg(true, '00010002'),
];

describe('Modbus/TCP', () => {
  it('names queries and responses and finds the query of a response', () => {
    const d = dissectFrames(FRAMES);
    expect(d[2]?.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:tcp:mbtcp:modbus');
    expect(d[2]?.pinfo.proto).toBe('Modbus/TCP');
    expect(d[2]?.pinfo.info).toBe('   Query: Trans:    17; Unit: 255, Func:   4: Read Input Registers');
    expect(d[11]?.pinfo.info).toBe(
      'Response: Trans:    21; Unit:   1, Func:   6: Write Single Register. Exception returned ',
    );
  });

  it('survives mutated streams', () => fuzzFrames(FRAMES, 54, 502));

  itAgreesWithTshark(FRAMES, FIELDS, /^(Modbus)/);
});
