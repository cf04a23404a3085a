// What the packet list shows: which packets (display filter) in which order (sort). With neither,
// the view is the index itself and grows with it while a file loads or a capture runs.
import type { ColumnId, ViewState } from '../../app/protocol/messages.ts';
import type { CaptureSession } from './session.ts';

export class View {
  /** Displayed packets in display order (0-based indices), or null for "all, in file order". */
  private order: Uint32Array | null = null;
  filter = '';
  sort: ViewState['sort'] = null;

  constructor(private readonly session: CaptureSession) {}

  get displayed(): number {
    return this.order ? this.order.length : this.session.index.count;
  }

  /** The packet (0-based index) shown at row `row`. */
  packetAt(row: number): number {
    return this.order ? (this.order[row] ?? 0) : row;
  }

  /** The row of packet `i`, or -1 when it is not displayed. */
  rowOf(i: number): number {
    if (!this.order) return i < this.session.index.count ? i : -1;
    return this.order.indexOf(i);
  }

  state(): ViewState {
    return {
      total: this.session.index.count,
      displayed: this.displayed,
      filter: this.filter,
      sort: this.sort,
    };
  }

  setOrder(order: Uint32Array | null): void {
    this.order = order;
  }

  /** Sorts the displayed packets by `column` (stable; ties keep file order). */
  sortBy(column: ColumnId | null, descending: boolean): void {
    if (column === null) {
      this.sort = null;
      this.order = this.filter ? this.sortedOrder('no', false) : null;
      return;
    }
    this.sort = { column, descending };
    this.order = this.sortedOrder(column, descending);
  }

  private sortedOrder(column: ColumnId, descending: boolean): Uint32Array {
    const n = this.displayed;
    const idx = new Uint32Array(n);
    for (let r = 0; r < n; r++) idx[r] = this.packetAt(r);
    const key = this.keyFor(column, idx);
    const perm = Array.from({ length: n }, (_, r) => r);
    perm.sort((a, b) => {
      const ka = key[a] as number | string;
      const kb = key[b] as number | string;
      const c = ka < kb ? -1 : ka > kb ? 1 : (idx[a] as number) - (idx[b] as number);
      return descending ? -c : c;
    });
    return Uint32Array.from(perm, (r) => idx[r] as number);
  }

  private keyFor(column: ColumnId, idx: Uint32Array): (number | string)[] {
    const x = this.session.index;
    const out: (number | string)[] = new Array(idx.length);
    for (let r = 0; r < idx.length; r++) {
      const i = idx[r] as number;
      switch (column) {
        case 'no':
          out[r] = i;
          break;
        case 'time':
          out[r] = (x.tsSec[i] ?? 0) * 1e9 + (x.tsNsec[i] ?? 0);
          break;
        case 'length':
          out[r] = x.origLen[i] ?? 0;
          break;
        case 'protocol':
          out[r] = x.protocolOf(i);
          break;
        default: {
          const row = this.session.row(i, i);
          out[r] = column === 'source' ? row.source : column === 'destination' ? row.destination : row.info;
        }
      }
    }
    return out;
  }
}
