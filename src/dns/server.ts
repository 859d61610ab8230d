import dgram from 'node:dgram';
import net from 'node:net';
import * as packet from 'dns-packet';
import { CODE, HarnessError } from '../errors.js';
import type { Clock } from '../model/clock.js';
import { answer, formErr, type QueryLog } from './answer.js';
import type { LabDnsData } from './data.js';

/**
 * The lab resolver: UDP and TCP on each listening address, answers from `data` only (answer.ts),
 * never a query sent anywhere. Who asks decides what they see: `clientOf` maps the listener and the
 * query's source address to a node and its view (local runtime: one listener per sender node;
 * docker: one listener, the source address tells the node). An unknown client is REFUSED.
 */

export interface ResolverListener {
  host: string;
  /** default 0 (ephemeral; UDP and TCP share it) */
  port?: number;
}

/** One query as the resolver saw it: who asked (node, view), when, and what it answered. */
export interface ResolverQuery extends QueryLog {
  /** run-clock ms */
  t: number;
  node: string;
  view: string;
  transport: 'udp' | 'tcp';
}

export interface LabResolverOptions {
  data: LabDnsData;
  listeners: ResolverListener[];
  /** the node and view of a query from `address` on listener `index`; undefined → REFUSED */
  clientOf(index: number, address: string): { node: string; view: string } | undefined;
  clock: Clock;
  onQuery?(q: ResolverQuery): void;
}

export interface StartedResolver extends AsyncDisposable {
  /** where each listener ended up (same order as given) */
  readonly addresses: { host: string; port: number }[];
  stop(): Promise<void>;
}

/** Largest DNS message over TCP (RFC 1035 §4.2.2: a 16-bit length). */
const TCP_MAX = 65535;
const TCP_IDLE_MS = 10_000;
const TCP_CONNECTIONS = 256;

export async function startLabResolver(o: LabResolverOptions): Promise<StartedResolver> {
  const closers: (() => Promise<void>)[] = [];
  const addresses: { host: string; port: number }[] = [];
  const stop = async () => {
    await Promise.all(closers.splice(0).map((c) => c().catch(() => undefined)));
  };
  try {
    for (const [i, l] of o.listeners.entries()) {
      const { port, close } = await listen(l, (bytes, address, transport) => respond(o, i, bytes, address, transport));
      addresses.push({ host: l.host, port });
      closers.push(close);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  const once = () => (stopping ??= stop());
  return { addresses, stop: once, [Symbol.asyncDispose]: once };
}

function respond(o: LabResolverOptions, index: number, bytes: Buffer, address: string, transport: 'udp' | 'tcp'): Buffer | undefined {
  let query: packet.DecodedPacket;
  try {
    query = packet.decode(bytes);
  } catch {
    return formErr(bytes);
  }
  if (query.flag_qr) return undefined; // a response sent to us: never answer one
  const who = o.clientOf(index, address);
  const q = query.questions?.[0];
  let out: Buffer | undefined;
  let log: QueryLog;
  if (who) {
    const reply = answer(query, o.data, who.view, transport === 'udp');
    out = reply.bytes;
    log = reply.log;
  } else {
    out = refused(bytes);
    log = { name: q?.name ?? '', type: String(q?.type ?? ''), rcode: 'REFUSED', ad: false, answers: [] };
  }
  try {
    o.onQuery?.({ t: o.clock.now(), node: who?.node ?? address, view: who?.view ?? '', transport, ...log });
  } catch {
    /* a listener must not break the resolver */
  }
  return out;
}

function refused(bytes: Buffer): Buffer | undefined {
  const out = formErr(bytes);
  if (out) out[3] = 0x80 | 5;
  return out;
}

type Handler = (bytes: Buffer, address: string, transport: 'udp' | 'tcp') => Buffer | undefined;

/** UDP and TCP on one port: UDP first (ephemeral when 0), then TCP on the same number; a few tries when TCP finds it taken. */
async function listen(l: ResolverListener, handle: Handler): Promise<{ port: number; close(): Promise<void> }> {
  let lastErr: unknown;
  for (let tries = 0; tries < (l.port ? 1 : 5); tries++) {
    const udp = dgram.createSocket({ type: net.isIPv6(l.host) ? 'udp6' : 'udp4' });
    udp.on('message', (msg, rinfo) => {
      const out = handle(msg, rinfo.address, 'udp');
      if (out) udp.send(out, rinfo.port, rinfo.address, () => undefined);
    });
    udp.on('error', () => undefined);
    try {
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(l.port ?? 0, l.host, () => {
          udp.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      udp.close();
      throw listenError(l, err);
    }
    const port = udp.address().port;
    const sockets = new Set<net.Socket>();
    const tcp = net.createServer({ pauseOnConnect: false }, (s) => serveTcp(s, sockets, handle));
    tcp.maxConnections = TCP_CONNECTIONS;
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(port, l.host, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      lastErr = err;
      udp.close();
      continue;
    }
    tcp.on('error', () => undefined);
    const close = async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise<void>((r) => tcp.close(() => r())), new Promise<void>((r) => udp.close(() => r()))]);
    };
    return { port, close };
  }
  throw listenError(l, lastErr);
}

function listenError(l: ResolverListener, err: unknown): HarnessError {
  return new HarnessError(CODE.LISTEN, `Failed to start the lab resolver on ${l.host}:${l.port ?? 0}: ${(err as Error)?.message ?? String(err)}`, 'Did you forget to stop another listener on that port, or mean port 0?', err);
}

/** DNS over TCP (RFC 7766): 2-byte length, any number of queries per connection, idle connections closed. */
function serveTcp(s: net.Socket, sockets: Set<net.Socket>, handle: Handler): void {
  sockets.add(s);
  s.on('close', () => sockets.delete(s));
  s.on('error', () => undefined);
  s.setTimeout(TCP_IDLE_MS, () => s.destroy());
  let buf = Buffer.alloc(0);
  s.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    if (buf.length > TCP_MAX + 2) return void s.destroy();
    while (buf.length >= 2) {
      const len = buf.readUInt16BE(0);
      if (buf.length < 2 + len) break;
      const msg = buf.subarray(2, 2 + len);
      buf = buf.subarray(2 + len);
      const out = handle(msg, s.remoteAddress ?? '', 'tcp');
      if (!out) return void s.destroy();
      const head = Buffer.alloc(2);
      head.writeUInt16BE(out.length);
      s.write(Buffer.concat([head, out]));
    }
  });
}
