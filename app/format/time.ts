// Times as Wireshark prints them: seconds with nine fraction digits, deltas that may be negative.

const NS = 1_000_000_000;

/**
 * `1367526036.633914000`. A broken file's fraction can be out of range; it prints as Wireshark
 * prints it, unnormalized (`-1392515473.268432456` for a negative one).
 */
export function formatEpoch(sec: number, nsec: number): string {
  return `${nsec < 0 ? '-' : ''}${sec}.${String(Math.abs(nsec)).padStart(9, '0')}`;
}

/** `a - b` as seconds with `digits` fraction digits (9 for fields, 6 for the summary column). */
export function formatDelta(aSec: number, aNsec: number, bSec: number, bNsec: number, digits = 9): string {
  let sec = aSec - bSec;
  // In 32 bits, wrapping, as Wireshark's nstime_delta: only a broken file's out-of-range
  // fractions get that far, and tshark shows what the wrap gives.
  let nsec = (aNsec - bNsec) | 0;
  if (nsec < 0 && sec > 0) {
    sec -= 1;
    nsec += NS;
  } else if (nsec > 0 && sec < 0) {
    sec += 1;
    nsec -= NS;
  }
  const negative = sec < 0 || nsec < 0;
  const absSec = Math.abs(sec);
  // Truncated to `digits`; a broken file's fraction of a second or more keeps its extra digits,
  // as Wireshark prints it.
  const frac = String(Math.floor(Math.abs(nsec) / 10 ** (9 - digits))).padStart(digits, '0');
  return `${negative ? '-' : ''}${absSec}${digits > 0 ? '.' + frac : ''}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `May  2, 2013 20:20:36.633914000 UTC`, as Wireshark's Arrival Time in UTC. */
export function formatAbsoluteUtc(sec: number, nsec: number): string {
  const d = new Date(sec * 1000);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return (
    `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')}, ${d.getUTCFullYear()} ` +
    `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(nsec).padStart(9, '0')} UTC`
  );
}

/** `2013-05-02 20:20:36.633914` (UTC), the packet list's absolute date and time. */
export function formatDateTimeUtc(sec: number, nsec: number, digits = 6): string {
  return formatAbsolute(sec, nsec, digits, true, 'ymd');
}

/** The Time column's formats, named as tshark's `-t` names them. */
export const TIME_COLUMN_FORMATS = ['a', 'ad', 'adoy', 'd', 'dd', 'e', 'r', 'u', 'ud', 'udoy'] as const;
export type TimeColumnFormat = (typeof TIME_COLUMN_FORMATS)[number];

/** A packet's time and the times its Time column and time fields may be measured from. */
export interface PacketTimes {
  tsSec: number;
  tsNsec: number;
  /** The first packet's (relative; frame.time_relative). */
  refSec: number;
  refNsec: number;
  /** The previous captured packet's (delta; frame.time_delta). */
  prevSec: number;
  prevNsec: number;
  /** The previous displayed packet's (delta displayed): the previous one when all are displayed. */
  shownSec: number;
  shownNsec: number;
  /**
   * The record has no time of its own (a pcapng Simple Packet Block or Custom Block): the Time
   * column is empty in every format, as tshark leaves it.
   */
  noTime?: boolean;
}

/**
 * The Time column in `format` with `digits` fraction digits (truncated, as Wireshark does);
 * `hms` writes relative and delta times as `1h  2m  3.000000s` (tshark's `-u hms`).
 */
export function formatTimeColumn(
  t: PacketTimes,
  format: TimeColumnFormat,
  digits: number,
  hms = false,
): string {
  if (t.noTime) return '';
  switch (format) {
    case 'r':
      return formatSeconds(t, t.refSec, t.refNsec, digits, hms);
    case 'd':
      return formatSeconds(t, t.prevSec, t.prevNsec, digits, hms);
    case 'dd':
      return formatSeconds(t, t.shownSec, t.shownNsec, digits, hms);
    case 'e':
      return formatDelta(t.tsSec, t.tsNsec, 0, 0, digits);
    case 'a':
    case 'u':
      return formatAbsolute(t.tsSec, t.tsNsec, digits, format === 'u', 'none');
    case 'ad':
    case 'ud':
      return formatAbsolute(t.tsSec, t.tsNsec, digits, format === 'ud', 'ymd');
    default:
      return formatAbsolute(t.tsSec, t.tsNsec, digits, format === 'udoy', 'doy');
  }
}

/** The packet's time since `sec.nsec`, in seconds or (hms) hours, minutes and seconds. */
function formatSeconds(t: PacketTimes, sec: number, nsec: number, digits: number, hms: boolean): string {
  return hms
    ? formatHms(t.tsSec, t.tsNsec, sec, nsec, digits)
    : formatDelta(t.tsSec, t.tsNsec, sec, nsec, digits);
}

/** `a - b` as `7m  8.263441s` or `1h  0m  5.000000s` (Wireshark's hours/minutes/seconds). */
function formatHms(aSec: number, aNsec: number, bSec: number, bNsec: number, digits: number): string {
  const text = formatDelta(aSec, aNsec, bSec, bNsec, digits);
  const negative = text.startsWith('-');
  const [whole = '0', frac] = (negative ? text.slice(1) : text).split('.');
  const secs = Number(whole);
  const s = String(secs % 60).padStart(2, ' ') + (frac === undefined ? '' : '.' + frac);
  const sign = negative ? '- ' : '';
  if (secs >= 3600)
    return `${sign}${Math.floor(secs / 3600)}h ${String(Math.floor(secs / 60) % 60).padStart(2, ' ')}m ${s}s`;
  if (secs >= 60) return `${sign}${Math.floor(secs / 60)}m ${s}s`;
  return `${sign}${secs}${frac === undefined ? '' : '.' + frac}s`;
}

/** Date and time of day, UTC or local: `2013-05-02 20:20:36.633914`, `2013/122 …` or the time alone. */
function formatAbsolute(
  sec: number,
  nsec: number,
  digits: number,
  utc: boolean,
  date: 'ymd' | 'doy' | 'none',
): string {
  const d = new Date(sec * 1000);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const year = utc ? d.getUTCFullYear() : d.getFullYear();
  const month = utc ? d.getUTCMonth() : d.getMonth();
  const day = utc ? d.getUTCDate() : d.getDate();
  const time =
    `${p2(utc ? d.getUTCHours() : d.getHours())}:${p2(utc ? d.getUTCMinutes() : d.getMinutes())}:` +
    `${p2(utc ? d.getUTCSeconds() : d.getSeconds())}` +
    (digits > 0 ? '.' + String(nsec).padStart(9, '0').slice(0, digits) : '');
  if (date === 'none') return time;
  if (date === 'ymd') return `${year}-${p2(month + 1)}-${p2(day)} ${time}`;
  const dayOfYear = Math.round((Date.UTC(year, month, day) - Date.UTC(year, 0, 1)) / 86_400_000) + 1;
  return `${year}/${String(dayOfYear).padStart(3, '0')} ${time}`;
}
