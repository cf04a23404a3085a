// RADIUS on built datagrams against tshark: requests and answers on the auth, accounting and
// CoA ports, attributes of each kind, EAP-Message attributes joined into one EAP packet, and
// datagrams that are not RADIUS (unknown code, bad length).
import { describe, expect, it } from 'vitest';
import { dissectHex } from '../../support/dissect-hex.ts';
import { fieldsOfBoth, fuzzFrames, hex, oracleReady, udpIpFrame } from '../../support/proto-oracle.ts';

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  '_ws.malformed',
  'radius.code',
  'radius.id',
  'radius.length',
  'radius.avp.type',
  'eap.code',
  'eap.type',
];

/** A RADIUS packet: code, id, a zero authenticator, attributes given as hex. */
function radius(code: number, id: number, avps: string): Uint8Array {
  const a = hex(avps);
  const len = 20 + a.length;
  const b = new Uint8Array(len);
  b.set([code, id, len >> 8, len & 0xff]);
  b.set(a, 20);
  return b;
}

const USER = '010a4a6f686e2e4d6347'; // User-Name
const NAS_IP = '04060a000001';
const PORT_TYPE = '3d060000000f';
const EAP_ID = '4f1302000011014a6f686e2e4d63477569726b';

const FRAMES = [
  udpIpFrame(40000, 1812, radius(1, 5, USER + NAS_IP + PORT_TYPE + EAP_ID)),
  udpIpFrame(1812, 40000, radius(11, 5, '4f0801010006' + '0d20')),
  udpIpFrame(1813, 40000, radius(5, 9, '')),
  udpIpFrame(40000, 3799, radius(43, 166, '1f0c30303a31343a3232')),
  udpIpFrame(40000, 1645, radius(2, 1, '080affffffff')),
  udpIpFrame(40000, 1812, radius(99, 1, '')),
  udpIpFrame(40000, 1812, hex('01010010')),
  udpIpFrame(40000, 1812, radius(1, 7, '0101')),
  udpIpFrame(40000, 1812, radius(1, 7, '01ff41')),
];

describe('RADIUS', () => {
  it('decodes codes, attributes and the EAP packet they carry', () => {
    const req = dissectHex(FRAMES[0] as Uint8Array);
    expect(req.pinfo.layers.slice(1).join(':')).toBe('eth:ethertype:ip:udp:radius:eap');
    expect(req.pinfo.proto).toBe('RADIUS');
    expect(req.pinfo.info).toBe('Access-Request id=5');
    expect(req.value('radius.avp.type')).toBe('1,4,61,79');
    expect(req.value('eap.type')).toBe('1');
    expect(dissectHex(FRAMES[3] as Uint8Array).pinfo.info).toBe('CoA-Request id=166');
    expect(dissectHex(FRAMES[5] as Uint8Array).pinfo.layers.at(-1)).toBe('data');
  });

  it('survives mutated packets', () => fuzzFrames(FRAMES, 42, 1812));

  it.skipIf(!oracleReady)('agrees with tshark', () => {
    const f = fieldsOfBoth(FRAMES, FIELDS);
    expect(f.trawl).toBe(f.tshark);
  });
});
