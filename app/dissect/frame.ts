// The frame pseudo-protocol: numbers, lengths and times of the record, then the link layer.
import { bool, fields, proto, str, uint, FieldType } from './field.ts';
import { baseLinkType, encapType, linkTypeName } from './link-types.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { formatAbsoluteUtc, formatDelta, formatEpoch } from '../format/time.ts';
import { dissectData } from './data.ts';
import { expertInfo } from './dissect.ts';
import { addCustomBlockItems, customBlockTitle, dissectCustomBlock } from './pcapng.ts';

export const F = fields('frame', {
  '': proto('Frame'),
  section_number: uint('Section number', 32),
  interface_id: uint('Interface id', 32),
  interface_name: str('Interface name'),
  interface_description: str('Interface description'),
  encap_type: { ...uint('Encapsulation type', 16) },
  time: { name: 'Arrival Time', type: FieldType.AbsTime },
  offset_shift: {
    name: 'Time shift for this packet',
    type: FieldType.RelTime,
    unit: 'seconds',
    generated: true,
  },
  time_epoch: { name: 'Epoch Time', type: FieldType.RelTime, unit: 'seconds' },
  time_delta: {
    name: 'Time delta from previous captured frame',
    type: FieldType.RelTime,
    unit: 'seconds',
    generated: true,
  },
  time_delta_displayed: {
    name: 'Time delta from previous displayed frame',
    type: FieldType.RelTime,
    unit: 'seconds',
    generated: true,
  },
  time_relative: {
    name: 'Time since reference or first frame',
    type: FieldType.RelTime,
    unit: 'seconds',
    generated: true,
  },
  number: { name: 'Frame Number', type: FieldType.FrameNum },
  len: uint('Frame Length', 32, { unit: 'bytes' }),
  cap_len: uint('Capture Length', 32, { unit: 'bytes' }),
  marked: bool('Frame is marked', 8, 0, { generated: true, tf: ['True', 'False'] }),
  ignored: bool('Frame is ignored', 8, 0, { generated: true, tf: ['True', 'False'] }),
  protocols: str('Protocols in frame', { generated: true }),
});

const NO_SHIFT = '0.000000000';

/** `178 bytes (1424 bits)`. */
const bytesAndBits = (n: number): string => `${n} byte${n === 1 ? '' : 's'} (${n * 8} bits)`;

/** `Frame 1: 178 bytes on wire (1424 bits), 178 bytes captured (1424 bits) on interface en0, id 0`. */
function frameTitle(pinfo: PacketInfo): string {
  const m = pinfo.meta;
  const amount = (n: number, where: string): string =>
    `${n} byte${n === 1 ? '' : 's'} ${where} (${n * 8} bits)`;
  let title = `Frame ${m.number}: ${amount(m.origLen, 'on wire')}, ${amount(m.capLen, 'captured')}`;
  if (m.ifaceId >= 0) {
    const id = recordInterfaceId(pinfo);
    title += ` on interface ${interfaceName(pinfo, id)}, id ${id}`;
  }
  return title;
}

/**
 * The interface id as tshark 4.0 shows it: the record's own, section-local id (Trawl's ids are
 * global across sections, as capinfos numbers them).
 */
function recordInterfaceId(pinfo: PacketInfo): number {
  const g = pinfo.meta.ifaceId;
  const of = pinfo.state.interfaceOf;
  const section = of?.(g)?.section ?? 0;
  if (section === 0 || !of) return g;
  let first = g;
  while (first > 0 && (of(first - 1)?.section ?? 0) === section) first--;
  return g - first;
}

/**
 * tshark's name for interface `id`, looked up (as tshark does) in the file's whole interface
 * list: the name, else the description, else `unknown`.
 */
function interfaceName(pinfo: PacketInfo, id: number): string {
  const iface = pinfo.state.interfaceOf?.(id);
  return iface?.name || iface?.description || 'unknown';
}

/** `Interface id: 0 (en0)` with the interface's name and description under it. */
function addInterface(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const id = recordInterfaceId(pinfo);
  const name = interfaceName(pinfo, id);
  tree.push(F.interface_id, tvb, 0, 0, id);
  if (tree.full) tree.label(`Interface id: ${id} (${name})`);
  tree.add(F.interface_name, tvb, 0, 0, name);
  const description = pinfo.state.interfaceOf?.(id)?.description;
  if (description) tree.add(F.interface_description, tvb, 0, 0, description);
  tree.pop();
}

/**
 * Adds the frame's own fields, then hands the bytes to the link-layer dissector (a pcapng Custom
 * Block's to pcapng.ts: it has no interface, no link type and no time).
 */
export function dissectFrame(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const m = pinfo.meta;
  const custom = m.custom;
  pinfo.layers.push('frame');
  tree.push(F[''], tvb, 0, m.capLen);
  if (tree.full) tree.label(custom ? customBlockTitle(m.number, m.capLen, custom) : frameTitle(pinfo));
  // A pcapng record: tshark numbers its section from 1.
  if (custom) tree.add(F.section_number, tvb, 0, 0, custom.section + 1);
  else if (m.ifaceId >= 0) {
    const section = pinfo.state.interfaceOf?.(m.ifaceId)?.section ?? 0;
    tree.add(F.section_number, tvb, 0, 0, section + 1);
    addInterface(tvb, pinfo, tree);
  }
  if (!custom && tree.wants(F.encap_type)) {
    tree.add(F.encap_type, tvb, 0, 0, encapType(m.linkType));
    if (tree.full)
      tree.labelLast(`Encapsulation type: ${linkTypeName(m.linkType)} (${encapType(m.linkType)})`);
  }
  // A record without a time of its own has none of the time fields.
  if (!m.noTime) addTimes(tvb, pinfo, tree);
  tree.add(F.number, tvb, 0, 0, m.number);
  tree.add(F.len, tvb, 0, 0, m.origLen);
  if (tree.full) tree.labelLast(`Frame Length: ${bytesAndBits(m.origLen)}`);
  tree.add(F.cap_len, tvb, 0, 0, m.capLen);
  if (tree.full) tree.labelLast(`Capture Length: ${bytesAndBits(m.capLen)}`);
  if (tree.wants(F.marked)) tree.add(F.marked, tvb, 0, 0, false);
  if (tree.wants(F.ignored)) tree.add(F.ignored, tvb, 0, 0, false);
  if (custom) addCustomBlockItems(tvb, tree, custom);
  tree.pop();

  if (custom) dissectCustomBlock(tvb, pinfo, tree, custom);
  else if (pinfo.registry.call('linkType', baseLinkType(m.linkType), tvb, pinfo, tree) < 0) {
    dissectData(tvb, pinfo, tree);
  }
}

/** Arrival time, epoch time, the deltas and the time since the first frame. */
function addTimes(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const m = pinfo.meta;
  if (tree.wants(F.time)) {
    tree.add(F.time, tvb, 0, 0, formatAbsoluteUtc(m.tsSec, m.tsNsec));
    // A broken file's fraction of a second (kept as tshark keeps it, see FrameClock).
    if (tree.full && (m.tsNsec < 0 || m.tsNsec >= 1e9)) {
      const what = `Arrival Time: Fractional second ${m.tsNsec} is invalid, the valid range is 0-1000000000`;
      expertInfo(tree, tvb, 0, 0, 'Note', 'Sequence', what);
    }
  }
  if (tree.wants(F.offset_shift)) tree.add(F.offset_shift, tvb, 0, 0, NO_SHIFT);
  if (tree.wants(F.time_epoch)) tree.add(F.time_epoch, tvb, 0, 0, formatEpoch(m.tsSec, m.tsNsec));
  if (tree.wants(F.time_delta) || tree.wants(F.time_delta_displayed)) {
    tree.add(F.time_delta, tvb, 0, 0, formatDelta(m.tsSec, m.tsNsec, m.prevSec, m.prevNsec));
    tree.add(F.time_delta_displayed, tvb, 0, 0, formatDelta(m.tsSec, m.tsNsec, m.shownSec, m.shownNsec));
  }
  if (tree.wants(F.time_relative)) {
    tree.add(F.time_relative, tvb, 0, 0, formatDelta(m.tsSec, m.tsNsec, m.refSec, m.refNsec));
  }
}

/** frame.protocols (`eth:ethertype:ip:tcp`): known only once every layer ran. */
export function frameProtocolsText(pinfo: PacketInfo): string {
  return pinfo.layers.slice(1).join(':');
}

export const frameModule = { fields: F };
