// The Electron shell's wiring: one window, the engine worker behind a relay, the port hand-off,
// menus and native dialogs. Every Electron API arrives in `electron` (main.ts passes the real
// module, tests a stand-in), so this file imports only Electron's types.
import type {
  AboutPanelOptionsOptions,
  BrowserWindowConstructorOptions,
  MenuItemConstructorOptions,
  MessageBoxOptions,
  OpenDialogOptions,
  SaveDialogOptions,
} from 'electron';
import { randomBytes } from 'node:crypto';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { EngineError } from '../../app/protocol/messages.ts';
import { MENU_CHANNEL, NONCE_SWITCH, PORT_CHANNEL, type MenuAction } from './bridge-contract.ts';
import { captureFileFromArgv } from './capture-args.ts';
import { EngineClient } from './engine-client.ts';
import type { EngineHost } from './engine-host.ts';
import { menuTemplate, type MenuState } from './menu.ts';
import { connectClientPort, EngineRelay, type ClientPortLike, type RelayLane } from './port-relay.ts';
import { RecentFiles } from './recent-files.ts';
import {
  guardContents,
  guardSession,
  secureWebPreferences,
  type GuardedContents,
  type GuardedSession,
} from './security.ts';

type Prevented = { preventDefault(): void };

export interface ShellWebContents<P extends ClientPortLike = ClientPortLike> {
  on(event: 'did-finish-load', listener: () => void): unknown;
  on(event: 'will-navigate', listener: (event: Prevented) => void): unknown;
  on(event: 'will-redirect', listener: (event: Prevented) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: Prevented) => void): unknown;
  setWindowOpenHandler(handler: () => { action: 'deny' }): void;
  postMessage(channel: string, message: unknown, transfer: P[]): void;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

export interface ShellWindow<P extends ClientPortLike = ClientPortLike> {
  readonly webContents: ShellWebContents<P>;
  loadFile(path: string): Promise<void>;
  setTitle(title: string): void;
  show(): void;
  focus(): void;
  isMinimized(): boolean;
  restore(): void;
  isDestroyed(): boolean;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
  on(event: 'page-title-updated', listener: (event: Prevented) => void): unknown;
}

/**
 * The few Electron APIs the shell uses. `W` is the window class and `P` the port class
 * (BrowserWindow and MessagePortMain in main.ts, stand-ins in the tests).
 */
export interface ElectronApi<P extends ClientPortLike, W extends ShellWindow<P>> {
  app: {
    readonly isPackaged: boolean;
    enableSandbox(): void;
    requestSingleInstanceLock(): boolean;
    whenReady(): Promise<void>;
    quit(): void;
    getPath(name: 'userData'): string;
    getVersion(): string;
    setAboutPanelOptions(options: AboutPanelOptionsOptions): void;
    showAboutPanel(): void;
    on(event: 'second-instance', listener: (event: unknown, argv: string[], cwd: string) => void): unknown;
    on(event: 'web-contents-created', listener: (event: unknown, contents: GuardedContents) => void): unknown;
    on(event: 'window-all-closed', listener: () => void): unknown;
    on(event: 'will-quit', listener: () => void): unknown;
  };
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => W;
  Menu: {
    buildFromTemplate(template: MenuItemConstructorOptions[]): unknown;
    setApplicationMenu(menu: unknown): void;
  };
  dialog: {
    showOpenDialog(
      window: W,
      options: OpenDialogOptions,
    ): Promise<{ canceled: boolean; filePaths: string[] }>;
    showSaveDialog(window: W, options: SaveDialogOptions): Promise<{ canceled: boolean; filePath?: string }>;
    showMessageBox(window: W, options: MessageBoxOptions): Promise<unknown>;
  };
  MessageChannelMain: new () => { port1: P; port2: P };
  session: { readonly defaultSession: GuardedSession };
}

export interface ShellOptions {
  argv: readonly string[];
  cwd: string;
  /** Built files: build/electron/preload.cjs and build/renderer/index.html. */
  preload: string;
  indexHtml: string;
  icon?: string;
  /** Starts the engine worker on the relay (engine-host.ts; tests may host the engine in-process). */
  startEngine(relay: EngineRelay, onCrash: (message: string, restarting: boolean) => void): EngineHost;
}

export interface Shell<W extends ShellWindow> {
  readonly window: W;
  readonly relay: EngineRelay;
  readonly client: EngineClient;
  readonly state: Readonly<MenuState>;
  /** Opens a capture file as File → Open does after its dialog. */
  openCapture(path: string): Promise<boolean>;
}

export const CAPTURE_FILTERS = [
  { name: 'Capture files (pcap, pcapng)', extensions: ['pcap', 'pcapng', 'cap'] },
  { name: 'All files', extensions: ['*'] },
];

/**
 * Starts Trawl. Runs its synchronous part (sandbox, single-instance lock) before Electron's
 * ready event, so main.ts must call it at the top level without awaiting anything first.
 */
export async function runShell<P extends ClientPortLike, W extends ShellWindow<P>>(
  electron: ElectronApi<P, W>,
  options: ShellOptions,
): Promise<Shell<W> | null> {
  const { app, dialog } = electron;
  app.enableSandbox();
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }

  let win: W | null = null;
  const showError = async (message: string, detail: string): Promise<void> => {
    if (win && !win.isDestroyed()) {
      await dialog.showMessageBox(win, { type: 'error', title: 'Trawl', message, detail, buttons: ['OK'] });
    }
  };
  const relay = new EngineRelay();
  const engine = options.startEngine(
    relay,
    (message, restarting) =>
      void showError(restarting ? 'The engine stopped and was restarted' : 'The engine stopped', message),
  );
  app.on('web-contents-created', (_event, contents) => guardContents(contents));
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => void engine.stop());

  await app.whenReady();
  guardSession(electron.session.defaultSession);

  const recent = new RecentFiles(join(app.getPath('userData'), 'recent-files.json'));
  const state: MenuState = {
    fileOpen: false,
    capturing: false,
    timeFormat: 'relative',
    colouring: true,
    recent: recent.list(),
    dev: !app.isPackaged,
  };
  let openPath: string | null = null;
  /** The open file is a live capture (running or stopped), saved by moving its file. */
  let liveCapture = false;

  const nonce = randomBytes(32).toString('base64url');
  const window = new electron.BrowserWindow({
    title: 'Trawl',
    width: 1280,
    height: 800,
    minWidth: 640,
    minHeight: 400,
    show: false,
    backgroundColor: '#ffffff',
    ...(options.icon ? { icon: options.icon } : {}),
    webPreferences: secureWebPreferences(options.preload, NONCE_SWITCH + nonce),
  });
  win = window;
  const client = new EngineClient(relay, (event) => {
    if (event.type === 'file.opened') {
      openPath = event.file.path;
      setFileOpen(true, `${event.file.name} — Trawl`);
    } else if (event.type === 'file.closed') {
      openPath = null;
      setFileOpen(false, 'Trawl');
    }
    if (event.type === 'file.opened' || event.type === 'file.closed') liveCapture = false;
    else if (event.type === 'capture.started') liveCapture = true;
    else if (event.type === 'capture.saved') {
      openPath = event.file.path;
      setFileOpen(true, `${event.file.name} — Trawl`);
    }
    // The engine says whether a capture runs (a Start may open the options dialog, or fail).
    const capturing =
      event.type === 'capture.started'
        ? true
        : event.type === 'capture.stopped' || event.type === 'capture.failed' || event.type === 'file.closed'
          ? false
          : state.capturing;
    if (capturing !== state.capturing) {
      state.capturing = capturing;
      rebuildMenu();
    }
  });

  function setFileOpen(open: boolean, title: string): void {
    if (!window.isDestroyed()) window.setTitle(title);
    if (state.fileOpen !== open) {
      state.fileOpen = open;
      rebuildMenu();
    }
  }

  // The port hand-off: a fresh channel for every page load (a reload drops the old one).
  let lane: RelayLane | null = null;
  window.webContents.on('did-finish-load', () => {
    lane?.close();
    const { port1, port2 } = new electron.MessageChannelMain();
    lane = connectClientPort(relay, port1);
    window.webContents.postMessage(PORT_CHANNEL, nonce, [port2]);
  });
  window.on('closed', () => {
    lane?.close();
    lane = null;
  });
  window.on('page-title-updated', (event) => event.preventDefault());
  window.once('ready-to-show', () => window.show());

  /** An unsaved live capture would be dropped: asks, true to go on without saving. */
  async function discardCapture(doing: string, error: EngineError): Promise<boolean> {
    const answer = (await dialog.showMessageBox(window, {
      type: 'warning',
      title: 'Trawl',
      message: `Do you want to save the captured packets before ${doing}?`,
      detail: `${error.message}. Your captured packets will be lost if you don't save them (Save As in the File menu).`,
      buttons: ['Continue without Saving', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
    })) as { response?: number } | undefined;
    return answer?.response === 0;
  }

  async function openCapture(path: string, discard = false): Promise<boolean> {
    const outcome = await client.request('file.open', discard ? { path, discard } : { path });
    if (!outcome.ok && outcome.error.code === 'UNSAVED') {
      return (await discardCapture('opening another file', outcome.error)) && openCapture(path, true);
    }
    if (outcome.ok) recent.add(path);
    else if (outcome.error.code === 'ENOENT') recent.remove(path);
    state.recent = recent.list();
    rebuildMenu();
    if (!outcome.ok) void showError(`Cannot open ${basename(path)}`, describe(outcome.error));
    return outcome.ok;
  }

  async function chooseAndOpen(): Promise<void> {
    const chosen = await dialog.showOpenDialog(window, {
      title: 'Open Capture File',
      properties: ['openFile'],
      filters: CAPTURE_FILTERS,
      ...(recent.list()[0] ? { defaultPath: dirname(recent.list()[0] ?? '') } : {}),
    });
    const path = chosen.filePaths[0];
    if (!chosen.canceled && path) await openCapture(path);
  }

  async function chooseAndSave(which: 'all' | 'displayed'): Promise<void> {
    const source = openPath;
    if (!source) return;
    const suggested = join(dirname(source), `${basename(source, extname(source))}-saved.pcap`);
    const chosen = await dialog.showSaveDialog(window, {
      title: which === 'all' ? 'Save Capture File As' : 'Export Displayed Packets',
      defaultPath: suggested,
      filters: [{ name: 'pcap', extensions: ['pcap'] }],
      properties: ['createDirectory', 'showOverwriteConfirmation'],
    });
    if (chosen.canceled || !chosen.filePath) return;
    const path = extname(chosen.filePath) === '' ? `${chosen.filePath}.pcap` : chosen.filePath;
    // The engine reads packet bytes from the open file by offset while it writes: never onto itself.
    if (resolve(path) === resolve(source)) {
      await showError('Cannot save over the open file', 'Choose another name.');
      return;
    }
    // A live capture is saved by moving its file (then closing it no longer asks).
    if (liveCapture && which === 'all') {
      if (state.capturing) await client.request('capture.stop', {});
      const saved = await client.request('capture.save', { path });
      if (!saved.ok) await showError(`Cannot save ${basename(path)}`, describe(saved.error));
      return;
    }
    const outcome = await client.request('file.save', { path, which });
    if (!outcome.ok) await showError(`Cannot save ${basename(path)}`, describe(outcome.error));
  }

  function forward(action: MenuAction): void {
    if (action.startsWith('time-format:')) state.timeFormat = action.slice(12) as MenuState['timeFormat'];
    if (action === 'toggle-colouring') state.colouring = !state.colouring;
    const capturing = action === 'capture-start' ? true : action === 'capture-stop' ? false : state.capturing;
    if (!window.isDestroyed()) window.webContents.send(MENU_CHANNEL, action);
    if (capturing !== state.capturing) {
      state.capturing = capturing;
      rebuildMenu();
    }
  }

  const template = (): MenuItemConstructorOptions[] =>
    menuTemplate(state, {
      open: () => void chooseAndOpen(),
      openRecent: (path) => void openCapture(path),
      clearRecent: () => {
        recent.clear();
        state.recent = recent.list();
        rebuildMenu();
      },
      save: (which) => void chooseAndSave(which),
      // An unsaved capture: the page asks (with Save), then closes.
      close: () =>
        void client.request('file.close', {}).then((o) => {
          if (!o.ok && o.error.code === 'UNSAVED') forward('close');
        }),
      about: () => app.showAboutPanel(),
      forward,
    });

  function rebuildMenu(): void {
    electron.Menu.setApplicationMenu(electron.Menu.buildFromTemplate(template()));
  }

  app.setAboutPanelOptions({
    applicationName: 'Trawl',
    applicationVersion: app.getVersion(),
    copyright: 'MIT License',
    ...(options.icon ? { iconPath: options.icon } : {}),
  });
  rebuildMenu();

  app.on('second-instance', (_event, argv, cwd) => {
    if (window.isMinimized()) window.restore();
    window.focus();
    const path = captureFileFromArgv(argv, cwd);
    if (path) void openCapture(path);
  });

  await window.loadFile(options.indexHtml);
  const atStart = captureFileFromArgv(options.argv, options.cwd);
  if (atStart) void openCapture(atStart);

  return {
    window,
    relay,
    client,
    state,
    openCapture,
  };
}

function describe(error: EngineError): string {
  return error.detail ? `${error.message}\n\n${error.detail}` : error.message;
}
