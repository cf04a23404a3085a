// The preload's hand-off, driven with a fake ipcRenderer and window: only the right nonce gets the
// port through, exactly once, and only allowlisted menu actions reach the page.
import { describe, expect, it } from 'vitest';
import { MENU_ACTIONS } from '../../../main/electron/bridge-contract.ts';
import {
  installPreloadBridge,
  nonceFromArgv,
  ownOrigin,
  type BridgeIpc,
  type BridgeWindow,
} from '../../../main/electron/preload-bridge.ts';

const NONCE = 'n0nce-0123456789abcdef';
const ARGV = ['/opt/Trawl/trawl-gui', '--type=renderer', `--trawl-nonce=${NONCE}`];

type Listener = (event: { readonly ports: readonly unknown[] }, ...args: unknown[]) => void;

function fakeIpc(): BridgeIpc & { emit(channel: string, ports: unknown[], ...args: unknown[]): void } {
  const listeners = new Map<string, Listener[]>();
  return {
    on(channel, listener) {
      listeners.set(channel, [...(listeners.get(channel) ?? []), listener]);
    },
    emit(channel, ports, ...args) {
      for (const l of listeners.get(channel) ?? []) l({ ports }, ...args);
    },
  };
}

interface Posted {
  message: unknown;
  targetOrigin: string;
  transfer: unknown[] | undefined;
}

function fakeWindow(
  origin = 'null',
  protocol = 'file:',
  readyState = 'complete',
): BridgeWindow & { posted: Posted[]; domReady(): void } {
  const ready: (() => void)[] = [];
  const win = {
    posted: [] as Posted[],
    location: { origin, protocol },
    document: {
      readyState,
      addEventListener: (_type: 'DOMContentLoaded', listener: () => void) => void ready.push(listener),
    },
    postMessage(message: unknown, targetOrigin: string, transfer?: unknown[]) {
      win.posted.push({ message, targetOrigin, transfer });
    },
    domReady() {
      win.document.readyState = 'interactive';
      for (const l of ready.splice(0)) l();
    },
  };
  return win;
}

describe('preload bridge', () => {
  it('posts nothing for a wrong or missing nonce', () => {
    const ipc = fakeIpc();
    const win = fakeWindow();
    installPreloadBridge(ipc, win, ARGV);
    ipc.emit('trawl:engine-port', [{ port: 1 }], 'not-the-nonce-at-all');
    ipc.emit('trawl:engine-port', [{ port: 2 }]);
    ipc.emit('trawl:engine-port', [{ port: 3 }], undefined);
    expect(win.posted).toEqual([]);

    const noNonce = fakeWindow();
    const ipc2 = fakeIpc();
    installPreloadBridge(ipc2, noNonce, ['/opt/Trawl/trawl-gui']);
    ipc2.emit('trawl:engine-port', [{ port: 4 }], '');
    ipc2.emit('trawl:engine-port', [{ port: 5 }], undefined);
    expect(noNonce.posted).toEqual([]);
  });

  it('posts exactly one port to its own window for the right nonce', () => {
    const ipc = fakeIpc();
    const win = fakeWindow();
    installPreloadBridge(ipc, win, ARGV);
    const port = { port: 'engine' };
    ipc.emit('trawl:engine-port', [port], NONCE);
    ipc.emit('trawl:engine-port', [{ port: 'second' }], NONCE);
    expect(win.posted).toEqual([
      { message: { type: 'trawl:engine-port' }, targetOrigin: '*', transfer: [port] },
    ]);
    expect(win.posted[0]?.transfer?.[0]).toBe(port);
  });

  it('ignores a message with no port or several, and still takes the right one after', () => {
    const ipc = fakeIpc();
    const win = fakeWindow();
    installPreloadBridge(ipc, win, ARGV);
    ipc.emit('trawl:engine-port', [], NONCE);
    ipc.emit('trawl:engine-port', [{ a: 1 }, { b: 2 }], NONCE);
    expect(win.posted).toEqual([]);
    ipc.emit('trawl:engine-port', [{ c: 3 }], NONCE);
    expect(win.posted).toHaveLength(1);
  });

  it('waits for the page to be parsed before handing the port over', () => {
    const ipc = fakeIpc();
    const win = fakeWindow('null', 'file:', 'loading');
    installPreloadBridge(ipc, win, ARGV);
    ipc.emit('trawl:engine-port', [{ p: 1 }], NONCE);
    expect(win.posted).toEqual([]);
    win.domReady();
    expect(win.posted).toHaveLength(1);
  });

  it('forwards allowlisted menu actions and drops everything else', () => {
    const ipc = fakeIpc();
    const win = fakeWindow('http://127.0.0.1:5173', 'http:');
    installPreloadBridge(ipc, win, ARGV);
    ipc.emit('trawl:menu', [], 'goto');
    ipc.emit('trawl:menu', [], 'time-format:utc');
    for (const bad of ['rm -rf', 'file.open', 'time-format:', 'GOTO', 42, null, { action: 'goto' }]) {
      ipc.emit('trawl:menu', [], bad);
    }
    ipc.emit('trawl:other', [], 'goto');
    expect(win.posted).toEqual([
      {
        message: { type: 'trawl:menu', action: 'goto' },
        targetOrigin: 'http://127.0.0.1:5173',
        transfer: undefined,
      },
      {
        message: { type: 'trawl:menu', action: 'time-format:utc' },
        targetOrigin: 'http://127.0.0.1:5173',
        transfer: undefined,
      },
    ]);
  });

  it('knows every action of the issue', () => {
    expect(MENU_ACTIONS).toEqual(
      expect.arrayContaining([
        'open',
        'save-as',
        'close',
        'goto',
        'find-filter',
        'expand-all',
        'collapse-all',
        'toggle-colouring',
        'time-format:relative',
        'time-format:delta',
        'time-format:absolute',
        'time-format:utc',
        'time-format:epoch',
        'capture-start',
        'capture-stop',
        'capture-restart',
      ]),
    );
  });

  it('reads the nonce switch and names its own origin', () => {
    expect(nonceFromArgv(ARGV)).toBe(NONCE);
    expect(nonceFromArgv(['x', '--trawl-nonce=short'])).toBeNull();
    expect(ownOrigin(fakeWindow('null', 'file:'))).toBe('*');
    expect(ownOrigin(fakeWindow('file://', 'file:'))).toBe('*');
    expect(ownOrigin(fakeWindow('http://127.0.0.1:4000', 'http:'))).toBe('http://127.0.0.1:4000');
  });
});
