import { describe, expect, it } from 'vitest';
import { hexToBytes } from '../../support/dissect-hex.ts';
import { handshake, tcpFrame, type Segment } from '../../support/tcp-frames.ts';
import { dissectSegmentsWith, haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

// RPKI-RTR PDUs built here after RFC 8210 (the cache is the server on TCP 323): a serial notify,
// a cache response, IPv4 and IPv6 prefixes and an end of data in one segment, an error report
// split over two, and an unknown PDU type. Expected values are tshark 4.0.17's.
const SERIAL_NOTIFY = '0100 1234 0000000c 00000005'.replace(/ /g, '');
const CACHE_RESPONSE = '0103 1234 00000008'.replace(/ /g, '');
const IPV4_PREFIX = '0104 0000 00000014 01 18 18 00 c0000200 0000fde9'.replace(/ /g, '');
const IPV6_PREFIX = '0106 0000 00000020 01 30 30 00 20010db8000000000000000000000000 0000fde9'.replace(
  / /g,
  '',
);
const END_OF_DATA = '0107 1234 00000018 00000005 00000e10 00000258 00001c20'.replace(/ /g, '');
/** An error report (No Data Available) quoting no PDU, with the text "none". */
const ERROR_REPORT = '010a 0002 00000014 00000000 00000004 6e6f6e65'.replace(/ /g, '');
const UNKNOWN = '0164 0000 00000008'.replace(/ /g, '');

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'rpki-rtr.version',
  'rpki-rtr.pdu_type',
  'rpki-rtr.session_id',
  'rpki-rtr.length',
  'rpki-rtr.serial_number',
  'rpki-rtr.flags',
  'rpki-rtr.prefix_length',
  'rpki-rtr.max_length',
  'rpki-rtr.ipv4_prefix',
  'rpki-rtr.ipv6_prefix',
  'rpki-rtr.as_number',
  'rpki-rtr.refresh_interval',
  'rpki-rtr.retry_interval',
  'rpki-rtr.expire_interval',
  'rpki-rtr.error_code',
  'rpki-rtr.length_pdu',
  'rpki-rtr.length_text',
  'rpki-rtr.error_text',
];

const fromCache = (seq: number, hex: string): Segment => ({
  fromClient: false,
  seq,
  ack: 1001,
  payload: hexToBytes(hex),
});

const SEGMENTS: Segment[] = (() => {
  const data = SERIAL_NOTIFY + CACHE_RESPONSE + IPV4_PREFIX + IPV6_PREFIX + END_OF_DATA;
  let seq = 5001;
  const out: Segment[] = [...handshake()];
  for (const hex of [data, ERROR_REPORT.slice(0, 14), ERROR_REPORT.slice(14), UNKNOWN]) {
    out.push(fromCache(seq, hex));
    seq += hex.length / 2;
  }
  return out;
})();

describe('rpkirtr', () => {
  it('names every PDU of a segment in Info, and joins a PDU split over two segments', () => {
    const frames = dissectSegmentsWith(SEGMENTS, 323, true);
    const [, , , data, cut, rest, unknown] = frames;
    expect(data?.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:tcp:rpkirtr');
    expect([data?.pinfo.proto, data?.pinfo.info]).toEqual([
      'RPKI-RTR',
      'Serial Notify, Cache Response, IPv4 Prefix, IPv6 Prefix, End of Data',
    ]);
    expect(data?.value('rpki-rtr.ipv4_prefix')).toBe('192.0.2.0');
    expect(data?.value('rpki-rtr.as_number')).toBe('65001,65001');
    expect(cut?.pinfo.proto).toBe('TCP');
    expect(rest?.pinfo.info).toBe('Error Report');
    expect(rest?.value('rpki-rtr.error_text')).toBe('none');
    // tshark reads the bytes after an unknown type's first word as another PDU.
    expect(unknown?.pinfo.info).toBe('Unknown (100), Serial Notify[Malformed Packet]');
  });

  it.skipIf(!haveTshark)('agrees with tshark field by field', () => {
    const want = tsharkFrameRows(
      SEGMENTS.map((s) => tcpFrame(s, 323)),
      1,
      FIELDS,
    );
    expect(dissectSegmentsWith(SEGMENTS, 323, true).map((d) => trawlRow(d, FIELDS))).toEqual(want);
  });
});
