// Where dissectors put their fields. Three sinks share one interface:
// - NULL_TREE: summary mode (indexing, packet list): builds nothing;
// - FieldCollector: keeps only the values of the fields someone asked for (`-T fields`, filters);
// - FullTree: the whole protocol tree with labels, offsets and lengths (detail pane, `-V`).
import { FieldType, type FieldDef } from './field.ts';
import type { Tvb } from './tvb.ts';

/** A field's value. Byte-backed types (MAC, IPv6, bytes) carry no value: it is read from the bytes. */
export type FieldValue = number | bigint | string | boolean | undefined;

export const enum NodeFlag {
  None = 0,
  Generated = 1,
  Malformed = 2,
  Truncated = 4,
  Expert = 8,
  /** In the tree for filters and -T fields, but not shown (Wireshark's PROTO_ITEM_SET_HIDDEN). */
  Hidden = 16,
}

export interface FieldNode {
  def: FieldDef | null;
  /** Absolute offset and length in the data source `source`. */
  offset: number;
  length: number;
  source: number;
  value: FieldValue;
  /** The bytes the offsets point into (for byte-backed values). */
  bytes: Uint8Array;
  /** Overrides the generated label (protocol summaries, text nodes). */
  label?: string;
  flags: NodeFlag;
  children?: FieldNode[];
}

/** Whether a tree view shows the node: hidden fields and hidden items are left out. */
export function isShown(node: FieldNode): boolean {
  return !node.def?.hidden && (node.flags & NodeFlag.Hidden) === 0;
}

export interface Tree {
  /** True when labels and nesting matter (FullTree): dissectors may skip label work otherwise. */
  readonly full: boolean;
  /** True when this sink keeps `def`'s value: compute expensive values only then. */
  wants(def: FieldDef): boolean;
  add(def: FieldDef, tvb: Tvb, offset: number, length: number, value?: FieldValue, flags?: NodeFlag): void;
  /** Adds a node and makes it the parent of what follows until `pop`. */
  push(def: FieldDef, tvb: Tvb, offset: number, length: number, value?: FieldValue): void;
  /** Closes the current subtree; `length` fixes its length once known, `label` its text. */
  pop(length?: number, label?: string): void;
  /** Sets the label of the current subtree. */
  label(text: string): void;
  /** Sets the label of the node added last (a leaf whose text is not `Name: value`). */
  labelLast(text: string): void;
  /** A text-only node (`[Malformed Packet: IPv4]`, expert notes). */
  note(text: string, tvb: Tvb | null, offset: number, length: number, flags: NodeFlag): void;
  /** Closes every open subtree (after a dissector threw). */
  unwind(): void;
  /** The subtree open now (null at top level, and always in sinks that keep no tree): for `reopen`. */
  current(): FieldNode | null;
  /**
   * Makes `node` (taken with `current` right after its `push`) the parent of what follows until
   * `pop`: for children known only after the payload ran, as Wireshark adds an Ethernet trailer
   * to the Ethernet subtree. A null node reopens the top level.
   */
  reopen(node: FieldNode | null): void;
  /**
   * A value for filters and -T fields only, which the tree view has no item for (the hidden
   * `_ws.malformed` beside a Malformed expert note): sinks that collect values keep it.
   */
  addValue(def: FieldDef, tvb: Tvb, offset: number, length: number, value?: FieldValue): void;
  /** Adds an item to the frame (the first top-level node) once dissection has ended (frame.protocols). */
  appendToFrame(def: FieldDef, tvb: Tvb, value: FieldValue, flags: NodeFlag): void;
}

class NullTree implements Tree {
  readonly full = false;
  wants(): boolean {
    return false;
  }
  add(): void {}
  push(): void {}
  pop(): void {}
  label(): void {}
  labelLast(): void {}
  note(): void {}
  unwind(): void {}
  current(): null {
    return null;
  }
  reopen(): void {}
  addValue(): void {}
  appendToFrame(): void {}
}

export const NULL_TREE: Tree = new NullTree();

/** A protocol occurrence: its bytes to the end of its data source, and its own length. */
export interface ProtocolSpan {
  bytes: Uint8Array;
  length: number;
}

const NO_SPANS: readonly ProtocolSpan[] = [];

/** Keeps values of the wanted fields, in the order they occur, for `-T fields` and filters. */
export class FieldCollector implements Tree {
  readonly full = false;
  private readonly values: (FieldValue | Uint8Array)[][];
  /** Ids that got values since the last reset (resetting touches only those). */
  private readonly touched: number[] = [];
  /** Protocol occurrences with their bytes, by id (only for wanted protocols). */
  private readonly spans: ProtocolSpan[][] = [];
  /** Open subtrees as (id, slot in `spans` or -1) pairs, so `pop` can fix a protocol's length. */
  private readonly open: number[] = [];

  constructor(
    private readonly wanted: Uint8Array,
    fieldCount: number,
  ) {
    this.values = Array.from({ length: fieldCount }, () => []);
  }

  /** A collector for the given field ids out of a registry of `fieldCount` fields. */
  static of(ids: readonly number[], fieldCount: number): FieldCollector {
    const wanted = new Uint8Array(fieldCount);
    for (const id of ids) wanted[id] = 1;
    return new FieldCollector(wanted, fieldCount);
  }

  wants(def: FieldDef): boolean {
    return this.wanted[def.id] === 1;
  }

  add(def: FieldDef, tvb: Tvb, offset: number, length: number, value?: FieldValue): void {
    if (this.wanted[def.id] !== 1) return;
    const values = this.values[def.id] as (FieldValue | Uint8Array)[];
    if (values.length === 0) this.touched.push(def.id);
    values.push(value === undefined ? tvb.bytes.slice(offset, offset + length) : value);
  }

  push(def: FieldDef, tvb: Tvb, offset: number, length: number, value?: FieldValue): void {
    const isProtocol = def.type === FieldType.Protocol;
    // A protocol's value is its presence; other subtrees carry their own value or bytes.
    this.add(def, tvb, offset, length, value === undefined && isProtocol ? true : value);
    let slot = -1;
    if (isProtocol && this.wanted[def.id] === 1) {
      // Its bytes for filters (`ip[0]`, `http contains "GET"`): from its start to the end of its
      // data source, and its own length, which `pop` may still fix.
      const spans = (this.spans[def.id] ??= []);
      slot = spans.length;
      spans.push({ bytes: tvb.bytes.subarray(offset, Math.max(offset, tvb.end)), length });
    }
    this.open.push(def.id, slot);
  }

  pop(length?: number): void {
    const slot = this.open.pop() ?? -1;
    const id = this.open.pop() ?? -1;
    const span = slot >= 0 ? this.spans[id]?.[slot] : undefined;
    if (span && length !== undefined) span.length = length;
  }
  label(): void {}
  labelLast(): void {}
  note(): void {}
  unwind(): void {
    this.open.length = 0;
  }
  current(): null {
    return null;
  }
  reopen(): void {
    // Balanced by a `pop`, as FullTree's reopen is.
    this.open.push(-1, -1);
  }
  addValue(def: FieldDef, tvb: Tvb, offset: number, length: number, value?: FieldValue): void {
    this.add(def, tvb, offset, length, value);
  }
  appendToFrame(def: FieldDef, tvb: Tvb, value: FieldValue): void {
    this.add(def, tvb, 0, 0, value);
  }

  /** The bytes of each occurrence of protocol `id` in this packet (see `push`). */
  protocolSpans(id: number): readonly ProtocolSpan[] {
    return this.spans[id] ?? NO_SPANS;
  }

  /** Values of field `id` in this packet (byte-backed ones as copies of their bytes). */
  get(id: number): readonly (FieldValue | Uint8Array)[] {
    return this.values[id] ?? [];
  }

  /** Forgets the values so the collector can serve the next packet. */
  reset(): void {
    for (const id of this.touched) {
      (this.values[id] as unknown[]).length = 0;
      const spans = this.spans[id];
      if (spans) spans.length = 0;
    }
    this.touched.length = 0;
    this.open.length = 0;
  }
}

/** Builds the whole protocol tree. */
export class FullTree implements Tree {
  readonly full = true;
  readonly roots: FieldNode[] = [];
  private readonly stack: FieldNode[] = [];
  private last: FieldNode | null = null;

  wants(): boolean {
    return true;
  }

  private append(node: FieldNode): void {
    const parent = this.stack[this.stack.length - 1];
    if (parent && parent !== TOP) (parent.children ??= []).push(node);
    else this.roots.push(node);
    this.last = node;
  }

  labelLast(text: string): void {
    if (this.last) this.last.label = text;
  }

  add(
    def: FieldDef,
    tvb: Tvb,
    offset: number,
    length: number,
    value?: FieldValue,
    flags = NodeFlag.None,
  ): void {
    this.append({ def, offset, length, source: tvb.source, value, bytes: tvb.bytes, flags });
  }

  push(def: FieldDef, tvb: Tvb, offset: number, length: number, value?: FieldValue): void {
    const node: FieldNode = {
      def,
      offset,
      length,
      source: tvb.source,
      value,
      bytes: tvb.bytes,
      flags: NodeFlag.None,
      children: [],
    };
    this.append(node);
    this.stack.push(node);
  }

  pop(length?: number, label?: string): void {
    const node = this.stack.pop();
    if (!node || node === TOP) return;
    if (length !== undefined) node.length = length;
    if (label !== undefined) node.label = label;
  }

  label(text: string): void {
    const node = this.stack[this.stack.length - 1];
    if (node && node !== TOP) node.label = text;
  }

  note(text: string, tvb: Tvb | null, offset: number, length: number, flags: NodeFlag): void {
    this.append({
      def: null,
      offset,
      length,
      source: tvb?.source ?? 0,
      value: undefined,
      bytes: tvb?.bytes ?? EMPTY,
      label: text,
      flags,
    });
  }

  unwind(): void {
    this.stack.length = 0;
  }

  current(): FieldNode | null {
    const node = this.stack[this.stack.length - 1];
    return node === undefined || node === TOP ? null : node;
  }

  reopen(node: FieldNode | null): void {
    this.stack.push(node ?? TOP);
  }

  addValue(): void {}

  appendToFrame(def: FieldDef, tvb: Tvb, value: FieldValue, flags: NodeFlag): void {
    const node = { def, offset: 0, length: 0, source: 0, value, bytes: tvb.bytes, flags };
    this.roots[0]?.children?.push(node);
  }
}

/**
 * The whole tree and the wanted fields' values from one dissection: a printer that filters and
 * prints a tree must not dissect a frame twice, as the second time would be a revisit that
 * knows what later frames said (a reply seen, a message reassembled) where a single pass does not.
 */
export class TeeTree implements Tree {
  readonly full = true;

  constructor(
    readonly tree: FullTree,
    readonly collector: FieldCollector,
  ) {}

  wants(): boolean {
    return true;
  }
  add(def: FieldDef, tvb: Tvb, offset: number, length: number, value?: FieldValue, flags?: NodeFlag): void {
    this.tree.add(def, tvb, offset, length, value, flags);
    this.collector.add(def, tvb, offset, length, value);
  }
  push(def: FieldDef, tvb: Tvb, offset: number, length: number, value?: FieldValue): void {
    this.tree.push(def, tvb, offset, length, value);
    this.collector.push(def, tvb, offset, length, value);
  }
  pop(length?: number, label?: string): void {
    this.tree.pop(length, label);
    this.collector.pop(length);
  }
  label(text: string): void {
    this.tree.label(text);
  }
  labelLast(text: string): void {
    this.tree.labelLast(text);
  }
  note(text: string, tvb: Tvb | null, offset: number, length: number, flags: NodeFlag): void {
    this.tree.note(text, tvb, offset, length, flags);
  }
  unwind(): void {
    this.tree.unwind();
    this.collector.unwind();
  }
  current(): FieldNode | null {
    return this.tree.current();
  }
  reopen(node: FieldNode | null): void {
    this.tree.reopen(node);
    this.collector.reopen();
  }
  addValue(def: FieldDef, tvb: Tvb, offset: number, length: number, value?: FieldValue): void {
    this.collector.addValue(def, tvb, offset, length, value);
  }
  appendToFrame(def: FieldDef, tvb: Tvb, value: FieldValue, flags: NodeFlag): void {
    this.tree.appendToFrame(def, tvb, value, flags);
    this.collector.appendToFrame(def, tvb, value);
  }
}

const EMPTY = new Uint8Array(0);
/** Stands for the top level on the stack of open subtrees (`reopen(null)`). */
const TOP: FieldNode = {
  def: null,
  offset: 0,
  length: 0,
  source: 0,
  value: undefined,
  bytes: EMPTY,
  flags: 0,
};
