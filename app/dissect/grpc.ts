// gRPC (and gRPC-Web) messages in HTTP/2 DATA, as tshark 4.0 shows them: each length-prefixed
// message as a top-level `GRPC Message` item (frame type, compressed flag, length, data), its
// body handed on as JSON when it looks like JSON (tshark's default) or else as Protocol Buffers,
// which Trawl names without decoding. A message cut at a DATA frame's end asks HTTP/2 for the
// rest (http2.ts's streaming reassembly).
import { bytes, fields, names, proto, uint } from './field.ts';
import { dissectTextLines } from './http.ts';
import { dissectJSON } from './json.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

export const F = fields('grpc', {
  '': proto('GRPC Message'),
  frame_type: uint('Frame Type', 8, { mask: 0x80, strings: names({ 0: 'Data', 1: 'Trailer' }) }),
  compressed_flag: uint('Compressed Flag', 8, {
    mask: 0x01,
    strings: names({ 0: 'Not Compressed', 1: 'Compressed' }),
  }),
  message_length: uint('Message Length', 32),
  message_data: bytes('Message Data'),
});

const PROTOBUF = fields('protobuf', { '': proto('Protocol Buffers') });

/** Content types Wireshark hands to gRPC (streaming and media type tables alike). */
export const GRPC_TYPES = [
  'application/grpc',
  'application/grpc+proto',
  'application/grpc+json',
  'application/grpc-web',
  'application/grpc-web+proto',
  'application/grpc-web-text',
  'application/grpc-web-text+proto',
];

export interface GrpcContext {
  /** The stream direction's content-type header, whole. */
  contentType: string;
  /** The media type it was dispatched by (no parameters): what trailer text is labelled with. */
  matchType: string;
  /** The request's :path, null when the stream has none. */
  path: string | null;
  isRequest: boolean;
  /** Where the Protocol column was fenced by an earlier message of this packet. */
  protoFence: string;
}

const HEAD = 5;

/**
 * dissect_grpc_common over `tvb` (items at the top level of `tree`). Returns where an unfinished
 * message starts and how many more bytes it needs (desegment), or null when all was taken.
 */
export function dissectGrpc(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  ctx: GrpcContext,
  canDesegment: boolean,
): { offset: number; length: number } | null {
  const type = ctx.contentType;
  const name = type.startsWith('application/grpc-web-text')
    ? 'GRPC-Web-Text'
    : type.startsWith('application/grpc-web')
      ? 'GRPC-Web'
      : 'GRPC';
  const start = tvb.start;
  const len = tvb.reportedEnd - start;
  let o = 0;
  let layered = false;
  while (o < len) {
    if (len - o < HEAD) {
      if (canDesegment) return { offset: o, length: HEAD - (len - o) };
      break;
    }
    const n = tvb.u32(start + o + 1);
    if (len - o < HEAD + n) {
      if (canDesegment) return { offset: o, length: HEAD + n - (len - o) };
      break;
    }
    if (!layered) {
      layered = true;
      pinfo.layers.push('grpc');
    }
    if (o === 0) {
      pinfo.setProto(ctx.protoFence + name);
      if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info} (${name})`);
      ctx.protoFence = pinfo.proto;
    }
    message(tvb, start + o, n, pinfo, tree, ctx, name);
    o += HEAD + n;
  }
  return null;
}

function message(
  tvb: Tvb,
  at: number,
  n: number,
  pinfo: PacketInfo,
  tree: Tree,
  ctx: GrpcContext,
  name: string,
): void {
  const first = tvb.u8(at);
  const trailer = (first & 0x80) !== 0;
  tree.push(F[''], tvb, at, HEAD + n);
  const side = ctx.isRequest ? 'Request' : 'Response';
  if (tree.full)
    tree.label(
      `${name} Message${ctx.path !== null ? `: ${ctx.path}, ${side}` : ''}${trailer ? ' (Trailer)' : ''}`,
    );
  tree.add(F.frame_type, tvb, at, 1, trailer ? 1 : 0);
  tree.add(F.compressed_flag, tvb, at, 1, first & 1);
  tree.add(F.message_length, tvb, at + 1, 4, n);
  if (n === 0) {
    tree.pop();
    return;
  }
  tree.add(F.message_data, tvb, at + HEAD, n);
  if (tree.full) tree.labelLast(`Message Data: ${n} bytes`);
  const body = tvb.sub(at + HEAD, n);
  // Trailers (gRPC-Web) are text lines; compressed bodies are not decoded (no zlib in app/).
  if (trailer) dissectTextLines(body, ctx.matchType, pinfo, tree);
  tree.pop();
  if (trailer || first & 1 || ctx.path === null) return;
  const b = tvb.bytes;
  const s = at + HEAD;
  let type = ctx.contentType;
  if (n > 3 && b[s] === 0x7b && (b[s + n - 1] === 0x7d || b[s + n - 2] === 0x7d || b[s + n - 3] === 0x7d))
    type = 'application/grpc+json';
  if (type === 'application/grpc+json') {
    dissectJSON(body, pinfo, tree, type);
    if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info} (${type})`);
    return;
  }
  if (
    type === 'application/grpc' ||
    type === 'application/grpc+proto' ||
    type.startsWith('application/grpc-web')
  ) {
    // Protocol Buffers without message definitions: named, not decoded.
    pinfo.layers.push('protobuf');
    if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info} (PROTOBUF)`);
    tree.push(PROTOBUF[''], body, s, n);
    if (tree.full) tree.label(`Protocol Buffers: ${ctx.path},${ctx.isRequest ? 'request' : 'response'}`);
    tree.pop();
  }
}

export const grpcModule = { fields: { ...F, protobuf: PROTOBUF[''] } };
