// The Time column's formats, as Wireshark's View → Time Display Format names them.
import { formatDateTimeUtc, formatDelta } from '../../app/format/time.ts';
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

function fraction(nsec: number, digits: number): string {
  return String(nsec).padStart(9, '0').slice(0, digits);
}

/** `2013-05-02 22:20:36.633914` in the browser's time zone, as Wireshark's absolute format. */
export function formatDateTimeLocal(sec: number, nsec: number, digits = 6): string {
  const d = new Date(sec * 1000);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return (
    `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ` +
    `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${fraction(nsec, digits)}`
  );
}

/** The Time cell of `row`; `digits` is 9 for nanosecond files, else 6 (Wireshark's automatic). */
export function formatRowTime(row: Row, format: TimeFormat, ref: TimeRef, digits: number): string {
  switch (format) {
    case 'relative':
      return formatDelta(row.tsSec, row.tsNsec, ref.sec, ref.nsec, digits);
    case 'delta':
      return formatDelta(row.tsSec, row.tsNsec, row.prevSec, row.prevNsec, digits);
    case 'absolute':
      return formatDateTimeLocal(row.tsSec, row.tsNsec, digits);
    case 'utc':
      return formatDateTimeUtc(row.tsSec, row.tsNsec, digits);
    case 'epoch':
      return `${row.tsSec}.${fraction(row.tsNsec, digits)}`;
  }
}
