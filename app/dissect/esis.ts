// ES-IS (ISO 9542): hellos between end and intermediate systems and redirects. A 9-byte fixed
// header, the addresses of the PDU type, then options, all counted against the PDU Length (the
// bytes themselves are read from the frame, so a short capture shows as such).
import { expertInfo } from './dissect.ts';
import { fields, hex, names, proto, str, uint } from './field.ts';
import { NLPID, NLPID_NAMES } from './osi.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const TYPE = { ESH: 2, ISH: 4, RD: 6 };
const TYPES = names({ [TYPE.ESH]: 'ES HELLO', [TYPE.ISH]: 'IS HELLO', [TYPE.RD]: 'RD REQUEST' });

export const F = fields('esis', {
  '': proto('ISO 9542 ESIS Routeing Information Exchange Protocol'),
  nlpi: hex('Network Layer Protocol Identifier', 8, { strings: NLPID_NAMES }),
  length: uint('PDU Length', 8),
  ver: uint('Version', 8),
  res: uint('Reserved(==0)', 8),
  type: uint('PDU Type', 8, { mask: 0x1f, strings: TYPES }),
  htime: uint('Holding Time', 16, { unit: 'seconds' }),
  chksum: hex('Checksum', 16),
  number_of_source_addresses: uint('Number of Source Addresses (SA, Format: NSAP)', 8),
  sal: uint('SAL', 8, { unit: 'octets' }),
  sa: str('SA'),
  netl: uint('NETL', 8, { unit: 'octets' }),
  net: str('NET'),
  dal: uint('DAL', 8, { unit: 'octets' }),
  da: str('DA'),
  bsnpal: uint('BSNPAL', 8, { unit: 'octets' }),
  bsnpa: str('BSNPA'),
});

const FIXED_HEADER = 9;

const hexString = (tvb: Tvb, offset: number, length: number): string =>
  Array.from(tvb.slice(offset, length), (b) => b.toString(16).padStart(2, '0')).join('');

/** Reads the PDU's sections in order, counting what is left of the PDU Length. */
class Sections {
  constructor(
    readonly tvb: Tvb,
    public at: number,
    public left: number,
  ) {}

  /** A length byte, then that many bytes of address: adds both, returns the length. */
  address(lengthDef: (typeof F)['sal'], valueDef: (typeof F)['sa'], tree: Tree): number {
    const length = this.tvb.u8(this.at);
    tree.add(lengthDef, this.tvb, this.at, 1, length);
    if (length > 0)
      tree.add(valueDef, this.tvb, this.at + 1, length, hexString(this.tvb, this.at + 1, length));
    this.at += 1 + length;
    this.left -= 1 + length;
    return length;
  }
}

export function dissectEsis(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('esis');
  pinfo.setProto('ESIS');
  if (pinfo.wantInfo) pinfo.setInfo('');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  tvb.need(o, FIXED_HEADER);
  tree.add(F.nlpi, tvb, o, 1, tvb.u8(o));
  const length = tvb.u8(o + 1);
  tree.add(F.length, tvb, o + 1, 1, length);
  tree.add(F.ver, tvb, o + 2, 1, tvb.u8(o + 2));
  tree.add(F.res, tvb, o + 3, 1, tvb.u8(o + 3));
  const type = tvb.u8(o + 4) & 0x1f;
  tree.add(F.type, tvb, o + 4, 1, type);
  const name = TYPES.get(type);
  if (pinfo.wantInfo) pinfo.setInfo(name ?? `Unknown (0x${type.toString(16)})`);
  if (name === undefined) expertInfo(tree, tvb, o + 4, 1, 'Warning', 'Protocol', 'Unknown ESIS packet type');
  tree.add(F.htime, tvb, o + 5, 2, tvb.u16(o + 5));
  tree.add(F.chksum, tvb, o + 7, 2, tvb.u16(o + 7));
  if (name !== undefined) {
    const s = new Sections(tvb, o + FIXED_HEADER, length - FIXED_HEADER);
    if (type === TYPE.ESH) addSourceAddresses(s, tree);
    else if (type === TYPE.ISH) s.address(F.netl, F.net, tree);
    else addRedirect(s, tree);
    skipOptions(s);
  }
  tree.pop();
  return tvb.remaining(o);
}

function addSourceAddresses(s: Sections, tree: Tree): void {
  const count = s.tvb.u8(s.at);
  tree.add(F.number_of_source_addresses, s.tvb, s.at, 1, count);
  s.at += 1;
  s.left -= 1;
  for (let i = 0; i < count && s.left > 0; i++) s.address(F.sal, F.sa, tree);
}

function addRedirect(s: Sections, tree: Tree): void {
  s.address(F.dal, F.da, tree);
  s.address(F.bsnpal, F.bsnpa, tree);
  if (s.left > 0) s.address(F.netl, F.net, tree);
}

/** Options: a type and a length byte each, until the PDU Length is used up. */
function skipOptions(s: Sections): void {
  while (s.left > 0) {
    s.tvb.u8(s.at);
    const length = s.tvb.u8(s.at + 1);
    s.at += 2 + length;
    s.left -= 2 + length;
  }
}

export const esisModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('nlpid', NLPID.ESIS, dissectEsis);
  },
};
