// The typed dissector tables (Wireshark's dissector tables and heuristic lists), filled by each
// module's `handoff` from one explicit list, and the table of every field by id and by name.
import type { FieldDef } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

/**
 * A dissector takes the layer starting at `tvb.start`. It may return how many bytes it used, so
 * the layer below can show what is left as padding or trailer; no return means "all of them".
 */
export type Dissector = (tvb: Tvb, pinfo: PacketInfo, tree: Tree) => number | void;
/** A heuristic dissector: returns false (having added nothing) when the bytes are not its own. */
export type Heuristic = (tvb: Tvb, pinfo: PacketInfo, tree: Tree) => boolean;

export interface DissectorModule {
  /** Every field the module adds, including its protocol field. */
  readonly fields: Readonly<Record<string, FieldDef>>;
  /** Registers the module's dissectors in the tables it hangs off. */
  handoff?(registry: Registry): void;
}

export type TableName =
  | 'linkType'
  | 'etherType'
  | 'ipProto'
  | 'udpPort'
  | 'tcpPort'
  | 'pppProto'
  | 'llcSap'
  /** IGMP types that belong to other protocols (PIMv1, DVMRP): Wireshark's igmp.type table. */
  | 'igmpType'
  /** OSI network layer protocol ids (IS-IS, ES-IS) after LLC, HDLC, PPP, Frame Relay. */
  | 'nlpid';

export type HeuristicList = 'udp' | 'tcp' | 'cotp';

export class Registry {
  readonly tables: Record<TableName, Map<number, Dissector>> = {
    linkType: new Map(),
    etherType: new Map(),
    ipProto: new Map(),
    udpPort: new Map(),
    tcpPort: new Map(),
    pppProto: new Map(),
    llcSap: new Map(),
    igmpType: new Map(),
    nlpid: new Map(),
  };
  /** Heuristic lists: over UDP and TCP, and inside COTP data (S7comm), Wireshark's "cotp" list. */
  readonly heuristics: Record<HeuristicList, Heuristic[]> = { udp: [], tcp: [], cotp: [] };
  /** Every field, indexed by its id. */
  readonly fields: FieldDef[] = [];
  readonly byName = new Map<string, FieldDef>();

  constructor(modules: readonly DissectorModule[]) {
    for (const m of modules) for (const def of Object.values(m.fields)) this.addField(def);
    for (const m of modules) m.handoff?.(this);
  }

  private addField(def: FieldDef): void {
    const known = this.byName.get(def.abbrev);
    if (known) {
      def.id = known.id;
      return;
    }
    def.id = this.fields.length;
    this.fields.push(def);
    this.byName.set(def.abbrev, def);
  }

  register(table: TableName, key: number, dissector: Dissector): void {
    this.tables[table].set(key, dissector);
  }

  field(name: string): FieldDef | undefined {
    return this.byName.get(name);
  }

  /**
   * Hands `tvb` to the dissector registered under `key` in `table` and returns how many bytes it
   * used, or -1 when there is none (the caller decides: data, or another table).
   */
  call(table: TableName, key: number, tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
    const d = this.tables[table].get(key);
    if (d === undefined) return -1;
    const used = d(tvb, pinfo, tree);
    return typeof used === 'number' ? used : tvb.remaining(tvb.start);
  }

  /** Tries the heuristic dissectors of `list` in order; true when one took the bytes. */
  tryHeuristics(list: HeuristicList, tvb: Tvb, pinfo: PacketInfo, tree: Tree): boolean {
    for (const h of this.heuristics[list]) if (h(tvb, pinfo, tree)) return true;
    return false;
  }
}
