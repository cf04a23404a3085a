// ATA over Ethernet (ethertype 0x88A2): the common header, then an ATA command (its flags,
// registers and LBA) or a config query. A response carries a status, not the command: the
// command is taken from the request with the same tag, as Wireshark matches them.
import { bool, fields, hex, names, proto, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const CMD = { ATA: 0, CONFIG: 1 };
const COMMANDS = names({ [CMD.ATA]: 'Issue ATA Command', [CMD.CONFIG]: 'Query Config Information' });
const ERRORS = names({
  1: 'Unrecognized command code',
  2: 'Bad argument parameter',
  3: 'Device unavailable',
  4: 'Config string present',
  5: 'Unsupported version',
});

/** Wireshark's ata_cmd_vals. */
const ATA_COMMANDS = names({
  0x0: 'NOP',
  0x8: 'Atapi soft reset',
  0x10: 'Recalibrate',
  0x20: 'Read sectors (with retry)',
  0x21: 'Read sectors (no retry)',
  0x22: 'Read long (with retry)',
  0x23: 'Read long (no retry)',
  0x24: 'Read ext',
  0x30: 'Write sectors (with retry)',
  0x31: 'Write sectors (no retry)',
  0x32: 'Write long (with retry)',
  0x33: 'Write long (no retry)',
  0x34: 'Write ext',
  0x3c: 'Write verify',
  0x40: 'Read verify sectors (with retry)',
  0x41: 'Read verify sectors (no retry)',
  0x50: 'Format track',
  0x70: 'Seek',
  0x90: 'Execute device diagnostics',
  0x91: 'Initialize device parameters',
  0x92: 'Download microcode',
  0x94: 'Standy immediate',
  0x95: 'Idle immediate',
  0x96: 'Standby',
  0x97: 'Idle',
  0x98: 'Check power mode',
  0x99: 'Sleep',
  0xa0: 'Atapi packet',
  0xa1: 'Atapi identify device',
  0xa2: 'Atapi service',
  0xb0: 'Smart',
  0xc4: 'Read multiple',
  0xc5: 'Write multiple',
  0xc6: 'Set multiple mode',
  0xc8: 'Read dma (with retry)',
  0xc9: 'Read dma (no retry)',
  0xca: 'Write dma (with retry)',
  0xcb: 'Write dma (no retry)',
  0xde: 'Door lock',
  0xdf: 'Door unlock',
  0xe0: 'Standy immediate',
  0xe1: 'Idle immediate',
  0xe2: 'Standby',
  0xe3: 'Idle',
  0xe4: 'Read buffer',
  0xe5: 'Check power mode',
  0xe6: 'Sleep',
  0xe8: 'Write buffer',
  0xec: 'Identify Device',
  0xed: 'Media eject',
  0xee: 'Identify device dma',
  0xef: 'Set features',
  0xf1: 'Security set password',
  0xf2: 'Security unlock',
  0xf3: 'Security erase prepare',
  0xf4: 'Security erase unit',
  0xf5: 'Security freeze',
  0xf6: 'Security disable password',
});

export const F = fields('aoe', {
  '': proto('ATAoverEthernet'),
  version: uint('Version', 8),
  response: bool('Response flag', 8, 0x08, { tf: ['Response', 'Request'] }),
  flags_error: bool('Error flag', 8, 0x04, { tf: ['Error', 'No error'] }),
  error: uint('Error', 8, { strings: ERRORS }),
  major: hex('Major', 16),
  minor: hex('Minor', 8),
  cmd: uint('Command', 8, { strings: COMMANDS }),
  tag: hex('Tag', 32),
  'aflags.e': bool('E', 8, 0x40),
  'aflags.d': bool('D', 8, 0x10),
  'aflags.a': bool('A', 8, 0x02),
  'aflags.w': bool('W', 8, 0x01),
  err_feature: hex('Err/Feature', 8),
  sector_count: uint('Sector Count', 8),
  'ata.cmd': hex('ATA Cmd', 8, { strings: ATA_COMMANDS }),
  'ata.status': hex('ATA Status', 8),
  lba: hex('Lba', 64),
});

const HEADER = 10;

/** The ATA command of each request by tag, for the Info of its response. */
type Requests = Map<number, number>;

export function dissectAoe(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('aoe');
  pinfo.setProto('AoE');
  if (pinfo.wantInfo) pinfo.setInfo('');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  const first = tvb.u8(o);
  const response = (first & 0x08) !== 0;
  tree.add(F.version, tvb, o, 1, first >> 4);
  // Only version 1 is known: nothing more is read of others.
  if (first >> 4 !== 1) {
    tree.pop();
    return tvb.remaining(o);
  }
  tree.add(F.response, tvb, o, 1, response);
  tree.add(F.flags_error, tvb, o, 1, (first & 0x04) !== 0);
  if (first & 0x04) tree.add(F.error, tvb, o + 1, 1, tvb.u8(o + 1));
  tree.add(F.major, tvb, o + 2, 2, tvb.u16(o + 2));
  tree.add(F.minor, tvb, o + 4, 1, tvb.u8(o + 4));
  const cmd = tvb.u8(o + 5);
  tree.add(F.cmd, tvb, o + 5, 1, cmd);
  const tag = tvb.u32(o + 6);
  tree.add(F.tag, tvb, o + 6, 4, tag);
  const direction = response ? 'Response' : 'Request';
  if (cmd === CMD.ATA) addAta(tvb, o + HEADER, response, tag, pinfo, tree);
  else if (pinfo.wantInfo) {
    const name = cmd === CMD.CONFIG ? 'Query Config Information' : `Unknown command<${cmd}>`;
    pinfo.setInfo(`${name} ${direction}`);
  }
  tree.pop();
  return tvb.remaining(o);
}

function addAta(tvb: Tvb, at: number, response: boolean, tag: number, pinfo: PacketInfo, tree: Tree): void {
  const requests = pinfo.state.of<Requests>('aoe.requests', () => new Map());
  const aflags = tvb.u8(at);
  tree.add(F['aflags.e'], tvb, at, 1, (aflags & 0x40) !== 0);
  if (aflags & 0x40) tree.add(F['aflags.d'], tvb, at, 1, (aflags & 0x10) !== 0);
  tree.add(F['aflags.a'], tvb, at, 1, (aflags & 0x02) !== 0);
  tree.add(F['aflags.w'], tvb, at, 1, (aflags & 0x01) !== 0);
  tree.add(F.err_feature, tvb, at + 1, 1, tvb.u8(at + 1));
  tree.add(F.sector_count, tvb, at + 2, 1, tvb.u8(at + 2));
  const cmdStatus = tvb.u8(at + 3);
  let ataCmd: number | undefined = cmdStatus;
  if (response) {
    tree.add(F['ata.status'], tvb, at + 3, 1, cmdStatus);
    ataCmd = requests.get(tag);
    // The command comes from the request, as Wireshark shows it in the response too.
    if (ataCmd !== undefined) tree.add(F['ata.cmd'], tvb, at + 3, 0, ataCmd);
  } else {
    tree.add(F['ata.cmd'], tvb, at + 3, 1, cmdStatus);
    requests.set(tag, cmdStatus);
  }
  tree.add(F.lba, tvb, at + 4, 6, tvb.u32(at + 4) * 0x10000 + tvb.u16(at + 8));
  if (pinfo.wantInfo) {
    const name =
      ataCmd === undefined
        ? ''
        : (ATA_COMMANDS.get(ataCmd) ?? `Unknown (0x${ataCmd.toString(16).padStart(2, '0')})`);
    pinfo.setInfo(`Issue ATA Command ${response ? 'Response' : 'Request'} ATA:${name}`);
  }
}

export const aoeModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('etherType', 0x88a2, dissectAoe);
  },
};
