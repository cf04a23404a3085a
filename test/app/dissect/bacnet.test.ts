// BACnet/IP (BVLC, NPDU, APDU) on UDP 47808 against tshark. The datagrams are built here after
// ASHRAE 135 Annexes J and U and clauses 6, 20 and 21: every BVLC function with its own fields, NPDUs with
// destination and source addresses and network layer messages, the APDU types and the common
// services with application-tagged values, and cut or mis-sized ones.
import { describe, expect, it } from 'vitest';
import { dissectHex } from '../../support/dissect-hex.ts';
import {
  fieldsOfBoth,
  fuzzFrames,
  hex,
  oracleReady,
  treesOfBoth,
  udpIpFrame,
} from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'bvlc.type',
  'bvlc.function',
  'bvlc.length',
  'bvlc.result',
  'bvlc.bdt_ip',
  'bvlc.bdt_port',
  'bvlc.bdt_mask',
  'bvlc.reg_ttl',
  'bvlc.fdt_ip',
  'bvlc.fdt_port',
  'bvlc.fdt_ttl',
  'bvlc.fdt_timeout',
  'bvlc.fwd_ip',
  'bvlc.fwd_port',
  'bvlc.function_ipv6',
  'bvlc.virtual_source',
  'bvlc.virtual_dest',
  'bvlc.orig_source_addr',
  'bvlc.orig_source_port',
  'bvlc.fdt_ipv6',
  'bacnet.version',
  'bacnet.control',
  'bacnet.control_net',
  'bacnet.control_dest',
  'bacnet.control_src',
  'bacnet.control_expect',
  'bacnet.control_prio_high',
  'bacnet.control_prio_low',
  'bacnet.dnet',
  'bacnet.dlen',
  'bacnet.dadr_eth',
  'bacnet.dadr_mstp',
  'bacnet.dadr_tmp',
  'bacnet.snet',
  'bacnet.slen',
  'bacnet.sadr_mstp',
  'bacnet.sadr_tmp',
  'bacnet.hopc',
  'bacnet.mesgtyp',
  'bacnet.vendor',
  'bacnet.perf',
  'bacnet.rejectreason',
  'bacnet.rportnum',
  'bacnet.portid',
  'bacnet.pinfolen',
  'bacnet.pinfo',
  'bacnet.netno_status',
  'bacapp.type',
  'bacapp.pduflags',
  'bacapp.segmented_request',
  'bacapp.SA',
  'bacapp.response_segments',
  'bacapp.max_adpu_size',
  'bacapp.invoke_id',
  'bacapp.sequence_number',
  'bacapp.window_size',
  'bacapp.confirmed_service',
  'bacapp.unconfirmed_service',
  'bacapp.NAK',
  'bacapp.SRV',
  'bacapp.reject_reason',
  'bacapp.abort_reason',
  'bacapp.error_class',
  'bacapp.error_code',
  'bacapp.objectType',
  'bacapp.instance_number',
  'bacapp.property_identifier',
  'bacapp.object_name',
  'bacapp.string_character_set',
  'bacapp.vendor_identifier',
  'bacapp.who_is.low_limit',
  'bacapp.who_is.high_limit',
  'bacapp.processId',
  'bacapp.present_value.null',
  'bacapp.present_value.boolean',
  'bacapp.present_value.uint',
  'bacapp.present_value.int',
  'bacapp.present_value.real',
  'bacapp.present_value.double',
  'bacapp.present_value.enum_index',
  'bacapp.tag_class',
  'bacapp.application_tag_number',
  'bacapp.context_tag_number',
  'bacapp.named_tag',
  'bacapp.LVT',
  'bacapp.unused_bits',
  'bacapp.bit',
];

/** A BVLL of function `func` whose length field counts the whole datagram (or says `length`). */
function bvll(func: number, rest: string, length?: number): Uint8Array {
  const body = rest.replace(/ /g, '');
  const len = length ?? 4 + body.length / 2;
  const head = `81${func.toString(16).padStart(2, '0')}${len.toString(16).padStart(4, '0')}`;
  return udpIpFrame(47808, 47808, hex(head + body));
}

/** An Original-Unicast-NPDU with a plain NPDU header (expecting a reply when `expect`). */
const unicast = (apdu: string, expect = false): Uint8Array => bvll(0x0a, `01${expect ? '04' : '00'} ${apdu}`);
const broadcast = (npdu: string): Uint8Array => bvll(0x0b, npdu);

/** ReadProperty-ACK of analog-input 1, property `prop` (one octet), with `values` inside [3]. */
const ack = (prop: string, values: string): Uint8Array =>
  unicast(`30 01 0c 0c00000001 19${prop} 3e ${values} 3f`);

const IAM_ROUTER = broadcast('0180 0100 0a000b');

const FRAMES = [
  // Who-Is to the global broadcast network, and with a device range.
  broadcast('0120ffff00ff 1008'),
  broadcast('0100 1008 0900 1b3fffff'),
  // I-Am device 1234, max APDU 1476, segmented-both, vendor 8; an unknown vendor.
  broadcast('0100 1000 c4020004d2 2205c4 9100 2108'),
  broadcast('0100 1000 c402000001 2201e0 9103 2205db'),
  // ReadProperty object-name and its ACK; present-value of an analog input; object-list[1].
  unicast('0005010c 0c020004d2 194d', true),
  unicast('30010c 0c020004d2 194d 3e7506004142434445 3f'),
  unicast('30020c 0c00000001 1955 3e4442480000 3f'),
  unicast('0005030c 0c020004d2 194c 2901', true),
  unicast('30030c 0c020004d2 194c 2901 3ec4020004d2 3f'),
  // WriteProperty 100.0 at priority 8, its Simple-ACK; an Error, a Reject, an Abort, a Segment-ACK.
  unicast('0005040f 0c00800001 1955 3e4442c80000 3f 4908', true),
  unicast('20040f'),
  unicast('50050c 9102 9120'),
  unicast('600609'),
  unicast('700704'),
  unicast('4008 0001'),
  unicast('4309 0203'),
  // COV notifications (a real, then status-flags too); SubscribeCOV; TimeSynchronization;
  // Who-Has; I-Have.
  unicast('1002 0901 1c020004d2 2c00000001 3900 4e 0955 2e4442480000 2f 4f'),
  unicast('1002 0901 1c020004d2 2c00000001 3900 4e 0955 2e4442480000 2f 096f 2e820400 2f 4f'),
  unicast('00050505 0912 1c00000001 2901 390a', true),
  unicast('00050505 0912 1c00000001 2900 3a0e8d', true),
  unicast('1006 a47a010f04 b40c1e0000'),
  unicast('1006 a4ff01ff04 b400050708'),
  unicast('1006 a47a0c1f07 b40d2d1e32'),
  unicast('1007 3d06004142434445'),
  broadcast('0100 1007 0900 1903 2c00000001'),
  broadcast('0100 1001 c402000001 c400000001 7504004142 43'),
  // Present-value in each primitive form; generic properties (description, object-identifier).
  ack('55', '00'),
  ack('55', '11'),
  ack('55', '10'),
  ack('55', '22ffff'),
  ack('55', '31ff'),
  ack('55', '3480000000'),
  ack('55', '443dcccccd'),
  ack('55', '55083ff0000000000000'),
  ack('55', '4441ac0000 4441ac0000'),
  ack('55', '9101'),
  unicast('30010c 0c00c00001 1955 3e 9100 3f'),
  unicast('0005040f 0c00400002 1955 3e9101 3f 4910', true),
  ack('1c', '00'),
  ack('1c', '11'),
  ack('1c', '2105'),
  ack('1c', '31ff'),
  ack('1c', '4442480000'),
  ack('1c', '55083ff0000000000000'),
  ack('1c', 'a47a010f04'),
  ack('1c', 'b40c1e0000'),
  ack('1c', 'c400000001'),
  ack('1c', '7506004142434445'),
  ack('4b', 'c400000001'),
  ...['820400', '820480', '8204f0', '820450', '820500', '820700'].map((v) => ack('6f', v)),
  // A signed value whose length runs over the closing tag: read as value, no closing tag.
  ack('55', '3280'),
  // Network layer messages.
  broadcast('0180 00'),
  IAM_ROUTER,
  broadcast('0180 02000a0b0c0d'),
  broadcast('0180 0300000a'),
  broadcast('0180 0400 0a0b0c0d'),
  broadcast('0180 0500 0a'),
  broadcast('0180 060100010203aabbcc'),
  broadcast('0180 0700'),
  broadcast('0180 08000a0b'),
  broadcast('0180 09000a'),
  broadcast('0180 12'),
  broadcast('0180 13000a01'),
  broadcast('0180 7f00'),
  broadcast('0180 80000a0b0c'),
  // Addresses: source on MS/TP, destination Ethernet, odd lengths, an empty APDU, version 2.
  broadcast('0108 0005 0107 1008 09001903'),
  broadcast('0120 0005 06 010203040506 ff 1008'),
  broadcast('012c 0005 02 0102 0006 03 040506 07 1008'),
  broadcast('0123 0005 00 07'),
  broadcast('0108 0005 00'),
  broadcast('0108 0005 07 1008'),
  broadcast('0200 1008'),
  broadcast('0130 ff'),
  // BVLC functions of their own.
  bvll(0x04, '0a000001bac0 0100 1008'),
  bvll(0x05, '003c'),
  bvll(0x00, '0030'),
  bvll(0x00, '0000'),
  bvll(0x01, '0a000001bac0ffffff00 0a000002bac0ffffffff'),
  bvll(0x02, ''),
  bvll(0x03, '0a000001bac0ffffffff'),
  bvll(0x06, ''),
  bvll(0x07, '0a000001bac0003c0050'),
  bvll(0x08, '0a000001bac0'),
  bvll(0x09, '0100 1008'),
  bvll(0x0d, '0100 1008'),
  // Lengths that disagree with the datagram, a Forwarded-NPDU too short to hold its address.
  bvll(0x0b, '0100 1008', 16),
  bvll(0x0b, '0100 1008 0000', 8),
  bvll(0x05, '003c', 10),
  bvll(0x00, '', 6),
  bvll(0x04, '0a000001bac0', 8),
  // Not BVLC (type 0x7f), a cut header, cut APDU headers.
  udpIpFrame(47808, 47808, hex('7f0b000c01001008')),
  udpIpFrame(47808, 47808, hex('810a00')),
  unicast('0005'),
  unicast('0d05010203'),
  unicast('20'),
  unicast('1000c40200'),
  // Unknown APDU types, lone segments, unnamed object types, properties and reasons.
  unicast('8005'),
  unicast('f0'),
  unicast('0d05010203 0c00000001 1955', true),
  unicast('3c01020305 0c00000001'),
  unicast('0005010c 0c10400001 1955', true),
  unicast('0005010c 0c00000001 1a0200', true),
  unicast('60060a'),
  unicast('600640'),
  unicast('70073f'),
  unicast('100d'),
  unicast('0005010e', true),
  unicast('0005012a', true),
  // BACnet/IPv6 (Annex U): every function but Secure-BVLL, a short length, a declined header.
  ...[
    '8200LLLL000001 0030',
    '8201LLLL000001000002 01001008',
    '8202LLLL000001 01001008',
    '8203LLLL000001000002',
    '8204LLLL00000100000220010db8000000000000000000000001bac0',
    '8205LLLL000001000002',
    '8206LLLL000001',
    '8207LLLL000001000002',
    '8208LLLL00000120010db8000000000000000000000001bac0 01001008',
    '8209LLLL000001003c',
    '820aLLLL00000120010db8000000000000000000000001bac0',
    '820cLLLL000001 01001008',
    '820dLLLL000001 01001008',
    '8201LLLL0000',
    '8202000a000001 01001008',
  ].map((h) => {
    const body = h.replace(/ /g, '');
    const len = (body.length / 2).toString(16).padStart(4, '0');
    return udpIpFrame(47808, 47808, hex(body.replace('LLLL', len)));
  }),
  // Errors without their code, or without anything.
  unicast('50050f 9102'),
  unicast('50050f'),
];

/** Frames whose whole tree this dissector draws (the rest stop early by design, see bacapp.ts). */
const FULL_TREES = FRAMES;

describe('BACnet/IP', () => {
  it('layers BVLC, NPDU and APDU and names the service', () => {
    const d = dissectHex(FRAMES[4] as Uint8Array, 1);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:bvlc:bacnet:bacapp');
    expect(d.pinfo.proto).toBe('BACnet-APDU');
    expect(d.pinfo.info).toBe('Confirmed-REQ   readProperty[  1] device,1234 object-name ');
    const net = dissectHex(IAM_ROUTER, 1);
    expect(net.pinfo.proto).toBe('BACnet-NPDU');
    expect(net.pinfo.info).toBe('I-Am-Router-To-Network');
  });

  it('survives mutated datagrams', () => fuzzFrames(FRAMES, 42, 47808));

  it.skipIf(!oracleReady)('agrees with tshark', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS);
    expect(f.trawl).toBe(f.tshark);
  });

  it.skipIf(!oracleReady)('draws the same tree as tshark', () => {
    const t = treesOfBoth(
      FULL_TREES,
      /^(BACnet Virtual Link Control$|Building Automation and Control Network|\[Malformed Packet)/,
    );
    expect(t.trawl).toBe(t.tshark);
  });
});
