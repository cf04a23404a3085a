// ONC RPC (RFC 5531) over UDP and TCP, as tshark 4.0 finds and shows it: on port 111 and by its
// heuristic on any port (a call with RPC version 2 and a program tshark knows, a reply whose XID
// matches a call of the same conversation), TCP record marking with records reassembled across
// segments, AUTH_NULL/AUTH_UNIX credentials, and replies paired with their calls. The programs
// (Portmap, MOUNT, NFS) register their procedures here from their own modules' handoff.
import { noteFault } from './dissect.ts';
import { dissectData } from './data.ts';
import { bool, bytes, fields, hex, names, proto, text, uint, FieldType, type FieldDef } from './field.ts';
import { DepthTree, expert } from './ip-proto.ts';
import { AddrKind, type PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { setConversationDissector, tcpLayer } from './tcp.ts';
import { stringValue } from './text-format.ts';
import { FrameMap } from './frame-map.ts';
import { NULL_TREE, type FieldNode, type Tree } from './tree.ts';
import { MalformedError, TruncatedError, Tvb } from './tvb.ts';
import { firstPass } from './ip-proto.ts';
import { formatDelta } from '../format/time.ts';

const MSG_TYPES = names({ 0: 'Call', 1: 'Reply' });
const REPLY_STATES = names({ 0: 'accepted', 1: 'denied' });
export const AUTH_FLAVORS = names({
  0: 'AUTH_NULL', 1: 'AUTH_UNIX', 2: 'AUTH_SHORT', 3: 'AUTH_DES', 4: 'AUTH_RSA/Gluster', 6: 'RPCSEC_GSS',
  300001: 'AUTH_GSSAPI', 390003: 'RPCSEC_GSS_KRB5', 390004: 'RPCSEC_GSS_KRB5I', 390005: 'RPCSEC_GSS_KRB5P',
  390006: 'RPCSEC_GSS_LIPKEY', 390007: 'RPCSEC_GSS_LIPKEY_I', 390008: 'RPCSEC_GSS_LIPKEY_P',
  390009: 'RPCSEC_GSS_SPKM3', 390010: 'RPCSEC_GSS_SPKM3I', 390011: 'RPCSEC_GSS_SPKM3P', 390039: 'AUTH_GLUSTERFS',
}); // prettier-ignore
const ACCEPT_STATES = names({
  0: 'RPC executed successfully',
  1: "remote hasn't exported program",
  2: "remote can't support version #",
  3: "program can't support procedure",
  4: "procedure can't decode params",
  5: 'system errors like memory allocation failure',
});
const REJECT_STATES = names({ 0: 'RPC_MISMATCH', 1: 'AUTH_ERROR' });
const AUTH_STATES = names({
  1: 'bad credential (seal broken)',
  2: 'client must begin new session',
  3: 'bad verifier (seal broken)',
  4: 'verifier expired or replayed',
  5: 'rejected for security reasons',
  13: 'GSS credential problem',
  14: 'GSS context problem',
});
const GSS_PROCS = names({
  0: 'RPCSEC_GSS_DATA',
  1: 'RPCSEC_GSS_INIT',
  2: 'RPCSEC_GSS_CONTINUE_INIT',
  3: 'RPCSEC_GSS_DESTROY',
});
const GSS_SERVICES = names({
  1: 'rpcsec_gss_svc_none',
  2: 'rpcsec_gss_svc_integrity',
  3: 'rpcsec_gss_svc_privacy',
});

const u32 = (name: string, extra: Parameters<typeof uint>[2] = {}): ReturnType<typeof uint> =>
  uint(name, 32, extra);
const frameNum = (name: string): { name: string; type: FieldType; generated: true } => ({
  name,
  type: FieldType.FrameNum,
  generated: true,
});

export const F = fields('rpc', {
  '': proto('Remote Procedure Call'),
  _fraghdr: text('Fragment header'),
  lastfrag: bool('Last Fragment', 32, 0x80000000, { tf: ['Yes', 'No'] }),
  fraglen: u32('Fragment Length', { mask: 0x7fffffff }),
  xid: { name: 'XID', type: FieldType.UInt, base: 'hex_dec', bits: 32 },
  msgtyp: u32('Message Type', { strings: MSG_TYPES }),
  version: u32('RPC Version'),
  'version.min': u32('RPC Version (Minimum)'),
  'version.max': u32('RPC Version (Maximum)'),
  program: u32('Program'),
  programversion: u32('Program Version'),
  'programversion.min': u32('Program Version (Minimum)'),
  'programversion.max': u32('Program Version (Maximum)'),
  procedure: u32('Procedure'),
  replystat: u32('Reply State', { strings: REPLY_STATES }),
  state_accept: u32('Accept State', { strings: ACCEPT_STATES }),
  state_reject: u32('Reject State', { strings: REJECT_STATES }),
  state_auth: u32('Auth State', { strings: AUTH_STATES }),
  _cred: text('Credentials'),
  _verf: text('Verifier'),
  'auth.flavor': u32('Flavor', { strings: AUTH_FLAVORS }),
  'auth.length': u32('Length'),
  'auth.stamp': hex('Stamp', 32),
  'auth.machinename': { name: 'Machine Name', type: FieldType.String },
  'auth.uid': u32('UID'),
  'auth.gid': u32('GID'),
  _gids: text('Auxiliary GIDs'),
  'authgss.version': u32('GSS Version'),
  'authgss.procedure': u32('GSS Procedure', { strings: GSS_PROCS }),
  'authgss.seqnum': u32('GSS Sequence Number'),
  'authgss.service': u32('GSS Service', { strings: GSS_SERVICES }),
  _context: text('GSS Context'),
  'authgss.context.length': u32('GSS Context Length'),
  'authgss.context': bytes('GSS Context'),
  reqframe: frameNum('Request Frame'),
  repframe: frameNum('Reply Frame'),
  time: { name: 'Time from request', type: FieldType.RelTime, generated: true },
  dup: text('Duplicate Call/Reply'),
  'call.dup': { name: 'Duplicate to the call in', type: FieldType.FrameNum },
  'reply.dup': frameNum('Duplicate to the reply in'),
  value_follows: bool('Value Follows', 0, 0, { tf: ['Yes', 'No'] }),
  _program: text('Program'),
  'array.len': u32('num'),
  array_no_values: text('no values'),
  _string: text('String'),
  opaque_length: u32('length'),
  fill_bytes: bytes('fill bytes'),
  opaque_data: bytes('opaque data'),
  argument_length: u32('Argument length'),
  continuation_data: bytes('Continuation data'),
  fragment_data: bytes('Fragment Data'),
  unknown_body: text('Unknown RPC call/reply body'),
  fragments: text('RPC Fragments'),
  fragment: frameNum('RPC Fragment'),
  'fragment.count': u32('Fragment count', { generated: true }),
  'reassembled.length': u32('Reassembled RPC length', { generated: true }),
  cannot_dissect: text('Cannot dissect'),
});

/** Every program tshark 4.0 has a dissector for (its heuristic accepts only these), by short name. */
const PROGRAM_NAMES = names({
  100000: 'Portmap', 100001: 'RSTAT', 100003: 'NFS', 100004: 'YPSERV', 100005: 'MOUNT', 100007: 'YPBIND',
  100008: 'RWALL', 100009: 'YPPASSWD', 100011: 'RQUOTA', 100012: 'SPRAY', 100020: 'KLM', 100021: 'NLM',
  100024: 'STAT', 100026: 'BOOTPARAMS', 100069: 'YPXFR', 100227: 'NFSACL', 100231: 'NFSAUTH',
  100232: 'SADMIND', 100300: 'NIS+', 100302: 'NIS+ CB', 150001: 'PCNFSD', 200048: 'STAT-CB',
  390512: 'CLEARCASE', 391004: 'SGI MOUNT', 1001911: 'FMP', 1001912: 'FMP/NOTIFY', 2112: 'KADM5',
  0x2f00dbad: 'HCLNFSD', 0x40000000: 'NFS CB', 0x20400034: 'TEKLINK', 0x0607af: 'VXI-11 Core',
  0x0607b0: 'VXI-11 Async', 0x0607b1: 'VXI-11 Intr', 1238463: 'Gluster CLI', 34123456: 'Gluster Portmap',
  123451501: 'Gluster Dump', 1238433: 'GlusterD Management', 4867634: 'GlusterD Brick',
  1238437: 'GlusterD Friend', 1298437: 'GlusterFS', 14398633: 'GlusterFS Handshake',
  52743234: 'GlusterFS Callback',
}); // prettier-ignore

/** tshark's rpc_prog_name: a program's short name, `Unknown` for one it has no dissector for. */
export function rpcProgName(prog: number): string {
  return PROGRAM_NAMES.get(prog) ?? 'Unknown';
}

/** One message's call as its reply sees it (Wireshark's rpc_call_info_value). */
export interface RpcCall {
  xid: number;
  prog: number;
  vers: number;
  proc: number;
  /** Frame of the call (0 for none seen) and of its first reply (0 until seen). */
  req: number;
  rep: number;
  sec: number;
  nsec: number;
  /** Where the call's body would be dissected (GSS-API data the dissector cannot read is not). */
  flavor: Flavor;
  /** What a program's call body remembers for its reply (NFS names, Portmap protocols). */
  data?: unknown;
  /** Set while dissecting a call, clear while dissecting a reply. */
  request: boolean;
}

const enum Flavor {
  Unknown,
  NotGss,
  GssNoInfo,
  Gss,
  AuthGssApi,
  AuthGssApiMsg,
}

/** A procedure's call and reply bodies; a body reads from `x.p` and moves it on. */
export interface RpcProc {
  name: string;
  call?: (x: Xdr) => void;
  reply?: (x: Xdr) => void;
}

export interface RpcVersion {
  /** The program's generated procedure field (`nfs.procedure_v3`). */
  procField: FieldDef;
  procs: ReadonlyMap<number, RpcProc>;
}

export interface RpcProgram {
  prog: number;
  /** The protocol field of the program's subtree (`nfs`) and its layer in frame.protocols. */
  proto: FieldDef;
  layer: string;
  versions: ReadonlyMap<number, RpcVersion>;
}

/** Programs with dissectors, per registry (filled by their modules' handoff, never on import). */
const PROGRAMS = new WeakMap<Registry, Map<number, RpcProgram>>();

export function registerRpcProgram(reg: Registry, program: RpcProgram): void {
  let m = PROGRAMS.get(reg);
  if (!m) PROGRAMS.set(reg, (m = new Map()));
  m.set(program.prog, program);
}

function programOf(pinfo: PacketInfo, prog: number): RpcProgram | undefined {
  return PROGRAMS.get(pinfo.registry)?.get(prog);
}

/** tshark's rpc_proc_name: the procedure's name, `proc-N` where the program has none for it. */
export function rpcProcName(pinfo: PacketInfo, prog: number, vers: number, proc: number): string {
  return programOf(pinfo, prog)?.versions.get(vers)?.procs.get(proc)?.name ?? `proc-${proc}`;
}

/** XDR's padding to a multiple of four, with C's 32-bit wrap (0xfffffffd and up become 0). */
export const roundup = (n: number): number => ((n + 3) & ~3) >>> 0;

/**
 * A cursor over one call or reply body: the helpers program dissectors use (Wireshark's
 * dissect_rpc_uint32, _string, _data, _bool, _list), and what they add to Info and to the label
 * of their protocol item.
 */
export class Xdr {
  /** Text after the program's protocol name in its item label (`, GETATTR Call FH: 0x…`). */
  label = '';
  /** Info is not for the body's writing (an indirect call's arguments). */
  infoLocked = false;

  constructor(
    readonly tvb: Tvb,
    public p: number,
    readonly pinfo: PacketInfo,
    public tree: Tree,
    readonly call: RpcCall,
  ) {}

  info(s: string): void {
    if (!this.infoLocked && this.pinfo.wantInfo) this.pinfo.setInfo(this.pinfo.info + s);
  }

  peek(at = this.p): number {
    return this.tvb.u32(at);
  }

  u32(def: FieldDef): number {
    const v = this.tvb.u32(this.p);
    this.tree.add(def, this.tvb, this.p, 4, v);
    this.p += 4;
    return v;
  }

  u64(def: FieldDef): bigint {
    const v = this.tvb.u64(this.p);
    this.tree.add(def, this.tvb, this.p, 8, v);
    this.p += 8;
    return v;
  }

  bool(def: FieldDef): boolean {
    const v = this.tvb.u32(this.p) !== 0;
    this.tree.add(def, this.tvb, this.p, 4, v);
    this.p += 4;
    return v;
  }

  /** An XDR string (counted, padded): a `Name: text` subtree with length, contents, fill bytes. */
  string(def: FieldDef): string {
    return this.opaque(def, true, -1);
  }

  /** XDR variable-length opaque data (`Name: <DATA>`), or fixed-length with `fixed` ≥ 0. */
  data(def: FieldDef, fixed = -1): string {
    return this.opaque(def, false, fixed);
  }

  /** Wireshark's dissect_rpc_opaque_data: what is there is shown before a short string throws. */
  private opaque(def: FieldDef, isString: boolean, fixed: number): string {
    const { tvb, tree } = this;
    const start = this.p;
    const len = fixed >= 0 ? fixed : tvb.u32(start);
    const at = fixed >= 0 ? start : start + 4;
    const captured = tvb.remaining(at);
    const reported = tvb.reportedRemaining(at);
    let copy = len;
    let fill = roundup(len) - len;
    let fillCopy = fill;
    let fillTruncated = false;
    let fault: Error | null = null;
    if (captured < len) {
      copy = captured;
      fill = 0;
      fillCopy = 0;
      fault =
        reported < len ? new MalformedError('Malformed Packet', at + copy) : new TruncatedError(at + copy);
    } else if (tvb.remaining(at + len) < fill) {
      fillCopy = tvb.reportedRemaining(at + len);
      fillTruncated = true;
      fault =
        fillCopy < fill ? new MalformedError('Malformed Packet', at + len) : new TruncatedError(at + len);
      fillCopy = Math.min(fillCopy, tvb.remaining(at + len));
    }
    const b = tvb.bytes;
    const sv = isString ? stringValue(b, at, at + copy, true) : null;
    let shown: string;
    if (len === 0) shown = '<EMPTY>';
    else if (sv) shown = copy !== len ? `${sv.label}<TRUNCATED>` : sv.label;
    else shown = copy !== len ? '<DATA><TRUNCATED>' : '<DATA>';
    tree.push(F._string, tvb, start, at + copy + fillCopy - start);
    if (tree.full) tree.label(`${def.name}: ${shown}`);
    if (fixed < 0) tree.add(F.opaque_length, tvb, start, 4, len);
    tree.add(def, tvb, at, copy, sv ? sv.field : undefined);
    if (tree.full) tree.labelLast(`contents: ${shown}`);
    if (fill > 0 && fillCopy >= 0) {
      tree.add(F.fill_bytes, tvb, at + copy, fillCopy);
      if (tree.full) tree.labelLast(`fill bytes: opaque data${fillTruncated ? '<TRUNCATED>' : ''}`);
    }
    tree.pop();
    this.p = at + copy + fillCopy;
    if (fault) throw fault;
    return shown;
  }

  /** Wireshark's dissect_rpc_list: `Value Follows` before each element, then a last `No`. */
  list(each: (x: Xdr) => void): void {
    for (;;) {
      const follows = this.tvb.u32(this.p);
      this.tree.add(F.value_follows, this.tvb, this.p, 4, follows !== 0);
      this.p += 4;
      if (follows !== 1) return;
      each(this);
    }
  }

  /** Wireshark's dissect_rpc_array: a subtree of `def` with `num` and the elements. */
  array(def: FieldDef, each: (x: Xdr) => void): void {
    const { tvb, tree } = this;
    const start = this.p;
    const n = tvb.u32(start);
    tree.push(def, tvb, start, 0);
    if (n === 0) {
      tree.add(F.array_no_values, tvb, start, 4);
      this.p += 4;
      tree.pop(4);
      return;
    }
    this.u32(F['array.len']);
    for (let i = 0; i < n; i++) each(this);
    tree.pop(this.p - start);
  }
}

/** One conversation's calls by XID. */
type Calls = Map<number, RpcCall>;

/** What the first pass learned about a frame, for revisits. */
interface Seen {
  call: RpcCall;
  /** The original of a repeated call or reply, 0 when this is it. */
  dup: number;
}

class RpcState {
  readonly convs = new Map<number | string, Calls>();
  /** Per record in a frame (frames with several records keep an array). */
  readonly byFrame = new FrameMap<Seen[]>();
  /** Records being put together from fragments, per TCP stream and direction. */
  readonly partial = new Map<number, Part[]>();
  /** The records a frame completed, for revisits. */
  readonly records = new FrameMap<Part[][]>();
  /** Where in each frame's payload fragments that completed no record start, for revisits. */
  readonly partialFrames = new FrameMap<number[]>();
}

const newState = (): RpcState => new RpcState();

/** An IPv4 address and port as one number (no allocation), anything else as text. */
function endpointKey(pinfo: PacketInfo, addrAt: number, port: number): number | string {
  const b = pinfo.bytes;
  if (pinfo.netKind === AddrKind.IPv4) {
    const a =
      (b[addrAt] as number) * 0x1000000 +
      (((b[addrAt + 1] as number) << 16) | ((b[addrAt + 2] as number) << 8) | (b[addrAt + 3] as number));
    return a * 65536 + port;
  }
  let s = `${pinfo.netKind}:`;
  const n = pinfo.netKind === AddrKind.IPv6 ? 16 : 0;
  for (let i = 0; i < n; i++) s += (b[addrAt + i] as number).toString(16).padStart(2, '0');
  return `${s}:${port}`;
}

/** The conversation a call belongs to: the TCP stream, or on UDP its client address and server port. */
function callKey(pinfo: PacketInfo, tcp: boolean): number | string {
  if (tcp) return -1 - pinfo.conversation;
  return endpointKey(pinfo, pinfo.netSrc, pinfo.dstPort);
}

/** The conversation of a reply: the TCP stream, or on UDP the call's client address and server port. */
function replyKey(pinfo: PacketInfo, tcp: boolean): number | string {
  if (tcp) return -1 - pinfo.conversation;
  return endpointKey(pinfo, pinfo.netDst, pinfo.srcPort);
}

function isTcp(pinfo: PacketInfo): boolean {
  return pinfo.conversation >= 0 && pinfo.conversation % 2 === 1;
}

/** tshark's looks_like_rpc_call: RPC version 2 and a program it knows. */
function looksLikeCall(tvb: Tvb, o: number): boolean {
  if (!tvb.has(o, 16)) return false;
  return tvb.u32(o + 8) === 2 && PROGRAM_NAMES.has(tvb.u32(o + 12));
}

/** tshark's looks_like_rpc_reply: the XID of a call seen in the conversation. */
function looksLikeReply(tvb: Tvb, o: number, pinfo: PacketInfo): RpcCall | null {
  const st = pinfo.state.of('rpc', newState);
  const seen = st.byFrame.get(pinfo.meta.number);
  if (seen) {
    // A revisit: the record with this XID (frames hold one record each, nearly always).
    const xid = tvb.u32(o);
    for (const s of seen) if (s.call.xid === xid && !s.call.request) return s.call;
  }
  if (st.convs.size === 0) return null;
  const calls = st.convs.get(replyKey(pinfo, isTcp(pinfo)));
  return calls?.get(tvb.u32(o)) ?? null;
}

/** The TCP record a message came in, for its fragment header. */
interface Record {
  rm: number;
  /** The record's own bytes (mark included) when the message is in one fragment. */
  frag: Tvb;
  /** Show the fragment's bytes under its header (a record put together from several). */
  withData: boolean;
  /** The frames and lengths of the fragments of a record put together from several. */
  parts?: readonly Part[];
}

interface Part {
  frame: number;
  bytes: Uint8Array;
}

/**
 * Wireshark's dissect_rpc_message: false (having added nothing) unless the bytes at `o` are a call
 * of a known program or a reply to a call seen.
 */
function dissectMessage(
  tvb: Tvb,
  o: number,
  pinfo: PacketInfo,
  tree: Tree,
  rec: Record | null,
  first: boolean,
  canDefragment: boolean,
): boolean {
  if (!tvb.has(o, 8)) return false;
  const msgType = tvb.u32(o + 4);
  let reply: RpcCall | null = null;
  if (msgType === 0) {
    if (!looksLikeCall(tvb, o)) return false;
  } else if (msgType === 1) {
    reply = looksLikeReply(tvb, o, pinfo);
    if (!reply) return false;
  } else {
    return false;
  }
  // A fragment that is not the record's last waits for the rest.
  if (rec && !(rec.rm & 0x80000000) && canDefragment) return true;
  pushLayer(pinfo);
  pinfo.setProto('RPC');
  const st = pinfo.state.of('rpc', newState);
  const frame = pinfo.meta.number;
  const full = tree.full;
  const xid = tvb.u32(o);
  const msgName = msgType === 0 ? 'Call' : 'Reply';
  tree.push(F[''], tvb, tvb.start, 0);
  if (full) tree.label(`Remote Procedure Call, Type:${msgName} XID:0x${xid.toString(16).padStart(8, '0')}`);
  if (rec) showFragHeader(rec, tree);
  tree.add(F.xid, tvb, o, 4, xid);
  tree.add(F.msgtyp, tvb, o + 4, 4, msgType);
  let p = o + 8;
  let call: RpcCall;
  let dup = 0;
  let dissectBody = true;
  const revisit = st.byFrame.get(frame);
  const tcp = isTcp(pinfo);
  let infoText: string;
  if (msgType === 0) {
    tree.add(F.version, tvb, p, 4, tvb.u32(p));
    const prog = tvb.u32(p + 4);
    const progName = rpcProgName(prog);
    tree.add(F.program, tvb, p + 4, 4, prog);
    if (full) tree.labelLast(`Program: ${progName} (${prog})`);
    pinfo.setProto(progName);
    const vers = tvb.u32(p + 8);
    tree.add(F.programversion, tvb, p + 8, 4, vers);
    const proc = tvb.u32(p + 12);
    let procName = rpcProcName(pinfo, prog, vers, proc);
    let flavor = Flavor.Unknown;
    if (tvb.has(p + 16, 4)) {
      const cred = tvb.u32(p + 16);
      if (cred === 6) flavor = tvb.has(p + 28, 8) ? Flavor.Gss : Flavor.GssNoInfo;
      else if (cred === 300001) {
        if (tvb.has(p + 28, 4)) {
          if (tvb.u32(p + 28) !== 0) {
            flavor = Flavor.AuthGssApiMsg;
            procName = AUTHGSSAPI_PROCS.get(proc) ?? `Unknown (${proc})`;
          } else flavor = Flavor.AuthGssApi;
        }
      } else flavor = Flavor.NotGss;
    }
    tree.add(F.procedure, tvb, p + 12, 4, proc);
    if (full) tree.labelLast(`Procedure: ${procName} (${proc})`);
    infoText =
      vers === 4 && prog === 100003 && procName === 'COMPOUND'
        ? `V${vers} Call`
        : `V${vers} ${procName} Call`;
    const found = revisit?.find((s) => s.call.xid === xid && s.call.request !== false);
    if (found) {
      call = found.call;
      dup = found.dup;
    } else {
      const key = callKey(pinfo, tcp);
      let calls = st.convs.get(key);
      if (!calls) st.convs.set(key, (calls = new Map()));
      const known = calls.get(xid);
      if (known) {
        call = known;
        if (known.req !== frame) dup = known.req;
      } else {
        const m = pinfo.meta;
        call = {
          xid,
          prog,
          vers,
          proc,
          req: frame,
          rep: 0,
          sec: m.tsSec,
          nsec: m.tsNsec,
          flavor,
          request: true,
        };
        calls.set(xid, call);
      }
      remember(st, frame, { call, dup });
    }
    if (tcp && tcpLayer.stream >= 0) setConversationDissector(pinfo, tcpLayer.stream, dissectRpcTcp);
    if (dup) {
      infoText = `[RPC retransmission of #${dup}]${infoText}`;
      tree.add(F.dup, tvb, tvb.start, 0, 1);
      tree.add(F['call.dup'], tvb, tvb.start, 0, dup);
    }
    if (call.rep) infoText += ` (Reply In ${call.rep})`;
    if (call.rep) {
      tree.add(F.reqframe, tvb, tvb.start, 0, call.rep);
      if (full) tree.labelLast(`[The reply to this request is in frame ${call.rep}]`);
    }
    setMessageInfo(pinfo, first, infoText);
    p += 16;
    p = credentials(tvb, p, pinfo, tree);
    p = verifier(tvb, p, pinfo, tree);
    call.request = true;
  } else {
    call = reply as RpcCall;
    const { prog, vers, proc } = call;
    let procName = rpcProcName(pinfo, prog, vers, proc);
    if (call.flavor === Flavor.AuthGssApiMsg) procName = AUTHGSSAPI_PROCS.get(proc) ?? '(null)';
    const known = PROGRAM_NAMES.get(prog);
    const progName = known ?? 'Unknown';
    if (known) pinfo.setProto(known);
    infoText =
      vers === 4 && prog === 100003 && procName === 'COMPOUND'
        ? `V${vers} Reply`
        : `V${vers} ${procName} Reply`;
    tree.add(F.program, tvb, tvb.start, 0, prog, 1);
    if (full) tree.labelLast(`[Program: ${progName} (${prog})]`);
    tree.add(F.programversion, tvb, tvb.start, 0, vers, 1);
    if (full) tree.labelLast(`[Program Version: ${vers}]`);
    tree.add(F.procedure, tvb, tvb.start, 0, proc, 1);
    if (full) tree.labelLast(`[Procedure: ${procName} (${proc})]`);
    const replyState = tvb.u32(p);
    tree.add(F.replystat, tvb, p, 4, replyState);
    p += 4;
    if (call.req) {
      tree.add(F.repframe, tvb, tvb.start, 0, call.req);
      if (full) tree.labelLast(`[This is a reply to a request in frame ${call.req}]`);
      if (full || tree.wants(F.time)) {
        const m = pinfo.meta;
        const delta = formatDelta(m.tsSec, m.tsNsec, call.sec, call.nsec);
        tree.add(F.time, tvb, p, 0, delta);
        if (full) tree.labelLast(`[Time from request: ${delta} seconds]`);
      }
      infoText += ` (Call In ${call.req})`;
    }
    const found = revisit?.find((s) => s.call === call);
    if (found) dup = found.dup;
    else {
      if (call.rep === 0) call.rep = frame;
      else if (call.rep !== frame) dup = call.rep;
      remember(st, frame, { call, dup });
    }
    if (dup) {
      infoText = `[RPC duplicate of #${dup}]${infoText}`;
      tree.add(F.dup, tvb, tvb.start, 0, 1);
      if (full) tree.labelLast('[Duplicate Call/Reply]');
      tree.add(F['reply.dup'], tvb, tvb.start, 0, dup);
    }
    setMessageInfo(pinfo, first, infoText);
    if (replyState === 0) {
      p = verifier(tvb, p, pinfo, tree);
      const accept = tvb.u32(p);
      tree.add(F.state_accept, tvb, p, 4, accept);
      p += 4;
      if (accept === 2) {
        tree.add(F['programversion.min'], tvb, p, 4, tvb.u32(p));
        tree.add(F['programversion.max'], tvb, p + 4, 4, tvb.u32(p + 4));
        p += 8;
      }
      if (accept !== 0) dissectBody = false;
    } else if (replyState === 1) {
      const reject = tvb.u32(p);
      tree.add(F.state_reject, tvb, p, 4, reject);
      p += 4;
      if (reject === 0) {
        tree.add(F['version.min'], tvb, p, 4, tvb.u32(p));
        tree.add(F['version.max'], tvb, p + 4, 4, tvb.u32(p + 4));
        p += 8;
      } else if (reject === 1) {
        tree.add(F.state_auth, tvb, p, 4, tvb.u32(p));
        p += 4;
      }
      dissectBody = false;
    } else {
      dissectBody = false;
    }
    call.request = false;
  }
  // The header ends here; a length that ran past the data is an error now, as in tshark.
  tvb.need(p, 0);
  if (!dissectBody) {
    dissectData(tvb.sub(p), pinfo, tree);
    tree.pop(p - tvb.start);
    return true;
  }
  tree.pop(p - tvb.start);
  body(tvb, p, pinfo, tree, call, msgType === 0);
  return true;
}

const AUTHGSSAPI_PROCS = names({
  0: 'AUTH_GSSAPI_EXIT',
  1: 'AUTH_GSSAPI_INIT',
  2: 'AUTH_GSSAPI_CONTINUE_INIT',
  3: 'AUTH_GSSAPI_MSG',
  4: 'AUTH_GSSAPI_DESTROY',
});

function remember(st: RpcState, frame: number, seen: Seen): void {
  const list = st.byFrame.get(frame);
  if (list) list.push(seen);
  else st.byFrame.set(frame, [seen]);
}

/** The first message of a frame replaces Info; later ones follow `  ; `. */
function setMessageInfo(pinfo: PacketInfo, first: boolean, text: string): void {
  if (!pinfo.wantInfo) return;
  pinfo.setInfo(first ? text : `${pinfo.info}  ; ${text}`);
}

/** The program's subtree and its body (Wireshark's tail of dissect_rpc_message). */
function body(tvb: Tvb, p: number, pinfo: PacketInfo, tree: Tree, call: RpcCall, isCall: boolean): void {
  const program = programOf(pinfo, call.prog);
  const version = program?.versions.get(call.vers);
  const procInfo = version?.procs.get(call.proc);
  const flavor = call.flavor;
  const full = tree.full;
  let open = false;
  let node: FieldNode | null = null;
  if (flavor !== Flavor.AuthGssApiMsg) {
    if (program) {
      tree.push(program.proto, tvb, p, tvb.remaining(p));
      node = tree.current();
    } else {
      tree.push(F._program, tvb, p, tvb.remaining(p));
    }
    open = true;
    if (!program && full) tree.label(rpcProgName(call.prog));
    tree.add(F.programversion, tvb, tvb.start, 0, call.vers, 1);
    if (full) tree.labelLast(`[Program Version: ${call.vers}]`);
    if (version) {
      tree.add(version.procField, tvb, tvb.start, 0, call.proc, 1);
    } else {
      tree.add(F.procedure, tvb, tvb.start, 0, call.proc, 1);
      if (full)
        tree.labelLast(`[Procedure: ${rpcProcName(pinfo, call.prog, call.vers, call.proc)} (${call.proc})]`);
    }
  }
  const close = (label?: string): void => {
    if (open) tree.pop(undefined, label);
  };
  if (tvb.reportedRemaining(p) === 0) {
    close(program && full ? program.proto.name : undefined);
    return;
  }
  if (flavor === Flavor.Unknown || flavor === Flavor.GssNoInfo) {
    const msg =
      flavor === Flavor.Unknown
        ? 'Unknown authentication flavor - cannot dissect'
        : 'GSS-API authentication, but procedure and service unknown - cannot dissect';
    expert(pinfo, tree, tvb, p, tvb.remaining(p), 'Warning', 'Undecoded', msg);
    close();
    return;
  }
  if (flavor === Flavor.NotGss && program && procInfo) {
    const fn = isCall ? procInfo.call : procInfo.reply;
    const x = new Xdr(tvb, p, pinfo, tree, call);
    if (fn) {
      const layers = pinfo.layers.length;
      pinfo.layers.push(program.layer);
      const saved = pinfo.currentProto;
      pinfo.currentProto = PROGRAM_NAMES.get(call.prog) ?? saved;
      try {
        fn(x);
      } catch (err) {
        // The fault shows where tshark shows it: inside the program's subtree, named after it.
        if (node) node.label = `${program.proto.name}${x.label}`;
        throw err;
      }
      pinfo.currentProto = saved;
      // A body that took nothing leaves no layer (Wireshark drops a dissector that added nothing).
      if (x.p === p) pinfo.layers.length = layers;
    }
    p = x.p;
    if (tvb.reportedRemaining(p) > 0) dissectData(tvb.sub(p), pinfo, tree);
    close(full ? `${program.proto.name}${x.label}` : undefined);
    return;
  }
  // RPCSEC_GSS and AUTH_GSSAPI bodies are tokens tshark hands to GSS-API: shown as data here.
  dissectData(tvb.sub(p), pinfo, tree);
  close(program && full ? program.proto.name : undefined);
}

/** Credentials: flavor, length (rounded up, as tshark shows it) and AUTH_UNIX or RPCSEC_GSS fields. */
function credentials(tvb: Tvb, p: number, pinfo: PacketInfo, tree: Tree): number {
  const flavor = tvb.u32(p);
  const length = roundup(tvb.u32(p + 4));
  tree.push(F._cred, tvb, p, 8 + length);
  if (tree.full) tree.label('Credentials');
  tree.add(F['auth.flavor'], tvb, p, 4, flavor);
  tree.add(F['auth.length'], tvb, p + 4, 4, length);
  try {
    if (flavor === 1) authUnix(tvb, p + 8, pinfo, tree);
    else if (flavor === 6) authGss(tvb, p + 8, pinfo, tree);
    else if (length > 0) {
      tvb.need(p + 8, length);
      tree.add(F.opaque_data, tvb, p + 8, length);
    }
  } finally {
    tree.pop();
  }
  return p + 8 + length;
}

/** A verifier: as credentials, but AUTH_NULL shows its length and other flavors only theirs. */
function verifier(tvb: Tvb, p: number, pinfo: PacketInfo, tree: Tree): number {
  const flavor = tvb.u32(p);
  const length = roundup(tvb.u32(p + 4));
  tree.push(F._verf, tvb, p, 8 + length);
  if (tree.full) tree.label('Verifier');
  tree.add(F['auth.flavor'], tvb, p, 4, flavor);
  try {
    if (flavor === 1) {
      tree.add(F['auth.length'], tvb, p + 4, 4, length);
      authUnix(tvb, p + 8, pinfo, tree);
    } else if (flavor === 6) {
      // A GSS checksum: its length and bytes.
      const x = new Xdr(tvb, p + 4, pinfo, tree, DUMMY_CALL);
      x.data(F.opaque_data);
    } else {
      tree.add(F['auth.length'], tvb, p + 4, 4, length);
      if (length > 0) {
        tvb.need(p + 8, length);
        tree.add(F.opaque_data, tvb, p + 8, length);
      }
    }
  } finally {
    tree.pop();
  }
  return p + 8 + length;
}

const DUMMY_CALL: RpcCall = {
  xid: 0,
  prog: 0,
  vers: 0,
  proc: 0,
  req: 0,
  rep: 0,
  sec: 0,
  nsec: 0,
  flavor: Flavor.NotGss,
  request: false,
};

function authUnix(tvb: Tvb, p: number, pinfo: PacketInfo, tree: Tree): void {
  tree.add(F['auth.stamp'], tvb, p, 4, tvb.u32(p));
  const x = new Xdr(tvb, p + 4, pinfo, tree, DUMMY_CALL);
  x.string(F['auth.machinename']);
  x.u32(F['auth.uid']);
  x.u32(F['auth.gid']);
  const at = x.p;
  const n = tvb.u32(at);
  tree.push(F._gids, tvb, at, 4 + n * 4);
  let label = `Auxiliary GIDs (${n})`;
  const shown: number[] = [];
  for (let i = 0; i < n; i++) {
    const g = tvb.u32(at + 4 + i * 4);
    tree.add(F['auth.gid'], tvb, at + 4 + i * 4, 4, g);
    if (i < 16) shown.push(g);
  }
  if (n > 0) label += ` [${shown.join(', ')}${n > 16 ? '...' : ''}]`;
  tree.pop(undefined, tree.full ? label : undefined);
}

function authGss(tvb: Tvb, p: number, pinfo: PacketInfo, tree: Tree): void {
  tree.add(F['authgss.version'], tvb, p, 4, tvb.u32(p));
  tree.add(F['authgss.procedure'], tvb, p + 4, 4, tvb.u32(p + 4));
  tree.add(F['authgss.seqnum'], tvb, p + 8, 4, tvb.u32(p + 8));
  tree.add(F['authgss.service'], tvb, p + 12, 4, tvb.u32(p + 12));
  const at = p + 16;
  const len = tvb.u32(at);
  tree.push(F._context, tvb, at, 4 + roundup(len));
  if (tree.full) tree.label('GSS Context');
  tree.add(F['authgss.context.length'], tvb, at, 4, len);
  tvb.need(at + 4, len);
  tree.add(F['authgss.context'], tvb, at + 4, len);
  tree.pop();
  void pinfo;
}

/** `Fragment header: Last fragment, 140 bytes` with its two fields (Wireshark's show_rpc_fragheader). */
function showFragHeader(rec: Record, tree: Tree): void {
  const { frag, rm } = rec;
  const len = rm & 0x7fffffff;
  tree.push(F._fraghdr, frag, frag.start, 4);
  if (tree.full)
    tree.label(
      `Fragment header: ${rm & 0x80000000 ? 'Last fragment, ' : ''}${len} ${len === 1 ? 'byte' : 'bytes'}`,
    );
  tree.add(F.lastfrag, frag, frag.start, 4, (rm & 0x80000000) !== 0);
  tree.add(F.fraglen, frag, frag.start, 4, len);
  tree.pop();
  if (rec.withData) tree.add(F.fragment_data, frag, frag.start + 4, frag.remaining(frag.start + 4));
  const parts = rec.parts;
  if (!parts) return;
  let total = 0;
  const list: string[] = [];
  for (const part of parts) {
    list.push(`#${part.frame}(${part.bytes.length})`);
    total += part.bytes.length;
  }
  tree.push(F.fragments, frag, frag.start, 0);
  if (tree.full) tree.label(`[${parts.length} RPC Fragments (${total} bytes): ${list.join(', ')}]`);
  let at = 0;
  for (const part of parts) {
    const n = part.bytes.length;
    tree.add(F.fragment, frag, frag.start, 0, part.frame);
    if (tree.full)
      tree.labelLast(
        `[Frame: ${part.frame}, payload: ${at}-${at + n - 1} (${n} ${n === 1 ? 'byte' : 'bytes'})]`,
      );
    at += n;
  }
  tree.add(F['fragment.count'], frag, frag.start, 0, parts.length);
  tree.add(F['reassembled.length'], frag, frag.start, 0, total);
  tree.pop();
}

/**
 * Whether this call of the dissector has put `rpc` in frame.protocols: tshark lists it once per
 * call however many records a segment holds (dissection is synchronous, so one flag serves).
 */
let layerPushed = false;

function pushLayer(pinfo: PacketInfo): void {
  if (layerPushed) return;
  pinfo.layers.push('rpc');
  layerPushed = true;
}

/** RPC on UDP port 111: what is no RPC message is a continuation of one. */
export function dissectRpcUdp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  layerPushed = false;
  if (!dissectMessage(tvb, tvb.start, pinfo, tree, null, true, false)) {
    if (tvb.reportedRemaining(tvb.start) !== 0) continuation(tvb, pinfo, tree);
  }
  return tvb.remaining(tvb.start);
}

function heuristicUdp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): boolean {
  // The fixed bytes first: a message type of 0 or 1 (a 32-bit big-endian word at offset 4).
  const o = tvb.start;
  if (!tvb.has(o, 8)) return false;
  const b = tvb.bytes;
  if (b[o + 4] !== 0 || b[o + 5] !== 0 || b[o + 6] !== 0 || (b[o + 7] as number) > 1) return false;
  layerPushed = false;
  return dissectMessage(tvb, o, pinfo, tree, null, true, false);
}

function continuation(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  pushLayer(pinfo);
  pinfo.setProto('RPC');
  if (pinfo.wantInfo) pinfo.setInfo('Continuation');
  const len = tvb.remaining(tvb.start);
  tree.push(F[''], tvb, tvb.start, len);
  tree.add(F.continuation_data, tvb, tvb.start, len);
  tree.pop();
}

/** The largest record tshark takes (its max_rpc_tcp_pdu_size); anything longer is no RPC. */
const MAX_TCP_RECORD = 4 * 1024 * 1024;

/** RPC over TCP on port 111 and on a stream RPC was found on. */
export function dissectRpcTcp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  layerPushed = false;
  if (!tcpCommon(tvb, pinfo, tree, false)) continuation(tvb, pinfo, tree);
  return tvb.remaining(tvb.start);
}

function heuristicTcp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): boolean {
  // A record mark and a message type of 0 or 1: fixed bytes before anything else.
  const o = tvb.start;
  if (!tvb.has(o, 12)) return false;
  const b = tvb.bytes;
  if (b[o + 8] !== 0 || b[o + 9] !== 0 || b[o + 10] !== 0 || (b[o + 11] as number) > 1) return false;
  if (((b[o] as number) & 0x7f) !== 0 || (b[o + 1] as number) > 0x40) return false;
  layerPushed = false;
  return tcpCommon(tvb, pinfo, tree, true);
}

/** Wireshark's dissect_rpc_tcp_common: one record after another while they are RPC. */
function tcpCommon(tvb: Tvb, pinfo: PacketInfo, tree: Tree, heur: boolean): boolean {
  let off = tvb.start;
  let saw = false;
  let first = true;
  while (tvb.reportedRemaining(off) !== 0) {
    const len = fragment(tvb, off, pinfo, tree, heur, first);
    first = false;
    if (len < 0) return true;
    if (len === 0) break;
    off += len;
    saw = true;
  }
  return saw;
}

/** One record-marked fragment at `off`: its length (mark included), 0 when no RPC, -1 for more bytes. */
function fragment(
  tvb: Tvb,
  off: number,
  pinfo: PacketInfo,
  tree: Tree,
  heur: boolean,
  first: boolean,
): number {
  if (!tvb.has(off, 4)) return 0;
  const rm = tvb.u32(off);
  const fragLen = rm & 0x7fffffff;
  if (fragLen > MAX_TCP_RECORD) return 0;
  const len = fragLen + 4;
  let reported = tvb.reportedRemaining(off);
  let canDefragment = true;
  if (len > reported) {
    if (heur) {
      if (!tvb.has(off + 4, 8)) return 0;
      const msgType = tvb.u32(off + 8);
      if (msgType === 0) {
        if (!looksLikeCall(tvb, off + 4)) return 0;
      } else if (msgType === 1) {
        if (!looksLikeReply(tvb, off + 4, pinfo)) return 0;
      } else return 0;
      if (tcpLayer.stream >= 0) setConversationDissector(pinfo, tcpLayer.stream, dissectRpcTcp);
    }
    if (pinfo.canDesegment) {
      pinfo.desegmentOffset = off - tvb.start;
      pinfo.desegmentLen = len - reported;
      return -1;
    }
    canDefragment = false;
  } else if (reported > len) reported = len;
  if (tvb.remaining(off) < len) canDefragment = false;
  const frag = tvb.sub(off, reported);
  if (!canDefragment)
    return callMessage(frag, frag, pinfo, tree, { rm, frag, withData: false }, first, false) ? len : 0;
  const st = pinfo.state.of('rpc', newState);
  const frame = pinfo.meta.number;
  const last = (rm & 0x80000000) !== 0;
  if (!firstPass(pinfo.state, pinfo)) {
    // A revisit: the records this frame completed on the first pass, in their order.
    const done = st.records.get(frame);
    if (!last && done === undefined) {
      const parts = st.partialFrames.get(frame);
      if (parts !== undefined && parts.includes(off - tvb.start)) {
        fragmentTree(frag, rm, pinfo, tree);
        return len;
      }
    }
    const i = revisitIndex.get(pinfo) ?? 0;
    const whole = last ? done?.[i] : undefined;
    if (whole) {
      revisitIndex.set(pinfo, i + 1);
      return reassembled(whole, frag, rm, pinfo, tree, first) ? len : 0;
    }
    if (!last) {
      fragmentTree(frag, rm, pinfo, tree);
      return len;
    }
    return callMessage(frag, frag, pinfo, tree, { rm, frag, withData: false }, first, true) ? len : 0;
  }
  const key = tcpLayer.stream * 2 + tcpLayer.dir;
  const parts = st.partial.get(key);
  if (!parts) {
    if (last)
      return callMessage(frag, frag, pinfo, tree, { rm, frag, withData: false }, first, true) ? len : 0;
    // The first fragment of a longer record: it must start like a message.
    if (!dissectMessage(frag, frag.start + 4, pinfo, NULL_TREE, { rm, frag, withData: false }, first, true))
      return 0;
    st.partial.set(key, [{ frame, bytes: frag.bytes.slice(frag.start + 4, frag.start + len) }]);
    notePartial(st, frame, off - tvb.start);
    fragmentTree(frag, rm, pinfo, tree);
    return len;
  }
  parts.push({ frame, bytes: frag.bytes.slice(frag.start + 4, frag.start + len) });
  if (!last) {
    notePartial(st, frame, off - tvb.start);
    fragmentTree(frag, rm, pinfo, tree);
    return len;
  }
  st.partial.delete(key);
  const done = st.records.get(frame);
  if (done) done.push(parts);
  else st.records.set(frame, [parts]);
  return reassembled(parts, frag, rm, pinfo, tree, first) ? len : 0;
}

/** Which reassembled record of its frame a revisit is at. */
const revisitIndex = new WeakMap<PacketInfo, number>();

function notePartial(st: RpcState, frame: number, at: number): void {
  const list = st.partialFrames.get(frame);
  if (list) list.push(at);
  else st.partialFrames.set(frame, [at]);
}

/** A record put together from fragments, dissected from its own data source. */
function reassembled(
  parts: readonly Part[],
  frag: Tvb,
  rm: number,
  pinfo: PacketInfo,
  tree: Tree,
  first: boolean,
): boolean {
  let total = 0;
  for (const part of parts) total += part.bytes.length;
  const whole = new Uint8Array(total);
  total = 0;
  for (const part of parts) {
    whole.set(part.bytes, total);
    total += part.bytes.length;
  }
  const source = pinfo.addSource('Defragmented', whole);
  const rec = new Tvb(whole, 0, whole.length, whole.length, source);
  return callMessage(rec, frag, pinfo, tree, { rm, frag, withData: true, parts }, first, true);
}

/** A non-last fragment: `RPC Fragment` with its header and bytes; Info says Fragment. */
function fragmentTree(frag: Tvb, rm: number, pinfo: PacketInfo, tree: Tree): void {
  pushLayer(pinfo);
  pinfo.setProto('RPC');
  if (pinfo.wantInfo) pinfo.setInfo('Fragment');
  tree.push(F[''], frag, frag.start, frag.remaining(frag.start));
  if (tree.full) tree.label('Remote Procedure Call Fragment');
  showFragHeader({ rm, frag, withData: true }, tree);
  tree.pop();
}

/** Wireshark's call_message_dissector: a fault inside a message is shown and the next one follows. */
function callMessage(
  rec: Tvb,
  frag: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  record: Record,
  first: boolean,
  canDefragment: boolean,
): boolean {
  const saved = pinfo.currentProto;
  const sink = tree.full ? new DepthTree(tree) : tree;
  try {
    const o = rec === frag ? rec.start + 4 : rec.start;
    return dissectMessage(rec, o, pinfo, sink, record, first, canDefragment);
  } catch (err) {
    if (sink instanceof DepthTree) sink.unwind();
    noteFault(err, rec, pinfo, tree);
    pinfo.currentProto = saved;
    return true;
  }
}

export const rpcModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', 111, dissectRpcUdp);
    reg.register('tcpPort', 111, dissectRpcTcp);
    reg.heuristics.udp.push(heuristicUdp);
    reg.heuristics.tcp.push(heuristicTcp);
  },
};
