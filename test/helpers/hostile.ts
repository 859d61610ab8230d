import net from 'node:net';
import { afterEach, expect } from 'vitest';
import { startFirewall, type StartedFirewall } from '../../src/actors/firewall/index.js';
import type { PersonaName, StartedReceiver } from '../../src/actors/receiver/index.js';
import { monotonicClock } from '../../src/model/clock.js';
import { receiver, Wire } from '../receiver-helpers.js';

/** mulberry32: a tiny seeded PRNG, so a failing random input can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytes(rand: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

/** Rejects when `p` takes longer than `ms`: a hang is a failure, not a stuck test. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, rej) => (t = setTimeout(() => rej(new Error(`hang: ${what} took over ${ms} ms`)), ms)))]).finally(() => clearTimeout(t));
}

/** A hostile client: raw bytes out, every byte in kept, every error swallowed, its close observed. */
export class Raw {
  private chunks: Buffer[] = [];
  private size = 0;
  private waiters: (() => void)[] = [];
  readonly closed: Promise<{ reset: boolean }>;
  private constructor(readonly socket: net.Socket) {
    let reset = false;
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      if (this.size < 4 * 1024 * 1024) this.chunks.push(d);
      this.size += d.length;
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => (reset ||= e.code === 'ECONNRESET' || e.code === 'EPIPE'));
    this.closed = new Promise((res) => socket.once('close', () => res({ reset })));
    void this.closed.then(() => this.waiters.splice(0).forEach((w) => w()));
  }
  static async connect(port: number): Promise<Raw> {
    const s = net.connect(port, '127.0.0.1');
    await new Promise<void>((res, rej) => s.once('connect', res).once('error', rej));
    return new Raw(s);
  }
  get text(): string {
    return Buffer.concat(this.chunks).toString('latin1');
  }
  write(d: string | Buffer): Promise<void> {
    return new Promise((res) => {
      if (this.socket.destroyed || !this.socket.writable) return res();
      this.socket.write(d, () => res());
    });
  }
  /** Waits until the received text satisfies `pred` (or the socket closes). */
  async until(pred: (t: string) => boolean, ms = 5000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const t = this.text;
      if (pred(t) || this.socket.destroyed) return t;
      if (Date.now() > deadline) throw new Error(`timeout; got ${JSON.stringify(t.slice(-300))}`);
      await new Promise<void>((r) => {
        const to = setTimeout(r, 100);
        this.waiters.push(() => (clearTimeout(to), r()));
      });
    }
  }
  /** Count of complete final reply lines so far. */
  replies(): number {
    return this.text.split('\r\n').filter((l) => /^\d{3}( |$)/.test(l)).length;
  }
}

/** Every line the client got is a well-formed reply line (the PIX banner keeps only 2 and 0), CRLF-terminated. */
export function expectValidReplies(text: string, allowCut = false): void {
  const lines = text.split('\r\n');
  const tail = lines.pop();
  if (!allowCut) expect(tail, 'bytes after the last CRLF').toBe('');
  const bad = lines.filter((l, i) => !(i === 0 ? /^2[0-9*]{2}[\x20-\x7e]*$/ : /^[2-5]\d\d([ -][\x20-\x7e\t]*)?$/).test(l));
  expect(bad, 'malformed reply lines').toEqual([]);
}

export interface Stack {
  fw: StartedFirewall;
  rcv: StartedReceiver;
  /** a normal session still works, then every connection is gone and both stop promptly */
  healthy(): Promise<void>;
  stop(): Promise<void>;
}

export const FW_IDLE_MS = 1000;

export async function stack(device: string, persona: PersonaName, config?: string): Promise<Stack> {
  const rcv = await receiver({ persona, idleTimeoutMs: 3000 });
  const fw = await startFirewall({ name: 'fw', device, config, clock: monotonicClock(), upstream: { host: '127.0.0.1', port: rcv.port }, idleTimeoutMs: FW_IDLE_MS });
  const stop = async () => {
    await fw.stop();
    await rcv.stop();
  };
  return {
    fw,
    rcv,
    stop,
    async healthy() {
      await within(normalSession(fw.port), 5000, 'a normal session after the hostile one');
      await within(Promise.all([...fw.connections.map((c) => c.closed), ...rcv.connections.map((c) => c.closed)]), 5000, 'every connection to close');
      const t0 = performance.now();
      await within(stop(), 1000, 'stop()');
      expect(performance.now() - t0).toBeLessThan(1000);
    },
  };
}

/** A `stack()` for a test file whose stacks are stopped after each test. */
export function stacksStoppedAfterEach(): (device: string, persona: PersonaName, config?: string) => Promise<Stack> {
  const open: Stack[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await s.stop();
  });
  return async (device, persona, config) => {
    const s = await stack(device, persona, config);
    open.push(s);
    return s;
  };
}

/** HELO, one message, QUIT: all answered, message accepted. `greetingMs`: how long the banner may take (a server still busy with a flood). */
export async function normalSession(port: number, greetingMs = 2000): Promise<void> {
  const w = await Wire.connect(port);
  try {
    expect((await w.reply(greetingMs))[0]).toMatch(/^220/);
    expect((await w.cmd('HELO client.example'))[0]).toMatch(/^250 /);
    expect((await w.cmd('MAIL FROM:<a@client.example>'))[0]).toMatch(/^250 /);
    expect((await w.cmd('RCPT TO:<b@example.com>'))[0]).toMatch(/^250 /);
    expect((await w.cmd('DATA'))[0]).toMatch(/^354 /);
    expect((await w.cmd('Subject: still alive\r\n\r\nhello\r\n.'))[0]).toMatch(/^250 /);
    expect((await w.cmd('QUIT'))[0]).toMatch(/^221 /);
    await w.closedByServer();
  } finally {
    w.close();
  }
}

export async function client(s: Stack): Promise<Raw> {
  const c = await Raw.connect(s.fw.port);
  await c.until((t) => t.includes('\r\n'));
  return c;
}

/** Sends a line and waits for one more final reply line, or the close. */
export async function send(c: Raw, line: string | Buffer): Promise<void> {
  const n = c.replies();
  await c.write(line);
  await c.until(() => c.replies() > n);
}

export const closes = (c: Raw, ms = FW_IDLE_MS + 6000) => within(c.closed, ms, 'the connection to close');
