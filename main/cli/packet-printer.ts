// One packet loop for `trawl -r` and `trawl -i`: each record is dissected as deep as the output
// and the -Y filter need, tested, and printed as a summary line, -T fields line or -V tree (with
// -x bytes); or, when the caller writes a file, only tested.
import { dissect } from '../../app/dissect/dissect.ts';
import { defaultRegistry } from '../../app/dissect/modules.ts';
import {
  CaptureState,
  type DissectOptions,
  type FrameMeta,
  type PacketInfo,
} from '../../app/dissect/packet-info.ts';
import { FieldCollector, FullTree, NULL_TREE, TeeTree } from '../../app/dissect/tree.ts';
import type { CompiledFilter } from '../../app/filter/compile.ts';
import { FollowTap } from '../../app/follow/follow-tap.ts';
import { followText } from '../../app/follow/follow-text.ts';
import type { FollowResult } from '../../app/follow/follow.ts';
import { finalIPv6Destination, StatsTap } from '../../app/stats/stats-tap.ts';
import type { RecordBatch } from '../../native/index.ts';
import { FrameClock, recordBytes } from '../engine/frame-meta.ts';
import { addSecrets, KeyLogFile } from '../engine/secrets.ts';
import { nodeCrypto } from '../engine/node-crypto.ts';
import type { CliOptions } from './args.ts';
import type { Output } from './output.ts';
import { JsonArray, packetFieldsJson, packetTreeJson } from './json.ts';
import {
  fieldsLine,
  hexDumpLines,
  summaryLine,
  treeLines,
  type DetailStyle,
  type FieldColumn,
  type FieldsFormat,
} from './print.ts';

export interface KeptPacket {
  meta: FrameMeta;
  bytes: Uint8Array;
}

export class PacketPrinter {
  private readonly registry = defaultRegistry();
  readonly state = new CaptureState();
  private readonly clock = new FrameClock();
  private readonly collector: FieldCollector | null;
  private readonly options: DissectOptions;
  /** -z follow: sees every packet, whatever -Y keeps (tshark's taps do). */
  private readonly follow: FollowTap | null;
  /** -z io,phs, conv and endpoints: like follow, they see every packet. */
  private readonly stats: StatsTap | null;
  private readonly fieldsFormat: FieldsFormat;
  private readonly detail: DetailStyle;
  /** -T json: the array the packets go in. */
  private readonly json: JsonArray | null;
  /** The time of the last packet -Y kept (frame.time_delta_displayed, -t dd); null before the first. */
  private shown: { sec: number; nsec: number } | null = null;

  /**
   * `writing`: the kept packets go to a file, nothing is printed. `timeDigits`: the summary's
   * time precision, the file's own as tshark shows it (9 for nanosecond files, else 6).
   */
  constructor(
    private readonly opts: CliOptions,
    private readonly columns: readonly FieldColumn[],
    private readonly filter: CompiledFilter | null,
    private readonly out: Output,
    private readonly writing: boolean,
    timeDigits = 6,
    statFilters: readonly (CompiledFilter | null)[] = [],
  ) {
    const fields = (opts.mode === 'fields' || opts.mode === 'json') && opts.fields.length > 0 && !writing;
    this.json = opts.mode === 'json' && !writing && !opts.quiet ? new JsonArray((t) => out.text(t)) : null;
    const time = { format: opts.timeFormat, hms: opts.hms, digits: timeDigits };
    this.fieldsFormat = { ...opts, time };
    this.detail = {
      dataHex: !opts.hex,
      protocols: opts.detailProtocols ? new Set(opts.detailProtocols) : null,
    };
    this.follow = opts.follow ? new FollowTap(this.registry, opts.follow.proto, opts.follow.stream) : null;
    this.stats = opts.statistics.length
      ? new StatsTap(
          this.registry,
          opts.statistics,
          statFilters.map((f) => (f ? (c, b) => f.matches(c, b) : null)),
        )
      : null;
    const wanted = [
      ...columns.flatMap((c) => (c.kind === 'field' ? [c.id] : [])),
      ...(filter?.fieldIds ?? []),
      ...(this.follow?.fieldIds ?? []),
      ...(this.stats?.fieldIds ?? []),
      ...statFilters.flatMap((f) => f?.fieldIds ?? []),
    ];
    this.collector =
      fields || filter || this.follow || this.stats
        ? FieldCollector.of(wanted, this.registry.fields.length)
        : null;
    // Info text costs: build it only for the summary, the tree, or an explicit _ws.col.Info.
    const wantInfo = !writing && (opts.mode !== 'fields' || opts.fields.includes('_ws.col.Info'));
    this.options = { wantInfo, reassemble: opts.reassemble, crypto: nodeCrypto };
    // The key log's secrets; tshark goes on without them when the file cannot be read.
    if (opts.keylogFile !== undefined) new KeyLogFile(opts.keylogFile).refresh(this.state.secrets);
    if (opts.mode === 'fields' && fields && opts.bom && !opts.quiet) out.text('\ufeff');
    if (opts.mode === 'fields' && fields && opts.header && !opts.quiet)
      out.line(opts.fields.join(opts.separator));
  }

  /** -T json: the packet's whole tree, or with -e its fields (from the collector). */
  private printJson(
    meta: FrameMeta,
    bytes: Uint8Array,
    tree: FullTree | null,
    pinfo: PacketInfo | null,
  ): void {
    const { registry, state, options, collector, opts } = this;
    if (opts.fields.length > 0 && collector && pinfo) {
      const packet = { meta, pinfo, collector, defs: registry.fields, time: this.fieldsFormat.time };
      this.json?.packet(packetFieldsJson(opts.fields, this.columns, packet));
      return;
    }
    const whole = tree ?? new FullTree();
    if (!tree) dissect(registry, meta, bytes, whole, state, options);
    this.json?.packet(packetTreeJson(meta, whole.roots));
  }

  /** Ends what the output format opened (-T json's array), once every packet has been taken. */
  finish(): void {
    this.json?.end();
  }

  /** The followed stream (-z follow), once every packet has been taken. */
  followResult(): FollowResult | null {
    return this.follow?.follower.result() ?? null;
  }

  /** Every -z statistic's text once every packet has been taken, the last given first (tshark's order). */
  statisticsText(): string[] {
    const texts = this.stats?.texts() ?? [];
    const follow = this.followResult();
    if (follow && this.opts.follow) {
      texts.splice(this.opts.followAt ?? 0, 0, followText(follow, this.opts.follow.mode));
    }
    return texts.reverse().flat();
  }

  /** Record `i` of `batch`: printed (unless writing) and returned if it passes -Y, else null. */
  take(batch: RecordBatch, i: number): KeptPacket | null {
    addSecrets(this.state, batch, i);
    const meta = this.clock.next(batch, i);
    // The previous displayed packet is the last one kept; the first kept is its own.
    meta.shownSec = this.shown?.sec ?? meta.tsSec;
    meta.shownNsec = this.shown?.nsec ?? meta.tsNsec;
    const bytes = recordBytes(batch, i);
    const { registry, state, options, collector, opts, out } = this;
    const jsonTree = this.json !== null && opts.fields.length === 0;
    const printTree = (opts.mode === 'tree' || jsonTree) && !this.writing && !opts.quiet;
    // One dissection gives the tree and the fields (see TeeTree).
    const tree = collector && (printTree || this.stats?.needsTree) ? new FullTree() : null;
    let pinfo: PacketInfo | null = null;
    if (collector) {
      collector.reset();
      pinfo = dissect(registry, meta, bytes, tree ? new TeeTree(tree, collector) : collector, state, options);
      this.follow?.take(collector, meta, pinfo.malformed);
      if (this.stats) {
        const finalDst = finalIPv6Destination(pinfo, bytes);
        this.stats.take(collector, meta, pinfo.layers, bytes, tree?.roots ?? null, pinfo.malformed, finalDst);
      }
      if (this.filter && !this.filter.matches(collector, bytes)) return null;
    }
    this.shown = { sec: meta.tsSec, nsec: meta.tsNsec };
    if (this.writing || opts.quiet) return { meta, bytes };
    if (this.json) this.printJson(meta, bytes, tree, pinfo);
    else if (opts.mode === 'fields' && collector && pinfo) {
      out.line(fieldsLine(this.columns, collector, registry.fields, meta, pinfo, this.fieldsFormat));
      if (opts.hex) this.printBytes(bytes);
    } else this.printText(meta, bytes, tree, pinfo);
    return { meta, bytes };
  }

  /**
   * The summary line, or the details (-V, -O) and bytes (-x) with the summary before them when -P
   * asks for it, as tshark prints them; then the packet's separator line (-S).
   */
  private printText(
    meta: FrameMeta,
    bytes: Uint8Array,
    tree: FullTree | null,
    pinfo: PacketInfo | null,
  ): void {
    const { registry, state, options, opts, out } = this;
    const details = opts.mode === 'tree';
    const shown = details ? (tree ?? new FullTree()) : null;
    const dissected = shown && !tree ? dissect(registry, meta, bytes, shown, state, options) : pinfo;
    if (opts.printSummary || !(details || opts.hex)) {
      const summarized = dissected ?? dissect(registry, meta, bytes, NULL_TREE, state, options);
      out.line(summaryLine(meta, summarized, this.fieldsFormat.time));
      if (!details && opts.hex) out.line('');
    }
    if (shown) for (const l of treeLines(shown.roots, this.detail)) out.line(l);
    if (shown && opts.hex) out.line('');
    if (details || opts.hex) this.printBytes(opts.hex ? bytes : null);
  }

  /** The hex dump (-x) when there are bytes to show, then the separator line that ends a packet. */
  private printBytes(bytes: Uint8Array | null): void {
    if (bytes) for (const l of hexDumpLines(bytes)) this.out.line(l);
    this.out.line(this.opts.packetSeparator ?? '');
  }
}
