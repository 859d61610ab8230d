import type { Clock } from '../model/clock.js';
import type { TranscriptEntry } from '../model/result.js';
import { nextLfDot } from './lf-dot.js';

/** Longest line text kept in a transcript; longer lines are cut and marked. */
export const MAX_ENTRY_CHARS = 1000;
/** Longest partial line buffered while waiting for CRLF; beyond it the line is cut. */
const MAX_PENDING = 64 * 1024;
/** Header lines of a message kept in a transcript before the rest is summarised. */
const MAX_HEADER_LINES = 200;
/** Entries and text kept per transcript; past either, lines are only counted (a flood of lines stays bounded). */
export const MAX_ENTRIES = 100_000;
const MAX_TOTAL_CHARS = 4 * 1024 * 1024;

type Dir = TranscriptEntry['dir'];

/** A message-body chunk that held no end of data, as one recorder scanned it (see `mirror`). */
export interface BodyChunk {
  tailBefore: number;
  tailAfter: number;
  bytes: number;
}

/**
 * Turns the byte stream of one hop (both directions) into transcript lines with timestamps.
 * The message body inside DATA is summarised, not stored: memory stays bounded for any size.
 */
export class TranscriptRecorder {
  readonly entries: TranscriptEntry[] = [];
  private pending: Record<Dir, string> = { c2s: '', s2c: '' };
  private cut: Record<Dir, number> = { c2s: 0, s2c: 0 };
  private dataState: 'none' | 'asked' | 'headers' | 'body' = 'none';
  private body = { bytes: 0, headers: 0 };
  /** where the body scan stands at a chunk end: 0 inside a line, 1 at a line start, 2 after "\n.", 3 after "\n.\r" */
  private tail = 1;
  /** text kept so far, and entries not kept once a limit was reached */
  private chars = 0;
  private dropped = 0;

  private readonly maxEntries: number;
  private readonly maxChars: number;

  /** `limits`: entries and text kept (default MAX_ENTRIES, 4 MiB); past either, lines are only counted */
  constructor(
    private readonly clock: Clock,
    limits: { entries?: number; chars?: number } = {},
  ) {
    this.maxEntries = limits.entries ?? MAX_ENTRIES;
    this.maxChars = limits.chars ?? MAX_TOTAL_CHARS;
  }

  /**
   * Record raw bytes travelling in `dir`. `tls` marks decrypted lines of a TLS session.
   * Returns a BodyChunk when the bytes were message body without its end: another recorder in the
   * same state can `mirror()` it instead of scanning the same bytes again (a proxy's two hops).
   */
  push(dir: Dir, chunk: Buffer | string, tls = false): BodyChunk | undefined {
    if (dir === 'c2s' && this.dataState === 'body' && typeof chunk !== 'string') {
      // message body: scanned as bytes, never turned into strings (100 MB stay cheap)
      const before = this.pending.c2s === '' ? this.tail : -1;
      const rest = this.scanBody(chunk, tls);
      if (rest < 0) return before < 0 ? undefined : { tailBefore: before, tailAfter: this.tail, bytes: chunk.length };
      chunk = chunk.subarray(rest);
    }
    if (this.full() && typeof chunk !== 'string') {
      // nothing more is kept: count the lines without making strings of them
      for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) this.dropped++;
      return;
    }
    let text = this.pending[dir] + (typeof chunk === 'string' ? chunk : chunk.toString('latin1'));
    let nl: number;
    while ((nl = text.indexOf('\n')) >= 0) {
      const line = text.slice(0, nl).replace(/\r$/, '');
      text = text.slice(nl + 1);
      this.line(dir, line, tls, this.cut[dir]);
      this.cut[dir] = 0;
    }
    if (text.length > MAX_PENDING) {
      this.cut[dir] += text.length - MAX_ENTRY_CHARS;
      text = text.slice(0, MAX_ENTRY_CHARS);
    }
    this.pending[dir] = text;
  }

  /**
   * Records client bytes the caller knows to be message body holding no end-of-data line (the
   * firewall engine searched them already): counts them without a search. Falls back to `push`
   * when this recorder is not inside a message body at a plain point (a line `.` so far, text
   * held from the line path) or the chunk is too short to read the state at its end from.
   */
  pushBody(chunk: Buffer): BodyChunk | undefined {
    const n = chunk.length;
    if (this.dataState !== 'body' || this.pending.c2s !== '' || this.tail >= 2 || n < 3) return this.push('c2s', chunk);
    const before = this.tail;
    this.body.bytes += n;
    const a = chunk[n - 3];
    const b = chunk[n - 2];
    const c = chunk[n - 1];
    this.tail = c === 0x0a ? 1 : c === 0x2e && b === 0x0a ? 2 : c === 0x0d && b === 0x2e && a === 0x0a ? 3 : 0;
    return { tailBefore: before, tailAfter: this.tail, bytes: n };
  }

  /** Takes a body chunk another recorder scanned, when this one is at the same point; false if not. */
  mirror(c: BodyChunk | undefined): boolean {
    if (!c || this.dataState !== 'body' || this.pending.c2s !== '' || this.tail !== c.tailBefore) return false;
    this.body.bytes += c.bytes;
    this.tail = c.tailAfter;
    return true;
  }

  /**
   * Finds the end-of-data line in a body chunk without looking at every line: only `\n.` can start it.
   * Counts the body bytes before it. Returns the offset after it, or -1 when it is not in `buf`.
   */
  private scanBody(buf: Buffer, tls: boolean): number {
    if (this.pending.c2s) {
      // a body line begun in the string path: carry whether it is "." or ".\r" so far
      const p = this.pending.c2s;
      this.tail = p === '.' ? 2 : p === '.\r' ? 3 : 0;
      this.body.bytes += p.length + this.cut.c2s;
      this.pending.c2s = '';
      this.cut.c2s = 0;
    }
    /** the dot line runs from `lineStart` (negative: it began in an earlier chunk) to `end` */
    const eod = (lineStart: number, end: number): number => {
      this.body.bytes += lineStart;
      this.tail = 1;
      this.flushBody('');
      this.dataState = 'none';
      this.add('c2s', '.', tls, 0);
      return end;
    };
    let i = 0;
    if (this.tail >= 2) {
      // the previous chunk ended with "\n." or "\n.\r"
      const carried = this.tail - 1;
      for (; i < buf.length && this.tail >= 2; i++) {
        if (buf[i] === 0x0a) return eod(-carried, i + 1);
        this.tail = this.tail === 2 && buf[i] === 0x0d ? 3 : 0;
      }
    } else if (this.tail === 1 && buf[0] === 0x2e) {
      // the chunk starts a line with "."
      if (buf[1] === 0x0a) return eod(0, 2);
      if (buf[1] === 0x0d && buf[2] === 0x0a) return eod(0, 3);
      if (buf.length < 3) {
        this.body.bytes += buf.length;
        this.tail = buf.length === 1 ? 2 : buf[1] === 0x0d ? 3 : 0;
        return -1;
      }
    }
    for (;;) {
      const k = nextLfDot(buf, i);
      if (k < 0) break;
      if (k + 2 >= buf.length) {
        this.body.bytes += buf.length;
        this.tail = 2;
        return -1;
      }
      const a = buf[k + 2];
      if (a === 0x0a) return eod(k + 1, k + 3);
      if (a === 0x0d) {
        if (k + 3 >= buf.length) {
          this.body.bytes += buf.length;
          this.tail = 3;
          return -1;
        }
        if (buf[k + 3] === 0x0a) return eod(k + 1, k + 4);
      }
      i = k + 2;
    }
    this.body.bytes += buf.length;
    if (buf.length) this.tail = buf[buf.length - 1] === 0x0a ? 1 : this.tail >= 2 ? this.tail : 0;
    return -1;
  }

  /** Record an opaque event on the hop, e.g. `<TLS handshake>` or `<connection reset>`. */
  note(dir: Dir, text: string, tls = false): void {
    this.keep(dir, text, tls);
  }

  /** Flush partial lines (at close). */
  end(): void {
    for (const dir of ['c2s', 's2c'] as const) {
      if (this.pending[dir]) this.line(dir, this.pending[dir] + ' <no CRLF>', false, this.cut[dir]);
      this.pending[dir] = '';
    }
    if (this.dataState === 'headers' || this.dataState === 'body') this.flushBody(' (unfinished)');
    if (this.dropped) {
      this.entries.push({ t: this.clock.now(), dir: 'c2s', text: `<${this.dropped} more lines not recorded: transcript limit>` });
      this.dropped = 0;
    }
  }

  private line(dir: Dir, line: string, tls: boolean, cutBytes: number): void {
    if (dir === 'c2s' && (this.dataState === 'headers' || this.dataState === 'body')) {
      if (line === '.') {
        this.flushBody('');
        this.dataState = 'none';
        this.add(dir, line, tls, 0);
        return;
      }
      this.body.bytes += line.length + 2 + cutBytes;
      if (this.dataState === 'headers') {
        if (line === '') this.dataState = 'body';
        else if (this.body.headers < MAX_HEADER_LINES) {
          this.body.headers++;
          this.add(dir, line, tls, cutBytes);
        }
      }
      return;
    }
    if (dir === 'c2s' && /^data$/i.test(line)) this.dataState = 'asked';
    // pipelining: replies to MAIL/RCPT sent in the same batch arrive between DATA and its 354,
    // so only 354 or the client's next command ends the wait
    else if (dir === 'c2s' && this.dataState === 'asked') this.dataState = 'none';
    else if (dir === 's2c' && this.dataState === 'asked' && line.startsWith('354')) this.dataState = 'headers';
    this.add(dir, line, tls, cutBytes);
  }

  private flushBody(suffix: string): void {
    this.add('c2s', `<message: ${this.body.bytes} bytes${suffix}>`, false, 0);
    this.body = { bytes: 0, headers: 0 };
  }

  private add(dir: Dir, line: string, tls: boolean, cutBytes: number): void {
    let text = line;
    if (text.length > MAX_ENTRY_CHARS || cutBytes > 0) {
      const total = line.length + cutBytes;
      text = `${text.slice(0, MAX_ENTRY_CHARS)}… <${total} bytes>`;
    }
    this.keep(dir, text, tls);
  }

  private full(): boolean {
    return this.entries.length >= this.maxEntries || this.chars >= this.maxChars;
  }

  private keep(dir: Dir, text: string, tls: boolean): void {
    if (this.full()) {
      this.dropped++;
      return;
    }
    this.chars += text.length;
    this.entries.push({ t: this.clock.now(), dir, text, ...(tls ? { tls } : {}) });
  }
}
