// The Time column's formats, as Wireshark's View → Time Display Format names them.
import { formatTimeColumn, type TimeColumnFormat } from '../../app/format/time.ts';
import type { Row } from '../../app/protocol/messages.ts';

export type TimeFormat = 'relative' | 'delta' | 'absolute' | 'utc' | 'epoch';

export const TIME_FORMATS: readonly { id: TimeFormat; label: string }[] = [
  { id: 'relative', label: 'Seconds Since Beginning of Capture' },
  { id: 'delta', label: 'Seconds Since Previous Displayed Packet' },
  { id: 'absolute', label: 'Date and Time of Day' },
  { id: 'utc', label: 'UTC Date and Time of Day' },
  { id: 'epoch', label: 'Seconds Since 1970-01-01 (Epoch)' },
];

export function isTimeFormat(s: unknown): s is TimeFormat {
  return TIME_FORMATS.some((f) => f.id === s);
}

/** The reference time of "since beginning": the first packet of the file. */
export interface TimeRef {
  sec: number;
  nsec: number;
}

/** Where each of the list's formats is tshark's `-t` format of the same name. */
const COLUMN_FORMAT: Record<TimeFormat, TimeColumnFormat> = {
  relative: 'r',
  delta: 'dd',
  absolute: 'ad',
  utc: 'ud',
  epoch: 'e',
};

/** The Time cell of `row`; `digits` is 9 for nanosecond files, else 6 (Wireshark's automatic). */
export function formatRowTime(row: Row, format: TimeFormat, ref: TimeRef, digits: number): string {
  const times = {
    tsSec: row.tsSec,
    tsNsec: row.tsNsec,
    refSec: ref.sec,
    refNsec: ref.nsec,
    prevSec: row.prevSec,
    prevNsec: row.prevNsec,
    shownSec: row.prevSec,
    shownNsec: row.prevNsec,
    noTime: row.noTime,
  };
  return formatTimeColumn(times, COLUMN_FORMAT[format], digits);
}
