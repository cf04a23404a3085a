// Protocol Hierarchy Statistics (tshark's -z io,phs): frames and bytes per path of top-level
// protocols in the tree, each protocol's children in the order first seen.

export interface PhsNode {
  name: string;
  frames: number;
  bytes: number;
  children: PhsNode[];
}

export class ProtocolHierarchy {
  readonly roots: PhsNode[] = [];

  /** One frame of `bytes` bytes whose tree has these top-level protocols, outermost first. */
  add(protocols: readonly string[], bytes: number): void {
    let level = this.roots;
    for (const name of protocols) {
      let node = level.find((n) => n.name === name);
      if (!node) {
        node = { name, frames: 0, bytes: 0, children: [] };
        level.push(node);
      }
      node.frames++;
      node.bytes += bytes;
      level = node.children;
    }
  }
}
