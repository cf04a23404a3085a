// What the first pass learned about some frames, for revisits: a map from frame number to a value,
// kept as a sorted array of frame numbers beside an array of values. The first pass adds frames
// in ascending order, so adding is a push and "not seen yet" is one comparison; a revisit finds its
// frame by binary search. It costs about 8 bytes an entry where a Map costs several times that,
// and it is kept for the life of the capture.

const INITIAL = 64;

export class FrameMap<T> {
  private frames = new Uint32Array(INITIAL);
  private readonly values: T[] = [];

  get size(): number {
    return this.values.length;
  }

  /** The value recorded for `frame`, or undefined. */
  get(frame: number): T | undefined {
    const i = this.find(frame);
    return i >= 0 ? this.values[i] : undefined;
  }

  /** Records `value` for `frame` (replacing what it had). */
  set(frame: number, value: T): void {
    const n = this.values.length;
    if (n === 0 || frame > (this.frames[n - 1] as number)) {
      this.insertAt(n, frame, value);
      return;
    }
    const i = this.find(frame);
    if (i >= 0) this.values[i] = value;
    else this.insertAt(-i - 1, frame, value);
  }

  /** The index of `frame`, or -(insertion point) - 1 when it has no entry. */
  private find(frame: number): number {
    const frames = this.frames;
    let lo = 0;
    let hi = this.values.length - 1;
    if (hi < 0 || frame > (frames[hi] as number)) return -this.values.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const f = frames[mid] as number;
      if (f < frame) lo = mid + 1;
      else if (f > frame) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }

  private insertAt(i: number, frame: number, value: T): void {
    const n = this.values.length;
    if (n === this.frames.length) {
      const grown = new Uint32Array(n * 2);
      grown.set(this.frames);
      this.frames = grown;
    }
    if (i < n) {
      this.frames.copyWithin(i + 1, i, n);
      this.values.splice(i, 0, value);
    } else this.values.push(value);
    this.frames[i] = frame;
  }
}
