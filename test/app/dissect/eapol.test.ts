import { describe, expect, it } from 'vitest';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { dissectHex, hexToBytes } from '../../support/dissect-hex.ts';
import { haveTshark, trawlRow, tsharkFrameRows } from '../../support/tshark-oracle.ts';

// EAPOL frames of tcpdump 4.99.3's eapon1.pcap (frames 17, 18, 19, 24, 25, 26) and
// eap_extract_read2_asan.pcap; expected values are tshark 4.0.17's for them.

const START = '000cce88319a00042357a57a888e0101000000';
const REQUEST_IDENTITY = `00042357a57a000cce88319a888e010000050102000501${'00'.repeat(38)}`;
const RESPONSE_IDENTITY =
  '000cce88319a00042357a57a888e0100002d0202002d0131323935303233383230303035333931406d6e633032332e6d63633239352e6f776c616e2e6f7267';
const SUCCESS = `00042357a57a000cce88319a888e0100000403000004${'00'.repeat(38)}`;
/** An RC4 key descriptor with the key itself. */
const RC4_KEY =
  '00042357a57a000cce88319a888e0103003901000d000040605511009b6aba18850f27ac38ae1aca8253858f26025d11315d47c77d8547a020d8cb9d49439af1d153d2ba5ccf63c3a226b8';
/** An RC4 key descriptor without the key: generated locally. */
const RC4_KEY_LOCAL =
  '00042357a57a000cce88319a888e0103002c01000d000040605511009c95f83d2eb953a795b2c8210d76486f4e8371e17a1e746e3b91df7d7946f7f8caa4';
/** A fuzzed frame: an EAP packet of length 0, cut short after the EAPOL header. */
const FUZZED = '43544c49000cfb49967ec0c1888e9b0000000004';

const labels = (d: ReturnType<typeof dissectHex>, abbrev: string): string[] =>
  (d.nodes(abbrev)[0]?.children ?? []).map((c) => nodeLabel(c));

describe('eapol', () => {
  it('names the EAPOL packet type', () => {
    const d = dissectHex(START);
    expect(d.value('frame.protocols')).toBe('eth:ethertype:eapol');
    expect(d.pinfo.proto).toBe('EAPOL');
    expect(d.pinfo.info).toBe('Start');
    expect(labels(d, 'eapol')).toEqual(['Version: 802.1X-2001 (1)', 'Type: Start (1)', 'Length: 0']);
  });

  it('hands EAP packets to EAP: code, identifier, method, identity', () => {
    const request = dissectHex(REQUEST_IDENTITY);
    expect(request.pinfo.proto).toBe('EAP');
    expect(request.pinfo.info).toBe('Request, Identity');
    expect(request.value('eap.code')).toBe('1');
    expect(request.value('eap.type')).toBe('1');
    const response = dissectHex(RESPONSE_IDENTITY);
    expect(response.pinfo.info).toBe('Response, Identity');
    expect(response.value('eap.identity')).toBe('1295023820005391@mnc023.mcc295.owlan.org');
    expect(labels(response, 'eap')).toEqual([
      'Code: Response (2)',
      'Id: 2',
      'Length: 45',
      'Type: Identity (1)',
      'Identity: 1295023820005391@mnc023.mcc295.owlan.org',
    ]);
    expect(dissectHex(SUCCESS).pinfo.info).toBe('Success');
  });

  it('reads RC4 key descriptors', () => {
    const d = dissectHex(RC4_KEY);
    expect(d.pinfo.info).toBe('Key');
    expect(d.value('eapol.keydes.replay_counter')).toBe('70782488215707');
    expect(d.value('eapol.keydes.key_index')).toBe('0x02');
    expect(d.value('eapol.keydes.key')).toBe('9af1d153d2ba5ccf63c3a226b8');
    expect(d.value('eapol.keydes.key.generated_locally')).toBe('0');
    const local = dissectHex(RC4_KEY_LOCAL);
    expect(local.value('eapol.keydes.key_index.type')).toBe('1');
    expect(local.value('eapol.keydes.key.generated_locally')).toBe('1');
  });

  it('finds an empty EAP packet malformed', () => {
    const d = dissectHex(FUZZED, 1, { origLen: 262144 });
    expect(d.pinfo.malformed).toBe(true);
    expect(d.nodes('_ws.malformed').map((n) => nodeLabel(n))).toEqual(['[Malformed Packet: EAP]']);
    expect(d.value('eapol.version')).toBe('155');
  });
});

const FIELDS = [
  'frame.protocols',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'eapol',
  'eapol.version',
  'eapol.type',
  'eapol.len',
  'eapol.keydes.type',
  'eapol.keydes.key_len',
  'eapol.keydes.replay_counter',
  'eapol.keydes.key_iv',
  'eapol.keydes.key_index',
  'eapol.keydes.key_signature',
  'eapol.keydes.key',
  'eapol.keydes.key.generated_locally',
  'eap.code',
  'eap.id',
  'eap.len',
  'eap.type',
  'eap.identity',
];

describe.skipIf(!haveTshark)('eapol against tshark', () => {
  it('agrees field for field on the captured frames', () => {
    const frames = [START, REQUEST_IDENTITY, RESPONSE_IDENTITY, SUCCESS, RC4_KEY, RC4_KEY_LOCAL].map(
      hexToBytes,
    );
    const want = tsharkFrameRows(frames, 1, FIELDS);
    const got = frames.map((f) => trawlRow(dissectHex(f), FIELDS));
    expect(got).toEqual(want);
  });
});
