// BACnet Virtual Link Control (ASHRAE 135 Annex J, BACnet/IP) on UDP 47808, as tshark 4.0 shows
// it: type, function, length, the function's own fields (result code, broadcast distribution and
// foreign device tables, the originating address of a Forwarded-NPDU), then the NPDU (bacnet.ts)
// of the functions that carry one; and BACnet/IPv6 (Annex U, type 0x82) with its virtual
// addresses. The Secure-BVLL wrappers (BACnet security) are not decoded.
import { dissectBacnet } from './bacnet.ts';
import { dissectData } from './data.ts';
import { bytes, fields, hex, ipv4, ipv6, names, proto, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import { MalformedError, TruncatedError, type Tvb } from './tvb.ts';

const PORT = 0xbac0;
const ANNEX_J = 0x81;

const FUNCTIONS = names({
  0x00: 'BVLC-Result',
  0x01: 'Write-Broadcast-Distribution-Table',
  0x02: 'Read-Broadcast-Distribution-Table',
  0x03: 'Read-Broadcast-Distribution-Table-Ack',
  0x04: 'Forwarded-NPDU',
  0x05: 'Register-Foreign-Device',
  0x06: 'Read-Foreign-Device-Table',
  0x07: 'Read-Foreign-Device-Table-Ack',
  0x08: 'Delete-Foreign-Device-Table-Entry',
  0x09: 'Distribute-Broadcast-To-Network',
  0x0a: 'Original-Unicast-NPDU',
  0x0b: 'Original-Broadcast-NPDU',
  0x0c: 'Secured-BVLL',
});
const RESULTS = names({
  0x00: 'Successful completion',
  0x10: 'Write-Broadcast-Distribution-Table NAK',
  0x20: 'Read-Broadcast-Distribution-Table NAK',
  0x30: 'Register-Foreign-Device NAK',
  0x40: 'Read-Foreign-Device-Table NAK',
  0x50: 'Delete-Foreign-Device-Table-Entry NAK',
  0x60: 'Distribute-Broadcast-To-Network NAK',
});

const FUNCTIONS_IPV6 = names({
  0x00: 'BVLC-Result',
  0x01: 'Original-Unicast-NPDU',
  0x02: 'Original-Broadcast-NPDU',
  0x03: 'Address-Resolution',
  0x04: 'Forwarded-Address-Resolution',
  0x05: 'Address-Resolution-ACK',
  0x06: 'Virtual-Address-Resolution',
  0x07: 'Virtual-Address-Resolution-ACK',
  0x08: 'Forwarded-NPDU',
  0x09: 'Register-Foreign-Device',
  0x0a: 'Delete-Foreign-Device-Table-Entry',
  0x0b: 'Secure-BVLL',
  0x0c: 'Distribute-Broadcast-To-Network',
});
const RESULTS_IPV6 = names({
  0x00: 'Successful completion',
  0x30: 'Address-Resolution NAK',
  0x60: 'Virtual-Address-Resolution NAK',
  0x90: 'Register-Foreign-Device NAK',
  0xa0: 'Delete-Foreign-Device-Table-Entry NAK',
  0xc0: 'Distribute-Broadcast-To-Network NAK',
});

export const F = fields('bvlc', {
  '': proto('BACnet Virtual Link Control'),
  type: hex('Type', 8, { strings: names({ 0x81: 'BACnet/IP (Annex J)', 0x82: 'BACnet/IPV6 (Annex U)' }) }),
  function: hex('Function', 8, { strings: FUNCTIONS }),
  length: uint('BVLC-Length', 16),
  result: hex('Result', 16, { strings: RESULTS }),
  bdt_ip: ipv4('IP'),
  bdt_port: uint('Port', 16),
  bdt_mask: bytes('Mask'),
  reg_ttl: uint('TTL', 16),
  fdt_ip: ipv4('IP'),
  fdt_port: uint('Port', 16),
  fdt_ttl: uint('TTL', 16),
  fdt_timeout: uint('Timeout', 16),
  fwd_ip: ipv4('IP'),
  fwd_port: uint('Port', 16),
  function_ipv6: hex('Function', 8, { strings: FUNCTIONS_IPV6 }),
  virtual_source: uint('BVLC-Virtual-Source', 24, { base: 'dec_hex' }),
  virtual_dest: uint('BVLC-Virtual-Destination', 24, { base: 'dec_hex' }),
  fdt_ipv6: ipv6('IP'),
  orig_source_addr: ipv6('IP'),
  orig_source_port: uint('Port', 16),
});
/** Annex U's result codes: the same filter name as Annex J's, other names. */
const F6 = fields('bvlc', { result: hex('Result', 16, { strings: RESULTS_IPV6 }) });

/** Functions whose payload is an NPDU (the tables packet-bacnet.c fills), per annex. */
const CARRIES_NPDU = new Set([0x04, 0x09, 0x0a, 0x0b]);
const CARRIES_NPDU_IPV6 = new Set([0x01, 0x02, 0x08, 0x0c]);
/** Annex U's header length per function. */
const LENGTHS_IPV6 = [9, 10, 7, 10, 28, 10, 7, 10, 25, 9, 25, 4, 7];

const CONTAINED = 'length of contained item exceeds length of containing item';

export function dissectBvlc(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  const type = tvb.u8(o);
  if (type !== ANNEX_J && type !== 0x82) return 0;
  // Columns before the checks that may still decline (Wireshark sets them first, too).
  pinfo.setProto('BVLC');
  if (pinfo.wantInfo) pinfo.setInfo('BACnet Virtual Link Control');
  pinfo.layers.push('bvlc');
  pinfo.currentProto = 'BVLC';
  if (type !== ANNEX_J) return annexU(tvb, pinfo, tree);
  const func = tvb.u8(o + 1);
  const packetLength = tvb.u16(o + 2);
  const bvlcLength = func > 0x08 ? 4 : func === 0x04 ? 10 : packetLength;
  if (bvlcLength < 4 || bvlcLength > packetLength) {
    pinfo.layers.pop();
    return 0;
  }
  commonHeader(tvb, pinfo, tree, FUNCTIONS, bvlcLength);
  let at = o + 4;
  const end = o + bvlcLength;
  switch (func) {
    case 0x00:
      tree.add(F.result, tvb, at, 2, tvb.u16(at));
      break;
    case 0x01:
    case 0x03:
      tree.push(F[''], tvb, at, bvlcLength - 4);
      while (end - at > 9) {
        tree.add(F.bdt_ip, tvb, at, 4, tvb.u32(at));
        tree.add(F.bdt_port, tvb, at + 4, 2, tvb.u16(at + 4));
        tvb.need(at + 6, 4);
        tree.add(F.bdt_mask, tvb, at + 6, 4);
        at += 10;
      }
      tree.pop();
      break;
    case 0x05:
      tree.add(F.reg_ttl, tvb, at, 2, tvb.u16(at));
      break;
    case 0x07:
      tree.push(F[''], tvb, at, bvlcLength - 4);
      while (end - at > 9) {
        tree.add(F.fdt_ip, tvb, at, 4, tvb.u32(at));
        tree.add(F.fdt_port, tvb, at + 4, 2, tvb.u16(at + 4));
        tree.add(F.fdt_ttl, tvb, at + 6, 2, tvb.u16(at + 6));
        tree.add(F.fdt_timeout, tvb, at + 8, 2, tvb.u16(at + 8));
        at += 10;
      }
      tree.pop();
      break;
    case 0x08:
      tree.add(F.fdt_ip, tvb, at, 4, tvb.u32(at));
      tree.add(F.fdt_port, tvb, at + 4, 2, tvb.u16(at + 4));
      break;
    case 0x04:
      tree.add(F.fwd_ip, tvb, at, 4, tvb.u32(at));
      tree.add(F.fwd_port, tvb, at + 4, 2, tvb.u16(at + 4));
      break;
  }
  tree.pop();
  tvb.claim(tvb.reportedRemaining(o));

  // tvb_new_subset_length: the payload may not start past the datagram's end.
  const start = o + bvlcLength;
  if (start > tvb.reportedEnd) throw new MalformedError('Malformed Packet', tvb.reportedEnd);
  const payload = tvb.sub(start, packetLength - bvlcLength);
  if (!CARRIES_NPDU.has(func)) {
    dissectData(payload, pinfo, tree);
    return tvb.reportedRemaining(o);
  }
  try {
    dissectBacnet(payload, pinfo, tree);
  } catch (err) {
    // Past the datagram's end but within the BVLC length: Wireshark's contained-length error.
    if (err instanceof TruncatedError && o + packetLength > tvb.reportedEnd && tvb.end === tvb.reportedEnd)
      throw new MalformedError('Malformed Packet', err.offset, CONTAINED);
    throw err;
  }
  return tvb.reportedRemaining(o);
}

/** The header's first three fields and its length line, and the function in Info. */
function commonHeader(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  functions: ReadonlyMap<number, string>,
  bvlcLength: number,
): void {
  const o = tvb.start;
  const func = tvb.u8(o + 1);
  const packetLength = tvb.u16(o + 2);
  const remaining = tvb.reportedRemaining(o);
  // tshark 4.0 names an Annex U function by Annex J's table in Info.
  if (pinfo.wantInfo) pinfo.setInfo(`${pinfo.info} BVLC Function ${FUNCTIONS.get(func) ?? 'unknown'} `);
  tree.push(F[''], tvb, o, Math.min(bvlcLength, tvb.remaining(o)));
  tree.add(F.type, tvb, o, 1, tvb.u8(o));
  tree.add(functions === FUNCTIONS ? F.function : F.function_ipv6, tvb, o + 1, 1, func);
  tree.add(F.length, tvb, o + 2, 2, bvlcLength);
  if (tree.full) {
    const how =
      remaining !== packetLength ? `(invalid length - expected ${remaining} bytes)` : 'BACnet packet length';
    tree.labelLast(`BVLC-Length: ${bvlcLength} of ${packetLength} bytes ${how}`);
  }
}

/** BACnet/IPv6 (Annex U): virtual addresses, then an NPDU for the functions that carry one. */
function annexU(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  const func = tvb.u8(o + 1);
  const packetLength = tvb.u16(o + 2);
  const bvlcLength = LENGTHS_IPV6[func] ?? 0;
  if (bvlcLength > packetLength) {
    pinfo.layers.pop();
    return 0;
  }
  commonHeader(tvb, pinfo, tree, FUNCTIONS_IPV6, bvlcLength);
  let at = o + 4;
  if (func === 0x0b) {
    // Secure-BVLL: the security wrapper is not decoded.
    tree.pop();
    return tvb.reportedRemaining(o);
  }
  tree.add(F.virtual_source, tvb, at, 3, tvb.u24(at));
  at += 3;
  switch (func) {
    case 0x00:
      tree.add(F6.result, tvb, at, 2, tvb.u16(at));
      at += 2;
      break;
    case 0x01:
    case 0x03:
    case 0x05:
    case 0x07:
      tree.add(F.virtual_dest, tvb, at, 3, tvb.u24(at));
      at += 3;
      break;
    case 0x04:
      tree.add(F.virtual_dest, tvb, at, 3, tvb.u24(at));
      tvb.need(at + 3, 16);
      tree.add(F.orig_source_addr, tvb, at + 3, 16);
      tree.add(F.orig_source_port, tvb, at + 19, 2, tvb.u16(at + 19));
      at += 21;
      break;
    case 0x08:
      tvb.need(at, 16);
      tree.add(F.orig_source_addr, tvb, at, 16);
      tree.add(F.orig_source_port, tvb, at + 16, 2, tvb.u16(at + 16));
      at += 18;
      break;
    case 0x09:
      tree.add(F.reg_ttl, tvb, at, 2, tvb.u16(at));
      at += 2;
      break;
    case 0x0a:
      tvb.need(at, 16);
      tree.add(F.fdt_ipv6, tvb, at, 16);
      tree.add(F.fdt_port, tvb, at + 16, 2, tvb.u16(at + 16));
      at += 18;
      break;
  }
  tree.pop();
  tvb.claim(tvb.reportedRemaining(o));
  // tshark 4.0 hands on the rest of the datagram, whatever the BVLC length says.
  const payload = tvb.sub(at);
  if (CARRIES_NPDU_IPV6.has(func)) dissectBacnet(payload, pinfo, tree);
  else dissectData(payload, pinfo, tree);
  return tvb.reportedRemaining(o);
}

export const bvlcModule = {
  fields: { ...F, result_ip6: F6.result },
  handoff(reg: Registry): void {
    reg.register('udpPort', PORT, dissectBvlc);
  },
};
