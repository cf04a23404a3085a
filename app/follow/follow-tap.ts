// Feeds a Follower from dissected packets: the fields it reads (stream index, addresses, ports,
// sequence numbers, payload), collected during a summary dissection, turned into FollowPackets.
import type { FieldDef } from '../dissect/field.ts';
import { fieldText } from '../dissect/field-text.ts';
import type { FrameMeta } from '../dissect/packet-info.ts';
import type { Registry } from '../dissect/registry.ts';
import type { FieldCollector, FieldValue } from '../dissect/tree.ts';
import { Follower, type FollowEndpoint, type FollowProto } from './follow.ts';

const NO_BYTES = new Uint8Array(0);

type Value = FieldValue | Uint8Array;

export class FollowTap {
  readonly follower: Follower;
  /** The fields the dissection must collect for `take`. */
  readonly fieldIds: number[];
  private readonly f: Record<
    'stream' | 'srcport' | 'dstport' | 'payload' | 'ip4src' | 'ip4dst' | 'ip6src' | 'ip6dst',
    FieldDef
  >;
  private readonly tcp: { seq: FieldDef; ack: FieldDef; syn: FieldDef } | null;

  constructor(
    registry: Registry,
    readonly proto: FollowProto,
    readonly stream: number,
  ) {
    const def = (name: string): FieldDef => {
      const d = registry.field(name);
      if (!d) throw new Error(`follow: no field ${name}`);
      return d;
    };
    this.f = {
      stream: def(`${proto}.stream`),
      srcport: def(`${proto}.srcport`),
      dstport: def(`${proto}.dstport`),
      payload: def(`${proto}.payload`),
      ip4src: def('ip.src'),
      ip4dst: def('ip.dst'),
      ip6src: def('ipv6.src'),
      ip6dst: def('ipv6.dst'),
    };
    this.tcp =
      proto === 'tcp'
        ? { seq: def('tcp.seq_raw'), ack: def('tcp.ack_raw'), syn: def('tcp.flags.syn') }
        : null;
    this.follower = new Follower(proto, stream);
    this.fieldIds = [...Object.values(this.f), ...Object.values(this.tcp ?? {})].map((d) => d.id);
  }

  /** Whether the packet just collected belongs to the followed stream. */
  matches(c: FieldCollector): boolean {
    const streams = c.get(this.f.stream.id);
    return streams.length === 1 && streams[0] === this.stream;
  }

  /**
   * Adds the packet just collected into `c`, when it belongs to the stream. A `malformed` packet
   * without payload counts only when the header was whole: Wireshark's tap sees a segment once its
   * options are read, so a segment whose header broke is not followed.
   */
  take(c: FieldCollector, meta: FrameMeta, malformed: boolean): void {
    if (!this.matches(c)) return;
    if (malformed && c.get(this.f.payload.id).length === 0) return;
    const ipv6 = c.get(this.f.ip6src.id).length > 0 && c.get(this.f.ip4src.id).length === 0;
    const endpoint = (v4: FieldDef, v6: FieldDef, port: FieldDef): FollowEndpoint => {
      const addr = ipv6 ? v6 : v4;
      return { host: text(addr, last(c.get(addr.id))), ipv6, port: Number(last(c.get(port.id)) ?? 0) };
    };
    const payload = last(c.get(this.f.payload.id));
    const tcp = this.tcp;
    this.follower.add({
      frame: meta.number,
      tsSec: meta.tsSec,
      tsNsec: meta.tsNsec,
      src: endpoint(this.f.ip4src, this.f.ip6src, this.f.srcport),
      dst: endpoint(this.f.ip4dst, this.f.ip6dst, this.f.dstport),
      seq: tcp ? Number(last(c.get(tcp.seq.id)) ?? 0) : 0,
      ack: tcp ? Number(last(c.get(tcp.ack.id)) ?? 0) : 0,
      syn: tcp ? Boolean(last(c.get(tcp.syn.id))) : false,
      payload: payload instanceof Uint8Array ? payload : NO_BYTES,
    });
  }
}

const last = (values: readonly Value[]): Value => values[values.length - 1];
const text = (def: FieldDef, v: Value): string => (v === undefined ? '' : fieldText(def, v));
