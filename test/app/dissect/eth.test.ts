import { describe, expect, it } from 'vitest';
import { dissectHex } from '../../support/dissect-hex.ts';

// pcpp__TcpPacketWithOptions.pcap frame 1, first 20 bytes (Ethernet II + start of IPv4)
const FRAME = '30469a23fbfa 080027191c78 0800 4500035737764000';

describe('eth', () => {
  it('decodes addresses and type with offsets', () => {
    const d = dissectHex(FRAME);
    expect(d.value('eth.dst')).toBe('30:46:9a:23:fb:fa');
    expect(d.value('eth.src')).toBe('08:00:27:19:1c:78');
    expect(d.value('eth.type')).toBe('0x0800');
    expect(d.value('eth.addr')).toBe('30:46:9a:23:fb:fa,08:00:27:19:1c:78');
    const [src] = d.nodes('eth.src');
    expect(src?.offset).toBe(6);
    expect(src?.length).toBe(6);
    expect(d.nodes('eth.type')[0]?.offset).toBe(12);
  });
});
