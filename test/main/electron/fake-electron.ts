// A small stand-in for the Electron APIs the shell uses. Each window gets a fake renderer: the real
// preload bridge (preload-bridge.ts) on a fake ipcRenderer, fed the window's additionalArguments as
// its process.argv, exactly as Electron feeds the sandboxed preload.
import type {
  AboutPanelOptionsOptions,
  BrowserWindowConstructorOptions,
  MenuItemConstructorOptions,
  MessageBoxOptions,
  OpenDialogOptions,
  SaveDialogOptions,
} from 'electron';
import { EventEmitter } from 'node:events';
import type { MessagePort } from 'node:worker_threads';
import { installPreloadBridge, type BridgeWindow } from '../../../main/electron/preload-bridge.ts';
import type { GuardedSession } from '../../../main/electron/security.ts';
import type { ElectronApi, ShellWindow } from '../../../main/electron/shell.ts';
import { FakeMessageChannelMain, FakePortMain } from './engine-fixture.ts';

type Prevented = { preventDefault(): void; defaultPrevented: boolean };

export function prevented(): Prevented {
  const e = {
    defaultPrevented: false,
    preventDefault() {
      e.defaultPrevented = true;
    },
  };
  return e;
}

/** What the page (main world) received through the preload. */
export interface PagePost {
  message: unknown;
  targetOrigin: string;
  transfer: unknown[] | undefined;
}

class FakeRenderer {
  readonly posted: PagePost[] = [];
  private readonly ipc = new EventEmitter();

  constructor(argv: readonly string[]) {
    const win: BridgeWindow = {
      location: { origin: 'null', protocol: 'file:' },
      document: { readyState: 'complete', addEventListener: () => {} },
      postMessage: (message, targetOrigin, transfer) => this.posted.push({ message, targetOrigin, transfer }),
    };
    installPreloadBridge({ on: (channel, listener) => this.ipc.on(channel, listener) }, win, [
      '/usr/lib/trawl/trawl-gui',
      ...argv,
    ]);
  }

  deliver(channel: string, ports: unknown[], ...args: unknown[]): void {
    this.ipc.emit(channel, { ports }, ...args);
  }

  /** The engine port the page got, as the Node MessagePort behind the fake MessagePortMain. */
  enginePort(): MessagePort | null {
    const post = this.posted.find((p) => (p.message as { type?: string }).type === 'trawl:engine-port');
    const port = post?.transfer?.[0];
    return port instanceof FakePortMain ? port.node : null;
  }

  menuActions(): unknown[] {
    return this.posted
      .map((p) => p.message as { type?: string; action?: unknown })
      .filter((m) => m.type === 'trawl:menu')
      .map((m) => m.action);
  }
}

class FakeWebContents extends EventEmitter {
  windowOpenHandler: (() => { action: 'deny' }) | null = null;
  readonly ipcPosts: { channel: string; message: unknown; transfer: FakePortMain[] }[] = [];
  constructor(readonly renderer: FakeRenderer) {
    super();
  }
  setWindowOpenHandler(handler: () => { action: 'deny' }): void {
    this.windowOpenHandler = handler;
  }
  postMessage(channel: string, message: unknown, transfer: FakePortMain[]): void {
    this.ipcPosts.push({ channel, message, transfer });
    this.renderer.deliver(channel, transfer, message);
  }
  send(channel: string, ...args: unknown[]): void {
    this.renderer.deliver(channel, [], ...args);
  }
  isDestroyed(): boolean {
    return false;
  }
}

export interface FakeDialogs {
  open: { canceled: boolean; filePaths: string[] }[];
  save: { canceled: boolean; filePath?: string }[];
  openCalls: OpenDialogOptions[];
  saveCalls: SaveDialogOptions[];
  messages: MessageBoxOptions[];
}

export function createFakeElectron(userData: string, isPackaged = false) {
  const appEvents = new EventEmitter();
  const windows: FakeWindow[] = [];
  const menus: MenuItemConstructorOptions[][] = [];
  const dialogs: FakeDialogs = { open: [], save: [], openCalls: [], saveCalls: [], messages: [] };
  const calls: string[] = [];
  const session = {
    requestHandler: null as ((c: unknown, permission: string, cb: (granted: boolean) => void) => void) | null,
    checkHandler: null as ((c: unknown, permission: string) => boolean) | null,
    beforeRequest: null as
      ((details: { url: string }, cb: (response: { cancel?: boolean }) => void) => void) | null,
    headersReceived: null as
      | ((
          details: { responseHeaders?: Record<string, string[]> },
          cb: (response: { responseHeaders?: Record<string, string | string[]> }) => void,
        ) => void)
      | null,
  };
  const defaultSession: GuardedSession = {
    setPermissionRequestHandler: (h) => void (session.requestHandler = h),
    setPermissionCheckHandler: (h) => void (session.checkHandler = h),
    webRequest: {
      onBeforeRequest: (l) => void (session.beforeRequest = l),
      onHeadersReceived: (l) => void (session.headersReceived = l),
    },
  };

  class FakeWindow extends EventEmitter implements ShellWindow<FakePortMain> {
    readonly webContents: FakeWebContents;
    loaded: string | null = null;
    title = '';
    shown = false;
    constructor(readonly options: BrowserWindowConstructorOptions) {
      super();
      this.webContents = new FakeWebContents(
        new FakeRenderer(options.webPreferences?.additionalArguments ?? []),
      );
      windows.push(this);
      appEvents.emit('web-contents-created', prevented(), this.webContents);
    }
    async loadFile(path: string): Promise<void> {
      this.loaded = path;
      this.emit('ready-to-show');
      this.webContents.emit('did-finish-load');
    }
    setTitle(title: string): void {
      this.title = title;
    }
    show(): void {
      this.shown = true;
    }
    focus(): void {
      calls.push('focus');
    }
    isMinimized(): boolean {
      return false;
    }
    restore(): void {}
    isDestroyed(): boolean {
      return false;
    }
  }

  const api = {
    app: {
      isPackaged,
      enableSandbox: () => void calls.push('enableSandbox'),
      requestSingleInstanceLock: () => true,
      whenReady: async () => void calls.push('ready'),
      quit: () => void calls.push('quit'),
      getPath: () => userData,
      getVersion: () => '0.1.0',
      setAboutPanelOptions: (_options: AboutPanelOptionsOptions) => {},
      showAboutPanel: () => void calls.push('about'),
      on: (event: string, listener: (...args: never[]) => void) =>
        appEvents.on(event, listener as (...args: unknown[]) => void),
    },
    BrowserWindow: FakeWindow,
    Menu: {
      buildFromTemplate: (template: MenuItemConstructorOptions[]) => template,
      setApplicationMenu: (menu: unknown) => void menus.push(menu as MenuItemConstructorOptions[]),
    },
    dialog: {
      showOpenDialog: async (_w: FakeWindow, options: OpenDialogOptions) => {
        dialogs.openCalls.push(options);
        return dialogs.open.shift() ?? { canceled: true, filePaths: [] };
      },
      showSaveDialog: async (_w: FakeWindow, options: SaveDialogOptions) => {
        dialogs.saveCalls.push(options);
        return dialogs.save.shift() ?? { canceled: true };
      },
      showMessageBox: async (_w: FakeWindow, options: MessageBoxOptions) => {
        dialogs.messages.push(options);
        return { response: 0 };
      },
    },
    MessageChannelMain: FakeMessageChannelMain,
    session: { defaultSession },
  } satisfies ElectronApi<FakePortMain, FakeWindow>;

  return { api, appEvents, windows, menus, dialogs, calls, session };
}

/** True when a menu template has an item with `id`. */
export function hasMenuItem(template: readonly MenuItemConstructorOptions[], id: string): boolean {
  try {
    menuItem(template, id);
    return true;
  } catch {
    return false;
  }
}

/** The item with `id` anywhere in a menu template. */
export function menuItem(
  template: readonly MenuItemConstructorOptions[],
  id: string,
): MenuItemConstructorOptions {
  for (const item of template) {
    if (item.id === id) return item;
    if (Array.isArray(item.submenu)) {
      const inner = findIn(item.submenu, id);
      if (inner) return inner;
    }
  }
  throw new Error(`no menu item ${id}`);
}

function findIn(
  template: readonly MenuItemConstructorOptions[],
  id: string,
): MenuItemConstructorOptions | null {
  try {
    return menuItem(template, id);
  } catch {
    return null;
  }
}

/** Clicks a menu item as Electron would (its handlers ignore the item, window and event). */
export function click(item: MenuItemConstructorOptions): void {
  if (!item.click) throw new Error(`menu item ${item.id ?? item.label ?? item.role} has no click`);
  (item.click as unknown as () => void)();
}
