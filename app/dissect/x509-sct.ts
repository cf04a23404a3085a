// Certificate Transparency's SignedCertificateTimestampList (RFC 6962 §3.3) inside a certificate
// extension: TLS presentation language, not BER, shown as tshark's TLS code shows it.
import { formatAbsoluteUtc } from '../format/time.ts';
import { SCT } from './x509-fields.ts';
import type { Walk } from './x509-syntax.ts';

/** Logs by id (hex), as tshark names them in each timestamp's label. */
const LOGS: Record<string, string> = {
  ee4bbdb775ce60bae142691fabe19e66a30f7e5fb072d88300c47b897aa8fdcb: "Google 'Rocketeer' log",
  a4b90990b418581487bb13a2cc67700a3c359804f91bdfb8e377cd0ec80ddc10: "Google 'Pilot' log",
};

const u16 = (b: Uint8Array, p: number): number => ((b[p] as number) << 8) | (b[p + 1] as number);

/** The serialized list in [from, to): its length, then each timestamp. */
export function sctList(w: Walk, from: number, to: number): void {
  if (from + 2 > to) return;
  const total = u16(w.b, from);
  w.tree.add(SCT.scts_length, w.tvb, from, 2, total);
  const stop = Math.min(to, from + 2 + total);
  for (let p = from + 2; p + 2 <= stop;) {
    const n = u16(w.b, p);
    if (p + 2 + n > stop) break;
    sct(w, p, n);
    p += 2 + n;
  }
}

/** One SerializedSCT at `p` (its 2-byte length, then `n` bytes). */
function sct(w: Walk, p: number, n: number): void {
  const { b, tvb, tree } = w;
  const end = p + 2 + n;
  tree.push(SCT.sct, tvb, p, 2 + n);
  tree.add(SCT.sct_length, tvb, p, 2, n);
  let q = p + 2;
  if (q + 1 + 32 + 8 + 2 <= end) {
    tree.add(SCT.sct_version, tvb, q, 1, b[q] as number);
    const logId = Array.from(b.subarray(q + 1, q + 33), (x) => x.toString(16).padStart(2, '0')).join('');
    tree.add(SCT.sct_logid, tvb, q + 1, 32);
    const ms = Number(new DataView(b.buffer, b.byteOffset + q + 33, 8).getBigUint64(0));
    tree.add(SCT.sct_timestamp, tvb, q + 33, 8, formatAbsoluteUtc(Math.floor(ms / 1000), (ms % 1000) * 1e6));
    q += 41;
    const extLen = u16(b, q);
    tree.add(SCT.sct_extensions_length, tvb, q, 2, extLen);
    if (extLen > 0) tree.add(SCT.sct_extensions, tvb, q + 2, Math.min(extLen, end - q - 2));
    q += 2 + extLen;
    if (q + 4 <= end) {
      w.sigAlg?.(tvb, q, tree);
      const sigLen = u16(b, q + 2);
      tree.add(SCT.sct_signature_length, tvb, q + 2, 2, sigLen);
      if (sigLen > 0) tree.add(SCT.sct_signature, tvb, q + 4, Math.min(sigLen, end - q - 4));
    }
    if (w.full) tree.label(`Signed Certificate Timestamp (${LOGS[logId] ?? 'Unknown Log'})`);
  }
  tree.pop();
}
