import { describe, expect, it } from 'vitest';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { dissectHex } from '../../support/dissect-hex.ts';

// Expected values are tshark 4.0.17's for the same datagrams (an M-SEARCH and its answer).
const SEARCH = `
  02000000 00010200 00000002 08004500 00900001 00004011 80610a00 0001efff
  fffac350 076c007c 00004d2d 53454152 4348202a 20485454 502f312e 310d0a48
  4f53543a 20323339 2e323535 2e323535 2e323530 3a313930 300d0a4d 414e3a20
  22737364 703a6469 73636f76 6572220d 0a4d583a 20320d0a 53543a20 73736470
  3a616c6c 0d0a5553 45522d41 47454e54 3a207465 73742f31 2e300d0a 0d0a
`;
const ANSWER = `
  02000000 00010200 00000002 08004500 00c60001 00004011 66240a00 00010a00
  0002076c c35000b2 00004854 54502f31 2e312032 3030204f 4b0d0a43 41434845
  2d434f4e 54524f4c 3a206d61 782d6167 653d3138 30300d0a 4c4f4341 54494f4e
  3a206874 74703a2f 2f31302e 302e302e 313a3830 2f646573 632e786d 6c0d0a53
  45525645 523a204c 696e7578 2055506e 502f312e 300d0a53 543a2075 706e703a
  726f6f74 64657669 63650d0a 55534e3a 20757569 643a6162 633a3a75 706e703a
  726f6f74 64657669 63650d0a 4558543a 0d0a0d0a
`;

describe('ssdp', () => {
  it('decodes an M-SEARCH with HTTP fields', () => {
    const d = dissectHex(SEARCH);
    expect(d.pinfo.proto).toBe('SSDP');
    expect(d.pinfo.info).toBe('M-SEARCH * HTTP/1.1 ');
    expect(d.value('http.request.method')).toBe('M-SEARCH');
    expect(d.value('http.request.uri')).toBe('*');
    expect(d.value('http.host')).toBe('239.255.255.250:1900');
    expect(d.value('http.user_agent')).toBe('test/1.0');
    expect(d.value('http.request.full_uri')).toBe('http://239.255.255.250:1900*');
    const [host] = d.nodes('http.host');
    expect(host && nodeLabel(host)).toBe('HOST: 239.255.255.250:1900\\r\\n');
  });

  it('decodes the answer with status and location', () => {
    const d = dissectHex(ANSWER);
    expect(d.pinfo.info).toBe('HTTP/1.1 200 OK ');
    expect(d.value('http.response.code')).toBe('200');
    expect(d.value('http.response.phrase')).toBe('OK');
    expect(d.value('http.location')).toBe('http://10.0.0.1:80/desc.xml');
    expect(d.value('http.server')).toBe('Linux UPnP/1.0');
  });
});
