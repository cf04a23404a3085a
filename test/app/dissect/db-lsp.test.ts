// Dropbox LAN sync discovery: the corpus broadcasts (pcapngtg__le_basic_test006 frame 2 and the
// others), and made-up datagrams for tshark's JSON heuristic (json_validate) taking or refusing
// the payload. Expected values are tshark 4.0.17's; where tshark is installed the tests also ask it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dissect } from '../../../app/dissect/dissect.ts';
import { defaultRegistry } from '../../../app/dissect/modules.ts';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { CLI, trawl } from '../../support/corpus.ts';
import { dissectFile } from '../../support/dissect-file.ts';
import { dissectHex, metaFor } from '../../support/dissect-hex.ts';
import { allSinks, rng, survives } from '../../support/fuzz.ts';
import { pcapFile, tempDir } from '../../support/pcap-bytes.ts';
import { blocks, haveTshark as tsharkInstalled } from '../../support/tshark-oracle.ts';
import { udpFrame } from '../../support/tcp-frames.ts';

const haveTshark = tsharkInstalled && existsSync(CLI);

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.protocols',
  'db-lsp.text',
  'json.member',
  'json.key',
  'json.path_with_value',
  'json.value.string',
  'json.value.number',
  '_ws.expert.message',
];

/** A broadcast discovery datagram from 10.0.0.1:17500 to 10.0.0.255:17500. */
const disc = (payload: string): Uint8Array =>
  udpFrame({ src: 1, dst: 255, sport: 17500, dport: 17500, broadcast: true }, payload);

describe('db-lsp-disc', () => {
  it('decodes the corpus broadcast as DB-LSP-DISC/JSON', async () => {
    const frames = await dissectFile('pcapngtg__le_basic_test006.pcapng');
    const d = frames[1];
    if (!d) throw new Error('corpus file too short');
    expect(d.pinfo.proto).toBe('DB-LSP-DISC/JSON');
    expect(d.pinfo.info).toBe('Dropbox LAN sync Discovery Protocol, JavaScript Object Notation');
    expect(d.pinfo.layers.slice(1).join(':')).toBe('null:ip:udp:db-lsp-disc:json');
    const [disc, json] = [d.nodes('db-lsp-disc')[0], d.nodes('json')[0]];
    expect(disc && [nodeLabel(disc), disc.offset, disc.length]).toEqual([
      'Dropbox LAN sync Discovery Protocol',
      32,
      136,
    ]);
    expect(json && [nodeLabel(json), json.offset, json.length]).toEqual([
      'JavaScript Object Notation',
      32,
      136,
    ]);
    expect(d.nodes('json.member').map((n) => [nodeLabel(n), n.offset, n.length])).toEqual([
      ['Member: host_int', 33, 22],
      ['Member: version', 57, 17],
      ['Member: displayname', 76, 17],
      ['Member: port', 95, 13],
      ['Member: namespaces', 110, 57],
    ]);
    expect(d.nodes('json.array').map((n) => [n.offset, n.length])).toEqual([
      [68, 6],
      [124, 43],
    ]);
    expect(d.value('json.value.number')).toBe('4094514483,1,8,17500,20524257,639539072,639539337,639539555');
    expect(d.value('json.value.string')).toBe('');
    expect(d.value('json.member_with_value').split(',').slice(0, 3)).toEqual([
      'host_int:4094514483',
      '[]:1',
      '[]:8',
    ]);
    const [display] = d.nodes('json.value.string');
    expect(display && [nodeLabel(display), display.offset, display.length]).toEqual([
      'String value: ',
      91,
      2,
    ]);
  });

  it('finds every broadcast of the other corpus files', async () => {
    const many = await dissectFile('pcpp__many_interfaces-1.pcapng');
    expect(many.slice(0, 4).map((f) => f.pinfo.proto)).toEqual(Array(4).fill('DB-LSP-DISC/JSON'));
    const difficult = await dissectFile('pcapngtg__le_difficult_test201.pcapng');
    expect(difficult[3]?.pinfo.proto).toBe('DB-LSP-DISC/JSON');
  });

  it('shows what the JSON heuristic refuses as text', () => {
    const d = dissectHex(disc('{"a":1}{"b":2} junk'));
    expect(d.pinfo.proto).toBe('DB-LSP-DISC');
    expect(d.pinfo.info).toBe('Dropbox LAN sync Discovery Protocol');
    expect(d.value('db-lsp.text')).toBe('{"a":1}{"b":2} junk');
    expect(d.nodes('json')).toEqual([]);
    const nul = dissectHex(disc('\x00{"a":1}'));
    expect(nul.value('db-lsp.text')).toBe('');
    expect(nul.value('_ws.expert')).toBe('Expert Info (Warning/Undecoded): Trailing stray characters');
  });

  it('shows JSON the heuristic takes but the grammar does not as text lines', () => {
    const d = dissectHex(disc('"str"'));
    expect(d.pinfo.proto).toBe('DB-LSP-DISC/JSON');
    expect(d.pinfo.layers.slice(-3)).toEqual(['db-lsp-disc', 'json', 'data-text-lines']);
    const [lines] = d.nodes('data-text-lines');
    expect(lines && nodeLabel(lines)).toBe('Line-based text data (1 lines)');
  });

  it('survives garbage and cut datagrams', () => {
    const next = rng(17500);
    for (let i = 0; i < 300; i++) {
      const s = Array.from({ length: Math.floor(next() * 60) }, () =>
        String.fromCharCode(Math.floor(next() * 256)),
      ).join('');
      survives(disc(s));
      const whole = disc(`{"a":[${s.length},"x"]}`);
      const cut = whole.slice(0, 42 + (i % 12));
      for (const sink of allSinks(defaultRegistry()))
        dissect(defaultRegistry(), metaFor(cut, 1, { origLen: whole.length }), cut, sink, new CaptureState());
    }
  });

  it.skipIf(!haveTshark)('agrees with tshark on heuristic and grammar corners, -T fields and -V', () => {
    const payloads = [
      '{"a":1}',
      ' {"a":1}',
      '{"a":1}\n',
      '"str"',
      '1',
      '1 ',
      'true',
      '[1,2',
      '{"a":1,}',
      '{"a" 1}',
      '{a:1}',
      '[tru]',
      '[true]',
      '[01]',
      '[NaN]',
      '{"a":"\\u00e9"}',
      '{"a":"\xc3\xa9"}',
      '{"a":"\\q"}',
      '[]',
      '{}',
      '\x00{"a":1}',
      '{"a":1}\x00',
      '[1 2]',
      '[1][2]',
      '["a" "b"]',
      '[+1]',
      '[-]',
      '{"a":1}x',
    ];
    // More than 1024 tokens: json_validate refuses it (its text is too long for a -V label).
    const tooMany = `[${'1,'.repeat(1100)}1]`;
    const dir = tempDir('trawl-dblsp-');
    try {
      const capture = (name: string, list: string[]): string =>
        dir.file(
          name,
          pcapFile(
            {},
            list.map((p, i) => ({ tsSec: i, tsFrac: 0, data: disc(p) })),
          ),
        );
      const all = capture('all.pcap', [...payloads, tooMany]);
      const args = ['-r', all, '-T', 'fields', '-E', 'occurrence=a', ...FIELDS.flatMap((f) => ['-e', f])];
      const theirs = spawnSync('tshark', args, { encoding: 'utf8' }).stdout;
      expect(trawl(args).stdout).toBe(theirs);
      expect(trawl(['-r', all]).stdout).toBe(spawnSync('tshark', ['-r', all], { encoding: 'utf8' }).stdout);
      const v = ['-r', capture('short.pcap', payloads), '-V'];
      const heads = /^(Dropbox LAN sync Discovery Protocol|\[Malformed Packet)/;
      expect(blocks(trawl(v).stdout, heads)).toBe(
        blocks(spawnSync('tshark', v, { encoding: 'utf8' }).stdout, heads),
      );
    } finally {
      dir.cleanup();
    }
  });
});
