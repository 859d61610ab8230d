import type net from 'node:net';
import type tls from 'node:tls';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { connectionId, netServer, newConnection, onServerConnect, serverOptions, startConnection } from './smtp-internals.js';
import type { Clock } from '../../model/clock.js';
import type { ServerView } from '../../model/result.js';
import type { TranscriptRecorder } from '../../smtp/transcript.js';
import { faultCertificate, isCertFault, presentedChain, type RunCertificates } from '../../tls/certs.js';
import type { TlsFault } from '../../vocabulary.js';
import { ConnectionList, listenError, setListening, type ConnectionRetention, type StartedServer } from '../started-server.js';
import { applyPersona, ConnectionState, onSecured, type PersonaSettings } from './connection.js';
import { ReceiverError } from './errors.js';
import { sinkMessage } from './message-sink.js';
import type { PersonaName, TlsMode } from './persona.js';
import { personas } from './personas/index.js';
import { CODE } from '../../errors.js';

export interface ReceiverOptions extends ConnectionRetention<ReceiverConnection> {
  /** scenario node name */
  name: string;
  persona: PersonaName;
  /** e.g. esa.example.com */
  hostname: string;
  tls: TlsMode;
  /** a broken TLS service (docs/tls-faults.md): a certificate that fails verification, or a handshake that cannot complete */
  tlsFault?: TlsFault;
  /** advertised SIZE and enforced limit (552 with the persona's text when exceeded) */
  size?: number;
  /** bad commands tolerated before the persona's 421; default from the persona (asyncos 5) */
  badCommandLimit?: number;
  certs: RunCertificates;
  clock: Clock;
  /** default 127.0.0.1 */
  host?: string;
  /** default 0 (ephemeral) */
  port?: number;
  /** default 30000 */
  idleTimeoutMs?: number;
  /** record each connection's TLS key log (NSS format, `ReceiverConnection.keylog()`) for pcaps */
  keylog?: boolean;
}

export interface ReceiverConnection {
  id: number;
  remotePort: number;
  startedAt: number;
  /** the hop as the receiver saw it (decrypted after STARTTLS, `tls: true` on those lines) */
  recorder: TranscriptRecorder;
  /** commands as received (e.g. `EHLO x`, `XXXXXXXX`), tls, accepted, headers */
  view(): ServerView;
  /** the TLS key log lines of the session, when the receiver records them */
  keylog(): string[] | undefined;
  closed: Promise<void>;
}

/** What a timeline step may change on a running receiver; new connections see it, open ones keep theirs. */
export interface ReceiverChange {
  tls?: TlsMode;
  size?: number;
  tlsFault?: TlsFault;
  /** new key material (certificate files read again); with a certificate fault, presented as it is */
  certs?: RunCertificates;
}

export interface StartedReceiver extends StartedServer {
  readonly connections: readonly ReceiverConnection[];
  /** applies a change to the connections that start from now on */
  reconfigure(change: ReceiverChange): Promise<void>;
  /** stopped: the port is closed and open connections are cut; started: it listens on the same port again */
  setListening(on: boolean): Promise<void>;
  /** the latest connection from that client port */
  byRemotePort(port: number): ReceiverConnection | undefined;
}

function toPublic(st: ConnectionState): ReceiverConnection {
  return { id: st.id, remotePort: st.remotePort, startedAt: st.startedAt, recorder: st.recorder, view: () => st.view(), keylog: () => st.keylog, closed: st.closed };
}

/** Starts an SMTP receiver that speaks like `o.persona`. Rejects with an E_LISTEN error when the port is taken. */
export async function startReceiver(o: ReceiverOptions): Promise<StartedReceiver> {
  const persona = personas[o.persona];
  if (!persona) throw new ReceiverError(CODE.RECEIVER_PERSONA, `Failed to start receiver ${o.name}: unknown persona "${String(o.persona)}". Did you mean one of ${Object.keys(personas).join(', ')}?`);
  let size = o.size ?? persona.defaultSize;
  const settings: PersonaSettings = {
    persona,
    hostname: o.hostname,
    tls: o.tls,
    tlsFault: o.tlsFault ?? 'none',
    size,
    sizeGiven: o.size !== undefined,
    badCommandLimit: o.badCommandLimit ?? persona.badCommandLimit,
    clock: o.clock,
    messages: { count: 0 },
    keylog: o.keylog === true,
  };
  const host = o.host ?? '127.0.0.1';
  const states = new Map<string, ConnectionState>();
  /** connections not closed yet (what `stop` ends) */
  const live = new Set<ConnectionState>();
  const list = new ConnectionList<ReceiverConnection>(o);
  const publics = list.items;
  let next = 0;
  const sockets = new Set<net.Socket>();
  let stopping: Promise<void> | undefined;

  const smtp = new SMTPServer({
    name: o.hostname,
    ...(await tlsOptions(o.certs, settings.tlsFault)),
    logger: false,
    disableReverseLookup: true,
    // handed to net.createServer: a client's FIN does not end our side (the replies it is owed); see applyPersona
    allowHalfOpen: true,
    authOptional: true,
    disabledCommands: o.tls === 'off' ? ['AUTH', 'STARTTLS'] : ['AUTH'],
    hideSTARTTLS: o.tls === 'off',
    ...(size > 0 ? { size } : {}),
    socketTimeout: o.idleTimeoutMs ?? 30000,
    onConnect: (_session, cb) => cb(),
    onSecure: (socket, session, cb) => {
      const st = states.get(session.id);
      if (st) onSecured(st, socket as tls.TLSSocket);
      cb();
    },
    onData: (stream: SMTPServerDataStream, session: SMTPServerSession, cb) => {
      const st = states.get(session.id);
      void sinkMessage(stream, size).then((m) => {
        st?.receive(m);
        if (!m.complete) return cb(new Error('Connection closed before the message was received in full'));
        if (m.oversized) {
          return cb(Object.assign(new Error(`Error: message exceeds fixed maximum message size ${size}`), { responseCode: 552 }));
        }
        st?.accept(m, settings.messages);
        cb();
      });
    },
  });
  smtp.on('error', () => undefined); // socket errors are per connection, noted in its transcript

  // No early-talker delay: the connection goes straight to its greeting (instance override only)
  onServerConnect(smtp, (raw, socketOptions) => {
    if (stopping || raw.destroyed) {
      raw.destroy();
      return;
    }
    const st = new ConnectionState(++next, raw.remotePort ?? 0, raw, o.clock, persona.knownVerbs.includes('BDAT'), o.transcriptEntries);
    const conn = newConnection(smtp, raw, socketOptions);
    live.add(st);
    states.set(connectionId(conn), st);
    void st.closed.then(() => {
      states.delete(connectionId(conn));
      live.delete(st);
      // STARTTLS strips the plain socket's listeners, the 'close' one below among them: without this
      // every TLS session's socket (and its connection, ~17 KB) stayed in `sockets` for good
      sockets.delete(raw);
    });
    list.add(toPublic(st), st.closed);
    conn.on('error', (err: Error) => st.recorder.note('c2s', `<error: ${err.message}>`, st.secure));
    raw.on('data', (d: Buffer) => st.take(d, false));
    raw.once('close', () => st.finish());
    applyPersona(conn, st, settings);
    startConnection(conn);
  });
  const listener = netServer(smtp);
  listener.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const e = listenError(`receiver ${o.name}`, host, o.port ?? 0, err);
      reject(new ReceiverError(CODE.LISTEN, e.message, err, e.hint));
    };
    listener.once('error', onError);
    listener.listen(o.port ?? 0, host, () => {
      listener.removeListener('error', onError);
      resolve();
    });
  });
  const address = listener.address() as net.AddressInfo;

  const stop = (): Promise<void> => {
    stopping ??= new Promise<void>((resolve) => {
      listener.close(() => resolve());
      for (const st of live) st.destroy();
      for (const s of sockets) s.destroy();
    }).then(async () => {
      await Promise.all([...live].map((st) => st.closed));
    });
    return stopping;
  };

  let certs = o.certs;
  const reconfigure = async (c: ReceiverChange): Promise<void> => {
    if (c.certs || (c.tlsFault !== undefined && c.tlsFault !== settings.tlsFault)) {
      certs = c.certs ?? certs;
      const fault = c.tlsFault ?? settings.tlsFault;
      const next = await tlsOptions(certs, fault);
      // a version-limited context leaves no trace when the next one does not set the limits
      smtp.updateSecureContext({ minVersion: undefined, maxVersion: undefined, ciphers: undefined, ...next });
      settings.tlsFault = fault;
    }
    if (c.tls !== undefined) {
      settings.tls = c.tls;
      Object.assign(serverOptions(smtp), { disabledCommands: c.tls === 'off' ? ['AUTH', 'STARTTLS'] : ['AUTH'], hideSTARTTLS: c.tls === 'off' });
    }
    if (c.size !== undefined) {
      size = c.size;
      settings.size = c.size;
      settings.sizeGiven = true;
      serverOptions(smtp).size = c.size > 0 ? c.size : undefined;
    }
  };

  return {
    name: o.name,
    host,
    port: address.port,
    connections: publics,
    reconfigure,
    setListening: (on) => setListening(listener, on, { host, port: address.port }, () => [...[...live].map((st) => ({ destroy: () => st.destroy() })), ...sockets]),
    byRemotePort: (port) => {
      for (let i = publics.length - 1; i >= 0; i--) if (publics[i].remotePort === port) return publics[i];
      return undefined;
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/**
 * The TLS material and limits of a receiver with `fault`: the certificate made for it, and for
 * `tls1.0-only` a context that speaks TLS 1.0 and nothing else (security level 0, as an old server's
 * OpenSSL would). `handshake-abort` is not a context: the connection closes when the ClientHello comes.
 */
async function tlsOptions(certs: RunCertificates, fault: TlsFault): Promise<Record<string, unknown>> {
  // certificates read from files (no run CA key): the faulty certificate is the file itself
  const pair = isCertFault(fault) && !certs.caKey ? { key: certs.key, cert: certs.cert } : await faultCertificate(certs, fault);
  const chain = { key: pair.key, cert: presentedChain(certs, pair) };
  if (fault === 'tls1.0-only') return { ...chain, minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' };
  return chain;
}
