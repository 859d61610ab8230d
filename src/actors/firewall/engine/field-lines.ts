import type { BodyView } from './body-view.js';
import type { Segment } from './types.js';

const COLON = 0x3a;
const LF = 0x0a;

/** `d[s…]` starts with `name` (lower case latin1), any case. */
function startsWithName(d: Buffer, s: number, name: Buffer): boolean {
  if (s + name.length > d.length) return false;
  for (let k = 0; k < name.length; k++) if ((d[s + k] | 0x20) !== name[k]) return false;
  return true;
}

/**
 * Heads of the complete body pieces that may be a `<name>:` line: the first piece when it
 * continues a line (its head holds the line from its start, whatever the segments), then lines
 * that start with the name and hold a `:` here. No piece per line.
 */
function* inBody(b: BodyView, name: Buffer): Generator<string> {
  // a body without MIME structure (`Piece.mime`) holds no MIME header
  if (!b.mime) return;
  const d = b.data;
  if (b.continued) {
    const p = b.pieceAt(0);
    if (p.complete) yield p.head;
  }
  for (let i = d.indexOf(COLON, b.continued ? b.secondLine : 0); i >= 0; ) {
    const s = b.lineStart(i);
    if (startsWithName(d, s, name)) {
      const p = b.pieceAt(s);
      if (p.complete) yield p.head;
    }
    const lf = d.indexOf(LF, i);
    if (lf < 0) break;
    i = d.indexOf(COLON, lf + 1);
  }
}

/**
 * Heads of the message lines (headers; body lines of a message whose header declared a MIME
 * structure, where part headers are) that complete in this segment and may be the field `name` (lower case): a line split across segments is seen once,
 * whole (up to `HEAD_MAX`), in the segment holding its LF. Callers test the head with a regex.
 */
export function fieldLineHeads(seg: Segment, name: Buffer): Iterable<string> {
  if (seg.body) return inBody(seg.body, name);
  return seg.pieces.filter((p) => p.kind === 'data' && p.complete && (p.header || p.mime)).map((p) => p.head);
}
