// MS NLB heartbeats cut short by the capture, as tshark shows msnlb.pcap and msnlb2.pcapng (the
// heartbeat data after the header is not decoded, so whole heartbeats are not compared).
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../app/dissect/link-types.ts';
import { CaptureState } from '../../../app/dissect/packet-info.ts';
import { dissectHex } from '../../support/dissect-hex.ts';
import { ethFrame, fuzzFrames } from '../../support/link-frames.ts';
import { trawlRow } from '../../support/tshark-oracle.ts';

const FIELDS = ['_ws.col.Protocol', '_ws.col.Info', 'frame.protocols', 'msnlb.clusterip', 'msnlb.hostip'];
const HEARTBEAT = `bf01dec0 06020000 02000000 c0a86450 c0a86452 ${'00'.repeat(40)}`;
const FRAMES = [ethFrame(0x886f, HEARTBEAT), ethFrame(0x886f, 'bf01dec0 0602')];

describe('MS NLB', () => {
  it('names the heartbeat once its header is read, as tshark', () => {
    const state = new CaptureState();
    const ours = FRAMES.map((f, i) =>
      trawlRow(dissectHex(f, LinkType.ETHERNET, { number: i + 1, origLen: f.length + 60 }, state), FIELDS),
    );
    expect(ours.map((r) => r[1])).toEqual([
      'MS NLB heartbeat - NLB Cluster Membership HeartBeat[Packet size limited during capture]',
      'MS NLB heartbeat[Packet size limited during capture]',
    ]);
    expect(ours[0]?.slice(3)).toEqual(['192.168.100.80', '192.168.100.82']);
  });

  it('survives mutated frames', () => {
    fuzzFrames(FRAMES, LinkType.ETHERNET, 0x886f);
  });
});
