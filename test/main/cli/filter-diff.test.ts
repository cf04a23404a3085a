// Display filters a differential run against tshark 4.0.17 found disagreeing (many expressions
// × the corpus and samples of Wireshark's and tcpdump's test captures). Two tables: expressions
// whose kept frames are checked against tshark run here (skipped without tshark), and rejected
// expressions with tshark's message and caret columns, checked without tshark.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../../app/dissect/modules.ts';
import { compileFilter } from '../../../app/filter/compile.ts';
import { parseArgs } from '../../../main/cli/args.ts';
import { Output } from '../../../main/cli/output.ts';
import { PacketPrinter } from '../../../main/cli/packet-printer.ts';
import { openCapture } from '../../../main/pcap/read.ts';
import { CORPUS_FILES } from '../../support/corpus.ts';

/** The frames `trawl -r FILE -Y EXPRESSION` keeps, through the CLI's own packet loop. */
async function keptFrames(expression: string, file: string): Promise<string> {
  const path = join(CORPUS_FILES, file);
  const compiled = compileFilter(expression, defaultRegistry());
  if (!compiled.ok) throw new Error(compiled.error.message);
  const printer = new PacketPrinter(parseArgs(['-r', path]), [], compiled.filter, new Output(), true);
  const kept: number[] = [];
  for await (const batch of openCapture(path)) {
    for (let i = 0; i < batch.count; i++) {
      const packet = printer.take(batch, i);
      if (packet) kept.push(packet.meta.number);
    }
  }
  return kept.join(',');
}

const hasTshark = spawnSync('tshark', ['--version']).status === 0;

const HTTP = 'pcpp__TwoHttpRequests.pcap';
const ICMP = 'pcpp__IcmpPackets.pcap';

/** [file, expression, frames tshark keeps (as it kept them when this table was written)]. */
const FRAMES: [string, string, string][] = [
  // A protocol's value is its bytes: slices and `len` take the protocol item, `contains` and
  // `matches` search on to the end of its data (the payload too).
  [HTTP, 'http contains "GET"', '1,2'],
  [HTTP, 'tcp contains "GET"', '1,2'],
  [HTTP, 'eth contains "GET" && ip contains "GET"', '1,2'],
  [HTTP, 'http matches "^get /"', '1,2'],
  [HTTP, 'http[0:3] == "GET"', '1,2'],
  [HTTP, 'tcp[20:3] == "GET"', ''],
  [HTTP, 'ip[0] & 0xf0 == 0x40', '1,2'],
  [HTTP, 'ip[0] == 45 && tcp[19] == 0', '1,2'],
  [HTTP, 'len(tcp) == 20 && len(ip) == 20 && len(eth) == 14', '1,2'],
  [HTTP, 'len(http) == 356', '1'],
  // A negated literal is signed: -0 is 0, and a negative value never compares with an unsigned one.
  [ICMP, 'icmp.type == -0', '10'],
  [ICMP, 'icmp.type < -1 || icmp.type > -1', ''],
  // A time offset reads the fraction's digits and ignores the rest: 1.4e9 is 1.4 seconds.
  [HTTP, 'frame.time_delta > 1.4e-9', ''],
  [HTTP, 'frame.time_delta < 0.1-3', '1'],
  [HTTP, 'frame.time_epoch > 1.5e9', '1,2'],
];

describe.skipIf(!hasTshark)('kept frames agree with tshark -Y', () => {
  for (const [file, expression, frames] of FRAMES) {
    it(`${file}: ${expression}`, async () => {
      const r = spawnSync(
        'tshark',
        ['-n', '-r', join(CORPUS_FILES, file), '-Y', expression, '-T', 'fields', '-e', 'frame.number'],
        { encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
      const theirs = r.stdout.trim().split('\n').filter(Boolean).join(',');
      expect(theirs).toBe(frames);
      expect(await keptFrames(expression, file)).toBe(theirs);
    });
  }
});

/** [expression, tshark's message, caret start, caret end] (columns 0-based, end exclusive). */
const ERRORS: [string, string, number, number][] = [
  // Character constants, checked in the order of 4.0's parse_charconst.
  ["frame.len > '\\n'", "'\\n' is too long to be a valid character constant.", 12, 16],
  ["frame.len > '\t'", "Non-printable value '0x09' in character constant.", 12, 15],
  ["frame.len > 'é'", "Non-printable value '0xffffffffffffffc3' in character constant.", 12, 15],
  ["frame.len > '\\777'", "'\\777' is too large to be a valid character constant.", 12, 18],
  ["frame.len > '\\400a'", "'\\400a' is too large to be a valid character constant.", 12, 19],
  ["frame.len > '\\xfg'", "'\\xfg' isn't a valid character constant.", 12, 18],
  ["frame.len > '\\08'", "'\\08' isn't a valid character constant.", 12, 17],
  ["frame.len > '\\x123'", "'\\x123' is too long to be a valid character constant.", 12, 19],
  ["frame.len > '\\u0041'", "'\\u0041' is not a valid universal character name", 12, 20],
  // Past what strtoull/strtoll can hold: an overflow, not a value too big for the field.
  ['ip.ttl == 18446744073709551616', '"18446744073709551616" causes an integer overflow.', 10, 30],
  ['tcp.seq == 0x10000000000000000', '"0x10000000000000000" causes an integer overflow.', 11, 30],
  [
    'tcp.window_size_scalefactor == 9223372036854775808',
    '"9223372036854775808" causes an integer overflow.',
    31,
    50,
  ],
  ['ip.ttl == -18446744073709551616', '"18446744073709551616" causes an integer overflow.', 11, 31],
  // Universal character names follow C's rule: none below U+00A0 but $, @ and `.
  ['http.host == "\\u0047ET"', '\\u0047 is not a valid universal character name', 14, 20],
  ['http.host == "\\u0000"', '\\u0000 is not a valid universal character name', 14, 20],
  // An address then `/` and a non-number is a division, refused for the address's type first.
  ['ip.addr == 192.168.0.0/-1', 'FT_IPv4 cannot /.', 11, 22],
  // A call as a function's argument is underlined by its name.
  ['len(lower(http.host)) > 5', 'Only fields can be used as parameter for len()', 4, 9],
  [
    'lower(upper(http.host)) contains "www"',
    'Only string type fields can be used as parameter for lower()',
    6,
    11,
  ],
  ['abs(-1) == 1', 'Constant arithmetic expression on the LHS is invalid.', 5, 6],
  ['abs(1) == 1', 'Need a field or field-like value on the LHS.', 4, 5],
  // A field reference on its own is not a field.
  ['${ip.src}', 'ip.src <FT_IPv4> is neither a field nor a protocol name.', 2, 8],
];

/** Faults tshark reports without a caret line. */
const UNLOCATED: [string, string][] = [
  ['ip.src == ${foo.bar}', "macro 'foo.bar' does not exist"],
  ['${ip.src', 'end of filter in the middle of a macro expression'],
];

describe('rejected expressions name the fault as tshark does', () => {
  for (const [expression, message, start, end] of ERRORS) {
    it(expression, () => {
      const r = compileFilter(expression, defaultRegistry());
      expect(r.ok).toBe(false);
      if (!r.ok) expect([r.error.message, r.error.start, r.error.end]).toEqual([message, start, end]);
    });
  }

  for (const [expression, message] of UNLOCATED) {
    it(expression, () => {
      const r = compileFilter(expression, defaultRegistry());
      expect(r.ok ? null : [r.error.message, r.error.unlocated]).toEqual([message, true]);
    });
  }

  it('accepts the character constants tshark accepts', () => {
    for (const s of ['"\\u00e9"', '"\\u0024"', '"\\u0040"', '"\\U0001F600"']) {
      expect(compileFilter(`http.host == ${s}`, defaultRegistry()).ok, s).toBe(true);
    }
    for (const c of ["'\\t'", "'\\\\'", "'\\''", "'a'", "'\\x0a'", "'\\x0'", "'\\012'", "'\\377'", "'\"'"]) {
      expect(compileFilter(`frame.len > ${c}`, defaultRegistry()).ok, c).toBe(true);
    }
  });
});
