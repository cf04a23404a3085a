// ICMP and ICMPv6 against tshark on generated captures: test/fixtures/icmp-ext.pcap (RFC 4884
// extensions with interface information, interface identification and unknown objects, an MPLS
// stack with a bad checksum, messages cut short) and test/fixtures/icmp-v6-nd.pcap (echo, neighbour
// discovery with its options, MLDv1/v2, node information, bad checksums, short messages).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { nodeLabel } from '../../../app/dissect/field-text.ts';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { isShown, type FieldNode } from '../../../app/dissect/tree.ts';
import type { Dissected } from '../../support/dissect-hex.ts';
import { dissectFixture, fixture, haveTshark, mismatches } from '../../support/tshark-oracle.ts';

/** The tree as -V prints it, for the frames of a capture seen twice (as tshark's second pass). */
function treeText(frames: readonly Dissected[], heads: RegExp): string {
  const lines: string[] = [];
  const walk = (nodes: readonly FieldNode[], depth: number): void => {
    for (const n of nodes) {
      if (!isShown(n)) continue;
      lines.push('    '.repeat(depth) + nodeLabel(n));
      walk(n.children ?? [], depth + 1);
    }
  };
  // The frame's own node heads each frame, as tshark's "Frame 1: …" line does.
  for (const d of frames) walk(d.tree.roots, 0);
  return subtrees(lines.join('\n'), heads);
}

/**
 * The lines of every subtree of -V output whose first line matches `heads`, under each frame's
 * number. Lines of spaces only belong to the subtree: tshark draws an empty part of an NTP
 * variable list so.
 */
function subtrees(out: string, heads: RegExp): string {
  const keep: string[] = [];
  let depth = -1;
  for (const line of out.split('\n')) {
    if (/^Frame \d+:/.test(line)) {
      keep.push(line.split(':')[0] ?? line);
      depth = -1;
      continue;
    }
    const indent = line.length - line.trimStart().length;
    if (depth >= 0 && indent > depth) {
      keep.push(line);
      continue;
    }
    depth = -1;
    if (heads.test(line.trimStart())) {
      depth = indent;
      keep.push(line);
    }
  }
  return keep.join('\n');
}

/** tshark's -V subtrees, without the hex dumps it prints after data and the empty lines around them. */
function tsharkTree(file: string, heads: RegExp): string {
  const out = spawnSync('tshark', ['-r', file, '-V'], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout;
  const lines = out
    .split('\n')
    .filter((l) => l !== '' && !/^[0-9a-f]{4} {2}/.test(l))
    // Trawl's labels name no MAC address; the CLI adds the names as tshark does.
    .map((l) => l.replace(/ \(([0-9a-f]{2}(:[0-9a-f]{2}){5})\)$/, ''));
  return subtrees(lines.join('\n'), heads);
}

/** Trawl's -V subtrees for a capture dissected in one pass, as tshark without -2. */
async function ourTree(file: string, heads: RegExp): Promise<string> {
  return treeText(await dissectFixture(file, true, new CaptureState()), heads);
}

const V4_FILE = fixture('icmp-ext.pcap');
const V4_FIELDS = [
  '_ws.col.Info',
  'icmp.type',
  'icmp.ident',
  'icmp.ext.version',
  'icmp.ext.checksum',
  'icmp.ext.checksum.status',
  'icmp.ext.class',
  'icmp.ext.ctype',
  'icmp.int_info.role',
  'icmp.int_info.ifindex',
  'icmp.int_info.index',
  'icmp.int_info.ipv4',
  'icmp.int_info.name',
  'icmp.int_info.mtu',
  'icmp.int_ident.name',
  'icmp.mpls.label',
];

describe('ICMP against tshark', () => {
  it('decodes interface information and checks the extension checksum', async () => {
    const tree = await ourTree(V4_FILE, /^ICMP Multi-Part/);
    expect(tree).toContain('        Interface Information Object');
    expect(tree).toContain('        [Checksum: [missing]]');
    expect(tree).toContain('        Checksum: 0xdfff incorrect, should be 0x9de9');
  });

  it.skipIf(!haveTshark)('draws the same extensions as tshark', async () => {
    const heads = /^ICMP Multi-Part/;
    expect(await ourTree(V4_FILE, heads)).toBe(tsharkTree(V4_FILE, heads));
  });

  it.skipIf(!haveTshark)("gives tshark's fields, also for messages cut short", async () => {
    expect(await mismatches(V4_FILE, V4_FIELDS, true)).toEqual([]);
  });
});

const V6_FILE = fixture('icmp-v6-nd.pcap');
const V6_HEADS = /^Internet Control Message Protocol v6/;
const V6_FIELDS = [
  '_ws.col.Info',
  'icmpv6.type',
  'icmpv6.code',
  'icmpv6.checksum.status',
  'icmpv6.opt.type',
  'icmpv6.opt.nonce',
  'icmpv6.opt.route_info.flag.route_preference',
  'icmpv6.opt.route_lifetime',
  'icmpv6.mld.flag.s',
  'icmpv6.ni.qtype',
  'icmpv6.ni.flag',
  'icmpv6.ni.nonce',
  'icmpv6.ni.query.subject_fqdn',
  'icmpv6.ni.query.subject_ipv6',
  'icmpv6.ni.reply.node_ttl',
  'icmpv6.ni.reply.node_name',
  'icmpv6.ni.reply.node_address',
];

describe('ICMPv6 against tshark', () => {
  it('decodes node information and names infinite lifetimes', async () => {
    const tree = await ourTree(V6_FILE, V6_HEADS);
    expect(tree).toContain('    Qtype: Node Name (2)');
    expect(tree).toContain('    FQDN subject: <Root>');
    expect(tree).toContain('        Valid Lifetime: Infinity (4294967295)');
    expect(tree).toContain('        Flag: 0x18, Route Preference: Low');
  });

  it.skipIf(!haveTshark)('draws the same ICMPv6 tree as tshark', async () => {
    expect(await ourTree(V6_FILE, V6_HEADS)).toBe(tsharkTree(V6_FILE, V6_HEADS));
  });

  it.skipIf(!haveTshark)("gives tshark's fields", async () => {
    expect(await mismatches(V6_FILE, V6_FIELDS, true)).toEqual([]);
  });
});
