// IEEE 802.2 Logical-Link Control with SNAP (after 802.3 lengths, VLAN lengths, SLL protocol 4).
// The control field is decoded as Wireshark's xdlc does for LLC: one byte for U frames, two
// (little-endian, "extended") for I and S frames.
import { dissectData } from './data.ts';
import { ETHERTYPE_NAMES } from './ethertype.ts';
import { bitPicture } from './field-text.ts';
import { bool, fields, hex, names, proto, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

/** Wireshark's sap_vals: names of the SAP (its low bit, I/G or C/R, masked off). */
export const SAP_NAMES = names({
  0x00: 'NULL LSAP',
  0x02: 'LLC Sub-Layer Management',
  0x04: 'SNA Path Control',
  0x06: 'TCP/IP',
  0x08: 'SNA',
  0x0c: 'SNA',
  0x0e: 'PROWAY (IEC955) Network Management and Initialization',
  0x10: 'NetWare (unofficial?)',
  0x14: 'ISO Network Layer (OSLAN 1)',
  0x18: 'Texas Instruments',
  0x20: 'ISO Network Layer (unofficial?)',
  0x34: 'ISO Network Layer (unofficial?)',
  0x42: 'Spanning Tree BPDU',
  0x4e: 'EIA RS-511 Manufacturing Message Service',
  0x54: 'ISO Network Layer (OSLAN 2)',
  0x7e: 'ISO 8208 (X.25 over 802.2)',
  0x7f: 'ISO 802.2',
  0x80: 'XNS',
  0x82: 'BACnet',
  0x86: 'Nestar',
  0x8e: 'PROWAY (IEC955) Active Station List Maintenance',
  0x98: 'ARP',
  0xaa: 'SNAP',
  0xb4: 'HP JetDirect Printer',
  0xba: 'Banyan Vines',
  0xbc: 'Banyan Vines',
  0xe0: 'NetWare',
  0xf0: 'NetBIOS',
  0xf4: 'IBM Net Management',
  0xf8: 'HP Extended LLC',
  0xfa: 'Ungermann-Bass',
  0xfc: 'Remote Program Load',
  0xfe: 'ISO Network Layer',
  0xff: 'Global LSAP',
});

/** The OUIs SNAP headers commonly carry (Wireshark takes the names from its manuf file). */
export const OUI_NAMES = names({
  0x000000: 'Officially Xerox, but 0:0:0:0:0:0 is more common',
  0x00000c: 'Cisco Systems, Inc',
  0x0000f8: 'Digital Equipment Corporation',
  0x0080c2: 'IEEE',
  0x00e02b: 'Extreme Networks Headquarters',
  0x080007: 'Apple, Inc.',
  0x0019a7: 'Itu-T',
  0x001bc5: 'IEEE Registration Authority',
});

const CISCO_PIDS = names({
  0x0102: 'DRIP',
  0x0104: 'PAgP',
  0x0105: 'MLS Hello',
  0x0108: 'RLQ BPDUs (request)',
  0x0109: 'RLQ BPDUs (response)',
  0x010b: 'PVSTP+',
  0x010c: 'VLAN Bridge',
  0x0111: 'UDLD',
  0x0139: 'MCP',
  0x2000: 'CDP',
  0x2001: 'CGMP',
  0x2003: 'VTP',
  0x2004: 'DTP',
  0x200a: 'STP Uplink Fast',
});

const FTYPES = names({ 0: 'Information frame', 1: 'Supervisory frame', 3: 'Unnumbered frame' });
const S_FTYPES = names({ 0: 'Receiver ready', 1: 'Receiver not ready', 2: 'Reject', 3: 'Selective reject' });
const S_SHORT = ['RR', 'RNR', 'REJ', 'SREJ'] as const;

/** U-frame modifiers (control & 0xEC) as commands and responses: [short, long]. */
const U_CMD = new Map<number, readonly [string, string]>([
  [0x00, ['UI', 'Unnumbered Information']],
  [0x20, ['UP', 'Unnumbered Poll']],
  [0x40, ['DISC', 'Disconnect']],
  [0x60, ['UA', 'Unnumbered Acknowledge']],
  [0x80, ['SNRM', 'Set Normal Response Mode']],
  [0xe0, ['TEST', 'Test']],
  [0x04, ['SIM', 'Set Initialization Mode']],
  [0x84, ['FRMR', 'Frame reject']],
  [0xc4, ['CFGR', 'Configure']],
  [0x0c, ['SARM', 'Set Asynchronous Response Mode']],
  [0x2c, ['SABM', 'Set Asynchronous Balanced Mode']],
  [0x4c, ['SARME', 'Set Asynchronous Response Mode Extended']],
  [0x6c, ['SABME', 'Set Asynchronous Balanced Mode Extended']],
  [0x8c, ['RESET', 'Reset']],
  [0xac, ['XID', 'Exchange identification']],
  [0xcc, ['SNRME', 'Set Normal Response Mode Extended']],
  [0xec, ['BCN', 'Beacon']],
]);
const U_RESP = new Map<number, readonly [string, string]>([
  ...U_CMD,
  [0x40, ['RD', 'Request Disconnect']],
  [0x04, ['RIM', 'Request Initialization Mode']],
  [0x0c, ['DM', 'Disconnected mode']],
]);
const modifierNames = (table: Map<number, readonly [string, string]>): ReadonlyMap<number, string> =>
  new Map([...table].map(([k, [, long]]) => [k >> 2, long]));

export const F = fields('llc', {
  '': proto('Logical-Link Control'),
  dsap: hex('DSAP', 8, { strings: SAP_NAMES }),
  'dsap.sap': uint('SAP', 8, { mask: 0xfe }),
  'dsap.ig': bool('IG Bit', 8, 0x01, { tf: ['Group', 'Individual'] }),
  ssap: hex('SSAP', 8, { strings: SAP_NAMES }),
  'ssap.sap': uint('SAP', 8, { mask: 0xfe }),
  'ssap.cr': bool('CR Bit', 8, 0x01, { tf: ['Response', 'Command'] }),
  control: hex('Control', 16),
  'control.n_r': uint('N(R)', 16, { mask: 0xfe00 }),
  'control.n_s': uint('N(S)', 16, { mask: 0x00fe }),
  'control.p': bool('Poll', 8, 0x10),
  'control.f': bool('Final', 8, 0x10),
  'control.s_ftype': hex('Supervisory frame type', 16, { mask: 0x000c, strings: S_FTYPES }),
  'control.u_modifier_cmd': hex('Command', 8, { mask: 0xec, strings: modifierNames(U_CMD) }),
  'control.u_modifier_resp': hex('Response', 8, { mask: 0xec, strings: modifierNames(U_RESP) }),
  'control.ftype': hex('Frame type', 8, { mask: 0x03, strings: FTYPES }),
  type: hex('Type', 16, { strings: ETHERTYPE_NAMES }),
  oui: uint('Organization Code', 24),
  pid: hex('Protocol ID', 16),
  cisco_pid: hex('PID', 16, { strings: CISCO_PIDS }),
});

/** The same filter names in their extended (two-byte control) forms: Wireshark registers each. */
const FX = fields('llc', {
  'control.p': bool('Poll', 16, 0x0100),
  'control.f': bool('Final', 16, 0x0100),
  'control.ftype': hex('Frame type', 16, { mask: 0x0001, strings: FTYPES }),
});
const FXS = fields('llc', { 'control.ftype': hex('Frame type', 16, { mask: 0x0003, strings: FTYPES }) });

const SAP_SNAP = 0xaa;
const SAP_IP = 0x06;

/** I frames and UI frames carry data for the layer above (XDLC_IS_INFORMATION). */
function isInformation(control: number): boolean {
  return (control & 0x01) === 0 || control === 0x03;
}

function sapName(sap: number): string {
  return SAP_NAMES.get(sap & 0xfe) ?? `0x${(sap & 0xfe).toString(16).padStart(2, '0')}`;
}

function addSap(tvb: Tvb, offset: number, tree: Tree, which: 'dsap' | 'ssap', value: number): void {
  tree.push(F[which], tvb, offset, 1, value);
  const sap = F[`${which}.sap`];
  tree.add(sap, tvb, offset, 1, value >> 1);
  if (tree.full)
    tree.labelLast(`${bitPicture(sap, value >> 1)} = SAP: ${SAP_NAMES.get(value & 0xfe) ?? 'Unknown'}`);
  tree.add(which === 'dsap' ? F['dsap.ig'] : F['ssap.cr'], tvb, offset, 1, (value & 1) !== 0);
  tree.pop();
}

/** Decodes the control field (one byte for U frames, else two) and its summary text. */
function addControl(tvb: Tvb, o: number, tree: Tree, response: boolean): { control: number; text: string } {
  const first = tvb.u8(o);
  let control: number;
  let text: string;
  if ((first & 0x03) === 0x03) {
    control = first;
    const pf = (control & 0x10) !== 0;
    const names = response ? U_RESP : U_CMD;
    const short = names.get(control & 0xec)?.[0] ?? 'Unknown';
    text = `U${pf ? (response ? ' F' : ' P') : ''}, func=${short}`;
    tree.push(F.control, tvb, o, 1, control);
    if (tree.full) tree.label(`Control field: ${text} (0x${hex2(control)})`);
    if (pf) tree.add(response ? F['control.f'] : F['control.p'], tvb, o, 1, true);
    const modifier = response ? F['control.u_modifier_resp'] : F['control.u_modifier_cmd'];
    tree.add(modifier, tvb, o, 1, (control & 0xec) >> 2);
    tree.add(F['control.ftype'], tvb, o, 1, 3);
    tree.pop();
    return { control, text };
  }
  control = tvb.u16le(o);
  const pf = (control & 0x0100) !== 0;
  const nr = control >> 9;
  if ((first & 0x03) === 0x01) {
    const stype = (control & 0x0c) >> 2;
    text = `S${pf ? (response ? ' F' : ' P') : ''}, func=${S_SHORT[stype] ?? ''}, N(R)=${nr}`;
    tree.push(F.control, tvb, o, 2, control);
    if (tree.full) tree.label(`Control field: ${text} (0x${hex4(control)})`);
    tree.add(F['control.n_r'], tvb, o, 2, nr);
    if (pf) tree.add(response ? FX['control.f'] : FX['control.p'], tvb, o, 2, true);
    tree.add(F['control.s_ftype'], tvb, o, 2, stype);
    tree.add(FXS['control.ftype'], tvb, o, 2, 1);
  } else {
    text = `I${pf ? ' P' : ''}, N(R)=${nr}, N(S)=${(control & 0xfe) >> 1}`;
    tree.push(F.control, tvb, o, 2, control);
    if (tree.full) tree.label(`Control field: ${text} (0x${hex4(control)})`);
    tree.add(F['control.n_r'], tvb, o, 2, nr);
    tree.add(F['control.n_s'], tvb, o, 2, (control & 0xfe) >> 1);
    if (pf) tree.add(FX['control.p'], tvb, o, 2, true);
    tree.add(FX['control.ftype'], tvb, o, 2, 0);
  }
  tree.pop();
  return { control, text };
}

const hex2 = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');
const hex4 = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');
const hex6 = (n: number): string => n.toString(16).toUpperCase().padStart(6, '0');

export function dissectLlc(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('llc');
  pinfo.setProto('LLC');
  if (pinfo.wantInfo) pinfo.setInfo('');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  const dsap = tvb.u8(o);
  addSap(tvb, o, tree, 'dsap', dsap);
  const ssap = tvb.u8(o + 1);
  addSap(tvb, o + 1, tree, 'ssap', ssap);
  const { control, text } = addControl(tvb, o + 2, tree, (ssap & 1) !== 0);
  const controlLen = (control & 0x03) === 0x03 ? 1 : 2;
  if (pinfo.wantInfo) pinfo.setInfo(text);
  const at = o + 2 + controlLen;

  if (dsap === SAP_SNAP && ssap === SAP_SNAP) {
    const oui = tvb.u24(at);
    const pid = tvb.u16(at + 3);
    if (pinfo.wantInfo) {
      const ouiName = OUI_NAMES.get(oui) ?? 'Unknown';
      pinfo.setInfo(`${pinfo.info}; SNAP, OUI 0x${hex6(oui)} (${ouiName}), PID 0x${hex4(pid)}`);
    }
    tree.add(F.oui, tvb, at, 3, oui);
    if (tree.full) {
      const b = tvb.bytes;
      const colons = `${hexb(b[at])}:${hexb(b[at + 1])}:${hexb(b[at + 2])}`;
      const name = OUI_NAMES.get(oui);
      tree.labelLast(`Organization Code: ${colons}${name === undefined ? '' : ` (${name})`}`);
    }
    const next = addSnapPid(tvb, at, oui, pid, control, tree);
    tree.pop(at + 5 - o);
    dissectSnapPayload(tvb, at, next, pinfo, tree);
    return tvb.remaining(o);
  }

  tree.pop(at - o);
  if (pinfo.wantInfo) {
    const dsapText = `${sapName(dsap)} ${dsap & 1 ? 'Group' : 'Individual'}`;
    const ssapText = `${sapName(ssap)} ${ssap & 1 ? 'Response' : 'Command'}`;
    pinfo.setInfo(`${pinfo.info}; DSAP ${dsapText}, SSAP ${ssapText}`);
  }
  if (tvb.remaining(at) <= 0) return tvb.remaining(o);
  const payload = tvb.sub(at);
  if (!isInformation(control) || pinfo.registry.call('llcSap', dsap, payload, pinfo, tree) < 0) {
    dissectData(payload, pinfo, tree);
  }
  return tvb.remaining(o);
}

const hexb = (b: number | undefined): string => (b ?? 0).toString(16).padStart(2, '0');

const BRIDGED = -2;
/** Keys above every SAP and ethertype: see `snapKey`. */
const SNAP_KEYS = 2 ** 40;

/**
 * Protocols a SNAP header names by an organization's own PID (Wireshark's llc.cisco_pid table:
 * CDP, PVST+) are registered in the `llcSap` table too, under this key above every SAP.
 */
export function snapKey(oui: number, pid: number): number {
  return SNAP_KEYS + oui * 0x10000 + pid;
}

/**
 * Adds the PID after a SNAP OUI, named as the OUI says. Returns where the payload goes: an
 * ethertype, BRIDGED (an 802.1 bridged Ethernet frame), a `snapKey` or -1 (data).
 */
function addSnapPid(tvb: Tvb, at: number, oui: number, pid: number, control: number, tree: Tree): number {
  switch (oui) {
    case 0x000000: // encapsulated Ethernet
    case 0x0000f8: // Cisco 90-compatible
      if (!isInformation(control)) return -1;
      tree.add(F.type, tvb, at + 3, 2, pid);
      return pid;
    case 0x00000c:
      tree.add(F.cisco_pid, tvb, at + 3, 2, pid);
      return isInformation(control) ? snapKey(oui, pid) : -1;
    case 0x0080c2: // IEEE 802.1: bridged Ethernet (RFC 2684: 0x0001 with FCS, 0x0007 without)
      tree.add(F.pid, tvb, at + 3, 2, pid);
      return pid === 0x0001 || pid === 0x0007 ? BRIDGED : -1;
    default:
      tree.add(F.pid, tvb, at + 3, 2, pid);
      return -1;
  }
}

function dissectSnapPayload(tvb: Tvb, at: number, next: number, pinfo: PacketInfo, tree: Tree): void {
  // Bridged frames have two bytes of padding before them.
  if (next === BRIDGED && pinfo.registry.call('etherType', 0x6558, tvb.sub(at + 7), pinfo, tree) >= 0) return;
  const payload = tvb.sub(at + 5);
  if (next >= SNAP_KEYS && pinfo.registry.call('llcSap', next, payload, pinfo, tree) >= 0) return;
  if (next >= 0 && pinfo.registry.call('etherType', next, payload, pinfo, tree) >= 0) return;
  dissectData(payload, pinfo, tree);
}

export const llcModule = {
  // Distinct keys: the extended forms share filter names (and so ids) with the one-byte forms.
  fields: {
    ...F,
    extPoll: FX['control.p'],
    extFinal: FX['control.f'],
    extFtype: FX['control.ftype'],
    extFtypeS: FXS['control.ftype'],
  },
  handoff(reg: Registry): void {
    // SAP 0x06 carries IPv4 directly (frame.protocols `eth:llc:ip`, no ethertype layer).
    reg.register('llcSap', SAP_IP, (tvb, pinfo, tree) => {
      const used = pinfo.registry.call('etherType', 0x0800, tvb, pinfo, tree);
      if (used >= 0) return used;
      dissectData(tvb, pinfo, tree);
    });
  },
};
