import { it } from 'vitest';
import { hexToBytes } from './support/dissect-hex.ts';
import { handshake, tcpFrame } from './support/tcp-frames.ts';
import { dissectSegmentsWith, tsharkFrameRows } from './support/tshark-oracle.ts';
it('scratch', () => {
  const M = 'ff'.repeat(16);
  const OPEN = `${M}001d0104fde8005a0a00000100`;
  const segs = [...handshake(), { fromClient: true, seq: 1001, ack: 5001, payload: hexToBytes(OPEN.slice(0, 20)) }, { fromClient: true, seq: 1011, ack: 5001, payload: hexToBytes(OPEN.slice(20)) }];
  console.log(tsharkFrameRows(segs.map((s) => tcpFrame(s, 179)), 1, ['_ws.col.Info']).slice(3));
  console.log(dissectSegmentsWith(segs, 179, true).slice(3).map((d) => d.pinfo.info));
});
