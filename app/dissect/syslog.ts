// Syslog on UDP 514: the `<PRI>` facility and level, the message, and the header fields of an
// RFC 5424 (`1 TIMESTAMP HOST APP PROCID …`) or RFC 3164 (`Mmm dd hh:mm:ss HOST TAG…`) message, as
// tshark 4.0 splits them. Like Wireshark, the header fields are read only when a tree is built, so
// a short header breaks the packet only then.
import { absTime, fields, hex, names, proto, str, uint, type FieldDef } from './field.ts';
import { stringValue, tvbFormatText } from './text-format.ts';
import { addStringItem, strayNote } from './tvb-items.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import { NULL_TREE, type Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { formatAbsoluteUtc } from '../format/time.ts';

const FACILITY_NAMES = [
  'KERN', 'USER', 'MAIL', 'DAEMON', 'AUTH', 'SYSLOG', 'LPR', 'NEWS', 'UUCP', 'CRON', 'AUTHPRIV', 'FTP',
  'NTP', 'LOGAUDIT', 'LOGALERT', 'CRON', 'LOCAL0', 'LOCAL1', 'LOCAL2', 'LOCAL3', 'LOCAL4', 'LOCAL5',
  'LOCAL6', 'LOCAL7',
]; // prettier-ignore
const FACILITIES = names({
  0: 'KERN - kernel messages',
  1: 'USER - random user-level messages',
  2: 'MAIL - mail system',
  3: 'DAEMON - system daemons',
  4: 'AUTH - security/authorization messages',
  5: 'SYSLOG - messages generated internally by syslogd',
  6: 'LPR - line printer subsystem',
  7: 'NEWS - network news subsystem',
  8: 'UUCP - UUCP subsystem',
  9: 'CRON - clock daemon (BSD, Linux)',
  10: 'AUTHPRIV - security/authorization messages (private)',
  11: 'FTP - ftp daemon',
  12: 'NTP - ntp subsystem',
  13: 'LOGAUDIT - log audit',
  14: 'LOGALERT - log alert',
  15: 'CRON - clock daemon (Solaris)',
  16: 'LOCAL0 - reserved for local use',
  17: 'LOCAL1 - reserved for local use',
  18: 'LOCAL2 - reserved for local use',
  19: 'LOCAL3 - reserved for local use',
  20: 'LOCAL4 - reserved for local use',
  21: 'LOCAL5 - reserved for local use',
  22: 'LOCAL6 - reserved for local use',
  23: 'LOCAL7 - reserved for local use',
});
const LEVEL_NAMES = ['EMERG', 'ALERT', 'CRIT', 'ERR', 'WARNING', 'NOTICE', 'INFO', 'DEBUG'];
const LEVELS = names({
  0: 'EMERG - system is unusable',
  1: 'ALERT - action must be taken immediately',
  2: 'CRIT - critical conditions',
  3: 'ERR - error conditions',
  4: 'WARNING - warning conditions',
  5: 'NOTICE - normal but significant condition',
  6: 'INFO - informational',
  7: 'DEBUG - debug-level messages',
});

export const F = fields('syslog', {
  '': proto('Syslog message'),
  facility: uint('Facility', 8, { mask: 0x3f8, strings: FACILITIES }),
  level: uint('Level', 8, { mask: 0x7, strings: LEVELS }),
  msg: str('Message'),
  version: str('Syslog version'),
  // FT_ABSOLUTE_TIME shown in UTC: kept as its text, as frame.time is.
  timestamp: absTime('Syslog timestamp'),
  timestamp_rfc3164: str('Syslog timestamp (RFC3164)'),
  hostname: str('Syslog hostname'),
  appname: str('Syslog app name'),
  procid: str('Syslog process id'),
  msgid: str('Syslog message id'),
  'msgid.bom': hex('Syslog BOM', 24),
});

const PORT = 514;
/** At most this many digits of PRI are read (the offset of the last one is 3). */
const MAX_PRI_END = 3;

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

export function dissectSyslog(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('syslog');
  pinfo.setProto('Syslog');
  if (pinfo.wantInfo) pinfo.setInfo('');
  let pri = -1;
  let msg = o;
  if (tvb.u8(o) === 0x3c) {
    msg++;
    pri = 0;
    while (msg < tvb.end && isDigit(tvb.bytes[msg]) && msg - o <= MAX_PRI_END) {
      pri = pri * 10 + (tvb.bytes[msg] as number) - 0x30;
      msg++;
    }
    if (tvb.u8(msg) === 0x3e) msg++;
  }
  const msgLen = tvb.remaining(msg);
  if (msgLen === 0) tvb.need(msg, 1);
  const fac = (pri & 0x3f8) >> 3;
  const lev = pri & 0x7;
  const prefix = pri >= 0 ? `${FACILITY_NAMES[fac] ?? 'UNKNOWN'}.${LEVEL_NAMES[lev]}: ` : '';
  const shown = pinfo.wantInfo || tree.full ? tvbFormatText(tvb.bytes, msg, tvb.end) : '';
  if (pinfo.wantInfo) pinfo.setInfo(prefix + shown);
  if (tree === NULL_TREE) return tvb.remaining(o);
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    if (tree.full) tree.label(`Syslog message: ${prefix || '(unknown): '}${shown}`);
    if (pri >= 0) {
      tree.add(F.facility, tvb, o, msg - o, fac);
      tree.add(F.level, tvb, o, msg - o, lev);
    }
    const text = stringValue(tvb.bytes, msg, tvb.end);
    tree.push(F.msg, tvb, msg, msgLen, text.field);
    if (tree.full) tree.label(`Message: ${text.label}`);
    try {
      if (text.stray) strayNote(pinfo, tree, tvb, msg, msgLen);
      const ctx = { tvb, pinfo, tree };
      if (msgLen > 2 && tvb.bytes[msg] === 0x31 && tvb.bytes[msg + 1] === 0x20) rfc5424(ctx, msg);
      else if (msgLen > 15) rfc3164(ctx, msg);
    } finally {
      tree.pop();
    }
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

interface Ctx {
  tvb: Tvb;
  pinfo: PacketInfo;
  tree: Tree;
}

/** An ASCII header field of `b[from, to)`. */
function field(ctx: Ctx, def: FieldDef, from: number, to: number, ascii = true): void {
  addStringItem(
    ctx.pinfo,
    ctx.tree,
    def,
    ctx.tvb,
    from,
    to - from,
    stringValue(ctx.tvb.bytes, from, to, ascii),
  );
}

/** Adds an ASCII header field ending at the next space and returns where the next starts, or -1. */
function word(ctx: Ctx, o: number, def: FieldDef): number {
  const { tvb } = ctx;
  const space = tvb.bytes.indexOf(0x20, o);
  if (space < 0 || space >= tvb.end) return -1;
  field(ctx, def, o, space);
  return space + 1;
}

/** RFC 5424: VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP, then the rest as MSGID. */
function rfc5424(ctx: Ctx, o: number): void {
  const { tvb, tree } = ctx;
  let p = word(ctx, o, F.version);
  if (p < 0) return;
  const space = tvb.bytes.indexOf(0x20, p);
  if (space < 0 || space >= tvb.end) return;
  if (space !== p) {
    const time = parseIso8601(tvb.bytes, p, space);
    const shown = time ? formatAbsoluteUtc(time.sec, time.nsec) : 'Jan  1, 1970 00:00:00 UTC';
    tree.add(F.timestamp, tvb, p, space - p, shown);
  }
  p = space + 1;
  for (const def of [F.hostname, F.appname, F.procid]) {
    p = word(ctx, p, def);
    if (p < 0) return;
  }
  const bom = tvb.u24(p);
  if (bom === 0xefbbbf) {
    tree.add(F['msgid.bom'], tvb, p, 3, bom);
    p += 3;
    rest(ctx, p, false);
  } else {
    rest(ctx, p, true);
  }
}

/** RFC 3164: `Mmm dd hh:mm:ss` SP HOSTNAME SP, a TAG of letters and digits, then the rest. */
function rfc3164(ctx: Ctx, o: number): void {
  const { tvb } = ctx;
  const b = tvb.bytes;
  if (b[o + 3] !== 0x20 || b[o + 6] !== 0x20 || b[o + 9] !== 0x3a || b[o + 12] !== 0x3a || b[o + 15] !== 0x20)
    return;
  field(ctx, F.timestamp_rfc3164, o, o + 15);
  let p = word(ctx, o + 16, F.hostname);
  if (p < 0) return;
  for (let t = p; t < p + 32; t++) {
    if (!isAlnum(tvb.u8(t))) {
      field(ctx, F.procid, p, t);
      p = t;
      break;
    }
  }
  rest(ctx, p, true);
}

const isAlnum = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/** MSGID: everything left (as the protocol reports it), ASCII or, after a BOM, UTF-8. */
function rest(ctx: Ctx, p: number, ascii: boolean): void {
  const len = ctx.tvb.reportedRemaining(p);
  ctx.tvb.need(p, len);
  field(ctx, F.msgid, p, p + len, ascii);
}

// ---- ISO 8601 times as Wireshark 4.0's iso8601_to_nstime reads them ----

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Reads up to `max` digits at `o` of `text` (as sscanf's %Nu): their value and where they end, or null. */
function digits(text: ArrayLike<number>, o: number, max = Infinity): { value: number; next: number } | null {
  let p = o;
  let value = 0;
  while (p - o < max && isDigit(text[p])) value = value * 10 + (text[p++] as number) - 0x30;
  return p === o ? null : { value, next: p };
}

/**
 * `YYYY-MM-DDThh:mm[:ss[.frac]][Z|±hh[[:]mm]]` in `b[from, to)`, anything after ignored: seconds
 * and nanoseconds since the epoch, or null. Without a zone the time is taken as UTC (tshark takes
 * the local zone). A fraction of 1e9 or more counts as none, as in Wireshark.
 */
export function parseIso8601(b: Uint8Array, from: number, to: number): { sec: number; nsec: number } | null {
  const t = b.subarray(from, to);
  const year = digits(t, 0, 4);
  if (!year || year.next !== 4 || t[4] !== 0x2d) return null;
  const month = digits(t, 5, 2);
  if (!month || t[month.next] !== 0x2d) return null;
  const day = digits(t, month.next + 1, 2);
  if (!day || t[day.next] !== 0x54) return null;
  const hour = digits(t, day.next + 1, 2);
  if (!hour || t[hour.next] !== 0x3a) return null;
  const minute = digits(t, hour.next + 1, 2);
  if (!minute) return null;
  let p = minute.next;
  let second = 0;
  let nsec = 0;
  if (t[p] === 0x3a) {
    const s = digits(t, p + 1, 2);
    if (!s) return null;
    second = s.value;
    p = s.next;
    if (t[p] === 0x2e || t[p] === 0x2c) {
      const frac = digits(t, ++p);
      if (frac) {
        nsec = fraction(frac.value, frac.next - p);
        p = frac.next;
      }
    }
  }
  if (!validTime(year.value, month.value - 1, day.value, hour.value, minute.value, second)) return null;
  const sec = Date.UTC(year.value, month.value - 1, day.value, hour.value, minute.value, second) / 1000;
  return { sec: sec - zoneOffset(t, p), nsec };
}

/** The fraction `value` written with `n` digits, in nanoseconds (more than nine digits: as is). */
function fraction(value: number, n: number): number {
  if (value >= 1e9 || value === 0) return 0;
  return n >= 9 ? value : value * 10 ** (9 - n);
}

function validTime(y: number, mon: number, d: number, h: number, min: number, s: number): boolean {
  if (mon < 0 || mon > 11 || h > 23 || min > 59 || s > 60 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = mon === 1 && leap ? 29 : (DAYS[mon] as number);
  return d <= days;
}

/** Seconds east of UTC the zone at `p` gives (`Z`, `+hh`, `+hhmm`, `-hh:mm`); 0 when there is none. */
function zoneOffset(t: ArrayLike<number>, p: number): number {
  const sign = t[p];
  if (sign !== 0x2b && sign !== 0x2d) return 0;
  const hours = digits(t, p + 1, 2);
  if (!hours) return 0;
  const minutes = digits(t, t[hours.next] === 0x3a ? hours.next + 1 : hours.next, 2);
  const off = hours.value * 3600 + (minutes ? minutes.value * 60 : 0);
  return sign === 0x2b ? off : -off;
}

export const syslogModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', PORT, dissectSyslog);
  },
};
