import https from 'node:https';
import type { Socket } from 'node:net';
import { CODE, HarnessError } from '../errors.js';
import { POLICY_PATH } from './mta-sts.js';

/**
 * The MTA-STS policy hosts of a scenario (RFC 8461 §3.2): one HTTPS server answering
 * `GET https://mta-sts.<domain>/.well-known/mta-sts.txt` for every domain with a policy, by Host
 * header, as `text/plain`, with the run's certificate (which names every `mta-sts.<domain>`).
 * Anything else is a 404.
 */

export interface PolicyHostOptions {
  /** domain → policy file text */
  policies: Record<string, string>;
  key: string;
  /** the certificate chain (leaf first) */
  cert: string;
  host: string;
  /** default 0 (ephemeral) */
  port?: number;
  /** each request, for the log */
  onRequest?(r: { host: string; path: string; status: number }): void;
}

export interface StartedPolicyHost extends AsyncDisposable {
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startPolicyHost(o: PolicyHostOptions): Promise<StartedPolicyHost> {
  const sockets = new Set<Socket>();
  const server = https.createServer({ key: o.key, cert: o.cert, requestTimeout: 10_000, headersTimeout: 10_000 }, (req, res) => {
    const host = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
    const domain = host.startsWith('mta-sts.') ? host.slice('mta-sts.'.length) : '';
    const path = (req.url ?? '').split('?')[0];
    const text = req.method === 'GET' && path === POLICY_PATH ? o.policies[domain] : undefined;
    const status = text === undefined ? 404 : 200;
    try {
      o.onRequest?.({ host, path, status });
    } catch {
      /* a listener must not break the server */
    }
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(text ?? 'not found\n');
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new HarnessError(CODE.LISTEN, `Failed to start the MTA-STS policy host on ${o.host}:${o.port ?? 0}: ${err.message}`, 'Did you forget to stop another listener on that port, or mean port 0?', err)));
    server.listen(o.port ?? 0, o.host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }));
  return { host: o.host, port, stop, [Symbol.asyncDispose]: stop };
}
