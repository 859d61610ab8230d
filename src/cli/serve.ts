import type { Clock } from '../model/clock.js';
import type { Writable } from 'node:stream';
import { UsageError, type Io } from './command.js';

/** The run clock for standalone servers: ms since --epoch-origin (shared with a runner), else since start. */
export function epochClock(origin: string | undefined): Clock {
  const base = origin === undefined ? Date.now() : Number(origin);
  if (!Number.isFinite(base)) throw new UsageError(`--epoch-origin expects milliseconds since 1970, got "${origin}"`);
  const hr0 = process.hrtime.bigint();
  const offset = Date.now() - base;
  return { now: () => offset + Number(process.hrtime.bigint() - hr0) / 1e6 };
}

/**
 * Transcript lines (and firewall events) a standalone server keeps per connection: a normal
 * session has a few dozen; a peer that floods commands is counted past this, not stored.
 */
export const SERVER_TRANSCRIPT_ENTRIES = 1000;

/** Resolves when the user interrupts (SIGINT/SIGTERM via io.signal). */
export function untilInterrupted(io: Io): Promise<void> {
  return new Promise((resolve) => (io.signal.aborted ? resolve() : io.signal.addEventListener('abort', () => resolve(), { once: true })));
}

export function jsonLine(io: Io, obj: unknown): void {
  io.stdout.write(JSON.stringify(obj) + '\n');
}

/**
 * Bytes of log records a standalone server lets wait for a slow reader of its stdout or stderr.
 * Node writes to a pipe asynchronously: a reader that falls behind (a busy runner, a paused pager,
 * `docker logs` stalled) made `mxlab proxy --json` queue every record in memory — 423 MB after
 * 22 000 sessions in bench 5, and it never stopped growing. Past this the records are counted,
 * not kept, like a device's syslog buffer.
 */
export const MAX_PENDING_LOG = 8 * 1024 * 1024;

const dropped = new WeakMap<Writable, number>();

/**
 * Writes one log record (a connection or rule-event line) unless `MAX_PENDING_LOG` bytes already
 * wait for the reader; dropped records are counted and, once the reader caught up, reported by
 * `note(count)` (a `{"type":"dropped"}` line or a text line). Lines that must arrive (ready,
 * control acknowledgements) go through `jsonLine` and are never dropped.
 */
export function logRecord(out: Writable, line: string, note: (count: number) => string): void {
  if (out.writableLength > MAX_PENDING_LOG) {
    const n = dropped.get(out) ?? 0;
    dropped.set(out, n + 1);
    if (n === 0) {
      out.once('drain', () => {
        const count = dropped.get(out) ?? 0;
        dropped.delete(out);
        out.write(note(count));
      });
    }
    return;
  }
  out.write(line);
}

/** logRecord of a JSON record on stdout (--json); the note is `{"type":"dropped","records":N}`. */
export function jsonRecord(io: Io, obj: unknown): void {
  logRecord(io.stdout, JSON.stringify(obj) + '\n', (records) => JSON.stringify({ type: 'dropped', records, reason: `the reader of stdout fell ${MAX_PENDING_LOG / 1024 / 1024} MiB behind` }) + '\n');
}

/** logRecord of a text line on stderr. */
export function textRecord(io: Io, line: string, who: string): void {
  logRecord(io.stderr, line, (n) => `${who}: ${n} log record${n === 1 ? '' : 's'} dropped: the reader of this output fell ${MAX_PENDING_LOG / 1024 / 1024} MiB behind\n`);
}

/** What a running server does on its control signals. */
export interface ControlHandlers {
  /** SIGHUP: read the settings again (config, profile, certificate files) and apply them to new connections */
  reload(): Promise<string>;
  /** SIGUSR1 / SIGUSR2: close the port (and open connections) / listen again on it */
  listening(on: boolean): Promise<void>;
}

/**
 * Control signals for `mxlab proxy` and `mxlab receiver` (what a timeline step does to a node in a
 * container): SIGHUP reloads, SIGUSR1 stops listening, SIGUSR2 starts again. Each is acknowledged on
 * stdout with --json (`{"type":"reloaded"}`, `{"type":"stopped"}`, `{"type":"listening"}`, or
 * `{"type":"control-error","message":…}`), else on stderr. Returns the function that removes the handlers.
 */
export function onControl(io: Io, json: boolean, h: ControlHandlers): () => void {
  const say = (type: string, extra: Record<string, unknown> = {}): void => {
    if (json) jsonLine(io, { type, ...extra });
    else io.stderr.write(`mxlab: ${type}${extra.message ? `: ${String(extra.message)}` : ''}\n`);
  };
  // one at a time, in the order the signals came
  let chain = Promise.resolve();
  const run = (f: () => Promise<void>) => (chain = chain.then(f).catch((err: Error) => say('control-error', { message: err.message })));
  const hup = () => run(async () => say('reloaded', { what: await h.reload() }));
  const stop = () =>
    run(async () => {
      await h.listening(false);
      say('stopped');
    });
  const start = () =>
    run(async () => {
      await h.listening(true);
      say('listening');
    });
  process.on('SIGHUP', hup).on('SIGUSR1', stop).on('SIGUSR2', start);
  // a server whose port is closed (SIGUSR1) has no handle left: this one keeps the process waiting for SIGUSR2
  const alive = setInterval(() => undefined, 1 << 30);
  return () => {
    clearInterval(alive);
    process.off('SIGHUP', hup).off('SIGUSR1', stop).off('SIGUSR2', start);
  };
}
