// A bounds-checked view of one layer's bytes (Wireshark's tvbuff). Offsets are absolute in
// `bytes`, so every field's offset is directly the byte to highlight in the hex view.
//
// Two limits, as Wireshark has them: `end` is where the captured bytes stop, `reportedEnd` where
// the protocol says the layer stops. Reading past `end` but within `reportedEnd` means the capture
// was cut short (snaplen): TruncatedError. Reading past `reportedEnd` means the packet is
// malformed: MalformedError.

export class TruncatedError extends Error {
  constructor(readonly offset: number) {
    super('Packet size limited during capture');
  }
}

export class MalformedError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    /**
     * What Wireshark says went wrong when it is not the plain bounds error, shown after the
     * protocol in the Malformed note (`length of contained item exceeds length of containing item`).
     */
    readonly detail = '',
  ) {
    super(message);
  }
}

export class Tvb {
  private dataView: DataView | undefined;
  /**
   * The length of this layer as its own dissector found it (Wireshark's set_actual_length), or -1.
   * Set it (`claim`) before handing on the payload: if a layer above throws, the layer below
   * still knows where this one ended and shows the rest as its padding or trailer.
   */
  claimed = -1;

  constructor(
    readonly bytes: Uint8Array,
    readonly start: number,
    readonly end: number,
    readonly reportedEnd: number = end,
    /** Index of the data source (0 = the frame; others are reassembled or decrypted buffers). */
    readonly source: number = 0,
    view?: DataView,
  ) {
    this.dataView = view;
  }

  /** A DataView over `bytes`, made on first use (most layers read bytes without one). */
  get view(): DataView {
    return (this.dataView ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength));
  }

  /** Records that this layer is `length` bytes long (see `claimed`). */
  claim(length: number): void {
    this.claimed = length;
  }

  /** Bytes captured from `offset` to the end of this layer. */
  remaining(offset: number): number {
    return Math.max(0, this.end - offset);
  }

  /** Bytes the protocol reports from `offset` to the end of this layer. */
  reportedRemaining(offset: number): number {
    return Math.max(0, this.reportedEnd - offset);
  }

  has(offset: number, length: number): boolean {
    return offset >= this.start && offset + length <= this.end;
  }

  /** Throws TruncatedError or MalformedError unless `length` bytes at `offset` are readable. */
  need(offset: number, length: number): void {
    if (offset >= this.start && offset + length <= this.end) return;
    if (offset + length > this.reportedEnd || offset < this.start) {
      throw new MalformedError('Malformed Packet', offset);
    }
    throw new TruncatedError(offset);
  }

  u8(offset: number): number {
    this.need(offset, 1);
    return this.bytes[offset] as number;
  }

  u16(offset: number): number {
    this.need(offset, 2);
    const b = this.bytes;
    return ((b[offset] as number) << 8) | (b[offset + 1] as number);
  }

  u16le(offset: number): number {
    this.need(offset, 2);
    const b = this.bytes;
    return (b[offset] as number) | ((b[offset + 1] as number) << 8);
  }

  u24(offset: number): number {
    this.need(offset, 3);
    const b = this.bytes;
    return ((b[offset] as number) << 16) | ((b[offset + 1] as number) << 8) | (b[offset + 2] as number);
  }

  u32(offset: number): number {
    this.need(offset, 4);
    const b = this.bytes;
    return (
      (b[offset] as number) * 0x1000000 +
      (((b[offset + 1] as number) << 16) | ((b[offset + 2] as number) << 8) | (b[offset + 3] as number))
    );
  }

  u32le(offset: number): number {
    this.need(offset, 4);
    const b = this.bytes;
    return (
      (b[offset + 3] as number) * 0x1000000 +
      (((b[offset + 2] as number) << 16) | ((b[offset + 1] as number) << 8) | (b[offset] as number))
    );
  }

  u64(offset: number): bigint {
    this.need(offset, 8);
    return this.view.getBigUint64(offset);
  }

  /** A view (not a copy) of `length` bytes at `offset`. */
  slice(offset: number, length: number): Uint8Array {
    this.need(offset, length);
    return this.bytes.subarray(offset, offset + length);
  }

  /** ASCII/Latin-1 text of `length` bytes at `offset`. */
  ascii(offset: number, length: number): string {
    this.need(offset, length);
    let s = '';
    for (let i = offset; i < offset + length; i++) s += String.fromCharCode(this.bytes[i] as number);
    return s;
  }

  /**
   * The layer that starts at `offset`. With `reportedLength` the new layer ends where its parent
   * says it does (an IP total length): captured bytes are clipped to it, reported bytes set by it.
   */
  sub(offset: number, reportedLength?: number): Tvb {
    const reportedEnd = reportedLength === undefined ? this.reportedEnd : offset + reportedLength;
    const end = Math.min(this.end, reportedEnd);
    return new Tvb(this.bytes, offset, Math.max(offset, end), reportedEnd, this.source, this.dataView);
  }
}
