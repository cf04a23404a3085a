// The renderer's pure helpers: tree paths and byte → field, filter text, time formats, colours.
import { describe, expect, it } from 'vitest';
import type { Row, TreeNodeDto } from '../../app/protocol/messages.ts';
import {
  ancestorsOf,
  filterExpression,
  findField,
  innermostAt,
  nodeAt,
} from '../../renderer/detail/tree-model.ts';
import { DEFAULT_RULES, ruleFor } from '../../renderer/packet-list/colouring.ts';
import { formatRowTime } from '../../renderer/packet-list/time-format.ts';
import { isAction, parseShellMessage } from '../../renderer/app/actions.ts';

const n = (
  label: string,
  offset: number,
  length: number,
  children?: TreeNodeDto[],
  field?: string,
): TreeNodeDto => ({
  label,
  offset,
  length,
  source: 0,
  ...(field ? { field } : {}),
  ...(children ? { children } : {}),
});

const tree: TreeNodeDto[] = [
  n('Frame 1', 0, 60, [n('Arrival Time', 0, 0, undefined, 'frame.time')], 'frame'),
  n(
    'Ethernet II',
    0,
    14,
    [n('Destination', 0, 6, undefined, 'eth.dst'), n('Source', 6, 6, undefined, 'eth.src')],
    'eth',
  ),
  n(
    'IPv4',
    14,
    20,
    [
      n(
        'Flags',
        20,
        2,
        [n('Reserved', 20, 2, undefined, 'ip.flags.rb'), n('DF', 20, 2, undefined, 'ip.flags.df')],
        'ip.flags',
      ),
      n('Time to Live', 22, 1, undefined, 'ip.ttl'),
    ],
    'ip',
  ),
];

describe('tree model', () => {
  it('finds the shortest field covering a byte, the outer one of equal length', () => {
    expect(innermostAt(tree, 0, 7)).toBe('1.1');
    expect(innermostAt(tree, 0, 22)).toBe('2.1');
    expect(innermostAt(tree, 0, 21)).toBe('2.0');
    expect(innermostAt(tree, 0, 40)).toBe('0');
    expect(innermostAt(tree, 0, 60)).toBeNull();
    expect(innermostAt(tree, 1, 7)).toBeNull();
  });

  it('walks paths', () => {
    expect(nodeAt(tree, '2.0.1')?.field).toBe('ip.flags.df');
    expect(nodeAt(tree, '5')).toBeUndefined();
    expect(ancestorsOf('2.0.1')).toEqual(['2', '2.0']);
    expect(findField(tree, 'ip.ttl')).toBe('2.1');
  });

  it('spells a field as a filter, quoting values that need it', () => {
    expect(filterExpression({ ...n('TTL', 0, 1, undefined, 'ip.ttl'), value: '64' })).toBe('ip.ttl == 64');
    expect(filterExpression({ ...n('Name', 0, 1, undefined, 'dns.qry.name'), value: 'a b' })).toBe(
      'dns.qry.name == "a b"',
    );
    expect(filterExpression(n('IPv4', 0, 20, undefined, 'ip'))).toBe('ip');
    expect(filterExpression(n('text', 0, 0))).toBeNull();
  });
});

describe('time column', () => {
  const row = { tsSec: 1367526036, tsNsec: 633914000, prevSec: 1367526035, prevNsec: 900000000 } as Row;
  const ref = { sec: 1367526030, nsec: 500000000 };
  it('formats every style', () => {
    expect(formatRowTime(row, 'relative', ref, 6)).toBe('6.133914');
    expect(formatRowTime(row, 'delta', ref, 6)).toBe('0.733914');
    expect(formatRowTime(row, 'utc', ref, 6)).toBe('2013-05-02 20:20:36.633914');
    expect(formatRowTime(row, 'epoch', ref, 9)).toBe('1367526036.633914000');
    expect(formatRowTime(row, 'absolute', ref, 6)).toMatch(/^2013-05-0[23] \d\d:20:36\.633914$/);
  });
});

describe('colouring and actions', () => {
  it("applies Wireshark's rules in order", () => {
    expect(ruleFor(4 | 1024)?.name).toBe('TCP RST');
    expect(ruleFor(1 | 1024)?.name).toBe('TCP SYN/FIN');
    expect(ruleFor(1024)?.name).toBe('TCP');
    expect(ruleFor(512 | 64)?.name).toBe('UDP');
    expect(ruleFor(0x8000 | 1024)?.name).toBe('Malformed');
    expect(ruleFor(0)).toBeNull();
    expect(DEFAULT_RULES.every((r) => /^#[0-9a-f]{6}$/.test(r.background))).toBe(true);
  });

  it('accepts only known actions from the shell', () => {
    expect(isAction('time-format:utc')).toBe(true);
    expect(isAction('time-format:bogus')).toBe(false);
    expect(parseShellMessage({ type: 'trawl:menu', action: 'goto' })).toEqual({
      type: 'trawl:menu',
      action: 'goto',
    });
    expect(parseShellMessage({ type: 'trawl:menu', action: 'rm -rf' })).toBeNull();
    expect(parseShellMessage({ type: 'trawl:open', path: '/x.pcap' })).toEqual({
      type: 'trawl:open',
      path: '/x.pcap',
    });
    expect(parseShellMessage('open')).toBeNull();
  });
});
