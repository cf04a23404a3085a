// The frame pseudo-protocol: numbers, lengths and times of the record, then the link layer.
import { bool, fields, proto, str, uint, FieldType } from './field.ts';
import { baseLinkType, encapType, linkTypeName } from './link-types.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';
import { formatAbsoluteUtc, formatDelta, formatEpoch } from '../format/time.ts';
import { dissectData } from './data.ts';

export const F = fields('frame', {
  '': proto('Frame'),
  interface_id: uint('Interface id', 32),
  encap_type: { ...uint('Encapsulation type', 16) },
  time: { name: 'Arrival Time', type: FieldType.String },
  time_epoch: { name: 'Epoch Time', type: FieldType.AbsTime, unit: 'seconds' },
  time_delta: { name: 'Time delta from previous captured frame', type: FieldType.RelTime, generated: true },
  time_relative: { name: 'Time since reference or first frame', type: FieldType.RelTime, generated: true },
  number: { name: 'Frame Number', type: FieldType.FrameNum },
  len: uint('Frame Length', 32, { unit: 'bytes' }),
  cap_len: uint('Capture Length', 32, { unit: 'bytes' }),
  marked: bool('Frame is marked', 8, 0, { generated: true, tf: ['True', 'False'] }),
  protocols: str('Protocols in frame', { generated: true }),
});

/** Adds the frame's own fields, then hands the bytes to the link-layer dissector. */
export function dissectFrame(tvb: Tvb, pinfo: PacketInfo, tree: Tree): void {
  const m = pinfo.meta;
  pinfo.layers.push('frame');
  tree.push(F[''], tvb, 0, m.capLen);
  if (tree.full) {
    const bits = (n: number): string => `${n} byte${n === 1 ? '' : 's'} (${n * 8} bits)`;
    const where = m.ifaceId >= 0 ? ` on interface ${m.ifaceId}` : '';
    tree.label(`Frame ${m.number}: ${bits(m.origLen)} on wire, ${bits(m.capLen)} captured${where}`);
  }
  if (m.ifaceId >= 0) tree.add(F.interface_id, tvb, 0, 0, m.ifaceId);
  if (tree.wants(F.encap_type)) {
    tree.add(F.encap_type, tvb, 0, 0, encapType(m.linkType));
    if (tree.full)
      tree.labelLast(`Encapsulation type: ${linkTypeName(m.linkType)} (${encapType(m.linkType)})`);
  }
  if (tree.wants(F.time)) tree.add(F.time, tvb, 0, 0, formatAbsoluteUtc(m.tsSec, m.tsNsec));
  if (tree.wants(F.time_epoch)) tree.add(F.time_epoch, tvb, 0, 0, formatEpoch(m.tsSec, m.tsNsec));
  if (tree.wants(F.time_delta)) {
    tree.add(F.time_delta, tvb, 0, 0, formatDelta(m.tsSec, m.tsNsec, m.prevSec, m.prevNsec));
  }
  if (tree.wants(F.time_relative)) {
    tree.add(F.time_relative, tvb, 0, 0, formatDelta(m.tsSec, m.tsNsec, m.refSec, m.refNsec));
  }
  tree.add(F.number, tvb, 0, 0, m.number);
  tree.add(F.len, tvb, 0, 0, m.origLen);
  tree.add(F.cap_len, tvb, 0, 0, m.capLen);
  tree.pop();

  if (pinfo.registry.call('linkType', baseLinkType(m.linkType), tvb, pinfo, tree) < 0) {
    dissectData(tvb, pinfo, tree);
  }
}

/** frame.protocols (`eth:ethertype:ip:tcp`): known only once every layer ran. */
export function frameProtocolsText(pinfo: PacketInfo): string {
  return pinfo.layers.slice(1).join(':');
}

export const frameModule = { fields: F };
