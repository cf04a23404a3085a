// Generic netlink (NETLINK_GENERIC) as Wireshark 4.0 decodes it: the message type is a family id
// the controller (nlctrl, id 0x10) hands out, so its CTRL_CMD_NEWFAMILY messages teach the capture
// which name each id has; then the genlmsghdr, and for nlctrl its attributes. Other families show
// their payload as data.
import { dissectData } from './data.ts';
import { bool, fields, hex, names, proto, str, text, uint, type FieldDef } from './field.ts';
import {
  AttrLabel,
  dissectNetlinkAttributeArray,
  dissectNetlinkAttributes,
  dissectNetlinkHeader,
  nlU16,
  nlU32,
  type NetlinkData,
} from './netlink.ts';
import type { PacketInfo } from './packet-info.ts';
import { stringValue } from './text-format.ts';
import type { Tree } from './tree.ts';
import { itemLength } from './tvb-items.ts';
import type { Tvb } from './tvb.ts';

const GENL_ID_CTRL = 0x10;
const TRUE_FALSE: [string, string] = ['True', 'False'];

const CTRL_CMDS = names(
  Object.fromEntries(
    [
      'UNSPEC',
      'NEWFAMILY',
      'DELFAMILY',
      'GETFAMILY',
      'NEWOPS',
      'DELOPS',
      'GETOPS',
      'NEWMCAST_GRP',
      'DELMCAST_GRP',
      'GETMCAST_GRP',
      'GETPOLICY',
    ].map((n, i) => [i, `CTRL_CMD_${n}`]),
  ),
);
const CTRL_ATTRS = names(
  Object.fromEntries(
    [
      'UNSPEC',
      'FAMILY_ID',
      'FAMILY_NAME',
      'VERSION',
      'HDRSIZE',
      'MAXATTR',
      'OPS',
      'MCAST_GROUPS',
      'POLICY',
      'OP_POLICY',
      'OP',
    ].map((n, i) => [i, `CTRL_ATTR_${n}`]),
  ),
);
const OP_ATTRS = names({ 0: 'CTRL_ATTR_OP_UNSPEC', 1: 'CTRL_ATTR_OP_ID', 2: 'CTRL_ATTR_OP_FLAGS' });
const GROUP_ATTRS = names({
  0: 'CTRL_ATTR_MCAST_GRP_UNSPEC',
  1: 'CTRL_ATTR_MCAST_GRP_NAME',
  2: 'CTRL_ATTR_MCAST_GRP_ID',
});

export const F = fields('genl', {
  '': proto('Linux Generic Netlink protocol'),
  family_id: hex('Family ID', 8),
  cmd: uint('Command', 8),
  version: uint('Family Version', 8),
  reserved: text('Reserved'),
  'ctrl.cmd': uint('Command', 8, { strings: CTRL_CMDS }),
  ctrl_attr: uint('Type', 16, { strings: CTRL_ATTRS, mask: 0x3fff }),
  'ctrl.family_id': hex('Family ID', 16),
  'ctrl.family_name': str('Family Name'),
  'ctrl.version': uint('Version', 32),
  'ctrl.hdrsize': uint('Header Size', 32),
  'ctrl.maxattr': uint('Maximum Attributes', 32),
  'ctrl.ops_attr': uint('Type', 16, { strings: OP_ATTRS, mask: 0x3fff }),
  'ctrl.groups_attr': uint('Type', 16, { strings: GROUP_ATTRS, mask: 0x3fff }),
  'ctrl.op_id': uint('Operation ID', 32),
  'ctrl.op_flags': hex('Operation Flags', 32),
  'ctrl.op_flags.admin_perm': bool('GENL_ADMIN_PERM', 32, 0x01, { tf: TRUE_FALSE }),
  'ctrl.op_flags.cmd_cap_do': bool('GENL_CMD_CAP_DO', 32, 0x02, { tf: TRUE_FALSE }),
  'ctrl.op_flags.cmd_cap_dump': bool('GENL_CMD_CAP_DUMP', 32, 0x04, { tf: TRUE_FALSE }),
  'ctrl.op_flags.cmd_cap_haspol': bool('GENL_CMD_CAP_HASPOL', 32, 0x08, { tf: TRUE_FALSE }),
  'ctrl.op_flags.uns_admin_perm': bool('GENL_UNS_ADMIN_PERM', 32, 0x10, { tf: TRUE_FALSE }),
  'ctrl.group_name': str('Group Name'),
  'ctrl.group_id': hex('Group ID', 32),
});

const OP_FLAGS = [
  F['ctrl.op_flags.admin_perm'],
  F['ctrl.op_flags.cmd_cap_do'],
  F['ctrl.op_flags.cmd_cap_dump'],
  F['ctrl.op_flags.cmd_cap_haspol'],
  F['ctrl.op_flags.uns_admin_perm'],
];

/** Family names by id, learnt from the controller's messages in this capture. */
function familyMap(pinfo: PacketInfo): Map<number, string> {
  return pinfo.state.of('genl.families', () => new Map([[GENL_ID_CTRL, 'nlctrl']]));
}

/** An FT_STRINGZ item (ENC_ASCII) of `len` bytes; its value stops at the first NUL. */
function addStringz(tvb: Tvb, tree: Tree, def: FieldDef, at: number, len: number): string {
  const n = itemLength(tvb, at, len);
  const v = stringValue(tvb.bytes, at, at + n, true);
  tree.add(def, tvb, at, n, v.field);
  if (tree.full && v.label !== v.field) tree.labelLast(`${def.name}: ${v.label}`);
  // Appended to the attribute's label as it is: Wireshark 4.0 escapes nothing there.
  return v.field;
}

/** The genlmsghdr: command, family version, reserved. */
function genlHeader(tvb: Tvb, tree: Tree, at: number, cmdDef: FieldDef): number {
  tree.add(cmdDef, tvb, at, 1, tvb.u8(at));
  tree.add(F.version, tvb, at + 1, 1, tvb.u8(at + 1));
  // An FT_NONE item is checked against the reported length only: it shows what bytes there are.
  if (at + 4 > tvb.reportedEnd) tvb.need(at + 2, 2);
  tree.add(F.reserved, tvb, at + 2, Math.min(2, tvb.remaining(at + 2)));
  return at + 4;
}

interface CtrlInfo {
  familyId: number;
  familyName: string | null;
}

function opsAttr(
  tvb: Tvb,
  tree: Tree,
  type: number,
  at: number,
  len: number,
  nl: NetlinkData,
  label: AttrLabel,
): boolean {
  if (type === 1 && len === 4) {
    const v = nlU32(tvb, at, nl.le);
    tree.add(F['ctrl.op_id'], tvb, at, 4, v);
    label.append(`: ${v}`);
    label.parent?.append(`, id=${v}`);
  } else if (type === 2 && len === 4) {
    const v = nlU32(tvb, at, nl.le);
    tree.push(F['ctrl.op_flags'], tvb, at, 4, v);
    const set: string[] = [];
    for (const def of OP_FLAGS) {
      const on = (v & (def.mask ?? 0)) !== 0;
      // BMT_NO_FALSE: only the flags that are set are named in the item's text.
      if (on) set.push(def.name);
      tree.add(def, tvb, at, 4, on);
    }
    if (tree.full) tree.label(`Operation Flags: 0x${hex8(v)}${set.length ? `, ${set.join(', ')}` : ''}`);
    tree.pop();
    label.append(`: 0x${hex8(v)}`);
    label.parent?.append(`, flags=0x${hex8(v)}`);
  }
  return true;
}

function hex8(v: number): string {
  return (v >>> 0).toString(16).padStart(8, '0');
}

function groupsAttr(
  tvb: Tvb,
  tree: Tree,
  type: number,
  at: number,
  len: number,
  nl: NetlinkData,
  label: AttrLabel,
): boolean {
  if (type === 1) {
    const s = addStringz(tvb, tree, F['ctrl.group_name'], at, len);
    label.append(`: ${s}`);
    label.parent?.append(`, name=${s}`);
  } else if (type === 2 && len === 4) {
    const v = nlU32(tvb, at, nl.le);
    tree.add(F['ctrl.group_id'], tvb, at, 4, v);
    label.append(`: ${v}`);
    label.parent?.append(`, id=${v}`);
  }
  return true;
}

function ctrlAttr(info: CtrlInfo) {
  return (
    tvb: Tvb,
    tree: Tree,
    type: number,
    at: number,
    len: number,
    nl: NetlinkData,
    label: AttrLabel,
  ): boolean => {
    const le = nl.le;
    switch (type) {
      case 1:
        if (len === 2) {
          const v = nlU16(tvb, at, le);
          tree.add(F['ctrl.family_id'], tvb, at, 2, v);
          label.append(`: ${v === 0 ? '0' : `0x${v.toString(16)}`}`);
          info.familyId = v;
        }
        break;
      case 2:
        info.familyName = addStringz(tvb, tree, F['ctrl.family_name'], at, len);
        label.append(`: ${info.familyName}`);
        break;
      case 3:
      case 4:
      case 5:
        if (len === 4) {
          const def = type === 3 ? F['ctrl.version'] : type === 4 ? F['ctrl.hdrsize'] : F['ctrl.maxattr'];
          const v = nlU32(tvb, at, le);
          tree.add(def, tvb, at, 4, v);
          label.append(`: ${v}`);
        }
        break;
      case 6:
        dissectNetlinkAttributeArray(tvb, tree, at, len, nl, F['ctrl.ops_attr'], opsAttr);
        break;
      case 7:
        dissectNetlinkAttributeArray(tvb, tree, at, len, nl, F['ctrl.groups_attr'], groupsAttr);
        break;
    }
    // Wireshark's controller callbacks always claim the value: no data item even when they add nothing.
    return true;
  };
}

/** One generic netlink message (`tvb` is the message, header included). */
export function dissectGenl(tvb: Tvb, pinfo: PacketInfo, tree: Tree, nl: NetlinkData): number {
  const o = tvb.start;
  pinfo.layers.push('genl');
  pinfo.currentProto = 'genl';
  pinfo.setProto('Netlink generic');
  if (pinfo.wantInfo) pinfo.setInfo('');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  const families = familyMap(pinfo);
  const name = families.get(nl.type);
  let at = dissectNetlinkHeader(tvb, tree, o, nl.le, F.family_id, ` (${name ?? 'Unknown'})`);
  if (name === 'nlctrl') {
    // The controller's dissector is genl's own, called again through the family-name table.
    pinfo.layers.push('genl');
    at = genlHeader(tvb, tree, at, F['ctrl.cmd']);
    if (tvb.reportedRemaining(at) > 0) {
      const info: CtrlInfo = { familyId: 0, familyName: null };
      dissectNetlinkAttributes(tvb, tree, o, at, tvb.reportedEnd, nl, F.ctrl_attr, ctrlAttr(info));
      if (info.familyId && info.familyId !== GENL_ID_CTRL && info.familyName !== null)
        families.set(info.familyId, info.familyName);
    }
    tree.pop();
    return tvb.remaining(o);
  }
  genlHeader(tvb, tree, at, F.cmd);
  tree.pop();
  // Wireshark measures the rest from the genlmsghdr's size counted from the message start, so
  // the data it shows begins 4 bytes into the message.
  const rest = o + 4;
  if (tvb.reportedRemaining(rest) > 0) dissectData(tvb.sub(rest), pinfo, tree);
  return 4;
}

export const genlModule = { fields: F };
