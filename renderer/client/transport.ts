// The two transports: Electron's MessagePort (handed over by the preload) and the browser
// mode's WebSocket (JSON, bytes as base64: see wire.ts).
import type { RequestMessage } from '../../app/protocol/messages.ts';
import type { Transport } from './engine-client.ts';
import { decodeWire, encodeWire } from '../../app/protocol/wire.ts';

export function messagePortTransport(port: MessagePort): Transport {
  return {
    send: (message: RequestMessage) => port.postMessage(message),
    onMessage(listener) {
      port.onmessage = (e: MessageEvent<unknown>) => listener(e.data);
      port.start();
    },
    onClose(listener) {
      // Chromium fires `close` on a MessagePort whose other end went away (the engine died).
      port.addEventListener('close', () => listener('The engine stopped'));
    },
    close: () => port.close(),
  };
}

export const ENGINE_PORT_MESSAGE = 'trawl:engine-port';

/**
 * True for a window message this page (or its preload, which shares the window) posted to
 * itself: not from a frame or another window. Under file:// the page's origin is opaque and
 * messages arrive with origin "null" (the preload must post them with targetOrigin '*').
 */
export function isOwnWindowMessage(e: MessageEvent<unknown>, win: Window = window): boolean {
  if (e.source !== win) return false;
  return e.origin === win.location.origin || (win.location.protocol === 'file:' && e.origin === 'null');
}

/**
 * Waits for the preload to hand over the engine port: a window message
 * `{ type: 'trawl:engine-port' }` posted to this window by itself, carrying one MessagePort.
 */
export function waitForEnginePort(win: Window): Promise<MessagePort> {
  return new Promise((resolve) => {
    const onMessage = (e: MessageEvent<unknown>): void => {
      const data = e.data as { type?: unknown } | null;
      if (!isOwnWindowMessage(e, win)) return;
      if (typeof data !== 'object' || data === null || data.type !== ENGINE_PORT_MESSAGE) return;
      const port = e.ports[0];
      if (!port) return;
      win.removeEventListener('message', onMessage);
      resolve(port);
    };
    win.addEventListener('message', onMessage);
  });
}

/** Opens the browser mode's engine socket (`/engine?token=`) on the page's own origin. */
export function webSocketTransport(url: string): Promise<Transport> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let opened = false;
    const messageListeners: ((m: unknown) => void)[] = [];
    const closeListeners: ((reason: string) => void)[] = [];
    ws.onmessage = (e: MessageEvent<unknown>) => {
      if (typeof e.data !== 'string') return;
      let m: unknown;
      try {
        m = decodeWire(e.data);
      } catch {
        return;
      }
      for (const l of messageListeners) l(m);
    };
    ws.onopen = () => {
      opened = true;
      resolve({
        send: (message) => ws.send(encodeWire(message)),
        onMessage: (l) => messageListeners.push(l),
        onClose: (l) => closeListeners.push(l),
        close: () => ws.close(1000),
      });
    };
    ws.onclose = (e) => {
      if (!opened) {
        reject(new Error(`Could not connect to the engine (${e.code || 'refused'})`));
        return;
      }
      const why = e.reason ? `: ${e.reason}` : '';
      for (const l of closeListeners) l(`The connection to the engine was lost${why}`);
    };
  });
}

/** The engine socket's URL for the page at `location` (same origin, same token). */
export function engineSocketUrl(location: Location, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/engine?token=${encodeURIComponent(token)}`;
}
