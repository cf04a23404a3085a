// Bridges one WebSocket to one engine: JSON text frames in (requests), JSON text frames out
// (responses and events, bytes as base64). Binary frames and bad JSON close the socket.
import type { WebSocket } from 'ws';
import type { EngineHost } from './engine-host.ts';
import { decodeWire, encodeWire } from '../../app/protocol/wire.ts';

/** WebSocket close codes (RFC 6455). */
const UNSUPPORTED_DATA = 1003;
const INTERNAL_ERROR = 1011;

export function bridgeSocket(ws: WebSocket, host: EngineHost): void {
  const engine = host();
  engine.onMessage((m) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeWire(m));
  });
  engine.onExit((reason) => ws.close(INTERNAL_ERROR, reason.slice(0, 120)));
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      ws.close(UNSUPPORTED_DATA, 'Text frames only');
      return;
    }
    let message: unknown;
    try {
      const text = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      message = decodeWire(text.toString('utf8'));
    } catch {
      ws.close(UNSUPPORTED_DATA, 'Malformed JSON');
      return;
    }
    engine.send(message);
  });
  ws.on('close', () => engine.close());
  ws.on('error', () => engine.close());
}
