// JPEG (image-jfif), PNG and GIF bodies of HTTP responses against tshark 4.0 on a built capture
// (test/fixtures/media-images.pcap: real images from Pillow and hand-made edge cases, each the body
// of its own HTTP response): the columns and fields of every response, and the `-V` trees of the
// image layers. Edge cases run without tshark: cut and overlong images must end in a Malformed
// note, never in an exception, and a body that is not the image stays "media".
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { treeLines } from '../../../main/cli/print.ts';
import { NULL_TREE } from '../../../app/dissect/tree.ts';
import { blocks, dissectFixture, fixture, haveTshark, mismatches } from '../../support/tshark-oracle.ts';
import { dissectSegments, handshake, latin1, type Segment } from '../../support/tcp-frames.ts';

const FILE = fixture('media-images.pcap');

async function ourVerbose(file: string): Promise<string> {
  const frames = await dissectFixture(file, true);
  return frames
    .map((d) => treeLines(d.tree.roots, { dataHex: true, protocols: null }).join('\n'))
    .join('\n\n');
}

function tsharkVerbose(file: string): string {
  return spawnSync('tshark', ['-r', file, '-V'], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout;
}

const FIELDS = [
  '_ws.col.Protocol',
  '_ws.col.Info',
  'frame.protocols',
  'image-jfif.marker',
  'image-jfif.length',
  'image-jfif.identifier',
  'image-jfif.units',
  'image-jfif.sof.h_i',
  'image-jfif.sos.ac_entropy_selector',
  'image-jfif.comment',
  'image-jfif.entropy_coded_segment',
  'image-jfif.fill_bytes',
  'image-jfif.endianness',
  'image-jfif.ifd.tag',
  'image-jfif.ifd.tag_exif',
  'image-jfif.ifd.tag_gps',
  'image-jfif.ifd.type',
  'image-jfif.ifd.offset',
  'image-jfif.ifd.value_ascii',
  'image-jfif.ifd.value_short',
  'image-jfif.ifd.value_slong',
  'image-jfif.ifd.value_rational.denominator',
  'image-jfif.ifd.value_srational.numerator',
  'image-jfif.ifd.value_undefined',
  'image-jfif.next_ifd_offset',
  'png.signature',
  'png.chunk.type',
  'png.chunk.len',
  'png.chunk.crc',
  'png.chunk.flag.ancillary',
  'png.chunk.flag.private',
  'png.chunk.flag.stc',
  'png.ihdr.colour_type',
  'png.text.keyword',
  'png.text.string',
  'png.time.year',
  'png.phys.unit',
  'png.bkgd.greyscale',
  'png.srgb.intent',
  'image-gif.version',
  'image-gif.screen.width',
  'image-gif.global.color_map.present',
  'image-gif.global.color_bpp',
  'image-gif.global.color_map',
  'image-gif.extension.label',
  'image-gif.image.height',
  'image-gif.local.bpp',
  'image-gif.image.code_size',
  'image-gif.data_block',
  'media.type',
];

describe.skipIf(!haveTshark)('image bodies against tshark', () => {
  it('gives every frame the columns and image fields tshark gives it', async () => {
    // tshark's SYN expert and HTTP's note on a refused body are not the image dissectors'.
    expect(await mismatches(FILE, FIELDS, true)).toEqual([]);
  });

  it('prints the image-jfif, png and image-gif trees and their Malformed notes as tshark does', async () => {
    const heads = /^(JPEG File Interchange|Portable Network Graphics|Compuserve GIF|Media Type|\[Malformed)/;
    expect(blocks(await ourVerbose(FILE), heads)).toBe(blocks(tsharkVerbose(FILE), heads));
  });
});

/** One HTTP response carrying `body` as `type`, after a handshake and its request. */
function response(type: string, body: Uint8Array): Segment[] {
  const head = latin1(`HTTP/1.1 200 OK\r\nContent-Type: ${type}\r\nContent-Length: ${body.length}\r\n\r\n`);
  const payload = new Uint8Array(head.length + body.length);
  payload.set(head);
  payload.set(body, head.length);
  return [
    ...handshake(),
    { fromClient: true, seq: 1001, ack: 5001, payload: 'GET /x HTTP/1.1\r\nHost: h\r\n\r\n' },
    { fromClient: false, seq: 5001, ack: 1029, payload },
  ];
}

function responseFrame(type: string, body: Uint8Array): ReturnType<typeof dissectSegments>[number] {
  const frames = dissectSegments(response(type, body));
  const last = frames[frames.length - 1];
  if (!last) throw new Error('no frames');
  return last;
}

const JFIF_HEAD = [0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 2, 1, 0, 72, 0, 72, 0, 0];
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const lines = (d: ReturnType<typeof responseFrame>): string[] =>
  treeLines(d.tree.roots, { dataHex: true, protocols: null });

describe('image bodies that are cut or lie about their lengths', () => {
  it('ends a JPEG segment longer than the body in a Malformed note, after its items', () => {
    const d = responseFrame('image/jpeg', Uint8Array.from([...JFIF_HEAD, 0xff, 0xdb, 0x00, 0x43, 1, 2, 3]));
    const text = lines(d).join('\n');
    expect(text).toContain('    Marker segment: Define quantization table(s) (0xFFDB)');
    expect(text).toContain('        Remaining segment data: 65 bytes');
    expect(text).toContain('[Malformed Packet: JFIF (JPEG) image]');
    expect(d.pinfo.info).toBe('HTTP/1.1 200 OK  (JPEG JFIF image)[Malformed Packet]');
  });

  it('leaves a JPEG body without its JFIF APP0 to "media"', () => {
    const body = Uint8Array.from([
      0xff,
      0xd8,
      0xff,
      0xe1,
      0,
      8,
      0x45,
      0x78,
      0x69,
      0x66,
      0,
      0,
      ...new Array(10).fill(0),
    ]);
    const d = responseFrame('image/jpeg', body);
    expect(d.value('frame.protocols')).toBe('eth:ethertype:ip:tcp:http:media');
    expect(lines(d)).toContain('    Media type: image/jpeg (22 bytes)');
  });

  it('stops at an unknown marker and names it reserved', () => {
    const d = responseFrame('image/jpg', Uint8Array.from([...JFIF_HEAD, 0xff, 0x02, 0xff, 0xd9]));
    expect(lines(d)).toContain('    Marker: Unknown (0xff02) (Reserved)');
    expect(d.nodes('image-jfif.marker')).toHaveLength(3);
  });

  it('shows no PNG chunk whose length runs past the body, then a Malformed note', () => {
    const ihdr = [0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 2, 0, 0, 0, 2, 8, 2, 0, 0, 0, 1, 2, 3, 4];
    const huge = [0x7f, 0xff, 0xff, 0xff, 0x49, 0x44, 0x41, 0x54, 1, 2, 3];
    const d = responseFrame('image/png', Uint8Array.from([...PNG_SIGNATURE, ...ihdr, ...huge]));
    const text = lines(d);
    expect(text).toContain('    Image Header (IHDR)');
    expect(text.some((l) => l.includes('(IDAT)'))).toBe(false);
    expect(text).toContain('[Malformed Packet: PNG]');
    expect(d.value('png.chunk.type')).toBe('IHDR');
  });

  it('reads an IHDR shorter than its fields to the chunk end, then calls it malformed', () => {
    const short = [0, 0, 0, 4, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0xaa, 0xbb, 0xcc, 0xdd];
    const iend = [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];
    const d = responseFrame('image/png', Uint8Array.from([...PNG_SIGNATURE, ...short, ...iend]));
    expect(d.value('png.ihdr.width')).toBe('1');
    expect(d.value('png.ihdr.height')).toBe('');
    expect(d.pinfo.info.endsWith('(PNG)[Malformed Packet]')).toBe(true);
  });

  it('ends a GIF cut inside a data sub-block in a Malformed note', () => {
    const gif = [...latin1('GIF89a'), 3, 0, 4, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255, 0x21, 0xf9, 4, 1, 2];
    const d = responseFrame('image/gif', Uint8Array.from(gif));
    const text = lines(d);
    expect(text).toContain('    Extension: Graphics Control');
    expect(text).toContain('[Malformed Packet: GIF image]');
    expect(d.pinfo.info).toBe('HTTP/1.1 200 OK  (GIF89a)[Malformed Packet]');
  });

  it('never throws on random bodies, with or without a tree', () => {
    let x = 7;
    const noise = (n: number): number[] =>
      Array.from({ length: n }, () => {
        x = (x * 1103515245 + 12345) & 0x7fffffff;
        return x & 0xff;
      });
    for (let i = 0; i < 60; i++) {
      const tail = noise(1 + (i % 40));
      for (const [type, head] of [
        ['image/jpeg', JFIF_HEAD],
        ['image/png', PNG_SIGNATURE],
        ['image/gif', [...latin1('GIF89a'), 1, 0, 1, 0, 0xf7, 0, 0]],
      ] as const) {
        const d = responseFrame(type, Uint8Array.from([...head, ...tail]));
        expect(d.pinfo.info.startsWith('HTTP/1.1 200 OK  (')).toBe(true);
      }
    }
    expect(NULL_TREE.full).toBe(false);
  });
});
