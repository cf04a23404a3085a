// The Microsoft Windows Browser Protocol (MS-BRWS) carried in \MAILSLOT\BROWSE writes: host,
// local master and domain announcements with their server type bits, announcement requests,
// elections, backup lists, as tshark 4.0 shows them (Info `Host Announcement NAME, Workstation, …`).
import { bool, fields, hex, names, proto, str, uint, type FieldDef } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import { flagsItem, msecsText } from './smb.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const COMMANDS = names({
  1: 'Host Announcement',
  2: 'Request Announcement',
  8: 'Browser Election Request',
  9: 'Get Backup List Request',
  10: 'Get Backup List Response',
  11: 'Become Backup Browser',
  12: 'Domain/Workgroup Announcement',
  13: 'Master Announcement',
  14: 'Reset Browser State Announcement',
  15: 'Local Master Announcement',
});

/** Info words per server type bit (Wireshark's server_types). */
const SERVER_TYPES = names({
  0: 'Workstation', 1: 'Server', 2: 'SQL Server', 3: 'Domain Controller', 4: 'Backup Controller',
  5: 'Time Source', 6: 'Apple Server', 7: 'Novell Server', 8: 'Domain Member Server',
  9: 'Print Queue Server', 10: 'Dialin Server', 11: 'Xenix Server', 12: 'NT Workstation',
  13: 'Windows for Workgroups', 15: 'NT Server', 16: 'Potential Browser', 17: 'Backup Browser',
  18: 'Master Browser', 19: 'Domain Master Browser', 20: 'OSF', 21: 'VMS', 22: 'Windows 95 or above',
  23: 'DFS server', 30: 'Local List Only', 31: 'Domain Enum',
}); // prettier-ignore

const type = (name: string, bit: number, yes: string, no: string): ReturnType<typeof bool> =>
  bool(name, 32, 2 ** bit, { tf: [yes, no] });

export const F = fields('browser', {
  '': proto('Microsoft Windows Browser Protocol'),
  command: hex('Command', 8, { strings: COMMANDS }),
  update_count: uint('Update Count', 8),
  period: uint('Update Periodicity', 32),
  server: str('Server Name'),
  mb_server: str('Master Browser Server Name'),
  windows_version: str('Windows version'),
  os_major: uint('OS Major Version', 8),
  os_minor: uint('OS Minor Version', 8),
  server_type: hex('Server Type', 32),
  'server_type.workstation': type('Workstation', 0, 'This is a Workstation', 'This is NOT a Workstation'),
  'server_type.server': type('Server', 1, 'This is a Server', 'This is NOT a Server'),
  'server_type.sql': type('SQL', 2, 'This is an SQL server', 'This is NOT an SQL server'),
  'server_type.domain_controller': type(
    'Domain Controller', 3, 'This is a Domain Controller', 'This is NOT a Domain Controller'),
  'server_type.backup_controller': type(
    'Backup Controller', 4, 'This is a Backup Controller', 'This is NOT a Backup Controller'),
  'server_type.time': type('Time Source', 5, 'This is a Time Source', 'This is NOT a Time Source'),
  'server_type.apple': type('Apple', 6, 'This is an Apple host', 'This is NOT an Apple host'),
  'server_type.novell': type('Novell', 7, 'This is a Novell server', 'This is NOT a Novell server'),
  'server_type.member': type('Member', 8, 'This is a Domain Member server', 'This is NOT a Domain Member server'),
  'server_type.print': type('Print', 9, 'This is a Print Queue server', 'This is NOT a Print Queue server'),
  'server_type.dialin': type('Dialin', 10, 'This is a Dialin server', 'This is NOT a Dialin server'),
  'server_type.xenix': type('Xenix', 11, 'This is a Xenix server', 'This is NOT a Xenix server'),
  'server_type.ntw': type('NT Workstation', 12, 'This is an NT Workstation', 'This is NOT an NT Workstation'),
  'server_type.wfw': type('WfW', 13, 'This is a WfW host', 'This is NOT a WfW host'),
  'server_type.nts': type('NT Server', 15, 'This is an NT Server', 'This is NOT an NT Server'),
  'server_type.browser.potential': type(
    'Potential Browser', 16, 'This is a Potential Browser', 'This is NOT a Potential Browser'),
  'server_type.browser.backup': type('Backup Browser', 17, 'This is a Backup Browser', 'This is NOT a Backup Browser'),
  'server_type.browser.master': type('Master Browser', 18, 'This is a Master Browser', 'This is NOT a Master Browser'),
  'server_type.browser.domain_master': type(
    'Domain Master Browser', 19, 'This is a Domain Master Browser', 'This is NOT a Domain Master Browser'),
  'server_type.osf': type('OSF', 20, 'This is an OSF host', 'This is NOT an OSF host'),
  'server_type.vms': type('VMS', 21, 'This is a VMS host', 'This is NOT a VMS host'),
  'server_type.w95': type('Windows 95+', 22, 'This is a Windows 95 or above host', 'This is NOT a Windows 95 or above host'),
  'server_type.dfs': type('DFS', 23, 'This is a DFS server', 'THis is NOT a DFS server'),
  'server_type.local': type('Local', 30, 'This is a local list only request', 'This is NOT a local list only request'),
  'server_type.domainenum': type('Domain Enum', 31, 'This is a Domain Enum request', 'This is NOT a Domain Enum request'),
  proto_major: uint('Browser Protocol Major Version', 8),
  proto_minor: uint('Browser Protocol Minor Version', 8),
  sig: hex('Signature', 16),
  mysterious_field: hex('Mysterious Field', 32),
  comment: str('Host Comment'),
  unused: hex('Unused flags', 8),
  response_computer_name: str('Response Computer Name'),
  'election.version': uint('Election Version', 8),
  'election.criteria': hex('Election Criteria', 32),
  'election.desire': hex('Election Desire', 8),
  'election.desire.backup': bool('Backup', 8, 0x01, { tf: ['Backup Browse Server', 'NOT Backup Browse Server'] }),
  'election.desire.standby': bool('Standby', 8, 0x02, { tf: ['Standby Browse Server', 'NOT Standby Browse Server'] }),
  'election.desire.master': bool('Master', 8, 0x04, { tf: ['Master Browser', 'NOT Master Browser'] }),
  'election.desire.domain_master': bool('Domain Master', 8, 0x08, {
    tf: ['Domain Master Browse Server', 'NOT Domain Master Browse Server'],
  }),
  'election.desire.wins': bool('WINS', 8, 0x20, { tf: ['WINS Client', 'NOT WINS Client'] }),
  'election.desire.nt': bool('NT', 8, 0x80, { tf: ['Windows NT Advanced Server', 'NOT Windows NT Advanced Server'] }),
  'election.os': hex('Election OS', 8),
  'election.os.wfw': bool('WfW', 8, 0x01, { tf: ['Windows for Workgroups', 'Not Windows for Workgroups'] }),
  'election.os.ntw': bool('NT Workstation', 8, 0x10, { tf: ['Windows NT Workstation', 'Not Windows NT Workstation'] }),
  'election.os.nts': bool('NT Server', 8, 0x20, { tf: ['Windows NT Server', 'Not Windows NT Server'] }),
  uptime: uint('Uptime', 32),
  'backup.count': uint('Backup List Requested Count', 8),
  'backup.token': uint('Backup Request Token', 32),
  'backup.server': str('Backup Server'),
  browser_to_promote: str('Browser to Promote'),
  reset_cmd: hex('ResetBrowserState Command', 8),
}); // prettier-ignore

const SERVER_TYPE_BITS: FieldDef[] = Object.entries(F)
  .filter(([k]) => k.startsWith('server_type.'))
  .map(([, d]) => d);

function windowsVersion(major: number, minor: number): string {
  if (major === 6 && minor === 1) return 'Windows 7 or Windows Server 2008 R2';
  if (major === 6 && minor === 0) return 'Windows Vista or Windows Server 2008';
  if (major === 5 && minor === 2) return 'Windows Server 2003 R2 or Windows Server 2003';
  if (major === 5 && minor === 1) return 'Windows XP';
  if (major === 5 && minor === 0) return 'Windows 2000';
  return '';
}

export function dissectBrowser(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const o = tvb.start;
  pinfo.layers.push('browser');
  pinfo.setProto('BROWSER');
  const cmd = tvb.u8(o);
  let info = COMMANDS.get(cmd) ?? `Unknown command:0x${cmd.toString(16).padStart(2, '0')}`;
  if (pinfo.wantInfo) pinfo.setInfo(info);
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    tree.add(F.command, tvb, o, 1, cmd);
    let p = o + 1;
    switch (cmd) {
      case 1:
      case 12:
      case 15: {
        tree.add(F.update_count, tvb, p, 1, tvb.u8(p));
        const period = tvb.u32le(p + 1);
        tree.add(F.period, tvb, p + 1, 4, period);
        if (tree.full) tree.labelLast(`Update Periodicity: ${msecsText(period | 0)}`);
        p += 5;
        const host = stringzpad(tvb, p, 16);
        info += ` ${host}`;
        tree.add(F.server, tvb, p, 16, host);
        if (tree.full) tree.labelLast(`${cmd === 12 ? 'Domain/Workgroup' : 'Host Name'}: ${host}`);
        p += 16;
        const major = tvb.u8(p);
        const minor = tvb.u8(p + 1);
        tree.add(F.windows_version, tvb, p, 2, windowsVersion(major, minor));
        tree.add(F.os_major, tvb, p, 1, major);
        tree.add(F.os_minor, tvb, p + 1, 1, minor);
        p += 2;
        const types = tvb.u32le(p);
        for (let i = 0; i < 32; i++)
          if (types & (2 ** i)) info += `, ${SERVER_TYPES.get(i) ?? `Unknown server type:${i}`}`;
        flagsItem(tree, tvb, p, 4, F.server_type, types, SERVER_TYPE_BITS);
        p += 4;
        if (cmd === 12 && tvb.u16le(p + 2) !== 0xaa55) {
          tree.add(F.mysterious_field, tvb, p, 4, tvb.u32le(p));
        } else {
          tree.add(F.proto_major, tvb, p, 1, tvb.u8(p));
          tree.add(F.proto_minor, tvb, p + 1, 1, tvb.u8(p + 1));
          tree.add(F.sig, tvb, p + 2, 2, tvb.u16le(p + 2));
        }
        p += 4;
        stringz(tvb, p, cmd === 12 ? F.mb_server : F.comment, tree);
        break;
      }
      case 2: {
        tree.add(F.unused, tvb, p, 1, tvb.u8(p));
        const name = stringz(tvb, p + 1, F.response_computer_name, tree);
        info += ` ${name}`;
        break;
      }
      case 8: {
        tree.add(F['election.version'], tvb, p, 1, tvb.u8(p));
        p += 1;
        tree.push(F['election.criteria'], tvb, p, 4, tvb.u32le(p));
        try {
          flagsItem(tree, tvb, p, 1, F['election.desire'], tvb.u8(p), [
            F['election.desire.backup'],
            F['election.desire.standby'],
            F['election.desire.master'],
            F['election.desire.domain_master'],
            F['election.desire.wins'],
            F['election.desire.nt'],
          ]);
          tree.add(F.proto_major, tvb, p + 1, 1, tvb.u8(p + 1));
          tree.add(F.proto_minor, tvb, p + 2, 1, tvb.u8(p + 2));
          flagsItem(tree, tvb, p + 3, 1, F['election.os'], tvb.u8(p + 3), [
            F['election.os.wfw'],
            F['election.os.ntw'],
            F['election.os.nts'],
          ]);
        } finally {
          tree.pop();
        }
        p += 4;
        const up = tvb.u32le(p);
        tree.add(F.uptime, tvb, p, 4, up);
        if (tree.full) tree.labelLast(`Uptime: ${msecsText(up | 0)}`);
        p += 8;
        stringz(tvb, p, F.server, tree);
        break;
      }
      case 9:
        tree.add(F['backup.count'], tvb, p, 1, tvb.u8(p));
        tree.add(F['backup.token'], tvb, p + 1, 4, tvb.u32le(p + 1));
        break;
      case 10: {
        const n = tvb.u8(p);
        tree.add(F['backup.count'], tvb, p, 1, n);
        tree.add(F['backup.token'], tvb, p + 1, 4, tvb.u32le(p + 1));
        p += 5;
        for (let i = 0; i < n; i++) p += stringzLen(tvb, p, F['backup.server'], tree);
        break;
      }
      case 11:
        stringz(tvb, p, F.browser_to_promote, tree);
        break;
      case 13:
        stringz(tvb, p, F.mb_server, tree);
        break;
      case 14:
        tree.add(F.reset_cmd, tvb, p, 1, tvb.u8(p));
        break;
    }
  } finally {
    tree.pop();
    if (pinfo.wantInfo) pinfo.setInfo(info);
  }
}

/** Up to `len` bytes, cut at the first NUL (Wireshark's tvb_get_stringzpad). */
function stringzpad(tvb: Tvb, at: number, len: number): string {
  const s = tvb.ascii(at, len);
  const nul = s.indexOf('\0');
  return nul >= 0 ? s.slice(0, nul) : s;
}

/** A NUL-terminated string added as `def`; returns its text. */
function stringz(tvb: Tvb, at: number, def: FieldDef, tree: Tree): string {
  let q = at;
  while (tvb.u8(q) !== 0) q++;
  const s = tvb.ascii(at, q - at);
  tree.add(def, tvb, at, q + 1 - at, s);
  return s;
}

function stringzLen(tvb: Tvb, at: number, def: FieldDef, tree: Tree): number {
  return stringz(tvb, at, def, tree).length + 1;
}

export const browserModule = { fields: F };
