import net from 'node:net';
import tls from 'node:tls';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { startFirewall } from '../src/actors/firewall/index.js';
import { monotonicClock } from '../src/model/clock.js';
import { client, closes, expectValidReplies, FW_IDLE_MS, normalSession, Raw, send, stacksStoppedAfterEach, within } from './helpers/hostile.js';
import { testCerts } from './receiver-helpers.js';

// Hostile input, part 2: a server that resets, TLS cut mid-handshake, a client that pipelines past QUIT.

const DEVICES = ['asa 9.12(4)', 'pix 6.3(5)', 'pix 7.2(2)'];

const setup = stacksStoppedAfterEach();

describe('a persona after QUIT', () => {
  it('discards and only counts what the client pipelines after it', async () => {
    const s = await setup('none', 'postfix');
    const c = await Raw.connect(s.rcv.port);
    await c.until((t) => t.includes('\r\n'));
    await c.write(Buffer.concat([Buffer.from('NOOP\r\nQUIT\r\n'), Buffer.from('NOOP\r\n'.repeat(200_000))]));
    await closes(c);
    await within(s.rcv.connections[0].closed, 5000, 'the receiver to close');
    const seen = s.rcv.connections[0].recorder.entries.map((e) => e.text);
    expect(seen).toContain('221 2.0.0 Bye');
    expect(seen.length).toBeLessThan(70_000);
    if (seen.length > 5 + 1) expect(seen.at(-1)).toMatch(/^<\d+ bytes after the server closed, discarded>$/);
    await s.healthy();
  });
});

/** A plain upstream that resets: after a partial reply to RSET, and on a `BOOM` line inside DATA. */
async function resettingServer(): Promise<{ port: number; close(): Promise<void> }> {
  const socks = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    socks.add(sock);
    sock.on('error', () => undefined).on('close', () => socks.delete(sock));
    let buf = '';
    let data = false;
    sock.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0 && !sock.destroyed) {
        const line = buf.slice(0, i).replace(/\r$/, '');
        buf = buf.slice(i + 1);
        if (data) {
          if (line === 'BOOM') sock.resetAndDestroy();
          else if (line === '.') (data = false), sock.write('250 accepted\r\n');
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'RSET') sock.write('250-partial', () => sock.resetAndDestroy());
        else if (verb === 'DATA') (data = true), sock.write('354 go ahead\r\n');
        else if (verb === 'QUIT') sock.end('221 bye\r\n');
        else sock.write('250 ok\r\n');
      }
    });
    sock.write('220 rst.example ESMTP\r\n');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const x of socks) x.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

describe.each(DEVICES)('%s in front of a server that resets', (device) => {
  it('passes the reset on, mid-reply and mid-DATA, and keeps serving', async () => {
    const srv = await resettingServer();
    const fw = await startFirewall({ name: 'fw', device, clock: monotonicClock(), upstream: { host: '127.0.0.1', port: srv.port }, idleTimeoutMs: FW_IDLE_MS });
    try {
      const a = await Raw.connect(fw.port);
      await a.until((t) => t.includes('\r\n'));
      await send(a, 'HELO rst.example\r\n');
      await a.write('RSET\r\n');
      await closes(a);
      expectValidReplies(a.text, true);
      const b = await Raw.connect(fw.port);
      await b.until((t) => t.includes('\r\n'));
      for (const l of ['HELO rst.example', 'MAIL FROM:<a@rst.example>', 'RCPT TO:<b@example.com>', 'DATA']) await send(b, `${l}\r\n`);
      await b.write('Subject: x\r\n\r\nBOOM\r\n');
      await closes(b);
      expectValidReplies(b.text);
      await within(normalSession(fw.port), 5000, 'a normal session');
      await within(Promise.all(fw.connections.map((c) => c.closed)), 5000, 'every connection to close');
      // mid-DATA the RST reaches the client as an RST (mid-reply the kernel may report a plain close)
      expect(fw.connections[1].serverHop.entries.map((e) => e.text)).toContain('<upstream error: ECONNRESET>');
      expect((await b.closed).reset).toBe(true);
    } finally {
      await within(fw.stop(), 1000, 'stop()');
      await srv.close();
    }
  });
});

describe('asa 9.12(4) with allow-tls in front of asyncos', () => {
  const config = 'policy-map type inspect esmtp _default_esmtp_map\n parameters\n  allow-tls\n';
  it('client resets mid-handshake and mid-TLS-session', async () => {
    const s = await setup('asa 9.12(4)', 'asyncos', config);
    for (const cut of ['hello', 'session'] as const) {
      const c = await client(s);
      await send(c, 'EHLO tls.example\r\n');
      expect(c.text).toContain('250 STARTTLS');
      await send(c, 'STARTTLS\r\n');
      expect(c.text).toContain('220 Go ahead with TLS');
      if (cut === 'hello') {
        await c.write(Buffer.from('160301020001', 'hex')); // the first bytes of a ClientHello
      } else {
        const t = tls.connect({ socket: c.socket, ca: (await testCerts()).ca, servername: 'esa.example.com' });
        await once(t, 'secureConnect');
        t.write('EHLO inside.example\r\nMAIL FROM:<a@x');
        await once(t, 'data');
      }
      c.socket.resetAndDestroy();
    }
    await s.healthy();
  });
});


describe('a reset while the firewall forwards a FIN', () => {
  it('closes both sockets (a reset refused mid-shutdown once left the upstream socket open forever)', async () => {
    // an upstream that talks and never reads: what the client sends stays queued in the firewall
    const sockets: net.Socket[] = [];
    const upstream = net.createServer({ allowHalfOpen: true }, (s) => {
      sockets.push(s);
      s.pause();
      s.on('error', () => undefined);
      s.write('220 quiet.example.com ESMTP\r\n');
      const talk = setInterval(() => (s.destroyed ? clearInterval(talk) : s.write('250-still talking\r\n')), 10);
    });
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    const fw = await startFirewall({ name: 'fw', device: 'none', clock: monotonicClock(), upstream: { host: '127.0.0.1', port: (upstream.address() as net.AddressInfo).port } });
    try {
      const c = await Raw.connect(fw.port);
      await c.until((t) => t.includes('220'));
      // more than the socket buffers hold, then a FIN: the firewall's FIN upstream waits behind the queue
      c.socket.write(Buffer.alloc(16 * 1024 * 1024, 'NOOP\r\n'));
      c.socket.end();
      await new Promise((r) => setTimeout(r, 300));
      // the reset makes the firewall's next write to the client fail: it resets both sides
      c.socket.resetAndDestroy();
      await within(fw.connections[0].closed, 5000, 'the firewall connection to close after the client reset');
    } finally {
      await within(fw.stop(), 5000, 'stop()');
      for (const s of sockets) s.destroy();
      upstream.close();
    }
  });
});
