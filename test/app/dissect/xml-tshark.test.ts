// XML bodies of HTTP responses against tshark 4.0 on a built capture (test/fixtures/media-xml.pcap:
// a UPnP device description, a SOAP envelope, SVG, an internal DTD, a long document and broken
// markup, each the body of its own response): columns, fields and the `-V` trees. Edge cases run
// without tshark: broken markup is noted, never thrown, and the media types outside Wireshark's
// xml list stay with the dissector they had.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { treeLines } from '../../../main/cli/print.ts';
import { isXmlMedia } from '../../../app/dissect/xml.ts';
import { blocks, dissectFixture, fixture, haveTshark, mismatches } from '../../support/tshark-oracle.ts';
import { dissectSegments, handshake, latin1 } from '../../support/tcp-frames.ts';

const FILE = fixture('media-xml.pcap');

async function ourVerbose(file: string): Promise<string> {
  const frames = await dissectFixture(file, true);
  return frames
    .map((d) => treeLines(d.tree.roots, { dataHex: true, protocols: null }).join('\n'))
    .join('\n\n');
}

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.protocols',
  'xml.xmlpi.xml',
  'xml.xmlpi.xml.version',
  'xml.xmlpi.xml.encoding',
  'xml.xmlpi.xml.standalone',
  'xml.xmlpi',
  'xml.doctype',
  'xml.dtdtag',
  'xml.comment',
  'xml.cdatasection',
  'xml.tag',
  'xml.attribute',
  'xml.cdata',
  'xml.unknown',
];

describe.skipIf(!haveTshark)('XML bodies against tshark', () => {
  it('gives every frame the columns and xml fields tshark gives it', async () => {
    expect(await mismatches(FILE, FIELDS, true)).toEqual([]);
  });

  it('prints the xml trees as tshark does', async () => {
    const heads = /^(eXtensible Markup Language|Media Type|Line-based text data)/;
    const theirs = spawnSync('tshark', ['-r', FILE, '-V'], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout;
    expect(blocks(await ourVerbose(FILE), heads)).toBe(blocks(theirs, heads));
  });
});

function xmlFrame(type: string, body: string): ReturnType<typeof dissectSegments>[number] {
  const bytes = new TextEncoder().encode(body);
  const head = `HTTP/1.1 200 OK\r\nContent-Type: ${type}\r\nContent-Length: ${bytes.length}\r\n\r\n`;
  const payload = new Uint8Array([...latin1(head), ...bytes]);
  const frames = dissectSegments([
    ...handshake(),
    { fromClient: true, seq: 1001, ack: 5001, payload: 'GET /x HTTP/1.1\r\nHost: h\r\n\r\n' },
    { fromClient: false, seq: 5001, ack: 1029, payload },
  ]);
  const last = frames[frames.length - 1];
  if (!last) throw new Error('no frames');
  return last;
}

describe('XML as its tokenizer reads it', () => {
  it('nests elements, puts attributes under their tag and closes the open one at any closing tag', () => {
    const d = xmlFrame('application/soap+xml; charset=utf-8', '<a x="1" y=\'2\'><b>t</a></b>');
    expect(d.pinfo.proto).toBe('HTTP/XML');
    expect(d.value('frame.protocols')).toBe('eth:ethertype:ip:tcp:http:xml');
    expect(d.value('xml.tag')).toBe('<a x="1" y=\'2\'>,<b>');
    expect(d.value('xml.attribute')).toBe('x="1",y=\'2\'');
    const text = treeLines(d.tree.roots, { dataHex: true, protocols: null });
    const at = text.indexOf('eXtensible Markup Language');
    expect(text.slice(at, at + 8)).toEqual([
      'eXtensible Markup Language',
      '    <a',
      '        x="1"',
      "        y='2'>",
      '        <b>',
      '            t',
      '            </a>',
      '        </b>',
    ]);
  });

  it('notes a closing tag with nothing open and markup it cannot read, and goes on', () => {
    const d = xmlFrame('text/xml', '</x>text<a b=c>x</a>');
    expect(d.value('xml.unknown')).toBe('text,b=c>x');
    expect(d.nodes('_ws.expert').map((n) => n.label)).toEqual([
      '[Expert Info (Chat/Sequence): HTTP/1.1 200 OK\\r\\n]',
      '[Expert Info (Error/Malformed): Closing an unopened tag]',
      '[Expert Info (Warning/Protocol): Unrecognized text]',
      '[Expert Info (Error/Malformed): Closing an unopened tag]',
    ]);
    expect(d.pinfo.info).toBe('HTTP/1.1 200 OK ');
  });

  it('takes the media types of Wireshark’s xml list and no others', () => {
    for (const t of [
      'text/xml',
      'application/xml',
      'image/svg+xml',
      'application/rss+xml',
      'x-bt/vcard-listing',
    ])
      expect(isXmlMedia(t)).toBe(true);
    for (const t of ['application/xhtml+xml', 'text/html', 'application/vnd.foo+xml', 'application/json'])
      expect(isXmlMedia(t)).toBe(false);
  });

  it('never throws on random markup', () => {
    let x = 11;
    const pieces = [
      '<',
      '>',
      '/',
      '?',
      '!',
      '--',
      '[',
      ']',
      '"',
      "'",
      '=',
      ' ',
      'a',
      'xml',
      'DOCTYPE',
      'CDATA',
    ];
    for (let i = 0; i < 200; i++) {
      let s = '';
      for (let j = 0; j < 1 + (i % 30); j++) {
        x = (x * 1103515245 + 12345) & 0x7fffffff;
        s += pieces[x % pieces.length] ?? '';
      }
      const d = xmlFrame('text/xml', s);
      expect(d.pinfo.malformed && d.pinfo.info.includes('Malformed Packet')).toBe(false);
    }
  });
});
