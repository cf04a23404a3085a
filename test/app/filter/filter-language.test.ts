// The display-filter language construct by construct, against tshark 4.0.17: every expression
// below was run as `tshark -r pcpp__IcmpPackets.pcap -Y EXPR` and its kept frames, or its error
// message with the columns of its caret line, copied here. The file has 15 IPv4 ICMP packets;
// ICMP errors (frames 5, 6, 11, 12, 13) quote the offending IP header, so ip.src, ip.dst and
// ip.addr occur twice there: that is where "any" and "all" comparisons differ.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dissect } from '../../../app/dissect/dissect.ts';
import { defaultRegistry } from '../../../app/dissect/modules.ts';
import { CaptureState, type FrameMeta } from '../../../app/dissect/packet-info.ts';
import { FieldCollector } from '../../../app/dissect/tree.ts';
import { compileFilter } from '../../../app/filter/compile.ts';
import { FrameClock, recordBytes } from '../../../main/engine/frame-meta.ts';
import { openCapture } from '../../../main/pcap/read.ts';
import { CORPUS_FILES } from '../../support/corpus.ts';

type Expected =
  number[] | { message: string; start: number; end: number } | { message: string; unlocated: true };

const CASES: [string, Expected][] = [
  // ---- sets and ranges (`in {…}`; tshark 4.0 rejects space-separated sets)
  ['!(frame.len in {60, 70})', [1, 3, 5, 7, 9, 10, 11, 12, 15]],
  ['frame.len in {60 .. 70}', [1, 2, 4, 6, 8, 13, 14]],
  ['frame.len in {60, 70}', [2, 4, 6, 8, 13, 14]],
  ['frame.len in {60..70, 182}', [1, 2, 4, 5, 6, 8, 13, 14]],
  ['frame.len in {60..70}', [1, 2, 4, 6, 8, 13, 14]],
  ['frame.len not in {60, 70}', [1, 3, 5, 7, 9, 10, 11, 12, 15]],
  ['frame.number in {1..3, 15}', [1, 2, 3, 15]],
  ['icmp.type in {0..5}', [2, 6, 10, 12, 13]],
  ['icmp.type in {3, 5}', [2, 6, 12]],
  ['ip.src in {10.0.0.0/24}', [11, 12, 13, 14, 15]],
  ['ip.src in {10.0.0.7, 8.8.8.8}', [10, 12, 13, 15]],
  ['ip.ttl == ${ip.ttl}', []],
  ['ip.ttl in {5..1}', []],
  ['frame.len in {60 70}', { message: '"70" was unexpected in this context.', start: 17, end: 19 }],
  ['frame.len in {60,70,}', { message: '"}" was unexpected in this context.', start: 20, end: 21 }],
  ['frame.len in {60..70 80}', { message: '"80" was unexpected in this context.', start: 21, end: 23 }],
  ['icmp.type in {3 5}', { message: '"5" was unexpected in this context.', start: 16, end: 17 }],
  ['ip.src in {10.0.0.1', { message: 'Unexpected end of filter expression.', unlocated: true }],
  ['ip.src in {}', { message: '"}" was unexpected in this context.', start: 11, end: 12 }],
  [
    'ip.ttl in {"a".."b"}',
    { message: 'Unsigned integer (1 byte) cannot be converted from a string ("a").', start: 11, end: 14 },
  ],
  ['ip.ttl in {..5}', { message: '".." was unexpected in this context.', start: 11, end: 13 }],
  ['ip.ttl in {1..}', { message: '"}" was unexpected in this context.', start: 14, end: 15 }],
  ['ip.ttl in {64 128}', { message: '"128" was unexpected in this context.', start: 14, end: 17 }],
  ['{1 2}', { message: '"2" was unexpected in this context.', start: 3, end: 4 }],
  // ---- slices and layers (`x[i:j]`, `x[i-j]`, `x[i]`, `x#n`)
  ['eth.dst[0] & 1', [1, 3, 4]],
  ['eth.src[-1] == 0x4d', []],
  ['eth.src[0:3] == 00.0c.29', []],
  ['eth.src[0:3] == 000c29', []],
  ['eth.src[0:3] == 00:0c:29', []],
  ['eth.src[0] == 0x00', [1, 2, 4, 7, 8, 12]],
  ['eth.src[1-2] == 0c:29', []],
  ['eth.src[3:] == 96:c0:4d', []],
  ['eth.src[:2] == 00:0c', []],
  ['frame[ 1 : 2 ] == 00', []],
  ['frame[+1:+1] == 00', [1, 11, 12]],
  ['frame[-3:] == 00', []],
  ['frame[0:100000] == 00', []],
  ['frame[0:2] == "ab"', []],
  ['frame[0:2] == 00:0c', []],
  ['frame[0:2] == 00:0c:29', []],
  ['frame[0x1:0x2] == 00', []],
  ['frame[12:2] == 0800', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]],
  ['frame[12:2] == 08:00', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]],
  ['frame[14] == 0x45', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]],
  ['frame[2:1,3-4] == 00', []],
  ['frame[:]', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]],
  ['ip.src#1 == 10.0.0.7', [12, 13, 15]],
  ['ip.src#2 == 10.0.0.7', [12]],
  [
    'frame matches "[a"',
    { message: 'Regex compilation error: missing terminating ] for character class.', unlocated: true },
  ],
  [
    'frame[-1-2] == 00',
    { message: "Range -1-2 isn't valid because -1 and 2 have different signs", start: 6, end: 10 },
  ],
  [
    'frame[0:-1] == 00',
    { message: "Range 0:-1 isn't valid because length -1 isn't positive", start: 6, end: 10 },
  ],
  [
    'frame[0:0] == 00',
    { message: "Range 0:0 isn't valid because length 0 isn't positive", start: 6, end: 9 },
  ],
  ['frame[0:2', { message: 'The right bracket was missing from a slice.', start: 9, end: 10 }],
  ['frame[0:zz]', { message: '"0:zz" is not a valid range.', start: 6, end: 10 }],
  ['frame[1 2]', { message: '"1 2" is not a valid range.', start: 6, end: 9 }],
  ['frame[1-]', { message: '"1-" is not a valid range.', start: 6, end: 8 }],
  ['frame[1-zz]', { message: '"1-zz" is not a valid range.', start: 6, end: 10 }],
  ['frame[1:2x]', { message: '"1:2x" is not a valid range.', start: 6, end: 10 }],
  ['frame[1x]', { message: '"1x" is not a valid range.', start: 6, end: 8 }],
  [
    'frame[3-1] == 00',
    { message: "Range 3-1 isn't valid because 3 is greater or equal than 1", start: 6, end: 9 },
  ],
  ['frame[99999999999]', { message: '"99999999999" causes an integer overflow.', start: 6, end: 17 }],
  ['frame[:zz]', { message: '":zz" is not a valid range.', start: 6, end: 9 }],
  ['frame[a:2]', { message: '"a:2" is not a valid number.', start: 6, end: 9 }],
  ['frame[zz]', { message: '"zz" is not a valid number.', start: 6, end: 8 }],
  ['ip.src#x == 1', { message: 'Expected digit or "[", not "x"', start: 7, end: 8 }],
  [
    'ip.ttl[0] == 1',
    {
      message: '"ip.ttl" is a Unsigned integer (1 byte) and cannot be sliced into a sequence of bytes.',
      start: 0,
      end: 6,
    },
  ],
  // ---- functions len, count, lower, upper
  ['count(ip) == 1', [1, 3, 4, 7, 8, 9, 10, 14, 15]],
  ['count(ip.addr) == 4', [2, 5, 6, 11, 12, 13]],
  ['count(ip.src) == 2', [2, 5, 6, 11, 12, 13]],
  ['count(ip.src) > 1', [2, 5, 6, 11, 12, 13]],
  ['len(eth.src) == 6', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]],
  ['len(frame) > 100', [5, 11, 12]],
  ['len(ip.src) == 4', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]],
  ['len(ip.ttl) == 1', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]],
  ['count(ip.ttl, 1)', { message: 'You cannot test whether a function is present.', start: 0, end: 5 }],
  ['count(ip.ttl, 1) == 1', { message: 'Function count can only accept 1 arguments.', start: 0, end: 5 }],
  ['len()', { message: 'You cannot test whether a function is present.', start: 0, end: 3 }],
  ['len() == 1', { message: 'Function len needs at least 1 arguments.', start: 0, end: 3 }],
  ['len(ip.ttl)', { message: 'You cannot test whether a function is present.', start: 0, end: 3 }],
  [
    'lower(eth.src) == "x"',
    { message: 'Only string type fields can be used as parameter for lower()', start: 6, end: 13 },
  ],
  [
    'lower(eth.type) == 1',
    { message: 'Only string type fields can be used as parameter for lower()', start: 6, end: 14 },
  ],
  [
    'lower(ip) == "x"',
    { message: 'Only string type fields can be used as parameter for lower()', start: 6, end: 8 },
  ],
  ['nofunc(ip.src)', { message: "Function 'nofunc' does not exist", start: 0, end: 6 }],
  ['upper(ip.src)', { message: 'You cannot test whether a function is present.', start: 0, end: 5 }],
  [
    'upper(ip.src) == 1',
    { message: 'Only string type fields can be used as parameter for upper()', start: 6, end: 12 },
  ],
  // ---- matches / ~ and contains
  ['eth.src contains 0c:29', []],
  ['eth.src matches "abc"', []],
  ['frame contains "abc"', []],
  ['frame contains 00:0c:29', []],
  ['frame contains 08:00:45', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]],
  ['frame matches "\\x00"', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]],
  ['frame ~ "Abc"', []],
  ['frame ~ "abc"', []],
  ['ip.src == 10.0.0.7 && frame contains "abc"', []],
  ['frame contains ', { message: 'Unexpected end of filter expression.', unlocated: true }],
  [
    'frame matches "(" ',
    { message: 'Regex compilation error: missing closing parenthesis.', unlocated: true },
  ],
  [
    'frame matches "*a"',
    { message: 'Regex compilation error: quantifier does not follow a repeatable item.', unlocated: true },
  ],
  [
    'frame matches "\\\\k"',
    {
      message: 'Regex compilation error: \\k is not followed by a braced, angle-bracketed, or quoted name.',
      unlocated: true,
    },
  ],
  [
    'frame matches "a)"',
    { message: 'Regex compilation error: unmatched closing parenthesis.', unlocated: true },
  ],
  [
    'ip.src contains 10',
    { message: 'ip.src (type=IPv4 address) cannot participate in contains comparison.', start: 0, end: 6 },
  ],
  [
    'ip.src ~ "10"',
    { message: 'ip.src (type=IPv4 address) cannot participate in ~ comparison.', start: 0, end: 6 },
  ],
  [
    'ip.ttl contains 4',
    {
      message: 'ip.ttl (type=Unsigned integer (1 byte)) cannot participate in contains comparison.',
      start: 0,
      end: 6,
    },
  ],
  [
    'ip.ttl matches "6"',
    {
      message: 'ip.ttl (type=Unsigned integer (1 byte)) cannot participate in matches comparison.',
      start: 0,
      end: 6,
    },
  ],
  // ---- dates and times: FT_ABSOLUTE_TIME takes dates only, FT_RELATIVE_TIME numbers only
  [
    'frame.time > 1600000000',
    {
      message:
        '"1600000000" is not a valid absolute time. Example: "Nov 12, 1999 08:55:44.123" or "2011-07-04 12:34:56"',
      start: 13,
      end: 23,
    },
  ],
  [
    'frame.time contains "20"',
    {
      message: 'frame.time (type=Date and time) cannot participate in contains comparison.',
      start: 0,
      end: 10,
    },
  ],
  [
    'frame.time_epoch == "2020-01-01"',
    { message: 'Time offset cannot be converted from a string ("2020-01-01").', start: 20, end: 32 },
  ],
  // ---- multi-occurrence semantics (ICMP errors carry a second IP header)
  ['icmp.type == 11 and ip.src === 10.0.0.138', []],
  ['ip.addr != 10.0.0.7', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14]],
  ['ip.addr == 10.0.0.0/24', [11, 12, 13, 14, 15]],
  ['ip.addr == 10.0.0.0/8', [1, 2, 5, 6, 11, 12, 13, 14, 15]],
  ['ip.addr == 10.0.0.7 && ip.addr != 10.0.0.138', [12, 15]],
  ['ip.src != 10.0.0.7', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14]],
  ['ip.src != ip.dst', [1, 3, 4, 7, 8, 9, 10, 13, 14, 15]],
  ['ip.src !== 10.0.0.138', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]],
  ['ip.src !== 10.0.0.7', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14]],
  ['ip.src == ip.dst', [2, 5, 6, 11, 12]],
  ['ip.src === 10.0.0.7', [12, 15]],
  ['ip.src ~= 10.0.0.7', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14]],
  [
    'ip.ttl === 64 === 1',
    { message: 'Left side of "===" expression must be a field or function, not 64.', start: 11, end: 13 },
  ],
  // ---- bitwise & and arithmetic
  ['-ip.ttl == -64', [9, 11, 12, 13, 14, 15]],
  ['frame.len & 1', []],
  ['ip.flags & 0x2', [3, 11, 12]],
  ['ip.flags & 0x4', []],
  ['ip.flags & 2 == 2', [3, 11, 12]],
  ['ip.ttl % 2 == 0', [1, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15]],
  ['ip.ttl & 0x40', [2, 5, 6, 9, 11, 12, 13, 14, 15]],
  ['ip.ttl & ip.ttl', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]],
  ['ip.ttl * 2 == 128', [9, 11, 12, 13, 14, 15]],
  ['ip.ttl + 1 == 65', [9, 11, 12, 13, 14, 15]],
  ['ip.ttl - 1 == 63', [9, 11, 12, 13, 14, 15]],
  ['ip.ttl / 2 == 32', [9, 11, 12, 13, 14, 15]],
  ['ip.src & 1', { message: '"1" is not a valid hostname or IPv4 address.', start: 9, end: 10 }],
  // ---- logic: and/&&, or/||, xor/^^, not/!, precedence, parentheses
  ['!!ip', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]],
  ['!(ip.ttl == 64)', [1, 2, 3, 4, 5, 6, 7, 8, 10]],
  ['!icmp', []],
  ['!ip.ttl == 64', [1, 2, 3, 4, 5, 6, 7, 8, 10]],
  ['(ip.ttl == 64 || ip.ttl == 40) && icmp.type == 0', [10]],
  ['frame.len == 70 and ip.src == 10.0.0.7', [13]],
  ['icmp.type == 0 and ip.ttl == 40 and frame.number == 10', [10]],
  ['icmp.type == 8 || icmp.type == 0', [2, 9, 10, 11, 12]],
  ['ip && icmp', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]],
  ['ip and icmp', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]],
  ['ip.flags.df == 1 && !ip.flags.mf', []],
  ['ip.src == 192.168.0.0/16 or ip.dst == 8.8.8.8', [3, 7, 8, 9, 11]],
  ['ip.src eq 10.0.0.7 and not ip.dst eq 10.0.0.4', [12, 13]],
  ['ip.ttl == 64 or ip.ttl == 40', [9, 10, 11, 12, 13, 14, 15]],
  ['ip.ttl == 64 || ip.ttl == 40', [9, 10, 11, 12, 13, 14, 15]],
  ['ip.ttl == 64 || ip.ttl == 40 && icmp.type == 0', [9, 10, 11, 12, 13, 14, 15]],
  ['ip.ttl > 64 && ip.ttl < 255', [1, 2, 5, 6, 7, 8]],
  ['not ip', []],
  ['not ip.ttl == 64 or icmp', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]],
  ['not not ip', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]],
  ['(ip.ttl == 64', { message: 'Unexpected end of filter expression.', unlocated: true }],
  ['ip.ttl == 64 &&', { message: 'Unexpected end of filter expression.', unlocated: true }],
  ['ip.ttl == 64 ^^ icmp.type == 0', { message: '"^" was unexpected in this context.', start: 13, end: 14 }],
  ['ip.ttl == 64 ^^ ip.ttl == 128', { message: '"^" was unexpected in this context.', start: 13, end: 14 }],
  [
    'ip.ttl == 64 xor icmp.type == 0',
    { message: '"xor" was unexpected in this context.', start: 13, end: 16 },
  ],
  ['ip.ttl == 64 ||', { message: 'Unexpected end of filter expression.', unlocated: true }],
  // ---- literals: integers (dec/hex/octal/binary), booleans, strings, addresses, CIDR, byte strings
  ['eth.dst == ff:ff:ff:ff:ff:ff', [3, 4]],
  ['eth.src == 00-0c-29-96-c0-4d', []],
  ['eth.src == 000c.2996.c04d', []],
  ['eth.src == 00:0c:29:96:c0:4d', []],
  ['eth.src > 00:00:00:00:00:00', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15]],
  ['frame.number == 3', [3]],
  ['frame.time_delta > 0.5', [2, 3, 4, 5, 7, 9, 11, 12, 13, 14, 15]],
  ['frame.time_relative < 10', [1]],
  ['icmp', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]],
  ['ip', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]],
  ['ip.dst == 255.255.255.255/32', [3, 4]],
  ['ip.flags.df', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]],
  ['ip.flags.df == 1', [3, 11, 12]],
  ['ip.flags.df == True', [3, 11, 12]],
  ['ip.id == 0x3930', []],
  ['ip.proto == 1', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]],
  ['ip.src == 10.0.0.7', [12, 13, 15]],
  ['ip.src > 10.0.0.1', [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15]],
  ['ip.src eq 10.0.0.7', [12, 13, 15]],
  ['ip.src ne 10.0.0.7', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14]],
  ['ip.ttl < 64', [2, 3, 4, 5, 6, 10, 11]],
  ['ip.ttl <= 40', [2, 3, 4, 5, 6, 10, 11]],
  ["ip.ttl == '6'", []],
  ["ip.ttl == 'a'", []],
  ['ip.ttl == -1', []],
  ['ip.ttl == 0100', [9, 11, 12, 13, 14, 15]],
  ['ip.ttl == 0b1000000', [9, 11, 12, 13, 14, 15]],
  ['ip.ttl == 0x40', [9, 11, 12, 13, 14, 15]],
  ['ip.ttl == 64', [9, 11, 12, 13, 14, 15]],
  ['ip.ttl > 64', [1, 2, 5, 6, 7, 8]],
  ['ip.ttl >= 128', [1, 2, 5, 6, 7, 8]],
  ['ip.ttl ge 128', [1, 2, 5, 6, 7, 8]],
  ['ip.ttl gt 64', [1, 2, 5, 6, 7, 8]],
  ['ip.ttl le 40', [2, 3, 4, 5, 6, 10, 11]],
  ['ip.ttl lt 64', [2, 3, 4, 5, 6, 10, 11]],
  ['"abc"', { message: '"abc" is neither a field nor a protocol name.', start: 0, end: 5 }],
  ['64', { message: '64 is neither a field nor a protocol name.', start: 0, end: 2 }],
  [
    'eth.src == 00:0c:29',
    { message: '"00:0c:29" contains too few bytes to be a valid Ethernet address.', start: 11, end: 19 },
  ],
  [
    'eth.src == 00:0c:29:96:c0:4d:11',
    {
      message: '"00:0c:29:96:c0:4d:11" contains too many bytes to be a valid Ethernet address.',
      start: 11,
      end: 31,
    },
  ],
  [
    'eth.src == :ab',
    { message: '":ab" contains too few bytes to be a valid Ethernet address.', start: 11, end: 14 },
  ],
  ['eth.src == :g1', { message: '":" was unexpected in this context.', start: 11, end: 12 }],
  ['eth.src == zz:zz', { message: '":" was unexpected in this context.', start: 13, end: 14 }],
  ['foo', { message: 'foo is neither a field nor a protocol name.', start: 0, end: 3 }],
  ['foo.bar', { message: 'foo.bar is neither a field nor a protocol name.', start: 0, end: 7 }],
  [
    'foo.bar == 1',
    { message: 'Left side of "==" expression must be a field or function, not foo.bar.', start: 0, end: 7 },
  ],
  [
    'icmp.checksum_status == 2',
    {
      message: 'Left side of "==" expression must be a field or function, not icmp.checksum_status.',
      start: 0,
      end: 20,
    },
  ],
  ['ip..ttl', { message: '".." was unexpected in this context.', start: 2, end: 4 }],
  [
    'ip.flags.df == "1"',
    { message: '"1" cannot be found among the possible values for ip.flags.df.', start: 15, end: 18 },
  ],
  [
    'ip.flags.df == true',
    { message: '"true" cannot be found among the possible values for ip.flags.df.', start: 15, end: 19 },
  ],
  [
    'ip.flags.df == yes',
    { message: '"yes" cannot be found among the possible values for ip.flags.df.', start: 15, end: 18 },
  ],
  ['ip.len == 1e2', { message: '"1e2" is not a valid number.', start: 10, end: 13 }],
  ['ip.proto == icmp', { message: 'ip.proto and icmp are not of compatible types.', start: 12, end: 16 }],
  ['ip.src == ', { message: 'Unexpected end of filter expression.', unlocated: true }],
  [
    'ip.src == "10.0.0.7"',
    { message: 'IPv4 address cannot be converted from a string ("10.0.0.7").', start: 10, end: 20 },
  ],
  ['ip.src == 10.0.0', { message: '"10.0.0" is not a valid hostname or IPv4 address.', start: 10, end: 16 }],
  ['ip.src == 10.0.0.0/', { message: 'Unexpected end of filter expression.', unlocated: true }],
  [
    'ip.src == 10.0.0.0/33',
    { message: 'Netmask bits in a CIDR IPv4 address should be <= 32, not 33', start: 10, end: 21 },
  ],
  [
    'ip.src == 10.0.0.256',
    { message: '"10.0.0.256" is not a valid hostname or IPv4 address.', start: 10, end: 20 },
  ],
  [
    'ip.src == foo.bar',
    { message: '"foo.bar" is not a valid hostname or IPv4 address.', start: 10, end: 17 },
  ],
  [
    'ip.src == hostname',
    { message: '"hostname" is not a valid hostname or IPv4 address.', start: 10, end: 18 },
  ],
  ['ip.ttl 64', { message: '"64" was unexpected in this context.', start: 7, end: 9 }],
  ['ip.ttl = 64', { message: '"=" was unexpected in this context.', start: 7, end: 8 }],
  [
    'ip.ttl == "64"',
    { message: 'Unsigned integer (1 byte) cannot be converted from a string ("64").', start: 10, end: 14 },
  ],
  ['ip.ttl == .64', { message: '"64" is not a valid protocol or protocol field.', start: 10, end: 13 }],
  ['ip.ttl == 256', { message: '"256" too big for this field, maximum 255.', start: 10, end: 13 }],
  ['ip.ttl == 300', { message: '"300" too big for this field, maximum 255.', start: 10, end: 13 }],
  ['ip.ttl == 64 foo', { message: '"foo" was unexpected in this context.', start: 13, end: 16 }],
  ['ip.ttl == 64)', { message: '")" was unexpected in this context.', start: 12, end: 13 }],
  ['ip.ttl == :64', { message: '":64" is not a valid number.', start: 10, end: 13 }],
  ['ip.ttl == == 64', { message: '"==" was unexpected in this context.', start: 10, end: 12 }],
  ['ip.ttl > 1.5', { message: '"1.5" is not a valid number.', start: 9, end: 12 }],
];

const registry = defaultRegistry();
const packets: { meta: FrameMeta; bytes: Uint8Array }[] = [];

beforeAll(async () => {
  const clock = new FrameClock();
  for await (const batch of openCapture(join(CORPUS_FILES, 'pcpp__IcmpPackets.pcap'))) {
    for (let i = 0; i < batch.count; i++) {
      packets.push({ meta: { ...clock.next(batch, i) }, bytes: recordBytes(batch, i).slice() });
    }
  }
});

function kept(expression: string): number[] | string {
  const compiled = compileFilter(expression, registry);
  if (!compiled.ok) return compiled.error.message;
  const collector = FieldCollector.of(compiled.filter.fieldIds, registry.fields.length);
  const state = new CaptureState();
  const out: number[] = [];
  for (const { meta, bytes } of packets) {
    collector.reset();
    dissect(registry, meta, bytes, collector, state, { wantInfo: false });
    if (compiled.filter.matches(collector, bytes)) out.push(meta.number);
  }
  return out;
}

describe('display filters construct by construct (tshark 4.0 results)', () => {
  for (const [expression, want] of CASES) {
    if (Array.isArray(want)) {
      it(`${expression} keeps [${want.join(',')}]`, () => {
        expect(kept(expression)).toEqual(want);
      });
    } else {
      it(`${expression} → ${want.message}`, () => {
        const compiled = compileFilter(expression, registry);
        expect(compiled.ok).toBe(false);
        if (compiled.ok) return;
        if ('unlocated' in want) {
          expect(compiled.error).toMatchObject({ message: want.message, unlocated: true });
          // The UI still underlines somewhere inside or just after the expression.
          expect(compiled.error.start).toBeLessThanOrEqual(expression.length);
        } else {
          expect(compiled.error).toEqual({ message: want.message, start: want.start, end: want.end });
        }
      });
    }
  }
});

describe('compiled filter shape', () => {
  it('names only the fields it reads, and says when it reads the frame bytes', () => {
    const c = compileFilter('ip.src == 10.0.0.1 && tcp.port in {80, 443}', registry);
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    const names = c.filter.fieldIds.map((id) => registry.fields[id]?.abbrev).sort();
    expect(names).toEqual(['ip.src', 'tcp.port']);
    expect(c.filter.needsFrameBytes).toBe(false);
    const f = compileFilter('frame[12:2] == 08:00', registry);
    expect(f.ok && f.filter.needsFrameBytes).toBe(true);
  });

  it('an empty expression keeps everything', () => {
    const c = compileFilter('   ', registry);
    expect(c.ok && c.filter.fieldIds).toEqual([]);
    expect(kept('')).toEqual(packets.map((p) => p.meta.number));
  });

  it('flags deprecated spellings for the yellow bar', () => {
    const c = compileFilter('ip.src ~= 10.0.0.7', registry);
    expect(c.ok && c.filter.deprecated).toMatch(/"~=" is deprecated/);
    const plain = compileFilter('ip.src == 10.0.0.7', registry);
    expect(plain.ok && plain.filter.deprecated).toBeUndefined();
  });
});
