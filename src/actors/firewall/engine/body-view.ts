import { splitLines, type LineCursor } from './lines.js';
import type { Piece } from './types.js';

const LF = 0x0a;

/**
 * A segment that holds only message body lines (DATA after the header section, no end of data),
 * read without a `Piece` per line: rules find what they look for with byte searches on `data`
 * and build only the pieces they report. Every piece it returns equals the one `seg.pieces`
 * holds at that offset.
 */
export class BodyView {
  /** offset where the second piece starts (after the first LF), or `data.length` when there is one piece */
  readonly secondLine: number;

  constructor(
    readonly data: Buffer,
    /** the client's line cursor before this segment */
    private readonly cursor: Readonly<LineCursor>,
  ) {
    const lf = data.indexOf(LF);
    this.secondLine = lf < 0 ? data.length : lf + 1;
  }

  /** The first piece continues a line begun in an earlier segment. */
  get continued(): boolean {
    return this.cursor.open;
  }

  /** Start of the piece holding byte `i`. */
  lineStart(i: number): number {
    return i < this.secondLine ? 0 : this.data.lastIndexOf(LF, i - 1) + 1;
  }

  /** The piece holding byte `i`, as `seg.pieces` has it. */
  pieceAt(i: number): Piece {
    const s = this.lineStart(i);
    const lf = this.data.indexOf(LF, i);
    const e = lf < 0 ? this.data.length : lf + 1;
    const cur: LineCursor = s === 0 ? { ...this.cursor } : { open: false, len: 0, head: '' };
    let piece: Piece | undefined;
    splitLines(this.data.subarray(s, e), cur, (start, end, complete, continued, linePos, head, lineLen) => {
      piece = { kind: 'data', start: s + start, end: s + end, complete, continued, linePos, head, lineLen, header: false };
    });
    return piece!;
  }

  /**
   * The first piece, from the one holding `from` on, whose `lineLen` exceeds `gt` (octets so far,
   * CR/LF excluded). Jumps about `gt` bytes per step: cost is independent of the line count.
   */
  firstLongLine(gt: number, from = 0): Piece | undefined {
    const d = this.data;
    if (from >= d.length) return undefined;
    let s = this.lineStart(from);
    while (s < d.length) {
      const base = s === 0 && this.cursor.open ? this.cursor.len : 0;
      const room = gt - base; // content bytes this piece may hold without exceeding gt
      if (room < 0) return this.pieceAt(s);
      const lim = s + room;
      if (lim >= d.length) {
        // the rest of the segment is too short for a long line, unless it ends without LF
        return undefined;
      }
      const lf = d.lastIndexOf(LF, lim);
      if (lf >= s) {
        // every piece that ends at or before `lf` holds at most `room` content bytes
        s = lf + 1;
        continue;
      }
      // no LF in [s, lim]: the piece from `s` holds more than `room` bytes, CR aside
      const p = this.pieceAt(s);
      if (p.lineLen > gt) return p;
      s = p.end;
    }
    return undefined;
  }
}
