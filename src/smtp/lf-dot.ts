const LF_DOT = Buffer.from('\n.');
const DOT = 0x2e;

/**
 * Offset of the next `\n.` in `buf` at or after `from` (the LF's offset), or -1: where a line
 * starting with a dot (the end of data, or a dot-stuffed line) can be. A dot is looked for
 * first, so a chunk without any (a base64 attachment) is cleared by one memchr instead of a
 * stop at every LF.
 */
export function nextLfDot(buf: Buffer, from = 0): number {
  const dot = buf.indexOf(DOT, from + 1);
  return dot < 0 ? -1 : buf.indexOf(LF_DOT, dot - 1);
}
