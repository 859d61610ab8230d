import { nextLfDot } from '../../../smtp/lf-dot.js';
import { BodyView } from './body-view.js';
import { skipLines, splitLines, type LineCursor } from './lines.js';
import type { Piece } from './types.js';

export { HEAD_MAX, type LineCursor } from './lines.js';

/** Commands awaiting a reply that are remembered (pipelining, up to twice this); older ones are forgotten. */
const PENDING_MAX = 256;
const LF = 0x0a;
const CR = 0x0d;
const DOT = 0x2e;

/**
 * A header line that gives the body a MIME structure (part headers inside it): a multipart or
 * message type, or a Content-Type whose value is not on its first line (folded: read as possibly so).
 */
const MIME_STRUCTURE = /^content-type\s*:\s*(?:(?:multipart|message)\/|$)/i;

export type Phase = 'banner' | 'command' | 'data' | 'tls-passthrough';

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
  /**
   * inside DATA: still in the header section; header lines so far (body lines are read in bulk, not
   * counted); the header declared a MIME structure (see `Piece.mime`)
   */
  data: { header: boolean; lines: number; mime: boolean };
  /** RCPT commands in the current transaction */
  rcptCount: number;
}

/** The DATA state at the start of a message: in its header section, nothing seen. */
function newMessage(): SmtpState['data'] {
  return { header: true, lines: 0, mime: false };
}

export function initialSmtpState(): SmtpState {
  return {
    phase: 'banner',
    client: { open: false, len: 0, head: '' },
    server: { open: false, len: 0, head: '' },
    pending: [],
    forgotten: 0,
    data: newMessage(),
    rcptCount: 0,
  };
}

function clone(s: SmtpState): SmtpState {
  // (field by field: a spread of these objects measured ~4 µs per segment)
  const next: SmtpState = {
    phase: s.phase,
    client: { open: s.client.open, len: s.client.len, head: s.client.head },
    server: { open: s.server.open, len: s.server.len, head: s.server.head },
    pending: s.pending.slice(),
    forgotten: s.forgotten,
    reply: s.reply && { to: s.reply.to, lines: s.reply.lines },
    data: { header: s.data.header, lines: s.data.lines, mime: s.data.mime },
    rcptCount: s.rcptCount,
  };
  if (s.lastClientVerb !== undefined) next.lastClientVerb = s.lastClientVerb;
  return next;
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

export interface Analysis {
  /** built on first read when `body` is set */
  readonly pieces: Piece[];
  next: SmtpState;
  /** set when the segment holds only message body lines (no header line, no end of data) */
  body?: BodyView;
}

/**
 * The analysis of a body segment; `pieces` are built from the view on first read.
 * (A class, not an object literal with a getter: such a literal is allocated in V8's old space,
 * so everything it points to — the segment's 64 KB Buffer among it — survived the next scavenge
 * and was freed only by a full GC: measured, a Mark-Compact every few MB and a page fault per
 * 4 KB read, costing a third of the DATA throughput.)
 */
class BodyAnalysis implements Analysis {
  constructor(
    public next: SmtpState,
    readonly body: BodyView,
  ) {}
  get pieces(): Piece[] {
    return this.body.pieces();
  }
}

/**
 * `buf` holds no line that completes as the end of data (`.` alone), judged with a search for
 * `.` instead of a walk over the lines. A line begun in the last segment that is `.` so far (or
 * empty) might become `.`: that (rare) segment takes the line-by-line path.
 */
function withoutEod(buf: Buffer, cur: LineCursor): boolean {
  if (buf.length === 0 || (cur.open && (cur.len === 0 || (cur.len === 1 && cur.head === '.')))) return false;
  if (!cur.open && buf[0] === DOT && dotEndsLine(buf, 0)) return false;
  // only a dot right after LF starts a line: search for the pair, not for every dot of the text
  for (let i = nextLfDot(buf); i >= 0; i = nextLfDot(buf, i + 2)) if (dotEndsLine(buf, i + 1)) return false;
  return true;
}

/** The dot at `buf[i]` is followed by LF or CRLF. */
function dotEndsLine(buf: Buffer, i: number): boolean {
  const n = buf[i + 1];
  return n === LF || (n === CR && buf[i + 2] === LF);
}

/** Client bytes: command lines, or message lines while in DATA. Returns pieces and the next state. */
export function analyzeClient(state: SmtpState, buf: Buffer): Analysis {
  if (state.phase === 'data' && !state.data.header && withoutEod(buf, state.client)) {
    // message body: no per-line work unless a rule asks for `pieces`. Only the client's line
    // cursor moves; the rest of the state is shared (a state is never changed once made)
    const client = { open: state.client.open, len: state.client.len, head: state.client.head };
    skipLines(buf, client);
    return new BodyAnalysis({ ...state, client }, new BodyView(buf, state.client, state.data.mime));
  }
  return analyzeClientLines(state, buf);
}

/**
 * Client bytes line by line (commands, the header section, the end of data). Kept apart from
 * `analyzeClient` so the body path stays a small function V8 optimises early in a message.
 */
function analyzeClientLines(state: SmtpState, buf: Buffer): Analysis {
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
        next.data = newMessage();
        next.rcptCount = 0;
        pushPending(next, 'EOD');
        return;
      }
      const header = next.data.header;
      if (complete && header && MIME_STRUCTURE.test(head)) next.data.mime = true;
      pieces.push({ kind: 'data', start, end, complete, continued, linePos, head, lineLen, header, mime: next.data.mime });
      if (complete && header) {
        next.data.lines++;
        if (lineLen === 0) next.data.header = false;
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
export function analyzeServer(state: SmtpState, buf: Buffer): Analysis {
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
      next.data = newMessage();
    } else if (to === 'STARTTLS' && code === '220') next.phase = 'tls-passthrough';
  });
  return { pieces, next };
}
