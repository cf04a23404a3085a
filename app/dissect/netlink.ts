// Linux netlink as captured on nlmon (LINKTYPE_NETLINK, 253): an SLL-like cooked header naming the
// netlink family, then netlink messages (nlmsghdr + payload) in the capture host's byte order,
// which Wireshark guesses from the first message's length. Families with a dissector (rtnetlink)
// take a whole message; the rest show the header and data as Wireshark 4.0 does.
import { dissectData } from './data.ts';
import { bool, bytes, fields, hex, names, proto, text, uint, FieldType, type FieldDef } from './field.ts';
import { LinkType } from './link-types.ts';
import { dissectGenl } from './genl.ts';
import { dissectNetlinkRoute } from './netlink-route.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import { addBytes } from './tvb-items.ts';
import { MalformedError, TruncatedError, type Tvb } from './tvb.ts';

const ARPHRD_NETLINK = 824;
const NETLINK_ROUTE = 0;
const NETLINK_GENERIC = 16;
const SLL_HEADER_SIZE = 16;
const NLMSG_ERROR = 2;
export const NLMSG_MIN_TYPE = 0x10;
const NLA_F_NESTED = 0x8000;
const NLA_F_NET_BYTEORDER = 0x4000;
const NLA_TYPE_MASK = 0x3fff;
const NLM_F_REQUEST = 1;

const FAMILIES = names({
  0: 'Route',
  1: 'Unused',
  2: 'User-mode socket protocols',
  3: 'Unused (formerly: ip_queue)',
  4: 'Socket monitoring',
  5: 'Netfilter ULOG',
  6: 'IPsec',
  7: 'SELinux events',
  8: 'Open-iSCSI',
  9: 'Auditing',
  10: 'FIB lookup',
  11: 'Kernel connector',
  12: 'Netfilter',
  13: 'Unused (formerly: ip6_queue)',
  14: 'DECnet routing messages',
  15: 'Kernel messages to userspace',
  16: 'Generic',
  18: 'SCSI Transports',
  19: 'ecryptfs',
  20: 'RDMA',
  21: 'Crypto layer',
  22: 'SMC monitoring',
});

const CONTROL_TYPES = names({ 1: 'Nothing', 2: 'Error', 3: 'End of a dump', 4: 'Data lost' });

/** Linux errno descriptions by number (Wireshark's linux_negative_errno_vals, negated). */
const ERRNO = [
  'Success',
  'Operation not permitted (-EPERM)',
  'No such file or directory (-ENOENT)',
  'No such process (-ESRCH)',
  'Interrupted system call (-EINTR)',
  'I/O error (-EIO)',
  'No such device or address (-ENXIO)',
  'Argument list too long (-E2BIG)',
  'Exec format error (-ENOEXEC)',
  'Bad file number (-EBADF)',
  'No child processes (-ECHILD)',
  'Try again (-EAGAIN)',
  'Out of memory (-ENOMEM)',
  'Permission denied (-EACCES)',
  'Bad address (-EFAULT)',
  'Block device required (-ENOTBLK)',
  'Device or resource busy (-EBUSY)',
  'File exists (-EEXIST)',
  'Cross-device link (-EXDEV)',
  'No such device (-ENODEV)',
  'Not a directory (-ENOTDIR)',
  'Is a directory (-EISDIR)',
  'Invalid argument (-EINVAL)',
  'File table overflow (-ENFILE)',
  'Too many open files (-EMFILE)',
  'Not a typewriter (-ENOTTY)',
  'Text file busy (-ETXTBSY)',
  'File too large (-EFBIG)',
  'No space left on device (-ENOSPC)',
  'Illegal seek (-ESPIPE)',
  'Read-only file system (-EROFS)',
  'Too many links (-EMLINK)',
  'Broken pipe (-EPIPE)',
  'Math argument out of domain of func (-EDOM)',
  'Math result not representable (-ERANGE)',
  'Resource deadlock would occur (-EDEADLK)',
  'File name too long (-ENAMETOOLONG)',
  'No record locks available (-ENOLCK)',
  'Invalid system call number (-ENOSYS)',
  'Directory not empty (-ENOTEMPTY)',
  'Too many symbolic links encountered (-ELOOP)',
  '(-41 ???)',
  'No message of desired type (-ENOMSG)',
  'Identifier removed (-EIDRM)',
  'Channel number out of range (-ECHRNG)',
  'Level 2 not synchronized (-EL2NSYNC)',
  'Level 3 halted (-EL3HLT)',
  'Level 3 reset (-EL3RST)',
  'Link number out of range (-ELNRNG)',
  'Protocol driver not attached (-EUNATCH)',
  'No CSI structure available (-ENOCSI)',
  'Level 2 halted (-EL2HLT)',
  'Invalid exchange (-EBADE)',
  'Invalid request descriptor (-EBADR)',
  'Exchange full (-EXFULL)',
  'No anode (-ENOANO)',
  'Invalid request code (-EBADRQC)',
  'Invalid slot (-EBADSLT)',
  '(-58 ???)',
  'Bad font file format (-EBFONT)',
  'Device not a stream (-ENOSTR)',
  'No data available (-ENODATA)',
  'Timer expired (-ETIME)',
  'Out of streams resources (-ENOSR)',
  'Machine is not on the network (-ENONET)',
  'Package not installed (-ENOPKG)',
  'Object is remote (-EREMOTE)',
  'Link has been severed (-ENOLINK)',
  'Advertise error (-EADV)',
  'Srmount error (-ESRMNT)',
  'Communication error on send (-ECOMM)',
  'Protocol error (-EPROTO)',
  'Multihop attempted (-EMULTIHOP)',
  'RFS specific error (-EDOTDOT)',
  'Not a data message (-EBADMSG)',
  'Value too large for defined data type (-EOVERFLOW)',
  'Name not unique on network (-ENOTUNIQ)',
  'File descriptor in bad state (-EBADFD)',
  'Remote address changed (-EREMCHG)',
  'Can not access a needed shared library (-ELIBACC)',
  'Accessing a corrupted shared library (-ELIBBAD)',
  '.lib section in a.out corrupted (-ELIBSCN)',
  'Attempting to link in too many shared libraries (-ELIBMAX)',
  'Cannot exec a shared library directly (-ELIBEXEC)',
  'Illegal byte sequence (-EILSEQ)',
  'Interrupted system call should be restarted (-ERESTART)',
  'Streams pipe error (-ESTRPIPE)',
  'Too many users (-EUSERS)',
  'Socket operation on non-socket (-ENOTSOCK)',
  'Destination address required (-EDESTADDRREQ)',
  'Message too long (-EMSGSIZE)',
  'Protocol wrong type for socket (-EPROTOTYPE)',
  'Protocol not available (-ENOPROTOOPT)',
  'Protocol not supported (-EPROTONOSUPPORT)',
  'Socket type not supported (-ESOCKTNOSUPPORT)',
  'Operation not supported on transport endpoint (-EOPNOTSUPP)',
  'Protocol family not supported (-EPFNOSUPPORT)',
  'Address family not supported by protocol (-EAFNOSUPPORT)',
  'Address already in use (-EADDRINUSE)',
  'Cannot assign requested address (-EADDRNOTAVAIL)',
  'Network is down (-ENETDOWN)',
  'Network is unreachable (-ENETUNREACH)',
  'Network dropped connection because of reset (-ENETRESET)',
  'Software caused connection abort (-ECONNABORTED)',
  'Connection reset by peer (-ECONNRESET)',
  'No buffer space available (-ENOBUFS)',
  'Transport endpoint is already connected (-EISCONN)',
  'Transport endpoint is not connected (-ENOTCONN)',
  'Cannot send after transport endpoint shutdown (-ESHUTDOWN)',
  'Too many references: cannot splice (-ETOOMANYREFS)',
  'Connection timed out (-ETIMEDOUT)',
  'Connection refused (-ECONNREFUSED)',
  'Host is down (-EHOSTDOWN)',
  'No route to host (-EHOSTUNREACH)',
  'Operation already in progress (-EALREADY)',
  'Operation now in progress (-EINPROGRESS)',
  'Stale file handle (-ESTALE)',
  'Structure needs cleaning (-EUCLEAN)',
  'Not a XENIX named type file (-ENOTNAM)',
  'No XENIX semaphores available (-ENAVAIL)',
  'Is a named type file (-EISNAM)',
  'Remote I/O error (-EREMOTEIO)',
  'Quota exceeded (-EDQUOT)',
  'No medium found (-ENOMEDIUM)',
  'Wrong medium type (-EMEDIUMTYPE)',
  'Operation Canceled (-ECANCELED)',
  'Required key not available (-ENOKEY)',
  'Key has expired (-EKEYEXPIRED)',
  'Key has been revoked (-EKEYREVOKED)',
  'Key was rejected by service (-EKEYREJECTED)',
  'Owner died (-EOWNERDEAD)',
  'State not recoverable (-ENOTRECOVERABLE)',
  'Operation not possible due to RF-kill (-ERFKILL)',
  'Memory page has hardware error (-EHWPOISON)',
];
const ERRNO_NAMES: ReadonlyMap<number, string> = new Map(ERRNO.map((s, i) => [-i, s]));

const flag16 = (name: string, mask: number): ReturnType<typeof uint> => uint(name, 16, { mask });
const TRUE_FALSE: [string, string] = ['True', 'False'];

export const F = fields('netlink', {
  '': proto('Linux netlink protocol'),
  hatype: uint('Link-layer address type', 16, { strings: names({ [ARPHRD_NETLINK]: 'Netlink' }) }),
  family: hex('Family', 16, { strings: FAMILIES }),
  hdr_len: uint('Length', 32),
  hdr_type: hex('Message type', 16, { strings: CONTROL_TYPES }),
  hdr_flags: hex('Flags', 16),
  'hdr_flags.request': flag16('Request', 0x1),
  'hdr_flags.multi': flag16('Multipart message', 0x2),
  'hdr_flags.ack': flag16('Ack', 0x4),
  'hdr_flags.echo': flag16('Echo', 0x8),
  'hdr_flags.dump_intr': flag16('Dump inconsistent', 0x10),
  'hdr_flags.dump_filtered': flag16('Dump filtered', 0x20),
  'hdr_flags.root': flag16('Specify tree root', 0x100),
  'hdr_flags.match': flag16('Return all matching', 0x200),
  'hdr_flags.atomic': flag16('Atomic', 0x400),
  'hdr_flags.replace': flag16('Replace', 0x100),
  'hdr_flags.excl': flag16('Excl', 0x200),
  'hdr_flags.create': flag16('Create', 0x400),
  'hdr_flags.append': flag16('Append', 0x800),
  hdr_seq: uint('Sequence', 32),
  hdr_pid: uint('Port ID', 32),
  attr_len: uint('Len', 16),
  attr_type: hex('Type', 16),
  'attr_type.nested': bool('Nested', 16, NLA_F_NESTED, { tf: TRUE_FALSE }),
  'attr_type.net_byteorder': bool('Network byte order', 16, NLA_F_NET_BYTEORDER, { tf: TRUE_FALSE }),
  attr_index: uint('Index', 16),
  attr_data: bytes('Data'),
  error: { name: 'Error code', type: FieldType.Int, base: 'dec', bits: 32, strings: ERRNO_NAMES },
  _cooked: text('Linux netlink (cooked header)'),
  _msghdr: text('Netlink message header'),
  _msg: text('Netlink message'),
  _attr: text('Attribute'),
});

const STANDARD_FLAGS = [
  F['hdr_flags.request'],
  F['hdr_flags.multi'],
  F['hdr_flags.ack'],
  F['hdr_flags.echo'],
  F['hdr_flags.dump_intr'],
  F['hdr_flags.dump_filtered'],
];
const GET_FLAGS = [...STANDARD_FLAGS, F['hdr_flags.root'], F['hdr_flags.match'], F['hdr_flags.atomic']];
const NEW_FLAGS = [
  ...STANDARD_FLAGS,
  F['hdr_flags.replace'],
  F['hdr_flags.excl'],
  F['hdr_flags.create'],
  F['hdr_flags.append'],
];

/** What a family's dissector needs of the frame: the byte order netlink settled on and the message type. */
export interface NetlinkData {
  /** Little-endian host order (false: big-endian), switched per attribute by NLA_F_NET_BYTEORDER. */
  le: boolean;
  type: number;
}

export function nlU16(tvb: Tvb, at: number, le: boolean): number {
  return le ? tvb.u16le(at) : tvb.u16(at);
}

export function nlU32(tvb: Tvb, at: number, le: boolean): number {
  return le ? tvb.u32le(at) : tvb.u32(at);
}

export function nlU64(tvb: Tvb, at: number, le: boolean): bigint {
  tvb.need(at, 8);
  return tvb.view.getBigUint64(at, le);
}

/**
 * An unsigned integer item of `length` bytes as proto_tree_add_item reads one into a 32-bit
 * field: 1 to 4 bytes; none is malformed, more than 4 read as 4.
 */
export function nlUint(tvb: Tvb, at: number, length: number, le: boolean): number {
  if (length <= 0) throw new MalformedError('Malformed Packet', at);
  switch (length) {
    case 1:
      return tvb.u8(at);
    case 2:
      return nlU16(tvb, at, le);
    case 3:
      return le ? tvb.u16le(at) | (tvb.u8(at + 2) << 16) : tvb.u24(at);
    default:
      tvb.need(at, length);
      return nlU32(tvb, at, le);
  }
}

/**
 * The netlink message header (nlmsghdr) at `at`: a family's type field names its messages (`typeDef`
 * with its value strings); control messages and families without names use netlink.hdr_type.
 */
export function dissectNetlinkHeader(
  tvb: Tvb,
  tree: Tree,
  at: number,
  le: boolean,
  typeDef: FieldDef | null,
  typeSuffix = '',
): number {
  tree.push(F._msghdr, tvb, at, 16);
  tree.add(F.hdr_len, tvb, at, 4, nlU32(tvb, at, le));
  const type = nlU16(tvb, at + 4, le);
  const def = type < NLMSG_MIN_TYPE || !typeDef ? F.hdr_type : typeDef;
  // An 8-bit field (genl's family id) read from the 16-bit type keeps its low byte.
  const shown = def.bits === 8 ? type & 0xff : type;
  tree.add(def, tvb, at + 4, 2, shown);
  if (tree.full) {
    if (def === F.hdr_type && type >= NLMSG_MIN_TYPE)
      tree.labelLast(`Message type: Protocol-specific (0x${hex4(type)})`);
    else if (typeSuffix) tree.labelLast(`${def.name}: ${typeText(def, type)}${typeSuffix}`);
    tree.label(`Netlink message header (type: ${def.strings?.get(type) ?? `0x${hex4(type)}`})`);
  }
  const flags = nlU16(tvb, at + 6, le);
  // Wireshark cannot tell GET from NEW requests here and shows the modifier bits both ways.
  if ((flags & NLM_F_REQUEST) !== 0 && (flags & 0x0f00) !== 0) {
    addFlags(tvb, tree, at + 6, flags, GET_FLAGS);
    addFlags(tvb, tree, at + 6, flags, NEW_FLAGS);
  } else {
    addFlags(tvb, tree, at + 6, flags, STANDARD_FLAGS);
  }
  tree.add(F.hdr_seq, tvb, at + 8, 4, nlU32(tvb, at + 8, le));
  tree.add(F.hdr_pid, tvb, at + 12, 4, nlU32(tvb, at + 12, le));
  tree.pop();
  return at + 16;
}

/** A message type as its field shows it: a family id is an 8-bit hex field read from 16 bits. */
function typeText(def: FieldDef, type: number): string {
  const name = def.strings?.get(type);
  const text =
    def.base === 'hex' ? `0x${type.toString(16).padStart(Math.ceil((def.bits ?? 16) / 4), '0')}` : `${type}`;
  return name !== undefined ? `${name} (${text})` : text;
}

function hex4(v: number): string {
  return v.toString(16).padStart(4, '0');
}

function addFlags(tvb: Tvb, tree: Tree, at: number, flags: number, bits: readonly FieldDef[]): void {
  tree.push(F.hdr_flags, tvb, at, 2, flags);
  for (const def of bits) tree.add(def, tvb, at, 2, (flags & (def.mask ?? 0)) >>> ctz(def.mask ?? 1));
  tree.pop();
}

function ctz(mask: number): number {
  return 31 - Math.clz32(mask & -mask);
}

/**
 * Dissects one attribute's value (`type` with its flag bits, `len` bytes at `at`); false when it
 * has no decoder, so the value shows as data. It may append to the attribute's label.
 */
export type AttributeDecoder = (
  tvb: Tvb,
  tree: Tree,
  type: number,
  at: number,
  len: number,
  nl: NetlinkData,
  attr: AttrLabel,
) => boolean;

/** The label of the attribute being dissected, for a decoder to append its value to. */
export class AttrLabel {
  text = '';
  /** The array element an attribute of a nested list belongs to (its label takes appends too). */
  constructor(readonly parent: AttrLabel | null = null) {}
  append(s: string): void {
    this.text += s;
  }
}

/**
 * A list of attributes (rtattr/nlattr: length, type, value padded to 4) from `at` to `end`, as
 * Wireshark's dissect_netlink_attributes: the first attribute is aligned to 4 from the start of
 * the message `base`.
 */
export function dissectNetlinkAttributes(
  tvb: Tvb,
  tree: Tree,
  base: number,
  at: number,
  end: number,
  nl: NetlinkData,
  typeDef: FieldDef,
  decode: AttributeDecoder,
  parent: AttrLabel | null = null,
): number {
  const padding = (4 - (at - base)) & 3;
  let length = end - at;
  if (length < 0 || length < padding) throw new MalformedError('Malformed Packet', at);
  at += padding;
  length -= padding;
  const le = nl.le;
  const label = new AttrLabel(parent);
  while (length >= 4) {
    let rtaLen = nlU16(tvb, at, le);
    if (rtaLen < 4) break;
    rtaLen = Math.min(rtaLen, length);
    // Its subtree must fit in the bytes there are (proto_tree_add_subtree checks).
    tvb.need(at, rtaLen);
    tree.push(F._attr, tvb, at, rtaLen);
    tree.add(F.attr_len, tvb, at, 2, nlU16(tvb, at, le));
    const rtaType = nlU16(tvb, at + 2, le);
    const type = rtaType & NLA_TYPE_MASK;
    tree.push(F.attr_type, tvb, at + 2, 2, rtaType);
    tree.add(F['attr_type.nested'], tvb, at + 2, 2, (rtaType & NLA_F_NESTED) !== 0);
    tree.add(F['attr_type.net_byteorder'], tvb, at + 2, 2, (rtaType & NLA_F_NET_BYTEORDER) !== 0);
    tree.add(typeDef, tvb, at + 2, 2, type);
    const name = typeDef.strings?.get(type);
    label.text = name !== undefined ? `Attribute: ${name}` : 'Attribute';
    if (tree.full) {
      let typeText = `Type: 0x${hex4(rtaType)}`;
      if ((rtaType & NLA_F_NESTED) !== 0) typeText += ', Nested';
      if (name !== undefined) typeText += `, ${name} (${type})`;
      tree.label(typeText);
    }
    tree.pop();
    const inner: NetlinkData = (rtaType & NLA_F_NET_BYTEORDER) !== 0 ? { le: false, type: nl.type } : nl;
    if (!decode(tvb, tree, rtaType, at + 4, rtaLen - 4, inner, label))
      addBytes(tvb, at + 4, rtaLen - 4, tree, F.attr_data);
    if (tree.full) tree.label(label.text);
    tree.pop();
    const step = Math.min((rtaLen + 3) & ~3, length);
    at += step;
    length -= step;
  }
  return at;
}

/**
 * A nested list that is an array (Wireshark's dissect_netlink_attributes_array): each element is an
 * attribute whose type is its index and whose value is a list of attributes.
 */
export function dissectNetlinkAttributeArray(
  tvb: Tvb,
  tree: Tree,
  at: number,
  len: number,
  nl: NetlinkData,
  typeDef: FieldDef,
  decode: AttributeDecoder,
): number {
  // The element's offset is aligned by the caller's list: no padding to add here.
  let length = len;
  if (length < 0) throw new MalformedError('Malformed Packet', at);
  const le = nl.le;
  while (length >= 4) {
    let rtaLen = nlU16(tvb, at, le);
    if (rtaLen < 4) break;
    rtaLen = Math.min(rtaLen, length);
    tree.push(F._attr, tvb, at, rtaLen);
    tree.add(F.attr_len, tvb, at, 2, nlU16(tvb, at, le));
    const index = nlU16(tvb, at + 2, le);
    tree.add(F.attr_index, tvb, at + 2, 2, index);
    const element = new AttrLabel();
    element.text = `Attribute ${index}`;
    dissectNetlinkAttributes(tvb, tree, at + 4, at + 4, at + rtaLen, nl, typeDef, decode, element);
    if (tree.full) tree.label(element.text);
    tree.pop();
    const step = Math.min((rtaLen + 3) & ~3, length);
    at += step;
    length -= step;
  }
  return at;
}

const CONTAINED = 'length of contained item exceeds length of containing item';

/**
 * Runs `f` on the `length` bytes at `at` (Wireshark's tvb_new_subset_length): a message longer
 * than the frame is cut to it, and reading past the frame's end is a contained-length error.
 */
function contained(tvb: Tvb, at: number, length: number, f: (msg: Tvb) => void): void {
  if (at + length <= tvb.reportedEnd) {
    f(tvb.sub(at, length));
    return;
  }
  try {
    f(tvb.sub(at, length));
  } catch (err) {
    // Past the message's captured bytes but within its claimed length: where the frame holds all
    // it reported, that is the frame's end, not a short capture.
    if (err instanceof TruncatedError && tvb.end === tvb.reportedEnd)
      throw new MalformedError('Malformed Packet', err.offset, CONTAINED);
    throw err;
  }
}

export function dissectNetlink(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('netlink');
  pinfo.currentProto = 'NETLINK';
  if (tvb.u16(o + 2) !== ARPHRD_NETLINK) {
    // Wireshark's dissector declines: the layer goes again and nothing else is shown.
    pinfo.layers.pop();
    return 0;
  }
  pinfo.setProto('Netlink');
  if (pinfo.wantInfo) pinfo.setInfo('');
  tree.push(F[''], tvb, o, SLL_HEADER_SIZE);
  if (tree.full) tree.label('Linux netlink (cooked header)');
  tree.add(F.hatype, tvb, o + 2, 2, tvb.u16(o + 2));
  const family = tvb.u16(o + 14);
  tree.add(F.family, tvb, o + 14, 2, family);
  tree.pop();
  let at = o + SLL_HEADER_SIZE;
  // The capture host's byte order: the one in which the first length is closer to what is left.
  const rem = tvb.reportedRemaining(at);
  const lenLe = tvb.u32le(at);
  const lenBe = tvb.u32(at);
  const le = !(Math.abs(lenBe - rem) < Math.abs(lenLe - rem));
  while (tvb.reportedRemaining(at) >= 16) {
    const pktLen = nlU32(tvb, at, le);
    const end = at + pktLen;
    if (pktLen < 16) {
      tree.push(F._msghdr, tvb, at, 4);
      tree.add(F.hdr_len, tvb, at, 4, pktLen);
      tree.pop();
      break;
    }
    const type = nlU16(tvb, at + 4, le);
    // Wireshark reads the port id here (for the direction), so a short header fails in netlink.
    nlU32(tvb, at + 12, le);
    let dissected = false;
    if (type >= NLMSG_MIN_TYPE && pktLen > 16) {
      const nl: NetlinkData = { le, type };
      const sub =
        family === NETLINK_ROUTE ? dissectNetlinkRoute : family === NETLINK_GENERIC ? dissectGenl : null;
      if (sub) {
        contained(tvb, at, pktLen, (msg) => sub(msg, pinfo, tree, nl));
        dissected = true;
      }
    }
    if (!dissected) {
      // A subtree longer than the bytes left is an error of its own (tvb_ensure_bytes_exist).
      tvb.need(at, pktLen);
      tree.push(F._msg, tvb, at, pktLen);
      let p = dissectNetlinkHeader(tvb, tree, at, le, null);
      if (type === NLMSG_ERROR) {
        tree.add(F.error, tvb, p, 4, nlU32(tvb, p, le) | 0);
        p += 4;
        dissectNetlinkHeader(tvb, tree, p, le, null);
      } else if (pktLen > 16) {
        contained(tvb, p, pktLen - 16, (data) => dissectData(data, pinfo, tree));
      }
      tree.pop();
    }
    at = end;
  }
  return at - o;
}

export const netlinkModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('linkType', LinkType.NETLINK, dissectNetlink);
  },
};
