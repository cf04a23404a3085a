// tshark-compatible command line: the subset Trawl speaks, parsed into one options object.
import { FOLLOW_MODES, type FollowMode } from '../../app/follow/follow-text.ts';
import type { FollowProto } from '../../app/follow/follow.ts';
import type { StatRequest } from '../../app/stats/stats-tap.ts';
import { TABLE_TITLES, type TableType } from '../../app/stats/stats-text.ts';
import { TIME_COLUMN_FORMATS, type TimeColumnFormat } from '../../app/format/time.ts';

export type OutputMode = 'summary' | 'fields' | 'tree' | 'json';

export interface CliOptions {
  readFile?: string;
  writeFile?: string;
  mode: OutputMode;
  fields: string[];
  header: boolean;
  separator: string;
  aggregator: string;
  occurrence: 'a' | 'f' | 'l';
  /** -E quote=d|s|n: the character put around each -T fields value ('' for none). */
  quote: string;
  /** -E bom=y: a UTF-8 byte order mark before the output. */
  bom: boolean;
  /** -t: the Time column's format. */
  timeFormat: TimeColumnFormat;
  /** -u hms: relative and delta times as hours, minutes and seconds. */
  hms: boolean;
  /** -V (or -O): the text output shows each packet's tree. */
  details?: boolean;
  /** -O: the protocols whose details -V shows (the others show their summary line only). */
  detailProtocols?: string[];
  /** -P: the summary line too, before the details (-V) or bytes (-x). */
  printSummary?: boolean;
  /** -S: the line printed after each packet's details or bytes (default: an empty line). */
  packetSeparator?: string;
  count?: number;
  hex: boolean;
  displayFilter?: string;
  reassemble: boolean;
  /** -q: no per-packet output (statistics such as -z follow still print at the end). */
  quiet: boolean;
  /** -z follow,PROTO,MODE,STREAM */
  follow?: FollowRequest;
  /** -z io,phs, conv,TYPE and endpoints,TYPE, in command-line order. */
  statistics: StatRequest[];
  /** How many of `statistics` came before -z follow (tshark prints the last -z first). */
  followAt?: number;
  /** -o tls.keylog_file:PATH (alias ssl.keylog_file): an NSS key log for TLS and QUIC decryption. */
  keylogFile?: string;
  help: boolean;
  version: boolean;
  /** Live capture (-i and its options; see capture.ts). */
  capture: CaptureCliOptions;
}

export interface CaptureCliOptions {
  /** -i */
  iface?: string;
  /** -D */
  listInterfaces: boolean;
  /** -f */
  filter?: string;
  /** -a duration:SEC */
  durationSec?: number;
  /** -a filesize:KB (kB of 1000 bytes, as dumpcap) */
  fileSizeKb?: number;
  /** -s */
  snaplen?: number;
  /** -p: not promiscuous */
  noPromiscuous: boolean;
  backend?: 'ring' | 'libpcap';
  ringBlocks?: number;
  ringBlockSize?: number;
  ringQueue?: number;
  ringTimeoutMs?: number;
}

/** -a duration:SEC | filesize:KB | packets:N (tshark's autostop conditions). */
function applyAutostop(opts: CliOptions, spec: string): void {
  const m = /^(duration|filesize|packets):(\d+(?:\.\d+)?)$/.exec(spec);
  if (!m) throw new UsageError(`Invalid or unknown -a flag "${spec}"`);
  const n = Number(m[2]);
  if (!(n > 0)) throw new UsageError(`Invalid -a value "${spec}": must be greater than 0`);
  if (m[1] === 'duration') opts.capture.durationSec = n;
  else if (m[1] === 'filesize') opts.capture.fileSizeKb = n;
  else opts.count = Math.floor(n);
}

function positiveInt(value: string, what: string): number {
  if (!/^\d+$/.test(value) || Number(value) === 0) throw new UsageError(`Invalid ${what} "${value}"`);
  return Number(value);
}

const LONG_CAPTURE_OPTIONS = new Set([
  '--backend',
  '--ring-blocks',
  '--ring-block-size',
  '--ring-timeout',
  '--ring-queue',
]);

/** --backend, --ring-* options (value after `=` or as the next argument). */
function applyLongCaptureOption(opts: CliOptions, name: string, value: string): void {
  switch (name) {
    case '--backend':
      if (value !== 'ring' && value !== 'libpcap') {
        throw new UsageError(`Invalid --backend "${value}"; expected ring or libpcap`);
      }
      opts.capture.backend = value;
      return;
    case '--ring-blocks':
      opts.capture.ringBlocks = positiveInt(value, 'ring block count');
      return;
    case '--ring-block-size':
      opts.capture.ringBlockSize = positiveInt(value, 'ring block size');
      return;
    case '--ring-queue':
      opts.capture.ringQueue = positiveInt(value, 'ring queue');
      return;
    default:
      opts.capture.ringTimeoutMs = positiveInt(value, 'ring timeout');
  }
}

export class UsageError extends Error {}

export interface FollowRequest {
  proto: FollowProto;
  mode: FollowMode;
  stream: number;
}

const Z_ARGUMENTS = [
  'conv,eth',
  'conv,ip',
  'conv,ipv6',
  'conv,tcp',
  'conv,udp',
  'endpoints,eth',
  'endpoints,ip',
  'endpoints,ipv6',
  'endpoints,tcp',
  'endpoints,udp',
  'follow,tcp',
  'follow,udp',
  'io,phs',
];

/** tshark's answer to a -z it does not know, listing the ones Trawl does. */
function invalidZ(spec: string): UsageError {
  return new UsageError(
    `Invalid -z argument "${spec}"; it must be one of:\n${Z_ARGUMENTS.map((z) => `     ${z}\n`).join('')}`,
  );
}

/** -z io,phs[,FILTER] | conv,TYPE[,FILTER] | endpoints,TYPE[,FILTER], matched as tshark does. */
function parseTableStatistic(spec: string): StatRequest | null {
  // tshark matches the registered name as a prefix: "io,phsx" is io,phs without a filter.
  if (spec.startsWith('io,phs')) {
    return spec[6] === ',' ? { kind: 'phs', filter: spec.slice(7) } : { kind: 'phs' };
  }
  const m = /^(conv|endpoints),(eth|ip|ipv6|tcp|udp)(,.*)?$/.exec(spec);
  if (!m) return null;
  const type = m[2] as TableType;
  const request: StatRequest = { kind: m[1] as 'conv' | 'endpoints', type };
  if (m[3] !== undefined) request.filter = m[3].slice(1);
  return TABLE_TITLES[type] ? request : null;
}

/** -z follow,tcp|udp,ascii|hex|raw|yaml,STREAM (tshark's follow statistics, by stream index). */
function parseFollow(spec: string): FollowRequest {
  const parts = spec.split(',');
  const [, proto, mode, stream] = parts;
  if (proto !== 'tcp' && proto !== 'udp') throw invalidZ(spec);
  if (!FOLLOW_MODES.includes(mode as FollowMode)) {
    throw new UsageError(
      `follow - Invalid display mode "${mode ?? ''}"; expected ${FOLLOW_MODES.join(', ')}`,
    );
  }
  if (stream === undefined || !/^\d+$/.test(stream) || parts.length > 4) {
    throw new UsageError(`follow - Invalid stream index "${parts.slice(3).join(',')}"; expected a number`);
  }
  return { proto, mode: mode as FollowMode, stream: Number(stream) };
}

function applyStatistic(opts: CliOptions, spec: string): void {
  if (spec.startsWith('follow,')) {
    opts.follow = parseFollow(spec);
    opts.followAt = opts.statistics.length;
    return;
  }
  const request = parseTableStatistic(spec);
  if (!request) throw invalidZ(spec);
  opts.statistics.push(request);
}

const SEPARATORS: Record<string, string> = { '/t': '\t', '/s': ' ' };
const QUOTES: Record<string, string> = { d: '"', s: "'", n: '' };

const TIME_FORMAT_HELP = `Invalid time stamp type "%s"; it must be one of:
\t"a"    for absolute
\t"ad"   for absolute with YYYY-MM-DD date
\t"adoy" for absolute with YYYY/DOY date
\t"d"    for delta
\t"dd"   for delta displayed
\t"e"    for epoch
\t"r"    for relative
\t"u"    for absolute UTC
\t"ud"   for absolute UTC with YYYY-MM-DD date
\t"udoy" for absolute UTC with YYYY/DOY date`;

function parseTimeFormat(value: string): TimeColumnFormat {
  const format = TIME_COLUMN_FORMATS.find((f) => f === value);
  if (!format) throw new UsageError(TIME_FORMAT_HELP.replace('%s', value));
  return format;
}

function parseSecondsType(value: string): boolean {
  if (value === 's' || value === 'hms') return value === 'hms';
  throw new UsageError(
    `Invalid seconds type "${value}"; it must be one of:\n\t"s"   for seconds\n\t"hms" for hours, minutes and seconds`,
  );
}

function applyE(opts: CliOptions, spec: string): void {
  const eq = spec.indexOf('=');
  if (eq < 0) throw new UsageError(`Invalid -E parameter "${spec}"; expected <field option>=<value>`);
  const key = spec.slice(0, eq);
  const value = spec.slice(eq + 1);
  switch (key) {
    case 'header':
      if (value !== 'y' && value !== 'n') throw new UsageError(`Invalid -E header value "${value}"`);
      opts.header = value === 'y';
      return;
    case 'separator':
      opts.separator = SEPARATORS[value] ?? value;
      return;
    case 'aggregator':
      opts.aggregator = SEPARATORS[value] ?? value;
      return;
    case 'occurrence':
      if (value !== 'a' && value !== 'f' && value !== 'l') {
        throw new UsageError(`Invalid -E occurrence value "${value}"`);
      }
      opts.occurrence = value;
      return;
    case 'quote':
      if (!(value in QUOTES))
        throw new UsageError(`"${spec}" is not a valid field output option=value pair.`);
      opts.quote = QUOTES[value] ?? '';
      return;
    case 'bom':
      if (value !== 'y' && value !== 'n') throw new UsageError(`Invalid -E bom value "${value}"`);
      opts.bom = value === 'y';
      return;
    default:
      throw new UsageError(`Invalid -E parameter "${key}"`);
  }
}

function applyPreference(opts: CliOptions, pref: string): void {
  const m = /^([\w.]+):(.*)$/.exec(pref);
  if (!m) throw new UsageError(`Invalid -o flag "${pref}"`);
  // Wireshark's test suite writes `-o tls.keylog_file: PATH`: the value starts after the blanks.
  const value = (m[2] ?? '').trim();
  if (m[1] === 'tcp.desegment_tcp_streams') opts.reassemble = value.toUpperCase() === 'TRUE';
  else if (m[1] === 'tls.keylog_file' || m[1] === 'ssl.keylog_file') opts.keylogFile = value || undefined;
}

/** Parses tshark-style arguments (`-r F -T fields -e ip.src -Eheader=y`). */
export function parseArgs(argv: readonly string[]): CliOptions {
  const opts: CliOptions = {
    mode: 'summary',
    fields: [],
    header: false,
    separator: '\t',
    aggregator: ',',
    occurrence: 'a',
    quote: '',
    bom: false,
    timeFormat: 'r',
    hms: false,
    hex: false,
    reassemble: true,
    quiet: false,
    statistics: [],
    help: false,
    version: false,
    capture: { listInterfaces: false, noPromiscuous: false },
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-h' || arg === '--help') {
      opts.help = true;
      continue;
    }
    if (arg === '-v' || arg === '--version') {
      opts.version = true;
      continue;
    }
    if (arg === '-V') {
      // tshark: -V adds the tree to the text output; -T fields and -T json print as they do.
      opts.details = true;
      continue;
    }
    if (arg === '-x') {
      opts.hex = true;
      continue;
    }
    if (arg === '-q') {
      opts.quiet = true;
      continue;
    }
    if (arg === '-P' || arg === '--print') {
      opts.printSummary = true;
      continue;
    }
    if (arg === '-n' || arg === '-l') continue;
    if (arg === '-D' || arg === '--list-interfaces') {
      opts.capture.listInterfaces = true;
      continue;
    }
    if (arg === '-p' || arg === '--no-promiscuous-mode') {
      opts.capture.noPromiscuous = true;
      continue;
    }
    const long = /^(--[\w-]+)(?:=(.*))?$/.exec(arg);
    if (long && LONG_CAPTURE_OPTIONS.has(long[1] as string)) {
      const value = long[2] ?? argv[++i];
      if (value === undefined) throw new UsageError(`Option "${long[1]}" requires an argument`);
      applyLongCaptureOption(opts, long[1] as string, value);
      continue;
    }
    const m = /^-([rwTeEcYoRdifasztuOS])(.*)$/.exec(arg);
    if (!m) throw new UsageError(`Unknown option "${arg}"`);
    const flag = m[1] as string;
    let value = m[2] as string;
    if (value === '') {
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`Option "-${flag}" requires an argument`);
      value = next;
    }
    switch (flag) {
      case 'r':
        opts.readFile = value;
        break;
      case 'w':
        opts.writeFile = value;
        break;
      case 'T':
        if (value === 'fields' || value === 'json') opts.mode = value;
        else if (value === 'text') opts.mode = 'summary';
        else throw new UsageError(`Invalid -T parameter "${value}"; supported: fields, json, text`);
        break;
      case 'e':
        opts.fields.push(value);
        break;
      case 'E':
        applyE(opts, value);
        break;
      case 'c': {
        const n = Number(value);
        if (!/^\d+$/.test(value)) throw new UsageError(`Invalid packet count "${value}"`);
        if (n === 0) throw new UsageError('The specified packet count is zero');
        opts.count = n;
        break;
      }
      case 'Y':
      case 'R':
        opts.displayFilter = value;
        break;
      case 'o':
        applyPreference(opts, value);
        break;
      case 'i':
        opts.capture.iface = value;
        break;
      case 'f':
        opts.capture.filter = value;
        break;
      case 'a':
        applyAutostop(opts, value);
        break;
      case 'z':
        applyStatistic(opts, value);
        break;
      case 't':
        opts.timeFormat = parseTimeFormat(value);
        break;
      case 'u':
        opts.hms = parseSecondsType(value);
        break;
      case 'O':
        // tshark: -O implies -V.
        opts.detailProtocols = value.split(/[\s,]+/).filter(Boolean);
        opts.details = true;
        break;
      case 'S':
        opts.packetSeparator = value;
        break;
      case 's': {
        // tshark: 0 means the default (262144).
        if (!/^\d+$/.test(value)) throw new UsageError(`Invalid snapshot length "${value}"`);
        const n = Number(value);
        opts.capture.snaplen = n === 0 || n > 262144 ? 262144 : n;
        break;
      }
      default:
        throw new UsageError(`Option "-${flag}" is not supported`);
    }
  }
  if (opts.details && opts.mode === 'summary') opts.mode = 'tree';
  if (opts.mode === 'fields' && opts.fields.length === 0) {
    throw new UsageError('"-T fields" was specified, but no fields were specified with "-e"');
  }
  if (opts.fields.length > 0 && opts.mode !== 'fields' && opts.mode !== 'json') {
    throw new UsageError('"-e" was specified, but "-T fields" was not');
  }
  if (opts.mode === 'json' && opts.hex) {
    throw new UsageError('-x with -T json (the raw bytes of each field) is not supported');
  }
  return opts;
}

export const USAGE = `Usage: trawl [options] ...

  -r <infile>              read packets from a pcap or pcapng file
  -w <outfile>             write packets to a pcap file
  -c <count>               stop after <count> packets
  -Y <display filter>      print (or write) only the packets it matches (Wireshark's syntax)
  -T fields|json|text      output format (default: text summary); json: each packet's tree
  -e <field>               field to print with -T fields or -T json (repeatable)
  -E <option>=<value>      header=y|n, separator=/t|/s|<char>, occurrence=f|l|a, aggregator=,|/s|<char>,
                           quote=d|s|n, bom=y|n
  -t a|ad|adoy|d|dd|e|r|u|ud|udoy
                           format of the Time column (default r: relative to the first packet)
  -u s|hms                 seconds as seconds (default) or hours, minutes and seconds
  -V                       print the protocol tree of each packet
  -O <protocols>           -V showing the details of these protocols only (comma separated)
  -S <separator>           the line printed after each packet's details (default: an empty line)
  -q                       no per-packet output (with -z)
  -z follow,tcp|udp,ascii|hex|raw|yaml,<stream>
                           print the payload of a TCP or UDP stream, as tshark
  -z io,phs[,<filter>]     protocol hierarchy statistics
  -z conv,<type>[,<filter>]
                           conversations; <type> is eth, ip, ipv6, tcp or udp
  -z endpoints,<type>[,<filter>]
                           endpoints of the same types (-z may be repeated)
  -x                       print a hex and ASCII dump of each packet (instead of its summary)
  -P                       print the summary line too, before the details or the bytes
  -o <name>:<value>        preference (tcp.desegment_tcp_streams:TRUE|FALSE, tls.keylog_file:<path>)

Capture:
  -D                       list the interfaces a capture can use
  -i <interface>           capture live on <interface> ('any' for all); -w writes the file
  -f <capture filter>      libpcap filter syntax (e.g. "udp port 53", "vlan 42")
  -s <snaplen>             bytes kept of each packet (default 262144)
  -p                       don't capture in promiscuous mode
  -a duration:<sec>        stop after <sec> seconds (also filesize:<kB>, packets:<n>)
  --backend ring|libpcap   ring: TPACKET_V3 (default); libpcap: through the cap package
  --ring-blocks <n>        ring blocks (default 16)
  --ring-block-size <b>    bytes per ring block (default 4194304)
  --ring-timeout <ms>      block retire timeout (default 50)
  --ring-queue <n>         batches waiting for the printer (default 4; past that they are read back from the file)
  -n                       no network name resolution (Trawl resolves only MAC addresses, as tshark -n)
  -h, --help               this help
  -v, --version            version
`;
