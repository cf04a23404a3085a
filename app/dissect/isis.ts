// IS-IS (ISO 10589, RFC 1195): the common header, then the PDU's own header as a second protocol
// (`isis.hello`, `isis.lsp`, `isis.csnp`, `isis.psnp` in frame.protocols, as Wireshark registers
// them), then its TLVs, walked by type and length (their contents are not decoded).
import { expertInfo } from './dissect.ts';
import { fields, hex, names, proto, str, text, uint, type FieldDef } from './field.ts';
import { NLPID } from './osi.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const PDU_TYPES = names({
  15: 'L1 HELLO',
  16: 'L2 HELLO',
  17: 'P2P HELLO',
  18: 'L1 LSP',
  20: 'L2 LSP',
  24: 'L1 CSNP',
  25: 'L2 CSNP',
  26: 'L1 PSNP',
  27: 'L2 PSNP',
});

/** Which PDU header follows the common one, by PDU type. */
type Kind = 'hello' | 'lsp' | 'csnp' | 'psnp';
const KIND = new Map<number, Kind>([
  [15, 'hello'],
  [16, 'hello'],
  [17, 'hello'],
  [18, 'lsp'],
  [20, 'lsp'],
  [24, 'csnp'],
  [25, 'csnp'],
  [26, 'psnp'],
  [27, 'psnp'],
]);
const P2P_HELLO = 17;

const CIRCUIT_TYPES = names({
  0: 'Reserved 0 (discard PDU)',
  1: 'Level 1 only',
  2: 'Level 2 only',
  3: 'Level 1 and 2',
});

/** Names of the common TLVs (Wireshark's clv tables), for the TLV nodes' labels. */
const TLV_NAMES = names({
  1: 'Area address(es)',
  2: 'IS Reachability',
  6: 'IS Neighbor(s)',
  8: 'Padding',
  9: 'LSP entries',
  10: 'Authentication',
  22: 'Extended IS reachability',
  128: 'IP Internal reachability',
  129: 'Protocols Supported',
  130: 'IP External reachability',
  132: 'IP Interface address(es)',
  134: 'Traffic Engineering Router ID',
  135: 'Extended IP Reachability',
  137: 'Hostname',
  211: 'Restart Signaling',
  232: 'IPv6 Interface address(es)',
  236: 'IPv6 reachability',
  240: 'Point-to-point Adjacency State',
});

export const F = fields('isis', {
  '': proto('ISO 10589 ISIS InTRA Domain Routeing Information Exchange Protocol'),
  irpd: hex('Intradomain Routing Protocol Discriminator', 8, { strings: names({ 0x83: 'ISIS' }) }),
  len: uint('Length Indicator', 8),
  version: uint('Version/Protocol ID Extension', 8),
  sysid_len: uint('ID Length', 8),
  'type.reserved': hex('Reserved', 8, { mask: 0xe0 }),
  type: uint('PDU Type', 8, { mask: 0x1f, strings: PDU_TYPES }),
  version2: uint('Version', 8),
  reserved: uint('Reserved', 8),
  max_area_adr: uint('Maximum Area Addresses', 8),
  _clv: text('CLV'),
});

/** Each PDU header has its own `clv.type` and `clv.length` fields. */
const CLV = { 'clv.type': uint('Type', 8), 'clv.length': uint('Length', 8) };

const FH = fields('isis.hello', {
  '': proto('ISIS HELLO'),
  circuit_type: hex('Circuit type', 8, { mask: 0x03, strings: CIRCUIT_TYPES }),
  reserved: hex('Reserved', 8, { mask: 0xfc }),
  source_id: str('SystemID {Sender of PDU}'),
  holding_timer: uint('Holding timer', 16),
  pdu_length: uint('PDU length', 16),
  priority: uint('Priority', 8, { mask: 0x7f }),
  lan_id: str('SystemID {Designated IS}'),
  local_circuit_id: uint('Local circuit ID', 8),
  ...CLV,
});

const FL = fields('isis.lsp', {
  '': proto('ISO 10589 ISIS Link State Protocol Data Unit'),
  pdu_length: uint('PDU length', 16),
  remaining_life: uint('Remaining lifetime', 16),
  lsp_id: str('LSP-ID'),
  sequence_number: hex('Sequence number', 32),
  checksum: hex('Checksum', 16),
  type_block: hex('Type block', 8),
  ...CLV,
});

const FC = fields('isis.csnp', {
  '': proto('ISO 10589 ISIS Complete Sequence Numbers Protocol Data Unit'),
  pdu_length: uint('PDU length', 16),
  source_id: str('Source-ID'),
  start_lsp_id: str('Start LSP-ID'),
  end_lsp_id: str('End LSP-ID'),
  ...CLV,
});

const FP = fields('isis.psnp', {
  '': proto('ISO 10589 ISIS Partial Sequence Numbers Protocol Data Unit'),
  pdu_length: uint('PDU length', 16),
  source_id: str('Source-ID'),
  ...CLV,
});

const COMMON_HEADER = 8;

/**
 * A system ID as Wireshark prints it: `1111.2222.3333` for six bytes, then `.nn` for a pseudonode
 * and `-nn` for an LSP number; other lengths as plain hex.
 */
export function systemId(tvb: Tvb, offset: number, length: number): string {
  const b = tvb.slice(offset, length);
  const hx = (i: number): string => (b[i] ?? 0).toString(16).padStart(2, '0');
  if (length < 6 || length > 8) return Array.from(b, (_, i) => hx(i)).join('');
  let s = `${hx(0)}${hx(1)}.${hx(2)}${hx(3)}.${hx(4)}${hx(5)}`;
  if (length >= 7) s += `.${hx(6)}`;
  if (length === 8) s += `-${hx(7)}`;
  return s;
}

interface Common {
  /** The Length Indicator: where the TLVs start. */
  headerLength: number;
  idLength: number;
  type: number;
}

function addCommonHeader(tvb: Tvb, o: number, tree: Tree): Common {
  const headerLength = tvb.u8(o + 1);
  const rawIdLength = tvb.u8(o + 3);
  const type = tvb.u8(o + 4);
  tree.add(F.irpd, tvb, o, 1, tvb.u8(o));
  tree.add(F.len, tvb, o + 1, 1, headerLength);
  tree.add(F.version, tvb, o + 2, 1, tvb.u8(o + 2));
  tree.add(F.sysid_len, tvb, o + 3, 1, rawIdLength);
  tree.add(F['type.reserved'], tvb, o + 4, 1, (type & 0xe0) >> 5);
  tree.add(F.type, tvb, o + 4, 1, type & 0x1f);
  tree.add(F.version2, tvb, o + 5, 1, tvb.u8(o + 5));
  tree.add(F.reserved, tvb, o + 6, 1, tvb.u8(o + 6));
  tree.add(F.max_area_adr, tvb, o + 7, 1, tvb.u8(o + 7));
  // ID Length 0 means the usual 6 bytes, 255 means none.
  const idLength = rawIdLength === 0 ? 6 : rawIdLength === 255 ? 0 : rawIdLength;
  return { headerLength, idLength, type: type & 0x1f };
}

export function dissectIsis(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('isis');
  pinfo.setProto('ISIS');
  if (pinfo.wantInfo) pinfo.setInfo('');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  tvb.need(o, COMMON_HEADER);
  const common = addCommonHeader(tvb, o, tree);
  if (common.headerLength < COMMON_HEADER) {
    expertInfo(
      tree,
      tvb,
      o + 1,
      1,
      'Error',
      'Malformed',
      'ISIS length indicator value smaller than the fixed length header size',
    );
    tree.pop();
    return tvb.remaining(o);
  }
  const kind = KIND.get(common.type);
  if (kind === undefined) {
    tree.pop();
    expertInfo(tree, tvb, o + 4, 1, 'Warning', 'Protocol', 'Unknown ISIS packet type');
    if (pinfo.wantInfo) pinfo.setInfo(`Unknown ISIS packet type ${common.type}`);
    return tvb.remaining(o);
  }
  tree.pop(COMMON_HEADER);
  pinfo.layers.push(`isis.${kind}`);
  pinfo.setProto(`ISIS ${kind.toUpperCase()}`);
  const at = o + COMMON_HEADER;
  const typeName = PDU_TYPES.get(common.type) ?? '';
  if (kind === 'hello') dissectHello(tvb, at, common, typeName, pinfo, tree);
  else if (kind === 'lsp') dissectLsp(tvb, at, common, typeName, pinfo, tree);
  else dissectSnp(tvb, at, common, kind, typeName, pinfo, tree);
  return tvb.remaining(o);
}

function dissectHello(
  tvb: Tvb,
  at: number,
  c: Common,
  typeName: string,
  pinfo: PacketInfo,
  tree: Tree,
): void {
  tree.push(FH[''], tvb, at, tvb.remaining(at));
  const circuit = tvb.u8(at);
  tree.add(FH.circuit_type, tvb, at, 1, circuit & 0x03);
  tree.add(FH.reserved, tvb, at, 1, circuit >> 2);
  let p = at + 1;
  const source = systemId(tvb, p, c.idLength);
  tree.add(FH.source_id, tvb, p, c.idLength, source);
  p += c.idLength;
  if (pinfo.wantInfo) pinfo.setInfo(`${typeName}, System-ID: ${source}`);
  tree.add(FH.holding_timer, tvb, p, 2, tvb.u16(p));
  const pduLength = tvb.u16(p + 2);
  tree.add(FH.pdu_length, tvb, p + 2, 2, pduLength);
  p += 4;
  if (c.type === P2P_HELLO) {
    tree.add(FH.local_circuit_id, tvb, p, 1, tvb.u8(p));
  } else {
    tree.add(FH.priority, tvb, p, 1, tvb.u8(p) & 0x7f);
    p += 1;
    tree.add(FH.lan_id, tvb, p, c.idLength + 1, systemId(tvb, p, c.idLength + 1));
  }
  dissectTlvs(tvb, c, pduLength, 'PDU length less than header length', FH, tree);
  tree.pop();
}

function dissectLsp(tvb: Tvb, at: number, c: Common, typeName: string, pinfo: PacketInfo, tree: Tree): void {
  tree.push(FL[''], tvb, at, tvb.remaining(at));
  const pduLength = tvb.u16(at);
  tree.add(FL.pdu_length, tvb, at, 2, pduLength);
  if (pduLength < c.headerLength) {
    expertInfo(tree, tvb, at, 2, 'Error', 'Malformed', 'PDU length less than header length');
  }
  const lifetime = tvb.u16(at + 2);
  tree.add(FL.remaining_life, tvb, at + 2, 2, lifetime);
  const idAt = at + 4;
  const lspId = systemId(tvb, idAt, c.idLength + 2);
  tree.add(FL.lsp_id, tvb, idAt, c.idLength + 2, lspId);
  const seqAt = idAt + c.idLength + 2;
  const sequence = tvb.u32(seqAt);
  tree.add(FL.sequence_number, tvb, seqAt, 4, sequence);
  if (pinfo.wantInfo) {
    const seq = sequence.toString(16).padStart(8, '0');
    pinfo.setInfo(
      `${typeName}, LSP-ID: ${lspId}, Sequence: 0x${seq}, Lifetime: ${String(lifetime).padStart(5)}s`,
    );
  }
  const checksum = tvb.u16(seqAt + 4);
  tree.add(FL.checksum, tvb, seqAt + 4, 2, checksum);
  if (pinfo.wantInfo && checksum !== 0 && !checksumValid(tvb, idAt, tvb.start + pduLength)) {
    pinfo.setInfo(`${pinfo.info} [ISIS CHECKSUM INCORRECT]`);
  }
  tree.add(FL.type_block, tvb, seqAt + 6, 1, tvb.u8(seqAt + 6));
  if (pduLength >= c.headerLength) dissectTlvs(tvb, c, pduLength, null, FL, tree);
  tree.pop();
}

/**
 * The ISO 8473 (Fletcher) checksum over the LSP from its ID to the PDU's end, checksum included:
 * both running sums are 0 mod 255 when it is right. A PDU longer than the bytes is not checked.
 */
function checksumValid(tvb: Tvb, from: number, to: number): boolean {
  if (to > tvb.end || to <= from) return true;
  let c0 = 0;
  let c1 = 0;
  for (const b of tvb.slice(from, to - from)) {
    c0 = (c0 + b) % 255;
    c1 = (c1 + c0) % 255;
  }
  return c0 === 0 && c1 === 0;
}

function dissectSnp(
  tvb: Tvb,
  at: number,
  c: Common,
  kind: 'csnp' | 'psnp',
  typeName: string,
  pinfo: PacketInfo,
  tree: Tree,
): void {
  const defs = kind === 'csnp' ? FC : FP;
  tree.push(defs[''], tvb, at, tvb.remaining(at));
  const pduLength = tvb.u16(at);
  tree.add(defs.pdu_length, tvb, at, 2, pduLength);
  const source = systemId(tvb, at + 2, c.idLength + 1);
  tree.add(defs.source_id, tvb, at + 2, c.idLength + 1, source);
  let info = `${typeName}, Source-ID: ${source}`;
  if (kind === 'csnp') {
    const startAt = at + 3 + c.idLength;
    const endAt = startAt + c.idLength + 2;
    const start = systemId(tvb, startAt, c.idLength + 2);
    const end = systemId(tvb, endAt, c.idLength + 2);
    tree.add(FC.start_lsp_id, tvb, startAt, c.idLength + 2, start);
    tree.add(FC.end_lsp_id, tvb, endAt, c.idLength + 2, end);
    info += `, Start LSP-ID: ${start}, End LSP-ID: ${end}`;
  }
  if (pinfo.wantInfo) pinfo.setInfo(info);
  dissectTlvs(tvb, c, pduLength, 'PDU length less than header length', defs, tree);
  tree.pop();
}

/**
 * Walks the TLVs between the Length Indicator and the PDU length. A PDU length shorter than the
 * header or longer than the packet is noted (Malformed); the TLVs then run to the packet's end.
 */
function dissectTlvs(
  tvb: Tvb,
  c: Common,
  pduLength: number,
  shortNote: string | null,
  defs: Record<'clv.type' | 'clv.length', FieldDef>,
  tree: Tree,
): void {
  const o = tvb.start;
  const reported = tvb.reportedRemaining(o);
  if (pduLength < c.headerLength) {
    if (shortNote !== null) expertInfo(tree, tvb, o, 0, 'Error', 'Malformed', shortNote);
    return;
  }
  // Wireshark notes a PDU length past the packet and still reads the TLVs up to it.
  if (pduLength > reported) {
    expertInfo(tree, tvb, o, 0, 'Error', 'Malformed', 'PDU length greater than packet length');
  }
  const end = o + pduLength;
  let p = o + c.headerLength;
  while (p < end) {
    const type = tvb.u8(p);
    if (p + 1 >= end) break;
    const length = tvb.u8(p + 1);
    const left = end - p - 2;
    if (length > left) {
      expertInfo(tree, tvb, p + 2, left, 'Error', 'Malformed', `Short CLV header (${length} vs ${left})`);
      return;
    }
    // Each TLV's contents are read (not decoded here): a TLV past the bytes is an error.
    tvb.need(p + 2, length);
    tree.push(F._clv, tvb, p, 2 + length);
    if (tree.full) tree.label(`${TLV_NAMES.get(type) ?? 'Unknown code'} (t=${type}, l=${length})`);
    tree.add(defs['clv.type'], tvb, p, 1, type);
    tree.add(defs['clv.length'], tvb, p + 1, 1, length);
    tree.pop();
    p += 2 + length;
  }
}

export const isisModule = {
  fields: Object.fromEntries([F, FH, FL, FC, FP].flatMap((g) => Object.values(g)).map((d) => [d.abbrev, d])),
  handoff(reg: Registry): void {
    reg.register('nlpid', NLPID.ISIS, dissectIsis);
  },
};
