// Real-Time Transport Protocol (RFC 3550) on the UDP ports an SDP body announced (Wireshark's
// rtp_add_address: tshark 4.0 tries no RTP heuristic by default), with the setup frame, the
// header fields and the payload. RTCP goes on the next port up (rtcp.ts).
import { formatIPv4, formatIPv6 } from '../format/address.ts';
import { noteFault } from './dissect.ts';
import { FieldType, bool, bytes, fields, hex, names, proto, str, uint } from './field.ts';
import { ipLayer } from './ip-proto.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const PAYLOAD_TYPES: Record<number, string> = {
  0: 'ITU-T G.711 PCMU',
  1: 'USA Federal Standard FS-1016',
  2: 'ITU-T G.721',
  3: 'GSM 06.10',
  4: 'ITU-T G.723',
  5: 'DVI4 8000 samples/s',
  6: 'DVI4 16000 samples/s',
  7: 'Experimental linear predictive encoding from Xerox PARC',
  8: 'ITU-T G.711 PCMA',
  9: 'ITU-T G.722',
  10: '16-bit uncompressed audio, stereo',
  11: '16-bit uncompressed audio, monaural',
  12: 'Qualcomm Code Excited Linear Predictive coding',
  13: 'Comfort noise',
  14: 'MPEG-I/II Audio',
  15: 'ITU-T G.728',
  16: 'DVI4 11025 samples/s',
  17: 'DVI4 22050 samples/s',
  18: 'ITU-T G.729',
  19: 'Comfort noise (old)',
  25: 'Sun CellB video encoding',
  26: 'JPEG-compressed video',
  28: "'nv' program",
  31: 'ITU-T H.261',
  32: 'MPEG-I/II Video',
  33: 'MPEG-II transport streams',
  34: 'ITU-T H.263',
};

/** The name tshark gives a payload type (`DynamicRTP-Type-96` for the dynamic range). */
export function payloadTypeName(pt: number): string {
  const known = PAYLOAD_TYPES[pt];
  if (known) return known;
  if (pt >= 96 && pt <= 127) return `DynamicRTP-Type-${pt}`;
  return `Unknown (${pt})`;
}

const PT_NAMES = names(PAYLOAD_TYPES);

/** The fields RTP and RTCP both have: how the stream was set up, and the first byte's version and padding. */
export const MEDIA_FIELDS = {
  setup: str('Stream setup', { generated: true }),
  'setup-frame': { name: 'Setup frame', type: FieldType.FrameNum, generated: true },
  'setup-method': str('Setup Method', { generated: true }),
  version: uint('Version', 8, {
    mask: 0xc0,
    strings: names({ 0: 'Old VAT Version', 1: 'First Draft Version', 2: 'RFC 1889 Version' }),
  }),
  padding: bool('Padding', 8, 0x20, { tf: ['True', 'False'] }),
};

const F = fields('rtp', {
  '': proto('Real-Time Transport Protocol'),
  ...MEDIA_FIELDS,
  ext: bool('Extension', 8, 0x10, { tf: ['True', 'False'] }),
  cc: uint('Contributing source identifiers count', 8, { mask: 0x0f }),
  marker: bool('Marker', 8, 0x80, { tf: ['True', 'False'] }),
  // Wireshark adds the masked value itself: its label shows no bit pattern.
  p_type: uint('Payload type', 8, { strings: PT_NAMES }),
  seq: uint('Sequence number', 16),
  extseq: uint('Extended sequence number', 32, { generated: true }),
  timestamp: uint('Timestamp', 32),
  ssrc: hex('Synchronization Source identifier', 32, { base: 'hex_dec' }),
  'csrc.item': hex('CSRC item', 32, { base: 'hex_dec' }),
  payload: bytes('Payload'),
  'padding.data': bytes('Padding data'),
  'padding.count': uint('Padding count', 8),
});

/** SIP's generated Call-ID, which Wireshark repeats under the RTP setup (one field with sip.ts's). */
const SIP_CALL_ID = fields('sip', {
  call_id_generated: str('Generated Call-ID', { generated: true }),
}).call_id_generated;

/** An endpoint an SDP body announced, and what it carries. */
export interface MediaStream {
  /** The frame shown as the setup frame. */
  frame: number;
  /** The frame whose SDP set the stream up: datagrams before it are not RTP. */
  since: number;
  /** The SIP Call-ID, shown under the setup (Wireshark's generated Call-ID). */
  callId: string;
  /** RTP or RTCP. */
  rtcp: boolean;
  encodings: ReadonlyMap<number, string>;
}

interface RtpState {
  /** By `address:port` text. */
  streams: Map<string, MediaStream>;
  /** Highest extended sequence number seen per SSRC and direction, for rtp.extseq. */
  seq: Map<string, number>;
}

const newState = (): RtpState => ({ streams: new Map(), seq: new Map() });

/** Sets up RTP at `address:port` and RTCP at the next port, as SDP does in Wireshark. */
export function addMediaStream(
  pinfo: PacketInfo,
  address: string,
  port: number,
  encodings: ReadonlyMap<number, string>,
  frame: number,
  callId: string,
): void {
  const st = pinfo.state.of<RtpState>('rtp', newState);
  const since = pinfo.meta.number;
  st.streams.set(`${address}:${port}`, { frame, since, rtcp: false, encodings, callId });
  st.streams.set(`${address}:${port + 1}`, { frame, since, rtcp: true, encodings, callId });
}

function addressText(source: boolean): string {
  const l = ipLayer;
  const at = source ? l.src : l.dst;
  if (l.kind === 4) {
    const b = l.bytes;
    return formatIPv4(
      ((b[at] as number) * 0x1000000 +
        (((b[at + 1] as number) << 16) | ((b[at + 2] as number) << 8) | (b[at + 3] as number))) >>>
        0,
    );
  }
  return formatIPv6(l.bytes, at);
}

/** The stream an SDP set up for this datagram's source or destination endpoint, if any. */
export function streamOf(pinfo: PacketInfo): MediaStream | undefined {
  if (ipLayer.kind === 0) return undefined;
  const st = pinfo.state.of<RtpState>('rtp', newState);
  if (st.streams.size === 0) return undefined;
  const dst = st.streams.get(`${addressText(false)}:${pinfo.dstPort}`);
  if (dst && dst.since <= pinfo.meta.number) return dst;
  const src = st.streams.get(`${addressText(true)}:${pinfo.srcPort}`);
  return src && src.since <= pinfo.meta.number ? src : undefined;
}

export function dissectRTP(tvb: Tvb, pinfo: PacketInfo, tree: Tree, stream?: MediaStream): number {
  const o = tvb.start;
  const b0 = tvb.bytes[o] ?? 0;
  if (b0 >> 6 !== 2 || tvb.remaining(o) < 12) return 0;
  pinfo.layers.push('rtp');
  pinfo.setProto('RTP');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  let info = '';
  try {
    if (stream) {
      tree.push(F.setup, tvb, o, 0, `SDP (frame ${stream.frame})`);
      if (tree.full) tree.label(`[Stream setup by SDP (frame ${stream.frame})]`);
      tree.add(F['setup-frame'], tvb, o, 0, stream.frame);
      tree.add(F['setup-method'], tvb, o, 0, 'SDP');
      if (stream.callId) tree.add(SIP_CALL_ID, tvb, o, 0, stream.callId);
      tree.pop();
    }
    const b1 = tvb.u8(o + 1);
    const cc = b0 & 0x0f;
    tree.add(F.version, tvb, o, 1, b0 >> 6);
    tree.add(F.padding, tvb, o, 1, (b0 & 0x20) !== 0);
    tree.add(F.ext, tvb, o, 1, (b0 & 0x10) !== 0);
    tree.add(F.cc, tvb, o, 1, cc);
    tree.add(F.marker, tvb, o + 1, 1, (b1 & 0x80) !== 0);
    const pt = b1 & 0x7f;
    const ptName = stream?.encodings.get(pt) && pt >= 96 ? payloadTypeName(pt) : payloadTypeName(pt);
    tree.add(F.p_type, tvb, o + 1, 1, pt);
    if (tree.full && !PAYLOAD_TYPES[pt]) tree.labelLast(`Payload type: ${ptName} (${pt})`);
    const seq = tvb.u16(o + 2);
    tree.add(F.seq, tvb, o + 2, 2, seq);
    const ssrc = tvb.u32(o + 8);
    tree.add(F.extseq, tvb, o + 2, 2, extendedSeq(pinfo, ssrc, seq));
    const ts = tvb.u32(o + 4);
    tree.add(F.timestamp, tvb, o + 4, 4, ts);
    tree.add(F.ssrc, tvb, o + 8, 4, ssrc);
    info = `PT=${ptName}, SSRC=0x${ssrc.toString(16).toUpperCase()}, Seq=${seq}, Time=${ts}${b1 & 0x80 ? ', Mark' : ''}`;
    let off = o + 12;
    for (let i = 0; i < cc; i++, off += 4) tree.add(F['csrc.item'], tvb, off, 4, tvb.u32(off));
    let end = tvb.reportedEnd;
    if (b0 & 0x20) {
      const count = tvb.u8(end - 1);
      end -= count;
    }
    if (end > off) tree.add(F.payload, tvb, off, Math.min(end, tvb.end) - off);
    if (b0 & 0x20 && end < tvb.reportedEnd) {
      if (tvb.reportedEnd - end > 1) tree.add(F['padding.data'], tvb, end, tvb.reportedEnd - end - 1);
      tree.add(F['padding.count'], tvb, tvb.reportedEnd - 1, 1, tvb.u8(tvb.reportedEnd - 1));
    }
  } catch (err) {
    if (pinfo.wantInfo) pinfo.setInfo(info);
    tree.unwind();
    noteFault(err, tvb, pinfo, tree);
    return tvb.remaining(o);
  }
  tree.pop();
  if (pinfo.wantInfo) pinfo.setInfo(info);
  return tvb.remaining(o);
}

/** Wireshark's extended sequence number: wraps of the 16-bit number counted per SSRC. */
function extendedSeq(pinfo: PacketInfo, ssrc: number, seq: number): number {
  const st = pinfo.state.of<RtpState>('rtp', newState);
  const key = `${ssrc}`;
  const last = st.seq.get(key);
  let ext = 0x10000 + seq;
  if (last !== undefined) {
    const cycles = last & ~0xffff;
    ext = cycles + seq;
    if (ext < last - 0x8000) ext += 0x10000;
    else if (ext > last + 0x8000) ext -= 0x10000;
  }
  if (last === undefined || ext > last) st.seq.set(key, ext);
  return ext;
}

/** RTP where an SDP set it up (Wireshark's conversation dissector), nothing else. */
function heuristic(tvb: Tvb, pinfo: PacketInfo, tree: Tree): boolean {
  const b0 = tvb.bytes[tvb.start] ?? 0;
  if (b0 >> 6 !== 2) return false;
  const stream = streamOf(pinfo);
  if (!stream || stream.rtcp) return false;
  return dissectRTP(tvb, pinfo, tree, stream) > 0;
}

export const rtpModule = {
  fields: { ...F, call_id_generated: SIP_CALL_ID },
  handoff(reg: Registry): void {
    reg.heuristics.udp.unshift(heuristic);
  },
};
