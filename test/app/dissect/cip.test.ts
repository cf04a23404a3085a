// CIP inside EtherNet/IP against tshark, on messages built per the ODVA spec (CIP Vol. 1 chapters
// 2-3 and appendix C, Vol. 2 chapter 2): Get Attribute Single and Get Attributes All with their
// replies (a vendor class as bytes, the Identity object's attributes decoded), an error reply with
// additional status (and one with a status code tshark has no name for), class attributes
// (instance 0), Set Attribute Single, Get Attribute List, Create, a path with an extended port segment and a member, Forward Open, Large Forward Open and Forward Close with replies, Unconnected
// Send with the embedded request and its reply, Multiple Service Packet both ways, a symbolic
// (ANSI extended symbol) path, a 32-bit instance, a path longer than the message, and connected
// Send Unit Data messages on the connection the Forward Open set up; then many of those messages cut
// after every byte.
import { describe, expect, it } from 'vitest';
import { dissectFrames } from '../../support/dissect-hex.ts';
import { fuzzFrames, itAgreesWithTshark, TcpStream } from '../../support/proto-oracle.ts';

const le16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];
const le32 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

const SESSION = 0x12345678;
const item = (type: number, data: number[]): number[] => [...le16(type), ...le16(data.length), ...data];
const cpf = (...items: number[][]): number[] => [...le16(items.length), ...items.flat()];

/** An encapsulation message with sender context `ctx` (a request and its reply share it). */
function encap(cmd: number, data: number[], ctx: number): number[] {
  return [
    ...le16(cmd),
    ...le16(data.length),
    ...le32(SESSION),
    ...le32(0),
    ctx,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    ...le32(0),
    ...data,
  ];
}

/** Send RR Data: a null address item and an unconnected data item with `msg`. */
const rrData = (msg: number[]): number[] => [...le32(0), ...le16(10), ...cpf(item(0, []), item(0xb2, msg))];
/** Send Unit Data: a connected address item and a connected data item (sequence count, `msg`). */
const unitData = (conn: number, seq: number, msg: number[]): number[] => [
  ...le32(0),
  ...le16(0),
  ...cpf(item(0xa1, le32(conn)), item(0xb1, [...le16(seq), ...msg])),
];

const CM_PATH = [0x20, 0x06, 0x24, 0x01];
const TRIAD = [...le16(0x4242), ...le16(1), ...le32(0x00c0ffee)];
const CONN_PATH = [0x01, 0x00, 0x20, 0x02, 0x24, 0x01];
const O_T = 0x11223344;
const T_O = 0x80001234;

const FO_HEAD = [0x0a, 0x0e, ...le32(0), ...le32(T_O), ...TRIAD, 3, 0, 0, 0];
const FORWARD_OPEN = [
  0x54,
  2,
  ...CM_PATH,
  ...FO_HEAD,
  ...le32(500000),
  ...le16(0x43f4),
  ...le32(500000),
  ...le16(0x43f4),
  0xa3,
  CONN_PATH.length / 2,
  ...CONN_PATH,
];
const LARGE_FORWARD_OPEN = [
  0x5b,
  2,
  ...CM_PATH,
  ...FO_HEAD,
  ...le32(500000),
  ...le32(0x42000fa0),
  ...le32(100000),
  ...le32(0x22000fa0),
  0x83,
  CONN_PATH.length / 2,
  ...CONN_PATH,
];
const FO_REPLY = [
  0xd4,
  0,
  0,
  0,
  ...le32(O_T),
  ...le32(T_O),
  ...TRIAD,
  ...le32(500000),
  ...le32(500000),
  0,
  0,
];
const FO_FAILED = [0xdb, 0, 1, 1, ...le16(0x0100), ...TRIAD, 0, 0];
const FORWARD_CLOSE = [0x4e, 2, ...CM_PATH, 0x0a, 0x0e, ...TRIAD, CONN_PATH.length / 2, 0, ...CONN_PATH];
const FC_REPLY = [0xce, 0, 0, 0, ...TRIAD, 0, 0];

const GAA_IDENTITY = [0x01, 2, 0x20, 0x01, 0x24, 0x01];
const CLASS_ALL = [...le16(1), ...le16(1), ...le16(1), ...le16(0), 0, 0, ...le16(7), ...le16(10)];
const SET_SINGLE = [0x10, 3, 0x20, 0x64, 0x24, 0x01, 0x30, 0x05, 1, 2, 3];
/** A route over an extended port segment (an IP address), a port other than the backplane, a member. */
const ODD_PATHS = [
  0x0e,
  12,
  0x12,
  12,
  ...ascii('192.168.1.10'),
  0x02,
  7,
  0x20,
  0x64,
  0x24,
  1,
  0x28,
  3,
  0x30,
  1,
];
const IDENTITY_ALL = [
  ...le16(1),
  ...le16(12),
  ...le16(166),
  11,
  3,
  ...le16(0x0030),
  ...le32(0x00c0ffee),
  4,
  ...ascii('ABCD'),
];
const UNCONNECTED_SEND = [
  0x52,
  2,
  ...CM_PATH,
  0x0a,
  0x0e,
  ...le16(GAA_IDENTITY.length),
  ...GAA_IDENTITY,
  1,
  0,
  0x01,
  0x00,
];

const GAS_VENDOR = [0x0e, 3, 0x20, 0x64, 0x24, 0x01, 0x30, 0x03];
const GAS_NAME = [0x0e, 3, 0x20, 0x01, 0x24, 0x01, 0x30, 0x07];
const GAS_VENDOR_ID = [0x0e, 3, 0x20, 0x01, 0x24, 0x01, 0x30, 0x01];
const MSP = [
  0x0a,
  2,
  0x20,
  0x02,
  0x24,
  0x01,
  ...le16(2),
  ...le16(6),
  ...le16(14),
  ...GAS_VENDOR_ID,
  ...GAS_NAME,
];
const MSP_REPLY = [
  0x8a,
  0,
  0,
  0,
  ...le16(2),
  ...le16(6),
  ...le16(12),
  0x8e,
  0,
  0,
  0,
  1,
  0,
  0x8e,
  0,
  0,
  0,
  2,
  ...ascii('AB'),
];
const READ_TAG = [0x4c, 4, 0x91, 5, ...ascii('Tag12'), 0, ...le16(1)];
const READ_TAG_REPLY = [0xcc, 0, 0, 0, 0xc4, 0, ...le32(7)];
const INSTANCE_32 = [0x0e, 5, 0x20, 0x64, 0x26, 0, ...le32(0x12345678), 0x30, 0x01];
const PATH_TOO_LONG = [0x0e, 6, 0x21, 0, 0x00, 0x01, 0x25, 0, 0x34, 0x12, 0x30, 3];

const stream = new TcpStream(44818, 40001);
let context = 0;
/** A request (a new sender context) or the reply to the last one, in Send RR Data. */
const rr = (toServer: boolean, msg: number[]): Uint8Array => {
  if (toServer) context++;
  return stream.segment(toServer, new Uint8Array(encap(0x6f, rrData(msg), context)));
};
const unit = (toServer: boolean, msg: number[]): Uint8Array =>
  stream.segment(toServer, new Uint8Array(encap(0x70, unitData(toServer ? O_T : T_O, 1, msg), 0x55)));

const FRAMES = [
  ...stream.handshake(),
  rr(true, GAS_VENDOR),
  rr(false, [0x8e, 0, 0, 0, 1, 2, 3]),
  rr(true, GAA_IDENTITY),
  rr(false, [0x81, 0, 0, 0, ...IDENTITY_ALL]),
  rr(true, GAS_NAME),
  rr(false, [0x8e, 0, 0, 0, 5, ...ascii('ABCDE')]),
  rr(true, [0x01, 2, 0x20, 0x01, 0x24, 0x00]),
  rr(false, [0x81, 0, 0, 0, ...CLASS_ALL]),
  rr(true, [0x0e, 3, 0x20, 0xf5, 0x24, 0x00, 0x30, 0x03]),
  rr(false, [0x8e, 0, 0, 0, ...le16(1)]),
  rr(true, [0x01, 2, 0x20, 0x01, 0x24, 0x01]),
  rr(false, [0x81, 0, 0, 0, ...IDENTITY_ALL, 3, ...le16(0x1234), 5]),
  rr(true, SET_SINGLE),
  rr(false, [0x90, 0, 0x99, 0]),
  rr(true, ODD_PATHS),
  rr(false, [0x8e, 0, 0, 0, 1]),
  // Get Attribute List, Set Attribute Single of the product name, Create, and a Read Tag routed
  // by Unconnected Send.
  rr(true, [0x03, 2, 0x20, 1, 0x24, 1, ...le16(2), ...le16(1), ...le16(7)]),
  rr(false, [0x83, 0, 0, 0, ...le16(2), ...le16(1), 0, 0, ...le16(1), ...le16(7), 0, 0, 2, ...ascii('AB')]),
  rr(true, [0x10, 3, 0x20, 1, 0x24, 1, 0x30, 7, 2, ...ascii('AB')]),
  rr(false, [0x90, 0, 0, 0]),
  rr(true, [0x08, 2, 0x20, 4, 0x24, 0, 1, 2]),
  rr(false, [0x88, 0, 0, 0, ...le16(5)]),
  rr(true, [0x52, 2, ...CM_PATH, 0x0a, 0x0e, ...le16(READ_TAG.length), ...READ_TAG, 1, 0, 1, 0]),
  rr(false, READ_TAG_REPLY),
  rr(true, GAS_NAME),
  rr(false, [0x8e, 0, 0x05, 1, ...le16(0x1234)]),
  rr(true, FORWARD_OPEN),
  rr(false, FO_REPLY),
  unit(true, READ_TAG),
  unit(false, READ_TAG_REPLY),
  rr(true, FORWARD_CLOSE),
  rr(false, FC_REPLY),
  rr(true, LARGE_FORWARD_OPEN),
  rr(false, FO_FAILED),
  rr(true, UNCONNECTED_SEND),
  rr(false, [0x81, 0, 0, 0, ...IDENTITY_ALL.slice(0, 4)]),
  rr(true, MSP),
  rr(false, MSP_REPLY),
  rr(true, READ_TAG),
  rr(false, READ_TAG_REPLY),
  rr(true, INSTANCE_32),
  rr(false, [0x8e, 0, 0, 0, 9]),
  rr(true, PATH_TOO_LONG),
  // A reply nobody asked for, on a fresh context.
  stream.segment(false, new Uint8Array(encap(0x6f, rrData([0x8e, 0, 0x08, 0]), 0x77))),
];

/**
 * Each request or reply cut after every byte (a request and a reply share a sender context, so a
 * cut reply still finds the last cut request): what tshark marks malformed, and how far its Info
 * and tree get.
 */
const CUT_STREAM = new TcpStream(44818, 40002);
function cuts(pairs: [number[], number[]][]): Uint8Array[] {
  const frames = CUT_STREAM.handshake();
  let ctx = 0x80;
  for (const [req, rsp] of pairs) {
    ctx++;
    for (const [msg, toServer] of [
      [req, true],
      [rsp, false],
    ] as const) {
      for (let n = 1; n < msg.length; n++) {
        frames.push(CUT_STREAM.segment(toServer, new Uint8Array(encap(0x6f, rrData(msg.slice(0, n)), ctx))));
      }
    }
  }
  return frames;
}

const CUT = cuts([
  [FORWARD_OPEN, FO_REPLY],
  [FORWARD_CLOSE, FC_REPLY],
  [LARGE_FORWARD_OPEN, FO_FAILED],
  [UNCONNECTED_SEND, [0x81, 0, 0, 0, ...IDENTITY_ALL]],
  [MSP, MSP_REPLY],
  [READ_TAG, READ_TAG_REPLY],
  [ODD_PATHS, [0x8e, 0, 0x05, 1, ...le16(0x1234)]],
]);

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'enip.response_to',
  'enip.fwd_open_in',
  'cip.seq',
  'cip.connid',
  'cip.service',
  'cip.rr',
  'cip.sc',
  'cip.request_path_size',
  'cip.epath',
  'cip.path_segment',
  'cip.path_segment.type',
  'cip.logical_segment.type',
  'cip.logical_segment.format',
  'cip.class',
  'cip.instance',
  'cip.attribute',
  'cip.member',
  'cip.port',
  'cip.linkaddress_size',
  'cip.linkaddress.string',
  'cip.ex_linkaddress',
  'cip.linkaddress.byte',
  'cip.data_segment.type',
  'cip.data_segment.size',
  'cip.symbol',
  'cip.genstat',
  'cip.addstat_size',
  'cip.addstat',
  'cip.data',
  'cip.msp.num_services',
  'cip.msp.offset',
  'cip.id.vendor_id',
  'cip.id.device_type',
  'cip.id.product_code',
  'cip.id.major_rev',
  'cip.id.minor_rev',
  'cip.id.status',
  'cip.id.ext',
  'cip.id.serial_number',
  'cip.id.product_name',
  'cip.id.state',
  'cip.id.config_value',
  'cip.id.heartbeat',
  'cip.class_revision',
  'cip.max_instance',
  'cip.num_instance',
  'cip.num_class_attr',
  'cip.num_inst_attr',
  'cip.getlist.attr_count',
  'cip.getlist.attr_status',
  'cip.create.instance',
  'cip.cm.sc',
  'cip.cm.priority',
  'cip.cm.tick_time',
  'cip.cm.timeout_tick',
  'cip.cm.timeout',
  'cip.cm.ot_connid',
  'cip.cm.to_connid',
  'cip.cm.conn_serial_num',
  'cip.cm.vendor',
  'cip.cm.orig_serial_num',
  'cip.cm.timeout_multiplier',
  'cip.cm.otrpi',
  'cip.cm.torpi',
  'cip.cm.ot_net_params',
  'cip.cm.to_net_params',
  'cip.cm.fwo.owner',
  'cip.cm.fwo.type',
  'cip.cm.fwo.prio',
  'cip.cm.fwo.f_v',
  'cip.cm.fwo.consize',
  'cip.cm.transport_type_trigger',
  'cip.cm.fwo.dir',
  'cip.cm.fwo.trigger',
  'cip.cm.fwo.transport',
  'cip.cm.connpath_size',
  'cip.cm.otapi',
  'cip.cm.toapi',
  'cip.cm.app_reply_size',
  'cip.cm.remain_path_size',
  'cip.cm.msg_req_size',
  'cip.cm.route_path_size',
  'cip.cm.ot_timeout',
  'cip.cm.to_timeout',
  'cip.connection',
  'cip.fwd_open_in',
];

describe('CIP', () => {
  it('names the class, the service and the status in Info', () => {
    const d = dissectFrames(FRAMES);
    const cols = (i: number): string => `${d[i]?.pinfo.proto ?? ''} | ${d[i]?.pinfo.info ?? ''}`;
    expect(d[2]?.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:tcp:enip:cip');
    expect(cols(2)).toBe('CIP | Class (0x64) - Get Attribute Single');
    expect(cols(3)).toBe('CIP | Success: Class (0x64) - Get Attribute Single');
    expect(cols(27)).toBe('CIP | Path destination unknown: Identity - Get Attribute Single');
    expect(cols(28)).toBe('CIP CM | Connection Manager - Forward Open (Message Router)');
    expect(cols(36)).toBe('CIP CM | Connection Manager - Unconnected Send: Identity - Get Attributes All');
    expect(cols(37)).toBe('CIP | Success: Identity - Get Attributes All');
    expect(d[5]?.value('cip.id.product_name')).toBe('ABCD');
  });

  it('survives mutated messages', () => {
    fuzzFrames(FRAMES, 54, 0xc1b, 25);
  });

  itAgreesWithTshark(
    FRAMES,
    FIELDS,
    /^(EtherNet\/IP|Common Industrial Protocol|CIP (Connection Manager|Class Generic))/,
  );

  describe('cut short', () => {
    itAgreesWithTshark(
      CUT,
      [
        'frame.protocols',
        '_ws.col.Protocol',
        '_ws.col.Info',
        '_ws.malformed',
        '_ws.expert',
        'cip.sc',
        'cip.genstat',
      ],
      /^(Common Industrial Protocol|CIP (Connection Manager|Class Generic)|\[Malformed Packet)/,
    );
  });
});
