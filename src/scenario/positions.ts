import { isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node } from 'yaml';

export interface Position {
  line: number;
  col: number;
}

/** Finds where a dotted path lives in a parsed YAML document (the deepest existing node). */
export class PositionIndex {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Position of the value at `path`, or of its key with `{ key: true }`. */
  at(path: readonly PropertyKey[], opts: { key?: boolean } = {}): Position {
    let node: unknown = this.doc.contents;
    let best: number = rangeStart(node) ?? 0;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        const keyStart = rangeStart(pair.key);
        if (opts.key && seg === path[path.length - 1] && keyStart !== undefined) {
          best = keyStart;
          node = undefined;
          break;
        }
        node = pair.value ?? pair.key;
      } else if (isSeq(node) && typeof seg === 'number') {
        node = node.items[seg];
        if (node === undefined) break;
      } else break;
      best = rangeStart(node) ?? best;
    }
    return this.pos(best);
  }

  /** The node at `path`, if present. */
  node(path: readonly PropertyKey[]): Node | undefined {
    const n = this.doc.getIn(path as PropertyKey[] as unknown[], true);
    return n && typeof n === 'object' ? (n as Node) : undefined;
  }

  pos(offset: number): Position {
    const p = this.lines.linePos(offset);
    return { line: p.line, col: p.col };
  }
}

function rangeStart(node: unknown): number | undefined {
  const r = (node as { range?: [number, number, number] } | undefined)?.range;
  return r ? r[0] : undefined;
}
