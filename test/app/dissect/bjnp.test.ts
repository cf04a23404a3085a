// Canon BJNP: the scanner discovery of the corpus (pcpp__null_loopback.pcap frame 2) and made-up
// datagrams on the four ports, with a payload, cut short, or not BJNP at all. Expected values are
// tshark 4.0.17's; where tshark is installed the tests also ask it directly.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { CLI, trawl } from '../../support/corpus.ts';
import { dissectFile } from '../../support/dissect-file.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { rng, survives } from '../../support/fuzz.ts';
import { pcapFile, tempDir } from '../../support/pcap-bytes.ts';
import { blocks, haveTshark as tsharkInstalled } from '../../support/tshark-oracle.ts';
import { udpFrame } from '../../support/tcp-frames.ts';

const haveTshark = tsharkInstalled && existsSync(CLI);

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.protocols',
  'bjnp.id',
  'bjnp.type',
  'bjnp.code',
  'bjnp.seq_no',
  'bjnp.session_id',
  'bjnp.payload_len',
  'bjnp.payload',
  '_ws.expert.message',
  '_ws.malformed',
];

/** An Ethernet/IPv4/UDP frame from 10.0.0.1:40000 to 10.0.0.2:`port`. */
const datagram = (port: number, payload: string): Uint8Array =>
  udpFrame({ src: 1, dst: 2, sport: 40000, dport: port }, payload);

const DATAGRAMS = [
  datagram(8611, 'BJNP\x01\x10\x00\x00\x00\x07\x00\x03\x00\x00\x00\x04abcd'),
  datagram(8612, 'BJNB\x82\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00'),
  datagram(8613, 'MFNP\x81\x30\x00\x00\x00\x02\x00\x01\x00\x00\x00\x02hi'),
  datagram(8614, 'BJNP\x05\x99\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00'),
  datagram(8612, 'B\x00N\x00\x02\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00'),
  datagram(8611, 'BJNP\x01\x10\x00\x00\x00\x07\x00\x03\x00\x00\x00\x08abcd'),
  datagram(8611, 'BJNP\x01'),
  datagram(8611, 'BJ'),
  datagram(8611, '\x01BJNP\x01\x10'),
];

describe('bjnp', () => {
  it('decodes the corpus scanner discovery', async () => {
    const frames = await dissectFile('pcpp__null_loopback.pcap');
    const d = frames[1];
    if (!d) throw new Error('corpus file too short');
    expect(d.pinfo.proto).toBe('BJNP');
    expect(d.pinfo.info).toBe('Scanner Command: Discover');
    expect(d.pinfo.layers.slice(1).join(':')).toBe('null:ip:udp:bjnp');
    const [root] = d.nodes('bjnp');
    expect(root && [nodeLabel(root), root.offset, root.length]).toEqual([
      'Canon BJNP, Scanner Command: Discover',
      32,
      16,
    ]);
    const at = (f: string): [string, number, number] | undefined => {
      const [n] = d.nodes(f);
      return n && [nodeLabel(n), n.offset, n.length];
    };
    expect(at('bjnp.id')).toEqual(['Id: BJNB', 32, 4]);
    expect(at('bjnp.type')).toEqual(['Type: Scanner Command (2)', 36, 1]);
    expect(at('bjnp.code')).toEqual(['Code: Discover (1)', 37, 1]);
    expect(at('bjnp.seq_no')).toEqual(['Sequence Number: 0', 38, 4]);
    expect(at('bjnp.session_id')).toEqual(['Session Id: 0', 42, 2]);
    expect(at('bjnp.payload_len')).toEqual(['Payload Length: 0', 44, 4]);
    expect(d.nodes('bjnp.payload')).toEqual([]);
  });

  it('shows a payload, unknown types and codes', () => {
    const d = dissectHex(DATAGRAMS[0] as Uint8Array);
    expect(d.pinfo.info).toBe('Printer Command: Print Job Details');
    expect(d.value('bjnp.seq_no')).toBe('7');
    expect(d.value('bjnp.session_id')).toBe('3');
    expect(d.value('bjnp.payload')).toBe('61626364');
    const odd = dissectHex(DATAGRAMS[3] as Uint8Array);
    expect(odd.pinfo.info).toBe('Unknown type (5): Unknown code (153)');
    const [type] = odd.nodes('bjnp.type');
    expect(type && nodeLabel(type)).toBe('Type: Unknown (5)');
  });

  it('leaves a datagram that starts unprintable to the next dissector, and marks short ones', () => {
    const data = dissectHex(DATAGRAMS[8] as Uint8Array);
    expect(data.pinfo.proto).toBe('UDP');
    expect(data.pinfo.layers.at(-1)).toBe('data');
    const cut = dissectHex(DATAGRAMS[6] as Uint8Array);
    expect(cut.pinfo.proto).toBe('BJNP');
    expect(cut.pinfo.info).toBe('[Malformed Packet]');
    expect(cut.pinfo.malformed).toBe(true);
    const long = dissectHex(DATAGRAMS[5] as Uint8Array);
    expect(long.pinfo.info).toBe('Printer Command: Print Job Details[Malformed Packet]');
  });

  it('survives garbage on its ports', () => {
    const next = rng(8611);
    for (let i = 0; i < 300; i++) {
      const s = Array.from({ length: Math.floor(next() * 40) }, () =>
        String.fromCharCode(Math.floor(next() * 256)),
      );
      survives(datagram(8611 + (i % 4), `BJNP${s.join('')}`.slice(0, 4 + (i % 40))));
    }
  });

  it.skipIf(!haveTshark)('agrees with tshark on every field, the summary lines and -V', () => {
    const dir = tempDir('trawl-bjnp-');
    try {
      const records = DATAGRAMS.map((data, i) => ({ tsSec: i, tsFrac: 0, data }));
      const path = dir.file('bjnp.pcap', pcapFile({}, records));
      const args = ['-r', path, '-T', 'fields', '-E', 'occurrence=a', ...FIELDS.flatMap((f) => ['-e', f])];
      expect(trawl(args).stdout).toBe(spawnSync('tshark', args, { encoding: 'utf8' }).stdout);
      expect(trawl(['-r', path]).stdout).toBe(spawnSync('tshark', ['-r', path], { encoding: 'utf8' }).stdout);
      const v = ['-r', path, '-V'];
      const heads = /^(Canon BJNP|\[Malformed Packet)/;
      expect(blocks(trawl(v).stdout, heads)).toBe(
        blocks(spawnSync('tshark', v, { encoding: 'utf8' }).stdout, heads),
      );
    } finally {
      dir.cleanup();
    }
  });
});
