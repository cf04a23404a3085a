// Multipath TCP (RFC 6824, RFC 8684): the MPTCP option (TCP option kind 30) as tshark 4.0 shows it,
// its own `mptcp` layer per option, and tshark's connection analysis: connections found by the
// token a key hashes to, the stream index, the master subflow and the list of subflows, and the
// data-level sequence numbers relative to the initial ones the keys give. TCP calls in here for
// each kind-30 option (tcp.ts) and for the `[MPTCP analysis]` subtree after its own analysis.
import { bool, bytes, fields, hex, ipv4, ipv6, names, proto, str, text, uint, FieldType } from './field.ts';
import { expert, firstPass } from './ip-proto.ts';
import type { CaptureState, PacketInfo } from './packet-info.ts';
import { sha1, sha256 } from './sha.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const SUBTYPES = names({
  0: 'Multipath Capable',
  1: 'Join Connection',
  2: 'Data Sequence Signal',
  3: 'Add Address',
  4: 'Remove Address',
  5: 'Change Subflow Priority',
  6: 'TCP Fallback',
  7: 'Fast Close',
  8: 'TCP Reset',
});

const RST_REASONS = names({
  0: 'Unspecified error',
  1: 'MPTCP-specific error',
  2: 'Lack of resources',
  3: 'Administratively prohibited',
  4: 'Too much outstanding data',
  5: 'Unacceptable performance',
  6: 'Middlebox interference',
});

/** The option's fields, under TCP's name space as Wireshark registers them. */
export const OF = fields('tcp.options.mptcp', {
  subtype: uint('Multipath TCP subtype', 8, { mask: 0xf0, strings: SUBTYPES }),
  version: uint('Multipath TCP version', 8, { mask: 0x0f }),
  reserved: hex('Reserved', 16, { mask: 0x0fff }),
  flags: hex('Multipath TCP flags', 8),
  'backup.flag': uint('Backup flag', 8, { mask: 0x01 }),
  'checksumreq.flags': uint('Checksum required', 8, { mask: 0x80 }),
  'extensibility.flag': uint('Extensibility', 8, { mask: 0x40 }),
  'nomoresubflows.flag': uint('Do not attempt to establish new subflows to this address and port', 8, {
    mask: 0x20,
  }),
  'sha1.flag': uint('Use HMAC-SHA1', 8, { mask: 0x01 }),
  'sha256.flag': uint('Use HMAC-SHA256', 8, { mask: 0x01 }),
  'datafin.flag': uint('DATA_FIN', 8, { mask: 0x10 }),
  'dseqn8.flag': uint('Data Sequence Number is 8 octets', 8, { mask: 0x08 }),
  'dseqnpresent.flag': uint(
    'Data Sequence Number, Subflow Sequence Number, Data-level Length, Checksum present',
    8,
    { mask: 0x04 },
  ),
  'dataack8.flag': uint('Data ACK is 8 octets', 8, { mask: 0x02 }),
  'dataackpresent.flag': uint('Data ACK is present', 8, { mask: 0x01 }),
  'reserved.flag': hex('Reserved', 8, { mask: 0x3e }),
  'flag_U.flag': bool('Flag U', 4, 0x8),
  'flag_V.flag': bool('Flag V', 4, 0x4),
  'flag_W.flag': bool('Flag W', 4, 0x2),
  'flag_T.flag': bool('Transient', 4, 0x1),
  rst_reason: hex('TCPRST Reason', 8, { strings: RST_REASONS }),
  addrid: uint('Address ID', 8),
  sendkey: uint("Sender's Key", 64),
  recvkey: uint("Receiver's Key", 64),
  recvtok: uint("Receiver's Token", 32),
  sendrand: uint("Sender's Random Number", 32),
  sendtrunchmac: uint("Sender's Truncated HMAC", 64),
  sendhmac: bytes("Sender's HMAC"),
  addaddrtrunchmac: uint('Truncated HMAC', 64),
  rawdataack: uint('Original MPTCP Data ACK', 64),
  rawdataseqno: uint('Data Sequence Number', 64),
  subflowseqno: uint('Subflow Sequence Number', 32),
  datalvllen: uint('Data-level Length', 16),
  checksum: hex('Checksum', 16),
  ipver: uint('IP version', 8, { mask: 0x0f }),
  echo: uint('Echo', 8, { mask: 0x01 }),
  ipv4: ipv4('Advertised IPv4 Address'),
  ipv6: ipv6('Advertised IPv6 Address'),
  port: uint('Advertised port', 16),
});

/** The v1 MP_CAPABLE flags keep one bit more for themselves: their reserved bits are 0x1e (same name). */
const V1 = fields('tcp.options.mptcp', { 'reserved.flag': hex('Reserved', 8, { mask: 0x1e }) });
const RESERVED_V1 = V1['reserved.flag'];

export const F = fields('mptcp', {
  '': proto('Multipath Transmission Control Protocol'),
  ack: uint('Multipath TCP Data ACK', 64, { generated: true }),
  'dss.dsn': uint('DSS Data Sequence Number', 64, { generated: true }),
  expected_idsn: uint('Subflow expected IDSN', 64, { generated: true }),
  expected_token: uint('Subflow token generated from key', 32, { generated: true }),
  analysis: text('MPTCP analysis'),
  master: { name: 'Master flow', type: FieldType.Bool, tf: ['True', 'False'], generated: true },
  stream: uint('Stream index', 32, { generated: true }),
  'analysis.subflows': str('TCP subflow stream id(s)', { generated: true }),
  'rm_addr.count': uint('Number of removed addresses', 8, { generated: true }),
});

// Kind and length are TCP's own fields; tcp.ts passes them in (no import cycle).
export interface OptionFields {
  kind: typeof OF.flags;
  len: typeof OF.flags;
}

const META_HAS_BASE_DSN_MSB = 0x01;
const META_HAS_KEY = 0x03;
const META_HAS_TOKEN = 0x04;
/** Wireshark's MPTCP_CAPABLE_CRYPTO_MASK and MPTCP_HMAC_SHA. */
const CRYPTO_MASK = 0x3f;
const HMAC_SHA = 0x01;

/** One direction of an MPTCP connection (Wireshark's mptcp_meta_flow_t). */
interface Meta {
  flags: number;
  version: number;
  key: bigint;
  token: number;
  baseDsn: bigint;
}

/** An MPTCP connection (Wireshark's mptcp_analysis). */
interface Connection {
  stream: number;
  /** TCP stream indices of the subflows, newest first. */
  subflows: number[];
  /** The TCP stream of the master subflow, -1 when none. */
  master: number;
  meta: [Meta, Meta];
}

/** What TCP knows about the segment whose options are being read. */
export interface MptcpSegment {
  /** TCP stream index, -1 when unknown (then no analysis). */
  stream: number;
  /** TCP flows (2c + direction) of this segment's direction and the other one. */
  fwd: number;
  rev: number;
  /** Set once an MPTCP option was read in this segment. */
  seen: boolean;
  /** What this segment's options computed (kept per frame for a revisit), and how far a revisit read it. */
  record?: FrameRecord;
  replayed?: number;
}

interface FrameRecord {
  values: (bigint | number | boolean | null)[];
  shown: Shown | null;
}

interface Shown {
  master: number;
  isMaster: boolean;
  stream: number;
  subflows: string;
}

class MptcpState {
  streams = 0;
  readonly tokens = new Map<number, Connection>();
  /** Per TCP stream: its MPTCP connection. */
  readonly conn: (Connection | undefined)[] = [];
  /** Per TCP flow: the meta it is mapped to; undefined until an MPTCP option was seen on the stream. */
  readonly meta: (Meta | null | undefined)[] = [];
  /** What each frame showed on its first pass (options' generated values, then the analysis). */
  readonly frames = new Map<number, FrameRecord>();
}

const newState = (): MptcpState => new MptcpState();
const newMeta = (): Meta => ({ flags: 0, version: 0, key: 0n, token: 0, baseDsn: 0n });

function stateOf(s: CaptureState): MptcpState {
  return s.of('mptcp', newState);
}

/** Token (first 32 bits) and initial data sequence number (last 64 bits) of a key's hash. */
function cryptoData(version: number, key: bigint): { token: number; idsn: bigint } {
  if (version !== 0 && version !== 1) return { token: 0, idsn: 0n };
  const k = new Uint8Array(8);
  new DataView(k.buffer).setBigUint64(0, key);
  const d = version === 0 ? sha1(k) : sha256(k);
  const v = new DataView(d.buffer);
  return { token: v.getUint32(0), idsn: v.getBigUint64(d.length - 8) };
}

/**
 * The analysis of one segment, as packet-tcp.c's mptcp_* functions keep it. On a revisit the
 * values the first pass computed are replayed in order instead (`replay`).
 */
class Analysis {
  private readonly record: FrameRecord;

  constructor(
    private readonly st: MptcpState,
    private readonly seg: MptcpSegment,
    private readonly live: boolean,
    frame: number,
  ) {
    if (!seg.record) {
      seg.record = (live ? undefined : st.frames.get(frame)) ?? { values: [], shown: null };
      if (live) st.frames.set(frame, seg.record);
      seg.replayed = 0;
    }
    this.record = seg.record;
  }

  /** A value computed on the first pass, or the one it computed then. */
  value<T extends bigint | number | boolean | null>(compute: () => T): T {
    if (this.live) {
      const v = compute();
      this.record.values.push(v);
      return v;
    }
    const i = this.seg.replayed ?? 0;
    this.seg.replayed = i + 1;
    return (this.record.values[i] ?? null) as T;
  }

  get conn(): Connection | undefined {
    return this.st.conn[this.seg.stream];
  }

  metaOf(flow: number): Meta | null {
    return this.st.meta[flow] ?? null;
  }

  initSubflows(): void {
    const m = this.st.meta;
    if (m[this.seg.fwd] === undefined) m[this.seg.fwd] = null;
    if (m[this.seg.rev] === undefined) m[this.seg.rev] = null;
  }

  alloc(): Connection {
    const c: Connection = {
      stream: this.st.streams++,
      subflows: [],
      master: -1,
      meta: [newMeta(), newMeta()],
    };
    this.st.conn[this.seg.stream] = c;
    this.st.meta[this.seg.fwd] = c.meta[0];
    this.st.meta[this.seg.rev] = c.meta[1];
    return c;
  }

  private attach(c: Connection): void {
    if (!c.subflows.includes(this.seg.stream)) c.subflows.unshift(this.seg.stream);
    this.st.conn[this.seg.stream] = c;
  }

  /** mptcp_get_meta_from_token; null where Wireshark's assertion would fail. */
  fromToken(flow: number, token: number): Connection | null {
    let c = this.conn;
    const meta = this.metaOf(flow);
    if (meta && meta.flags & META_HAS_TOKEN) return c ?? null;
    const found = this.st.tokens.get(token);
    if (found) {
      c = found;
      this.attach(c);
    } else {
      if (!c) {
        c = this.alloc();
        this.attach(c);
      } else {
        let id: number;
        if (c.meta[0].flags & META_HAS_TOKEN) id = 1;
        else if (c.meta[1].flags & META_HAS_TOKEN) id = 0;
        else return null;
        this.st.meta[flow] = c.meta[id];
      }
      const m = this.st.meta[flow] as Meta;
      m.token = token;
      m.flags |= META_HAS_TOKEN;
      this.st.tokens.set(token, c);
    }
    let id = this.metaOf(flow) === c.meta[0] ? 0 : 1;
    id = flow === this.seg.fwd ? id : (id + 1) % 2;
    this.st.meta[this.seg.fwd] = c.meta[id] as Meta;
    this.st.meta[this.seg.rev] = c.meta[(id + 1) % 2] as Meta;
    return c;
  }

  /** get_or_create_mptcpd_from_key. */
  fromKey(flow: number, version: number, key: bigint): Connection | null {
    const meta = this.metaOf(flow);
    if (meta && meta.flags & META_HAS_KEY) return this.conn ?? null;
    const { token, idsn } = cryptoData(version, key);
    const c = this.fromToken(flow, token);
    const m = this.metaOf(flow);
    if (!c || !m) return null;
    m.version = version;
    m.key = key;
    m.flags |= META_HAS_KEY;
    m.baseDsn = idsn;
    return c;
  }
}

const MASK64 = (1n << 64n) - 1n;

/** mptcp_convert_dsn, always relative (tshark's default); null when the base is unknown. */
function relativeDsn(dsn: bigint, meta: Meta | null, widen: boolean): bigint | null {
  if (!meta || !(meta.flags & META_HAS_BASE_DSN_MSB)) return null;
  let r = widen ? (meta.baseDsn & ~0xffffffffn & MASK64) | dsn : dsn;
  r = (r - meta.baseDsn) & MASK64;
  return r;
}

/** The bits of a flags byte under the flags item, then any expert notes about them. */
function flagBits(tree: Tree, tvb: Tvb, o: number, value: number, defs: readonly (typeof OF.flags)[]): void {
  for (const def of defs) {
    const mask = def.mask ?? 0;
    let shift = 0;
    while (shift < 8 && ((mask >> shift) & 1) === 0) shift++;
    tree.add(def, tvb, o, 1, def.type === FieldType.Bool ? (value & mask) !== 0 : (value & mask) >> shift);
  }
}

const CAPABLE_V0 = [OF['checksumreq.flags'], OF['extensibility.flag'], OF['sha1.flag'], OF['reserved.flag']];
const CAPABLE_V1 = [
  OF['checksumreq.flags'],
  OF['extensibility.flag'],
  OF['nomoresubflows.flag'],
  OF['sha256.flag'],
  RESERVED_V1,
];
const JOIN_FLAGS = [OF['backup.flag']];
const DSS_FLAGS = [
  OF['datafin.flag'],
  OF['dseqn8.flag'],
  OF['dseqnpresent.flag'],
  OF['dataack8.flag'],
  OF['dataackpresent.flag'],
];
const RST_FLAGS = [OF['flag_U.flag'], OF['flag_V.flag'], OF['flag_W.flag'], OF['flag_T.flag']];

/** MP_CAPABLE's flags byte at `p`, with notes on the crypto algorithm it asks for. */
function capableFlags(tvb: Tvb, pinfo: PacketInfo, tree: Tree, p: number, version: number): void {
  const flags = tvb.u8(p);
  tree.push(OF.flags, tvb, p, 1, flags);
  flagBits(tree, tvb, p, flags, version === 1 ? CAPABLE_V1 : CAPABLE_V0);
  if ((flags & CRYPTO_MASK) === 0)
    expert(pinfo, tree, tvb, p, 1, 'Warning', 'Protocol', 'No crypto algorithm specified');
  if ((flags & CRYPTO_MASK) !== HMAC_SHA)
    expert(pinfo, tree, tvb, p, 1, 'Warning', 'Protocol', 'Unsupported algorithm');
  tree.pop();
}

/**
 * The token and IDSN MP_CAPABLE's sender key at `p - 8` stands for, and whether the receiver key
 * at `p` echoes the other side's key.
 */
function capableExpected(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  p: number,
  len: number,
  version: number,
  key: bigint,
  an: Analysis | null,
  seg: MptcpSegment,
): void {
  let token = 0;
  let idsn = 0n;
  let mismatch = false;
  if (an) {
    token = an.value(() => {
      const c = an.fromKey(seg.fwd, version, key);
      if (c) c.master = seg.stream;
      return an.metaOf(seg.fwd)?.token ?? 0;
    });
    idsn = an.value(() => an.metaOf(seg.fwd)?.baseDsn ?? 0n);
    // The echoed key is compared with the other side's before it is shown (its note sits on
    // the expected IDSN item).
    mismatch = an.value(() => {
      if (len < 20 || !tvb.has(p, 8)) return false;
      const rm = an.metaOf(seg.rev);
      return rm !== null && (rm.flags & META_HAS_KEY) !== 0 && rm.key !== tvb.u64(p);
    });
  }
  tree.add(F.expected_token, tvb, p, 0, token);
  tree.push(F.expected_idsn, tvb, p, 0, idsn);
  if (tree.full) tree.label(`[Subflow expected IDSN: ${idsn} (64bits version)]`);
  if (mismatch) expert(pinfo, tree, tvb, p, 0, 'Warning', 'Protocol', ECHOED_KEY_MISMATCH);
  tree.pop();
}

const ECHOED_KEY_MISMATCH =
  'The echoed key in the ACK of the MPTCP handshake does not match the key of the SYN/ACK';

/** The Data-Level Length at `p` (a warning when 0: infinite mapping). */
function dataLevelLength(tvb: Tvb, pinfo: PacketInfo, tree: Tree, p: number): void {
  const dll = tvb.u16(p);
  tree.add(OF.datalvllen, tvb, p, 2, dll);
  if (dll === 0) expert(pinfo, tree, tvb, p, 2, 'Warning', 'Protocol', 'Fallback to infinite mapping');
}

/** MP_CAPABLE (subtype 0) from its version nibble at `p`. */
function mpCapable(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  p: number,
  len: number,
  an: Analysis | null,
  live: boolean,
  seg: MptcpSegment,
): void {
  const version = tvb.u8(p) & 0x0f;
  tree.add(OF.version, tvb, p, 1, version);
  p++;
  capableFlags(tvb, pinfo, tree, p, version);
  p++;
  if (len !== 12 && len !== 20 && len !== 22 && len !== 24) return;
  const key = tvb.u64(p);
  tree.add(OF.sendkey, tvb, p, 8, key);
  p += 8;
  capableExpected(tvb, pinfo, tree, p, len, version, key, an, seg);
  if (len >= 20) {
    const recv = tvb.u64(p);
    tree.add(OF.recvkey, tvb, p, 8, recv);
    p += 8;
    if (an && live) {
      const rm = an.metaOf(seg.rev);
      if (!(rm && rm.flags & META_HAS_KEY)) an.fromKey(seg.rev, version, recv);
    }
  }
  if (len >= 22) {
    dataLevelLength(tvb, pinfo, tree, p);
    p += 2;
    if (len === 24) tree.add(OF.checksum, tvb, p, 2, tvb.u16(p));
  }
}

/** MP_JOIN (subtype 1): the SYN, SYN/ACK and ACK forms, told apart by length. */
function mpJoin(
  tvb: Tvb,
  tree: Tree,
  p: number,
  len: number,
  an: Analysis | null,
  live: boolean,
  seg: MptcpSegment,
  state: MptcpState,
): void {
  if (len === 24) {
    tree.add(OF.reserved, tvb, p, 2, tvb.u16(p) & 0x0fff);
    p += 2;
    tree.add(OF.sendhmac, tvb, p, 20);
    tvb.need(p, 20);
    return;
  }
  if (len !== 12 && len !== 16) return;
  addFlags(tree, tvb, p, JOIN_FLAGS);
  p++;
  tree.add(OF.addrid, tvb, p, 1, tvb.u8(p));
  p++;
  if (len === 16) {
    tree.add(OF.sendtrunchmac, tvb, p, 8, tvb.u64(p));
    p += 8;
    tree.add(OF.sendrand, tvb, p, 4, tvb.u32(p));
    return;
  }
  const token = tvb.u32(p);
  tree.add(OF.recvtok, tvb, p, 4, token);
  p += 4;
  if (an && live) {
    an.fromToken(seg.rev, token);
    const fm = an.metaOf(seg.fwd);
    if (fm && fm.version === 1) {
      const tmp = fm;
      state.meta[seg.fwd] = an.metaOf(seg.rev);
      state.meta[seg.rev] = tmp;
    }
  }
  tree.add(OF.sendrand, tvb, p, 4, tvb.u32(p));
}

/** DSS's Data ACK at `p` (8 bytes when `ack8`, else 4), with its relative value; the offset after it. */
function dataAck(
  tvb: Tvb,
  tree: Tree,
  o: number,
  p: number,
  ack8: boolean,
  an: Analysis | null,
  seg: MptcpSegment,
): number {
  const raw = ack8 ? tvb.u64(p) : BigInt(tvb.u32(p));
  tree.add(OF.rawdataack, tvb, p, ack8 ? 8 : 4, raw);
  if (ack8 && tree.full) tree.labelLast(`${OF.rawdataack.name}: ${raw} (64bits)`);
  const rel = an ? an.value(() => relativeDsn(raw, an.metaOf(seg.rev), !ack8)) : null;
  if (rel !== null) {
    tree.add(F.ack, tvb, o, 0, rel);
    if (tree.full) tree.labelLast(`[${F.ack.name}: ${rel} (Relative)]`);
  }
  return p + (ack8 ? 8 : 4);
}

/** DSS's mapping at `p`: data sequence number, subflow sequence number, length and checksum. */
function dataMapping(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  o: number,
  p: number,
  len: number,
  flags: number,
  an: Analysis | null,
  live: boolean,
  seg: MptcpSegment,
): void {
  const ack8 = (flags & 0x02) !== 0;
  const dsn8 = (flags & 0x08) !== 0;
  const dsn = dsn8 ? tvb.u64(p) : BigInt(tvb.u32(p));
  tree.add(OF.rawdataseqno, tvb, p, dsn8 ? 8 : 4, dsn);
  if (tree.full) tree.labelLast(`${OF.rawdataseqno.name}: ${dsn}  (${dsn8 ? '64bits' : '32bits'} version)`);
  if (dsn8 && an && live) {
    const fm = an.metaOf(seg.fwd);
    if (fm && !(fm.flags & META_HAS_BASE_DSN_MSB)) fm.flags |= META_HAS_BASE_DSN_MSB;
  }
  p += dsn8 ? 8 : 4;
  tree.add(OF.subflowseqno, tvb, p, 4, tvb.u32(p));
  p += 4;
  dataLevelLength(tvb, pinfo, tree, p);
  p += 2;
  // Widened by the Data ACK's width, as tshark 4.0 does.
  const rel = an ? an.value(() => relativeDsn(dsn, an.metaOf(seg.fwd), !ack8)) : null;
  if (rel !== null) {
    tree.add(F['dss.dsn'], tvb, o, 0, rel);
    if (tree.full) tree.labelLast(`[${F['dss.dsn'].name}: ${rel} (Relative)]`);
  }
  // tshark 4.0 wants four bytes left for the two-byte checksum.
  if (len >= p - o + 4) tree.add(OF.checksum, tvb, p, 2, tvb.u16(p));
}

/** DSS (subtype 2): flags, then the Data ACK and the mapping they say are there. */
function dss(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  o: number,
  len: number,
  an: Analysis | null,
  live: boolean,
  seg: MptcpSegment,
): void {
  let p = o + 3;
  const flags = tvb.u8(p) & 0x1f;
  addFlags(tree, tvb, p, DSS_FLAGS);
  p++;
  if (flags & 0x01) p = dataAck(tvb, tree, o, p, (flags & 0x02) !== 0, an, seg);
  if (flags & 0x04) dataMapping(tvb, pinfo, tree, o, p, len, flags, an, live, seg);
}

/** ADD_ADDR (subtype 3): the address's parts, told apart by the option's length. */
function addAddr(tvb: Tvb, tree: Tree, p: number, len: number): void {
  const ipver = tvb.u8(p) & 0x0f;
  if (ipver === 4 || ipver === 6) tree.add(OF.ipver, tvb, p, 1, ipver);
  else tree.add(OF.echo, tvb, p, 1, ipver & 0x01);
  p++;
  tree.add(OF.addrid, tvb, p, 1, tvb.u8(p));
  p++;
  if (len === 8 || len === 10 || len === 16 || len === 18) {
    tree.add(OF.ipv4, tvb, p, 4, tvb.u32(p));
    p += 4;
  }
  if (len === 20 || len === 22 || len === 28 || len === 30) {
    tvb.need(p, 16);
    tree.add(OF.ipv6, tvb, p, 16);
    p += 16;
  }
  if (len === 10 || len === 18 || len === 22 || len === 30) {
    tree.add(OF.port, tvb, p, 2, tvb.u16(p));
    p += 2;
  }
  if (len === 16 || len === 18 || len === 28 || len === 30)
    tree.add(OF.addaddrtrunchmac, tvb, p, 8, tvb.u64(p));
}

/** MP_FAIL (6) and MP_FASTCLOSE (7): reserved bits and one 64-bit value (`def`). */
function reservedThen64(tvb: Tvb, tree: Tree, p: number, def: typeof OF.recvkey): void {
  tree.add(OF.reserved, tvb, p, 2, tvb.u16(p) & 0x0fff);
  p += 2;
  tree.add(def, tvb, p, 8, tvb.u64(p));
}

/**
 * The body of MPTCP option `subtype` (`len` bytes at `o`, kind and length included), from the
 * byte holding the subtype at `o + 2`.
 */
function optionBody(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  o: number,
  len: number,
  subtype: number,
  an: Analysis | null,
  live: boolean,
  seg: MptcpSegment,
  state: MptcpState,
): void {
  const p = o + 2;
  switch (subtype) {
    case 0:
      return mpCapable(tvb, pinfo, tree, p, len, an, live, seg);
    case 1:
      return mpJoin(tvb, tree, p, len, an, live, seg, state);
    case 2:
      return dss(tvb, pinfo, tree, o, len, an, live, seg);
    case 3:
      return addAddr(tvb, tree, p, len);
    case 4:
      tree.add(F['rm_addr.count'], tvb, o + 2, 1, (len - 3) & 0xff);
      for (let q = p + 1; q < o + len; q++) tree.add(OF.addrid, tvb, q, 1, tvb.u8(q));
      return;
    case 5:
      addFlags(tree, tvb, p, JOIN_FLAGS);
      if (len === 4) tree.add(OF.addrid, tvb, p + 1, 1, tvb.u8(p + 1));
      return;
    case 6:
      return reservedThen64(tvb, tree, p, OF.rawdataseqno);
    case 7:
      return reservedThen64(tvb, tree, p, OF.recvkey);
    case 8:
      addFlags(tree, tvb, p, RST_FLAGS);
      tree.add(OF.rst_reason, tvb, p + 1, 1, tvb.u8(p + 1));
      return;
    default:
      return;
  }
}

/**
 * Dissects one MPTCP option of `len` bytes at `o` (kind and length included) into the options
 * subtree. Reads past the option's length throw as a cut-short option does in Wireshark.
 */
export function dissectMptcpOption(
  whole: Tvb,
  o: number,
  len: number,
  seg: MptcpSegment,
  tcpFields: OptionFields,
  pinfo: PacketInfo,
  tree: Tree,
): void {
  const tvb = whole.sub(o, len);
  const state = stateOf(pinfo.state);
  const live = firstPass(pinfo.state, pinfo);
  const an = seg.stream >= 0 ? new Analysis(state, seg, live, pinfo.meta.number) : null;
  // One record per frame: a second option of the same segment continues it.
  seg.seen = true;
  pinfo.layers.push('mptcp');
  pinfo.setProto('MPTCP');
  if (live && an) an.initSubflows();
  const conn = an && live ? an.conn : undefined;

  tree.push(F[''], tvb, o, Math.min(len, tvb.remaining(o)));
  tree.add(tcpFields.kind, tvb, o, 1, tvb.u8(o));
  tree.add(tcpFields.len, tvb, o + 1, 1, tvb.u8(o + 1));
  const subtype = tvb.u8(o + 2) >> 4;
  tree.add(OF.subtype, tvb, o + 2, 1, subtype);
  if (tree.full) tree.label(`${F[''].name}: ${SUBTYPES.get(subtype) ?? `Unknown (${subtype})`}`);
  // A connection for this subflow, unless an MP_JOIN SYN (length 12) is to find it by its token.
  if (an && live && !conn && (subtype > 1 || (subtype === 1 && len !== 12))) an.alloc();
  optionBody(tvb, pinfo, tree, o, len, subtype, an, live, seg, state);
  tree.pop();
}

/** A flags byte: its item (whole byte, the names of the booleans set), then its bits under it. */
function addFlags(tree: Tree, tvb: Tvb, o: number, defs: readonly (typeof OF.flags)[]): void {
  const v = tvb.u8(o);
  tree.push(OF.flags, tvb, o, 1, v);
  if (tree.full) {
    let label = `${OF.flags.name}: 0x${v.toString(16).padStart(2, '0')}`;
    for (const d of defs) if (d.type === FieldType.Bool && v & (d.mask ?? 0)) label += `, ${d.name}`;
    tree.label(label);
  }
  flagBits(tree, tvb, o, v, defs);
  tree.pop();
}

/** The `[MPTCP analysis]` subtree TCP adds after its own analysis, for a segment with an MPTCP option. */
export function mptcpAnalysisTree(
  seg: MptcpSegment,
  tvb: Tvb,
  o: number,
  pinfo: PacketInfo,
  tree: Tree,
): void {
  if (!seg.seen || seg.stream < 0) return;
  const state = stateOf(pinfo.state);
  const frame = pinfo.meta.number;
  let rec = seg.record ?? state.frames.get(frame);
  let shown: Shown | null;
  if (firstPass(pinfo.state, pinfo)) {
    const c = state.conn[seg.stream];
    shown = c
      ? {
          master: c.master,
          isMaster: c.master === seg.stream,
          stream: c.stream,
          subflows: c.subflows.map((s) => `${s} `).join(''),
        }
      : null;
    if (!rec) {
      rec = { values: [], shown: null };
      state.frames.set(frame, rec);
    }
    rec.shown = shown;
  } else {
    shown = rec?.shown ?? null;
  }
  if (!shown) return;
  tree.push(F.analysis, tvb, o, 0);
  if (tree.full) tree.label('[MPTCP analysis]');
  tree.add(F.master, tvb, o, 0, shown.isMaster);
  if (tree.full && shown.master >= 0) tree.labelLast(`[Master flow: Master is tcp stream ${shown.master}]`);
  tree.add(F.stream, tvb, o, 0, shown.stream);
  tree.add(F['analysis.subflows'], tvb, o, 0, shown.subflows);
  tree.pop();
}

export const mptcpModule = { fields: { ...F, ...OF, 'reserved.flag.v1': RESERVED_V1 } };
