import { describe, expect, it } from 'vitest';
import { treeLines } from '../../../main/cli/print.ts';
import { dissectHex } from '../../support/dissect-hex.ts';

// tshark -V (without -x) dumps each Data item's bytes in hex under its label; with -x it does not.
const UNKNOWN_ETHERTYPE = `ffffffffffff00112233445588b5${'0102030405060708'.repeat(3)}`;

describe('treeLines', () => {
  it("dumps a Data item's bytes after its label when asked, as tshark -V does", () => {
    const { tree } = dissectHex(UNKNOWN_ETHERTYPE);
    const lines = treeLines(tree.roots, { dataHex: true, protocols: null });
    const at = lines.indexOf('Data (24 bytes)');
    expect(lines.slice(at, at + 6)).toEqual([
      'Data (24 bytes)',
      '',
      '0000  01 02 03 04 05 06 07 08 01 02 03 04 05 06 07 08   ................',
      '0010  01 02 03 04 05 06 07 08                           ........',
      '    Data: 010203040506070801020304050607080102030405060708',
      '    [Length: 24]',
    ]);
    expect(treeLines(tree.roots)).not.toContain('');
  });
});
