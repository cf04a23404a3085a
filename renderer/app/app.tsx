// The main window: menu and filter bar, packet list, protocol tree, hex view, status bar.
// All packet data comes from the engine through the client; this component keeps only what
// is on screen (the selected frame's detail) and the user's choices.
import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { engineErrorOf, type EngineClient } from '../client/engine-client.ts';
import type { Host } from '../client/host.ts';
import type { Opening } from '../client/open.ts';
import { isOwnWindowMessage } from '../client/transport.ts';
import { GoToDialog, OpenDialog, SaveDialog } from '../chrome/dialogs.tsx';
import { ErrorBar, type Notice } from '../chrome/error-bar.tsx';
import { ContextMenu, MenuBar, type MenuItem } from '../chrome/menu.tsx';
import { Splitter } from '../chrome/splitter.tsx';
import { StatusBar } from '../chrome/status-bar.tsx';
import { HexView } from '../detail/hex-view.tsx';
import { ProtocolTree } from '../detail/protocol-tree.tsx';
import { nodeAt, type NodePath } from '../detail/tree-model.ts';
import { DEFAULT_RULES } from '../packet-list/colouring.ts';
import { COLUMN_IDS, COLUMN_TITLES, PacketList, type PacketListHandle } from '../packet-list/packet-list.tsx';
import { isTimeFormat, type TimeFormat } from '../packet-list/time-format.ts';
import { actionForKey, parseShellMessage, type Action } from './actions.ts';
import { CaptureToolbar } from '../capture/capture-toolbar.tsx';
import { CaptureStatusPart, captureFileLabel } from '../capture/capture-status.tsx';
import { CaptureOptionsDialog } from '../capture/options-dialog.tsx';
import { UnsavedDialog } from '../capture/unsaved-dialog.tsx';
import { useCapture } from '../capture/use-capture.ts';
import { useFrameDetail } from './use-frame-detail.ts';
import { menuBar, treeMenu } from './app-menus.ts';
import { useOpenFile, ZERO_REF } from './use-open-file.ts';
import { WelcomeScreen } from '../capture/welcome.tsx';
import { copyText } from './clipboard.ts';
import { ExportDialog, type ExportChoice } from '../filter/export-dialog.tsx';
import { FilterBar, type FilterBarHandle } from '../filter/filter-bar.tsx';
import { FollowDialog } from '../detail/follow-dialog.tsx';
import { PreferencesDialog } from '../chrome/preferences-dialog.tsx';
import type { DissectionPrefs } from '../../app/protocol/messages.ts';
import { applyPrefs, savedPrefs } from './prefs.ts';
import type { FollowProto } from '../../app/follow/follow.ts';
import { useDisplayFilter } from '../filter/use-display-filter.ts';
import {
  addRecentFile,
  clearRecentFiles,
  isBoolean,
  isNumberArray,
  load,
  recentFiles,
  save,
} from './settings.ts';
import { formatCount } from '../../app/format/count.ts';

export interface AppProps {
  client: EngineClient;
  host: Host;
  /** The file asked for on start (browser mode's `?open=`), its `file.open` already sent. */
  initialOpen: Opening | null;
  /** The saved preferences handed to the engine on start: an error to show, or null. */
  prefsStarted: Promise<string | null>;
  /** Draw the in-page menu bar (browser mode; Electron has its native menu). */
  inPageMenu: boolean;
}

type DialogKind = 'open' | 'save' | 'goto' | 'capture' | 'export' | 'preferences' | null;

interface ContextMenuState {
  x: number;
  y: number;
  items: MenuItem[];
}

function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function App({ client, host, initialOpen, prefsStarted, inPageMenu }: AppProps) {
  const [timeFormat, setTimeFormat] = useState<TimeFormat>(() =>
    load('timeFormat', 'relative', isTimeFormat),
  );
  const [colouring, setColouring] = useState(() => load('colouring', true, isBoolean));
  const [dialog, setDialog] = useState<DialogKind>(null);
  const [notices, setNotices] = useState<Notice[]>([]);
  const [menu, setMenu] = useState<ContextMenuState | null>(null);
  /** Follow TCP/UDP Stream: the frame followed, and the filter to go back to. */
  const [following, setFollowing] = useState<{ proto: FollowProto; frame: number; back: string } | null>(
    null,
  );
  const [recent, setRecent] = useState<string[]>(recentFiles);
  const [prefs, setPrefs] = useState<DissectionPrefs>(savedPrefs);
  const [panes, setPanes] = useState<number[]>(() => load('panes', [0.5, 0.28], isNumberArray));
  const [dragging, setDragging] = useState(false);

  const list = useRef<PacketListHandle | null>(null);
  const treeEl = useRef<HTMLDivElement | null>(null);
  const filterBar = useRef<FilterBarHandle | null>(null);
  const mainEl = useRef<HTMLDivElement | null>(null);
  const noticeId = useRef(0);

  const notify = useCallback((message: string, kind: Notice['kind'] = 'error', detailText?: string) => {
    const id = ++noticeId.current;
    setNotices((ns) => [
      ...ns.filter((n) => n.message !== message),
      { id, message, kind, detail: detailText },
    ]);
  }, []);
  const notifyError = useCallback((err: unknown) => notify(engineErrorOf(err).message), [notify]);
  const frame = useFrameDetail(client, notifyError);
  const { detail, layers, expandAll, collapseAll, clear: clearFrame } = frame;
  const frameRef = useRef(frame);
  frameRef.current = frame;
  const capture = useCapture(client, notify);
  const captureRef = useRef(capture);
  captureRef.current = capture;
  // After useCapture: the engine's held events are released once every listener is subscribed.
  const files = useOpenFile(client, initialOpen, {
    notify,
    onNewFile: clearFrame,
    onCaptureSaved: (saved) => setRecent(addRecentFile(saved.path)),
  });
  const { file, view, setView, progress, loadMs, loadStop, generation, firstRows, timeRef, setTimeRef } =
    files;
  const fileRef = useRef(file);
  fileRef.current = file;
  const viewRef = useRef(view);
  viewRef.current = view;
  const [captureFilter, setCaptureFilter] = useState(() => capture.lastOptions?.filter ?? '');
  const [optionsIface, setOptionsIface] = useState<string | null>(null);
  /** What to do once the capture is saved (the user chose Save in the unsaved-packets question). */
  const afterSave = useRef<(() => void) | null>(null);

  // A capture has no load to wait for: show its view at once, and time its rows from its first packet.
  const capturePath = capture.status?.path;
  useEffect(() => {
    if (!capturePath) return;
    client.request('view.state', {}).then(
      (state) => setView((v) => v ?? state),
      () => {},
    );
  }, [client, capturePath]);
  const captureTotal = capture.status ? (view?.total ?? 0) : 0;
  useEffect(() => {
    if (captureTotal === 0 || timeRef !== ZERO_REF) return;
    client.request('view.rows', { start: 0, end: 1 }).then(
      ([first]) => first && setTimeRef({ sec: first.tsSec, nsec: first.tsNsec }),
      () => {},
    );
  }, [client, captureTotal, timeRef]);

  const openFile = useCallback(
    async (path: string, initial?: Opening) => {
      setDialog(null);
      const open = async (discard: boolean): Promise<void> => {
        const opening = initial ?? files.begin(path, discard);
        setRecent(addRecentFile((await opening.opened).path));
        await files.showFirst(opening);
      };
      try {
        // The file opened on start was asked for before any capture could exist.
        await (initial ? open(false) : capture.guard('opening another file', open));
      } catch (err) {
        const e = engineErrorOf(err);
        notify(`Could not open ${path}: ${e.message}`);
      }
    },
    [notify, capture.guard, files.begin, files.showFirst],
  );

  const uploadAndOpen = useCallback(
    async (f: File) => {
      setDialog(null);
      if (!host.upload) {
        // Electron: the preload resolves the dropped File to its path (webUtils.getPathForFile).
        window.postMessage(
          { type: 'trawl:drop-file', file: f },
          window.location.protocol === 'file:' ? '*' : window.location.origin,
        );
        return;
      }
      try {
        await openFile(await host.upload(f));
      } catch (err) {
        notify(`Could not upload ${f.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
    [host, openFile, notify],
  );

  const saveFile = useCallback(
    async (path: string, which: 'all' | 'displayed') => {
      setDialog(null);
      if (captureRef.current.status && which === 'all') {
        const next = afterSave.current;
        afterSave.current = null;
        if ((await captureRef.current.save(path)) && next) next();
        return;
      }
      try {
        const { packets } = await client.request('file.save', { path, which });
        notify(`Saved ${formatCount(packets)} packets to ${path}`, 'warning');
      } catch (err) {
        notify(`Could not save ${path}: ${engineErrorOf(err).message}`);
      }
    },
    [client, notify],
  );

  const prefsRef = useRef(prefs);
  prefsRef.current = prefs;
  /**
   * Edit → Preferences → OK: the engine takes the preferences (or says why not, shown in the
   * dialog); an opened file is read again to be dissected with them, as Wireshark re-dissects. A
   * capture keeps its packets as they were dissected; the preferences apply from its next packets.
   */
  const changePrefs = useCallback(
    async (next: DissectionPrefs): Promise<string | null> => {
      const result = await applyPrefs(client, next);
      if ('error' in result) return result.error;
      setDialog(null);
      const changed = result.prefs.tlsKeylogFile !== prefsRef.current.tlsKeylogFile;
      setPrefs(result.prefs);
      const open = fileRef.current;
      if (changed && open && !captureRef.current.status) void openFile(open.path);
      return null;
    },
    [client, openFile],
  );
  useEffect(() => {
    void prefsStarted.then((error) => error && notify(error));
  }, [prefsStarted, notify]);

  const goToPacket = useCallback(
    async (n: number) => {
      setDialog(null);
      try {
        const { row } = await client.request('view.find', { number: n });
        if (row < 0) notify(`Packet ${n} isn't displayed (or doesn't exist).`, 'warning');
        else list.current?.goToRow(row);
      } catch (err) {
        notifyError(err);
      }
    },
    [client, notify, notifyError],
  );

  const displayFilter = useDisplayFilter(client, setView, notifyError);
  const { setText: setFilterText, apply: applyFilter } = displayFilter;
  /** Puts `expression` in the filter bar and applies it (Follow's stream filter, Back). */
  const applyFilterText = useCallback(
    (expression: string) => {
      setFilterText(expression);
      void applyFilter(expression);
    },
    [setFilterText, applyFilter],
  );

  const exportPackets = useCallback(
    async (choice: ExportChoice) => {
      setDialog(null);
      try {
        const { packets } = await client.request('file.save', choice);
        notify(`Exported ${formatCount(packets)} packets to ${choice.path}`, 'warning');
      } catch (err) {
        notify(`Could not export to ${choice.path}: ${engineErrorOf(err).message}`);
      }
    },
    [client, notify],
  );

  const chooseTimeFormat = useCallback((f: TimeFormat) => {
    setTimeFormat(f);
    save('timeFormat', f);
  }, []);

  const toggleColouring = useCallback(() => {
    setColouring((c) => {
      save('colouring', !c);
      return !c;
    });
  }, []);

  const runAction = useCallback(
    (action: Action) => {
      setMenu(null);
      if (action.startsWith('time-format:')) {
        const f = action.slice('time-format:'.length);
        if (isTimeFormat(f)) chooseTimeFormat(f);
        return;
      }
      switch (action) {
        case 'open':
          setDialog('open');
          break;
        case 'save-as':
          if (fileRef.current) setDialog('save');
          break;
        case 'close':
          void captureRef.current
            .guard('closing', (discard) => client.request('file.close', { discard }))
            .catch(notifyError);
          break;
        case 'capture-start': {
          // Ctrl+E toggles, as Wireshark's; without earlier options the dialog asks for them.
          const c = captureRef.current;
          if (c.running) void c.stop();
          else if (c.lastOptions) void c.start({ ...c.lastOptions });
          else setDialog('capture');
          break;
        }
        case 'capture-stop':
          void captureRef.current.stop();
          break;
        case 'capture-restart':
          if (captureRef.current.running) void captureRef.current.restart();
          break;
        case 'capture-options':
          setOptionsIface(null);
          setDialog('capture');
          break;
        case 'preferences':
          setDialog('preferences');
          break;
        case 'goto':
          if (fileRef.current) setDialog('goto');
          break;
        case 'find-filter':
          filterBar.current?.focus();
          break;
        case 'expand-all':
          expandAll();
          break;
        case 'collapse-all':
          collapseAll();
          break;
        case 'toggle-colouring':
          toggleColouring();
          break;
        case 'first-packet':
          list.current?.goToRow(0);
          break;
        case 'last-packet':
          list.current?.goToRow(Number.MAX_SAFE_INTEGER);
          break;
        case 'next-packet':
          list.current?.moveBy(1);
          break;
        case 'previous-packet':
          list.current?.moveBy(-1);
          break;
        case 'follow-tcp':
        case 'follow-udp': {
          const proto = action === 'follow-tcp' ? 'tcp' : 'udp';
          const { selected, layers: shown } = frameRef.current;
          if (selected && shown.has(proto)) {
            setFollowing({ proto, frame: selected.frame, back: viewRef.current?.filter ?? '' });
          }
          break;
        }
      }
    },
    [client, notifyError, chooseTimeFormat, expandAll, collapseAll, toggleColouring],
  );

  // Keyboard shortcuts, and the Electron shell's native menu (forwarded by the preload).
  const runActionRef = useRef(runAction);
  runActionRef.current = runAction;
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const action = actionForKey(e);
      if (!action) return;
      const inText = (e.target as HTMLElement | null)?.closest('input, textarea') !== null;
      if (inText && (action === 'expand-all' || action === 'collapse-all')) return;
      e.preventDefault();
      runActionRef.current(action);
    };
    const onMessage = (e: MessageEvent<unknown>): void => {
      if (!isOwnWindowMessage(e)) return;
      const m = parseShellMessage(e.data);
      if (!m) return;
      if (m.type === 'trawl:menu') runActionRef.current(m.action);
      else if (m.type === 'trawl:open') void openFile(m.path);
      else void saveFile(m.path, m.which ?? 'all');
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('message', onMessage);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('message', onMessage);
    };
  }, [openFile, saveFile]);

  const opened = useRef(false);
  /** The file asked for on start is still opening: the welcome screen would only flash. */
  const [opening, setOpening] = useState(initialOpen !== null);
  useEffect(() => {
    if (initialOpen && !opened.current) {
      opened.current = true;
      void openFile(initialOpen.path, initialOpen).finally(() => setOpening(false));
    }
  }, [initialOpen, openFile]);

  const onDrop = (e: DragEvent): void => {
    e.preventDefault();
    setDragging(false);
    const f = e.dataTransfer.files[0];
    if (f) void uploadAndOpen(f);
  };

  const showTreeMenu = (path: NodePath, x: number, y: number): void => {
    const node = detail && nodeAt(detail.tree, path);
    if (!node) return;
    const items = treeMenu(node, path, view?.filter ?? '', {
      copy: (text) => void copyText(text).catch(notifyError),
      filter: {
        apply: (e) => {
          displayFilter.setText(e);
          void displayFilter.apply(e);
        },
        prepare: (e) => {
          displayFilter.setText(e);
          filterBar.current?.focus();
        },
      },
      expandAll,
      collapseAll,
    });
    setMenu({ x, y, items });
  };

  const columnItems = (): MenuItem[] => {
    const visible = new Set(list.current?.visibleColumns() ?? COLUMN_IDS);
    return COLUMN_IDS.map((id) => ({
      label: COLUMN_TITLES[id],
      checked: visible.has(id),
      disabled: visible.size === 1 && visible.has(id),
      onClick: () => list.current?.setColumnVisible(id, !visible.has(id)),
    }));
  };

  const menus = menuBar(
    {
      hasFile: file !== null,
      hasDetail: detail !== null,
      layers,
      recent,
      timeFormat,
      colouring,
      capturing: capture.running,
      columns: columnItems(),
    },
    { run: runAction, openRecent: (p) => void openFile(p), exportPackets: () => setDialog('export') },
  );

  const mainHeight = (): number => mainEl.current?.clientHeight ?? 600;
  const resizePane = (i: number, px: number): void => {
    const h = mainHeight();
    const next = [...panes];
    const other = panes[1 - i] ?? 0.3;
    next[i] = Math.max(0.08, Math.min(px / h, 0.92 - other));
    setPanes(next);
    save('panes', next);
  };
  const [listFr = 0.5, treeFr = 0.28] = panes;
  const hexFr = Math.max(0.05, 1 - listFr - treeFr);

  return (
    <div
      className={'app' + (dragging ? ' dragging' : '')}
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => e.currentTarget === e.target && setDragging(false)}
      onDrop={onDrop}
    >
      {inPageMenu && <MenuBar menus={menus} />}
      <CaptureToolbar
        running={capture.running}
        hasCapture={capture.status !== null}
        onStart={() => runAction('capture-start')}
        onStop={() => runAction('capture-stop')}
        onRestart={() => runAction('capture-restart')}
        onOptions={() => runAction('capture-options')}
      />
      <FilterBar
        ref={filterBar}
        text={displayFilter.text}
        onTextChange={displayFilter.setText}
        applied={view?.filter ?? ''}
        disabled={!file}
        onApply={(expression) => void displayFilter.apply(expression)}
        onLeave={() => list.current?.focus()}
        historyVersion={displayFilter.historyVersion}
      />
      <ErrorBar notices={notices} onDismiss={(id) => setNotices((ns) => ns.filter((n) => n.id !== id))} />
      <div
        className={'panes' + (file ? '' : ' no-file')}
        ref={mainEl}
        style={{ gridTemplateRows: file ? `${listFr}fr 5px ${treeFr}fr 5px ${hexFr}fr` : '100%' }}
      >
        <div className="pane list-pane">
          {file ? (
            <PacketList
              ref={list}
              client={client}
              generation={generation}
              view={view}
              timeFormat={timeFormat}
              timeRef={timeRef}
              timeDigits={file.nanosecond ? 9 : 6}
              follow={capture.running}
              colouring={colouring}
              rules={DEFAULT_RULES}
              firstRows={firstRows}
              onSelect={(row, number) => frame.select({ row, frame: number })}
              onError={notifyError}
              onHeaderMenu={(x, y) => setMenu({ x, y, items: columnItems() })}
            />
          ) : opening ? (
            <div className="pane-empty">Opening {initialOpen?.path}…</div>
          ) : (
            <WelcomeScreen
              client={client}
              recent={recent}
              filter={captureFilter}
              onFilterChange={setCaptureFilter}
              onOpen={(p) => void openFile(p)}
              onOpenDialog={() => runAction('open')}
              onStart={(iface, filter) => {
                const { filter: _previous, ...rest } = capture.lastOptions ?? { iface };
                void capture.start({ ...rest, iface, ...(filter ? { filter } : {}) });
              }}
              onOptions={(iface) => {
                setOptionsIface(iface);
                setDialog('capture');
              }}
            />
          )}
        </div>
        <Splitter getSize={() => listFr * mainHeight()} onResize={(px) => resizePane(0, px)} />
        <div className="pane tree-pane">
          {detail ? (
            <ProtocolTree
              ref={treeEl}
              tree={detail.tree}
              expanded={frame.expanded}
              selected={frame.selectedPath}
              onSelect={frame.selectNode}
              onToggle={frame.toggleNode}
              onContextMenu={showTreeMenu}
            />
          ) : (
            <div className="pane-empty">{file ? 'Select a packet to see its protocol tree' : ''}</div>
          )}
        </div>
        <Splitter getSize={() => treeFr * mainHeight()} onResize={(px) => resizePane(1, px)} />
        <div className="pane hex-pane">
          {frame.bytes ? (
            <>
              <HexView bytes={frame.bytes} highlight={frame.highlight} onByteClick={frame.selectByte} />
              {detail && detail.sources.length > 1 && (
                <div className="source-tabs" role="tablist">
                  {detail.sources.map((s, i) => (
                    <button
                      key={i}
                      type="button"
                      role="tab"
                      aria-selected={i === frame.source}
                      className={'source-tab' + (i === frame.source ? ' active' : '')}
                      onClick={() => frame.setSource(i)}
                    >
                      {s.name} ({s.bytes.length} bytes)
                    </button>
                  ))}
                </div>
              )}
            </>
          ) : (
            <div className="pane-empty" />
          )}
        </div>
      </div>
      <StatusBar
        file={file}
        view={view}
        progress={progress}
        loadMs={loadMs}
        loadStop={loadStop}
        onCancel={() => void client.request('load.cancel', {}).catch(notifyError)}
        capture={capture.status && <CaptureStatusPart status={capture.status} stats={capture.stats} />}
        fileLabel={capture.status && file ? captureFileLabel(capture.status, file.name) : undefined}
      />
      {dialog === 'open' && (
        <OpenDialog
          host={host}
          recent={recent}
          startDir={file ? dirname(file.path) : recent[0] ? dirname(recent[0]) : ''}
          onOpen={(p) => void openFile(p)}
          onUpload={(f) => void uploadAndOpen(f)}
          onClearRecent={() => {
            clearRecentFiles();
            setRecent([]);
          }}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'capture' && (
        <CaptureOptionsDialog
          client={client}
          initial={capture.lastOptions}
          iface={optionsIface}
          onStart={(options) => {
            setDialog(null);
            if (options.filter !== undefined) setCaptureFilter(options.filter);
            void capture.start(options);
          }}
          onClose={() => setDialog(null)}
        />
      )}
      {capture.prompt && (
        <UnsavedDialog
          prompt={capture.prompt}
          onCancel={capture.dismissPrompt}
          onSave={() => {
            afterSave.current = capture.prompt?.afterSave ?? null;
            capture.dismissPrompt();
            setDialog('save');
          }}
        />
      )}
      {dialog === 'export' && file && (
        <ExportDialog
          defaultPath={`${dirname(file.path)}/${file.name.replace(/\.[^.]*$/, '')}-export.pcap`}
          filtered={!!view && view.filter !== ''}
          displayed={view?.displayed ?? 0}
          total={view?.total ?? 0}
          selectedFrame={frame.selected?.frame ?? null}
          onExport={(choice) => void exportPackets(choice)}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'save' && file && (
        <SaveDialog
          defaultPath={
            capture.status && !capture.status.saved
              ? `${recent[0] ? dirname(recent[0]) : '/tmp'}/${capture.status.options.iface}-${file.name.replace(/^trawl_[^_]*_/, '')}`
              : `${dirname(file.path)}/${file.name.replace(/\.[^.]*$/, '')}-saved.pcap`
          }
          filtered={!!view && view.displayed !== view.total}
          onSave={(p, which) => void saveFile(p, which)}
          onClose={() => {
            afterSave.current = null;
            setDialog(null);
          }}
        />
      )}
      {dialog === 'goto' && (
        <GoToDialog max={view?.total ?? 0} onGo={(n) => void goToPacket(n)} onClose={() => setDialog(null)} />
      )}
      {dialog === 'preferences' && (
        <PreferencesDialog prefs={prefs} onApply={changePrefs} onClose={() => setDialog(null)} />
      )}
      {following && (
        <FollowDialog
          client={client}
          proto={following.proto}
          frame={following.frame}
          onFilter={applyFilterText}
          onBack={() => {
            applyFilterText(following.back);
            setFollowing(null);
          }}
          onClose={() => setFollowing(null)}
        />
      )}
      {menu && <ContextMenu x={menu.x} y={menu.y} items={menu.items} onClose={() => setMenu(null)} />}
      {dragging && <div className="drop-overlay">Drop a capture file to open it</div>}
    </div>
  );
}
