// TFTP: a read with options negotiated and the transfer that follows on new ports, a write, an
// error, a size probe, block numbers wrapping, Microsoft's window sizes, requests found by the
// heuristic on other ports, and broken packets; each revisited after the first pass. Expected
// values are tshark 4.0.17's; where tshark is installed the tests also ask it directly.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { type FieldNode } from '../../../app/dissect/tree.ts';
import { CLI, trawl } from '../../support/corpus.ts';
import { dissectHex, type Dissected } from '../../support/dissect-hex.ts';
import { rng, survives } from '../../support/fuzz.ts';
import { pcapFile, tempDir } from '../../support/pcap-bytes.ts';
import { blocks, haveTshark as tsharkInstalled } from '../../support/tshark-oracle.ts';
import { udpFrame } from '../../support/tcp-frames.ts';

const haveTshark = tsharkInstalled && existsSync(CLI);

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.protocols',
  'tftp.opcode',
  'tftp.source_file',
  'tftp.destination_file',
  'tftp.request_frame',
  'tftp.type',
  'tftp.block',
  'tftp.block.full',
  'tftp.nextwindowsize',
  'tftp.error.code',
  'tftp.error.message',
  'tftp.option.name',
  'tftp.option.value',
  'tftp.data',
  'tftp.error',
  'tftp.likely_tsize_probe',
  'tftp.blocksize_range',
  'tftp.block.wrap',
  'tftp.windowsize_range',
  'tftp.msftwindow.unrecognized',
  'tftp.windowsize.change',
  '_ws.expert.message',
  '_ws.malformed',
];

/** Hosts 10.0.0.1 (client) and 10.0.0.2 (server). */
const C = 1;
const S = 2;

/** An Ethernet/IPv4/UDP frame from 10.0.0.`src`:`sport` to 10.0.0.`dst`:`dport`. */
const udp = (src: number, sport: number, dst: number, dport: number, payload: string): Uint8Array =>
  udpFrame({ src, dst, sport, dport }, payload);

const TRANSFER = [
  udp(C, 40000, S, 69, '\x00\x01boot/pxelinux.0\x00octet\x00tsize\x000\x00blksize\x001432\x00'),
  udp(S, 50000, C, 40000, '\x00\x06tsize\x0026000\x00blksize\x001432\x00'),
  udp(C, 40000, S, 50000, '\x00\x04\x00\x00'),
  udp(S, 50000, C, 40000, `\x00\x03\x00\x01${'A'.repeat(1432)}`),
  udp(C, 40000, S, 50000, '\x00\x04\x00\x01'),
  udp(S, 50000, C, 40000, `\x00\x03\x00\x02${'A'.repeat(100)}`),
  udp(C, 40000, S, 50000, '\x00\x04\x00\x02'),
  udp(S, 50099, C, 40000, '\x00\x04\x00\x02'),
];

const OTHERS = [
  udp(C, 40001, S, 69, '\x00\x02up.txt\x00netascii\x00'),
  udp(C, 40003, S, 69, '\x00\x01missing\x00octet\x00'),
  udp(S, 50003, C, 40003, '\x00\x05\x00\x01File not found\x00'),
  udp(C, 40004, S, 69, '\x00\x02w.bin\x00octet\x00'),
  udp(S, 50004, C, 40004, '\x00\x04\x00\x00'),
  udp(C, 40004, S, 50004, '\x00\x03\x00\x01hello'),
  udp(C, 41000, S, 42000, '\x00\x05file\x00octet\x00'),
  udp(C, 41001, S, 42001, '\x00\x01file\x00mail\x00'),
  udp(S, 42001, C, 41001, '\x00\x03\x00\x01xyz'),
  udp(C, 40005, S, 69, '\x00\x01a\x00octet\x00TSIZE\x000\x00'),
  udp(S, 50005, C, 40005, '\x00\x06tsize\x00100\x00'),
  udp(C, 40005, S, 50005, '\x00\x05\x00\x08\x00'),
  udp(C, 40006, S, 69, '\x00\x07junk\x00'),
  udp(C, 40007, S, 69, '\x00'),
  udp(C, 40008, S, 69, '\x00\x01nonul'),
  udp(C, 40009, S, 69, '\x00\x01f\xe9\x01le\x00octet\x00'),
  udp(S, 50009, C, 40009, '\x00\x03\x00\x01abc'),
  udp(C, 40010, S, 69, '\x00\x01file\x00octet\x00windowsize\x0070000\x00msftwindow\x0031415\x00'),
  udp(S, 50010, C, 40010, '\x00\x06blksize\x004\x00windowsize\x000\x00msftwindow\x0027182\x00'),
  udp(C, 40010, S, 50010, '\x00\x04\x00\x00\x04'),
  udp(S, 50010, C, 40010, `\x00\x03\xff\xff${'x'.repeat(512)}`),
  udp(C, 40010, S, 50010, '\x00\x04\xff\xff\x08'),
  udp(S, 50010, C, 40010, `\x00\x03\x00\x00${'x'.repeat(10)}`),
  udp(C, 40010, S, 50010, '\x00\x04\x00\x00\x02'),
  udp(C, 40011, S, 69, '\x00\xff\x00'),
  udp(C, 40012, S, 69, '\x00\x05\x00\x02'),
  udp(C, 40013, S, 69, '\x00\x06a\x00b\x00c\x00'),
  udp(C, 40014, S, 69, '\x00\x01f\x00octet\x00'),
  udp(S, 69, C, 40014, '\x00\x03\x00\x01abc'),
  udp(S, 69, C, 40015, '\x00\x03\x00\x01abc'),
  udp(S, 69, C, 40015, '\x00\x03\x00\x02abc'),
  udp(C, 40016, S, 69, '\x00\x01f\x00octet\x00blksize\x00 +8x\x00'),
  udp(S, 50016, C, 40016, '\x00\x06blksize\x00 +8x\x00'),
  udp(S, 50016, C, 40016, '\x00\x03\x00\x01abcdefgh'),
];

/** Dissects `frames` in order as one capture, then each again (revisits, last first), with one state. */
function passes(frames: Uint8Array[]): { first: Dissected[]; again: Dissected[] } {
  const state = new CaptureState();
  const meta = (i: number): { number: number; tsSec: number } => ({ number: i + 1, tsSec: 1000 + i });
  // As the engine does: a revisit reads earlier frames' times back (UDP's stream [Timestamps]).
  state.frameTime = (n) => ({ sec: 1000 + n - 1, nsec: 0 });
  const first = frames.map((f, i) => dissectHex(f, 1, meta(i), state));
  const again = frames
    .map((f, i) => [f, i] as const)
    .reverse()
    .map(([f, i]) => dissectHex(f, 1, meta(i), state))
    .reverse();
  return { first, again };
}

/** Every label of a frame's tree, depth first, indented by depth. */
function labels(d: Dissected): string[] {
  const out: string[] = [];
  const visit = (nodes: readonly FieldNode[], depth: number): void => {
    for (const n of nodes) {
      out.push(`${' '.repeat(depth)}${nodeLabel(n)}`);
      if (n.children) visit(n.children, depth + 1);
    }
  };
  visit(d.tree.roots, 0);
  return out;
}

describe('tftp', () => {
  const { first } = passes(TRANSFER);

  it('decodes a read request with options and the transfer on the new ports', () => {
    expect(first.map((d) => d.pinfo.info)).toEqual([
      'Read Request, File: boot/pxelinux.0, Transfer type: octet, tsize=0, blksize=1432',
      'Option Acknowledgement, tsize=26000, blksize=1432',
      'Acknowledgement, Block: 0',
      'Data Packet, Block: 1',
      'Acknowledgement, Block: 1',
      'Data Packet, Block: 2 (last)',
      'Acknowledgement, Block: 2',
      'Acknowledgement, Block: 2',
    ]);
    expect(first.every((d) => d.pinfo.proto === 'TFTP')).toBe(true);
    expect(first[3]?.pinfo.layers.slice(-2)).toEqual(['tftp', 'data']);
    const rrq = first[0] as Dissected;
    const at = (d: Dissected, f: string, i = 0): [string, number, number] | undefined => {
      const n = d.nodes(f)[i];
      return n && [nodeLabel(n), n.offset, n.length];
    };
    expect(at(rrq, 'tftp')).toEqual(['Trivial File Transfer Protocol', 42, 45]);
    expect(at(rrq, 'tftp.opcode')).toEqual(['Opcode: Read Request (1)', 42, 2]);
    expect(at(rrq, 'tftp.source_file')).toEqual(['Source File: boot/pxelinux.0', 44, 16]);
    expect(at(rrq, 'tftp.type')).toEqual(['Type: octet', 60, 6]);
    expect(at(rrq, 'tftp._option', 1)).toEqual(['Option: blksize = 1432', 74, 13]);
    expect(at(rrq, 'tftp.option.value', 1)).toEqual(['Option value: 1432', 82, 5]);
    const data = first[3] as Dissected;
    expect(at(data, 'tftp')).toEqual(['Trivial File Transfer Protocol', 42, 4]);
    expect(at(data, 'tftp.destination_file')).toEqual(['[Destination File: boot/pxelinux.0]', 42, 0]);
    expect(at(data, 'tftp.request_frame')).toEqual(['[Read Request in frame 1]', 42, 0]);
    expect(at(data, 'tftp.block')).toEqual(['Block: 1', 44, 2]);
    expect(at(data, 'tftp.block.full')).toEqual(['[Full Block Number: 1]', 42, 0]);
    expect(at(data, 'data')).toEqual(['Data (1432 bytes)', 46, 1432]);
  });

  it('shows the same on a revisit as on the first pass', () => {
    const { first: one, again } = passes([...TRANSFER, ...OTHERS]);
    again.forEach((d, i) => {
      expect(d.pinfo.info).toBe(one[i]?.pinfo.info);
      expect(labels(d)).toEqual(labels(one[i] as Dissected));
    });
  });

  it('notes errors, size probes, wrapping block numbers and window sizes', () => {
    const { first: d } = passes(OTHERS);
    expect(d[2]?.pinfo.info).toBe('Error Code, Code: File not found, Message: File not found');
    expect(d[2]?.value('_ws.expert')).toBe('Expert Info (Warning/Response): TFTP ERROR packet');
    expect(d[2]?.value('tftp.error')).toBe('1');
    expect(d[11]?.value('_ws.expert')).toBe('Expert Info (Chat/Request): Likely transfer size (tsize) probe');
    expect(d[20]?.pinfo.info).toBe('Data Packet, Block: 65535');
    expect(d[20]?.value('tftp.block.wrap')).toBe('1');
    expect(d[22]?.pinfo.info).toBe('Data Packet, Block: 65536 (last)');
    expect(d[19]?.value('tftp.nextwindowsize')).toBe('4');
    expect(d[19]?.value('tftp.windowsize.change')).toBe('1');
  });

  it('finds requests on other ports by the heuristic, and leaves other datagrams alone', () => {
    const { first: d } = passes(OTHERS);
    expect(d[6]?.pinfo.info).toBe('Error Code, Code: Unknown (26217), Message: le');
    expect(d[8]?.value('tftp.request_frame')).toBe('8');
    expect(d[16]?.pinfo.proto).toBe('UDP');
    const plain = dissectHex(udp(C, 41000, S, 42000, 'hello, world'));
    expect(plain.pinfo.layers.at(-1)).toBe('data');
  });

  it('marks broken packets malformed without throwing', () => {
    const { first: d } = passes(OTHERS);
    expect(d[13]?.pinfo.info).toBe('40007 → 69 Len=1[Malformed Packet]');
    expect(d[14]?.pinfo.info).toBe('Read Request[Malformed Packet]');
    expect(d[26]?.pinfo.info).toBe('Option Acknowledgement, a=b[Malformed Packet]');
    const next = rng(69);
    const state = new CaptureState();
    for (let i = 0; i < 400; i++) {
      const ports: [number, number] = i % 2 ? [40000 + i, 69] : [40000, 50000];
      const s = Array.from({ length: Math.floor(next() * 40) }, () =>
        String.fromCharCode(next() < 0.5 ? Math.floor(next() * 8) : 0x61 + Math.floor(next() * 26)),
      ).join('');
      survives(udp(C, ports[0], S, ports[1], s || '\x00'), state, i + 1);
    }
  });

  it.skipIf(!haveTshark)('agrees with tshark on every field, the summary lines and -V', () => {
    const dir = tempDir('trawl-tftp-');
    try {
      const all = [...TRANSFER, ...OTHERS];
      const path = dir.file(
        'tftp.pcap',
        pcapFile(
          {},
          all.map((data, i) => ({ tsSec: 1000 + i, tsFrac: 0, data })),
        ),
      );
      const args = ['-r', path, '-T', 'fields', '-E', 'occurrence=a', ...FIELDS.flatMap((f) => ['-e', f])];
      const theirs = spawnSync('tshark', args, { encoding: 'utf8' }).stdout.split('\n');
      trawl(args)
        .stdout.split('\n')
        .forEach((line, i) => expect(line, `frame ${i + 1}`).toBe(theirs[i]));
      expect(trawl(['-r', path]).stdout).toBe(spawnSync('tshark', ['-r', path], { encoding: 'utf8' }).stdout);
      const v = ['-r', path, '-V'];
      const heads = /^(Trivial File Transfer Protocol|\[Malformed Packet)/;
      expect(blocks(trawl(v).stdout, heads)).toBe(
        blocks(spawnSync('tshark', v, { encoding: 'utf8' }).stdout, heads),
      );
    } finally {
      dir.cleanup();
    }
  });
});
