// Runs a compiled display filter over the session's index, as little work per packet as the filter
// allows: a filter on protocols and frame numbers or lengths only (`tcp`, `frame.len > 1000 &&
// udp`) is answered from the index (the protocol stack recorded while indexing) without reading a
// byte; any other filter skips the packets whose stack lacks a protocol it needs, and reads the rest
// back from the file in runs (one read a run), dissected in summary mode into a collector of the
// filter's fields only. Matches are appended to the view as they are found. The scan yields to the
// event loop every few milliseconds so a newer filter request (or a close) cancels it, and at the
// end of a file still loading or a live capture it waits for the index to grow.
import { FieldType, type FieldDef } from '../../app/dissect/field.ts';
import { dissect } from '../../app/dissect/dissect.ts';
import { FieldCollector } from '../../app/dissect/tree.ts';
import { Tvb } from '../../app/dissect/tvb.ts';
import type { CompiledFilter } from '../../app/filter/compile.ts';
import type { Registry } from '../../app/dissect/registry.ts';
import { leanRegistry, leanSuffices } from './lean-registry.ts';
import { NO_HEADER, UNKNOWN_STACK } from './packet-index.ts';
import { RUN_BYTES, type CaptureSession } from './session.ts';
import type { View } from './view.ts';

/** Most packets and bytes read back in one run. */
/** Work between yields to the event loop, and between progress reports. */
const SLICE_MS = 12;
const REPORT_MS = 100;

const FILTER_OPTIONS = { wantInfo: false };
const NO_BYTES = new Uint8Array(0);
const NO_TVB = new Tvb(NO_BYTES, 0, 0);

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Frame fields the index holds (the rest of `frame.*` needs the frame dissected). */
type IndexFrameField = 'number' | 'len' | 'cap_len' | 'protocols';

/**
 * How to fill the filter's fields without dissecting, when it can be done: frame fields from the
 * index, header fields (`ip.addr`, `tcp.flags.syn`, `udp.port`) from the bytes at the header
 * offsets the index keeps.
 */
interface IndexPlan {
  frame: { def: FieldDef; field: IndexFrameField }[];
  headers: { def: FieldDef; field: HeaderField }[];
}

/** What a protocol stack gives the filter: skip, dissect, or its protocol fields (index plan). */
interface StackInfo {
  /** It has every layer the filter requires. */
  candidate: boolean;
  /** Index plan: the protocol fields present, once per occurrence, and `frame.protocols`. */
  protocols: FieldDef[];
  text: string;
  /** Index plan without frame or header fields: the filter's answer for every packet of this stack. */
  verdict: boolean | null;
  /**
   * The plan's header fields can be read from the bytes: each one's layer occurs once in the stack
   * (and is the only transport layer), or not at all (the field has no value).
   */
  headersReadable: boolean;
  /** The layers of the plan's header fields that the stack has. */
  headerLayers: ReadonlySet<string>;
}

export class FilterScan {
  private cancelled = false;
  private wake: () => void = () => {};
  private readonly collector: FieldCollector;
  private readonly plan: IndexPlan | null;
  private readonly stacks: (StackInfo | undefined)[] = [];
  /** The filter's required layers that the recorded stacks can be trusted for. */
  private readonly requires: string[];
  /** What dissects the packets: without the application layers when the filter reads none. */
  private readonly registry: Registry;
  /** Next packet (0-based) to test. */
  private next = 0;
  /**
   * Where runs are read, one after the other: a fresh buffer a run cost ten times the read itself
   * (page faults). Dissectors copy whatever they keep of a packet's bytes (reassembly, fragments).
   */
  private readonly scratch = new Uint8Array(RUN_BYTES);

  constructor(
    private readonly session: CaptureSession,
    private readonly view: View,
    private readonly filter: CompiledFilter,
    /** Called with the view updated: every REPORT_MS while scanning, and once at the end. */
    private readonly onProgress: () => void,
  ) {
    this.collector = FieldCollector.of(filter.fieldIds, session.registry.fields.length);
    this.plan = indexPlan(filter, session.registry.fields);
    const defs = filter.fieldIds.flatMap((id) => session.registry.fields[id] ?? []);
    this.registry = leanSuffices(defs) ? leanRegistry(session.registry) : session.registry;
    this.requires = filter.requires.filter((l) => STACK_LAYERS.has(l) || CARRIERS.has(l));
  }

  cancel(): void {
    this.cancelled = true;
    this.wake();
  }

  /** Scans until the index stops growing (the file is loaded, the capture stopped) or cancelled. */
  async run(): Promise<void> {
    const { session, view } = this;
    let sliceStart = performance.now();
    let lastReport = sliceStart;
    for (;;) {
      while (this.next < session.index.count) {
        this.scanRun();
        view.scanned = this.next;
        const now = performance.now();
        if (now - sliceStart < SLICE_MS) continue;
        if (now - lastReport >= REPORT_MS) {
          lastReport = now;
          this.report();
        }
        await nextTurn();
        if (this.cancelled) return;
        sliceStart = performance.now();
      }
      if (session.done) break;
      this.report();
      await Promise.race([session.whenGrown(this.next), new Promise<void>((r) => (this.wake = r))]);
      if (this.cancelled) return;
      sliceStart = performance.now();
    }
    view.filtering = false;
    this.report();
  }

  private report(): void {
    if (this.view.sort) this.view.resort();
    this.onProgress();
  }

  private stackInfo(id: number): StackInfo {
    let info = this.stacks[id];
    if (info) return info;
    const layers = this.session.index.stacks.text(id).split(':');
    const have = new Set(layers);
    const registry = this.session.registry;
    info = {
      candidate: this.requires.every((l) => (CARRIERS.get(l) ?? [l]).some((c) => have.has(c))),
      protocols: [],
      text: layers.slice(1).join(':'),
      verdict: null,
      headersReadable: false,
      headerLayers: new Set(),
    };
    if (this.plan) {
      for (const l of layers) {
        const def = registry.field(l);
        if (def && this.collector.wants(def)) info.protocols.push(def);
      }
      const count = (layer: string): number => layers.filter((l) => l === layer).length;
      const transports = count('tcp') + count('udp');
      info.headersReadable = this.plan.headers.every(({ field }) => {
        const n = count(field.layer);
        return n === 0 || (n === 1 && (field.layer === 'ip' || transports === 1));
      });
      info.headerLayers = new Set(this.plan.headers.map((h) => h.field.layer).filter((l) => count(l) > 0));
      if (this.plan.frame.length === 0 && this.plan.headers.length === 0) {
        info.verdict = info.candidate && this.fromIndex(0, info, null, 0);
      }
    }
    this.stacks[id] = info;
    return info;
  }

  /**
   * Tests packet `i` on what the index holds and, for header fields, on its bytes (`bytes`, at
   * `at` in it); null when a header field cannot be read there (the caller dissects instead).
   */
  private fromIndex(i: number, info: StackInfo, bytes: Uint8Array | null, at: number): boolean | null {
    const { collector } = this;
    const x = this.session.index;
    collector.reset();
    for (const { def, field } of this.plan?.headers ?? []) {
      if (!info.headerLayers.has(field.layer)) continue;
      const offset = field.layer === 'ip' ? (x.network[i] ?? NO_HEADER) : (x.transport[i] ?? NO_HEADER);
      if (bytes === null || offset === NO_HEADER) return null;
      const end = at + (x.capLen[i] ?? 0);
      const h = at + offset;
      if (h + field.size > end || !field.valid(bytes, h)) return null;
      for (const value of field.values(bytes, h)) collector.add(def, NO_TVB, 0, 0, value);
    }
    for (const def of info.protocols) collector.add(def, NO_TVB, 0, 0, true);
    for (const { def, field } of this.plan?.frame ?? []) {
      const value =
        field === 'number'
          ? i + 1
          : field === 'len'
            ? (x.origLen[i] ?? 0)
            : field === 'cap_len'
              ? (x.capLen[i] ?? 0)
              : info.text;
      collector.add(def, NO_TVB, 0, 0, value);
    }
    return this.filter.matches(collector, NO_BYTES);
  }

  /** Tests one run of consecutive packets; reads their bytes (with one read) only if one needs them. */
  private scanRun(): void {
    const { session, view, collector, filter, plan } = this;
    const x = session.index;
    const first = this.next;
    const last = session.runEnd(first);
    const base = x.dataOffset[first] ?? 0;
    let run: Uint8Array | null = null;
    for (let i = first; i <= last; i++) {
      const stack = x.stack[i] ?? UNKNOWN_STACK;
      if (stack !== UNKNOWN_STACK) {
        const info = this.stackInfo(stack);
        if (!info.candidate) continue;
        if (plan && plan.headers.length === 0) {
          if (info.verdict ?? this.fromIndex(i, info, null, 0)) view.addMatch(i);
          continue;
        }
        if (plan && info.headersReadable) {
          run ??= session.readRun(first, last, this.scratch);
          const verdict = this.fromIndex(i, info, run, (x.dataOffset[i] ?? 0) - base);
          if (verdict !== null) {
            if (verdict) view.addMatch(i);
            continue;
          }
        }
      }
      run ??= session.readRun(first, last, this.scratch);
      const at = (x.dataOffset[i] ?? 0) - base;
      const bytes = run.subarray(at, at + (x.capLen[i] ?? 0));
      collector.reset();
      // The previous displayed packet is the last match so far, as in Wireshark's filtering pass.
      const meta = session.metaOf(i, view.previousDisplayed(i));
      dissect(this.registry, meta, bytes, collector, session.state, FILTER_OPTIONS);
      if (filter.matches(collector, bytes)) view.addMatch(i);
    }
    this.next = last + 1;
  }
}

/**
 * Layers whose place in a packet's recorded stack is exactly where their protocol's node and
 * fields are (checked on the corpus by test/main/engine/filter-oracle.test.ts). Not every
 * dissector keeps the two together: mDNS and LLMNR carry dns.* fields under another layer name,
 * a malformed DHCP packet pushes its layer without a node, an IPv6 header with a bad version adds
 * a node without the layer, and QUIC pushes tls in summary mode only.
 */
const STACK_LAYERS: ReadonlySet<string> = new Set([
  'frame',
  'eth',
  'sll',
  'vlan',
  'arp',
  'ip',
  'icmp',
  'tcp',
  'udp',
]);

/**
 * Protocols whose fields come under other layer names too: a packet can have `dns.*` fields only
 * if its stack has one of these (mDNS and LLMNR are DNS messages under their own layer). Used to
 * skip packets only, never to answer a filter from the stack.
 */
const CARRIERS: ReadonlyMap<string, readonly string[]> = new Map([['dns', ['dns', 'mdns', 'llmnr']]]);

const FRAME_FIELDS: Readonly<Record<string, IndexFrameField>> = {
  'frame.number': 'number',
  'frame.len': 'len',
  'frame.cap_len': 'cap_len',
  'frame.protocols': 'protocols',
};

/** A header field at a fixed place in its header, and the values its dissector gives it. */
interface HeaderField {
  layer: 'ip' | 'tcp' | 'udp';
  /** Bytes of the header it needs. */
  size: number;
  /** The header is one its dissector reads the field from at this place (else: dissect). */
  valid: (b: Uint8Array, h: number) => boolean;
  values: (b: Uint8Array, h: number) => (number | boolean)[];
}

const u16 = (b: Uint8Array, at: number): number => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
const u32 = (b: Uint8Array, at: number): number => u16(b, at) * 0x10000 + u16(b, at + 2);

/** IPv4 without options and with a plausible total length: every field at its fixed place. */
const plainIPv4 = (b: Uint8Array, h: number): boolean => b[h] === 0x45 && u16(b, h + 2) >= 20;
/** A TCP header of at least the fixed 20 bytes (a shorter claimed length stops the dissector). */
const plainTcp = (b: Uint8Array, h: number): boolean => (b[h + 12] ?? 0) >> 4 >= 5;
const always = (): boolean => true;

const ip = (size: number, values: HeaderField['values']): HeaderField => ({
  layer: 'ip',
  size: Math.max(size, 20),
  valid: plainIPv4,
  values,
});
const tcp = (values: HeaderField['values']): HeaderField => ({
  layer: 'tcp',
  size: 14,
  valid: plainTcp,
  values,
});
const tcpFlag = (mask: number): HeaderField => tcp((b, h) => [((b[h + 13] ?? 0) & mask) !== 0]);
const udp = (values: HeaderField['values']): HeaderField => ({
  layer: 'udp',
  size: 8,
  valid: always,
  values,
});

/**
 * The header fields a filter can read straight from the bytes, in the order and form the
 * dissectors add them (checked against dissection on the corpus by
 * test/main/engine/filter-oracle.test.ts).
 */
const HEADER_FIELDS: Readonly<Record<string, HeaderField>> = {
  'ip.src': ip(16, (b, h) => [u32(b, h + 12)]),
  'ip.dst': ip(20, (b, h) => [u32(b, h + 16)]),
  'ip.addr': ip(20, (b, h) => [u32(b, h + 12), u32(b, h + 16)]),
  'ip.len': ip(4, (b, h) => [u16(b, h + 2)]),
  'ip.id': ip(6, (b, h) => [u16(b, h + 4)]),
  'ip.ttl': ip(9, (b, h) => [b[h + 8] ?? 0]),
  'ip.proto': ip(10, (b, h) => [b[h + 9] ?? 0]),
  'tcp.srcport': tcp((b, h) => [u16(b, h)]),
  'tcp.dstport': tcp((b, h) => [u16(b, h + 2)]),
  'tcp.port': tcp((b, h) => [u16(b, h), u16(b, h + 2)]),
  'tcp.flags': tcp((b, h) => [u16(b, h + 12) & 0x0fff]),
  'tcp.flags.fin': tcpFlag(0x01),
  'tcp.flags.syn': tcpFlag(0x02),
  'tcp.flags.reset': tcpFlag(0x04),
  'tcp.flags.push': tcpFlag(0x08),
  'tcp.flags.ack': tcpFlag(0x10),
  'tcp.flags.urg': tcpFlag(0x20),
  'udp.srcport': udp((b, h) => [u16(b, h)]),
  'udp.dstport': udp((b, h) => [u16(b, h + 2)]),
  'udp.port': udp((b, h) => [u16(b, h), u16(b, h + 2)]),
  'udp.length': udp((b, h) => [u16(b, h + 4)]),
};

/**
 * The plan for a filter that reads only protocols of STACK_LAYERS, the frame fields the index
 * holds and HEADER_FIELDS; null when some field needs the packet dissected.
 */
function indexPlan(filter: CompiledFilter, fields: readonly FieldDef[]): IndexPlan | null {
  if (filter.needsFrameBytes) return null;
  const plan: IndexPlan = { frame: [], headers: [] };
  for (const id of filter.fieldIds) {
    const def = fields[id];
    if (!def) return null;
    const frameField = FRAME_FIELDS[def.abbrev];
    const headerField = HEADER_FIELDS[def.abbrev];
    if (frameField) plan.frame.push({ def, field: frameField });
    else if (headerField) plan.headers.push({ def, field: headerField });
    else if (def.type !== FieldType.Protocol || !STACK_LAYERS.has(def.abbrev)) return null;
  }
  return plan;
}
