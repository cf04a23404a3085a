// What may cross from the shell into the page: the engine port and the menu actions on this list,
// nothing else. The preload checks every action against the list before it reaches the page
// (VS Code's channel check, not zui's pass-through). Pure: the preload bundle and tests import it.

export const MENU_ACTIONS = [
  'open',
  'save-as',
  'close',
  'goto',
  'first-packet',
  'last-packet',
  'next-packet',
  'previous-packet',
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
  'capture-options',
  'follow-tcp',
  'follow-udp',
  'preferences',
] as const;

export type MenuAction = (typeof MENU_ACTIONS)[number];

export type TimeFormat = 'relative' | 'delta' | 'absolute' | 'utc' | 'epoch';

const ALLOWED: ReadonlySet<string> = new Set(MENU_ACTIONS);

export function isMenuAction(action: unknown): action is MenuAction {
  return typeof action === 'string' && ALLOWED.has(action);
}

/** The one IPC channel for menu actions (main → preload) and the page message type (preload → page). */
export const MENU_CHANNEL = 'trawl:menu';
/** The one IPC channel for the engine port (main → preload) and the page message type (preload → page). */
export const PORT_CHANNEL = 'trawl:engine-port';
/** The preload learns its window's nonce from this command-line switch (additionalArguments). */
export const NONCE_SWITCH = '--trawl-nonce=';
