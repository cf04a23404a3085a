// The shell's wiring against a stand-in for Electron: a locked-down window, the nonce-checked port
// hand-off, menus whose File actions reach a real engine (over a real MessageChannel) and whose
// view actions reach the page, and a capture file named on the command line.
import type { MenuItemConstructorOptions } from 'electron';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { RequestMessage } from '../../../app/protocol/messages.ts';
import type { EngineHost } from '../../../main/electron/engine-host.ts';
import type { EngineRelay } from '../../../main/electron/port-relay.ts';
import { MENU_ACTIONS } from '../../../main/electron/bridge-contract.ts';
import { CONTENT_SECURITY_POLICY } from '../../../main/electron/security.ts';
import { runShell } from '../../../main/electron/shell.ts';
import { serveEngine } from '../../../main/engine/port.ts';
import { isAction } from '../../../renderer/app/actions.ts';
import { HAVE_ADDON, PageClient, SAMPLE, until } from './engine-fixture.ts';
import { click, createFakeElectron, hasMenuItem, menuItem, prevented } from './fake-electron.ts';
import { scratchDir } from '../../support/scratch.ts';

/** A real engine in this thread; every request that reaches its port is recorded. */
function recordingEngine() {
  const requests: RequestMessage[] = [];
  let stopped = false;
  const start = (relay: EngineRelay): EngineHost => {
    const { port1, port2 } = new MessageChannel();
    port2.on('message', (m: RequestMessage) => requests.push(m));
    serveEngine(port2);
    relay.attach(port1);
    return {
      stop: async () => {
        stopped = true;
        port1.close();
      },
    };
  };
  return { requests, start, isStopped: () => stopped };
}

async function startShell(argv: string[] = ['/usr/lib/trawl/trawl-gui'], isPackaged = false) {
  const userData = scratchDir('trawl-shell-');
  const fake = createFakeElectron(userData, isPackaged);
  const engine = recordingEngine();
  const shell = await runShell(fake.api, {
    argv,
    cwd: '/work',
    preload: '/app/build/electron/preload.cjs',
    indexHtml: '/app/build/renderer/index.html',
    startEngine: engine.start,
  });
  if (!shell) throw new Error('shell did not start');
  const window = fake.windows[0];
  if (!window) throw new Error('no window');
  const menu = (): MenuItemConstructorOptions[] => fake.menus.at(-1) ?? [];
  return { fake, engine, shell, window, menu, userData };
}

describe('electron shell: the window', () => {
  it('opens one sandboxed, isolated window without Node and loads the built renderer from disk', async () => {
    const { fake, window } = await startShell();
    expect(fake.calls.indexOf('enableSandbox')).toBeLessThan(fake.calls.indexOf('ready'));
    expect(fake.windows).toHaveLength(1);
    const prefs = window.options.webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: '/app/build/electron/preload.cjs',
    });
    expect(prefs?.additionalArguments).toEqual([expect.stringMatching(/^--trawl-nonce=[\w-]{40,}$/)]);
    expect(window.loaded).toBe('/app/build/renderer/index.html');
    expect(window.shown).toBe(true);
  });

  it('blocks navigation, new windows, webviews, remote requests and permissions, and sends the CSP', async () => {
    const { fake, window } = await startShell();
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const e = prevented();
      window.webContents.emit(event, e, 'https://example.com/');
      expect(e.defaultPrevented, event).toBe(true);
    }
    expect(window.webContents.windowOpenHandler?.()).toEqual({ action: 'deny' });

    const { session } = fake;
    const granted: boolean[] = [];
    for (const p of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'fileSystem',
    ]) {
      session.requestHandler?.(null, p, (g) => granted.push(g));
      expect(session.checkHandler?.(null, p), p).toBe(false);
    }
    expect(granted).toEqual([false, false, false, false, false, false]);

    const cancel = (url: string): boolean | undefined => {
      let decision: boolean | undefined;
      session.beforeRequest?.({ url }, (r) => (decision = r.cancel));
      return decision;
    };
    expect(cancel('https://example.com/x.js')).toBe(true);
    expect(cancel('ws://10.0.0.1/')).toBe(true);
    expect(cancel('file:///app/build/renderer/assets/index.js')).toBe(false);
    expect(cancel('data:image/png;base64,AA')).toBe(false);

    let headers: Record<string, string | string[]> | undefined;
    session.headersReceived?.(
      { responseHeaders: { 'X-Other': ['1'] } },
      (r) => (headers = r.responseHeaders),
    );
    expect(headers).toEqual({ 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval/);
  });
});

describe('electron shell: the engine port hand-off', () => {
  it('posts one port with the window nonce, and the page reaches the engine through it', async () => {
    const { window, engine } = await startShell();
    const nonce = window.options.webPreferences?.additionalArguments?.[0]?.split('=')[1];
    expect(window.webContents.ipcPosts).toHaveLength(1);
    const [post] = window.webContents.ipcPosts;
    expect(post?.channel).toBe('trawl:engine-port');
    expect(post?.message).toBe(nonce);
    expect(post?.transfer).toHaveLength(1);
    const renderer = window.webContents.renderer;
    expect(renderer.posted).toHaveLength(1);
    expect(renderer.posted[0]).toMatchObject({ message: { type: 'trawl:engine-port' }, targetOrigin: '*' });

    const port = renderer.enginePort();
    if (!port) throw new Error('the page got no port');
    const page = new PageClient(port);
    const answer = await page.request(1, 'view.state', {});
    expect(answer).toMatchObject({ kind: 'response', id: 1, ok: false, error: { code: 'NO_FILE' } });
    expect(engine.requests.map((r) => r.method)).toEqual(['view.state']);
    page.close();
  });

  it('hands a fresh port to every page load and drops the previous one', async () => {
    const { window } = await startShell();
    window.webContents.emit('did-finish-load');
    const [first, second] = window.webContents.ipcPosts;
    expect(second?.transfer[0]).toBeDefined();
    expect(second?.transfer[0]).not.toBe(first?.transfer[0]);
    expect(second?.message).toBe(first?.message);
  });
});

describe('electron shell: menus', () => {
  it('has the File, Edit, View, Go, Analyze, Capture and Help menus with their shortcuts', async () => {
    const { menu } = await startShell();
    expect(menu().map((m) => m.label)).toEqual([
      '&File',
      '&Edit',
      '&View',
      '&Go',
      '&Analyze',
      '&Capture',
      '&Help',
    ]);
    const accel = (id: string): string | undefined => menuItem(menu(), id).accelerator;
    expect(accel('open')).toBe('CmdOrCtrl+O');
    expect(accel('save-as')).toBe('CmdOrCtrl+Shift+S');
    expect(accel('quit')).toBe('CmdOrCtrl+Q');
    expect(accel('find-filter')).toBe('CmdOrCtrl+/');
    expect(accel('goto')).toBe('CmdOrCtrl+G');
    expect(accel('capture-start')).toBe('CmdOrCtrl+E');
    expect(accel('capture-stop')).toBe('CmdOrCtrl+E');
    expect(accel('capture-restart')).toBe('CmdOrCtrl+R');
    expect(accel('follow-tcp')).toBe('CmdOrCtrl+Alt+Shift+T');
    expect(accel('follow-udp')).toBe('CmdOrCtrl+Alt+Shift+U');
    expect(accel('preferences')).toBe('CmdOrCtrl+Shift+P');
    expect(menuItem(menu(), 'copy').role).toBe('copy');
    expect(menuItem(menu(), 'save-as').enabled).toBe(false);
    expect(menuItem(menu(), 'devtools').role).toBe('toggleDevTools');
  });

  it('sends only actions the renderer knows', () => {
    expect(MENU_ACTIONS.filter((a) => !isAction(a))).toEqual([]);
  });

  it('has no developer tools when packaged', async () => {
    const { menu } = await startShell(undefined, true);
    expect(() => menuItem(menu(), 'devtools')).toThrow();
  });

  it('forwards view, go and capture actions to the page and keeps its own state in step', async () => {
    const { menu, window, shell } = await startShell();
    for (const id of [
      'goto',
      'last-packet',
      'find-filter',
      'preferences',
      'expand-all',
      'time-format:utc',
      'toggle-colouring',
    ]) {
      click(menuItem(menu(), id));
    }
    expect(shell.state).toMatchObject({ timeFormat: 'utc', colouring: false });
    expect(menuItem(menu(), 'capture-stop').enabled).toBe(false);
    click(menuItem(menu(), 'capture-start'));
    // Ctrl+E belongs to whichever of Start and Stop is enabled.
    expect(menuItem(menu(), 'capture-start').enabled).toBe(false);
    expect(menuItem(menu(), 'capture-stop').enabled).toBe(true);
    expect(menuItem(menu(), 'time-format:utc').checked).toBe(true);
    click(menuItem(menu(), 'capture-stop'));
    // Anything off the allowlist sent on the channel never reaches the page.
    window.webContents.send('trawl:menu', 'eval-this');
    window.webContents.send('trawl:menu', { action: 'goto' });
    expect(window.webContents.renderer.menuActions()).toEqual([
      'goto',
      'last-packet',
      'find-filter',
      'preferences',
      'expand-all',
      'time-format:utc',
      'toggle-colouring',
      'capture-start',
      'capture-stop',
    ]);
  });

  it('shows About and quits when the window closes, stopping the engine', async () => {
    const { menu, fake, engine } = await startShell();
    click(menuItem(menu(), 'about'));
    expect(fake.calls).toContain('about');
    fake.appEvents.emit('window-all-closed');
    expect(fake.calls).toContain('quit');
    fake.appEvents.emit('will-quit', prevented());
    expect(engine.isStopped()).toBe(true);
  });
});

describe.skipIf(!HAVE_ADDON)('electron shell: files through the engine', () => {
  it('File → Open asks the native dialog, then sends file.open on the engine port', async () => {
    const { fake, menu, engine, window, userData } = await startShell();
    const port = window.webContents.renderer.enginePort();
    if (!port) throw new Error('no port');
    const page = new PageClient(port);
    fake.dialogs.open.push({ canceled: false, filePaths: [SAMPLE] });
    click(menuItem(menu(), 'open'));
    await until(() => engine.requests.length > 0, 'file.open on the engine port');
    expect(engine.requests[0]).toMatchObject({
      kind: 'request',
      method: 'file.open',
      params: { path: SAMPLE },
    });
    expect(fake.dialogs.openCalls[0]?.filters?.[0]?.extensions).toEqual(['pcap', 'pcapng', 'cap']);
    // The page follows through the engine's events; the shell titles the window and lists the file.
    await until(() => window.title === 'pcpp__TcpPacketWithOptions.pcap — Trawl', 'window title');
    await until(
      () => page.events.some((e) => (e as { event: { type: string } }).event.type === 'file.opened'),
      'file.opened at the page',
    );
    await until(() => menuItem(menu(), 'save-as').enabled === true, 'Save As enabled');
    // The recent list follows the request's reply, which may come after the engine's events.
    await until(() => hasMenuItem(menu(), 'recent:0'), 'the file in Open Recent');
    expect(menuItem(menu(), 'recent:0').label).toContain(SAMPLE);
    expect(JSON.parse(readFileSync(join(userData, 'recent-files.json'), 'utf8'))).toEqual([SAMPLE]);
    page.close();
  });

  it('does nothing when the dialog is cancelled', async () => {
    const { fake, menu, engine } = await startShell();
    click(menuItem(menu(), 'open'));
    await until(() => fake.dialogs.openCalls.length === 1, 'the dialog');
    await new Promise((r) => setTimeout(r, 20));
    expect(engine.requests).toEqual([]);
  });

  it('says why a file cannot be opened, as a native error box', async () => {
    const { fake, shell, menu } = await startShell();
    expect(await shell.openCapture('/nonexistent/capture.pcap')).toBe(false);
    await until(() => fake.dialogs.messages.length === 1, 'an error box');
    expect(fake.dialogs.messages[0]).toMatchObject({ type: 'error', message: 'Cannot open capture.pcap' });
    expect(() => menuItem(menu(), 'recent:0')).toThrow();
  });

  it('File → Save As saves through the engine as pcap, and never over the open file', async () => {
    const { fake, menu, shell, engine } = await startShell();
    expect(await shell.openCapture(SAMPLE)).toBe(true);
    const out = join(scratchDir('trawl-saveas-'), 'copy');
    fake.dialogs.save.push({ canceled: false, filePath: out });
    click(menuItem(menu(), 'save-as'));
    await until(() => existsSync(`${out}.pcap`) && engine.requests.length === 2, 'the saved file');
    expect(engine.requests[1]).toMatchObject({
      method: 'file.save',
      params: { path: `${out}.pcap`, which: 'all' },
    });
    await until(() => statSync(`${out}.pcap`).size === statSync(SAMPLE).size, 'the whole file written');

    fake.dialogs.save.push({ canceled: false, filePath: SAMPLE });
    click(menuItem(menu(), 'export-displayed'));
    await until(() => fake.dialogs.messages.length === 1, 'a refusal');
    expect(fake.dialogs.messages[0]?.message).toBe('Cannot save over the open file');
    expect(engine.requests).toHaveLength(2);
  });

  it('File → Close closes the file in the engine', async () => {
    const { menu, shell, engine, window } = await startShell();
    await shell.openCapture(SAMPLE);
    click(menuItem(menu(), 'close'));
    await until(() => window.title === 'Trawl', 'the title reset');
    expect(engine.requests.map((r) => r.method)).toEqual(['file.open', 'file.close']);
    expect(menuItem(menu(), 'save-as').enabled).toBe(false);
  });

  it('opens a capture file named on the command line, and one from a second launch', async () => {
    const { engine, fake, window } = await startShell(['/opt/Trawl/trawl-gui', '--no-sandbox', SAMPLE]);
    await until(() => engine.requests.length === 1, 'file.open at start');
    expect(engine.requests[0]?.params).toEqual({ path: SAMPLE });
    await until(() => window.title.startsWith('pcpp__TcpPacketWithOptions.pcap'), 'title');
    const other = 'pcpp__tls.pcap';
    fake.appEvents.emit('second-instance', prevented(), ['/opt/Trawl/trawl-gui', other], join(SAMPLE, '..'));
    await until(() => engine.requests.length === 2, 'the second file');
    expect(engine.requests[1]?.params).toEqual({ path: join(SAMPLE, '..', other) });
    expect(fake.calls).toContain('focus');
  });
});
