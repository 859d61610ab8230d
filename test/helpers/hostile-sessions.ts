import net from 'node:net';
import tls from 'node:tls';
import { prng, randomBytes } from './hostile.js';

/**
 * Hostile SMTP clients for servers that must keep running and still stop on a signal: each kind
 * is one session; `stalled` and `half-closed` sessions are left open (up to `keepOpen`) so the
 * server is signalled with them still there.
 */
export const HOSTILE_KINDS = ['random-bytes', 'reset-mid-command', 'reset-mid-data', 'reset-mid-tls', 'stalled-reader', 'slow-reader', 'half-closed'] as const;
export type HostileKind = (typeof HOSTILE_KINDS)[number];

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class HostileClients {
  private readonly rand: () => number;
  /** sessions left open on purpose (stalled readers, half-closed sockets), the oldest closed past keepOpen */
  readonly open: net.Socket[] = [];

  constructor(
    private readonly port: number,
    seed = 1,
    private readonly keepOpen = 100,
  ) {
    this.rand = prng(seed);
  }

  /** Runs `n` sessions of `kind`, `concurrency` at a time; resolves when each has done its harm. */
  async run(kind: HostileKind, n: number, concurrency = 50): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < n) {
        next++;
        await this.session(kind).catch(() => undefined);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  }

  /** Closes every session left open. */
  close(): void {
    for (const s of this.open.splice(0)) s.destroy();
  }

  private keep(s: net.Socket): void {
    this.open.push(s);
    if (this.open.length > this.keepOpen) this.open.shift()!.destroy();
  }

  private connect(): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const s = net.connect(this.port, '127.0.0.1');
      s.on('error', () => undefined);
      s.once('connect', () => resolve(s));
      s.once('close', () => reject(new Error('closed before connecting')));
    });
  }

  private async session(kind: HostileKind): Promise<void> {
    const s = await this.connect();
    switch (kind) {
      case 'random-bytes':
        s.write(randomBytes(this.rand, 1 + Math.floor(this.rand() * 4096)));
        await pause(2);
        if (this.rand() < 0.5) s.destroy();
        else s.end();
        return;
      case 'reset-mid-command':
        s.write('EHLO hostile.example\r\nMAIL FROM:<a@hostile.exa');
        await pause(2);
        s.resetAndDestroy();
        return;
      case 'reset-mid-data':
        s.write('HELO hostile.example\r\nMAIL FROM:<a@hostile.example>\r\nRCPT TO:<postmaster@example.com>\r\nDATA\r\n');
        await pause(10);
        s.write(`Subject: cut\r\n\r\n${'y'.repeat(8000)}`);
        await pause(2);
        s.resetAndDestroy();
        return;
      case 'reset-mid-tls': {
        // STARTTLS, then a handshake cut at a random point by a reset
        s.write('EHLO hostile.example\r\nSTARTTLS\r\n');
        await pause(10);
        const t = tls.connect({ socket: s, rejectUnauthorized: false });
        t.on('error', () => undefined);
        await pause(this.rand() * 15);
        s.resetAndDestroy();
        return;
      }
      case 'stalled-reader':
        // pipelines far more commands than the replies fit in the socket buffers, never reads
        s.pause();
        s.write('NOOP\r\n'.repeat(2000));
        this.keep(s);
        return;
      case 'slow-reader':
        s.pause();
        s.write('EHLO hostile.example\r\n'.repeat(2000));
        await pause(50 + this.rand() * 200);
        s.resume();
        await pause(20);
        s.destroy();
        return;
      case 'half-closed':
        s.write('EHLO hostile.example\r\nMAIL FROM:<a@hostile.example');
        s.end();
        this.keep(s);
        return;
    }
  }
}
