// The preload's logic, as a pure function so tests can drive it with a fake ipcRenderer and window.
// It hands the page exactly one thing, the engine port (VS Code's nonce-and-postMessage hand-off),
// plus menu actions from the allowlist. The page never sees ipcRenderer.
import { isMenuAction, MENU_CHANNEL, NONCE_SWITCH, PORT_CHANNEL } from './bridge-contract.ts';

/** The part of Electron's ipcRenderer the bridge uses. */
export interface BridgeIpc {
  on(
    channel: string,
    listener: (event: { readonly ports: readonly unknown[] }, ...args: unknown[]) => void,
  ): unknown;
}

/** The part of the page's window the bridge uses. */
export interface BridgeWindow {
  readonly location: { readonly origin: string; readonly protocol: string };
  readonly document: {
    readonly readyState: string;
    addEventListener(type: 'DOMContentLoaded', listener: () => void, options: { once: boolean }): void;
  };
  postMessage(message: unknown, targetOrigin: string, transfer?: unknown[]): void;
}

export function nonceFromArgv(argv: readonly string[]): string | null {
  const arg = argv.find((a) => a.startsWith(NONCE_SWITCH));
  const nonce = arg?.slice(NONCE_SWITCH.length) ?? '';
  return nonce.length >= 16 ? nonce : null;
}

/** Posting to our own window: a file:// page has an opaque origin, which only '*' can name. */
export function ownOrigin(win: BridgeWindow): string {
  const { origin, protocol } = win.location;
  return origin === 'null' || protocol === 'file:' ? '*' : origin;
}

export function installPreloadBridge(ipc: BridgeIpc, win: BridgeWindow, argv: readonly string[]): void {
  const nonce = nonceFromArgv(argv);
  let handedOff = false;

  ipc.on(PORT_CHANNEL, (event, sentNonce) => {
    if (handedOff || nonce === null || sentNonce !== nonce || event.ports.length !== 1) return;
    handedOff = true;
    const port = event.ports[0];
    // The page's listener is registered when its module scripts run, which is before DOMContentLoaded.
    whenDomReady(win, () => win.postMessage({ type: PORT_CHANNEL }, ownOrigin(win), [port]));
  });

  ipc.on(MENU_CHANNEL, (_event, action) => {
    if (!isMenuAction(action)) return;
    win.postMessage({ type: MENU_CHANNEL, action }, ownOrigin(win));
  });
}

function whenDomReady(win: BridgeWindow, run: () => void): void {
  if (win.document.readyState === 'loading') {
    win.document.addEventListener('DOMContentLoaded', run, { once: true });
  } else {
    run();
  }
}
