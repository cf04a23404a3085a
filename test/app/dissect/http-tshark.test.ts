// HTTP/1.x and what it hands on (content codings, forms, WebSocket) against tshark 4.0 on built
// captures (test/fixtures/http-*.pcap, written by a small TCP-flow builder with right sequence
// numbers): the columns and fields of every frame, and the `-V` trees of the HTTP layers.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { treeLines } from '../../../main/cli/print.ts';
import { blocks, dissectFixture, fixture, haveTshark, mismatches } from '../../support/tshark-oracle.ts';

/** Trawl's `-V` text of a fixture, made in this process (no built CLI needed). */
async function ourVerbose(file: string): Promise<string> {
  const frames = await dissectFixture(file, true);
  return frames
    .map((d) => treeLines(d.tree.roots, { dataHex: true, protocols: null }).join('\n'))
    .join('\n\n');
}

function tsharkVerbose(file: string): string {
  return spawnSync('tshark', ['-r', file, '-V'], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout;
}

/** The `-V` blocks headed by `heads` from both, frame by frame, leaving out the frames in `skip`. */
async function treesOfBoth(
  name: string,
  heads: RegExp,
  skip: readonly number[] = [],
): Promise<{ trawl: string; tshark: string }> {
  const file = fixture(name);
  const pick = (out: string): string =>
    blocks(out, heads)
      .split(/\n(?=Frame \d+$)/m)
      .filter((b) => !skip.includes(Number(/^Frame (\d+)/.exec(b)?.[1])))
      .join('\n');
  return { trawl: pick(await ourVerbose(file)), tshark: pick(tsharkVerbose(file)) };
}

const COLUMNS = ['_ws.col.Protocol', '_ws.col.Info', 'frame.protocols'];

const HTTP_FIELDS = [
  ...COLUMNS,
  'http.request.method',
  'http.request.uri',
  'http.request.full_uri',
  'http.response.code',
  'http.authbasic',
  'http.file_data',
  'http.request_in',
  'http.response_in',
  'http.prev_request_in',
  'http.next_response_in',
  'http.time',
  'http.cookie_pair',
  'http.chunked_trailer_part',
  'http.sec_websocket_key',
  'http.request.line',
  'http.response.line',
  'urlencoded-form.key',
  'urlencoded-form.value',
  'data.data',
];

const WS_FIELDS = [
  ...COLUMNS,
  'websocket.fin',
  'websocket.rsv',
  'websocket.opcode',
  'websocket.mask',
  'websocket.payload_length',
  'websocket.payload_length_ext_16',
  'websocket.payload_length_ext_64',
  'websocket.masking_key',
  'websocket.payload.text',
  'websocket.payload.close.status_code',
  'websocket.payload.close.reason',
  'websocket.payload.ping',
  'websocket.payload.pong',
  'websocket.payload.unknown',
  'websocket.fragment',
  'websocket.fragment.count',
  'websocket.reassembled.length',
  'tcp.pdu.size',
  'tcp.reassembled_in',
];

/** The `Content-Encoding: br` response, which tshark 4.0 decodes and Trawl does not. */
const BROTLI_FRAME = 45;

const HTTP_HEADS = /^(Hypertext|HTML Form|Line-based|JavaScript|Data|Media)/;
const WS_HEADS = /^(WebSocket|Line-based|\[\d+ Reassembled websocket)/;

describe.skipIf(!haveTshark)('HTTP against tshark', () => {
  it.each([
    'http-mixed.pcap',
    'http-bodies.pcap',
    'http-content-encoding.pcap',
    'http-form.pcap',
    'http-continuation.pcap',
  ])('agrees field by field on %s', async (name) => {
    // `br` (Brotli) is decoded by tshark only; the HTTP/1.0 body read to the FIN is not reassembled.
    const skip = (frame: number, field: string): boolean =>
      (name === 'http-content-encoding.pcap' && frame === BROTLI_FRAME) ||
      (name === 'http-mixed.pcap' && [42, 44].includes(frame)) ||
      (name === 'http-bodies.pcap' &&
        ([35, 36].includes(frame) || (frame === 21 && field !== 'http.file_data')));
    expect(await mismatches(fixture(name), HTTP_FIELDS, true, skip)).toEqual([]);
  });

  it.each(['http-content-encoding.pcap', 'http-form.pcap', 'http-continuation.pcap', 'http-mixed.pcap'])(
    'draws the same HTTP trees on %s',
    async (name) => {
      const skip =
        name === 'http-content-encoding.pcap' ? [BROTLI_FRAME] : name === 'http-mixed.pcap' ? [42, 44] : [];
      const t = await treesOfBoth(name, HTTP_HEADS, skip);
      expect(t.trawl).toBe(t.tshark);
    },
  );
});

describe.skipIf(!haveTshark)('WebSocket against tshark', () => {
  it.each(['http-websocket.pcap', 'http-websocket-close.pcap'])(
    'agrees field by field on %s',
    async (name) => {
      expect(await mismatches(fixture(name), WS_FIELDS, true)).toEqual([]);
    },
  );

  it.each(['http-websocket.pcap', 'http-websocket-close.pcap'])(
    'draws the same trees on %s',
    async (name) => {
      const t = await treesOfBoth(name, WS_HEADS);
      expect(t.trawl).toBe(t.tshark);
    },
  );
});
