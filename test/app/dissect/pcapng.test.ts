// pcapng Custom Blocks as tshark 4.0 shows them: the frame tree, the columns and the data; the
// enterprise names against tshark's own (one Custom Block per name in the table).
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { dissect } from '../../../app/dissect/dissect.ts';
import { ENTERPRISES, enterpriseName } from '../../../app/dissect/enterprises.ts';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { defaultRegistry } from '../../../app/dissect/modules.ts';
import { CaptureState, type FrameMeta } from '../../../app/dissect/packet-info.ts';
import { FieldCollector, FullTree, isShown, type FieldNode } from '../../../app/dissect/tree.ts';
import { BLOCK, block, concat, idb, shb, tempDir } from '../../support/pcap-bytes.ts';
import { metaFor } from '../../support/dissect-hex.ts';
import { haveTshark } from '../../support/tshark-oracle.ts';

const registry = defaultRegistry();

function lines(nodes: readonly FieldNode[], depth = 0, out: string[] = []): string[] {
  for (const n of nodes) {
    if (!isShown(n)) continue;
    out.push('    '.repeat(depth) + nodeLabel(n));
    lines(n.children ?? [], depth + 1, out);
  }
  return out;
}

/** Frame 1 of pcapngtg__le_advanced_test102.pcapng: 24 bytes of custom data, PEN 32473. */
const DATA = new TextEncoder().encode('an example Custom Block\0');
const customMeta = (extra: Partial<FrameMeta> = {}): FrameMeta =>
  metaFor(DATA, 0, {
    noTime: true,
    custom: { pen: 32473, copyAllowed: true, section: 0 },
    ...extra,
  });

describe('pcapng Custom Block', () => {
  it('is shown as tshark -V shows it, its data as Data', () => {
    const tree = new FullTree();
    const pinfo = dissect(registry, customMeta(), DATA, tree, new CaptureState());
    expect(lines(tree.roots)).toEqual([
      'PCAPNG Custom Block 1: 24 bytes (192 bits) of custom data and options, PEN Example Enterprise Number for Documentation Use (32473), copying allowed',
      '    Section number: 1',
      '    Frame Number: 1',
      '    Frame Length: 24 bytes (192 bits)',
      '    Capture Length: 24 bytes (192 bits)',
      '    [Frame is marked: False]',
      '    [Frame is ignored: False]',
      '    Private Enterprise Number: Example Enterprise Number for Documentation Use (32473)',
      '    Copying: Allowed',
      '    [Protocols in frame: data]',
      'Data (24 bytes)',
      '    Data: 616e206578616d706c6520437573746f6d20426c6f636b00',
      '    [Length: 24]',
    ]);
    expect(pinfo.proto).toBe('PCAPNG');
    expect(pinfo.info).toBe(
      'Custom Block: PEN = Example Enterprise Number for Documentation Use (32473), will be copied',
    );
  });

  it('one that may not be copied, in a later section, with an unknown PEN', () => {
    const meta = customMeta({ number: 8, custom: { pen: 0xffffffff, copyAllowed: false, section: 2 } });
    const tree = new FullTree();
    const pinfo = dissect(registry, meta, DATA, tree, new CaptureState());
    const got = lines(tree.roots);
    expect(got[0]).toBe(
      'PCAPNG Custom Block 8: 24 bytes (192 bits) of custom data and options, PEN Unknown (4294967295), copying not allowed',
    );
    expect(got).toContain('    Section number: 3');
    expect(got).toContain('    Private Enterprise Number: Unknown (4294967295)');
    expect(got).toContain('    Copying: Not Allowed');
    // The Info column prints the number as a signed one, as tshark's does.
    expect(pinfo.info).toBe('Custom Block: PEN = Unknown (-1), will not be copied');
  });

  it('has no interface, encapsulation or time fields; its PEN and copy flag filter', () => {
    const ids = [
      'frame.interface_id',
      'frame.encap_type',
      'frame.time_epoch',
      'frame.cb_pen',
      'frame.cb_copy',
    ].map((f) => registry.field(f)?.id ?? -1);
    const sink = FieldCollector.of(ids, registry.fields.length);
    dissect(registry, customMeta(), DATA, sink, new CaptureState());
    expect(ids.map((id) => sink.get(id))).toEqual([[], [], [], [32473], [true]]);
  });

  it('a packet without a time keeps its interface and encapsulation, and loses only the times', () => {
    const tree = new FullTree();
    const bytes = new Uint8Array(60);
    dissect(registry, metaFor(bytes, 1, { noTime: true }), bytes, tree, new CaptureState());
    const frame = lines(tree.roots).filter((l) => l.startsWith('    ') && !l.startsWith('        '));
    expect(frame.slice(0, 6)).toEqual([
      '    Encapsulation type: Ethernet (1)',
      '    Frame Number: 1',
      '    Frame Length: 60 bytes (480 bits)',
      '    Capture Length: 60 bytes (480 bits)',
      '    [Frame is marked: False]',
      '    [Frame is ignored: False]',
    ]);
  });
});

const tmp = tempDir('trawl-pen-');
afterAll(() => tmp.cleanup());

describe.skipIf(!haveTshark)('enterprise names', () => {
  it("are tshark's, for every number in the table and for one it does not know", () => {
    const pens = [...ENTERPRISES.keys(), 99_999_999];
    const blocks = pens.map((pen) => {
      const body = new Uint8Array(4);
      new DataView(body.buffer).setUint32(0, pen, true);
      return block('little', BLOCK.CUSTOM, body);
    });
    const path = tmp.file('pens.pcapng', concat(shb('little'), idb('little', { linkType: 1 }), ...blocks));
    const r = spawnSync('tshark', ['-r', path, '-T', 'fields', '-e', 'frame.cb_pen', '-e', '_ws.col.Info'], {
      encoding: 'utf8',
    });
    const theirs = r.stdout.trim().split('\n');
    expect(theirs).toEqual(
      pens.map((pen) => `${pen}\tCustom Block: PEN = ${enterpriseName(pen)} (${pen}), will be copied`),
    );
  });
});
