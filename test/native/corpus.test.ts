// Every real capture of the shared corpus through the addon's Reader, against tshark 4.0's
// reading of it (the stored oracle: frame numbers, times, lengths, interface ids, encapsulation).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { encapType } from '../../app/dissect/link-types.ts';
import { RecordFlag } from '../../app/dissect/packet-info.ts';
import { addon } from '../../native/index.ts';
import { readAll, thrown } from './read-all.ts';

const CORPUS = '/work/shared/corpus';
const FILES = join(CORPUS, 'files');
const available = existsSync(FILES);
const files = available ? readdirSync(FILES).sort() : [];

interface Frame {
  number: number;
  len: number;
  capLen: number;
  time: string;
  ifaceId: string;
  encap: string;
}

function tsv(path: string): Record<string, string>[] {
  const [head = '', ...lines] = readFileSync(path, 'utf8').split('\n');
  const names = head.split('\t');
  return lines
    .filter((l) => l.length > 0)
    .map((l) => {
      const cells = l.split('\t');
      return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? '']));
    });
}

function oracle(file: string): Frame[] {
  const basic = tsv(join(CORPUS, 'oracle', `${file}.tsv`));
  const extra = new Map(tsv(join(CORPUS, 'oracle-extra', `${file}.tsv`)).map((r) => [r['frame.number'], r]));
  return basic.map((r) => {
    const x = extra.get(r['frame.number']) ?? {};
    return {
      number: Number(r['frame.number']),
      len: Number(r['frame.len']),
      capLen: Number(r['frame.cap_len']),
      time: x['frame.time_epoch'] ?? '',
      ifaceId: x['frame.interface_id'] ?? '',
      encap: x['frame.encap_type'] ?? '',
    };
  });
}

function manifestFormats(): Map<string, string> {
  const rows = tsv(join(CORPUS, 'MANIFEST.tsv'));
  return new Map(rows.map((r) => [r['file'] ?? '', (r['format'] ?? '').split(' ')[0] ?? '']));
}

/**
 * tshark 4.0 reports an EPB's section-local interface id as frame.interface_id (and looks up the
 * interface's name with it in the file-wide list: frame 2 shows "eth0", though its section's only
 * interface is "silly ethernet interface 2"). Trawl numbers interfaces across the file, in order
 * of appearance, as tshark's own interface list (capinfos -I) does.
 */
const GLOBAL_IFACE_IDS: Record<string, number[]> = {
  'pcapngtg__le_difficult_test201.pcapng': [0, 2, 2, 4],
};

describe.skipIf(!available)('corpus files read as tshark reads them', () => {
  const formats = available ? manifestFormats() : new Map<string, string>();

  test.each(files)('%s', async (file) => {
    const path = join(FILES, file);
    const refused = join(CORPUS, 'oracle', `${file}.stderr`);
    if (existsSync(refused)) {
      // tshark refuses it; so does Trawl, at open or at the first read.
      let code: string;
      try {
        const { error } = await readAll(path);
        code = error?.code ?? 'none';
      } catch (err) {
        code = (err as { code: string }).code;
      }
      expect(['BAD_FORMAT', 'BAD_RECORD', 'TRUNCATED']).toContain(code);
      expect(thrown(() => new (addon().Reader)(path)).message).toContain('libpcap: ');
      return;
    }

    // Every frame tshark lists is a record, pcapng Custom Blocks (pcapngtg__le_advanced_test102
    // has three) included.
    const frames = oracle(file);
    const { records, error } = await readAll(path);
    expect(error).toBeNull();
    expect(records).toHaveLength(frames.length);

    const reader = new (addon().Reader)(path);
    expect(reader.info.format).toBe(formats.get(file));
    reader.close();

    const globalIds = GLOBAL_IFACE_IDS[file];
    records.forEach((r, i) => {
      const f = frames[i]!;
      const where = `${file} frame ${f.number}`;
      expect(r.origLen, where).toBe(f.len);
      expect(r.capLen, where).toBe(f.capLen);
      expect(r.bytes.length, where).toBe(f.capLen);
      // A Simple Packet Block or Custom Block has no time: tshark shows none, the reader says so
      // (and gives 0).
      const [sec = '0', frac = '0'] = f.time === '' ? [] : f.time.split('.');
      expect([r.tsSec, r.tsNsec], where).toEqual([Number(sec), Number(frac.padEnd(9, '0'))]);
      expect((r.flags & RecordFlag.NoTimestamp) !== 0, where).toBe(f.time === '');
      // A Custom Block has no interface and no encapsulation.
      const custom = f.encap === '';
      expect((r.flags & RecordFlag.CustomBlock) !== 0, where).toBe(custom);
      const ifaceId = custom ? -1 : globalIds ? globalIds[i] : f.ifaceId === '' ? -1 : Number(f.ifaceId);
      expect(r.ifaceId, where).toBe(ifaceId);
      if (!custom) expect(encapType(r.linkType), where).toBe(Number(f.encap));
    });
  });
});
