// The SMB mailslot protocol (a Transaction request to \MAILSLOT\name): the setup words, size and
// name as tshark 4.0 shows them, and the message handed to the browser for \MAILSLOT\BROWSE and
// \MAILSLOT\LANMAN, else to data.
import { fields, names, proto, str, uint } from './field.ts';
import { dissectBrowser } from './browser.ts';
import { dissectData } from './data.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

export const F = fields('mailslot', {
  '': proto('SMB MailSlot Protocol'),
  opcode: uint('Opcode', 16, { strings: names({ 1: 'Write Mail Slot' }) }),
  priority: uint('Priority', 16),
  class: uint('Class', 16, { strings: names({ 1: 'Reliable', 2: 'Unreliable & Broadcast' }) }),
  size: uint('Size', 16),
  name: str('Mailslot Name'),
});

/**
 * `setup` is where the Transaction's setup words start (opcode, priority, class), `sizeAt` its
 * byte count, `nameAt`/`nameLen` the transaction name; `data` is the message.
 */
export function dissectMailslot(
  tvb: Tvb,
  setup: number,
  sizeAt: number,
  nameAt: number,
  nameLen: number,
  mailslot: string,
  data: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
): void {
  pinfo.currentProto = 'SMB Mailslot';
  pinfo.setProto('SMB Mailslot');
  if (tvb.reportedRemaining(data.start) === 0 || data.reportedEnd === data.start) {
    if (pinfo.wantInfo) pinfo.setInfo('Interim reply');
    return;
  }
  const opcode = tvb.u16le(setup);
  if (pinfo.wantInfo)
    pinfo.setInfo(
      opcode === 1 ? 'Write Mail Slot' : `Unknown opcode: 0x${opcode.toString(16).padStart(4, '0')}`,
    );
  tree.push(F[''], tvb, setup, nameAt + nameLen - setup);
  try {
    tree.add(F.opcode, tvb, setup, 2, opcode);
    tree.add(F.priority, tvb, setup + 2, 2, tvb.u16le(setup + 2));
    tree.add(F.class, tvb, setup + 4, 2, tvb.u16le(setup + 4));
    tree.add(F.size, tvb, sizeAt, 2, tvb.u16le(sizeAt));
    tree.add(F.name, tvb, nameAt, nameLen, tvb.ascii(nameAt, Math.max(0, nameLen - 1)).replace(/\0+$/, ''));
  } finally {
    tree.pop();
  }
  const slot = mailslot.toUpperCase();
  if (slot.startsWith('BROWSE') || slot.startsWith('LANMAN')) dissectBrowser(data, pinfo, tree);
  else dissectData(data, pinfo, tree);
}

export const mailslotModule = { fields: F };
