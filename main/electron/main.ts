// Trawl's Electron entry (bundled to build/electron/main.mjs). It hands the real Electron module
// to the shell; everything else is in shell.ts, which the tests drive with a stand-in.
import {
  app,
  BrowserWindow,
  dialog,
  Menu,
  MessageChannelMain,
  session,
  type MessagePortMain,
} from 'electron';
import { fileURLToPath } from 'node:url';
import { startEngineWorker, unpackedScript } from './engine-host.ts';
import { runShell, type ElectronApi } from './shell.ts';

const electron = { app, BrowserWindow, dialog, Menu, MessageChannelMain, session } satisfies ElectronApi<
  MessagePortMain,
  BrowserWindow
>;
const built = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));

runShell(electron, {
  argv: process.argv,
  cwd: process.cwd(),
  preload: built('./preload.cjs'),
  indexHtml: built('../renderer/index.html'),
  icon: built('../../assets/icons/png/256x256.png'),
  startEngine: (relay, onCrash) =>
    startEngineWorker(relay, unpackedScript(new URL('../engine-worker.mjs', import.meta.url)), { onCrash }),
}).catch((err: unknown) => {
  console.error('Trawl failed to start:', err);
  app.exit(1);
});
