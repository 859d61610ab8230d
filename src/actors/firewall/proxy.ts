import { CODE, MxlabError } from '../../errors.js';
import net from 'node:net';
import type { Clock } from '../../model/clock.js';
import type { FirewallEvent } from '../../model/result.js';
import { TranscriptRecorder, type BodyChunk } from '../../smtp/transcript.js';
import { WireRecorder } from '../../smtp/wire-capture.js';
import { ConnectionList, listenError, setListening, type ConnectionRetention, type StartedServer } from '../started-server.js';
import type { ConfigError } from './config/model.js';
import { resolveDevice, type DeviceProfile } from './devices/index.js';
import type { Faults } from './devices/faults.js';
import type { Knobs } from './devices/knobs.js';
import { ConnectionEngine, type SegmentOutcome } from './engine/engine.js';
import { isRuleName } from './rules/index.js';
import type { Direction } from './engine/types.js';

export interface FirewallConnection {
  id: number;
  clientPort: number;
  upstreamLocalPort?: number;
  /** client ↔ firewall, as on the client side (what the client sent / got) */
  clientHop: TranscriptRecorder;
  /** firewall ↔ upstream (what the server got / sent) */
  serverHop: TranscriptRecorder;
  /** the raw bytes of both connections, when the firewall was started with `capture` (pcap) */
  clientWire?: WireRecorder;
  serverWire?: WireRecorder;
  /** the connection's rule events, the first `maxEventsPerConnection` of them (a flood of logged segments stays bounded) */
  events: FirewallEvent[];
  /** events past that: counted, passed to `onEvent`, not kept */
  eventsDropped: number;
  closed: Promise<void>;
}

/** Rule events kept per connection (each segment can log one per rule; a client can send millions). */
export const MAX_EVENTS = 10_000;

export interface StartedFirewall extends StartedServer {
  /** the rules new connections get */
  readonly profile: DeviceProfile;
  readonly connections: readonly FirewallConnection[];
  byClientPort(port: number): FirewallConnection | undefined;
  /**
   * A new device, config or faults for the connections that start from now on (open ones keep their
   * rules, as a real device's policy change does). Rejects with FirewallConfigError, changing nothing.
   */
  reconfigure(o: { profile: DeviceProfile } | { device?: string; config?: string; faults?: Faults }): void;
  /** stopped: the port is closed and open connections are cut; started: it listens on the same port again */
  setListening(on: boolean): Promise<void>;
}

export interface StartFirewallOptions extends ConnectionRetention<FirewallConnection> {
  name: string;
  /** the resolved device (a cell's plan, or `mxlab proxy --profile`); else `device` + `config` are resolved here */
  profile?: DeviceProfile;
  device?: string;
  config?: string;
  clock: Clock;
  upstream: { host: string; port: number };
  /** default 127.0.0.1 */
  host?: string;
  /** default 0 (ephemeral) */
  port?: number;
  onEvent?(e: FirewallEvent): void;
  /** close a connection after this long without traffic from the client side; default 300000 */
  idleTimeoutMs?: number;
  /** knobs, in addition to `! mxlab knob` lines in config */
  knobs?: Partial<Knobs>;
  /** L4 faults (delay, bandwidth, reset-after, blackhole), in addition to `! mxlab fault` lines in config */
  faults?: Faults;
  /** rule events kept per connection; default `MAX_EVENTS` (10 000) */
  maxEventsPerConnection?: number;
  /** record both connections' raw bytes (`clientWire`, `serverWire`) for pcaps; off by default: it costs memory */
  capture?: boolean;
}

/** The device string or config was rejected. */
export class FirewallConfigError extends MxlabError {
  constructor(
    readonly node: string,
    readonly errors: ConfigError[],
  ) {
    super(
      CODE.FIREWALL_CONFIG,
      `Failed to start firewall "${node}": ${errors
        .map((e) => `${e.line === 0 ? 'device' : `config:${e.line}:${e.col}`} ${e.message}${e.hint ? ` — ${e.hint}` : ''}`)
        .join('; ')}`,
    );
    this.name = 'FirewallConfigError';
  }
}

/** Starts the emulator: a TCP proxy that inspects SMTP per segment with the device's rules. */
export async function startFirewall(o: StartFirewallOptions): Promise<StartedFirewall> {
  let profile = profileOf(o);
  const host = o.host ?? '127.0.0.1';
  const list = new ConnectionList<FirewallConnection>(o);
  const connections = list.items;
  const sockets = new Set<net.Socket>();
  let next = 0;
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    const conn = relay(++next, client, o, profile, sockets);
    list.add(conn, conn.closed);
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((err: NodeJS.ErrnoException) => {
    throw listenError(`firewall ${o.name}`, host, o.port ?? 0, err);
  });
  const port = (server.address() as net.AddressInfo).port;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      await Promise.all(connections.map((c) => c.closed));
    })());
  return {
    name: o.name,
    host,
    port,
    get profile() {
      return profile;
    },
    reconfigure(c) {
      if ('profile' in c) {
        profile = profileOf({ ...o, profile: c.profile });
        return;
      }
      const again = resolveDevice(c.device, c.config, o.knobs, c.faults);
      if (!again.ok) throw new FirewallConfigError(o.name, again.errors);
      profile = again.profile;
    },
    setListening: (on) => setListening(server, on, { host, port }, () => sockets),
    connections,
    byClientPort: (p) => [...connections].reverse().find((c) => c.clientPort === p),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

function profileOf(o: StartFirewallOptions): DeviceProfile {
  if (o.profile) {
    const unknown = o.profile.rules.filter((r) => !isRuleName(r.name));
    if (unknown.length) throw new FirewallConfigError(o.name, unknown.map((r) => ({ line: 0, col: 1, message: `the profile names a rule mxlab does not have: "${r.name}"` })));
    return o.profile;
  }
  if (o.device === undefined && o.config === undefined) throw new FirewallConfigError(o.name, [{ line: 0, col: 1, message: 'no device given', hint: 'pass a device (e.g. "asa 9.12(4)"), a config with its version line, or a resolved profile' }]);
  const r = resolveDevice(o.device, o.config, o.knobs, o.faults);
  if (!r.ok) throw new FirewallConfigError(o.name, r.errors);
  return r.profile;
}

function relay(id: number, client: net.Socket, o: StartFirewallOptions, profile: DeviceProfile, sockets: Set<net.Socket>): FirewallConnection {
  const limits = o.transcriptEntries === undefined ? {} : { entries: o.transcriptEntries, chars: o.transcriptEntries * 200 };
  const clientHop = new TranscriptRecorder(o.clock, limits);
  const serverHop = new TranscriptRecorder(o.clock, limits);
  const events: FirewallEvent[] = [];
  const upstream = net.connect({ host: o.upstream.host, port: o.upstream.port, allowHalfOpen: true, noDelay: true });
  sockets.add(client).add(upstream);
  // the config's interface names and receiver address are labels in the log lines (never contacted)
  const sides = profile.interfaces;
  const engine = new ConnectionEngine(
    {
      id,
      node: o.name,
      clientAddress: client.remoteAddress ?? '?',
      clientPort: client.remotePort ?? 0,
      serverAddress: sides?.server?.address ?? o.upstream.host,
      serverPort: sides?.server?.port ?? o.upstream.port,
      syslogPrefix: profile.syslogPrefix,
      ...(sides ? { outsideName: sides.outside, insideName: sides.inside } : {}),
    },
    profile.rules,
    o.clock,
  );
  const maxEvents = o.maxEventsPerConnection ?? MAX_EVENTS;
  const conn: FirewallConnection = { id, clientPort: client.remotePort ?? 0, clientHop, serverHop, events, eventsDropped: 0, closed: Promise.resolve() };
  if (o.capture) {
    conn.clientWire = new WireRecorder(o.clock, { ip: client.remoteAddress ?? '0.0.0.0', port: client.remotePort ?? 0 }, { ip: client.localAddress ?? '0.0.0.0', port: client.localPort ?? 0 });
    conn.serverWire = new WireRecorder(o.clock, { ip: '0.0.0.0', port: 0 }, { ip: o.upstream.host, port: o.upstream.port });
  }
  const clientWire = conn.clientWire;
  const serverWire = conn.serverWire;
  let ended = false;
  const gone = (s: net.Socket) => new Promise<void>((res) => (s.destroyed && !s.connecting && s.closed ? res() : s.once('close', () => res())));
  conn.closed = Promise.all([gone(client), gone(upstream)]).then(() => {
    sockets.delete(client);
    sockets.delete(upstream);
    clientHop.end();
    serverHop.end();
    clientWire?.end('close');
    serverWire?.end('close');
  });
  const finish = (why: string, how: 'close' | 'reset', from?: net.Socket) => {
    if (ended) return;
    ended = true;
    if (clientWire && serverWire && how === 'reset') {
      // the side whose error ended it reset its own connection; the firewall resets the other (or both, for its own verdict)
      clientWire.end('reset', from === client ? 'client' : 'server');
      serverWire.end('reset', from === upstream ? 'server' : 'client');
    }
    clientHop.note('s2c', why);
    serverHop.note('c2s', why);
    for (const s of [client, upstream]) {
      try {
        if (how === 'reset' && canReset(s)) s.resetAndDestroy();
        else s.destroy();
      } catch {
        s.destroy();
      }
    }
  };
  upstream.on('connect', () => {
    conn.upstreamLocalPort = upstream.localPort;
    if (serverWire) serverWire.client.ip = upstream.localAddress ?? '0.0.0.0';
    if (serverWire) serverWire.client.port = upstream.localPort ?? 0;
    if (serverWire) serverWire.server = { ip: upstream.remoteAddress ?? o.upstream.host, port: upstream.remotePort ?? o.upstream.port };
  });
  // the option, else the config's `timeout conn` (0:00:00 = never), else 5 minutes
  const idle = o.idleTimeoutMs ?? profile.idleTimeoutMs ?? 300_000;
  if (idle > 0) {
    client.setTimeout(idle);
    client.on('timeout', () => idleCheck(client, upstream, idle, () => finish('<idle timeout>', 'close')));
  }
  for (const s of [client, upstream]) {
    s.on('error', (err: NodeJS.ErrnoException) => finish(`<${s === client ? 'client' : 'upstream'} error: ${err.code ?? err.message}>`, 'reset', s));
  }
  const wire = (from: net.Socket, to: net.Socket, dir: Direction) => {
    const inHop = dir === 'client' ? clientHop : serverHop;
    const outHop = dir === 'client' ? serverHop : clientHop;
    const inDir = dir === 'client' ? 'c2s' : 's2c';
    const outDir = inDir;
    const inWire = dir === 'client' ? clientWire : serverWire;
    const outWire = dir === 'client' ? serverWire : clientWire;
    /** `from` reads again once neither side it writes to has a full buffer */
    const unblock = () => {
      if (!ended && !from.writableNeedDrain && !to.writableNeedDrain) from.resume();
    };
    const hold = (s: net.Socket) => {
      from.pause();
      s.once('drain', unblock);
    };
    const segment = (data: Buffer) => {
      if (ended) return;
      inWire?.push(inDir, data);
      const out: SegmentOutcome = engine.process(dir, data);
      let scanned: BodyChunk | undefined;
      if (out.tls) inHop.note(inDir, `<TLS ${data.length} bytes>`, true);
      // message body without its end: the engine looked for one already
      else scanned = out.body ? inHop.pushBody(data) : inHop.push(inDir, data);
      for (let i = 0; i < out.events.length; i++) {
        const e = out.events[i];
        if (events.length < maxEvents) events.push(e);
        else if (conn.eventsDropped++ === 0) clientHop.note(inDir, `<firewall events past ${maxEvents} on this connection are counted, not kept>`);
        try {
          o.onEvent?.(e);
        } catch {
          /* a listener must not break the relay */
        }
      }
      if (out.terminate) return finish(out.terminate === 'reset' ? '<connection reset by firewall>' : '<connection closed by firewall>', out.terminate === 'reset' ? 'reset' : 'close');
      if (out.reply) {
        inHop.push(inDir === 'c2s' ? 's2c' : 'c2s', out.reply);
        inWire?.push(inDir === 'c2s' ? 's2c' : 'c2s', out.reply);
        // a side that sends and never reads must not make the firewall buffer its answers
        if (!from.write(out.reply)) hold(from);
      }
      const fwd = out.forward;
      if (!fwd || fwd.length === 0) return;
      const send = () => {
        if (ended || to.destroyed) return;
        outWire?.push(outDir, fwd);
        if (out.tls) outHop.note(outDir, `<TLS ${fwd.length} bytes>`, true);
        // unchanged message body: the other hop takes the scan just made instead of repeating it
        else if (fwd !== data || !outHop.mirror(scanned)) outHop.push(outDir, fwd);
        if (!to.write(fwd)) hold(to);
      };
      if (out.delayMs > 0) {
        from.pause();
        held++;
        setTimeout(() => {
          held--;
          send();
          unblock();
          if (held === 0) pump();
          if (held === 0 && endWhenSent) endTo();
          if (held === 0) for (const f of afterHeld.splice(0)) f();
        }, out.delayMs).unref();
      } else send();
    };
    // `sysopt connection tcpmss N`: the endpoints send segments of at most N bytes, each inspected on
    // its own; a held segment (delay verdict) holds the ones after it
    const mss = profile.mss;
    const queue: Buffer[] = [];
    const pump = () => {
      while (queue.length && held === 0 && !ended) segment(queue.shift()!);
    };
    if (mss) {
      from.on('data', (data: Buffer) => {
        for (let at = 0; at < data.length; at += mss) queue.push(data.subarray(at, at + mss));
        pump();
      });
    } else from.on('data', segment);
    // a FIN waits for the segments still held by a delay verdict
    let held = 0;
    let endWhenSent = false;
    const afterHeld: (() => void)[] = [];
    const endTo = () => {
      if (held > 0) endWhenSent = true;
      else if (!to.destroyed && !to.writableEnded) to.end();
    };
    from.on('end', () => {
      if (!ended) endTo();
    });
    from.on('close', () => {
      // the other side gets what is queued, then a FIN; it is destroyed if it lingers
      if (to.destroyed) return;
      endTo();
      const linger = () => setTimeout(() => to.destroy(), 2000).unref();
      if (held > 0) afterHeld.push(linger);
      else linger();
    });
  };
  wire(client, upstream, 'client');
  wire(upstream, client, 'server');
  return conn;
}

/**
 * Whether `resetAndDestroy()` is safe on `s`. Not while its FIN is on the way (end() called, the
 * shutdown not finished): libuv's uv_tcp_close_reset refuses a handle that is shutting down
 * (UV_EINVAL) and Node marks the handle closing anyway, so it is never closed — no 'close'
 * event, the fd leaks, and at exit Node's Environment::CleanupHandles spins at 100% CPU waiting
 * for it (reproduced on Node 20.20 after ~6,000 hostile sessions; the same race is described in
 * libp2p/js-libp2p#3597 for Node 24). Such a socket is destroyed instead: its FIN already says
 * the connection is over.
 */
export function canReset(s: net.Socket): boolean {
  return !s.connecting && !s.destroyed && (!s.writableEnded || s.writableFinished);
}

/**
 * An idle timer that fires is checked once more after an I/O poll: when the process was stalled (a loaded
 * machine, a long GC), Node runs due timers before the reads that waited in the kernel meanwhile, so a
 * connection whose bytes had arrived looked idle (a 1.2 s stall closed a 10,000-NOOP flood at a 1 s idle
 * timeout with no reply). setImmediate runs after the poll phase: bytes read or written on either side by
 * then are activity (the timer starts again from now), and only real silence ends the connection.
 */
function idleCheck(client: net.Socket, upstream: net.Socket, idleMs: number, end: () => void): void {
  const activity = () => client.bytesRead + client.bytesWritten + upstream.bytesRead + upstream.bytesWritten;
  const before = activity();
  setImmediate(() => {
    if (client.destroyed) return;
    if (activity() === before) end();
    else client.setTimeout(idleMs);
  });
}
