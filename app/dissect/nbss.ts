// NetBIOS Session Service (RFC 1002) on TCP 139, and the same 4-byte framing of SMB "direct
// hosted" on TCP 445 (a 24-bit length, no flags), as tshark 4.0 shows both under `nbss`. A
// session message's payload goes to SMB2 or SMB when it starts with their magic, else to data; a
// message cut by the segment end asks TCP for the rest.
import { bool, bytes, fields, hex, ipv4, names, proto, str, uint } from './field.ts';
import { dissectData } from './data.ts';
import { readNbName, SUFFIXES } from './nbns.ts';
import { DESEGMENT_ONE_MORE_SEGMENT, type PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { dissectSMB } from './smb.ts';
import { dissectSMB2 } from './smb2.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { noteFault } from './dissect.ts';
import { DepthTree } from './ip-proto.ts';

const SESSION_MESSAGE = 0x00;
const SESSION_REQUEST = 0x81;
const POSITIVE_RESPONSE = 0x82;
const NEGATIVE_RESPONSE = 0x83;
const RETARGET_RESPONSE = 0x84;
const KEEP_ALIVE = 0x85;

const TYPES = names({
  0x00: 'Session message',
  0x81: 'Session request',
  0x82: 'Positive session response',
  0x83: 'Negative session response',
  0x84: 'Retarget session response',
  0x85: 'Session keep-alive',
});
const ERRORS = names({
  0x80: 'Not listening on called name',
  0x81: 'Not listening for calling name',
  0x82: 'Called name not present',
  0x83: 'Called name present, but insufficient resources',
  0x8f: 'Unspecified error',
});

export const F = fields('nbss', {
  '': proto('NetBIOS Session Service'),
  type: hex('Message Type', 8, { strings: TYPES }),
  flags: hex('Flags', 8),
  'flags.e': bool('Extend', 8, 0x01, { tf: ['Add 65536 to length', 'Add 0 to length'] }),
  length: uint('Length', 24),
  error_code: hex('Error code', 8, { strings: ERRORS }),
  retarget_ip_address: ipv4('Retarget IP address'),
  retarget_port: uint('Retarget port', 16),
  continuation_data: bytes('Continuation data'),
  called_name: str('Called name'),
  calling_name: str('Calling name'),
});

const CIFS_PORT = 445;

/** Whether a session message at `o` carries SMB or SMB2 (a 24-bit length then). */
function carriesSmb(tvb: Tvb, o: number): boolean {
  if (tvb.remaining(o) < 8) return false;
  const b = tvb.bytes;
  return b[o] === SESSION_MESSAGE && b[o + 5] === 0x53 && b[o + 6] === 0x4d && b[o + 7] === 0x42;
}

/** The message length the 4-byte header at `o` gives. */
function messageLength(tvb: Tvb, o: number, cifs: boolean): number {
  if (cifs) return tvb.u24(o + 1);
  return tvb.u16(o + 2) + (tvb.u8(o + 1) & 1 ? 0x10000 : 0);
}

/** Whether the header at the segment's start is sane for its type (else it is a continuation). */
function plausible(type: number, flags: number, length: number): boolean {
  if ((flags & ~1) !== 0) return false;
  switch (type) {
    case SESSION_MESSAGE:
      return length !== 0;
    case SESSION_REQUEST:
      return length >= 2 && length <= 256;
    case POSITIVE_RESPONSE:
    case KEEP_ALIVE:
      return length === 0;
    case NEGATIVE_RESPONSE:
      return length === 1;
    case RETARGET_RESPONSE:
      return length === 6;
    default:
      return false;
  }
}

export function dissectNBSS(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  const end = tvb.reportedEnd;
  pinfo.setProto('NBSS');
  if (pinfo.wantInfo) pinfo.setInfo('');
  const portCifs = pinfo.srcPort === CIFS_PORT || pinfo.dstPort === CIFS_PORT;
  const type = tvb.u8(o);
  let cifs = portCifs;
  // A reassembled message is whole; a segment may start inside an earlier message.
  if (tvb.source === 0) {
    if (tvb.remaining(o) < 4) return continuation(tvb, pinfo, tree);
    cifs = carriesSmb(tvb, o);
    const flags = cifs ? 0 : tvb.u8(o + 1);
    if (!plausible(type, flags, messageLength(tvb, o, cifs))) return continuation(tvb, pinfo, tree);
  }
  if (pinfo.wantInfo) pinfo.setInfo(TYPES.get(type) ?? `Unknown (${type.toString(16).padStart(2, '0')})`);
  let p = o;
  while (p < end) {
    const left = end - p;
    if (pinfo.canDesegment && left < 4) {
      pinfo.desegmentOffset = p - o;
      pinfo.desegmentLen = DESEGMENT_ONE_MORE_SEGMENT;
      break;
    }
    const plen = messageLength(tvb, p, cifs) + 4;
    if (pinfo.canDesegment && left < plen) {
      pinfo.desegmentOffset = p - o;
      pinfo.desegmentLen = plen - left;
      break;
    }
    message(tvb.sub(p, Math.min(plen, end - p)), pinfo, tree, cifs);
    p += plen;
  }
  return tvb.remaining(o);
}

function continuation(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('nbss');
  if (pinfo.wantInfo) pinfo.setInfo('NBSS Continuation Message');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  tree.add(F.continuation_data, tvb, o, tvb.remaining(o));
  tree.pop();
  return tvb.remaining(o);
}

/** One NBSS message (`tvb` ends where it does). */
function message(tvb: Tvb, pinfo: PacketInfo, tree: Tree, cifs: boolean): void {
  const o = tvb.start;
  const type = tvb.u8(o);
  pinfo.layers.push('nbss');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  let open = true;
  try {
    tree.add(F.type, tvb, o, 1, type);
    if (cifs) {
      tree.add(F.length, tvb, o + 1, 3, tvb.u24(o + 1));
    } else {
      const flags = tvb.u8(o + 1);
      tree.push(F.flags, tvb, o + 1, 1, flags);
      tree.add(F['flags.e'], tvb, o + 1, 1, (flags & 1) !== 0);
      tree.pop();
      tree.add(F.length, tvb, o + 1, 3, tvb.u16(o + 2) + (flags & 1 ? 0x10000 : 0));
    }
    const p = o + 4;
    switch (type) {
      case SESSION_REQUEST: {
        const called = name(tvb, p, F.called_name, tree);
        const calling = name(tvb, p + called.used, F.calling_name, tree);
        if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info}, to ${called.text} from ${calling.text}`);
        break;
      }
      case NEGATIVE_RESPONSE: {
        const code = tvb.u8(p);
        tree.add(F.error_code, tvb, p, 1, code);
        if (pinfo.wantInfo)
          pinfo.setInfo(`${pinfo.info}, ${ERRORS.get(code) ?? `Unknown (${code.toString(16)})`}`);
        break;
      }
      case RETARGET_RESPONSE:
        tree.add(F.retarget_ip_address, tvb, p, 4, tvb.u32(p));
        tree.add(F.retarget_port, tvb, p + 4, 2, tvb.u16(p + 4));
        break;
      case SESSION_MESSAGE: {
        tree.pop(4);
        open = false;
        // A fault in the payload is shown and the next message still dissected (Wireshark's TRY).
        const payload = tvb.sub(p);
        const sink = tree.full ? new DepthTree(tree) : tree;
        try {
          netbiosPayload(payload, pinfo, sink);
        } catch (err) {
          sink.unwind();
          noteFault(err, payload, pinfo, tree);
        }
        break;
      }
    }
  } finally {
    if (open) tree.pop();
  }
}

/** Hands a NetBIOS payload to SMB2 or SMB by their magic (Wireshark's netbios heuristics), else data. */
export function netbiosPayload(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  if (tvb.remaining(o) >= 4) {
    const b = tvb.bytes;
    const m = b[o] as number;
    if (b[o + 1] === 0x53 && b[o + 2] === 0x4d && b[o + 3] === 0x42) {
      if (m === 0xfe || m === 0xfd || m === 0xfc) {
        dissectSMB2(tvb, pinfo, tree);
        return;
      }
      if (m === 0xff) {
        dissectSMB(tvb, pinfo, tree);
        return;
      }
    }
  }
  if (tvb.remaining(o) > 0) dissectData(tvb, pinfo, tree);
}

/** A first-level encoded NetBIOS name as Wireshark's add_name_and_type shows it. */
function name(
  tvb: Tvb,
  at: number,
  def: (typeof F)['called_name'],
  tree: Tree,
): { text: string; used: number } {
  const n = readNbName(tvb, at, at);
  tree.add(def, tvb, at, n.used, n.text);
  if (tree.full && n.suffix >= 0)
    tree.labelLast(`${def.name}: ${n.text} (${SUFFIXES.get(n.suffix) ?? 'Unknown'})`);
  return n;
}

export const nbssModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('tcpPort', 139, dissectNBSS);
    reg.register('tcpPort', CIFS_PORT, dissectNBSS);
  },
};
