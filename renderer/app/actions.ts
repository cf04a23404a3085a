// Named actions: what the in-page menu, the keyboard and the Electron shell's native menu
// (window message `{ type: 'trawl:menu', action }`) all trigger.
import { isTimeFormat, type TimeFormat } from '../packet-list/time-format.ts';

export type Action =
  | 'open'
  | 'save-as'
  | 'close'
  | 'goto'
  | 'find-filter'
  | 'expand-all'
  | 'collapse-all'
  | 'toggle-colouring'
  | 'first-packet'
  | 'last-packet'
  | 'next-packet'
  | 'previous-packet'
  | 'capture-start'
  | 'capture-stop'
  | 'capture-restart'
  | 'capture-options'
  | 'follow-tcp'
  | 'follow-udp'
  | 'preferences'
  | `time-format:${TimeFormat}`;

const SIMPLE = new Set<string>([
  'open',
  'save-as',
  'close',
  'goto',
  'find-filter',
  'expand-all',
  'collapse-all',
  'toggle-colouring',
  'first-packet',
  'last-packet',
  'next-packet',
  'previous-packet',
  'capture-start',
  'capture-stop',
  'capture-restart',
  'capture-options',
  'follow-tcp',
  'follow-udp',
  'preferences',
]);

export function isAction(v: unknown): v is Action {
  if (typeof v !== 'string') return false;
  if (SIMPLE.has(v)) return true;
  return v.startsWith('time-format:') && isTimeFormat(v.slice('time-format:'.length));
}

/** Messages the Electron shell may post into the page (through the preload). */
export type ShellMessage =
  | { type: 'trawl:menu'; action: Action }
  | { type: 'trawl:open'; path: string }
  | { type: 'trawl:save'; path: string; which?: 'all' | 'displayed' };

export function parseShellMessage(data: unknown): ShellMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const m = data as { type?: unknown; action?: unknown; path?: unknown; which?: unknown };
  if (m.type === 'trawl:menu' && isAction(m.action)) return { type: 'trawl:menu', action: m.action };
  if (m.type === 'trawl:open' && typeof m.path === 'string' && m.path)
    return { type: 'trawl:open', path: m.path };
  if (m.type === 'trawl:save' && typeof m.path === 'string' && m.path) {
    const which = m.which === 'displayed' ? 'displayed' : 'all';
    return { type: 'trawl:save', path: m.path, which };
  }
  return null;
}

/** The action a key press means, or null. */
export function actionForKey(e: KeyboardEvent): Action | null {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  // Wireshark's Follow shortcuts: Ctrl+Alt+Shift+T (TCP) and +U (UDP).
  if (mod && e.altKey && e.shiftKey && (key === 't' || key === 'u'))
    return key === 't' ? 'follow-tcp' : 'follow-udp';
  if (!mod || e.altKey) return null;
  if (key === 'o' && !e.shiftKey) return 'open';
  if (key === 's' && e.shiftKey) return 'save-as';
  if (key === 'g' && !e.shiftKey) return 'goto';
  if (key === 'p' && e.shiftKey) return 'preferences';
  if (key === '/') return 'find-filter';
  // Ctrl+E starts, or stops a running capture (Wireshark's toggle); Ctrl+K is Capture → Options.
  if (key === 'e' && !e.shiftKey) return 'capture-start';
  if (key === 'r' && !e.shiftKey) return 'capture-restart';
  if (key === 'k' && !e.shiftKey) return 'capture-options';
  if (e.key === 'ArrowRight' && !e.shiftKey) return 'expand-all';
  if (e.key === 'ArrowLeft' && !e.shiftKey) return 'collapse-all';
  return null;
}
