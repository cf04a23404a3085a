// FrameMeta for records coming out of the reader or the index, with the reference (first) and
// previous packet times that frame.time_relative and frame.time_delta need.
import { RecordFlag, type CustomBlockMeta, type FrameMeta } from '../../app/dissect/packet-info.ts';
import type { RecordBatch } from '../../native/index.ts';

/** Walks records in file order and fills one reusable FrameMeta for each. */
export class FrameClock {
  readonly meta: FrameMeta = {
    number: 0,
    tsSec: 0,
    tsNsec: 0,
    capLen: 0,
    origLen: 0,
    linkType: 0,
    ifaceId: -1,
    refSec: 0,
    refNsec: 0,
    prevSec: 0,
    prevNsec: 0,
    shownSec: 0,
    shownNsec: 0,
    noTime: false,
  };

  /** Advances to record `i` of `batch` as the next frame. */
  next(batch: RecordBatch, i: number): FrameMeta {
    const m = this.meta;
    const flags = batch.flags?.[i] ?? 0;
    // A record without a time counts as one at the time tshark gives it: a Simple Packet Block 0
    // (the reader's), a Custom Block the previous record's (0 when first). The next frame's delta
    // is measured from that; the first frame, timed or not, is the reference.
    const kept = (flags & RecordFlag.CustomBlock) !== 0;
    const sec = kept ? (m.number === 0 ? 0 : m.tsSec) : (batch.tsSec[i] ?? 0);
    // A broken file's fraction of a second can be out of range: the readers keep it as 32 signed
    // bits, as Wireshark does (see libpcap_reader.cc).
    const nsec = kept ? (m.number === 0 ? 0 : m.tsNsec) : (batch.tsNsec[i] ?? 0) | 0;
    if (m.number === 0) {
      m.refSec = sec;
      m.refNsec = nsec;
      m.prevSec = sec;
      m.prevNsec = nsec;
    } else {
      m.prevSec = m.tsSec;
      m.prevNsec = m.tsNsec;
    }
    m.shownSec = m.prevSec;
    m.shownNsec = m.prevNsec;
    m.number++;
    m.tsSec = sec;
    m.tsNsec = nsec;
    m.capLen = batch.capLen[i] ?? 0;
    m.origLen = batch.origLen[i] ?? 0;
    m.linkType = batch.linkType[i] ?? 0;
    m.ifaceId = batch.ifaceId[i] ?? -1;
    m.noTime = (flags & RecordFlag.NoTimestamp) !== 0;
    m.custom = kept ? customBlockOf(batch, i, flags) : undefined;
    return m;
  }
}

/** The Custom Block facts of record `i`, whose flags say it is one. */
function customBlockOf(batch: RecordBatch, i: number, flags: number): CustomBlockMeta {
  return {
    pen: batch.pen?.[i] ?? 0,
    copyAllowed: (flags & RecordFlag.CustomCopyAllowed) !== 0,
    section: batch.section?.[i] ?? 0,
  };
}

/** The bytes of record `i` of a batch (a view, not a copy). */
export function recordBytes(batch: RecordBatch, i: number): Uint8Array {
  const start = batch.dataStart[i] ?? 0;
  return batch.data.subarray(start, start + (batch.capLen[i] ?? 0));
}
