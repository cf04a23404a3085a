// The statistics' tables without a capture: tshark's size format, order and column layout.
import { describe, expect, it } from 'vitest';
import { ConversationTable, EndpointTable } from '../../../app/stats/conversations.ts';
import { ProtocolHierarchy } from '../../../app/stats/phs.ts';
import {
  conversationsText,
  endpointsText,
  formatSize,
  hierarchyText,
} from '../../../app/stats/stats-text.ts';

const at = (sec: number, nsec = 0): { sec: number; nsec: number } => ({ sec, nsec });

describe('statistics text', () => {
  it('formats sizes as tshark: bytes below 10 kB, then whole kB, MB, GB', () => {
    expect(formatSize(9999)).toBe('9999 bytes');
    expect(formatSize(10_000)).toBe('10 kB');
    expect(formatSize(73_689)).toBe('73 kB');
    expect(formatSize(12_345_678)).toBe('12 MB');
  });

  it('orders conversations by frames, ties as first seen, and counts each direction', () => {
    const t = new ConversationTable();
    const a = { address: '10.0.0.1', port: 1000 };
    const b = { address: '10.0.0.2', port: 80 };
    const c = { address: '10.0.0.3', port: 53 };
    t.add(a, c, 60, at(0));
    t.add(a, b, 100, at(1, 500_000_000));
    t.add(b, a, 200, at(2));
    const lines = conversationsText('tcp', undefined, t.items);
    expect(lines[1]).toBe('TCP Conversations');
    expect(lines[2]).toBe('Filter:<No Filter>');
    expect(lines[5]).toBe(
      '10.0.0.1:1000              <-> 10.0.0.2:80                      1 200 bytes       1 100 bytes       2 300 bytes     1.500000000         0.5000',
    );
    expect(lines[6]).toMatch(/^10\.0\.0\.1:1000 +<-> 10\.0\.0\.3:53 +0 0 bytes +1 60 bytes/);
  });

  it('prints endpoints with their ports and received and sent counts', () => {
    const t = new EndpointTable();
    t.add({ address: '10.0.0.1', port: 53 }, { address: '10.0.0.2', port: 5353 }, 90);
    const lines = endpointsText('udp', 'udp', t.items);
    expect(lines[2]).toBe('Filter:udp');
    expect(lines[4]).toBe(
      '10.0.0.1                     53          1            90          1              90           0               0   ',
    );
  });

  it('indents the hierarchy two blanks a level and ends deep paths with "..."', () => {
    const h = new ProtocolHierarchy();
    const deep = Array.from({ length: 18 }, (_, i) => `p${i}`);
    h.add(['eth', 'ip'], 60);
    h.add(deep, 100);
    const lines = hierarchyText('', h.roots);
    expect(lines.slice(0, 5)).toEqual(['', '='.repeat(67), 'Protocol Hierarchy Statistics', 'Filter: ', '']);
    expect(lines[5]).toBe(`${'eth'.padEnd(40)} frames:1 bytes:60`);
    expect(lines[6]).toBe(`${'  ip'.padEnd(40)} frames:1 bytes:60`);
    expect(lines[7 + 17]).toBe(`${('  '.repeat(16) + '...p17').padEnd(40)} frames:1 bytes:100`);
  });
});
