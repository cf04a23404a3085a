// The window's menus as data: the in-page menu bar (File, Edit, View, Go, Analyze, Capture, as
// the Electron shell's native one) and the protocol tree's context menu. Each item runs an
// Action, so a menu, a shortcut and the native menu do the same thing.
import type { TreeNodeDto } from '../../app/protocol/messages.ts';
import { SEPARATOR, type MenuItem } from '../chrome/menu.tsx';
import { filterExpression, type NodePath } from '../detail/tree-model.ts';
import { filterMenuItems, type FilterMenuActions } from '../filter/tree-filter-menu.ts';
import { TIME_FORMATS, type TimeFormat } from '../packet-list/time-format.ts';
import type { Action } from './actions.ts';

export interface MenuBarState {
  hasFile: boolean;
  hasDetail: boolean;
  /** The protocols of the selected packet (what Follow can follow). */
  layers: ReadonlySet<string>;
  recent: readonly string[];
  timeFormat: TimeFormat;
  colouring: boolean;
  capturing: boolean;
  /** View → Columns: one checkable item per column. */
  columns: MenuItem[];
}

export interface MenuBarActions {
  run(action: Action): void;
  openRecent(path: string): void;
  exportPackets(): void;
}

export interface TopMenu {
  label: string;
  items: MenuItem[];
}

export function menuBar(s: MenuBarState, a: MenuBarActions): TopMenu[] {
  return [
    { label: 'File', items: fileMenu(s, a) },
    { label: 'Edit', items: editMenu(a) },
    { label: 'View', items: viewMenu(s, a) },
    { label: 'Go', items: goMenu(s, a) },
    { label: 'Analyze', items: analyzeMenu(s, a) },
    { label: 'Capture', items: captureMenu(s, a) },
  ];
}

function fileMenu(s: MenuBarState, { run, openRecent, exportPackets }: MenuBarActions): MenuItem[] {
  return [
    { label: 'Open…', shortcut: 'Ctrl+O', onClick: () => run('open') },
    {
      label: 'Open Recent',
      disabled: s.recent.length === 0,
      submenu: s.recent.map((p) => ({ label: p, onClick: () => openRecent(p) })),
    },
    SEPARATOR,
    { label: 'Save As…', shortcut: 'Ctrl+Shift+S', disabled: !s.hasFile, onClick: () => run('save-as') },
    { label: 'Export Specified Packets…', disabled: !s.hasFile, onClick: exportPackets },
    { label: 'Close', disabled: !s.hasFile, onClick: () => run('close') },
  ];
}

function editMenu({ run }: MenuBarActions): MenuItem[] {
  return [
    { label: 'Find Packet / Apply Filter', shortcut: 'Ctrl+/', onClick: () => run('find-filter') },
    SEPARATOR,
    { label: 'Preferences…', shortcut: 'Ctrl+Shift+P', onClick: () => run('preferences') },
  ];
}

function viewMenu(s: MenuBarState, { run }: MenuBarActions): MenuItem[] {
  return [
    {
      label: 'Time Display Format',
      submenu: TIME_FORMATS.map((f) => ({
        label: f.label,
        checked: s.timeFormat === f.id,
        onClick: () => run(`time-format:${f.id}`),
      })),
    },
    { label: 'Colorize Packet List', checked: s.colouring, onClick: () => run('toggle-colouring') },
    { label: 'Columns', submenu: s.columns },
    SEPARATOR,
    { label: 'Expand All', shortcut: 'Ctrl+→', disabled: !s.hasDetail, onClick: () => run('expand-all') },
    { label: 'Collapse All', shortcut: 'Ctrl+←', disabled: !s.hasDetail, onClick: () => run('collapse-all') },
  ];
}

function goMenu(s: MenuBarState, { run }: MenuBarActions): MenuItem[] {
  const off = !s.hasFile;
  return [
    { label: 'Go to Packet…', shortcut: 'Ctrl+G', disabled: off, onClick: () => run('goto') },
    { label: 'Next Packet', disabled: off, onClick: () => run('next-packet') },
    { label: 'Previous Packet', disabled: off, onClick: () => run('previous-packet') },
    { label: 'First Packet', disabled: off, onClick: () => run('first-packet') },
    { label: 'Last Packet', disabled: off, onClick: () => run('last-packet') },
  ];
}

function analyzeMenu(s: MenuBarState, { run }: MenuBarActions): MenuItem[] {
  const stream = (label: string, proto: 'tcp' | 'udp', key: string): MenuItem => ({
    label,
    shortcut: `Ctrl+Alt+Shift+${key}`,
    disabled: !s.layers.has(proto),
    onClick: () => run(`follow-${proto}`),
  });
  return [{ label: 'Follow', submenu: [stream('TCP Stream', 'tcp', 'T'), stream('UDP Stream', 'udp', 'U')] }];
}

function captureMenu(s: MenuBarState, { run }: MenuBarActions): MenuItem[] {
  return [
    { label: 'Options…', shortcut: 'Ctrl+K', onClick: () => run('capture-options') },
    { label: 'Start', shortcut: 'Ctrl+E', disabled: s.capturing, onClick: () => run('capture-start') },
    { label: 'Stop', shortcut: 'Ctrl+E', disabled: !s.capturing, onClick: () => run('capture-stop') },
    { label: 'Restart', shortcut: 'Ctrl+R', disabled: !s.capturing, onClick: () => run('capture-restart') },
  ];
}

export interface TreeMenuActions {
  copy(text: string): void;
  filter: FilterMenuActions;
  expandAll(under?: NodePath): void;
  collapseAll(under?: NodePath): void;
}

/** The protocol tree's context menu on `node` (at `path`), given the filter now applied. */
export function treeMenu(node: TreeNodeDto, path: NodePath, applied: string, a: TreeMenuActions): MenuItem[] {
  const expr = filterExpression(node);
  const leaf = !node.children?.length;
  return [
    { label: 'Copy Value', disabled: node.value === undefined, onClick: () => a.copy(node.value ?? '') },
    { label: 'Copy as Filter', disabled: expr === null, onClick: () => a.copy(expr ?? '') },
    { label: 'Copy Field Name', disabled: !node.field, onClick: () => a.copy(node.field ?? '') },
    { label: 'Copy Description', onClick: () => a.copy(node.label) },
    SEPARATOR,
    ...filterMenuItems(expr, applied, a.filter),
    SEPARATOR,
    { label: 'Expand Subtrees', disabled: leaf, onClick: () => a.expandAll(path) },
    { label: 'Collapse Subtrees', disabled: leaf, onClick: () => a.collapseAll(path) },
    { label: 'Expand All', shortcut: 'Ctrl+→', onClick: () => a.expandAll() },
    { label: 'Collapse All', shortcut: 'Ctrl+←', onClick: () => a.collapseAll() },
  ];
}
