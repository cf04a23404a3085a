// HTTP/1.x on real captures and on built segments: request and status lines, headers, bodies by
// Content-Length and chunked coding, request/response pairing, the heuristic on other ports.
import { describe, expect, it } from 'vitest';
import { dissectFile } from '../../support/dissect-file.ts';
import { dissectSegments, handshake, tcpFrame, type Segment } from '../../support/tcp-frames.ts';
import { dissectSegmentsWith, haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

describe('HTTP on real captures', () => {
  it('reads a request line and its headers (pcpp__TwoHttpRequests.pcap)', async () => {
    const [f1] = await dissectFile('pcpp__TwoHttpRequests.pcap');
    expect(f1!.pinfo.proto).toBe('HTTP');
    expect(f1!.pinfo.info).toBe('GET /home/0,7340,L-8,00.html HTTP/1.1 ');
    expect(f1!.value('http.request.method')).toBe('GET');
    expect(f1!.value('http.request.uri')).toBe('/home/0,7340,L-8,00.html');
    expect(f1!.value('http.request.version')).toBe('HTTP/1.1');
    expect(f1!.value('http.host')).toBe('www.ynet.co.il');
    expect(f1!.value('http.request.full_uri')).toBe('http://www.ynet.co.il/home/0,7340,L-8,00.html');
    expect(f1!.value('http.request.line').split(',')[0]).toBe('Host: www.ynet.co.il\\r\\n');
    expect(f1!.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:tcp:http');
  });

  it('pairs responses with requests and names the body type (packetnet__ipv6_http.pcap)', async () => {
    const frames = await dissectFile('packetnet__ipv6_http.pcap');
    const resp = frames[5]!;
    expect(resp.value('http.response.code')).toBe('200');
    expect(resp.value('http.response.phrase')).toBe('OK');
    expect(resp.value('http.request_in')).toBe('4');
    expect(resp.value('http.time')).toMatch(/^0\.\d{9}$/);
    expect(resp.pinfo.info).toBe('HTTP/1.1 200 OK  (text/html)');
    expect(resp.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ipv6:tcp:http:data-text-lines');
  });
});

describe('HTTP on built segments', () => {
  const request = 'GET /c HTTP/1.1\r\nHost: h\r\n\r\n';
  const ack = 1001 + request.length;

  it('de-chunks a chunked body spread over segments', () => {
    const resp =
      'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n' +
      '5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n';
    const cut = resp.indexOf('7\r\n');
    const d = dissectSegments([
      ...handshake(),
      { fromClient: true, seq: 1001, ack: 5001, payload: request },
      { fromClient: false, seq: 5001, ack, payload: resp.slice(0, cut) },
      { fromClient: false, seq: 5001 + cut, ack, payload: resp.slice(cut) },
    ]);
    expect(d[4]!.pinfo.proto).toBe('TCP');
    const last = d[5]!;
    expect(last.pinfo.info).toBe('HTTP/1.1 200 OK  (text/plain)');
    expect(last.value('http.transfer_encoding')).toBe('chunked');
    expect(last.value('http.chunk_size')).toBe('5,7,0');
    expect(last.value('http.file_data')).toBe('hello, world');
    expect(last.pinfo.sources.map((s) => s.name)).toEqual([
      `Reassembled TCP (${resp.length} bytes)`,
      'De-chunked entity body',
    ]);
  });

  it('finds HTTP on another port by its first line and keeps the stream', () => {
    const body = 'z'.repeat(100);
    const resp = `HTTP/1.1 404 Not Found\r\nServer: t\r\nContent-Length: ${body.length}\r\n\r\n`;
    const d = dissectSegments(
      [
        ...handshake(),
        { fromClient: true, seq: 1001, ack: 5001, payload: request },
        { fromClient: false, seq: 5001, ack, payload: resp + body.slice(0, 40) },
        { fromClient: false, seq: 5001 + resp.length + 40, ack, payload: body.slice(40) },
      ],
      8000,
    );
    expect(d[3]!.value('http.request.method')).toBe('GET');
    expect(d[4]!.pinfo.info).toBe('HTTP/1.1 404 Not Found  [TCP segment of a reassembled PDU]');
    expect(d[5]!.value('http.response.code')).toBe('404');
    expect(d[5]!.value('http.server')).toBe('t');
    expect(d[5]!.value('http.response_for.uri')).toBe('http://h/c');
  });

  it('leaves other payloads on unknown ports alone', () => {
    const d = dissectSegments(
      [...handshake(), { fromClient: true, seq: 1001, ack: 5001, payload: 'hello there\r\n' }],
      9999,
    );
    expect(d[3]!.pinfo.proto).toBe('TCP');
    expect(d[3]!.pinfo.layers.at(-1)).toBe('data');
  });
});

describe('HTTP on port 80 before the stream carried a request', () => {
  const FIELDS = ['_ws.col.Protocol', '_ws.col.Info', 'frame.protocols'];
  const garbage = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x1d, 0x01, 0x04, 0xfe, 0x09]);
  const request = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';
  const response = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';
  const cases: Record<string, Segment[]> = {
    'bytes that are not HTTP, first': [{ fromClient: true, seq: 1, ack: 1, payload: garbage }],
    'after a handshake': [...handshake(), { fromClient: true, seq: 1001, ack: 5001, payload: garbage }],
    'after a response without a request': [
      { fromClient: false, seq: 1, ack: 1, payload: response },
      { fromClient: false, seq: 1 + response.length, ack: 1, payload: garbage },
    ],
    'after a request': [
      { fromClient: true, seq: 1, ack: 1, payload: request },
      { fromClient: false, seq: 1, ack: 1 + request.length, payload: garbage },
    ],
  };
  for (const [what, segments] of Object.entries(cases)) {
    for (const reassemble of [true, false]) {
      it(`${what} (reassembly ${reassemble ? 'on' : 'off'}): as tshark shows it`, () => {
        const ours = dissectSegmentsWith(segments, 80, reassemble).map((d) => trawlRow(d, FIELDS));
        const last = ours[ours.length - 1];
        expect(last?.[0]).toBe(what === 'after a request' ? 'HTTP' : 'TCP');
        expect(last?.[2]).toBe(
          what === 'after a request' ? 'eth:ethertype:ip:tcp:http:data' : 'eth:ethertype:ip:tcp',
        );
        if (haveTshark && reassemble)
          expect(ours).toEqual(
            tsharkFrameRows(
              segments.map((s) => tcpFrame(s, 80)),
              1,
              FIELDS,
            ),
          );
      });
    }
  }
});
