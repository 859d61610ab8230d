/**
 * The one file that reaches into smtp-server's internals. The persona layer needs more than the
 * documented API: its own greeting, a look at each command before smtp-server answers it, the
 * socket to write replies to, the parser for BDAT, no early-talker delay. Every member it uses is
 * named here once, in INTERNALS, and `missingInternals()` checks them against the installed
 * release (test/smtp-internals.test.ts): a release that renames or drops one fails that test
 * with the member's name, instead of personas breaking in odd ways. package.json pins smtp-server
 * to the releases checked (TESTED_WITH).
 */
import net from 'node:net';
import type tls from 'node:tls';
import { SMTPServer } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { SMTPStream } from 'smtp-server/lib/smtp-stream.js';

export { SMTPConnection };

/** The smtp-server release these internals were read from and tested with. */
export const TESTED_WITH = '3.21.6';

type Owner = 'SMTPServer' | 'SMTPConnection' | 'SMTPStream';

/** Every member of smtp-server's classes used here: a method (on the prototype) or a property (set by the constructor). */
export const INTERNALS: readonly { owner: Owner; member: string; kind: 'method' | 'property'; why: string }[] = [
  { owner: 'SMTPServer', member: 'connect', kind: 'method', why: 'replaced per instance: a connection starts without the early-talker delay' },
  { owner: 'SMTPServer', member: 'connections', kind: 'property', why: 'the set smtp-server closes on shutdown' },
  { owner: 'SMTPServer', member: 'server', kind: 'property', why: 'the net.Server: listen, close, pause accepting' },
  { owner: 'SMTPServer', member: 'options', kind: 'property', why: 'tls and size changed at run time (timeline steps, SIGHUP)' },
  { owner: 'SMTPConnection', member: '_setListeners', kind: 'method', why: 'starts reading the socket' },
  { owner: 'SMTPConnection', member: 'connectionReady', kind: 'method', why: 'sends the greeting once listening' },
  { owner: 'SMTPConnection', member: '_sendGreeting', kind: 'method', why: 'replaced: the persona banner' },
  { owner: 'SMTPConnection', member: '_onCommand', kind: 'method', why: 'wrapped: the persona sees each command first' },
  { owner: 'SMTPConnection', member: '_whenWritable', kind: 'method', why: 'resumes the parser once the socket drained' },
  { owner: 'SMTPConnection', member: '_armTimeout', kind: 'method', why: 'wrapped: finds the TLS socket STARTTLS makes; re-arms the idle timeout' },
  { owner: 'SMTPConnection', member: '_onTimeout', kind: 'method', why: 'wrapped: the idle timeout counts only real silence (checked after an I/O poll)' },
  { owner: 'SMTPConnection', member: '_resetSession', kind: 'method', why: 'ends a BDAT transaction' },
  { owner: 'SMTPConnection', member: 'send', kind: 'method', why: 'replaced: persona reply texts' },
  { owner: 'SMTPConnection', member: 'close', kind: 'method', why: 'wrapped: the transcript stops after QUIT or 421' },
  { owner: 'SMTPConnection', member: 'upgrade', kind: 'method', why: 'wrapped: STARTTLS faults and the transcript' },
  { owner: 'SMTPConnection', member: 'id', kind: 'property', why: "the session id smtp-server's callbacks name" },
  { owner: 'SMTPConnection', member: 'session', kind: 'property', why: 'the envelope (BDAT) and the last error' },
  { owner: 'SMTPConnection', member: 'secure', kind: 'property', why: 'STARTTLS done' },
  { owner: 'SMTPConnection', member: 'remoteAddress', kind: 'property', why: "the client's address in reply texts" },
  { owner: 'SMTPConnection', member: '_socket', kind: 'property', why: 'the socket replies are written to' },
  { owner: 'SMTPConnection', member: '_parser', kind: 'property', why: 'the command parser (BDAT, handshake-abort, the end of a half-closed client\'s input)' },
  { owner: 'SMTPConnection', member: '_upgrading', kind: 'property', why: 'no reply while STARTTLS runs' },
  { owner: 'SMTPConnection', member: '_nextHandler', kind: 'property', why: 'a command that continues another (AUTH) passes untouched' },
  { owner: 'SMTPConnection', member: '_ready', kind: 'property', why: 'commands before the greeting pass untouched' },
  { owner: 'SMTPConnection', member: '_transactionCounter', kind: 'property', why: 'counts a BDAT transaction' },
  { owner: 'SMTPStream', member: '_feedDataStream', kind: 'method', why: 'wrapped: takes exactly a BDAT chunk' },
  { owner: 'SMTPStream', member: '_write', kind: 'method', why: 'hands the bytes after a BDAT chunk back to command parsing' },
  { owner: 'SMTPStream', member: '_dataMode', kind: 'property', why: 'switched on for a BDAT chunk' },
];

/** The members of INTERNALS the installed smtp-server lacks (or has as another kind), each as "Owner.member (kind)". */
export function missingInternals(): string[] {
  const server = new SMTPServer({ logger: false, disableReverseLookup: true });
  const socket = new net.Socket();
  const instances: Record<Owner, object> = { SMTPServer: server, SMTPConnection: new SMTPConnection(server, socket, {}), SMTPStream: new SMTPStream() };
  const protos: Record<Owner, object> = { SMTPServer: SMTPServer.prototype, SMTPConnection: SMTPConnection.prototype, SMTPStream: SMTPStream.prototype };
  try {
    return INTERNALS.filter(({ owner, member, kind }) => {
      if (kind === 'method') return typeof (protos[owner] as Record<string, unknown>)[member] !== 'function';
      return !Object.hasOwn(instances[owner], member);
    }).map(({ owner, member, kind }) => `${owner}.${member} (${kind})`);
  } finally {
    socket.destroy();
    server.server.close();
  }
}

// ---- the accessors: the rest of the receiver uses these, never the members themselves ----

type Conn = SMTPConnection;

/** A connection on `socket`, handled by `server` (smtp-server's own connect() without its early-talker delay). */
export function newConnection(server: SMTPServer, socket: net.Socket, options: ConnectOptions): Conn {
  const conn = new SMTPConnection(server, socket, options);
  server.connections.add(conn);
  return conn;
}

/** Starts reading the connection's socket; the greeting follows. */
export function startConnection(conn: Conn): void {
  conn._setListeners(() => conn.connectionReady());
}

/** Replaces the server's connect(): `fn` gets each accepted (or TLS-wrapped) socket. */
export type ConnectOptions = Parameters<SMTPServer['connect']>[1];

export function onServerConnect(server: SMTPServer, fn: (socket: net.Socket, options: ConnectOptions) => void): void {
  server.connect = (socket, options) => fn(socket as net.Socket, options);
}

/** The net.Server smtp-server accepts on: listen, close, pause accepting. */
export function netServer(server: SMTPServer): net.Server {
  return server.server;
}

/** The server's options, read by each new connection: changed at run time (tls, size). */
export function serverOptions(server: SMTPServer): SMTPServer['options'] {
  return server.options;
}

/** smtp-server's id of the connection (the `session.id` its callbacks get). */
export function connectionId(conn: Conn): string {
  return conn.id;
}

/** The session smtp-server keeps (envelope, error), the same object its callbacks get. */
export function sessionOf(conn: Conn): Conn['session'] {
  return conn.session;
}

/** STARTTLS completed (or the port is implicit TLS). */
export function isSecure(conn: Conn): boolean {
  return conn.secure;
}

/** The client's address as smtp-server normalised it. */
export function remoteAddressOf(conn: Conn): string {
  return conn.remoteAddress;
}

/** Ends the session as smtp-server does after QUIT or a 421. */
export function closeSession(conn: Conn): void {
  conn.close();
}

/** The socket replies go to (the TLS socket after STARTTLS). */
export function replySocket(conn: Conn): net.Socket | tls.TLSSocket {
  return conn._socket;
}

/** STARTTLS is running: nothing may be written on the plain socket. */
export function upgrading(conn: Conn): boolean {
  return conn._upgrading;
}

/** The command must go to smtp-server untouched: STARTTLS running, a continuation (AUTH), or before the greeting. */
export function passThrough(conn: Conn): boolean {
  return conn._upgrading || Boolean(conn._nextHandler) || !conn._ready;
}

/**
 * `fn` runs (on a later turn) once the command parser has handled everything the client sent: its input ended
 * (the socket piped into it ended it) and every command was answered — smtp-server's parser waits for each
 * reply, a message's included, before it takes the next line. At once when the parser is gone (closed).
 */
export function afterInput(conn: Conn, fn: () => void): void {
  const p = conn._parser as SMTPStream | false;
  if (!p || p.writableFinished) return void setImmediate(fn);
  p.once('finish', () => setImmediate(fn));
}

/** Calls `next` once the reply socket can take more (smtp-server's own back-pressure). */
export function whenWritable(conn: Conn, next: () => void): void {
  conn._whenWritable(next);
}

/** The persona's greeting instead of smtp-server's. */
export function replaceGreeting(conn: Conn, greet: () => void): void {
  conn._sendGreeting = greet;
}

/** Every command line goes to `handle` first; `original` is smtp-server's own handling. */
export function wrapCommands(conn: Conn, handle: (command: Buffer, callback: (() => void) | undefined, original: (command: Buffer, callback?: () => void) => void) => void): void {
  const original = conn._onCommand.bind(conn);
  conn._onCommand = (command, callback) => handle(command, callback, original);
}

/** Replies go through `send` (smtp-server calls it with its own code and text). */
export function replaceSend(conn: Conn, send: (code: number, data?: string | string[] | null) => void): void {
  conn.send = send as Conn['send'];
}

/** `before` runs when smtp-server closes the session (QUIT, 421, errors). */
export function beforeClose(conn: Conn, before: () => void): void {
  const close = conn.close.bind(conn);
  conn.close = () => {
    before();
    close();
  };
}

/** STARTTLS's upgrade goes through `handle`; `original` is smtp-server's. */
export function wrapUpgrade(conn: Conn, handle: (callback: () => void, secureCallback: () => void, original: (callback: () => void, secureCallback: () => void) => void) => void): void {
  const original = conn.upgrade.bind(conn) as (callback: () => void, secureCallback: () => void) => void;
  conn.upgrade = ((callback: () => void, secureCallback: () => void) => handle(callback, secureCallback, original)) as Conn['upgrade'];
}

/** `seen` gets each socket smtp-server arms its idle timeout on (the TLS socket right after STARTTLS made it). */
export function onArmTimeout(conn: Conn, seen: (socket: net.Socket | tls.TLSSocket | undefined) => void): void {
  const arm = conn._armTimeout.bind(conn);
  conn._armTimeout = (socket) => {
    seen(socket as net.Socket | tls.TLSSocket | undefined);
    arm(socket);
  };
}

/**
 * smtp-server's idle timeout fires only for real silence: when the process was stalled (load, a long GC)
 * Node runs a due timer before the reads that waited in the kernel meanwhile, and a client whose command
 * had arrived got "421 Timeout". The check runs after an I/O poll (setImmediate): bytes read or written by
 * then are activity and the timeout starts again; the firewall proxy does the same (proxy.ts idleCheck).
 */
export function idleAfterPoll(conn: Conn): void {
  const onTimeout = conn._onTimeout.bind(conn);
  conn._onTimeout = () => {
    const socket = conn._socket;
    const activity = () => socket.bytesRead + socket.bytesWritten;
    const before = activity();
    setImmediate(() => {
      if (socket.destroyed || socket !== conn._socket) return;
      if (activity() === before) onTimeout();
      else conn._armTimeout(socket);
    });
  };
}

/** Stops command parsing for good (a handshake the server gives up on): the parser is unpiped, STARTTLS marked running. */
export function detachParser(conn: Conn, raw: net.Socket): void {
  if (conn._parser) raw.unpipe(conn._parser);
  conn._upgrading = true;
}

/** The end of a BDAT transaction: counted, the session reset for the next MAIL. */
export function endTransaction(conn: Conn): void {
  conn._transactionCounter++;
  conn._resetSession();
}

/** The command parser, for BDAT: switch it to data mode, take what it feeds, hand bytes back. */
export interface Parser {
  setDataMode(on: boolean): void;
  /** `take(buf, done, rest)` gets each buffer fed in data mode; `rest` is smtp-server's own feed */
  interceptFeed(take: (buf: Buffer, done: () => void, rest: (buf: Buffer, done: () => void) => void) => void): void;
  /** bytes back to command parsing */
  write(buf: Buffer, done: () => void): void;
}

const parsers = new WeakMap<SMTPStream, Parser>();

/** The connection's parser (undefined once the connection closed); the same object while the parser is. */
export function parserOf(conn: Conn): Parser | undefined {
  const p = conn._parser as SMTPStream | false;
  if (!p) return undefined;
  let parser = parsers.get(p);
  if (!parser) parsers.set(p, (parser = wrapParser(p)));
  return parser;
}

function wrapParser(p: SMTPStream): Parser {
  return {
    setDataMode: (on) => void (p._dataMode = on),
    interceptFeed(take) {
      const feed = p._feedDataStream.bind(p);
      p._feedDataStream = (buf, done) => take(buf, done, feed);
    },
    write: (buf, done) => p._write(buf, 'buffer', done),
  };
}
