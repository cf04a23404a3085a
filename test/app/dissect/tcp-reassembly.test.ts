// TCP reassembly (Wireshark's desegment_pdus) on a real capture and on built segments: messages
// spanning segments, several in one segment, duplicates and out-of-order data, and the same
// answer when a frame is dissected again.
import { describe, expect, it } from 'vitest';
import { dissect } from '../../../app/dissect/dissect.ts';
import { defaultRegistry } from '../../../app/dissect/modules.ts';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { Msp } from '../../../app/dissect/tcp-reassembly.ts';
import { FullTree } from '../../../app/dissect/tree.ts';
import { dissectFile, frameOf } from '../../support/dissect-file.ts';
import { metaFor } from '../../support/dissect-hex.ts';
import { dissectSegments, handshake, tcpFrame } from '../../support/tcp-frames.ts';

describe('TCP reassembly on a real capture (pcpp__four_ipv6_http_streams.pcap)', () => {
  it('marks the first segment and dissects the response on the frame that completes it', async () => {
    const frames = await dissectFile('pcpp__four_ipv6_http_streams.pcap');
    const f5 = frames[4]!;
    expect(f5.pinfo.proto).toBe('TCP');
    expect(f5.pinfo.info).toBe('HTTP/1.1 200 OK  [TCP segment of a reassembled PDU]');
    expect(f5.value('tcp.reassembled_in')).toBe(''); // not known yet on the first pass
    expect(f5.value('tcp.segment_data')).not.toBe('');
    const f7 = frames[6]!;
    expect(f7.pinfo.proto).toBe('HTTP');
    expect(f7.pinfo.info).toBe('HTTP/1.1 200 OK  (text/html)');
    expect(f7.value('tcp.segment')).toBe('5,7');
    expect(f7.value('tcp.segment.count')).toBe('2');
    expect(f7.value('tcp.reassembled.length')).toBe('2291');
    expect(f7.pinfo.sources.map((s) => s.name)).toEqual(['Reassembled TCP (2291 bytes)']);
    expect(f7.nodes('http.response.code')[0]).toMatchObject({ source: 1, offset: 9, length: 3 });
    // A response over three segments with a pure ACK between them.
    expect(frames[21]!.value('tcp.segment')).toBe('19,20,22');
    expect(frames[19]!.pinfo.info).toMatch(
      /Len=1408 TSval=\d+ TSecr=\d+ \[TCP segment of a reassembled PDU\]$/,
    );
  });

  it('gives the second-pass answer when frames are dissected again', async () => {
    const path = 'pcpp__four_ipv6_http_streams.pcap';
    const state = new CaptureState();
    const registry = defaultRegistry();
    const first = await dissectFile(path);
    // Replay the first pass into our own state, then revisit frames 5 and 7.
    const bytes = first.map((f) => f.pinfo.bytes);
    const metas = first.map((f) => f.pinfo.meta);
    // A revisit reads the segments of a reassembled message back from their frames, as the engine
    // reads them from the file.
    state.frameBytes = (n) => bytes[n - 1] ?? null;
    metas.forEach((m, i) => dissect(registry, m, bytes[i]!, new FullTree(), state, { wantInfo: true }));
    const again = (n: number): ReturnType<typeof frameOf> => {
      const tree = new FullTree();
      const pinfo = dissect(registry, metas[n - 1]!, bytes[n - 1]!, tree, state, { wantInfo: true });
      return frameOf(pinfo, tree);
    };
    const f5 = again(5);
    expect(f5.value('tcp.reassembled_in')).toBe('7');
    expect(f5.pinfo.proto).toBe('TCP');
    expect(f5.pinfo.info).toMatch(
      /^80 → 35995 \[ACK\] Seq=1 Ack=349 .* \[TCP segment of a reassembled PDU\]$/,
    );
    for (let i = 0; i < 2; i++) {
      const f7 = again(7);
      expect(f7.value('tcp.segment')).toBe('5,7');
      expect(f7.value('http.response.code')).toBe('200');
      expect(f7.value('http.request_in')).toBe('4');
    }
    expect(again(4).value('http.response_in')).toBe('7');
  });

  it('does nothing of the kind with reassembly off', async () => {
    const frames = await dissectFile('pcpp__four_ipv6_http_streams.pcap', { reassemble: false });
    expect(frames[4]!.pinfo.proto).toBe('HTTP');
    expect(frames[4]!.pinfo.info).toBe('HTTP/1.1 200 OK  (text/html)');
    expect(frames[6]!.pinfo.info).toBe('Continuation');
    expect(frames[6]!.value('tcp.segment')).toBe('');
  });
});

describe('TCP reassembly on built segments', () => {
  const request = 'GET /index.html HTTP/1.1\r\nHost: example.test\r\nUser-Agent: t\r\n\r\n';

  it('reassembles headers spread over three segments', () => {
    const [a, b, c] = [request.slice(0, 10), request.slice(10, 30), request.slice(30)];
    const d = dissectSegments([
      ...handshake(),
      { fromClient: true, seq: 1001, ack: 5001, payload: a },
      { fromClient: true, seq: 1011, ack: 5001, payload: b },
      { fromClient: true, seq: 1031, ack: 5001, payload: c },
    ]);
    expect(d[3]!.pinfo.proto).toBe('TCP');
    expect(d[4]!.pinfo.info).toMatch(/\[TCP segment of a reassembled PDU\]$/);
    expect(d[5]!.pinfo.proto).toBe('HTTP');
    expect(d[5]!.value('tcp.segment')).toBe('4,5,6');
    expect(d[5]!.value('http.host')).toBe('example.test');
    expect(d[5]!.value('http.request.full_uri')).toBe('http://example.test/index.html');
  });

  it('dissects several messages in one segment, and the start of the next one', () => {
    const two = request + request.replace('/index.html', '/b');
    const d = dissectSegments([
      ...handshake(),
      { fromClient: true, seq: 1001, ack: 5001, payload: two + 'GET /c HT' },
      { fromClient: true, seq: 1001 + two.length + 9, ack: 5001, payload: 'TP/1.1\r\nHost: x\r\n\r\n' },
    ]);
    expect(d[3]!.pinfo.info).toBe('GET /index.html HTTP/1.1 GET /b HTTP/1.1 GET /c HT ');
    expect(d[3]!.value('http.request.uri')).toBe('/index.html,/b');
    expect(d[3]!.pinfo.proto).toBe('HTTP');
    expect(d[4]!.value('http.request.uri')).toBe('/c');
    expect(d[4]!.value('tcp.segment')).toBe('4,5');
  });

  it('ignores a duplicate segment and completes a message whose parts came out of order', () => {
    const body = 'y'.repeat(2500);
    const all = `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const ack = 1001 + request.length;
    const d = dissectSegments([
      ...handshake(),
      { fromClient: true, seq: 1001, ack: 5001, payload: request },
      { fromClient: false, seq: 5001, ack, payload: all.slice(0, 1000) },
      { fromClient: false, seq: 7001, ack, payload: all.slice(2000) },
      { fromClient: false, seq: 6001, ack, payload: all.slice(1000, 2000) },
      { fromClient: false, seq: 5001, ack, payload: all.slice(0, 1000) },
    ]);
    // The second and third parts swapped, then the first again. The out-of-order part completes
    // the message, but tshark 4.0 (tcp.no_subdissector_on_error, out-of-order reassembly off)
    // hands nothing of an out-of-order segment to HTTP, as http-ooo.pcap of its tests shows.
    expect(d[5]!.pinfo.proto).toBe('TCP');
    expect(d[6]!.pinfo.info).toMatch(/^\[TCP Out-Of-Order\] 80 → \d+ \[PSH, ACK\] Seq=1001 /);
    expect(d[6]!.pinfo.proto).toBe('TCP');
    expect(d[6]!.value('http.response.code')).toBe('');
    expect(d[6]!.value('tcp.segment')).toBe('5,7,6');
    expect(d[6]!.value('tcp.reassembled.length')).toBe(String(all.length));
    expect(d[7]!.pinfo.info).toMatch(/^\[TCP Retransmission\] /);
    expect(d[7]!.value('http.response.code')).toBe('');
  });

  it('waits for a body by Content-Length and shows the response on its last segment', () => {
    const body = 'x'.repeat(3000);
    const head = `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n`;
    const all = head + body;
    const d = dissectSegments([
      ...handshake(),
      { fromClient: true, seq: 1001, ack: 5001, payload: request },
      { fromClient: false, seq: 5001, ack: 1001 + request.length, payload: all.slice(0, 1400) },
      { fromClient: false, seq: 6401, ack: 1001 + request.length, payload: all.slice(1400, 2800) },
      { fromClient: false, seq: 7801, ack: 1001 + request.length, payload: all.slice(2800) },
    ]);
    expect(d[4]!.pinfo.info).toBe('HTTP/1.1 200 OK  [TCP segment of a reassembled PDU]');
    expect(d[5]!.pinfo.info).toMatch(/Len=1400 \[TCP segment of a reassembled PDU\]$/);
    expect(d[6]!.pinfo.info).toBe('HTTP/1.1 200 OK  (text/plain)');
    expect(d[6]!.value('tcp.reassembled.length')).toBe(String(all.length));
    expect(d[6]!.value('http.content_length')).toBe('3000');
    expect(d[6]!.value('http.request_in')).toBe('4');
  });

  it('keeps a segment when the payload is cut by the snaplen: no reassembly', () => {
    const frame = tcpFrame({ fromClient: true, seq: 1, ack: 1, payload: request.slice(0, 20) });
    const state = new CaptureState();
    const tree = new FullTree();
    const cut = frame.subarray(0, frame.length - 5);
    const meta = { ...metaFor(cut, 1), origLen: frame.length };
    const pinfo = dissect(defaultRegistry(), meta, cut, tree, state, { wantInfo: true });
    expect(pinfo.proto).toBe('HTTP');
  });
});

describe('Msp', () => {
  it('assembles only without gaps, refuses bytes it already has, and reads itself back', () => {
    // Each segment's bytes sit at offset 2 of its frame.
    const frames = new Map<number, Uint8Array>([
      [1, Uint8Array.of(0, 0, 1, 2, 3, 4)],
      [3, Uint8Array.of(0, 0, 7, 8, 9, 10)],
      [5, Uint8Array.of(0, 0, 5, 6)],
    ]);
    const part = (n: number): Uint8Array => (frames.get(n) as Uint8Array).subarray(2);
    const m = new Msp(100, 110, false, 1);
    expect(m.add(1, 100, part(1), 2)).toBe(true);
    expect(m.add(3, 106, part(3), 2)).toBe(true);
    expect(m.assemble()).toBeNull();
    expect(m.add(4, 100, part(1), 2)).toBe(false);
    expect(m.add(5, 104, part(5), 2)).toBe(true);
    const whole = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    expect(m.assemble()).toEqual(whole);
    expect(m.spans().map((s) => s.frame)).toEqual([1, 5, 3]);
    m.data = m.assemble();
    m.release();
    expect(m.data).toBeNull();
    expect(m.readBack((n) => frames.get(n) ?? null)).toEqual(whole);
    expect(m.readBack((n) => (n === 5 ? null : (frames.get(n) ?? null)))).toBeNull();
  });

  it('keeps a message with a piece from another data source', () => {
    const m = new Msp(0, 4, false, 1);
    m.add(1, 0, Uint8Array.of(1, 2, 3, 4), -1);
    m.data = m.assemble();
    m.release();
    expect(m.data).toEqual(Uint8Array.of(1, 2, 3, 4));
  });
});
