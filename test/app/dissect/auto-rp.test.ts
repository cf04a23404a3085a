import { describe, expect, it } from 'vitest';
import { dissectHex, hexToBytes } from '../../support/dissect-hex.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';
import { udpFrame } from '../../support/tcp-frames.ts';

// Cisco Auto-RP messages built here on UDP 496: an announcement of one RP for two group prefixes,
// and a mapping that claims more RPs than it carries. Expected values are tshark 4.0.17's.
const latin1 = (hex: string): string => String.fromCharCode(...hexToBytes(hex));
/** v1, announcement, 1 RP, hold time 181: RP 10.0.0.9 (PIM v1+2) for 224.0.0.0/4 and -239.0.0.0/8. */
const ANNOUNCE = latin1('110100b5000000000a00000903020004e00000000108ef000000');
/** v1, mapping, 3 RPs announced, one present. */
const SHORT_MAPPING = latin1('120300b5000000000a00000903010004e0000000');

const FRAMES = [ANNOUNCE, SHORT_MAPPING].map((p) => udpFrame({ src: 1, dst: 2, sport: 496, dport: 496 }, p));

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'auto_rp.version',
  'auto_rp.type',
  'auto_rp.rp_count',
  'auto_rp.holdtime',
  'auto_rp.rp_addr',
  'auto_rp.pim_ver',
  'auto_rp.group_num',
  'auto_rp.prefix_sign',
  'auto_rp.mask_len',
  'auto_rp.group_prefix',
];

describe('auto-rp', () => {
  it('decodes an announcement with its RP and group prefixes', () => {
    const d = dissectHex(FRAMES[0] as Uint8Array);
    expect(d.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:auto_rp');
    expect([d.pinfo.proto, d.pinfo.info]).toEqual(['Auto-RP', 'RP announcement (v1 or 1+) for 1 RP']);
    expect(d.value('auto_rp.group_prefix')).toBe('224.0.0.0,239.0.0.0');
    expect(d.value('auto_rp.prefix_sign')).toBe('0,1');
  });

  it('marks a mapping that runs out of RPs malformed', () => {
    const d = dissectHex(FRAMES[1] as Uint8Array);
    expect(d.pinfo.info).toBe('RP mapping (v1 or 1+) for 3 RPs[Malformed Packet]');
    expect(d.pinfo.malformed).toBe(true);
  });

  it.skipIf(!haveTshark)('agrees with tshark field by field', () => {
    const fields = FIELDS.filter((f) => f !== '_ws.malformed');
    const want = tsharkFrameRows(FRAMES, 1, fields);
    expect(FRAMES.map((f) => trawlRow(dissectHex(f), fields))).toEqual(want);
  });
});
