import type { Readable } from 'node:stream';

const MAX_LINE = 64 * 1024;
/**
 * A node program's JSON record (`{"type":"connection",…}`) is one line however long (up to 96 MiB): a receiver's
 * holds up to 64 KiB of header lines as JSON escapes, its commands and transcript (a binary or
 * header-heavy message made records of 100 KiB and more, which a 64 KiB cut made unparsable).
 */
// with the wire recorded (pcap, bundle) a proxy's record carries both connections' bytes as base64,
// each kept up to MAX_CAPTURE_BYTES (32 MiB): 2 × 32 MiB × 4/3 plus the transcript
const MAX_RECORD = 96 * 1024 * 1024;
const MAX_LINES = 200_000;

/**
 * A container's output as lines, kept in order (bounded), with waiters: the MTA adapters and
 * node programs are followed through it. `waitFor` looks from a line index onwards.
 */
export class LineLog {
  readonly lines: string[] = [];
  /** Date.now() when each line arrived */
  readonly times: number[] = [];
  private readonly listeners: ((line: string) => void)[] = [];
  private partial = '';
  private ended = false;
  private waiters = new Set<() => void>();

  attach(stream: Readable): void {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => this.push(chunk));
    stream.on('error', () => this.end());
    stream.on('end', () => this.end());
    stream.on('close', () => this.end());
  }

  push(chunk: string): void {
    const parts = (this.partial + chunk).split('\n');
    const rest = parts.pop() ?? '';
    this.partial = rest.startsWith('{') ? rest.slice(0, MAX_RECORD) : rest.slice(-MAX_LINE);
    const now = Date.now();
    for (const p of parts) this.add(p.replace(/\r$/, '').slice(0, p.startsWith('{') ? MAX_RECORD : MAX_LINE), now);
    if (this.lines.length > MAX_LINES) {
      this.lines.splice(0, this.lines.length - MAX_LINES);
      this.times.splice(0, this.times.length - MAX_LINES);
    }
    if (parts.length) this.notify();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.partial) this.add(this.partial, Date.now());
    this.partial = '';
    this.notify();
  }

  /** `fn` sees every line from now on, as it arrives */
  onLine(fn: (line: string) => void): void {
    this.listeners.push(fn);
  }

  private add(line: string, now: number): void {
    this.lines.push(line);
    this.times.push(now);
    for (const fn of this.listeners) fn(line);
  }

  get length(): number {
    return this.lines.length;
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Resolves with the first line index ≥ from whose line matches, or -1 on timeout / end of stream. */
  waitFor(match: (line: string, index: number) => boolean, from: number, timeoutMs: number, signal?: AbortSignal): Promise<number> {
    return new Promise((resolve) => {
      let next = from;
      const check = (): boolean => {
        for (; next < this.lines.length; next++) {
          if (match(this.lines[next], next)) {
            done(next);
            return true;
          }
        }
        if (this.ended || signal?.aborted) {
          done(-1);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => done(-1), timeoutMs);
      const onAbort = () => done(-1);
      const done = (i: number) => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        signal?.removeEventListener('abort', onAbort);
        resolve(i);
      };
      const waiter = () => void check();
      if (check()) return;
      this.waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/**
 * A container's output feeding one LineLog at a time: `fence()` starts a new one, so a container a
 * later cell reuses shows that cell only what it printed from then on (line indexes start at 0
 * again, and no earlier cell's lines are looked at).
 */
export class LogFeed {
  current = new LineLog();
  private ended = false;

  attach(stream: Readable): void {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => this.current.push(chunk));
    const end = () => {
      this.ended = true;
      this.current.end();
    };
    stream.on('error', end);
    stream.on('end', end);
    stream.on('close', end);
  }

  /** A fresh log from now on (the previous one stops growing); returns it. */
  fence(): LineLog {
    const next = new LineLog();
    if (this.ended) next.end();
    this.current = next;
    return next;
  }
}
