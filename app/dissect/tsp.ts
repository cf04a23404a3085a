// Time Synchronization Protocol (BSD timed) on UDP 525: type, version, sequence, then the time
// (or a loop's hop count) and the machine name, as tshark 4.0 shows them. Info is the type.
import { fields, names, proto, str, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const TYPES = names({
  0: 'any',
  1: 'adjtime',
  2: 'ack',
  3: 'masterreq',
  4: 'masterack',
  5: 'settime',
  6: 'masterup',
  7: 'slaveup',
  8: 'election',
  9: 'accept',
  10: 'refuse',
  11: 'conflict',
  12: 'resolve',
  13: 'quit',
  14: 'date',
  15: 'datereq',
  16: 'dateack',
  17: 'traceon',
  18: 'traceoff',
  19: 'msite',
  20: 'msitereq',
  21: 'test',
  22: 'setdate',
  23: 'setdatereq',
  24: 'loop',
});

export const F = fields('tsp', {
  '': proto('Time Synchronization Protocol'),
  type: uint('Type', 8, { strings: TYPES }),
  version: uint('Version', 8),
  sequence: uint('Sequence', 16),
  hopcnt: uint('Hop Count', 8),
  sec: uint('Seconds', 32),
  usec: uint('Microseconds', 32),
  name: str('Machine Name'),
});

const LOOP = 24;
/** adjtime, settime, setdate, setdatereq. */
const TIMED = new Set([1, 5, 22, 23]);

export function dissectTSP(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('tsp');
  pinfo.setProto('TSP');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  try {
    const type = tvb.u8(o);
    if (pinfo.wantInfo) pinfo.setInfo(TYPES.get(type) ?? `Unknown message type (${type})`);
    tree.add(F.type, tvb, o, 1, type);
    tree.add(F.version, tvb, o + 1, 1, tvb.u8(o + 1));
    tree.add(F.sequence, tvb, o + 2, 2, tvb.u16(o + 2));
    // Eight bytes hold a loop's hop count or the time the time-setting messages carry.
    if (type === LOOP) tree.add(F.hopcnt, tvb, o + 4, 1, tvb.u8(o + 4));
    if (TIMED.has(type)) {
      tree.add(F.sec, tvb, o + 4, 4, tvb.u32(o + 4));
      tree.add(F.usec, tvb, o + 8, 4, tvb.u32(o + 8));
    }
    addName(tvb, o + 12, tree);
  } finally {
    tree.pop();
  }
  return tvb.remaining(o);
}

/** The NUL-terminated machine name (a name running off the data is cut short). */
function addName(tvb: Tvb, p: number, tree: Tree): void {
  let end = p;
  while (tvb.u8(end) !== 0) end++;
  tree.add(F.name, tvb, p, end + 1 - p, tvb.ascii(p, end - p));
}

export const tspModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('udpPort', 525, dissectTSP);
  },
};
