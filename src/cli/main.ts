import { runForcedCleanups } from '../cleanup.js';
import { CODE, ERRORS, EXIT, exitForSignal, MxlabError, UsageError } from '../errors.js';
import { ScenarioError, formatDiagnostic } from '../scenario/diagnostics.js';
import { VERSION } from '../version.js';
import type { Io } from './command.js';
import { commands } from './commands/index.js';

function help(): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length));
  return `mxlab ${VERSION} — simulate mail networks with SMTP-inspecting firewalls

usage: mxlab <command> [options]

${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
  .join('\n')}

mxlab <command> --help shows a command's options.
`;
}

/** The CLI entry: maps every error code to its exit status (src/errors.ts) and a one-line message; no stack traces. */
export async function main(argv: string[], ioOverride?: Partial<Io>): Promise<number> {
  const controller = new AbortController();
  let signals = 0;
  let received: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    received ??= sig;
    if (signals === 1) {
      say(`\nmxlab: ${sig} received, stopping and cleaning up (again to force)…\n`);
      controller.abort(sig);
    } else if (signals === 2) {
      // forced: remove what the run made right away (bounded), then go
      say(`mxlab: ${sig} again, removing what the run made and exiting (again to exit at once)…\n`);
      void runForcedCleanups(FORCED_CLEANUP_MS).then(() => process.exit(exitForSignal(received)));
    } else process.exit(exitForSignal(received));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // a reader that leaves (mxlab run … | head -1) ends the output, not the run: its exit code stands
  ignoreClosedReader(process.stdout);
  ignoreClosedReader(process.stderr);
  const io: Io = { stdout: process.stdout, stderr: process.stderr, tty: Boolean(process.stdout.isTTY), signal: controller.signal, ...ioOverride };
  const [name, ...rest] = argv;
  try {
    if (!name || name === '--help' || name === '-h' || name === 'help') {
      io.stdout.write(help());
      return name ? EXIT.ok : EXIT.invalid;
    }
    if (name === '--version' || name === '-v') {
      io.stdout.write(`${VERSION}\n`);
      return EXIT.ok;
    }
    const entry = Object.hasOwn(commands, name) ? commands[name] : undefined;
    if (!entry) throw new UsageError(`unknown command "${name}"`);
    const command = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(command.usage + '\n');
      return EXIT.ok;
    }
    try {
      const code = await command.run(rest, io);
      // a command reports an interrupt as 130; SIGTERM makes it 143
      return code === EXIT.sigint ? exitForSignal(received) : code;
    } catch (err) {
      if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
        io.stderr.write(`mxlab ${name}: ${(err as Error).message}\n\n${command.usage}\n`);
        return EXIT.invalid;
      }
      throw err;
    }
  } catch (err) {
    if (controller.signal.aborted && !(err instanceof MxlabError && err.exit === EXIT.invalid)) return exitForSignal(received);
    if (err instanceof UsageError) {
      io.stderr.write(`mxlab: ${err.message}\n\n${help()}`);
      return EXIT.invalid;
    }
    if (err instanceof ScenarioError) {
      for (const d of err.diagnostics) io.stderr.write(formatDiagnostic(d) + '\n');
      return EXIT.invalid;
    }
    if (err instanceof MxlabError) {
      io.stderr.write(`mxlab: ${err.code}: ${err.message}${err.hint ? `\n  ${err.hint}` : ''}\n`);
      if (process.env.MXLAB_DEBUG) io.stderr.write(`${err.stack}\n`);
      return err.code === CODE.INTERRUPTED ? exitForSignal(received) : err.exit;
    }
    const e = err as Error;
    io.stderr.write(`mxlab: internal error: ${e?.message ?? String(err)}\n  (set MXLAB_DEBUG=1 for the stack; please report it)\n`);
    if (process.env.MXLAB_DEBUG) io.stderr.write(`${e?.stack}\n`);
    return EXIT.environment;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // interrupted: what the run abandoned (a container start in flight) is the reaper's now; a
    // request still open must not hold the exit past a moment
    if (received) setTimeout(() => process.exit(), INTERRUPTED_EXIT_MS).unref();
  }
}

/** How long an interrupted command's process may linger after it returned (open requests it abandoned). */
const INTERRUPTED_EXIT_MS = 500;

/** How long a second interrupt waits for the forced cleanups (docker: removing containers and networks). */
const FORCED_CLEANUP_MS = 10_000;

/** Writes to stderr unless its reader is gone. */
function say(text: string): void {
  if (!process.stderr.destroyed && process.stderr.writable) process.stderr.write(text);
}

const CLOSED_READER = new Set(['EPIPE', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END', 'ECONNRESET']);

/**
 * Keeps a write to a pipe whose reader left from throwing an unhandled 'error' (an EPIPE stack and
 * exit 1): what is still written is dropped. The listener stays until the process exits (a late
 * write may fail after main returned).
 */
function ignoreClosedReader(stream: NodeJS.WriteStream): void {
  if (!stream.listeners('error').includes(onStreamError)) stream.on('error', onStreamError);
}

function onStreamError(this: NodeJS.WriteStream, err: NodeJS.ErrnoException): void {
  if (CLOSED_READER.has(err.code ?? '')) {
    this.destroy();
    return;
  }
  // another output error (e.g. disk full on a redirect): report it once on whichever stream still works
  const other = this === process.stdout ? process.stderr : process.stdout;
  if (!other.destroyed) other.write(`mxlab: E_IO: Failed to write output: ${err.code ?? err.message}.\n`);
  process.exitCode = ERRORS.E_IO.exit;
}
