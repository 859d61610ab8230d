import net from 'node:net';
import tls from 'node:tls';
import { monotonicClock } from '../src/model/clock.js';
import { startReceiver, type ReceiverOptions, type StartedReceiver } from '../src/actors/receiver/index.js';
import { generateRunCertificates, type RunCertificates } from '../src/tls/certs.js';

let certs: Promise<RunCertificates> | undefined;
/** One certificate per test file (EC, a few ms). */
export const testCerts = () => (certs ??= generateRunCertificates(['esa.example.com', 'mx.example.com']));

export async function receiver(o: Partial<ReceiverOptions> & Pick<ReceiverOptions, 'persona'>): Promise<StartedReceiver> {
  return startReceiver({ name: 'esa', hostname: 'esa.example.com', tls: 'preferred', certs: await testCerts(), clock: monotonicClock(), ...o });
}

/** A raw SMTP client over a socket: exact bytes in, exact lines out, every wait bounded. */
export class Wire {
  private buf = '';
  private waiters: Array<() => void> = [];
  private ended = false;

  private constructor(public socket: net.Socket) {
    this.attach(socket);
  }

  static async connect(port: number): Promise<Wire> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new Wire(socket);
  }

  private attach(s: net.Socket): void {
    s.on('data', (d: Buffer) => {
      this.buf += d.toString('latin1');
      this.wake();
    });
    s.on('error', () => undefined);
    s.on('close', () => {
      this.ended = true;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private async until<T>(take: () => T | undefined, ms: number, what: string): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = take();
      if (v !== undefined) return v;
      if (this.ended) throw new Error(`connection closed while waiting for ${what}; got ${JSON.stringify(this.buf)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timeout waiting for ${what}; got ${JSON.stringify(this.buf)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Reads one complete reply (all its lines, without CRLF). */
  reply(ms = 2000): Promise<string[]> {
    return this.until(
      () => {
        const lines: string[] = [];
        let pos = 0;
        for (;;) {
          const nl = this.buf.indexOf('\r\n', pos);
          if (nl < 0) return undefined;
          const line = this.buf.slice(pos, nl);
          lines.push(line);
          pos = nl + 2;
          if (line[3] !== '-') {
            this.buf = this.buf.slice(pos);
            return lines;
          }
        }
      },
      ms,
      'a reply',
    );
  }

  /** The raw bytes received and not yet consumed. */
  rest(): string {
    return this.buf;
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends a line (CRLF added) and returns the reply. */
  async cmd(line: string): Promise<string[]> {
    this.write(`${line}\r\n`);
    return this.reply();
  }

  /** Waits for the server to close the connection. */
  async closedByServer(ms = 2000): Promise<void> {
    await this.until(() => (this.ended ? true : undefined), ms, 'close').catch((e) => {
      if (!this.ended) throw e;
    });
  }

  /** STARTTLS already answered 220: handshake over the same socket, trusting `ca`. */
  async upgrade(ca: string, servername = 'esa.example.com'): Promise<tls.TLSSocket> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    const secure = tls.connect({ socket: plain, ca, servername });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure);
    return secure;
  }

  close(): void {
    this.socket.destroy();
  }
}
