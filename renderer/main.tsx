// The renderer's entry: connect to the engine (WebSocket in browser mode, the preload's
// MessagePort in Electron), then show the window.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app.tsx';
import { EngineClient, type Transport } from './client/engine-client.ts';
import { browserHost, electronHost, type Host } from './client/host.ts';
import {
  engineSocketUrl,
  messagePortTransport,
  waitForEnginePort,
  webSocketTransport,
} from './client/transport.ts';

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
    const path = new URLSearchParams(window.location.search).get('open');
    const initialOpen = path ? { path, opened: client.request('file.open', { path }) } : null;
    // Handled by App; caught here too so a failure before it mounts is not "unhandled".
    initialOpen?.opened.catch(() => {});
    splash?.remove();
    createRoot(rootEl).render(
      <StrictMode>
        <App client={client} host={host} initialOpen={initialOpen} inPageMenu={host.kind === 'browser'} />
      </StrictMode>,
    );
    document.body.dataset['engine'] = 'ready';
  } catch (err) {
    console.error(err);
    if (splash) splash.textContent = err instanceof Error ? err.message : String(err);
    document.body.dataset['engine'] = 'failed';
  }
}

void start();
