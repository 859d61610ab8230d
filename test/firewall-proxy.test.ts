import net from 'node:net';
import tls from 'node:tls';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { startFirewall } from '../src/actors/firewall/index.js';
import { monotonicClock } from '../src/model/clock.js';
import { generateRunCertificates } from '../src/tls/certs.js';
import { ESA_EHLO, firewallBehind, lineClient } from './helpers/raw-server.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

const setup = (device: string, config?: string, tlsCert?: { key: string; cert: string }) => firewallBehind(cleanup, device, config, tlsCert);

describe('startFirewall (sockets)', () => {
  it('asa 9.12(4): the seed — banner masked, 250 XXXXXXXA, STARTTLS reaches the server as XXXXXXXX', async () => {
    const { srv, fw, sock, c, events } = await setup('asa 9.12(4)');
    expect(await c.reply()).toEqual([`220 ${'*'.repeat('esa.example.com ESMTP'.length)}`]);
    c.send('EHLO partner.example\r\n');
    expect(await c.reply()).toEqual(['250-esa.example.com', '250-8BITMIME', '250-SIZE 14680064', '250 XXXXXXXA']);
    c.send('STARTTLS\r\n');
    expect(await c.reply()).toEqual(['500 #5.5.1 command not recognized']);
    expect(srv.text()).toBe('EHLO partner.example\r\nXXXXXXXX\r\n');
    c.send('QUIT\r\n');
    await c.reply();
    const conn = fw.byClientPort(sock.localPort!)!;
    expect(conn).toBeDefined();
    await conn.closed;
    const cl = conn.clientHop.entries.map((e) => `${e.dir} ${e.text}`);
    const sv = conn.serverHop.entries.map((e) => `${e.dir} ${e.text}`);
    expect(cl).toContain('c2s STARTTLS');
    expect(cl).toContain('s2c 250 XXXXXXXA');
    expect(sv).toContain('c2s XXXXXXXX');
    expect(sv).toContain('s2c 250 STARTTLS');
    expect(conn.upstreamLocalPort).toBeGreaterThan(0);
    expect(events.map((e) => e.rule)).toEqual(['mask-banner', 'mask-ehlo-parameter', 'mask-command']);
    expect(conn.events).toEqual(events);
  });

  it('HELO a typed one byte per segment reaches the server as XXXXXX', async () => {
    const { srv, c } = await setup('asa 9.12(4)');
    await c.reply();
    for (const ch of 'HELO a\r\n') {
      const before = srv.bytes();
      c.send(ch);
      while (srv.bytes() === before) await once(srv.ev, 'data');
    }
    expect(srv.text()).toBe('XXXXXX\r\n');
    expect(await c.reply()).toEqual(['500 #5.5.1 command not recognized']);
  });

  const dkimMessage = [
    'DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel; h=From:To:Subject:Content-Type; bh=x=; b=y=',
    'From: a@example.com',
    'To: b@example.net',
    'Subject: signed',
    'Content-Type: text/plain',
    '',
    'hello',
    '.',
    '',
  ].join('\r\n');

  async function toData(c: ReturnType<typeof lineClient>) {
    await c.reply();
    c.send('HELO partner.example\r\n');
    await c.reply();
    c.send('MAIL FROM:<a@example.com>\r\n');
    await c.reply();
    c.send('RCPT TO:<b@example.net>\r\n');
    await c.reply();
    c.send('DATA\r\n');
    expect(await c.reply()).toEqual(['354 go ahead']);
  }

  it('pix 7.2(2): DKIM-signed DATA gets the connection reset', async () => {
    const { srv, sock, c, events } = await setup('pix 7.2(2)');
    await toData(c);
    const srvReset = once(srv.ev, 'sock-error');
    const err = once(sock, 'error');
    c.send(dkimMessage);
    const [e] = (await err) as [NodeJS.ErrnoException];
    expect(e.code).toBe('ECONNRESET');
    const [se] = (await srvReset) as [NodeJS.ErrnoException];
    expect(se.code).toBe('ECONNRESET');
    expect(srv.text()).not.toContain('Subject: signed');
    expect(events.at(-1)).toMatchObject({ rule: 'duplicate-header-bug', action: 'reset' });
  });

  it('asa 7.2(3): the same DKIM-signed DATA passes', async () => {
    const { srv, c } = await setup('asa 7.2(3)');
    await toData(c);
    c.send(dkimMessage);
    expect(await c.reply()).toEqual(['250 ok:  Message 1 accepted']);
    expect(srv.text()).toContain(dkimMessage);
  });

  it('allow-tls lets a real TLS handshake through and stops inspecting', async () => {
    const certs = await generateRunCertificates(['esa.example.com']);
    const config = 'policy-map type inspect esmtp _default_esmtp_map\n parameters\n  allow-tls action log\n';
    const { fw, sock, c, srv } = await setup('asa 9.x', config, certs);
    await c.reply();
    c.send('EHLO partner.example\r\n');
    expect((await c.reply()).at(-1)).toBe('250 STARTTLS');
    c.send('STARTTLS\r\n');
    expect(await c.reply()).toEqual(['220 Go ahead with TLS']);
    c.detach();
    const t = tls.connect({ socket: sock, ca: certs.ca, servername: 'esa.example.com' });
    await once(t, 'secureConnect');
    expect(t.authorized).toBe(true);
    const tc = lineClient(t);
    tc.send('EHLO partner.example\r\n');
    expect(await tc.reply()).toEqual(ESA_EHLO);
    tc.send('BDAT 1 LAST\r\n'); // not masked any more: the firewall cannot read TLS
    expect(await tc.reply()).toEqual(['500 #5.5.1 command not recognized']);
    expect(srv.text()).toContain('BDAT 1 LAST');
    t.end();
    const conn = fw.connections[0];
    await conn.closed;
    expect(conn.serverHop.entries.some((e) => e.tls && /^<TLS \d+ bytes>$/.test(e.text))).toBe(true);
    expect(conn.events.map((e) => e.rule)).toContain('allow-tls');
  });

  it('stop() is idempotent and closes open connections; an unreachable upstream closes the client', async () => {
    const { fw, sock, c } = await setup('none');
    expect(await c.reply()).toEqual(['220 esa.example.com ESMTP']);
    const closed = once(sock, 'close');
    await Promise.all([fw.stop(), fw.stop()]);
    await closed;
    await fw.stop();

    // an upstream nothing can listen on: port 0 (a listen on 0 means "any port"), so Linux refuses every connect to
    // it. A port bound and closed again could be taken by another test file's listener meanwhile (parallel workers
    // ask for ephemeral ports too): the upstream then accepted and reset, ECONNRESET instead of ECONNREFUSED
    const fw2 = await startFirewall({ name: 'fw2', device: 'asa 9.x', clock: monotonicClock(), upstream: { host: '127.0.0.1', port: 0 } });
    cleanup.push(() => fw2.stop());
    const s2 = net.connect(fw2.port, '127.0.0.1');
    const s2err = new Promise<NodeJS.ErrnoException>((r) => s2.on('error', r));
    await new Promise((r) => s2.on('close', r));
    expect((await s2err).code).toBe('ECONNRESET'); // like the real SYN → RST path
    await fw2.connections[0].closed;
    expect(fw2.connections[0].clientHop.entries.map((e) => e.text).join()).toContain('ECONNREFUSED');
  });

  it('rejects a bad device or config with a coded error', async () => {
    await expect(startFirewall({ name: 'fw', device: 'pix 7.2(2)', config: 'policy-map type inspect esmtp m\n parameters\n  allow-tls', clock: monotonicClock(), upstream: { host: '127.0.0.1', port: 1 } })).rejects.toMatchObject({
      code: 'E_FIREWALL_CONFIG',
      errors: [{ line: 3, col: 3 }],
    });
  });
});
