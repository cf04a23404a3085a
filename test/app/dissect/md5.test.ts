import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { md5Hex } from '../../../app/dissect/md5.ts';

describe('md5Hex', () => {
  it('agrees with node:crypto across the padding boundaries', () => {
    for (const n of [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 1000]) {
      const text = Array.from({ length: n }, (_, i) => String.fromCharCode(0x20 + ((i * 7) % 95))).join('');
      expect(md5Hex(text), `length ${n}`).toBe(createHash('md5').update(text).digest('hex'));
    }
  });

  it('gives the JA3 tshark prints for a TLS 1.3 ClientHello', () => {
    const full = '771,4866-4867-4865-255,0-11-10-35-22-23-13-43-45-51,29-23-30-25-24,0-1-2';
    expect(md5Hex(full)).toBe('a66e498c488aa0523759691248cdfb01');
  });
});
