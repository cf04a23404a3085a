// Cisco Hot Standby Router Protocol version 1 (RFC 2281) on UDP 1985: hello, coup, resign and the
// interface-state advertisement, with tshark 4.0's Info (`Hello (state Active)`).
import { fields, ipv4, names, proto, str, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const OPCODES = names({ 0: 'Hello', 1: 'Coup', 2: 'Resign', 3: 'Advertise' });
const STATES = names({ 0: 'Initial', 1: 'Learn', 2: 'Listen', 4: 'Speak', 8: 'Standby', 16: 'Active' });
const ADV_TYPES = names({ 1: 'HSRP interface state' });
const ADV_STATES = names({ 1: 'Dormant', 2: 'Passive', 3: 'Active' });

export const F = fields('hsrp', {
  '': proto('Cisco Hot Standby Router Protocol'),
  version: uint('Version', 8),
  opcode: uint('Op Code', 8, { strings: OPCODES }),
  state: uint('State', 8, { strings: STATES }),
  hellotime: uint('Hellotime', 8),
  holdtime: uint('Holdtime', 8),
  priority: uint('Priority', 8),
  group: uint('Group', 8),
  reserved: uint('Reserved', 8),
  auth_data: str('Authentication Data'),
  virt_ip: ipv4('Virtual IP Address'),
  'adv.tlvtype': uint('Adv type', 16, { strings: ADV_TYPES }),
  'adv.tlvlength': uint('Adv length', 16),
  'adv.state': uint('Adv state', 8, { strings: ADV_STATES }),
  'adv.reserved1': uint('Adv reserved1', 8),
  'adv.activegrp': uint('Adv active groups', 16),
  'adv.passivegrp': uint('Adv passive groups', 16),
  'adv.reserved2': uint('Adv reserved2', 32),
});

export function dissectHSRP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('hsrp');
  pinfo.setProto('HSRP');
  const opcode = tvb.u8(o + 1);
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    tree.add(F.version, tvb, o, 1, tvb.u8(o));
    tree.add(F.opcode, tvb, o + 1, 1, opcode);
    if (opcode === 3) {
      const state = tvb.u8(o + 6);
      if (pinfo.wantInfo) pinfo.setInfo(`Advertise (state ${ADV_STATES.get(state) ?? 'Unknown'})`);
      tree.add(F['adv.tlvtype'], tvb, o + 2, 2, tvb.u16(o + 2));
      tree.add(F['adv.tlvlength'], tvb, o + 4, 2, tvb.u16(o + 4));
      tree.add(F['adv.state'], tvb, o + 6, 1, state);
      tree.add(F['adv.reserved1'], tvb, o + 7, 1, tvb.u8(o + 7));
      tree.add(F['adv.activegrp'], tvb, o + 8, 2, tvb.u16(o + 8));
      tree.add(F['adv.passivegrp'], tvb, o + 10, 2, tvb.u16(o + 10));
      tree.add(F['adv.reserved2'], tvb, o + 12, 4, tvb.u32(o + 12));
      return tvb.remaining(o);
    }
    const state = tvb.u8(o + 2);
    if (pinfo.wantInfo) {
      const op = OPCODES.get(opcode) ?? `Unknown (${opcode})`;
      pinfo.setInfo(`${op} (state ${STATES.get(state) ?? 'Unknown'})`);
    }
    tree.add(F.state, tvb, o + 2, 1, state);
    const hello = tvb.u8(o + 3);
    tree.add(F.hellotime, tvb, o + 3, 1, hello);
    if (tree.full && hello === 3) tree.labelLast('Hellotime: Default (3)');
    const hold = tvb.u8(o + 4);
    tree.add(F.holdtime, tvb, o + 4, 1, hold);
    if (tree.full && hold === 10) tree.labelLast('Holdtime: Default (10)');
    tree.add(F.priority, tvb, o + 5, 1, tvb.u8(o + 5));
    tree.add(F.group, tvb, o + 6, 1, tvb.u8(o + 6));
    tree.add(F.reserved, tvb, o + 7, 1, tvb.u8(o + 7));
    const auth = tvb.ascii(o + 8, 8).replace(/\0.*$/s, '');
    tree.add(F.auth_data, tvb, o + 8, 8, auth);
    if (tree.full && auth === 'cisco') tree.labelLast('Authentication Data: Default (cisco)');
    tree.add(F.virt_ip, tvb, o + 16, 4, tvb.u32(o + 16));
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

export const hsrpModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', 1985, dissectHSRP);
  },
};
