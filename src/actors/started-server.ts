import { CODE, MxlabError } from '../errors.js';

/** The E_LISTEN error of a server that could not listen on host:port, in one wording for every server. */
export function listenError(what: string, host: string, port: number, err: NodeJS.ErrnoException): MxlabError {
  const at = `${host}:${port}`;
  const [why, hint] =
    err.code === 'EADDRINUSE' ? [`${at} is in use (EADDRINUSE)`, `Did you forget to stop another server on port ${port}, or mean port 0 (any free port)?`]
    : err.code === 'EACCES' ? [`port ${port} is not permitted (EACCES)`, 'Ports below 1024 need root: did you mean a port above 1024?']
    : err.code === 'EADDRNOTAVAIL' ? [`${host} is not an address of this machine (EADDRNOTAVAIL)`, 'Did you mean 127.0.0.1?']
    : [`cannot listen on ${at} (${err.code ?? err.message})`, undefined];
  return new MxlabError(CODE.LISTEN, `Failed to start ${what}: ${why}.`, { hint, cause: err });
}

/** What a started listening actor (receiver, firewall) gives back: its name, where it listens, how to stop it. */
export interface StartedServer extends AsyncDisposable {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** idempotent; closes every client socket and resolves when the port is free */
  stop(): Promise<void>;
}

/** How a listening actor hands out and keeps its connections (a long-running server keeps few). */
export interface ConnectionRetention<C> {
  /** called once per accepted connection, as it starts (a throwing listener is ignored) */
  onConnection?(c: C): void;
  /**
   * closed connections kept in `connections` (and found by port), the oldest forgotten first; default
   * all, for a scenario run's lifetime. A server that runs until interrupted (`mxlab proxy`, `mxlab
   * receiver`) reports each connection as it closes and keeps none, so its memory stays flat.
   */
  keepClosed?: number;
  /**
   * transcript lines kept per connection hop (the rest counted); default 100 000. A server facing
   * peers that are not ours keeps fewer: a client pipelining a flood of commands then costs little.
   */
  transcriptEntries?: number;
}

/** A server's connection list under a `ConnectionRetention`: live connections always, closed ones up to `keepClosed`. */
export class ConnectionList<C> {
  readonly items: C[] = [];
  private readonly closedOrder: C[] = [];

  constructor(private readonly o: ConnectionRetention<C>) {}

  add(c: C, closed: Promise<unknown>): void {
    this.items.push(c);
    try {
      this.o.onConnection?.(c);
    } catch {
      /* a listener must not break the server */
    }
    const keep = this.o.keepClosed;
    if (keep === undefined) return;
    void closed.then(() => {
      this.closedOrder.push(c);
      while (this.closedOrder.length > keep) {
        const i = this.items.indexOf(this.closedOrder.shift()!);
        if (i >= 0) this.items.splice(i, 1);
      }
    });
  }
}

/**
 * Stops or starts a listener in place (a timeline `state: stopped | started`): stopped, its port is
 * closed (a client gets connection refused) and its open connections are destroyed; started, it
 * listens on the same port again. Idempotent both ways.
 */
export async function setListening(server: import('node:net').Server, on: boolean, at: { host: string; port: number }, open: () => Iterable<{ destroy(): void }>): Promise<void> {
  if (on === server.listening) return;
  if (!on) {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of open()) s.destroy();
    });
    return;
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
