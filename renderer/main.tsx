// The renderer's entry: connect to the engine (WebSocket in browser mode, the preload's
// MessagePort in Electron) and ask for the file to open, then show the window. The window's code
// (React, the grid) is a separate chunk fetched from the start: the engine reads the file while
// the page parses it, instead of waiting for it.
import { EngineClient, type Transport } from './client/engine-client.ts';
import { browserHost, electronHost, type Host } from './client/host.ts';
import { startOpen } from './client/open.ts';
import { applySavedPrefs } from './app/prefs.ts';
import {
  engineSocketUrl,
  messagePortTransport,
  waitForEnginePort,
  webSocketTransport,
} from './client/transport.ts';

const windowCode = import('./window.tsx');
// Awaited (and its failure shown) in start(); not "unhandled" before then.
windowCode.catch(() => {});

async function connect(): Promise<{ transport: Transport; host: Host }> {
  const token = new URLSearchParams(window.location.search).get('token');
  if (token) {
    return {
      transport: await webSocketTransport(engineSocketUrl(window.location, token)),
      host: browserHost(token),
    };
  }
  return { transport: messagePortTransport(await waitForEnginePort(window)), host: electronHost };
}

async function start(): Promise<void> {
  const rootEl = document.getElementById('root');
  if (!rootEl) throw new Error('no #root element');
  const splash = document.getElementById('splash');
  try {
    const { transport, host } = await connect();
    const client = new EngineClient(transport);
    // The file to open on start is asked for now, so the engine reads it while the window is
    // built; its events wait for the window (App releases them once it listens).
    client.holdEvents();
    // The saved preferences go first: the engine takes requests in order, so the file opened on
    // start is dissected with them (a TLS key log decrypts it).
    const prefsStarted = applySavedPrefs(client);
    const path = new URLSearchParams(window.location.search).get('open');
    const initialOpen = path ? startOpen(client, path) : null;
    const { showWindow } = await windowCode;
    splash?.remove();
    showWindow(rootEl, { client, host, initialOpen, prefsStarted, inPageMenu: host.kind === 'browser' });
    document.body.dataset['engine'] = 'ready';
  } catch (err) {
    console.error(err);
    if (splash) splash.textContent = err instanceof Error ? err.message : String(err);
    document.body.dataset['engine'] = 'failed';
  }
}

void start();
