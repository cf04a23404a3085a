import { describe, expect, it } from 'vitest';
import { formatTimeColumn, type PacketTimes } from '../../../app/format/time.ts';

// 2013-05-02 20:20:36.633914 UTC, 3 hours 25 minutes 7.5 seconds after the first packet.
const T: PacketTimes = {
  tsSec: 1367526036,
  tsNsec: 633914000,
  refSec: 1367526036 - 12307,
  refNsec: 133914000,
  prevSec: 1367526036,
  prevNsec: 600000000,
  shownSec: 1367526030,
  shownNsec: 633914000,
};

describe('formatTimeColumn', () => {
  it.each([
    ['r', '12307.500000'],
    ['d', '0.033914'],
    ['dd', '6.000000'],
    ['e', '1367526036.633914'],
    ['u', '20:20:36.633914'],
    ['ud', '2013-05-02 20:20:36.633914'],
    ['udoy', '2013/122 20:20:36.633914'],
  ] as const)('%s', (format, text) => {
    expect(formatTimeColumn(T, format, 6)).toBe(text);
  });

  it('writes hours, minutes and seconds as Wireshark (-u hms), signed when negative', () => {
    expect(formatTimeColumn(T, 'r', 6, true)).toBe('3h 25m  7.500000s');
    expect(formatTimeColumn(T, 'd', 9, true)).toBe('0.033914000s');
    expect(formatTimeColumn({ ...T, refSec: T.tsSec + 61, refNsec: T.tsNsec }, 'r', 6, true)).toBe(
      '- 1m  1.000000s',
    );
  });

  it('keeps the day of the year across a leap day', () => {
    const dec31 = { ...T, tsSec: Date.UTC(2024, 11, 31, 1, 2, 3) / 1000, tsNsec: 0 };
    expect(formatTimeColumn(dec31, 'udoy', 0)).toBe('2024/366 01:02:03');
  });
});
