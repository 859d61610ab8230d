import type { Piece } from './types.js';

/** Characters of a line kept for parsing (verb, header name, EHLO keyword, reply code). */
export const HEAD_MAX = 1024;
/** Commands awaiting a reply that are remembered (pipelining, up to twice this); older ones are forgotten. */
const PENDING_MAX = 256;

export type Phase = 'banner' | 'command' | 'data' | 'tls-passthrough';

/** The partial line a direction is in: bounded, whatever the line length. */
export interface LineCursor {
  /** a line is open: bytes of it were seen without its LF */
  open: boolean;
  len: number;
  head: string;
}

/**
 * Per-connection SMTP state the engine derives from the segments. Small and bounded:
 * the message itself is never kept.
 */
export interface SmtpState {
  phase: Phase;
  client: LineCursor;
  server: LineCursor;
  /** commands forwarded and not yet answered, oldest first */
  pending: string[];
  /** unanswered commands older than `pending` that were forgotten (bounded memory); their replies come first */
  forgotten: number;
  lastClientVerb?: string;
  /** the server reply in progress: the command it answers and the lines seen so far */
  reply?: { to: string; lines: number };
  /** inside DATA: still in the header section; lines so far */
  data: { header: boolean; lines: number };
  /** RCPT commands in the current transaction */
  rcptCount: number;
}

export function initialSmtpState(): SmtpState {
  return {
    phase: 'banner',
    client: { open: false, len: 0, head: '' },
    server: { open: false, len: 0, head: '' },
    pending: [],
    forgotten: 0,
    data: { header: true, lines: 0 },
    rcptCount: 0,
  };
}

function clone(s: SmtpState): SmtpState {
  return {
    ...s,
    client: { ...s.client },
    server: { ...s.server },
    pending: [...s.pending],
    reply: s.reply && { ...s.reply },
    data: { ...s.data },
  };
}

/** Splits `buf` at LFs, continuing the cursor's partial line; calls `each` per line piece. */
function splitLines(
  buf: Buffer,
  cur: LineCursor,
  each: (start: number, end: number, complete: boolean, continued: boolean, linePos: number, head: string, lineLen: number) => void,
): void {
  let start = 0;
  while (start < buf.length) {
    const lf = buf.indexOf(0x0a, start);
    const complete = lf >= 0;
    const end = complete ? lf + 1 : buf.length;
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

function verbOf(head: string): string {
  let i = 0;
  while (i < head.length && isSpace(head.charCodeAt(i))) i++;
  let j = i;
  while (j < head.length && !isSpace(head.charCodeAt(j)) && head.charCodeAt(j) !== 0x3a) j++;
  return j > i ? head.slice(i, j).toUpperCase() : '';
}

/** what `\s` matches in the latin1 range */
function isSpace(c: number): boolean {
  return (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0xa0;
}

/** Client bytes: command lines, or message lines while in DATA. Returns pieces and the next state. */
export function analyzeClient(state: SmtpState, buf: Buffer): { pieces: Piece[]; next: SmtpState } {
  const next = clone(state);
  const pieces: Piece[] = [];
  if (next.phase === 'tls-passthrough') {
    if (buf.length) pieces.push({ kind: 'opaque', start: 0, end: buf.length, complete: false, continued: false, linePos: 0, head: '', lineLen: 0 });
    return { pieces, next };
  }
  splitLines(buf, next.client, (start, end, complete, continued, linePos, head, lineLen) => {
    if (next.phase === 'data') {
      const isEod = head === '.' && lineLen === 1;
      if (complete && isEod) {
        pieces.push({ kind: 'eod', start, end, complete, continued, linePos, head, lineLen });
        next.phase = 'command';
        next.data = { header: true, lines: 0 };
        next.rcptCount = 0;
        pushPending(next, 'EOD');
        return;
      }
      const header = next.data.header;
      pieces.push({ kind: 'data', start, end, complete, continued, linePos, head, lineLen, header });
      if (complete) {
        next.data.lines++;
        if (header && lineLen === 0) next.data.header = false;
      }
      return;
    }
    const verb = verbOf(head);
    if (complete) {
      if (verb === 'RCPT') next.rcptCount++;
      else if (verb === 'MAIL' || verb === 'RSET' || verb === 'HELO' || verb === 'EHLO') next.rcptCount = 0;
      next.lastClientVerb = verb;
      pushPending(next, verb);
    }
    pieces.push({ kind: 'command', start, end, complete, continued, linePos, head, lineLen, verb, rcptCount: next.rcptCount });
  });
  return { pieces, next };
}

function pushPending(s: SmtpState, verb: string): void {
  s.pending.push(verb);
  if (s.pending.length > 2 * PENDING_MAX) {
    // forget the older half at once (amortised O(1) per command, even for a flood)
    s.pending.splice(0, PENDING_MAX);
    s.forgotten += PENDING_MAX;
  }
}

/** Server bytes: reply lines, attributed to the command they answer. */
export function analyzeServer(state: SmtpState, buf: Buffer): { pieces: Piece[]; next: SmtpState } {
  const next = clone(state);
  const pieces: Piece[] = [];
  if (next.phase === 'tls-passthrough') {
    if (buf.length) pieces.push({ kind: 'opaque', start: 0, end: buf.length, complete: false, continued: false, linePos: 0, head: '', lineLen: 0 });
    return { pieces, next };
  }
  splitLines(buf, next.server, (start, end, complete, continued, linePos, head, lineLen) => {
    if (!next.reply) {
      // replies keep their order: the forgotten commands are answered before the remembered ones
      const to = next.phase === 'banner' ? 'BANNER' : next.forgotten > 0 ? (next.forgotten--, 'FORGOTTEN') : (next.pending.shift() ?? 'UNSOLICITED');
      next.reply = { to, lines: 0 };
    }
    const m = /^(\d{3})([ -]|$)/.exec(head);
    const code = m?.[1];
    const final = complete && (!m || m[2] !== '-');
    pieces.push({ kind: 'reply', start, end, complete, continued, linePos, head, lineLen, replyTo: next.reply.to, lineIndex: next.reply.lines, code, final });
    if (!complete) return;
    next.reply.lines++;
    if (!final) return;
    const to = next.reply.to;
    next.reply = undefined;
    if (to === 'BANNER') next.phase = 'command';
    else if (to === 'DATA' && code === '354') {
      next.phase = 'data';
      next.data = { header: true, lines: 0 };
    } else if (to === 'STARTTLS' && code === '220') next.phase = 'tls-passthrough';
  });
  return { pieces, next };
}
