/** Characters of a line kept for parsing (verb, header name, EHLO keyword, reply code). */
export const HEAD_MAX = 1024;

/** The partial line a direction is in: bounded, whatever the line length. */
export interface LineCursor {
  /** a line is open: bytes of it were seen without its LF */
  open: boolean;
  len: number;
  head: string;
}

export type LineCallback = (start: number, end: number, complete: boolean, continued: boolean, linePos: number, head: string, lineLen: number) => void;

/**
 * Splits `buf` (from `from` to `to`) at LFs, continuing the cursor's partial line; calls `each`
 * per line piece (offsets in `buf`) and advances the cursor.
 */
export function splitLines(buf: Buffer, cur: LineCursor, each: LineCallback, from = 0, to = buf.length): void {
  let start = from;
  while (start < to) {
    const nl = buf.indexOf(0x0a, start);
    const lf = nl >= to ? -1 : nl;
    const complete = lf >= 0;
    const end = complete ? lf + 1 : to;
    const continued = cur.open;
    const linePos = cur.len;
    let bodyEnd = complete ? lf : end;
    if (complete && bodyEnd > start && buf[bodyEnd - 1] === 0x0d) bodyEnd--;
    // (allocation-light: a flood of short lines must stay cheap)
    const part = bodyEnd > start ? buf.toString('latin1', start, Math.min(bodyEnd, start + HEAD_MAX)) : '';
    const head = cur.head === '' ? part : cur.head.length < HEAD_MAX ? (cur.head + part).slice(0, HEAD_MAX) : cur.head;
    // a trailing CR without LF is not counted as line content
    const contentEnd = !complete && buf[end - 1] === 0x0d ? end - 1 : bodyEnd;
    const lineLen = cur.len + Math.max(0, contentEnd - start);
    each(start, end, complete, continued, linePos, head.charCodeAt(head.length - 1) === 0x0d ? head.slice(0, -1) : head, lineLen);
    cur.open = !complete;
    cur.len = complete ? 0 : lineLen;
    cur.head = complete ? '' : head;
    start = end;
  }
}

/**
 * Advances `cur` over `buf` as `splitLines` would, touching only the last line: O(1) calls
 * whatever the number of lines (message body segments).
 */
export function skipLines(buf: Buffer, cur: LineCursor): void {
  const lf = buf.lastIndexOf(0x0a);
  if (lf < 0) return splitLines(buf, cur, ignore);
  cur.open = false;
  cur.len = 0;
  cur.head = '';
  if (lf + 1 < buf.length) splitLines(buf, cur, ignore, lf + 1);
}

function ignore(): void {}
