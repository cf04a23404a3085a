// Internet Security Association and Key Management Protocol, IKEv1 (RFC 2408) and IKEv2
// (RFC 7296), on UDP 500 and after UDP 4500's non-ESP marker: the header, which names the
// exchange in Info as tshark does. The payloads after it are shown as one block, not decoded.
import { bool, bytes, fields, hex, names, proto, uint } from './field.ts';
import { dissectData } from './data.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

export const UDP_PORT_ISAKMP = 500;
const HEADER = 28;

const PAYLOADS = names({
  0: 'NONE / No Next Payload ',
  1: 'Security Association',
  2: 'Proposal',
  3: 'Transform',
  4: 'Key Exchange',
  5: 'Identification',
  6: 'Certificate',
  7: 'Certificate Request',
  8: 'Hash',
  9: 'Signature',
  10: 'Nonce',
  11: 'Notification',
  12: 'Delete',
  13: 'Vendor ID',
  14: 'Attributes',
  15: 'SA KEK Payload',
  16: 'SA TEK Payload',
  17: 'Key Download',
  18: 'Sequence Number',
  19: 'Proof of Possession',
  20: 'NAT-D (RFC 3947)',
  21: 'NAT-OA (RFC 3947)',
  22: 'Group Associated Policy',
  33: 'Security Association',
  34: 'Key Exchange',
  35: 'Identification - Initiator',
  36: 'Identification - Responder',
  37: 'Certificate',
  38: 'Certificate Request',
  39: 'Authentication',
  40: 'Nonce',
  41: 'Notify',
  42: 'Delete',
  43: 'Vendor ID',
  44: 'Traffic Selector - Initiator',
  45: 'Traffic Selector - Responder',
  46: 'Encrypted and Authenticated',
  47: 'Configuration',
  48: 'Extensible Authentication',
  49: 'Generic Secure Password Method',
  50: 'Group Identification',
  51: 'Group Security Association',
  52: 'Key Download',
  53: 'Encrypted and Authenticated Fragment',
  130: 'NAT-D (draft-ietf-ipsec-nat-t-ike-01 to 03)',
  131: 'NAT-OA (draft-ietf-ipsec-nat-t-ike-01 to 03)',
  132: 'Cisco-Fragmentation',
});

const EXCHANGES_V1 = names({
  0: 'NONE',
  1: 'Base',
  2: 'Identity Protection (Main Mode)',
  3: 'Authentication Only',
  4: 'Aggressive',
  5: 'Informational',
  6: 'Transaction (Config Mode)',
  32: 'Quick Mode',
  33: 'New Group Mode',
});

const EXCHANGES_V2 = names({
  34: 'IKE_SA_INIT',
  35: 'IKE_AUTH',
  36: 'CREATE_CHILD_SA',
  37: 'INFORMATIONAL',
  38: 'IKE_SESSION_RESUME',
  39: 'GSA_AUTH',
  40: 'GSA_REGISTRATION',
  41: 'GSA_REKEY',
  43: 'IKE_INTERMEDIATE',
  44: 'IKE_FOLLOWUP_KE',
});

export const F = fields('isakmp', {
  '': proto('Internet Security Association and Key Management Protocol'),
  ispi: bytes('Initiator SPI'),
  rspi: bytes('Responder SPI'),
  nextpayload: uint('Next payload', 8, { strings: PAYLOADS }),
  version: hex('Version', 8),
  mjver: hex('MjVer', 8, { mask: 0xf0 }),
  mnver: hex('MnVer', 8, { mask: 0x0f }),
  exchangetype: uint('Exchange type', 8),
  flags: hex('Flags', 8),
  flag_e: bool('Encryption', 8, 0x01, { tf: ['Encrypted', 'Not encrypted'] }),
  flag_c: bool('Commit', 8, 0x02, { tf: ['Commit', 'No commit'] }),
  flag_a: bool('Authentication', 8, 0x04, { tf: ['Authentication', 'No authentication'] }),
  flag_i: bool('Initiator', 8, 0x08, { tf: ['Initiator', 'Responder'] }),
  flag_v: bool('Version', 8, 0x10, { tf: ['A higher version enabled', 'No higher version'] }),
  flag_r: bool('Response', 8, 0x20, { tf: ['Response', 'Request'] }),
  messageid: hex('Message ID', 32),
  length: uint('Length', 32),
});

const V1_FLAGS = [F.flag_e, F.flag_c, F.flag_a];
const V2_FLAGS = [F.flag_i, F.flag_v, F.flag_r];

export function dissectISAKMP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.setProto('ISAKMP');
  if (pinfo.wantInfo) pinfo.setInfo('');
  // Shorter than a header: tshark names the column and shows the bytes as data.
  if (tvb.reportedRemaining(o) < HEADER) {
    dissectData(tvb, pinfo, tree);
    return tvb.remaining(o);
  }
  pinfo.layers.push('isakmp');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  tree.add(F.ispi, tvb, o, 8);
  tree.add(F.rspi, tvb, o + 8, 8);
  tree.add(F.nextpayload, tvb, o + 16, 1, tvb.u8(o + 16));
  const version = tvb.u8(o + 17);
  const major = version >> 4;
  tree.push(F.version, tvb, o + 17, 1, version);
  if (tree.full) tree.label(`Version: ${major}.${version & 0x0f}`);
  tree.add(F.mjver, tvb, o + 17, 1, major);
  tree.add(F.mnver, tvb, o + 17, 1, version & 0x0f);
  tree.pop();
  const exchange = tvb.u8(o + 18);
  const table = major === 1 ? EXCHANGES_V1 : major === 2 ? EXCHANGES_V2 : null;
  if (table) {
    tree.add(F.exchangetype, tvb, o + 18, 1, exchange);
    if (tree.full) tree.labelLast(`Exchange type: ${table.get(exchange) ?? 'Unknown'} (${exchange})`);
  }
  const flags = tvb.u8(o + 19);
  addFlags(tvb, o + 19, flags, major, tree);
  const mid = tvb.u32(o + 20);
  tree.add(F.messageid, tvb, o + 20, 4, mid);
  tree.add(F.length, tvb, o + 24, 4, tvb.u32(o + 24));
  tree.pop();
  if (pinfo.wantInfo && table) {
    const name = table.get(exchange) ?? `Unknown ${exchange}`;
    if (major === 1) pinfo.setInfo(name);
    else {
      const who = flags & 0x08 ? 'Initiator' : 'Responder';
      const what = flags & 0x20 ? 'Response' : 'Request';
      pinfo.setInfo(`${name} MID=${String(mid).padStart(2, '0')} ${who} ${what}`);
    }
  }
  return tvb.remaining(o);
}

function addFlags(tvb: Tvb, at: number, flags: number, major: number, tree: Tree): void {
  const defs = major === 1 ? V1_FLAGS : major === 2 ? V2_FLAGS : [];
  tree.push(F.flags, tvb, at, 1, flags);
  for (const def of defs) tree.add(def, tvb, at, 1, (flags & (def.mask as number)) !== 0);
  if (tree.full && major === 2) {
    const [i, v, r] = V2_FLAGS.map((d) => {
      const [yes, no] = d.tf ?? ['', ''];
      return flags & (d.mask as number) ? yes : no;
    });
    tree.label(`Flags: 0x${flags.toString(16).padStart(2, '0')} (${i}, ${v}, ${r})`);
  }
  tree.pop();
}

export const isakmpModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', UDP_PORT_ISAKMP, dissectISAKMP);
  },
};
