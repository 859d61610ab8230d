import { splitLines, type LineCursor } from './lines.js';
import type { Piece } from './types.js';

const LF = 0x0a;
const EMPTY = Buffer.alloc(0);

/**
 * A segment that holds only message body lines (DATA after the header section, no end of data),
 * read without a `Piece` per line: rules find what they look for with byte searches on `data`
 * and build only the pieces they report. Every piece it returns equals the one `seg.pieces`
 * holds at that offset.
 */
export class BodyView {
  /** offset where the second piece starts (after the first LF), or `data.length` when there is one piece */
  readonly secondLine: number;
  private all: Piece[] | undefined;

  constructor(
    /** the segment's bytes (empty once the engine is done with the segment) */
    public data: Buffer,
    /** the client's line cursor before this segment */
    private readonly cursor: Readonly<LineCursor>,
    /** the message may hold MIME part headers in its body (`Piece.mime`) */
    readonly mime = false,
  ) {
    const lf = data.indexOf(LF);
    this.secondLine = lf < 0 ? data.length : lf + 1;
  }

  /** Every piece, one per line (what `seg.pieces` holds): built on first call. */
  pieces(): Piece[] {
    if (this.all) return this.all;
    const all: Piece[] = [];
    splitLines(this.data, { ...this.cursor }, (start, end, complete, continued, linePos, head, lineLen) => {
      all.push({ kind: 'data', start, end, complete, continued, linePos, head, lineLen, header: false, mime: this.mime });
    });
    return (this.all = all);
  }

  /**
   * Drops the reference to the segment's bytes. The engine calls it when the segment is done:
   * measured, a 64 KB socket read still referenced from such a per-segment object is often
   * promoted by the next scavenge and freed only by a full GC, which let RSS climb by ~40 MB
   * more during a 100 MB message and cost throughput (GC threads).
   */
  release(): void {
    this.data = EMPTY;
    this.all = undefined;
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
    splitLines(this.data, cur, (start, end, complete, continued, linePos, head, lineLen) => {
      piece = { kind: 'data', start, end, complete, continued, linePos, head, lineLen, header: false, mime: this.mime };
    }, s, e);
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
      // the last LF at or before `lim` (memrchr: measured faster than a byte or word loop in JS)
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
