// Physical-address names: the rules on small tables, then the CLI against tshark on the whole
// corpus with the system's Wireshark tables (eth.src_resolved, eth.dst_resolved, the summary).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MacNames } from '../../../app/format/mac-names.ts';
import { CORPUS_FILES, corpusFiles, trawl, tsharkRefuses } from '../../support/corpus.ts';
import { concat, pcapFile, tempDir } from '../../support/pcap-bytes.ts';

const mac = (text: string): Uint8Array => Uint8Array.from(text.split(':').map((h) => Number.parseInt(h, 16)));

const latin1 = (text: string): Uint8Array => Buffer.from(text, 'latin1');

describe('MacNames', () => {
  const names = MacNames.parse(
    latin1(
      [
        // Sorted by the first three bytes, as Wireshark generates it (the lookup relies on it).
        '# manuf',
        '00:00:00\t00:00:00\tOfficially Xerox',
        '00:04:61\tEPOXComp\tEPOX Computer Co., Ltd.',
        '',
        '00:1B:C5\tIEEERegi\tIEEE Registration Authority',
        '00:1B:C5:00:00:00/36\tConvergi\tConverging Systems Inc.',
        '00:1b:c5:00:10:00/36\tLowerCas\tLower-case hex',
        '00:1C:00\tLast',
      ].join('\n'),
    ),
    latin1(
      ['FF-FF-FF-FF-FF-FF\tBroadcast', '01-00-5E/25\t\tIPv4mcast', '33-33-00-00-00-00/16\tIPv6mcast'].join(
        '\n',
      ),
    ),
  );
  const resolve = (text: string): string | undefined => names.resolve(mac(text), 0);

  it('reads a name up to the next tab or the line end, without trailing blanks or CR', () => {
    const crlf = MacNames.parse(latin1('00:AA:BB\tAcme  \r\n00:AA:CC\t  Last'), new Uint8Array(0));
    expect(crlf.resolve(mac('00:aa:bb:01:02:03'), 0)).toBe('Acme_01:02:03');
    expect(crlf.resolve(mac('00:aa:cc:01:02:03'), 0)).toBe('Last_01:02:03');
  });
  it('names a well-known address exactly', () => {
    expect(resolve('ff:ff:ff:ff:ff:ff')).toBe('Broadcast');
  });
  it('names a well-known block with the rest of the address, leading zero bytes dropped', () => {
    expect(resolve('01:00:5e:00:00:fb')).toBe('IPv4mcast_fb');
    expect(resolve('33:33:00:01:00:03')).toBe('IPv6mcast_01:00:03');
    expect(resolve('33:33:ff:76:6c:14')).toBe('IPv6mcast_ff:76:6c:14');
    expect(resolve('01:00:5e:80:00:01')).toBeUndefined();
  });
  it('names a vendor by its short name and the last three bytes, without the group bit', () => {
    expect(resolve('00:04:61:99:01:54')).toBe('EPOXComp_99:01:54');
    expect(resolve('01:00:00:00:00:00')).toBe('00:00:00_00:00:00');
    expect(resolve('00:1b:c5:00:00:2a')).toBe('Convergi_2a');
    expect(resolve('00:1b:c5:00:02:34')).toBe('Convergi_02:34');
    expect(resolve('00:1b:c5:00:10:01')).toBe('LowerCas_01');
    expect(resolve('00:1b:c5:00:20:01')).toBe('IEEERegi_00:20:01');
    expect(resolve('00:1c:00:00:00:01')).toBe('Last_00:00:01');
    expect(resolve('00:1c:01:00:00:01')).toBeUndefined();
    expect(resolve('00:00:01:00:00:01')).toBeUndefined();
    expect(resolve('02:04:61:99:01:54')).toBeUndefined();
  });
});

const HAVE_TABLES = existsSync('/usr/share/wireshark/manuf');

describe.skipIf(!HAVE_TABLES)('names as tshark gives them, on the corpus', () => {
  const fields = [
    '-T',
    'fields',
    '-e',
    'eth.src_resolved',
    '-e',
    'eth.dst_resolved',
    '-e',
    'eth.addr_resolved',
  ];
  const agree = (path: string): void => {
    const want = spawnSync('tshark', ['-r', path, ...fields], { encoding: 'utf8' });
    expect(want.status).toBe(0);
    expect(trawl(['-r', path, ...fields]).stdout).toBe(want.stdout);
  };

  it('blocks of 16, 25 and 36 bits and a multicast vendor address (frames made here)', () => {
    const pairs = [
      ['01:00:5e:7f:00:01', '00:1b:c5:00:00:2a'],
      ['01:00:5e:00:00:00', '00:1b:c5:00:12:34'],
      ['33:33:00:00:00:00', '70:b3:d5:01:23:45'],
      ['01:00:0c:cc:cc:cd', '03:04:61:99:01:54'],
    ];
    const records = pairs.map(([dst = '', src = '']) => ({
      tsSec: 0,
      tsFrac: 0,
      data: concat(mac(dst), mac(src), Uint8Array.of(0x08, 0x06), new Uint8Array(46)),
    }));
    const tmp = tempDir('trawl-mac-');
    try {
      agree(tmp.file('blocks.pcap', pcapFile({}, records)));
    } finally {
      tmp.cleanup();
    }
  });

  for (const file of corpusFiles()) {
    if (tsharkRefuses(file)) continue;
    it(file, () => agree(join(CORPUS_FILES, file)));
  }
});
