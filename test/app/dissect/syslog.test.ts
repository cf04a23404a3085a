// Syslog: RFC 3164 and RFC 5424 messages (the RFCs' own examples among them), a PRI too long or
// cut, control characters and UTF-8, the ISO 8601 timestamps Wireshark accepts and refuses.
// Expected values are tshark 4.0.17's; where tshark is installed the tests also ask it directly.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dissect } from '../../../app/dissect/dissect.ts';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { defaultRegistry } from '../../../app/dissect/modules.ts';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { parseIso8601 } from '../../../app/dissect/syslog.ts';
import { NULL_TREE } from '../../../app/dissect/tree.ts';
import { CLI, trawl } from '../../support/corpus.ts';
import { dissectHex, metaFor } from '../../support/dissect-hex.ts';
import { rng, survives } from '../../support/fuzz.ts';
import { pcapFile, tempDir } from '../../support/pcap-bytes.ts';
import { blocks, haveTshark as tsharkInstalled } from '../../support/tshark-oracle.ts';
import { latin1, udpFrame } from '../../support/tcp-frames.ts';

const haveTshark = tsharkInstalled && existsSync(CLI);

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.protocols',
  'syslog.facility',
  'syslog.level',
  'syslog.msg',
  'syslog.version',
  'syslog.timestamp',
  'syslog.timestamp_rfc3164',
  'syslog.hostname',
  'syslog.appname',
  'syslog.procid',
  'syslog.msgid',
  'syslog.msgid.bom',
  '_ws.expert.message',
  '_ws.malformed',
];

/** An Ethernet/IPv4/UDP frame from 10.0.0.1:40000 to 10.0.0.2:514. */
const syslog = (message: string): Uint8Array =>
  udpFrame({ src: 1, dst: 2, sport: 40000, dport: 514 }, message);

const MESSAGES = [
  '<133>Feb 25 14:09:07 webserver syslogd: restart',
  "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - BOM\xef\xbb\xbf'su root' failed for lonvick on /dev/pts/8",
  "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.",
  '<13>hello world',
  'no priority here',
  '<1000>too big',
  '<12',
  '<>empty',
  "<7>Oct 11 22:14:15 mymachine su[123]: 'su root' failed\n",
  '<191>Oct  1 02:03:04 host prog12345678901234567890123456789012345: msg',
  '<0>\x01\x02\xff tabs\there',
  '<',
  '<30>1 - - - - - -',
  '<30>1 2020-01-01T00:00:00Z host app 1 ID \xef\xbb\xbfhi \xc3\xa9',
  '<30>1 bad-time host app',
  '<30>Feb 25 14:09:07 host',
  '<30>Feb 25 14:09:07 host tag',
  '<30>Feb 25 14:09:07 host tag[1]: m',
  '<30>1 t h a p x',
  '<30>Feb 25 14:09:07 host : no tag',
  '<13>a\x00b',
  '<1>a\x01b\x07c\x08d\te\nf\x0bg\x0ch\ri\\j\x7fk"l',
];

const TIMES = [
  '2003-10-11T22:14:15Z',
  '2003-10-11T22:14:15.1234567891Z',
  '2003-10-11T22:14:15+0200',
  '2003-10-11T22:14:15+02',
  '2003-10-11T22:14Z',
  '2003-10-11',
  '2003-10-11t22:14:15z',
  '2003-10-11T22:14:15,5Z',
  '2003-10-11T24:00:00Z',
  '2003-02-30T10:00:00Z',
  '2004-02-29T10:00:00Z',
  '1969-12-31T23:59:59.5Z',
  '2003-10-11T22:14:15.Z',
  '20031011T221415Z',
  '2003-10-11T22:14:15-00:30',
  '2003-10-11T22:14:15Zjunk',
  '2003-10-11T22:14:60Z',
  '99999-10-11T22:14:15Z',
];

describe('syslog', () => {
  it('decodes an RFC 3164 message: facility, level, header fields and their offsets', () => {
    const d = dissectHex(syslog(MESSAGES[0] as string));
    expect(d.pinfo.proto).toBe('Syslog');
    expect(d.pinfo.info).toBe('LOCAL0.NOTICE: Feb 25 14:09:07 webserver syslogd: restart');
    const at = (f: string): [string, number, number] | undefined => {
      const [n] = d.nodes(f);
      return n && [nodeLabel(n), n.offset, n.length];
    };
    expect(at('syslog')).toEqual([
      'Syslog message: LOCAL0.NOTICE: Feb 25 14:09:07 webserver syslogd: restart',
      42,
      47,
    ]);
    expect(at('syslog.facility')).toEqual([
      '1000 0... = Facility: LOCAL0 - reserved for local use (16)',
      42,
      5,
    ]);
    expect(at('syslog.level')).toEqual([
      '.... .101 = Level: NOTICE - normal but significant condition (5)',
      42,
      5,
    ]);
    expect(at('syslog.msg')).toEqual(['Message: Feb 25 14:09:07 webserver syslogd: restart', 47, 42]);
    expect(at('syslog.timestamp_rfc3164')).toEqual(['Syslog timestamp (RFC3164): Feb 25 14:09:07', 47, 15]);
    expect(at('syslog.hostname')).toEqual(['Syslog hostname: webserver', 63, 9]);
    expect(at('syslog.procid')).toEqual(['Syslog process id: syslogd', 73, 7]);
    expect(at('syslog.msgid')).toEqual(['Syslog message id: : restart', 80, 9]);
  });

  it('decodes an RFC 5424 message with its timestamp and BOM', () => {
    const d = dissectHex(syslog(MESSAGES[1] as string));
    expect(d.pinfo.info).toBe(
      "AUTH.CRIT: 1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - BOM\\uFEFF'su root' failed for lonvick on /dev/pts/8",
    );
    expect(d.value('syslog.version')).toBe('1');
    expect(d.value('syslog.timestamp')).toBe('Oct 11, 2003 22:14:15.003000000 UTC');
    expect(d.value('syslog.hostname')).toBe('mymachine.example.com');
    expect(d.value('syslog.appname')).toBe('su');
    expect(d.value('syslog.procid')).toBe('-');
    expect(d.value('syslog.msgid')).toBe(
      "ID47 - BOM\ufffd\ufffd\ufffd'su root' failed for lonvick on /dev/pts/8",
    );
    const offset = dissectHex(syslog(MESSAGES[2] as string));
    expect(offset.value('syslog.timestamp')).toBe('Aug 24, 2003 12:14:15.000003000 UTC');
  });

  it('reads PRI as Wireshark does: three digits at most, no priority, cut short', () => {
    expect(dissectHex(syslog('<1000>too big')).pinfo.info).toBe('NTP.WARNING: 0>too big');
    expect(dissectHex(syslog('no priority here')).pinfo.info).toBe('no priority here');
    const [root] = dissectHex(syslog('no priority here')).nodes('syslog');
    expect(root && nodeLabel(root)).toBe('Syslog message: (unknown): no priority here');
    const cut = dissectHex(syslog('<12'));
    expect(cut.pinfo.info).toBe('[Malformed Packet]');
    expect(cut.pinfo.malformed).toBe(true);
  });

  it('escapes controls in labels and Info but only \\b \\f \\n \\r \\t in -T fields', () => {
    const d = dissectHex(syslog('<0>\x01\x02\xff tabs\there'));
    expect(d.pinfo.info).toBe('KERN.EMERG: \\001\\002\ufffd tabs\\there');
    expect(d.value('syslog.msg')).toBe('\x01\x02\ufffd tabs\\there');
  });

  it('parses header fields only when a tree is built, as Wireshark does', () => {
    const bytes = syslog('<30>Feb 25 14:09:07 host tag');
    const summary = dissect(defaultRegistry(), metaFor(bytes, 1), bytes, NULL_TREE, new CaptureState());
    expect(summary.info).toBe('DAEMON.INFO: Feb 25 14:09:07 host tag');
    expect(dissectHex(bytes).pinfo.info).toBe('DAEMON.INFO: Feb 25 14:09:07 host tag[Malformed Packet]');
  });

  it('parses ISO 8601 times as iso8601_to_nstime', () => {
    const t = (s: string): { sec: number; nsec: number } | null => parseIso8601(latin1(s), 0, s.length);
    expect(t('2003-10-11T22:14:15.003Z')).toEqual({ sec: 1065910455, nsec: 3000000 });
    expect(t('2003-10-11T22:14:15-00:30')).toEqual({ sec: 1065910455 + 1800, nsec: 0 });
    expect(t('2003-10-11T22:14:15.1234567891Z')).toEqual({ sec: 1065910455, nsec: 0 });
    expect(t('2003-02-30T10:00:00Z')).toBeNull();
    expect(t('20031011T221415Z')).toBeNull();
  });

  it('survives garbage', () => {
    const next = rng(514);
    for (let i = 0; i < 300; i++) {
      const s = Array.from({ length: Math.floor(next() * 50) }, () => {
        const c = Math.floor(next() * 64);
        return c < 40 ? '<0123456789> -:T1Z.'.charAt(c % 19) : String.fromCharCode(Math.floor(next() * 256));
      }).join('');
      survives(syslog(s || '<'));
    }
  });

  it.skipIf(!haveTshark)('agrees with tshark on every field and the summary lines', () => {
    const dir = tempDir('trawl-syslog-');
    try {
      const all = [...MESSAGES, ...TIMES.map((t) => `<14>1 ${t} h a p msg`)];
      const records = all.map((m, i) => ({ tsSec: i, tsFrac: 0, data: syslog(m) }));
      const path = dir.file('syslog.pcap', pcapFile({}, records));
      const args = ['-r', path, '-T', 'fields', '-E', 'occurrence=a', ...FIELDS.flatMap((f) => ['-e', f])];
      const theirs = spawnSync('tshark', args, { encoding: 'utf8' }).stdout.split('\n');
      trawl(args)
        .stdout.split('\n')
        .forEach((line, i) => expect(line, all[i]).toBe(theirs[i]));
      expect(trawl(['-r', path]).stdout).toBe(spawnSync('tshark', ['-r', path], { encoding: 'utf8' }).stdout);
      const v = ['-r', path, '-V'];
      const heads = /^(Syslog message|\[Malformed Packet)/;
      expect(blocks(trawl(v).stdout, heads)).toBe(
        blocks(spawnSync('tshark', v, { encoding: 'utf8' }).stdout, heads),
      );
    } finally {
      dir.cleanup();
    }
  });
});
