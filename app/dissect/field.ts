// Field definitions: Wireshark's header fields ("hf"), one object per filter name.
// A dissector module declares its fields with `fields(...)`; the registry gives them ids.

export const enum FieldType {
  /** A protocol node (`ip`, `tcp`): exists, has no value of its own. */
  Protocol,
  /** Text-only node with no filterable value (labels, expert notes). */
  None,
  UInt,
  Int,
  Bool,
  /** 6-byte MAC, value read from the bytes. */
  Ether,
  /** 4-byte IPv4 address held as an unsigned 32-bit number. */
  IPv4,
  /** 16-byte IPv6 address, value read from the bytes. */
  IPv6,
  /** Raw bytes, value read from the bytes. */
  Bytes,
  String,
  /** Seconds since the epoch; the value is its decimal text with 9 fraction digits. */
  AbsTime,
  /** Seconds relative to another packet; the value is its decimal text with 9 fraction digits. */
  RelTime,
  Float,
  FrameNum,
}

export type Base = 'dec' | 'hex' | 'oct' | 'dec_hex' | 'hex_dec' | 'none';

export interface FieldSpec {
  name: string;
  type: FieldType;
  /** Display base for integers. */
  base?: Base;
  /** Bit width of the containing integer (8, 16, 24, 32, 64): pads hex and draws bit masks. */
  bits?: number;
  /** Bit mask within the containing integer; the value is masked and shifted. */
  mask?: number;
  /** Names for integer values, shown as `Name (value)`. */
  strings?: ReadonlyMap<number, string>;
  /** Words for booleans: [true, false]. Default Set / Not set. */
  tf?: readonly [string, string];
  /** Unit appended to the label (`bytes`). */
  unit?: string;
  /** Shown in brackets, as Wireshark shows generated fields. */
  generated?: boolean;
  /** Filterable but not shown in the tree (`eth.addr`, `ip.addr`, `tcp.port`). */
  hidden?: boolean;
}

export interface FieldDef extends FieldSpec {
  /** Filter name, e.g. `ip.src`. */
  readonly abbrev: string;
  /** Dense id assigned by the registry (index into its field table). */
  id: number;
}

/**
 * Declares the fields of one protocol: keys are the abbrev suffixes, `''` the protocol itself.
 * `fields('ip', { '': proto('Internet Protocol Version 4'), src: ipv4('Source Address') })`
 * gives `{ '': ip, src: ip.src }` as FieldDefs.
 */
export function fields<K extends string>(prefix: string, specs: Record<K, FieldSpec>): Record<K, FieldDef> {
  const out = {} as Record<K, FieldDef>;
  for (const key of Object.keys(specs) as K[]) {
    const abbrev = key === '' ? prefix : `${prefix}.${key}`;
    out[key] = { ...specs[key], abbrev, id: -1 };
  }
  return out;
}

export const proto = (name: string): FieldSpec => ({ name, type: FieldType.Protocol });
export const text = (name: string): FieldSpec => ({ name, type: FieldType.None });
export const uint = (name: string, bits: number, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  name,
  type: FieldType.UInt,
  base: 'dec',
  bits,
  ...extra,
});
export const hex = (name: string, bits: number, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  name,
  type: FieldType.UInt,
  base: 'hex',
  bits,
  ...extra,
});
export const bool = (
  name: string,
  bits: number,
  mask: number,
  extra: Partial<FieldSpec> = {},
): FieldSpec => ({
  name,
  type: FieldType.Bool,
  bits,
  mask,
  ...extra,
});
export const ether = (name: string): FieldSpec => ({ name, type: FieldType.Ether });
export const ipv4 = (name: string): FieldSpec => ({ name, type: FieldType.IPv4 });
export const ipv6 = (name: string): FieldSpec => ({ name, type: FieldType.IPv6 });
export const bytes = (name: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  name,
  type: FieldType.Bytes,
  ...extra,
});
export const str = (name: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  name,
  type: FieldType.String,
  ...extra,
});
/** A date and time (FT_ABSOLUTE_TIME), its value the text tshark shows (`Jan  1, 2020 00:00:00.000000000 UTC`). */
export const absTime = (name: string): FieldSpec => ({ name, type: FieldType.AbsTime });

/** A value_string table from a plain object literal keyed by number. */
export function names(table: Record<number, string>): ReadonlyMap<number, string> {
  return new Map(Object.entries(table).map(([k, v]) => [Number(k), v]));
}

/** Applies a field's bit mask: masked and shifted down to its lowest set bit. */
export function applyMask(def: FieldSpec, raw: number): number {
  const mask = def.mask;
  if (mask === undefined || mask === 0) return raw;
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return ((raw & mask) >>> 0) >>> shift;
}
