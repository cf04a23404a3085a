// Builds pcap and pcapng files byte by byte, so tests can make exactly the file they need
// (either byte order, any resolution, broken lengths) and write it to a temporary directory.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Endian = 'little' | 'big';

const LE = (e: Endian): boolean => e === 'little';

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Deterministic packet bytes: `len` bytes derived from `seed`. */
export function packetBytes(len: number, seed = 1): Uint8Array {
  const out = new Uint8Array(len);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < len; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

class Bytes {
  private readonly parts: Uint8Array[] = [];
  constructor(private readonly endian: Endian) {}

  u8(v: number): this {
    this.parts.push(Uint8Array.of(v & 0xff));
    return this;
  }
  u16(v: number): this {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, v, LE(this.endian));
    this.parts.push(b);
    return this;
  }
  u32(v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, LE(this.endian));
    this.parts.push(b);
    return this;
  }
  u64(v: bigint): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), LE(this.endian));
    this.parts.push(b);
    return this;
  }
  bytes(b: Uint8Array): this {
    this.parts.push(b);
    return this;
  }
  /** Zero bytes up to a multiple of 4 of `len`. */
  pad(len: number): this {
    this.parts.push(new Uint8Array((4 - (len % 4)) % 4));
    return this;
  }
  build(): Uint8Array {
    return concat(...this.parts);
  }
}

// ---- pcap ----

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;

export interface PcapHeaderOptions {
  endian?: Endian;
  nanosecond?: boolean;
  /** Overrides the magic (written in `endian`). */
  magic?: number;
  versionMajor?: number;
  versionMinor?: number;
  snaplen?: number;
  /** The raw link-type field (FCS bits included). */
  linkType?: number;
}

export function pcapHeader(o: PcapHeaderOptions = {}): Uint8Array {
  return new Bytes(o.endian ?? 'little')
    .u32(o.magic ?? (o.nanosecond ? PCAP_MAGIC_NS : PCAP_MAGIC_US))
    .u16(o.versionMajor ?? 2)
    .u16(o.versionMinor ?? 4)
    .u32(0)
    .u32(0)
    .u32(o.snaplen ?? 262144)
    .u32(o.linkType ?? 1)
    .build();
}

export interface PcapRecord {
  tsSec: number;
  /** µs or ns, as the file's magic says. */
  tsFrac: number;
  data: Uint8Array;
  /** Defaults to data.length. */
  origLen?: number;
  /** The header's captured length; defaults to data.length (set it to lie). */
  capLen?: number;
}

export function pcapRecord(endian: Endian, r: PcapRecord): Uint8Array {
  return new Bytes(endian)
    .u32(r.tsSec)
    .u32(r.tsFrac)
    .u32(r.capLen ?? r.data.length)
    .u32(r.origLen ?? r.data.length)
    .bytes(r.data)
    .build();
}

export function pcapFile(o: PcapHeaderOptions, records: readonly PcapRecord[]): Uint8Array {
  const endian = o.endian ?? 'little';
  return concat(pcapHeader(o), ...records.map((r) => pcapRecord(endian, r)));
}

// ---- pcapng ----

export const BLOCK = {
  SHB: 0x0a0d0d0a,
  IDB: 1,
  OPB: 2,
  SPB: 3,
  NRB: 4,
  ISB: 5,
  EPB: 6,
  DSB: 10,
  CUSTOM: 0xbad,
  CUSTOM_NO_COPY: 0x40000bad,
} as const;

export interface PcapngOption {
  code: number;
  value: Uint8Array | string;
}

/** An options list (ends with opt_endofopt when there is any option). */
export function options(endian: Endian, opts: readonly PcapngOption[]): Uint8Array {
  if (opts.length === 0) return new Uint8Array(0);
  const b = new Bytes(endian);
  for (const o of opts) {
    const v = typeof o.value === 'string' ? new TextEncoder().encode(o.value) : o.value;
    b.u16(o.code).u16(v.length).bytes(v).pad(v.length);
  }
  return b.u16(0).u16(0).build();
}

export interface BlockOverrides {
  /** Written as the leading total length instead of the true one. */
  totalLength?: number;
  /** Written as the trailing total length instead of the leading one. */
  trailer?: number;
}

/** A block: type, total length, `body` (padded to 4), total length again. */
export function block(endian: Endian, type: number, body: Uint8Array, x: BlockOverrides = {}): Uint8Array {
  const padded = body.length + ((4 - (body.length % 4)) % 4);
  const total = x.totalLength ?? padded + 12;
  return new Bytes(endian)
    .u32(type)
    .u32(total)
    .bytes(body)
    .pad(body.length)
    .u32(x.trailer ?? total)
    .build();
}

export function shb(
  endian: Endian,
  o: { major?: number; minor?: number; options?: PcapngOption[] } & BlockOverrides = {},
): Uint8Array {
  const body = new Bytes(endian)
    .u32(0x1a2b3c4d)
    .u16(o.major ?? 1)
    .u16(o.minor ?? 0)
    .u64(-1n)
    .bytes(options(endian, o.options ?? []))
    .build();
  return block(endian, BLOCK.SHB, body, o);
}

export interface IdbOptions extends BlockOverrides {
  linkType: number;
  snaplen?: number;
  name?: string;
  description?: string;
  /** The if_tsresol byte: 6 = µs, 9 = ns, 0x80 | n = 2^-n. */
  tsresol?: number;
  /** if_tsoffset in seconds. */
  tsoffset?: bigint;
}

export function idb(endian: Endian, o: IdbOptions): Uint8Array {
  const opts: PcapngOption[] = [];
  if (o.name !== undefined) opts.push({ code: 2, value: o.name });
  if (o.description !== undefined) opts.push({ code: 3, value: o.description });
  if (o.tsresol !== undefined) opts.push({ code: 9, value: Uint8Array.of(o.tsresol) });
  if (o.tsoffset !== undefined) opts.push({ code: 14, value: new Bytes(endian).u64(o.tsoffset).build() });
  const body = new Bytes(endian)
    .u16(o.linkType)
    .u16(0)
    .u32(o.snaplen ?? 0)
    .bytes(options(endian, opts))
    .build();
  return block(endian, BLOCK.IDB, body, o);
}

export interface PacketBlockOptions extends BlockOverrides {
  iface: number;
  /** Timestamp in the interface's units. */
  ts: bigint;
  data: Uint8Array;
  origLen?: number;
  /** The block's captured length; defaults to data.length (set it to lie). */
  capLen?: number;
  comments?: string[];
}

function packetOptions(endian: Endian, o: PacketBlockOptions): Uint8Array {
  return options(
    endian,
    (o.comments ?? []).map((c) => ({ code: 1, value: c })),
  );
}

export function epb(endian: Endian, o: PacketBlockOptions): Uint8Array {
  const body = new Bytes(endian)
    .u32(o.iface)
    .u32(Number(o.ts >> 32n) >>> 0)
    .u32(Number(o.ts & 0xffffffffn))
    .u32(o.capLen ?? o.data.length)
    .u32(o.origLen ?? o.data.length)
    .bytes(o.data)
    .pad(o.data.length)
    .bytes(packetOptions(endian, o))
    .build();
  return block(endian, BLOCK.EPB, body, o);
}

/** The obsolete Packet Block (type 2): 16-bit interface id and a drops count. */
export function opb(endian: Endian, o: PacketBlockOptions & { drops?: number }): Uint8Array {
  const body = new Bytes(endian)
    .u16(o.iface)
    .u16(o.drops ?? 0)
    .u32(Number(o.ts >> 32n) >>> 0)
    .u32(Number(o.ts & 0xffffffffn))
    .u32(o.capLen ?? o.data.length)
    .u32(o.origLen ?? o.data.length)
    .bytes(o.data)
    .pad(o.data.length)
    .bytes(packetOptions(endian, o))
    .build();
  return block(endian, BLOCK.OPB, body, o);
}

export function spb(endian: Endian, o: { data: Uint8Array; origLen?: number } & BlockOverrides): Uint8Array {
  const body = new Bytes(endian)
    .u32(o.origLen ?? o.data.length)
    .bytes(o.data)
    .build();
  return block(endian, BLOCK.SPB, body, o);
}

// ---- files ----

/** A fresh temporary directory; `cleanup()` removes it. */
export function tempDir(prefix = 'trawl-pcap-'): {
  dir: string;
  file(name: string, bytes: Uint8Array): string;
  cleanup(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    file(name, bytes) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      return path;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
