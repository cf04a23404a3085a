// The application menu, as a template built from the shell's state. File actions are the
// shell's own (native dialogs, then engine requests); view and navigation actions go to the page.
import type { MenuItemConstructorOptions } from 'electron';
import { basename } from 'node:path';
import type { MenuAction, TimeFormat } from './bridge-contract.ts';

export interface MenuState {
  fileOpen: boolean;
  capturing: boolean;
  timeFormat: TimeFormat;
  colouring: boolean;
  recent: readonly string[];
  /** Developer tools are in the menu only when running unpackaged. */
  dev: boolean;
}

export interface MenuHandlers {
  open(): void;
  openRecent(path: string): void;
  clearRecent(): void;
  save(which: 'all' | 'displayed'): void;
  close(): void;
  about(): void;
  /** A page action; the shell keeps its own state (time format, colouring, capture) in step. */
  forward(action: MenuAction): void;
}

const TIME_FORMATS: readonly { format: TimeFormat; label: string; accelerator: string }[] = [
  { format: 'absolute', label: 'Time of Day', accelerator: 'CmdOrCtrl+Alt+2' },
  { format: 'utc', label: 'UTC Time of Day', accelerator: 'CmdOrCtrl+Alt+7' },
  { format: 'epoch', label: 'Seconds Since Epoch (1970-01-01)', accelerator: 'CmdOrCtrl+Alt+4' },
  { format: 'relative', label: 'Seconds Since Beginning of Capture', accelerator: 'CmdOrCtrl+Alt+5' },
  { format: 'delta', label: 'Seconds Since Previous Displayed Packet', accelerator: 'CmdOrCtrl+Alt+6' },
];

export function menuTemplate(state: MenuState, on: MenuHandlers): MenuItemConstructorOptions[] {
  const page = (
    id: MenuAction,
    label: string,
    accelerator?: string,
    enabled = true,
  ): MenuItemConstructorOptions => ({
    id,
    label,
    enabled,
    click: () => on.forward(id),
    ...(accelerator ? { accelerator } : {}),
  });

  const recent: MenuItemConstructorOptions[] = state.recent.map((path, i) => ({
    id: `recent:${i}`,
    label: `${basename(path)}  —  ${path}`,
    click: () => on.openRecent(path),
  }));

  return [
    {
      label: '&File',
      submenu: [
        { id: 'open', label: '&Open…', accelerator: 'CmdOrCtrl+O', click: () => on.open() },
        {
          id: 'open-recent',
          label: 'Open &Recent',
          submenu: [
            ...(recent.length > 0 ? recent : [{ label: 'No recent files', enabled: false }]),
            { type: 'separator' },
            {
              id: 'clear-recent',
              label: 'Clear Menu',
              enabled: recent.length > 0,
              click: () => on.clearRecent(),
            },
          ],
        },
        { type: 'separator' },
        {
          id: 'save-as',
          label: 'Save &As…',
          accelerator: 'CmdOrCtrl+Shift+S',
          enabled: state.fileOpen,
          click: () => on.save('all'),
        },
        {
          id: 'export-displayed',
          label: '&Export Displayed Packets…',
          enabled: state.fileOpen,
          click: () => on.save('displayed'),
        },
        { type: 'separator' },
        {
          id: 'close',
          label: '&Close',
          accelerator: 'CmdOrCtrl+W',
          enabled: state.fileOpen,
          click: () => on.close(),
        },
        { id: 'quit', label: '&Quit', role: 'quit', accelerator: 'CmdOrCtrl+Q' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { id: 'copy', role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
        { type: 'separator' },
        page('find-filter', '&Find Packet / Apply Filter', 'CmdOrCtrl+/'),
        { type: 'separator' },
        page('preferences', 'Pr&eferences…', 'CmdOrCtrl+Shift+P'),
      ],
    },
    {
      label: '&View',
      submenu: [
        {
          label: '&Time Display Format',
          submenu: TIME_FORMATS.map(({ format, label, accelerator }) => ({
            id: `time-format:${format}`,
            label,
            accelerator,
            type: 'radio',
            checked: state.timeFormat === format,
            click: () => on.forward(`time-format:${format}`),
          })),
        },
        {
          id: 'toggle-colouring',
          label: '&Colorize Packet List',
          type: 'checkbox',
          checked: state.colouring,
          click: () => on.forward('toggle-colouring'),
        },
        { type: 'separator' },
        page('expand-all', '&Expand All', 'CmdOrCtrl+Right'),
        page('collapse-all', 'Collapse &All', 'CmdOrCtrl+Left'),
        { type: 'separator' },
        { id: 'reload', label: '&Reload Window', accelerator: 'F5', role: 'reload' },
        ...(state.dev
          ? [{ id: 'devtools', role: 'toggleDevTools', accelerator: 'CmdOrCtrl+Shift+I' } as const]
          : []),
      ],
    },
    {
      label: '&Go',
      submenu: [
        page('goto', '&Go to Packet…', 'CmdOrCtrl+G'),
        { type: 'separator' },
        page('next-packet', '&Next Packet', 'CmdOrCtrl+Down'),
        page('previous-packet', '&Previous Packet', 'CmdOrCtrl+Up'),
        page('first-packet', '&First Packet', 'CmdOrCtrl+Home'),
        page('last-packet', '&Last Packet', 'CmdOrCtrl+End'),
      ],
    },
    {
      label: '&Analyze',
      submenu: [
        page('follow-tcp', 'Follow &TCP Stream', 'CmdOrCtrl+Alt+Shift+T', state.fileOpen),
        page('follow-udp', 'Follow &UDP Stream', 'CmdOrCtrl+Alt+Shift+U', state.fileOpen),
      ],
    },
    {
      label: '&Capture',
      submenu: [
        // Wireshark's Ctrl+E both starts and stops: only the enabled item of the two owns it.
        page('capture-start', '&Start', 'CmdOrCtrl+E', !state.capturing),
        page('capture-stop', 'S&top', 'CmdOrCtrl+E', state.capturing),
        page('capture-restart', '&Restart', 'CmdOrCtrl+R', state.capturing),
        { type: 'separator' },
        page('capture-options', '&Options…', 'CmdOrCtrl+K'),
      ],
    },
    {
      label: '&Help',
      submenu: [{ id: 'about', label: '&About Trawl', click: () => on.about() }],
    },
  ];
}
