// What the packet list shows: which packets (display filter) in which order (sort). With neither,
// the view is the index itself and grows with it while a file loads or a capture runs. A filter
// fills `matched` (file order) as its scan goes, so rows appear before the scan ends; a sort is a
// permutation of whatever is displayed, redone when the filter's result grows.
import type { ColumnId, ViewState } from '../../app/protocol/messages.ts';
import type { CaptureSession } from './session.ts';

export class View {
  /** Packets that pass the filter, in file order (0-based indices); null without a filter. */
  private matched: Uint32Array | null = null;
  private matchedCount = 0;
  /** The displayed packets in sort order, or null when unsorted. */
  private sorted: Uint32Array | null = null;
  filter = '';
  sort: ViewState['sort'] = null;
  /** Packets the filter has tested so far (the index count when no filter is set). */
  scanned = 0;
  /** A filter scan is still going (or waiting for a live capture's next packets). */
  filtering = false;

  constructor(private readonly session: CaptureSession) {}

  /** Rows in file order before sorting: all packets, or those the filter kept so far. */
  private get baseCount(): number {
    return this.matched ? this.matchedCount : this.session.index.count;
  }

  get displayed(): number {
    return this.sorted ? this.sorted.length : this.baseCount;
  }

  /** The packet (0-based index) shown at row `row`. */
  packetAt(row: number): number {
    if (this.sorted) return this.sorted[row] ?? 0;
    return this.matched ? (this.matched[row] ?? 0) : row;
  }

  /**
   * The displayed packet before packet `i` in file order, whatever the sort (Wireshark's previous
   * displayed frame, for frame.time_delta_displayed), or `i` itself when there is none.
   */
  previousDisplayed(i: number): number {
    const matched = this.matched;
    if (!matched) return i > 0 ? i - 1 : i;
    let lo = 0;
    let hi = this.matchedCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((matched[mid] ?? 0) < i) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? (matched[lo - 1] ?? i) : i;
  }

  /** The row of packet `i`, or -1 when it is not displayed. */
  rowOf(i: number): number {
    if (this.sorted) return this.sorted.indexOf(i);
    if (!this.matched) return i < this.session.index.count ? i : -1;
    return binarySearch(this.matched, this.matchedCount, i);
  }

  state(): ViewState {
    return {
      total: this.session.index.count,
      displayed: this.displayed,
      filter: this.filter,
      sort: this.sort,
      scanned: this.matched ? this.scanned : this.session.index.count,
      filtering: this.filtering,
    };
  }

  /** Starts a new filter result (empty); `expression` '' clears the filter. */
  resetFilter(expression: string): void {
    this.filter = expression;
    this.matched = expression ? new Uint32Array(1024) : null;
    this.matchedCount = 0;
    this.scanned = 0;
    this.filtering = expression !== '';
    this.resort();
  }

  /** Appends a packet the filter kept (packets arrive in file order). */
  addMatch(i: number): void {
    let m = this.matched;
    if (!m) return;
    if (this.matchedCount === m.length) {
      const bigger = new Uint32Array(m.length * 2);
      bigger.set(m);
      this.matched = m = bigger;
    }
    m[this.matchedCount++] = i;
  }

  /** Packets the filter kept so far, in file order. */
  matchedPackets(): Uint32Array | null {
    return this.matched ? this.matched.subarray(0, this.matchedCount) : null;
  }

  /** Sorts the displayed packets by `column` (stable; ties keep file order). */
  sortBy(column: ColumnId | null, descending: boolean): void {
    this.sort = column === null ? null : { column, descending };
    this.resort();
  }

  /** Re-applies the sort to the current base rows (after the filter's result grew). */
  resort(): void {
    this.sorted = null;
    if (this.sort) this.sorted = this.sortedOrder(this.sort.column, this.sort.descending);
  }

  private sortedOrder(column: ColumnId, descending: boolean): Uint32Array {
    const n = this.baseCount;
    const idx = new Uint32Array(n);
    for (let r = 0; r < n; r++) idx[r] = this.packetAt(r);
    if (column === 'no') {
      if (descending) idx.reverse();
      return idx;
    }
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

function binarySearch(a: Uint32Array, n: number, v: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const x = a[mid] as number;
    if (x === v) return mid;
    if (x < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
