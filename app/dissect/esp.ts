// IP Encapsulating Security Payload (RFC 4303): the SPI and sequence number in the clear, the rest
// encrypted. Without keys nothing more can be read, as in tshark. The sequence numbers of each SPI
// are checked as tshark's default sequence analysis does.
import { fields, hex, proto, uint, FieldType } from './field.ts';
import { expert, firstPass, IpProto } from './ip-proto.ts';
import type { CaptureState, PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

export const F = fields('esp', {
  '': proto('Encapsulating Security Payload'),
  spi: hex('ESP SPI', 32, { base: 'hex_dec' }),
  sequence: uint('ESP Sequence', 32),
  'sequence-analysis.expected-sn': uint('Expected SN', 32, { generated: true }),
  'sequence-analysis.previous-frame': { name: 'Previous Frame', type: FieldType.FrameNum, generated: true },
  // The expert item's own field: filterable, not a line of its own in the tree.
  'sequence-analysis.wrong-sequence-number': {
    name: 'Wrong Sequence Number',
    type: FieldType.None,
    hidden: true,
  },
});

/** A wrong sequence number: what was expected and the SPI's previous frame. */
interface Gap {
  expected: number;
  previous: number;
}

/** Per SPI, the last sequence number and its frame; per frame, the gap it showed. */
class EspState {
  readonly last = new Map<number, { seq: number; frame: number }>();
  readonly gaps = new Map<number, Gap>();
}

const espState = (state: CaptureState): EspState => state.of('esp', () => new EspState());

export function dissectESP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('esp');
  pinfo.setProto('ESP');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  const spi = tvb.u32(o);
  const hexSpi = spi.toString(16).padStart(8, '0');
  if (pinfo.wantInfo) pinfo.setInfo(`ESP (SPI=0x${hexSpi})`);
  tree.add(F.spi, tvb, o, 4, spi);
  const seq = tvb.u32(o + 4);
  tree.add(F.sequence, tvb, o + 4, 4, seq);
  const gap = sequenceGap(pinfo, spi, seq);
  if (gap) addGap(tvb, pinfo, tree, o + 4, gap, seq, hexSpi);
  tree.pop();
  return tvb.remaining(o);
}

function sequenceGap(pinfo: PacketInfo, spi: number, seq: number): Gap | null {
  const st = espState(pinfo.state);
  const frame = pinfo.meta.number;
  if (!firstPass(pinfo.state, pinfo)) return st.gaps.get(frame) ?? null;
  const last = st.last.get(spi);
  st.last.set(spi, { seq, frame });
  if (!last || seq === last.seq + 1) return null;
  const gap = { expected: last.seq + 1, previous: last.frame };
  st.gaps.set(frame, gap);
  return gap;
}

function addGap(
  tvb: Tvb,
  pinfo: PacketInfo,
  tree: Tree,
  at: number,
  gap: Gap,
  seq: number,
  spi: string,
): void {
  const { expected, previous } = gap;
  const missing = seq > expected ? ` (${seq - expected} SNs missing)` : '';
  tree.push(F['sequence-analysis.expected-sn'], tvb, at, 0, expected);
  if (tree.full) tree.label(`[Expected SN: ${expected}${missing}]`);
  tree.add(F['sequence-analysis.wrong-sequence-number'], tvb, at, 0, 1);
  const how = seq > expected ? `${seq - expected} missing` : `${expected - seq} less than expected`;
  expert(pinfo, tree, tvb, at, 0, 'Warning', 'Sequence', `Wrong Sequence Number for SPI ${spi} - ${how}`);
  tree.pop();
  tree.add(F['sequence-analysis.previous-frame'], tvb, at, 0, previous);
  if (tree.full) tree.labelLast(`[Previous Frame: ${previous}]`);
}

export const espModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('ipProto', IpProto.ESP, dissectESP);
  },
};
