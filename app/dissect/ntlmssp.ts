// NTLMSSP (MS-NLMP) as tshark 4.0 shows it: NEGOTIATE, CHALLENGE (with its target info AV pairs)
// and AUTHENTICATE (LM/NTLM responses, the NTLMv2 response with its AV pairs, names, session key,
// MIC), and the message signature SPNEGO carries as mechListMIC. Nothing is decrypted.
import { absTime, bool, bytes, fields, hex, names, proto, str, text, uint, type FieldDef } from './field.ts';
import { labelBytes } from './field-text.ts';
import type { PacketInfo } from './packet-info.ts';
import { stringValue } from './text-format.ts';
import { expertInfo } from './dissect.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { formatAbsoluteUtc } from '../format/time.ts';

const MESSAGE_TYPES = names({
  1: 'NTLMSSP_NEGOTIATE',
  2: 'NTLMSSP_CHALLENGE',
  3: 'NTLMSSP_AUTH',
  4: 'NTLMSSP_UNKNOWN',
});

/** Flag fields from bit 31 down to bit 0, as tshark lists them. */
const FLAG_SPECS: [string, string][] = [
  ['negotiate56', 'Negotiate 56'],
  ['negotiatekeyexch', 'Negotiate Key Exchange'],
  ['negotiate128', 'Negotiate 128'],
  ['negotiatent10000000', 'Negotiate 0x10000000'],
  ['negotiatent08000000', 'Negotiate 0x08000000'],
  ['negotiatent04000000', 'Negotiate 0x04000000'],
  ['negotiateversion', 'Negotiate Version'],
  ['negotiatent01000000', 'Negotiate 0x01000000'],
  ['negotiatetargetinfo', 'Negotiate Target Info'],
  ['requestnonntsession', 'Request Non-NT Session'],
  ['negotiatent00200000', 'Negotiate 0x00200000'],
  ['negotiateidentify', 'Negotiate Identify'],
  ['negotiatentlm2', 'Negotiate Extended Security'],
  ['targettypeshare', 'Target Type Share'],
  ['targettypeserver', 'Target Type Server'],
  ['targettypedomain', 'Target Type Domain'],
  ['negotiatealwayssign', 'Negotiate Always Sign'],
  ['negotiate00004000', 'Negotiate 0x00004000'],
  ['negotiateoemworkstationsupplied', 'Negotiate OEM Workstation Supplied'],
  ['negotiateoemdomainsupplied', 'Negotiate OEM Domain Supplied'],
  ['negotiateanonymous', 'Negotiate Anonymous'],
  ['negotiatentonly', 'Negotiate NT Only'],
  ['negotiatentlm', 'Negotiate NTLM key'],
  ['negotiate00000100', 'Negotiate 0x00000100'],
  ['negotiatelmkey', 'Negotiate Lan Manager Key'],
  ['negotiatedatagram', 'Negotiate Datagram'],
  ['negotiateseal', 'Negotiate Seal'],
  ['negotiatesign', 'Negotiate Sign'],
  ['negotiate00000008', 'Request 0x00000008'],
  ['requesttarget', 'Request Target'],
  ['negotiateoem', 'Negotiate OEM'],
  ['negotiateunicode', 'Negotiate UNICODE'],
];

const AV_NAMES = names({
  0: 'End of list',
  1: 'NetBIOS computer name',
  2: 'NetBIOS domain name',
  3: 'DNS computer name',
  4: 'DNS domain name',
  5: 'DNS tree name',
  6: 'Flags',
  7: 'Timestamp',
  8: 'Restrictions',
  9: 'Target Name',
  10: 'Channel Bindings',
});

/** The value fields of AV pairs, by suffix: the challenge's and the NTLMv2 response's share names. */
function avFields(p: string, itemName: string): Record<string, ReturnType<typeof str>> {
  return {
    [`${p}.item.type`]: hex(`${itemName} Type`, 16, { strings: AV_NAMES }),
    [`${p}.item.length`]: uint(`${itemName} Length`, 16),
    [`${p}.nb_computer_name`]: str('NetBIOS Computer Name'),
    [`${p}.nb_domain_name`]: str('NetBIOS Domain Name'),
    [`${p}.dns_computer_name`]: str('DNS Computer Name'),
    [`${p}.dns_domain_name`]: str('DNS Domain Name'),
    [`${p}.dns_tree_name`]: str('DNS Tree Name'),
    [`${p}.flags`]: hex('Flags', 32),
    [`${p}.timestamp`]: absTime('Timestamp'),
    [`${p}.restrictions`]: bytes('Restrictions'),
    [`${p}.target_name`]: str('Target Name'),
    [`${p}.channel_bindings`]: bytes('Channel Bindings'),
  };
}

export const F = fields('ntlmssp', {
  '': proto('NTLM Secure Service Provider'),
  identifier: str('NTLMSSP identifier'),
  messagetype: hex('NTLM Message Type', 32, { strings: MESSAGE_TYPES }),
  negotiateflags: hex('Negotiate Flags', 32),
  ...Object.fromEntries(FLAG_SPECS.map(([k, n], i) => [k, bool(n, 32, (0x80000000 >>> i) >>> 0)])),
  'negotiate.domain': str('Calling workstation domain'),
  'negotiate.callingworkstation': str('Calling workstation name'),
  ntlmclientchallenge: bytes('LMv2 Client Challenge'),
  ntlmserverchallenge: bytes('NTLM Server Challenge'),
  reserved: bytes('Reserved'),
  'challenge.target_name': str('Target Name'),
  'auth.domain': str('Domain name'),
  'auth.username': str('User name'),
  'auth.hostname': str('Host name'),
  'auth.lmresponse': bytes('Lan Manager Response'),
  'auth.ntresponse': bytes('NTLM Response'),
  'auth.sesskey': bytes('Session Key'),
  'string.length': uint('Length', 16),
  'string.maxlen': uint('Maxlen', 16),
  'string.offset': uint('Offset', 32),
  'blob.length': uint('Length', 16),
  'blob.maxlen': uint('Maxlen', 16),
  'blob.offset': uint('Offset', 32),
  version: text('Version'),
  'version.major': uint('Major Version', 8),
  'version.minor': uint('Minor Version', 8),
  'version.build_number': uint('Build Number', 16),
  'version.ntlm_current_revision': uint('NTLM Current Revision', 8),
  'challenge.target_info': text('Target Info'),
  'challenge.target_info.length': uint('Length', 16),
  'challenge.target_info.maxlen': uint('Maxlen', 16),
  'challenge.target_info.offset': uint('Offset', 32),
  ...avFields('challenge.target_info', 'Target Info Item'),
  ...avFields('ntlmv2_response', 'NTLMV2 Response Item'),
  'challenge.target_info.end': text('List End'),
  'ntlmv2_response.end': text('List End'),
  'authenticate.mic': bytes('MIC'),
  _attribute: text('Attribute'),
  verf: text('NTLMSSP Verifier'),
  'verf.vers': uint('Version Number', 32),
  'verf.body': bytes('Verifier Body'),
  // Known to filters; the NTLMv1 signature layout is not split out (no keys, no checks).
  'verf.randompad': hex('Random Pad', 32),
  'verf.crc32': hex('Verifier CRC32', 32),
  'verf.hmacmd5': bytes('HMAC MD5'),
  'verf.sequence': bytes('Sequence'),
  ntlmv2_response: bytes('NTLMv2 Response'),
  'ntlmv2_response.ntproofstr': bytes('NTProofStr'),
  'ntlmv2_response.rversion': uint('Response Version', 8),
  'ntlmv2_response.hirversion': uint('Hi Response Version', 8),
  'ntlmv2_response.z': bytes('Z'),
  'ntlmv2_response.pad': bytes('padding'),
  'ntlmv2_response.time': absTime('Time'),
  'ntlmv2_response.chal': bytes('NTLMv2 Client Challenge'),
});

const FLAG_DEFS: FieldDef[] = FLAG_SPECS.map(([k]) => F[k as keyof typeof F]);

const NEGOTIATE_UNICODE = 0x00000001;
const NEGOTIATE_VERSION = 0x02000000;

interface Ctx {
  tvb: Tvb;
  pinfo: PacketInfo;
  tree: Tree;
  /** Where the message starts: buffer offsets count from here. */
  base: number;
}

/** A security buffer's three fields (MS-NLMP 2.2.2.x: length, allocated length, offset). */
interface SecBuf {
  at: number;
  len: number;
  maxlen: number;
  offset: number;
}

function secBuf(c: Ctx, at: number): SecBuf {
  return { at, len: c.tvb.u16le(at), maxlen: c.tvb.u16le(at + 2), offset: c.tvb.u32le(at + 4) };
}

/** The names an AUTHENTICATE message carried (SMB2 shows them with its session). */
export interface NtlmAuth {
  user: string;
  domain: string;
  host: string;
}

class NtlmsspState {
  /** The AUTHENTICATE of each frame that had one. */
  readonly auths = new Map<number, NtlmAuth>();
  /** The flags of each conversation's last CHALLENGE: they say whether AUTHENTICATE strings are Unicode. */
  readonly challengeFlags = new Map<number, number>();
}

const ntlmState = (pinfo: PacketInfo): NtlmsspState => pinfo.state.of('ntlmssp', () => new NtlmsspState());

/** The AUTHENTICATE message this frame carried, if any. */
export function ntlmsspAuthIn(pinfo: PacketInfo): NtlmAuth | undefined {
  return ntlmState(pinfo).auths.get(pinfo.meta.number);
}

function appendInfo(pinfo: PacketInfo, s: string): void {
  if (pinfo.wantInfo) pinfo.setInfo(pinfo.info ? `${pinfo.info}, ${s}` : s);
}

/**
 * NTLMSSP in `tvb` (its whole length): a message, or a message signature (version 1) as SPNEGO's
 * mechListMIC carries it.
 */
export function dissectNtlmssp(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  pinfo.layers.push('ntlmssp');
  if (tvb.has(o, 4) && tvb.u32le(o) === 1) {
    verifier(tvb, tree);
    return;
  }
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    message({ tvb, pinfo, tree, base: o });
  } finally {
    tree.pop();
  }
}

function verifier(tvb: Tvb, tree: Tree): void {
  const o = tvb.start;
  tree.push(F.verf, tvb, o, 16);
  try {
    tree.add(F['verf.vers'], tvb, o, 4, tvb.u32le(o));
    tree.add(F['verf.body'], tvb, o + 4, 12);
    tvb.need(o + 4, 12);
  } finally {
    tree.pop();
  }
}

function message(c: Ctx): void {
  const { tvb, tree, base } = c;
  tvb.need(base, 8);
  tree.add(F.identifier, tvb, base, 8, stringValue(tvb.bytes, base, base + 8, true).field);
  const type = tvb.u32le(base + 8);
  tree.push(F.messagetype, tvb, base + 8, 4, type);
  if (type < 1 || type > 3)
    expertInfo(tree, tvb, base + 8, 4, 'Warning', 'Protocol', 'Unrecognized NTLMSSP Message');
  tree.pop();
  appendInfo(c.pinfo, MESSAGE_TYPES.get(type) ?? 'Unknown NTLMSSP message type');
  if (type === 1) negotiate(c);
  else if (type === 2) challenge(c);
  else if (type === 3) authenticate(c);
}

/**
 * Where the payload starts: the lowest offset of the non-empty buffers (the fixed part may end
 * earlier in older messages, without version or MIC), at most the message's length.
 */
function dataStart(c: Ctx, bufs: readonly SecBuf[]): number {
  let start = c.tvb.reportedEnd - c.base;
  for (const b of bufs) if (b.len > 0) start = Math.min(start, b.offset);
  return start;
}

function flags(c: Ctx, at: number): number {
  const { tvb, tree } = c;
  const v = tvb.u32le(at);
  tree.push(F.negotiateflags, tvb, at, 4, v);
  if (tree.full) {
    let label = `${F.negotiateflags.name}: 0x${v.toString(16).padStart(8, '0')}`;
    for (const d of FLAG_DEFS) if ((v & (d.mask as number)) !== 0) label += `, ${d.name}`;
    tree.label(labelBytes(label));
  }
  for (const d of FLAG_DEFS) tree.add(d, tvb, at, 4, (v & (d.mask as number)) !== 0);
  tree.pop();
  return v;
}

function version(c: Ctx, at: number): void {
  const { tvb, tree } = c;
  tvb.need(at, 8);
  const major = tvb.u8(at);
  const minor = tvb.u8(at + 1);
  const build = tvb.u16le(at + 2);
  const rev = tvb.u8(at + 7);
  tree.push(F.version, tvb, at, 8);
  if (tree.full) tree.label(`Version ${major}.${minor} (Build ${build}); NTLM Current Revision ${rev}`);
  tree.add(F['version.major'], tvb, at, 1, major);
  tree.add(F['version.minor'], tvb, at + 1, 1, minor);
  tree.add(F['version.build_number'], tvb, at + 2, 2, build);
  tree.add(F['version.ntlm_current_revision'], tvb, at + 7, 1, rev);
  tree.pop();
}

function utf16(tvb: Tvb, at: number, len: number): string {
  tvb.need(at, len);
  let s = '';
  for (let i = at; i + 1 < at + len; i += 2) s += String.fromCharCode(tvb.u16le(i));
  return s;
}

/** A string in a security buffer (tshark's dissect_ntlmssp_string); returns its text. */
function secString(c: Ctx, at: number, unicode: boolean, def: FieldDef): { s: string; b: SecBuf } {
  const { tvb, tree } = c;
  const b = secBuf(c, at);
  if (b.len === 0) {
    tree.add(def, tvb, at, 8, 'NULL');
    return { s: '', b };
  }
  const start = c.base + b.offset;
  tvb.need(start, b.len);
  const oem = unicode ? null : stringValue(tvb.bytes, start, start + b.len, true);
  const s = oem ? oem.field : utf16(tvb, start, b.len & ~1);
  tree.push(def, tvb, start, b.len, s);
  if (oem?.stray) expertInfo(tree, tvb, start, b.len, 'Warning', 'Undecoded', 'Trailing stray characters');
  bufferItems(c, b, F['string.length'], F['string.maxlen'], F['string.offset'], unicode ? b.len & ~1 : b.len);
  tree.pop();
  return { s, b };
}

function bufferItems(c: Ctx, b: SecBuf, len: FieldDef, max: FieldDef, off: FieldDef, shownLen = b.len): void {
  c.tree.add(len, c.tvb, b.at, 2, shownLen);
  c.tree.add(max, c.tvb, b.at + 2, 2, b.maxlen);
  c.tree.add(off, c.tvb, b.at + 4, 4, b.offset);
}

/** A byte buffer (tshark's dissect_ntlmssp_blob), with `inner` run inside its subtree. */
function secBlob(c: Ctx, at: number, def: FieldDef, inner?: (start: number, len: number) => void): SecBuf {
  const { tvb, tree } = c;
  const b = secBuf(c, at);
  if (b.len === 0) {
    // The item's bytes are the security buffer itself (tshark adds it with no value of its own).
    tree.add(def, tvb, at, 8);
    if (tree.full) tree.labelLast(`${def.name}: Empty`);
    return b;
  }
  const start = c.base + b.offset;
  tvb.need(start, b.len);
  tree.push(def, tvb, start, b.len);
  try {
    bufferItems(c, b, F['blob.length'], F['blob.maxlen'], F['blob.offset']);
    inner?.(start, b.len);
  } finally {
    tree.pop();
  }
  return b;
}

function negotiate(c: Ctx): void {
  const o = c.base;
  const f = flags(c, o + 12);
  const domain = secString(c, o + 16, false, F['negotiate.domain']).b;
  const host = secString(c, o + 24, false, F['negotiate.callingworkstation']).b;
  if (32 < dataStart(c, [domain, host]) && f & NEGOTIATE_VERSION) version(c, o + 32);
}

function challenge(c: Ctx): void {
  const { tvb, tree } = c;
  const o = c.base;
  const f = tvb.u32le(o + 20);
  if (c.pinfo.conversation >= 0) ntlmState(c.pinfo).challengeFlags.set(c.pinfo.conversation, f);
  const target = secString(c, o + 12, (f & NEGOTIATE_UNICODE) !== 0, F['challenge.target_name']).b;
  flags(c, o + 20);
  tree.add(F.ntlmserverchallenge, tvb, o + 24, 8);
  tvb.need(o + 24, 8);
  if (32 >= dataStart(c, [target])) return;
  tree.add(F.reserved, tvb, o + 32, 8);
  tvb.need(o + 32, 8);
  if (40 >= dataStart(c, [target])) return;
  const info = targetInfo(c, o + 40);
  if (48 < dataStart(c, [target, info]) && f & NEGOTIATE_VERSION) version(c, o + 48);
}

function targetInfo(c: Ctx, at: number): SecBuf {
  const { tvb, tree } = c;
  const b = secBuf(c, at);
  const start = c.base + b.offset;
  if (b.len === 0) {
    tree.push(F['challenge.target_info'], tvb, at, 8);
  } else {
    tvb.need(start, b.len);
    tree.push(F['challenge.target_info'], tvb, start, b.len);
  }
  try {
    bufferItems(
      c,
      b,
      F['challenge.target_info.length'],
      F['challenge.target_info.maxlen'],
      F['challenge.target_info.offset'],
    );
    if (b.len > 0) avPairs(c, start, b.len, 'challenge.target_info');
  } finally {
    tree.pop();
  }
  return b;
}

type AvPrefix = 'challenge.target_info' | 'ntlmv2_response';

const AV_VALUE_KEYS: Record<number, string> = {
  1: 'nb_computer_name',
  2: 'nb_domain_name',
  3: 'dns_computer_name',
  4: 'dns_domain_name',
  5: 'dns_tree_name',
  6: 'flags',
  7: 'timestamp',
  8: 'restrictions',
  9: 'target_name',
  10: 'channel_bindings',
};

const avDef = (prefix: AvPrefix, key: string): FieldDef => F[`${prefix}.${key}` as keyof typeof F];

/** AV pairs up to MsvAvEOL or the end of the list (tshark's dissect_ntlmssp_target_info_list). */
function avPairs(c: Ctx, from: number, len: number, prefix: AvPrefix): number {
  const end = from + len;
  let p = from;
  while (p + 4 <= end) {
    const type = c.tvb.u16le(p);
    p = avPair(c, p, prefix);
    if (type === 0) break;
  }
  return p;
}

function avPair(c: Ctx, at: number, prefix: AvPrefix): number {
  const { tvb, tree } = c;
  const type = tvb.u16le(at);
  const len = tvb.u16le(at + 2);
  const name = AV_NAMES.get(type) ?? 'Unknown';
  tree.push(F._attribute, tvb, at, 4 + len);
  let shown = '';
  try {
    tree.add(avDef(prefix, 'item.type'), tvb, at, 2, type);
    tree.add(avDef(prefix, 'item.length'), tvb, at + 2, 2, len);
    shown = avValue(c, type, at + 4, len, prefix);
  } finally {
    tree.pop(undefined, tree.full ? `Attribute: ${name}${shown ? `: ${shown}` : ''}` : undefined);
  }
  return at + 4 + len;
}

/** An AV pair's value; returns the text its Attribute label shows (names only). */
function avValue(c: Ctx, type: number, at: number, len: number, prefix: AvPrefix): string {
  const { tvb, tree } = c;
  const key = AV_VALUE_KEYS[type];
  if (key === undefined || len === 0) return '';
  const def = avDef(prefix, key);
  if (type <= 5 || type === 9) {
    const s = utf16(tvb, at, len);
    tree.add(def, tvb, at, len, s);
    return s;
  }
  tvb.need(at, len);
  if (type === 6) tree.add(def, tvb, at, 4, tvb.u32le(at));
  else if (type === 7) tree.add(def, tvb, at, 8, filetime(tvb, at));
  else tree.add(def, tvb, at, len);
  return '';
}

/** A FILETIME (100 ns since 1601) as tshark shows it. */
function filetime(tvb: Tvb, at: number): string {
  tvb.need(at, 8);
  const ft = tvb.view.getBigUint64(at, true);
  if (ft === 0n) return formatAbsoluteUtc(0, 0);
  const secs = ft / 10_000_000n - 11_644_473_600n;
  return formatAbsoluteUtc(Number(secs), Number(ft % 10_000_000n) * 100);
}

function authenticate(c: Ctx): void {
  const o = c.base;
  const lm = secBlob(c, o + 12, F['auth.lmresponse']);
  lmChallenge(c, lm);
  const nt = secBlob(c, o + 20, F['auth.ntresponse'], (start, len) => {
    if (len > 24) ntlmv2Response(c, start, len);
  });
  const unicode = authUnicode(c);
  const domain = secString(c, o + 28, unicode, F['auth.domain']);
  const user = secString(c, o + 36, unicode, F['auth.username']);
  const host = secString(c, o + 44, unicode, F['auth.hostname']);
  appendInfo(c.pinfo, `User: ${domain.s}\\${user.s}`);
  ntlmState(c.pinfo).auths.set(c.pinfo.meta.number, { user: user.s, domain: domain.s, host: host.s });
  secBlob(c, o + 52, F['auth.sesskey']);
  authTail(c, 60, dataStart(c, [lm, nt, domain.b, user.b, host.b]));
}

/** Flags, version and MIC where the fixed part leaves room for them before the payload. */
function authTail(c: Ctx, from: number, dataStart: number): void {
  let p = from;
  let f = 0;
  if (p < dataStart) {
    f = flags(c, c.base + p);
    p += 4;
  }
  if (p < dataStart && f & NEGOTIATE_VERSION) {
    version(c, c.base + p);
    p += 8;
  }
  if (p < dataStart) {
    c.tree.add(F['authenticate.mic'], c.tvb, c.base + p, 16);
    c.tvb.need(c.base + p, 16);
  }
}

/**
 * Strings are Unicode when the conversation's CHALLENGE said so (tshark's rule: the flags of
 * AUTHENTICATE itself may be missing); OEM when no CHALLENGE was seen.
 */
function authUnicode(c: Ctx): boolean {
  const f = ntlmState(c.pinfo).challengeFlags.get(c.pinfo.conversation) ?? 0;
  return (f & NEGOTIATE_UNICODE) !== 0;
}

/** An LMv2 response (its last 16 bytes zero) shows its client challenge. */
function lmChallenge(c: Ctx, lm: SecBuf): void {
  if (lm.len === 0) return;
  const start = c.base + lm.offset;
  if (!c.tvb.has(start + 8, 16)) return;
  for (let i = 8; i < 24; i++) if (c.tvb.u8(start + i) !== 0) return;
  c.tree.add(F.ntlmclientchallenge, c.tvb, start, 8);
}

function ntlmv2Response(c: Ctx, at: number, len: number): void {
  const { tvb, tree } = c;
  tree.push(F.ntlmv2_response, tvb, at, len);
  try {
    tree.add(F['ntlmv2_response.ntproofstr'], tvb, at, 16);
    tree.add(F['ntlmv2_response.rversion'], tvb, at + 16, 1, tvb.u8(at + 16));
    tree.add(F['ntlmv2_response.hirversion'], tvb, at + 17, 1, tvb.u8(at + 17));
    tree.add(F['ntlmv2_response.z'], tvb, at + 18, 6);
    tree.add(F['ntlmv2_response.time'], tvb, at + 24, 8, filetime(tvb, at + 24));
    tree.add(F['ntlmv2_response.chal'], tvb, at + 32, 8);
    tree.add(F['ntlmv2_response.z'], tvb, at + 40, 4);
    tvb.need(at + 40, 4);
    const p = avPairs(c, at + 44, len - 44, 'ntlmv2_response');
    if (p < at + len) tree.add(F['ntlmv2_response.pad'], tvb, p, at + len - p);
  } finally {
    tree.pop();
  }
}

export const ntlmsspModule = { fields: F };
