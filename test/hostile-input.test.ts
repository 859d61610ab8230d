import { afterAll, describe, expect, it } from 'vitest';
import type { PersonaName } from '../src/actors/receiver/index.js';
import { MAX_ENTRIES } from '../src/smtp/transcript.js';
import { client, closes, expectValidReplies, FW_IDLE_MS, prng, randomBytes, send, stacksStoppedAfterEach, within, type Stack } from './helpers/hostile.js';

// Hostile input over real sockets: a client → startFirewall → startReceiver. After each case the
// client got only well-formed replies (or a clean close), the stack still serves a normal session,
// every connection is gone and stop() resolves promptly (Stack.healthy).

const DEVICES = ['asa 9.12(4)', 'pix 6.3(5)', 'pix 7.2(2)'];
const PERSONAS: PersonaName[] = ['asyncos', 'postfix'];
const MB = 1024 * 1024;
const rss: Record<string, number> = {};

const setup = stacksStoppedAfterEach();

/** Peak RSS growth while `fn` runs, sampled every 10 ms. */
async function peakRss<T>(fn: () => Promise<T>): Promise<number> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  try {
    await fn();
  } finally {
    clearInterval(t);
  }
  return Math.max(peak, process.memoryUsage().rss) - base;
}


async function longLine(s: Stack, size: number): Promise<number> {
  return peakRss(async () => {
    const c = await client(s);
    await c.write(Buffer.alloc(size, 0x41));
    await closes(c);
    expectValidReplies(c.text);
  });
}

async function bigHeader(s: Stack, size: number): Promise<number> {
  return peakRss(async () => {
    const c = await client(s);
    for (const l of ['HELO big.example', 'MAIL FROM:<a@big.example>', 'RCPT TO:<b@example.com>', 'DATA']) await send(c, `${l}\r\n`);
    await send(c, Buffer.concat([Buffer.from('Subject: '), Buffer.alloc(size, 0x61), Buffer.from('\r\n\r\nbody\r\n.\r\n')]));
    await c.write('QUIT\r\n');
    await closes(c);
    expectValidReplies(c.text);
  });
}

describe.each(DEVICES.flatMap((d) => PERSONAS.map((p) => [d, p] as const)))('%s in front of %s', (device, persona) => {
  it('seeded random bytes', async () => {
    const s = await setup(device, persona);
    for (const seed of [1, 2, 3, 4]) {
      const rand = prng(seed * 7919 + device.length);
      const c = await client(s);
      for (let i = 0; i < 16 && !c.socket.destroyed; i++) await c.write(randomBytes(rand, 1 + Math.floor(rand() * 4096)));
      await c.write('\r\nQUIT\r\n');
      await closes(c);
      expectValidReplies(c.text);
    }
    await s.healthy();
  });

  it('a 1 MB line without CRLF', async () => {
    const s = await setup(device, persona);
    rss[`${device}/${persona} 1MB line`] = await longLine(s, MB);
    await s.healthy();
  });

  it('a 10 MB line without CRLF: RSS stays bounded', async () => {
    const s = await setup(device, persona);
    const d = await longLine(s, 10 * MB);
    rss[`${device}/${persona} 10MB line`] = d;
    expect(d).toBeLessThan(100 * MB);
    await s.healthy();
  });

  it('a 10 MB header line inside DATA: RSS stays bounded', async () => {
    const s = await setup(device, persona);
    const d = await bigHeader(s, 10 * MB);
    rss[`${device}/${persona} 10MB header`] = d;
    expect(d).toBeLessThan(100 * MB);
    await s.healthy();
  });

  it('bare LF and NUL bytes in commands and in the message', async () => {
    const s = await setup(device, persona);
    const c = await client(s);
    for (const l of ['HELO lf.example\n', 'NOOP\n', '\0\0\0\0\r\n', 'HELO a\0b\r\n', 'NOOP\0\r\n', 'MAIL FROM:<a\0@lf.example>\r\n', 'RSET\r\n']) {
      if (!c.socket.destroyed) await send(c, l);
    }
    if (!c.socket.destroyed) {
      for (const l of ['HELO lf.example\r\n', 'MAIL FROM:<a@lf.example>\r\n', 'RCPT TO:<b@example.com>\r\n', 'DATA\r\n']) await send(c, l);
      await send(c, 'Subject: bare\nX-Nul: a\0b\n\nbody\n.\nmore\0\r\n.\r\n');
      await c.write('QUIT\r\n');
    }
    await closes(c);
    expectValidReplies(c.text);
    await s.healthy();
  });

  it('a flood of 10 000 pipelined NOOPs, then EHLO: every reply arrives, the EHLO reply is still masked', async () => {
    const s = await setup(device, persona);
    const c = await client(s);
    await c.write('NOOP\r\n'.repeat(10_000) + 'EHLO flood.example\r\nQUIT\r\n');
    await within(c.closed, 20_000, 'the flood to be answered');
    expectValidReplies(c.text);
    const finals = c.text.split('\r\n').filter((l) => /^\d{3} /.test(l));
    expect(finals.filter((l) => /^250 /.test(l)).length).toBeGreaterThanOrEqual(10_000);
    expect(finals.at(-1)).toMatch(/^221 /);
    expect(c.text).not.toContain('STARTTLS');
    await s.healthy();
  });

  it('a 10 MB flood of bare LFs: transcripts stay bounded, the receiver discards what follows its 421', async () => {
    const s = await setup(device, persona);
    const d = await peakRss(async () => {
      const c = await client(s);
      await c.write(Buffer.alloc(10 * MB, 0x0a));
      await within(c.closed, 15_000, 'the flood to end');
      expectValidReplies(c.text);
    });
    rss[`${device}/${persona} 10MB of LF`] = d;
    expect(d).toBeLessThan(400 * MB); // garbage collected lazily; 10M transcript lines were +780 MB
    await within(s.fw.connections[0].closed, 5000, 'the flood connection to close');
    expect(s.fw.connections[0].clientHop.entries.length).toBeLessThanOrEqual(MAX_ENTRIES + 10);
    const seen = s.rcv.connections[0].recorder.entries.map((e) => e.text);
    expect(seen.length).toBeLessThan(70_000); // the lines of the read that held the 421's cause, no more
    await s.healthy();
  });

  it('a slow client, one byte per write', async () => {
    const s = await setup(device, persona);
    const c = await client(s);
    for (const b of Buffer.from('HELO slow.example\r\nNOOP\r\nQUIT\r\n')) {
      await c.write(Buffer.from([b]));
      await new Promise((r) => setTimeout(r, 2)); // slowness is the input here, not a synchronisation
    }
    await closes(c);
    expectValidReplies(c.text);
    expect(c.replies()).toBeGreaterThanOrEqual(2);
    await s.healthy();
  });

  it('client resets mid-command, mid-DATA and after STARTTLS mid-handshake', async () => {
    const s = await setup(device, persona);
    const a = await client(s);
    await a.write('MAIL FROM:<a@rst.exa');
    a.socket.resetAndDestroy();
    const b = await client(s);
    for (const l of ['HELO rst.example', 'MAIL FROM:<a@rst.example>', 'RCPT TO:<b@example.com>', 'DATA']) await send(b, `${l}\r\n`);
    await b.write('Subject: cut\r\n\r\npartial bo');
    b.socket.resetAndDestroy();
    const t = await client(s);
    await send(t, 'EHLO rst.example\r\n');
    await send(t, 'STARTTLS\r\n');
    await t.write(Buffer.from('16030100050100000100', 'hex')); // a truncated ClientHello
    t.socket.resetAndDestroy();
    await s.healthy();
  });

  it('stop() with hostile sessions still open: an idle one, one mid-DATA, one mid-way through a 10 MB line', async () => {
    const s = await setup(device, persona);
    const idle = await client(s);
    const data = await client(s);
    for (const l of ['HELO stop.example', 'MAIL FROM:<a@stop.example>', 'RCPT TO:<b@example.com>', 'DATA']) await send(data, `${l}\r\n`);
    await data.write('Subject: open\r\n\r\nstill writing');
    const long = await client(s);
    void long.write(Buffer.alloc(10 * MB, 0x42));
    const t0 = performance.now();
    await within(Promise.all([s.fw.stop(), s.rcv.stop()]), 1000, 'stop()');
    expect(performance.now() - t0).toBeLessThan(1000);
    await within(Promise.all([idle.closed, data.closed, long.closed]), 1000, 'the clients to be closed');
    await within(Promise.all([...s.fw.connections.map((c) => c.closed), ...s.rcv.connections.map((c) => c.closed)]), 1000, 'every connection to close');
  });

  it('a client that connects and says nothing is closed by the idle timeout', async () => {
    const s = await setup(device, persona);
    const c = await client(s);
    const t0 = performance.now();
    await closes(c);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(FW_IDLE_MS - 50);
    expectValidReplies(c.text);
    await s.healthy();
  });
});

afterAll(() => {
  console.log(Object.entries(rss).map(([k, v]) => `rss ${k}: +${(v / MB).toFixed(1)} MB`).join('\n'));
});
