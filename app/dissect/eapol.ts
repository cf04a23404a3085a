// IEEE 802.1X EAPOL (ethertype 0x888e, `eapol`) and the EAP packets it carries (`eap`): the
// EAPOL header, EAP's code, identifier, length and method type (an Identity's text), and the
// key descriptors of EAPOL-Key (RC4, and the RSN/WPA ones 802.11's 4-way handshake uses).
import { bool, bytes, fields, hex, names, proto, str, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { dissectData } from './data.ts';

const EAPOL_TYPES = names({
  0: 'EAP Packet',
  1: 'Start',
  2: 'Logoff',
  3: 'Key',
  4: 'Encapsulated ASF Alert',
  5: 'MKA',
  6: 'Announcement (Generic)',
  7: 'Announcement (Specific)',
  8: 'Announcement Request',
});
const EAP_CODES = names({
  1: 'Request',
  2: 'Response',
  3: 'Success',
  4: 'Failure',
  5: 'Initiate',
  6: 'Finish',
});
export const EAP_TYPES = names({
  1: 'Identity',
  2: 'Notification',
  3: 'Legacy Nak (Response Only)',
  4: 'MD5-Challenge EAP (EAP-MD5-CHALLENGE)',
  5: 'One-Time Password EAP (EAP-OTP)',
  6: 'Generic Token Card EAP (EAP-GTC)',
  7: 'Allocated',
  8: 'Allocated',
  9: 'RSA Public Key Authentication EAP (EAP-RSA-PKA)',
  10: 'DSS Unilateral EAP (EAP-DSS)',
  11: 'KEA EAP (EAP-KEA)',
  12: 'KEA Validate EAP (EAP-KEA-VALIDATE)',
  13: 'TLS EAP (EAP-TLS)',
  14: 'Defender Token EAP (EAP-AXENT)',
  15: 'RSA Security SecurID EAP (EAP-RSA-SECURID)',
  16: 'Arcot Systems EAP (EAP-ARCOT-SYSTEMS)',
  17: 'Cisco Wireless EAP / Lightweight EAP (EAP-LEAP)',
  18: 'GSM Subscriber Identity Modules EAP (EAP-SIM)',
  19: 'Secure Remote Password SHA1 Part 1 EAP (EAP-SRP-SHA1-PART1)',
  20: 'Secure Remote Password SHA1 Part 2 EAP (EAP-SRP-SHA1-PART2)',
  21: 'Tunneled TLS EAP (EAP-TTLS)',
  22: 'Remote Access Service EAP (EAP-RAS)',
  23: 'UMTS Authentication and Key Agreement EAP (EAP-AKA)',
  24: '3Com Wireless EAP (EAP-3COM-WIRELESS)',
  25: 'Protected EAP (EAP-PEAP)',
  26: 'MS-Authentication EAP (EAP-MS-AUTH)',
  27: 'Mutual Authentication w/Key Exchange EAP (EAP-MAKE)',
  28: 'CRYPTOCard EAP (EAP-CRYPTOCARD)',
  29: 'MS-CHAP-v2 EAP (EAP-MS-CHAP-V2)',
  30: 'DynamID EAP (EAP-DYNAMID)',
  31: 'Rob EAP (EAP-ROB)',
  32: 'Protected One-Time Password EAP (EAP-POTP)',
  33: 'MS-Authentication TLV EAP (EAP-MS-AUTH-TLV)',
  34: 'SentriNET (EAP-SENTRINET)',
  35: 'Actiontec Wireless EAP (EAP-ACTIONTEC-WIRELESS)',
  36: 'Cogent Systems Biometrics Authentication EAP (EAP-COGENT-BIOMETRIC)',
  37: 'AirFortress EAP (EAP-AIRFORTRESS)',
  38: 'HTTP Digest EAP (EAP-HTTP-DIGEST)',
  39: 'SecureSuite EAP (EAP-SECURESUITE)',
  40: 'DeviceConnect EAP (EAP-DEVICECONNECT)',
  41: 'Simple Password Exponential Key Exchange EAP (EAP-SPEKE)',
  42: 'MOBAC EAP (EAP-MOBAC)',
  43: 'Flexible Authentication via Secure Tunneling EAP (EAP-FAST)',
  44: 'ZoneLabs EAP (EAP-ZLXEAP)',
  45: 'Link EAP (EAP-LINK)',
  46: 'Password Authenticated eXchange EAP (EAP-PAX)',
  47: 'Pre-Shared Key EAP (EAP-PSK)',
  48: 'Shared-secret Authentication and Key Establishment EAP (EAP-SAKE)',
  49: 'Internet Key Exchange v2 EAP (EAP-IKEv2)',
  50: "UMTS Authentication and Key Agreement' EAP (EAP-AKA')",
  51: 'Generalized Pre-Shared Key EAP (EAP-GPSK)',
  52: 'Password EAP (EAP-pwd)',
  53: 'Encrypted Key Exchange v1 EAP (EAP-EKEv1)',
  55: 'Tunneled EAP protocol',
  254: 'Expanded Type',
  255: 'Experimental',
});
const KEY_DESCRIPTORS = names({ 1: 'RC4 Descriptor', 2: 'EAPOL RSN Key', 254: 'EAPOL WPA Key' });
const KEYDES_VERSIONS = names({
  0: 'AKM defined',
  1: 'RC4 Cipher, HMAC-MD5 MIC',
  2: 'AES Cipher, HMAC-SHA1 MIC',
  3: 'AES Cipher, AES-128-CMAC MIC',
});

export const F = fields('eapol', {
  '': proto('802.1X Authentication'),
  version: uint('Version', 8, { strings: names({ 1: '802.1X-2001', 2: '802.1X-2004', 3: '802.1X-2010' }) }),
  type: uint('Type', 8, { strings: EAPOL_TYPES }),
  len: uint('Length', 16),
  'keydes.type': uint('Key Descriptor Type', 8, { strings: KEY_DESCRIPTORS }),
  'keydes.key_len': uint('Key Length', 16),
  'keydes.replay_counter': uint('Replay Counter', 64),
  'keydes.key_iv': bytes('Key IV'),
  'keydes.key_index': hex('Key Index', 8),
  'keydes.key_index.type': bool('Type', 8, 0x80, { tf: ['Unicast', 'Broadcast'] }),
  'keydes.key_index.number': uint('Number', 8, { mask: 0x7f }),
  'keydes.key_signature': bytes('Key Signature'),
  'keydes.key': bytes('Key'),
  'keydes.key.generated_locally': bool('Key Generated Locally', 0, 0, { tf: ['True', 'False'] }),
  'keydes.body': bytes('Key Descriptor Body'),
});

const RSNA = fields('wlan_rsna_eapol', {
  'keydes.msgnr': uint('Message number', 8, { generated: true }),
  'keydes.key_info': hex('Key Information', 16),
  'keydes.key_info.keydes_version': uint('Key Descriptor Version', 16, {
    mask: 0x0007,
    strings: KEYDES_VERSIONS,
  }),
  'keydes.key_info.key_type': bool('Key Type', 16, 0x0008, { tf: ['Pairwise Key', 'Group Key'] }),
  'keydes.key_info.key_index': uint('Key Index', 16, { mask: 0x0030 }),
  'keydes.key_info.install': bool('Install', 16, 0x0040),
  'keydes.key_info.key_ack': bool('Key ACK', 16, 0x0080),
  'keydes.key_info.key_mic': bool('Key MIC', 16, 0x0100),
  'keydes.key_info.secure': bool('Secure', 16, 0x0200),
  'keydes.key_info.error': bool('Error', 16, 0x0400),
  'keydes.key_info.request': bool('Request', 16, 0x0800),
  'keydes.key_info.encrypted_key_data': bool('Encrypted Key Data', 16, 0x1000),
  'keydes.key_info.smk_message': bool('SMK Message', 16, 0x2000),
  'keydes.nonce': bytes('WPA Key Nonce'),
  'keydes.rsc': bytes('WPA Key RSC'),
  'keydes.id': bytes('WPA Key ID'),
  'keydes.mic': bytes('WPA Key MIC'),
  'keydes.data_len': uint('WPA Key Data Length', 16),
  'keydes.data': bytes('WPA Key Data'),
});

export const EAP = fields('eap', {
  '': proto('Extensible Authentication Protocol'),
  code: uint('Code', 8, { strings: EAP_CODES }),
  id: uint('Id', 8),
  len: uint('Length', 16),
  type: uint('Type', 8, { strings: EAP_TYPES }),
  identity: str('Identity'),
  desired_type: uint('Desired Auth Type', 8, { strings: EAP_TYPES }),
});

const EAPOL_KEY = 3;
const EAPOL_EAP = 0;

export function dissectEapol(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('eapol');
  pinfo.setProto('EAPOL');
  const version = tvb.u8(o);
  const type = tvb.u8(o + 1);
  const length = tvb.u16(o + 2);
  if (pinfo.wantInfo)
    pinfo.setInfo(EAPOL_TYPES.get(type) ?? `Unknown Type (0x${type.toString(16).padStart(2, '0')})`);
  tvb.claim(4 + length);
  tree.push(F[''], tvb, o, Math.min(4 + length, tvb.remaining(o)), 'eapol');
  tree.add(F.version, tvb, o, 1, version);
  tree.add(F.type, tvb, o + 1, 1, type);
  tree.add(F.len, tvb, o + 2, 2, length);
  const body = tvb.sub(o + 4, length);
  if (type === EAPOL_KEY) {
    addKey(body, pinfo, tree);
    tree.pop();
    return 4 + length;
  }
  tree.pop();
  if (type === EAPOL_EAP && length > 0) dissectEap(body, pinfo, tree);
  else if (type === EAPOL_EAP) {
    // An EAP packet needs at least its code: an empty body is malformed, as tshark finds.
    dissectEap(body, pinfo, tree);
  } else if (length > 0) dissectData(body, pinfo, tree);
  return 4 + length;
}

function addKey(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  const type = tvb.u8(o);
  tree.add(F['keydes.type'], tvb, o, 1, type);
  if (type === 1) {
    const keyLen = tvb.u16(o + 1);
    tree.add(F['keydes.key_len'], tvb, o + 1, 2, keyLen);
    tree.add(F['keydes.replay_counter'], tvb, o + 3, 8, tvb.u64(o + 3));
    tree.add(F['keydes.key_iv'], tvb, o + 11, 16);
    tvb.need(o + 11, 16);
    const index = tvb.u8(o + 27);
    tree.push(F['keydes.key_index'], tvb, o + 27, 1, index);
    tree.add(F['keydes.key_index.type'], tvb, o + 27, 1, (index & 0x80) !== 0);
    tree.add(F['keydes.key_index.number'], tvb, o + 27, 1, index & 0x7f);
    tree.pop();
    tvb.need(o + 28, 16);
    tree.add(F['keydes.key_signature'], tvb, o + 28, 16);
    const rest = tvb.reportedRemaining(o + 44);
    if (rest > 0) tree.add(F['keydes.key'], tvb, o + 44, Math.min(rest, tvb.remaining(o + 44)));
    tree.add(F['keydes.key.generated_locally'], tvb, o + 44, 0, rest === 0);
    return;
  }
  if (type === 2 || type === 254) {
    const info = tvb.u16(o + 1);
    const message = keyMessage(info, tvb, o);
    tree.add(RSNA['keydes.msgnr'], tvb, o, 0, message);
    tree.push(RSNA['keydes.key_info'], tvb, o + 1, 2, info);
    tree.add(RSNA['keydes.key_info.keydes_version'], tvb, o + 1, 2, info & 0x07);
    tree.add(RSNA['keydes.key_info.key_type'], tvb, o + 1, 2, (info & 0x08) !== 0);
    tree.add(RSNA['keydes.key_info.key_index'], tvb, o + 1, 2, (info >> 4) & 0x03);
    for (const [key, mask] of [
      ['install', 0x40],
      ['key_ack', 0x80],
      ['key_mic', 0x100],
      ['secure', 0x200],
      ['error', 0x400],
      ['request', 0x800],
      ['encrypted_key_data', 0x1000],
      ['smk_message', 0x2000],
    ] as const) {
      tree.add(RSNA[`keydes.key_info.${key}`], tvb, o + 1, 2, (info & mask) !== 0);
    }
    tree.pop();
    tree.add(F['keydes.key_len'], tvb, o + 3, 2, tvb.u16(o + 3));
    tree.add(F['keydes.replay_counter'], tvb, o + 5, 8, tvb.u64(o + 5));
    tvb.need(o + 13, 82);
    tree.add(RSNA['keydes.nonce'], tvb, o + 13, 32);
    tree.add(F['keydes.key_iv'], tvb, o + 45, 16);
    tree.add(RSNA['keydes.rsc'], tvb, o + 61, 8);
    tree.add(RSNA['keydes.id'], tvb, o + 69, 8);
    tree.add(RSNA['keydes.mic'], tvb, o + 77, 16);
    const dataLen = tvb.u16(o + 93);
    tree.add(RSNA['keydes.data_len'], tvb, o + 93, 2, dataLen);
    if (dataLen > 0) {
      tvb.need(o + 95, dataLen);
      tree.add(RSNA['keydes.data'], tvb, o + 95, dataLen);
    }
    if (pinfo.wantInfo) pinfo.setInfo(`Key (Message ${message} of 4)`);
    return;
  }
  const rest = tvb.remaining(o + 1);
  if (rest > 0) tree.add(F['keydes.body'], tvb, o + 1, rest);
}

/** Which message of the 4-way handshake a key frame is, by its flags (Wireshark's reading). */
function keyMessage(info: number, tvb: Tvb, o: number): number {
  const ack = (info & 0x80) !== 0;
  const mic = (info & 0x100) !== 0;
  const install = (info & 0x40) !== 0;
  const secure = (info & 0x200) !== 0;
  if (ack && !mic) return 1;
  if (ack && install) return 3;
  if (!ack && !secure && mic) {
    const nonceZero = tvb.slice(o + 13, 32).every((b) => b === 0);
    return nonceZero ? 4 : 2;
  }
  return secure ? 4 : 2;
}

export function dissectEap(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  pinfo.setProto('EAP');
  pinfo.currentProto = 'EAP';
  if (pinfo.wantInfo) pinfo.setInfo('');
  const code = tvb.u8(o);
  const codeName = EAP_CODES.get(code) ?? 'Unknown';
  if (pinfo.wantInfo) pinfo.setInfo(codeName);
  tree.push(EAP[''], tvb, o, tvb.remaining(o));
  tree.add(EAP.code, tvb, o, 1, code);
  const id = tvb.u8(o + 1);
  tree.add(EAP.id, tvb, o + 1, 1, id);
  const length = tvb.u16(o + 2);
  tree.add(EAP.len, tvb, o + 2, 2, length);
  if ((code === 1 || code === 2) && length > 4) {
    const type = tvb.u8(o + 4);
    tree.add(EAP.type, tvb, o + 4, 1, type);
    if (pinfo.wantInfo) pinfo.setInfo(`${codeName}, ${EAP_TYPES.get(type) ?? 'Unknown'}`);
    if (type === 1 && length > 5) {
      const identity = tvb.ascii(o + 5, length - 5);
      tree.add(EAP.identity, tvb, o + 5, length - 5, identity);
    } else if (type === 3 && length > 5 && code === 2) {
      tree.add(EAP.desired_type, tvb, o + 5, 1, tvb.u8(o + 5));
    }
  }
  tree.pop();
  pinfo.currentProto = '';
}

export const eapolModule = {
  // Distinct keys: each table has its protocol under ''.
  fields: {
    ...F,
    ...RSNA,
    eap: EAP[''],
    eapCode: EAP.code,
    eapId: EAP.id,
    eapLen: EAP.len,
    eapType: EAP.type,
    eapIdentity: EAP.identity,
    eapDesired: EAP.desired_type,
  },
  handoff(reg: Registry): void {
    reg.register('etherType', 0x888e, dissectEapol);
  },
};
