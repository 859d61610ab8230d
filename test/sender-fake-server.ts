/** A tiny scripted SMTP server for the sender tests (plain net/tls, not the receiver actor). */
import net from 'node:net';
import tls from 'node:tls';

export interface FakeSmtpOptions {
  /** greeting; null = never say anything */
  banner?: string | null;
  /** EHLO reply lines before TLS */
  ehlo?: string[];
  /** EHLO reply lines inside TLS */
  ehloAfterTls?: string[];
  helo?: string;
  /** reply to STARTTLS; a 220 starts the handshake (needs `tls`) */
  starttls?: string;
  tls?: { key: string; cert: string };
  mail?: string;
  rcpt?: string;
  data?: string;
  /** reply to the end-of-data dot */
  eod?: string;
  /** send a TCP RST once this many message bytes have arrived */
  resetAfterBodyBytes?: number;
  /** answer STARTTLS with 220, then close instead of doing the handshake */
  breakTls?: boolean;
}

export interface FakeSession {
  commands: string[];
  tls: boolean;
  /** first 1 MiB of the message as received (dot-unstuffed), CRLF line ends */
  message: string;
  messageBytes: number;
  accepted: boolean;
  /** the client's port, as seen by the server */
  remotePort?: number;
}

export interface FakeSmtp {
  port: number;
  sessions: FakeSession[];
  /** resolves once every accepted connection has closed (a client that leaks its socket hangs it) */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const KEEP = 1024 * 1024;

export async function startFakeSmtp(o: FakeSmtpOptions = {}): Promise<FakeSmtp> {
  const sockets = new Set<net.Socket>();
  const sessions: FakeSession[] = [];
  const waiters: Array<() => void> = [];
  const server = net.createServer((raw) => {
    sockets.add(raw);
    raw.on('close', () => {
      sockets.delete(raw);
      if (sockets.size === 0) for (const w of waiters.splice(0)) w();
    });
    raw.on('error', () => {});
    raw.setNoDelay(true);
    const s: FakeSession = { commands: [], tls: false, message: '', messageBytes: 0, accepted: false, remotePort: raw.remotePort };
    sessions.push(s);
    let sock: net.Socket = raw;
    let buf = '';
    let inData = false;
    const say = (text: string) => sock.writable && sock.write(text.endsWith('\r\n') ? text : `${text}\r\n`);
    const lines = (list: string[]) => say(list.join('\r\n'));
    const onData = (chunk: Buffer) => {
      buf += chunk.toString('latin1');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).replace(/\r$/, '');
        buf = buf.slice(nl + 1);
        if (inData) {
          if (line === '.') {
            inData = false;
            const reply = o.eod ?? '250 2.0.0 Ok: queued as FAKE1';
            s.accepted = reply.startsWith('2');
            say(reply);
            continue;
          }
          s.messageBytes += line.length + 2;
          if (s.message.length < KEEP) s.message += (line.startsWith('..') ? line.slice(1) : line) + '\r\n';
          if (o.resetAfterBodyBytes !== undefined && s.messageBytes >= o.resetAfterBodyBytes) {
            raw.resetAndDestroy();
            return;
          }
          continue;
        }
        s.commands.push(line);
        if (command(line) === false) return;
      }
    };
    const command = (line: string): boolean | void => {
      const verb = line.split(/[ :]/)[0].toUpperCase();
      if (verb === 'EHLO') return void lines(s.tls ? (o.ehloAfterTls ?? ['250-fake.example', '250 PIPELINING']) : (o.ehlo ?? ['250-fake.example', '250-PIPELINING', '250 8BITMIME']));
      if (verb === 'HELO') return void say(o.helo ?? '250 fake.example');
      if (verb === 'MAIL') return void say(o.mail ?? '250 2.1.0 Ok');
      if (verb === 'RCPT') return void say(o.rcpt ?? '250 2.1.5 Ok');
      if (verb === 'DATA') {
        const reply = o.data ?? '354 End data with <CR><LF>.<CR><LF>';
        inData = reply.startsWith('354');
        return void say(reply);
      }
      if (verb === 'QUIT') {
        say('221 2.0.0 Bye');
        sock.end();
        return false;
      }
      if (verb === 'STARTTLS') {
        const reply = o.starttls ?? (o.tls || o.breakTls ? '220 2.0.0 Ready to start TLS' : '500 #5.5.1 command not recognized');
        say(reply);
        if (reply.startsWith('220') && o.breakTls) {
          raw.end();
          return false;
        }
        if (!reply.startsWith('220') || !o.tls) return;
        raw.removeListener('data', onData);
        const secure = new tls.TLSSocket(raw, { isServer: true, key: o.tls.key, cert: o.tls.cert });
        secure.on('error', () => raw.destroy());
        secure.on('secure', () => (s.tls = true));
        secure.on('data', onData);
        sock = secure;
        buf = '';
        return false;
      }
      say('502 5.5.2 Error: command not recognized');
    };
    raw.on('data', onData);
    if (o.banner !== null) say(o.banner ?? '220 fake.example ESMTP');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    sessions,
    idle: () => new Promise<void>((resolve) => (sockets.size === 0 ? resolve() : waiters.push(resolve))),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
