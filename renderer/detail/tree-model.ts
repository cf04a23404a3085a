// Paths into a FrameDetail's tree ("0.3.1": root 0, its child 3, its child 1), and the link
// between bytes and fields the hex view and the tree share.
import type { TreeNodeDto } from '../../app/protocol/messages.ts';

export type NodePath = string;

export function nodeAt(tree: readonly TreeNodeDto[], path: NodePath): TreeNodeDto | undefined {
  let nodes: readonly TreeNodeDto[] | undefined = tree;
  let node: TreeNodeDto | undefined;
  for (const part of path.split('.')) {
    node = nodes?.[Number(part)];
    if (!node) return undefined;
    nodes = node.children;
  }
  return node;
}

/** The paths of a node's ancestors, outermost first ("0.3.1" → ["0", "0.3"]). */
export function ancestorsOf(path: NodePath): NodePath[] {
  const parts = path.split('.');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('.'));
}

/** The key under which a node's expanded state is remembered across packets (as Wireshark does per subtree). */
export function expandKey(node: TreeNodeDto): string {
  return node.field ?? 'label:' + node.label.replace(/[:(].*$/, '');
}

/** Every node with children, depth first. */
export function* expandableNodes(
  tree: readonly TreeNodeDto[],
  prefix = '',
): Generator<{ node: TreeNodeDto; path: NodePath }> {
  for (let i = 0; i < tree.length; i++) {
    const node = tree[i] as TreeNodeDto;
    const path = prefix + i;
    if (node.children?.length) {
      yield { node, path };
      yield* expandableNodes(node.children, path + '.');
    }
  }
}

/**
 * The innermost node of data source `source` whose bytes cover `offset`: the shortest covering
 * node, and of equally short ones the first depth first (a flags byte selects the flags field,
 * not its first bit).
 */
export function innermostAt(tree: readonly TreeNodeDto[], source: number, offset: number): NodePath | null {
  let best: NodePath | null = null;
  let bestLength = Infinity;
  const visit = (nodes: readonly TreeNodeDto[], prefix: string): void => {
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i] as TreeNodeDto;
      const covers =
        n.source === source && n.length > 0 && offset >= n.offset && offset < n.offset + n.length;
      if (covers && n.length < bestLength) {
        best = prefix + i;
        bestLength = n.length;
      }
      if (n.children) visit(n.children, prefix + i + '.');
    }
  };
  visit(tree, '');
  return best;
}

/** The first node (depth first) with filter name `field`. */
export function findField(tree: readonly TreeNodeDto[], field: string, prefix = ''): NodePath | null {
  for (let i = 0; i < tree.length; i++) {
    const n = tree[i] as TreeNodeDto;
    if (n.field === field) return prefix + i;
    const inner = n.children ? findField(n.children, field, prefix + i + '.') : null;
    if (inner) return inner;
  }
  return null;
}

/** `field == value` as a display filter, quoting values that are not a plain token. */
export function filterExpression(node: TreeNodeDto): string | null {
  if (!node.field) return null;
  if (node.value === undefined) return node.field;
  const v = node.value;
  const plain = /^[\w.:/-]+$/.test(v) && v !== '';
  return `${node.field} == ${plain ? v : JSON.stringify(v)}`;
}
