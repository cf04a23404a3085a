// The renderer is untrusted: a sandboxed, isolated page with no Node, a strict CSP, no way to
// navigate, open windows, fetch remote content or be granted a permission.
import type { BrowserWindowConstructorOptions } from 'electron';

/** Same policy as renderer/index.html's meta tag; also sent as a header where a response has one. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
  "connect-src 'self' ws:; img-src 'self' data:; object-src 'none'; base-uri 'none'; " +
  "form-action 'none'; frame-ancestors 'none'";

/**
 * The one permission granted: writing text to the clipboard, which Copy in the packet list and
 * tree needs (`navigator.clipboard.writeText`). Reading the clipboard and everything else stay denied.
 */
export const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function secureWebPreferences(
  preload: string,
  nonceArg: string,
): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload,
    additionalArguments: [nonceArg],
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

export interface GuardedContents {
  on(event: 'will-navigate', listener: (event: { preventDefault(): void }) => void): unknown;
  on(event: 'will-redirect', listener: (event: { preventDefault(): void }) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: () => { action: 'deny' }): void;
}

/** The page never leaves build/renderer/index.html, opens no window and embeds no webview. */
export function guardContents(contents: GuardedContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

type HeaderCallback = (response: { responseHeaders?: Record<string, string | string[]> }) => void;
type RequestCallback = (response: { cancel?: boolean }) => void;

export interface GuardedSession {
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
  webRequest: {
    onBeforeRequest(listener: (details: { url: string }, callback: RequestCallback) => void): void;
    onHeadersReceived(
      listener: (details: { responseHeaders?: Record<string, string[]> }, callback: HeaderCallback) => void,
    ): void;
  };
}

const REMOTE = /^(https?|wss?|ftp):/i;

export function isRemoteUrl(url: string): boolean {
  return REMOTE.test(url);
}

export function guardSession(session: GuardedSession): void {
  session.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(GRANTED_PERMISSIONS.has(permission)),
  );
  session.setPermissionCheckHandler((_contents, permission) => GRANTED_PERMISSIONS.has(permission));
  // No remote content: the app's own files are file:// and the engine speaks over a MessagePort.
  session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: isRemoteUrl(details.url) }));
  session.webRequest.onHeadersReceived((details, callback) =>
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    }),
  );
}
