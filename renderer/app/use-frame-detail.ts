// The selected packet and what the window shows of it: its detail (asked of the engine), the
// selected tree node, the expanded subtrees (remembered across packets and sessions), and the
// byte source the hex view shows.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { FrameDetail, TreeNodeDto } from '../../app/protocol/messages.ts';
import type { EngineClient } from '../client/engine-client.ts';
import {
  ancestorsOf,
  expandableNodes,
  expandKey,
  findField,
  innermostAt,
  nodeAt,
  type NodePath,
} from '../detail/tree-model.ts';
import { load, save } from './settings.ts';

/** A selection that moves again within this (ms) is still moving: its detail waits. */
const DETAIL_SETTLE_MS = 80;

export interface Selection {
  row: number;
  frame: number;
}

export interface FrameDetailState {
  selected: Selection | null;
  select(selection: Selection): void;
  /** Forgets the selection and its detail (another file, or none). */
  clear(): void;
  detail: FrameDetail | null;
  /** The protocols of the selected packet's tree (what Follow can follow). */
  layers: ReadonlySet<string>;
  selectedPath: NodePath | null;
  expanded: ReadonlySet<string>;
  source: number;
  setSource(source: number): void;
  /** The bytes of the shown source, and the selected field's span in them. */
  bytes: Uint8Array | null;
  highlight: { offset: number; length: number } | null;
  selectNode(path: NodePath): void;
  toggleNode(node: TreeNodeDto, open: boolean): void;
  expandAll(under?: NodePath): void;
  collapseAll(under?: NodePath): void;
  selectByte(offset: number): void;
}

function isStrings(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

export function useFrameDetail(client: EngineClient, notifyError: (err: unknown) => void): FrameDetailState {
  const [selected, setSelected] = useState<Selection | null>(null);
  const [detail, setDetail] = useState<FrameDetail | null>(null);
  const [selectedPath, setSelectedPath] = useState<NodePath | null>(null);
  const [source, setSource] = useState(0);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(
    () => new Set(load('expanded', [], isStrings)),
  );
  const detailSeq = useRef(0);
  const lastSelection = useRef(-Infinity);
  /** The field selected in the tree, re-selected when another packet is shown (as Wireshark does). */
  const selectedField = useRef<string | null>(null);
  const layers = useMemo(() => new Set((detail?.tree ?? []).flatMap((n) => n.field ?? [])), [detail]);

  // The detail of the selected packet; stale answers are dropped. While the selection moves fast
  // (a held arrow or PageDown key) the request waits for the key to rest, so the list scrolls
  // without redrawing the tree and the bytes for every row passed.
  useEffect(() => {
    if (!selected) return;
    const seq = ++detailSeq.current;
    const now = performance.now();
    const moving = now - lastSelection.current < DETAIL_SETTLE_MS;
    lastSelection.current = now;
    const timer = setTimeout(
      () =>
        client.request('frame.detail', { number: selected.frame }).then(
          (d) => {
            if (seq !== detailSeq.current) return;
            setDetail(d);
            setSource(0);
            setSelectedPath(selectedField.current ? findField(d.tree, selectedField.current) : null);
          },
          (err: unknown) => seq === detailSeq.current && notifyError(err),
        ),
      moving ? DETAIL_SETTLE_MS : 0,
    );
    return () => clearTimeout(timer);
  }, [client, selected, notifyError]);

  const clear = useCallback(() => {
    setSelected(null);
    setDetail(null);
    setSelectedPath(null);
  }, []);

  const selectNode = useCallback(
    (path: NodePath) => {
      setSelectedPath(path);
      const node = detail && nodeAt(detail.tree, path);
      selectedField.current = node?.field ?? null;
      if (node && node.source !== source) setSource(node.source);
    },
    [detail, source],
  );

  const setExpandedSaved = useCallback((next: ReadonlySet<string>) => {
    setExpanded(next);
    save('expanded', [...next]);
  }, []);

  const toggleNode = useCallback(
    (node: TreeNodeDto, open: boolean) => {
      const next = new Set(expanded);
      if (open) next.add(expandKey(node));
      else next.delete(expandKey(node));
      setExpandedSaved(next);
    },
    [expanded, setExpandedSaved],
  );

  const expandAll = useCallback(
    (under?: NodePath) => {
      if (!detail) return;
      const base = under ? nodeAt(detail.tree, under) : undefined;
      const roots = base ? [base] : detail.tree;
      const next = new Set(expanded);
      for (const { node } of expandableNodes(roots)) next.add(expandKey(node));
      setExpandedSaved(next);
    },
    [detail, expanded, setExpandedSaved],
  );

  const collapseAll = useCallback(
    (under?: NodePath) => {
      if (!under || !detail) return setExpandedSaved(new Set());
      const base = nodeAt(detail.tree, under);
      const next = new Set(expanded);
      if (base) for (const { node } of expandableNodes([base])) next.delete(expandKey(node));
      setExpandedSaved(next);
    },
    [detail, expanded, setExpandedSaved],
  );

  /** A click on a byte selects the innermost field covering it, its subtrees opened to show it. */
  const selectByte = useCallback(
    (offset: number) => {
      if (!detail) return;
      const path = innermostAt(detail.tree, source, offset);
      if (path === null) return;
      const next = new Set(expanded);
      for (const a of ancestorsOf(path)) {
        const n = nodeAt(detail.tree, a);
        if (n) next.add(expandKey(n));
      }
      if (next.size !== expanded.size) setExpandedSaved(next);
      selectNode(path);
    },
    [detail, source, expanded, setExpandedSaved, selectNode],
  );

  const selectedNode = detail && selectedPath !== null ? nodeAt(detail.tree, selectedPath) : undefined;
  return {
    selected,
    select: setSelected,
    clear,
    detail,
    layers,
    selectedPath,
    expanded,
    source,
    setSource,
    bytes: detail?.sources[source]?.bytes ?? detail?.sources[0]?.bytes ?? null,
    highlight:
      selectedNode && selectedNode.source === source && selectedNode.length > 0
        ? { offset: selectedNode.offset, length: selectedNode.length }
        : null,
    selectNode,
    toggleNode,
    expandAll,
    collapseAll,
    selectByte,
  };
}
