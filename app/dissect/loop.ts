// Ethernet Configuration Test Protocol (loopback, ethertype 0x9000): a skip count, then
// functions: Forward Data with the next address, until a Reply with its receipt number; the rest
// is data. Info names the function the skip count points at.
import { dissectData } from './data.ts';
import { ether, fields, names, proto, uint } from './field.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

const FUNCTION = { REPLY: 1, FORWARD: 2 };
const FUNCTIONS = names({ [FUNCTION.REPLY]: 'Reply', [FUNCTION.FORWARD]: 'Forward Data' });

export const F = fields('loop', {
  '': proto('Configuration Test Protocol (loopback)'),
  skipcount: uint('skipCount', 16),
  function: uint('Function', 16, { strings: FUNCTIONS }),
  relevant_function: uint('Relevant function', 16, { strings: FUNCTIONS }),
  receipt_number: uint('Receipt number', 16),
  forwarding_address: ether('Forwarding address'),
});

export function dissectLoop(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  pinfo.layers.push('loop');
  pinfo.setProto('LOOP');
  if (pinfo.wantInfo) pinfo.setInfo('');
  tree.push(F[''], tvb, o, tvb.remaining(o));
  const skip = tvb.u16le(o);
  tree.add(F.skipcount, tvb, o, 2, skip);
  let p = o + 2;
  for (;;) {
    const fn = tvb.u16le(p);
    if (p === o + 2 + skip) {
      tree.add(F.relevant_function, tvb, p, 2, fn);
      if (pinfo.wantInfo) pinfo.setInfo(FUNCTIONS.get(fn) ?? `Unknown function (${fn})`);
    }
    tree.add(F.function, tvb, p, 2, fn);
    p += 2;
    if (fn === FUNCTION.FORWARD) {
      tree.add(F.forwarding_address, tvb, p, 6);
      p += 6;
      continue;
    }
    if (fn === FUNCTION.REPLY) {
      tree.add(F.receipt_number, tvb, p, 2, tvb.u16le(p));
      p += 2;
    }
    break;
  }
  tree.pop(p - o);
  if (tvb.remaining(p) > 0) dissectData(tvb.sub(p), pinfo, tree);
  return tvb.remaining(o);
}

export const loopModule = {
  fields: F,
  handoff(reg: Registry): void {
    reg.register('etherType', 0x9000, dissectLoop);
  },
};
