// JSON in HTTP bodies: a real exchange over loopback (test/fixtures/http-json.pcap: curl posting
// JSON to a Python server that answers with JSON, then a 404 with application/problem+json), and
// made-up bodies for the corners of Wireshark's tvbparse grammar and string unescaping. Expected
// values are tshark 4.0.17's; where tshark is installed the tests also ask it directly.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dissect } from '../../../app/dissect/dissect.ts';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { isValidJSON } from '../../../app/dissect/json.ts';
import { fieldEscaped, stringValue, tvbFormatText as formatText } from '../../../app/dissect/text-format.ts';
import { defaultRegistry } from '../../../app/dissect/modules.ts';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { NULL_TREE } from '../../../app/dissect/tree.ts';
import { CLI, trawl } from '../../support/corpus.ts';
import { dissectFile } from '../../support/dissect-file.ts';
import { dissectHex, metaFor } from '../../support/dissect-hex.ts';
import { rng, survives } from '../../support/fuzz.ts';
import { pcapFile, tempDir } from '../../support/pcap-bytes.ts';
import { blocks, haveTshark as tsharkInstalled } from '../../support/tshark-oracle.ts';
import { tcpFrame } from '../../support/tcp-frames.ts';
import { latin1 } from '../../support/tcp-frames.ts';

const FIXTURE = resolve(import.meta.dirname, '../../fixtures/http-json.pcap');
const haveTshark = tsharkInstalled && existsSync(CLI);

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.protocols',
  'json.object',
  'json.array',
  'json.member',
  'json.key',
  'json.path',
  'json.path_with_value',
  'json.member_with_value',
  'json.value.string',
  'json.value.number',
  'json.value.true',
  'json.value.false',
  'json.value.null',
  'json.value.nan',
  '_ws.expert.message',
  '_ws.malformed',
];

/** An HTTP POST from 10.0.0.1:40000 to port 80 whose body is `body` of type `type`. */
function post(body: string, type = 'application/json'): Uint8Array {
  const head = `POST /x HTTP/1.1\r\nHost: h\r\nContent-Type: ${type}\r\nContent-Length: ${body.length}\r\n\r\n`;
  return tcpFrame({ fromClient: true, seq: 1, ack: 1, payload: latin1(head + body) });
}

function fieldsOf(path: string, fields: readonly string[]): { tshark: string; trawl: string } {
  const args = ['-r', path, '-T', 'fields', '-E', 'occurrence=a', ...fields.flatMap((f) => ['-e', f])];
  return { tshark: spawnSync('tshark', args, { encoding: 'utf8' }).stdout, trawl: trawl(args).stdout };
}

const JSON_BLOCKS = /^(JavaScript Object Notation|Line-based text data)/;

/** The JSON and text-lines blocks of `tshark -V` and `trawl -V`. */
function verbose(path: string): { tshark: string; trawl: string } {
  return {
    tshark: blocks(spawnSync('tshark', ['-r', path, '-V'], { encoding: 'utf8' }).stdout, JSON_BLOCKS),
    trawl: blocks(trawl(['-r', path, '-V']).stdout, JSON_BLOCKS),
  };
}

describe('json in HTTP: a real exchange', () => {
  it('shows the request body as tshark does: HTTP/JSON, Info, tree with offsets', async () => {
    const frames = await dissectFile(FIXTURE);
    const req = frames[3];
    if (!req) throw new Error('fixture too short');
    expect(req.pinfo.proto).toBe('HTTP/JSON');
    expect(req.pinfo.info).toBe('POST /api HTTP/1.1 , JavaScript Object Notation (application/json)');
    expect(req.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:tcp:http:json');
    const [json] = req.nodes('json');
    expect(json && [nodeLabel(json), json.offset, json.length]).toEqual([
      'JavaScript Object Notation: application/json',
      200,
      76,
    ]);
    const members = req.nodes('json.member').map((n) => [nodeLabel(n), n.offset, n.length]);
    expect(members).toEqual([
      ['Member: host_int', 201, 14],
      ['Member: name', 217, 15],
      ['Member: tags', 234, 18],
      ['Member: nested', 254, 21],
      ['Member: t', 265, 9],
    ]);
    const [array] = req.nodes('json.array');
    expect(array && [array.offset, array.length]).toEqual([242, 10]);
    expect(req.value('json.key')).toBe('host_int,name,tags,t,nested');
    expect(req.value('json.member_with_value')).toBe('host_int:42,name:trawl,[]:a,[]:b,t:true');
    expect(req.value('json.path_with_value')).toBe(
      '/host_int:42,/name:trawl,/tags/[]:a,/tags/[]:b,/nested/t:true',
    );
    expect(req.value('json.value.true')).toBe('1');
    const [path] = req.nodes('json.path');
    expect(path && nodeLabel(path)).toBe('[Path: /host_int]');
  });

  it('shows the JSON response and a problem+json 404', async () => {
    const frames = await dissectFile(FIXTURE);
    expect(frames[7]?.pinfo.info).toBe('HTTP/1.1 200 OK , JavaScript Object Notation (application/json)');
    expect(frames[7]?.value('json.value.number')).toBe('42,0.035,1');
    expect(frames[7]?.value('json.value.null')).toBe('1');
    expect(frames[19]?.pinfo.proto).toBe('HTTP/JSON');
    expect(frames[19]?.pinfo.info).toBe(
      'HTTP/1.1 404 Not Found , JavaScript Object Notation (application/problem+json)',
    );
    expect(frames[19]?.value('json.member')).toBe('type,status');
  });

  it.skipIf(!haveTshark)('agrees with tshark on every field, -T fields and -V', () => {
    const f = fieldsOf(FIXTURE, FIELDS);
    expect(f.trawl).toBe(f.tshark);
    const v = verbose(FIXTURE);
    expect(v.trawl).toBe(v.tshark);
  });
});

/** Bodies whose dissection tshark 4.0 shows in some particular way. */
const BODIES: { body: string; type?: string; what: string }[] = [
  { body: '[1 2]', what: 'whitespace inside a number is part of it' },
  { body: '{"a":1} trailing', what: 'the rest after the JSON is text lines' },
  { body: '{"a":1', what: 'an unclosed object: no JSON, all text lines, not malformed' },
  { body: 'garbage', what: 'no JSON at all' },
  { body: '\n', what: 'only whitespace' },
  { body: '{"a":1}\r\n{"b":2}\r\n', what: 'several texts, the whitespace after the last one included' },
  { body: '[1,]', what: 'a trailing comma fails the array' },
  { body: '[01]', what: 'a leading zero ends the number' },
  { body: '[-1.5e3,1E+5,-0,0.0, 1.]', what: 'numbers, the last one bad' },
  { body: '[true, false, null, NaN]', what: 'the literals' },
  { body: '{"a":{"b":{"c":[[1]]}}}', what: 'paths through objects and arrays' },
  { body: '["\\u00e9"]', what: 'a \\u escape ending the string adds nothing' },
  { body: '["\\u00e9x","\\u0085x","\\uFEFFx","\\ud83d\\ude00x","\\ud83dx","\\ude00x"]', what: 'escapes' },
  { body: '["a\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti"]', what: 'simple escapes, shown escaped' },
  { body: '["\x85","\xc3z","\xe2\x82\xac","\xc2\x85","a\xefb","\xff\xc2\x85z"]', what: 'raw bytes' },
  { body: '{"k\\u00e9y": "v", "\\u20ac": [1]}', what: 'escaped keys' },
  { body: '[1]', type: 'application/merge-patch+json', what: 'a +json type Wireshark lists' },
  { body: '[1]', type: 'application/vnd.api+json', what: 'a +json type it does not: media' },
  { body: '[1]', type: 'APPLICATION/JSON; charset=utf-8', what: 'type case and parameters' },
];

describe('json: corners of the grammar', () => {
  it('takes whitespace inside a number as tvbparse does', () => {
    const d = dissectHex(post('[1 2]'));
    expect(d.value('json.value.number')).toBe('1 2');
    expect(d.pinfo.layers.at(-1)).toBe('json');
  });

  it('leaves what it cannot parse to text lines, without marking the packet malformed', () => {
    const d = dissectHex(post('{"a":1} trailing'));
    expect(d.pinfo.layers.slice(-2)).toEqual(['json', 'data-text-lines']);
    expect(d.pinfo.malformed).toBe(false);
    const [json] = d.nodes('json');
    expect(json?.length).toBe(8);
    const [lines] = d.nodes('data-text-lines');
    expect(lines && nodeLabel(lines)).toBe('Line-based text data: application/json (1 lines)');
    const bad = dissectHex(post('{"a":1'));
    expect(bad.pinfo.proto).toBe('HTTP/JSON');
    expect(bad.pinfo.info).toBe('POST /x HTTP/1.1 , JavaScript Object Notation (application/json)');
    expect(bad.nodes('json')[0]?.length).toBe(0);
    expect(bad.nodes('_ws.malformed')).toEqual([]);
  });

  it('unescapes strings with Wireshark quirks', () => {
    const d = dissectHex(post('["\\u00e9x","\\u00e9","\\ud83dx","a\\tb"]'));
    expect(d.value('json.value.string')).toBe('éx,,\ufffd,a\\tb');
    const [tab] = d.nodes('json.value.string').slice(-1);
    expect(tab && nodeLabel(tab)).toBe('String value: a\\tb');
  });

  it('builds nothing in summary mode but still tells the stack', () => {
    const bytes = post('{"a":1} x');
    const pinfo = dissect(defaultRegistry(), metaFor(bytes, 1), bytes, NULL_TREE, new CaptureState());
    expect(pinfo.proto).toBe('HTTP/JSON');
    expect(pinfo.layers.slice(-2)).toEqual(['json', 'data-text-lines']);
  });

  it('survives garbage and deep nesting', () => {
    const next = rng(7);
    for (let i = 0; i < 300; i++) {
      const body = Array.from({ length: Math.floor(next() * 80) }, () =>
        String.fromCharCode('{}[]",:\\ u0a1-.eE tfn'.charCodeAt(Math.floor(next() * 23)) || 0x22),
      ).join('');
      survives(post(body));
    }
    survives(post('['.repeat(5000) + ']'.repeat(5000)));
    const deep = dissectHex(post('['.repeat(5000) + ']'.repeat(5000)));
    expect(deep.pinfo.layers.at(-1)).toBe('data-text-lines');
    expect(deep.pinfo.malformed).toBe(false);
  });

  it.skipIf(!haveTshark)('agrees with tshark on each corner, -T fields and -V', () => {
    const dir = tempDir('trawl-json-');
    try {
      const records = BODIES.map(({ body, type }, i) => ({ tsSec: i, tsFrac: 0, data: post(body, type) }));
      const path = dir.file('bodies.pcap', pcapFile({}, records));
      const f = fieldsOf(path, FIELDS);
      const theirs = f.tshark.split('\n');
      f.trawl.split('\n').forEach((line, i) => expect(line, BODIES[i]?.what).toBe(theirs[i]));
      const v = verbose(path);
      expect(v.trawl).toBe(v.tshark);
    } finally {
      dir.cleanup();
    }
  });
});

describe('json: text as Wireshark shows it', () => {
  it('format_text: escapes for controls, \\u for unprintable characters, U+FFFD for bad UTF-8', () => {
    expect(formatText(latin1('a\x01\x07\t\n\x7f\\'), 0, 7)).toBe('a\\001\\a\\t\\n\\177\\');
    expect(formatText(latin1('\xef\xbb\xbf\xc3\xa9\xff\xc3z\xf4\x90\x80\x80'), 0, 12)).toBe(
      '\\uFEFFé\ufffd\ufffdz\ufffd',
    );
  });

  it('string values: up to the NUL, controls kept; -T fields escapes only \\b \\f \\n \\r \\t', () => {
    const v = stringValue(latin1('a\x01\tb\x00c'), 0, 6);
    expect(v).toEqual({ field: 'a\x01\tb', label: 'a\\001\\tb', stray: true });
    expect(fieldEscaped(v.field)).toBe('a\x01\\tb');
    expect(fieldEscaped('\b\f\n\r\t\x0b')).toBe('\\b\\f\\n\\r\\t\x0b');
    expect(stringValue(latin1('\xe9'), 0, 1, true).field).toBe('\ufffd');
  });

  it('validates as json_validate (jsmn, strict) does', () => {
    const valid = (s: string): boolean => isValidJSON(latin1(s), 0, s.length);
    for (const s of [
      '{"a":1}',
      ' {"a":1}',
      '"str"',
      '[1,]',
      '{"a":1,}',
      '[tru]',
      '[01]',
      '[1 2]',
      '{"a":1}\x00x',
    ])
      expect(valid(s), s).toBe(true);
    for (const s of [
      '1',
      'true',
      '[1,2',
      '{"a" 1}',
      '{a:1}',
      '[NaN]',
      '{"a":"\\q"}',
      '\x00{}',
      '[+1]',
      '{"a":1}x',
    ])
      expect(valid(s), s).toBe(false);
    // Bytes above 0x7f read as three bytes of U+FFFD push the end out of the length jsmn gets.
    expect(valid('{"a":"\xc3\xa9"}')).toBe(false);
    expect(valid(`[${'1,'.repeat(1100)}1]`)).toBe(false);
  });
});
