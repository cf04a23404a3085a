// The protocol tree: one row per TreeNodeDto (labels from the engine), expandable, keyboard
// navigable as Wireshark's (arrows, Left/Right collapse and expand), linked to the hex view.
import { useEffect, useRef, type KeyboardEvent, type MouseEvent, type Ref } from 'react';
import type { TreeNodeDto } from '../../app/protocol/messages.ts';
import { expandKey, type NodePath } from './tree-model.ts';

export interface ProtocolTreeProps {
  tree: readonly TreeNodeDto[];
  expanded: ReadonlySet<string>;
  selected: NodePath | null;
  onSelect(path: NodePath): void;
  onToggle(node: TreeNodeDto, open: boolean): void;
  onContextMenu(path: NodePath, x: number, y: number): void;
  ref?: Ref<HTMLDivElement>;
}

interface Visible {
  node: TreeNodeDto;
  path: NodePath;
  depth: number;
  open: boolean;
}

function visibleNodes(tree: readonly TreeNodeDto[], expanded: ReadonlySet<string>): Visible[] {
  const out: Visible[] = [];
  const walk = (nodes: readonly TreeNodeDto[], prefix: string, depth: number): void => {
    nodes.forEach((node, i) => {
      const path = prefix + i;
      const open = !!node.children?.length && expanded.has(expandKey(node));
      out.push({ node, path, depth, open });
      if (open && node.children) walk(node.children, path + '.', depth + 1);
    });
  };
  walk(tree, '', 0);
  return out;
}

export function ProtocolTree(props: ProtocolTreeProps) {
  const { tree, expanded, selected, onSelect, onToggle, onContextMenu, ref } = props;
  const rows = visibleNodes(tree, expanded);
  const listRef = useRef<HTMLDivElement | null>(null);

  useEffect(() => {
    if (selected === null) return;
    const el = listRef.current?.querySelector(`[data-path="${selected}"]`);
    el?.scrollIntoView({ block: 'nearest' });
  }, [selected, tree]);

  const onKeyDown = (e: KeyboardEvent): void => {
    const at = rows.findIndex((r) => r.path === selected);
    const cur = rows[at];
    const go = (i: number): void => {
      const r = rows[Math.max(0, Math.min(i, rows.length - 1))];
      if (r) onSelect(r.path);
    };
    switch (e.key) {
      case 'ArrowDown':
        go(at + 1);
        break;
      case 'ArrowUp':
        go(at < 0 ? 0 : at - 1);
        break;
      case 'Home':
        go(0);
        break;
      case 'End':
        go(rows.length - 1);
        break;
      case 'ArrowRight':
        if (!cur?.node.children?.length || e.ctrlKey) return;
        if (!cur.open) onToggle(cur.node, true);
        else go(at + 1);
        break;
      case 'ArrowLeft':
        if (!cur || e.ctrlKey) return;
        if (cur.open) onToggle(cur.node, false);
        else if (cur.path.includes('.')) onSelect(cur.path.slice(0, cur.path.lastIndexOf('.')));
        break;
      case 'Enter':
      case ' ':
        if (cur?.node.children?.length) onToggle(cur.node, !cur.open);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const click = (e: MouseEvent, r: Visible): void => {
    onSelect(r.path);
    const onToggler = (e.target as HTMLElement).classList.contains('twisty');
    if (onToggler && r.node.children?.length) onToggle(r.node, !r.open);
  };

  return (
    <div
      className="protocol-tree"
      role="tree"
      tabIndex={0}
      data-testid="protocol-tree"
      onKeyDown={onKeyDown}
      ref={(el) => {
        listRef.current = el;
        if (typeof ref === 'function') ref(el);
        else if (ref) ref.current = el;
      }}
    >
      {rows.map((r) => (
        <div
          key={r.path}
          role="treeitem"
          aria-level={r.depth + 1}
          aria-expanded={r.node.children?.length ? r.open : undefined}
          aria-selected={r.path === selected}
          className={
            'tree-row' + (r.path === selected ? ' selected' : '') + (r.node.malformed ? ' malformed' : '')
          }
          style={{ paddingLeft: 4 + r.depth * 16 }}
          data-path={r.path}
          data-field={r.node.field}
          data-offset={r.node.offset}
          data-length={r.node.length}
          title={
            r.node.field ? `${r.node.field}${r.node.length ? ` (${r.node.length} bytes)` : ''}` : undefined
          }
          onMouseDown={(e) => click(e, r)}
          onDoubleClick={() => r.node.children?.length && onToggle(r.node, !r.open)}
          onContextMenu={(e) => {
            e.preventDefault();
            onSelect(r.path);
            onContextMenu(r.path, e.clientX, e.clientY);
          }}
        >
          <span className="twisty">{r.node.children?.length ? (r.open ? '▾' : '▸') : ''}</span>
          <span className="label">{r.node.label}</span>
        </div>
      ))}
    </div>
  );
}
