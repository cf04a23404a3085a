// tshark-compatible command line: the subset Trawl speaks, parsed into one options object.

export type OutputMode = 'summary' | 'fields' | 'tree';

export interface CliOptions {
  readFile?: string;
  writeFile?: string;
  mode: OutputMode;
  fields: string[];
  header: boolean;
  separator: string;
  aggregator: string;
  occurrence: 'a' | 'f' | 'l';
  count?: number;
  hex: boolean;
  displayFilter?: string;
  reassemble: boolean;
  help: boolean;
  version: boolean;
}

export class UsageError extends Error {}

const SEPARATORS: Record<string, string> = { '/t': '\t', '/s': ' ' };

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
    case 'bom':
      return;
    default:
      throw new UsageError(`Invalid -E parameter "${key}"`);
  }
}

function applyPreference(opts: CliOptions, pref: string): void {
  const m = /^([\w.]+):(.*)$/.exec(pref);
  if (!m) throw new UsageError(`Invalid -o flag "${pref}"`);
  if (m[1] === 'tcp.desegment_tcp_streams') opts.reassemble = (m[2] ?? '').toUpperCase() === 'TRUE';
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
    hex: false,
    reassemble: true,
    help: false,
    version: false,
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
      opts.mode = 'tree';
      continue;
    }
    if (arg === '-x') {
      opts.hex = true;
      continue;
    }
    if (arg === '-n' || arg === '-q' || arg === '-P' || arg === '-l') continue;
    const m = /^-([rwTeEcYoRd])(.*)$/.exec(arg);
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
        if (value === 'fields') opts.mode = 'fields';
        else if (value === 'text') opts.mode = opts.mode === 'tree' ? 'tree' : 'summary';
        else throw new UsageError(`Invalid -T parameter "${value}"; supported: fields, text`);
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
      default:
        throw new UsageError(`Option "-${flag}" is not supported`);
    }
  }
  if (opts.mode === 'fields' && opts.fields.length === 0) {
    throw new UsageError('"-T fields" was specified, but no fields were specified with "-e"');
  }
  if (opts.fields.length > 0 && opts.mode !== 'fields') {
    throw new UsageError('"-e" was specified, but "-T fields" was not');
  }
  return opts;
}

export const USAGE = `Usage: trawl [options] ...

  -r <infile>              read packets from a pcap or pcapng file
  -w <outfile>             write packets to a pcap file
  -c <count>               stop after <count> packets
  -T fields|text           output format (default: text summary)
  -e <field>               field to print with -T fields (repeatable)
  -E <option>=<value>      header=y|n, separator=/t|/s|<char>, occurrence=f|l|a, aggregator=,|/s|<char>
  -V                       print the protocol tree of each packet
  -x                       print a hex and ASCII dump of each packet
  -o <name>:<value>        preference (tcp.desegment_tcp_streams:TRUE|FALSE)
  -n                       no name resolution (Trawl never resolves names)
  -h, --help               this help
  -v, --version            version
`;
