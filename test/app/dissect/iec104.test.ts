// IEC 60870-5-104 on a built TCP stream to and from port 2404 against tshark: the U functions
// (STARTDT, STOPDT, TESTFR act/con), S frames, I frames with the common ASDU types (single and
// double points in sequence, normalized, scaled and float measurements, integrated totals,
// commands, interrogation, clock sync with CP56Time2a, end of initialization, a file type shown
// raw), cause flags, two APDUs in one segment, bytes before START, a short ASDU and an APDU cut
// over two segments.
import { describe, expect, it } from 'vitest';
import { dissectFrames } from '../../support/dissect-hex.ts';
import { fuzzFrames, hex, TcpStream, itAgreesWithTshark } from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  '_ws.expert',
  'iec60870_104.apdulen',
  'iec60870_104.type',
  'iec60870_104.utype',
  'iec60870_104.tx',
  'iec60870_104.rx',
  'iec60870_104.data',
  'iec60870_asdu.typeid',
  'iec60870_asdu.causetx',
  'iec60870_asdu.nega',
  'iec60870_asdu.addr',
  'iec60870_asdu.ioa',
  'iec60870_asdu.numix',
  'iec60870_asdu.siq.spi',
  'iec60870_asdu.diq.dpi',
  'iec60870_asdu.qds',
  'iec60870_asdu.normval',
  'iec60870_asdu.scalval',
  'iec60870_asdu.float',
  'iec60870_asdu.bcr.count',
  'iec60870_asdu.sco.on',
  'iec60870_asdu.dco.on',
  'iec60870_asdu.qoi',
  'iec60870_asdu.cp56time',
  'iec60870_asdu.cp24time',
  'iec60870_asdu.coi_r',
  'iec60870_asdu.rawdata',
];

const stream = new TcpStream(2404);
const seg = (toServer: boolean, payload: string): Uint8Array =>
  stream.segment(toServer, hex(payload.replace(/ /g, '')));

const FRAMES = [
  ...stream.handshake(),
  seg(true, '680407000000'),
  seg(false, '68040b000000'),
  seg(true, '680443000000'),
  seg(false, '680483000000'),
  // STOPDT act and con in one segment.
  seg(true, '680413000000 680423000000'),
  // C_IC_NA_1 station interrogation, its confirmation.
  seg(true, '680e00000000 64010600 0a00 000000 14'),
  seg(false, '680e00000200 64010700 0a00 000000 14'),
  // M_SP_NA_1, three points in sequence; M_DP_NA_1.
  seg(false, '681002000200 01830300 0a00 0a0000 01 00 81'),
  seg(false, '680e04000200 03010300 0a00 0b0000 02'),
  // M_ME_NA_1 negative, M_ME_NB_1 test, M_ME_NC_1 two objects, M_IT_NA_1.
  seg(false, '681006000200 09014300 0a00 0c0000 0040 10'),
  seg(false, '681008000200 0b018300 0a00 0d0000 f6ff 00'),
  seg(false, '681a0a000200 0d020300 0a00 e80300 00004842 00 e90300 0000c0bf 80'),
  seg(false, '68120c000200 0f012500 0a00 0e0000 78563412 25'),
  // S frame.
  seg(true, '680401000e00'),
  // C_SC_NA_1, C_DC_NA_1, C_CS_NA_1 with summer time.
  seg(true, '680e02000e00 2d010600 0a00 0f0000 81'),
  seg(true, '680e04000e00 2e010600 0a00 100000 06'),
  seg(true, '681406000e00 67010600 0a00 000000 e8030a8b8e0c17'),
  // M_SP_TB_1 with CP56Time2a, M_SP_TA_1 with CP24Time2a, M_EI_NA_1.
  seg(false, '68150e000800 1e010300 0a00 640000 01 10270a0b81071a'),
  seg(false, '681110000800 02010300 0a00 650000 00 30750b'),
  seg(false, '680e12000800 46010400 0a00 000000 02'),
  // F_FR_NA_1 (shown raw), a prefix before START, short ASDUs (one with a stray byte after it, one
  // before an S frame).
  seg(false, '681514000800 78010300 0a00 110000 0102030405060708'),
  seg(true, 'ffff680401001600'),
  seg(false, '680d16000800 0d010300 0a00 e80300 00'),
  seg(false, '680e16000800 0d010300 0a00 e80300 00 680401000000'),
  // An APDU shorter than its control field.
  seg(true, '680201000000'),
  // An APDU cut over two segments.
  seg(false, '681018000800 0102'),
  seg(false, '0300 0a00 0a0000 01 00 81'),
];

describe('IEC 60870-5-104', () => {
  it('names APCI formats and ASDUs', () => {
    const d = dissectFrames(FRAMES);
    expect(d[2]?.pinfo.info).toBe('<- U (STARTDT act) ');
    expect(d[6]?.pinfo.info).toBe('<- U (STOPDT act)  | <- U (STOPDT con) ');
    expect(d[7]?.pinfo.proto).toBe('IEC 60870-5 ASDU');
    expect(d[7]?.pinfo.info).toBe('<- I (0,0) ASDU=10 C_IC_NA_1 Act     IOA=0');
  });

  it('survives mutated streams', () => fuzzFrames(FRAMES, 54, 2404));

  itAgreesWithTshark(FRAMES, FIELDS, /^(IEC 60870|\[Malformed)/);
});
