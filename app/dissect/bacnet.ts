// The BACnet network layer (NPDU, ASHRAE 135 clause 6) as tshark 4.0 shows it: version, the
// control octet, destination and source network addresses, hop count, and the network layer
// messages with their parameters (router and network-number messages; the security messages
// 0x0a–0x11 show only their type here). An APDU goes on to bacapp.ts, a message's rest to data.
import { dissectBacapp } from './bacapp.ts';
import { dissectData } from './data.ts';
import { bool, bytes, ether, fields, hex, names, proto, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const MESSAGES = names({
  0x00: 'Who-Is-Router-To-Network',
  0x01: 'I-Am-Router-To-Network',
  0x02: 'I-Could-Be-Router-To-Network',
  0x03: 'Reject-Message-To-Network',
  0x04: 'Router-Busy-To-Network',
  0x05: 'Router-Available-To-Network',
  0x06: 'Initialize-Routing-Table',
  0x07: 'Initialize-Routing-Table-Ack',
  0x08: 'Establish-Connection-To-Network',
  0x09: 'Disconnect-Connection-To-Network',
  0x0a: 'Challenge-Request',
  0x0b: 'Security-Payload',
  0x0c: 'Security-Response',
  0x0d: 'Request-Key-Update',
  0x0e: 'Update-Keyset',
  0x0f: 'Update-distribution-Key',
  0x10: 'Request-Masterkey',
  0x11: 'Set-Masterkey',
  0x12: 'What-Is-Networknumber',
  0x13: 'Networknumber-Is',
});
const REJECT_REASONS = names({
  0: 'Other error.',
  1: 'The router is not directly connected to DNET and cannot find a router to DNET on any directly connected network using Who-Is-Router-To-Network messages.',
  2: 'The router is busy and unable to accept messages for the specified DNET at the present time.',
  3: 'It is an unknown network layer message type.',
  4: 'The message is too long to be routed to this DNET.',
  5: 'The router is no longer directly connected to DNET but can reconnect if requested.',
  6: 'The router is no longer directly connected to DNET and cannot reconnect even if requested.',
});
const ZERO_OR_ONE = ['Shall be zero, but is one.', 'Shall be zero and is zero.'] as const;

export const F = fields('bacnet', {
  '': proto('Building Automation and Control Network NPDU'),
  version: uint('Version', 8),
  control: hex('Control', 8),
  control_net: bool('NSDU contains', 8, 0x80, {
    tf: ['network layer message, message type field present.', 'BACnet APDU, message type field absent.'],
  }),
  control_res1: bool('Reserved', 8, 0x40, { tf: ZERO_OR_ONE }),
  control_dest: bool('Destination Specifier', 8, 0x20, {
    tf: [
      'DNET, DLEN and Hop Count present. If DLEN=0: broadcast, dest. address field absent.',
      'DNET, DLEN, DADR and Hop Count absent.',
    ],
  }),
  control_res2: bool('Reserved', 8, 0x10, { tf: ZERO_OR_ONE }),
  control_src: bool('Source specifier', 8, 0x08, {
    tf: [
      'SNET, SLEN and SADR present, SLEN=0 invalid, SLEN specifies length of SADR',
      'SNET, SLEN and SADR absent',
    ],
  }),
  control_expect: bool('Expecting Reply', 8, 0x04, {
    tf: [
      'BACnet-Confirmed-Request-PDU, a segment of BACnet-ComplexACK-PDU or Network Message expecting a reply present.',
      'Other than a BACnet-Confirmed-Request-PDU, segment of BACnet-ComplexACK-PDU or network layer message expecting a reply present.',
    ],
  }),
  control_prio_high: bool('Priority', 8, 0x02, {
    tf: ['Life Safety or Critical Equipment message.', 'Not a Life Safety or Critical Equipment message.'],
  }),
  control_prio_low: bool('Priority', 8, 0x01, { tf: ['Urgent message', 'Normal message'] }),
  dnet: uint('Destination Network Address', 16),
  dlen: uint('Destination MAC Layer Address Length', 8),
  dadr_eth: ether('Destination ISO 8802-3 MAC Address'),
  dadr_mstp: uint('DADR', 8),
  dadr_tmp: bytes('Unknown Destination MAC'),
  snet: uint('Source Network Address', 16),
  slen: uint('Source MAC Layer Address Length', 8),
  sadr_eth: ether('SADR'),
  sadr_mstp: uint('SADR', 8),
  sadr_tmp: bytes('Unknown Source MAC'),
  hopc: uint('Hop Count', 8),
  mesgtyp: hex('Network Layer Message Type', 8, { strings: MESSAGES }),
  vendor: uint('Vendor ID', 16),
  perf: uint('Performance Index', 8),
  rejectreason: uint('Reject Reason', 8, { strings: REJECT_REASONS }),
  rportnum: uint('Number of Port Mappings', 8),
  pinfolen: uint('Port Info Length', 8),
  pinfo: bytes('Port Inf'),
  portid: hex('Port ID', 8),
  term_time_value: uint('Termination Time Value (seconds)', 8),
  netno_status: uint('Network number status (enumerated)', 8),
});

const CONTROL_FLAGS = [
  F.control_net,
  F.control_res1,
  F.control_dest,
  F.control_res2,
  F.control_src,
  F.control_expect,
  F.control_prio_high,
  F.control_prio_low,
];

/** A message type's name as Info shows it (unnamed ones by their range). */
function messageName(type: number): string {
  return MESSAGES.get(type) ?? (type < 0x80 ? 'Reserved for Use by ASHRAE' : 'Vendor Proprietary Message');
}

export function dissectBacnet(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('bacnet');
  pinfo.currentProto = 'BACnet';
  pinfo.setProto('BACnet-NPDU');
  if (pinfo.wantInfo) pinfo.setInfo('Building Automation and Control Network NPDU');
  const version = tvb.u8(o);
  const control = tvb.u8(o + 1);

  tree.push(F[''], tvb, o, tvb.remaining(o));
  tree.add(F.version, tvb, o, 1, version);
  if (tree.full)
    tree.labelLast(`Version: 0x${hex2(version)} (${version === 1 ? 'ASHRAE 135-1995' : 'unknown'})`);
  controlOctet(tvb, tree, o + 1, control);
  let at = o + 2;
  if (control & 0x20) {
    tree.add(F.dnet, tvb, at, 2, tvb.u16(at));
    at += 2;
    const dlen = tvb.u8(at);
    if (dlen === 0) {
      tree.add(F.dlen, tvb, at, 1, dlen);
      if (tree.full) tree.labelLast(`${F.dlen.name}: 0 indicates Broadcast on Destination Network`);
      at++;
    } else if (dlen < 7) {
      tree.add(F.dlen, tvb, at, 1, dlen);
      at++;
      tvb.need(at, dlen);
      if (dlen === 6) tree.add(F.dadr_eth, tvb, at, 6);
      else if (dlen === 1) tree.add(F.dadr_mstp, tvb, at, 1, tvb.u8(at));
      else tree.add(F.dadr_tmp, tvb, at, dlen);
      at += dlen;
    } else {
      // Wireshark steps over neither the length nor an address here.
      tree.add(F.dlen, tvb, at, 1, dlen);
      if (tree.full) tree.labelLast(`${F.dlen.name}: ${dlen} invalid!`);
    }
  }
  if (control & 0x08) {
    tree.add(F.snet, tvb, at, 2, tvb.u16(at));
    at += 2;
    const slen = tvb.u8(at);
    tree.add(F.slen, tvb, at, 1, slen);
    at++;
    if (slen === 0 || slen > 6) {
      if (tree.full) tree.labelLast(`${F.slen.name}: ${slen} invalid!`);
    } else {
      tvb.need(at, slen);
      if (slen === 6) tree.add(F.sadr_eth, tvb, at, 6);
      else if (slen === 1) tree.add(F.sadr_mstp, tvb, at, 1, tvb.u8(at));
      else tree.add(F.sadr_tmp, tvb, at, slen);
      at += slen;
    }
  }
  if (control & 0x20) {
    tree.add(F.hopc, tvb, at, 1, tvb.u8(at));
    at++;
  }
  if (control & 0x80) {
    const type = tvb.u8(at);
    tree.add(F.mesgtyp, tvb, at, 1, type);
    if (tree.full) tree.labelLast(`${F.mesgtyp.name}: ${messageName(type)} (0x${hex2(type)})`);
    if (pinfo.wantInfo) pinfo.setInfo(messageName(type));
    at++;
    if (type >= 0x0a && type <= 0x11) {
      // The security wrapper is not decoded: stop after the type.
      tree.pop(at - o);
      return tvb.remaining(o);
    }
    at = message(tvb, tree, at, type);
  }
  tree.pop(at - o);
  const payload = tvb.sub(at);
  if (control & 0x80) dissectData(payload, pinfo, tree);
  else dissectBacapp(payload, pinfo, tree);
  return tvb.remaining(o);
}

const hex2 = (v: number): string => v.toString(16).padStart(2, '0');

/** The control octet as proto_tree_add_bitmask draws it: the names of the set flags after the value. */
function controlOctet(tvb: Tvb, tree: Tree, at: number, control: number): void {
  tree.push(F.control, tvb, at, 1, control);
  if (tree.full) {
    const set = CONTROL_FLAGS.filter((d) => control & (d.mask ?? 0)).map((d) => d.name);
    tree.label(`Control: 0x${hex2(control)}${set.length ? `, ${set.join(', ')}` : ''}`);
  }
  for (const d of CONTROL_FLAGS) tree.add(d, tvb, at, 1, (control & (d.mask ?? 0)) !== 0);
  tree.pop();
}

/** A network layer message's parameters after its type; returns where they end. */
function message(tvb: Tvb, tree: Tree, at: number, type: number): number {
  if (type > 0x7f) {
    tree.add(F.vendor, tvb, at, 2, tvb.u16(at));
    return at + 2;
  }
  switch (type) {
    case 0x02:
      tree.add(F.dnet, tvb, at, 2, tvb.u16(at));
      tree.add(F.perf, tvb, at + 2, 1, tvb.u8(at + 2));
      return at + 3;
    case 0x03:
      tree.add(F.rejectreason, tvb, at, 1, tvb.u8(at));
      tree.add(F.dnet, tvb, at + 1, 2, tvb.u16(at + 1));
      return at + 3;
    case 0x00:
    case 0x01:
    case 0x04:
    case 0x05:
      while (tvb.reportedRemaining(at) > 1) {
        tree.add(F.dnet, tvb, at, 2, tvb.u16(at));
        at += 2;
      }
      return at;
    case 0x06:
    case 0x07: {
      const ports = tvb.u8(at);
      tree.add(F.rportnum, tvb, at, 1, ports);
      at++;
      for (let i = 0; i < ports; i++) {
        tree.add(F.dnet, tvb, at, 2, tvb.u16(at));
        tree.add(F.portid, tvb, at + 2, 1, tvb.u8(at + 2));
        const len = tvb.u8(at + 3);
        tree.add(F.pinfolen, tvb, at + 3, 1, len);
        at += 4;
        tvb.need(at, len);
        tree.add(F.pinfo, tvb, at, len);
        at += len;
      }
      return at;
    }
    case 0x08:
      tree.add(F.dnet, tvb, at, 2, tvb.u16(at));
      tree.add(F.term_time_value, tvb, at + 2, 1, tvb.u8(at + 2));
      return at + 3;
    case 0x09:
      tree.add(F.dnet, tvb, at, 2, tvb.u16(at));
      return at + 2;
    case 0x13:
      tree.add(F.dnet, tvb, at, 2, tvb.u16(at));
      tree.add(F.netno_status, tvb, at + 2, 1, tvb.u8(at + 2));
      return at + 3;
    default:
      return at;
  }
}

export const bacnetModule = { fields: F };
