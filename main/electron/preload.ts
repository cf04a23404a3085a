// The sandboxed preload (bundled as CommonJS: sandboxed preloads cannot be ES modules).
// Everything it does is in preload-bridge.ts; this file only supplies the real objects.
import { ipcRenderer } from 'electron';
import { installPreloadBridge, type BridgeWindow } from './preload-bridge.ts';

// main/ compiles without DOM types; the preload's view of `window` is the little it touches.
declare const window: BridgeWindow;

installPreloadBridge(ipcRenderer, window, process.argv);
