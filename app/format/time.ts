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
  const d = new Date(sec * 1000);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return (
    `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ` +
    `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(nsec).padStart(9, '0').slice(0, digits)}`
  );
}
