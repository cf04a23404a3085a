// pcapng Custom Blocks, which tshark lists as records of their own: their facts in the frame tree
// (`frame.cb_pen`, `frame.cb_copy`), the PCAPNG protocol column and Info, and the custom data
// and options as Data. The frame tree itself is frame.ts's.
import { dissectData } from './data.ts';
import { enterpriseName, ENTERPRISES } from './enterprises.ts';
import { bool, fields, uint } from './field.ts';
import type { CustomBlockMeta, PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

export const F = fields('frame', {
  cb_pen: uint('Private Enterprise Number', 32, { strings: ENTERPRISES }),
  cb_copy: bool('Copying', 8, 0, { tf: ['Allowed', 'Not Allowed'] }),
});

/**
 * The frame tree's title for a Custom Block: `PCAPNG Custom Block 1: 24 bytes (192 bits) of custom
 * data and options, PEN Example Enterprise Number for Documentation Use (32473), copying allowed`.
 */
export function customBlockTitle(number: number, length: number, cb: CustomBlockMeta): string {
  const amount = `${length} byte${length === 1 ? '' : 's'} (${length * 8} bits)`;
  const pen = `PEN ${enterpriseName(cb.pen)} (${cb.pen})`;
  return `PCAPNG Custom Block ${number}: ${amount} of custom data and options, ${pen}, copying ${cb.copyAllowed ? 'allowed' : 'not allowed'}`;
}

/** The block's own items, which tshark adds at the end of the frame tree. */
export function addCustomBlockItems(tvb: Tvb, tree: Tree, cb: CustomBlockMeta): void {
  tree.add(F.cb_pen, tvb, 0, 0, cb.pen);
  tree.add(F.cb_copy, tvb, 0, 0, cb.copyAllowed);
}

/** The columns, then the custom data and options (tshark decodes none) as Data. */
export function dissectCustomBlock(tvb: Tvb, pinfo: PacketInfo, tree: Tree, cb: CustomBlockMeta): void {
  pinfo.setProto('PCAPNG');
  if (pinfo.wantInfo) {
    // tshark prints the number as a signed 32-bit one here (and unsigned in the tree).
    const copied = cb.copyAllowed ? 'will be copied' : 'will not be copied';
    pinfo.setInfo(`Custom Block: PEN = ${enterpriseName(cb.pen)} (${cb.pen | 0}), ${copied}`);
  }
  dissectData(tvb, pinfo, tree);
}

export const pcapngModule = { fields: F };
