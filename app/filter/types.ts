// Static types of filter operands: what a field, slice, function or arithmetic result holds,
// named as Wireshark names its ftypes in messages (`FT_UINT16`, `Unsigned integer (2 bytes)`).
import { FieldType, type FieldDef } from '../dissect/field.ts';

export type Family =
  | 'int'
  | 'bool'
  | 'float'
  | 'ipv4'
  | 'ipv6'
  | 'ether'
  | 'bytes'
  | 'string'
  | 'abstime'
  | 'reltime'
  | 'protocol'
  | 'none';

export interface VType {
  family: Family;
  /** The ftype's symbol, as in `FT_STRING cannot &.` */
  ft: string;
  /** The ftype's description, as in `Unsigned integer (2 bytes) cannot be converted from a string`. */
  pretty: string;
  /**
   * Integers: whether values are signed at run time. Unsigned fields become signed through a
   * subtraction or a unary minus, as in Wireshark 4.0; comparing signed with unsigned values fails.
   */
  signed: boolean;
  /** Integers: the declared signedness and width, for range checks of literals. */
  declSigned: boolean;
  bits: number;
  /** The field behind the type (value names, true/false words), when there is one. */
  def: FieldDef | null;
  /** A slice: bytes that compare with anything byte-backed. */
  slice: boolean;
}

const base = { signed: false, declSigned: false, bits: 0, def: null, slice: false };

export const T_BYTES: VType = { ...base, family: 'bytes', ft: 'FT_BYTES', pretty: 'Byte sequence' };
export const T_SLICE: VType = { ...T_BYTES, slice: true };
export const T_STRING: VType = { ...base, family: 'string', ft: 'FT_STRING', pretty: 'Character string' };
export const T_UINT32: VType = {
  ...base,
  family: 'int',
  ft: 'FT_UINT32',
  pretty: 'Unsigned integer (4 bytes)',
  bits: 32,
};

function intType(def: FieldDef, signed: boolean): VType {
  const raw = def.bits ?? 32;
  const bits = Math.min(64, Math.max(8, Math.ceil(raw / 8) * 8));
  const bytes = bits / 8;
  return {
    ...base,
    family: 'int',
    ft: `FT_${signed ? 'INT' : 'UINT'}${bits}`,
    pretty: `${signed ? 'Signed' : 'Unsigned'} integer (${bytes} byte${bytes === 1 ? '' : 's'})`,
    signed,
    declSigned: signed,
    bits,
    def,
  };
}

export function typeOfField(def: FieldDef): VType {
  const withDef = { ...base, def };
  switch (def.type) {
    case FieldType.Protocol:
      return { ...withDef, family: 'protocol', ft: 'FT_PROTOCOL', pretty: 'Protocol' };
    case FieldType.None:
      return { ...withDef, family: 'none', ft: 'FT_NONE', pretty: 'Label' };
    case FieldType.UInt:
      return intType(def, false);
    case FieldType.Int:
      return intType(def, true);
    case FieldType.FrameNum:
      return { ...withDef, family: 'int', ft: 'FT_FRAMENUM', pretty: 'Frame number', bits: 32 };
    case FieldType.Bool:
      return { ...withDef, family: 'bool', ft: 'FT_BOOLEAN', pretty: 'Boolean' };
    case FieldType.Ether:
      return { ...withDef, family: 'ether', ft: 'FT_ETHER', pretty: 'Ethernet or other MAC address' };
    case FieldType.IPv4:
      return { ...withDef, family: 'ipv4', ft: 'FT_IPv4', pretty: 'IPv4 address' };
    case FieldType.IPv6:
      return { ...withDef, family: 'ipv6', ft: 'FT_IPv6', pretty: 'IPv6 address' };
    case FieldType.Bytes:
      return { ...withDef, family: 'bytes', ft: 'FT_BYTES', pretty: 'Byte sequence' };
    case FieldType.String:
      return { ...withDef, family: 'string', ft: 'FT_STRING', pretty: 'Character string' };
    case FieldType.AbsTime:
      return { ...withDef, family: 'abstime', ft: 'FT_ABSOLUTE_TIME', pretty: 'Date and time' };
    case FieldType.RelTime:
      return { ...withDef, family: 'reltime', ft: 'FT_RELATIVE_TIME', pretty: 'Time offset' };
    case FieldType.Float:
      return { ...withDef, family: 'float', ft: 'FT_DOUBLE', pretty: 'Floating point (double-precision)' };
    default:
      return { ...withDef, family: 'none', ft: 'FT_NONE', pretty: 'Label' };
  }
}

/** Types whose values are bytes or can be read as bytes: they slice and compare with slices. */
export const SLICEABLE: ReadonlySet<Family> = new Set<Family>([
  'bytes',
  'ether',
  'ipv4',
  'ipv6',
  'string',
  'protocol',
]);

/** Whether two non-literal operands may be compared (Wireshark's compatible ftypes). */
export function compatible(a: VType, b: VType): boolean {
  if (a.slice || b.slice) return SLICEABLE.has(a.family) && SLICEABLE.has(b.family);
  switch (a.family) {
    case 'int':
      return b.family === 'int' || b.family === 'bool';
    case 'bytes':
    case 'ether':
      return b.family === 'bytes' || b.family === 'ether';
    case 'none':
      return false;
    default:
      return a.family === b.family;
  }
}

/** Largest literal an integer type takes. */
export function intMax(t: VType): bigint {
  return t.declSigned ? (1n << BigInt(t.bits - 1)) - 1n : (1n << BigInt(t.bits)) - 1n;
}
