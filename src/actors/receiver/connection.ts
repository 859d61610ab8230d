import type net from 'node:net';
import type tls from 'node:tls';
import { afterInput, beforeClose, closeSession, detachParser, idleAfterPoll, isSecure, remoteAddressOf, sessionOf, onArmTimeout, passThrough, replaceGreeting, replaceSend, replySocket, upgrading, whenWritable, wrapCommands, wrapUpgrade, type SMTPConnection } from './smtp-internals.js';
import type { Clock } from '../../model/clock.js';
import type { TlsFault } from '../../vocabulary.js';
import type { ServerView } from '../../model/result.js';
import { TranscriptRecorder } from '../../smtp/transcript.js';
import { BdatReceiver } from './bdat.js';
import type { ReceivedMessage } from './message-sink.js';
import type { Persona, Reply, ReplyContext, ReplyFn, ReplyKind, TlsMode } from './persona.js';
import { decide } from './policy.js';
import { replyKind } from './reply-kind.js';
import { ClientTap } from './transcript-tap.js';

/** Commands answered in a row before a pipelining client yields to the others. */
const PIPELINE_TURN = 32;
/** Commands kept per connection for `view()`, and the longest command text kept. */
const MAX_COMMANDS = 1000;
const MAX_COMMAND_CHARS = 1000;
/** Messages remembered per connection for `view()` (a client may send thousands on one). */
const MAX_RECEIVED = 100;

export interface PersonaSettings {
  persona: Persona;
  hostname: string;
  tls: TlsMode;
  /** `handshake-abort`: the connection closes when the ClientHello arrives (the other faults live in the TLS context) */
  tlsFault: TlsFault;
  size: number;
  sizeGiven: boolean;
  badCommandLimit: number | undefined;
  clock: Clock;
  /** messages accepted by the receiver, shared by its connections */
  messages: { count: number };
  /** record each connection's TLS key log (NSS format) for pcaps */
  keylog?: boolean;
}

/** Everything the receiver knows about one client connection. */
export class ConnectionState {
  readonly recorder: TranscriptRecorder;
  /** the client's bytes into the recorder */
  readonly tap: ClientTap;
  readonly startedAt: number;
  readonly commands: string[] = [];
  readonly closed: Promise<void>;
  accepted = false;
  headers: string[] | undefined;
  /** the messages that arrived on this connection (the last ones, bounded): size and SHA-256 as received, and their X-Mxlab-Message id */
  readonly received: { id?: string; size: number; sha256: string }[] = [];
  /** the TLS socket once STARTTLS began */
  tlsSocket: tls.TLSSocket | undefined;
  /** NSS key log lines of the session's TLS, when the receiver records them */
  keylog: string[] | undefined;
  secure = false;
  bad = 0;
  verb = '';
  line = '';
  address = '';
  messageNumber = 0;
  /** octets of the BDAT chunk or message being answered */
  bytes = 0;
  /** the server closed the session (QUIT, 421): what the client still sends is discarded, only counted */
  closing = false;
  /** commands answered since this connection last yielded (see PIPELINE_TURN) */
  inARow = 0;
  private discarded = 0;
  private resolveClosed!: () => void;
  private ended = false;

  constructor(
    readonly id: number,
    readonly remotePort: number,
    readonly socket: net.Socket,
    clock: Clock,
    bdat: boolean,
    transcriptEntries?: number,
  ) {
    this.recorder = new TranscriptRecorder(clock, transcriptEntries === undefined ? {} : { entries: transcriptEntries, chars: transcriptEntries * 200 });
    this.tap = new ClientTap(this.recorder, bdat);
    this.startedAt = clock.now();
    this.closed = new Promise((r) => (this.resolveClosed = r));
  }

  addCommand(line: string): void {
    if (this.commands.length < MAX_COMMANDS) {
      this.commands.push(line.length > MAX_COMMAND_CHARS ? `${line.slice(0, MAX_COMMAND_CHARS)}… <${line.length} bytes>` : line);
    }
  }

  view(): ServerView {
    const last = this.received[this.received.length - 1];
    return {
      commands: [...this.commands],
      tls: this.secure,
      accepted: this.accepted,
      ...(this.headers ? { headers: [...this.headers] } : {}),
      ...(last ? { size: last.size, sha256: last.sha256 } : {}),
      ...(this.received.length > 1 ? { messages: this.received.map((r) => ({ ...r })) } : {}),
    };
  }

  /** A message arrived in full (DATA or BDAT): its size and hash as received, whether it is accepted or not. */
  receive(m: ReceivedMessage): void {
    if (!m.complete) return;
    const id = m.headers.map((h) => /^x-mxlab-message:\s*(\S+)/i.exec(h)?.[1]).find(Boolean);
    if (this.received.length >= MAX_RECEIVED) this.received.shift();
    this.received.push({ ...(id ? { id } : {}), size: m.bytes, sha256: m.sha256 });
  }

  /** A message arrived in full and within the limit: number it and keep its headers. */
  accept(m: ReceivedMessage, messages: { count: number }): void {
    this.messageNumber = ++messages.count;
    this.accepted = true;
    this.headers = m.headers;
  }

  /** Client bytes off the wire: into the transcript until the server closed the session. */
  take(d: Buffer, tls: boolean): void {
    if (this.closing) this.discarded += d.length;
    else this.tap.push(d, tls);
  }

  /** Idempotent: flushes the transcript and resolves `closed`. */
  finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.recorder.end();
    if (this.discarded) this.recorder.note('c2s', `<${this.discarded} bytes after the server closed, discarded>`, this.secure);
    this.resolveClosed();
  }

  /** Tears the connection down from the top-most socket (never a TLS wrap from below). */
  destroy(): void {
    (this.tlsSocket ?? this.socket).destroy();
    this.socket.destroy();
  }
}

/** smtp-server's own reply format, enhanced status codes being switched off. */
function plain(code: number, data: string | string[] | null | undefined): string[] {
  if (Array.isArray(data)) return data.map((l, i) => `${code}${i < data.length - 1 ? '-' : ' '}${l}`);
  return [data ? `${code} ${data}` : `${code}`];
}

/** smtp-server-style texts for replies the engine makes itself (BDAT) when a persona has none. */
const FALLBACK: Partial<Record<ReplyKind, ReplyFn>> = {
  chunkOk: (c) => `250 OK: ${c.bytes} bytes received`,
  accepted: () => '250 OK: message queued',
  sizeExceeded: (c) => `552 Error: message exceeds fixed maximum message size ${c.size}`,
  needMail: () => '503 Error: need MAIL command',
  needRcpt: () => '503 Error: need RCPT command',
  bdatSyntax: () => '501 Error: syntax: BDAT size [LAST]',
};

/** Keeps a reply line a single line: control characters other than TAB become spaces. */
// eslint-disable-next-line no-control-regex
const unsplit = (l: string) => l.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, ' ');

/**
 * Puts the persona layer on one smtp-server connection, on the instance only: greeting,
 * command pre-handling (unknown verbs, bad-command limit, TLS-required gate, HELP, unimplemented
 * verbs), reply texts, and the transcript of what went over the wire.
 */
export function applyPersona(conn: SMTPConnection, st: ConnectionState, s: PersonaSettings): void {
  const { persona } = s;
  const ctx = (): ReplyContext => ({
    hostname: s.hostname,
    size: s.size,
    sizeGiven: s.sizeGiven,
    tls: s.tls,
    secure: isSecure(conn),
    remoteAddress: remoteAddressOf(conn),
    line: st.line,
    verb: st.verb,
    address: st.address,
    messageNumber: st.messageNumber,
    bytes: st.bytes,
    now: new Date(),
  });

  const emit = (reply: Reply, close = false): void => {
    const lines = (typeof reply === 'string' ? [reply] : reply).map(unsplit);
    const payload = lines.join('\r\n');
    const code = Number(payload.slice(0, 3));
    if (code >= 400) sessionOf(conn).error = payload;
    const socket = replySocket(conn);
    // writable, not readyState 'open': after a client's half-close the socket is 'writeOnly' and still owes replies
    if (!upgrading(conn) && !socket.destroyed && socket.writable) {
      // replies to pipelined commands leave in one write, like an MTA that flushes its output
      // once no more input is buffered (Postfix's smtpd); not across STARTTLS (see upgrade below)
      if (!socket.writableCorked) {
        socket.cork();
        process.nextTick(() => socket.uncork());
      }
      socket.write(`${payload}\r\n`);
      st.recorder.push('s2c', `${payload}\r\n`, isSecure(conn));
    }
    if (close || code === 421) closeSession(conn);
  };

  const replyWith = (kind: ReplyKind): void => {
    const fn = persona.replies[kind] ?? FALLBACK[kind] ?? persona.replies.unknown;
    emit(fn(ctx()));
  };
  const bdat = new BdatReceiver(conn, {
    size: s.size,
    reply: (kind, bytes) => {
      st.bytes = bytes;
      replyWith(kind);
    },
    accepted: (m) => st.accept(m, s.messages),
    received: (m) => st.receive(m),
  });
  void st.closed.then(() => bdat.abort());

  // after QUIT or a 421 smtp-server reads on and discards until the client leaves: so does the transcript
  beforeClose(conn, () => (st.closing = true));

  replaceGreeting(conn, () => emit(persona.replies.banner(ctx())));

  replaceSend(conn, (code, data) => {
    const text = Array.isArray(data) ? data.join('\n') : (data ?? '');
    const kind = replyKind(st.verb, code, text);
    const fn = kind ? persona.replies[kind] : undefined;
    // a 421 from smtp-server always ends the session, whatever code the persona answers with
    emit(fn ? fn(ctx()) : plain(code, data), code === 421);
  });

  wrapCommands(conn, (command, given, onCommand) => {
    // The client is gone: what it pipelined is dropped, not answered into a closed socket (a
    // hostile client that sends 100 000 NOOPs and leaves would otherwise keep the server busy).
    if ((st.tlsSocket ?? st.socket).destroyed) return;
    // A client that pipelines thousands of commands shares the server with the others: after
    // PIPELINE_TURN commands in a row the next waits for a turn of the event loop.
    const callback = given && (() => (++st.inARow < PIPELINE_TURN ? given() : ((st.inARow = 0), setImmediate(given))));
    if (passThrough(conn)) return onCommand(command, callback);
    const line = command.toString('latin1');
    st.addCommand(line);
    st.line = line;
    st.verb = (line.split(' ')[0] ?? '').toUpperCase();
    st.address = /<([^<>]*)>/.exec(line)?.[1] ?? '';
    const verdict = decide(persona, st.verb, s.tls, isSecure(conn));
    const next = callback ?? (() => undefined);
    if (verdict.action === 'pass' && st.verb === 'BDAT') {
      if (!bdat.command(line, () => whenWritable(conn, next))) {
        replyWith('bdatSyntax');
        setImmediate(() => whenWritable(conn, next));
      }
      return;
    }
    if (verdict.action === 'pass') return onCommand(command, callback);
    if (verdict.bad && s.badCommandLimit !== undefined && ++st.bad > s.badCommandLimit) {
      const limit = persona.replies.badCommandLimit;
      return emit(limit ? limit(ctx()) : '421 Too many bad commands', true);
    }
    replyWith(verdict.kind);
    setImmediate(() => whenWritable(conn, next));
  });

  // A client that half-closes still gets every reply: Exim pipelines QUIT right behind its last BDAT chunk and
  // shuts its write side. The sockets stay writable after its FIN (allowHalfOpen, the server's option; the TLS
  // socket of STARTTLS inherits it), and once the commands it sent are answered the session ends, as
  // Postfix's smtpd ends one at EOF ("lost connection after …"; after QUIT it has ended already).
  const endOfInput = (socket: net.Socket) => () => {
    // a FIN in the middle of the TLS handshake: nothing more can come, and no reply is owed
    if (upgrading(conn)) return void socket.destroy();
    afterInput(conn, () => closeSession(conn));
  };
  st.socket.once('end', endOfInput(st.socket));

  idleAfterPoll(conn);

  // STARTTLS: the TLS socket is armed with the idle timeout right after it is created
  onArmTimeout(conn, (socket) => {
    if (socket && socket !== st.socket && !st.tlsSocket) {
      st.tlsSocket = socket as tls.TLSSocket;
      // (it takes allowHalfOpen from the plain socket it wraps: close_notify and FIN end its input, not the session)
      st.tlsSocket.once('end', endOfInput(st.tlsSocket));
      // the TLS socket was made this tick: no key exists yet
      if (s.keylog) st.tlsSocket.on('keylog', (line: Buffer) => (st.keylog ??= []).push(line.toString('latin1').trimEnd()));
    }
  });
  // upgrade() strips the plain socket's listeners (our transcript tap among them); keep `closed` working
  wrapUpgrade(conn, (callback, secureCallback, upgrade) => {
    // the 220 goes out before the first handshake byte: TLS writes bypass the socket's buffer
    while (st.socket.writableCorked) st.socket.uncork();
    if (s.tlsFault === 'handshake-abort') return abortHandshake(conn, st, callback);
    upgrade(callback, secureCallback);
    st.recorder.note('c2s', '<TLS handshake>');
    st.socket.once('close', () => st.finish());
    st.socket.on('error', () => undefined);
  });
}

/**
 * `tls-fault: handshake-abort`: after the 220 to STARTTLS the server reads the ClientHello and
 * closes the connection without answering it (a TLS stack that gives up on the client's hello).
 */
function abortHandshake(conn: SMTPConnection, st: ConnectionState, callback: () => void): void {
  const raw = st.socket;
  detachParser(conn, raw); // nothing the client sends is a command any more
  raw.removeAllListeners('data');
  st.recorder.note('c2s', '<TLS handshake>');
  raw.once('data', (d: Buffer) => {
    st.recorder.note('c2s', `<TLS ClientHello ${d.length} bytes>`);
    st.recorder.note('s2c', '<tls-fault handshake-abort: connection closed after the ClientHello>');
    raw.destroy();
  });
  raw.resume(); // unpipe left the socket paused
  setImmediate(callback);
}

/** Called from the server's onSecure: the session is encrypted from here on; tap the clear text. */
export function onSecured(st: ConnectionState, socket: tls.TLSSocket): void {
  st.secure = true;
  st.tlsSocket = socket;
  const cipher = socket.getCipher();
  st.recorder.note('c2s', `<TLS established ${socket.getProtocol() ?? ''} ${cipher?.name ?? ''}>`.trim(), true);
  socket.on('data', (d: Buffer) => st.take(d, true));
  socket.once('close', () => st.finish());
}
