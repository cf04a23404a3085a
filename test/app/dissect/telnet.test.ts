// Telnet on a built TCP stream to port 23 against tshark. Four payloads are PcapPlusPlus's
// telnetCommand.dat, telnetCommandWithData.dat, telnetTN3270.dat and telnetData.dat
// (Tests/Packet++Test/PacketExamples); the others are built here: terminal type and window size
// suboptions, a suboption of the wrong length, one-byte commands, an escaped 0xff in data, CR NUL.
import { describe, expect, it } from 'vitest';
import { dissectFrames } from '../../support/dissect-hex.ts';
import { fuzzFrames, hex, TcpStream, itAgreesWithTshark } from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  '_ws.expert',
  'telnet.data',
  'telnet.cmd',
  'telnet.subcmd',
  'telnet.option_data',
  'telnet.string_subopt.value',
  'telnet.naws_subopt.width',
  'telnet.naws_subopt.height',
  'telnet.auth.cmd',
  'telnet.auth.type',
  'telnet.auth.krb5.cmd',
];

const stream = new TcpStream(23);
const seg = (toServer: boolean, payload: string): Uint8Array => stream.segment(toServer, hex(payload));
const ascii = (s: string): string => Buffer.from(s, 'latin1').toString('hex');

const FRAMES = [
  ...stream.handshake(),
  seg(false, 'fffb03fffd18fffd1ffffd20fffd21fffd22fffa22010bfff0'),
  seg(
    false,
    'fffa25020f0004fff00d0a' +
      ascii(
        'Telnet server could not log you in using NTLM authentication.\r\nYour password may have expired.\r\n',
      ) +
      ascii('Login using username and password\r\n\r\nWelcome to Microsoft Telnet Service \r\n\n\rlogin: '),
  ),
  seg(false, 'fffd00fffb001100064000f1c2000501ffff02ffef'),
  seg(false, '0d0a4f70656e4253442f6933383620286f6f662920287474797032290d0a0d0a'),
  // Terminal type IS "XTERM", window size 80x24, a window size of 3 bytes, commands.
  seg(true, 'fffa1800' + ascii('XTERM') + 'fff0fffa1f00500018fff0fffa1f005000fff0fff1fff6fff9'),
  // Data with an escaped 0xff, a CR NUL line end, and a bare CR.
  seg(true, ascii('ab') + 'ffff' + ascii('c\r') + '00' + ascii('next\rline\n')),
];

describe('Telnet', () => {
  it('shows commands and text lines', () => {
    const d = dissectFrames(FRAMES);
    expect(d[2]?.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:tcp:telnet');
    expect(d[2]?.pinfo.proto).toBe('TELNET');
    expect(d[2]?.pinfo.info).toBe('Telnet Data ...');
  });

  it('survives mutated streams', () => fuzzFrames(FRAMES, 54, 23));

  itAgreesWithTshark(FRAMES, FIELDS, /^Telnet/);
});
