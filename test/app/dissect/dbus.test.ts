// D-Bus (link type 231) on built messages, against tshark: both byte orders, every message type,
// bodies of every basic type and container (arrays, dicts, structs, nested variants), and the
// malformed ones tshark flags (padding, header field signatures, missing fields, bad lengths).
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../app/dissect/link-types.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { fuzzFrames } from '../../support/link-frames.ts';
import { fieldsOfBoth, oracleReady, treesOfBoth } from '../../support/proto-oracle.ts';

/** Marshals D-Bus values with their alignment (relative to the message start). */
class Writer {
  readonly b: number[] = [];
  constructor(readonly le: boolean) {}
  pad(n: number, fill = 0): this {
    while (this.b.length % n) this.b.push(fill);
    return this;
  }
  int(v: number | bigint, bytes: number): this {
    this.pad(bytes);
    const x = BigInt.asUintN(bytes * 8, BigInt(v));
    const out: number[] = [];
    for (let i = 0; i < bytes; i++) out.push(Number((x >> BigInt(8 * i)) & 0xffn));
    this.b.push(...(this.le ? out : out.reverse()));
    return this;
  }
  y(v: number): this {
    this.b.push(v & 0xff);
    return this;
  }
  d(v: number): this {
    this.pad(8);
    const dv = new DataView(new ArrayBuffer(8));
    dv.setFloat64(0, v, this.le);
    this.b.push(...new Uint8Array(dv.buffer));
    return this;
  }
  s(v: string): this {
    const bytes = [...new TextEncoder().encode(v)];
    return this.int(bytes.length, 4).raw(bytes).y(0);
  }
  g(v: string): this {
    return this.y(v.length)
      .raw([...v].map((c) => c.charCodeAt(0)))
      .y(0);
  }
  raw(bytes: number[]): this {
    this.b.push(...bytes);
    return this;
  }
}

type HeaderField = [code: number, sig: string, value: string | number];

/**
 * A message: fixed header, header fields (each a{yv} entry), padding to 8, then the body that
 * `body` writes (on a writer whose offsets are the message's).
 */
function message(
  le: boolean,
  type: number,
  serial: number,
  headerFields: HeaderField[],
  body: (w: Writer) => void = () => {},
  opts: { flags?: number; headerPad?: number } = {},
): Uint8Array {
  const w = new Writer(le);
  w.y(le ? 0x6c : 0x42)
    .y(type)
    .y(opts.flags ?? 0)
    .y(1);
  const bodyAt = (): number => w.b.length;
  w.int(0, 4).int(serial, 4).int(0, 4);
  const arrayStart = w.b.length;
  for (const [code, sig, value] of headerFields) {
    w.pad(8).y(code).g(sig);
    if (sig === 'u') w.int(value as number, 4);
    else if (sig === 'g') w.g(value as string);
    else w.s(value as string);
  }
  const arrayLen = w.b.length - arrayStart;
  w.pad(8, opts.headerPad ?? 0);
  const start = bodyAt();
  body(w);
  const bodyLen = w.b.length - start;
  const put = (at: number, v: number): void => {
    const x = new Writer(le).int(v, 4).b;
    w.b.splice(at, 4, ...x);
  };
  put(4, bodyLen);
  put(12, arrayLen);
  return new Uint8Array(w.b);
}

const LE = true;
const BE = false;

const CALL = (member: string, sig: string): HeaderField[] => [
  [1, 'o', '/org/example/Obj'],
  [6, 's', 'org.example.Service'],
  [2, 's', 'org.example.Iface'],
  [3, 's', member],
  [7, 's', ':1.42'],
  [8, 'g', sig],
];

const FRAMES = [
  // a{sv}: basic, nested and container variants; a struct; an array of strings; an empty array.
  message(LE, 1, 7, CALL('Configure', 'a{sv}(iu)asa(ii)v'), (w) => {
    const dict = new Writer(LE);
    dict.b.push(...new Array<number>(w.b.length + 4).fill(0));
    const dictStart = dict.pad(8).b.length;
    dict.pad(8).s('name').g('s').s('eth0');
    dict.pad(8).s('mtu').g('u').int(1500, 4);
    dict.pad(8).s('nested').g('v').g('i').int(-3, 4);
    dict.pad(8).s('list').g('ai').int(8, 4).int(1, 4).int(2, 4);
    const entries = dict.b.slice(dictStart);
    w.int(entries.length, 4).pad(8).raw(entries);
    w.pad(8).int(-42, 4).int(42, 4);
    w.int(20, 4).s('alpha').s('bet');
    w.int(0, 4).pad(8);
    w.g('').pad(1);
  }),
  // A signal in big-endian order with every basic type.
  message(
    BE,
    4,
    9,
    [
      [1, 'o', '/'],
      [2, 's', 'org.example.Signals'],
      [3, 's', 'Changed'],
      [7, 's', 'org.example.Sender'],
      [8, 'g', 'ybnqiuxtdsogh'],
    ],
    (w) => {
      w.y(0x41).int(1, 4).int(-5, 2).int(7, 2).int(-9, 4).int(23, 4);
      w.int(-1n, 8).int(5n, 8).d(0.1).s('hi\tthere').s('/a/b').g('a{sv}').int(3, 4);
    },
    { flags: 7 },
  ),
  // An error reply with its message.
  message(
    LE,
    3,
    10,
    [
      [4, 's', 'org.example.Error.Failed'],
      [5, 'u', 7],
      [6, 's', ':1.42'],
      [8, 'g', 's'],
    ],
    (w) => w.s('no such thing'),
  ),
  // A method reply with no body.
  message(LE, 2, 11, [
    [5, 'u', 7],
    [6, 's', ':1.42'],
  ]),
  // Padding after the header fields that is not zero.
  message(
    LE,
    2,
    12,
    [
      [5, 'u', 7],
      [6, 's', ':1.42'],
    ],
    undefined,
    { headerPad: 0xff },
  ),
  // The path as a string, not an object path.
  message(LE, 1, 13, [
    [1, 's', '/x'],
    [3, 's', 'M'],
  ]),
  // A method call without a member.
  message(LE, 1, 14, [[1, 'o', '/x']]),
  // A sender that is not a bus name.
  message(LE, 2, 15, [
    [5, 'u', 1],
    [7, 's', 'not a name'],
  ]),
  // A boolean of 2, an array whose elements run past its length, and one far too long.
  message(LE, 1, 16, CALL('B', 'b'), (w) => w.int(2, 4)),
  message(LE, 1, 17, CALL('A', 'ai'), (w) => w.int(6, 4).int(1, 4).int(2, 4)),
  message(LE, 1, 18, CALL('T', 'ay'), (w) => w.int(0x5000000, 4).y(1)),
  // An unknown header field (skipped whatever its type), a dict of non-basic values.
  message(
    LE,
    4,
    19,
    [
      [1, 'o', '/p'],
      [2, 's', 'a.b'],
      [3, 's', 'S'],
      [8, 'g', 'a{sai}'],
    ],
    (w) => {
      w.int(16, 4).pad(8).s('k').int(4, 4).int(9, 4);
    },
  ),
  // A string that is not UTF-8.
  message(LE, 1, 21, CALL('Utf', 's'), (w) => w.int(3, 4).raw([0x61, 0xff, 0x62]).y(0)),
  // A string that runs past the end of the frame.
  message(LE, 1, 20, CALL('Short', 's'), (w) => w.int(400, 4).raw([0x61, 0x62])),
];

// Splice an unknown header field (code 200, variant "ai") in front of frame 12's fields.
{
  const le = new Writer(LE);
  le.y(0x6c).y(4).y(0).y(1).int(0, 4).int(21, 4).int(0, 4);
  const start = le.b.length;
  le.pad(8).y(200).g('ai').int(8, 4).int(1, 4).int(2, 4);
  le.pad(8).y(1).g('o').s('/p');
  le.pad(8).y(2).g('s').s('a.b');
  le.pad(8).y(3).g('s').s('S');
  const len = le.b.length - start;
  le.pad(8);
  le.b.splice(12, 4, ...new Writer(LE).int(len, 4).b);
  FRAMES.push(new Uint8Array(le.b));
}

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.col.Source',
  '_ws.col.Destination',
  '_ws.expert',
  '_ws.malformed',
  'dbus.endianness',
  'dbus.message_type',
  'dbus.flags',
  'dbus.flags.no_auto_start',
  'dbus.body_length',
  'dbus.serial',
  'dbus.field_code',
  'dbus.path',
  'dbus.member',
  'dbus.sender',
  'dbus.destination',
  'dbus.signature',
  'dbus.reply_serial',
  'dbus.padding',
  'dbus.body',
  'dbus.type.array',
  'dbus.type.array.length',
  'dbus.type.variant',
  'dbus.type.variant.signature',
  'dbus.type.dict_entry',
  'dbus.type.struct',
  'dbus.type.byte',
  'dbus.type.boolean',
  'dbus.type.int16',
  'dbus.type.uint16',
  'dbus.type.int32',
  'dbus.type.uint32',
  'dbus.type.int64',
  'dbus.type.uint64',
  'dbus.type.double',
  'dbus.type.string',
  'dbus.type.object_path',
  'dbus.type.signature',
  'dbus.type.unix_fd',
  'dbus.padding.invalid',
  'dbus.field_signature_wrong',
  'dbus.required_header_field_missing',
  'dbus.bus_name.invalid',
  'dbus.type.boolean.invalid',
  'dbus.type.array.content_out_of_bounds',
  'dbus.type.array.too_long',
  'dbus.type.string.invalid',
];

describe('D-Bus', () => {
  it('shows the call, its names as addresses and its typed body', () => {
    const d = dissectHex(FRAMES[0] as Uint8Array, LinkType.DBUS);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('dbus');
    expect(d.pinfo.proto).toBe('D-Bus');
    expect(d.pinfo.info).toBe('Configure() @ /org/example/Obj');
    expect(d.pinfo.srcName).toBe(':1.42');
    expect(d.pinfo.dstName).toBe('org.example.Service');
    expect(d.value('dbus.type.string')).toBe('name,eth0,mtu,nested,list,alpha,bet');
    expect(d.value('dbus.type.int32')).toBe('-3,1,2,-42');
    const signal = dissectHex(FRAMES[1] as Uint8Array, LinkType.DBUS);
    expect(signal.pinfo.info).toBe('* Changed() @ /');
    expect(signal.value('dbus.type.double')).toBe('0.1');
    expect(dissectHex(FRAMES[2] as Uint8Array, LinkType.DBUS).pinfo.info).toBe('-> org.example.Error.Failed');
    expect(dissectHex(FRAMES[3] as Uint8Array, LinkType.DBUS).pinfo.info).toBe("-> ''");
  });

  it('survives mutated frames', () => fuzzFrames(FRAMES, LinkType.DBUS, 231, 100));

  it.skipIf(!oracleReady)('agrees with tshark field for field', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS, LinkType.DBUS);
    expect(f.trawl).toBe(f.tshark);
  });

  it.skipIf(!oracleReady)('draws the tree as tshark does', () => {
    const t = treesOfBoth(FRAMES, /^(D-Bus|\[Malformed)/, LinkType.DBUS);
    expect(t.trawl).toBe(t.tshark);
  });
});
