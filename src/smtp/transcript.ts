import type { Clock } from '../model/clock.js';
import type { TranscriptEntry } from '../model/result.js';

/** Longest line text kept in a transcript; longer lines are cut and marked. */
export const MAX_ENTRY_CHARS = 1000;
/** Longest partial line buffered while waiting for CRLF; beyond it the line is cut. */
const MAX_PENDING = 64 * 1024;
/** Header lines of a message kept in a transcript before the rest is summarised. */
const MAX_HEADER_LINES = 200;

type Dir = TranscriptEntry['dir'];

/**
 * Turns the byte stream of one hop (both directions) into transcript lines with timestamps.
 * The message body inside DATA is summarised, not stored: memory stays bounded for any size.
 */
export class TranscriptRecorder {
  readonly entries: TranscriptEntry[] = [];
  private pending: Record<Dir, string> = { c2s: '', s2c: '' };
  private cut: Record<Dir, number> = { c2s: 0, s2c: 0 };
  private dataState: 'none' | 'asked' | 'headers' | 'body' = 'none';
  private body = { lines: 0, bytes: 0, headers: 0 };

  constructor(private readonly clock: Clock) {}

  /** Record raw bytes travelling in `dir`. `tls` marks decrypted lines of a TLS session. */
  push(dir: Dir, chunk: Buffer | string, tls = false): void {
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

  /** Record an opaque event on the hop, e.g. `<TLS handshake>` or `<connection reset>`. */
  note(dir: Dir, text: string, tls = false): void {
    this.entries.push({ t: this.clock.now(), dir, text, ...(tls ? { tls } : {}) });
  }

  /** Flush partial lines (at close). */
  end(): void {
    for (const dir of ['c2s', 's2c'] as const) {
      if (this.pending[dir]) this.line(dir, this.pending[dir] + ' <no CRLF>', false, this.cut[dir]);
      this.pending[dir] = '';
    }
    if (this.dataState === 'headers' || this.dataState === 'body') this.flushBody(' (unfinished)');
  }

  private line(dir: Dir, line: string, tls: boolean, cutBytes: number): void {
    if (dir === 'c2s' && (this.dataState === 'headers' || this.dataState === 'body')) {
      if (line === '.') {
        this.flushBody('');
        this.dataState = 'none';
        this.add(dir, line, tls, 0);
        return;
      }
      this.body.lines++;
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
    this.add('c2s', `<message: ${this.body.lines} lines, ${this.body.bytes} bytes${suffix}>`, false, 0);
    this.body = { lines: 0, bytes: 0, headers: 0 };
  }

  private add(dir: Dir, line: string, tls: boolean, cutBytes: number): void {
    let text = line;
    if (text.length > MAX_ENTRY_CHARS || cutBytes > 0) {
      const total = line.length + cutBytes;
      text = `${text.slice(0, MAX_ENTRY_CHARS)}… <${total} bytes>`;
    }
    this.entries.push({ t: this.clock.now(), dir, text, ...(tls ? { tls } : {}) });
  }
}
