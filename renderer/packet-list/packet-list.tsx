// The packet list: ag-grid's infinite row model over the engine's view. The engine sorts
// (view.sort) and formats rows (view.rows); the grid only asks for the ranges on screen.
import {
  CellStyleModule,
  ColumnApiModule,
  createGrid,
  EventApiModule,
  InfiniteRowModelModule,
  ModuleRegistry,
  RenderApiModule,
  RowApiModule,
  RowSelectionModule,
  RowStyleModule,
  ScrollApiModule,
  themeBalham,
  type BodyScrollEvent,
  type CellFocusedEvent,
  type ColDef,
  type ColumnState,
  type GridApi,
  type IDatasource,
  type IGetRowsParams,
  type RowClassParams,
  type SuppressKeyboardEventParams,
} from 'ag-grid-community';
import {
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useMemo,
  useRef,
  type KeyboardEvent,
  type Ref,
} from 'react';
import type { ColumnId, Row, ViewState } from '../../app/protocol/messages.ts';
import type { EngineClient } from '../client/engine-client.ts';
import { LIST_BLOCK } from '../client/open.ts';
import { load, save } from '../app/settings.ts';
import { ruleFor, type ColouringRule } from './colouring.ts';
import { formatRowTime, type TimeFormat, type TimeRef } from './time-format.ts';

// Only what the packet list uses (the infinite row model, row classes, the APIs it calls): a
// smaller bundle starts sooner.
ModuleRegistry.registerModules([
  InfiniteRowModelModule,
  RowStyleModule,
  CellStyleModule,
  ColumnApiModule,
  RowApiModule,
  RowSelectionModule,
  ScrollApiModule,
  RenderApiModule,
  EventApiModule,
]);

export const COLUMN_IDS: readonly ColumnId[] = [
  'no',
  'time',
  'source',
  'destination',
  'protocol',
  'length',
  'info',
];

export const COLUMN_TITLES: Record<ColumnId, string> = {
  no: 'No.',
  time: 'Time',
  source: 'Source',
  destination: 'Destination',
  protocol: 'Protocol',
  length: 'Length',
  info: 'Info',
};

/** Rows per block the grid asks for (one view.rows request each). */
const BLOCK = LIST_BLOCK;

const gridTheme = themeBalham.withParams({
  backgroundColor: 'var(--list-bg)',
  foregroundColor: 'var(--fg)',
  headerBackgroundColor: 'var(--header-bg)',
  headerTextColor: 'var(--fg)',
  borderColor: 'var(--border)',
  accentColor: 'var(--accent)',
  selectedRowBackgroundColor: 'var(--sel-bg)',
  rowHoverColor: 'transparent',
  oddRowBackgroundColor: 'var(--list-bg)',
  fontFamily: 'var(--ui-font)',
  fontSize: 12,
  headerFontSize: 12,
  headerFontWeight: 600,
  rowHeight: 20,
  headerHeight: 24,
  cellHorizontalPadding: 6,
  wrapperBorder: false,
  wrapperBorderRadius: 0,
  rowBorder: false,
  columnBorder: false,
  headerColumnBorder: { color: 'var(--border)' },
});

export interface PacketListHandle {
  /** Scrolls to display row `row`, focuses and selects it. */
  goToRow(row: number): void;
  /** Moves the selection by `delta` rows (clamped). */
  moveBy(delta: number): void;
  setColumnVisible(id: ColumnId, visible: boolean): void;
  visibleColumns(): ColumnId[];
  focus(): void;
}

export interface PacketListProps {
  client: EngineClient;
  /** Changes when another file is opened or the file closed: the grid forgets its rows. */
  generation: number;
  view: ViewState | null;
  timeFormat: TimeFormat;
  timeRef: TimeRef;
  timeDigits: number;
  colouring: boolean;
  rules: readonly ColouringRule[];
  /**
   * The view's first block of rows, already asked for with file.open (null when that failed):
   * the grid's first request for rows 0.. (unsorted) of this generation takes it.
   */
  firstRows?: Promise<Row[] | null> | null;
  onSelect(row: number, frame: number): void;
  onError(err: unknown): void;
  onHeaderMenu(x: number, y: number): void;
  /** A live capture runs: new rows scroll into view while the user is at the bottom. */
  follow?: boolean;
  ref?: Ref<PacketListHandle>;
}

function sameSort(a: ViewState['sort'], b: ViewState['sort']): boolean {
  return a === b || (a !== null && b !== null && a.column === b.column && a.descending === b.descending);
}

function markSelected(api: GridApi<Row>, frame: number): void {
  const node = api.getRowNode(String(frame));
  if (node && !node.isSelected()) node.setSelected(true, true);
}

/** The last of `count` rows is in view (or nearly: within half a row). */
/** How long after the user's last wheel, key or pointer input a scroll counts as theirs (ms). */
const USER_SCROLL_MS = 1000;

function isAtBottom(api: GridApi<Row>, count: number): boolean {
  const rowHeight = api.getDisplayedRowAtIndex(0)?.rowHeight ?? 20;
  return api.getVerticalPixelRange().bottom >= count * rowHeight - rowHeight / 2;
}

function isColumnState(v: unknown): v is ColumnState[] {
  return (
    Array.isArray(v) && v.every((s) => typeof s === 'object' && s !== null && typeof s.colId === 'string')
  );
}

export function PacketList(props: PacketListProps) {
  const { client, generation, view, timeFormat, timeRef, timeDigits, colouring, rules, ref } = props;
  const firstRows = props.firstRows ?? null;
  const apiRef = useRef<GridApi<Row> | null>(null);
  const countRef = useRef(0);
  const partialBlockRef = useRef(false);
  // Following the tail is sticky: only the user's own scrolling (wheel, keys, the scrollbar) away
  // from the bottom stops it, and scrolling back there resumes it. The grid's scroll position
  // lags behind fast count updates, so it cannot be asked afresh each time.
  const stickyRef = useRef(true);
  const userInputAt = useRef(-Infinity);
  const appliedSortRef = useRef<ViewState['sort']>(null);
  const selectedFrameRef = useRef<number | null>(null);
  const scrollToRowRef = useRef<number | null>(null);
  const sortChainRef = useRef<Promise<unknown>>(Promise.resolve());
  const callbacks = useRef(props);
  callbacks.current = props;
  const timeRefs = useRef({ timeFormat, timeRef, timeDigits });
  timeRefs.current = { timeFormat, timeRef, timeDigits };
  const colourRefs = useRef({ colouring, rules });
  colourRefs.current = { colouring, rules };

  const columnDefs = useMemo<ColDef<Row>[]>(
    () => [
      { colId: 'no', field: 'number', headerName: 'No.', width: 72, type: 'rightAligned' },
      {
        colId: 'time',
        headerName: 'Time',
        width: 140,
        valueGetter: (p) => {
          if (!p.data) return '';
          const t = timeRefs.current;
          return formatRowTime(p.data, t.timeFormat, t.timeRef, t.timeDigits);
        },
      },
      { colId: 'source', field: 'source', headerName: 'Source', width: 160 },
      { colId: 'destination', field: 'destination', headerName: 'Destination', width: 160 },
      { colId: 'protocol', field: 'protocol', headerName: 'Protocol', width: 128 },
      { colId: 'length', field: 'length', headerName: 'Length', width: 78, type: 'rightAligned' },
      { colId: 'info', field: 'info', headerName: 'Info', flex: 1, minWidth: 200 },
    ],
    [],
  );

  // The engine sorts a whole index: not while a live capture still grows it.
  const sortable = props.follow !== true;
  const defaultColDef = useMemo<ColDef<Row>>(
    () => ({
      sortable,
      resizable: true,
      suppressMovable: false,
      sortingOrder: ['asc', 'desc', null],
      suppressKeyboardEvent: (p: SuppressKeyboardEventParams<Row>) =>
        !p.event.ctrlKey && (p.event.key === 'Home' || p.event.key === 'End'),
    }),
    [sortable],
  );

  const datasource = useMemo<IDatasource>(() => {
    const gen = generation;
    // Taken by the first unsorted request for the first block, once.
    let prefetched = firstRows;
    const fetchRows = async (start: number, end: number, sorted: boolean): Promise<Row[]> => {
      const pre = prefetched;
      prefetched = null;
      if (pre && start === 0 && end === BLOCK && !sorted) {
        const rows = await pre;
        // A short first block was read while the file had fewer packets than the view now knows
        // of: taken as it is, it would end the grid there. Ask again.
        if (rows && (rows.length === BLOCK || rows.length >= countRef.current)) return rows;
      }
      return client.request('view.rows', { start, end });
    };
    return {
      getRows: (params: IGetRowsParams<Row>) => {
        void (async () => {
          try {
            const item = params.sortModel[0];
            const wanted: ViewState['sort'] = item
              ? { column: item.colId as ColumnId, descending: item.sort === 'desc' }
              : null;
            if (!sameSort(wanted, appliedSortRef.current)) {
              // One sort at a time, in the order asked: blocks of one request share its promise.
              const sorted = sortChainRef.current.then(async () => {
                if (sameSort(wanted, appliedSortRef.current)) return;
                await client.request('view.sort', {
                  column: wanted?.column ?? null,
                  descending: wanted?.descending ?? false,
                });
                appliedSortRef.current = wanted;
                // Keep the selected packet in sight in its new place, as Wireshark does.
                const sel = selectedFrameRef.current;
                if (sel !== null) {
                  const { row } = await client.request('view.find', { number: sel });
                  if (row >= 0) scrollToRowRef.current = row;
                }
              });
              sortChainRef.current = sorted.catch(() => {});
              await sorted;
            }
            const rows = await fetchRows(params.startRow, params.endRow, appliedSortRef.current !== null);
            if (gen !== callbacks.current.generation) return params.failCallback();
            const asked = params.endRow - params.startRow;
            const partial = rows.length < asked;
            if (params.endRow >= countRef.current) partialBlockRef.current = partial;
            const lastRow = partial
              ? params.startRow + rows.length
              : Math.max(countRef.current, params.endRow);
            params.successCallback(rows, lastRow);
            // A row selected before its block arrived (Go to packet) is marked once it is here.
            const sel = selectedFrameRef.current;
            const api = apiRef.current;
            if (api && sel !== null && rows.some((r) => r.number === sel)) markSelected(api, sel);
            const scrollTo = scrollToRowRef.current;
            if (api && scrollTo !== null) {
              scrollToRowRef.current = null;
              api.ensureIndexVisible(scrollTo, 'middle');
            }
          } catch (err) {
            params.failCallback();
            if (gen === callbacks.current.generation) callbacks.current.onError(err);
          }
        })();
      },
    };
  }, [client, generation, firstRows]);

  const rootRef = useRef<HTMLDivElement | null>(null);
  const gridRef = useRef<HTMLDivElement | null>(null);
  /** The datasource the grid has now (given at its creation, or set since). */
  const gridDatasource = useRef<IDatasource | null>(null);

  // Rows get a class per rule; the colours are CSS variables so the dark theme can tone them down.
  const getRowClass = useCallback((p: RowClassParams<Row>): string | undefined => {
    const { colouring: on, rules: rs } = colourRefs.current;
    if (!on || !p.data) return undefined;
    const rule = ruleFor(p.data.hints, rs);
    return rule ? `rule rule-${rs.indexOf(rule)}` : undefined;
  }, []);

  // The grid is ag-grid's own DOM grid under a plain div (no React per row or cell: a scrolled-in
  // row costs only the grid's DOM work). Its handlers read the latest props through refs.
  const handlers = useRef({
    onCellFocused: (_e: CellFocusedEvent<Row>): void => {},
    onBodyScroll: (_e: BodyScrollEvent<Row>): void => {},
    saveColumns: (): void => {},
  });
  useLayoutEffect(() => {
    const host = gridRef.current;
    if (!host) return;
    gridDatasource.current = datasource;
    const api = createGrid<Row>(host, {
      theme: gridTheme,
      columnDefs,
      defaultColDef,
      rowModelType: 'infinite',
      datasource,
      cacheBlockSize: BLOCK,
      maxBlocksInCache: 50,
      maxConcurrentDatasourceRequests: 2,
      infiniteInitialRowCount: 1,
      blockLoadDebounceMillis: 30,
      // Rows drawn beyond the viewport: every one is DOM to build when a scrollbar drag or a page
      // key moves the list, so no more than ag-grid's default.
      rowBuffer: 10,
      rowSelection: { mode: 'singleRow', checkboxes: false, enableClickSelection: true },
      getRowId: (p) => String(p.data.number),
      getRowClass,
      suppressMultiSort: true,
      suppressDragLeaveHidesColumns: true,
      suppressCellFocus: false,
      // The theme's hover colour is transparent: no class changes on rows passing under the pointer.
      suppressRowHoverHighlight: true,
      onCellFocused: (e) => handlers.current.onCellFocused(e),
      onBodyScroll: (e) => handlers.current.onBodyScroll(e),
      onColumnMoved: () => handlers.current.saveColumns(),
      onColumnResized: (e) => e.finished && handlers.current.saveColumns(),
      onColumnVisible: () => handlers.current.saveColumns(),
    });
    const saved = load('columns', [], isColumnState);
    if (saved.length) api.applyColumnState({ state: saved, applyOrder: true });
    apiRef.current = api;
    return () => {
      apiRef.current = null;
      gridDatasource.current = null;
      api.destroy();
    };
    // The grid is made once; what changes later reaches it through the effects below.
  }, []);

  // Set once the mount's effects have run: until then the grid has what it was created with.
  const mounted = useRef(false);

  useEffect(() => {
    if (mounted.current) apiRef.current?.setGridOption('defaultColDef', defaultColDef);
  }, [defaultColDef]);

  // A new file: the engine's view starts unsorted, the grid's column sort is cleared.
  useEffect(() => {
    appliedSortRef.current = null;
    selectedFrameRef.current = null;
    countRef.current = 0;
    partialBlockRef.current = false;
    stickyRef.current = true;
    const api = apiRef.current;
    if (!api || gridDatasource.current === datasource) return;
    gridDatasource.current = datasource;
    api.applyColumnState({ defaultState: { sort: null } });
    api.setGridOption('datasource', datasource);
  }, [datasource]);

  // The engine's count grew (file loading) or changed (filter): tell the grid.
  const displayed = view?.displayed ?? 0;
  useEffect(() => {
    const api = apiRef.current;
    const before = countRef.current;
    countRef.current = displayed;
    // On mount the first block's answer gives the grid its count (countRef).
    if (!api || !mounted.current || displayed === before) return;
    const following = callbacks.current.follow === true && displayed > before && stickyRef.current;
    api.setRowCount(displayed, true);
    if (partialBlockRef.current || displayed < before) {
      partialBlockRef.current = false;
      api.refreshInfiniteCache();
    }
    if (following) api.ensureIndexVisible(displayed - 1, 'bottom');
  }, [displayed]);

  // A new display filter changes which packet each row shows; so does a sorted view that re-sorts
  // as the filter's matches stream in. (Unsorted, matches only append: loaded rows stay right.)
  const filter = view?.filter ?? '';
  const resorting = view?.filtering === true && view.sort !== null;
  // What the grid's rows were drawn with: a change refreshes them, the first render does not.
  const drawn = useRef({ filter, timeFormat, timeRef, timeDigits, colouring, rules });
  useEffect(() => {
    if (drawn.current.filter === filter) return;
    drawn.current.filter = filter;
    apiRef.current?.refreshInfiniteCache();
  }, [filter]);
  useEffect(() => {
    if (resorting) apiRef.current?.refreshInfiniteCache();
  }, [resorting, displayed]);

  useEffect(() => {
    const d = drawn.current;
    if (d.timeFormat === timeFormat && d.timeRef === timeRef && d.timeDigits === timeDigits) return;
    Object.assign(d, { timeFormat, timeRef, timeDigits });
    apiRef.current?.refreshCells({ columns: ['time'], force: true });
  }, [timeFormat, timeRef, timeDigits]);

  // A new time format gets a width that fits it (a saved width is kept until the format changes).
  const shownFormat = useRef(timeFormat);
  useEffect(() => {
    if (shownFormat.current === timeFormat) return;
    shownFormat.current = timeFormat;
    const wide = timeFormat === 'absolute' || timeFormat === 'utc';
    const width = (wide ? 150 : timeFormat === 'epoch' ? 120 : 80) + timeDigits * 7;
    apiRef.current?.setColumnWidths([{ key: 'time', newWidth: width }]);
  }, [timeFormat, timeDigits]);

  useEffect(() => {
    const d = drawn.current;
    if (d.colouring === colouring && d.rules === rules) return;
    Object.assign(d, { colouring, rules });
    apiRef.current?.redrawRows();
  }, [colouring, rules]);

  useEffect(() => {
    mounted.current = true;
  }, []);

  const selectRow = useCallback(async (row: number) => {
    const api = apiRef.current;
    if (!api) return;
    const node = api.getDisplayedRowAtIndex(row);
    let frame = node?.data?.number;
    if (frame === undefined) {
      // Not loaded yet (a jump to an unseen block): ask the engine which packet it is.
      const [r] = await callbacks.current.client.request('view.rows', { start: row, end: row + 1 });
      frame = r?.number;
    }
    if (frame === undefined) return;
    selectedFrameRef.current = frame;
    markSelected(api, frame);
    callbacks.current.onSelect(row, frame);
  }, []);

  /** Gives the browser's focus to the grid's focused cell once it is drawn (after a dialog or menu). */
  const focusCellElement = useCallback((row: number, col: string, tries = 10) => {
    requestAnimationFrame(() => {
      const el = rootRef.current?.querySelector<HTMLElement>(
        `.ag-row[row-index="${row}"] .ag-cell[col-id="${col}"]`,
      );
      if (el) el.focus({ preventScroll: true });
      else if (tries > 0) focusCellElement(row, col, tries - 1);
    });
  }, []);

  const goToRow = useCallback(
    (row: number) => {
      const api = apiRef.current;
      if (!api || countRef.current === 0) return;
      const r = Math.max(0, Math.min(row, countRef.current - 1));
      api.ensureIndexVisible(r, 'middle');
      const col = api.getFocusedCell()?.column.getColId() ?? 'no';
      api.setFocusedCell(r, col);
      if (!rootRef.current?.contains(document.activeElement)) focusCellElement(r, col);
    },
    [focusCellElement],
  );

  useImperativeHandle(
    ref,
    () => ({
      goToRow,
      moveBy: (delta) => goToRow((apiRef.current?.getFocusedCell()?.rowIndex ?? -1) + delta),
      setColumnVisible: (id, visible) => apiRef.current?.setColumnsVisible([id], visible),
      visibleColumns: () =>
        (apiRef.current?.getAllDisplayedColumns() ?? []).map((c) => c.getColId() as ColumnId),
      focus: () => {
        const api = apiRef.current;
        const cell = api?.getFocusedCell();
        if (api && cell) api.setFocusedCell(cell.rowIndex, cell.column);
        else goToRow(0);
      },
    }),
    [goToRow],
  );

  const saveColumns = useCallback(() => {
    const state = apiRef.current?.getColumnState();
    if (state)
      save(
        'columns',
        state.map(({ colId, width, hide, flex }) => ({ colId, width, hide, flex })),
      );
  }, []);

  handlers.current = {
    onBodyScroll: (e) => {
      if (e.direction !== 'vertical' || performance.now() - userInputAt.current > USER_SCROLL_MS) return;
      stickyRef.current = isAtBottom(e.api, countRef.current);
    },
    onCellFocused: (e) => {
      if (e.rowIndex === null || e.rowPinned) return;
      void selectRow(e.rowIndex).catch((err: unknown) => callbacks.current.onError(err));
    },
    saveColumns,
  };
  const noteUserInput = (): void => {
    userInputAt.current = performance.now();
  };
  const ruleCss = useMemo(
    () =>
      rules
        .map((r, i) => `.packet-list .rule-${i} { --rule-bg: ${r.background}; --rule-fg: ${r.foreground}; }`)
        .join('\n'),
    [rules],
  );

  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.ctrlKey || e.altKey || e.metaKey) return;
    if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      goToRow(e.key === 'Home' ? 0 : countRef.current - 1);
    }
  };

  return (
    <div
      className="packet-list"
      ref={rootRef}
      data-testid="packet-list"
      onKeyDown={(e) => {
        noteUserInput();
        onKeyDown(e);
      }}
      onWheel={noteUserInput}
      onPointerDown={noteUserInput}
      onContextMenu={(e) => {
        if ((e.target as HTMLElement).closest('.ag-header')) {
          e.preventDefault();
          callbacks.current.onHeaderMenu(e.clientX, e.clientY);
        }
      }}
    >
      <style>{ruleCss}</style>
      <div className="packet-grid" ref={gridRef} />
    </div>
  );
}
