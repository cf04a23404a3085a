// IPv6 fragments reassembled as tshark 4.0 does by default: the datagram is dissected on the frame
// that completes it (in order or not), the list of fragments
// inside the IPv6 item, a fragment set never completed shown as fragments. Checked against tshark
// on a capture written here; UDP's zero checksum over IPv6 is illegal.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCaptureWriter } from '../../../main/pcap/write.ts';
import { trawl } from '../../support/corpus.ts';
import { scratchDir } from '../../support/scratch.ts';

const hasTshark = spawnSync('sh', ['-c', 'command -v tshark']).status === 0;

const SRC = Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 1]);
const DST = Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 2]);

/** An Ethernet/IPv6 frame with a fragment header (offset in bytes) before `data`, or none. */
function frame(data: Uint8Array, frag: { offset: number; more: boolean; ident: number } | null): Uint8Array {
  const fh = frag ? 8 : 0;
  const f = new Uint8Array(14 + 40 + fh + data.length);
  const v = new DataView(f.buffer);
  f.set([0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x86, 0xdd]);
  v.setUint32(14, 0x60000000);
  v.setUint16(18, fh + data.length);
  f[20] = frag ? 44 : 17;
  f[21] = 64;
  f.set(SRC, 22);
  f.set(DST, 38);
  if (frag) {
    f[54] = 17;
    v.setUint16(56, frag.offset | (frag.more ? 1 : 0));
    v.setUint32(58, frag.ident);
  }
  f.set(data, 54 + fh);
  return f;
}

/** A UDP datagram 5000 → 9999 with a zero checksum and `n` bytes of payload. */
function udp(n: number, fill: number): Uint8Array {
  const d = new Uint8Array(8 + n).fill(fill);
  const v = new DataView(d.buffer);
  v.setUint16(0, 5000);
  v.setUint16(2, 9999);
  v.setUint16(4, 8 + n);
  v.setUint16(6, 0);
  return d;
}

function capture(): string {
  const a = udp(1500, 0x51);
  const b = udp(600, 0x52);
  const frames = [
    // In order.
    frame(a.subarray(0, 1232), { offset: 0, more: true, ident: 1 }),
    frame(a.subarray(1232), { offset: 1232, more: false, ident: 1 }),
    // Last fragment first.
    frame(b.subarray(400), { offset: 400, more: false, ident: 2 }),
    frame(b.subarray(0, 400), { offset: 0, more: true, ident: 2 }),
    // Never completed, and a datagram without fragments.
    frame(a.subarray(0, 1232), { offset: 0, more: true, ident: 3 }),
    frame(udp(20, 0x53), null),
  ];
  const path = join(scratchDir('trawl-v6frag-'), 'v6frag.pcap');
  const writer = createCaptureWriter(path, { linkType: 1, nanosecond: false });
  frames.forEach((f, i) => writer.writePacket(1700000000 + i, 0, f.length, f));
  writer.close();
  return path;
}

describe.skipIf(!hasTshark)('IPv6 reassembly against tshark', () => {
  it('prints the same summary and tree', () => {
    const path = capture();
    for (const args of [
      ['-r', path],
      ['-r', path, '-V'],
    ]) {
      const theirs = spawnSync('tshark', args, { encoding: 'utf8' });
      expect(trawl(args).stdout).toBe(theirs.stdout);
    }
  });

  it('gives the same fields', () => {
    const path = capture();
    const fields = [
      'frame.protocols',
      'ipv6.fragments',
      'ipv6.fragment',
      'ipv6.fragment.count',
      'ipv6.reassembled.length',
      'ipv6.reassembled.data',
      'udp.length',
      'udp.checksum.status',
      '_ws.col.Info',
    ];
    const args = ['-r', path, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])];
    const theirs = spawnSync('tshark', args, { encoding: 'utf8' });
    expect(trawl(args).stdout).toBe(theirs.stdout);
  });
});
