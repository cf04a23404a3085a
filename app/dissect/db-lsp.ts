// Dropbox LAN sync Discovery Protocol on UDP 17500: a broadcast JSON object announcing a host and
// its shared namespaces. tshark 4.0 hands the payload to its JSON heuristic (json_validate) and
// shows it as text when that refuses it.
import { fields, proto, str } from './field.ts';
import { dissectTextLines } from './http.ts';
import { dissectJSON, isValidJSON } from './json.ts';
import { stringValue } from './text-format.ts';
import { addStringItem } from './tvb-items.ts';
import type { PacketInfo } from './packet-info.ts';
import type { Registry } from './registry.ts';
import type { Tree } from './tree.ts';
import type { Tvb } from './tvb.ts';

export const F = fields('db-lsp-disc', { '': proto('Dropbox LAN sync Discovery Protocol') });
/** The text field belongs to Wireshark's TCP protocol, db-lsp, whose other fields Trawl lacks. */
const LSP = fields('db-lsp', { text: str('Text') });

const PORT = 17500;

export function dissectDbLspDisc(tvb: Tvb, pinfo: PacketInfo, tree: Tree): number {
  const o = tvb.start;
  const n = tvb.remaining(o);
  pinfo.layers.push('db-lsp-disc');
  pinfo.setProto('DB-LSP-DISC');
  if (pinfo.wantInfo) pinfo.setInfo('Dropbox LAN sync Discovery Protocol');
  tree.push(F[''], tvb, o, n);
  try {
    if (isValidJSON(tvb.bytes, o, tvb.end)) {
      const used = dissectJSON(tvb, pinfo, tree, '');
      if (used < n) dissectTextLines(tvb.sub(o + used), '', pinfo, tree);
    } else {
      addStringItem(pinfo, tree, LSP.text, tvb, o, n, stringValue(tvb.bytes, o, tvb.end, true));
    }
  } finally {
    tree.pop();
  }
  return n;
}

export const dbLspModule = {
  fields: { ...F, ...LSP },
  handoff(reg: Registry): void {
    reg.register('udpPort', PORT, dissectDbLspDisc);
  },
};
